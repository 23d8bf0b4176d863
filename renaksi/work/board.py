"""The state of a plan's work in one month, and what waits on whom.

``period_state(period, today)`` names where one scheduled cell stands, in this order:

* the review state first: ``waiting`` (submitted, menunggu verifikasi), ``returned``
  (dikembalikan), and, once verified, ``verified`` — or ``not_done`` / ``postponed`` when the
  verified report says the work did not happen or was postponed;
* otherwise (nothing recorded, or a draft): ``late`` once the reporting day (``due_on``, in
  the unit's calendar) has passed; before it, a draft that says ``selesai`` is ``done``
  (recorded, not yet submitted), one that says tidak terlaksana / ditunda is ``not_done`` /
  ``postponed``, and anything else is ``due``.

``month_board(plan, month, today)`` reads the month of one plan in a fixed number of queries
(the plan's areas, the month's periods with their realisations and responsible people, the
unit's team for the year), whatever the size of the plan.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan, PlanArea
from renaksi.teams.models import POSITION_PART, Part, TeamMember

from .models import Realisation, SchedulePeriod
from .periods import period_of_month

DUE = "due"
DONE = "done"
LATE = "late"
WAITING = "waiting"
VERIFIED = "verified"
RETURNED = "returned"
NOT_DONE = "not_done"
POSTPONED = "postponed"

# In the order the counts are shown.
STATE_LABELS = {
    DUE: _("Belum dilaporkan"),
    LATE: _("Terlambat"),
    DONE: _("Selesai, belum diajukan"),
    WAITING: _("Menunggu verifikasi"),
    RETURNED: _("Dikembalikan"),
    VERIFIED: _("Terverifikasi"),
    NOT_DONE: _("Tidak terlaksana"),
    POSTPONED: _("Ditunda"),
}
# What the people responsible still have to do, by state.
TO_REPORT = frozenset({DUE, LATE, DONE})


def realisation_of(period: SchedulePeriod) -> Realisation | None:
    """The period's realisation (loaded with select_related("realisation")), or None."""
    try:
        return period.realisation
    except Realisation.DoesNotExist:
        return None


def period_state(period: SchedulePeriod, today: datetime.date) -> str:
    realisation = realisation_of(period)
    state = realisation.state if realisation is not None else Realisation.State.DRAFT
    status = realisation.status if realisation is not None else ""
    if state == Realisation.State.SUBMITTED:
        return WAITING
    if state == Realisation.State.RETURNED:
        return RETURNED
    if state == Realisation.State.VERIFIED:
        if status == Realisation.Status.NOT_DONE:
            return NOT_DONE
        if status == Realisation.Status.POSTPONED:
            return POSTPONED
        return VERIFIED
    if today > period.due_on:
        return LATE
    if status == Realisation.Status.DONE:
        return DONE
    if status == Realisation.Status.NOT_DONE:
        return NOT_DONE
    if status == Realisation.Status.POSTPONED:
        return POSTPONED
    return DUE


def today_in(zone: str) -> datetime.date:
    return timezone.localdate(timezone=ZoneInfo(zone or "Asia/Jakarta"))


def default_month(plan: ActionPlan, today: datetime.date) -> int:
    """The month a plan's pages open on: this month in the plan's year, December of a past
    year, January of a future one."""
    if plan.year < today.year:
        return 12
    if plan.year > today.year:
        return 1
    return today.month


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass
class Team:
    """The unit's Tim RB of the plan's year, as names: implementers per area, assessors."""

    implementers: dict[int, list[str]] = field(default_factory=dict)  # area number → names
    assessors: list[str] = field(default_factory=list)


def team_of(unit_id: int, year: int) -> Team:
    team = Team()
    members = (
        TeamMember.objects.filter(team__unit_id=unit_id, team__year=year)
        .select_related("user", "change_area")
        .order_by("id")
    )
    for member in members:
        part = POSITION_PART.get(member.position)
        name = person_label(member.user) if member.user_id else member.name
        if part == Part.PELAKSANA and member.change_area_id:
            names = team.implementers.setdefault(member.change_area.number, [])
            if name not in names:
                names.append(name)
        elif part == Part.ASESOR and name not in team.assessors:
            team.assessors.append(name)
    return team


