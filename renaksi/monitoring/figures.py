"""The quarter's figures, computed from the year's work (renaksi/work), never re-entered.

``quarter_figures(plan, quarter, as_of=None)`` and ``plan_quarter_totals(plan_ids, quarter,
as_of=None)`` are re-exported by ``renaksi.monitoring.services`` (the API other parts use).
Every definition, with a worked example, is in docs/monitoring.md; in short, for the
scheduled cells (``SchedulePeriod`` rows with ``planned=True``) of a sub-activity in the
quarter — the quarter's three months of a monthly plan, the quarter itself of a quarterly one:

* ``scheduled``: the cells; ``due``: those whose period has ended on ``as_of`` (the unit's
  calendar: the period's last month is over); ``reported``: those with a realisation;
* ``done`` (status selesai), ``verified`` (done and terverifikasi), ``in_progress``,
  ``not_done`` (tidak terlaksana), ``postponed`` (ditunda), ``not_started`` (a realisation
  saying belum dimulai), ``awaiting_verification`` (diajukan), ``late`` (flagged late): over
  every scheduled cell of the quarter, due or not;
* ``missing``: due cells without a realisation; ``overdue``: missing cells whose report
  deadline (``due_on``, the plan's report day of the next month) has passed too;
* ``done_due``: done cells among the due ones;
* ``achievement`` = done_due ÷ due × 100 (None while nothing is due);
  ``planned_share`` = due ÷ scheduled × 100 and ``realised_share`` = done ÷ scheduled × 100
  (None without a scheduled cell); ``deviation`` = realised_share − planned_share, in
  percentage points (negative: behind the plan); ``verified_share`` = verified ÷ done × 100
  (None while nothing is done). Percentages are Decimals rounded half up to two places.

Cells of change agents' actions (always monthly) and unscheduled cells holding work (work
outside the plan) are counted apart (``agents``, ``outside_plan``), by the same rules, and are
not part of the areas or of the plan's total.

Indicators: every measurable indicator (a percentage, count or index, or any with a target) of
a sub-activity scheduled in the quarter, or with a value recorded in the quarter. Its realised
value comes from the quarter's own periods only (the fourth quarter from October–December,
never from a yearly total): the sum of the quarter's values for a count (jumlah), the value of
the quarter's latest period that has one for a percentage or an index (a level). Achievement =
realised ÷ target × 100; without a target, with a target of zero, or without a value in the
quarter it is None and ``reason`` says why (never a division by zero).

A fixed number of queries: ``quarter_figures`` 4 (areas, cells by area and period, indicators,
values) plus the plan's unit when it is not loaded; ``plan_quarter_totals`` 2 whatever the
number of plans.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan, Indicator, PlanArea, mask_to_months
from renaksi.work.models import IndicatorValue, Realisation, SchedulePeriod
from renaksi.work.periods import due_date

Status = Realisation.Status
State = Realisation.State

QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MEASURABLE_KINDS = frozenset(
    {Indicator.Kind.PERSENTASE, Indicator.Kind.JUMLAH, Indicator.Kind.INDEKS}
)
# Why an indicator's achievement is not computed.
REASONS = {
    "": "",
    "no_target": _("Target tidak ditetapkan: capaian tidak dihitung."),
    "zero_target": _("Target bernilai nol: capaian tidak dihitung sebagai persentase."),
    "no_value": _("Belum ada nilai capaian yang dilaporkan pada triwulan ini."),
}

# The counts, in order (CellCounts' integer fields).
COUNT_FIELDS = (
    "scheduled",
    "due",
    "reported",
    "done",
    "done_due",
    "verified",
    "late",
    "not_done",
    "postponed",
    "in_progress",
    "not_started",
    "awaiting_verification",
    "missing",
    "overdue",
)
SHARE_FIELDS = ("achievement", "verified_share", "planned_share", "realised_share", "deviation")


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part ÷ whole × 100, rounded half up to two places; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CellCounts:
    """The scheduled cells of a quarter (of an area, a plan, change agents' actions …)."""

    scheduled: int = 0
    due: int = 0
    reported: int = 0
    done: int = 0
    done_due: int = 0
    verified: int = 0
    late: int = 0
    not_done: int = 0
    postponed: int = 0
    in_progress: int = 0
    not_started: int = 0
    awaiting_verification: int = 0
    missing: int = 0
    overdue: int = 0
    # Derived (computed by __post_init__ from the counts above).
    achievement: Decimal | None = field(default=None, init=False)
    verified_share: Decimal | None = field(default=None, init=False)
    planned_share: Decimal | None = field(default=None, init=False)
    realised_share: Decimal | None = field(default=None, init=False)
    deviation: Decimal | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        planned = percent(self.due, self.scheduled)
        realised = percent(self.done, self.scheduled)
        set_ = object.__setattr__
        set_(self, "achievement", percent(self.done_due, self.due))
        set_(self, "verified_share", percent(self.verified, self.done))
        set_(self, "planned_share", planned)
        set_(self, "realised_share", realised)
        set_(self, "deviation", None if planned is None else realised - planned)

    def __add__(self, other: CellCounts) -> CellCounts:
        return CellCounts(
            **{name: getattr(self, name) + getattr(other, name) for name in COUNT_FIELDS}
        )

    @classmethod
    def sum(cls, items: Iterable[CellCounts]) -> CellCounts:
        total = cls()
        for item in items:
            total = total + item
        return total

    def as_dict(self) -> dict[str, int | str | None]:
        """Plain JSON values (percentages as text "87.50"), e.g. for a submission's snapshot."""
        result: dict[str, int | str | None] = {name: getattr(self, name) for name in COUNT_FIELDS}
        for name in SHARE_FIELDS:
            value = getattr(self, name)
            result[name] = None if value is None else str(value)
        return result


@dataclass(frozen=True)
class IndicatorFigure:
    """A measurable indicator in a quarter: the quarter's realised value against the target."""

    indicator: Indicator
    target: Decimal | None
    realised: Decimal | None
    achievement: Decimal | None
    reason: str  # "", "no_target", "zero_target", "no_value"
    values: int = 0  # how many of the quarter's periods recorded a value
    rule: str = "latest"  # "sum" (a count) or "latest" (a percentage, an index)

    @property
    def reason_text(self) -> str:
        return str(REASONS.get(self.reason, ""))


@dataclass(frozen=True)
class AreaFigures:
    area: PlanArea
    counts: CellCounts
    indicators: list[IndicatorFigure]
    outside_plan: CellCounts = field(default_factory=CellCounts)


@dataclass(frozen=True)
class QuarterFigures:
    plan: ActionPlan
    quarter: int
    months: list[int]
    as_of: datetime.date
    areas: list[AreaFigures]
    total: CellCounts
    # Apart from the areas and the total (see the module's docstring).
    agents: CellCounts = field(default_factory=CellCounts)
    outside_plan: CellCounts = field(default_factory=CellCounts)
    # The plan's monitoring months that fall in this quarter.
    monitoring_months: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return QUARTER_NAMES[self.quarter]

    @property
    def indicators(self) -> list[IndicatorFigure]:
        return [figure for area in self.areas for figure in area.indicators]


# -- the calendar -------------------------------------------------------------------------------


def check_quarter(quarter) -> int:
    if isinstance(quarter, bool) or not isinstance(quarter, int) or not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1-4, not {quarter!r}")
    return quarter


def quarter_months(quarter: int) -> list[int]:
    return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]


