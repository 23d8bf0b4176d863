"""The province and national dashboards' figures, read from the plans' summaries.

For every unit shown (a KPU Provinsi's regencies; every unit below KPU RI), on the as-of day
(asof.py, the reading unit's calendar) and for the chosen year:

* **capaian** (achievement): done ÷ due scheduled cells to date, as renaksi/monitoring defines
  it (a cell is due once its period is over); **terverifikasi**: verified ÷ due cells;
* **terlambat** (late): cells whose report deadline has passed with nothing done, not done or
  postponed reported: the schedule's ``CellState.LATE`` (renaksi/dashboards/cells.py);
* **kelengkapan bukti** (evidence completeness): done cells with at least one current
  evidence item ÷ done cells;
* **LKE**: the index of the unit's assessment of the year (the framework most units use, as in
  the submission overviews), and its category;
* **kiriman** (submission): the state of the quarter's package (renaksi/submissions/overview.py
  ``cell_for``), for the last quarter that is over on the as-of day (or ``?triwulan=``).

A group (a province with its regencies, the country) adds its plans' cell counts before
dividing, so a big unit weighs as much as its cells.

Queries: a fixed number whatever the number of units (tests/test_dashboard_rollup_pages.py):
the units, the plans with their summaries, the summaries' freshness (summary.ensure_fresh:
2, or 7 when plans changed since their summary was computed), the LKE framework and the
assessments, the quarter's deadlines and the submissions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan
from renaksi.submissions import overview
from renaksi.submissions.models import Submission
from renaksi.submissions.services import due_dates, quarter_bounds
from renaksi.units.models import Unit

from . import summary
from .models import PlanSummary
from .summary import Totals

QUARTERS = (1, 2, 3, 4)
# The sort keys (?urut=) and their labels; each sorts the best first unless ?arah=naik.
ORDERS = {
    "kode": _("kode"),
    "nama": _("nama"),
    "capaian": _("capaian"),
    "verifikasi": _("terverifikasi"),
    "terlambat": _("terlambat"),
    "bukti": _("kelengkapan bukti"),
    "lke": _("indeks LKE"),
    "kiriman": _("kiriman"),
}
# Sorting the "best first": higher achievement, fewer late cells …
DESCENDING_BY_DEFAULT = {"capaian", "verifikasi", "bukti", "lke", "terlambat"}
# The ?kiriman= filter: the submission cell kinds (overview.CELL_LABELS) offered.
SUBMISSION_FILTERS = {
    "overdue": _("lewat batas"),
    "not_submitted": _("belum dikirim"),
    "waiting": _("menunggu tinjauan"),
    "returned": _("dikembalikan / dibuka kembali"),
    "accepted": _("diterima"),
}
ROWS_PER_PAGE = 50


@dataclass
class Line:
    """One unit's row."""

    unit: UnitRow
    plan: PlanRow | None
    sums: dict | None
    totals: Totals | None
    submission: overview.Cell
    lke_index: Decimal | None = None
    lke_category: str = ""

    @property
    def achievement(self):
        return self.totals.achievement if self.totals else None

    @property
    def verified_share(self):
        return self.totals.verified_share if self.totals else None

    @property
    def late(self) -> int | None:
        return self.totals.late if self.totals else None

    @property
    def evidence_share(self):
        return self.totals.evidence_share if self.totals else None

    @property
    def submission_kind(self) -> str:
        kind = self.submission.kind
        return "returned" if kind == "reopened" else kind


@dataclass
class Group:
    """A province (with its regencies) or the country: its cells added together."""

    unit: Unit | None
    units: int = 0
    plans: int = 0
    totals: Totals | None = None
    accepted: int = 0
    sent: int = 0
    overdue: int = 0
    late_units: int = 0
    lke_mean: Decimal | None = None
    lke_count: int = 0
    lines: list[Line] = field(default_factory=list)

    @property
    def achievement(self):
        return self.totals.achievement if self.totals else None


def last_quarter(year: int, day: datetime.date) -> int:
    """The last quarter of ``year`` that is over on ``day`` (1 before the first is over)."""
    for quarter in reversed(QUARTERS):
        if day > quarter_bounds(year, quarter)[1]:
            return quarter
    return 1


@dataclass(slots=True)
class UnitRow:
    """What a line shows of a unit (read as plain values: 553 model instances, and their
    parents, would cost more than the rest of the page)."""

    pk: int
    code: str
    name: str
    level: str
    parent_id: int | None
    parent_name: str = ""


