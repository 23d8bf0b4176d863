"""The quarter's figures (renaksi/monitoring/figures.py, exported by services.py): every count
and share on small plans built here, the due date in the unit's time zone, indicators against
their targets (zero and missing targets, the fourth quarter from its own months), work
outside the plan and change agents' actions apart, and a fixed number of queries for one plan
of any size and for any number of plans."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renaksi.monitoring.services import (
    CellCounts,
    percent,
    plan_quarter_totals,
    quarter_figures,
)
from renaksi.plans.models import ActionPlan, Activity, ChangeArea, Indicator, PlanArea, SubActivity
from renaksi.units.models import Unit
from renaksi.work.models import (
    ChangeAgentAction,
    ChangeAgentPlan,
    IndicatorValue,
    Realisation,
    SchedulePeriod,
)
from renaksi.work.periods import sync_agent_periods, sync_plan_periods

pytestmark = pytest.mark.django_db

Status = Realisation.Status
State = Realisation.State
YEAR = 2026


def months_mask(*months: int) -> int:
    return sum(1 << (m - 1) for m in months)


def make_unit(code="6107", tz="Asia/Pontianak") -> Unit:
    root = Unit.objects.get_or_create(code="00", defaults={"name": "KPU RI", "level": "pusat"})[0]
    province = Unit.objects.get_or_create(
        code="61", defaults={"name": "KPU Provinsi Kalbar", "level": "provinsi", "parent": root}
    )[0]
    return Unit.objects.create(
        code=code,
        name=f"KPU {code}",
        level="kabupaten_kota",
        parent=province,
        time_zone=tz,
    )


def make_plan(unit, areas=2, subs=2, schedule=None, kind="month", year=YEAR) -> ActionPlan:
    """``areas`` areas with ``subs`` sub-activities each, scheduled Jan, Feb, Mar and Oct
    (or ``schedule``)."""
    plan = ActionPlan.objects.create(unit=unit, year=year, schedule_kind=kind)
    mask = months_mask(1, 2, 3, 10) if schedule is None else schedule
    for number in range(1, areas + 1):
        area = PlanArea.objects.create(
            plan=plan,
            change_area=ChangeArea.objects.get(number=number),
            number=number,
            name=f"Area {number}",
        )
        activity = Activity.objects.create(area=area, number=1, position=1, name="Kegiatan")
        for position in range(1, subs + 1):
            SubActivity.objects.create(
                activity=activity,
                number=position,
                position=position,
                name=f"Sub {number}.{position}",
                schedule=mask,
            )
    sync_plan_periods(plan)
    return ActionPlan.objects.select_related("unit").get(pk=plan.pk)


def realise(period: SchedulePeriod, status=Status.DONE, state=State.DRAFT, late=False, **kw):
    return Realisation.objects.create(
        period=period,
        plan_id=period.plan_id,
        unit_id=period.unit_id,
        year=period.year,
        sub_activity_id=period.sub_activity_id,
        agent_action_id=period.agent_action_id,
        status=status,
        state=state,
        late=late,
        reason="Alasan." if status == Status.NOT_DONE else "",
        postponed_to=11 if status == Status.POSTPONED else None,
        **kw,
    )


def cell(plan, area, sub, month) -> SchedulePeriod:
    return SchedulePeriod.objects.get(
        plan=plan,
        sub_activity__activity__area__number=area,
        sub_activity__position=sub,
        period=month,
    )


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


# -- percentages -------------------------------------------------------------------------------


def test_percent_rounds_half_up_and_never_divides_by_zero():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 800) == Decimal("0.13")  # 0.125 → 0.13 (half up, not half even)
    assert percent(5, 0) is None
    assert percent(0, 4) == Decimal("0.00")


def test_cell_counts_derive_their_shares():
    counts = CellCounts(scheduled=12, due=8, done=7, done_due=6, verified=3)
    assert counts.achievement == Decimal("75.00")  # 6 ÷ 8
    assert counts.planned_share == Decimal("66.67")  # 8 ÷ 12
    assert counts.realised_share == Decimal("58.33")  # 7 ÷ 12
    assert counts.deviation == Decimal("-8.34")  # 58.33 − 66.67
    assert counts.verified_share == Decimal("42.86")  # 3 ÷ 7
    empty = CellCounts()
    assert (empty.achievement, empty.deviation, empty.verified_share) == (None, None, None)
    both = counts + CellCounts(scheduled=4, due=4, done=4, done_due=4, verified=4)
    assert (both.scheduled, both.due, both.done_due) == (16, 12, 10)
    assert both.achievement == Decimal("83.33")
    assert counts.as_dict()["achievement"] == "75.00"
    assert empty.as_dict()["deviation"] is None


# -- counting a quarter ------------------------------------------------------------------------


def test_every_count_of_a_quarter_by_area_and_in_total():
    plan = make_plan(make_unit(), areas=2, subs=2)
    # Area 1: sub 1 done in Jan (verified, late) and Feb (submitted), in progress in Mar;
    # sub 2 not done in Jan, postponed in Feb, nothing in Mar.
    realise(cell(plan, 1, 1, 1), state=State.VERIFIED, late=True)
    realise(cell(plan, 1, 1, 2), state=State.SUBMITTED)
    realise(cell(plan, 1, 1, 3), status=Status.IN_PROGRESS)
    # Verified as not done: verified counts done work only.
    realise(cell(plan, 1, 2, 1), status=Status.NOT_DONE, state=State.VERIFIED)
    realise(cell(plan, 1, 2, 2), status=Status.POSTPONED)
    # Area 2: sub 1 Jan "belum dimulai"; March done early (not due yet on 15 March).
    realise(cell(plan, 2, 1, 1), status=Status.NOT_STARTED)
    realise(cell(plan, 2, 1, 3))
    # October (fourth quarter) is not part of the first quarter.
    realise(cell(plan, 2, 2, 10))

    figures = quarter_figures(plan, 1, as_of=datetime.date(YEAR, 3, 15))
    assert figures.months == [1, 2, 3]
    assert figures.as_of == datetime.date(YEAR, 3, 15)
    first, second = figures.areas
    assert first.area.number == 1
    a = first.counts
    # 2 subs × 3 months; Jan and Feb are over on 15 March: 4 due.
    assert (a.scheduled, a.due, a.reported) == (6, 4, 5)
    assert (a.done, a.done_due, a.verified) == (2, 2, 1)
    assert (a.late, a.not_done, a.postponed, a.in_progress, a.not_started) == (1, 1, 1, 1, 0)
    assert (a.awaiting_verification, a.missing) == (1, 0)
    assert a.achievement == Decimal("50.00")  # 2 done of 4 due
    assert a.planned_share == Decimal("66.67")  # 4 ÷ 6
    assert a.realised_share == Decimal("33.33")  # 2 ÷ 6
    assert a.deviation == Decimal("-33.34")
    assert a.verified_share == Decimal("50.00")  # 1 of 2 done
    b = second.counts
    assert (b.scheduled, b.due, b.reported, b.done, b.done_due) == (6, 4, 2, 1, 0)
    assert (b.not_started, b.missing) == (1, 3)  # Feb of sub 1, Jan and Feb of sub 2
    # 15 March: January's report was due on 5 February, February's on 5 March: all overdue.
    assert b.overdue == 3
    assert b.achievement == Decimal("0.00")
    assert b.deviation == Decimal("-50.00")  # 16.67 − 66.67
    t = figures.total
    assert (t.scheduled, t.due, t.done, t.done_due, t.missing) == (12, 8, 3, 2, 3)
    assert t.achievement == Decimal("25.00")
    assert plan_quarter_totals([plan.pk], 1, as_of=datetime.date(YEAR, 3, 15)) == {plan.pk: t}


def test_due_follows_the_units_calendar_and_overdue_the_report_day():
    unit = make_unit(tz="Asia/Jayapura")  # WIT, UTC+9
    plan = make_plan(unit, areas=1, subs=1, schedule=months_mask(1))
    # 31 January 16:00 UTC is already 1 February in Jayapura: January is over.
    late_evening = datetime.datetime(YEAR, 1, 31, 16, 0, tzinfo=datetime.UTC)
    assert quarter_figures(plan, 1, as_of=late_evening).total.due == 1
    assert quarter_figures(plan, 1, as_of=late_evening).total.missing == 1
    assert quarter_figures(plan, 1, as_of=late_evening).total.overdue == 0
    earlier = datetime.datetime(YEAR, 1, 31, 14, 0, tzinfo=datetime.UTC)  # 23:00 WIT
    assert quarter_figures(plan, 1, as_of=earlier).total.due == 0
    assert quarter_figures(plan, 1, as_of=earlier).total.achievement is None
    # The report was due on 5 February (the plan's report day): overdue from the 6th.
    assert quarter_figures(plan, 1, as_of=datetime.date(YEAR, 2, 5)).total.overdue == 0
    assert quarter_figures(plan, 1, as_of=datetime.date(YEAR, 2, 6)).total.overdue == 1
    # A naive datetime is read as a time of the unit's calendar.
    assert quarter_figures(plan, 1, as_of=datetime.datetime(YEAR, 1, 31, 23, 59)).total.due == 0
    totals = plan_quarter_totals([plan.pk], 1, as_of=late_evening)
    assert totals[plan.pk].due == 1
    assert plan_quarter_totals([plan.pk], 1, as_of=earlier)[plan.pk].due == 0


def test_quarterly_plan_counts_the_quarter_itself():
    plan = make_plan(make_unit(), areas=1, subs=3, schedule=0b1011, kind="quarter")
    realise(cell(plan, 1, 1, 1))
    realise(cell(plan, 1, 2, 4))
    q1_mid = quarter_figures(plan, 1, as_of=datetime.date(YEAR, 3, 31))
    assert (q1_mid.total.scheduled, q1_mid.total.due, q1_mid.total.done) == (3, 0, 1)
    q1 = quarter_figures(plan, 1, as_of=datetime.date(YEAR, 4, 1))
    assert (q1.total.due, q1.total.done_due, q1.total.missing) == (3, 1, 2)
    assert q1.total.achievement == Decimal("33.33")
    q3 = quarter_figures(plan, 3, as_of=datetime.date(YEAR + 1, 1, 1))
    assert q3.total.scheduled == 0 and q3.total.deviation is None
    q4 = quarter_figures(plan, 4, as_of=datetime.date(YEAR + 1, 1, 1))
    assert (q4.total.scheduled, q4.total.due, q4.total.done) == (3, 3, 1)
    assert plan_quarter_totals([plan.pk], 4, as_of=datetime.date(YEAR + 1, 1, 1)) == {
        plan.pk: q4.total
    }


def test_work_outside_the_plan_and_change_agents_are_counted_apart():
    plan = make_plan(make_unit(), areas=1, subs=1, schedule=months_mask(1))
    sub = SubActivity.objects.get(activity__area__plan=plan)
    # Work recorded in February, a month the schedule does not tick.
    extra = SchedulePeriod.objects.create(
        plan=plan,
        unit=plan.unit,
        year=YEAR,
        sub_activity=sub,
        period=2,
        planned=False,
        due_on=datetime.date(YEAR, 3, 5),
    )
    realise(extra, outside_plan=True)
    agent = User.objects.create_user("agen")
    agent_plan = ChangeAgentPlan.objects.create(plan=plan, agent=agent)
    ChangeAgentAction.objects.create(
        agent_plan=agent_plan, position=1, title="Aksi", schedule=months_mask(2, 3, 5)
    )
    sync_agent_periods(agent_plan)
    realise(SchedulePeriod.objects.get(agent_action__isnull=False, period=2))
    figures = quarter_figures(plan, 1, as_of=datetime.date(YEAR, 4, 1))
    assert (figures.total.scheduled, figures.total.done) == (1, 0)
    assert (figures.areas[0].outside_plan.scheduled, figures.areas[0].outside_plan.done) == (1, 1)
    assert (figures.outside_plan.scheduled, figures.outside_plan.done) == (1, 1)
    assert (figures.agents.scheduled, figures.agents.due, figures.agents.done) == (2, 2, 1)
    assert figures.agents.achievement == Decimal("50.00")
    assert plan_quarter_totals([plan.pk], 1, as_of=datetime.date(YEAR, 4, 1))[plan.pk] == (
        figures.total
    )


def test_today_is_the_default_date_in_the_units_time_zone(time_machine):
    plan = make_plan(make_unit(), areas=1, subs=1, schedule=months_mask(3))
    # 31 March 17:30 UTC = 1 April 00:30 WIB (Pontianak): March is over there.
    time_machine.move_to(datetime.datetime(YEAR, 3, 31, 17, 30, tzinfo=datetime.UTC), tick=False)
    figures = quarter_figures(plan, 1)
    assert figures.as_of == datetime.date(YEAR, 4, 1)
    assert figures.total.due == 1
    time_machine.move_to(datetime.datetime(YEAR, 3, 31, 16, 30, tzinfo=datetime.UTC), tick=False)
    assert quarter_figures(plan, 1).total.due == 0
    assert plan_quarter_totals([plan.pk], 1)[plan.pk].due == 0


def test_bad_quarter_is_refused():
    plan = make_plan(make_unit(), areas=1, subs=1)
    for bad in (0, 5, "1", None, True):
        with pytest.raises(ValueError):
            quarter_figures(plan, bad)
        with pytest.raises(ValueError):
            plan_quarter_totals([plan.pk], bad)
    assert plan_quarter_totals([], 1) == {}


def test_monitoring_months_of_the_quarter():
    plan = make_plan(make_unit(), areas=1, subs=1)
    assert quarter_figures(plan, 1).monitoring_months == [3]
    plan.monitoring_months = months_mask(2, 3)
    assert quarter_figures(plan, 1).monitoring_months == [2, 3]
    assert quarter_figures(plan, 4).monitoring_months == []


# -- indicators ----------------------------------------------------------------------------


def _indicator(sub, position, kind, target, text=None):
    return Indicator.objects.create(
        sub_activity=sub,
        position=position,
        text=text or f"Indikator {position}",
        kind=kind,
        target_value=target,
    )


def _value(plan, sub, month, indicator, value):
    period = SchedulePeriod.objects.get(sub_activity=sub, period=month)
    realisation = Realisation.objects.filter(period=period).first() or realise(period)
    IndicatorValue.objects.create(realisation=realisation, indicator=indicator, value=value)


def test_indicators_against_their_targets_with_explicit_rules():
    plan = make_plan(make_unit(), areas=1, subs=1, schedule=months_mask(1, 2, 3, 10, 11, 12))
    sub = SubActivity.objects.get(activity__area__plan=plan)
    share = _indicator(sub, 1, Indicator.Kind.PERSENTASE, Decimal("80"))
    count = _indicator(sub, 2, Indicator.Kind.JUMLAH, Decimal("4"))
    zero = _indicator(sub, 3, Indicator.Kind.JUMLAH, Decimal("0"))
    untargeted = _indicator(sub, 4, Indicator.Kind.INDEKS, None)
    silent = _indicator(sub, 5, Indicator.Kind.PERSENTASE, Decimal("100"))
    _indicator(sub, 6, Indicator.Kind.DOKUMEN, None)  # not measurable: not listed
    for month, value in ((1, "40"), (3, "60"), (2, "90")):
        _value(plan, sub, month, share, value)
    for month, value in ((1, "1"), (2, "2")):
        _value(plan, sub, month, count, value)
    _value(plan, sub, 1, zero, "2")
    _value(plan, sub, 2, untargeted, "3.5")
    # The fourth quarter: only October–December count, never the year's total.
    _value(plan, sub, 10, share, "70")
    _value(plan, sub, 12, share, "100")
    _value(plan, sub, 11, count, "1")

    figures = {f.indicator.pk: f for f in quarter_figures(plan, 1).areas[0].indicators}
    assert list(figures) == [share.pk, count.pk, zero.pk, untargeted.pk, silent.pk]
    # A percentage is a level: the quarter's latest month (March: 60), not the largest.
    assert (figures[share.pk].realised, figures[share.pk].achievement) == (
        Decimal("60"),
        Decimal("75.00"),
    )
    assert figures[share.pk].rule == "latest" and figures[share.pk].values == 3
    # A count adds up: 1 + 2 = 3 of 4.
    assert (figures[count.pk].realised, figures[count.pk].achievement) == (
        Decimal("3"),
        Decimal("75.00"),
    )
    assert figures[count.pk].rule == "sum"
    assert (figures[zero.pk].achievement, figures[zero.pk].reason) == (None, "zero_target")
    assert figures[zero.pk].realised == Decimal("2")
    assert "nol" in figures[zero.pk].reason_text
    assert (figures[untargeted.pk].achievement, figures[untargeted.pk].reason) == (
        None,
        "no_target",
    )
    assert (figures[silent.pk].realised, figures[silent.pk].reason) == (None, "no_value")

    q4 = {f.indicator.pk: f for f in quarter_figures(plan, 4).areas[0].indicators}
    assert (q4[share.pk].realised, q4[share.pk].achievement) == (Decimal("100"), Decimal("125.00"))
    assert (q4[count.pk].realised, q4[count.pk].achievement) == (Decimal("1"), Decimal("25.00"))
    assert q4[zero.pk].reason == "zero_target" and q4[zero.pk].realised is None
    # Nothing is scheduled in the second quarter and nothing was recorded: no indicator.
    assert quarter_figures(plan, 2).areas[0].indicators == []


# -- query counts --------------------------------------------------------------------------


def _fill(plan):
    for index, period in enumerate(SchedulePeriod.objects.filter(plan=plan, period__lte=3)):
        realise(period, status=[Status.DONE, Status.IN_PROGRESS, Status.NOT_DONE][index % 3])
    for sub in SubActivity.objects.filter(activity__area__plan=plan):
        indicator = _indicator(sub, 1, Indicator.Kind.PERSENTASE, Decimal("100"))
        _value(plan, sub, 1, indicator, "50")


def test_quarter_figures_take_the_same_queries_for_a_small_and_a_large_plan():
    small = make_plan(make_unit("6101"), areas=1, subs=1)
    large = make_plan(make_unit("6102"), areas=8, subs=6)
    _fill(small)
    _fill(large)
    counts = []
    for plan in (small, large):
        plan = ActionPlan.objects.select_related("unit").get(pk=plan.pk)
        counts.append(queries(lambda plan=plan: quarter_figures(plan, 1)))
    assert counts[0] == counts[1] <= 4
    figures = quarter_figures(large, 1, as_of=datetime.date(YEAR, 4, 1))
    assert figures.total.scheduled == 8 * 6 * 3
    assert len(figures.indicators) == 48


def test_plan_quarter_totals_take_the_same_queries_for_one_plan_and_for_many():
    plans = [make_plan(make_unit(f"61{n:02d}"), areas=2, subs=2) for n in range(1, 8)]
    for plan in plans[:3]:
        _fill(plan)
    one = queries(lambda: plan_quarter_totals([plans[0].pk], 1))
    many = queries(lambda: plan_quarter_totals([plan.pk for plan in plans], 1))
    assert one == many == 2
    totals = plan_quarter_totals([plan.pk for plan in plans], 1, as_of=datetime.date(YEAR, 4, 1))
    for plan in plans:
        assert totals[plan.pk] == quarter_figures(plan, 1, as_of=datetime.date(YEAR, 4, 1)).total