def plan_periods(plan: ActionPlan, quarter: int) -> list[int]:
    """The sub-activities' period numbers of the quarter: its months, or the quarter itself."""
    if plan.schedule_kind == ActionPlan.Schedule.QUARTER:
        return [quarter]
    return quarter_months(quarter)


def unit_date(unit, as_of) -> datetime.date:
    """``as_of`` as a date of the unit's calendar: a date as it is, an aware datetime in the
    unit's time zone, None for today there."""
    if isinstance(as_of, datetime.datetime):
        if timezone.is_naive(as_of):  # already a time of the unit's calendar
            return as_of.date()
        return timezone.localtime(as_of, ZoneInfo(unit.time_zone)).date()
    if isinstance(as_of, datetime.date):
        return as_of
    if as_of is None:
        return timezone.localtime(timezone.now(), ZoneInfo(unit.time_zone)).date()
    raise TypeError(f"as_of must be a date or a datetime, not {as_of!r}")


def month_ended(year: int, month: int, as_of: datetime.date) -> bool:
    """The month is over on ``as_of`` (as_of is in a later month)."""
    return (as_of.year, as_of.month) > (year, month)


def _period_due(plan: ActionPlan, period: int, agent: bool, as_of: datetime.date) -> bool:
    quarterly = plan.schedule_kind == ActionPlan.Schedule.QUARTER and not agent
    last = period * 3 if quarterly else period
    return month_ended(plan.year, last, as_of)


