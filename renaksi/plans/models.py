"""The action plan (Rencana Aksi RB) and its tree, kept exactly as the decree numbers it.

ActionPlan → PlanArea → Activity → SubActivity → Indicator. ``ChangeArea`` is reference data:
the 8 standard change areas of the RB road map (PermenPANRB 25/2020). A plan's areas point at
them but keep the name as the decree writes it. The schedule of a sub-activity is a 12-bit mask
(bit 0 = January), read through ``months`` and ``is_due()``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renaksi.lib.decree.model import render_message
from renaksi.units.models import Unit

ALL_MONTHS_MASK = (1 << 12) - 1


def months_to_mask(months) -> int:
    mask = 0
    for month in months:
        if not 1 <= month <= 12:
            raise ValueError(f"month out of range: {month}")
        mask |= 1 << (month - 1)
    return mask


def mask_to_months(mask: int) -> list[int]:
    return [month for month in range(1, 13) if mask & (1 << (month - 1))]


class ChangeArea(models.Model):
    """One of the 8 standard change areas (Area Perubahan) of the RB road map."""

    number = models.PositiveSmallIntegerField(
        _("nomor"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        verbose_name = _("area perubahan")
        verbose_name_plural = _("area perubahan")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ActionPlan(models.Model):
    """One unit's Rencana Aksi RB for one year, with the decree (Keputusan) that sets it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "diajukan", _("Diajukan ke Tim Pengarah")
        RETURNED = "dikembalikan", _("Dikembalikan untuk diperbaiki")
        DITETAPKAN = "ditetapkan", _("Ditetapkan")
        ARSIP = "arsip", _("Arsip")

    # The states in which the secretariat may change the plan (the editor, an import).
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})

    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )

    class Schedule(models.TextChoices):
        MONTH = "month", _("Bulanan (JAN–DES)")
        QUARTER = "quarter", _("Triwulanan (TW I–IV)")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    schedule_kind = models.CharField(
        _("jenis jadwal"),
        max_length=10,
        choices=Schedule.choices,
        default=Schedule.MONTH,
        help_text=_("Bulanan: jadwal sub kegiatan per bulan; triwulanan: per triwulan."),
    )

    # The decree (Keputusan) that sets the plan.
    decree_number = models.CharField(_("nomor keputusan"), max_length=100, blank=True)
    decree_title = models.TextField(_("judul lengkap keputusan"), blank=True)
    decree_subject = models.TextField(_("tentang"), blank=True)
    decree_place = models.CharField(_("ditetapkan di"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal ditetapkan"), null=True, blank=True)
    signer_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    signer_title = models.CharField(_("jabatan penanda tangan"), max_length=300, blank=True)
    certifier_name = models.CharField(_("nama pengesah salinan"), max_length=200, blank=True)
    certifier_title = models.CharField(_("jabatan pengesah salinan"), max_length=300, blank=True)
    considerations = models.JSONField(_("menimbang"), default=list, blank=True)
    legal_bases = models.JSONField(_("mengingat"), default=list, blank=True)
    notes_considered = models.JSONField(_("memperhatikan"), default=list, blank=True)
    dictums = models.JSONField(_("diktum"), default=list, blank=True)
    budget_reference = models.CharField(_("rujukan anggaran (DIPA)"), max_length=300, blank=True)
    # Monthly reports are due on this day of the following month (unit's time zone); a report
    # after it is accepted and flagged late (renaksi/work).
    report_due_day = models.PositiveSmallIntegerField(
        _("batas laporan bulanan (tanggal)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Tanggal pada bulan berikutnya, batas laporan realisasi tepat waktu."),
    )
    # The months in which the plan is monitored and evaluated (renaksi/monitoring), a 12-bit
    # mask like SubActivity.schedule: March, June, September and December by default
    # (Bengkayang: March, June, September).
    monitoring_months = models.PositiveSmallIntegerField(
        _("bulan monitoring dan evaluasi"),
        default=months_to_mask([3, 6, 9, 12]),
        validators=[MaxValueValidator(ALL_MONTHS_MASK)],
    )

    approved_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("disetujui oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("waktu persetujuan"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("diajukan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("waktu pengajuan"), null=True, blank=True)
    return_note = models.TextField(
        _("catatan pengembalian"),
        blank=True,
        help_text=_("Catatan Tim Pengarah saat mengembalikan rencana aksi untuk diperbaiki."),
    )
    # Optimistic locking: every change through a service raises it by one (see plans/editing).
    version = models.PositiveIntegerField(_("versi"), default=1)

    source_file = models.FileField(
        _("berkas sumber"), upload_to="decrees/%Y/", max_length=300, blank=True
    )
    source_name = models.CharField(_("nama berkas sumber"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("SHA-256 berkas sumber"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("waktu impor"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # The plan list's counts of the tree (areas, activities, sub-activities, indicators) with
    # the plan's id, version and time of change they were counted at: {"key": …, "counts":
    # […]}. Written by the plan list when missing or out of date (renaksi/plans/counts.py),
    # never by a form; a plan changed since is counted again.
    tree_counts = models.JSONField(_("jumlah pohon"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        ordering = ["-year", "unit__code"]
        # The plan list reads the newest year first: with this index it stops after one year.
        indexes = [models.Index(fields=["year"], name="plan_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="one_plan_per_unit_year",
                violation_error_message=_(
                    "Satker ini sudah memiliki rencana aksi untuk tahun itu."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Rencana Aksi RB %(unit)s Tahun %(year)s") % {
            "unit": self.unit.name,
            "year": self.year,
        }

    @property
    def is_editable(self) -> bool:
        """Draft or returned: the secretariat may change it (editor, import)."""
        return self.status in self.EDITABLE_STATUSES


class PlanArea(models.Model):
    """A change area as the plan's appendix lists it."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("rencana aksi"), on_delete=models.CASCADE, related_name="areas"
    )
    change_area = models.ForeignKey(
        ChangeArea, verbose_name=_("area perubahan baku"), on_delete=models.PROTECT
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    name = models.CharField(_("nama (sesuai keputusan)"), max_length=300)
    inferred = models.BooleanField(
        _("disimpulkan"),
        default=False,
        help_text=_("Baris area tidak ada di sumber; area disimpulkan oleh pengimpor."),
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    source_line = models.PositiveIntegerField(_("baris sumber"), null=True, blank=True)

    class Meta:
        verbose_name = _("area rencana aksi")
        verbose_name_plural = _("area rencana aksi")
        ordering = ["plan", "number"]
        # (parent, id): counting and loading a plan's tree reads the index alone.
        indexes = [models.Index(fields=["plan", "id"], name="plan_area_tree")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_area_number_unique"),
            models.UniqueConstraint(fields=["plan", "change_area"], name="plan_area_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Activity(models.Model):
    """A kegiatan within an area. ``number`` is as printed; ``position`` keeps the order."""

    area = models.ForeignKey(
        PlanArea, verbose_name=_("area"), on_delete=models.CASCADE, related_name="activities"
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    position = models.PositiveSmallIntegerField(_("urutan"))
    name = models.TextField(_("nama"))
    pic = models.ForeignKey(
        "auth.User",
        verbose_name=_("penanggung jawab (PIC)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_owned",
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    source_line = models.PositiveIntegerField(_("baris sumber"), null=True, blank=True)

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["area", "position"]
        indexes = [models.Index(fields=["area", "id"], name="activity_tree")]
        constraints = [
            models.UniqueConstraint(fields=["area", "position"], name="activity_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class SubActivity(models.Model):
    """A sub kegiatan: the unit of work that is scheduled and reported on."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("kegiatan"),
        on_delete=models.CASCADE,
        related_name="sub_activities",
    )
    number = models.PositiveSmallIntegerField(_("nomor"))
    position = models.PositiveSmallIntegerField(_("urutan"))
    name = models.TextField(_("nama"))
    schedule = models.PositiveSmallIntegerField(
        _("jadwal"),
        default=0,
        help_text=_(
            "Rencana bulanan: bit 0 = Januari … bit 11 = Desember. "
            "Rencana triwulanan: bit 0 = TW I … bit 3 = TW IV."
        ),
    )
    # Extra columns of the decree's table, as printed (PIC as text until a person is chosen).
    pic_text = models.CharField(
        _("penanggung jawab (sesuai keputusan)"), max_length=300, blank=True
    )
    target_text = models.TextField(_("target"), blank=True)
    output_text = models.TextField(_("output"), blank=True)
    budget_text = models.CharField(_("anggaran"), max_length=300, blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    pic = models.ForeignKey(
        "auth.User",
        verbose_name=_("penanggung jawab (PIC)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_owned",
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    source_line = models.PositiveIntegerField(_("baris sumber"), null=True, blank=True)

    class Meta:
        verbose_name = _("sub kegiatan")
        verbose_name_plural = _("sub kegiatan")
        ordering = ["activity", "position"]
        indexes = [models.Index(fields=["activity", "id"], name="sub_activity_tree")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "position"], name="sub_activity_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(schedule__gte=0, schedule__lte=ALL_MONTHS_MASK),
                name="sub_activity_schedule_12_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def months(self) -> list[int]:
        return mask_to_months(self.schedule)

    @months.setter
    def months(self, months) -> None:
        self.schedule = months_to_mask(months)

    def is_due(self, month: int) -> bool:
        """Scheduled in ``month``, for a monthly plan (bit 0 = January)."""
        return bool(self.schedule & (1 << (month - 1)))

    @property
    def quarters(self) -> list[int]:
        """The quarters (1-4) of a quarterly plan's sub-activity (bit 0 = TW I)."""
        return [quarter for quarter in range(1, 5) if self.schedule & (1 << (quarter - 1))]

    def is_due_in_month(self, month: int, schedule_kind: str) -> bool:
        """Scheduled in ``month``: that month in a monthly plan, its quarter in a quarterly one."""
        if schedule_kind == ActionPlan.Schedule.QUARTER:
            return bool(self.schedule & (1 << ((month - 1) // 3)))
        return self.is_due(month)

    def periods(self, schedule_kind: str) -> tuple[bool, ...]:
        """Due or not for each period of the plan: 12 months, or 4 quarters."""
        count = 4 if schedule_kind == ActionPlan.Schedule.QUARTER else 12
        return tuple(bool(self.schedule & (1 << index)) for index in range(count))


class Indicator(models.Model):
    """An indikator keberhasilan of a sub-activity, with an optional measurable target."""

    class Kind(models.TextChoices):
        DOKUMEN = "dokumen", _("Dokumen")
        PERSENTASE = "persentase", _("Persentase")
        JUMLAH = "jumlah", _("Jumlah")
        INDEKS = "indeks", _("Indeks")

    sub_activity = models.ForeignKey(
        SubActivity,
        verbose_name=_("sub kegiatan"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(_("urutan"))
    label = models.CharField(
        _("nomor/huruf"), max_length=10, blank=True, help_text=_("Penomoran sesuai keputusan.")
    )
    text = models.TextField(_("indikator"))
    kind = models.CharField(_("jenis target"), max_length=20, choices=Kind.choices, blank=True)
    target_value = models.DecimalField(
        _("nilai target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit_of_measure = models.CharField(_("satuan"), max_length=50, blank=True)
    # The kinds of bukti dukung this indicator expects (renaksi.work.models.EvidenceKind).
    expected_evidence = models.JSONField(
        _("bukti dukung yang diharapkan"), default=list, blank=True
    )
    version = models.PositiveIntegerField(_("versi"), default=1)
    source_line = models.PositiveIntegerField(_("baris sumber"), null=True, blank=True)

    class Meta:
        verbose_name = _("indikator keberhasilan")
        verbose_name_plural = _("indikator keberhasilan")
        ordering = ["sub_activity", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sub_activity", "position"], name="indicator_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True) | ~models.Q(kind=""),
                name="indicator_target_needs_kind",
                violation_error_message=_("Nilai target memerlukan jenis target."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="persentase")
                | models.Q(target_value__isnull=True)
                | models.Q(target_value__gte=0, target_value__lte=100),
                name="indicator_percentage_0_100",
                violation_error_message=_("Target persentase harus di antara 0 dan 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


# What each importer finding kind means, for people (see docs/importer.md).
FINDING_KIND_LABELS = {
    "wide_table": _("Tabel lebih lebar dari 12 bulan"),
    "month_overflow": _("Tanda bulan di luar kolom JAN–DES"),
    "month_header": _("Judul kolom bulan tidak lengkap"),
    "row_shifted": _("Baris bergeser"),
    "ambiguous_cell": _("Teks ganda atau salah kolom"),
    "merged_months": _("Jadwal baris indikator digabungkan"),
    "page_continuation": _("Lanjutan dari halaman sebelumnya"),
    "list_split": _("Daftar dalam satu sel dipecah"),
    "area_inferred": _("Area disimpulkan"),
    "area_suggested": _("Baris area mungkin hilang"),
    "missing_number": _("Tanpa nomor"),
    "numbering_gap": _("Nomor melompat"),
    "numbering_repeat": _("Nomor berulang"),
    "numbering_order": _("Nomor tidak urut"),
    "area_missing": _("Area tidak ada"),
    "area_unknown": _("Nomor area tidak dikenal"),
    "area_name": _("Nama area berbeda dari baku"),
    "missing_indicator": _("Tanpa indikator"),
    "empty_schedule": _("Tanpa jadwal"),
    "stale_year": _("Tahun lama"),
    "place_mismatch": _("Tempat penetapan berbeda"),
    "date_mismatch": _("Tanggal penetapan berbeda"),
    "signer_mismatch": _("Penanda tangan berbeda"),
    "year_mismatch": _("Tahun tidak cocok"),
    "missing_field": _("Bagian keputusan tidak ada"),
    "stray_text": _("Teks di luar kolom"),
    "orphan_marks": _("Tanda bulan tanpa sub kegiatan"),
    "area_without_name": _("Area tanpa nama"),
    "unit_mismatch": _("Satker tidak cocok"),
    "schedule_in_words": _("Jadwal ditulis dengan kata-kata"),
    "quarterly_schedule": _("Jadwal per triwulan"),
    "extra_columns": _("Kolom tambahan"),
    "missing_column": _("Kolom tidak ada"),
    "page_furniture": _("Nomor atau kepala halaman"),
    "area_repeated": _("Baris area diulang"),
    "area_number_inferred": _("Nomor area disimpulkan"),
    "implicit_sub_activity": _("Kegiatan tanpa sub kegiatan"),
    "missing_body": _("Batang tubuh keputusan tidak ada"),
    # What the XLSX, DOCX and PDF readers notice (renaksi/lib/decree/read_*.py).
    "body_sheet": _("Batang tubuh dari lembar lain"),
    "sheet_skipped": _("Lembar tidak dibaca"),
    "hidden_sheet": _("Lembar tersembunyi"),
    "second_table": _("Tabel Lampiran lain tidak dibaca"),
    "outside_table": _("Teks di luar tabel"),
    "formula_cell": _("Rumus tanpa nilai tersimpan"),
    "formula_values": _("Nilai rumus dibaca"),
    "hidden_rows": _("Baris tersembunyi"),
    "hidden_columns": _("Kolom tersembunyi"),
    "nested_table": _("Tabel di dalam sel"),
    "pdf_text_strategy": _("Tabel PDF tanpa garis"),
    "pdf_text_outside_cells": _("Teks PDF di luar sel"),
    "scanned_page": _("Halaman hasil pindaian"),
}
# A kind without a label above (a newer reader, an old row) is never shown as its code.
OTHER_FINDING_KIND = _("Temuan lain")


def finding_kind_label(kind: str) -> str:
    return str(FINDING_KIND_LABELS.get(kind, OTHER_FINDING_KIND))


def translated_message(template: str, params, fallback: str) -> str:
    """A finding's message in the active language: ``gettext(template) % params`` (nested
    phrases translated too). ``fallback`` (the Indonesian text) when there is no template or
    the template and its values do not fit together; never raises."""
    if not template or not isinstance(params, dict):
        return fallback
    try:
        return render_message(template, params, gettext)
    except (KeyError, TypeError, ValueError, AttributeError):
        return fallback


class ImportFinding(models.Model):
    """Something the decree importer chose or noticed, for a person to confirm."""

    class Severity(models.TextChoices):
        INFO = "info", _("Info")
        WARNING = "warning", _("Perlu dicek")
        ERROR = "error", _("Kesalahan")

    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    line = models.PositiveIntegerField(_("baris"), null=True, blank=True)
    kind = models.CharField(_("jenis"), max_length=50)
    severity = models.CharField(
        _("tingkat"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    message = models.TextField(_("pesan"))
    # The message as a translatable template and its values, so that it follows the reader's
    # language (``message`` keeps the Indonesian text as written at import time).
    message_template = models.TextField(_("templat pesan"), blank=True)
    message_params = models.JSONField(_("nilai pesan"), default=dict, blank=True)
    position = models.JSONField(
        _("posisi di sumber"), default=dict, blank=True, help_text=_("Baris, lembar, sel, halaman.")
    )
    excerpt = models.TextField(_("kutipan sumber"), blank=True)
    choice_key = models.CharField(_("kunci pilihan"), max_length=100, blank=True)
    options = models.JSONField(_("pilihan bacaan"), default=list, blank=True)
    chosen = models.CharField(_("bacaan yang dipakai"), max_length=50, blank=True)
    # The row the finding concerns (set by the importer from the source line; kept when the
    # row is edited, cleared when it is deleted).
    area = models.ForeignKey(
        PlanArea,
        verbose_name=_("area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("kegiatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    sub_activity = models.ForeignKey(
        SubActivity,
        verbose_name=_("sub kegiatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )

    class Resolution(models.TextChoices):
        CONFIRMED = "confirmed", _("Bacaan dikonfirmasi")
        CORRECTED = "corrected", _("Baris diperbaiki")

    resolution = models.CharField(
        _("penyelesaian"), max_length=20, choices=Resolution.choices, blank=True
    )
    confirmed_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("dikonfirmasi oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("waktu konfirmasi"), null=True, blank=True)

    class Meta:
        verbose_name = _("temuan impor")
        verbose_name_plural = _("temuan impor")
        ordering = ["plan", "line", "id"]

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"

    @property
    def kind_label(self) -> str:
        return finding_kind_label(self.kind)

    @property
    def display_message(self) -> str:
        """The message in the reader's language (``message`` keeps the Indonesian text)."""
        return translated_message(self.message_template, self.message_params, self.message)
