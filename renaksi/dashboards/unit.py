"""The unit dashboard of one plan: where its year stands on a day (renaksi/dashboards/asof.py).

``unit_dashboard(plan, as_of, assessments)`` reads, in a fixed number of queries whatever the
size of the plan (docs/dashboards.md, "Dasbor satker"):

* the plan's areas; its scheduled cells (``SchedulePeriod`` rows of sub-activities with
  ``planned=True``) with their realisations; its sub-activities with their PICs; its
  indicators; the current evidence of its done realisations and the indicators each names;
  the unit's LKE totals of every year; the plan's latest audit entries.

Every cell is classified once, by ``renaksi.dashboards.cells.cell_state`` at the as-of day. As
of a day before today, a realisation recorded after that day counts as not there yet, and a
verification made after it as not made yet (their later changes of status are not replayed:
the figures then use the realisation's current status).

Per area (``AreaProgress``), over the year's scheduled cells:

* ``scheduled``: the cells of the year; ``planned``: those whose period is over on the day
  (its last month has ended: "direncanakan s.d. per tanggal");
* ``done``: cells reported done (selesai), whatever their month; ``verified``: done and
  verified; ``late``, ``not_done``, ``postponed``: cells in that state;
* shares of ``scheduled`` (the monitoring's planned_share and realised_share): ``planned_share``,
  ``realised_share``, ``verified_share``; ``deviation`` = realised − planned (points).

Change agents' actions and work outside the schedule are not part of the areas (as in the
quarterly monitoring).

Evidence completeness of an indicator: of the done cells of its sub-activity, those with at
least one current evidence item that counts for it (the item names the indicator, or names
none: it proves the sub-activity as a whole; ``renaksi.work.realisations``) and, when the
indicator lists the kinds it expects, an item of every such kind.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from renaksi.audit.history import HistoryRow, history_rows
from renaksi.audit.models import LogEntry
from renaksi.monitoring.figures import percent
from renaksi.plans.lampiran import period_names
from renaksi.plans.models import ActionPlan, Indicator, PlanArea, SubActivity
from renaksi.teams.models import PELAKSANA_POSITIONS, TeamMember
from renaksi.work.board import person_label
from renaksi.work.models import Evidence, Realisation, SchedulePeriod
from renaksi.work.periods import last_month, period_of_month

from .asof import AsOf
from .cells import CellState, cell_state

Status = Realisation.Status
State = Realisation.State

LATEST_ACTIVITY = 8  # audit entries shown
LIST_LIMIT = 12  # overdue and due-this-month items shown before "show all"
# Heat-map levels by the share of a period's cells that are done.
LEVELS = ((Decimal(100), 4), (Decimal(80), 3), (Decimal(50), 2), (Decimal("0.01"), 1))
COUNTS = (
    "scheduled",
    "planned",
    "done",
    "verified",
    "late",
    "not_done",
    "postponed",
    "done_due",
    "verified_due",
)
CHART_COLOURS = {"planned": "#64748b", "realised": "#1d4ed8", "verified": "#15803d"}


def schedule_url(plan_id: int, **params) -> str:
    """The schedule view (helper "schedule": ``dashboards:schedule``) filtered by
    ``area``, ``state``, ``pic``, ``bulan``, ``q`` (the contract in docs/dashboards.md)."""
    try:
        base = reverse("dashboards:schedule", args=[plan_id])
    except NoReverseMatch:  # the schedule view is not installed: its path, as agreed
        base = f"/rencana/{plan_id}/jadwal/"
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{base}?{query}" if query else base


@dataclass
class Cell:
    """One scheduled cell as the dashboard sees it on the as-of day."""

    period_id: int
    sub_id: int
    period: int
    due_on: datetime.date
    state: CellState
    status: str | None


@dataclass
class AreaProgress:
    area: PlanArea
    scheduled: int = 0
    planned: int = 0
    done: int = 0
    verified: int = 0
    late: int = 0
    not_done: int = 0
    postponed: int = 0
    done_due: int = 0  # done among the planned (due) cells
    verified_due: int = 0  # verified among the planned (due) cells

    @property
    def achievement(self) -> Decimal | None:
        """Done ÷ due cells to date (the monitoring's and the province dashboard's
        "capaian"; None while nothing is due)."""
        return percent(self.done_due, self.planned)

    @property
    def verified_due_share(self) -> Decimal | None:
        """Verified ÷ due cells to date (None while nothing is due)."""
        return percent(self.verified_due, self.planned)

    @property
    def planned_share(self) -> Decimal | None:
        return percent(self.planned, self.scheduled)

    @property
    def realised_share(self) -> Decimal | None:
        return percent(self.done, self.scheduled)

    @property
    def verified_share(self) -> Decimal | None:
        return percent(self.verified, self.scheduled)

    @property
    def deviation(self) -> Decimal | None:
        planned = self.planned_share
        return None if planned is None else self.realised_share - planned

    def add(self, other: AreaProgress) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class HeatCell:
    period: int
    scheduled: int = 0
    done: int = 0
    late: int = 0
    over: bool = False  # the period has ended on the as-of day
    current: bool = False  # the as-of day is in this period
    url: str = ""

    @property
    def share(self) -> Decimal | None:
        return percent(self.done, self.scheduled)

    @property
    def level(self) -> str:
        """The colour class: "none" (nothing scheduled), "future" (not over yet, the current
        period too), or 0–4 by the share done of a period that is over."""
        if not self.scheduled:
            return "none"
        if not self.over:  # not begun, or under way (this period: marked apart)
            return "future"
        share = self.share or Decimal(0)
        for threshold, level in LEVELS:
            if share >= threshold:
                return str(level)
        return "0"


@dataclass
class HeatRow:
    area: PlanArea
    cells: list[HeatCell]


@dataclass
class Item:
    """A cell of a sub-activity in a list (overdue, due this month)."""

    cell: Cell
    number: str
    name: str
    period_name: str
    responsible: list[tuple[int, str]]  # (user id, name) of the people responsible
    named_pic: bool  # they are the sub-activity's or activity's PIC (not its area's team)
    pic_text: str  # the decree's PIC column, when no one is named
    area_number: int
    days_late: int = 0

    @property
    def pic_name(self) -> str:
        return ", ".join(name for _pk, name in self.responsible) or self.pic_text

    @property
    def state_label(self) -> str:
        return str(self.cell.state.label)


@dataclass
class PicCount:
    pic_id: int | None
    name: str
    count: int
    url: str


@dataclass
class IndicatorEvidence:
    indicator: Indicator
    number: str  # the sub-activity's "1.2.3"
    area_number: int
    done: int = 0
    complete: int = 0
    expected: list[str] = field(default_factory=list)  # labels of the kinds expected
    sub_id: int = 0
    history_url: str = ""  # the sub-activity's history

    @property
    def share(self) -> Decimal | None:
        return percent(self.complete, self.done)

    @property
    def missing(self) -> int:
        return self.done - self.complete


@dataclass
class AssessmentPoint:
    assessment: object
    year: int
    framework: str
    index: Decimal | None
    category: str
    answered: int
    items: int
    current: bool  # the plan's year


@dataclass
class UnitDashboard:
    plan: ActionPlan
    as_of: AsOf
    period_names: list[str]
    areas: list[AreaProgress]
    total: AreaProgress
    heat: list[HeatRow]
    overdue: list[Item]
    overdue_by_pic: list[PicCount]
    due_period: int | None  # the period "this month" is in (None outside the plan's year)
    due_items: list[Item]
    due_counts: list[tuple[str, str, int, str]]  # (state, label, count, schedule url)
    indicators: list[IndicatorEvidence]
    evidence_total: tuple[int, int]  # (complete, done) over every indicator
    evidenced: int  # done cells with at least one current evidence item
    assessments: list[AssessmentPoint]
    activity: list[HistoryRow]
    quarterly: bool = False
    pic_filter: str = ""  # the overdue list's chosen PIC ("" every one, "0" nobody)

    @property
    def due_period_name(self) -> str:
        return self.period_names[self.due_period - 1] if self.due_period else ""

    @property
    def evidence_share(self) -> Decimal | None:
        """Per indicator: complete ÷ done periods, over every indicator."""
        return percent(*self.evidence_total)

    @property
    def evidenced_share(self) -> Decimal | None:
        """Done cells with current evidence ÷ done cells (the province dashboard's
        "kelengkapan bukti")."""
        return percent(self.evidenced, self.total.done)

    @property
    def incomplete_indicators(self) -> list[IndicatorEvidence]:
        """The indicators with done periods lacking evidence, most lacking first."""
        rows = [row for row in self.indicators if row.missing]
        return sorted(rows, key=lambda row: (row.share, -row.missing))


def _end_of(as_of: AsOf, zone: str) -> datetime.datetime:
    """The first moment after the as-of day on the unit's calendar."""
    next_day = as_of.date + datetime.timedelta(days=1)
    return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=ZoneInfo(zone))


