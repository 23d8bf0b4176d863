"""Workflows that change a Tim RB: create a unit's team, record its SK, add and change members.

Views parse input, call one of these, and render. Each function checks the permission itself
(MANAGE_UNIT to create a unit's team, CHANGE_TEAM on the team for everything else), so the
pages, a future API and management commands share one rule. A refusal raises ``TeamError``
with a message for the user and, where one input is to blame, the name of its form field.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from renaksi.access.policy import (
    CHANGE_TEAM,
    MANAGE_UNIT,
    grants_for,
    units_visible_to,
)
from renaksi.access.services import release_pic_assignments
from renaksi.plans.models import ChangeArea
from renaksi.plans.services import unit_people
from renaksi.units.models import Unit

from .models import (
    PELAKSANA_POSITIONS,
    SINGLE_HOLDER_POSITIONS,
    Position,
    ReformTeam,
    TeamMember,
)

YEAR_MIN, YEAR_MAX = 2010, 2100


class TeamError(Exception):
    """A team workflow refused to run. ``message`` is for the user; ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class MemberData:
    """What a member entry holds, as a form or an API hands it over."""

    name: str
    position: str
    user: User | None = None
    employee_number: str = ""
    office_title: str = ""
    change_area: ChangeArea | None = None


def units_managed_by(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The units whose team (and users and plan) ``user`` manages."""
    grants = grants_for(user)
    units = units_visible_to(user)
    if grants.superuser:
        return units
    return units.filter(pk__in=sorted(grants.admin_units))


def team_people(
    team: ReformTeam, *, keep: User | None = None, actor: User | AnonymousUser | None = None
) -> QuerySet[User]:
    """Accounts a member entry may link to: people of the team's unit (a role there or a place
    in one of its teams), except ``actor`` (no one links their own account: a place in the
    team grants rights). ``keep``: an account already linked, kept even if it left the unit
    or was deactivated, so that editing the entry's other fields does not fail on it."""
    people = unit_people(team.unit_id)
    if actor is not None and actor.pk is not None:
        people = people.exclude(pk=actor.pk)
    if keep is not None:
        people = User.objects.filter(Q(pk__in=people.values("pk")) | Q(pk=keep.pk)).order_by(
            "first_name", "username"
        )
    return people


def area_rule_error(position: str, change_area: ChangeArea | None) -> str | None:
    """The message if the area does not fit the position (an area iff Tim Pelaksana), else None."""
    if position in PELAKSANA_POSITIONS and change_area is None:
        return _("Pilih area perubahan: anggota Tim Pelaksana bertugas di satu area.")
    if position not in PELAKSANA_POSITIONS and change_area is not None:
        return _(
            "Kosongkan area perubahan: area hanya diisi untuk Koordinator dan Anggota "
            "Tim Pelaksana, bukan untuk %(position)s."
        ) % {"position": Position(position).label}
    return None


