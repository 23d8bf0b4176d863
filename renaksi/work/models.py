"""The year's work on a plan: the schedule as rows, realisations, evidence and reviews.

``SchedulePeriod``: one cell of the Lampiran's schedule grid as a row, (sub-activity, period)
unique; a month 1–12 of a monthly plan, a quarter 1–4 of a quarterly one. The plan, unit and
year are copied onto it (and onto the realisation) so that dashboards of 553 units filter
without walking the tree; database triggers (triggers.py) refuse a copy that disagrees
with the tree, and carry a plan's unit or year change to its copies. ``planned`` is False for
a period that is no longer (or never was) in the schedule but holds recorded work.

``Realisation``: what was done in one period, with its review state. ``Review``: each
verdict of an assessor, its own row, never overwritten. ``EvidenceFile``: one stored file,
content-addressed by SHA-256 (the same bytes are stored once). ``Evidence``: one item of
bukti dukung (a file or a link) of a realisation; a replacement is a new row pointing at the
one it replaces, so nothing a user uploaded is lost.

The change agents' own plan (Rencana Aksi Agen Perubahan) is ``ChangeAgentPlan`` →
``ChangeAgentAction``; an action's months are SchedulePeriods too, reported the same way.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ALL_MONTHS_MASK, ActionPlan, Indicator, SubActivity
from renaksi.units.models import Unit


class EvidenceKind(models.TextChoices):
    """The kinds of bukti dukung an indicator can ask for (Indicator.expected_evidence)."""

    SK = "sk", _("SK / surat keputusan")
    NOTULEN = "notulen", _("Notulen")
    DAFTAR_HADIR = "daftar_hadir", _("Daftar hadir")
    FOTO = "foto", _("Foto kegiatan")
    LAPORAN = "laporan", _("Laporan")
    TANGKAPAN_LAYAR = "tangkapan_layar", _("Tangkapan layar")
    LAINNYA = "lainnya", _("Lainnya")


class ChangeAgentPlan(models.Model):
    """A change agent's own short action plan (Rencana Aksi Agen Perubahan) for a year."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi satker"),
        on_delete=models.PROTECT,
        related_name="agent_plans",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agen perubahan"),
        on_delete=models.PROTECT,
        related_name="agent_plans",
    )
    title = models.CharField(_("judul"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("rencana aksi agen perubahan")
        verbose_name_plural = _("rencana aksi agen perubahan")
        ordering = ["plan", "agent__last_name", "agent__username"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "agent"], name="one_agent_plan_per_year"),
        ]

    def __str__(self) -> str:
        name = self.agent.get_full_name() or self.agent.username
        return _("Rencana aksi agen perubahan %(name)s") % {"name": name}


