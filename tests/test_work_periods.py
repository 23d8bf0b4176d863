"""The schedule as rows (renaksi/work/periods.py): every writer of a plan's tree keeps the
SchedulePeriod rows equal to the masks — the editor (schedule, add, move, delete, schedule
kind, report due day), creation by hand, from a template and as next year's copy,
generate_national and the sync_periods command — with a fixed number of queries; work on a
period outlives its month being unticked; rows with work refuse their deletion cleanly."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi.audit.models import LogEntry
from renaksi.plans import editing
from renaksi.plans.creation import copy_plan, create_from_template, create_plan
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity
from renaksi.plans.plan_templates import load_template
from renaksi.work.models import EvidenceKind, Realisation, SchedulePeriod
from renaksi.work.periods import (
    due_date,
    last_month,
    period_of_month,
    periods_as_masks,
    sync_plan_periods,
)

from .editor_world import build_editor_world, fresh
from .work_periods_support import (
    assert_periods_true,
    evidence_on,
    period_of,
    realise,
    value_on,
)

pytestmark = pytest.mark.django_db

HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@pytest.fixture
def world():
    world = build_editor_world()
    sync_plan_periods(world.plan)  # as the sync_periods command leaves an older database
    return world


@pytest.fixture
def admin(world):
    return world.users["admin"]


def months(mask: int) -> list[int]:
    return [m for m in range(1, 13) if mask & (1 << (m - 1))]


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


# -- due dates ----------------------------------------------------------------------------------


def test_due_dates_monthly_and_quarterly():
    assert due_date(2026, 1, "month", 5) == datetime.date(2026, 2, 5)
    assert due_date(2026, 11, "month", 5) == datetime.date(2026, 12, 5)
    # December's report is due on 5 January of the next year.
    assert due_date(2026, 12, "month", 5) == datetime.date(2027, 1, 5)
    # A quarter's is due after its third month; the fourth quarter's in January.
    assert due_date(2026, 1, "quarter", 5) == datetime.date(2026, 4, 5)
    assert due_date(2026, 3, "quarter", 10) == datetime.date(2026, 10, 10)
    assert due_date(2026, 4, "quarter", 28) == datetime.date(2027, 1, 28)
    assert [last_month(q, "quarter") for q in (1, 2, 3, 4)] == [3, 6, 9, 12]
    assert [period_of_month(m, "quarter") for m in (1, 3, 4, 12)] == [1, 1, 2, 4]
    assert period_of_month(7, "month") == 7


def test_the_world_synced_is_true(world):
    assert_periods_true(world.plan)
    assert periods_as_masks(world.plan) == {world.subs[0].pk: 0b11, world.subs[1].pk: 0b11}


# -- the editor: the schedule ---------------------------------------------------------------------


def test_set_schedule_follows_any_schedule(world, admin):
    sub = world.subs[0]

    @settings(max_examples=40, **HYPOTHESIS)
    @given(st.integers(0, 4095))
    def check(mask):
        current = fresh(sub)
        editing.set_schedule(admin, current, months(mask), expected_version=current.version)
        assert periods_as_masks(world.plan).get(sub.pk, 0) == mask
        assert_periods_true(world.plan)

    check()


def test_unticking_a_month_with_work_keeps_it_unplanned_and_ticking_it_plans_it_again(world, admin):
    sub = world.subs[0]
    february = period_of(sub, 2)
    realisation = realise(february)
    editing.set_schedule(admin, sub, [1, 5], expected_version=sub.version)
    february.refresh_from_db()
    assert february.planned is False  # work outside the plan, kept
    assert Realisation.objects.get(pk=realisation.pk).period_id == february.pk
    assert not SchedulePeriod.objects.filter(sub_activity=sub, period=1, planned=False).exists()
    assert periods_as_masks(world.plan)[sub.pk] == 0b10001
    assert_periods_true(world.plan)
    # A month without work goes when unticked.
    editing.set_schedule(admin, sub, [5], expected_version=fresh(sub).version)
    assert not SchedulePeriod.objects.filter(sub_activity=sub, period=1).exists()
    # Ticked again, the kept row is planned again (the same row, its work on it).
    editing.set_schedule(admin, sub, [2, 5], expected_version=fresh(sub).version)
    february.refresh_from_db()
    assert february.planned is True
    assert_periods_true(world.plan)


def test_set_schedule_with_work_on_random_months(world, admin):
    sub = world.subs[1]
    realise(period_of(sub, 1))
    realise(period_of(sub, 2))

    @settings(max_examples=30, **HYPOTHESIS)
    @given(st.integers(0, 4095))
    def check(mask):
        current = fresh(sub)
        editing.set_schedule(admin, current, months(mask), expected_version=current.version)
        assert_periods_true(world.plan)
        # The worked months are always there, planned exactly when ticked.
        for month in (1, 2):
            assert period_of(sub, month).planned == bool(mask & (1 << (month - 1)))

    check()


def test_a_refused_schedule_leaves_the_rows(world, admin):
    sub = world.subs[0]
    before = set(SchedulePeriod.objects.values_list("pk", "period", "planned"))
    with pytest.raises(ValidationError):
        editing.set_schedule(admin, sub, [1, 13], expected_version=sub.version)
    with pytest.raises(editing.EditConflict):
        editing.set_schedule(admin, sub, [4], expected_version=sub.version + 5)
    assert set(SchedulePeriod.objects.values_list("pk", "period", "planned")) == before


def big_plan(world, subs: int = 80) -> SubActivity:
    """A second plan of the same unit with ``subs`` scheduled sub-activities and their rows."""
    plan = ActionPlan.objects.create(unit=world.plan.unit, year=2027)
    area = PlanArea.objects.create(
        plan=plan, change_area=world.areas[0].change_area, number=1, name="Area"
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="Kegiatan")
    SubActivity.objects.bulk_create(
        SubActivity(
            activity=activity, number=n, position=n, name=f"Sub {n}", schedule=(n * 37) % 4096
        )
        for n in range(1, subs + 1)
    )
    sync_plan_periods(plan)
    assert SchedulePeriod.objects.filter(plan=plan).count() > 300
    return SubActivity.objects.filter(activity=activity).order_by("position").first()


def test_set_schedule_queries_are_the_same_on_a_small_and_a_large_plan(world, admin):
    big = big_plan(world)
    small = world.subs[0]
    # Each: a month added, a month with work unticked, a month without work unticked.
    for sub in (small, big):
        sub.schedule = 0b11
        SubActivity.objects.filter(pk=sub.pk).update(schedule=0b11)
        sync_plan_periods(sub.activity.area.plan, [sub.pk])
        realise(period_of(sub, 1))
    counts = []
    for sub in (small, big):
        sub = SubActivity.objects.select_related("activity__area__plan__unit").get(pk=sub.pk)
        admin = fresh(admin)  # no permission cache carried from the first call
        counts.append(
            queries(
                lambda s=sub, a=admin: editing.set_schedule(a, s, [3], expected_version=s.version)
            )
        )
    assert counts[0] == counts[1]
    assert_periods_true(world.plan)
    assert_periods_true(big.activity.area.plan)


def test_sync_queries_do_not_grow_with_the_plan(world):
    big = big_plan(world, subs=150)
    plans = [world.plan, big.activity.area.plan]
    for plan in plans:
        # Everything to do at once: rows to add, to delete, to unplan and to re-date.
        first = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
        SubActivity.objects.filter(pk=first.pk).update(schedule=0b1)
        realise(period_of(first, 1))
        SubActivity.objects.filter(activity__area__plan=plan).update(schedule=0b110)
        ActionPlan.objects.filter(pk=plan.pk).update(report_due_day=9)
    counts = [queries(lambda p=plan: sync_plan_periods(fresh(p))) for plan in plans]
    assert counts[0] == counts[1] <= 8
    for plan in plans:
        assert_periods_true(plan)


# -- the editor: rows ---------------------------------------------------------------------------


def test_add_move_and_delete_rows_keep_the_rows_true(world, admin):
    activity = world.activities[0]
    added = editing.add_row(admin, "sub_activity", activity, {"name": "Sub baru"})
    assert not SchedulePeriod.objects.filter(sub_activity=added).exists()
    editing.set_schedule(admin, added, [6, 12], expected_version=added.version)
    assert_periods_true(world.plan)
    # Moving under another activity (and up or down) changes nothing of the rows.
    moved = editing.move_row_to(
        admin, fresh(added), world.activities[2], expected_version=fresh(added).version
    )
    editing.move_row(
        admin, fresh(world.subs[1]), "up", expected_version=fresh(world.subs[1]).version
    )
    moved_activity = editing.move_row_to(
        admin, fresh(world.activities[1]), world.areas[1], expected_version=1
    )
    assert moved.activity_id == world.activities[2].pk and moved_activity.area == world.areas[1]
    assert_periods_true(world.plan)
    # Deleting a row without work takes its periods with it.
    editing.delete_row(admin, fresh(moved), expected_version=fresh(moved).version)
    assert not SchedulePeriod.objects.filter(sub_activity_id=added.pk).exists()
    editing.delete_row(
        admin,
        fresh(world.activities[0]),
        expected_version=fresh(world.activities[0]).version,
        confirmed=True,
    )
    assert_periods_true(world.plan)
    assert not SchedulePeriod.objects.filter(plan=world.plan).exists()


def work_world(world):
    """A realisation on sub 1.1.1 in February with an achieved value of its first indicator
    and an evidence item proving its second."""
    sub = world.subs[0]
    realisation = realise(period_of(sub, 2))
    value_on(realisation, world.indicators[0])
    evidence_on(realisation, world.users["admin"], [world.indicators[1]])
    return sub, realisation


@pytest.mark.parametrize("level", ["area", "activity", "sub_activity", "indicator", "proof"])
def test_deleting_a_row_that_holds_work_is_refused_with_what_holds_it(world, admin, level):
    sub, _realisation = work_world(world)
    obj = {
        "area": world.areas[0],
        "activity": world.activities[0],
        "sub_activity": sub,
        "indicator": world.indicators[0],  # its achieved value
        "proof": world.indicators[1],  # the evidence proving it
    }[level]
    before = LogEntry.objects.count()
    with pytest.raises(editing.RowHasWork) as refused:
        editing.delete_row(admin, obj, expected_version=obj.version, confirmed=True)
    message = refused.value.message
    assert "tidak dapat dihapus" in message
    if level == "indicator":
        assert refused.value.held == {"nilai capaian indikator": 1}
    elif level == "proof":
        assert refused.value.held == {"bukti dukung": 1}
        assert "1 bukti dukung" in message
    else:
        assert refused.value.held == {
            "realisasi": 1,
            "nilai capaian indikator": 1,
            "bukti dukung": 1,
        }
        assert "1 realisasi" in message and "1 bukti dukung" in message
    assert type(obj)._default_manager.filter(pk=obj.pk).exists()
    assert LogEntry.objects.count() == before
    assert_periods_true(world.plan)


def test_deleting_a_held_row_in_the_editor_pages_gives_the_message_not_a_500(client, world, admin):
    sub, _ = work_world(world)
    client.force_login(admin)
    url = reverse("plans:editor_delete", args=[world.plan.pk, "sub-kegiatan", sub.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "tidak dapat dihapus" in html and "1 realisasi" in html
    assert "Ya, hapus" not in html
    response = client.post(url, {"version": sub.version, "confirmed": "1"}, follow=True)
    assert response.status_code == 200
    assert "tidak dapat dihapus" in response.content.decode()
    assert SubActivity.objects.filter(pk=sub.pk).exists()
    # The area above it too.
    url = reverse("plans:editor_delete", args=[world.plan.pk, "area", world.areas[0].pk])
    response = client.post(url, {"version": world.areas[0].version, "confirmed": "1"}, follow=True)
    assert response.status_code == 200 and "tidak dapat dihapus" in response.content.decode()


def test_a_sibling_without_work_is_still_deleted(world, admin):
    work_world(world)
    other = world.subs[1]
    editing.delete_row(admin, other, expected_version=other.version, confirmed=True)
    assert not SubActivity.objects.filter(pk=other.pk).exists()
    assert_periods_true(world.plan)


# -- the editor: the decree -------------------------------------------------------------------


def test_report_due_day_moves_every_due_date(world, admin):
    plan = fresh(world.plan)
    editing.update_decree(admin, plan, {"report_due_day": 10}, expected_version=plan.version)
    plan = fresh(world.plan)
    assert plan.report_due_day == 10
    assert set(SchedulePeriod.objects.filter(plan=plan).values_list("period", "due_on")) == {
        (1, datetime.date(2026, 2, 10)),
        (2, datetime.date(2026, 3, 10)),
    }
    entry = LogEntry.objects.filter(action="plan.decree_changed").latest("pk")
    assert entry.data["before"] == {"report_due_day": 5}
    assert entry.data["after"] == {"report_due_day": 10}
    assert_periods_true(plan)


@pytest.mark.parametrize("day", [0, 29, -1, "x"])
def test_report_due_day_out_of_range_is_refused_at_the_field(world, admin, day):
    plan = fresh(world.plan)
    with pytest.raises(ValidationError) as refused:
        editing.update_decree(admin, plan, {"report_due_day": day}, expected_version=plan.version)
    assert list(refused.value.message_dict) == ["report_due_day"]
    assert fresh(world.plan).report_due_day == 5


def test_report_due_day_in_the_decree_form(client, world, admin):
    client.force_login(admin)
    url = reverse("plans:editor_decree", args=[world.plan.pk])
    html = client.get(url).content.decode()
    assert 'name="report_due_day"' in html
    data = {"schedule_kind": "month", "version": fresh(world.plan).version}
    response = client.post(url, {**data, "report_due_day": "31"})
    assert response.status_code == 200
    assert "1 sampai 28" in response.content.decode()
    response = client.post(url, {**data, "report_due_day": "12"})
    assert response.status_code == 302
    assert period_of(world.subs[0], 1).due_on == datetime.date(2026, 2, 12)


def test_schedule_kind_change_converts_the_rows(world, admin):
    plan = fresh(world.plan)
    # Months 1–3 of both subs fill the first quarter.
    for sub in world.subs[:2]:
        editing.set_schedule(admin, fresh(sub), [1, 2, 3], expected_version=fresh(sub).version)
    plan = fresh(world.plan)
    editing.update_decree(admin, plan, {"schedule_kind": "quarter"}, expected_version=plan.version)
    plan = fresh(world.plan)
    assert set(SchedulePeriod.objects.filter(plan=plan).values_list("period", "due_on")) == {
        (1, datetime.date(2026, 4, 5))
    }
    assert_periods_true(plan)
    editing.update_decree(admin, plan, {"schedule_kind": "month"}, expected_version=plan.version)
    assert_periods_true(world.plan)
    assert SchedulePeriod.objects.filter(plan=world.plan).count() == 6


def test_schedule_kind_change_is_refused_once_work_is_recorded(world, admin):
    realise(period_of(world.subs[0], 1))
    for sub in world.subs[:2]:
        editing.set_schedule(admin, fresh(sub), [1, 2, 3], expected_version=fresh(sub).version)
    plan = fresh(world.plan)
    with pytest.raises(ValidationError) as refused:
        editing.update_decree(
            admin, plan, {"schedule_kind": "quarter"}, expected_version=plan.version
        )
    assert "1 realisasi" in refused.value.message_dict["schedule_kind"][0]
    assert fresh(world.plan).schedule_kind == "month"
    assert_periods_true(world.plan)


# -- the editor: the indicator's expected evidence -----------------------------------------------


def test_expected_evidence_is_validated_normalised_and_audited(world, admin):
    indicator = world.indicators[0]
    result = editing.update_row(
        admin,
        indicator,
        {"expected_evidence": ["foto", "sk", "foto"]},
        expected_version=indicator.version,
    )
    assert fresh(indicator).expected_evidence == ["sk", "foto"]  # the list's order, once each
    entry = LogEntry.objects.filter(action="plan.indicator_changed").latest("pk")
    assert entry.data["before"] == {"expected_evidence": []}
    assert entry.data["after"] == {"expected_evidence": ["sk", "foto"]}
    # The same kinds in another order change nothing.
    again = editing.update_row(
        admin, result.obj, {"expected_evidence": ["foto", "sk"]}, expected_version=2
    )
    assert again.changed == {}
    for bad in (["video"], "sk", [1]):
        with pytest.raises(ValidationError) as refused:
            editing.update_row(
                admin, fresh(indicator), {"expected_evidence": bad}, expected_version=2
            )
        assert list(refused.value.message_dict) == ["expected_evidence"]
    added = editing.add_row(
        admin,
        "indicator",
        world.subs[2],
        {"text": "Indikator baru", "expected_evidence": ["notulen"]},
    )
    assert added.expected_evidence == ["notulen"]


def test_expected_evidence_checkboxes_in_the_indicator_form(client, world, admin):
    indicator = world.indicators[0]
    client.force_login(admin)
    url = reverse("plans:editor_row", args=[world.plan.pk, "indikator", indicator.pk])
    html = client.get(url).content.decode()
    for kind in EvidenceKind:
        assert f'value="{kind.value}"' in html
    assert 'type="checkbox" name="expected_evidence"' in html
    data = {
        "label": indicator.label,
        "text": indicator.text,
        "kind": "",
        "target_value": "",
        "unit_of_measure": "",
        "version": indicator.version,
        "parent": indicator.sub_activity_id,
    }
    response = client.post(url, {**data, "expected_evidence": ["daftar_hadir", "zip"]})
    assert response.status_code == 200
    assert fresh(indicator).expected_evidence == []
    response = client.post(url, {**data, "expected_evidence": ["daftar_hadir", "laporan"]})
    assert response.status_code == 302
    assert fresh(indicator).expected_evidence == ["daftar_hadir", "laporan"]


# -- creation ---------------------------------------------------------------------------------


def test_creation_by_hand_from_a_template_and_as_a_copy(world, admin):
    unit = world.plan.unit
    empty = create_plan(admin, unit, 2030).plan
    assert not SchedulePeriod.objects.filter(plan=empty).exists()
    template = create_from_template(admin, unit, 2031, load_template()).plan
    assert SchedulePeriod.objects.filter(plan=template).count() > 60
    assert_periods_true(template)
    # The copy: fresh periods of its own year (due dates too), never the realisations.
    source = fresh(world.plan)
    ActionPlan.objects.filter(pk=source.pk).update(report_due_day=7)
    realise(period_of(world.subs[0], 1))
    copy = copy_plan(admin, fresh(source), 2032).plan
    assert copy.report_due_day == 7
    assert_periods_true(copy)
    assert set(SchedulePeriod.objects.filter(plan=copy).values_list("year", "planned")) == {
        (2032, True)
    }
    assert period_of(copy_sub(copy, "Sub kegiatan 1.1.1"), 1).due_on == datetime.date(2032, 2, 7)
    assert not Realisation.objects.filter(plan=copy).exists()
    # A quarterly plan copied stays quarterly, with its quarters as rows.
    quarterly = create_from_template(admin, unit, 2033, fresh(source)).plan
    assert_periods_true(quarterly)


def copy_sub(plan, name):
    return SubActivity.objects.get(activity__area__plan=plan, name=name)


def test_copy_of_a_quarterly_plan(world, admin):
    plan = ActionPlan.objects.create(unit=world.plan.unit, year=2024, schedule_kind="quarter")
    area = PlanArea.objects.create(
        plan=plan, change_area=world.areas[0].change_area, number=1, name="Area"
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="Kegiatan")
    SubActivity.objects.create(activity=activity, number=1, position=1, name="Q", schedule=0b1010)
    copy = copy_plan(admin, plan, 2025).plan
    assert set(SchedulePeriod.objects.filter(plan=copy).values_list("period", "due_on")) == {
        (2, datetime.date(2025, 7, 5)),
        (4, datetime.date(2026, 1, 5)),
    }
    assert_periods_true(copy)


# -- generate_national ------------------------------------------------------------------------


@pytest.mark.parametrize("work", [False, True])
def test_generate_national_writes_the_periods_of_every_plan(work):
    from renaksi.core.national import generate_national

    # Without the year's work the periods step writes them; with it, its step does.
    result = generate_national(years=2, seed=5, unit_codes=["6107"], work=work)
    plans = list(ActionPlan.objects.all())
    assert len(plans) == 2
    assert result.counts["periods"] == SchedulePeriod.objects.count() > 0
    assert Realisation.objects.exists() == work
    for plan in plans:
        assert_periods_true(plan)


# -- the sync_periods command -----------------------------------------------------------------


def test_sync_periods_fills_an_older_database_and_is_idempotent(world, admin):
    quarterly = ActionPlan.objects.create(
        unit=world.plan.unit, year=2027, schedule_kind="quarter", report_due_day=15
    )
    area = PlanArea.objects.create(
        plan=quarterly, change_area=world.areas[0].change_area, number=1, name="Area"
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="Kegiatan")
    SubActivity.objects.create(activity=activity, number=1, position=1, name="Q", schedule=0b1001)
    # An older database: no rows at all for one plan, stale rows for the other (a month no
    # longer scheduled, one with work on it, a wrong due date).
    SchedulePeriod.objects.filter(plan=world.plan, period=1).update(due_on="2026-02-28")
    sub = world.subs[0]
    SubActivity.objects.filter(pk=sub.pk).update(schedule=0b100)
    realise(period_of(world.subs[1], 2))
    SubActivity.objects.filter(pk=world.subs[1].pk).update(schedule=0b1)
    out = StringIO()
    call_command("sync_periods", "--dry-run", stdout=out)
    assert "2 rencana aksi diperiksa, 2 akan diubah" in out.getvalue()
    assert not SchedulePeriod.objects.filter(plan=quarterly).exists()
    out = StringIO()
    call_command("sync_periods", stdout=out)
    assert "2 rencana aksi diperiksa, 2 diubah" in out.getvalue()
    assert "1 ditandai di luar jadwal" in out.getvalue()
    for plan in (world.plan, quarterly):
        assert_periods_true(plan)
    assert set(SchedulePeriod.objects.filter(plan=quarterly).values_list("period", "due_on")) == {
        (1, datetime.date(2027, 4, 15)),
        (4, datetime.date(2028, 1, 15)),
    }
    assert period_of(world.subs[1], 2).planned is False
    entries = LogEntry.objects.filter(action="work.periods_synced")
    assert {entry.plan_id for entry in entries} == {world.plan.pk, quarterly.pk}
    assert entries.get(plan=quarterly).data["created"] == 2
    # Again: nothing changes, nothing is recorded.
    rows = set(SchedulePeriod.objects.values_list("pk", "period", "planned", "due_on"))
    out = StringIO()
    call_command("sync_periods", stdout=out)
    assert "2 rencana aksi diperiksa, 0 diubah" in out.getvalue()
    assert set(SchedulePeriod.objects.values_list("pk", "period", "planned", "due_on")) == rows
    assert LogEntry.objects.filter(action="work.periods_synced").count() == 2


def test_sync_periods_for_one_unit_and_an_unknown_one(world):
    SchedulePeriod.objects.all().delete()
    call_command(
        "sync_periods", "--unit", world.plan.unit.code, "--year", "2026", stdout=StringIO()
    )
    assert_periods_true(world.plan)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sync_periods", "--unit", "9999", stdout=StringIO())


def test_indicator_kinds_are_the_evidence_kinds():
    # The editor's checkboxes and the service accept exactly the EvidenceKind values.
    assert Indicator._meta.get_field("expected_evidence").default is list
    assert set(EvidenceKind.values) >= {"sk", "notulen", "daftar_hadir", "foto", "laporan"}
