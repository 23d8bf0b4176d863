from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Where a plan stands at a glance: the unit, province and national dashboards and the
    schedule view, read from the year's work (renaksi/work) and its precomputed summaries."""

    name = "renaksi.dashboards"
    label = "dashboards"
    verbose_name = _("dasbor")

    def ready(self) -> None:
        from .summary_triggers import install_after_migrate

        # After every migrate: SQLite loses a table's triggers when a migration rebuilds it.
        post_migrate.connect(
            install_after_migrate, sender=self, dispatch_uid="dashboards_summary_triggers"
        )
