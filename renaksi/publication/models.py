"""What a unit publishes of one year's plan in its public RB column (``/publik/<code>/<year>/``).

One ``Publication`` per unit and year, made by the unit's administrator (``PUBLISH_PLAN``)
through ``services.publish`` / ``services.withdraw``, every change an audit entry. What it
shows is chosen field by field; documents are read live when a visitor asks for them
(``public.py``), so a monitoring report reopened since, or evidence no longer verified, is
no longer public even though it is still ticked here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit
from renaksi.work.models import Evidence


class Publication(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    published = models.BooleanField(_("dipublikasikan"), default=False)
    published_at = models.DateTimeField(_("waktu publikasi"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dipublikasikan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("waktu penarikan"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditarik oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdraw_reason = models.TextField(_("alasan penarikan"), blank=True)
    # What the public page shows.
    show_plan = models.BooleanField(_("tampilkan rencana aksi (Lampiran)"), default=True)
    show_progress = models.BooleanField(_("tampilkan capaian per area"), default=True)
    show_names = models.BooleanField(_("tampilkan nama pelaksana"), default=False)
    decree_pdf = models.BooleanField(_("unduhan keputusan lengkap (PDF)"), default=False)
    lampiran_pdf = models.BooleanField(_("unduhan Lampiran rencana aksi (PDF)"), default=True)
    monev_quarters = models.JSONField(
        _("laporan monev triwulan yang diterima"), default=list, blank=True
    )
    evidence = models.ManyToManyField(
        Evidence, verbose_name=_("bukti dukung terverifikasi"), blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("publikasi kolom RB")
        verbose_name_plural = _("publikasi kolom RB")
        ordering = ["unit__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="publication_once_per_year"),
        ]
        indexes = [models.Index(fields=["published", "year"], name="publication_published")]

    def __str__(self) -> str:
        return _("Kolom RB %(unit)s %(year)s") % {"unit": self.unit.name, "year": self.year}
