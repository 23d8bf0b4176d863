"""Two people saving the same quarter's narrative at the same moment (two connections,
PostgreSQL): the second waits for the first, then finds its version changed — a conflict,
nothing overwritten, never an IntegrityError."""

import pytest

from renaksi.monitoring import narrative as services
from renaksi.monitoring.models import AreaNote, QuarterReport
from renaksi.plans.models import PlanArea

from . import race_support
from .work_realisation_world import build_rworld

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def run_two(monkeypatch, first_call, second_call):
    return race_support.run_two(monkeypatch, services, first_call, second_call)


def test_two_first_saves_of_a_report(monkeypatch):
    world = build_rworld()
    first, second = run_two(
        monkeypatch,
        lambda: services.save_report(
            world.users["steering"], world.plan, 1, {"obstacles": "Satu"}, expected_version=None
        ),
        lambda: services.save_report(
            world.users["unit_admin"], world.plan, 1, {"obstacles": "Dua"}, expected_version=None
        ),
    )
    assert isinstance(first, QuarterReport)
    assert isinstance(second, services.MonitoringConflict), second
    assert QuarterReport.objects.get().obstacles == "Satu"


def test_two_first_saves_of_an_area_note(monkeypatch):
    world = build_rworld()
    area = PlanArea.objects.get(plan=world.plan)
    first, second = run_two(
        monkeypatch,
        lambda: services.save_area_note(
            world.users["steering"],
            world.plan,
            2,
            area,
            {"obstacles": "Satu"},
            expected_version=None,
        ),
        lambda: services.save_area_note(
            world.users["unit_admin"],
            world.plan,
            2,
            area,
            {"obstacles": "Dua"},
            expected_version=None,
        ),
    )
    assert isinstance(first, AreaNote)
    assert isinstance(second, services.MonitoringConflict), second
    assert AreaNote.objects.get().obstacles == "Satu"


def test_two_updates_of_a_follow_up(monkeypatch):
    world = build_rworld()
    follow_up = services.add_follow_up(world.users["steering"], world.plan, 1, {"action": "A"})
    first, second = run_two(
        monkeypatch,
        lambda: services.update_follow_up(
            world.users["steering"], follow_up, 1, {"progress_note": "Satu"}, expected_version=1
        ),
        lambda: services.update_follow_up(
            world.users["unit_admin"], follow_up, 1, {"progress_note": "Dua"}, expected_version=1
        ),
    )
    assert first.version == 2
    assert isinstance(second, services.MonitoringConflict), second
    follow_up.refresh_from_db()
    assert follow_up.progress_note == "Satu"
