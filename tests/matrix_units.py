"""Permission-matrix rows for the unit, user and my-work pages."""

from django.contrib.auth.models import User
from django.urls import reverse

from renaksi.access.models import UnitRole

from .matrix_common import MANAGE, READ, Row
from .permission_world import World


def unit_url(name: str):
    return lambda world, code: reverse(name, args=[world.units[code].pk])


def unit_link(world: World, code: str) -> str:
    return f'href="{reverse("units:detail", args=[world.units[code].pk])}"'


def removable_role(world: World, code: str) -> str:
    """A viewer role in the target unit, (re)created for each request."""
    holder, _ = User.objects.get_or_create(username="matrix-role-holder")
    role, _ = UnitRole.objects.get_or_create(
        user=holder, unit=world.units[code], role=UnitRole.Role.VIEWER
    )
    return reverse("units:role_remove", args=[world.units[code].pk, role.pk])


ROWS: dict[str, Row] = {
    "units:list": Row(
        path=lambda world, code: reverse("units:list"), allowed=READ, kind="list", marker=unit_link
    ),
    "units:detail": Row(path=unit_url("units:detail"), allowed=READ),
    "units:invite": Row(path=unit_url("units:invite"), allowed=MANAGE),
    "units:role_add": Row(path=unit_url("units:role_add"), allowed=MANAGE, method="post"),
    "units:role_remove": Row(path=removable_role, allowed=MANAGE, method="post"),
    # Everyone signed in has the page; it shows only their own sub-activities.
    "plans:my_work": Row(
        path=lambda world, code: reverse("plans:my_work") + "?bulan=2022-05",
        allowed={"implementer5": frozenset({"6107"}), "other_regency": frozenset({"6101"})},
        kind="list",
        marker=lambda world, code: f"Sub kegiatan {code}.5",
    ),
}

ROWS["plans:assign_pic"] = Row(
    path=lambda world, code: reverse("plans:assign_pic", args=[world.plans[code].pk]),
    allowed=MANAGE,
)


def invited_role(world: World, code: str) -> str:
    """A viewer role in the target unit held by someone who never set a password."""
    invited, _ = User.objects.get_or_create(
        username="matrix-invited", defaults={"email": "matrix-invited@example.test"}
    )
    invited.set_unusable_password()
    invited.save()
    role, _ = UnitRole.objects.get_or_create(
        user=invited, unit=world.units[code], role=UnitRole.Role.VIEWER
    )
    return reverse("units:resend_invite", args=[world.units[code].pk, role.pk])


ROWS["units:resend_invite"] = Row(path=invited_role, allowed=MANAGE, method="post")
