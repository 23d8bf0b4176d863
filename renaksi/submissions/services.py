"""The submission chain's workflows: ``submit``, ``decide`` (accept or return) and ``reopen``.

==========  ============================================  ===================  ==================
step        who (permission)                              from                 to
==========  ============================================  ===================  ==================
submit      the unit's administrator (SUBMIT_PERIOD)      (none), returned,    submitted, at the
                                                          reopened             unit's parent
forward     a reviewer AT a KPU Provinsi where it waits   submitted            submitted, at
            (DECIDE_SUBMISSION)                                                KPU RI
accept      a reviewer AT KPU RI where it waits           submitted            accepted (final)
            (DECIDE_SUBMISSION)
return      a reviewer AT the unit where it waits         submitted            returned, at the
            (DECIDE_SUBMISSION); a note is required                            unit, unlocked
reopen      a reviewer of the unit where it waits or of   submitted, accepted  reopened, at the
            any unit above it (REOPEN_SUBMISSION); a                           unit, unlocked
            reason is required
==========  ============================================  ===================  ==================

A KPU Kabupaten/Kota's package goes to its KPU Provinsi, which forwards it to KPU RI; a KPU
Provinsi's own package goes straight to KPU RI. Sending locks the quarter (``locks.py``): the
realisations of its months, its monitoring narrative and, while it waits, the year's LKE. A
return or a reopening unlocks it; an accepted quarter stays locked.

Every step writes one ``SubmissionStep`` and one audit entry (``submission.*``) in the same
transaction as the change. The submission row is locked (``select_for_update``) and every
UPDATE is conditional on the state, place and version read, so of two clicks (or two
reviewers) at once exactly one wins and the other is told what happened meanwhile.

The snapshot keeps the quarter's monitoring figures (``monitoring.services.quarter_figures``)
and the LKE totals cached on the unit-year's ``Assessment`` as they were when sent.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.access.policy import (
    DECIDE_SUBMISSION,
    REOPEN_SUBMISSION,
    SUBMIT_PERIOD,
    grants_for,
)
from renaksi.audit.services import record
from renaksi.core.validators import validate_text
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit

from .models import Submission, SubmissionDeadline, SubmissionStep

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

State = Submission.State
Action = SubmissionStep.Action

NOTE_MAX_LENGTH = 2000
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
# The plan states whose quarters can be sent.
SENDABLE_PLAN_STATUSES = frozenset({ActionPlan.Status.DITETAPKAN, ActionPlan.Status.ARSIP})
# A submission that can be decided / reopened / sent again.
DECIDABLE = frozenset({State.SUBMITTED})
REOPENABLE = frozenset({State.SUBMITTED, State.ACCEPTED})
RESENDABLE = frozenset({State.RETURNED, State.REOPENED})


class SubmissionError(Exception):
    """A refused step (wrong state, already decided, nothing above), in Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SubmissionRefused(PermissionDenied):
    """The actor may not take this step here (the wrong level, another province, a viewer);
    ``message`` says why, in Indonesian. A ``PermissionDenied``: views answer 403."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- reading ----------------------------------------------------------------------------


def submissions_qs():
    """Submissions with what the permission checks, pages and messages read."""
    return Submission.objects.select_related(
        "unit", "unit__parent", "at_unit", "plan", "assessment", "submitted_by"
    )


def quarter_name(quarter: int) -> str:
    return QUARTER_NAMES.get(quarter, str(quarter))


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    if last_month == 12:
        last = datetime.date(year, 12, 31)
    else:
        last = datetime.date(year, last_month + 1, 1) - datetime.timedelta(days=1)
    return first, last


def default_due_on(year: int, quarter: int) -> datetime.date:
    """settings.RENAKSI_SUBMISSION_DUE_DAYS days after the quarter's last day."""
    return quarter_bounds(year, quarter)[1] + datetime.timedelta(
        days=settings.RENAKSI_SUBMISSION_DUE_DAYS
    )


def due_on_for(year: int, quarter: int) -> datetime.date:
    """The quarter's deadline: the year's ``SubmissionDeadline`` row, else the default."""
    row = SubmissionDeadline.objects.filter(year=year, quarter=quarter).first()
    return row.due_on if row is not None else default_due_on(year, quarter)


