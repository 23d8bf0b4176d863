"""The schedule view of a plan (``dashboards:schedule``): the Lampiran's grid, areas →
activities → sub-activities with their indicators, × JAN … DES (TW I … TW IV for a quarterly
plan), each cell in its state (renaksi/dashboards/cells.py: the one classification).

A cell is a ``SchedulePeriod`` of the sub-activity: a scheduled month (``planned``), or a
month outside the schedule that holds recorded work (``planned=False``, shown as such). A
month without a period is empty. The state of a cell is ``cell_state()`` of its realisation
at the day the page is seen at (renaksi/dashboards/asof.py: today on the unit's calendar, the
end of a past plan's year, or the reader's ``?per=``).

Filters (GET, the contract with the unit dashboard's links):

    area   the change area's number (ChangeArea.number, 1–8)
    pic    a user id: the sub-activity's PIC or its activity's PIC
    state  a CellState value: a row with a cell in that state
    bulan  a month 1–12 (its quarter in a quarterly plan): a row with a cell in that month;
           with ``state``, that month's cell must be in that state
    q      text: in the area's, activity's or sub-activity's name or number, an indicator,
           the decree's PIC, target, output or note columns, or a PIC's name

The people responsible for a sub-activity are those the month view names (renaksi/work/board.py):
its PIC, its activity's PIC, then the Tim Pelaksana members of its change area in the unit's
team of the plan's year (the demo names no PIC: its area coordinators are responsible).

A row (sub-activity) is shown when it passes every filter given. The cells that match
``state`` and ``bulan`` are marked. An invalid value is reported at its field and ignored.

``load_schedule`` reads the plan in six queries (areas, activities, sub-activities,
indicators, periods with their realisations, the team's implementers), whatever the plan's size;
filtering and counting happen in Python on what was read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renaksi.access.policy import ADD_EVIDENCE, EDIT_REALISATION
from renaksi.plans.lampiran import period_headers, period_names
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity
from renaksi.teams.models import PELAKSANA_POSITIONS, TeamMember
from renaksi.work.board import person_label
from renaksi.work.models import SchedulePeriod
from renaksi.work.periods import period_count, period_of_month

from .cells import CellState, cell_state

# What each state shows in its cell besides its colour (never colour alone), in legend order.
SYMBOLS = {
    CellState.PLANNED: "○",
    CellState.DONE: "✓",
    CellState.VERIFIED: "✔✔",
    CellState.LATE: "!",
    CellState.NOT_DONE: "✗",
    CellState.POSTPONED: "»",
}
STATES = list(SYMBOLS)
FILTER_NAMES = ("area", "pic", "state", "bulan", "q")
QUERY_MAX_LENGTH = 100


@dataclass
class Cell:
    column: int  # 1–12 (a month) or 1–4 (a quarter)
    period_id: int | None = None  # None: nothing scheduled or recorded in it
    state: CellState | None = None
    planned: bool = True
    reported_late: bool = False
    match: bool = False  # matches the state/bulan filters (when one is given)
    realisation_id: int | None = None
    url: str = ""  # the page the cell opens for the reader (``link_cells``), "" for none
    header: str = ""  # "JAN" (set by ``filtered``)
    label: str = ""  # what a screen reader hears: "Januari: Terverifikasi, …"

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.state] if self.state else ""


@dataclass
class Row:
    sub: SubActivity
    number: str  # "5.1.2"
    indicators: list[Indicator]
    pics: list[str]  # the PICs' names (sub-activity's, then activity's), or []
    pic_ids: set[int]
    cells: list[Cell]
    haystack: str  # what ``q`` searches, case-folded


@dataclass
class ActivityGroup:
    activity: Activity
    number: str  # "5.1"
    rows: list[Row] = field(default_factory=list)


@dataclass
class AreaGroup:
    area: PlanArea
    activities: list[ActivityGroup] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(group.rows) for group in self.activities)


@dataclass
class Schedule:
    """The plan's grid as read, before filtering (``filtered`` gives the page's grid)."""

    plan: ActionPlan
    areas: list[AreaGroup]
    pics: list[tuple[int, str]]  # (user id, name) of every PIC in the plan, by name

    @property
    def rows(self) -> list[Row]:
        return [row for area in self.areas for group in area.activities for row in group.rows]


@dataclass
class Filters:
    area: int | None = None
    pic: int | None = None
    state: str = ""
    bulan: int | None = None
    q: str = ""

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in FILTER_NAMES)

    @property
    def marks_cells(self) -> bool:
        return bool(self.state or self.bulan)

    def params(self) -> dict[str, str]:
        """The filters given, as GET parameters (for a shareable address)."""
        return {name: str(getattr(self, name)) for name in FILTER_NAMES if getattr(self, name)}


@dataclass
class Grid:
    """What the page shows: the areas with the rows that pass the filters."""

    plan: ActionPlan
    headers: list[str]  # JAN … DES, or TW I … TW IV
    names: list[str]  # Januari … Desember, or Triwulan I … IV
    current_column: int | None  # the as-of day's month (quarter), None outside the year
    areas: list[AreaGroup]
    shown: int  # rows (sub-activities) shown
    total: int  # rows in the plan
    counts: list[tuple[str, str, str, int]]  # (state, label, symbol, cells) of the shown rows
    filters: Filters

    @property
    def columns(self) -> int:
        return len(self.headers)

    @property
    def header_cells(self) -> list[tuple[int, str, str]]:
        """(column, "JAN", "Januari") for each column."""
        return [
            (number, header, name)
            for number, (header, name) in enumerate(
                zip(self.headers, self.names, strict=True), start=1
            )
        ]


def _area_number(area: PlanArea) -> int:
    return area.change_area.number


def load_schedule(plan: ActionPlan, today: datetime.date) -> Schedule:
    """Read the plan's tree and its periods (six queries) and classify every cell at
    ``today`` (the as-of day)."""
    areas = list(
        PlanArea.objects.filter(plan_id=plan.pk).select_related("change_area").order_by("number")
    )
    activities = list(
        Activity.objects.filter(area__plan_id=plan.pk)
        .select_related("pic")
        .order_by("position", "id")
    )
    subs = list(
        SubActivity.objects.filter(activity__area__plan_id=plan.pk)
        .select_related("pic")
        .order_by("position", "id")
    )
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(
        sub_activity__activity__area__plan_id=plan.pk
    ).order_by("position", "id"):
        indicators.setdefault(indicator.sub_activity_id, []).append(indicator)
    periods: dict[int, dict[int, dict]] = {}
    for values in SchedulePeriod.objects.filter(plan_id=plan.pk, sub_activity__isnull=False).values(
        "id",
        "sub_activity_id",
        "period",
        "planned",
        "due_on",
        "realisation__id",
        "realisation__status",
        "realisation__state",
        "realisation__late",
    ):
        periods.setdefault(values["sub_activity_id"], {})[values["period"]] = values
    # The Tim Pelaksana of each change area: (user id or None, name), in the team's order.
    implementers: dict[int, list[tuple[int | None, str]]] = {}
    for member in (
        TeamMember.objects.filter(
            team__unit_id=plan.unit_id,
            team__year=plan.year,
            position__in=PELAKSANA_POSITIONS,
            change_area__isnull=False,
        )
        .select_related("user")
        .order_by("id")
    ):
        name = person_label(member.user) if member.user_id else member.name
        people = implementers.setdefault(member.change_area_id, [])
        if (member.user_id, name) not in people:
            people.append((member.user_id, name))

    count = period_count(plan.schedule_kind)
    pics: dict[int, str] = {}
    area_groups = {area.pk: AreaGroup(area) for area in areas}
    activity_groups: dict[int, ActivityGroup] = {}
    for area in areas:
        area.plan = plan  # the permission rules walk sub → activity → area → plan
    for activity in activities:
        area = area_groups[activity.area_id].area
        activity.area = area
        group = ActivityGroup(activity, f"{area.number}.{activity.number}")
        activity_groups[activity.pk] = group
        area_groups[activity.area_id].activities.append(group)
    for sub in subs:
        group = activity_groups[sub.activity_id]
        activity = group.activity
        sub.activity = activity
        area = area_groups[activity.area_id].area
        names, ids = [], set()
        people = [(pic.pk, person_label(pic)) for pic in (sub.pic, activity.pic) if pic]
        for user_id, name in people + implementers.get(area.change_area_id, []):
            if user_id is not None:
                if user_id in ids:
                    continue
                ids.add(user_id)
                pics[user_id] = name
            if name not in names:
                names.append(name)
        cells = []
        own = periods.get(sub.pk, {})
        for column in range(1, count + 1):
            values = own.get(column)
            if values is None or (not values["planned"] and values["realisation__id"] is None):
                cells.append(Cell(column))
                continue
            cells.append(
                Cell(
                    column,
                    period_id=values["id"],
                    state=cell_state(
                        values["realisation__status"],
                        values["realisation__state"],
                        values["due_on"],
                        today,
                    ),
                    planned=values["planned"],
                    reported_late=bool(values["realisation__late"]),
                    realisation_id=values["realisation__id"],
                )
            )
        number = f"{group.number}.{sub.number}"
        sub_indicators = indicators.get(sub.pk, [])
        haystack = " ".join(
            [
                number,
                str(area),
                str(activity),
                sub.name,
                sub.pic_text,
                sub.target_text,
                sub.output_text,
                sub.note,
                *(indicator.text for indicator in sub_indicators),
                *names,
            ]
        ).casefold()
        group.rows.append(Row(sub, number, sub_indicators, names, ids, cells, haystack))
    return Schedule(
        plan=plan,
        areas=list(area_groups.values()),
        pics=sorted(pics.items(), key=lambda item: (item[1].casefold(), item[0])),
    )


def link_cells(grid: Grid, user) -> None:
    """Give each cell of the grid the page it opens for ``user`` (no query: the grants are
    read once per request and the rows carry their tree): the realisation form of its period
    for those who report on the sub-activity or add its evidence, otherwise the realisation's
    page (every reader of the unit may read it) when something was recorded, else nothing."""
    form = reverse("work:realisation", kwargs={"period": 0}).replace("/0/", "/{}/")
    page = reverse("work:review", kwargs={"pk": 0}).replace("/0/", "/{}/")
    for area in grid.areas:
        for group in area.activities:
            for row in group.rows:
                reports = user.has_perm(EDIT_REALISATION, row.sub) or user.has_perm(
                    ADD_EVIDENCE, row.sub
                )
                for cell in row.cells:
                    if cell.period_id is None:
                        continue
                    if reports:
                        cell.url = form.format(cell.period_id)
                    elif cell.realisation_id is not None:
                        cell.url = page.format(cell.realisation_id)


def _row_passes(row: Row, area: AreaGroup, filters: Filters) -> bool:
    if filters.area and _area_number(area.area) != filters.area:
        return False
    if filters.pic and filters.pic not in row.pic_ids:
        return False
    if filters.q and not all(word in row.haystack for word in filters.q.casefold().split()):
        return False
    if filters.marks_cells:
        return any(cell.match for cell in row.cells)
    return True


def _mark(cell: Cell, filters: Filters, column: int | None) -> bool:
    if cell.state is None:
        return False
    if filters.state and cell.state != filters.state:
        return False
    return not (column and cell.column != column)


def filtered(schedule: Schedule, filters: Filters, current_month: int | None) -> Grid:
    """The grid of the rows that pass ``filters``, with the state counts of those rows."""
    plan = schedule.plan
    column = period_of_month(filters.bulan, plan.schedule_kind) if filters.bulan else None
    counts = dict.fromkeys(STATES, 0)
    areas: list[AreaGroup] = []
    shown = total = 0
    for area in schedule.areas:
        kept = AreaGroup(area.area)
        for group in area.activities:
            rows = []
            for row in group.rows:
                total += 1
                for cell in row.cells:
                    cell.match = filters.marks_cells and _mark(cell, filters, column)
                if not _row_passes(row, area, filters):
                    continue
                rows.append(row)
                for cell in row.cells:
                    if cell.state:
                        counts[cell.state] += 1
            if rows:
                kept.activities.append(ActivityGroup(group.activity, group.number, rows))
        if kept.activities:
            areas.append(kept)
            shown += kept.row_count
    labels = dict(CellState.choices)
    headers = [str(header) for header in period_headers(plan)]
    names = period_names(plan.schedule_kind)
    outside, late = str(_("di luar jadwal")), str(_("dilaporkan terlambat"))
    for area in areas:
        for group in area.activities:
            for row in group.rows:
                for cell in row.cells:
                    cell.header = headers[cell.column - 1]
                    if cell.state is None:
                        cell.label = ""
                        continue
                    parts = [str(labels[cell.state])]
                    if cell.reported_late:
                        parts.append(late)
                    if not cell.planned:
                        parts.append(outside)
                    cell.label = f"{names[cell.column - 1]}: {', '.join(parts)}"
    return Grid(
        plan=plan,
        headers=headers,
        names=names,
        current_column=period_of_month(current_month, plan.schedule_kind)
        if current_month
        else None,
        areas=areas,
        shown=shown,
        total=total,
        counts=[(state, str(labels[state]), SYMBOLS[state], counts[state]) for state in STATES],
        filters=filters,
    )


INVALID_CHOICE = _("Pilih salah satu pilihan yang tersedia.")


class ScheduleFilterForm(forms.Form):
    """The filters of the schedule view, with the plan's areas and PICs as choices."""

    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("Teks pencarian paling banyak %(limit_value)d karakter."),
            "null_characters_not_allowed": _("Teks pencarian tidak boleh memuat karakter nol."),
        },
    )
    area = forms.TypedChoiceField(
        label=_("Area perubahan"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    pic = forms.TypedChoiceField(
        label=_("Penanggung jawab"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    state = forms.ChoiceField(
        label=_("Keadaan"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    bulan = forms.TypedChoiceField(
        label=_("Bulan"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    def __init__(self, data, schedule: Schedule, **kwargs):
        super().__init__(data, **kwargs)
        everything = [("", _("Semua"))]
        self.fields["area"].choices = everything + [
            (_area_number(group.area), str(group.area)) for group in schedule.areas
        ]
        self.fields["pic"].choices = everything + list(schedule.pics)
        self.fields["state"].choices = everything + [
            (state, f"{SYMBOLS[state]} {label}") for state, label in CellState.choices
        ]
        months = period_names(ActionPlan.Schedule.MONTH)
        self.fields["bulan"].choices = everything + list(enumerate(months, start=1))

    def filters(self) -> Filters:
        """The valid filters (an invalid one is left out, its error stays on the form)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            area=data.get("area"),
            pic=data.get("pic"),
            state=data.get("state") or "",
            bulan=data.get("bulan"),
            q=(data.get("q") or "").strip(),
        )
