from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Where a plan stands at a glance: the unit, province and national dashboards and the
    schedule view, read from the year's work (renaksi/work) and its precomputed summaries."""

    name = "renaksi.dashboards"
    label = "dashboards"
    verbose_name = _("dasbor")
