"""Evaluation frameworks as data, and each unit's self-assessment (LKE) against one.

A ``Framework`` is one version of an evaluation instrument (PMPRB under PermenPANRB 26/2020,
the Zona Integritas LKE of PermenPANRB 90/2021, RB General of KepmenPANRB 739/2023): a tree
of ``Node`` rows, component → aspect → area → sub-component → item, loaded from a data file
in ``renaksi/evaluation/data/frameworks/`` (see docs/frameworks.md) or copied into a new
version by a national administrator. Node codes are stable across versions: the same code in
two versions is the same question, so a unit's answers compare year to year.

Weights are kept as exact fractions written as text ("1/3", "0.40", "2"): the 2020 Pemenuhan
weights are 2014 weights rescaled (5/15 of 1 = 1/3), and rounding them before adding makes the
SDM area 4.99 instead of 5.00. ``scoring.py`` reads them as ``fractions.Fraction``; only
display rounds. A weight the sources do not give stays empty and the node is ``incomplete``.

An ``Assessment`` is one unit's LKE for a year and framework. Each ``Answer`` belongs to one
tier: the unit's own answer (``self``), and the scores of the tiers that review it (the unit's
Tim Asesor, the KPU Provinsi, KPU RI), each on its own row so that no tier overwrites another.
The assessment keeps its totals (index, category, score per area, counts) so that lists of 553
units read them without scoring.
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan, ChangeArea, Indicator
from renaksi.units.models import Unit


class AnswerType(models.TextChoices):
    """How an item is answered (DOMAIN.md §2.4, §4.2, §9)."""

    YES_NO = "yes_no", _("Ya/Tidak")
    ABC = "abc", _("A/B/C")
    ABCD = "abcd", _("A/B/C/D")
    ABCDE = "abcde", _("A/B/C/D/E")
    PERCENT = "percent", _("Persentase dari jumlah")
    SURVEY_0_4 = "survey_0_4", _("Nilai survei (0–4)")
    RANGE_0_100 = "range_0_100", _("Nilai 0–100 (evaluator)")
    RANGE_0_5 = "range_0_5", _("Nilai 0–5 (evaluator)")


# Answer types answered by choosing an option, and their option codes in order.
OPTION_CODES = {
    AnswerType.YES_NO: ("ya", "tidak"),
    AnswerType.ABC: ("a", "b", "c"),
    AnswerType.ABCD: ("a", "b", "c", "d"),
    AnswerType.ABCDE: ("a", "b", "c", "d", "e"),
}
# The default option values (linear steps from 1 to 0, DOMAIN.md §2.4 and §8); a framework's
# data file may set others (Framework.option_values).
DEFAULT_OPTION_VALUES = {
    AnswerType.YES_NO: {"ya": "1", "tidak": "0"},
    AnswerType.ABC: {"a": "1", "b": "1/2", "c": "0"},
    AnswerType.ABCD: {"a": "1", "b": "2/3", "c": "1/3", "d": "0"},
    AnswerType.ABCDE: {"a": "1", "b": "3/4", "c": "1/2", "d": "1/4", "e": "0"},
}
# The top of the scale of numeric answer types (the value is answer ÷ top, 0..1).
NUMBER_SCALE = {
    AnswerType.SURVEY_0_4: 4,
    AnswerType.RANGE_0_100: 100,
    AnswerType.RANGE_0_5: 5,
}


class Formula(models.TextChoices):
    """How a percentage item turns its counts into a value 0..1 (DOMAIN.md §2.4, §5.3)."""

    RATIO = "ratio", _("pembilang ÷ penyebut")  # inputs: numerator, denominator
    # The same, where the numerator may exceed the denominator and the value stops at 100 %
    # ("1 Agen 1 Perubahan": more changes than agents is full marks, not an error).
    CAPPED_RATIO = "capped_ratio", _("pembilang ÷ penyebut, paling tinggi 100 %")
    DECLINE = "decline", _("(tahun lalu − tahun ini) ÷ tahun lalu")  # inputs: previous, current


FORMULA_INPUTS = {
    Formula.RATIO: ("numerator", "denominator"),
    Formula.CAPPED_RATIO: ("numerator", "denominator"),
    Formula.DECLINE: ("previous", "current"),
}


class ZeroDenominator(models.TextChoices):
    """What a percentage item is worth when its denominator is zero (the sources give no rule,
    DOMAIN.md §2.4: the framework states one)."""

    FULL = "full", _("dinilai penuh (tidak ada yang wajib dipenuhi)")
    ZERO = "zero", _("dinilai nol")
    UNANSWERED = "unanswered", _("dianggap belum dijawab")


class AssessorKind(models.TextChoices):
    SELF = "self", _("penilaian mandiri satker")
    UNIT_ASSESSOR = "unit_assessor", _("Tim Asesor satker")
    APIP = "apip", _("APIP / Inspektorat")
    EVALUATOR_MESO = "evaluator_meso", _("Evaluator Meso")
    EVALUATOR_NATIONAL = "evaluator_national", _("Evaluator Nasional")


class Framework(models.Model):
    """One version of an evaluation instrument."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draf (sedang disusun)")
        PUBLISHED = "published", _("berlaku")
        RETIRED = "retired", _("tidak dipakai lagi")

    code = models.SlugField(_("kode"), max_length=60, unique=True)  # e.g. "zi-2021"
    family = models.SlugField(
        _("keluarga"), max_length=40, help_text=_("Sama untuk semua versi, mis. “zi”.")
    )
    year = models.PositiveSmallIntegerField(_("berlaku mulai tahun"))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    title = models.CharField(_("judul"), max_length=300)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    source_note = models.TextField(_("sumber"), blank=True)
    complete = models.BooleanField(
        _("lengkap"),
        default=True,
        help_text=_("Tidak: sebagian bobot atau butir tidak ditemukan di sumber."),
    )
    incomplete_note = models.TextField(_("bagian yang belum lengkap"), blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.PUBLISHED
    )
    # {answer type: {option code: value as text}}: overrides DEFAULT_OPTION_VALUES.
    option_values = models.JSONField(_("nilai pilihan jawaban"), default=dict, blank=True)
    # Item values are rounded to this many decimals before the mean (published ZI worksheets
    # use 0.67 and 0.33); empty: exact.
    value_decimals = models.PositiveSmallIntegerField(
        _("pembulatan nilai butir (desimal)"), null=True, blank=True
    )
    zero_denominator = models.CharField(
        _("penyebut nol"),
        max_length=20,
        choices=ZeroDenominator.choices,
        default=ZeroDenominator.FULL,
    )
    # [{"code": "AA", "label": "Sangat memuaskan", "above": "90", "up_to": "100"}, …]: a total
    # is in a category when above < total ≤ up_to (lower bound exclusive, DOMAIN.md §2.5).
    categories = models.JSONField(_("tabel kategori"), default=list, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("disalin dari"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_file = models.CharField(_("berkas data"), max_length=200, blank=True)
    source_sha256 = models.CharField(_("SHA-256 berkas data"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kerangka evaluasi")
        verbose_name_plural = _("kerangka evaluasi")
        ordering = ["family", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "year", "version"], name="framework_family_year_version"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Node(models.Model):
    """One node of a framework's tree; an item is a node of kind ``item`` (a leaf)."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("komponen")
        ASPECT = "aspect", _("aspek")
        AREA = "area", _("area")
        SUB_COMPONENT = "sub_component", _("sub komponen")
        ITEM = "item", _("butir")

    framework = models.ForeignKey(
        Framework, verbose_name=_("kerangka"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("kode"), max_length=60)  # e.g. "A.I.1.ii.b"; stable
    label = models.CharField(_("nomor"), max_length=20, blank=True)  # "A", "I", "1", "ii", "b"
    title = models.TextField(_("uraian"))
    # Pre-order position in the whole tree: listing by it gives the worksheet's order.
    sequence = models.PositiveIntegerField(_("urutan"))
    depth = models.PositiveSmallIntegerField(_("kedalaman"))
    weight = models.CharField(
        _("bobot"),
        max_length=30,
        blank=True,
        help_text=_("Pecahan tepat, mis. “1/3” atau “0.40”; kosong bila tidak diketahui."),
    )
    incomplete = models.BooleanField(
        _("belum lengkap"),
        default=False,
        help_text=_("Bobot atau isi tidak ditemukan di sumber; tidak dikarang."),
    )
    change_area = models.ForeignKey(
        ChangeArea,
        verbose_name=_("area perubahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("catatan sumber"), blank=True)
    # Items only.
    answer_type = models.CharField(
        _("jenis jawaban"), max_length=20, choices=AnswerType.choices, blank=True
    )
    # [{"code": "a", "label": "Jika semua …", "value": "1"}]; value empty = the framework's.
    options = models.JSONField(_("pilihan jawaban"), default=list, blank=True)
    formula = models.CharField(_("rumus"), max_length=20, choices=Formula.choices, blank=True)
    # [{"name": "numerator", "label": "Jumlah pegawai yang sudah melapor"}, …]
    count_inputs = models.JSONField(_("masukan jumlah"), default=list, blank=True)
    assessor_kind = models.CharField(
        _("dinilai oleh"),
        max_length=30,
        choices=AssessorKind.choices,
        default=AssessorKind.SELF,
    )
    guidance = models.TextField(_("petunjuk / bukti yang diharapkan"), blank=True)

    class Meta:
        verbose_name = _("butir kerangka")
        verbose_name_plural = _("butir kerangka")
        ordering = ["framework", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_code_unique"),
            models.UniqueConstraint(fields=["framework", "sequence"], name="node_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"

    @property
    def weight_fraction(self) -> Fraction | None:
        return Fraction(self.weight) if self.weight else None

    @property
    def is_item(self) -> bool:
        return self.kind == self.Kind.ITEM


class Assessment(models.Model):
    """One unit's LKE (self-assessment) for a year against one framework version."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("kerangka"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
    )
    # Totals of the unit's own answers (tier self), kept by services after every change, so
    # that overviews of many units read them without scoring: see services.refresh_totals.
    index_value = models.DecimalField(
        _("nilai indeks"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    category = models.CharField(_("kategori"), max_length=10, blank=True)
    # {node code: "score as text"} for the framework's areas and components (full precision).
    node_scores = models.JSONField(
        _("nilai per bagian"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    item_count = models.PositiveIntegerField(_("jumlah butir"), default=0)
    answered_count = models.PositiveIntegerField(_("butir terjawab"), default=0)
    without_evidence_count = models.PositiveIntegerField(_("jawaban tanpa bukti"), default=0)
    version = models.PositiveIntegerField(_("versi"), default=1)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("lembar kerja evaluasi")
        verbose_name_plural = _("lembar kerja evaluasi")
        ordering = ["-year", "unit__code", "framework"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "framework"], name="assessment_unit_year_framework"
            ),
        ]
        indexes = [models.Index(fields=["year", "framework"], name="assessment_year_fw")]

    def __str__(self) -> str:
        return f"{self.framework} · {self.unit} {self.year}"

    @property
    def complete(self) -> bool:
        return self.answered_count == self.item_count and not self.without_evidence_count


class Tier(models.TextChoices):
    """Who gave an answer or a score: the unit itself, then the tiers that review it."""

    SELF = "self", _("Penilaian mandiri")
    UNIT_ASSESSOR = "unit_assessor", _("Tim Asesor satker")
    PROVINCE = "province", _("KPU Provinsi")
    NATIONAL = "national", _("KPU RI")


class Answer(models.Model):
    """One tier's answer to one item. The computed ``value`` (0..1) is kept for lists; the
    scoring functions recompute it from the raw answer."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("lembar kerja"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    item = models.ForeignKey(
        Node, verbose_name=_("butir"), on_delete=models.PROTECT, related_name="answers"
    )
    tier = models.CharField(_("tingkat"), max_length=20, choices=Tier.choices, default=Tier.SELF)
    option = models.CharField(_("pilihan"), max_length=10, blank=True)  # "a", "ya"
    number = models.DecimalField(
        _("nilai"), max_digits=12, decimal_places=4, null=True, blank=True
    )  # survey 0–4, ranges 0–100 / 0–5
    counts = models.JSONField(
        _("jumlah"), default=dict, blank=True
    )  # {"numerator": 12, "denominator": 15}
    value = models.DecimalField(
        _("nilai butir"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    justification = models.TextField(_("penjelasan / alasan"), blank=True)
    evidence = models.ManyToManyField(
        "work.Evidence", verbose_name=_("bukti dukung"), blank=True, related_name="lke_answers"
    )
    files = models.ManyToManyField(
        "work.EvidenceFile",
        verbose_name=_("berkas yang diunggah"),
        through="AnswerFile",
        blank=True,
        related_name="lke_answers",
    )
    # Where counts came from when an indicator of the plan fed them (services.
    # feed_from_indicators): {input: {"indicator_id", "indicator", "realisation_id",
    # "period", "value"}}; a count typed by hand has no entry.
    sources = models.JSONField(_("asal jumlah"), default=dict, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dijawab oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("waktu jawab"), default=timezone.now)
    version = models.PositiveIntegerField(_("versi"), default=1)

    class Meta:
        verbose_name = _("jawaban LKE")
        verbose_name_plural = _("jawaban LKE")
        ordering = ["assessment", "item__sequence", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item", "tier"], name="answer_once_per_tier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} ({self.tier})"


class AnswerFile(models.Model):
    """A file uploaded straight to an LKE answer (not through a realisation)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="answer_files")
    file = models.ForeignKey("work.EvidenceFile", on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("waktu unggah"), default=timezone.now)

    class Meta:
        verbose_name = _("berkas jawaban LKE")
        verbose_name_plural = _("berkas jawaban LKE")
        constraints = [
            models.UniqueConstraint(fields=["answer", "file"], name="answer_file_once"),
        ]

    def __str__(self) -> str:
        return self.original_name


class IndicatorLink(models.Model):
    """An indicator of a plan that feeds an LKE item: its realised value fills one count input
    of a percentage item (``input`` = "numerator", …) or, with ``input`` empty, the item's
    percentage itself (realised ÷ target)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="lke_links"
    )
    item = models.ForeignKey(
        Node, verbose_name=_("butir LKE"), on_delete=models.CASCADE, related_name="indicator_links"
    )
    input = models.CharField(_("masukan"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("tautan indikator ke butir LKE")
        verbose_name_plural = _("tautan indikator ke butir LKE")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "item", "input"], name="indicator_link_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.item.code} {self.input}".strip()


__all__ = [
    "DEFAULT_OPTION_VALUES",
    "FORMULA_INPUTS",
    "NUMBER_SCALE",
    "OPTION_CODES",
    "Answer",
    "AnswerFile",
    "AnswerType",
    "Assessment",
    "AssessorKind",
    "Formula",
    "Framework",
    "IndicatorLink",
    "Node",
    "Tier",
    "ZeroDenominator",
]
