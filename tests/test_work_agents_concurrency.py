"""Two people changing the same change agent's plan at the same moment (two connections,
PostgreSQL). Every service locks the agent plan's row first: two adds get positions 1 and 2,
and of two edits from the same version the second waits, then is refused (AgentConflict)
instead of silently overwriting the first."""

import threading

import pytest
from django.db import connection

from renaksi.work import agents
from renaksi.work.models import ChangeAgentAction, SchedulePeriod

from .agents_world import agent_plan_of, agent_world, fresh

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def race(monkeypatch, first_call, second_call):
    """Run ``first_call`` until it holds the agent plan's lock, start ``second_call``, check
    that it waits, then let both finish."""
    inside, go = threading.Event(), threading.Event()
    original = agents._lock
    outcome = {}

    def paused(agent_plan):
        result = original(agent_plan)
        if threading.current_thread() is first:
            inside.set()
            go.wait(20)
        return result

    monkeypatch.setattr(agents, "_lock", paused)

    def run(name, call):
        try:
            outcome[name] = call()
        except Exception as error:  # reported to the test
            outcome[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", first_call))
    first.start()
    assert inside.wait(20)
    second = threading.Thread(target=run, args=("second", second_call))
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting for the agent plan's lock
    go.set()
    first.join(20)
    second.join(20)
    return outcome


def test_two_adds_at_once_get_different_positions(monkeypatch):
    world = agent_world()
    agent_plan = agent_plan_of(world)
    agent, admin = fresh(world.users["agent"]), fresh(world.users["unit_admin"])
    outcome = race(
        monkeypatch,
        lambda: agents.add_action(agent, agent_plan, {"title": "Pertama"}, [1]),
        lambda: agents.add_action(admin, agent_plan, {"title": "Kedua"}, [2]),
    )
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert not isinstance(outcome["second"], Exception), outcome["second"]
    rows = list(ChangeAgentAction.objects.order_by("position").values_list("position", "title"))
    assert rows == [(1, "Pertama"), (2, "Kedua")]
    assert SchedulePeriod.objects.filter(agent_action__isnull=False).count() == 2


def test_two_edits_from_the_same_version_one_wins_the_other_is_told(monkeypatch):
    world = agent_world()
    agent, admin = fresh(world.users["agent"]), fresh(world.users["unit_admin"])
    action = agents.add_action(agent, agent_plan_of(world), {"title": "Awal"}, [3])
    outcome = race(
        monkeypatch,
        lambda: agents.update_action(agent, action, {"title": "Agen"}, [4], expected_version=1),
        lambda: agents.update_action(admin, action, {"title": "Admin"}, [5], expected_version=1),
    )
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert isinstance(outcome["second"], agents.AgentConflict)
    assert outcome["second"].current.title == "Agen"
    action.refresh_from_db()
    assert (action.title, action.schedule, action.version) == ("Agen", 1 << 3, 2)
    assert list(
        SchedulePeriod.objects.filter(agent_action=action).values_list("period", flat=True)
    ) == [4]
