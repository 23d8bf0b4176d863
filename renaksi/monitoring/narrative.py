"""What people write about a quarter: the narrative, the report's data, the follow-ups, and the
plan's monitoring months (re-exported by ``renaksi.monitoring.services``).

Every writer here

* checks the permission itself (``PermissionDenied``): ``EDIT_MONITORING`` on the plan (the
  unit's administrator and its Tim Pengarah of the year) for the narrative and for opening a
  follow-up; ``UPDATE_FOLLOW_UP`` on the follow-up (those, and its owner while they belong to
  the unit: the owner reports progress and the state only); ``CHANGE_PLAN`` (the unit's
  administrator) for the monitoring months;
* refuses a quarter that is locked by its submission (``submissions.locks.quarter_locked``)
  with ``MonitoringError(locked_message(q))``;
* validates everything first (a ``ValidationError`` whose keys are the form's field names,
  in Indonesian); then writes in one transaction, the row locked, conditional on the version
  the person saw (``MonitoringConflict`` otherwise: someone saved meanwhile, nothing
  written), raises the version and writes one audit entry (``monitoring.*``) with the fields
  before and after. A save that changes nothing writes nothing.

Follow-ups (tindak lanjut) are opened in a quarter (``opened_in``) and shown in every later
quarter until they are closed (state selesai or dibatalkan: ``closed_in`` is the quarter in
which that was recorded); ``follow_ups_in(plan, q)``. What was decided when it was opened
(action, finding, area) no longer changes once that quarter is locked; its progress, state,
owner and due date go on in the quarter the update is made.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renaksi.access.policy import CHANGE_PLAN, EDIT_MONITORING, UPDATE_FOLLOW_UP
from renaksi.audit.services import record
from renaksi.core.validators import validate_single_line, validate_text
from renaksi.plans.models import ActionPlan, PlanArea, mask_to_months
from renaksi.plans.services import unit_people
from renaksi.submissions.locks import locked_message, quarter_locked

from .figures import QUARTER_NAMES, check_quarter
from .models import AreaNote, FollowUp, QuarterReport

TEXT_MAX_LENGTH = 5000
NARRATIVE_FIELDS = ("obstacles", "solutions", "recommendations")
# The report's fields (the narrative, then what the official report prints).
REPORT_FIELDS = (
    *NARRATIVE_FIELDS,
    "report_number",
    "report_date",
    "foreword",
    "signer_name",
    "signer_title",
)
SINGLE_LINE = {"report_number": 150, "signer_name": 200, "signer_title": 300}
FOLLOW_UP_FIELDS = (
    "action",
    "finding",
    "area",
    "owner",
    "owner_text",
    "due_on",
    "state",
    "progress_note",
)
# What the owner of a follow-up may change (the rest: the unit's administrator, Tim Pengarah).
OWNER_FIELDS = frozenset({"state", "progress_note"})
# Decided when the follow-up was opened: fixed once that quarter is locked.
OPENING_FIELDS = frozenset({"action", "finding", "area"})
CLOSED_STATES = frozenset({FollowUp.State.DONE, FollowUp.State.DROPPED})


class MonitoringError(Exception):
    """A refused change (a locked quarter, a closed follow-up …), in Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MonitoringConflict(MonitoringError):
    """Someone saved since the person opened the form. ``current``: the row now."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


def _conflict_message() -> str:
    return _(
        "Isian ini sudah diubah oleh orang lain sejak Anda membukanya. Isian Anda belum "
        "disimpan; periksa isi terbaru lalu simpan lagi bila masih perlu."
    )


def _lock_plan(plan: ActionPlan) -> None:
    """Serialise the monitoring writes of one plan (two first saves of a quarter's report
    then find each other's row instead of colliding on its unique constraint)."""
    list(ActionPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk"))


def _check_lock(plan: ActionPlan, quarter: int) -> None:
    if quarter_locked(plan.unit_id, plan.year, quarter):
        raise MonitoringError(locked_message(quarter))


# -- cleaning ---------------------------------------------------------------------------------


def _add(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _clean_text(value, key: str, errors: dict, *, limit: int, multiline: bool) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        _add(errors, key, _("Isi dengan teks."))
        return ""
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        _add(
            errors,
            key,
            _("Paling banyak %(limit)d karakter (sekarang %(length)d).")
            % {"limit": limit, "length": len(text)},
        )
    try:
        (validate_text if multiline else validate_single_line)(text)
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, key, message)
    return text


def _clean_date(value, key: str, errors: dict, *, year: int) -> datetime.date | None:
    """A date (a date object, "YYYY-MM-DD" or "DD/MM/YYYY"), of the plan's year or the next."""
    if value in (None, ""):
        return None
    day = None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            try:
                day = datetime.datetime.strptime(text, "%d/%m/%Y").date()
            except ValueError:
                day = None
    if day is None:
        _add(
            errors, key, _("Tanggal tidak dikenali; tulis seperti 31/03/%(year)d.") % {"year": year}
        )
        return None
    if not year <= day.year <= year + 1:
        _add(
            errors,
            key,
            _("Tanggal harus di tahun %(year)d atau %(next)d.") % {"year": year, "next": year + 1},
        )
        return None
    return day


def _changes(row, values: Mapping[str, Any]) -> tuple[dict, dict]:
    before, after = {}, {}
    for name, value in values.items():
        old = getattr(row, name) if row is not None else _blank(name)
        if old != value:
            before[name] = old
            after[name] = value
    return before, after


def _blank(name: str):
    return None if name in ("report_date", "due_on", "area_id", "owner_id") else ""


# -- the quarter's narrative ----------------------------------------------------------------------


def report_of(plan: ActionPlan, quarter: int) -> QuarterReport | None:
    return QuarterReport.objects.filter(plan=plan, quarter=check_quarter(quarter)).first()


def save_report(
    user, plan: ActionPlan, quarter: int, data: Mapping[str, Any], *, expected_version: int | None
) -> QuarterReport:
    """Save the plan's narrative of the quarter and its report data (``REPORT_FIELDS``; a
    field absent from ``data`` keeps its value). ``expected_version``: the report's version the
    form showed (None when there was no report yet)."""
    check_quarter(quarter)
    if not user.has_perm(EDIT_MONITORING, plan):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in REPORT_FIELDS:
        if name not in data:
            continue
        if name == "report_date":
            values[name] = _clean_date(data[name], name, errors, year=plan.year)
        elif name in SINGLE_LINE:
            values[name] = _clean_text(
                data[name], name, errors, limit=SINGLE_LINE[name], multiline=False
            )
        else:
            values[name] = _clean_text(
                data[name], name, errors, limit=TEXT_MAX_LENGTH, multiline=True
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_plan(plan)
        _check_lock(plan, quarter)
        current = (
            QuarterReport.objects.select_for_update().filter(plan=plan, quarter=quarter).first()
        )
        if (current.version if current else None) != expected_version:
            raise MonitoringConflict(_conflict_message(), current)
        before, after = _changes(current, values)
        if current is not None and not after:
            return current
        now = timezone.now()
        if current is None:
            current = QuarterReport.objects.create(
                plan=plan,
                unit_id=plan.unit_id,
                year=plan.year,
                quarter=quarter,
                updated_by=user,
                updated_at=now,
                **values,
            )
        else:
            updated = QuarterReport.objects.filter(pk=current.pk, version=current.version).update(
                version=F("version") + 1, updated_by=user, updated_at=now, **values
            )
            if not updated:  # pragma: no cover - the row is locked above
                raise MonitoringConflict(_conflict_message(), current)
            current.refresh_from_db()
        record(
            user,
            "monitoring.report_saved",
            plan=plan,
            obj=current,
            period_label=QUARTER_NAMES[quarter],
            before=before,
            after=after,
        )
    return current


def save_area_note(
    user,
    plan: ActionPlan,
    quarter: int,
    area: PlanArea,
    data: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> AreaNote:
    """Save one area's kendala, solusi and rekomendasi of the quarter (the quarter's report is
    made, empty, when it does not exist yet). ``expected_version``: the note's version."""
    check_quarter(quarter)
    if not user.has_perm(EDIT_MONITORING, plan):
        raise PermissionDenied
    if area.plan_id != plan.pk:
        raise MonitoringError(_("Area ini bukan bagian dari rencana aksi ini."))
    errors: dict[str, list[str]] = {}
    values = {
        name: _clean_text(data[name], name, errors, limit=TEXT_MAX_LENGTH, multiline=True)
        for name in NARRATIVE_FIELDS
        if name in data
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_plan(plan)
        _check_lock(plan, quarter)
        report, _created = QuarterReport.objects.get_or_create(
            plan=plan,
            quarter=quarter,
            defaults={"unit_id": plan.unit_id, "year": plan.year, "updated_by": user},
        )
        current = AreaNote.objects.select_for_update().filter(report=report, area=area).first()
        if (current.version if current else None) != expected_version:
            raise MonitoringConflict(_conflict_message(), current)
        before, after = _changes(current, values)
        if current is not None and not after:
            return current
        if current is None:
            current = AreaNote.objects.create(report=report, area=area, **values)
        else:
            AreaNote.objects.filter(pk=current.pk, version=current.version).update(
                version=F("version") + 1, **values
            )
            current.refresh_from_db()
        record(
            user,
            "monitoring.area_note_saved",
            plan=plan,
            obj=current,
            period_label=QUARTER_NAMES[quarter],
            area=str(area),
            before=before,
            after=after,
        )
    return current


# -- follow-ups -----------------------------------------------------------------------------------


def follow_ups_in(plan: ActionPlan, quarter: int) -> QuerySet:
    """The follow-ups shown in ``quarter``: opened in it or before, and not closed before it
    (one closed in this quarter shows, closed)."""
    check_quarter(quarter)
    return (
        FollowUp.objects.filter(plan=plan, opened_in__lte=quarter)
        .filter(Q(closed_in__isnull=True) | Q(closed_in__gte=quarter))
        .select_related("area", "owner", "plan__unit")
        .order_by("opened_in", "area__number", "pk")
    )


def _clean_follow_up(
    plan: ActionPlan, data: Mapping[str, Any], errors: dict, *, fields=FOLLOW_UP_FIELDS
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "action" in data and "action" in fields:
        values["action"] = _clean_text(
            data["action"], "action", errors, limit=TEXT_MAX_LENGTH, multiline=True
        )
        if not values["action"] and "action" not in errors:
            _add(errors, "action", _("Tindak lanjut wajib diisi."))
    for name in ("finding", "progress_note"):
        if name in data and name in fields:
            values[name] = _clean_text(
                data[name], name, errors, limit=TEXT_MAX_LENGTH, multiline=True
            )
    if "owner_text" in data and "owner_text" in fields:
        values["owner_text"] = _clean_text(
            data["owner_text"], "owner_text", errors, limit=200, multiline=False
        )
    if "due_on" in data and "due_on" in fields:
        values["due_on"] = _clean_date(data["due_on"], "due_on", errors, year=plan.year)
    if "state" in data and "state" in fields:
        state = data["state"] or FollowUp.State.OPEN
        if state not in FollowUp.State.values:
            _add(errors, "state", _("Pilih status yang tersedia."))
        else:
            values["state"] = state
    if "area" in data and "area" in fields:
        raw = data["area"]
        if raw in (None, ""):
            values["area_id"] = None
        else:
            area_id = _int(raw)
            if area_id is None or not PlanArea.objects.filter(pk=area_id, plan=plan).exists():
                _add(errors, "area", _("Pilih area dari rencana aksi ini."))
            else:
                values["area_id"] = area_id
    if "owner" in data and "owner" in fields:
        raw = data["owner"]
        if raw in (None, ""):
            values["owner_id"] = None
        else:
            owner_id = _int(getattr(raw, "pk", raw))
            if owner_id is None or not unit_people(plan.unit_id).filter(pk=owner_id).exists():
                _add(
                    errors,
                    "owner",
                    _("Penanggung jawab harus orang %(unit)s.") % {"unit": plan.unit.name},
                )
            else:
                values["owner_id"] = owner_id
    return values


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def add_follow_up(user, plan: ActionPlan, quarter: int, data: Mapping[str, Any]) -> FollowUp:
    """Open a follow-up in ``quarter``: ``action`` (required), ``finding``, ``area`` (a
    PlanArea id of the plan), ``owner`` (a person of the unit, by id) or ``owner_text``,
    ``due_on``, ``state`` (default open), ``progress_note``."""
    check_quarter(quarter)
    if not user.has_perm(EDIT_MONITORING, plan):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    values = _clean_follow_up(plan, {"action": "", **data}, errors)
    if errors:
        raise ValidationError(errors)
    state = values.get("state", FollowUp.State.OPEN)
    with transaction.atomic():
        _check_lock(plan, quarter)
        now = timezone.now()
        follow_up = FollowUp.objects.create(
            plan=plan,
            unit_id=plan.unit_id,
            year=plan.year,
            opened_in=quarter,
            closed_in=quarter if state in CLOSED_STATES else None,
            created_by=user,
            created_at=now,
            updated_at=now,
            **values,
        )
        record(
            user,
            "monitoring.follow_up_added",
            plan=plan,
            obj=follow_up,
            period_label=QUARTER_NAMES[quarter],
            after={
                **_audit_keys(values),
                "opened_in": quarter,
                "closed_in": follow_up.closed_in,
            },
        )
    return follow_up


def update_follow_up(
    user,
    follow_up: FollowUp,
    quarter: int,
    data: Mapping[str, Any],
    *,
    expected_version: int,
) -> FollowUp:
    """Update a follow-up in ``quarter`` (the quarter shown when it was changed). Closing it
    (selesai, dibatalkan) records ``closed_in = quarter``; opening it again clears it. Its
    owner changes only the state and the progress note."""
    check_quarter(quarter)
    if not user.has_perm(UPDATE_FOLLOW_UP, follow_up):
        raise PermissionDenied
    plan = follow_up.plan
    manages = user.has_perm(EDIT_MONITORING, plan)
    asked = {name for name in FOLLOW_UP_FIELDS if name in data}
    if not manages and asked - OWNER_FIELDS:
        raise PermissionDenied
    if quarter < follow_up.opened_in:
        raise MonitoringError(
            _("Tindak lanjut ini baru dibuka pada %(quarter)s.")
            % {"quarter": pgettext("singkatan triwulan", QUARTER_NAMES[follow_up.opened_in])}
        )
    errors: dict[str, list[str]] = {}
    values = _clean_follow_up(plan, data, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _check_lock(plan, quarter)
        current = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if current.version != expected_version:
            raise MonitoringConflict(_conflict_message(), current)
        if current.closed_in is not None and current.closed_in != quarter:
            _check_lock(plan, current.closed_in)
        before, after = _changes(current, values)
        if set(after) & OPENING_FIELDS and current.opened_in != quarter:
            _check_lock(plan, current.opened_in)
        state = values.get("state", current.state)
        closed_in = current.closed_in
        if state in CLOSED_STATES and current.state not in CLOSED_STATES:
            closed_in = quarter
        elif state not in CLOSED_STATES:
            closed_in = None
        if closed_in != current.closed_in:
            before["closed_in"] = current.closed_in
            after["closed_in"] = closed_in
        if not after:
            return current
        FollowUp.objects.filter(pk=current.pk, version=current.version).update(
            version=F("version") + 1, updated_at=timezone.now(), closed_in=closed_in, **values
        )
        current.refresh_from_db()
        record(
            user,
            "monitoring.follow_up_updated",
            plan=plan,
            obj=current,
            period_label=QUARTER_NAMES[quarter],
            before=_audit_keys(before),
            after=_audit_keys(after),
        )
    return current


def _audit_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """``area_id``/``owner_id`` under their field names (the history labels and resolves them)."""
    return {name.removesuffix("_id"): value for name, value in values.items()}


# -- the plan's monitoring months ---------------------------------------------------------------


MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def month_names(mask: int) -> str:
    """ "Maret, Juni, September" (the audit trail keeps the months in words, as decreed)."""
    return ", ".join(MONTH_NAMES[month - 1] for month in mask_to_months(mask))


def set_monitoring_months(
    user, plan: ActionPlan, months, *, expected: int | None = None
) -> ActionPlan:
    """Set the months in which ``plan`` is monitored (1–12, at least one). ``expected``: the
    mask the form showed (a conflict if it changed meanwhile). The unit's administrator."""
    if not user.has_perm(CHANGE_PLAN, plan):
        raise PermissionDenied
    chosen = set()
    for month in months:
        number = _int(month)
        if number is None or not 1 <= number <= 12:
            raise ValidationError({"months": [_("Pilih bulan Januari sampai Desember.")]})
        chosen.add(number)
    if not chosen:
        raise ValidationError({"months": [_("Pilih sedikitnya satu bulan monitoring.")]})
    mask = sum(1 << (month - 1) for month in chosen)
    with transaction.atomic():
        current = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if expected is not None and current.monitoring_months != expected:
            raise MonitoringConflict(_conflict_message(), current)
        if current.monitoring_months == mask:
            plan.monitoring_months = mask
            return plan
        ActionPlan.objects.filter(pk=plan.pk).update(monitoring_months=mask)
        record(
            user,
            "monitoring.months_changed",
            plan=plan,
            obj=plan,
            before={"monitoring_months": month_names(current.monitoring_months)},
            after={"monitoring_months": month_names(mask)},
        )
    plan.monitoring_months = mask
    return plan
