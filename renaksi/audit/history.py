"""Audit entries as a history people read: who, when, what, and each value before and after.

``history_rows(entries, time_zone=…)`` turns a page of ``LogEntry`` rows into ``HistoryRow``s:
the time in the unit's time zone (Indonesian format), the actor's name, the action's label
(``ACTION_LABELS``) and, field by field, the values before and after in words: the field's
verbose name as the label, choices by their label, dates the Indonesian way, schedules as month
(or quarter) names, user ids as names. All user ids of the page are resolved in one query;
load the entries with ``select_related("actor", "object_type")`` and a page costs nothing more.

``KINDS`` groups action codes into the kinds of change a reader filters by. Any object kept
in the audit trail (a plan today; realisations, evidence and reviews later) can be shown this
way: write ``before``/``after`` with the model's field names (ids for foreign keys).
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .models import ACTION_LABELS, LogEntry

# The kinds of change a reader filters by: (key, label, action codes). A code counts for the
# first kind whose test it passes (see ``kind_of``).
WORKFLOW_ACTIONS = frozenset(
    {"plan.submitted", "plan.returned", "plan.withdrawn", "plan.approved", "plan.reopened"}
)
IMPORT_ACTIONS = frozenset(
    {
        "plan.imported",
        "plan.replaced",
        "plan.approval_reset",
        "plan.finding_confirmed",
        "plan.finding_resolved",
    }
)
KIND_LABELS = {
    "plan": gettext_lazy("Rencana aksi dan keputusan"),
    "area": gettext_lazy("Area"),
    "activity": gettext_lazy("Kegiatan"),
    "sub_activity": gettext_lazy("Sub kegiatan"),
    "indicator": gettext_lazy("Indikator"),
    "workflow": gettext_lazy("Pengajuan dan persetujuan"),
    "import": gettext_lazy("Impor dan temuan"),
}
_SUB_ACTIVITY_ACTIONS = frozenset({"plan.schedule_changed", "plan.pic_assigned"})


def kind_of(action: str) -> str:
    """The kind of change of an action code (``KIND_LABELS``' keys)."""
    if action in WORKFLOW_ACTIONS:
        return "workflow"
    if action in IMPORT_ACTIONS:
        return "import"
    if action in _SUB_ACTIVITY_ACTIONS:
        return "sub_activity"
    for level in ("area", "activity", "sub_activity", "indicator"):
        if action.startswith(f"plan.{level}_"):
            return level
    return "plan"


def actions_of_kind(kind: str) -> list[str]:
    """The known action codes (``ACTION_LABELS``) of one kind, for a filter."""
    return sorted(code for code in ACTION_LABELS if kind_of(code) == kind)


# Labels of the values that are no model field.
KEY_LABELS = {
    "periods": gettext_lazy("jadwal"),
    "evidence": gettext_lazy("bukti dukung terverifikasi"),  # a publication's: how many
    "counts": gettext_lazy("isi"),
    "source_name": gettext_lazy("nama berkas sumber"),
    "source_file": gettext_lazy("berkas tersimpan"),
    "sha256": gettext_lazy("SHA-256 berkas sumber"),
    "note": gettext_lazy("catatan"),
    "reason": gettext_lazy("alasan"),
    "kind": gettext_lazy("jenis temuan"),
    "message": gettext_lazy("pesan"),
    "direction": gettext_lazy("arah"),
    "swapped_with": gettext_lazy("bertukar tempat dengan"),
    "deleted": gettext_lazy("ikut terhapus"),
    "children": gettext_lazy("baris di bawahnya"),
    "diff": gettext_lazy("perubahan"),
    "confirmations_kept": gettext_lazy("konfirmasi temuan yang dipertahankan"),
    "format": gettext_lazy("format"),
    "year": gettext_lazy("tahun"),
    "source": gettext_lazy("sumber"),
    # Realisations and evidence (renaksi/work/realisations.py).
    "indicator_values": gettext_lazy("capaian indikator"),
    "title": gettext_lazy("judul"),
    "evidence_kind": gettext_lazy("jenis bukti dukung"),
    "as_of": gettext_lazy("tanggal dokumen"),
    "original_name": gettext_lazy("nama berkas"),
    "url": gettext_lazy("tautan"),
    "file_sha256": gettext_lazy("SHA-256 berkas"),
    "indicator_texts": gettext_lazy("indikator yang dibuktikan"),
    "replaced_title": gettext_lazy("menggantikan"),
    "comment": gettext_lazy("catatan"),
    "evidence_notes": gettext_lazy("catatan per bukti dukung"),
    "period_label": gettext_lazy("periode"),
    # The self-assessment (renaksi/evaluation/services.py).
    "evidence_titles": gettext_lazy("bukti dukung"),
    "file_names": gettext_lazy("berkas yang diunggah"),
}
COUNT_LABELS = {
    "areas": gettext_lazy("area"),
    "area": gettext_lazy("area"),
    "activities": gettext_lazy("kegiatan"),
    "activity": gettext_lazy("kegiatan"),
    "sub_activities": gettext_lazy("sub kegiatan"),
    "sub_activity": gettext_lazy("sub kegiatan"),
    "indicators": gettext_lazy("indikator"),
    "indicator": gettext_lazy("indikator"),
    "findings": gettext_lazy("temuan"),
}
DIRECTION_LABELS = {
    "up": pgettext_lazy("move", "ke atas"),
    "down": pgettext_lazy("move", "ke bawah"),
}
# Keys shown nowhere: ids of related rows the text already names.
HIDDEN_KEYS = frozenset(
    {"row", "parent", "evidence_id", "review_id", "replaced_id", "indicator_ids", "evidence_ids"}
)
# The longest text shown for one value.
VALUE_LIMIT = 600


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Detail:
    label: str
    text: str


@dataclass
class HistoryRow:
    entry: LogEntry
    when: datetime.datetime  # in the unit's time zone
    when_text: str
    who: str
    system: bool
    action_label: str
    kind: str
    kind_label: str
    object_label: str  # "Sub kegiatan: 1. Penyusunan …", or ""
    changes: list[Change] = field(default_factory=list)
    details: list[Detail] = field(default_factory=list)


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else _("Sistem")


def history_rows(
    entries,
    *,
    time_zone: str = "",
    zone_label: str = "",
    schedule_kind: str = "month",
    subject: models.Model | None = None,
) -> list[HistoryRow]:
    """Display rows for ``entries`` (loaded with ``select_related("actor", "object_type")``).

    ``time_zone``: an IANA name (the unit's), default the site's; ``zone_label``: shown after
    each time (WIB, WITA, WIT); ``schedule_kind``: "quarter" shows schedules as TW I–IV;
    ``subject``: the object whose history this is (its own entries name no object).
    One query for the names of the users the values name, none else.
    """
    entries = list(entries)
    zone = ZoneInfo(time_zone) if time_zone else timezone.get_current_timezone()
    formatter = _Formatter(zone, zone_label, schedule_kind)
    if subject is not None:
        formatter.subject = (type(subject), str(subject.pk))
    formatter.load_users(entries)
    return [formatter.row(entry) for entry in entries]


class _Formatter:
    def __init__(self, zone, zone_label: str, schedule_kind: str):
        self.zone = zone
        self.zone_label = zone_label
        self.schedule_kind = schedule_kind
        self.users: dict[int, str] = {}
        self.related: dict[tuple[type[models.Model], int], str] = {}
        self.subject: tuple[type[models.Model], str] | None = None

    # -- users ----------------------------------------------------------------------------------

    def load_users(self, entries: list[LogEntry]) -> None:
        """Names of the users the values name (one query), and the texts of other rows they
        point at without saying (one query per kind of row, e.g. the standard change areas)."""
        ids: set[int] = set()
        others: dict[type[models.Model], set[int]] = {}
        for entry in entries:
            model = self.model_of(entry)
            data = entry.data if isinstance(entry.data, dict) else {}
            for key in ("before", "after"):
                values = data.get(key)
                if not isinstance(values, dict):
                    continue
                for name, value in values.items():
                    if not isinstance(value, int) or isinstance(value, bool):
                        continue
                    if _is_user_field(model, name):
                        ids.add(value)
                    elif _is_parent_field(model, name) and not isinstance(data.get("parent"), dict):
                        others.setdefault(_field(model, name).related_model, set()).add(value)
        if ids:
            for user in get_user_model().objects.filter(pk__in=sorted(ids)):
                self.users[user.pk] = person_name(user)
        for related, pks in others.items():
            for pk, obj in related._default_manager.in_bulk(sorted(pks)).items():
                self.related[(related, pk)] = str(obj)

    # -- one entry -------------------------------------------------------------------------------

    @staticmethod
    def model_of(entry: LogEntry) -> type[models.Model] | None:
        if entry.object_type_id is None:
            return None
        return entry.object_type.model_class()

    def row(self, entry: LogEntry) -> HistoryRow:
        model = self.model_of(entry)
        when = timezone.localtime(entry.created_at, self.zone)
        kind = kind_of(entry.action)
        object_label = ""
        if entry.object_repr and (model, entry.object_id) != self.subject:
            type_name = str(model._meta.verbose_name) if model is not None else ""
            object_label = (
                f"{_capitalise(type_name)}: {entry.object_repr}" if type_name else entry.object_repr
            )
        data = entry.data if isinstance(entry.data, dict) else {}
        changes = self.changes(model, data)
        shown = {change.after for change in changes}
        return HistoryRow(
            entry=entry,
            when=when,
            when_text=self.datetime_text(entry.created_at),
            who=person_name(entry.actor),
            system=entry.actor_id is None,
            action_label=str(ACTION_LABELS.get(entry.action, entry.action)),
            kind=kind,
            kind_label=str(KIND_LABELS.get(kind, kind)),
            object_label=object_label,
            changes=changes,
            # a value the changes already show (the note of a return) is not repeated
            details=[d for d in self.details(model, data) if d.text not in shown],
        )

    def changes(self, model, data: dict) -> list[Change]:
        before = data.get("before") if isinstance(data.get("before"), dict) else {}
        after = data.get("after") if isinstance(data.get("after"), dict) else {}
        names = list(before) + [name for name in after if name not in before]
        # In the model's field order, whatever order the database kept the keys in.
        order = [f.name for f in model._meta.get_fields()] if model is not None else []
        names.sort(key=lambda name: order.index(name) if name in order else len(order))
        if "periods" in names and "schedule" in names:
            names.remove("schedule")  # the same schedule twice: show the months once
        parent = data.get("parent") if isinstance(data.get("parent"), dict) else {}
        result = []
        for name in names:
            old, new = before.get(name), after.get(name)
            if name == "status" and old == new:
                continue
            if parent and _is_parent_field(model, name):
                old_text, new_text = str(parent.get("from", "")), str(parent.get("to", ""))
            else:
                old_text = self.value_text(model, name, old)
                new_text = self.value_text(model, name, new)
            result.append(Change(self.label(model, name), old_text, new_text))
        return result

    def details(self, model, data: dict) -> list[Detail]:
        result = []
        for name, value in data.items():
            if name in ("before", "after") or name in HIDDEN_KEYS:
                continue
            text = self.detail_text(model, name, value)
            if text:
                result.append(Detail(self.label(model, name), text))
        return result

    # -- labels and values ----------------------------------------------------------------------

    def label(self, model, name: str) -> str:
        model_field = _field(model, name)
        if model_field is not None:
            text = str(model_field.verbose_name)
        else:
            text = str(KEY_LABELS.get(name, name.replace("_", " ")))
        return _capitalise(text)

    def value_text(self, model, name: str, value) -> str:
        if value is None or value == "" or value == []:
            return "—"
        model_field = _field(model, name)
        if name == "periods" and isinstance(value, list):
            return self.periods_text(value)
        if name == "schedule" and isinstance(value, int):
            count = 4 if self.schedule_kind == "quarter" else 12
            return self.periods_text([p for p in range(1, count + 1) if value & (1 << (p - 1))])
        if model_field is not None:
            if model_field.choices:
                choices = dict(model_field.flatchoices)
                if value in choices:
                    return str(choices[value])
            if isinstance(model_field, models.ForeignKey):
                if _is_user_field(model, name) and isinstance(value, int):
                    return self.users.get(value, _("pengguna #%(id)s") % {"id": value})
                return self.related.get((model_field.related_model, value), f"#{value}")
            if isinstance(model_field, models.DateTimeField):
                return self.datetime_text(value)
            if isinstance(model_field, models.DateField):
                parsed = parse_date(value) if isinstance(value, str) else value
                return date_format(parsed, "j F Y") if parsed else str(value)
            if isinstance(model_field, models.DecimalField):
                try:
                    return number_format(decimal.Decimal(str(value)).normalize())
                except decimal.InvalidOperation:
                    return str(value)
        return self.plain(value)

    def detail_text(self, model, name: str, value) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return ""
        if name == "kind":
            from renaksi.plans.models import finding_kind_label

            return finding_kind_label(value)  # a label, never the code
        if name == "direction":
            return str(DIRECTION_LABELS.get(value, value))
        if name == "swapped_with" and isinstance(value, dict):
            return str(value.get("name", ""))
        if name == "diff" and isinstance(value, dict):
            return self.diff_text(value)
        return self.plain(value)

    def plain(self, value) -> str:
        if isinstance(value, bool):
            return _("Ya") if value else _("Tidak")
        if isinstance(value, dict):
            if value and all(key in COUNT_LABELS for key in value):
                return self.counts_text(value)
            return _limit("; ".join(f"{key}: {self.plain(item)}" for key, item in value.items()))
        if isinstance(value, list):
            return _limit("\n".join(self.item_text(item) for item in value))
        if isinstance(value, str):
            parsed = parse_datetime(value) if len(value) >= 19 and "T" in value else None
            if parsed is not None:
                return self.datetime_text(parsed)
        return _limit(str(value))

    def item_text(self, item) -> str:
        if isinstance(item, dict) and "text" in item:  # a clause: {label, text}
            return " ".join(str(part) for part in (item.get("label"), item.get("text")) if part)
        return self.plain(item)

    def counts_text(self, counts: dict) -> str:
        # In the tree's order, whatever order the database kept the keys in (jsonb sorts them).
        order = list(COUNT_LABELS)
        keys = sorted(counts, key=lambda key: order.index(key) if key in order else len(order))
        return ", ".join(f"{counts[key]} {COUNT_LABELS[key]}" for key in keys if counts[key]) or _(
            "tidak ada"
        )

    def diff_text(self, diff: dict) -> str:
        counts = diff.get("counts") if isinstance(diff.get("counts"), dict) else {}
        parts = []
        for key, label in (
            ("added", _("ditambah")),
            ("removed", _("dihapus")),
            ("changed", _("diubah")),
        ):
            per_level = counts.get(key) if isinstance(counts.get(key), dict) else {}
            if any(per_level.values()):
                parts.append(f"{label}: {self.counts_text(per_level)}")
        header = diff.get("header") or []
        if header:
            parts.append(_("data keputusan diubah: %(count)s bagian") % {"count": len(header)})
        return _capitalise("; ".join(parts)) if parts else _("Tidak ada perubahan isi")

    def periods_text(self, periods: list) -> str:
        if not periods:
            return _("tanpa jadwal")
        if self.schedule_kind == "quarter":
            names = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}
            return ", ".join(names.get(p, str(p)) for p in periods)
        return ", ".join(
            date_format(datetime.date(2000, p, 1), "F")
            if isinstance(p, int) and 1 <= p <= 12
            else str(p)
            for p in periods
        )

    def datetime_text(self, value) -> str:
        if isinstance(value, str):
            value = parse_datetime(value)
            if value is None:
                return "—"
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        text = date_format(timezone.localtime(value, self.zone), _("j F Y H.i"))
        return f"{text} {self.zone_label}" if self.zone_label else text


def _field(model, name: str):
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a key that is no field
        return None
    # A reverse relation (a key named like a related_name) is no field of the model's own.
    return found if getattr(found, "concrete", False) else None


def _is_user_field(model, name: str) -> bool:
    model_field = _field(model, name)
    return (
        isinstance(model_field, models.ForeignKey) and model_field.related_model is get_user_model()
    )


def _is_parent_field(model, name: str) -> bool:
    model_field = _field(model, name)
    return isinstance(model_field, models.ForeignKey) and not _is_user_field(model, name)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _limit(text: str) -> str:
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1].rstrip() + "…"
