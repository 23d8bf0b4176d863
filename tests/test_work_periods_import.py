"""The importer keeps the schedule periods true (renaksi/work/periods.py through
importer/tree.write_tree): a new import and an in-place replace of any schedule, monthly and
quarterly (hypothesis-generated plans and schedules), work on a period surviving a replace
that unticks it, a replace removing a sub-activity with a realisation refused, and a replace
to the other schedule kind refused once work is recorded. The demo seed goes through it too."""

import datetime
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from renaksi.importer.services import ImportRefused, import_decree, preview_import
from renaksi.lib.decree.render import render
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.units.models import Unit
from renaksi.work.models import SchedulePeriod

from .decree_variations import QUARTER, plans
from .import_support import base_tree, decree_bytes, find, make_units, tree_snapshot
from .work_periods_support import assert_periods_true, period_of, realise

pytestmark = pytest.mark.django_db

HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
SUBS = sum(len(act["subs"]) for area in base_tree() for act in area["activities"])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()


def tree_with(masks: list[int]) -> list[dict]:
    """The base tree with the sub-activities' months taken from ``masks`` in order."""
    tree = base_tree()
    subs = [sub for area in tree for act in area["activities"] for sub in act["subs"]]
    for sub, mask in zip(subs, masks, strict=True):
        sub["months"] = [m for m in range(1, 13) if mask & (1 << (m - 1))]
    return tree


def test_a_new_import_writes_the_periods(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    assert_periods_true(plan)
    # 8 areas × (months 1, 2 + month 3 + month 4): 32 rows, due on the 5th of the next month.
    assert SchedulePeriod.objects.filter(plan=plan).count() == 32
    assert period_of(find(plan, "1.1.1"), 2).due_on == datetime.date(2023, 3, 5)


def test_replace_follows_any_schedules_and_keeps_work(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v0.txt").plan
    worked = find(plan, "1.1.1")
    realisation = realise(period_of(worked, 2))
    names = itertools.count(1)

    @settings(max_examples=25, **HYPOTHESIS)
    @given(st.lists(st.integers(0, 4095), min_size=SUBS, max_size=SUBS))
    def check(masks):
        result = import_decree(
            decree_bytes(tree_with(masks)),
            unit=unit,
            filename=f"v{next(names)}.txt",
            replace=True,
        )
        assert result.status in ("replaced", "unchanged")
        assert_periods_true(plan)
        # The sub-activity keeps its row and its realisation keeps its period, planned only
        # while February is ticked.
        period = SchedulePeriod.objects.get(pk=realisation.period_id)
        assert period.sub_activity_id == worked.pk
        assert period.planned == bool(masks[0] & 0b10)

    check()


def test_replace_removing_a_sub_activity_with_a_realisation_is_refused(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    doomed = find(plan, "4.2.1")
    realise(period_of(doomed, 4))
    tree = base_tree()
    del tree[3]["activities"][1]  # activity 4.2 and its sub-activity go
    before = tree_snapshot(plan)
    rows = set(SchedulePeriod.objects.values_list("pk", "period", "planned"))
    with pytest.raises(ImportRefused) as refused:
        import_decree(decree_bytes(tree), unit=unit, filename="v2.txt", replace=True)
    message = refused.value.message
    assert "sub kegiatan 4.2.1" in message and "realisasi: 1" in message
    assert tree_snapshot(plan) == before
    assert set(SchedulePeriod.objects.values_list("pk", "period", "planned")) == rows
    assert preview_import(decree_bytes(tree), unit=unit).refusal == message


unit_codes = itertools.count(9000)


def test_generated_plans_monthly_and_quarterly_import_and_replace_true():
    province = make_units().parent

    @settings(max_examples=20, **HYPOTHESIS)
    @given(plans(max_areas=3), st.lists(st.integers(0, 4095), min_size=60, max_size=60))
    def check(decree, masks):
        with transaction.atomic():
            unit = Unit.objects.create(
                code=str(next(unit_codes)),
                name=decree.header.unit_name,
                level="kabupaten_kota",
                parent=province,
            )
            text = render(decree)
            note(text)
            plan = import_decree(text.encode(), unit=unit, filename="a.txt").plan
            assert plan.schedule_kind == decree.schedule
            assert_periods_true(plan)
            # The same decree with other schedules, replaced in place.
            count = 4 if decree.schedule == QUARTER else 12
            subs = [s for a in decree.areas for x in a.activities for s in x.sub_activities]
            for sub, mask in zip(subs, masks, strict=False):
                periods = {p for p in range(1, count + 1) if mask & (1 << (p - 1))}
                if decree.schedule == QUARTER:
                    sub.quarters = periods
                else:
                    sub.months = periods
            replaced = import_decree(
                render(decree).encode(), unit=unit, filename="b.txt", replace=True
            )
            assert replaced.plan.pk == plan.pk
            assert_periods_true(plan)
            transaction.set_rollback(True)

    check()


def sub_data(decree):
    return [s for a in decree.areas for x in a.activities for s in x.sub_activities]


def test_a_quarterly_replace_with_work_keeps_the_quarter_and_refuses_a_kind_change(unit):
    @settings(max_examples=5, **HYPOTHESIS)
    @given(plans(schedule=QUARTER, max_areas=2))
    def check(decree):
        with transaction.atomic():
            quarterly_with_work(unit, decree)
            transaction.set_rollback(True)

    check()


def quarterly_with_work(unit, decree):
    decree.header.unit_name = "KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG"
    for sub in sub_data(decree):
        sub.quarters = {1, 4}
    plan = import_decree(render(decree).encode(), unit=unit, filename="q1.txt").plan
    assert plan.schedule_kind == "quarter"
    assert_periods_true(plan)
    first = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    q4 = period_of(first, 4)
    assert q4.due_on == datetime.date(decree.header.year + 1, 1, 5)
    assert period_of(first, 1).due_on == datetime.date(decree.header.year, 4, 5)
    realise(q4)
    for sub in sub_data(decree):
        sub.quarters = {1}
    import_decree(render(decree).encode(), unit=unit, filename="q2.txt", replace=True)
    q4.refresh_from_db()
    assert q4.planned is False
    assert_periods_true(plan)
    # The same plan by month now would give period 4 another meaning: refused.
    decree.schedule = "month"
    for sub in sub_data(decree):
        sub.months = {1, 2, 3}
    with pytest.raises(ImportRefused) as refused:
        import_decree(render(decree).encode(), unit=unit, filename="m.txt", replace=True)
    assert "1 realisasi" in refused.value.message
    assert ActionPlan.objects.get(pk=plan.pk).schedule_kind == "quarter"
    assert_periods_true(plan)


def test_the_demo_seed_has_true_periods():
    call_command("seed_demo", stdout=StringIO())
    plans_seeded = list(ActionPlan.objects.all())
    assert plans_seeded
    for plan in plans_seeded:
        assert_periods_true(plan)
    assert SchedulePeriod.objects.count() > 0
