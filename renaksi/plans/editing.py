"""Editing a plan: its decree fields and every row of its tree (the editor's services).

Every function here is what the editor page calls, and what a future API or a command would
call: each one

* checks ``CHANGE_PLAN`` on the plan itself (``PermissionDenied``);
* locks the plan row and refuses when the plan is not editable (draft or returned): an
  approved or submitted plan is changed only after it is reopened or returned (``PlanError``);
* validates every value as the model field does (length, range, choices), refuses control
  characters (renaksi/core/validators.py), checks numbering and targets by kind, and raises a
  ``ValidationError`` whose keys are the field names;
* changes a row only if it is still at the version the person saw
  (``filter(pk=…, version=expected)``): when someone else changed it meanwhile it raises
  ``EditConflict`` and changes nothing;
* raises the plan's ``version`` as well, and writes the audit trail with the values before and
  after of the fields that changed, all in one transaction.

Positions stay dense (1…n) and unique among siblings: rows are moved out of the way by
``POSITION_OFFSET`` first, so that the unique constraints hold after every statement.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renaksi.access.policy import CHANGE_PLAN
from renaksi.audit.models import LogEntry
from renaksi.audit.services import build, record
from renaksi.core.validators import validate_single_line, validate_text
from renaksi.work import periods as work_periods
from renaksi.work.models import Evidence, EvidenceKind, Realisation

from .models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from .services import PlanError

# Moved rows are parked this far up first; far above any real position or number (and below
# the 32767 of a small integer).
POSITION_OFFSET = 20000
# The longest text accepted in a TextField (names, notes); the model sets no limit.
TEXT_MAX_LENGTH = 5000
# The highest number of an activity or sub-activity.
NUMBER_MAX = 999
# The longest clause (Menimbang, Mengingat, …) list, and the longest label of one item.
CLAUSE_MAX_ITEMS = 100
CLAUSE_LABEL_MAX_LENGTH = 10

LEVELS = ("area", "activity", "sub_activity", "indicator")
LEVEL_MODELS: dict[str, type[models.Model]] = {
    "area": PlanArea,
    "activity": Activity,
    "sub_activity": SubActivity,
    "indicator": Indicator,
}
# The foreign key from each level to its parent (the plan for an area), and the child level.
PARENT_FIELD = {
    "area": "plan",
    "activity": "area",
    "sub_activity": "activity",
    "indicator": "sub_activity",
}
CHILD_LEVEL = {"area": "activity", "activity": "sub_activity", "sub_activity": "indicator"}
# The path from a row to its plan.
PLAN_PATH = {
    "area": "plan",
    "activity": "area__plan",
    "sub_activity": "activity__area__plan",
    "indicator": "sub_activity__activity__area__plan",
}
# The fields a person edits on each level (the schedule has its own service).
EDIT_FIELDS = {
    "area": ("number", "name", "change_area"),
    "activity": ("number", "name"),
    "sub_activity": (
        "number",
        "name",
        "pic_text",
        "target_text",
        "output_text",
        "budget_text",
        "note",
    ),
    "indicator": ("label", "text", "kind", "target_value", "unit_of_measure", "expected_evidence"),
}
DECREE_FIELDS = (
    "decree_number",
    "decree_title",
    "decree_subject",
    "decree_place",
    "decree_date",
    "signer_name",
    "signer_title",
    "certifier_name",
    "certifier_title",
    "budget_reference",
    "considerations",
    "legal_bases",
    "notes_considered",
    "dictums",
    "schedule_kind",
    "report_due_day",
)
CLAUSE_FIELDS = ("considerations", "legal_bases", "notes_considered", "dictums")

LEVEL_NAMES = {
    "area": gettext_lazy("area"),
    "activity": gettext_lazy("kegiatan"),
    "sub_activity": gettext_lazy("sub kegiatan"),
    "indicator": gettext_lazy("indikator"),
}


class EditConflict(PlanError):
    """The row changed since the person loaded it. ``current``: the row as it is now."""

    def __init__(self, message: str, current: models.Model | None = None):
        super().__init__(message)
        self.current = current


class NeedsConfirmation(PlanError):
    """Deleting this row deletes rows below it: ask first. ``counts``: what would go."""

    def __init__(self, message: str, counts: dict[str, int]):
        super().__init__(message)
        self.counts = counts


def _conflict(level: str, current: models.Model | None) -> EditConflict:
    if current is None:
        return EditConflict(
            _("%(level)s ini sudah dihapus oleh orang lain. Muat ulang halaman editor.")
            % {"level": str(LEVEL_NAMES[level]).capitalize()}
        )
    return EditConflict(
        _(
            "%(level)s ini sudah diubah oleh orang lain sejak Anda membukanya. Isian Anda "
            "belum disimpan; periksa nilai terkini lalu simpan lagi bila perlu."
        )
        % {"level": str(LEVEL_NAMES[level]).capitalize()},
        current,
    )


# -- the plan: permission, state, version -----------------------------------------------------


def plan_of(obj: models.Model) -> ActionPlan:
    """The plan a row belongs to (from the relations the loader selected)."""
    if isinstance(obj, ActionPlan):
        return obj
    if isinstance(obj, PlanArea):
        return obj.plan
    if isinstance(obj, Activity):
        return obj.area.plan
    if isinstance(obj, SubActivity):
        return obj.activity.area.plan
    if isinstance(obj, Indicator):
        return obj.sub_activity.activity.area.plan
    raise TypeError(f"not a plan row: {obj!r}")


def level_of(obj: models.Model) -> str:
    for level, model in LEVEL_MODELS.items():
        if isinstance(obj, model):
            return level
    raise TypeError(f"not a plan row: {obj!r}")


def _check_permission(user, plan: ActionPlan) -> None:
    if not user.has_perm(CHANGE_PLAN, plan):
        raise PermissionDenied


def _lock_editable_plan(plan: ActionPlan) -> ActionPlan:
    """Lock the plan row (edits of one plan run one after another) and check its state."""
    current = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not current.is_editable:
        raise PlanError(not_editable_message(current))
    return current


def not_editable_message(plan: ActionPlan) -> str:
    if plan.status == ActionPlan.Status.SUBMITTED:
        return _(
            "Rencana aksi ini sedang diajukan ke Tim Pengarah dan tidak dapat diubah. Tarik "
            "kembali pengajuannya atau tunggu dikembalikan untuk diperbaiki."
        )
    if plan.status == ActionPlan.Status.DITETAPKAN:
        return _(
            "Rencana aksi ini sudah ditetapkan. Rencana aksi yang ditetapkan hanya dapat "
            "diubah setelah dibuka kembali oleh Tim Pengarah dengan alasan yang dicatat."
        )
    return _("Rencana aksi berstatus %(status)s tidak dapat diubah.") % {
        "status": plan.get_status_display()
    }


def _bump_plan(plan: ActionPlan) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    plan.version = ActionPlan.objects.values_list("version", flat=True).get(pk=plan.pk)


# -- validation -------------------------------------------------------------------------------


def _clean_field(model: type[models.Model], name: str, value, errors: dict) -> object:
    """``value`` cleaned as the model field would (type, length, range, choices, blank), with
    control characters refused; a problem goes into ``errors[name]``."""
    field = model._meta.get_field(name)
    if isinstance(value, str):
        value = value.strip()
    if isinstance(field, models.ForeignKey):
        value = value.pk if isinstance(value, models.Model) else value
        if value in ("", None):
            if not field.null:
                errors[name] = [_("Isian ini wajib diisi.")]
            return None
    elif field.null and value == "":
        value = None
    elif value is None and isinstance(field, (models.CharField, models.TextField)):
        value = ""
    if value in ("", None) and not (field.blank if value == "" else field.null):
        errors[name] = [_("Isian ini wajib diisi.")]
        return value
    if isinstance(field, (models.CharField, models.TextField)):
        value = "" if value is None else value
        if not isinstance(value, str):
            errors[name] = [_("Isian ini harus berupa teks.")]
            return value
        try:
            if isinstance(field, models.TextField):
                validate_text(value)
                if len(value) > TEXT_MAX_LENGTH:
                    raise ValidationError(
                        _("Paling banyak %(limit)d karakter (sekarang %(length)d).")
                        % {"limit": TEXT_MAX_LENGTH, "length": len(value)}
                    )
            else:
                validate_single_line(value)
        except ValidationError as error:
            errors[name] = error.messages
            return value
    try:
        return field.clean(value, None)
    except ValidationError as error:
        errors[name] = error.messages
        return value


def _clean(model: type[models.Model], values: dict, names: Iterable[str]) -> dict:
    """The values of ``names`` present in ``values``, cleaned; unknown names are refused."""
    unknown = set(values) - set(names)
    if unknown:
        raise ValidationError(
            {name: [_("Isian ini tidak dapat diubah di sini.")] for name in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    cleaned = {name: _clean_field(model, name, values[name], errors) for name in values}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_number(value, errors: dict, name: str = "number") -> None:
    if name in errors or value is None:
        return
    if not 1 <= value <= NUMBER_MAX:
        errors[name] = [
            _("Nomor harus di antara 1 dan %(limit)d.") % {"limit": NUMBER_MAX},
        ]


def check_indicator_target(kind: str, target, unit_of_measure: str = "") -> dict:
    """Problems with an indicator's target, by field: a value needs a kind; a percentage is
    0–100; a count (jumlah, dokumen) is a whole number ≥ 0; an index is ≥ 0."""
    errors: dict[str, list[str]] = {}
    if target is None:
        return errors
    if not kind:
        errors["kind"] = [_("Pilih jenis target untuk nilai target ini.")]
        return errors
    if target < 0:
        errors["target_value"] = [_("Nilai target tidak boleh negatif.")]
    elif kind == Indicator.Kind.PERSENTASE and target > 100:
        errors["target_value"] = [_("Target persentase harus di antara 0 dan 100.")]
    elif kind in (Indicator.Kind.JUMLAH, Indicator.Kind.DOKUMEN) and target != target.to_integral():
        errors["target_value"] = [
            _("Target %(kind)s harus bilangan bulat (tanpa desimal).")
            % {"kind": Indicator.Kind(kind).label.lower()}
        ]
    return errors


_LABEL = re.compile(r"^\s*(\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\))\s+")


def parse_clauses(text: str) -> list[dict]:
    """A numbered list typed one item per line ("a. …", "1. …", "(1) …") as stored items."""
    items = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        match = _LABEL.match(line)
        label = match.group(1) if match else ""
        items.append({"label": label, "text": line[match.end() :] if match else line})
    return items


def clauses_as_text(items) -> str:
    return "\n".join(
        f"{item.get('label', '')} {item.get('text', '')}".strip() for item in items or []
    )


def _clean_clauses(name: str, value, errors: dict) -> list[dict]:
    if isinstance(value, str):
        value = parse_clauses(value)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors[name] = [_("Daftar ini tidak terbaca.")]
        return []
    if len(value) > CLAUSE_MAX_ITEMS:
        errors[name] = [
            _("Paling banyak %(limit)d butir (sekarang %(count)d).")
            % {"limit": CLAUSE_MAX_ITEMS, "count": len(value)}
        ]
        return value
    items = []
    for index, item in enumerate(value, start=1):
        label = str(item.get("label", "")).strip()
        text = str(item.get("text", "")).strip()
        try:
            validate_single_line(label)
            validate_text(text)
            if len(label) > CLAUSE_LABEL_MAX_LENGTH:
                raise ValidationError(
                    _("Nomor butir paling banyak %(limit)d karakter.")
                    % {"limit": CLAUSE_LABEL_MAX_LENGTH}
                )
            if not text:
                raise ValidationError(_("Butir tanpa teks."))
            if len(text) > TEXT_MAX_LENGTH:
                raise ValidationError(
                    _("Paling banyak %(limit)d karakter per butir.") % {"limit": TEXT_MAX_LENGTH}
                )
        except ValidationError as error:
            errors[name] = [
                _("Butir ke-%(index)d: %(problem)s")
                % {"index": index, "problem": " ".join(error.messages)}
            ]
            return value
        entry = {"label": label, "text": text}
        if item.get("line") is not None:
            entry["line"] = item["line"]
        items.append(entry)
    return items


def _keep_lines(old: list, new: list[dict]) -> list[dict]:
    """Items left as they were keep the source line they were read from."""
    lines = {(item.get("label"), item.get("text")): item.get("line") for item in old or []}
    for item in new:
        line = lines.get((item["label"], item["text"]))
        if line is not None and "line" not in item:
            item["line"] = line
    return new


# -- the audit values -------------------------------------------------------------------------


def _audit_value(obj: models.Model, name: str):
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname)
    value = getattr(obj, name)
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _comparable(field: models.Field, value):
    if isinstance(field, models.ForeignKey):
        return value.pk if isinstance(value, models.Model) else value
    return value


def _changes(obj: models.Model, cleaned: dict) -> tuple[dict, dict, dict]:
    """(update kwargs, before, after) for the fields whose value differs from ``obj``."""
    update, before, after = {}, {}, {}
    for name, value in cleaned.items():
        field = obj._meta.get_field(name)
        old = _comparable(field, getattr(obj, field.attname))
        new = _comparable(field, value)
        if old != new:
            update[field.attname if isinstance(field, models.ForeignKey) else name] = new
            before[name] = _audit_value(obj, name)
            after[name] = str(new) if isinstance(new, decimal.Decimal) else new
    return update, before, after


# -- the decree -------------------------------------------------------------------------------


def update_decree(
    user: User | AnonymousUser, plan: ActionPlan, values: dict, *, expected_version: int
) -> ActionPlan:
    """Change the decree fields of ``plan`` (number, title, subject, place, date, signer,
    certifier, the clause lists, the budget reference, the schedule kind).

    A clause list is a list of ``{"label", "text"}`` or a text with one item per line. The
    schedule kind changes only when every sub-activity's schedule can be carried over: a
    quarter becomes its three months; months become quarters only when they fill whole
    quarters. Recorded as ``plan.decree_changed`` (and ``plan.schedule_changed`` per converted
    sub-activity).
    """
    _check_permission(user, plan)
    clauses = {name: values[name] for name in CLAUSE_FIELDS if name in values}
    plain = {name: value for name, value in values.items() if name not in CLAUSE_FIELDS}
    errors: dict[str, list[str]] = {}
    try:
        cleaned = _clean(ActionPlan, plain, DECREE_FIELDS)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = {}
    for name, value in clauses.items():
        cleaned[name] = _clean_clauses(name, value, errors)
    if "report_due_day" in errors and "report_due_day" in plain:
        errors["report_due_day"] = [
            _("Batas laporan harus tanggal 1 sampai 28 pada bulan berikutnya.")
        ]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        current = _lock_editable_plan(plan)
        for name in CLAUSE_FIELDS:
            if name in cleaned:
                cleaned[name] = _keep_lines(getattr(current, name), cleaned[name])
        update, before, after = _changes(current, cleaned)
        conversions = []
        if "schedule_kind" in update:
            _refuse_kind_change_with_work(current)
            conversions = _convert_schedules(current, update["schedule_kind"])
        if not update:
            return current
        updated = ActionPlan.objects.filter(pk=plan.pk, version=expected_version).update(
            **update, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise _conflict_for_plan(current)
        if conversions:
            SubActivity.objects.bulk_update([sub for sub, _ in conversions], ["schedule"])
            SubActivity.objects.filter(pk__in=[sub.pk for sub, _ in conversions]).update(
                version=F("version") + 1
            )
        if "schedule_kind" in update or "report_due_day" in update:
            # Other periods, other due dates: the rows follow the plan as saved.
            for name in ("schedule_kind", "report_due_day"):
                setattr(current, name, update.get(name, getattr(current, name)))
            work_periods.sync_plan_periods(current)
        record(user, "plan.decree_changed", plan=current, obj=current, before=before, after=after)
        LogEntry.objects.bulk_create(
            build(
                user,
                "plan.schedule_changed",
                plan=current,
                obj=sub,
                before={"schedule": old},
                after={"schedule": sub.schedule},
                reason="schedule_kind",
            )
            for sub, old in conversions
        )
    current.refresh_from_db()
    return current


def _conflict_for_plan(current: ActionPlan) -> EditConflict:
    return EditConflict(
        _(
            "Data keputusan sudah diubah oleh orang lain sejak Anda membukanya. Isian Anda "
            "belum disimpan; periksa nilai terkini lalu simpan lagi bila perlu."
        ),
        current,
    )


def _refuse_kind_change_with_work(plan: ActionPlan) -> None:
    """A period's number means a month or a quarter by the schedule kind: once work is
    recorded on a period, the kind may not change under it."""
    held = Realisation.objects.filter(plan=plan, sub_activity__isnull=False).count()
    if held:
        raise ValidationError(
            {
                "schedule_kind": [
                    _(
                        "Jenis jadwal tidak dapat diubah: sudah ada %(count)d realisasi yang "
                        "tercatat pada periode jadwal rencana aksi ini."
                    )
                    % {"count": held}
                ]
            }
        )


def _convert_schedules(plan: ActionPlan, kind: str) -> list[tuple[SubActivity, int]]:
    """Each scheduled sub-activity with its schedule in ``kind``, and its old schedule."""
    subs = SubActivity.objects.filter(activity__area__plan=plan).exclude(schedule=0)
    converted, refused = [], []
    for sub in subs:
        old = sub.schedule
        if kind == ActionPlan.Schedule.MONTH:
            sub.schedule = sum(0b111 << (3 * q) for q in range(4) if old & (1 << q))
        else:
            quarters = 0
            for quarter in range(4):
                bits = (old >> (3 * quarter)) & 0b111
                if bits == 0b111:
                    quarters |= 1 << quarter
                elif bits:
                    refused.append(sub)
                    break
            sub.schedule = quarters
        converted.append((sub, old))
    if refused:
        raise ValidationError(
            {
                "schedule_kind": [
                    _(
                        "Jadwal %(count)d sub kegiatan tidak dapat diubah ke triwulan karena "
                        "bulannya tidak mengisi triwulan utuh (misalnya %(example)s). Ubah "
                        "jadwalnya dulu."
                    )
                    % {"count": len(refused), "example": refused[0].name[:80]}
                ]
            }
        )
    return converted


# -- rows: add, change, move, delete ----------------------------------------------------------


def _siblings(level: str, parent) -> models.QuerySet:
    return LEVEL_MODELS[level]._default_manager.filter(**{PARENT_FIELD[level]: parent})


def _validate_row(level: str, plan: ActionPlan, parent, obj, cleaned: dict) -> None:
    """Numbering, the area's standard area, and the target by kind (after the field checks)."""
    errors: dict[str, list[str]] = {}
    if level in ("activity", "sub_activity") and "number" in cleaned:
        _check_number(cleaned["number"], errors)
        if "number" not in errors and (obj is None or obj.number != cleaned["number"]):
            clash = _siblings(level, parent).filter(number=cleaned["number"])
            if obj is not None:
                clash = clash.exclude(pk=obj.pk)
            if clash.exists():
                errors["number"] = [
                    _("Nomor %(number)d sudah dipakai %(level)s lain di bawah induk yang sama.")
                    % {"number": cleaned["number"], "level": LEVEL_NAMES[level]}
                ]
    if level == "area":
        if "number" in cleaned:
            _check_number(cleaned["number"], errors)
            if "number" not in errors:
                clash = PlanArea.objects.filter(plan=plan, number=cleaned["number"])
                if obj is not None:
                    clash = clash.exclude(pk=obj.pk)
                if clash.exists():
                    errors["number"] = [
                        _("Nomor area %(number)d sudah dipakai area lain.")
                        % {"number": cleaned["number"]}
                    ]
        if "change_area" in cleaned:
            clash = PlanArea.objects.filter(plan=plan, change_area=cleaned["change_area"])
            if obj is not None:
                clash = clash.exclude(pk=obj.pk)
            if clash.exists():
                errors["change_area"] = [
                    _("Area perubahan baku ini sudah dipakai area lain dalam rencana aksi ini.")
                ]
    if level == "indicator" and "expected_evidence" in cleaned:
        kinds = cleaned["expected_evidence"]
        if kinds in (None, ""):
            kinds = []
        if not isinstance(kinds, list) or any(kind not in EvidenceKind.values for kind in kinds):
            errors["expected_evidence"] = [_("Pilih jenis bukti dukung dari daftar yang ada.")]
        else:
            # The order of the list, each kind once: the same choice compares equal.
            cleaned["expected_evidence"] = [kind for kind in EvidenceKind.values if kind in kinds]
    if level == "indicator":
        kind = cleaned.get("kind", obj.kind if obj is not None else "")
        target = cleaned.get("target_value", obj.target_value if obj is not None else None)
        errors.update(check_indicator_target(kind, target))
    if errors:
        raise ValidationError(errors)


