"""Realisations: what was done in a scheduled period, its evidence, and its verification.

Saving (``save_realisation``)
-----------------------------
One call records a period's status (belum dimulai, dalam proses, selesai, tidak terlaksana
with a reason, ditunda to a later month of the same year), progress 0–100, narrative, the
achieved value of each measurable indicator, and new evidence items (uploaded files, files
staged by the same person's drag-and-drop upload, links), each with a title, a kind, the date
the document bears and the indicators it proves. A replacement is a new ``Evidence`` row that
``replaces`` the old one (no longer ``is_current``); nothing uploaded is ever deleted.

Everything is checked first (a ``ValidationError`` whose keys are the form's field names, in
Indonesian); then everything is written in one transaction, inside ``StoredFiles`` so that a
rolled-back save leaves no stored file behind. The realisation keeps a ``version``: a save
based on an older version raises ``RealisationConflict`` (optimistic locking; the row is
locked, and the UPDATE is conditional on the version read). An entry recorded after the
period's ``due_on`` (the end of that day in the unit's time zone) is accepted and flagged
``late``; a period outside the schedule (``record_unscheduled``) flags it ``outside_plan``.

Verification (``TRANSITIONS``)
------------------------------
==========  ===========================================  ======================  =============
action      who (permission)                             from                    to
==========  ===========================================  ======================  =============
submit      who reports on the item (EDIT_REALISATION)   draf, dikembalikan      diajukan
withdraw    who reports on the item (EDIT_REALISATION)   diajukan                draf
verify      Tim Asesor of the unit and year              diajukan                terverifikasi
            (VERIFY_REALISATION), not the submitter
return      Tim Asesor (VERIFY_REALISATION), not the     diajukan                dikembalikan
            submitter; a comment is required
reopen      Tim Asesor (VERIFY_REALISATION); a reason    terverifikasi           dikembalikan
            is required
==========  ===========================================  ======================  =============

A realisation is edited only in ``draf`` or ``dikembalikan`` (a returned one is revised, then
submitted again); a submitted one is frozen while the assessors decide (its reporter may
withdraw it), and a verified one changes only after an assessor reopens it with a reason
(which is kept as a ``Review`` returning it, so the reporter reads why). Separation of duties:
the person who submitted a realisation does not verify, return or reopen it. Each verdict is
its own ``Review`` row (with one ``EvidenceReview`` per evidence item commented on); only the
evidence of a verified realisation counts as complete (``verified_evidence``).

A period in a quarter whose quarterly package was sent up the chain (renaksi/submissions,
``locks.py``) is locked: saving, recording work outside the schedule and every verification
step refuse it with ``RealisationError`` until the package is returned or reopened.

Every change writes the audit trail in the same transaction (``work.*`` action codes, the
realisation as the entry's object, so the entries show in the plan's history and, filtered by
the realisation's sub-activity, in the sub-activity's history).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renaksi.access.policy import ADD_EVIDENCE, EDIT_REALISATION, VERIFY_REALISATION
from renaksi.audit.services import record
from renaksi.core.validators import validate_single_line, validate_text
from renaksi.plans.models import ActionPlan, Indicator, SubActivity
from renaksi.submissions.locks import (
    locked_message,
    quarter_locked,
    quarter_of_month,
    schedule_period_locked,
)

from .models import (
    ChangeAgentAction,
    Evidence,
    EvidenceKind,
    EvidenceReview,
    IndicatorValue,
    Realisation,
    Review,
    SchedulePeriod,
    StagedUpload,
)
from .periods import due_date, last_month, period_count

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

State = Realisation.State
Status = Realisation.Status

NARRATIVE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 300
# The most evidence items one save adds (files, staged uploads and links together).
MAX_NEW_EVIDENCE = 30
# The states in which a realisation's content may change.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# The indicator kinds whose achieved value is a number.
MEASURABLE_KINDS = frozenset(
    {Indicator.Kind.PERSENTASE, Indicator.Kind.JUMLAH, Indicator.Kind.INDEKS}
)
# The fields of a realisation kept (before/after) in the audit trail of a save.
RECORDED_FIELDS = ("status", "progress", "narrative", "reason", "postponed_to", "late")


class RealisationError(Exception):
    """A refused action on a realisation (wrong state, separation of duties), in Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RealisationConflict(RealisationError):
    """Someone else saved the realisation since the person opened it. ``current``: it now."""

    def __init__(self, message: str, current: Realisation | None = None):
        super().__init__(message)
        self.current = current


# -- loading ----------------------------------------------------------------------------------

PERIOD_RELATED = (
    "plan__unit",
    "sub_activity__activity__area__plan",
    "agent_action__agent_plan__plan",
)
REALISATION_RELATED = (
    "period",
    "plan__unit",
    "sub_activity__activity__area__plan",
    "agent_action__agent_plan__plan",
    "submitted_by",
)


def periods_qs() -> QuerySet:
    """Schedule periods with what the permission checks and the form read."""
    return SchedulePeriod.objects.select_related(*PERIOD_RELATED)


def realisations_qs() -> QuerySet:
    return Realisation.objects.select_related(*REALISATION_RELATED)


def item_of(period: SchedulePeriod) -> SubActivity | ChangeAgentAction:
    return period.sub_activity if period.sub_activity_id else period.agent_action


def measurable_indicators(period: SchedulePeriod) -> list[Indicator]:
    """The indicators of the period's sub-activity whose achieved value is a number (a
    percentage, a count, an index, or any indicator with a target value)."""
    if not period.sub_activity_id:
        return []
    return [
        indicator for indicator in period.sub_activity.indicators.all() if is_measurable(indicator)
    ]


def is_measurable(indicator: Indicator) -> bool:
    return indicator.kind in MEASURABLE_KINDS or indicator.target_value is not None


