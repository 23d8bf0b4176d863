"""The shared set-up of the browser journeys (tests/test_journeys_*.py): the demo seeded ONCE
per module and served by a live server of the module, instead of seeding it again for every
test (``seed_demo`` takes about 30 s of CPU; the journeys run twice in CI).

pytest-django's ``live_server`` fixture makes every test that uses it transactional, so the
database is emptied after each test and the demo would have to be seeded for each. Here a
module-scoped fixture seeds the demo (committed, so a PostgreSQL live server's own connection
sees it), starts its own ``LiveServer`` (on SQLite in memory it shares the test connection like
pytest-django's), and empties the database at the end of the module (``flush``, as a
transactional test does; the next database test gets its change areas back from
tests/conftest.py ``_reference_data``). The tests of a module therefore share one story: each
picks its own rows (a different month for desktop and phone), and a test that needs an earlier
step (the assessor verifies what the implementer recorded) does that step itself.

    from .journey_support import JOURNEY, demo_site_fixture, open_database_fixture  # noqa: F401

    pytestmark = JOURNEY

    def test_something(demo_site, browser):
        with Visit(browser, demo_site, phone=True) as visit:
            ...
"""

from __future__ import annotations

import sqlite3
import time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from .browser_support import SCREENSHOTS, Visit
from .conftest import _GATE


class DemoSite:
    """What a journey needs of the seeded demo: the live server's URL and the demo's plan."""

    def __init__(self, server, seconds: float):
        self.server = server
        self.url = server.url
        self.seed_seconds = seconds

    @property
    def plan(self):
        from renaksi.plans.models import ActionPlan

        return ActionPlan.objects.select_related("unit").get(unit__code="6107", year=2022)


# The seeded demo of this run, kept to be copied back for the next module: a copy of the
# SQLite database in memory, or the name of the PostgreSQL schema holding copies of the tables.
_SNAPSHOT: dict[str, object] = {}
PG_SNAPSHOT_SCHEMA = "journey_demo_snapshot"


def seed_demo() -> None:
    """The demo in the test database: seeded by ``seed_demo`` the first time in the run; later
    modules get a copy of that first result instead of seeding it again: on SQLite in memory
    through the backup API, on PostgreSQL from a copy of every table kept in a schema of the
    test database (restored with triggers and foreign-key checks off, sequences reset after).
    Elsewhere, or when the copy cannot be made (a PostgreSQL user who may not switch triggers
    off), the demo is seeded again. The evidence files stay where the first seeding wrote them
    (the run's evidence folder, tests/conftest.py)."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        if "sqlite" in _SNAPSHOT:
            connection.ensure_connection()
            _SNAPSHOT["sqlite"].backup(connection.connection)
            return
        call_command("seed_demo", stdout=StringIO())
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _SNAPSHOT["sqlite"] = snapshot
        return
    if connection.vendor == "postgresql" and _SNAPSHOT.get("postgresql"):
        _restore_postgresql(connection)
        return
    call_command("seed_demo", stdout=StringIO())
    if connection.vendor == "postgresql":
        _SNAPSHOT["postgresql"] = _copy_postgresql(connection)


def _copy_postgresql(connection) -> bool:
    from django.db import DatabaseError

    tables = connection.introspection.table_names()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")  # needs a superuser to SET
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(f"DROP SCHEMA IF EXISTS {PG_SNAPSHOT_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {PG_SNAPSHOT_SCHEMA}")
            for table in tables:
                name = connection.ops.quote_name(table)
                cursor.execute(f"CREATE TABLE {PG_SNAPSHOT_SCHEMA}.{name} AS TABLE public.{name}")
    except DatabaseError:  # e.g. not a superuser: no copy, the next module seeds again
        return False
    return True


def _restore_postgresql(connection) -> None:
    from django.apps import apps
    from django.core.management.color import no_style

    tables = [connection.ops.quote_name(t) for t in connection.introspection.table_names()]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no triggers, no FK checks
        try:
            cursor.execute(f"TRUNCATE {', '.join(f'public.{t}' for t in tables)}")
            for table in tables:
                # The database's own table names, quoted.
                source = f"{PG_SNAPSHOT_SCHEMA}.{table}"
                cursor.execute(f"INSERT INTO public.{table} SELECT * FROM {source}")  # noqa: S608
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


@pytest.fixture(scope="module", name="demo_site")
def demo_site_fixture(django_db_setup, django_db_blocker):
    """The demo seeded once for the module, served by the module's own live server."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        started = time.monotonic()
        seed_demo()
        seconds = time.monotonic() - started
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        _GATE.open = True
        try:
            yield DemoSite(server, seconds)
        finally:
            with _GATE.lock:
                _GATE.open = False
            server.stop()
            server._live_server_modified_settings.disable()
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()


@pytest.fixture(name="_django_db_helper")
def open_database_fixture(django_db_setup, django_db_blocker):
    """Replaces pytest-django's per-test database handling in the journey modules: the ORM
    is open in the test (to find rows and check what a step saved), with no transaction
    around it and no flush after it; ``demo_site`` empties the database at the end of the
    module. The modules mark their tests ``django_db`` (``JOURNEY``) only so that the test
    database is created even when a journey runs alone."""
    with django_db_blocker.unblock():
        yield


# The mark of every journey test (see ``open_database_fixture``).
JOURNEY = pytest.mark.django_db


def check_long_page(visit: Visit, name: str) -> None:
    """``Visit.check`` for a very long page (the import preview, the plan page with its whole
    Lampiran): the screenshot is of what the window shows, not of the whole page, which takes
    Chromium over 30 s there on a busy machine; everything else is checked on the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOTS / f"{name}-{visit.size}.png"))
    visit.check(name, screenshot=False)


SIZES = pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])


def password(username: str) -> str:
    return f"renaksi-{username}"
