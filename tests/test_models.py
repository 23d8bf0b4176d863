"""Model constraints and rules that live on the models."""

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    Indicator,
    PlanArea,
    SubActivity,
    mask_to_months,
    months_to_mask,
)
from renaksi.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    ri = Unit.objects.create(code="00", name="KPU RI", level="pusat")
    prov = Unit.objects.create(code="61", name="KPU Prov", level="provinsi", parent=ri)
    return Unit.objects.create(code="6107", name="KPU Kab", level="kabupaten_kota", parent=prov)


@pytest.fixture
def sub_activity(unit):
    plan = ActionPlan.objects.create(unit=unit, year=2022)
    area = PlanArea.objects.create(
        plan=plan, change_area=ChangeArea.objects.get(number=1), number=1, name="MP"
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="A")
    return SubActivity.objects.create(activity=activity, number=1, position=1, name="S")


def test_standard_change_areas_are_reference_data():
    assert list(ChangeArea.objects.values_list("number", flat=True)) == list(range(1, 9))
    assert ChangeArea.objects.get(number=7).name == "Penguatan Pengawasan"


def test_one_plan_per_unit_and_year(unit):
    ActionPlan.objects.create(unit=unit, year=2022)
    ActionPlan.objects.create(unit=unit, year=2023)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.create(unit=unit, year=2022)


def test_unit_parent_must_match_level():
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="62", name="KPU Prov tanpa induk", level="provinsi")
    ri = Unit.objects.create(code="00", name="KPU RI", level="pusat")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="01", name="Pusat kedua", level="pusat", parent=ri)


def test_area_once_per_plan(sub_activity):
    plan = sub_activity.activity.area.plan
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanArea.objects.create(
            plan=plan, change_area=ChangeArea.objects.get(number=1), number=9, name="again"
        )


def test_positions_are_unique_within_parent(sub_activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubActivity.objects.create(activity=sub_activity.activity, number=2, position=1, name="X")


def test_schedule_is_limited_to_twelve_months(sub_activity):
    sub_activity.schedule = 1 << 12
    with pytest.raises(IntegrityError), transaction.atomic():
        sub_activity.save()


def test_months_property_and_is_due(sub_activity):
    sub_activity.months = [3, 6, 9]
    sub_activity.save()
    sub_activity.refresh_from_db()
    assert sub_activity.months == [3, 6, 9]
    assert [m for m in range(1, 13) if sub_activity.is_due(m)] == [3, 6, 9]
    with pytest.raises(ValueError):
        months_to_mask([13])


@given(st.sets(st.integers(min_value=1, max_value=12)))
def test_month_mask_round_trip(months):
    assert mask_to_months(months_to_mask(months)) == sorted(months)


def test_indicator_target_rules(sub_activity):
    Indicator.objects.create(
        sub_activity=sub_activity, position=1, text="ok", kind="persentase", target_value=100
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            sub_activity=sub_activity, position=2, text="x", kind="persentase", target_value=120
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(sub_activity=sub_activity, position=3, text="x", target_value=5)
    Indicator.objects.create(
        sub_activity=sub_activity, position=4, text="n", kind="jumlah", target_value=120
    )


def test_every_finding_kind_the_importer_emits_has_a_label():
    """Each kind passed to Finding(...) or note(...) in the importer has an Indonesian label."""
    import ast
    from pathlib import Path

    from renaksi.plans.models import FINDING_KIND_LABELS

    root = Path(__file__).resolve().parents[1] / "renaksi"
    emitted = set()
    for path in [*root.glob("lib/decree/*.py"), *root.glob("importer/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            kind = node.args[1]
            if name in {"Finding", "note"} and isinstance(kind, ast.Constant):
                emitted.add(kind.value)
    assert len(emitted) > 20
    assert emitted <= set(FINDING_KIND_LABELS)