@dataclass(slots=True)
class PlanRow:
    """What the figures need of a plan (summary.add_periods)."""

    pk: int
    year: int
    schedule_kind: str
    report_due_day: int


@dataclass(slots=True)
class SubmissionRow:
    """What overview.Cell shows of a submission."""

    state: str
    late: bool
    at_unit: UnitRow

    def get_state_display(self) -> str:
        return str(Submission.State(self.state).label)


def unit_rows(units) -> list[UnitRow]:
    """``units`` (a Unit queryset) as rows, by code (one query)."""
    return [
        UnitRow(pk, code, name, level, parent_id, parent_name or "")
        for pk, code, name, level, parent_id, parent_name in units.order_by("code").values_list(
            "pk", "code", "name", "level", "parent_id", "parent__name"
        )
    ]


# The summaries' periods already read by this process, by plan id: (computed_at, periods). A
# summary is rewritten with a new computed_at whenever it is recomputed, so an entry whose
# computed_at still matches is the stored value; decoding 553 JSON documents a request cost
# more than anything else on the national dashboard.
_PERIODS: dict[int, tuple[Any, list]] = {}


def _periods(plans: list[tuple[int, Any]]) -> dict[int, list]:
    """The summary periods of ``plans`` ((plan id, summary computed_at) pairs): from this
    process's memory when still current, the others read in one query (always run, so the
    number of queries does not depend on what is remembered)."""
    result, wanted = {}, []
    for pk, computed_at in plans:
        known = _PERIODS.get(pk)
        if known is not None and known[0] == computed_at:
            result[pk] = known[1]
        elif computed_at is not None:
            wanted.append(pk)
    for pk, computed_at, periods in PlanSummary.objects.filter(
        plan_id__in=wanted or [0]
    ).values_list("plan_id", "computed_at", "periods"):
        _PERIODS[pk] = (computed_at, periods)
        result[pk] = periods
    return result


def lines_for(
    units: list[UnitRow],
    *,
    scope: Q,
    year: int,
    as_of: datetime.date,
    quarter: int,
    framework_scope,
) -> tuple[list[Line], Any]:
    """The line of each of ``units``, whose plans, assessments and submissions are those
    matching ``scope`` (a filter on ``unit``: the year's rows of those units and possibly more,
    never fewer) — a fixed number of queries."""
    plans_qs = ActionPlan.objects.filter(scope, year=year).order_by()
    summary.ensure_fresh(plans_qs)
    rows = list(
        plans_qs.values_list(
            "pk", "unit_id", "year", "schedule_kind", "report_due_day", "summary__computed_at"
        )
    )
    periods_of = _periods([(row[0], row[5]) for row in rows])
    plans = {
        unit_id: (PlanRow(pk, plan_year, kind, due_day), periods_of.get(pk) or [])
        for pk, unit_id, plan_year, kind, due_day, _computed in rows
    }
    framework = overview.choose_framework(Unit.objects.filter(framework_scope), year)
    assessments: dict[int, tuple[Decimal | None, str]] = {}
    if framework is not None:
        from renaksi.evaluation.models import Assessment

        for unit_id, index, category in (
            Assessment.objects.filter(scope, year=year, framework=framework)
            .order_by("updated_at")
            .values_list("unit_id", "index_value", "category")
        ):
            assessments[unit_id] = (index, category)  # the latest wins
    due = due_dates(year)
    by_pk = {unit.pk: unit for unit in units}
    submissions: dict[int, SubmissionRow] = {}
    for unit_id, state, late, at_unit_id, at_level, at_name in Submission.objects.filter(
        scope, year=year, quarter=quarter
    ).values_list("unit_id", "state", "late", "at_unit_id", "at_unit__level", "at_unit__name"):
        at_unit = by_pk.get(at_unit_id) or UnitRow(at_unit_id, "", at_name, at_level, None)
        submissions[unit_id] = SubmissionRow(state, late, at_unit)
    lines = []
    for unit in units:
        plan, periods = plans.get(unit.pk, (None, None))
        sums = totals = None
        if plan is not None:
            sums = summary.add_periods(plan, periods, as_of)
            totals = summary.totals_of(sums)
        index, category = assessments.get(unit.pk, (None, ""))
        lines.append(
            Line(
                unit=unit,
                plan=plan,
                sums=sums,
                totals=totals,
                submission=overview.cell_for(
                    quarter,
                    submissions.get(unit.pk),
                    year=year,
                    due_on=due[quarter],
                    today=as_of,
                ),
                lke_index=index,
                lke_category=category,
            )
        )
    return lines, framework


