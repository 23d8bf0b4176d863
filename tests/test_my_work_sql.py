""" "Pekerjaan saya" reads its periods with one SQL statement written by hand
(renaksi/plans/work.py, ``_periods_sql``): it must list exactly what the ORM query it replaced
listed, in the same order, with the same states, latest return and labels.

The ORM query is kept here (``reference_items``) and both are run over a world with every
case: nothing recorded (due, late), drafts (late, on time, done), submitted, returned twice
(the latest comment, a reviewer with and without a name), verified, a change agent's action
(while they are one and after), a quarterly plan, another unit's work, an implementer's area
and a PIC's sub-activity, each person of the world, several months and days.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.test.utils import CaptureQueriesContext

from renaksi.access.policy import grants_for, sub_activities_assigned_to
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.plans.work import work_items
from renaksi.teams.models import Position, TeamMember
from renaksi.work import board
from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan, Review, SchedulePeriod
from renaksi.work.periods import sync_agent_periods, sync_plan_periods

from .test_work_pages import give_back, period, realise, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def reference_items(user, year: int, month: int, today: datetime.date) -> dict:
    """The ORM query work_items used before (model objects, the JSON latest return)."""
    from renaksi.work.models import Realisation

    grants = grants_for(user)
    lists = {"due": [], "late": [], "returned": [], "waiting": []}
    if not grants.active:
        return lists
    quarter = (month - 1) // 3 + 1
    this_month = Q(plan__schedule_kind=ActionPlan.Schedule.MONTH, period=month) | Q(
        plan__schedule_kind=ActionPlan.Schedule.QUARTER, period=quarter
    )
    unsubmitted = Q(realisation__isnull=True) | Q(realisation__state=Realisation.State.DRAFT)
    late = Q(planned=True, due_on__lt=today) & unsubmitted
    under_review = Q(
        realisation__state__in=[Realisation.State.SUBMITTED, Realisation.State.RETURNED]
    )
    mine = Q(sub_activity__in=sub_activities_assigned_to(user).values("pk")) | Q(
        agent_action__agent_plan__agent=user
    )
    last_return = (
        Review.objects.filter(realisation__period=OuterRef("pk"), verdict=Review.Verdict.RETURNED)
        .order_by("-created_at", "-id")
        .values(
            data=JSONObject(
                comment="comment",
                first="reviewer__first_name",
                last="reviewer__last_name",
                username="reviewer__username",
            )
        )[:1]
    )
    own_units = sorted(grants.role_units | grants.member_units) or [0]
    periods = (
        SchedulePeriod.objects.filter(
            mine, year=year, unit_id__in=own_units, plan__unit_id__in=own_units, plan__year=year
        )
        .filter(this_month | late | under_review)
        .select_related(
            "plan__unit", "realisation", "sub_activity__activity__area", "agent_action__agent_plan"
        )
        .annotate(last_return=Subquery(last_return, output_field=JSONField()))
        .order_by(
            "due_on",
            "plan__unit__code",
            "sub_activity__activity__area__number",
            "sub_activity__activity__position",
            "sub_activity__position",
            "agent_action__position",
            "id",
        )
    )
    for item in periods:
        if item.agent_action_id:
            if not grants.is_change_agent(item.unit_id, item.year):
                continue
            number, name = str(item.agent_action.position), item.agent_action.title
        else:
            sub = item.sub_activity
            number = f"{sub.activity.area.number}.{sub.activity.number}.{sub.number}"
            name = sub.name
        state = board.period_state(item, today)
        realisation = board.realisation_of(item)
        returned = item.last_return or {}
        full_name = " ".join(part for part in (returned.get("first"), returned.get("last")) if part)
        row = (
            item.pk,
            item.period,
            item.due_on,
            state,
            item.plan_id,
            item.plan.unit.name,
            number,
            name,
            None if realisation is None else (realisation.pk, realisation.state, realisation.late),
            returned.get("comment") or "",
            full_name or returned.get("username") or "",
        )
        in_month = item.period == (
            quarter if item.plan.schedule_kind == ActionPlan.Schedule.QUARTER else month
        )
        if state == board.RETURNED:
            lists["returned"].append(row)
        elif state == board.WAITING:
            lists["waiting"].append(row)
        elif state == board.LATE:
            lists["late"].append(row)
        elif in_month and (realisation is None or realisation.state == Realisation.State.DRAFT):
            lists["due"].append(row)
    return lists


def new_items(user, year: int, month: int, today: datetime.date) -> dict:
    lists = work_items(user, year, month, today)
    return {
        name: [
            (
                item.period.pk,
                item.period.period,
                item.period.due_on,
                item.state,
                item.plan.pk,
                item.plan.unit.name,
                item.number,
                item.name,
                None
                if item.realisation is None
                else (item.realisation.pk, item.realisation.state, item.realisation.late),
                item.return_comment,
                item.returned_by,
            )
            for item in getattr(lists, name)
        ]
        for name in ("due", "late", "returned", "waiting")
    }


@pytest.fixture
def busy(world):  # noqa: F811 (the fixture imported above)
    """Every kind of period of Bengkayang's area 5 and others, recorded through the ORM."""
    implementer, assessor = world.users["implementer5"], world.users["assessor"]
    assessor.first_name, assessor.last_name = "Asih", "Asesor"
    assessor.save()
    unnamed = world.users["steering"]  # a reviewer without a name: shown by user name
    realise(period(world, "6107", 5, 1), state="terverifikasi", status="selesai", by=implementer)
    realise(period(world, "6107", 5, 2), state="diajukan", by=implementer, late=True)
    twice = realise(period(world, "6107", 5, 3), state="dikembalikan", by=implementer)
    first = give_back(twice, unnamed, "Komentar pertama.")
    Review.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(days=2)
    )
    give_back(twice, assessor, "Komentar terbaru & <lengkap>.")
    once = realise(period(world, "6107", 5, 6), state="dikembalikan", by=implementer)
    give_back(once, unnamed, "Tambahkan foto.")
    realise(period(world, "6107", 5, 4), state="draf", status="selesai", by=implementer)
    realise(period(world, "6107", 5, 7), state="draf", status="ditunda", by=implementer)
    realise(period(world, "6107", 1, 2), state="diajukan", by=implementer)  # area 1: not theirs
    # A PIC of area 1's sub-activity in Bengkayang, and Sambas' own implementer's work.
    sub = world.subs[("6107", 1)]
    SubActivity.objects.filter(pk=sub.pk).update(pic=world.users["agent"])
    realise(period(world, "6101", 5, 2), state="diajukan", by=world.users["other_regency"])
    # A change agent's actions; then a quarterly plan for Sambas.
    agent = world.users["agent"]
    agent_plan = ChangeAgentPlan.objects.create(plan=world.plans["6107"], agent=agent)
    for position, schedule in ((1, 0b10000), (2, 0b111)):
        ChangeAgentAction.objects.create(
            agent_plan=agent_plan, position=position, title=f"Aksi {position}", schedule=schedule
        )
    sync_agent_periods(agent_plan)
    sambas = world.plans["6101"]
    ActionPlan.objects.filter(pk=sambas.pk).update(schedule_kind=ActionPlan.Schedule.QUARTER)
    SubActivity.objects.filter(activity__area__plan=sambas).update(schedule=0b0101)
    sambas.refresh_from_db()
    sync_plan_periods(sambas)
    return world


