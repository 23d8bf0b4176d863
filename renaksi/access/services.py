"""Workflows that change who may do what: inviting people and granting unit roles.

Each function checks the actor's permission itself (MANAGE_UNIT on the unit), so the pages,
a future API and commands share one rule. Errors carry an Indonesian message.

No one grants more than they hold: an administrator cannot give a role to themselves, and
cannot give a role that reads, reviews or manages a unit they cannot read, review or manage
themselves (a province's viewer and reviewer roles reach every regency below it). Only a
system administrator, or someone who already holds that reach, can grant those.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from renaksi.audit.services import record
from renaksi.units.models import Unit

from .models import UnitRole
from .policy import MANAGE_UNIT, grants_for, grants_of_role

logger = logging.getLogger(__name__)


class AccessError(Exception):
    """A role change was refused. ``message`` is for the user; ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


def _check_role_fits_unit(unit: Unit, role: str) -> None:
    if role == UnitRole.Role.REVIEWER and unit.level == Unit.Level.KABUPATEN_KOTA:
        raise AccessError(
            _(
                "Peran peninjau hanya untuk KPU RI dan KPU Provinsi "
                "(yang memiliki satker di bawahnya)."
            ),
            "role",
        )


def _check_within_reach(actor: User, unit: Unit, role: str, field: str = "role") -> None:
    """The role must not give more than the actor holds (see the module's docstring)."""
    missing = grants_for(actor).lacks(grants_of_role(unit, role))
    if not missing:
        return
    names = {"unit": unit.name, "role": UnitRole.Role(role).label}
    if "read" in missing:
        message = _(
            "Peran %(role)s di %(unit)s membuka akses baca ke satker yang tidak dapat Anda "
            "baca sendiri (satker di bawahnya)."
        )
    elif "review" in missing:
        message = _(
            "Peran %(role)s di %(unit)s memberi hak meninjau satker yang tidak dapat Anda "
            "tinjau sendiri."
        )
    else:
        message = _("Peran %(role)s di %(unit)s memberi hak mengelola yang tidak Anda miliki.")
    hint = _(
        "Anda hanya dapat memberi peran yang tidak melebihi hak Anda; minta administrator sistem."
    )
    raise AccessError(f"{message % names} {hint}", field)


def grantable_roles(actor: User, unit: Unit) -> list[str]:
    """The roles ``actor`` may grant in ``unit`` (to someone else); empty if none."""
    if not actor.has_perm(MANAGE_UNIT, unit):
        return []
    grants = grants_for(actor)
    return [
        role
        for role in UnitRole.Role.values
        if not (role == UnitRole.Role.REVIEWER and unit.level == Unit.Level.KABUPATEN_KOTA)
        and not grants.lacks(grants_of_role(unit, role))
    ]


def grant_role(actor: User, unit: Unit, user: User, role: str) -> UnitRole:
    if not actor.has_perm(MANAGE_UNIT, unit):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise AccessError(
            _(
                "Anda tidak dapat memberi peran kepada diri sendiri; minta administrator lain "
                "atau administrator sistem."
            ),
            "login",
        )
    _check_role_fits_unit(unit, role)
    _check_within_reach(actor, unit, role)
    try:
        with transaction.atomic():
            granted = UnitRole.objects.create(user=user, unit=unit, role=role, granted_by=actor)
            record(
                actor,
                "unit.role_granted",
                unit=unit,
                obj=granted,
                user=user.get_username(),
                role=role,
            )
            return granted
    except IntegrityError as exc:
        raise AccessError(
            _("%(user)s sudah memegang peran itu di %(unit)s.")
            % {"user": user.get_username(), "unit": unit.name},
            "user",
        ) from exc


def revoke_refusal(actor: User, unit_role: UnitRole) -> str | None:
    """Why ``actor`` may not revoke ``unit_role`` (an Indonesian message), or None if they may.

    Shown on the confirmation page before anything is asked, and checked again by revoke_role.
    The caller has checked MANAGE_UNIT.
    """
    if unit_role.user_id == actor.pk and unit_role.role == UnitRole.Role.ADMIN:
        return _(
            "Anda tidak dapat mencabut peran administrator Anda sendiri; minta administrator lain."
        )
    if grants_for(actor).lacks(grants_of_role(unit_role.unit, unit_role.role)):
        return _(
            "Peran %(role)s di %(unit)s melebihi hak Anda: hanya yang dapat memberikannya "
            "yang dapat mencabutnya. Minta administrator di atas Anda atau administrator "
            "sistem."
        ) % {"role": unit_role.get_role_display(), "unit": unit_role.unit.name}
    return None


def revoke_role(actor: User, unit_role: UnitRole) -> int:
    """Take a role away. If it was the person's last role or team place in the unit, they stop
    being PIC there too (same transaction); returns the number of PIC assignments released."""
    if not actor.has_perm(MANAGE_UNIT, unit_role.unit):
        raise PermissionDenied
    refusal = revoke_refusal(actor, unit_role)
    if refusal is not None:
        raise AccessError(refusal)
    with transaction.atomic():
        record(
            actor,
            "unit.role_revoked",
            unit=unit_role.unit,
            obj=unit_role,
            user=unit_role.user.get_username(),
            role=unit_role.role,
        )
        unit_role.delete()
        return release_pic_assignments(unit_role.user, unit_role.unit_id, actor=actor)