def _refetch(level: str, obj: models.Model) -> models.Model | None:
    """The row as it is now (None if it was deleted), with its plan path selected."""
    return (
        LEVEL_MODELS[level]
        ._default_manager.select_related(PLAN_PATH[level] + "__unit")
        .filter(pk=obj.pk)
        .first()
    )


def _resolve_findings(user, plan, obj, level: str, finding_ids, corrected: bool) -> int:
    """Mark the given open findings of ``obj`` resolved: corrected (the row was changed) or
    confirmed (saved as it was). Returns how many."""
    ids = list(finding_ids or [])
    if not ids:
        return 0
    findings = list(
        ImportFinding.objects.select_for_update().filter(
            plan=plan, pk__in=ids, confirmed_at__isnull=True, **{level: obj}
        )
    )
    if not findings:
        return 0
    now = timezone.now()
    resolution = (
        ImportFinding.Resolution.CORRECTED if corrected else ImportFinding.Resolution.CONFIRMED
    )
    ImportFinding.objects.filter(pk__in=[f.pk for f in findings]).update(
        confirmed_by=user, confirmed_at=now, resolution=resolution
    )
    action = "plan.finding_resolved" if corrected else "plan.finding_confirmed"
    LogEntry.objects.bulk_create(
        build(
            user,
            action,
            plan=plan,
            obj=finding,
            kind=finding.kind,
            message=finding.message,
            row={"level": level, "id": obj.pk},
        )
        for finding in findings
    )
    return len(findings)


