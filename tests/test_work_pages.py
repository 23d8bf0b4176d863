"""The year's work pages: "Pekerjaan saya", the month view of a plan, the verification queue
and the history of a sub-activity (renaksi/work/views_pages.py, renaksi/plans/work.py).

The realisations, reviews and audit entries are written through the ORM here, so that these
pages are tested apart from the realisation form's services.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from renaksi.audit.services import record
from renaksi.plans.models import ActionPlan
from renaksi.teams.models import Position, TeamMember
from renaksi.work import board
from renaksi.work.models import Evidence, Realisation, Review, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .permission_world import build_world

pytestmark = pytest.mark.django_db

# A Tuesday in May 2022, 10:00 in Bengkayang (WIB, UTC+7): April's reports were due on May 5th.
NOW = datetime.datetime(2022, 5, 10, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    world = build_world()
    bengkayang = world.units["6107"]
    bengkayang.time_zone = "Asia/Pontianak"
    bengkayang.save()
    for plan in world.plans.values():
        plan.refresh_from_db()
        sync_plan_periods(plan)
    return world


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def period(world, code: str, area: int, month: int) -> SchedulePeriod:
    return SchedulePeriod.objects.get(sub_activity=world.subs[(code, area)], period=month)


def realise(period: SchedulePeriod, *, state="draf", status="dalam_proses", by=None, **extra):
    return Realisation.objects.create(
        period=period,
        plan_id=period.plan_id,
        unit_id=period.unit_id,
        year=period.year,
        sub_activity_id=period.sub_activity_id,
        state=state,
        status=status,
        reason="Cuaca" if status == "tidak_terlaksana" else "",
        postponed_to=12 if status == "ditunda" else None,
        submitted_at=timezone.now() if state != "draf" else None,
        submitted_by=by,
        created_by=by,
        **extra,
    )


def give_back(realisation, reviewer, comment: str) -> Review:
    return Review.objects.create(
        realisation=realisation,
        reviewer=reviewer,
        verdict=Review.Verdict.RETURNED,
        comment=comment,
        realisation_version=realisation.version,
    )


# -- the state of one period -----------------------------------------------------------------


def test_each_state_of_a_period(world, frozen):
    today = datetime.date(2022, 5, 10)
    april, may = period(world, "6107", 5, 4), period(world, "6107", 5, 5)
    state = board.period_state
    assert state(may, today) == board.DUE  # nothing recorded, due on June 5th
    assert state(april, today) == board.LATE  # nothing recorded, due on May 5th
    assert state(april, datetime.date(2022, 5, 5)) == board.DUE  # the due day itself is on time
    cases = [
        ({"state": "draf", "status": "selesai"}, board.DONE, board.LATE),
        ({"state": "draf", "status": "tidak_terlaksana"}, board.NOT_DONE, board.LATE),
        ({"state": "draf", "status": "ditunda"}, board.POSTPONED, board.LATE),
        ({"state": "draf", "status": "dalam_proses"}, board.DUE, board.LATE),
        ({"state": "diajukan"}, board.WAITING, board.WAITING),
        ({"state": "dikembalikan"}, board.RETURNED, board.RETURNED),
        ({"state": "terverifikasi", "status": "selesai"}, board.VERIFIED, board.VERIFIED),
        ({"state": "terverifikasi", "status": "tidak_terlaksana"}, board.NOT_DONE, board.NOT_DONE),
        ({"state": "terverifikasi", "status": "ditunda"}, board.POSTPONED, board.POSTPONED),
    ]
    for fields, on_time, after_due in cases:
        Realisation.objects.filter(period__in=[may]).delete()
        realise(may, **fields)
        fresh = SchedulePeriod.objects.select_related("realisation").get(pk=may.pk)
        assert state(fresh, today) == on_time, fields
        assert state(fresh, datetime.date(2022, 6, 6)) == after_due, fields


def test_pages_open_on_the_plans_month():
    plan = ActionPlan(year=2022)
    assert board.default_month(plan, datetime.date(2022, 5, 10)) == 5
    assert board.default_month(plan, datetime.date(2024, 5, 10)) == 12  # a past year
    assert board.default_month(plan, datetime.date(2021, 5, 10)) == 1  # a future year


# -- Pekerjaan saya --------------------------------------------------------------------------


def test_my_work_lists_due_late_returned_and_waiting(client, world, frozen):
    implementer, assessor = world.users["implementer5"], world.users["assessor"]
    realise(period(world, "6107", 5, 2), state="diajukan", by=implementer)
    returned = realise(period(world, "6107", 5, 3), state="dikembalikan", by=implementer)
    give_back(returned, assessor, "Daftar hadir belum ditandatangani.")
    realise(period(world, "6107", 5, 1), state="terverifikasi", status="selesai")
    client.force_login(implementer)
    response = client.get(reverse("plans:my_work"))
    lists = response.context["lists"]
    # Opened on May 2022 (the plan's year is this year): May is due, April late.
    assert response.context["month_value"] == "2022-05"
    assert [item.period.period for item in lists.due] == [5]
    assert [item.period.period for item in lists.late] == [4]
    assert [item.period.period for item in lists.returned] == [3]
    assert [item.period.period for item in lists.waiting] == [2]
    assert not lists.assessor and lists.to_verify == []
    html = response.content.decode()
    assert "Daftar hadir belum ditandatangani." in html
    assert "Catatan assessor:" in html  # who returned it
    assert "Menunggu verifikasi Anda" not in html
    # Only the implementer's own area: area 1 of Bengkayang is not theirs.
    area1 = period(world, "6107", 1, 5)
    assert f'data-period="{area1.pk}"' not in html
    assert f'data-period="{period(world, "6107", 5, 5).pk}"' in html


def test_my_work_in_another_month(client, world, frozen):
    client.force_login(world.users["implementer5"])
    lists = client.get(reverse("plans:my_work"), {"bulan": "2022-09"}).context["lists"]
    assert [item.period.period for item in lists.due] == [9]
    assert [item.period.period for item in lists.late] == [1, 2, 3, 4]  # overdue as of today


def test_a_draft_past_its_day_is_late_and_a_submitted_one_is_not(client, world, frozen):
    implementer = world.users["implementer5"]
    realise(period(world, "6107", 5, 1), state="draf", status="selesai")
    realise(period(world, "6107", 5, 2), state="diajukan", by=implementer)
    realise(period(world, "6107", 5, 3), state="terverifikasi", status="selesai")
    client.force_login(implementer)
    lists = client.get(reverse("plans:my_work")).context["lists"]
    assert [item.period.period for item in lists.late] == [1, 4]
    assert [item.period.period for item in lists.waiting] == [2]


def test_a_past_year_opens_on_december(client, world):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 3, tzinfo=datetime.UTC), tick=False):
        client.force_login(world.users["implementer5"])
        response = client.get(reverse("plans:my_work"))
    assert response.context["month_value"] == "2022-12"
    lists = response.context["lists"]
    assert lists.due == []  # December 2022 was due on 5 January 2023: late now, like the rest
    assert [item.period.period for item in lists.late] == list(range(1, 13))


def test_the_month_follows_the_units_time_zone(client, world):
    # 30 April 2022, 18:00 UTC: already 1 May in Bengkayang (WIB, UTC+7).
    with time_machine.travel(datetime.datetime(2022, 4, 30, 18, tzinfo=datetime.UTC), tick=False):
        client.force_login(world.users["implementer5"])
        assert client.get(reverse("plans:my_work")).context["month_value"] == "2022-05"
    with time_machine.travel(datetime.datetime(2022, 4, 30, 16, tzinfo=datetime.UTC), tick=False):
        assert client.get(reverse("plans:my_work")).context["month_value"] == "2022-04"


def test_the_assessor_sees_what_waits_on_them(client, world, frozen):
    implementer = world.users["implementer5"]
    for month in (3, 1, 2):
        with time_machine.travel(datetime.datetime(2022, month + 1, 2, tzinfo=datetime.UTC)):
            realise(period(world, "6107", 5, month), state="diajukan", by=implementer)
    realise(period(world, "6101", 5, 1), state="diajukan")  # Sambas: not theirs
    client.force_login(world.users["assessor"])
    response = client.get(reverse("plans:my_work"))
    lists = response.context["lists"]
    assert lists.assessor
    assert [r.period.period for r in lists.to_verify] == [1, 2, 3]  # oldest first
    assert lists.to_verify_count == 3
    assert "Menunggu verifikasi Anda" in response.content.decode()


def test_the_old_switch_still_works(client, world, frozen):
    client.force_login(world.users["implementer5"])
    response = client.get(reverse("plans:my_work"), {"bulan": "2022-13"})
    assert response.status_code == 200
    assert response.context["month_value"] == "2022-05"  # nonsense falls back to the opening


# -- the month view ---------------------------------------------------------------------------


def test_month_view_states_counts_and_responsible(client, world, frozen):
    implementer, assessor = world.users["implementer5"], world.users["assessor"]
    implementer.first_name, implementer.last_name = "Rina", "Pelaksana"
    implementer.save()
    plan = world.plans["6107"]
    realise(period(world, "6107", 5, 4), state="diajukan", by=implementer)
    client.force_login(world.users["steering"])
    response = client.get(reverse("work:month", kwargs={"plan": plan.pk, "month": 4}))
    assert response.status_code == 200
    board_ = response.context["board"]
    counts = {state: count for state, _, count in board_.counts}
    assert counts[board.WAITING] == 1 and counts[board.LATE] == 1 and board_.total == 2
    by_area = {item.number: item for item in board_.items}
    assert by_area["5.1.1"].state == board.WAITING
    assert by_area["5.1.1"].waits_on == ["assessor"]  # submitted → the Tim Asesor
    assert by_area["1.1.1"].state == board.LATE
    assert by_area["1.1.1"].waits_on == []  # area 1 has no implementer, no PIC
    assert by_area["5.1.1"].responsible == ["Rina Pelaksana"]
    html = response.content.decode()
    assert "Menunggu siapa" in html and "<details" in html and " open>" in html
    # The table: the assessor has one to verify.
    assert board_.waiting_on == [("assessor", 0, 0, 1)]
    assert board_.waiting_on_nobody == (1, 0, 0)  # area 1's late period: no one named
    assert "Belum ada penanggung jawab" in html
    # The PIC is responsible too, and what is late waits on them.
    sub = world.subs[("6107", 1)]
    sub.pic = assessor
    sub.save()
    board_ = client.get(reverse("work:month", kwargs={"plan": plan.pk, "month": 4})).context[
        "board"
    ]
    late = next(item for item in board_.items if item.number == "1.1.1")
    assert late.responsible == late.waits_on == ["assessor"]


def test_month_view_without_a_month_opens_on_the_current_one(client, world, frozen):
    client.force_login(world.users["national_viewer"])
    response = client.get(reverse("work:month", kwargs={"plan": world.plans["6107"].pk}))
    assert response.context["month"] == 5
    assert not response.context["open_waiting"]  # readers see the table folded
    bad = reverse("work:month", kwargs={"plan": world.plans["6107"].pk, "month": 13})
    assert client.get(bad).status_code == 404


def test_the_plan_page_links_the_month_view(client, world, frozen):
    plan = world.plans["6107"]
    client.force_login(world.users["national_viewer"])
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'href="{reverse("work:month", kwargs={"plan": plan.pk})}"' in html


def test_month_view_of_a_quarterly_plan_shows_the_quarter(client, world, frozen):
    plan = world.plans["6107"]
    SchedulePeriod.objects.filter(plan=plan).delete()  # the monthly rows (no work on them)
    ActionPlan.objects.filter(pk=plan.pk).update(schedule_kind=ActionPlan.Schedule.QUARTER)
    plan.refresh_from_db()
    for code, area in (("6107", 1), ("6107", 5)):
        sub = world.subs[(code, area)]
        sub.schedule = 0b0100  # TW III
        sub.save()
    sync_plan_periods(plan)
    client.force_login(world.users["steering"])
    response = client.get(reverse("work:month", kwargs={"plan": plan.pk, "month": 8}))
    assert response.context["board"].period == 3
    assert response.context["board"].total == 2
    assert "Triwulan III" in response.content.decode()
    response = client.get(reverse("work:month", kwargs={"plan": plan.pk, "month": 2}))
    assert response.context["board"].total == 0


# -- the verification queue -------------------------------------------------------------------


def test_queue_is_the_assessors_submitted_work_across_years(client, world, frozen):
    implementer, assessor = world.users["implementer5"], world.users["assessor"]
    # A second year where they assess too, and one (Sambas) where they do not.
    plan_2023 = ActionPlan.objects.create(unit=world.units["6107"], year=2023)
    team_2023 = world.teams["6107"].__class__.objects.create(unit=world.units["6107"], year=2023)
    TeamMember.objects.create(
        team=team_2023, user=assessor, name="A", position=Position.ASESOR_KETUA
    )
    from renaksi.plans.models import Activity, PlanArea, SubActivity

    area = PlanArea.objects.create(
        plan=plan_2023, change_area=world.subs[("6107", 5)].activity.area.change_area, number=5
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="K")
    SubActivity.objects.create(activity=activity, number=1, position=1, name="Sub 2023", schedule=1)
    sync_plan_periods(plan_2023)
    with time_machine.travel(datetime.datetime(2023, 2, 1, tzinfo=datetime.UTC)):
        newer = realise(SchedulePeriod.objects.get(plan=plan_2023), state="diajukan")
    with time_machine.travel(datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC)):
        older = realise(period(world, "6107", 5, 5), state="diajukan", by=implementer)
    realise(period(world, "6107", 5, 4), state="terverifikasi", status="selesai")
    sambas = realise(period(world, "6101", 5, 1), state="diajukan")
    client.force_login(assessor)
    response = client.get(reverse("work:queue"))
    assert [r.pk for r in response.context["queue"]] == [older.pk, newer.pk]
    html = response.content.decode()
    assert f'data-realisation="{sambas.pk}"' not in html
    # The nav shows the queue to an assessor, and to no one else.
    assert f'href="{reverse("work:queue")}"' in html
    client.force_login(implementer)
    html = client.get(reverse("plans:my_work")).content.decode()
    assert f'href="{reverse("work:queue")}"' not in html
    assert list(client.get(reverse("work:queue")).context["queue"]) == []


# -- the history of a sub-activity ------------------------------------------------------------


def test_sub_activity_history_shows_its_work_only(client, world, frozen):
    implementer, assessor = world.users["implementer5"], world.users["assessor"]
    plan = world.plans["6107"]
    sub = world.subs[("6107", 5)]
    mine = realise(period(world, "6107", 5, 4), state="dikembalikan", by=implementer)
    other = realise(period(world, "6107", 1, 4), state="diajukan")
    evidence = Evidence.objects.create(
        realisation=mine,
        plan=plan,
        unit=plan.unit,
        title="Notulen rapat",
        url="https://example.test/notulen",
        uploaded_by=implementer,
    )
    review = give_back(mine, assessor, "Lengkapi daftar hadir.")
    with time_machine.travel(datetime.datetime(2022, 5, 9, 17, 30, tzinfo=datetime.UTC)):
        record(implementer, "plan.sub_activity_changed", plan=plan, obj=sub, after={"name": "X"})
        record(implementer, "work.realisation_saved", plan=plan, obj=mine, after={"progress": 50})
        record(implementer, "work.evidence_added", plan=plan, obj=evidence)
        record(assessor, "work.realisation_returned", plan=plan, obj=review, comment="Lengkapi")
        record(implementer, "work.period_test", plan=plan, obj=mine.period)
        record(implementer, "work.realisation_saved", plan=plan, obj=other)  # another sub
        record(implementer, "plan.decree_changed", plan=plan, obj=plan)  # the plan itself
    client.force_login(world.users["national_viewer"])
    url = reverse("work:sub_activity_history", kwargs={"plan": plan.pk, "sub": sub.pk})
    response = client.get(url)
    assert response.status_code == 200
    actions = [row.entry.action for row in response.context["rows"]]
    assert sorted(actions) == sorted(
        [
            "plan.sub_activity_changed",
            "work.realisation_saved",
            "work.evidence_added",
            "work.realisation_returned",
            "work.period_test",
        ]
    )
    html = response.content.decode()
    # 17:30 UTC is 00:30 the next day in Bengkayang (WIB).
    assert "10 Mei 2022 00.30 WIB" in html
    # A sub-activity of another plan is a 404, even with a readable plan in the URL.
    other_plan = world.plans["6101"]
    wrong = reverse("work:sub_activity_history", kwargs={"plan": other_plan.pk, "sub": sub.pk})
    assert client.get(wrong).status_code == 404


def test_nav_for_everyone_else_is_unchanged(client, world):
    for persona in ("implementer5", "steering", "national_viewer", "unit_admin"):
        client.force_login(world.users[persona])
        html = client.get(reverse("plans:list")).content.decode()
        assert f'href="{reverse("work:queue")}"' not in html, persona
    client.force_login(User.objects.get(username="assessor"))
    assert f'href="{reverse("work:queue")}"' in client.get(reverse("plans:list")).content.decode()


def test_a_twice_returned_report_shows_the_latest_comment(client, world, frozen):
    implementer, assessor = world.users["implementer5"], world.users["assessor"]
    returned = realise(period(world, "6107", 5, 3), state="dikembalikan", by=implementer)
    with time_machine.travel(datetime.datetime(2022, 4, 6, tzinfo=datetime.UTC)):
        give_back(returned, assessor, "Komentar pertama.")
    with time_machine.travel(datetime.datetime(2022, 4, 8, tzinfo=datetime.UTC)):
        give_back(returned, assessor, "Komentar terbaru.")
    client.force_login(implementer)
    (item,) = client.get(reverse("plans:my_work")).context["lists"].returned
    assert item.return_comment == "Komentar terbaru."


def test_a_value_named_like_a_reverse_relation_is_shown_not_a_500(client, world, frozen):
    """A realisation's audit data may carry keys such as "evidence" (the item's id), which
    are also the names of the realisation's reverse relations: shown as plain values."""
    plan, implementer = world.plans["6107"], world.users["implementer5"]
    realisation = realise(period(world, "6107", 5, 4), by=implementer)
    record(implementer, "work.evidence_added", plan=plan, obj=realisation, evidence=7, values=2)
    client.force_login(world.users["national_viewer"])
    sub = world.subs[("6107", 5)]
    for url in (
        reverse("work:sub_activity_history", kwargs={"plan": plan.pk, "sub": sub.pk}),
        reverse("plans:history", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Bukti dukung ditambahkan" in response.content.decode()


def test_a_change_agent_sees_their_own_actions(client, world, frozen):
    from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan
    from renaksi.work.periods import sync_agent_periods

    agent = world.users["agent"]
    agent_plan = ChangeAgentPlan.objects.create(plan=world.plans["6107"], agent=agent)
    ChangeAgentAction.objects.create(
        agent_plan=agent_plan, position=1, title="Sosialisasi budaya kerja", schedule=0b10000
    )
    sync_agent_periods(agent_plan)
    client.force_login(agent)
    lists = client.get(reverse("plans:my_work")).context["lists"]
    assert [(item.name, item.period.period) for item in lists.due] == [
        ("Sosialisasi budaya kerja", 5)
    ]
    # The month view shows it in the agents' section, waiting on the agent.
    client.force_login(world.users["steering"])
    board_ = client.get(
        reverse("work:month", kwargs={"plan": world.plans["6107"].pk, "month": 5})
    ).context["board"]
    (item,) = [item for item in board_.items if item.period.agent_action_id]
    assert item.responsible == item.waits_on == ["agent"]
