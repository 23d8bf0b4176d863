"""The change agents' own plans: the services (renaksi/work/agents.py).

Who may (the agent, another agent, an implementer, the unit admin, a reader, anonymous), bad
input at the field with nothing saved, optimistic locking, the periods following the months,
recorded work kept (no delete, an unticked month stays outside the plan), the audit trail.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from renaksi.audit.models import LogEntry
from renaksi.teams.models import TeamMember
from renaksi.work import agents
from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan, SchedulePeriod

from .agents_world import agent_plan_of, agent_world, fresh, record_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return agent_world()


def periods(action) -> list[tuple[int, bool]]:
    return list(
        SchedulePeriod.objects.filter(agent_action=action)
        .order_by("period")
        .values_list("period", "planned")
    )


def add(world, months=(3, 6), title="Inovasi layanan informasi pemilu", who="agent"):
    agent_plan = agent_plan_of(world)
    return agents.add_action(
        fresh(world.users[who]),
        agent_plan,
        {"title": title, "output_text": "Laporan inovasi"},
        months,
    )


# -- creating the plan ----------------------------------------------------------------------


def test_the_agent_starts_their_own_plan_and_it_is_recorded(world):
    agent = world.users["agent"]
    agent_plan = agents.create_agent_plan(fresh(agent), world.plans["6107"], agent, title="2022")
    assert agent_plan.agent == agent and agent_plan.plan == world.plans["6107"]
    entry = LogEntry.objects.get(action="work.agent_plan_created")
    assert entry.plan_id == world.plans["6107"].pk and entry.actor == agent
    assert entry.object_id == str(agent_plan.pk)


def test_the_unit_admin_starts_a_plan_for_an_agent(world):
    agent_plan = agents.create_agent_plan(
        fresh(world.users["unit_admin"]), world.plans["6107"], world.users["agent2"]
    )
    assert agent_plan.agent == world.users["agent2"]


@pytest.mark.parametrize(
    "persona", ["agent2", "implementer5", "assessor", "steering", "national_viewer"]
)
def test_nobody_else_starts_an_agents_plan(world, persona):
    with pytest.raises(PermissionDenied):
        agents.create_agent_plan(
            fresh(world.users[persona]), world.plans["6107"], world.users["agent"]
        )
    assert not ChangeAgentPlan.objects.exists()


def test_anonymous_starts_nothing(world):
    with pytest.raises(PermissionDenied):
        agents.create_agent_plan(AnonymousUser(), world.plans["6107"], world.users["agent"])


def test_only_an_agen_perubahan_of_that_unit_and_year_gets_a_plan(world):
    admin = fresh(world.users["unit_admin"])
    with pytest.raises(ValidationError) as error:
        agents.create_agent_plan(admin, world.plans["6107"], world.users["implementer5"])
    assert "bukan Agen Perubahan" in error.value.message_dict["agent"][0]
    # the agent of Bengkayang is no agent of Sambas
    with pytest.raises((ValidationError, PermissionDenied)):
        agents.create_agent_plan(
            fresh(world.users["superuser"]), world.plans["6101"], world.users["agent"]
        )
    assert not ChangeAgentPlan.objects.exists()


def test_a_second_plan_for_the_same_agent_is_refused_at_the_field(world):
    agent_plan_of(world)
    with pytest.raises(ValidationError) as error:
        agents.create_agent_plan(
            fresh(world.users["agent"]), world.plans["6107"], world.users["agent"]
        )
    assert "sudah memiliki" in error.value.message_dict["agent"][0]
    assert ChangeAgentPlan.objects.count() == 1


def test_an_agent_who_left_the_team_no_longer_manages_the_plan(world):
    agent_plan = agent_plan_of(world)
    TeamMember.objects.filter(user=world.users["agent"]).delete()
    with pytest.raises(PermissionDenied):
        agents.add_action(fresh(world.users["agent"]), agent_plan, {"title": "x"}, [1])


# -- actions --------------------------------------------------------------------------------


def test_adding_an_action_writes_its_months_as_periods_and_the_audit(world):
    action = add(world, months=["3", 6, "9"])
    assert (action.position, action.schedule) == (1, 0b100100100)
    assert periods(action) == [(3, True), (6, True), (9, True)]
    period = SchedulePeriod.objects.get(agent_action=action, period=3)
    assert (period.plan_id, period.unit_id, period.year) == (
        world.plans["6107"].pk,
        world.units["6107"].pk,
        2022,
    )
    assert str(period.due_on) == "2022-04-05"
    entry = LogEntry.objects.get(action="work.agent_action_added")
    assert entry.data["after"]["periods"] == [3, 6, 9]
    assert entry.data["after"]["title"] == "Inovasi layanan informasi pemilu"
    second = add(world, months=[], title="Kedua")
    assert second.position == 2 and periods(second) == []


@pytest.mark.parametrize(
    "persona", ["agent2", "implementer5", "assessor", "steering", "province_reviewer"]
)
def test_only_the_agent_and_the_admin_change_actions(world, persona):
    action = add(world)
    user = fresh(world.users[persona])
    with pytest.raises(PermissionDenied):
        agents.add_action(user, action.agent_plan, {"title": "Lain"}, [1])
    with pytest.raises(PermissionDenied):
        agents.update_action(user, action, {"title": "Lain"}, expected_version=action.version)
    with pytest.raises(PermissionDenied):
        agents.set_months(user, action, [1], expected_version=action.version)
    with pytest.raises(PermissionDenied):
        agents.move_action(user, action, "down", expected_version=action.version)
    with pytest.raises(PermissionDenied):
        agents.delete_action(user, action, expected_version=action.version)
    assert ChangeAgentAction.objects.count() == 1
    assert periods(action) == [(3, True), (6, True)]


def test_anonymous_changes_no_action(world):
    action = add(world)
    with pytest.raises(PermissionDenied):
        agents.update_action(AnonymousUser(), action, {"title": "x"}, expected_version=1)


def test_the_unit_admin_changes_an_agents_action(world):
    action = add(world)
    changed = agents.update_action(
        fresh(world.users["unit_admin"]),
        action,
        {"title": "Diubah admin"},
        expected_version=action.version,
    )
    assert changed.title == "Diubah admin" and changed.version == action.version + 1


@pytest.mark.parametrize(
    ("values", "months", "field", "text"),
    [
        ({"title": "   "}, [1], "title", "wajib diisi"),
        ({"title": "x" * 1001}, [1], "title", "Paling banyak 1000"),
        ({"title": "Aksi\x07"}, [1], "title", "karakter kendali"),
        ({"title": "Aksi", "output_text": "o" * 2001}, [1], "output_text", "Paling banyak"),
        ({"title": "Aksi"}, [13], "schedule", "Bulan harus di antara 1 dan 12"),
        ({"title": "Aksi"}, ["Maret"], "schedule", "Bulan harus di antara 1 dan 12"),
        ({"title": "Aksi"}, [0], "schedule", "Bulan harus di antara 1 dan 12"),
        ({"title": "Aksi", "position": 9}, [1], "position", "tidak dapat diubah"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(world, values, months, field, text):
    agent_plan = agent_plan_of(world)
    with pytest.raises(ValidationError) as error:
        agents.add_action(fresh(world.users["agent"]), agent_plan, values, months)
    assert text in " ".join(error.value.message_dict[field])
    assert not ChangeAgentAction.objects.exists()
    assert not SchedulePeriod.objects.exists()
    assert not LogEntry.objects.filter(action__startswith="work.agent_action").exists()


def test_bad_input_on_change_leaves_the_action_as_it_was(world):
    action = add(world)
    with pytest.raises(ValidationError) as error:
        agents.update_action(
            fresh(world.users["agent"]), action, {"title": ""}, [2, 99], expected_version=1
        )
    assert "schedule" in error.value.message_dict
    action.refresh_from_db()
    assert action.title == "Inovasi layanan informasi pemilu" and action.version == 1
    assert periods(action) == [(3, True), (6, True)]


def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    action = add(world)
    agent = fresh(world.users["agent"])
    agents.update_action(agent, action, {"title": "Pertama"}, expected_version=1)
    with pytest.raises(agents.AgentConflict) as conflict:
        agents.update_action(agent, action, {"title": "Kedua"}, [1], expected_version=1)
    assert conflict.value.current.title == "Pertama"
    action.refresh_from_db()
    assert (action.title, action.version) == ("Pertama", 2)
    assert periods(action) == [(3, True), (6, True)]
    with pytest.raises(agents.AgentConflict):
        agents.delete_action(agent, action, expected_version=1)
    with pytest.raises(agents.AgentConflict):
        agents.move_action(agent, action, "down", expected_version=1)
    assert ChangeAgentAction.objects.filter(pk=action.pk).exists()


def test_a_deleted_action_is_a_conflict_without_current(world):
    action = add(world)
    agent = fresh(world.users["agent"])
    agents.delete_action(agent, action, expected_version=1)
    with pytest.raises(agents.AgentConflict) as conflict:
        agents.update_action(agent, action, {"title": "x"}, expected_version=1)
    assert conflict.value.current is None


def test_the_periods_follow_the_months(world):
    action = add(world, months=[3, 6])
    agent = fresh(world.users["agent"])
    action = agents.set_months(agent, action, [6, 7, 12], expected_version=action.version)
    assert periods(action) == [(6, True), (7, True), (12, True)]
    assert str(SchedulePeriod.objects.get(agent_action=action, period=12).due_on) == "2023-01-05"
    entry = LogEntry.objects.filter(action="work.agent_action_changed").latest("pk")
    assert entry.data["before"] == {"periods": [3, 6]}
    assert entry.data["after"] == {"periods": [6, 7, 12]}
    # the same months again: nothing written
    same = agents.set_months(agent, action, [12, 7, 6], expected_version=action.version)
    assert same.version == action.version
    assert LogEntry.objects.filter(action="work.agent_action_changed").count() == 1


def test_an_unticked_month_with_work_stays_outside_the_plan(world):
    action = add(world, months=[3, 6])
    record_work(action, 3)
    action = agents.set_months(
        fresh(world.users["agent"]), action, [6], expected_version=action.version
    )
    assert periods(action) == [(3, False), (6, True)]
    entry = LogEntry.objects.filter(action="work.agent_action_changed").latest("pk")
    assert "Maret" in entry.data["note"]
    # ticked again: planned again, the same row
    period = SchedulePeriod.objects.get(agent_action=action, period=3)
    agents.set_months(fresh(world.users["agent"]), action, [3, 6], expected_version=action.version)
    assert periods(action) == [(3, True), (6, True)]
    assert SchedulePeriod.objects.get(agent_action=action, period=3).pk == period.pk


def test_an_action_with_work_cannot_be_deleted(world):
    action = add(world, months=[3, 6])
    record_work(action, 6)
    with pytest.raises(agents.AgentPlanError) as error:
        agents.delete_action(fresh(world.users["agent"]), action, expected_version=1)
    assert "sudah ada laporan realisasi untuk bulan 6" in error.value.message
    assert ChangeAgentAction.objects.filter(pk=action.pk).exists()
    assert periods(action) == [(3, True), (6, True)]
    assert not LogEntry.objects.filter(action="work.agent_action_deleted").exists()


def test_deleting_closes_the_gap_and_keeps_the_before_values(world):
    first = add(world, title="Satu")
    second = add(world, title="Dua")
    third = add(world, title="Tiga")
    agents.delete_action(fresh(world.users["agent"]), first, expected_version=1)
    assert list(
        ChangeAgentAction.objects.order_by("position").values_list("title", "position")
    ) == [("Dua", 1), ("Tiga", 2)]
    assert not SchedulePeriod.objects.filter(agent_action_id=first.pk).exists()
    assert periods(second) == [(3, True), (6, True)] and periods(third)
    entry = LogEntry.objects.get(action="work.agent_action_deleted")
    assert entry.data["before"]["title"] == "Satu" and entry.data["before"]["periods"] == [3, 6]
    assert entry.object_id == str(first.pk)


def test_moving_swaps_with_the_neighbour(world):
    first = add(world, title="Satu")
    second = add(world, title="Dua")
    agent = fresh(world.users["agent"])
    moved = agents.move_action(agent, second, "up", expected_version=1)
    assert moved.position == 1
    first.refresh_from_db()
    assert first.position == 2
    with pytest.raises(agents.AgentPlanError):
        agents.move_action(agent, moved, "up", expected_version=moved.version)
    entry = LogEntry.objects.get(action="work.agent_action_changed")
    assert entry.data["before"] == {"position": 2} and entry.data["after"] == {"position": 1}


def test_a_plan_holds_a_short_list(world, monkeypatch):
    monkeypatch.setattr(agents, "ACTIONS_MAX", 2)
    add(world)
    add(world)
    with pytest.raises(ValidationError) as error:
        add(world)
    assert "paling banyak 2 aksi" in error.value.message_dict["title"][0]
    assert ChangeAgentAction.objects.count() == 2


# -- the demo -------------------------------------------------------------------------------


def test_seed_demo_gives_the_demo_agent_a_small_plan_once(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    agent_plan = ChangeAgentPlan.objects.get(agent__username="agen")
    assert (agent_plan.plan.unit.code, agent_plan.plan.year) == ("6107", 2022)
    actions = list(agent_plan.actions.order_by("position"))
    assert 3 <= len(actions) <= 4
    assert all(action.schedule for action in actions)
    count = SchedulePeriod.objects.filter(agent_action__agent_plan=agent_plan).count()
    assert count == sum(len(agents.months_of(action.schedule)) for action in actions)
    entries = LogEntry.objects.filter(action__startswith="work.agent_").count()
    assert entries == 1 + len(actions)
    call_command("seed_demo", stdout=StringIO())
    assert ChangeAgentPlan.objects.count() == 1
    assert ChangeAgentAction.objects.count() == len(actions)
    assert SchedulePeriod.objects.filter(agent_action__isnull=False).count() == count
    assert LogEntry.objects.filter(action__startswith="work.agent_").count() == entries