@dataclass
class MonthItem:
    period: SchedulePeriod
    realisation: Realisation | None
    state: str
    state_label: str
    number: str  # "5.1.2", or the action's position for a change agent's action
    name: str
    responsible: list[str]
    waits_on: list[str]


@dataclass
class AreaGroup:
    title: str
    items: list[MonthItem] = field(default_factory=list)


@dataclass
class MonthBoard:
    plan: ActionPlan
    month: int
    period: int
    groups: list[AreaGroup]
    counts: list[tuple[str, str, int]]  # (state, label, count), every state
    total: int
    # (person, to report, to revise, to verify), people with anything waiting on them.
    waiting_on: list[tuple[str, int, int, int]]
    # (to report, to revise, to verify) of periods with no one named to do it, or None.
    waiting_on_nobody: tuple[int, int, int] | None = None

    @property
    def items(self) -> list[MonthItem]:
        return [item for group in self.groups for item in group.items]


def _responsible(period: SchedulePeriod, team: Team) -> list[str]:
    if period.agent_action_id:
        return [person_label(period.agent_action.agent_plan.agent)]
    sub = period.sub_activity
    names: list[str] = []
    for pic in (sub.pic, sub.activity.pic):
        if pic is not None and person_label(pic) not in names:
            names.append(person_label(pic))
    for name in team.implementers.get(sub.activity.area.number, []):
        if name not in names:
            names.append(name)
    return names


def month_board(plan: ActionPlan, month: int, today: datetime.date) -> MonthBoard:
    """Every period of ``month`` (its quarter for a quarterly plan), per area, with states."""
    period_number = period_of_month(month, plan.schedule_kind)
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number", "id"))
    periods = (
        SchedulePeriod.objects.filter(plan=plan, period=period_number)
        .select_related(
            "realisation",
            "sub_activity__pic",
            "sub_activity__activity__pic",
            "sub_activity__activity__area",
            "agent_action__agent_plan__agent",
        )
        .order_by(
            "sub_activity__activity__area__number",
            "sub_activity__activity__position",
            "sub_activity__position",
            "agent_action__agent_plan_id",
            "agent_action__position",
            "id",
        )
    )
    team = team_of(plan.unit_id, plan.year)
    labels = {key: str(label) for key, label in STATE_LABELS.items()}
    groups = {area.pk: AreaGroup(str(area)) for area in areas}
    agents = AreaGroup(str(_("Rencana aksi agen perubahan")))
    counts: Counter[str] = Counter()
    people: dict[str, list[int]] = {}
    nobody = [0, 0, 0]  # waiting on no one: no PIC, no implementer (or no assessor)
    for period in periods:
        state = period_state(period, today)
        counts[state] += 1
        responsible = _responsible(period, team)
        if state == WAITING:
            waits_on = list(team.assessors)
        elif state in TO_REPORT or state == RETURNED:
            waits_on = responsible
        else:
            waits_on = []
        column = 2 if state == WAITING else (1 if state == RETURNED else 0)
        for name in waits_on:
            people.setdefault(name, [0, 0, 0])[column] += 1
        if not waits_on and (state in TO_REPORT or state in (RETURNED, WAITING)):
            nobody[column] += 1
        if period.agent_action_id:
            action = period.agent_action
            item = MonthItem(
                period,
                realisation_of(period),
                state,
                labels[state],
                str(action.position),
                action.title,
                responsible,
                waits_on,
            )
            agents.items.append(item)
            continue
        sub = period.sub_activity
        activity = sub.activity
        item = MonthItem(
            period,
            realisation_of(period),
            state,
            labels[state],
            f"{activity.area.number}.{activity.number}.{sub.number}",
            sub.name,
            responsible,
            waits_on,
        )
        groups.setdefault(activity.area_id, AreaGroup(str(activity.area))).items.append(item)
    shown = list(groups.values()) + ([agents] if agents.items else [])
    return MonthBoard(
        plan=plan,
        month=month,
        period=period_number,
        groups=shown,
        counts=[(key, labels[key], counts[key]) for key in STATE_LABELS],
        total=sum(counts.values()),
        waiting_on=sorted(
            ((name, *columns) for name, columns in people.items()),
            key=lambda row: (-(row[1] + row[2] + row[3]), row[0]),
        ),
        waiting_on_nobody=tuple(nobody) if any(nobody) else None,
    )