@dataclass
class RowResult:
    """What an edit did: the row as saved, and how many findings it resolved."""

    obj: models.Model
    changed: dict
    resolved: int = 0


def add_row(
    user: User | AnonymousUser, level: str, parent: models.Model, values: dict
) -> models.Model:
    """Add a row of ``level`` at the end of ``parent`` (the plan for an area).

    An activity or sub-activity without a number gets the next one; an area without a name
    takes its standard area's. Recorded as ``plan.<level>_added``.
    """
    if level not in LEVEL_MODELS:
        raise ValidationError({"level": [_("Jenis baris tidak dikenal.")]})
    expected_parent = (
        ActionPlan if level == "area" else LEVEL_MODELS[LEVELS[LEVELS.index(level) - 1]]
    )
    if not isinstance(parent, expected_parent):
        raise ValidationError({"parent": [_("Induk ini tidak dapat memuat baris jenis itu.")]})
    plan = plan_of(parent)
    _check_permission(user, plan)
    model = LEVEL_MODELS[level]
    values = dict(values)
    change_area = values.get("change_area") if level == "area" else None
    if change_area not in (None, "") and not isinstance(change_area, ChangeArea):
        change_area = (
            ChangeArea.objects.filter(pk=change_area).first()
            if str(change_area).isdigit()
            else None
        )
    if isinstance(change_area, ChangeArea) and not values.get("name"):
        values["name"] = change_area.name
    with transaction.atomic():
        current_plan = _lock_editable_plan(plan)
        siblings = _siblings(level, parent)
        if level in ("activity", "sub_activity", "area") and values.get("number") in (None, ""):
            top = siblings.aggregate(top=Max("number"))["top"] or 0
            if isinstance(change_area, ChangeArea):
                number = change_area.number
                if not siblings.filter(number=number).exists():
                    top = number - 1
            values["number"] = top + 1
        cleaned = _clean(model, values, EDIT_FIELDS[level])
        for name in ("name", "text"):
            if name in EDIT_FIELDS[level] and not cleaned.get(name):
                raise ValidationError({name: [_("Isian ini wajib diisi.")]})
        if level == "area" and not cleaned.get("change_area"):
            raise ValidationError({"change_area": [_("Pilih area perubahan baku.")]})
        _validate_row(level, current_plan, parent, None, cleaned)
        obj = model(
            **{PARENT_FIELD[level]: parent},
            **{model._meta.get_field(name).attname: value for name, value in cleaned.items()},
        )
        if level != "area":
            obj.position = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1
        obj.save()
        if level == "sub_activity":
            # A new sub-activity's periods (none while its schedule is empty; no query then).
            rows = work_periods.new_periods(current_plan, obj.pk, obj.schedule)
            if rows:
                work_periods.SchedulePeriod.objects.bulk_create(rows)
        _bump_plan(plan)
        after = {name: _audit_value(obj, name) for name in cleaned}
        if level != "area":
            after["position"] = obj.position
        record(user, f"plan.{level}_added", plan=plan, obj=obj, after=after)
    return obj