def verified_evidence(queryset: QuerySet | None = None) -> QuerySet:
    """The evidence that counts as complete: current items of verified realisations."""
    queryset = Evidence.objects.all() if queryset is None else queryset
    return queryset.filter(is_current=True, realisation__state=State.VERIFIED)


def reused_files(evidence: Iterable[Evidence]) -> dict[int, list[Evidence]]:
    """For each evidence item (by id), the *other* current items that use the same stored
    file in another period or another unit: the reuse an assessor should see. One query."""
    items = [item for item in evidence if item.file_id]
    if not items:
        return {}
    file_ids = {item.file_id for item in items}
    others = list(
        Evidence.objects.filter(file_id__in=file_ids, is_current=True)
        .exclude(pk__in=[item.pk for item in items])
        .select_related("realisation__period", "unit", "realisation__sub_activity")
        .order_by("unit__code", "realisation__period__period", "pk")
    )
    result: dict[int, list[Evidence]] = {}
    for item in items:
        uses = [
            other
            for other in others
            if other.file_id == item.file_id and other.realisation_id != item.realisation_id
        ]
        if uses:
            result[item.pk] = uses
    return result


def missing_evidence_kinds(
    indicators: Iterable[Indicator], evidence: Iterable[Evidence]
) -> dict[int, list[str]]:
    """Per indicator (by id), the kinds it expects that no current evidence item has yet.

    An item counts for an indicator when it names that indicator, or names none (it proves
    the sub-activity as a whole)."""
    current = [item for item in evidence if item.is_current]
    # Load the items with prefetch_related("indicators"): no query here.
    proven = {item.pk: {indicator.pk for indicator in item.indicators.all()} for item in current}
    result: dict[int, list[str]] = {}
    for indicator in indicators:
        expected = [kind for kind in (indicator.expected_evidence or []) if kind]
        if not expected:
            continue
        have = {
            item.kind for item in current if not proven[item.pk] or indicator.pk in proven[item.pk]
        }
        missing = [kind for kind in expected if kind not in have]
        if missing:
            result[indicator.pk] = missing
    return result


