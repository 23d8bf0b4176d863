"""The triggers of renaksi/work/triggers.py on the schedule's rows, on SQLite and on
PostgreSQL (this file runs in both suites): a period or a realisation whose copied plan, unit,
year or sub-activity disagree with the tree is refused, on insert and on update; a plan's unit
or year change is carried to its periods, realisations and evidence."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.units.models import Unit
from renaksi.work.models import Evidence, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .editor_world import build_editor_world
from .work_periods_support import assert_periods_true, evidence_on, period_of, realise

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_editor_world()
    sync_plan_periods(world.plan)
    return world


@pytest.fixture
def other_plan(world):
    """Sambas's plan of the same year, with one scheduled sub-activity."""
    sambas = Unit.objects.get(code="6101")
    plan = ActionPlan.objects.create(unit=sambas, year=2026)
    area = plan.areas.create(change_area=world.areas[0].change_area, number=1, name="Area")
    activity = area.activities.create(number=1, position=1, name="Kegiatan")
    activity.sub_activities.create(number=1, position=1, name="Sub Sambas", schedule=0b1)
    sync_plan_periods(plan)
    return plan


def attempt(function) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        function()


def test_the_database_is_the_one_expected():
    assert connection.vendor in ("sqlite", "postgresql")


def new_period(world, **changes) -> SchedulePeriod:
    values = {
        "plan_id": world.plan.pk,
        "unit_id": world.plan.unit_id,
        "year": world.plan.year,
        "sub_activity_id": world.subs[2].pk,
        "period": 7,
        "due_on": datetime.date(2026, 8, 5),
    }
    values.update(changes)
    return SchedulePeriod.objects.create(**values)


def test_a_true_period_is_accepted(world):
    assert new_period(world).pk


@pytest.mark.parametrize("field", ["unit", "year", "plan", "sub_activity"])
def test_a_period_whose_copies_disagree_is_refused_on_insert(world, other_plan, field):
    sambas_sub = SubActivity.objects.get(activity__area__plan=other_plan)
    changes = {
        "unit": {"unit_id": other_plan.unit_id},
        "year": {"year": 2025},
        # The plan of another unit, with this plan's unit: the plan's copies disagree.
        "plan": {"plan_id": other_plan.pk},
        # A sub-activity of another plan.
        "sub_activity": {"sub_activity_id": sambas_sub.pk},
    }[field]
    attempt(lambda: new_period(world, **changes))
    assert not SchedulePeriod.objects.filter(period=7).exists()


@pytest.mark.parametrize(
    "changes",
    [{"year": 2030}, {"unit_id": "sambas"}, {"sub_activity_id": "sambas_sub"}],
)
def test_a_period_whose_copies_disagree_is_refused_on_update(world, other_plan, changes):
    values = dict(changes)
    if values.get("unit_id") == "sambas":
        values["unit_id"] = other_plan.unit_id
    if values.get("sub_activity_id") == "sambas_sub":
        values["sub_activity_id"] = SubActivity.objects.get(activity__area__plan=other_plan).pk
    period = period_of(world.subs[0], 1)
    attempt(lambda: SchedulePeriod.objects.filter(pk=period.pk).update(**values))
    period.refresh_from_db()
    assert (period.year, period.unit_id, period.sub_activity_id) == (
        2026,
        world.plan.unit_id,
        world.subs[0].pk,
    )


@pytest.mark.parametrize("field", ["plan", "unit", "year", "sub_activity"])
def test_a_realisation_whose_copies_disagree_is_refused(world, other_plan, field):
    period = period_of(world.subs[0], 1)
    values = {
        "period": period,
        "plan_id": period.plan_id,
        "unit_id": period.unit_id,
        "year": period.year,
        "sub_activity_id": period.sub_activity_id,
    }
    values.update(
        {
            "plan": {"plan_id": other_plan.pk},
            "unit": {"unit_id": other_plan.unit_id},
            "year": {"year": 2027},
            "sub_activity": {"sub_activity_id": world.subs[1].pk},
        }[field]
    )
    attempt(lambda: Realisation.objects.create(**values))
    assert not Realisation.objects.exists()
    # The same on an update of a true one.
    realisation = realise(period)
    change = {key: value for key, value in values.items() if key != "period"}
    attempt(lambda: Realisation.objects.filter(pk=realisation.pk).update(**change))
    realisation.refresh_from_db()
    assert realisation.sub_activity_id == world.subs[0].pk and realisation.year == 2026


def test_a_realisation_on_another_sub_activitys_period_is_refused(world):
    realisation = realise(period_of(world.subs[0], 1))
    other = period_of(world.subs[1], 1)
    attempt(lambda: Realisation.objects.filter(pk=realisation.pk).update(period=other))


def test_a_plans_unit_and_year_change_is_carried(world):
    realisation = realise(period_of(world.subs[0], 2))
    evidence = evidence_on(realisation, world.users["admin"])
    sambas = Unit.objects.get(code="6101")
    ActionPlan.objects.filter(pk=world.plan.pk).update(unit=sambas, year=2028)
    plan = ActionPlan.objects.get(pk=world.plan.pk)
    assert set(SchedulePeriod.objects.filter(plan=plan).values_list("unit_id", "year")) == {
        (sambas.pk, 2028)
    }
    realisation.refresh_from_db()
    assert (realisation.unit_id, realisation.year) == (sambas.pk, 2028)
    assert Evidence.objects.get(pk=evidence.pk).unit_id == sambas.pk
    # Due dates move with the year.
    assert period_of(world.subs[0], 2).due_on == datetime.date(2028, 3, 5)
    assert_periods_true(plan)


def test_a_plan_moved_to_a_unit_of_its_own_keeps_the_rows_valid(world):
    # A change that is not a move (the same unit and year saved again) changes nothing.
    rows = set(SchedulePeriod.objects.values_list("pk", "unit_id", "year", "due_on"))
    plan = ActionPlan.objects.get(pk=world.plan.pk)
    plan.decree_number = "99"
    plan.save()
    assert set(SchedulePeriod.objects.values_list("pk", "unit_id", "year", "due_on")) == rows
