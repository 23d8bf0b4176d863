from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The official reports: the quarterly Laporan Monitoring dan Evaluasi, the LKE worksheet,
    the recap for higher levels and the national Portal RB's import template."""

    name = "renaksi.reports"
    label = "reports"
    verbose_name = _("laporan resmi")
