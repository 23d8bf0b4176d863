"""generate_national's monitoring, LKE and submissions (renaksi/work/national_monev.py): true
to the rules the services keep, the same for the same seed, written in bulk."""

import datetime
import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renaksi.core.national import generate_national
from renaksi.evaluation.answers import answers_of
from renaksi.evaluation.frameworks import load_shipped
from renaksi.evaluation.models import Answer, Assessment
from renaksi.evaluation.scoring import display, load_tree, score
from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
from renaksi.monitoring.services import plan_quarter_totals
from renaksi.plans.models import ActionPlan
from renaksi.submissions.models import Submission, SubmissionStep
from renaksi.work.national_monev import quarter_end

from .test_work_scale import wipe as wipe_work

pytestmark = pytest.mark.django_db

REFERENCE = datetime.date(2023, 7, 20)  # the second year is half over
UNITS = ("6101", "6102", "6103", "6104", "6105", "6106", "6107", "6108")


@pytest.fixture(autouse=True)
def frameworks():
    load_shipped()


def generate(seed: int = 1, units=UNITS, **options):
    return generate_national(
        years=2, first_year=2022, seed=seed, unit_codes=list(units), work=True, monev=True,
        reference_date=REFERENCE, **options,
    )  # fmt: skip


def wipe() -> None:
    SubmissionStep.objects.all().delete()
    Submission.objects.all().delete()
    Answer.objects.all().delete()
    Assessment.objects.all().delete()
    FollowUp.objects.all().delete()
    AreaNote.objects.all().delete()
    QuarterReport.objects.all().delete()
    wipe_work()


def fingerprint() -> str:
    rows = [
        QuarterReport.objects.values_list(
            "unit__code", "year", "quarter", "obstacles", "report_number", "report_date"
        ),
        FollowUp.objects.values_list(
            "unit__code", "year", "opened_in", "closed_in", "state", "action", "due_on"
        ),
        Assessment.objects.values_list(
            "unit__code", "year", "index_value", "category", "answered_count",
            "without_evidence_count",
        ),
        Answer.objects.values_list(
            "assessment__unit__code", "assessment__year", "item__code", "option", "number",
            "counts", "value",
        ),
        Submission.objects.values_list(
            "unit__code", "year", "quarter", "state", "at_unit__code", "late", "locked",
            "submitted_at", "decided_at",
        ),
        SubmissionStep.objects.values_list(
            "submission__unit__code", "submission__quarter", "action", "at_unit__code",
            "actor__username", "created_at",
        ),
    ]  # fmt: skip
    return hashlib.sha256(repr([sorted(map(str, r)) for r in rows]).encode()).hexdigest()


def test_the_same_seed_gives_the_same_monitoring_lke_and_submissions():
    generate(seed=5, lke_share=1.0)
    first = fingerprint()
    assert Submission.objects.exists() and Assessment.objects.exists()
    wipe()
    generate(seed=5, lke_share=1.0)
    assert fingerprint() == first
    wipe()
    generate(seed=6, lke_share=1.0)
    assert fingerprint() != first


