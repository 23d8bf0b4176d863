"""Two connections racing for the same row (PostgreSQL tests marked ``postgresql``).

``run_two`` runs ``first_call`` in a thread and pauses it inside its transaction, right after
the workflow wrote its audit entry (so while it holds its row lock), then runs ``second_call``
in another thread, checks that the second is waiting for the lock, lets the first finish, and
returns both outcomes (a result or the exception raised). The workflow module's ``record``
(renaksi.audit.services.record, imported there) is what gets paused.
"""

from __future__ import annotations

import threading
from types import ModuleType

from django.db import connection


def run_two(monkeypatch, services: ModuleType, first_call, second_call):
    inside, go = threading.Event(), threading.Event()
    original = services.record
    outcome = {}

    def paused(*args, **kwargs):
        entry = original(*args, **kwargs)
        if threading.current_thread() is first:
            inside.set()
            go.wait(20)
        return entry

    monkeypatch.setattr(services, "record", paused)

    def runner(key, call):
        def run():
            try:
                outcome[key] = call()
            except Exception as error:  # reported to the test
                outcome[key] = error
            finally:
                connection.close()

        return run

    first = threading.Thread(target=runner("first", first_call))
    first.start()
    assert inside.wait(20)
    second = threading.Thread(target=runner("second", second_call))
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting for the row lock
    go.set()
    first.join(20)
    second.join(20)
    return outcome["first"], outcome["second"]
