"""The permission matrix: every persona × every view × a target in every kind of unit.

One table, ``MATRIX``, says for each named URL which personas may use it on the objects of
which units (own unit, a child unit, a sibling unit, another province). A test walks the URL
resolver: a named view without a row in the table (or a reasoned exemption) fails the suite.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix_common import MANAGE, NONE, READ, Row, plan_link, plan_url
from .matrix_creation import ROWS as CREATION_ROWS
from .matrix_dashboard_unit import ROWS as DASHBOARD_UNIT_ROWS
from .matrix_dashboards_rollup import ROWS as DASHBOARD_ROLLUP_ROWS
from .matrix_dashboards_schedule import ROWS as DASHBOARD_SCHEDULE_ROWS
from .matrix_editor import ROWS as EDITOR_ROWS
from .matrix_evaluation import ROWS as EVALUATION_ROWS
from .matrix_exports import ROWS as EXPORT_ROWS
from .matrix_importer import ROWS as IMPORTER_ROWS
from .matrix_monitoring import ROWS as MONITORING_ROWS
from .matrix_publication import ROWS as PUBLICATION_ROWS
from .matrix_reports import ROWS as REPORT_ROWS
from .matrix_submissions import ROWS as SUBMISSION_ROWS
from .matrix_teams import ROWS as TEAM_ROWS
from .matrix_units import ROWS as UNIT_ROWS
from .matrix_work_agents import ROWS as WORK_AGENT_ROWS
from .matrix_work_files import ROWS as WORK_FILE_ROWS
from .matrix_work_pages import ROWS as WORK_PAGES_ROWS
from .matrix_work_realisation import ROWS as WORK_REALISATION_ROWS
from .matrix_work_reminders import ROWS as WORK_REMINDER_ROWS
from .matrix_workflow import ROWS as WORKFLOW_ROWS
from .permission_world import PERSONAS, UNIT_CODES, build_world

pytestmark = pytest.mark.django_db

PLAN_ROWS: dict[str, Row] = {
    "plans:list": Row(
        path=lambda world, code: reverse("plans:list"),
        allowed=READ,
        kind="list",
        marker=plan_link,
    ),
    "plans:detail": Row(path=plan_url("plans:detail"), allowed=READ),
    "plans:confirm_finding": Row(
        path=lambda world, code: reverse(
            "plans:confirm_finding", args=[world.plans[code].pk, world.findings[code].pk]
        ),
        allowed=MANAGE,
        method="post",
    ),
}
MATRIX: dict[str, Row] = {
    **PLAN_ROWS,
    **CREATION_ROWS,
    **TEAM_ROWS,
    **UNIT_ROWS,
    **IMPORTER_ROWS,
    **EDITOR_ROWS,
    **WORKFLOW_ROWS,
    **EXPORT_ROWS,
    **WORK_AGENT_ROWS,
    **WORK_PAGES_ROWS,
    **WORK_REMINDER_ROWS,
    **WORK_REALISATION_ROWS,
    **WORK_FILE_ROWS,
    **MONITORING_ROWS,
    **EVALUATION_ROWS,
    **SUBMISSION_ROWS,
    **REPORT_ROWS,
    **DASHBOARD_ROLLUP_ROWS,
    **DASHBOARD_UNIT_ROWS,
    **PUBLICATION_ROWS,
    **DASHBOARD_SCHEDULE_ROWS,
}

# Views outside the matrix, each with the reason and the test that covers it.
EXEMPT = {
    "login": "public sign-in page",
    "logout": "ends the caller's own session",
    "password_reset*": "public self-service password reset: tests/test_accounts.py",
    "password_change*": "the caller's own password: tests/test_accounts.py",
    "admin:*": "superuser only: test_admin_is_for_superusers_only",
    "set_language": "anyone may choose the language of their own pages",
}


def named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def exempt(name: str) -> bool:
    return any(name == key or (key.endswith("*") and name.startswith(key[:-1])) for key in EXEMPT)


def test_every_view_has_a_row():
    missing = sorted(name for name in named_urls() if name not in MATRIX and not exempt(name))
    assert not missing, f"views without a row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - named_urls())
    assert not stale, f"rows for views that no longer exist: {stale}"


def is_allowed(response) -> bool:
    if response.status_code in (301, 302, 303):
        return not response["Location"].startswith(reverse("login"))
    return response.status_code < 400


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, world, name):
    row = MATRIX[name]
    unexpected = []
    for persona in PERSONAS:
        client.logout()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
        expected = row.allowed.get(persona, NONE)
        if row.kind == "list":
            response = client.get(row.path(world, ""))
            html = response.content.decode() if response.status_code == 200 else ""
            actual = frozenset(code for code in UNIT_CODES if row.marker(world, code) in html)
            if actual != expected:
                unexpected.append((persona, "sees", sorted(actual), "expected", sorted(expected)))
            continue
        for code in UNIT_CODES:
            data = row.data(world, code) if callable(row.data) else row.data
            response = getattr(client, row.method)(row.path(world, code), data)
            if is_allowed(response) != (code in expected):
                unexpected.append(
                    (persona, code, response.status_code, "expected", code in expected)
                )
    assert not unexpected, f"{name}: {unexpected}"


def test_denials_are_404_for_unseen_and_403_for_seen(client, world):
    """An object the user may not see is a 404; an action they may not take is a 403."""
    client.force_login(world.users["implementer5"])
    assert client.get(reverse("plans:detail", args=[world.plans["6101"].pk])).status_code == 404
    plan = world.plans["6107"]
    finding = world.findings["6107"]
    assert (
        client.post(reverse("plans:confirm_finding", args=[plan.pk, finding.pk])).status_code == 403
    )
    assert client.post(reverse("plans:approve", args=[plan.pk])).status_code == 403


def test_admin_is_for_superusers_only(client, world):
    for persona in PERSONAS:
        client.logout()
        user = world.users[persona]
        if user is not None:
            user.is_staff = True  # even staff status alone must not open the admin
            user.save()
            client.force_login(user)
        response = client.get(reverse("admin:plans_actionplan_changelist"))
        assert (response.status_code == 200) == (persona == "superuser"), persona