def implementers_of(plan: ActionPlan) -> dict[int, list[tuple[int, str]]]:
    """By change-area number, the (user id, name) of the Tim Pelaksana members of the plan's
    unit and year who work in that area and have an account (one query)."""
    result: dict[int, list[tuple[int, str]]] = defaultdict(list)
    members = (
        TeamMember.objects.filter(
            team__unit_id=plan.unit_id,
            team__year=plan.year,
            position__in=PELAKSANA_POSITIONS,
            user__isnull=False,
            change_area__isnull=False,
        )
        .select_related("user", "change_area")
        .order_by("id")
    )
    for member in members:
        pair = (member.user_id, person_label(member.user))
        if pair not in result[member.change_area.number]:
            result[member.change_area.number].append(pair)
    return result


def responsible_for(sub: SubActivity, implementers) -> tuple[list[tuple[int, str]], bool]:
    """Who answers for a sub-activity's work, and whether they are its PICs: the
    sub-activity's and its activity's PIC (the schedule's ``pic`` filter), else the Tim
    Pelaksana members of its area (as the month view names them; ``False``)."""
    people: list[tuple[int, str]] = []
    for pic in (sub.pic, sub.activity.pic):
        if pic is not None and (pic.pk, person_label(pic)) not in people:
            people.append((pic.pk, person_label(pic)))
    if people:
        return people, True
    return list(implementers.get(sub.activity.area.number, [])), False


