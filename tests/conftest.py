"""Shared fixtures.

django-axes (the sign-in lock-out) stays on in the tests. Its backend refuses to authenticate
without a request, and Django's ``Client.login()`` passes none, so the ``client`` fixture is a
Client whose ``login()`` passes a request from 127.0.0.1, the address the test client's own
requests come from: a failed ``client.login()`` counts towards the lock-out like a failed
sign-in on the login page, and a successful one clears it. ``force_login()`` needs nothing.
Attempts are stored in the database, so each test starts with none. The cache (where the
password-reset limits count) is emptied before each test.
"""

import os
import shutil

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.test import Client as DjangoClient
from django.test import RequestFactory


class _LiveServerGate:
    """Serialises the live server's requests on SQLite, and closes the server to new requests
    before a test's database is flushed (see ``_live_server_gate``)."""

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.open = True


_GATE = _LiveServerGate()


def _serialise_live_server_on_sqlite() -> None:
    """On SQLite the live server's request threads share the test database's one in-memory
    connection; two requests at once (a review page and its preview frame) then misuse it
    ("bad parameter or other API misuse"). Serve one live-server request at a time there.
    Only the live server goes through WSGIHandler; Django's test Client does not."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    handle = WSGIHandler.__call__

    def serialised(self, environ, start_response):
        with _GATE.lock:
            if not _GATE.open:
                # The test is over (a late request of a frame or a prefetch): no database.
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"test over"]
            return handle(self, environ, start_response)

    WSGIHandler.__call__ = serialised


def pytest_configure(config):
    _serialise_live_server_on_sqlite()


@pytest.fixture(autouse=True)
def _live_server_gate(request):
    """For a live-server test: before its database is flushed at teardown, wait for the
    request being served and refuse later ones. A late request (a preview frame still
    loading when the test ended) otherwise held a table and broke the flush ("database
    table is locked"), leaving data that failed the next tests."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")  # set up before this, so torn down after it
    _GATE.open = True
    yield
    with _GATE.lock:
        _GATE.open = False


def _runs_once(item) -> bool:
    """Browser tests (the ``browser`` fixture: the journeys, the pages' browser checks) and the
    accessibility crawl (marker ``markup``) check what the browser shows and does: the SQLite
    run covers them. The PostgreSQL run covers the database: every other test. Keeps CI's two
    runs within their time."""
    return bool(item.get_closest_marker("markup")) or "browser" in getattr(item, "fixturenames", ())


def _needs_postgresql(item) -> bool:
    return bool(item.get_closest_marker("postgresql"))


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` (row locks across connections) run only on PostgreSQL: the
    SQLite run deselects them. Browser checks of the pages (``_runs_once``) run only in the
    SQLite run: the PostgreSQL run deselects them. Both are named in the summary.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        label = "browser and markup tests deselected on PostgreSQL (run by the SQLite run)"
        leave_out = _runs_once
    else:
        label = "PostgreSQL-only tests deselected on SQLite (run by the PostgreSQL one)"
        leave_out = _needs_postgresql
    chosen, deselected = [], []
    for item in items:
        (deselected if leave_out(item) else chosen).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = chosen
        config._renaksi_deselected = (label, [item.nodeid for item in deselected])


def pytest_terminal_summary(terminalreporter, config):
    label, names = getattr(config, "_renaksi_deselected", ("", []))
    if names:
        terminalreporter.write_line(f"{len(names)} {label}:")
        for name in names:
            terminalreporter.write_line(f"  {name}")


class Client(DjangoClient):
    def login(self, **credentials):
        request = RequestFactory().post("/masuk/", REMOTE_ADDR="127.0.0.1")
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self._login(user)
        return True


@pytest.fixture
def client():
    return Client()


@pytest.fixture(autouse=True, scope="session")
def _evidence_storage(tmp_path_factory):
    """Evidence files (renaksi/work/files.py) go to a scratch folder of this run, not to
    data/test; a test may point STORAGES["evidence"] elsewhere (tests/s3_server.py)."""
    from django.conf import settings
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("evidence")
    storages = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    with override_settings(STORAGES=storages):
        yield folder


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test ends with a flush that empties every table, the standard change
    areas of the data migration too: every database test starts with them in place."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from renaksi.plans.models import ChangeArea
    from renaksi.plans.reference import STANDARD_CHANGE_AREAS

    if ChangeArea.objects.count() < len(STANDARD_CHANGE_AREAS):
        for number, name in STANDARD_CHANGE_AREAS.items():
            ChangeArea.objects.get_or_create(number=number, defaults={"name": name})


# Debian's chromium through Playwright (never a downloaded browser), for the browser tests.
CHROMIUM = os.environ.get("RENAKSI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
