"""The overviews of the submission chain: a KPU Provinsi's regencies and KPU RI's country.

Both read only cached figures (``Submission`` rows and the totals cached on ``Assessment``,
see evaluation.services.refresh_totals), so their cost does not grow with the number of
units: aggregates for the summaries, one page of rows, and one query each for the page's
submissions, assessments and plans. The same number of queries at 14 and at 514 regencies
(tests/test_overview_pages.py, scripts/bench_overview.py).

A quarter's state for one unit (``Cell.kind``):

* ``not_started`` — the quarter has not begun;
* ``not_submitted`` — nothing sent yet and its deadline has not passed;
* ``overdue`` — nothing sent and the deadline has passed (counted as late);
* ``waiting`` — sent, waiting at the province or at KPU RI (``at_unit``; labelled
  "menunggu KPU Provinsi" / "menunggu KPU RI");
* ``returned`` / ``reopened`` — back at the unit to be corrected;
* ``accepted`` — accepted by KPU RI.

A sent package is also flagged ``late`` when it was sent after its deadline.

Completeness of the LKE, as the provinces report it ("29 dari 38 Kab/Kota (76 %) belum
melengkapi LKE", DOMAIN.md §3.4): a unit's LKE is *incomplete* when it has none for the year
or an item is unanswered; it *lacks evidence* when an answer has no evidence.
"""

from __future__ import annotations

import datetime
import decimal
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from renaksi.evaluation.scoring import display
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit

from .models import Submission
from .services import due_dates, quarter_bounds, quarter_name

ROWS_PER_PAGE = 50
QUARTERS = (1, 2, 3, 4)
State = Submission.State

CELL_LABELS = {
    "not_started": _("belum berjalan"),
    "not_submitted": _("belum dikirim"),
    "overdue": _("lewat batas"),
    "waiting": _("menunggu KPU Provinsi"),
    "forwarded": _("menunggu KPU RI"),
    "returned": _("dikembalikan"),
    "reopened": _("dibuka kembali"),
    "accepted": _("diterima"),
}
# The ?status= filter: its value in the address, its label.
STATUS_FILTERS = {
    "belum": _("belum dikirim"),
    "terlambat": _("terlambat"),
    "menunggu": _("menunggu tinjauan"),
    "dikembalikan": _("dikembalikan / dibuka kembali"),
    "diterima": _("diterima"),
}
ORDERS = {
    "kode": _("kode"),
    "nama": _("nama"),
    "indeks": _("indeks LKE tertinggi"),
    "kelengkapan": _("butir LKE belum terjawab terbanyak"),
}


@dataclass
class Cell:
    quarter: int
    kind: str
    submission: Submission | None = None
    late: bool = False

    @property
    def label(self) -> str:
        if self.kind == "waiting" and self.submission.at_unit.level == Unit.Level.PUSAT:
            return str(CELL_LABELS["forwarded"])
        return str(CELL_LABELS[self.kind])

    @property
    def title(self) -> str:
        """The longer text (the chip's tooltip)."""
        if self.kind == "overdue":
            return str(_("belum dikirim, lewat batas pengiriman"))
        if self.submission is not None:
            return f"{self.submission.get_state_display()} · {self.submission.at_unit.name}"
        return self.label


@dataclass
class Row:
    unit: Unit
    rank: int
    cells: list[Cell]
    plan_id: int | None = None
    assessment: Any = None
    area_scores: list[decimal.Decimal | None] = field(default_factory=list)


@dataclass
class Rate:
    """ "29 dari 38 (76 %)"."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        if not self.whole:
            return None
        share = decimal.Decimal(self.part * 100) / decimal.Decimal(self.whole)
        return int(share.quantize(decimal.Decimal("1"), rounding=decimal.ROUND_HALF_UP))

    def __str__(self) -> str:
        if self.percent is None:
            return gettext("%(part)s dari %(whole)s") % {"part": self.part, "whole": self.whole}
        return gettext("%(part)s dari %(whole)s (%(percent)s %%)") % {
            "part": self.part,
            "whole": self.whole,
            "percent": self.percent,
        }


# -- choosing the year and the framework ---------------------------------------------------


def default_year(units: QuerySet, today: datetime.date) -> int:
    """The latest year with a plan among ``units``, else this year (one query)."""
    latest = (
        ActionPlan.objects.filter(unit__in=units.values("pk"))
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest or today.year


def requested_year(value, units: QuerySet, today: datetime.date) -> int:
    """The year a page's ``?tahun=`` asks for (2010–2100), otherwise ``default_year``."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = None
    if year is not None and 2010 <= year <= 2100:
        return year
    return default_year(units, today)