def group_of(unit: Unit | None, lines: list[Line]) -> Group:
    with_plan = [line for line in lines if line.sums is not None]
    indexes = [line.lke_index for line in lines if line.lke_index is not None]
    return Group(
        unit=unit,
        units=len(lines),
        plans=len(with_plan),
        totals=summary.totals_of(summary.merge(line.sums for line in with_plan))
        if with_plan
        else None,
        accepted=sum(1 for line in lines if line.submission.kind == "accepted"),
        sent=sum(1 for line in lines if line.submission.submission is not None),
        overdue=sum(1 for line in lines if line.submission.kind == "overdue"),
        late_units=sum(1 for line in with_plan if line.totals.late),
        lke_mean=(sum(indexes) / len(indexes)).quantize(Decimal("0.01")) if indexes else None,
        lke_count=len(indexes),
        lines=lines,
    )


# -- choosing, filtering and sorting ------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """What the reader asked for (GET parameters), cleaned."""

    q: str = ""
    order: str = "kode"
    ascending: bool = True
    submission: str = ""
    province: int | None = None
    level: str = ""
    page: str = "1"

    def params(self, **changes) -> dict[str, str]:
        """The GET parameters for a link (only those not at their default)."""
        values = {
            "q": self.q,
            "urut": self.order,
            "arah": "naik" if self.ascending else "turun",
            "kiriman": self.submission,
            "provinsi": str(self.province or ""),
            "tingkat": self.level,
        }
        values.update(changes)
        defaults = {"urut": "kode", "arah": default_direction(values["urut"])}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


def default_direction(order: str) -> str:
    return "turun" if order in DESCENDING_BY_DEFAULT and order != "terlambat" else "naik"


def choice_from(params) -> Choice:
    order = params.get("urut", "kode")
    if order not in ORDERS:
        order = "kode"
    direction = params.get("arah") or default_direction(order)
    submission = params.get("kiriman", "")
    level = params.get("tingkat", "")
    try:
        province = int(params.get("provinsi") or 0) or None
    except ValueError:
        province = None
    return Choice(
        q=params.get("q", "").strip()[:100],
        order=order,
        ascending=direction != "turun",
        submission=submission if submission in SUBMISSION_FILTERS else "",
        province=province,
        level=level if level in (Unit.Level.PROVINSI, Unit.Level.KABUPATEN_KOTA) else "",
        page=str(params.get("halaman", "1"))[:10],
    )


def _missing_last(value, ascending: bool):
    """Sort key: a unit without the figure always after the others."""
    if value is None:
        return (1, 0)
    return (0, value if ascending else -value)


SUBMISSION_RANK = {
    "accepted": 0,
    "waiting": 1,
    "returned": 2,
    "reopened": 2,
    "not_submitted": 3,
    "not_started": 4,
    "overdue": 5,
}


def filtered(lines: list[Line], choice: Choice) -> list[Line]:
    shown = lines
    if choice.q:
        needle = choice.q.casefold()
        shown = [
            line
            for line in shown
            if needle in line.unit.name.casefold() or line.unit.code.startswith(choice.q)
        ]
    if choice.submission:
        shown = [line for line in shown if line.submission_kind == choice.submission]
    if choice.province:
        shown = [
            line
            for line in shown
            if line.unit.pk == choice.province or line.unit.parent_id == choice.province
        ]
    if choice.level:
        shown = [line for line in shown if line.unit.level == choice.level]
    return sorted_lines(shown, choice)


def sorted_lines(lines: list[Line], choice: Choice) -> list[Line]:
    by_code = sorted(lines, key=lambda line: line.unit.code)
    asc = choice.ascending
    keys = {
        "kode": None,
        "nama": lambda line: line.unit.name.casefold(),
        "capaian": lambda line: _missing_last(line.achievement, asc),
        "verifikasi": lambda line: _missing_last(line.verified_share, asc),
        "terlambat": lambda line: _missing_last(line.late, asc),
        "bukti": lambda line: _missing_last(line.evidence_share, asc),
        "lke": lambda line: _missing_last(line.lke_index, asc),
        "kiriman": lambda line: _missing_last(SUBMISSION_RANK.get(line.submission.kind), asc),
    }
    key = keys[choice.order]
    if key is None:
        return by_code if asc else list(reversed(by_code))
    if choice.order == "nama":
        return sorted(by_code, key=key, reverse=not asc)
    return sorted(by_code, key=key)  # the direction is in the key; missing always last