def belongs_to_unit(user: User, unit_id: int) -> bool:
    """A role in the unit or a place in one of its teams (as plans.services.unit_people)."""
    from renaksi.teams.models import TeamMember

    return (
        UnitRole.objects.filter(user=user, unit_id=unit_id).exists()
        or TeamMember.objects.filter(user=user, team__unit_id=unit_id).exists()
    )


@dataclass(frozen=True)
class RevokeEffects:
    """What revoking a role would take away, for the confirmation page (nothing is changed)."""

    other_roles: list[UnitRole]  # the person's other roles in the same unit
    team_places: int  # their places in the unit's Tim RB
    activities: list  # Activity rows they would stop being PIC of
    sub_activities: list  # SubActivity rows they would stop being PIC of

    @property
    def keeps_belonging(self) -> bool:
        return bool(self.other_roles or self.team_places)

    @property
    def released_count(self) -> int:
        return len(self.activities) + len(self.sub_activities)


def revoke_effects(actor: User, unit_role: UnitRole) -> RevokeEffects:
    """What ``revoke_role(actor, unit_role)`` would release (as release_pic_assignments)."""
    from renaksi.plans.models import Activity, SubActivity
    from renaksi.teams.models import TeamMember

    if not actor.has_perm(MANAGE_UNIT, unit_role.unit):
        raise PermissionDenied
    user, unit_id = unit_role.user, unit_role.unit_id
    other_roles = list(UnitRole.objects.filter(user=user, unit_id=unit_id).exclude(pk=unit_role.pk))
    team_places = TeamMember.objects.filter(user=user, team__unit_id=unit_id).count()
    if other_roles or team_places:
        return RevokeEffects(other_roles, team_places, [], [])
    activities = list(
        Activity.objects.filter(pic=user, area__plan__unit_id=unit_id)
        .select_related("area__plan")
        .order_by("-area__plan__year", "area__number", "position")
    )
    subs = list(
        SubActivity.objects.filter(pic=user, activity__area__plan__unit_id=unit_id)
        .select_related("activity__area__plan")
        .order_by(
            "-activity__area__plan__year",
            "activity__area__number",
            "activity__position",
            "position",
        )
    )
    return RevokeEffects([], 0, activities, subs)


def release_pic_assignments(user: User, unit_id: int, actor: User | None = None) -> int:
    """After ``user`` lost a role or a team place in a unit: if that was their last one, they
    are no longer PIC of anything in the unit's plans. Returns the number of activities and
    sub-activities released. Call it inside the transaction that removed the role or place."""
    from renaksi.plans.models import Activity, SubActivity

    if belongs_to_unit(user, unit_id):
        return 0
    subs = SubActivity.objects.filter(pic=user, activity__area__plan__unit_id=unit_id)
    activities = Activity.objects.filter(pic=user, area__plan__unit_id=unit_id)
    released = subs.update(pic=None) + activities.update(pic=None)
    if released:
        record(
            actor,
            "unit.pics_released",
            unit=Unit.objects.get(pk=unit_id),
            user=user.get_username(),
            released=released,
        )
        logger.info(
            "%s left unit %s: released as PIC of %d items", user.get_username(), unit_id, released
        )
    return released


def invite_user(
    actor: User,
    unit: Unit,
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    request,
) -> User:
    """Create an account with a role in ``unit`` and e-mail it a link to set its password."""
    from renaksi.accounts.services import send_invitation

    if not actor.has_perm(MANAGE_UNIT, unit):
        raise PermissionDenied
    _check_role_fits_unit(unit, role)
    _check_within_reach(actor, unit, role)
    username, email = username.strip(), email.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise AccessError(
            _("Nama pengguna '%(name)s' sudah dipakai.") % {"name": username}, "username"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise AccessError(
            _("Email %(email)s sudah dipakai akun lain; berikan peran kepada akun itu.")
            % {"email": email},
            "email",
        )
    # The e-mail goes out inside the transaction: if it cannot be sent, no account is left
    # behind without its invitation.
    try:
        with transaction.atomic():
            user = User(username=username, email=email, first_name=full_name.strip())
            user.set_unusable_password()
            user.save()
            UnitRole.objects.create(user=user, unit=unit, role=role, granted_by=actor)
            send_invitation(user, request)
    except OSError as exc:
        logger.warning("invitation e-mail to %s failed: %s", email, exc)
        raise AccessError(
            _("Email undangan tidak dapat dikirim (%(error)s). Akun tidak dibuat; coba lagi.")
            % {"error": exc.__class__.__name__}
        ) from exc
    return user


def resend_invitation(actor: User, unit: Unit, user: User, *, request) -> None:
    """Send a new set-password link to someone of ``unit`` who has never set a password."""
    from renaksi.accounts.services import send_invitation

    if not actor.has_perm(MANAGE_UNIT, unit):
        raise PermissionDenied
    if not UnitRole.objects.filter(user=user, unit=unit).exists():
        raise AccessError(_("Pengguna ini tidak memiliki peran di satker ini."))
    if user.has_usable_password():
        raise AccessError(
            _("%(user)s sudah mengatur kata sandi; gunakan 'Lupa kata sandi?' di halaman masuk.")
            % {"user": user.get_username()}
        )
    try:
        send_invitation(user, request)
    except (OSError, ValueError) as exc:
        logger.warning("invitation e-mail to %s failed: %s", user.email, exc)
        raise AccessError(
            _("Email undangan tidak dapat dikirim (%(error)s).") % {"error": exc.__class__.__name__}
        ) from exc