def choose_framework(units: QuerySet, year: int, code: str = ""):
    """The framework of the overview's LKE columns: ``code`` if given, else the one most of
    the units' assessments of the year use (one query). None when there is none."""
    from renaksi.evaluation.models import Assessment, Framework

    if code:
        return Framework.objects.filter(code=code).first()
    top = (
        Assessment.objects.filter(unit__in=units.values("pk"), year=year)
        .values("framework")
        .annotate(n=Count("pk"))
        .order_by("-n", "framework")
        .first()
    )
    if top is None:
        return None
    return Framework.objects.filter(pk=top["framework"]).first()


def area_nodes(framework) -> list:
    """The framework's areas (the columns of scores by area), in order (one query)."""
    if framework is None:
        return []
    from renaksi.evaluation.models import Node

    nodes = list(
        Node.objects.filter(framework=framework, kind=Node.Kind.AREA)
        .select_related("parent")
        .order_by("sequence")
        .only("code", "label", "title", "sequence", "parent__label", "parent__title")
    )
    name_areas(nodes)
    return nodes


def name_areas(nodes) -> None:
    """Give each area node a ``heading`` and a ``full_title``: the ZI LKE has areas 1–6 under
    Pemenuhan and again under Reform, so a repeated label is prefixed with its parent's
    ("I.1", "II.1") and the title names the parent."""
    repeated = Counter(node.label for node in nodes)
    for node in nodes:
        parent = node.parent
        if parent is not None and repeated[node.label] > 1:
            node.heading = f"{parent.label}.{node.label}"
            node.full_title = f"{parent.title} · {node.title}"
        else:
            node.heading = node.label or node.code
            node.full_title = node.title


# -- the cells ---------------------------------------------------------------------------------


def cell_for(
    quarter: int,
    submission: Submission | None,
    *,
    year: int,
    due_on: datetime.date,
    today: datetime.date,
) -> Cell:
    if submission is None:
        if today < quarter_bounds(year, quarter)[0]:
            return Cell(quarter, "not_started")
        if today > due_on:
            return Cell(quarter, "overdue", late=True)
        return Cell(quarter, "not_submitted")
    kind = {
        State.SUBMITTED: "waiting",
        State.RETURNED: "returned",
        State.REOPENED: "reopened",
        State.ACCEPTED: "accepted",
    }[submission.state]
    return Cell(quarter, kind, submission, late=submission.late)


def _status_condition(status: str, quarter: int, year: int, due_on, today) -> Q | None:
    """A filter on units for ``?status=`` in ``quarter``."""
    of = Submission.objects.filter(unit=OuterRef("pk"), year=year, quarter=quarter)
    sent = Exists(of)
    if status == "belum":
        return ~Q(sent)
    if status == "terlambat":
        late_sent = Exists(of.filter(late=True))
        if today > due_on:
            return Q(late_sent) | ~Q(sent)
        return Q(late_sent)
    if status == "menunggu":
        return Q(Exists(of.filter(state=State.SUBMITTED)))
    if status == "dikembalikan":
        return Q(Exists(of.filter(state__in=[State.RETURNED, State.REOPENED])))
    if status == "diterima":
        return Q(Exists(of.filter(state=State.ACCEPTED)))
    return None


def _annotate_lke(units: QuerySet, year: int, framework) -> QuerySet:
    from renaksi.evaluation.models import Assessment

    mine = Assessment.objects.filter(unit=OuterRef("pk"), year=year)
    if framework is not None:
        mine = mine.filter(framework=framework)
    mine = mine.order_by("-updated_at")
    return units.annotate(
        lke_index=Subquery(mine.values("index_value")[:1]),
        lke_unanswered=Coalesce(
            Subquery(
                mine.annotate(gap=F("item_count") - F("answered_count")).values("gap")[:1],
                output_field=IntegerField(),
            ),
            Value(-1),
        ),
    )


