"""The change agents' own plans (Rencana Aksi Agen Perubahan): the services.

Each Agen Perubahan of a unit's Tim RB keeps, for the year, a short list of actions with the
months they are carried out (``ChangeAgentPlan`` → ``ChangeAgentAction``, schedule = a 12-bit
month mask, bit 0 = January). The months are ``SchedulePeriod`` rows (``sync_agent_periods``),
reported and verified exactly like the sub-activities of the unit's plan
(renaksi/work/realisations.py).

Every function here

* checks ``MANAGE_AGENT_PLAN`` (the agent whose plan it is, while a change agent of the unit
  and year; or the unit's administrator) and raises ``PermissionDenied``;
* validates every value (length, control characters, months 1–12) and raises a
  ``ValidationError`` whose keys are the field names (``title``, ``output_text``,
  ``schedule``, ``agent``);
* locks the agent's plan row, so changes of one plan run one after another, and changes an
  action only if it is still at the version the person saw (``AgentConflict`` otherwise);
* re-syncs the plan's periods and writes the audit trail (``work.agent_*``) with the values
  before and after, all in one transaction.

Work recorded on a month is never lost: an action with recorded work cannot be deleted
(``AgentPlanError``), and a month with recorded work that is unticked stays as a period
outside the plan (``planned=False``, see periods.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from renaksi.access.policy import MANAGE_AGENT_PLAN
from renaksi.audit.services import record
from renaksi.core.validators import validate_single_line, validate_text
from renaksi.plans.models import ActionPlan
from renaksi.plans.services import PlanError
from renaksi.teams.models import Position, TeamMember

from .models import ChangeAgentAction, ChangeAgentPlan, Realisation
from .periods import sync_agent_periods

# The longest action title and output a person may type.
TITLE_MAX_LENGTH = 1000
OUTPUT_MAX_LENGTH = 2000
PLAN_TITLE_MAX_LENGTH = ChangeAgentPlan._meta.get_field("title").max_length
# The most actions one agent's plan holds (a short list, not a second Lampiran).
ACTIONS_MAX = 30
# Moved rows are parked this far up first, so the unique positions hold after every statement.
POSITION_OFFSET = 20000
ACTION_FIELDS = ("title", "output_text")


class AgentPlanError(PlanError):
    """A change to an agent's plan was refused. ``message`` is for the user."""


class AgentConflict(AgentPlanError):
    """The action changed (or went) since the person loaded it. ``current``: the action now,
    or None when it was deleted."""

    def __init__(self, message: str, current: ChangeAgentAction | None = None):
        super().__init__(message)
        self.current = current


# -- reading ------------------------------------------------------------------------------


def is_change_agent_of(agent: User, plan: ActionPlan) -> bool:
    """Whether ``agent`` is an Agen Perubahan in the Tim RB of the plan's unit and year."""
    return TeamMember.objects.filter(
        team__unit_id=plan.unit_id,
        team__year=plan.year,
        user_id=agent.pk,
        position=Position.AGEN_PERUBAHAN,
    ).exists()


def months_of(mask: int) -> list[int]:
    return [index + 1 for index in range(12) if mask & (1 << index)]


def months_mask(months: Iterable) -> int:
    """The mask of ``months`` (1–12, as numbers or texts); a bad month is a ``schedule``
    error."""
    mask = 0
    for month in months:
        try:
            number = int(month)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 12:
            raise ValidationError({"schedule": [_("Bulan harus di antara 1 dan 12.")]})
        mask |= 1 << (number - 1)
    return mask


# -- checks -------------------------------------------------------------------------------


def _check_permission(user, agent_plan: ChangeAgentPlan) -> None:
    if not user.has_perm(MANAGE_AGENT_PLAN, agent_plan):
        raise PermissionDenied


def _clean_text(value, *, required: bool, limit: int, multiline: bool, errors, name) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = [_("Isian ini harus berupa teks.")]
        return ""
    value = value.strip()
    if not value:
        if required:
            errors[name] = [_("Isian ini wajib diisi.")]
        return value
    try:
        (validate_text if multiline else validate_single_line)(value)
    except ValidationError as error:
        errors[name] = error.messages
        return value
    if len(value) > limit:
        errors[name] = [
            _("Paling banyak %(limit)d karakter (sekarang %(length)d).")
            % {"limit": limit, "length": len(value)}
        ]
    return value