def update_row(
    user: User | AnonymousUser,
    obj: models.Model,
    values: dict,
    *,
    expected_version: int,
    resolve_findings: Iterable[int] = (),
) -> RowResult:
    """Change the fields of one row (see ``EDIT_FIELDS``) if it is still at
    ``expected_version``; ``resolve_findings``: ids of its open findings to mark resolved.
    Recorded as ``plan.<level>_changed`` with the changed fields before and after."""
    level = level_of(obj)
    plan = plan_of(obj)
    _check_permission(user, plan)
    model = LEVEL_MODELS[level]
    cleaned = _clean(model, values, EDIT_FIELDS[level])
    for name in ("name", "text"):
        if name in cleaned and not cleaned[name]:
            raise ValidationError({name: [_("Isian ini wajib diisi.")]})
    with transaction.atomic():
        current_plan = _lock_editable_plan(plan)
        current = _refetch(level, obj)
        if current is None:
            raise _conflict(level, None)
        parent = getattr(current, PARENT_FIELD[level])
        _validate_row(level, current_plan, parent, current, cleaned)
        update, before, after = _changes(current, cleaned)
        if update:
            updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
                **update, version=F("version") + 1
            )
            if not updated:
                raise _conflict(level, current)
            _bump_plan(plan)
            record(
                user, f"plan.{level}_changed", plan=plan, obj=current, before=before, after=after
            )
        resolved = _resolve_findings(
            user, plan, current, level, resolve_findings, corrected=bool(update)
        )
    current = _refetch(level, obj)
    return RowResult(current, after, resolved)


