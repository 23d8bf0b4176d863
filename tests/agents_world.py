"""Builders for the change agents' plan tests: the permission world (tests/permission_world.py)
plus a second change agent of Bengkayang 2022, and helpers to record work on a month."""

from django.contrib.auth.models import User

from renaksi.teams.models import Position, TeamMember
from renaksi.work import agents
from renaksi.work.models import ChangeAgentPlan, Realisation, SchedulePeriod

from .permission_world import PASSWORD, World, build_world


def agent_world() -> World:
    world = build_world()
    second = User.objects.create_user("agent2", "agent2@example.test", PASSWORD)
    TeamMember.objects.create(
        team=world.teams["6107"], user=second, name="Agen Dua", position=Position.AGEN_PERUBAHAN
    )
    world.users["agent2"] = second
    return world


def fresh(user: User) -> User:
    """The user loaded again (no grants cached on it)."""
    return User.objects.get(pk=user.pk)


def agent_plan_of(world: World, name: str = "agent", code: str = "6107") -> ChangeAgentPlan:
    """The agent's plan for the unit's 2022 plan, started by the unit's administrator."""
    existing = ChangeAgentPlan.objects.filter(
        plan=world.plans[code], agent=world.users[name]
    ).first()
    if existing is not None:
        return existing
    return agents.create_agent_plan(
        fresh(world.users["superuser"]), world.plans[code], world.users[name]
    )


def record_work(action, month: int, state: str = Realisation.State.DRAFT, **values):
    """A realisation on the action's period of ``month`` (the period must exist)."""
    period = SchedulePeriod.objects.get(agent_action=action, period=month)
    return Realisation.objects.create(
        period=period,
        plan_id=period.plan_id,
        unit_id=period.unit_id,
        year=period.year,
        agent_action=action,
        state=state,
        **values,
    )
