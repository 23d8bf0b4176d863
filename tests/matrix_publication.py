"""Permission-matrix rows of the public RB column (renaksi/publication/views.py).

Bengkayang's 2022 plan is published (made once per world); the other units publish nothing.
The administrator's page is for whoever manages the unit (a reader gets 403, anyone else
404); the public pages are the same for everyone, signed in or not: the published unit's
answer, a 404 for the others.
"""

from django.urls import reverse

from renaksi.publication.models import Publication

from .matrix_common import MANAGE, Row, plan_url
from .permission_world import PERSONAS, World

EVERYONE_SEES_BENGKAYANG = {persona: frozenset({"6107"}) for persona in PERSONAS}


def published(world: World) -> None:
    plan = world.plans["6107"]
    Publication.objects.get_or_create(
        plan=plan, defaults={"unit": plan.unit, "year": plan.year, "published": True}
    )


def public_url(name: str, *extra):
    def path(world: World, code: str) -> str:
        published(world)
        return reverse(name, args=[code, 2022, *extra])

    return path


def index_path(world: World, code: str) -> str:
    published(world)
    return reverse("publication:index")


def index_marker(world: World, code: str) -> str:
    return f'href="{reverse("publication:page", args=[code, 2022])}"'


ROWS: dict[str, Row] = {
    "publication:manage": Row(path=plan_url("publication:manage"), allowed=MANAGE),
    "publication:index": Row(
        path=index_path, allowed=EVERYONE_SEES_BENGKAYANG, kind="list", marker=index_marker
    ),
    "publication:page": Row(path=public_url("publication:page"), allowed=EVERYONE_SEES_BENGKAYANG),
    "publication:embed": Row(
        path=public_url("publication:embed"), allowed=EVERYONE_SEES_BENGKAYANG
    ),
    "publication:feed": Row(path=public_url("publication:feed"), allowed=EVERYONE_SEES_BENGKAYANG),
    "publication:document": Row(
        path=public_url("publication:document", "lampiran"), allowed=EVERYONE_SEES_BENGKAYANG
    ),
}
