"""A replace resets the approval; an approved plan must be reopened first; who may import."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.importer.services import ImportRefused, import_decree, preview_import
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.plans.services import PlanError
from renaksi.plans.workflow import approve_plan, reopen_plan, submit_plan
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .import_support import base_tree, decree_bytes, find, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()


@pytest.fixture
def people(unit):
    admin = User.objects.create(username="sekretariat")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    steering = User.objects.create(username="pimpinan")
    team = ReformTeam.objects.create(unit=unit, year=2023)
    TeamMember.objects.create(team=team, user=steering, position=Position.PENGARAH_KETUA)
    outsider = User.objects.create(username="luar")
    return {"admin": admin, "steering": steering, "outsider": outsider}


def revised():
    tree = base_tree()
    tree[0]["activities"][0]["subs"][0]["name"] = "Sub satu area 1 (revisi)"
    return decree_bytes(tree)


def actions(plan):
    return list(LogEntry.objects.filter(plan=plan).order_by("id").values_list("action", flat=True))


def test_replace_of_an_approved_plan_is_refused_until_it_is_reopened(unit, people):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    assert plan.status == ActionPlan.Status.DRAFT
    submit_plan(people["admin"], plan)
    approve_plan(people["steering"], plan)
    with pytest.raises(ImportRefused) as refused:
        import_decree(revised(), unit=unit, filename="v2.txt", replace=True)
    assert "sudah ditetapkan" in refused.value.message
    assert "membukanya kembali" in refused.value.message
    assert preview_import(revised(), unit=unit).refusal == refused.value.message
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DITETAPKAN
    assert find(plan, "1.1.1").name == "Sub satu area 1"

    reopen_plan(people["steering"], plan, "  SK perubahan   Nomor 15 ")
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.approved_at) == ("draft", None, None)
    entry = LogEntry.objects.get(action="plan.reopened")
    assert entry.actor == people["steering"] and entry.plan == plan and entry.unit == unit
    assert entry.data["reason"] == "SK perubahan Nomor 15"
    assert entry.data["before"]["status"] == "ditetapkan"
    assert entry.data["before"]["approved_by"] == people["steering"].pk

    result = import_decree(
        revised(), unit=unit, filename="v2.txt", replace=True, user=people["admin"]
    )
    assert result.status == "replaced"
    assert find(plan, "1.1.1").name == "Sub satu area 1 (revisi)"
    assert actions(plan) == [
        "plan.imported",
        "plan.submitted",
        "plan.approved",
        "plan.reopened",
        "plan.replaced",
    ]


def test_a_replace_resets_an_approval_left_on_a_draft_and_records_it(unit, people):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    approved_at = timezone.now()
    # e.g. set by hand in the admin: a draft that still names an approver
    ActionPlan.objects.filter(pk=plan.pk).update(
        approved_by=people["steering"], approved_at=approved_at
    )
    import_decree(revised(), unit=unit, filename="v2.txt", replace=True)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by, plan.approved_at) == ("draft", None, None)
    entry = LogEntry.objects.get(action="plan.approval_reset")
    assert entry.actor is None  # the system (no user given)
    assert entry.data["before"]["approved_by"] == people["steering"].pk
    assert entry.data["after"] == {"status": "draft", "approved_by": None, "approved_at": None}


def test_a_replace_of_a_clean_draft_records_no_approval_reset(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    import_decree(revised(), unit=unit, filename="v2.txt", replace=True)
    assert actions(plan) == ["plan.imported", "plan.replaced"]


def test_an_archived_plan_cannot_be_replaced(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.ARSIP)
    with pytest.raises(ImportRefused) as refused:
        import_decree(revised(), unit=unit, filename="v2.txt", replace=True)
    assert "diarsipkan" in refused.value.message


# -- reopen_plan -------------------------------------------------------------------------------


@pytest.fixture
def approved(unit, people):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    submit_plan(people["admin"], plan)
    return approve_plan(people["steering"], plan)


@pytest.mark.parametrize("who", ["admin", "outsider", "anonymous"])
def test_only_the_steering_team_reopens(approved, people, who):
    user = AnonymousUser() if who == "anonymous" else people[who]
    with pytest.raises(PermissionDenied):
        reopen_plan(user, approved, "SK perubahan")
    approved.refresh_from_db()
    assert approved.status == ActionPlan.Status.DITETAPKAN
    assert not LogEntry.objects.filter(action="plan.reopened").exists()


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_reopen_needs_a_reason(approved, people, reason):
    with pytest.raises(PlanError) as error:
        reopen_plan(people["steering"], approved, reason)
    assert "alasan" in error.value.message.lower()
    approved.refresh_from_db()
    assert approved.status == ActionPlan.Status.DITETAPKAN


def test_only_an_approved_plan_is_reopened(approved, people):
    reopen_plan(people["steering"], approved, "SK perubahan")
    with pytest.raises(PlanError) as error:
        reopen_plan(people["steering"], approved, "lagi")
    assert "sudah ditetapkan" in error.value.message
    assert LogEntry.objects.filter(action="plan.reopened").count() == 1


def test_reopen_then_approve_again(approved, people):
    reopen_plan(people["steering"], approved, "SK perubahan")
    submit_plan(people["admin"], approved)
    approve_plan(people["steering"], approved)
    approved.refresh_from_db()
    assert approved.status == ActionPlan.Status.DITETAPKAN
    assert approved.approved_by == people["steering"]


# -- who may import ---------------------------------------------------------------------------


def test_the_unit_administrator_imports_and_is_recorded(unit, people):
    result = import_decree(decree_bytes(), unit=unit, filename="v1.txt", user=people["admin"])
    entry = LogEntry.objects.get(action="plan.imported")
    assert entry.actor == people["admin"] and entry.plan == result.plan
    assert entry.data["after"]["counts"]["sub_activities"] == 24


@pytest.mark.parametrize("who", ["steering", "outsider", "anonymous"])
def test_others_may_not_import_or_replace(unit, people, who):
    user = AnonymousUser() if who == "anonymous" else people[who]
    with pytest.raises(PermissionDenied):
        import_decree(decree_bytes(), unit=unit, filename="v1.txt", user=user)
    assert ActionPlan.objects.count() == 0
    import_decree(decree_bytes(), unit=unit, filename="v1.txt")
    with pytest.raises(PermissionDenied):
        import_decree(revised(), unit=unit, filename="v2.txt", replace=True, user=user)
    assert SubActivity.objects.filter(name="Sub satu area 1 (revisi)").count() == 0
    assert list(LogEntry.objects.values_list("action", flat=True)) == ["plan.imported"]