def _period_overdue(plan: ActionPlan, period: int, agent: bool, as_of: datetime.date) -> bool:
    kind = ActionPlan.Schedule.MONTH if agent else plan.schedule_kind
    return as_of > due_date(plan.year, period, kind, plan.report_due_day)


# -- counting cells -----------------------------------------------------------------------------

# One aggregated row per group and period: these conditional counts (also the plans' summaries
# of renaksi/dashboards/summary.py count the cells with them).
CELL_AGGREGATES = {
    "scheduled": Count("id"),
    "reported": Count("realisation"),
    "done": Count("id", filter=Q(realisation__status=Status.DONE)),
    "verified": Count(
        "id", filter=Q(realisation__status=Status.DONE, realisation__state=State.VERIFIED)
    ),
    "late": Count("id", filter=Q(realisation__late=True)),
    "not_done": Count("id", filter=Q(realisation__status=Status.NOT_DONE)),
    "postponed": Count("id", filter=Q(realisation__status=Status.POSTPONED)),
    "in_progress": Count("id", filter=Q(realisation__status=Status.IN_PROGRESS)),
    "not_started": Count("id", filter=Q(realisation__status=Status.NOT_STARTED)),
    "awaiting_verification": Count("id", filter=Q(realisation__state=State.SUBMITTED)),
}


def _counts_of_row(row: dict, due: bool, overdue: bool) -> CellCounts:
    """The CellCounts of one aggregated (group, period) row."""
    missing = row["scheduled"] - row["reported"] if due else 0
    return CellCounts(
        scheduled=row["scheduled"],
        due=row["scheduled"] if due else 0,
        reported=row["reported"],
        done=row["done"],
        done_due=row["done"] if due else 0,
        verified=row["verified"],
        late=row["late"],
        not_done=row["not_done"],
        postponed=row["postponed"],
        in_progress=row["in_progress"],
        not_started=row["not_started"],
        awaiting_verification=row["awaiting_verification"],
        missing=missing,
        overdue=missing if overdue else 0,
    )


def _cells_filter(plan: ActionPlan, quarter: int) -> Q:
    """The quarter's cells of a plan: sub-activities' periods and change agents' months."""
    return Q(sub_activity__isnull=False, period__in=plan_periods(plan, quarter)) | Q(
        agent_action__isnull=False, period__in=quarter_months(quarter)
    )


def quarter_figures(plan: ActionPlan, quarter: int, *, as_of=None) -> QuarterFigures:
    """The figures of ``plan`` in ``quarter`` (1–4) as of ``as_of`` (a date of the unit's
    calendar, an aware datetime, or None for today in the unit's time zone)."""
    check_quarter(quarter)
    day = unit_date(plan.unit, as_of)
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number"))
    rows = (
        SchedulePeriod.objects.filter(plan=plan)
        .filter(_cells_filter(plan, quarter))
        .filter(Q(planned=True) | Q(realisation__isnull=False))
        # A change agent's action has no sub-activity, so no area: area id None.
        .values("sub_activity__activity__area_id", "planned", "period")
        .annotate(**CELL_AGGREGATES)
        .order_by()
    )
    by_area: dict[int, CellCounts] = defaultdict(CellCounts)
    outside_by_area: dict[int, CellCounts] = defaultdict(CellCounts)
    agents = CellCounts()
    agents_outside = CellCounts()
    for row in rows:
        area_id = row["sub_activity__activity__area_id"]
        agent = area_id is None
        counts = _counts_of_row(
            row,
            _period_due(plan, row["period"], agent, day),
            _period_overdue(plan, row["period"], agent, day),
        )
        if agent:
            if row["planned"]:
                agents = agents + counts
            else:
                agents_outside = agents_outside + counts
        elif row["planned"]:
            by_area[area_id] = by_area[area_id] + counts
        else:
            outside_by_area[area_id] = outside_by_area[area_id] + counts

    indicators = _indicator_figures(plan, quarter)
    area_figures = [
        AreaFigures(
            area=area,
            counts=by_area.get(area.pk, CellCounts()),
            indicators=indicators.get(area.pk, []),
            outside_plan=outside_by_area.get(area.pk, CellCounts()),
        )
        for area in areas
    ]
    months = quarter_months(quarter)
    return QuarterFigures(
        plan=plan,
        quarter=quarter,
        months=months,
        as_of=day,
        areas=area_figures,
        total=CellCounts.sum(figure.counts for figure in area_figures),
        agents=agents,
        outside_plan=CellCounts.sum(outside_by_area.values()) + agents_outside,
        monitoring_months=[m for m in mask_to_months(plan.monitoring_months) if m in months],
    )


