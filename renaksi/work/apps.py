from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    """The year's work: the schedule as rows, realisations, evidence, reviews, reminders."""

    name = "renaksi.work"
    label = "work"
    verbose_name = _("pelaksanaan rencana aksi")

    def ready(self) -> None:
        from .triggers import install_after_migrate

        # After every migrate: SQLite loses a table's triggers when a migration rebuilds it.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="work_triggers")