def load_cells(plan: ActionPlan, as_of: AsOf) -> list[Cell]:
    """The plan's scheduled cells of sub-activities, classified on the as-of day (one query)."""
    end = _end_of(as_of, plan.unit.time_zone)
    rows = (
        SchedulePeriod.objects.filter(plan=plan, sub_activity__isnull=False, planned=True)
        .values_list(
            "id",
            "sub_activity_id",
            "period",
            "due_on",
            "realisation__status",
            "realisation__state",
            "realisation__created_at",
            "realisation__verified_at",
        )
        .order_by("due_on", "id")
    )
    cells = []
    for pk, sub_id, period, due_on, status, state, created_at, verified_at in rows:
        if created_at is not None and created_at >= end:
            status = state = None  # recorded after the day: not there yet
        elif state == State.VERIFIED and (verified_at is None or verified_at >= end):
            state = State.SUBMITTED  # verified after the day: still waiting then
        cells.append(
            Cell(pk, sub_id, period, due_on, cell_state(status, state, due_on, as_of.date), status)
        )
    return cells


def unit_dashboard(
    plan: ActionPlan, as_of: AsOf, assessments, *, pic_filter: str = ""
) -> UnitDashboard:
    """The dashboard of ``plan`` on ``as_of``; ``assessments`` is the queryset of the unit's
    LKE the reader may see (renaksi.access.policy.assessments_visible_to); ``pic_filter`` a
    PIC's user id ("0": nobody named) for the overdue list."""
    kind = plan.schedule_kind
    quarterly = kind == ActionPlan.Schedule.QUARTER
    per = as_of.date.isoformat() if as_of.chosen else None  # the schedule seen at the same day
    names = period_names(kind)
    count = 4 if quarterly else 12
    areas = list(
        PlanArea.objects.filter(plan=plan).select_related("change_area").order_by("number", "id")
    )
    subs = {
        sub.pk: sub
        for sub in SubActivity.objects.filter(activity__area__plan=plan).select_related(
            "pic", "activity__pic", "activity__area"
        )
    }
    cells = load_cells(plan, as_of)

    # -- achievement and heat map -------------------------------------------------------------
    progress = {area.pk: AreaProgress(area) for area in areas}
    current_period = (
        period_of_month(as_of.current_month, kind) if as_of.current_month is not None else None
    )

    def over(period: int) -> bool:
        return last_month(period, kind) <= as_of.months_ended

    heat = {
        area.pk: [
            HeatCell(
                period,
                over=over(period),
                current=period == current_period,
                url=schedule_url(
                    plan.pk,
                    area=area.change_area.number,  # the schedule filters by ChangeArea.number
                    bulan=last_month(period, kind) - (2 if quarterly else 0),
                    per=per,
                ),
            )
            for period in range(1, count + 1)
        ]
        for area in areas
    }
    for cell in cells:
        sub = subs.get(cell.sub_id)
        if sub is None or cell.period > count:
            continue
        area_id = sub.activity.area_id
        row = progress[area_id]
        row.scheduled += 1
        heat_cell = heat[area_id][cell.period - 1]
        heat_cell.scheduled += 1
        due = over(cell.period)
        if due:
            row.planned += 1
        if cell.state in (CellState.DONE, CellState.VERIFIED):
            row.done += 1
            row.done_due += due
            heat_cell.done += 1
        if cell.state == CellState.VERIFIED:
            row.verified += 1
            row.verified_due += due
        elif cell.state == CellState.LATE:
            row.late += 1
            heat_cell.late += 1
        elif cell.state == CellState.NOT_DONE:
            row.not_done += 1
        elif cell.state == CellState.POSTPONED:
            row.postponed += 1
    total = AreaProgress(area=None)
    for row in progress.values():
        total.add(row)

    # -- lists: overdue, due this month ---------------------------------------------------------
    implementers = implementers_of(plan)
    own_url = reverse("dashboards:unit", args=[plan.pk])
    own_query = f"{as_of.query}&" if as_of.query else ""

    def item(cell: Cell) -> Item:
        sub = subs[cell.sub_id]
        activity = sub.activity
        responsible, named = responsible_for(sub, implementers)
        return Item(
            cell=cell,
            number=f"{activity.area.number}.{activity.number}.{sub.number}",
            name=sub.name,
            period_name=names[cell.period - 1],
            responsible=responsible,
            named_pic=named,
            pic_text=sub.pic_text,
            area_number=activity.area.number,
            days_late=(as_of.date - cell.due_on).days,
        )

    overdue_all = [
        item(cell) for cell in cells if cell.state == CellState.LATE and cell.sub_id in subs
    ]
    by_pic: dict[int | None, PicCount] = {}
    team_only: set[int | None] = {None}  # people the schedule's PIC filter does not know here
    for entry in overdue_all:
        for pk, name in entry.responsible or [(None, _("Belum ada penanggung jawab"))]:
            if pk not in by_pic:
                by_pic[pk] = PicCount(pk, name, 0, "")
            by_pic[pk].count += 1
            if not entry.named_pic:
                team_only.add(pk)
    for row in by_pic.values():
        # The schedule filtered by PIC shows the same cells only for a named PIC; the others
        # (the area's team, no one) open this list filtered by them.
        row.url = (
            schedule_url(plan.pk, state=CellState.LATE.value, pic=row.pic_id, per=per)
            if row.pic_id not in team_only
            else f"{own_url}?{own_query}pic={row.pic_id or 0}#terlambat"
        )
    overdue_by_pic = sorted(
        by_pic.values(), key=lambda row: (row.pic_id is None, -row.count, row.name)
    )
    if pic_filter == "0" and None in by_pic:
        overdue = [entry for entry in overdue_all if not entry.responsible]
    elif pic_filter.isdigit() and int(pic_filter) in by_pic:
        chosen = int(pic_filter)
        overdue = [
            entry for entry in overdue_all if any(pk == chosen for pk, _n in entry.responsible)
        ]
    else:
        pic_filter = ""
        overdue = overdue_all

    due_items: list[Item] = []
    due_counts: list[tuple[str, str, int, str]] = []
    if current_period is not None and current_period <= count:
        month_cells = [c for c in cells if c.period == current_period and c.sub_id in subs]
        month_param = as_of.current_month
        tally = defaultdict(int)
        for cell in month_cells:
            tally[cell.state] += 1
        due_counts = [
            (
                state.value,
                str(state.label),
                tally[state],
                schedule_url(plan.pk, bulan=month_param, state=state.value, per=per),
            )
            for state in CellState
            if tally[state]
        ]
        order = {CellState.LATE: 0, CellState.PLANNED: 1}
        due_items = sorted(
            (item(cell) for cell in month_cells),
            key=lambda entry: (order.get(entry.cell.state, 2), entry.area_number, entry.number),
        )

    # -- evidence completeness per indicator ----------------------------------------------------
    indicators = list(
        Indicator.objects.filter(sub_activity__activity__area__plan=plan).order_by(
            "sub_activity__activity__area__number",
            "sub_activity__activity__position",
            "sub_activity__position",
            "position",
            "id",
        )
    )
    end = _end_of(as_of, plan.unit.time_zone)
    done_cells: dict[int, list[int]] = defaultdict(list)  # sub id → period ids done
    for cell in cells:
        if cell.state in (CellState.DONE, CellState.VERIFIED):
            done_cells[cell.sub_id].append(cell.period_id)
    # period id → [(evidence id, kind)]; evidence id → indicator ids it names
    items_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, period_id, kind_ in (
        Evidence.objects.filter(
            plan=plan,
            is_current=True,
            uploaded_at__lt=end,
            realisation__status=Status.DONE,
            realisation__sub_activity__isnull=False,
        )
        .values_list("id", "realisation__period_id", "kind")
        .order_by()
    ):
        items_of[period_id].append((pk, kind_))
    names_of: dict[int, set[int]] = defaultdict(set)
    for evidence_id, indicator_id in (
        Evidence.indicators.through.objects.filter(
            evidence__plan=plan, evidence__is_current=True, evidence__uploaded_at__lt=end
        )
        .values_list("evidence_id", "indicator_id")
        .order_by()
    ):
        names_of[evidence_id].add(indicator_id)
    evidenced = sum(
        1 for ids in done_cells.values() for period_id in ids if items_of.get(period_id)
    )
    kind_labels = dict(Evidence._meta.get_field("kind").choices)
    # One reverse: the sub-activity's history differs only by its id (a placeholder here).
    history = reverse("work:sub_activity_history", kwargs={"plan": plan.pk, "sub": 999999999})
    indicator_rows = []
    for indicator in indicators:
        sub = subs.get(indicator.sub_activity_id)
        if sub is None:
            continue
        expected = [k for k in (indicator.expected_evidence or []) if k]
        row = IndicatorEvidence(
            indicator=indicator,
            number=f"{sub.activity.area.number}.{sub.activity.number}.{sub.number}",
            area_number=sub.activity.area.number,
            expected=[str(kind_labels.get(k, k)) for k in expected],
            sub_id=sub.pk,
            history_url=history.replace("999999999", str(sub.pk)),
        )
        for period_id in done_cells.get(sub.pk, []):
            row.done += 1
            counting = {
                k
                for pk, k in items_of.get(period_id, [])
                if not names_of.get(pk) or indicator.pk in names_of[pk]
            }
            if counting and all(k in counting for k in expected):
                row.complete += 1
        indicator_rows.append(row)
    evidence_total = (
        sum(row.complete for row in indicator_rows),
        sum(row.done for row in indicator_rows),
    )

    # -- LKE over the years, latest activity ----------------------------------------------------
    points = [
        AssessmentPoint(
            assessment=a,
            year=a.year,
            framework=str(a.framework),
            index=a.index_value,
            category=a.category,
            answered=a.answered_count,
            items=a.item_count,
            current=a.year == plan.year,
        )
        for a in assessments.filter(unit_id=plan.unit_id)
        .select_related("framework")
        .order_by("year", "framework_id")
    ]
    entries = (
        LogEntry.objects.filter(plan=plan, created_at__lt=end)
        .select_related("actor", "object_type")
        .order_by("-created_at", "-id")[:LATEST_ACTIVITY]
    )
    activity = history_rows(
        entries,
        time_zone=plan.unit.time_zone,
        zone_label=plan.unit.zone_abbreviation,
        schedule_kind=kind,
        subject=plan,
    )

    return UnitDashboard(
        plan=plan,
        as_of=as_of,
        period_names=names,
        areas=[progress[area.pk] for area in areas],
        total=total,
        heat=[HeatRow(area, heat[area.pk]) for area in areas],
        overdue=overdue,
        overdue_by_pic=overdue_by_pic,
        due_period=current_period,
        due_items=due_items,
        due_counts=due_counts,
        indicators=indicator_rows,
        evidence_total=evidence_total,
        evidenced=evidenced,
        assessments=points,
        activity=activity,
        quarterly=quarterly,
        pic_filter=pic_filter,
    )


