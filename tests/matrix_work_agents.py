"""Permission-matrix rows for the change agents' own plans (renaksi/work/views_agents.py).

Every unit gets a change agent's plan with one action: in Bengkayang the ``agent`` persona's
own, elsewhere a local agent's. Readers of the unit see the plans; the agent whose plan it is
and the unit's administrator change it.
"""

from django.contrib.auth.models import User
from django.urls import reverse

from renaksi.teams.models import Position, TeamMember
from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan

from .matrix_common import ALL, BENGKAYANG, READ, Row, plan_url
from .permission_world import World

# The agent of the plan (Bengkayang's agent persona), the unit's administrator.
MANAGE_AGENT = {
    "agent": BENGKAYANG,
    "unit_admin": BENGKAYANG,
    "national_admin": frozenset({"00"}),
    "superuser": ALL,
}


def target(world: World, code: str) -> ChangeAgentPlan:
    """The unit's change agent's plan (made once), with one action."""
    if code == "6107":
        agent = world.users["agent"]
    else:
        agent, created = User.objects.get_or_create(username=f"agen{code}")
        if created:
            TeamMember.objects.create(
                team=world.teams[code],
                user=agent,
                name=agent.username,
                position=Position.AGEN_PERUBAHAN,
            )
    agent_plan, _ = ChangeAgentPlan.objects.get_or_create(plan=world.plans[code], agent=agent)
    ChangeAgentAction.objects.get_or_create(
        agent_plan=agent_plan, position=1, defaults={"title": f"Aksi {code}", "schedule": 1}
    )
    return agent_plan


def agent_plan_url(name: str):
    return lambda world, code: reverse(name, args=[target(world, code).pk])


def action_url(name: str, *extra: str):
    def path(world: World, code: str) -> str:
        agent_plan = target(world, code)
        action = agent_plan.actions.order_by("position").first()
        return reverse(name, args=[agent_plan.pk, action.pk, *extra])

    return path


ROWS: dict[str, Row] = {
    "work:agent_plans": Row(path=plan_url("work:agent_plans"), allowed=READ),
    # The agent starts their own plan; the administrator (or a superuser) passes the check and
    # is told they are no change agent (a redirect with the message); readers get a 403.
    "work:agent_plan_create": Row(
        path=plan_url("work:agent_plan_create"), allowed=MANAGE_AGENT, method="post"
    ),
    "work:agent_plan": Row(path=agent_plan_url("work:agent_plan"), allowed=READ),
    "work:agent_action_add": Row(
        path=agent_plan_url("work:agent_action_add"),
        allowed=MANAGE_AGENT,
        method="post",
        data={"title": "Aksi matriks", "months": ["2"]},
    ),
    "work:agent_schedule": Row(
        path=agent_plan_url("work:agent_schedule"), allowed=MANAGE_AGENT, method="post"
    ),
    "work:agent_action_edit": Row(path=action_url("work:agent_action_edit"), allowed=MANAGE_AGENT),
    # The confirmation page (GET): the matrix deletes nothing.
    "work:agent_action_delete": Row(
        path=action_url("work:agent_action_delete"), allowed=MANAGE_AGENT
    ),
    "work:agent_action_move": Row(
        path=action_url("work:agent_action_move", "turun"), allowed=MANAGE_AGENT, method="post"
    ),
}