def _order(units: QuerySet, order: str) -> QuerySet:
    if order == "nama":
        return units.order_by("name", "code")
    if order == "indeks":
        return units.order_by(F("lke_index").desc(nulls_last=True), "code")
    if order == "kelengkapan":
        return units.order_by("-lke_unanswered", "code")
    return units.order_by("code")


def _rows(
    page_units: list[Unit],
    *,
    first_rank: int,
    year: int,
    due: dict[int, datetime.date],
    today: datetime.date,
    framework,
    areas: list,
) -> list[Row]:
    """The page's rows: their submissions, assessments and plans in three queries."""
    from renaksi.evaluation.models import Assessment

    ids = [unit.pk for unit in page_units]
    submissions: dict[tuple[int, int], Submission] = {
        (s.unit_id, s.quarter): s
        for s in Submission.objects.filter(unit_id__in=ids, year=year).select_related("at_unit")
    }
    assessments: dict[int, Any] = {}
    lke = Assessment.objects.filter(unit_id__in=ids, year=year)
    if framework is not None:
        lke = lke.filter(framework=framework)
    for assessment in lke.order_by("updated_at"):  # the latest wins
        assessments[assessment.unit_id] = assessment
    plans = dict(ActionPlan.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "pk"))
    rows = []
    for offset, unit in enumerate(page_units):
        assessment = assessments.get(unit.pk)
        scores = assessment.node_scores if assessment is not None else {}
        rows.append(
            Row(
                unit=unit,
                rank=first_rank + offset,
                cells=[
                    cell_for(
                        q,
                        submissions.get((unit.pk, q)),
                        year=year,
                        due_on=due[q],
                        today=today,
                    )
                    for q in QUARTERS
                ],
                plan_id=plans.get(unit.pk),
                assessment=assessment,
                area_scores=[short_score(scores.get(node.code)) for node in areas],
            )
        )
    return rows


def short_score(score) -> decimal.Decimal | None:
    """A score kept at full precision as text ("7/2", "3213/800" as refresh_totals writes
    them, or a decimal "4.25"), rounded half up to two decimals for display."""
    if score in (None, ""):
        return None
    try:
        value = Fraction(str(score))
    except (ValueError, ZeroDivisionError):
        return None
    return display(value)


def _lke_summary(units: QuerySet, year: int, framework) -> dict[str, Any]:
    """Incomplete / without evidence counts and the mean index over ``units`` (one query)."""
    from renaksi.evaluation.models import Assessment

    lke = Assessment.objects.filter(unit__in=units.values("pk"), year=year)
    if framework is not None:
        lke = lke.filter(framework=framework)
    return lke.aggregate(
        assessed=Count("unit", distinct=True),
        complete=Count("unit", distinct=True, filter=Q(answered_count__gte=F("item_count"))),
        without_evidence=Count("unit", distinct=True, filter=Q(without_evidence_count__gt=0)),
        mean_index=Avg("index_value"),
    )


def _state_counts(submissions: QuerySet) -> dict[tuple, int]:
    """{(group, quarter, state, late): n} — one query; ``group`` the key field's value."""
    return {
        (row["group"], row["quarter"], row["state"], row["late"]): row["n"]
        for row in submissions.values("group", "quarter", "state", "late").annotate(n=Count("pk"))
    }


@dataclass
class QuarterSummary:
    quarter: int
    name: str
    due_on: datetime.date
    total: int
    waiting: int = 0
    returned: int = 0
    accepted: int = 0
    late: int = 0
    begun: bool = True

    @property
    def sent(self) -> int:
        return self.waiting + self.returned + self.accepted

    @property
    def not_submitted(self) -> int:
        return self.total - self.sent

    @property
    def accepted_rate(self) -> Rate:
        return Rate(self.accepted, self.total)

    @property
    def sent_rate(self) -> Rate:
        return Rate(self.sent, self.total)