def save_row(
    user: User | AnonymousUser,
    obj: models.Model,
    values: dict,
    *,
    expected_version: int,
    parent: models.Model | None = None,
    resolve_findings: Iterable[int] = (),
) -> RowResult:
    """``update_row`` and, when ``parent`` is another row, ``move_row_to`` it: both or
    neither (one transaction)."""
    with transaction.atomic():
        result = update_row(
            user,
            obj,
            values,
            expected_version=expected_version,
            resolve_findings=resolve_findings,
        )
        current_parent_id = getattr(result.obj, PARENT_FIELD[level_of(obj)] + "_id", None)
        if parent is not None and parent.pk != current_parent_id:
            result.obj = move_row_to(user, result.obj, parent, expected_version=result.obj.version)
            result.changed[PARENT_FIELD[level_of(obj)]] = parent.pk
    return result


def set_schedule(
    user: User | AnonymousUser, sub: SubActivity, periods: Iterable[int], *, expected_version: int
) -> SubActivity:
    """Set the months (1–12) of a monthly plan's sub-activity, or the quarters (1–4) of a
    quarterly plan's. Recorded as ``plan.schedule_changed``."""
    plan = plan_of(sub)
    _check_permission(user, plan)
    with transaction.atomic():
        current_plan = _lock_editable_plan(plan)
        mask = schedule_mask(periods, current_plan.schedule_kind)
        current = _refetch("sub_activity", sub)
        if current is None:
            raise _conflict("sub_activity", None)
        if current.schedule == mask:
            return current
        updated = SubActivity.objects.filter(pk=sub.pk, version=expected_version).update(
            schedule=mask, version=F("version") + 1
        )
        if not updated:
            raise _conflict("sub_activity", current)
        # The periods follow (a month with recorded work stays, planned=False).
        work_periods.sync_plan_periods(current_plan, [sub.pk])
        _bump_plan(plan)
        record(
            user,
            "plan.schedule_changed",
            plan=plan,
            obj=current,
            before={"schedule": current.schedule, "periods": _periods(current.schedule)},
            after={"schedule": mask, "periods": _periods(mask)},
        )
    return _refetch("sub_activity", sub)