def create_team(actor: User | AnonymousUser, unit: Unit, year: int) -> ReformTeam:
    """Create the (still empty) Tim RB of ``unit`` for ``year``; one per unit and year."""
    if not actor.has_perm(MANAGE_UNIT, unit):
        raise PermissionDenied
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise TeamError(
            _("Tahun harus antara %(min)s dan %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX},
            "year",
        )
    try:
        with transaction.atomic():
            return ReformTeam.objects.create(unit=unit, year=year)
    except IntegrityError as exc:
        raise TeamError(
            _("%(unit)s sudah memiliki Tim RB tahun %(year)s.") % {"unit": unit.name, "year": year},
            "year",
        ) from exc


def update_decree(
    actor: User | AnonymousUser,
    team: ReformTeam,
    *,
    decree_number: str,
    decree_date: datetime.date | None,
    decree_title: str,
) -> ReformTeam:
    """Record the SK that sets the team: its number, date and title."""
    if not actor.has_perm(CHANGE_TEAM, team):
        raise PermissionDenied
    team.decree_number = decree_number.strip()
    team.decree_date = decree_date
    team.decree_title = decree_title.strip()
    team.save(update_fields=["decree_number", "decree_date", "decree_title", "updated_at"])
    return team


def add_member(actor: User | AnonymousUser, team: ReformTeam, data: MemberData) -> TeamMember:
    """Add one person in one position to the team."""
    if not actor.has_perm(CHANGE_TEAM, team):
        raise PermissionDenied
    member = TeamMember(team=team)
    return _save_member(member, data, linked_before=None, actor=actor)


def update_member(actor: User | AnonymousUser, member: TeamMember, data: MemberData) -> TeamMember:
    """Change a member entry: the person, their NIP and office, or their place in the team."""
    if not actor.has_perm(CHANGE_TEAM, member.team):
        raise PermissionDenied
    return _save_member(member, data, linked_before=member.user, actor=actor)


def remove_member(actor: User | AnonymousUser, member: TeamMember) -> int:
    """Take a member out of the team. Their account (if any) stays; it loses what the place
    in the team granted, and if that was its last role or place in the unit, its PIC
    assignments there (same transaction). Returns the number of PIC assignments released."""
    if not actor.has_perm(CHANGE_TEAM, member.team):
        raise PermissionDenied
    with transaction.atomic():
        linked = member.user
        member.delete()
        return release_pic_assignments(linked, member.team.unit_id, actor) if linked else 0


def _save_member(member: TeamMember, data: MemberData, *, linked_before: User | None, actor):
    team = member.team
    if data.user is not None and data.user != linked_before and data.user.pk == actor.pk:
        raise TeamError(
            _(
                "Anda tidak dapat menautkan akun Anda sendiri ke Tim RB: kedudukan di tim "
                "memberi hak (misalnya menyetujui rencana aksi). Minta administrator lain atau "
                "administrator sistem."
            ),
            "user",
        )
    name = " ".join(data.name.split())
    if not name and data.user is not None:
        name = data.user.get_full_name() or data.user.get_username()
    if not name:
        raise TeamError(_("Isi nama anggota, atau pilih akunnya."), "name")
    if data.position not in Position.values:
        raise TeamError(_("Pilih kedudukan dalam tim."), "position")
    if message := area_rule_error(data.position, data.change_area):
        raise TeamError(message, "change_area")
    if (
        data.user is not None
        and data.user != linked_before
        and not unit_people(team.unit_id).filter(pk=data.user.pk).exists()
    ):
        raise TeamError(
            _("%(user)s bukan pengguna %(unit)s.")
            % {"user": data.user.get_username(), "unit": team.unit.name},
            "user",
        )
    employee_number = "".join(data.employee_number.split())
    _check_not_listed_twice(member, name, employee_number, data)
    _check_single_holder(member, data)

    member.user = data.user
    member.name = name
    member.employee_number = employee_number
    member.office_title = " ".join(data.office_title.split())
    member.position = data.position
    member.change_area = data.change_area
    try:
        with transaction.atomic():
            member.save()
            # The entry's account changed: the one unlinked may have left the unit.
            if linked_before is not None and linked_before != member.user:
                release_pic_assignments(linked_before, team.unit_id, actor)
    except IntegrityError as exc:  # the same entry saved at the same moment by someone else
        raise TeamError(_duplicate_message(name, data)) from exc
    return member


def _check_single_holder(member: TeamMember, data) -> None:
    """A chair, a secretary and an area's coordinator are one person each."""
    if data.position not in SINGLE_HOLDER_POSITIONS:
        return
    holders = TeamMember.objects.filter(team_id=member.team_id, position=data.position)
    if data.position == Position.PELAKSANA_KOORDINATOR:
        holders = holders.filter(change_area=data.change_area)
    holder = holders.exclude(pk=member.pk).first()
    if holder is not None:
        raise TeamError(
            _(
                "%(position)s sudah dipegang oleh %(name)s. Ubah atau keluarkan anggota itu "
                "lebih dulu."
            )
            % {"position": holder.position_label, "name": holder.name},
            "position",
        )


def _check_not_listed_twice(member: TeamMember, name: str, employee_number: str, data) -> None:
    """One person holds a position (of an area) once: the same account, NIP or name."""
    same_person = Q(name__iexact=name)
    if data.user is not None:
        same_person |= Q(user=data.user)
    if employee_number:
        same_person |= Q(employee_number=employee_number)
    others = TeamMember.objects.filter(
        team_id=member.team_id, position=data.position, change_area=data.change_area
    ).exclude(pk=member.pk)
    if others.filter(same_person).exists():
        raise TeamError(_duplicate_message(name, data))


def _duplicate_message(name: str, data: MemberData) -> str:
    label = str(Position(data.position).label)
    if data.change_area is not None:
        label = _("%(position)s Area %(number)s") % {
            "position": label,
            "number": data.change_area.number,
        }
    return _(
        "%(name)s sudah tercatat sebagai %(position)s di tim ini (akun, NIP atau nama yang sama)."
    ) % {"name": name, "position": label}