def _quarter_summaries(
    counts: dict[tuple, int],
    group,
    total: int,
    *,
    year: int,
    due: dict[int, datetime.date],
    today: datetime.date,
) -> list[QuarterSummary]:
    result = []
    for q in QUARTERS:
        summary = QuarterSummary(
            q, quarter_name(q), due[q], total, begun=today >= quarter_bounds(year, q)[0]
        )
        for (g, quarter, state, late), n in counts.items():
            if g != group or quarter != q:
                continue
            if state == State.SUBMITTED:
                summary.waiting += n
            elif state == State.ACCEPTED:
                summary.accepted += n
            else:
                summary.returned += n
            if late:
                summary.late += n
        if today > due[q]:
            summary.late += summary.not_submitted  # unsent after the deadline
        result.append(summary)
    return result


# -- the province overview ---------------------------------------------------------------------


def province_overview(
    province: Unit,
    *,
    year: int,
    today: datetime.date,
    quarter: int | None = None,
    status: str = "",
    order: str = "kode",
    search: str = "",
    page: Any = 1,
    framework_code: str = "",
) -> dict[str, Any]:
    """Everything the province overview shows: summaries over all its regencies and one
    page of rows."""
    regencies = Unit.objects.filter(parent=province, level=Unit.Level.KABUPATEN_KOTA)
    framework = choose_framework(regencies, year, framework_code)
    areas = area_nodes(framework)
    due = due_dates(year)
    total = regencies.count()

    counts = _state_counts(
        Submission.objects.filter(unit__in=regencies.values("pk"), year=year).annotate(
            group=Value(0, output_field=IntegerField())
        )
    )
    summaries = _quarter_summaries(counts, 0, total, year=year, due=due, today=today)
    lke = _lke_summary(regencies, year, framework)
    own_submissions = {
        s.quarter: s
        for s in Submission.objects.filter(unit=province, year=year).select_related("at_unit")
    }
    own = [
        cell_for(q, own_submissions.get(q), year=year, due_on=due[q], today=today) for q in QUARTERS
    ]
    own_plan = (
        ActionPlan.objects.filter(unit=province, year=year).values_list("pk", flat=True).first()
    )

    shown = regencies
    if search:
        shown = shown.filter(Q(name__icontains=search) | Q(code__startswith=search))
    if quarter in QUARTERS and status in STATUS_FILTERS:
        condition = _status_condition(status, quarter, year, due[quarter], today)
        if condition is not None:
            shown = shown.filter(condition)
    shown = _order(_annotate_lke(shown, year, framework), order)
    paginator = Paginator(shown, ROWS_PER_PAGE)
    page_obj = paginator.get_page(page)
    rows = _rows(
        list(page_obj.object_list),
        first_rank=page_obj.start_index(),
        year=year,
        due=due,
        today=today,
        framework=framework,
        areas=areas,
    )
    return {
        "province": province,
        "own": own,
        "own_plan": own_plan,
        "year": year,
        "framework": framework,
        "areas": areas,
        "due": due,
        "total": total,
        "summaries": summaries,
        "lke": lke,
        "incomplete": Rate(total - lke["complete"], total),
        "without_evidence": Rate(lke["without_evidence"], total),
        "without_lke": Rate(total - lke["assessed"], total),
        "rows": rows,
        "page": page_obj,
    }


# -- the national overview ---------------------------------------------------------------------


@dataclass
class ProvinceLine:
    unit: Unit
    regencies: int
    quarter: QuarterSummary
    own: Cell
    assessed: int = 0
    complete: int = 0
    without_evidence: int = 0
    mean_index: Any = None

    @property
    def incomplete(self) -> Rate:
        return Rate(self.regencies - self.complete, self.regencies)

    @property
    def lacking_evidence(self) -> Rate:
        return Rate(self.without_evidence, self.regencies)