def _periods(mask: int) -> list[int]:
    return [index + 1 for index in range(12) if mask & (1 << index)]


def schedule_mask(periods: Iterable[int], schedule_kind: str) -> int:
    """The schedule bits of ``periods`` (months 1–12, or quarters 1–4 for a quarterly plan)."""
    count = 4 if schedule_kind == ActionPlan.Schedule.QUARTER else 12
    mask = 0
    for period in periods:
        try:
            period = int(period)
        except (TypeError, ValueError):
            period = 0
        if not 1 <= period <= count:
            if count == 4:
                message = _("Triwulan harus di antara 1 dan 4.")
            else:
                message = _("Bulan harus di antara 1 dan 12.")
            raise ValidationError({"schedule": [message]})
        mask |= 1 << (period - 1)
    return mask


def _park_and_shift(queryset: models.QuerySet, field: str, delta: int) -> None:
    """Add ``delta`` to ``field`` of every row of ``queryset`` without two rows ever sharing a
    value: park them at ``POSITION_OFFSET`` first."""
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    model = queryset.model
    model._default_manager.filter(pk__in=ids).update(**{field: F(field) + POSITION_OFFSET})
    model._default_manager.filter(pk__in=ids).update(**{field: F(field) - POSITION_OFFSET + delta})


def _sequential(rows: list, field: str = "number") -> bool:
    return [getattr(row, field) for row in rows] == list(range(1, len(rows) + 1))