def today_in_unit(unit, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date on the unit's calendar (``Unit.time_zone``)."""
    now = now or timezone.now()
    return timezone.localtime(now, ZoneInfo(unit.time_zone)).date()


def is_late(period: SchedulePeriod, now: datetime.datetime | None = None) -> bool:
    """After the end of the period's due day, in the unit's time zone."""
    return today_in_unit(period.plan.unit, now) > period.due_on


# -- saving a realisation -----------------------------------------------------------------------


@dataclass
class _NewEvidence:
    source: str  # "file", "staged", "link"
    title: str
    kind: str
    as_of: datetime.date | None
    indicator_ids: list[int]
    replaces: Evidence | None = None
    checked: Any = None  # files.CheckedFile
    staged: StagedUpload | None = None
    url: str = ""
    original_name: str = ""


def save_realisation(
    user: User | AnonymousUser,
    period: SchedulePeriod,
    *,
    data: Mapping[str, Any] | None,
    expected_version: int | None,
    files: Sequence = (),
    staged_ids: Iterable[int | str] = (),
    links: Sequence[Mapping[str, Any]] = (),
    evidence_meta: Mapping[str, Mapping[str, Any]] | None = None,
) -> Realisation:
    """Record (or change) the realisation of ``period`` with its new evidence; return it.

    ``data``: ``status``, ``progress``, ``narrative``, ``reason``, ``postponed_to`` (a month
    1–12) and ``values`` ({indicator id: text}); ``None`` adds evidence only (allowed to
    whoever may add evidence, e.g. a change agent). ``expected_version``: the version the
    person's form showed, ``None`` when it showed no realisation yet.

    ``files``: uploaded files; ``staged_ids``: ids of this user's ``StagedUpload`` rows;
    ``links``: dicts with ``url`` and the metadata keys below. ``evidence_meta`` gives each
    new item its metadata by key — ``"file:<index>"``, ``"staged:<id>"`` — or for all of
    them, ``"*"``: ``title`` (a file's defaults to its name), ``kind`` (EvidenceKind),
    ``as_of`` (a date or "YYYY-MM-DD"), ``indicators`` (ids of the sub-activity's
    indicators), ``replaces`` (the id of a current item it replaces).

    Raises ``PermissionDenied``, ``ValidationError`` (field errors: ``status``, ``progress``,
    ``narrative``, ``reason``, ``postponed_to``, ``value_<indicator id>``, ``files``,
    ``staged``, ``links``, ``evidence``), ``RealisationConflict`` (a stale version) or
    ``RealisationError`` (not editable in its review state).
    """
    from . import files as file_services

    item = item_of(period)
    evidence_only = data is None
    if evidence_only:
        if not user.has_perm(ADD_EVIDENCE, item):
            raise PermissionDenied
    elif not user.has_perm(EDIT_REALISATION, item):
        raise PermissionDenied

    existing = Realisation.objects.filter(period=period).first()
    if existing is not None and existing.state not in EDITABLE_STATES:
        raise RealisationError(_not_editable_message(existing.state))

    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    indicator_values: dict[int, decimal.Decimal | None] = {}
    indicators = list(period.sub_activity.indicators.all()) if period.sub_activity_id else []
    if not evidence_only:
        values = _clean_fields(period, data, errors)
        indicator_values = _clean_values(indicators, data.get("values") or {}, errors)
    current_evidence = {
        item.pk: item for item in (existing.evidence.filter(is_current=True) if existing else [])
    }
    new_items = _clean_evidence(
        user,
        file_services,
        indicators,
        current_evidence,
        files=files,
        staged_ids=staged_ids,
        links=links,
        meta=evidence_meta or {},
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    if evidence_only and not new_items:
        raise ValidationError({"evidence": [_("Pilih berkas atau isi tautan bukti dukung.")]})

    now = timezone.now()
    late_now = is_late(period, now)
    with file_services.StoredFiles() as stored, transaction.atomic():
        # The period row serialises the first save of a period; the realisation row every
        # later one.
        list(SchedulePeriod.objects.select_for_update().filter(pk=period.pk).order_by())
        _refuse_locked_quarter(period)
        current = (
            Realisation.objects.select_for_update().filter(period_id=period.pk).order_by().first()
        )
        if current is None:
            if expected_version is not None:
                raise RealisationConflict(_conflict_message(), None)
            realisation = _create(user, period, values, now, late_now)
            before: dict[str, Any] = {}
            before_values: dict[str, str] = {}
        else:
            if expected_version != current.version:
                raise RealisationConflict(_conflict_message(), current)
            if current.state not in EDITABLE_STATES:
                raise RealisationError(_not_editable_message(current.state))
            before = _snapshot(current)
            before_values = _value_map(current)
            if not new_items and _unchanged(
                current, period, values, before_values, indicator_values
            ):
                return realisations_qs().get(pk=current.pk)  # nothing to save: no new version
            realisation = _update(user, period, current, values, now)
        if not evidence_only:
            _write_values(realisation, indicator_values)
        after_values = _value_map(realisation)
        after = _snapshot(realisation)
        changes_before = {k: v for k, v in before.items() if after.get(k) != v}
        if before:
            changes_after = {k: v for k, v in after.items() if before.get(k) != v}
        else:  # created: what was filled in
            changes_after = {k: v for k, v in after.items() if v not in ("", None, False)}
        if before_values != after_values:
            changes_before["indicator_values"] = _value_texts(before_values, indicators)
            changes_after["indicator_values"] = _value_texts(after_values, indicators)
        if current is None or changes_after:
            record(
                user,
                "work.realisation_saved",
                plan=period.plan,
                obj=realisation,
                before=changes_before,
                after=changes_after,
            )
        for new in new_items:
            _add_evidence(user, realisation, new, file_services, stored, now)

    return realisations_qs().get(pk=realisation.pk)


def _unchanged(current, period, values: dict, before_values: dict, indicator_values: dict) -> bool:
    """Whether a save would change nothing (fields, flags, indicator values)."""
    if any(getattr(current, name) != value for name, value in values.items()):
        return False
    if current.outside_plan != (not period.planned):
        return False
    proposed = dict(before_values)
    for indicator_id, value in indicator_values.items():
        if value is None:
            proposed.pop(str(indicator_id), None)
        else:
            proposed[str(indicator_id)] = str(value)
    return proposed == before_values


def _create(user, period, values: dict, now, late_now: bool) -> Realisation:
    try:
        with transaction.atomic():
            return Realisation.objects.create(
                period=period,
                plan_id=period.plan_id,
                unit_id=period.unit_id,
                year=period.year,
                sub_activity_id=period.sub_activity_id,
                agent_action_id=period.agent_action_id,
                outside_plan=not period.planned,
                late=late_now,
                created_by=user,
                updated_by=user,
                created_at=now,
                version=1,
                **values,
            )
    except IntegrityError as error:  # created by someone else between the check and now
        current = Realisation.objects.filter(period_id=period.pk).first()
        raise RealisationConflict(_conflict_message(), current) from error


def _update(user, period, current: Realisation, values: dict, now) -> Realisation:
    fields = dict(values)
    fields["outside_plan"] = not period.planned
    updated = Realisation.objects.filter(pk=current.pk, version=current.version).update(
        version=F("version") + 1, updated_by=user, updated_at=now, **fields
    )
    if not updated:  # cannot happen under the row lock; kept as the last guard
        raise RealisationConflict(_conflict_message(), current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.updated_by = user
    return current


def _snapshot(realisation: Realisation) -> dict[str, Any]:
    return {name: getattr(realisation, name) for name in RECORDED_FIELDS}


def _value_map(realisation: Realisation) -> dict[str, str]:
    return {
        str(indicator_id): str(value)
        for indicator_id, value in IndicatorValue.objects.filter(realisation=realisation)
        .order_by("indicator_id")
        .values_list("indicator_id", "value")
    }


def _value_texts(values: dict[str, str], indicators: list[Indicator]) -> dict[str, str]:
    """The values as the history shows them: by indicator text, numbers the Indonesian way."""
    names = {str(indicator.pk): indicator.text[:120] for indicator in indicators}
    return {
        names.get(key, key): _number_text(decimal.Decimal(value)) for key, value in values.items()
    }


def _number_text(value: decimal.Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _write_values(realisation: Realisation, values: dict[int, decimal.Decimal | None]) -> None:
    existing = {
        row.indicator_id: row for row in IndicatorValue.objects.filter(realisation=realisation)
    }
    to_create, to_update, to_delete = [], [], []
    for indicator_id, value in values.items():
        row = existing.get(indicator_id)
        if value is None:
            if row is not None:
                to_delete.append(row.pk)
        elif row is None:
            to_create.append(
                IndicatorValue(realisation=realisation, indicator_id=indicator_id, value=value)
            )
        elif row.value != value:
            row.value = value
            to_update.append(row)
    if to_delete:
        IndicatorValue.objects.filter(pk__in=to_delete).delete()
    if to_update:
        IndicatorValue.objects.bulk_update(to_update, ["value"])
    if to_create:
        IndicatorValue.objects.bulk_create(to_create)


def _add_evidence(user, realisation, new: _NewEvidence, file_services, stored, now) -> Evidence:
    stored_file = None
    original_name = new.original_name
    if new.checked is not None:
        stored_file = file_services.store_checked(new.checked, user, stored)
    elif new.staged is not None:
        stored_file = new.staged.file
    evidence = Evidence.objects.create(
        realisation=realisation,
        plan_id=realisation.plan_id,
        unit_id=realisation.unit_id,
        title=new.title,
        kind=new.kind,
        as_of=new.as_of,
        file=stored_file,
        original_name=original_name,
        url=new.url,
        replaces=new.replaces,
        is_current=True,
        uploaded_by=user,
        uploaded_at=now,
    )
    if new.indicator_ids:
        evidence.indicators.set(new.indicator_ids)
    if new.staged is not None:
        # The staging row only pointed at the stored file; the file stays.
        StagedUpload.objects.filter(pk=new.staged.pk).delete()
    # Ids for programs (hidden in the history), texts for people.
    data = {
        "evidence_id": evidence.pk,
        "indicator_ids": new.indicator_ids,
        "title": evidence.title,
        "evidence_kind": str(evidence.get_kind_display()),
        "as_of": evidence.as_of,
        "original_name": original_name,
        "url": new.url,
        "file_sha256": stored_file.sha256 if stored_file is not None else "",
        "indicator_texts": list(
            Indicator.objects.filter(pk__in=new.indicator_ids)
            .order_by("position")
            .values_list("text", flat=True)
        )
        if new.indicator_ids
        else [],
    }
    if new.replaces is not None:
        updated = Evidence.objects.filter(pk=new.replaces.pk, is_current=True).update(
            is_current=False
        )
        if not updated:
            raise RealisationConflict(_conflict_message(), realisation)
        record(
            user,
            "work.evidence_replaced",
            plan=realisation.plan,
            obj=realisation,
            replaced_id=new.replaces.pk,
            replaced_title=new.replaces.title,
            **data,
        )
    else:
        record(user, "work.evidence_added", plan=realisation.plan, obj=realisation, **data)
    return evidence


# -- checking the input -------------------------------------------------------------------------


def _add_error(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(str(message))


def _text(value) -> str:
    return (value if isinstance(value, str) else "" if value is None else str(value)).strip()


def _clean_fields(period: SchedulePeriod, data: Mapping[str, Any], errors: dict) -> dict:
    status = _text(data.get("status")) or Status.NOT_STARTED
    if status not in Status.values:
        _add_error(errors, "status", _("Pilih status pelaksanaan dari daftar."))
        status = Status.NOT_STARTED

    progress = 0
    raw = _text(data.get("progress"))
    if raw:
        try:
            number = decimal.Decimal(raw.replace(",", "."))
        except decimal.InvalidOperation:
            _add_error(errors, "progress", _("Progres harus berupa angka bulat 0–100."))
        else:
            if not number.is_finite() or number != number.to_integral_value():
                _add_error(errors, "progress", _("Progres harus berupa angka bulat 0–100."))
            elif number < 0 or number > 100:
                _add_error(errors, "progress", _("Progres harus di antara 0 dan 100 persen."))
            else:
                progress = int(number)
    if status == Status.DONE and not raw:
        progress = 100

    narrative = _clean_text(
        data.get("narrative"), "narrative", NARRATIVE_MAX_LENGTH, errors, multiline=True
    )
    reason = _clean_text(data.get("reason"), "reason", REASON_MAX_LENGTH, errors, multiline=True)
    if status == Status.NOT_DONE and not reason and "reason" not in errors:
        _add_error(errors, "reason", _("Alasan wajib diisi untuk kegiatan tidak terlaksana."))

    postponed_to = None
    if status == Status.POSTPONED:
        postponed_to = _clean_postponement(period, data.get("postponed_to"), errors)
    if status not in (Status.NOT_DONE, Status.POSTPONED):
        reason = ""
    return {
        "status": status,
        "progress": progress,
        "narrative": narrative,
        "reason": reason,
        "postponed_to": postponed_to,
    }


def _clean_text(value, key: str, limit: int, errors: dict, *, multiline: bool) -> str:
    text = _text(value).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        _add_error(
            errors,
            key,
            _("Teks terlalu panjang (%(length)s karakter); batasnya %(limit)s karakter.")
            % {"length": len(text), "limit": limit},
        )
        return text
    try:
        (validate_text if multiline else validate_single_line)(text)
    except ValidationError as error:
        for message in error.messages:
            _add_error(errors, key, message)
    return text


def _clean_postponement(period: SchedulePeriod, value, errors: dict) -> int | None:
    raw = _text(value)
    if not raw:
        _add_error(errors, "postponed_to", _("Bulan tujuan penundaan wajib dipilih."))
        return None
    try:
        month = int(raw)
    except ValueError:
        _add_error(errors, "postponed_to", _("Pilih bulan tujuan penundaan dari daftar."))
        return None
    last = last_month(period.period, _schedule_kind(period))
    if month < 1 or month > 12:
        _add_error(errors, "postponed_to", _("Pilih bulan tujuan penundaan dari daftar."))
        return None
    if month <= last:
        if last == 12:
            message = _(
                "Periode ini berakhir di bulan Desember: tidak ada bulan sesudahnya di tahun "
                "yang sama. Pilih status lain."
            )
        else:
            message = _("Penundaan harus ke bulan sesudah periode ini (paling awal %(month)s).") % {
                "month": month_name(last + 1)
            }
        _add_error(errors, "postponed_to", message)
        return None
    return month


def _schedule_kind(period: SchedulePeriod) -> str:
    if period.agent_action_id:
        return ActionPlan.Schedule.MONTH
    return period.plan.schedule_kind


def _period_name(number: int, kind: str) -> str:
    if kind == ActionPlan.Schedule.QUARTER:
        return f"TW {['I', 'II', 'III', 'IV'][number - 1]}"
    return month_name(number)


def month_name(month: int) -> str:
    from django.utils.formats import date_format

    return date_format(datetime.date(2000, month, 1), "F")


def parse_number(raw: str) -> decimal.Decimal:
    """A number as people type it: "12", "12,5", "12.5", "1.250,5". Raises InvalidOperation."""
    text = raw.strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    number = decimal.Decimal(text)
    if not number.is_finite():
        raise decimal.InvalidOperation
    return number


def _clean_values(
    indicators: list[Indicator], raw_values: Mapping, errors: dict
) -> dict[int, decimal.Decimal | None]:
    result: dict[int, decimal.Decimal | None] = {}
    raw_by_id = {str(key): value for key, value in raw_values.items()}
    for indicator in indicators:
        if not is_measurable(indicator):
            continue
        key = f"value_{indicator.pk}"
        raw = _text(raw_by_id.get(str(indicator.pk)))
        if not raw:
            result[indicator.pk] = None
            continue
        try:
            number = parse_number(raw)
        except (decimal.InvalidOperation, ValueError):
            _add_error(errors, key, _("Nilai capaian harus berupa angka, misalnya 75 atau 12,5."))
            continue
        if number < 0:
            _add_error(errors, key, _("Nilai capaian tidak boleh negatif."))
            continue
        if indicator.kind == Indicator.Kind.PERSENTASE and number > 100:
            _add_error(errors, key, _("Nilai capaian persentase paling tinggi 100."))
            continue
        if number != number.quantize(decimal.Decimal("0.01")):
            _add_error(errors, key, _("Paling banyak dua angka di belakang koma."))
            continue
        if number >= decimal.Decimal("1e10"):
            _add_error(errors, key, _("Nilai capaian terlalu besar."))
            continue
        result[indicator.pk] = number.quantize(decimal.Decimal("0.01"))
    return result


def _clean_evidence(
    user,
    file_services,
    indicators: list[Indicator],
    current_evidence: dict[int, Evidence],
    *,
    files: Sequence,
    staged_ids: Iterable,
    links: Sequence[Mapping[str, Any]],
    meta: Mapping[str, Mapping[str, Any]],
    errors: dict,
) -> list[_NewEvidence]:
    indicator_ids = {indicator.pk for indicator in indicators}
    default = meta.get("*") or {}
    items: list[_NewEvidence] = []
    replaced: set[int] = set()

    def metadata(key: str, source: str, fallback_title: str, extra: Mapping | None = None):
        values = {**default, **(meta.get(key) or {}), **(extra or {})}
        title = " ".join(_text(values.get("title")).split()) or fallback_title
        if not title:
            _add_error(errors, source, _("Beri judul setiap bukti dukung."))
        elif len(title) > TITLE_MAX_LENGTH:
            _add_error(
                errors,
                source,
                _("Judul bukti dukung paling panjang %(limit)s karakter.")
                % {"limit": TITLE_MAX_LENGTH},
            )
        else:
            try:
                validate_single_line(title)
            except ValidationError as error:
                _add_error(errors, source, error.messages[0])
        kind = _text(values.get("kind")) or EvidenceKind.LAINNYA
        if kind not in EvidenceKind.values:
            _add_error(errors, source, _("Pilih jenis bukti dukung dari daftar."))
        as_of = _clean_as_of(values.get("as_of"), source, errors)
        chosen = []
        for raw in values.get("indicators") or []:
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                pk = None
            if pk not in indicator_ids:
                _add_error(
                    errors, source, _("Indikator yang dipilih bukan milik sub kegiatan ini.")
                )
                continue
            chosen.append(pk)
        replaces = None
        raw_replaces = values.get("replaces")
        if raw_replaces not in (None, ""):
            try:
                replaces = current_evidence.get(int(raw_replaces))
            except (TypeError, ValueError):
                replaces = None
            if replaces is None:
                _add_error(
                    errors, source, _("Bukti dukung yang hendak diganti tidak ditemukan lagi.")
                )
            elif replaces.pk in replaced:
                _add_error(errors, source, _("Satu bukti dukung hanya diganti satu kali."))
                replaces = None
            else:
                replaced.add(replaces.pk)
        return title, kind, as_of, sorted(set(chosen)), replaces

    for index, uploaded in enumerate(files):
        try:
            checked = file_services.validate_upload(uploaded)
        except ValidationError as error:
            for message in error.messages:
                _add_error(errors, "files", message)
            continue
        fallback = _title_from_name(checked.safe_name)
        title, kind, as_of, chosen, replaces = metadata(f"file:{index}", "files", fallback)
        items.append(
            _NewEvidence(
                "file",
                title,
                kind,
                as_of,
                chosen,
                replaces,
                checked=checked,
                original_name=checked.safe_name,
            )
        )

    ids = []
    for raw in staged_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            _add_error(errors, "staged", _("Unggahan tidak dikenal; unggah berkasnya lagi."))
    if ids:
        staged = {
            row.pk: row
            for row in StagedUpload.objects.filter(pk__in=ids, user=user).select_related("file")
        }
        for pk in dict.fromkeys(ids):
            row = staged.get(pk)
            if row is None:
                _add_error(
                    errors,
                    "staged",
                    _(
                        "Unggahan #%(id)s tidak ditemukan (mungkin sudah terpakai); unggah "
                        "berkasnya lagi."
                    )
                    % {"id": pk},
                )
                continue
            fallback = _title_from_name(row.original_name)
            title, kind, as_of, chosen, replaces = metadata(f"staged:{pk}", "staged", fallback)
            items.append(
                _NewEvidence(
                    "staged",
                    title,
                    kind,
                    as_of,
                    chosen,
                    replaces,
                    staged=row,
                    original_name=row.original_name,
                )
            )

    validate_url = URLValidator(schemes=["http", "https"])
    for index, link in enumerate(links):
        url = _text(link.get("url"))
        if not url:
            continue
        try:
            validate_url(url)
            validate_single_line(url)
        except ValidationError:
            _add_error(
                errors,
                "links",
                _("Tautan harus alamat web lengkap, diawali http:// atau https://."),
            )
            continue
        if len(url) > 1000:
            _add_error(errors, "links", _("Tautan terlalu panjang (paling banyak 1000 karakter)."))
            continue
        title, kind, as_of, chosen, replaces = metadata(f"link:{index}", "links", "", link)
        items.append(_NewEvidence("link", title, kind, as_of, chosen, replaces, url=url))

    if len(items) > MAX_NEW_EVIDENCE:
        _add_error(
            errors,
            "evidence",
            _("Paling banyak %(limit)s bukti dukung sekali simpan.") % {"limit": MAX_NEW_EVIDENCE},
        )
    return items


def _clean_as_of(value, key: str, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.date):
        parsed = value
    else:
        raw = _text(value)
        if not raw:
            return None
        try:
            parsed = parse_date(raw)
        except ValueError:
            parsed = None
        if parsed is None:
            _add_error(errors, key, _("Tanggal dokumen tidak valid (contoh: 2026-03-31)."))
            return None
    if parsed > timezone.localdate() + datetime.timedelta(days=1):
        _add_error(errors, key, _("Tanggal dokumen tidak boleh sesudah hari ini."))
        return None
    return parsed


def _title_from_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return " ".join(stem.replace("_", " ").split())[:TITLE_MAX_LENGTH]


# -- work outside the plan ----------------------------------------------------------------------


def record_unscheduled(
    user: User | AnonymousUser, item: SubActivity | ChangeAgentAction, period: int
) -> SchedulePeriod:
    """Work done in a period the schedule does not name: a ``SchedulePeriod(planned=False)``
    with a draft realisation (flagged ``outside_plan``; the draft keeps the period from being
    dropped by the next schedule sync). A period already there is returned as it is."""
    if not user.has_perm(EDIT_REALISATION, item):
        raise PermissionDenied
    if isinstance(item, ChangeAgentAction):
        plan = item.agent_plan.plan
        kind = ActionPlan.Schedule.MONTH
        lookup = {"agent_action": item}
    else:
        plan = item.activity.area.plan
        kind = plan.schedule_kind
        lookup = {"sub_activity": item}
    try:
        number = int(period)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= period_count(kind):
        raise ValidationError({"period": [_("Pilih periode dari daftar.")]})
    with transaction.atomic():
        existing = SchedulePeriod.objects.filter(period=number, **lookup).first()
        if existing is not None:
            return periods_qs().get(pk=existing.pk)
        quarter = number if kind == ActionPlan.Schedule.QUARTER else quarter_of_month(number)
        if quarter_locked(plan.unit_id, plan.year, quarter):
            raise RealisationError(locked_message(quarter))
        try:
            with transaction.atomic():
                created = SchedulePeriod.objects.create(
                    plan=plan,
                    unit_id=plan.unit_id,
                    year=plan.year,
                    period=number,
                    planned=False,
                    due_on=due_date(plan.year, number, kind, plan.report_due_day),
                    **lookup,
                )
        except IntegrityError:  # created meanwhile
            return periods_qs().get(period=number, **lookup)
        now = timezone.now()
        realisation = Realisation.objects.create(
            period=created,
            plan_id=plan.pk,
            unit_id=plan.unit_id,
            year=plan.year,
            sub_activity_id=created.sub_activity_id,
            agent_action_id=created.agent_action_id,
            outside_plan=True,
            late=is_late(periods_qs().get(pk=created.pk), now),
            created_by=user,
            updated_by=user,
            created_at=now,
        )
        record(
            user,
            "work.unscheduled_recorded",
            plan=plan,
            obj=realisation,
            after={"outside_plan": True},
            period_label=_period_name(number, kind),
        )
    return periods_qs().get(pk=created.pk)


# -- the verification state machine -------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    permission: str
    sources: frozenset[str]
    target: str
    log_action: str
    label: Promise  # the button
    rule: Promise  # why it was refused
    # The submitter may not take it (separation of duties).
    not_by_submitter: bool = False


SUBMIT, WITHDRAW, VERIFY, RETURN, REOPEN = "submit", "withdraw", "verify", "return", "reopen"

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            SUBMIT,
            EDIT_REALISATION,
            frozenset({State.DRAFT, State.RETURNED}),
            State.SUBMITTED,
            "work.realisation_submitted",
            gettext_lazy("Ajukan untuk diverifikasi"),
            gettext_lazy("Hanya realisasi berstatus draf atau dikembalikan yang dapat diajukan."),
        ),
        Transition(
            WITHDRAW,
            EDIT_REALISATION,
            frozenset({State.SUBMITTED}),
            State.DRAFT,
            "work.realisation_withdrawn",
            gettext_lazy("Tarik kembali pengajuan"),
            gettext_lazy("Hanya pengajuan yang belum diverifikasi yang dapat ditarik kembali."),
        ),
        Transition(
            VERIFY,
            VERIFY_REALISATION,
            frozenset({State.SUBMITTED}),
            State.VERIFIED,
            "work.realisation_verified",
            gettext_lazy("Verifikasi"),
            gettext_lazy("Hanya realisasi yang sedang diajukan yang dapat diverifikasi."),
            not_by_submitter=True,
        ),
        Transition(
            RETURN,
            VERIFY_REALISATION,
            frozenset({State.SUBMITTED}),
            State.RETURNED,
            "work.realisation_returned",
            gettext_lazy("Kembalikan untuk diperbaiki"),
            gettext_lazy("Hanya realisasi yang sedang diajukan yang dapat dikembalikan."),
            not_by_submitter=True,
        ),
        Transition(
            REOPEN,
            VERIFY_REALISATION,
            frozenset({State.VERIFIED}),
            State.RETURNED,
            "work.realisation_reopened",
            gettext_lazy("Buka kembali verifikasi"),
            gettext_lazy("Hanya realisasi yang sudah terverifikasi yang dapat dibuka kembali."),
            not_by_submitter=True,
        ),
    ]
}


def _permission_object(transition: Transition, realisation: Realisation):
    if transition.permission == EDIT_REALISATION:
        return realisation.sub_activity if realisation.sub_activity_id else realisation.agent_action
    return realisation


def may(user: User | AnonymousUser, action: str, realisation: Realisation) -> bool:
    """Whether ``user`` may take ``action`` on ``realisation`` now (for buttons; the
    services check again)."""
    transition = TRANSITIONS[action]
    if realisation.state not in transition.sources:
        return False
    if not user.has_perm(transition.permission, _permission_object(transition, realisation)):
        return False
    return not (transition.not_by_submitter and _is_submitter(user, realisation))


def available_actions(user, realisation: Realisation) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if may(user, t.action, realisation)]


def may_edit(user, realisation: Realisation | None, period: SchedulePeriod) -> bool:
    if realisation is not None and realisation.state not in EDITABLE_STATES:
        return False
    return user.has_perm(EDIT_REALISATION, item_of(period))


def _is_submitter(user, realisation: Realisation) -> bool:
    return user.is_authenticated and realisation.submitted_by_id == user.pk


def submit(
    user: User | AnonymousUser, realisation: Realisation, expected_version: int | None = None
) -> Realisation:
    """The reporter sends the realisation to the assessors: ``diajukan``. Flags it late when
    its first submission comes after the period's due day."""
    now = timezone.now()
    late = is_late(realisation.period, now)

    def values(current: Realisation) -> dict:
        result = {"submitted_by": user, "submitted_at": now}
        if late and not current.late and current.submitted_at is None:
            result["late"] = True
        return result

    return _transition(user, realisation, SUBMIT, expected_version, values)


def withdraw(
    user: User | AnonymousUser, realisation: Realisation, expected_version: int | None = None
) -> Realisation:
    """The reporter takes a submission back before it is decided: ``draf``."""
    return _transition(user, realisation, WITHDRAW, expected_version, lambda current: {})


def verify(
    user: User | AnonymousUser,
    realisation: Realisation,
    comment: str = "",
    notes: Mapping[int, tuple[bool, str]] | None = None,
    *,
    expected_version: int | None = None,
) -> Realisation:
    """An assessor verifies a submitted realisation: ``terverifikasi``. ``notes``: per
    current evidence item, (accepted, comment); every item must be accepted."""
    comment = _clean_comment(comment, required=False)
    notes = _clean_notes(realisation, notes or {})
    refused = [pk for pk, (accepted, _comment) in notes.items() if not accepted]
    if refused:
        raise ValidationError(
            {
                f"note_{pk}": [
                    _(
                        "Bukti dukung yang tidak diterima: kembalikan realisasinya, jangan "
                        "verifikasi."
                    )
                ]
                for pk in refused
            }
        )
    now = timezone.now()
    return _transition(
        user,
        realisation,
        VERIFY,
        expected_version,
        lambda current: {"verified_at": now},
        review=(Review.Verdict.VERIFIED, comment, notes),
    )


def return_(
    user: User | AnonymousUser,
    realisation: Realisation,
    comment: str,
    notes: Mapping[int, tuple[bool, str]] | None = None,
    *,
    expected_version: int | None = None,
) -> Realisation:
    """An assessor sends a submitted realisation back to its reporter: ``dikembalikan``.
    ``comment`` is required; ``notes`` comment on evidence items (a refused item needs one)."""
    comment = _clean_comment(comment, required=True)
    notes = _clean_notes(realisation, notes or {})
    return _transition(
        user,
        realisation,
        RETURN,
        expected_version,
        lambda current: {},
        review=(Review.Verdict.RETURNED, comment, notes),
    )


def reopen(
    user: User | AnonymousUser,
    realisation: Realisation,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Realisation:
    """An assessor withdraws a verification so the realisation can be corrected: back to
    ``dikembalikan``, with ``reason`` (required) kept as a returning ``Review``."""
    reason = _clean_comment(reason, required=True, key="reason")
    return _transition(
        user,
        realisation,
        REOPEN,
        expected_version,
        lambda current: {"verified_at": None},
        review=(Review.Verdict.RETURNED, reason, {}),
    )


def _clean_comment(comment, *, required: bool, key: str = "comment") -> str:
    text = _text(comment).replace("\r\n", "\n").replace("\r", "\n")
    if required and not text:
        if key == "reason":
            message = _("Tuliskan alasan membuka kembali verifikasi ini.")
        else:
            message = _("Tuliskan catatan: apa yang perlu diperbaiki.")
        raise ValidationError({key: [message]})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                key: [
                    _("Catatan terlalu panjang (%(length)s karakter); batasnya %(limit)s.")
                    % {"length": len(text), "limit": COMMENT_MAX_LENGTH}
                ]
            }
        )
    try:
        validate_text(text)
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from error
    return text