def due_dates(year: int) -> dict[int, datetime.date]:
    """Every quarter's deadline of a year, in one query."""
    rows = dict(SubmissionDeadline.objects.filter(year=year).values_list("quarter", "due_on"))
    return {q: rows.get(q) or default_due_on(year, q) for q in range(1, 5)}


def today_in(unit: Unit, now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localtime(now or timezone.now(), ZoneInfo(unit.time_zone)).date()


def next_unit(unit: Unit) -> Unit | None:
    """Where a package of ``unit`` goes: its KPU Provinsi, or KPU RI; None for KPU RI."""
    if unit.level == Unit.Level.PUSAT:
        return None
    return unit.parent


def assessment_of(plan: ActionPlan):
    """The unit-year's LKE: the one tied to the plan, else the one changed last (or None)."""
    from renaksi.evaluation.models import Assessment

    rows = list(
        Assessment.objects.filter(unit_id=plan.unit_id, year=plan.year)
        .select_related("framework")
        .order_by("-updated_at", "-pk")
    )
    own = [row for row in rows if row.plan_id == plan.pk]
    return (own or rows or [None])[0]


# -- the snapshot ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-friendly copy: decimals as text, model instances as their id and text."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "pk"):
        return {"id": value.pk, "text": str(value)}
    return value


def monitoring_snapshot(plan: ActionPlan, quarter: int) -> dict[str, Any]:
    """The quarter's monitoring figures (renaksi.monitoring.services.quarter_figures): the
    plan's total and each area's counts, and the indicators' achievement."""
    try:
        from renaksi.monitoring.services import quarter_figures
    except ImportError:  # the monitoring part is not there yet
        return {"available": False}
    figures = quarter_figures(plan, quarter)
    areas = []
    for area_figures in figures.areas:
        area = area_figures.area
        areas.append(
            {
                "number": area.number,
                "name": area.name,
                "counts": _plain(area_figures.counts),
                "indicators": [
                    {
                        "text": getattr(item.indicator, "text", str(item.indicator))[:300],
                        "target": _plain(item.target),
                        "realised": _plain(item.realised),
                        "achievement": _plain(item.achievement),
                        "reason": _plain(getattr(item, "reason", "")),
                    }
                    for item in area_figures.indicators
                ],
            }
        )
    return {
        "available": True,
        "months": _plain(list(figures.months)),
        "as_of": _plain(figures.as_of),
        "total": _plain(figures.total),
        "agents": _plain(getattr(figures, "agents", None)),
        "outside_plan": _plain(getattr(figures, "outside_plan", None)),
        "areas": areas,
    }


def lke_snapshot(assessment) -> dict[str, Any]:
    """The LKE totals cached on the assessment (evaluation.services.refresh_totals)."""
    if assessment is None:
        return {"available": False}
    framework = assessment.framework
    return {
        "available": True,
        "assessment": assessment.pk,
        "framework": framework.code,
        "framework_title": framework.title,
        "index": _plain(assessment.index_value),
        "category": assessment.category,
        "node_scores": _plain(assessment.node_scores or {}),
        "item_count": assessment.item_count,
        "answered_count": assessment.answered_count,
        "without_evidence_count": assessment.without_evidence_count,
        "complete": assessment.complete,
        "version": assessment.version,
    }


EVIDENCE_INDEX_LIMIT = 300


def evidence_snapshot(plan: ActionPlan, quarter: int) -> dict[str, Any]:
    """The quarter's evidence index: the current evidence items of the realisations of its
    months (a quarterly plan: of the quarter; change agents: of the months), with their
    sub-activity and whether the realisation is verified (one query; the first
    ``EVIDENCE_INDEX_LIMIT`` items are listed, all are counted)."""
    from django.db.models import Q

    from renaksi.work.models import Evidence, Realisation

    months = [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    own_periods = [quarter] if plan.schedule_kind == ActionPlan.Schedule.QUARTER else months
    rows = list(
        Evidence.objects.filter(plan=plan, is_current=True)
        .filter(
            Q(realisation__agent_action__isnull=False, realisation__period__period__in=months)
            | Q(realisation__agent_action__isnull=True, realisation__period__period__in=own_periods)
        )
        .order_by(
            "realisation__sub_activity__activity__area__number",
            "realisation__sub_activity__activity__number",
            "realisation__sub_activity__number",
            "realisation__period__period",
            "pk",
        )
        .values(
            "pk",
            "title",
            "kind",
            "as_of",
            "url",
            "realisation__state",
            "realisation__period__period",
            "realisation__sub_activity__activity__area__number",
            "realisation__sub_activity__activity__number",
            "realisation__sub_activity__number",
        )
    )
    verified = Realisation.State.VERIFIED
    items = []
    for row in rows[:EVIDENCE_INDEX_LIMIT]:
        numbers = [
            row["realisation__sub_activity__activity__area__number"],
            row["realisation__sub_activity__activity__number"],
            row["realisation__sub_activity__number"],
        ]
        items.append(
            {
                "id": row["pk"],
                "code": ".".join(str(n) for n in numbers) if None not in numbers else "",
                "period": row["realisation__period__period"],
                "title": row["title"],
                "kind": row["kind"],
                "as_of": _plain(row["as_of"]),
                "link": bool(row["url"]),
                "verified": row["realisation__state"] == verified,
            }
        )
    return {
        "count": len(rows),
        "verified": sum(1 for row in rows if row["realisation__state"] == verified),
        "items": items,
    }


def build_snapshot(plan: ActionPlan, quarter: int, assessment) -> dict[str, Any]:
    return {
        "year": plan.year,
        "quarter": quarter,
        "plan": plan.pk,
        "monitoring": monitoring_snapshot(plan, quarter),
        "lke": lke_snapshot(assessment),
        "evidence": evidence_snapshot(plan, quarter),
    }


# -- checks and messages ---------------------------------------------------------------------


def _clean_note(note, *, required: bool, key: str, message: str) -> str:
    text = ("" if note is None else str(note)).replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError({key: [message]})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                key: [
                    _("Catatan terlalu panjang (%(length)s karakter); batasnya %(limit)s.")
                    % {"length": len(text), "limit": NOTE_MAX_LENGTH}
                ]
            }
        )
    try:
        validate_text(text)
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from error
    return text