def move_row(
    user: User | AnonymousUser, obj: models.Model, direction: str, *, expected_version: int
) -> models.Model:
    """Move a row one place up or down among its siblings (``direction``: "up"/"down").

    An area swaps its number with its neighbour's; an activity or sub-activity swaps its
    position and, when its siblings are numbered 1…n in order, its number. Recorded as
    ``plan.<level>_moved``.
    """
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("Arah pindah tidak dikenal.")]})
    level = level_of(obj)
    plan = plan_of(obj)
    _check_permission(user, plan)
    model = LEVEL_MODELS[level]
    order_field = "number" if level == "area" else "position"
    with transaction.atomic():
        _lock_editable_plan(plan)
        current = _refetch(level, obj)
        if current is None:
            raise _conflict(level, None)
        parent = getattr(current, PARENT_FIELD[level])
        siblings = list(_siblings(level, parent).order_by(order_field, "pk"))
        index = next(i for i, row in enumerate(siblings) if row.pk == current.pk)
        other_index = index - 1 if direction == "up" else index + 1
        if not 0 <= other_index < len(siblings):
            if direction == "up":
                message = _("%(level)s ini sudah di urutan pertama.")
            else:
                message = _("%(level)s ini sudah di urutan terakhir.")
            raise PlanError(message % {"level": str(LEVEL_NAMES[level]).capitalize()})
        other = siblings[other_index]
        fields = [order_field]
        if level in ("activity", "sub_activity") and _sequential(siblings):
            fields.append("number")
        mine = {name: getattr(current, name) for name in fields}
        theirs = {name: getattr(other, name) for name in fields}
        # Park this row, move the neighbour into its place, then this row into the neighbour's.
        updated = model._default_manager.filter(pk=current.pk, version=expected_version).update(
            **{name: value + POSITION_OFFSET for name, value in mine.items()},
            version=F("version") + 1,
        )
        if not updated:
            raise _conflict(level, current)
        model._default_manager.filter(pk=other.pk).update(**mine, version=F("version") + 1)
        model._default_manager.filter(pk=current.pk).update(**theirs)
        _bump_plan(plan)
        record(
            user,
            f"plan.{level}_moved",
            plan=plan,
            obj=current,
            direction=direction,
            before=mine,
            after=theirs,
            swapped_with={"id": other.pk, "name": str(other)[:200]},
        )
    return _refetch(level, obj)


def move_row_to(
    user: User | AnonymousUser,
    obj: models.Model,
    new_parent: models.Model,
    *,
    expected_version: int,
) -> models.Model:
    """Move an activity to another area, a sub-activity to another activity or an indicator
    to another sub-activity of the same plan; it goes last there. Positions close up behind
    it, and numbers too where they ran 1…n. Recorded as ``plan.<level>_moved``."""
    level = level_of(obj)
    if level == "area":
        raise ValidationError({"parent": [_("Area tidak dapat dipindahkan ke induk lain.")]})
    plan = plan_of(obj)
    _check_permission(user, plan)
    if plan_of(new_parent).pk != plan.pk or level_of(new_parent) != LEVELS[LEVELS.index(level) - 1]:
        raise ValidationError({"parent": [_("Induk yang dipilih bukan bagian rencana aksi ini.")]})
    model = LEVEL_MODELS[level]
    parent_field = PARENT_FIELD[level]
    with transaction.atomic():
        _lock_editable_plan(plan)
        current = _refetch(level, obj)
        if current is None:
            raise _conflict(level, None)
        old_parent = getattr(current, parent_field)
        if old_parent.pk == new_parent.pk:
            return current
        old_siblings = list(_siblings(level, old_parent).order_by("position", "pk"))
        renumber_old = level != "indicator" and _sequential(old_siblings)
        new_siblings = _siblings(level, new_parent)
        changes = {parent_field: new_parent}
        changes["position"] = (new_siblings.aggregate(top=Max("position"))["top"] or 0) + 1
        if level != "indicator":
            top = new_siblings.aggregate(top=Max("number"))["top"] or 0
            if current.number > top:
                changes["number"] = current.number
            else:
                changes["number"] = top + 1
        before = {
            parent_field: old_parent.pk,
            "position": current.position,
            **({"number": current.number} if level != "indicator" else {}),
        }
        updated = model._default_manager.filter(pk=current.pk, version=expected_version).update(
            **changes, version=F("version") + 1
        )
        if not updated:
            raise _conflict(level, current)
        behind = _siblings(level, old_parent).filter(position__gt=current.position)
        _park_and_shift(behind, "position", -1)
        if renumber_old:
            _park_and_shift(
                _siblings(level, old_parent).filter(number__gt=current.number), "number", -1
            )
        _bump_plan(plan)
        after = {**changes, parent_field: new_parent.pk}
        record(
            user,
            f"plan.{level}_moved",
            plan=plan,
            obj=current,
            before=before,
            after=after,
            parent={"from": str(old_parent)[:200], "to": str(new_parent)[:200]},
        )
    return _refetch(level, obj)


def subtree_counts(obj: models.Model) -> dict[str, int]:
    """How many rows below ``obj`` a delete would take with it, by level."""
    level = level_of(obj)
    counts: dict[str, int] = {}
    path = PARENT_FIELD[CHILD_LEVEL[level]] if level in CHILD_LEVEL else None
    child = CHILD_LEVEL.get(level)
    while child is not None:
        counts[child] = LEVEL_MODELS[child]._default_manager.filter(**{path: obj}).count()
        following = CHILD_LEVEL.get(child)
        if following is None:
            break
        path = f"{PARENT_FIELD[following]}__{path}"
        child = following
    return counts