class ChangeAgentAction(models.Model):
    """One action of a change agent's plan, with its months (12-bit mask, bit 0 = January)."""

    agent_plan = models.ForeignKey(
        ChangeAgentPlan,
        verbose_name=_("rencana aksi agen perubahan"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    position = models.PositiveSmallIntegerField(_("urutan"))
    title = models.TextField(_("aksi"))
    output_text = models.TextField(_("output"), blank=True)
    schedule = models.PositiveSmallIntegerField(_("jadwal"), default=0)
    version = models.PositiveIntegerField(_("versi"), default=1)

    class Meta:
        verbose_name = _("aksi agen perubahan")
        verbose_name_plural = _("aksi agen perubahan")
        ordering = ["agent_plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent_plan", "position"], name="agent_action_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(schedule__gte=0, schedule__lte=ALL_MONTHS_MASK),
                name="agent_action_schedule_12_months",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SchedulePeriod(models.Model):
    """One scheduled cell: a sub-activity (or a change agent's action) in one period."""

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        related_name="schedule_periods",
    )
    # Copies of plan.unit and plan.year (kept true by the triggers in triggers.py).
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    sub_activity = models.ForeignKey(
        SubActivity,
        verbose_name=_("sub kegiatan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedule_periods",
    )
    agent_action = models.ForeignKey(
        ChangeAgentAction,
        verbose_name=_("aksi agen perubahan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedule_periods",
    )
    # A month (1–12) of a monthly plan, a quarter (1–4) of a quarterly one; change agents'
    # actions are always monthly.
    period = models.PositiveSmallIntegerField(
        _("periode"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    planned = models.BooleanField(
        _("terjadwal"),
        default=True,
        help_text=_("Tidak: pekerjaan di luar jadwal rencana aksi."),
    )
    # The last day on which a report of this period is on time (unit's calendar).
    due_on = models.DateField(_("batas laporan"))

    class Meta:
        verbose_name = _("periode jadwal")
        verbose_name_plural = _("periode jadwal")
        ordering = ["plan", "sub_activity", "agent_action", "period"]
        indexes = [
            models.Index(fields=["plan", "period"], name="period_plan_period"),
            models.Index(fields=["unit", "year", "period"], name="period_unit_year"),
            models.Index(fields=["due_on"], name="period_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sub_activity", "period"],
                condition=Q(sub_activity__isnull=False),
                name="period_sub_activity_unique",
            ),
            models.UniqueConstraint(
                fields=["agent_action", "period"],
                condition=Q(agent_action__isnull=False),
                name="period_agent_action_unique",
            ),
            models.CheckConstraint(
                condition=(Q(sub_activity__isnull=False) & Q(agent_action__isnull=True))
                | (Q(sub_activity__isnull=True) & Q(agent_action__isnull=False)),
                name="period_of_one_item",
            ),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=12), name="period_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.period}"

    @property
    def item(self):
        return self.sub_activity if self.sub_activity_id else self.agent_action


class Realisation(models.Model):
    """What was done in one period: status, progress, narrative, values, and review state."""

    class Status(models.TextChoices):
        NOT_STARTED = "belum_dimulai", _("Belum dimulai")
        IN_PROGRESS = "dalam_proses", _("Dalam proses")
        DONE = "selesai", _("Selesai")
        NOT_DONE = "tidak_terlaksana", _("Tidak terlaksana")
        POSTPONED = "ditunda", _("Ditunda")

    class State(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "diajukan", _("Menunggu verifikasi")
        RETURNED = "dikembalikan", _("Dikembalikan")
        VERIFIED = "terverifikasi", _("Terverifikasi")

    period = models.OneToOneField(
        SchedulePeriod,
        verbose_name=_("periode"),
        on_delete=models.PROTECT,
        related_name="realisation",
    )
    # Copies of the period's (kept true by the triggers in triggers.py). The sub-activity
    # link also makes the importer and the editor see the work (importer/tree.work_relations).
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.PROTECT,
        related_name="realisations",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    sub_activity = models.ForeignKey(
        SubActivity,
        verbose_name=_("sub kegiatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="realisations",
    )
    agent_action = models.ForeignKey(
        ChangeAgentAction,
        verbose_name=_("aksi agen perubahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="realisations",
    )

    status = models.CharField(
        _("status pelaksanaan"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progres (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    narrative = models.TextField(_("uraian pelaksanaan"), blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    postponed_to = models.PositiveSmallIntegerField(
        _("ditunda ke"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    outside_plan = models.BooleanField(_("di luar jadwal"), default=False)
    late = models.BooleanField(_("terlambat"), default=False)

    state = models.CharField(
        _("status verifikasi"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    submitted_at = models.DateTimeField(_("waktu pengajuan"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("waktu verifikasi"), null=True, blank=True)

    version = models.PositiveIntegerField(_("versi"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ["plan", "period"]
        indexes = [
            models.Index(fields=["plan", "state"], name="realisation_plan_state"),
            models.Index(fields=["unit", "year", "state"], name="realisation_unit_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="realisation_progress_0_100",
                violation_error_message=_("Progres harus di antara 0 dan 100 persen."),
            ),
            models.CheckConstraint(
                condition=~Q(status="tidak_terlaksana") | ~Q(reason=""),
                name="realisation_not_done_needs_reason",
                violation_error_message=_("Alasan wajib diisi untuk kegiatan tidak terlaksana."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ditunda") | Q(postponed_to__isnull=False),
                name="realisation_postponed_needs_month",
                violation_error_message=_("Bulan tujuan penundaan wajib dipilih."),
            ),
            models.CheckConstraint(
                condition=Q(postponed_to__isnull=True)
                | Q(postponed_to__gte=1, postponed_to__lte=12),
                name="realisation_postponed_to_1_12",
            ),
        ]

    def __str__(self) -> str:
        return str(self.period)


class IndicatorValue(models.Model):
    """The achieved value of one measurable indicator in one realisation."""

    realisation = models.ForeignKey(
        Realisation, verbose_name=_("realisasi"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="realised_values",
    )
    value = models.DecimalField(_("nilai capaian"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("nilai capaian indikator")
        verbose_name_plural = _("nilai capaian indikator")
        constraints = [
            models.UniqueConstraint(
                fields=["realisation", "indicator"], name="one_value_per_indicator"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    """Content-addressed: the same bytes always land at the same name."""
    sha = instance.sha256
    return f"evidence/{sha[:2]}/{sha[2:4]}/{sha}"


class EvidenceFile(models.Model):
    """One stored file, once per content (SHA-256). Never deleted while evidence uses it."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    # What the content is (checked by content, not by name): pdf, docx, xlsx, jpeg, png.
    file_type = models.CharField(_("jenis berkas"), max_length=10)
    content_type = models.CharField(_("jenis isi"), max_length=100)
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=300)
    thumbnail = models.FileField(_("gambar kecil"), max_length=300, blank=True)
    width = models.PositiveIntegerField(_("lebar"), null=True, blank=True)
    height = models.PositiveIntegerField(_("tinggi"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("jumlah halaman"), null=True, blank=True)
    # generate_national writes storage entries without bytes: marked, never served as files.
    generated = models.BooleanField(_("data bangkitan"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah pertama oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("diunggah pertama"), default=timezone.now)

    class Meta:
        verbose_name = _("berkas bukti dukung")
        verbose_name_plural = _("berkas bukti dukung")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.file_type}, {self.size} B)"


class StagedUpload(models.Model):
    """A file uploaded ahead of its form (drag-and-drop, one request per file), waiting to be
    attached when the form is saved. Only its uploader can attach it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengunggah"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.ForeignKey(
        EvidenceFile, verbose_name=_("berkas"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = _("unggahan sementara")
        verbose_name_plural = _("unggahan sementara")

    def __str__(self) -> str:
        return self.original_name


class Evidence(models.Model):
    """One item of bukti dukung of a realisation: a stored file or a link."""

    realisation = models.ForeignKey(
        Realisation,
        verbose_name=_("realisasi"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    # Copies of the realisation's, for unit-wide lists and reuse checks.
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("rencana aksi"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("judul"), max_length=300)
    kind = models.CharField(
        _("jenis bukti"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.LAINNYA
    )
    as_of = models.DateField(
        _("tanggal dokumen"), null=True, blank=True, help_text=_("Tanggal yang tertera di dokumen.")
    )
    file = models.ForeignKey(
        EvidenceFile,
        verbose_name=_("berkas"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uses",
    )
    original_name = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    url = models.URLField(_("tautan"), max_length=1000, blank=True)
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indikator yang dibuktikan"), blank=True, related_name="evidence"
    )
    # A replacement is a new row; the replaced one stays, no longer current.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("menggantikan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    is_current = models.BooleanField(_("versi berlaku"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("waktu unggah"), default=timezone.now)

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["realisation", "uploaded_at", "id"]
        indexes = [
            models.Index(fields=["plan", "is_current"], name="evidence_plan_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file__isnull=False) & Q(url="")) | (Q(file__isnull=True) & ~Q(url="")),
                name="evidence_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """One verdict of an assessor on a submitted realisation: its own row, never overwritten."""

    class Verdict(models.TextChoices):
        VERIFIED = "terverifikasi", _("Terverifikasi")
        RETURNED = "dikembalikan", _("Dikembalikan")

    realisation = models.ForeignKey(
        Realisation, verbose_name=_("realisasi"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifikator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(_("hasil"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("catatan"), blank=True)
    # The realisation's version that was reviewed.
    realisation_version = models.PositiveIntegerField(_("versi realisasi"))
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("verifikasi")
        verbose_name_plural = _("verifikasi")
        ordering = ["realisation", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(verdict="dikembalikan") | ~Q(comment=""),
                name="review_return_needs_comment",
                violation_error_message=_("Catatan wajib diisi saat mengembalikan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} ({self.created_at:%Y-%m-%d})"


class EvidenceReview(models.Model):
    """A reviewer's comment on one evidence item within a review."""

    review = models.ForeignKey(
        Review, verbose_name=_("verifikasi"), on_delete=models.CASCADE, related_name="items"
    )
    evidence = models.ForeignKey(
        Evidence, verbose_name=_("bukti dukung"), on_delete=models.PROTECT, related_name="reviews"
    )
    accepted = models.BooleanField(_("diterima"), default=True)
    comment = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("catatan bukti dukung")
        verbose_name_plural = _("catatan bukti dukung")
        constraints = [
            models.UniqueConstraint(fields=["review", "evidence"], name="one_note_per_evidence"),
        ]

    def __str__(self) -> str:
        return self.comment[:60]


class ReminderSetting(models.Model):
    """A person's choice about reminder e-mails (on by default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        on_delete=models.CASCADE,
        related_name="reminder_setting",
    )
    enabled = models.BooleanField(_("kirim pengingat"), default=True)
    days_ahead = models.PositiveSmallIntegerField(
        _("ingatkan berapa hari sebelumnya"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )

    class Meta:
        verbose_name = _("pengaturan pengingat")
        verbose_name_plural = _("pengaturan pengingat")

    def __str__(self) -> str:
        return str(self.user)


class ReminderDelivery(models.Model):
    """One reminder sent: (person, what, for which item, on which day) once only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("jenis"), max_length=20)  # due, overdue, to_verify
    period = models.ForeignKey(
        SchedulePeriod, verbose_name=_("periode"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("tanggal kirim"))
    sent_at = models.DateTimeField(_("waktu kirim"), default=timezone.now)

    class Meta:
        verbose_name = _("pengingat terkirim")
        verbose_name_plural = _("pengingat terkirim")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_id} {self.sent_on}"