CASES = [
    (2022, 5, datetime.date(2022, 5, 10)),
    (2022, 3, datetime.date(2022, 5, 10)),
    (2022, 8, datetime.date(2022, 9, 30)),
    (2022, 12, datetime.date(2023, 1, 20)),
    (2022, 1, datetime.date(2022, 1, 3)),
    (2023, 5, datetime.date(2023, 5, 10)),  # no plan that year
]


def test_the_sql_lists_what_the_orm_query_listed(busy):
    shown = 0
    for name, user in busy.users.items():
        if user is None:
            continue
        for year, month, today in CASES:
            expected = reference_items(user, year, month, today)
            assert new_items(user, year, month, today) == expected, (name, year, month, today)
            shown += sum(map(len, expected.values()))
    assert shown > 80  # the world's lists are not empty


def test_the_world_has_every_case(busy):
    """What the comparison above covers (so that it does not pass on empty lists)."""
    today = datetime.date(2022, 5, 10)
    lists = new_items(busy.users["implementer5"], 2022, 5, today)
    assert [row[1] for row in lists["returned"]] == [3, 6]  # whatever the month
    assert lists["returned"][0][9:] == ("Komentar terbaru & <lengkap>.", "Asih Asesor")
    assert lists["returned"][1][9:] == ("Tambahkan foto.", "steering")
    assert [row[1] for row in lists["waiting"]] == [2]
    assert lists["waiting"][0][8][2] is True  # submitted late
    assert [row[1] for row in lists["late"]] == [4]  # the done draft, past its day
    assert [row[1] for row in lists["due"]] == [5]
    later = new_items(busy.users["implementer5"], 2022, 7, datetime.date(2022, 7, 2))
    assert [row[1] for row in later["late"]] == [4, 5]
    # July's draft says ditunda: in the month's list with that state, not late before its day.
    assert [(row[1], row[3]) for row in later["due"]] == [(7, board.POSTPONED)]
    agent = new_items(busy.users["agent"], 2022, 5, today)
    # (In either order: PostgreSQL sorts the action's missing area last, SQLite first.)
    assert sorted(row[6:8] for row in agent["due"]) == [
        ("1", "Aksi 1"),
        ("1.1.1", "Sub kegiatan 6107.1"),
    ]
    assert [row[1] for row in agent["late"] if row[6] == "2"] == [1, 2, 3]
    sambas = new_items(busy.users["other_regency"], 2022, 8, datetime.date(2022, 9, 30))
    assert [(row[1], row[3]) for row in sambas["due"]] == [(3, board.DUE)]  # the third quarter
    assert [row[1] for row in sambas["late"]] == [1]


def test_a_former_change_agent_no_longer_sees_their_actions(busy):
    agent = busy.users["agent"]
    TeamMember.objects.filter(user=agent, position=Position.AGEN_PERUBAHAN).update(
        position=Position.ASESOR_ANGGOTA
    )
    agent = type(agent).objects.get(pk=agent.pk)  # the grants read afresh
    lists = new_items(agent, 2022, 5, datetime.date(2022, 5, 10))
    assert lists == reference_items(agent, 2022, 5, datetime.date(2022, 5, 10))
    assert not [row for rows in lists.values() for row in rows if row[6] in ("1", "2")]


def test_one_query_for_the_periods_whatever_the_person(busy):
    for name in ("implementer5", "agent", "national_viewer", "other_regency"):
        with CaptureQueriesContext(connection) as queries:
            work_items(busy.users[name], 2022, 5, datetime.date(2022, 5, 10))
        periods = [q["sql"] for q in queries.captured_queries if "scheduleperiod" in q["sql"]]
        assert len(periods) == 1, name
