"""Permission matrix rows for the plan editor (renaksi/plans/editor_urls.py): only whoever
may change the plan (its unit's administrator, the superuser). The world's plans are approved,
so the pages show why nothing can be changed and the POSTs go back with that message: still
"allowed" (a page or a redirect that is not the sign-in), unlike the 403/404 of the others."""

from django.urls import reverse

from .matrix_common import MANAGE, Row
from .permission_world import World


def _editor(name: str, *parts):
    def path(world: World, code: str) -> str:
        sub = world.subs[(code, 1)]
        rows = {
            "@area": sub.activity.area_id,
            "@activity": sub.activity_id,
            "@sub": sub.pk,
            "@finding": world.findings[code].pk,
        }
        args = [world.plans[code].pk, *(rows.get(part, part) for part in parts)]
        return reverse(name, args=args)

    return path


ROWS = {
    "plans:editor": Row(path=_editor("plans:editor"), allowed=MANAGE),
    "plans:editor_decree": Row(path=_editor("plans:editor_decree"), allowed=MANAGE),
    "plans:editor_schedule": Row(
        path=_editor("plans:editor_schedule"), allowed=MANAGE, method="post"
    ),
    "plans:editor_add_area": Row(path=_editor("plans:editor_add_area"), allowed=MANAGE),
    "plans:editor_confirm_finding": Row(
        path=_editor("plans:editor_confirm_finding", "@finding"), allowed=MANAGE, method="post"
    ),
    "plans:editor_row": Row(
        path=_editor("plans:editor_row", "kegiatan", "@activity"), allowed=MANAGE
    ),
    "plans:editor_add": Row(path=_editor("plans:editor_add", "area", "@area"), allowed=MANAGE),
    "plans:editor_delete": Row(
        path=_editor("plans:editor_delete", "sub-kegiatan", "@sub"), allowed=MANAGE
    ),
    "plans:editor_move": Row(
        path=_editor("plans:editor_move", "sub-kegiatan", "@sub", "naik"),
        allowed=MANAGE,
        method="post",
        data={"version": "1"},
    ),
}