def achievement_chart(board: UnitDashboard) -> dict:
    """The Chart.js spec of the achievement bars (the table beside it has the same figures)."""

    def values(name: str) -> list[float]:
        return [float(getattr(row, name) or 0) for row in board.areas]

    return {
        "type": "bar",
        "labels": [_("Area %(number)s") % {"number": row.area.number} for row in board.areas],
        "datasets": [
            {
                "label": _("Jatuh tempo s.d. per tanggal"),
                "data": values("planned_share"),
                "backgroundColor": CHART_COLOURS["planned"],
            },
            {
                "label": _("Realisasi"),
                "data": values("realised_share"),
                "backgroundColor": CHART_COLOURS["realised"],
            },
            {
                "label": _("Terverifikasi"),
                "data": values("verified_share"),
                "backgroundColor": CHART_COLOURS["verified"],
            },
        ],
        "options": {
            "scales": {
                "y": {
                    "min": 0,
                    "max": 100,
                    "title": {"display": True, "text": _("% dari jadwal setahun")},
                }
            }
        },
    }


def lke_chart(board: UnitDashboard) -> dict | None:
    """The LKE index by year, one line per framework (None without two years scored: the
    table says it all)."""
    scored = [point for point in board.assessments if point.index is not None]
    if len({point.year for point in scored}) < 2:
        return None
    years = sorted({point.year for point in scored})
    frameworks: dict[str, dict[int, float]] = defaultdict(dict)
    for point in scored:
        frameworks[point.framework][point.year] = float(point.index)
    palette = ["#1d4ed8", "#b45309", "#15803d", "#7e22ce"]
    return {
        "type": "line",
        "labels": [str(year) for year in years],
        "datasets": [
            {
                "label": name,
                "data": [by_year.get(year) for year in years],
                "borderColor": palette[number % len(palette)],
                "backgroundColor": palette[number % len(palette)],
                "spanGaps": True,
            }
            for number, (name, by_year) in enumerate(frameworks.items())
        ],
        "options": {"scales": {"y": {"min": 0, "max": 100}}},
    }
