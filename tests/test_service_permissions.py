"""Every service checks its own permission (issue 6).

Each service function that takes an actor is called directly, without a view, by every persona
of the permission world (plus a deactivated administrator), on the objects of Bengkayang and of
its sibling Sambas. Whoever lacks the right gets PermissionDenied and nothing changes; whoever
holds it succeeds, so a check that refuses everyone fails too.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from renaksi.access import services as access
from renaksi.access.models import UnitRole
from renaksi.plans import services as plans
from renaksi.plans import workflow
from renaksi.plans.models import ActionPlan, ImportFinding, SubActivity
from renaksi.teams import services as teams
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .permission_world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

ACTORS = [*PERSONAS, "inactive_admin"]
ADMINS = {"unit_admin", "superuser"}  # MANAGE_UNIT / CHANGE_PLAN / CHANGE_TEAM on Bengkayang


@pytest.fixture
def world():
    world = build_world()
    inactive = User.objects.create_user("inactive_admin", is_active=False)
    UnitRole.objects.create(user=inactive, unit=world.units["6107"], role=UnitRole.Role.ADMIN)
    world.users["inactive_admin"] = inactive
    for code in ("6107", "6101"):
        # someone of the unit: a role target, a PIC, an invitee who has no password yet
        target = User.objects.create_user(f"target{code}", f"target{code}@example.test")
        target.set_unusable_password()
        target.save()
        UnitRole.objects.create(user=target, unit=world.units[code], role=UnitRole.Role.VIEWER)
        world.users[f"target{code}"] = target
        TeamMember.objects.create(
            team=world.teams[code], name=f"Agen {code}", position=Position.AGEN_PERUBAHAN
        )
    ActionPlan.objects.update(status=ActionPlan.Status.DRAFT)
    return world


def request():
    return RequestFactory().get("/", HTTP_HOST="127.0.0.1")


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable  # (world, actor, code)
    state: Callable  # (world, code) -> what must not change when refused
    allowed: frozenset[str]  # who may, on Bengkayang; on Sambas only the superuser
    setup: Callable = lambda world, code: None


def member(world, code) -> TeamMember:
    return TeamMember.objects.select_related("team__unit").get(
        team=world.teams[code], name=f"Agen {code}"
    )


def unit_role(world, code) -> UnitRole:
    return UnitRole.objects.select_related("unit", "user").get(user=world.users[f"target{code}"])


def plan(world, code) -> ActionPlan:
    return ActionPlan.objects.select_related("unit").get(pk=world.plans[code].pk)


def roles(world, code):
    return sorted(UnitRole.objects.filter(unit=world.units[code]).values_list("user_id", "role"))


def members(world, code):
    return sorted(
        TeamMember.objects.filter(team__unit=world.units[code]).values_list(
            "pk", "name", "user_id", "position"
        )
    )


CASES = [
    Case(
        "plans.confirm_finding",
        lambda w, actor, code: plans.confirm_finding(
            actor, ImportFinding.objects.select_related("plan").get(pk=w.findings[code].pk)
        ),
        lambda w, code: ImportFinding.objects.get(pk=w.findings[code].pk).confirmed_at,
        frozenset(ADMINS),
    ),
    Case(
        "workflow.submit_plan",
        lambda w, actor, code: workflow.submit_plan(actor, plan(w, code)),
        lambda w, code: (plan(w, code).status, plan(w, code).version),
        frozenset(ADMINS),
    ),
    Case(
        "workflow.withdraw_submission",
        lambda w, actor, code: workflow.withdraw_submission(actor, plan(w, code)),
        lambda w, code: (plan(w, code).status, plan(w, code).version),
        frozenset(ADMINS),
        setup=lambda w, code: ActionPlan.objects.filter(pk=w.plans[code].pk).update(
            status=ActionPlan.Status.SUBMITTED
        ),
    ),
    Case(
        "workflow.return_plan",
        lambda w, actor, code: workflow.return_plan(actor, plan(w, code), "Perbaiki area 5"),
        lambda w, code: (plan(w, code).status, plan(w, code).return_note),
        frozenset({"steering", "superuser"}),
        setup=lambda w, code: ActionPlan.objects.filter(pk=w.plans[code].pk).update(
            status=ActionPlan.Status.SUBMITTED
        ),
    ),
    Case(
        "workflow.approve_plan",
        lambda w, actor, code: workflow.approve_plan(actor, plan(w, code)),
        lambda w, code: plan(w, code).status,
        frozenset({"steering", "superuser"}),
        setup=lambda w, code: ActionPlan.objects.filter(pk=w.plans[code].pk).update(
            status=ActionPlan.Status.SUBMITTED
        ),
    ),
    Case(
        "workflow.reopen_plan",
        lambda w, actor, code: workflow.reopen_plan(
            actor, plan(w, code), "Salah ketik di lampiran"
        ),
        lambda w, code: plan(w, code).status,
        frozenset({"steering", "superuser"}),
        setup=lambda w, code: ActionPlan.objects.filter(pk=w.plans[code].pk).update(
            status=ActionPlan.Status.DITETAPKAN
        ),
    ),
    Case(
        "plans.assign_pics",
        lambda w, actor, code: plans.assign_pics(
            actor, plan(w, code), {w.subs[(code, 1)].pk: w.users[f"target{code}"]}
        ),
        lambda w, code: SubActivity.objects.get(pk=w.subs[(code, 1)].pk).pic_id,
        frozenset(ADMINS),
    ),
    Case(
        "access.grant_role",
        lambda w, actor, code: access.grant_role(
            actor, w.units[code], w.users[f"target{code}"], "admin"
        ),
        roles,
        frozenset(ADMINS),
    ),
    Case(
        "access.revoke_role",
        lambda w, actor, code: access.revoke_role(actor, unit_role(w, code)),
        roles,
        frozenset(ADMINS),
    ),
    Case(
        "access.invite_user",
        lambda w, actor, code: access.invite_user(
            actor,
            w.units[code],
            username=f"baru{code}",
            full_name="Orang Baru",
            email=f"baru{code}@example.test",
            role="viewer",
            request=request(),
        ),
        lambda w, code: (User.objects.count(), roles(w, code), len(mail.outbox)),
        frozenset(ADMINS),
    ),
    Case(
        "access.resend_invitation",
        lambda w, actor, code: access.resend_invitation(
            actor, w.units[code], w.users[f"target{code}"], request=request()
        ),
        lambda w, code: len(mail.outbox),
        frozenset(ADMINS),
    ),
    Case(
        "teams.create_team",
        lambda w, actor, code: teams.create_team(actor, w.units[code], 2023),
        lambda w, code: ReformTeam.objects.filter(unit=w.units[code]).count(),
        frozenset(ADMINS),
    ),
    Case(
        "teams.update_decree",
        lambda w, actor, code: teams.update_decree(
            actor,
            ReformTeam.objects.get(pk=w.teams[code].pk),
            decree_number="99/2022",
            decree_date=None,
            decree_title="Tim RB",
        ),
        lambda w, code: ReformTeam.objects.get(pk=w.teams[code].pk).decree_number,
        frozenset(ADMINS),
    ),
    Case(
        "teams.add_member",
        lambda w, actor, code: teams.add_member(
            actor,
            ReformTeam.objects.select_related("unit").get(pk=w.teams[code].pk),
            teams.MemberData(name="Anggota Baru", position=Position.AGEN_PERUBAHAN),
        ),
        members,
        frozenset(ADMINS),
    ),
    Case(
        "teams.update_member",
        lambda w, actor, code: teams.update_member(
            actor,
            member(w, code),
            teams.MemberData(name="Nama Diubah", position=Position.AGEN_PERUBAHAN),
        ),
        members,
        frozenset(ADMINS),
    ),
    Case(
        "teams.remove_member",
        lambda w, actor, code: teams.remove_member(actor, member(w, code)),
        members,
        frozenset(ADMINS),
    ),
]


def expected_allowed(case: Case, code: str) -> set[str]:
    return set(case.allowed) if code == "6107" else {"superuser"}


@pytest.mark.parametrize("code", ["6107", "6101"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_service_refuses_whoever_lacks_the_right(world, case, code):
    refused = [actor for actor in ACTORS if actor not in expected_allowed(case, code)]
    assert refused
    case.setup(world, code)
    for name in refused:
        actor = world.users[name] or AnonymousUser()
        before = case.state(world, code)
        with pytest.raises(PermissionDenied):
            case.call(world, actor, code)
        assert case.state(world, code) == before, name


@pytest.mark.parametrize(
    ("case", "actor"),
    [(case, actor) for case in CASES for actor in sorted(case.allowed)],
    ids=lambda value: value.name if isinstance(value, Case) else value,
)
def test_a_service_lets_whoever_holds_the_right(world, case, actor):
    case.setup(world, "6107")
    before = case.state(world, "6107")
    case.call(world, world.users[actor], "6107")
    assert case.state(world, "6107") != before