def _indicator_figures(plan: ActionPlan, quarter: int) -> dict[int, list[IndicatorFigure]]:
    """By area id, the quarter's measurable indicators (two queries)."""
    periods = plan_periods(plan, quarter)
    bit = 0
    for period in periods:
        bit |= 1 << (period - 1)
    values: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for indicator_id, period, value in (
        IndicatorValue.objects.filter(
            realisation__plan=plan,
            realisation__sub_activity__isnull=False,
            realisation__period__period__in=periods,
        )
        .values_list("indicator_id", "realisation__period__period", "value")
        .order_by()
    ):
        values[indicator_id].append((period, value))
    result: dict[int, list[IndicatorFigure]] = defaultdict(list)
    candidates = (
        Indicator.objects.filter(sub_activity__activity__area__plan=plan)
        .filter(Q(kind__in=MEASURABLE_KINDS) | Q(target_value__isnull=False))
        .select_related("sub_activity__activity")
        .order_by(
            "sub_activity__activity__area__number",
            "sub_activity__activity__position",
            "sub_activity__position",
            "position",
        )
    )
    for indicator in candidates:
        scheduled = bool(indicator.sub_activity.schedule & bit)
        if not scheduled and indicator.pk not in values:
            continue
        result[indicator.sub_activity.activity.area_id].append(
            indicator_figure(indicator, values.get(indicator.pk, []))
        )
    return result


def indicator_figure(indicator: Indicator, values: list[tuple[int, Decimal]]) -> IndicatorFigure:
    """The quarter's realised value from its ``(period, value)`` pairs, against the target."""
    rule = "sum" if indicator.kind == Indicator.Kind.JUMLAH else "latest"
    if not values:
        realised = None
    elif rule == "sum":
        realised = sum((value for _period, value in values), Decimal(0))
    else:
        realised = max(values, key=lambda pair: pair[0])[1]
    target = indicator.target_value
    if target is None:
        achievement, reason = None, "no_target"
    elif target == 0:
        achievement, reason = None, "zero_target"
    elif realised is None:
        achievement, reason = None, "no_value"
    else:
        achievement, reason = percent(realised, target), ""
    return IndicatorFigure(
        indicator=indicator,
        target=target,
        realised=realised,
        achievement=achievement,
        reason=reason,
        values=len(values),
        rule=rule,
    )


# -- many plans at once -------------------------------------------------------------------------


def plan_quarter_totals(
    plan_ids: Iterable[int], quarter: int, *, as_of=None
) -> dict[int, CellCounts]:
    """The plan total (``quarter_figures(plan, quarter).total``) of each plan, in two queries
    whatever the number of plans. ``as_of``: a date for every plan, an aware datetime (each
    plan's date in its unit's time zone), or None (today in each unit's time zone)."""
    check_quarter(quarter)
    ids = sorted({int(pk) for pk in plan_ids})
    if not ids:
        return {}
    plans = {
        plan.pk: plan
        for plan in ActionPlan.objects.filter(pk__in=ids)
        .select_related("unit")
        .only("pk", "year", "schedule_kind", "report_due_day", "unit__time_zone")
    }
    days = {pk: unit_date(plan.unit, as_of) for pk, plan in plans.items()}
    quarterly = [pk for pk, plan in plans.items() if plan.schedule_kind == "quarter"]
    monthly = [pk for pk in plans if pk not in set(quarterly)]
    cells = Q(pk__in=[])
    if monthly:
        cells |= Q(plan_id__in=monthly, period__in=quarter_months(quarter))
    if quarterly:
        cells |= Q(plan_id__in=quarterly, period=quarter)
    rows = (
        SchedulePeriod.objects.filter(cells, sub_activity__isnull=False, planned=True)
        .values("plan_id", "period")
        .annotate(**CELL_AGGREGATES)
        .order_by()
    )
    totals = {pk: CellCounts() for pk in plans}
    for row in rows:
        plan = plans[row["plan_id"]]
        day = days[plan.pk]
        counts = _counts_of_row(
            row,
            _period_due(plan, row["period"], False, day),
            _period_overdue(plan, row["period"], False, day),
        )
        totals[plan.pk] = totals[plan.pk] + counts
    return totals


__all__ = [
    "AreaFigures",
    "CellCounts",
    "IndicatorFigure",
    "QuarterFigures",
    "percent",
    "plan_quarter_totals",
    "quarter_figures",
    "quarter_months",
]
