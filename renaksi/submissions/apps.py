from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    """The submission chain: a unit's quarterly package travels up to the province and to
    KPU RI, is accepted or returned, and is locked once submitted."""

    name = "renaksi.submissions"
    label = "submissions"
    verbose_name = _("pengiriman laporan berjenjang")
