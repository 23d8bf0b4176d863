"""The plan's status workflow: a small, explicit state machine over ``ActionPlan.Status``.

=========  ==============================  ======================  ============  ===============
action     who (permission)                from                    to            audit action
=========  ==============================  ======================  ============  ===============
submit     secretariat (``CHANGE_PLAN``)   draft, dikembalikan     diajukan      plan.submitted
withdraw   secretariat (``CHANGE_PLAN``)   diajukan                draft         plan.withdrawn
return     Tim Pengarah (``APPROVE_PLAN``) diajukan                dikembalikan  plan.returned
approve    Tim Pengarah (``APPROVE_PLAN``) diajukan                ditetapkan    plan.approved
reopen     Tim Pengarah (``APPROVE_PLAN``) ditetapkan              draft         plan.reopened
=========  ==============================  ======================  ============  ===============

Every other pair of status and action is refused (``WorkflowError``); an archived plan
(``arsip``) takes no action. A draft is **not** approved directly: the secretariat submits it
first, so that the Tim Pengarah always decides on a plan its secretariat declared ready (and
the history shows who did). Submitting and approving are refused while error findings of the
import are open.

Each function checks the permission first (``PermissionDenied``), then the state, then its
input, and changes the status with a conditional UPDATE on the status (and version) it read,
inside one transaction with its audit entry: two concurrent decisions cannot both win, the
second gets a ``WorkflowError`` saying what the plan became. Each raises ``plan.version`` by
one; ``expected_version`` (the version the user's page showed) refuses a decision on a plan
that changed since. The ``plan`` passed in is updated to what was saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renaksi.access.policy import APPROVE_PLAN, CHANGE_PLAN
from renaksi.audit.services import record
from renaksi.core.validators import validate_single_line, validate_text

from .models import ActionPlan, ImportFinding
from .services import PlanError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

Status = ActionPlan.Status

# The longest note (returning) and reason (reopening) accepted, in characters.
RETURN_NOTE_MAX_LENGTH = 2000
REOPEN_REASON_MAX_LENGTH = 2000


class WorkflowError(PlanError):
    """A transition was refused (wrong status, open findings, bad note, changed meanwhile)."""


@dataclass(frozen=True)
class Transition:
    action: str
    permission: str
    sources: frozenset[str]
    target: str
    log_action: str
    label: Promise  # the button, for people
    rule: Promise  # why it was refused, for people


SUBMIT, WITHDRAW, RETURN, APPROVE, REOPEN = "submit", "withdraw", "return", "approve", "reopen"

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            SUBMIT,
            CHANGE_PLAN,
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            "plan.submitted",
            gettext_lazy("Ajukan ke Tim Pengarah"),
            gettext_lazy(
                "Hanya rencana aksi berstatus draf atau dikembalikan yang dapat diajukan."
            ),
        ),
        Transition(
            WITHDRAW,
            CHANGE_PLAN,
            frozenset({Status.SUBMITTED}),
            Status.DRAFT,
            "plan.withdrawn",
            gettext_lazy("Tarik kembali pengajuan"),
            gettext_lazy("Hanya pengajuan yang belum diputuskan yang dapat ditarik kembali."),
        ),
        Transition(
            RETURN,
            APPROVE_PLAN,
            frozenset({Status.SUBMITTED}),
            Status.RETURNED,
            "plan.returned",
            gettext_lazy("Kembalikan untuk diperbaiki"),
            gettext_lazy(
                "Hanya rencana aksi yang sedang diajukan ke Tim Pengarah yang dapat dikembalikan."
            ),
        ),
        Transition(
            APPROVE,
            APPROVE_PLAN,
            frozenset({Status.SUBMITTED}),
            Status.DITETAPKAN,
            "plan.approved",
            gettext_lazy("Setujui dan tetapkan"),
            gettext_lazy(
                "Hanya rencana aksi yang sedang diajukan ke Tim Pengarah yang dapat disetujui; "
                "draf diajukan oleh sekretariat lebih dulu."
            ),
        ),
        Transition(
            REOPEN,
            APPROVE_PLAN,
            frozenset({Status.DITETAPKAN}),
            Status.DRAFT,
            "plan.reopened",
            gettext_lazy("Buka kembali"),
            gettext_lazy("Hanya rencana aksi yang sudah ditetapkan yang dapat dibuka kembali."),
        ),
    ]
}


def may(user: User | AnonymousUser, action: str, plan: ActionPlan) -> bool:
    """Whether ``user`` may take ``action`` on ``plan`` in its current status (no query once
    the user's grants are loaded). For buttons; the services check again."""
    transition = TRANSITIONS[action]
    return plan.status in transition.sources and user.has_perm(transition.permission, plan)


def available_actions(user: User | AnonymousUser, plan: ActionPlan) -> list[Transition]:
    """The transitions ``user`` may take on ``plan`` now, in the table's order."""
    return [t for t in TRANSITIONS.values() if may(user, t.action, plan)]


def open_error_findings(plan: ActionPlan):
    """Findings of an error severity nobody has confirmed or corrected yet."""
    return plan.findings.filter(
        severity=ImportFinding.Severity.ERROR, confirmed_at__isnull=True, resolution=""
    )


# -- the transitions ---------------------------------------------------------------------------


def submit_plan(
    user: User | AnonymousUser, plan: ActionPlan, *, expected_version: int | None = None
) -> ActionPlan:
    """The secretariat sends a draft (or a returned plan) to the Tim Pengarah: ``diajukan``.

    Sets ``submitted_by``/``submitted_at``; the last return note stays (the Tim Pengarah sees
    what it asked for). Refused while error findings are open.
    """
    now = timezone.now()
    return _transition(
        user,
        plan,
        SUBMIT,
        expected_version=expected_version,
        values={"submitted_by": user, "submitted_at": now},
        check_findings=True,
    )


def withdraw_submission(
    user: User | AnonymousUser, plan: ActionPlan, *, expected_version: int | None = None
) -> ActionPlan:
    """The secretariat takes its submission back before the Tim Pengarah decides: ``draft``.

    Clears ``submitted_by``/``submitted_at`` (the history keeps them).
    """
    return _transition(
        user,
        plan,
        WITHDRAW,
        expected_version=expected_version,
        values={"submitted_by": None, "submitted_at": None},
    )


def return_plan(
    user: User | AnonymousUser,
    plan: ActionPlan,
    note: str,
    *,
    expected_version: int | None = None,
) -> ActionPlan:
    """The Tim Pengarah sends a submitted plan back to the secretariat: ``dikembalikan``.

    ``note`` (required, at most ``RETURN_NOTE_MAX_LENGTH`` characters, line breaks kept) says
    what to correct; it is kept in ``return_note`` and in the audit entry. The secretariat
    may then change the plan and submit it again.
    """
    return _transition(
        user,
        plan,
        RETURN,
        expected_version=expected_version,
        clean_text=lambda: _clean_note(note),
        text_field="return_note",
        data_key="note",
    )


def approve_plan(
    user: User | AnonymousUser, plan: ActionPlan, *, expected_version: int | None = None
) -> ActionPlan:
    """The Tim Pengarah approves a submitted plan: it becomes ``ditetapkan``.

    Only from ``diajukan`` (a draft is submitted first, see the module docstring). Refused
    while error findings are open. Sets ``approved_by``/``approved_at``.
    """
    now = timezone.now()
    return _transition(
        user,
        plan,
        APPROVE,
        expected_version=expected_version,
        values={"approved_by": user, "approved_at": now},
        check_findings=True,
    )


def reopen_plan(
    user: User | AnonymousUser,
    plan: ActionPlan,
    reason: str,
    *,
    expected_version: int | None = None,
) -> ActionPlan:
    """The Tim Pengarah withdraws its approval so that the plan can be changed again.

    The plan goes back to ``draft`` and loses ``approved_by``/``approved_at``; the approval it
    had and ``reason`` (required, one line, at most ``REOPEN_REASON_MAX_LENGTH`` characters)
    are kept in the audit trail (``plan.reopened``). A re-import of an approved plan is
    refused until it has been reopened.
    """
    return _transition(
        user,
        plan,
        REOPEN,
        expected_version=expected_version,
        values={"approved_by": None, "approved_at": None},
        clean_text=lambda: _clean_reason(reason),
        data_key="reason",
    )


# -- the machinery -----------------------------------------------------------------------------

# The fields each transition may set, as kept in the audit entry (ids for users).
_RECORDED_FIELDS = ("submitted_by", "submitted_at", "approved_by", "approved_at", "return_note")


def _transition(
    user,
    plan: ActionPlan,
    action: str,
    *,
    expected_version: int | None,
    values: dict | None = None,
    check_findings: bool = False,
    clean_text=None,
    text_field: str | None = None,
    data_key: str | None = None,
) -> ActionPlan:
    transition = TRANSITIONS[action]
    if not user.has_perm(transition.permission, plan):
        raise PermissionDenied
    if plan.status not in transition.sources:
        raise WorkflowError(_state_message(transition, plan.status))
    values = dict(values or {})
    data = {}
    if clean_text is not None:
        text = clean_text()
        data[data_key] = text
        if text_field:
            values[text_field] = text

    with transaction.atomic():
        current = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if current.status not in transition.sources:
            raise WorkflowError(_state_message(transition, current.status, meanwhile=True))
        if expected_version is not None and current.version != expected_version:
            raise WorkflowError(_changed_message(expected_version, current.version))
        if check_findings:
            count = open_error_findings(current).count()
            if count:
                raise WorkflowError(
                    _(
                        "Masih ada %(count)s temuan impor berjenis kesalahan yang belum "
                        "dikonfirmasi atau diperbaiki."
                    )
                    % {"count": count}
                )
        # A conditional UPDATE on what was read: of two concurrent decisions only one wins.
        updated = ActionPlan.objects.filter(
            pk=plan.pk, status=current.status, version=current.version
        ).update(status=transition.target, version=F("version") + 1, **values)
        if not updated:
            current.refresh_from_db(fields=["status", "version"])
            raise WorkflowError(_state_message(transition, current.status, meanwhile=True))
        before = {"status": current.status}
        after = {"status": transition.target}
        for name in _RECORDED_FIELDS:
            if name in values:
                key = f"{name}_id" if name.endswith("_by") else name
                before[name] = getattr(current, key)
                value = values[name]
                after[name] = value.pk if hasattr(value, "pk") else value
        record(
            user,
            transition.log_action,
            plan=current,
            obj=current,
            before=before,
            after=after,
            **data,
        )

    plan.status = transition.target
    plan.version = current.version + 1
    for name, value in values.items():
        setattr(plan, name, value)
    return plan


def _state_message(transition: Transition, status: str, *, meanwhile: bool = False) -> str:
    label = Status(status).label if status in Status.values else status
    if meanwhile:
        prefix = _("Status rencana aksi ini baru saja berubah menjadi “%(status)s”.")
    else:
        prefix = _("Rencana aksi ini berstatus “%(status)s”.")
    return f"{prefix % {'status': label}} {transition.rule}"


def _changed_message(expected: int, current: int) -> str:
    return _(
        "Rencana aksi ini diubah sejak halaman ini dibuka (versi %(expected)s, kini versi "
        "%(current)s). Periksa perubahannya, lalu ulangi."
    ) % {"expected": expected, "current": current}


def _check_text(text: str) -> None:
    try:
        validate_text(text)
    except ValidationError as error:
        raise WorkflowError(error.messages[0]) from error


def _clean_note(note: str | None) -> str:
    text = (note or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise WorkflowError(_("Tuliskan catatan: apa yang perlu diperbaiki sekretariat."))
    if len(text) > RETURN_NOTE_MAX_LENGTH:
        raise WorkflowError(
            _("Catatan terlalu panjang (%(length)s karakter); batasnya %(limit)s karakter.")
            % {"length": len(text), "limit": RETURN_NOTE_MAX_LENGTH}
        )
    _check_text(text)
    return text


def _clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise WorkflowError(_("Tuliskan alasan membuka kembali rencana aksi ini."))
    if len(text) > REOPEN_REASON_MAX_LENGTH:
        raise WorkflowError(
            _("Alasan terlalu panjang (%(length)s karakter); batasnya %(limit)s karakter.")
            % {"length": len(text), "limit": REOPEN_REASON_MAX_LENGTH}
        )
    try:
        validate_single_line(text)
    except ValidationError as error:
        raise WorkflowError(error.messages[0]) from error
    return text
