"""Permission-matrix rows for creating a plan (renaksi/plans/creation_views.py).

Creating a plan for a unit and copying a unit's plan are for whoever manages that unit: its
administrator and the superuser. The start page (no unit yet) is for anyone who manages one.
"""

from django.urls import reverse

from .matrix_common import ALL, MANAGE, Row, plan_url

ROWS: dict[str, Row] = {
    "plans:create_start": Row(
        path=lambda world, code: reverse("plans:create_start"),
        allowed={"unit_admin": ALL, "national_admin": ALL, "superuser": ALL},
    ),
    "plans:create": Row(
        path=lambda world, code: reverse("plans:create", args=[world.units[code].pk]),
        allowed=MANAGE,
    ),
    "plans:copy": Row(path=plan_url("plans:copy"), allowed=MANAGE),
}