def delete_row(
    user: User | AnonymousUser,
    obj: models.Model,
    *,
    expected_version: int,
    confirmed: bool = False,
) -> dict[str, int]:
    """Delete a row and everything below it. A row with rows below it needs ``confirmed``
    (``NeedsConfirmation`` otherwise). Siblings close up behind it (numbers too where they
    ran 1…n). One audit entry ``plan.<level>_deleted`` names the row and what went with it.
    Returns the counts of what went below it."""
    level = level_of(obj)
    plan = plan_of(obj)
    _check_permission(user, plan)
    model = LEVEL_MODELS[level]
    with transaction.atomic():
        _lock_editable_plan(plan)
        current = _refetch(level, obj)
        if current is None:
            raise _conflict(level, None)
        _refuse_delete_with_work(current, level)
        counts = subtree_counts(current)
        if any(counts.values()) and not confirmed:
            raise NeedsConfirmation(
                _("%(level)s ini memiliki isi di bawahnya. Konfirmasi untuk menghapus semuanya.")
                % {"level": str(LEVEL_NAMES[level]).capitalize()},
                counts,
            )
        parent = getattr(current, PARENT_FIELD[level])
        renumber = level in ("activity", "sub_activity") and _sequential(
            list(_siblings(level, parent).order_by("position", "pk"))
        )
        before = {name: _audit_value(current, name) for name in EDIT_FIELDS[level]}
        if level == "sub_activity":
            before["schedule"] = current.schedule
        children = _child_names(current, level)
        deleted, _by_model = model._default_manager.filter(
            pk=current.pk, version=expected_version
        ).delete()
        if not deleted:
            raise _conflict(level, current)
        if level != "area":
            _park_and_shift(
                _siblings(level, parent).filter(position__gt=current.position), "position", -1
            )
        if renumber:
            _park_and_shift(
                _siblings(level, parent).filter(number__gt=current.number), "number", -1
            )
        _bump_plan(plan)
        record(
            user,
            f"plan.{level}_deleted",
            plan=plan,
            obj=current,
            before=before,
            deleted=counts,
            children=children,
        )
    return counts


class RowHasWork(PlanError):
    """The row (or a row below it) holds recorded work: it may not be deleted. ``held``:
    what holds it, {verbose name plural: count}."""

    def __init__(self, message: str, held: dict[str, int]):
        super().__init__(message)
        self.held = held


def work_holding(obj: models.Model) -> dict[str, int]:
    """What recorded work points at ``obj`` or a row below it (realisations, achieved values,
    evidence …), {verbose name plural: number of rows}; empty when nothing does. Found through
    ``_meta`` like the importer's check (importer/tree.work_relations), so work added by
    later models is covered. One query per level below ``obj`` and kind of work."""
    from renaksi.importer.tree import work_relations

    level = level_of(obj)
    held: dict[str, int] = {}
    path = ""  # from a row of ``child`` up to ``obj``
    child = level
    while child is not None:
        for rel in work_relations(LEVEL_MODELS[child]):
            lookup = f"{rel.field.name}__{path}" if path else rel.field.name
            count = (
                rel.related_model._base_manager.filter(**{lookup: obj})
                .values("pk")
                .distinct()
                .count()
            )
            if count:
                name = str(rel.related_model._meta.verbose_name_plural)
                held[name] = held.get(name, 0) + count
        following = CHILD_LEVEL.get(child)
        if following is not None:
            path = f"{PARENT_FIELD[following]}__{path}" if path else PARENT_FIELD[following]
        child = following
    if level != "indicator" and held.get(str(Realisation._meta.verbose_name_plural)):
        # Evidence of those realisations, with the evidence proving an indicator below.
        to_sub = _path_to(level, "sub_activity")
        to_indicator = _path_to(level, "indicator")
        evidence = (
            Evidence.objects.filter(
                Q(
                    **{
                        f"realisation__sub_activity__{to_sub}"
                        if to_sub
                        else "realisation__sub_activity": obj
                    }
                )
                | Q(**{f"indicators__{to_indicator}": obj})
            )
            .values("pk")
            .distinct()
            .count()
        )
        held[str(Evidence._meta.verbose_name_plural)] = evidence
    return {name: count for name, count in held.items() if count}


def _path_to(level: str, child: str) -> str:
    """The lookup from a row of ``child`` up to its ancestor of ``level`` ('' if the same)."""
    parts = []
    while child != level:
        parts.append(PARENT_FIELD[child])
        child = LEVELS[LEVELS.index(child) - 1]
    return "__".join(parts)


def work_holding_message(level: str, held: dict[str, int]) -> str:
    """'Sub kegiatan ini tidak dapat dihapus: …' naming what holds it."""
    what = ", ".join(f"{count} {name}" for name, count in held.items())
    return _(
        "%(level)s ini tidak dapat dihapus karena sudah ada data pelaksanaan yang tercatat "
        "padanya atau pada isinya (%(what)s). Data itu tidak boleh hilang; bila kegiatannya "
        "tidak dilaksanakan lagi, kosongkan jadwalnya saja."
    ) % {"level": str(LEVEL_NAMES[level]).capitalize(), "what": what}


def _refuse_delete_with_work(obj: models.Model, level: str) -> None:
    held = work_holding(obj)
    if held:
        raise RowHasWork(work_holding_message(level, held), held)


def _child_names(obj: models.Model, level: str, limit: int = 50) -> list[str]:
    """The texts of the rows directly below ``obj`` (for the audit entry of a delete)."""
    child = CHILD_LEVEL.get(level)
    if child is None:
        return []
    rows = _siblings(child, obj).order_by("position" if child != "area" else "number")
    return [str(row)[:200] for row in rows[:limit]]


def confirmation_counts_text(counts: dict[str, int]) -> str:
    """'2 kegiatan, 5 sub kegiatan dan 9 indikator' for the confirmation page."""
    parts = [f"{count} {LEVEL_NAMES[level]}" for level, count in counts.items() if count]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s dan %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
