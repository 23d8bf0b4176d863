"""Helpers for the schedule-period tests (tests/test_work_periods*.py): the check that a plan's
rows say what its masks say, and recorded work on a period."""

from django.contrib.auth.models import User

from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.work.models import Evidence, IndicatorValue, Realisation, SchedulePeriod
from renaksi.work.periods import due_date, mask_periods, period_count


def expected_rows(plan: ActionPlan) -> set[tuple[int, int]]:
    """(sub-activity id, period) of every scheduled cell of ``plan``, from the masks."""
    count = period_count(plan.schedule_kind)
    return {
        (pk, period)
        for pk, mask in SubActivity.objects.filter(activity__area__plan=plan).values_list(
            "pk", "schedule"
        )
        for period in mask_periods(mask, count)
    }


def assert_periods_true(plan: ActionPlan) -> None:
    """The rows of ``plan`` are exactly its scheduled cells (planned), plus unplanned rows
    that hold a realisation and only those; every copy and due date is right."""
    plan = ActionPlan.objects.get(pk=plan.pk)
    rows = list(
        SchedulePeriod.objects.filter(plan=plan, sub_activity__isnull=False).values_list(
            "sub_activity_id", "period", "planned", "unit_id", "year", "due_on", "pk"
        )
    )
    with_work = set(Realisation.objects.filter(plan=plan).values_list("period_id", flat=True))
    planned = {(sub, period) for sub, period, is_planned, *_rest in rows if is_planned}
    assert planned == expected_rows(plan)
    for sub, period, is_planned, unit_id, year, due_on, pk in rows:
        assert (unit_id, year) == (plan.unit_id, plan.year)
        if not is_planned:
            assert pk in with_work, f"unplanned period {sub}/{period} without work"
            assert (sub, period) not in expected_rows(plan)
        if period <= period_count(plan.schedule_kind):
            assert due_on == due_date(year, period, plan.schedule_kind, plan.report_due_day)
    # Nothing recorded lost its period.
    assert with_work <= {row[-1] for row in rows} | set(
        SchedulePeriod.objects.filter(plan=plan, agent_action__isnull=False).values_list(
            "pk", flat=True
        )
    )


def realise(period: SchedulePeriod) -> Realisation:
    """Work recorded on ``period`` (a draft realisation)."""
    return Realisation.objects.create(
        period=period,
        plan_id=period.plan_id,
        unit_id=period.unit_id,
        year=period.year,
        sub_activity_id=period.sub_activity_id,
        narrative="Sudah dikerjakan.",
    )


def period_of(sub: SubActivity, period: int) -> SchedulePeriod:
    return SchedulePeriod.objects.get(sub_activity=sub, period=period)


def value_on(realisation: Realisation, indicator) -> IndicatorValue:
    return IndicatorValue.objects.create(realisation=realisation, indicator=indicator, value=1)


def evidence_on(realisation: Realisation, user: User, indicators=()) -> Evidence:
    evidence = Evidence.objects.create(
        realisation=realisation,
        plan_id=realisation.plan_id,
        unit_id=realisation.unit_id,
        title="Notulen rapat",
        url="https://example.test/notulen",
        uploaded_by=user,
    )
    evidence.indicators.set(indicators)
    return evidence
