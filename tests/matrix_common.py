"""Shared pieces of the permission matrix: who-may sets and the Row type.

Rows live in one module per area (tests/matrix_*.py, each a ``ROWS`` dict); the matrix test
(tests/test_permission_matrix.py) joins them and checks every named URL has one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from .permission_world import PERSONAS, UNIT_CODES, World

ALL = frozenset(UNIT_CODES)
KALBAR = frozenset({"61", "6107", "6101"})
BENGKAYANG = frozenset({"6107"})
NONE: frozenset[str] = frozenset()

# Who reads which unit's plans, team and pages.
READ = {
    "implementer5": BENGKAYANG,
    "assessor": BENGKAYANG,
    "steering": BENGKAYANG,
    "agent": BENGKAYANG,
    "unit_admin": BENGKAYANG,
    "province_reviewer": KALBAR,
    "other_regency": frozenset({"6101"}),
    "national_viewer": ALL,
    "national_reviewer": ALL,
    "national_admin": frozenset({"00"}),
    "superuser": ALL,
}
# Who changes a unit's plan, team and users: its administrator.
MANAGE = {"unit_admin": BENGKAYANG, "national_admin": frozenset({"00"}), "superuser": ALL}
APPROVE = {"steering": BENGKAYANG, "superuser": ALL}
SIGNED_IN = {persona: ALL for persona in PERSONAS if persona != "anonymous"}


@dataclass(frozen=True)
class Row:
    """How to call a view on the object of one unit, and who may.

    ``kind``: "object" — one request per unit, allowed or denied by status; "list" — one
    request, and a unit's object is "allowed" when ``marker`` shows in the page.
    """

    path: Callable[[World, str], str]
    allowed: dict[str, frozenset[str]]
    method: str = "get"
    kind: str = "object"
    marker: Callable[[World, str], str] | None = None
    # The POST data, or a function (world, unit code) -> data (e.g. a fresh file each call).
    data: dict | Callable[[World, str], dict] = field(default_factory=dict)


def plan_url(name: str) -> Callable[[World, str], str]:
    return lambda world, code: reverse(name, args=[world.plans[code].pk])


def plan_link(world: World, code: str) -> str:
    return f'href="{reverse("plans:detail", args=[world.plans[code].pk])}"'
