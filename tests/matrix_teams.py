"""Permission-matrix rows for the Tim RB pages (renaksi/teams)."""

from django.urls import reverse

from renaksi.teams.models import Position, TeamMember

from .matrix_common import MANAGE, READ, Row
from .permission_world import World


def team_url(name: str):
    return lambda world, code: reverse(name, args=[world.teams[code].pk])


def team_link(world: World, code: str) -> str:
    return f'href="{reverse("teams:detail", args=[world.teams[code].pk])}"'


def member_url(name: str):
    """A member without an account in the target unit's team, (re)created for each request
    (member_remove deletes it)."""

    def path(world: World, code: str) -> str:
        member, _ = TeamMember.objects.get_or_create(
            team=world.teams[code], name="Anggota Matriks", position=Position.AGEN_PERUBAHAN
        )
        return reverse(name, args=[world.teams[code].pk, member.pk])

    return path


ROWS: dict[str, Row] = {
    "teams:list": Row(
        path=lambda world, code: reverse("teams:list"), allowed=READ, kind="list", marker=team_link
    ),
    "teams:detail": Row(path=team_url("teams:detail"), allowed=READ),
    "teams:print": Row(path=team_url("teams:print"), allowed=READ),
    "teams:export_xlsx": Row(path=team_url("teams:export_xlsx"), allowed=READ),
    "teams:edit": Row(path=team_url("teams:edit"), allowed=MANAGE),
    "teams:member_add": Row(path=team_url("teams:member_add"), allowed=MANAGE),
    "teams:member_edit": Row(path=member_url("teams:member_edit"), allowed=MANAGE),
    # Confirmed, so an allowed request really removes the member (a redirect).
    "teams:member_remove": Row(
        path=member_url("teams:member_remove"),
        allowed=MANAGE,
        method="post",
        data={"konfirmasi": "ya"},
    ),
}
