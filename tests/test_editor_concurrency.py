"""Two people editing the same plan at the same moment (two connections, PostgreSQL).

Every editor service locks the plan row first, so edits of one plan run one after another:
the second waits and then sees the first one's rows (numbering and positions stay unique),
instead of both choosing the same next number.
"""

import threading

import pytest
from django.db import connection

from renaksi.plans import editing
from renaksi.plans.models import Activity

from .editor_world import build_editor_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def test_two_adds_at_once_get_different_numbers(monkeypatch):
    world = build_editor_world()
    admin = world.users["admin"]
    area = world.areas[0]
    inside, go = threading.Event(), threading.Event()
    original = editing._validate_row
    outcome = {}

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread() is first:
            inside.set()
            go.wait(20)
        return result

    monkeypatch.setattr(editing, "_validate_row", paused)

    def add_first():
        try:
            outcome["first"] = editing.add_row(admin, "activity", area, {"name": "Pertama"})
        except Exception as error:  # reported to the test
            outcome["first"] = error
        finally:
            connection.close()

    def add_second():
        try:
            outcome["second"] = editing.add_row(admin, "activity", area, {"name": "Kedua"})
        except Exception as error:
            outcome["second"] = error
        finally:
            connection.close()

    first = threading.Thread(target=add_first)
    first.start()
    assert inside.wait(20)
    second = threading.Thread(target=add_second)
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting for the plan's lock
    go.set()
    first.join(20)
    second.join(20)
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert not isinstance(outcome["second"], Exception), outcome["second"]
    rows = list(Activity.objects.filter(area=area).order_by("position"))
    assert [(a.position, a.number) for a in rows] == [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert [a.name for a in rows[2:]] == ["Pertama", "Kedua"]