def _clean_notes(realisation: Realisation, notes: Mapping) -> dict[int, tuple[bool, str]]:
    current = set(
        Evidence.objects.filter(realisation=realisation, is_current=True).values_list(
            "pk", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    result: dict[int, tuple[bool, str]] = {}
    for raw_pk, note in notes.items():
        try:
            pk = int(raw_pk)
        except (TypeError, ValueError):
            pk = None
        if pk not in current:
            _add_error(errors, "notes", _("Catatan untuk bukti dukung yang tidak ada lagi."))
            continue
        accepted, comment = note
        text = _text(comment).replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > COMMENT_MAX_LENGTH:
            _add_error(errors, f"note_{pk}", _("Catatan terlalu panjang."))
            continue
        try:
            validate_text(text)
        except ValidationError as error:
            errors.setdefault(f"note_{pk}", []).extend(error.messages)
            continue
        if not accepted and not text:
            _add_error(errors, f"note_{pk}", _("Tuliskan mengapa bukti dukung ini tidak diterima."))
            continue
        if accepted and not text:
            continue  # nothing to keep
        result[pk] = (bool(accepted), text)
    if errors:
        raise ValidationError(errors)
    return result


def _transition(
    user,
    realisation: Realisation,
    action: str,
    expected_version: int | None,
    values_for,
    *,
    review: tuple[str, str, dict] | None = None,
) -> Realisation:
    transition = TRANSITIONS[action]
    if not user.has_perm(transition.permission, _permission_object(transition, realisation)):
        raise PermissionDenied
    if realisation.state not in transition.sources:
        raise RealisationError(_state_message(transition, realisation.state))
    if transition.not_by_submitter and _is_submitter(user, realisation):
        raise RealisationError(_separation_message(action))

    with transaction.atomic():
        current = Realisation.objects.select_for_update().get(pk=realisation.pk)
        if current.state not in transition.sources:
            raise RealisationError(_state_message(transition, current.state, meanwhile=True))
        _refuse_locked_quarter(realisation.period)
        if expected_version is not None and current.version != expected_version:
            raise RealisationConflict(_conflict_message(), current)
        if transition.not_by_submitter and _is_submitter(user, current):
            raise RealisationError(_separation_message(action))
        values = values_for(current)
        # A conditional UPDATE on what was read: of two concurrent decisions only one wins.
        updated = Realisation.objects.filter(
            pk=current.pk, state=current.state, version=current.version
        ).update(state=transition.target, version=F("version") + 1, **values)
        if not updated:
            current.refresh_from_db(fields=["state", "version"])
            raise RealisationError(_state_message(transition, current.state, meanwhile=True))
        before: dict[str, Any] = {"state": current.state}
        after: dict[str, Any] = {"state": transition.target}
        for name, value in values.items():
            key = f"{name}_id" if name.endswith("_by") else name
            before[name] = getattr(current, key)
            after[name] = value.pk if hasattr(value, "pk") else value
        data: dict[str, Any] = {}
        if review is not None:
            verdict, comment, notes = review
            row = Review.objects.create(
                realisation=current,
                reviewer=user,
                verdict=verdict,
                comment=comment,
                realisation_version=current.version,
            )
            EvidenceReview.objects.bulk_create(
                EvidenceReview(review=row, evidence_id=pk, accepted=accepted, comment=text)
                for pk, (accepted, text) in sorted(notes.items())
            )
            data = {"review_id": row.pk, "comment": comment}
            if notes:
                titles = dict(
                    Evidence.objects.filter(pk__in=list(notes)).values_list("pk", "title")
                )
                data["evidence_notes"] = {
                    titles.get(pk, str(pk)): " — ".join(
                        part
                        for part in (
                            str(_("diterima") if accepted else _("tidak diterima")),
                            text,
                        )
                        if part
                    )
                    for pk, (accepted, text) in sorted(notes.items())
                }
        record(
            user,
            transition.log_action,
            plan=current.plan,
            obj=current,
            before=before,
            after=after,
            **data,
        )

    realisation.state = transition.target
    realisation.version = current.version + 1
    for name, value in values.items():
        setattr(realisation, name, value)
    return realisation


# -- locks of the submission chain ----------------------------------------------------------------


def _refuse_locked_quarter(period: SchedulePeriod) -> None:
    """A period in a quarter whose package was sent (renaksi/submissions/locks.py) changes
    only after the package is returned or reopened."""
    quarter = schedule_period_locked(period)
    if quarter is not None:
        raise RealisationError(locked_message(quarter))


# -- messages -----------------------------------------------------------------------------------


def _conflict_message() -> str:
    return _(
        "Realisasi ini sudah diubah oleh orang lain sejak Anda membukanya. Isian Anda belum "
        "disimpan dan masih ada di formulir; periksa isian terkini di bawah, lalu simpan lagi "
        "bila perlu."
    )


def _not_editable_message(state: str) -> str:
    if state == State.SUBMITTED:
        return _(
            "Realisasi ini sedang menunggu verifikasi dan tidak dapat diubah. Tarik kembali "
            "pengajuannya lebih dulu bila perlu diperbaiki."
        )
    if state == State.VERIFIED:
        return _(
            "Realisasi ini sudah terverifikasi dan tidak dapat diubah, kecuali Tim Asesor "
            "membukanya kembali."
        )
    return _("Realisasi ini tidak dapat diubah sekarang.")


def _state_message(transition: Transition, state: str, *, meanwhile: bool = False) -> str:
    label = State(state).label if state in State.values else state
    if meanwhile:
        prefix = _("Status verifikasi realisasi ini baru saja berubah menjadi “%(state)s”.")
    else:
        prefix = _("Realisasi ini berstatus “%(state)s”.")
    return f"{prefix % {'state': label}} {transition.rule}"


def _separation_message(action: str) -> str:
    return _(
        "Anda yang mengajukan realisasi ini, jadi tidak dapat sekaligus memverifikasi, "
        "mengembalikan, atau membukanya kembali; anggota Tim Asesor lain yang memutuskan."
    )


# -- lists ----------------------------------------------------------------------------------------


def with_current_evidence_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        has_evidence=Exists(Evidence.objects.filter(realisation=OuterRef("pk"), is_current=True))
    )


__all__ = [
    "TRANSITIONS",
    "RealisationConflict",
    "RealisationError",
    "available_actions",
    "is_late",
    "may",
    "missing_evidence_kinds",
    "record_unscheduled",
    "reopen",
    "return_",
    "reused_files",
    "save_realisation",
    "submit",
    "verified_evidence",
    "verify",
    "withdraw",
]
