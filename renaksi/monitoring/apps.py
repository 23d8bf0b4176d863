from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Quarterly monitoring (monev TW I–IV) computed from the monthly realisations, with its
    narratives and follow-up actions (tindak lanjut)."""

    name = "renaksi.monitoring"
    label = "monitoring"
    verbose_name = _("monitoring dan evaluasi triwulanan")