def clean_action(values: dict, *, partial: bool = False) -> dict:
    """The action fields in ``values`` (title, output_text), cleaned; unknown names refused."""
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError(
            {name: [_("Isian ini tidak dapat diubah di sini.")] for name in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    cleaned = {}
    if "title" in values or not partial:
        cleaned["title"] = _clean_text(
            values.get("title"),
            required=True,
            limit=TITLE_MAX_LENGTH,
            multiline=True,
            errors=errors,
            name="title",
        )
    if "output_text" in values or not partial:
        cleaned["output_text"] = _clean_text(
            values.get("output_text"),
            required=False,
            limit=OUTPUT_MAX_LENGTH,
            multiline=True,
            errors=errors,
            name="output_text",
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_all(values: dict, months, *, partial: bool) -> tuple[dict, int | None]:
    """The fields and the months' mask (None when ``months`` is None), every problem at once."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    mask = None
    try:
        cleaned = clean_action(values, partial=partial)
    except ValidationError as error:
        errors.update(error.message_dict)
    if months is not None:
        try:
            mask = months_mask(months)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned, mask


def _lock(agent_plan: ChangeAgentPlan) -> ChangeAgentPlan:
    """Lock the agent's plan row: changes of one plan run one after another."""
    return (
        ChangeAgentPlan.objects.select_for_update(of=("self",))
        .select_related("plan__unit", "agent")
        .get(pk=agent_plan.pk)
    )


def _bump(agent_plan: ChangeAgentPlan) -> None:
    ChangeAgentPlan.objects.filter(pk=agent_plan.pk).update(version=F("version") + 1)


def _load_action(action: ChangeAgentAction) -> ChangeAgentAction | None:
    return (
        ChangeAgentAction.objects.select_related("agent_plan__plan__unit", "agent_plan__agent")
        .filter(pk=action.pk)
        .first()
    )


def _conflict(current: ChangeAgentAction | None) -> AgentConflict:
    if current is None:
        return AgentConflict(_("Aksi ini sudah dihapus oleh orang lain. Muat ulang halaman."))
    return AgentConflict(
        _(
            "Aksi ini sudah diubah oleh orang lain sejak Anda membukanya. Isian Anda belum "
            "disimpan; periksa nilai terkini lalu simpan lagi bila perlu."
        ),
        current,
    )


def _locked_action(action: ChangeAgentAction, expected_version: int | None):
    """Lock the action's plan, reload the action; a deleted or changed action is a conflict."""
    _lock(action.agent_plan)
    current = _load_action(action)
    if current is None or current.agent_plan_id != action.agent_plan_id:
        raise _conflict(None)
    if expected_version is not None and current.version != expected_version:
        raise _conflict(current)
    return current


def _snapshot(action: ChangeAgentAction) -> dict:
    return {
        "position": action.position,
        "title": action.title,
        "output_text": action.output_text,
        "schedule": action.schedule,
        "periods": months_of(action.schedule),
    }


def _agent_name(agent_plan: ChangeAgentPlan) -> str:
    """The agent's name, kept in the audit entry (the history shows it as the plan's)."""
    agent = agent_plan.agent
    return agent.get_full_name() or agent.username


def _kept_note(months: list[int]) -> str:
    names = ", ".join(date_format(datetime.date(2000, month, 1), "F") for month in months)
    return _(
        "Bulan %(months)s sudah dilaporkan, jadi tetap tersimpan sebagai pekerjaan di luar jadwal."
    ) % {"months": names}


def _months_with_work(action: ChangeAgentAction) -> list[int]:
    return sorted(
        Realisation.objects.filter(agent_action=action).values_list("period__period", flat=True)
    )


# -- the plan -----------------------------------------------------------------------------


def create_agent_plan(
    user: User | AnonymousUser, plan: ActionPlan, agent: User, *, title: str = ""
) -> ChangeAgentPlan:
    """Start ``agent``'s own plan for the unit's plan ``plan`` (its unit and year).

    Only for an Agen Perubahan of the unit's Tim RB of that year, once per agent and plan; by
    the agent themselves or the unit's administrator. Recorded as ``work.agent_plan_created``.
    """
    draft = ChangeAgentPlan(plan=plan, agent=agent)
    _check_permission(user, draft)
    errors: dict[str, list[str]] = {}
    title = _clean_text(
        title,
        required=False,
        limit=PLAN_TITLE_MAX_LENGTH,
        multiline=False,
        errors=errors,
        name="title",
    )
    if errors:
        raise ValidationError(errors)
    if not is_change_agent_of(agent, plan):
        raise ValidationError(
            {
                "agent": [
                    _("%(name)s bukan Agen Perubahan di Tim RB %(unit)s tahun %(year)d.")
                    % {
                        "name": agent.get_full_name() or agent.username,
                        "unit": plan.unit.name,
                        "year": plan.year,
                    }
                ]
            }
        )
    taken = ValidationError(
        {"agent": [_("Agen perubahan ini sudah memiliki rencana aksi untuk tahun ini.")]}
    )
    if ChangeAgentPlan.objects.filter(plan=plan, agent=agent).exists():
        raise taken
    try:
        with transaction.atomic():
            agent_plan = ChangeAgentPlan.objects.create(plan=plan, agent=agent, title=title)
            record(
                user,
                "work.agent_plan_created",
                plan=plan,
                obj=agent_plan,
                agent=agent.get_full_name() or agent.username,
                after={"title": title},
            )
    except IntegrityError as exc:  # created by someone else a moment ago
        raise taken from exc
    return agent_plan


# -- actions ------------------------------------------------------------------------------


def add_action(
    user: User | AnonymousUser,
    agent_plan: ChangeAgentPlan,
    values: dict,
    months: Iterable = (),
) -> ChangeAgentAction:
    """Add an action at the end of the plan, with its months. ``work.agent_action_added``."""
    _check_permission(user, agent_plan)
    cleaned, mask = _clean_all(values, months, partial=False)
    with transaction.atomic():
        current_plan = _lock(agent_plan)
        count = ChangeAgentAction.objects.filter(agent_plan=current_plan).count()
        if count >= ACTIONS_MAX:
            raise ValidationError(
                {
                    "title": [
                        _("Rencana aksi agen perubahan paling banyak %(limit)d aksi.")
                        % {"limit": ACTIONS_MAX}
                    ]
                }
            )
        last = ChangeAgentAction.objects.filter(agent_plan=current_plan).aggregate(
            last=Max("position")
        )["last"]
        action = ChangeAgentAction.objects.create(
            agent_plan=current_plan, position=(last or 0) + 1, schedule=mask, **cleaned
        )
        _bump(current_plan)
        sync_agent_periods(current_plan)
        record(
            user,
            "work.agent_action_added",
            plan=current_plan.plan,
            obj=action,
            agent_plan=_agent_name(current_plan),
            after=_snapshot(action),
        )
    return _load_action(action)


def update_action(
    user: User | AnonymousUser,
    action: ChangeAgentAction,
    values: dict | None = None,
    months: Iterable | None = None,
    *,
    expected_version: int,
) -> ChangeAgentAction:
    """Change an action's title and output (``values``) and/or its months (``months``; None
    leaves them). A month with recorded work that is unticked stays, outside the plan.
    ``work.agent_action_changed`` with the values before and after."""
    _check_permission(user, action.agent_plan)
    cleaned, mask = _clean_all(values or {}, months, partial=True)
    with transaction.atomic():
        current = _locked_action(action, expected_version)
        update, before, after = {}, {}, {}
        for name, value in cleaned.items():
            if getattr(current, name) != value:
                before[name] = getattr(current, name)
                update[name] = after[name] = value
        if mask is not None and mask != current.schedule:
            update["schedule"] = mask
            before["periods"] = months_of(current.schedule)
            after["periods"] = months_of(mask)
        if not update:
            return current
        updated = ChangeAgentAction.objects.filter(pk=current.pk, version=expected_version).update(
            **update, version=F("version") + 1
        )
        if not updated:  # pragma: no cover - the row is locked through its plan
            raise _conflict(current)
        _bump(current.agent_plan)
        extra = {}
        if "schedule" in update:
            sync_agent_periods(current.agent_plan)
            worked = set(_months_with_work(current))
            kept = sorted((set(before["periods"]) - set(after["periods"])) & worked)
            if kept:
                extra["note"] = _kept_note(kept)
        record(
            user,
            "work.agent_action_changed",
            plan=current.agent_plan.plan,
            obj=current,
            agent_plan=_agent_name(current.agent_plan),
            before=before,
            after=after,
            **extra,
        )
    return _load_action(current)


def set_months(
    user: User | AnonymousUser,
    action: ChangeAgentAction,
    months: Iterable,
    *,
    expected_version: int,
) -> ChangeAgentAction:
    """Only the months of an action (the schedule grid)."""
    return update_action(user, action, None, months, expected_version=expected_version)


def move_action(
    user: User | AnonymousUser,
    action: ChangeAgentAction,
    direction: str,
    *,
    expected_version: int,
) -> ChangeAgentAction:
    """Swap the action with the one above (``"up"``) or below (``"down"``). Recorded as
    ``work.agent_action_changed`` (its position before and after)."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("Arah pemindahan tidak dikenal.")]})
    _check_permission(user, action.agent_plan)
    with transaction.atomic():
        current = _locked_action(action, expected_version)
        siblings = ChangeAgentAction.objects.filter(agent_plan_id=current.agent_plan_id)
        if direction == "up":
            other = siblings.filter(position__lt=current.position).order_by("-position").first()
        else:
            other = siblings.filter(position__gt=current.position).order_by("position").first()
        if other is None:
            raise AgentPlanError(
                _("Aksi ini sudah paling atas.")
                if direction == "up"
                else _("Aksi ini sudah paling bawah.")
            )
        old, new = current.position, other.position
        ChangeAgentAction.objects.filter(pk=current.pk).update(position=POSITION_OFFSET + new)
        ChangeAgentAction.objects.filter(pk=other.pk).update(position=old, version=F("version") + 1)
        ChangeAgentAction.objects.filter(pk=current.pk).update(
            position=new, version=F("version") + 1
        )
        _bump(current.agent_plan)
        record(
            user,
            "work.agent_action_changed",
            plan=current.agent_plan.plan,
            obj=current,
            agent_plan=_agent_name(current.agent_plan),
            before={"position": old},
            after={"position": new},
        )
    return _load_action(current)


def delete_action(
    user: User | AnonymousUser, action: ChangeAgentAction, *, expected_version: int
) -> None:
    """Delete an action and its months, and close the gap in the positions. Refused when work
    was recorded on any of its months (``AgentPlanError``): nothing recorded is lost.
    ``work.agent_action_deleted`` with the action as it was."""
    _check_permission(user, action.agent_plan)
    with transaction.atomic():
        current = _locked_action(action, expected_version)
        worked = _months_with_work(current)
        if worked:
            raise AgentPlanError(
                _(
                    "Aksi ini tidak dapat dihapus karena sudah ada laporan realisasi untuk "
                    "bulan %(months)s. Hapus centang bulan yang belum dilaporkan saja; bulan "
                    "yang sudah dilaporkan tetap tersimpan."
                )
                % {"months": ", ".join(str(month) for month in worked)}
            )
        before = _snapshot(current)
        agent_plan = current.agent_plan
        record(
            user,
            "work.agent_action_deleted",
            plan=agent_plan.plan,
            obj=current,
            agent_plan=_agent_name(agent_plan),
            before=before,
        )
        current.delete()
        below = ChangeAgentAction.objects.filter(
            agent_plan=agent_plan, position__gt=before["position"]
        )
        ids = list(below.order_by("position").values_list("pk", flat=True))
        if ids:
            below.update(position=F("position") + POSITION_OFFSET)
            ChangeAgentAction.objects.filter(pk__in=ids).update(
                position=F("position") - POSITION_OFFSET - 1
            )
        _bump(agent_plan)
        sync_agent_periods(agent_plan)


# -- the demo -------------------------------------------------------------------------------

# The demo change agent's actions (seed_demo), in the decree's words for change agents:
# (title, output, months).
DEMO_ACTIONS = [
    (
        "Internalisasi nilai-nilai dasar organisasi dan budaya kerja positif di lingkungan "
        "Sekretariat KPU Kab. Bengkayang",
        "Media sosialisasi nilai-nilai dasar organisasi dan budaya kerja positif",
        [2, 5, 8, 11],
    ),
    (
        "Menjadi role model penerapan budaya kerja positif dalam standar operasional "
        "pelaksanaan kegiatan/tugas keseharian",
        "Standar operasional pelaksanaan kegiatan yang diterapkan di unit kerja",
        [3, 6, 9],
    ),
    (
        "Mengisi kolom RB di website resmi dengan dokumentasi pelaksanaan RB di lingkungan "
        "unit kerja",
        "Kolom RB di website resmi yang memuat dokumentasi pelaksanaan RB",
        [4, 7, 10],
    ),
    (
        "Melaporkan pelaksanaan Rencana Aksi Agen Perubahan kepada Tim Pengarah",
        "Laporan pelaksanaan Rencana Aksi Agen Perubahan",
        [6, 12],
    ),
]


def seed_demo_agent_plan(plan: ActionPlan | None, agent: User) -> ChangeAgentPlan | None:
    """The demo change agent's plan for ``plan`` (seed_demo): made once, with its actions and
    periods, written by the system (no actor); a plan that exists is left as it is. Call it
    inside the seed's transaction."""
    if plan is None or not is_change_agent_of(agent, plan):
        return None
    agent_plan, created = ChangeAgentPlan.objects.get_or_create(
        plan=plan,
        agent=agent,
        defaults={"title": f"Rencana Aksi Agen Perubahan Tahun {plan.year}"},
    )
    if not created:
        return agent_plan
    record(
        None,
        "work.agent_plan_created",
        plan=plan,
        obj=agent_plan,
        agent=agent.get_full_name() or agent.username,
        after={"title": agent_plan.title},
    )
    for position, (title, output, months) in enumerate(DEMO_ACTIONS, 1):
        action = ChangeAgentAction.objects.create(
            agent_plan=agent_plan,
            position=position,
            title=title,
            output_text=output,
            schedule=months_mask(months),
        )
        record(
            None,
            "work.agent_action_added",
            plan=plan,
            obj=action,
            agent_plan=_agent_name(agent_plan),
            after=_snapshot(action),
        )
    sync_agent_periods(agent_plan)
    return agent_plan