def national_overview(
    *,
    year: int,
    today: datetime.date,
    quarter: int,
    level: str = "",
    province_id: int | None = None,
    status: str = "",
    search: str = "",
    order: str = "indeks",
    page: Any = 1,
    framework_code: str = "",
    province_order: str = "kode",
) -> dict[str, Any]:
    """Every province with its rates for ``quarter``, and a ranked, filtered page of units."""
    from renaksi.evaluation.models import Assessment

    below = Unit.objects.exclude(level=Unit.Level.PUSAT)
    regencies = below.filter(level=Unit.Level.KABUPATEN_KOTA)
    framework = choose_framework(below, year, framework_code)
    areas = area_nodes(framework)
    due = due_dates(year)

    provinces = list(Unit.objects.filter(level=Unit.Level.PROVINSI).order_by("code"))
    regency_counts = dict(
        regencies.values("parent_id").annotate(n=Count("pk")).values_list("parent_id", "n")
    )
    counts = _state_counts(
        Submission.objects.filter(
            unit__in=regencies.values("pk"), year=year, quarter=quarter
        ).annotate(group=F("unit__parent_id"))
    )
    own = {
        s.unit_id: s
        for s in Submission.objects.filter(
            unit__level=Unit.Level.PROVINSI, year=year, quarter=quarter
        )
    }
    lke = Assessment.objects.filter(unit__in=regencies.values("pk"), year=year)
    if framework is not None:
        lke = lke.filter(framework=framework)
    lke_by_province = {
        row["unit__parent_id"]: row
        for row in lke.values("unit__parent_id").annotate(
            assessed=Count("unit", distinct=True),
            complete=Count("unit", distinct=True, filter=Q(answered_count__gte=F("item_count"))),
            without_evidence=Count("unit", distinct=True, filter=Q(without_evidence_count__gt=0)),
            mean_index=Avg("index_value"),
        )
    }
    lines = []
    for unit in provinces:
        n = regency_counts.get(unit.pk, 0)
        summary = _quarter_summaries(counts, unit.pk, n, year=year, due=due, today=today)[
            quarter - 1
        ]
        figures = lke_by_province.get(unit.pk, {})
        lines.append(
            ProvinceLine(
                unit=unit,
                regencies=n,
                quarter=summary,
                own=cell_for(
                    quarter, own.get(unit.pk), year=year, due_on=due[quarter], today=today
                ),
                assessed=figures.get("assessed", 0),
                complete=figures.get("complete", 0),
                without_evidence=figures.get("without_evidence", 0),
                mean_index=figures.get("mean_index"),
            )
        )
    if province_order == "indeks":
        lines.sort(key=lambda line: (line.mean_index is None, -(line.mean_index or 0)))
    elif province_order == "kelengkapan":
        lines.sort(key=lambda line: (-(line.incomplete.percent or 0), line.unit.code))
    elif province_order == "diterima":
        lines.sort(key=lambda line: (-(line.quarter.accepted_rate.percent or 0), line.unit.code))

    regency_total = sum(regency_counts.values())
    complete_total = sum(line.complete for line in lines)
    evidence_total = sum(line.without_evidence for line in lines)
    national = QuarterSummary(quarter, quarter_name(quarter), due[quarter], regency_total)
    for line in lines:
        national.waiting += line.quarter.waiting
        national.returned += line.quarter.returned
        national.accepted += line.quarter.accepted
        national.late += line.quarter.late

    shown = below
    if level in (Unit.Level.PROVINSI, Unit.Level.KABUPATEN_KOTA):
        shown = shown.filter(level=level)
    if province_id:
        shown = shown.filter(Q(parent_id=province_id) | Q(pk=province_id))
    if search:
        shown = shown.filter(Q(name__icontains=search) | Q(code__startswith=search))
    if status in STATUS_FILTERS:
        condition = _status_condition(status, quarter, year, due[quarter], today)
        if condition is not None:
            shown = shown.filter(condition)
    shown = _order(_annotate_lke(shown.select_related("parent"), year, framework), order)
    paginator = Paginator(shown, ROWS_PER_PAGE)
    page_obj = paginator.get_page(page)
    rows = _rows(
        list(page_obj.object_list),
        first_rank=page_obj.start_index(),
        year=year,
        due=due,
        today=today,
        framework=framework,
        areas=areas,
    )
    return {
        "year": year,
        "quarter": quarter,
        "framework": framework,
        "areas": areas,
        "due": due,
        "provinces": lines,
        "national": national,
        "regency_total": regency_total,
        "incomplete": Rate(regency_total - complete_total, regency_total),
        "without_evidence": Rate(evidence_total, regency_total),
        "rows": rows,
        "page": page_obj,
    }
