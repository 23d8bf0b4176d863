"""The submission chain's services: submit, decide (forward / accept / return), reopen.

The journey of issue #9: Bengkayang (6107) sends its TW I 2022 package to KPU Provinsi
Kalimantan Barat (61), which forwards it to KPU RI (00), which accepts it; a return with a
note and a resubmission; locks; refusals of the wrong level; deciding twice.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test.utils import override_settings

from renaksi.access.models import UnitRole
from renaksi.audit.models import ACTION_LABELS, LogEntry
from renaksi.submissions import locks, services
from renaksi.submissions.models import Submission, SubmissionDeadline, SubmissionStep
from renaksi.submissions.services import SubmissionError, SubmissionRefused

from .permission_world import build_world

pytestmark = pytest.mark.django_db

State = Submission.State
Action = SubmissionStep.Action


@pytest.fixture
def world():
    world = build_world()
    other = User.objects.create_user("kalteng_reviewer")
    UnitRole.objects.create(user=other, unit=world.units["62"], role=UnitRole.Role.REVIEWER)
    world.users["kalteng_reviewer"] = other
    province_admin = User.objects.create_user("kalbar_admin")
    UnitRole.objects.create(user=province_admin, unit=world.units["61"], role=UnitRole.Role.ADMIN)
    world.users["kalbar_admin"] = province_admin
    return world


def user(world, name):
    found = User.objects.get(pk=world.users[name].pk)  # fresh grants
    return found


def steps(submission):
    return list(
        SubmissionStep.objects.filter(submission=submission).values_list(
            "action", "at_unit__code", "note"
        )
    )


def audit_codes(submission):
    return list(
        LogEntry.objects.filter(object_id=str(submission.pk), action__startswith="submission.")
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_the_journey_bengkayang_kalbar_kpu_ri_accepted(world):
    plan = world.plans["6107"]
    sent = services.submit(user(world, "unit_admin"), plan, 1)
    assert sent.state == State.SUBMITTED
    assert sent.at_unit.code == "61"
    assert sent.locked
    assert locks.quarter_locked(plan.unit_id, 2022, 1)
    assert not locks.quarter_locked(plan.unit_id, 2022, 2)
    assert sent.due_on == datetime.date(2022, 4, 15)  # 31 March + 15 days
    assert sent.late  # sent in 2026
    assert sent.snapshot["quarter"] == 1
    assert sent.snapshot["lke"] == {"available": False}

    forwarded = services.decide(user(world, "province_reviewer"), sent, True, "Lengkap.")
    assert forwarded.state == State.SUBMITTED
    assert forwarded.at_unit.code == "00"
    assert forwarded.locked

    accepted = services.decide(user(world, "national_reviewer"), forwarded, True, "")
    assert accepted.state == State.ACCEPTED
    assert accepted.at_unit.code == "00"
    assert accepted.locked
    assert accepted.decided_at is not None
    assert locks.quarter_locked(plan.unit_id, 2022, 1)

    assert steps(accepted) == [
        (Action.SUBMITTED, "6107", ""),
        (Action.FORWARDED, "61", "Lengkap."),
        (Action.ACCEPTED, "00", ""),
    ]
    assert audit_codes(accepted) == [
        "submission.submitted",
        "submission.forwarded",
        "submission.accepted",
    ]
    for code in audit_codes(accepted):
        assert code in ACTION_LABELS
    entry = LogEntry.objects.get(action="submission.forwarded")
    assert entry.plan_id == plan.pk and entry.actor == world.users["province_reviewer"]
    assert entry.data["before"]["at_unit"] == world.units["61"].pk
    assert entry.data["after"]["at_unit"] == world.units["00"].pk


def test_return_with_note_then_resubmit(world):
    plan = world.plans["6107"]
    sent = services.submit(user(world, "unit_admin"), plan, 2)
    with pytest.raises(ValidationError) as error:
        services.decide(user(world, "province_reviewer"), sent, False, "   ")
    assert "note" in error.value.message_dict
    assert Submission.objects.get(pk=sent.pk).state == State.SUBMITTED
    assert SubmissionStep.objects.filter(submission=sent).count() == 1

    returned = services.decide(
        user(world, "province_reviewer"), sent, False, "Bukti dukung area 5 belum ada."
    )
    assert returned.state == State.RETURNED
    assert returned.at_unit.code == "6107"
    assert not returned.locked
    assert not locks.quarter_locked(plan.unit_id, 2022, 2)

    again = services.submit(user(world, "unit_admin"), plan, 2)
    assert again.pk == sent.pk
    assert again.state == State.SUBMITTED and again.at_unit.code == "61" and again.locked
    assert again.late == sent.late  # as at the first sending
    assert steps(again) == [
        (Action.SUBMITTED, "6107", ""),
        (Action.RETURNED, "61", "Bukti dukung area 5 belum ada."),
        (Action.SUBMITTED, "6107", ""),
    ]
    assert audit_codes(again) == [
        "submission.submitted",
        "submission.returned",
        "submission.resubmitted",
    ]
    # KPU RI may return too: back to the unit.
    forwarded = services.decide(user(world, "province_reviewer"), again, True, "")
    back = services.decide(user(world, "national_reviewer"), forwarded, False, "Perbaiki LKE.")
    assert back.state == State.RETURNED and back.at_unit.code == "6107" and not back.locked


def test_a_province_package_goes_straight_to_kpu_ri(world):
    sent = services.submit(user(world, "kalbar_admin"), world.plans["61"], 1)
    assert sent.at_unit.code == "00"
    with pytest.raises(SubmissionRefused):
        services.decide(user(world, "province_reviewer"), sent, True, "")
    accepted = services.decide(user(world, "national_reviewer"), sent, True, "")
    assert accepted.state == State.ACCEPTED


def test_kpu_ri_does_not_send_upward(world):
    with pytest.raises(SubmissionError, match="puncak jenjang"):
        services.submit(User.objects.get(username="national_admin"), world.plans["00"], 1)
    assert not Submission.objects.exists()


def test_only_the_unit_admin_sends(world):
    plan = world.plans["6107"]
    for name in ["steering", "implementer5", "province_reviewer", "national_reviewer", "agent"]:
        with pytest.raises(PermissionDenied):
            services.submit(user(world, name), plan, 1)
    assert not Submission.objects.exists()
    assert not LogEntry.objects.filter(action__startswith="submission.").exists()


def test_a_locked_period_is_not_sent_twice(world):
    plan = world.plans["6107"]
    services.submit(user(world, "unit_admin"), plan, 1)
    with pytest.raises(SubmissionError, match="sudah dikirim dan dikunci"):
        services.submit(user(world, "unit_admin"), plan, 1)
    submission = Submission.objects.get()
    services.decide(user(world, "province_reviewer"), submission, True, "")
    services.decide(user(world, "national_reviewer"), Submission.objects.get(), True, "")
    with pytest.raises(SubmissionError, match="sudah diterima KPU RI"):
        services.submit(user(world, "unit_admin"), plan, 1)
    assert SubmissionStep.objects.count() == 3
    assert LogEntry.objects.filter(action__startswith="submission.").count() == 3


def test_bad_quarter_and_draft_plan(world):
    plan = world.plans["6107"]
    for bad in (0, 5, "x", None):
        with pytest.raises(ValidationError) as error:
            services.submit(user(world, "unit_admin"), plan, bad)
        assert "quarter" in error.value.message_dict
    plan.status = plan.Status.DRAFT
    plan.save()
    with pytest.raises(SubmissionError, match="belum ditetapkan"):
        services.submit(user(world, "unit_admin"), plan, 1)
    assert not Submission.objects.exists()


def test_a_quarter_not_yet_begun_is_refused(world):
    plan = world.plans["6107"]
    now = datetime.datetime(2022, 3, 31, 16, 0, tzinfo=datetime.UTC)  # 23:00 WIB
    with pytest.raises(SubmissionError, match="belum berjalan"):
        services.submit(user(world, "unit_admin"), plan, 2, now=now)
    assert services.submit(user(world, "unit_admin"), plan, 1, now=now).late is False


def test_wrong_level_refusals_with_clear_messages(world):
    plan = world.plans["6107"]
    sent = services.submit(user(world, "unit_admin"), plan, 1)
    with pytest.raises(SubmissionRefused) as error:
        services.decide(user(world, "national_reviewer"), sent, True, "")
    assert "menunggu tinjauan KPU Provinsi Kalimantan Barat" in error.value.message
    with pytest.raises(SubmissionRefused) as error:
        services.decide(user(world, "kalteng_reviewer"), sent, True, "")
    assert "Anda bukan peninjau di KPU Provinsi Kalimantan Barat" in error.value.message
    for name in ["national_viewer", "unit_admin", "steering", "national_admin", "other_regency"]:
        with pytest.raises(SubmissionRefused) as error:
            services.decide(user(world, name), sent, False, "catatan")
        assert "Hanya peninjau di KPU Provinsi Kalimantan Barat" in error.value.message, name
    fresh = Submission.objects.get()
    assert (fresh.state, fresh.at_unit_id, fresh.version) == (
        State.SUBMITTED,
        world.units["61"].pk,
        sent.version,
    )
    assert SubmissionStep.objects.count() == 1

    # Forwarded: now the province may no longer decide.
    forwarded = services.decide(user(world, "province_reviewer"), sent, True, "")
    with pytest.raises(SubmissionRefused):
        services.decide(user(world, "province_reviewer"), forwarded, True, "")


def test_deciding_twice_is_refused_and_changes_nothing(world):
    plan = world.plans["6107"]
    sent = services.submit(user(world, "unit_admin"), plan, 1)
    services.decide(user(world, "province_reviewer"), sent, False, "Perbaiki.")
    # The same stale object (a second click on the old page).
    with pytest.raises(SubmissionError, match="sudah diputuskan"):
        services.decide(user(world, "province_reviewer"), sent, True, "")
    stale = Submission.objects.get()
    stale.state = State.SUBMITTED  # as the page showed it
    stale.at_unit = world.units["61"]
    with pytest.raises(SubmissionError, match="Sementara itu"):
        services.decide(user(world, "province_reviewer"), stale, False, "Lagi.")
    assert Submission.objects.get().state == State.RETURNED
    assert [s[0] for s in steps(stale)] == [Action.SUBMITTED, Action.RETURNED]

    # A stale page that still shows it waiting at the province after it was forwarded.
    again = services.submit(user(world, "unit_admin"), plan, 1)
    services.decide(user(world, "province_reviewer"), again, True, "")
    with pytest.raises(SubmissionError, match="diteruskan ke KPU Republik Indonesia"):
        services.decide(user(world, "province_reviewer"), again, True, "")
    assert Submission.objects.get().at_unit.code == "00"


def test_reopen_needs_a_reason_and_unlocks(world):
    plan = world.plans["6107"]
    sent = services.submit(user(world, "unit_admin"), plan, 1)
    forwarded = services.decide(user(world, "province_reviewer"), sent, True, "")
    accepted = services.decide(user(world, "national_reviewer"), forwarded, True, "")
    with pytest.raises(ValidationError) as error:
        services.reopen(user(world, "national_reviewer"), accepted, "")
    assert "reason" in error.value.message_dict
    for name in ["unit_admin", "national_viewer", "kalteng_reviewer", "steering"]:
        with pytest.raises(PermissionDenied):
            services.reopen(user(world, name), accepted, "Salah angka.")
    assert locks.quarter_locked(plan.unit_id, 2022, 1)

    reopened = services.reopen(user(world, "province_reviewer"), accepted, "Angka TW I salah.")
    assert reopened.state == State.REOPENED
    assert reopened.at_unit.code == "6107"
    assert not reopened.locked
    assert not locks.quarter_locked(plan.unit_id, 2022, 1)
    assert steps(reopened)[-1] == (Action.REOPENED, "61", "Angka TW I salah.")
    assert audit_codes(reopened)[-1] == "submission.reopened"
    assert LogEntry.objects.get(action="submission.reopened").data["reason"] == (
        "Angka TW I salah."
    )
    with pytest.raises(SubmissionError, match="tidak terkunci"):
        services.reopen(user(world, "province_reviewer"), reopened, "Lagi.")

    again = services.submit(user(world, "unit_admin"), plan, 1)
    assert again.at_unit.code == "61" and again.state == State.SUBMITTED
    # A waiting one can be reopened by KPU RI (above the unit) too.
    reopened = services.reopen(user(world, "national_reviewer"), again, "Ditarik: data ganda.")
    assert steps(reopened)[-1] == (Action.REOPENED, "00", "Ditarik: data ganda.")


def test_deadline_row_and_late_flag_in_the_unit_time_zone(world):
    plan = world.plans["6107"]
    SubmissionDeadline.objects.create(year=2022, quarter=1, due_on=datetime.date(2022, 4, 10))
    # 10 April 23:30 in Jakarta is still on time; 16:30 UTC = 23:30 WIB.
    on_time = datetime.datetime(2022, 4, 10, 16, 30, tzinfo=datetime.UTC)
    sent = services.submit(user(world, "unit_admin"), plan, 1, now=on_time)
    assert sent.due_on == datetime.date(2022, 4, 10)
    assert not sent.late
    # 17:30 UTC = 00:30 WIB on 11 April: late.
    late = datetime.datetime(2022, 4, 10, 17, 30, tzinfo=datetime.UTC)
    plan2 = world.plans["6101"]
    admin = User.objects.create_user("sambas_admin")
    UnitRole.objects.create(user=admin, unit=world.units["6101"], role=UnitRole.Role.ADMIN)
    assert services.submit(admin, plan2, 1, now=late).late


@override_settings(RENAKSI_SUBMISSION_DUE_DAYS=30)
def test_default_due_days_from_settings(world):
    sent = services.submit(user(world, "unit_admin"), world.plans["6107"], 4)
    assert sent.due_on == datetime.date(2023, 1, 30)


def test_snapshot_keeps_the_lke_totals(world):
    from renaksi.evaluation.models import Assessment, Framework

    framework = Framework.objects.create(code="zi-test", family="zi", year=2022, title="ZI")
    Assessment.objects.create(
        unit=world.units["6107"],
        year=2022,
        framework=framework,
        plan=world.plans["6107"],
        index_value="71.2500",
        category="BB",
        node_scores={"A": "41.25", "B": "30"},
        item_count=38,
        answered_count=29,
        without_evidence_count=9,
    )
    sent = services.submit(user(world, "unit_admin"), world.plans["6107"], 1)
    lke = sent.snapshot["lke"]
    assert lke["available"] and lke["index"] == "71.2500" and lke["category"] == "BB"
    assert lke["node_scores"] == {"A": "41.25", "B": "30"}
    assert (lke["item_count"], lke["answered_count"], lke["without_evidence_count"]) == (
        38,
        29,
        9,
    )
    assert lke["complete"] is False
    assert sent.assessment_id is not None
    assert locks.lke_locked(world.units["6107"].pk, 2022)
