"""The submission chain: a unit's quarterly package travelling up the hierarchy.

A ``Submission`` is one unit's package for one year and quarter: the monitoring report, the
LKE and the evidence index (a snapshot of their figures is kept when it is sent). It sits at
one unit at a time (``at_unit``): sent by a KPU Kabupaten/Kota it goes to its KPU Provinsi;
accepted there it goes on to KPU RI; accepted at KPU RI it is done. Returned at any level it
goes back to the unit with the reviewer's note. Once sent, the period is locked: the
realisations, monitoring narrative and LKE answers of that quarter cannot change until it is
reopened with a recorded reason. Every step is a ``SubmissionStep`` row and an audit entry.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.monitoring.models import QUARTER_VALIDATORS
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit


class Submission(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("dikirim, menunggu tinjauan")
        RETURNED = "returned", _("dikembalikan untuk diperbaiki")
        ACCEPTED = "accepted", _("diterima")
        REOPENED = "reopened", _("dibuka kembali")

    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), validators=QUARTER_VALIDATORS)
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    assessment = models.ForeignKey(
        "evaluation.Assessment",
        verbose_name=_("lembar kerja evaluasi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    state = models.CharField(_("status"), max_length=20, choices=State.choices)
    # The unit whose reviewers act next (the province, then KPU RI); the unit itself once
    # returned or reopened.
    at_unit = models.ForeignKey(
        Unit, verbose_name=_("berada di"), on_delete=models.PROTECT, related_name="+"
    )
    locked = models.BooleanField(_("periode dikunci"), default=True)
    late = models.BooleanField(_("terlambat"), default=False)
    due_on = models.DateField(_("batas pengiriman"), null=True, blank=True)
    # Figures at sending time: monitoring summary, LKE index and scores by area, counts.
    snapshot = models.JSONField(
        _("ringkasan saat dikirim"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("waktu kirim"), default=timezone.now)
    decided_at = models.DateTimeField(_("waktu keputusan terakhir"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)

    class Meta:
        verbose_name = _("pengiriman laporan triwulan")
        verbose_name_plural = _("pengiriman laporan triwulan")
        ordering = ["-year", "-quarter", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"], name="submission_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="submission_quarter_1_4"
            ),
        ]
        indexes = [
            models.Index(fields=["at_unit", "state"], name="submission_at_state"),
            models.Index(fields=["year", "quarter", "state"], name="submission_yq_state"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} TW {self.quarter}"


class SubmissionStep(models.Model):
    """One step of a submission's journey, never changed afterwards."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("dikirim")
        FORWARDED = "forwarded", _("diterima dan diteruskan")
        ACCEPTED = "accepted", _("diterima")
        RETURNED = "returned", _("dikembalikan")
        REOPENED = "reopened", _("dibuka kembali")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("langkah"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at_unit = models.ForeignKey(
        Unit, verbose_name=_("di satker"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("langkah pengiriman")
        verbose_name_plural = _("langkah pengiriman")
        ordering = ["submission", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission} · {self.action}"


class SubmissionDeadline(models.Model):
    """When a quarter's package is due (set by KPU RI per year); without a row the default of
    settings.RENAKSI_SUBMISSION_DUE_DAYS after the quarter's end applies."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), validators=QUARTER_VALIDATORS)
    due_on = models.DateField(_("batas pengiriman"))

    class Meta:
        verbose_name = _("batas pengiriman triwulan")
        verbose_name_plural = _("batas pengiriman triwulan")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="deadline_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} TW {self.quarter}: {self.due_on}"
