"""A plan scheduled by quarter shows TW I–IV, never invented months (plan page, my work)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.plans.models import ActionPlan, Activity, ChangeArea, PlanArea, SubActivity
from renaksi.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarterly():
    ri = Unit.objects.create(code="00", name="KPU RI", level=Unit.Level.PUSAT)
    unit = Unit.objects.create(
        code="81", name="KPU Provinsi Maluku", level=Unit.Level.PROVINSI, parent=ri
    )
    plan = ActionPlan.objects.create(
        unit=unit, year=2024, schedule_kind=ActionPlan.Schedule.QUARTER
    )
    area = PlanArea.objects.create(
        plan=plan, change_area=ChangeArea.objects.get(number=1), number=1, name="Manajemen"
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="Kegiatan")
    user = User.objects.create_user("maluku", password="x")
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.ADMIN)
    sub = SubActivity.objects.create(
        activity=activity, number=1, position=1, name="Sub triwulan", schedule=0b0101, pic=user
    )
    return plan, sub, user


def test_quarters_of_a_sub_activity(quarterly):
    _, sub, _ = quarterly
    assert sub.quarters == [1, 3]
    assert sub.periods(ActionPlan.Schedule.QUARTER) == (True, False, True, False)
    # January–March is TW I, so due; April is TW II, not due; August is TW III, due.
    assert sub.is_due_in_month(1, "quarter") and not sub.is_due_in_month(4, "quarter")
    assert sub.is_due_in_month(8, "quarter")
    assert sub.is_due_in_month(1, "month") and not sub.is_due_in_month(2, "month")


def test_plan_page_shows_quarters_not_months(client, quarterly):
    plan, _, user = quarterly
    client.force_login(user)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    for label in ("TW I", "TW II", "TW III", "TW IV"):
        assert f">{label}</th>" in html
    assert ">JAN</th>" not in html and ">DES</th>" not in html
    assert html.count('<td class="due">') == 2
    assert '<td class="due">TW III</td>' in html  # a due quarter's text equivalent
    assert '<td data-m="TW II"></td>' in html  # the label of one not due, for phones


def test_my_work_shows_quarters(client, quarterly):
    _, _, user = quarterly
    client.force_login(user)
    html = client.get(reverse("plans:my_work"), {"bulan": "2024-08"}).content.decode()
    assert "Sub triwulan" in html
    assert 'month-chip is-due is-current">TW III<' in html
    assert ">JAN<" not in html
