"""Administrative roles of people in units. Team roles come from renaksi.teams."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renaksi.units.models import Unit


class UnitRole(models.Model):
    """A role a person holds in a unit, beside their place in its reform team.

    * admin: the unit's administrator: manages its users, plan and team.
    * reviewer: reads and reviews the unit and every unit below it (a KPU Provinsi reviewer
      sees its Kabupaten/Kota; a KPU RI reviewer sees all).
    * viewer: reads the unit and every unit below it.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator satker")
        REVIEWER = "reviewer", _("Peninjau")
        VIEWER = "viewer", _("Pembaca")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.PROTECT,
        related_name="unit_roles",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diberikan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("diberikan pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("peran di satker")
        verbose_name_plural = _("peran di satker")
        ordering = ["unit__code", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="unit_role_once",
                violation_error_message=_("Pengguna ini sudah memegang peran itu di satker ini."),
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.unit}"
