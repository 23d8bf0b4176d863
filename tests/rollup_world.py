"""Worlds for the rollup dashboards' tests (tests/test_dashboard_rollup*.py).

``with_periods(world)``: the permission world (tests/permission_world.py: KPU RI, two
provinces, three regencies, a 2022 plan each with two sub-activities scheduled every month)
with its schedule periods. ``grow(code, regencies)``: a province of ``regencies`` regencies
(tests/overview_world.py: plans, LKE assessments, TW I/II submissions), each plan with one
area, one sub-activity scheduled every month, its periods, and March–May done (April with
evidence, May verified): the "many units" of the query-count tests.
"""

from django.contrib.auth.models import User
from django.utils import timezone

from renaksi.plans.models import ActionPlan, Activity, ChangeArea, PlanArea, SubActivity
from renaksi.units.models import Unit
from renaksi.work.models import Evidence, EvidenceFile, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods, sync_plans_periods

from .overview_world import YEAR, build_province


def with_periods(world):
    for plan in world.plans.values():
        sync_plan_periods(plan)
    return world


def grow(code: str, regencies: int, *, start: int = 0) -> Unit:
    province = build_province(code, regencies, start=start)
    plans = list(ActionPlan.objects.filter(unit__parent=province, year=YEAR, areas__isnull=True))
    change_area = ChangeArea.objects.get(number=1)
    areas = PlanArea.objects.bulk_create(
        PlanArea(plan=plan, change_area=change_area, number=1, name=change_area.name)
        for plan in plans
    )
    activities = Activity.objects.bulk_create(
        Activity(area=area, number=1, position=1, name="Kegiatan") for area in areas
    )
    SubActivity.objects.bulk_create(
        SubActivity(
            activity=activity, number=1, position=1, name="Sub kegiatan", schedule=0b111111111111
        )
        for activity in activities
    )
    sync_plans_periods(plans)
    periods = list(
        SchedulePeriod.objects.filter(plan__in=plans, period__in=[3, 4, 5]).order_by("pk")
    )
    user = User.objects.filter(username="rollup-writer").first() or User.objects.create_user(
        "rollup-writer", "w@example.test", "rahasia-1"
    )
    done = Realisation.objects.bulk_create(
        Realisation(
            period=period,
            plan_id=period.plan_id,
            unit_id=period.unit_id,
            year=period.year,
            sub_activity_id=period.sub_activity_id,
            status=Realisation.Status.DONE,
            progress=100,
            state=Realisation.State.VERIFIED if period.period == 5 else Realisation.State.DRAFT,
        )
        for period in periods
    )
    stored, _ = EvidenceFile.objects.get_or_create(
        sha256="ab" * 32,
        defaults={
            "size": 10,
            "file_type": "pdf",
            "content_type": "application/pdf",
            "file": "evidence/ab/ab/x",
            "generated": True,
        },
    )
    Evidence.objects.bulk_create(
        Evidence(
            realisation=realisation,
            plan_id=realisation.plan_id,
            unit_id=realisation.unit_id,
            title="Notulen",
            file=stored,
            uploaded_by=user,
            uploaded_at=timezone.now(),
        )
        for realisation in done
        if realisation.period.period == 4
    )
    return province