def _label(submission: Submission) -> dict[str, Any]:
    return {
        "unit": submission.unit.name,
        "quarter": quarter_name(submission.quarter),
        "year": submission.year,
    }


def _state_text(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def _not_decidable_message(submission: Submission, *, meanwhile: bool = False) -> str:
    if submission.state == State.SUBMITTED:
        text = _(
            "Laporan TW %(quarter)s %(year)s %(unit)s sudah diteruskan ke %(at)s sementara itu; "
            "keputusan Anda tidak disimpan."
        ) % {**_label(submission), "at": submission.at_unit.name}
        return text
    text = _(
        "Laporan TW %(quarter)s %(year)s %(unit)s sudah diputuskan (status: %(state)s); "
        "keputusan Anda tidak disimpan."
    ) % {**_label(submission), "state": _state_text(submission.state)}
    if meanwhile:
        text = _("Sementara itu: %(text)s") % {"text": text}
    return text


def _wrong_level_message(user, submission: Submission) -> str:
    grants = grants_for(user)
    at = submission.at_unit
    if submission.state != State.SUBMITTED:
        return _not_decidable_message(submission)
    if grants.review_all_below and at.level != Unit.Level.PUSAT:
        return _(
            "Laporan ini sedang menunggu tinjauan %(at)s; KPU RI baru dapat memutuskannya "
            "setelah diterima dan diteruskan oleh %(at)s."
        ) % {"at": at.name}
    if grants.review_roots:
        return _(
            "Laporan ini menunggu tinjauan %(at)s; Anda bukan peninjau di %(at)s, jadi tidak "
            "dapat menerima atau mengembalikannya."
        ) % {"at": at.name}
    return _("Hanya peninjau di %(at)s yang dapat menerima atau mengembalikan laporan ini.") % {
        "at": at.name
    }


def may_decide(user, submission: Submission) -> bool:
    return submission.state in DECIDABLE and user.has_perm(DECIDE_SUBMISSION, submission)


def may_reopen(user, submission: Submission) -> bool:
    return submission.state in REOPENABLE and user.has_perm(REOPEN_SUBMISSION, submission)


def may_submit(user, plan: ActionPlan, submission: Submission | None) -> bool:
    if plan.status not in SENDABLE_PLAN_STATUSES or next_unit(plan.unit) is None:
        return False
    if submission is not None and submission.state not in RESENDABLE:
        return False
    return user.has_perm(SUBMIT_PERIOD, plan)


# -- submit ------------------------------------------------------------------------------------


def submit(
    actor: User | AnonymousUser,
    plan: ActionPlan,
    quarter: int,
    *,
    now: datetime.datetime | None = None,
) -> Submission:
    """The unit's administrator sends the plan's quarter up the chain; returns the submission.

    A first sending creates it; after a return or a reopening it is sent again (to the
    parent again, the late flag as at the first sending). The quarter is locked."""
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = 0
    if quarter not in QUARTER_NAMES:
        raise ValidationError({"quarter": [_("Pilih triwulan I–IV.")]})
    if not actor.has_perm(SUBMIT_PERIOD, plan):
        raise SubmissionRefused(
            _("Hanya admin %(unit)s yang dapat mengirim laporan triwulannya.")
            % {"unit": plan.unit.name}
        )
    unit = plan.unit
    target = next_unit(unit)
    if target is None:
        raise SubmissionError(
            _("%(unit)s berada di puncak jenjang; laporannya tidak dikirim ke tingkat lain.")
            % {"unit": unit.name}
        )
    if plan.status not in SENDABLE_PLAN_STATUSES:
        raise SubmissionError(
            _("Rencana aksi %(year)s belum ditetapkan; laporan triwulannya belum dapat dikirim.")
            % {"year": plan.year}
        )
    now = now or timezone.now()
    today = today_in(unit, now)
    first_day, _last_day = quarter_bounds(plan.year, quarter)
    if today < first_day:
        raise SubmissionError(
            _("Triwulan %(quarter)s %(year)s belum berjalan; laporannya belum dapat dikirim.")
            % {"quarter": quarter_name(quarter), "year": plan.year}
        )
    assessment = assessment_of(plan)
    snapshot = build_snapshot(plan, quarter, assessment)
    due_on = due_on_for(plan.year, quarter)

    with transaction.atomic():
        # The plan row serialises the first sending of its quarters; the submission row
        # every later step.
        list(ActionPlan.objects.select_for_update().filter(pk=plan.pk).order_by())
        _lock_quarter_work(plan, quarter)
        current = (
            Submission.objects.select_for_update()
            .filter(unit_id=unit.pk, year=plan.year, quarter=quarter)
            .order_by()
            .first()
        )
        values = {
            "plan": plan,
            "assessment": assessment,
            "state": State.SUBMITTED,
            "at_unit": target,
            "locked": True,
            "snapshot": snapshot,
            "submitted_by": actor,
            "submitted_at": now,
            "decided_at": None,
        }
        if current is None:
            late = today > due_on
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(
                        unit=unit,
                        year=plan.year,
                        quarter=quarter,
                        late=late,
                        due_on=due_on,
                        **values,
                    )
            except IntegrityError as error:  # sent meanwhile by another request
                raise SubmissionError(_already_sent_message(plan, quarter)) from error
            action = "submission.submitted"
            before: dict[str, Any] = {}
        else:
            if current.state not in RESENDABLE:
                raise SubmissionError(_already_sent_message(plan, quarter, current))
            updated = Submission.objects.filter(
                pk=current.pk, state=current.state, version=current.version
            ).update(version=F("version") + 1, **values)
            if not updated:  # pragma: no cover - the row is locked
                raise SubmissionError(_already_sent_message(plan, quarter))
            submission = Submission.objects.get(pk=current.pk)
            late = submission.late
            action = "submission.resubmitted"
            before = {"state": current.state, "at_unit": current.at_unit_id}
        SubmissionStep.objects.create(
            submission=submission,
            action=Action.SUBMITTED,
            actor=actor,
            at_unit=unit,
            created_at=now,
        )
        record(
            actor,
            action,
            plan=plan,
            obj=submission,
            before=before,
            after={"state": State.SUBMITTED, "at_unit": target.pk, "locked": True},
            quarter=quarter,
            due_on=due_on,
            late=late,
        )
    return submissions_qs().get(pk=submission.pk)


def _lock_quarter_work(plan: ActionPlan, quarter: int) -> None:
    """Lock the quarter's schedule periods and realisations (in the order the realisation
    writers take them: periods, then realisations), so that a save or a verification step
    running now finishes before the quarter is locked, and one starting now waits and then
    sees the lock (renaksi/work/realisations.py checks after taking its row lock)."""
    from django.db.models import Q

    from renaksi.work.models import Realisation, SchedulePeriod

    months = [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    own_periods = [quarter] if plan.schedule_kind == ActionPlan.Schedule.QUARTER else months
    period_ids = list(
        SchedulePeriod.objects.select_for_update()
        .filter(plan_id=plan.pk)
        .filter(
            Q(agent_action__isnull=False, period__in=months)
            | Q(agent_action__isnull=True, period__in=own_periods)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if period_ids:
        list(
            Realisation.objects.select_for_update()
            .filter(period_id__in=period_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _already_sent_message(plan, quarter: int, current: Submission | None = None) -> str:
    if current is not None and current.state == State.ACCEPTED:
        return _(
            "Laporan TW %(quarter)s %(year)s sudah diterima KPU RI dan dikunci; untuk "
            "mengubahnya, minta peninjau membukanya kembali dengan alasan."
        ) % {"quarter": quarter_name(quarter), "year": plan.year}
    return _(
        "Laporan TW %(quarter)s %(year)s sudah dikirim dan dikunci; tidak dikirim dua kali."
    ) % {"quarter": quarter_name(quarter), "year": plan.year}


def _locked(submission: Submission) -> Submission:
    """Lock the submission's row, then read it with its relations. The lock takes the row
    alone: on PostgreSQL a FOR UPDATE over a join re-checks the join against the old row of
    the other table after waiting, and a row whose ``at_unit`` changed meanwhile would vanish
    from the result instead of showing what changed."""
    list(Submission.objects.select_for_update().filter(pk=submission.pk).order_by())
    return submissions_qs().get(pk=submission.pk)


# -- decide ------------------------------------------------------------------------------------


def decide(
    actor: User | AnonymousUser,
    submission: Submission,
    accept: bool,
    note: str = "",
    *,
    now: datetime.datetime | None = None,
) -> Submission:
    """A reviewer at the unit where the submission waits accepts it (the province forwards
    it to KPU RI; KPU RI's acceptance is final) or returns it to the unit with ``note``
    (required; the quarter is unlocked)."""
    note = _clean_note(
        note,
        required=not accept,
        key="note",
        message=_("Tuliskan catatan: apa yang perlu diperbaiki satker sebelum mengirim lagi."),
    )
    if submission.state not in DECIDABLE:
        raise SubmissionError(_not_decidable_message(submission))
    if not actor.has_perm(DECIDE_SUBMISSION, submission):
        raise SubmissionRefused(_wrong_level_message(actor, submission))
    now = now or timezone.now()

    with transaction.atomic():
        current = _locked(submission)
        if current.state not in DECIDABLE or current.at_unit_id != submission.at_unit_id:
            raise SubmissionError(_not_decidable_message(current, meanwhile=True))
        if not actor.has_perm(DECIDE_SUBMISSION, current):
            raise SubmissionRefused(_wrong_level_message(actor, current))
        here = current.at_unit
        if accept and here.level != Unit.Level.PUSAT:
            above = next_unit(here)
            values: dict[str, Any] = {"at_unit": above, "state": State.SUBMITTED}
            step, action = Action.FORWARDED, "submission.forwarded"
        elif accept:
            values = {"state": State.ACCEPTED, "locked": True}
            step, action = Action.ACCEPTED, "submission.accepted"
        else:
            values = {"state": State.RETURNED, "at_unit": current.unit, "locked": False}
            step, action = Action.RETURNED, "submission.returned"
        # Conditional on what was read: of two decisions at once only one is saved.
        updated = Submission.objects.filter(
            pk=current.pk, state=current.state, at_unit_id=here.pk, version=current.version
        ).update(version=F("version") + 1, decided_at=now, **values)
        if not updated:  # pragma: no cover - the row is locked
            current.refresh_from_db()
            raise SubmissionError(_not_decidable_message(current, meanwhile=True))
        SubmissionStep.objects.create(
            submission=current, action=step, actor=actor, at_unit=here, note=note, created_at=now
        )
        record(
            actor,
            action,
            plan=current.plan,
            obj=current,
            before={"state": current.state, "at_unit": here.pk, "locked": current.locked},
            after={
                "state": values["state"],
                "at_unit": values["at_unit"].pk if "at_unit" in values else here.pk,
                "locked": values.get("locked", current.locked),
            },
            quarter=current.quarter,
            note=note,
        )
    return submissions_qs().get(pk=submission.pk)


# -- reopen ------------------------------------------------------------------------------------


def _reopening_unit(user, submission: Submission) -> int:
    """The unit the reopener reviews from: where it waits, the unit's parent, or KPU RI."""
    grants = grants_for(user)
    unit = submission.unit
    candidates = [submission.at_unit_id, unit.parent_id]
    if unit.parent is not None and unit.parent.parent_id:
        candidates.append(unit.parent.parent_id)
    for unit_id in candidates:
        if unit_id and unit_id in grants.review_roots:
            return unit_id
    if grants.review_all_below:
        return min(grants.review_all_below)
    return submission.at_unit_id


def reopen(
    actor: User | AnonymousUser,
    submission: Submission,
    reason: str,
    *,
    now: datetime.datetime | None = None,
) -> Submission:
    """A reviewer of the unit where it waits (or of any unit above the submitting one) opens
    a sent or accepted quarter again with ``reason`` (required): back to the unit, unlocked."""
    reason = _clean_note(
        reason,
        required=True,
        key="reason",
        message=_("Tuliskan alasan membuka kembali laporan ini."),
    )
    if not actor.has_perm(REOPEN_SUBMISSION, submission):
        raise SubmissionRefused(
            _(
                "Hanya peninjau %(at)s atau tingkat di atas %(unit)s yang dapat membuka kembali "
                "laporan ini."
            )
            % {"at": submission.at_unit.name, "unit": submission.unit.name}
        )
    if submission.state not in REOPENABLE:
        raise SubmissionError(_not_reopenable_message(submission))
    now = now or timezone.now()

    with transaction.atomic():
        current = _locked(submission)
        if current.state not in REOPENABLE:
            raise SubmissionError(_not_reopenable_message(current))
        if not actor.has_perm(REOPEN_SUBMISSION, current):
            raise SubmissionRefused(
                _(
                    "Hanya peninjau %(at)s atau tingkat di atas %(unit)s yang dapat membuka "
                    "kembali laporan ini."
                )
                % {"at": current.at_unit.name, "unit": current.unit.name}
            )
        where = _reopening_unit(actor, current)
        updated = Submission.objects.filter(
            pk=current.pk, state=current.state, version=current.version
        ).update(
            state=State.REOPENED,
            at_unit=current.unit,
            locked=False,
            decided_at=now,
            version=F("version") + 1,
        )
        if not updated:  # pragma: no cover - the row is locked
            raise SubmissionError(_not_reopenable_message(current))
        SubmissionStep.objects.create(
            submission=current,
            action=Action.REOPENED,
            actor=actor,
            at_unit_id=where,
            note=reason,
            created_at=now,
        )
        record(
            actor,
            "submission.reopened",
            plan=current.plan,
            obj=current,
            before={"state": current.state, "at_unit": current.at_unit_id, "locked": True},
            after={"state": State.REOPENED, "at_unit": current.unit_id, "locked": False},
            quarter=current.quarter,
            reason=reason,
        )
    return submissions_qs().get(pk=submission.pk)


def _not_reopenable_message(submission: Submission) -> str:
    return _(
        "Laporan TW %(quarter)s %(year)s %(unit)s tidak terkunci (status: %(state)s); tidak ada "
        "yang perlu dibuka kembali."
    ) % {**_label(submission), "state": _state_text(submission.state)}
