"""The dashboards' plan summaries (renaksi/dashboards/summary.py) stay true whatever writes
the work: the services, bulk statements, the schedule editor, deletion; and they are
recomputed in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renaksi.dashboards import summary
from renaksi.dashboards.models import PlanSummary, SummaryChange
from renaksi.plans.models import ActionPlan
from renaksi.work import realisations as services
from renaksi.work.models import Evidence, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .work_realisation_world import JUNE, MARCH, build_rworld, good_data, pdf_file

pytestmark = pytest.mark.django_db

# March and June are over and past their report deadline; December is not yet due.
AS_OF = datetime.date(2026, 11, 20)


@pytest.fixture
def world():
    return build_rworld()


def fresh_sums(plan: ActionPlan, as_of=AS_OF) -> dict:
    summary.ensure_fresh(ActionPlan.objects.filter(pk=plan.pk))
    stored = PlanSummary.objects.get(plan=plan)
    return summary.add_periods(plan, stored.periods, as_of)


def record_done(world, month=MARCH, files=()):
    period = world.period(month)
    return services.save_realisation(
        world.users["implementer"],
        period,
        data=good_data(status="selesai", progress="100"),
        expected_version=None,
        files=files,
        evidence_meta={"0": {"title": "Notulen", "kind": "notulen"}} if files else None,
    )


def test_a_new_plan_is_computed_when_first_read(world):
    assert not PlanSummary.objects.filter(plan=world.plan).exists()
    sums = fresh_sums(world.plan)
    assert sums["scheduled"] == 3
    assert sums["due"] == 2  # March and June are over on 20 November
    assert sums["late"] == 2  # nothing done, both deadlines passed
    assert sums["done"] == 0
    assert not SummaryChange.objects.filter(plan_id=world.plan.pk).exists()


def test_saving_a_realisation_through_the_service_changes_the_summary(world):
    assert fresh_sums(world.plan)["done"] == 0
    record_done(world, files=[pdf_file()])
    assert SummaryChange.objects.filter(plan_id=world.plan.pk).exists()
    sums = fresh_sums(world.plan)
    assert (sums["done"], sums["done_due"], sums["late"], sums["evidenced"]) == (1, 1, 1, 1)
    totals = summary.totals_of(sums)
    assert totals.achievement == 50  # 1 of the 2 due cells done
    assert totals.evidence_share == 100


def test_verifying_and_returning_change_the_summary(world):
    realisation = record_done(world, files=[pdf_file()])
    realisation = services.submit(world.users["implementer"], realisation)
    assert fresh_sums(world.plan)["awaiting"] == 1
    realisation = services.verify(world.users["assessor"], realisation)
    sums = fresh_sums(world.plan)
    assert (sums["verified"], sums["verified_due"], sums["awaiting"]) == (1, 1, 0)
    realisation = services.reopen(world.users["assessor"], realisation, "Salah verifikasi.")
    assert fresh_sums(world.plan)["verified"] == 0


def test_bulk_statements_are_seen_too(world):
    record_done(world)
    fresh_sums(world.plan)
    # A bulk UPDATE bypasses every service and signal; the trigger still logs it.
    Realisation.objects.filter(plan=world.plan).update(
        status=Realisation.Status.POSTPONED, postponed_to=12
    )
    sums = fresh_sums(world.plan)
    assert (sums["done"], sums["postponed"], sums["late"]) == (0, 1, 1)


def test_evidence_removed_is_seen(world):
    record_done(world, files=[pdf_file()])
    assert fresh_sums(world.plan)["evidenced"] == 1
    Evidence.objects.filter(plan=world.plan).update(is_current=False)
    assert fresh_sums(world.plan)["evidenced"] == 0


def test_schedule_edits_are_seen(world):
    assert fresh_sums(world.plan)["scheduled"] == 3
    world.sub.schedule |= 1 << (JUNE)  # July as well
    world.sub.save()
    sync_plan_periods(world.plan)
    sums = fresh_sums(world.plan)
    assert (sums["scheduled"], sums["due"]) == (4, 3)


def test_a_deleted_plan_takes_its_summary_and_leaves_no_log(world):
    fresh_sums(world.plan)
    pk = world.plan.pk
    SchedulePeriod.objects.filter(plan_id=pk).delete()
    assert SummaryChange.objects.filter(plan_id=pk).exists()
    ActionPlan.objects.filter(pk=pk).delete()
    assert not PlanSummary.objects.filter(plan_id=pk).exists()
    assert summary.discard_orphans() >= 1
    assert not SummaryChange.objects.filter(plan_id=pk).exists()


def test_only_the_log_rows_read_are_removed(world):
    fresh_sums(world.plan)
    other = SummaryChange.objects.create(plan_id=world.plan.pk + 1000)
    record_done(world)
    summary.ensure_fresh(ActionPlan.objects.filter(pk=world.plan.pk))
    assert list(SummaryChange.objects.values_list("pk", flat=True)) == [other.pk]


def test_queries_are_fixed(world, django_assert_num_queries):
    plans = ActionPlan.objects.filter(pk=world.plan.pk)
    with CaptureQueriesContext(connection) as stale:
        assert summary.ensure_fresh(plans) == 1
    with django_assert_num_queries(2):
        assert summary.ensure_fresh(plans) == 0
    record_done(world)
    with django_assert_num_queries(len(stale)):
        assert summary.ensure_fresh(plans) == 1


def test_generate_national_leaves_every_plan_summarised_and_true():
    """The bulk writer refreshes its batches; the summary agrees with the monitoring
    figures (renaksi/monitoring: plan_quarter_totals) quarter by quarter."""
    from renaksi.core.national import generate_national
    from renaksi.monitoring.figures import plan_quarter_totals, quarter_months

    generate_national(years=1, seed=3, unit_codes=["6107"], reference_date=AS_OF)
    plan = ActionPlan.objects.get(unit__code="6107")
    assert PlanSummary.objects.filter(plan=plan).exists()
    assert not SummaryChange.objects.filter(plan_id=plan.pk).exists()
    stored = PlanSummary.objects.get(plan=plan).periods
    assert stored == summary.compute([plan.pk])[plan.pk]
    for quarter in (1, 2, 3, 4):
        expected = plan_quarter_totals([plan.pk], quarter, as_of=AS_OF)[plan.pk]
        months = set(quarter_months(quarter))
        sums = summary.add_periods(plan, [row for row in stored if row[0] in months], AS_OF)
        got = summary.totals_of(sums).counts
        assert (got.scheduled, got.due, got.done, got.done_due, got.verified, got.missing) == (
            expected.scheduled,
            expected.due,
            expected.done,
            expected.done_due,
            expected.verified,
            expected.missing,
        ), quarter
        assert (got.not_done, got.postponed, got.overdue, got.late) == (
            expected.not_done,
            expected.postponed,
            expected.overdue,
            expected.late,
        ), quarter


def test_refresh_summaries_command(world):
    from io import StringIO

    from django.core.management import call_command

    fresh_sums(world.plan)
    PlanSummary.objects.filter(plan=world.plan).update(periods=[])  # a summary gone wrong
    out = StringIO()
    call_command("refresh_summaries", "--stale", stdout=out)
    assert "0 rencana aksi" in out.getvalue()  # nothing logged: left alone
    call_command("refresh_summaries", "--year", "2026", stdout=out)
    assert (
        PlanSummary.objects.get(plan=world.plan).periods
        == summary.compute([world.plan.pk])[world.plan.pk]
    )
    SummaryChange.objects.create(plan_id=999999)
    out = StringIO()
    call_command("refresh_summaries", stdout=out)
    assert "1 catatan perubahan" in out.getvalue()
    assert not SummaryChange.objects.exists()
