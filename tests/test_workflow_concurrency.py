"""Two Tim Pengarah members decide on one submission at the same time (two connections).

The first decision is held inside its transaction, after its UPDATE and audit entry, while a
second connection decides. On PostgreSQL the second waits for the row lock and then sees the
new status: it is refused with a message, and exactly one decision is kept. (SQLite lets one
writer at a time, so there the second would wait for the lock; the conditional UPDATE itself
is tested on both databases in test_workflow.py.)
"""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.plans import workflow
from renaksi.plans.models import ActionPlan
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .import_support import make_units

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,  # needs row locks across connections (see conftest.py)
]


def test_two_decisions_at_once_only_one_wins(monkeypatch):
    unit = make_units()
    admin = User.objects.create(username="sekretariat")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    team = ReformTeam.objects.create(unit=unit, year=2023)
    first, second = (User.objects.create(username=name) for name in ("ketua", "anggota"))
    for user, position in ((first, Position.PENGARAH_KETUA), (second, Position.PENGARAH_ANGGOTA)):
        TeamMember.objects.create(team=team, user=user, position=position)
    plan = ActionPlan.objects.create(unit=unit, year=2023, status=ActionPlan.Status.SUBMITTED)

    inside, go = threading.Event(), threading.Event()
    original = workflow.record
    outcome = {}

    def paused(*args, **kwargs):
        entry = original(*args, **kwargs)
        if threading.current_thread() is holder:
            inside.set()
            go.wait(20)
        return entry

    monkeypatch.setattr(workflow, "record", paused)

    def approve():
        try:
            outcome["first"] = workflow.approve_plan(
                User.objects.get(pk=first.pk), ActionPlan.objects.get(pk=plan.pk)
            )
        except Exception as error:
            outcome["first"] = error
        finally:
            connection.close()

    def return_():
        try:
            outcome["second"] = workflow.return_plan(
                User.objects.get(pk=second.pk), ActionPlan.objects.get(pk=plan.pk), "Ulang"
            )
        except Exception as error:
            outcome["second"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=approve)
    holder.start()
    assert inside.wait(20), outcome
    rival = threading.Thread(target=return_)
    rival.start()
    rival.join(1)
    assert rival.is_alive()  # waiting for the first decision's row lock
    go.set()
    holder.join(20)
    rival.join(20)

    assert isinstance(outcome["first"], ActionPlan)
    assert isinstance(outcome["second"], workflow.WorkflowError)
    assert "Ditetapkan" in outcome["second"].message
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by_id, plan.return_note) == ("ditetapkan", first.pk, "")
    assert plan.version == 2
    assert list(LogEntry.objects.values_list("action", flat=True)) == ["plan.approved"]