# -- the two dashboards -------------------------------------------------------------------------


def province_dashboard(
    province: Unit,
    *,
    year: int,
    as_of: datetime.date,
    quarter: int,
    choice: Choice,
    regencies=None,
) -> dict[str, Any]:
    """A KPU Provinsi's own plan and every regency below it (``regencies``: those the reader
    may see, a Unit queryset; default all)."""
    if regencies is None:
        regencies = Unit.objects.all()
    own = unit_rows(Unit.objects.filter(pk=province.pk))
    below = unit_rows(regencies.filter(parent=province))
    lines, framework = lines_for(
        own + below,
        scope=Q(unit_id__in=[unit.pk for unit in own + below]),
        year=year,
        as_of=as_of,
        quarter=quarter,
        framework_scope=Q(parent=province),
    )
    own, regencies = lines[0], lines[1:]
    group = group_of(province, regencies)
    shown = filtered(regencies, choice)
    return {
        "province": province,
        "own": own,
        "group": group,
        "lines": shown,
        "framework": framework,
        "chart": ranked_chart(
            [
                (short_name(line.unit), line.achievement)
                for line in sorted_lines(
                    [line for line in regencies if line.achievement is not None],
                    Choice(order="capaian", ascending=False),
                )
            ],
            _("Capaian per satker (%)"),
        ),
    }


def national_dashboard(
    *, year: int, as_of: datetime.date, quarter: int, choice: Choice
) -> dict[str, Any]:
    """Every unit below KPU RI, by province, and KPU RI's own plan."""
    units = unit_rows(Unit.objects.all())
    national_units = [unit for unit in units if unit.level == Unit.Level.PUSAT]
    below = [unit for unit in units if unit.level != Unit.Level.PUSAT]
    lines, framework = lines_for(
        national_units + below,
        scope=Q(),  # every unit: the year's rows, no list of 553 ids
        year=year,
        as_of=as_of,
        quarter=quarter,
        framework_scope=~Q(level=Unit.Level.PUSAT),
    )
    own = lines[: len(national_units)]
    lines = lines[len(national_units) :]
    by_province: dict[int, list[Line]] = {}
    provinces = [line.unit for line in lines if line.unit.level == Unit.Level.PROVINSI]
    for line in lines:
        key = line.unit.pk if line.unit.level == Unit.Level.PROVINSI else line.unit.parent_id
        by_province.setdefault(key, []).append(line)
    groups = [group_of(province, by_province.get(province.pk, [])) for province in provinces]
    ranked = sorted(
        [g for g in groups if g.achievement is not None],
        key=lambda g: (-g.achievement, g.unit.code),
    )
    return {
        "own": own[0] if own else None,
        "country": group_of(None, lines),
        "groups": groups,
        "ranked": ranked,
        "lines": filtered(lines, choice),
        "provinces": provinces,
        "framework": framework,
        "chart": ranked_chart(
            [(short_name(g.unit), g.achievement) for g in ranked], _("Capaian per provinsi (%)")
        ),
    }


def ranked_chart(pairs: list[tuple[str, Decimal | None]], label) -> dict[str, Any]:
    """A Chart.js horizontal bar chart spec (charts.js), best first."""
    return {
        "type": "bar",
        "labels": [name for name, _value in pairs],
        "datasets": [
            {
                "label": str(label),
                "data": [float(value) for _name, value in pairs],
                "backgroundColor": "#1d5fa8",
                "maxBarThickness": 28,
            }
        ],
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"min": 0, "max": 100}},
            "plugins": {"legend": {"display": False}},
        },
    }


def short_name(unit) -> str:
    """A chart label: "Kalimantan Barat" for KPU Provinsi Kalimantan Barat, "Kabupaten
    Sambas" for KPU Kabupaten Sambas (a Kota and a Kabupaten may share a name)."""
    name = unit.name
    for prefix in ("KPU Provinsi ", "KPU "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name
