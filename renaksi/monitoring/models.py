"""Quarterly monitoring (monev TW I–IV): what people write; the figures are computed.

The quarter's figures (scheduled cells due to date, done, verified, late, not done,
postponed, achievement and deviation, indicator values against targets) are never stored
here: ``services.py`` computes them from the realisations of renaksi.work. What is stored is
what people write about a quarter: the narrative of the whole plan and of each area
(``QuarterReport``, ``AreaNote``: kendala, solusi, rekomendasi) and the follow-up actions
(``FollowUp``, tindak lanjut) that are carried from quarter to quarter until closed.

The months in which a plan is monitored are a setting of the plan
(``ActionPlan.monitoring_months``, a 12-bit mask like the schedule; Bengkayang: March, June,
September).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan, PlanArea
from renaksi.units.models import Unit

QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]
TW = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}


class QuarterReport(models.Model):
    """The narrative of one quarter of a plan, and the data of its official report."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        related_name="quarter_reports",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), validators=QUARTER_VALIDATORS)
    obstacles = models.TextField(_("kendala"), blank=True)
    solutions = models.TextField(_("solusi"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    # The official report (renaksi/reports): its number, date, and who signs it.
    report_number = models.CharField(_("nomor laporan"), max_length=150, blank=True)
    report_date = models.DateField(_("tanggal laporan"), null=True, blank=True)
    foreword = models.TextField(_("kata pengantar"), blank=True)
    signer_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    signer_title = models.CharField(_("jabatan penanda tangan"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    class Meta:
        verbose_name = _("laporan monev triwulan")
        verbose_name_plural = _("laporan monev triwulan")
        ordering = ["plan", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "quarter"], name="quarter_report_once"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_report_1_4"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year", "quarter"], name="quarter_report_uyq")]

    def __str__(self) -> str:
        return f"{self.plan} · {TW.get(self.quarter, self.quarter)}"


class AreaNote(models.Model):
    """The narrative of one change area in one quarter."""

    report = models.ForeignKey(QuarterReport, on_delete=models.CASCADE, related_name="area_notes")
    area = models.ForeignKey(PlanArea, verbose_name=_("area"), on_delete=models.CASCADE)
    obstacles = models.TextField(_("kendala"), blank=True)
    solutions = models.TextField(_("solusi"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)

    class Meta:
        verbose_name = _("catatan area per triwulan")
        verbose_name_plural = _("catatan area per triwulan")
        ordering = ["report", "area__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "area"], name="area_note_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.area}"


class FollowUp(models.Model):
    """A follow-up action (tindak lanjut): opened in one quarter, carried to the next ones
    until it is done or dropped."""

    class State(models.TextChoices):
        OPEN = "open", _("belum dikerjakan")
        IN_PROGRESS = "in_progress", _("sedang dikerjakan")
        DONE = "done", _("selesai")
        DROPPED = "dropped", _("dibatalkan")

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    area = models.ForeignKey(
        PlanArea,
        verbose_name=_("area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    opened_in = models.PositiveSmallIntegerField(
        _("dibuka pada triwulan"), validators=QUARTER_VALIDATORS
    )
    closed_in = models.PositiveSmallIntegerField(
        _("ditutup pada triwulan"), null=True, blank=True, validators=QUARTER_VALIDATORS
    )
    action = models.TextField(_("tindak lanjut"))
    finding = models.TextField(_("temuan / masalah"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penanggung jawab"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    owner_text = models.CharField(_("penanggung jawab (teks)"), max_length=200, blank=True)
    due_on = models.DateField(_("batas waktu"), null=True, blank=True)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.OPEN)
    progress_note = models.TextField(_("perkembangan"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["plan", "opened_in", "id"]
        indexes = [
            models.Index(fields=["plan", "state"], name="follow_up_plan_state"),
            models.Index(fields=["owner", "state"], name="follow_up_owner_state"),
        ]

    def __str__(self) -> str:
        return self.action[:80]

    @property
    def is_closed(self) -> bool:
        return self.state in (self.State.DONE, self.State.DROPPED)