def test_what_is_generated_keeps_the_rules_of_the_services():
    result = generate()
    counts = result.counts
    assert counts["quarter_reports"] == QuarterReport.objects.count() > 0
    assert counts["submissions"] == Submission.objects.count() > 0
    plans = {p.pk: p for p in ActionPlan.objects.select_related("unit__parent")}
    approved = {pk for pk, p in plans.items() if p.status == ActionPlan.Status.DITETAPKAN}

    # Reports and submissions only for approved plans' quarters that ended before the date.
    for report in QuarterReport.objects.all():
        assert report.plan_id in approved
        assert quarter_end(report.year, report.quarter) < REFERENCE
        assert report.report_date <= REFERENCE and report.signer_name
    for follow_up in FollowUp.objects.all():
        closed = follow_up.state in ("done", "dropped")
        assert closed == (follow_up.closed_in is not None)
        if closed:
            assert follow_up.closed_in > follow_up.opened_in

    # The LKE: about half of the approved plans; cached totals as the scorer gives them.
    assessments = list(Assessment.objects.select_related("framework"))
    assert 0 < len(assessments) < len(approved)
    assert {a.framework.code for a in assessments} == {"zi-2021"}
    tree = load_tree(assessments[0].framework)
    for assessment in assessments:
        result_ = score(tree, answers_of(assessment))
        assert assessment.index_value == display(result_.index, 4)
        assert assessment.category == (result_.category or {}).get("code", "")
        answered = Answer.objects.filter(assessment=assessment, value__isnull=False)
        assert assessment.answered_count == answered.count() <= assessment.item_count == 110
        with_evidence = answered.filter(evidence__isnull=False).distinct().count()
        assert assessment.without_evidence_count == answered.count() - with_evidence
        for answer in answered.filter(evidence__isnull=False).prefetch_related("evidence")[:5]:
            assert {e.plan_id for e in answer.evidence.all()} == {assessment.plan_id}
    assert len({a.index_value for a in assessments}) > 1
    assert any(a.without_evidence_count for a in assessments)

    # Submissions: state, place, lock and steps agree; late = sent after the deadline.
    states = Counter(Submission.objects.values_list("state", flat=True))
    assert set(states) == {"submitted", "returned", "accepted", "reopened"}
    for submission in Submission.objects.select_related("unit__parent", "at_unit"):
        plan = plans[submission.plan_id]
        assert submission.plan_id in approved
        assert quarter_end(submission.year, submission.quarter) < REFERENCE
        steps = list(submission.steps.select_related("at_unit", "actor").order_by("pk"))
        actions = [s.action for s in steps]
        assert actions[0] == "submitted" and steps[0].at_unit_id == plan.unit_id
        assert all(s.actor is not None for s in steps)
        assert [s.created_at for s in steps] == sorted(s.created_at for s in steps)
        province = submission.unit.parent
        if submission.state == "submitted":
            assert submission.locked
            assert submission.at_unit_id == (
                province.pk if actions[-1] == "submitted" else (province.parent_id)
            )
        elif submission.state == "accepted":
            assert submission.locked and submission.at_unit.code == "00"
            assert actions[-1] == "accepted" and "forwarded" in actions
        else:  # returned, reopened: back at the unit, open again
            assert not submission.locked and submission.at_unit_id == submission.unit_id
            assert actions[-1] == {"returned": "returned", "reopened": "reopened"}[submission.state]
            assert steps[-1].note
        assert submission.late == (submission.submitted_at.date() > submission.due_on)
        assert submission.due_on == quarter_end(submission.year, submission.quarter) + (
            datetime.timedelta(days=15)
        )
    assert Submission.objects.filter(late=True).exists()
    assert Submission.objects.filter(late=False).exists()
    # The snapshot holds the quarter's figures as the monitoring part computes them.
    sample = Submission.objects.order_by("pk").first()
    totals = plan_quarter_totals([sample.plan_id], sample.quarter)[sample.plan_id]
    assert sample.snapshot["monitoring"]["total"]["reported"] == totals.reported
    assert sample.snapshot["monitoring"]["total"]["scheduled"] == totals.scheduled


def test_bulk_writes_and_the_command_options():
    with CaptureQueriesContext(connection) as few:
        generate(units=("6107",))
    with CaptureQueriesContext(connection) as more:
        generate(units=("6108", "6109", "6110", "6111"), seed=2)
    # Per batch, not per plan: four times the plans, about as many queries.
    assert len(more) < len(few) * 1.5, (len(few), len(more))

    wipe()
    out = StringIO()
    call_command(
        "generate_national", "--years", "1", "--first-year", "2022", "--units", "6107",
        "--reference-date", "2022-10-20", "--monev", "--lke-share", "0", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Monitoring dan evaluasi:" in text and "0 LKE" in text
    assert not Assessment.objects.exists()
    wipe()
    out = StringIO()
    call_command(
        "generate_national", "--years", "1", "--first-year", "2022", "--units", "6107",
        "--reference-date", "2022-10-20", stdout=out,
    )  # fmt: skip
    assert "Monitoring dan evaluasi" not in out.getvalue()
    assert not QuarterReport.objects.exists() and not Submission.objects.exists()
