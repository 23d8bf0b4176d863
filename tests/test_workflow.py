"""The plan's status workflow (renaksi/plans/workflow.py): the transition table, exhaustively;
permissions; notes and reasons; open findings; concurrency; versions; the audit entries; the
importer's handling of submitted and returned plans."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.importer.services import ImportRefused, import_decree, preview_import
from renaksi.plans import workflow
from renaksi.plans.models import ActionPlan, ImportFinding
from renaksi.plans.workflow import (
    REOPEN_REASON_MAX_LENGTH,
    RETURN_NOTE_MAX_LENGTH,
    TRANSITIONS,
    WorkflowError,
    approve_plan,
    available_actions,
    may,
    reopen_plan,
    return_plan,
    submit_plan,
    withdraw_submission,
)
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .decree_samples import bengkayang_bytes
from .import_support import base_tree, decree_bytes, find, make_units

pytestmark = pytest.mark.django_db

S = ActionPlan.Status

# The whole table: (status, action) → status after, or None when refused.
EXPECTED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.DRAFT, "withdraw"): None,
    (S.DRAFT, "return"): None,
    (S.DRAFT, "approve"): None,  # a draft is submitted first
    (S.DRAFT, "reopen"): None,
    (S.SUBMITTED, "submit"): None,
    (S.SUBMITTED, "withdraw"): S.DRAFT,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.SUBMITTED, "approve"): S.DITETAPKAN,
    (S.SUBMITTED, "reopen"): None,
    (S.RETURNED, "submit"): S.SUBMITTED,
    (S.RETURNED, "withdraw"): None,
    (S.RETURNED, "return"): None,
    (S.RETURNED, "approve"): None,
    (S.RETURNED, "reopen"): None,
    (S.DITETAPKAN, "submit"): None,
    (S.DITETAPKAN, "withdraw"): None,
    (S.DITETAPKAN, "return"): None,
    (S.DITETAPKAN, "approve"): None,
    (S.DITETAPKAN, "reopen"): S.DRAFT,
    (S.ARSIP, "submit"): None,
    (S.ARSIP, "withdraw"): None,
    (S.ARSIP, "return"): None,
    (S.ARSIP, "approve"): None,
    (S.ARSIP, "reopen"): None,
}
# Who takes each action: the secretariat (unit administrator) or the Tim Pengarah.
BY_SECRETARIAT = {"submit", "withdraw"}
LOG_ACTIONS = {
    "submit": "plan.submitted",
    "withdraw": "plan.withdrawn",
    "return": "plan.returned",
    "approve": "plan.approved",
    "reopen": "plan.reopened",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()


@pytest.fixture
def people(unit):
    admin = User.objects.create(username="sekretariat", first_name="Sekretariat")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    steering = User.objects.create(username="pimpinan", first_name="Ketua")
    team = ReformTeam.objects.create(unit=unit, year=2023)
    TeamMember.objects.create(team=team, user=steering, position=Position.PENGARAH_KETUA)
    viewer = User.objects.create(username="pembaca")
    UnitRole.objects.create(user=viewer, unit=unit, role=UnitRole.Role.VIEWER)
    outsider = User.objects.create(username="luar")
    return {"admin": admin, "steering": steering, "viewer": viewer, "outsider": outsider}


@pytest.fixture
def plan(unit):
    return import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan


def fresh(plan):
    return ActionPlan.objects.select_related("unit").get(pk=plan.pk)


def run(action, people, plan, text="Perbaiki indikator area 5"):
    actor = people["admin"] if action in BY_SECRETARIAT else people["steering"]
    if action == "submit":
        return submit_plan(actor, plan)
    if action == "withdraw":
        return withdraw_submission(actor, plan)
    if action == "return":
        return return_plan(actor, plan, text)
    if action == "approve":
        return approve_plan(actor, plan)
    return reopen_plan(actor, plan, text)


def test_the_table_covers_every_status_and_action():
    assert set(EXPECTED) == {(status, action) for status in S.values for action in TRANSITIONS}
    for (status, action), after in EXPECTED.items():
        transition = TRANSITIONS[action]
        assert (status in transition.sources) == (after is not None)
        if after is not None:
            assert transition.target == after


@pytest.mark.parametrize(("status", "action"), sorted(EXPECTED))
def test_every_status_and_action(plan, people, status, action):
    ActionPlan.objects.filter(pk=plan.pk).update(status=status)
    plan = fresh(plan)
    version = plan.version
    expected = EXPECTED[(status, action)]
    if expected is None:
        with pytest.raises(WorkflowError) as refused:
            run(action, people, plan)
        assert str(S(status).label) in refused.value.message
        after = fresh(plan)
        assert (after.status, after.version) == (status, version)
        assert not LogEntry.objects.filter(action=LOG_ACTIONS[action]).exists()
        return
    returned = run(action, people, plan)
    after = fresh(plan)
    assert after.status == expected == returned.status
    assert after.version == version + 1 == returned.version
    entry = LogEntry.objects.get(action=LOG_ACTIONS[action])
    assert entry.plan == after and entry.unit == after.unit
    assert entry.object_id == str(plan.pk)
    assert entry.data["before"]["status"] == status
    assert entry.data["after"]["status"] == expected


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("who", ["viewer", "outsider", "anonymous", "other_side", "inactive"])
def test_who_may_not(plan, people, unit, action, who):
    transition = TRANSITIONS[action]
    source = sorted(transition.sources)[0]
    ActionPlan.objects.filter(pk=plan.pk).update(status=source)
    plan = fresh(plan)
    if who == "anonymous":
        user = AnonymousUser()
    elif who == "other_side":
        # the secretariat may not decide, the Tim Pengarah may not submit or withdraw
        user = people["steering"] if action in BY_SECRETARIAT else people["admin"]
    elif who == "inactive":
        user = people["admin"] if action in BY_SECRETARIAT else people["steering"]
        user.is_active = False
        user.save()
        user = User.objects.get(pk=user.pk)
    else:
        user = people[who]
    call = {
        "submit": lambda: submit_plan(user, plan),
        "withdraw": lambda: withdraw_submission(user, plan),
        "return": lambda: return_plan(user, plan, "catatan"),
        "approve": lambda: approve_plan(user, plan),
        "reopen": lambda: reopen_plan(user, plan, "alasan"),
    }[action]
    with pytest.raises(PermissionDenied):
        call()
    assert fresh(plan).status == source
    assert not LogEntry.objects.filter(action=transition.log_action).exists()


def test_permission_is_checked_before_the_state(plan, people):
    # an outsider learns nothing about the status: PermissionDenied, not a status message
    with pytest.raises(PermissionDenied):
        approve_plan(people["outsider"], plan)
    with pytest.raises(PermissionDenied):
        reopen_plan(people["admin"], plan, "alasan")


def test_the_superuser_may_take_every_step(plan):
    root = User.objects.create_superuser("root", "root@example.test", "x")
    submit_plan(root, plan)
    return_plan(root, plan, "Catatan")
    submit_plan(root, plan)
    approve_plan(root, plan)
    reopen_plan(root, plan, "SK perubahan")
    assert fresh(plan).status == S.DRAFT


def test_the_whole_round_and_its_history(plan, people):
    submit_plan(people["admin"], plan)
    after = fresh(plan)
    assert after.submitted_by == people["admin"] and after.submitted_at is not None
    return_plan(people["steering"], plan, "  Indikator area 5 belum terukur.\r\nTambah target. ")
    after = fresh(plan)
    assert after.status == S.RETURNED
    assert after.return_note == "Indikator area 5 belum terukur.\nTambah target."
    assert after.is_editable
    submit_plan(people["admin"], plan)
    after = fresh(plan)
    # submitting clears nothing else: the last note stays for the Tim Pengarah to compare
    assert after.return_note == "Indikator area 5 belum terukur.\nTambah target."
    approve_plan(people["steering"], plan)
    after = fresh(plan)
    assert (after.status, after.approved_by) == (S.DITETAPKAN, people["steering"])
    assert not after.is_editable
    assert after.submitted_by == people["admin"]
    reopen_plan(people["steering"], plan, " SK   perubahan ")
    after = fresh(plan)
    assert (after.status, after.approved_by, after.approved_at) == (S.DRAFT, None, None)
    assert after.version == 6

    entries = list(LogEntry.objects.filter(plan=plan).order_by("id"))
    assert [e.action for e in entries] == [
        "plan.imported",
        "plan.submitted",
        "plan.returned",
        "plan.submitted",
        "plan.approved",
        "plan.reopened",
    ]
    submitted, returned, _, approved, reopened = entries[1:]
    assert submitted.actor == people["admin"]
    assert submitted.data["before"] == {
        "status": "draft",
        "submitted_by": None,
        "submitted_at": None,
    }
    assert submitted.data["after"]["submitted_by"] == people["admin"].pk
    assert returned.actor == people["steering"]
    assert returned.data["note"] == "Indikator area 5 belum terukur.\nTambah target."
    assert returned.data["before"] == {"status": "diajukan", "return_note": ""}
    assert returned.data["after"]["return_note"] == returned.data["note"]
    assert approved.data["before"]["approved_by"] is None
    assert approved.data["after"]["approved_by"] == people["steering"].pk
    assert reopened.data["reason"] == "SK perubahan"
    assert reopened.data["before"]["approved_by"] == people["steering"].pk
    assert reopened.data["after"] == {"status": "draft", "approved_by": None, "approved_at": None}


def test_withdrawing_clears_the_submission(plan, people):
    submit_plan(people["admin"], plan)
    withdraw_submission(people["admin"], plan)
    after = fresh(plan)
    assert (after.status, after.submitted_by, after.submitted_at) == (S.DRAFT, None, None)
    entry = LogEntry.objects.get(action="plan.withdrawn")
    assert entry.data["before"]["submitted_by"] == people["admin"].pk
    assert entry.data["after"] == {"status": "draft", "submitted_by": None, "submitted_at": None}


def test_a_draft_is_not_approved_directly(plan, people):
    with pytest.raises(WorkflowError) as refused:
        approve_plan(people["steering"], plan)
    assert "diajukan oleh sekretariat" in refused.value.message
    assert "Draf" in refused.value.message


# -- notes and reasons -------------------------------------------------------------------------


@pytest.fixture
def submitted(plan, people):
    return submit_plan(people["admin"], plan)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Tuliskan catatan"),
        (" \n\t ", "Tuliskan catatan"),
        (None, "Tuliskan catatan"),
        ("x" * (RETURN_NOTE_MAX_LENGTH + 1), "terlalu panjang"),
        ("Perbaiki\x07 ini", "karakter kendali"),
        ("Perbaiki \u202e ini", "karakter kendali"),
    ],
)
def test_a_return_needs_a_clean_note(submitted, people, note, message):
    with pytest.raises(WorkflowError) as refused:
        return_plan(people["steering"], submitted, note)
    assert message in refused.value.message
    after = fresh(submitted)
    assert (after.status, after.return_note) == (S.SUBMITTED, "")
    assert not LogEntry.objects.filter(action="plan.returned").exists()


def test_a_note_of_the_limit_is_kept_whole(submitted, people):
    note = "a\n" + "x" * (RETURN_NOTE_MAX_LENGTH - 2)
    return_plan(people["steering"], submitted, note)
    assert fresh(submitted).return_note == note


@pytest.mark.parametrize(
    "reason", ["", "   ", None, "x" * (REOPEN_REASON_MAX_LENGTH + 1), "SK\x00 baru"]
)
def test_a_reopen_needs_a_clean_reason(submitted, people, reason):
    approve_plan(people["steering"], submitted)
    with pytest.raises(WorkflowError):
        reopen_plan(people["steering"], submitted, reason)
    assert fresh(submitted).status == S.DITETAPKAN
    assert not LogEntry.objects.filter(action="plan.reopened").exists()


# -- open findings -----------------------------------------------------------------------------


def add_error(plan, **kwargs):
    return ImportFinding.objects.create(
        plan=plan, kind="area_missing", severity="error", message="Area 3 tidak ada", **kwargs
    )


def test_open_error_findings_block_submitting_and_approving(plan, people):
    finding = add_error(plan)
    ImportFinding.objects.create(plan=plan, kind="stale_year", severity="warning", message="w")
    with pytest.raises(WorkflowError) as refused:
        submit_plan(people["admin"], plan)
    assert "1 temuan" in refused.value.message
    assert fresh(plan).status == S.DRAFT
    finding.resolution = ImportFinding.Resolution.CORRECTED
    finding.save()
    submit_plan(people["admin"], plan)  # warnings do not block
    add_error(plan)  # e.g. found by a later check while submitted
    with pytest.raises(WorkflowError):
        approve_plan(people["steering"], plan)
    assert fresh(plan).status == S.SUBMITTED
    ImportFinding.objects.filter(plan=plan).update(confirmed_at="2023-01-02T03:04:05Z")
    approve_plan(people["steering"], plan)
    assert fresh(plan).status == S.DITETAPKAN


def test_open_findings_of_another_plan_do_not_count(plan, people, unit):
    other = ActionPlan.objects.create(unit=unit, year=2024)
    add_error(other)
    submit_plan(people["admin"], plan)


def test_the_change_and_its_entry_are_saved_together(plan, people, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(workflow, "record", broken)
    with pytest.raises(RuntimeError):
        submit_plan(people["admin"], plan)
    after = fresh(plan)
    assert (after.status, after.submitted_by, after.version) == (S.DRAFT, None, plan.version)


# -- concurrency and versions ----------------------------------------------------------------


def test_two_decisions_on_one_submission_only_one_wins(submitted, people):
    stale = fresh(submitted)  # the second Tim Pengarah member's page
    approve_plan(people["steering"], fresh(submitted))
    with pytest.raises(WorkflowError) as refused:
        return_plan(people["steering"], stale, "Terlambat")
    assert "baru saja berubah" in refused.value.message
    assert "Ditetapkan" in refused.value.message
    after = fresh(submitted)
    assert (after.status, after.return_note) == (S.DITETAPKAN, "")
    assert LogEntry.objects.filter(action__in=["plan.approved", "plan.returned"]).count() == 1


def test_the_conditional_update_refuses_a_lost_race(submitted, people, monkeypatch):
    """Even if the status read under the lock is stale (no row lock on SQLite), the UPDATE
    matches only the status and version read, so the loser changes nothing."""
    real_get = workflow.ActionPlan.objects.select_for_update

    class Racing:
        def __init__(self):
            self.queryset = real_get()

        def get(self, **kwargs):
            current = self.queryset.get(**kwargs)
            # the other decision commits right after our read
            ActionPlan.objects.filter(pk=current.pk).update(
                status=S.RETURNED, version=current.version + 1
            )
            return current

    monkeypatch.setattr(workflow.ActionPlan.objects, "select_for_update", lambda: Racing())
    with pytest.raises(WorkflowError) as refused:
        approve_plan(people["steering"], submitted)
    assert "Dikembalikan" in refused.value.message
    after = fresh(submitted)  # (the simulated other write rolled back with ours)
    assert after.status != S.DITETAPKAN and after.approved_by is None
    assert not LogEntry.objects.filter(action="plan.approved").exists()


def test_a_decision_on_a_page_that_is_out_of_date_is_refused(submitted, people):
    shown = submitted.version
    ActionPlan.objects.filter(pk=submitted.pk).update(version=shown + 1)  # e.g. an edit
    with pytest.raises(WorkflowError) as refused:
        approve_plan(people["steering"], fresh(submitted), expected_version=shown)
    assert "diubah sejak halaman ini dibuka" in refused.value.message
    assert fresh(submitted).status == S.SUBMITTED
    approve_plan(people["steering"], fresh(submitted), expected_version=shown + 1)
    assert fresh(submitted).status == S.DITETAPKAN


# -- what the pages offer ----------------------------------------------------------------------


def test_available_actions_follow_status_and_role(plan, people):
    def names(user):
        return [t.action for t in available_actions(user, fresh(plan))]

    assert names(people["admin"]) == ["submit"]
    assert names(people["steering"]) == []
    submit_plan(people["admin"], plan)
    assert names(people["admin"]) == ["withdraw"]
    assert names(people["steering"]) == ["return", "approve"]
    assert names(people["viewer"]) == []
    approve_plan(people["steering"], plan)
    assert names(people["steering"]) == ["reopen"]
    assert names(people["admin"]) == []
    assert not may(AnonymousUser(), "reopen", fresh(plan))


def test_the_old_names_still_resolve():
    from renaksi.plans import services

    assert services.approve_plan is approve_plan
    assert services.reopen_plan is reopen_plan


# -- the importer --------------------------------------------------------------------------------


def revised():
    tree = base_tree()
    tree[0]["activities"][0]["subs"][0]["name"] = "Sub satu area 1 (revisi)"
    return decree_bytes(tree)


def test_an_import_with_a_decree_date_is_a_draft_the_tim_pengarah_can_approve(unit, people):
    """Issue 7: approval only ever applied to undated drafts, because an import with a decree
    date marked the plan as set. An imported plan is a draft, dated or not."""
    plan = import_decree(bengkayang_bytes(), unit=unit, filename="sk.txt").plan
    plan = fresh(plan)
    assert plan.decree_date is not None
    assert plan.status == S.DRAFT
    team = ReformTeam.objects.create(unit=unit, year=plan.year)
    TeamMember.objects.create(team=team, user=people["steering"], position=Position.PENGARAH_KETUA)
    ImportFinding.objects.filter(plan=plan, severity="error").update(resolution="confirmed")
    submit_plan(people["admin"], plan)
    approve_plan(people["steering"], plan)
    assert fresh(plan).status == S.DITETAPKAN


def test_a_replace_of_a_submitted_plan_is_refused_until_it_is_withdrawn(submitted, unit, people):
    with pytest.raises(ImportRefused) as refused:
        import_decree(revised(), unit=unit, filename="v2.txt", replace=True, user=people["admin"])
    assert "sedang diajukan ke Tim Pengarah" in refused.value.message
    assert "Tarik kembali" in refused.value.message
    assert preview_import(revised(), unit=unit).refusal == refused.value.message
    assert find(submitted, "1.1.1").name == "Sub satu area 1"
    assert fresh(submitted).status == S.SUBMITTED

    withdraw_submission(people["admin"], submitted)
    import_decree(revised(), unit=unit, filename="v2.txt", replace=True, user=people["admin"])
    assert find(submitted, "1.1.1").name == "Sub satu area 1 (revisi)"
    assert fresh(submitted).status == S.DRAFT


def test_a_replace_keeps_a_returned_plan_returned_and_raises_its_version(submitted, unit, people):
    return_plan(people["steering"], submitted, "Perbaiki area 1")
    version = fresh(submitted).version
    import_decree(revised(), unit=unit, filename="v2.txt", replace=True, user=people["admin"])
    after = fresh(submitted)
    assert (after.status, after.return_note) == (S.RETURNED, "Perbaiki area 1")
    assert after.version == version + 1
    assert not LogEntry.objects.filter(action="plan.approval_reset").exists()
    # the secretariat sends the corrected plan again
    submit_plan(people["admin"], after)
    assert fresh(submitted).status == S.SUBMITTED


def test_a_replace_refused_for_a_submitted_plan_leaves_its_version(submitted, unit):
    version = fresh(submitted).version
    with pytest.raises(ImportRefused):
        import_decree(revised(), unit=unit, filename="v2.txt", replace=True)
    assert fresh(submitted).version == version
