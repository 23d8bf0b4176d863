"""What the importer accepts: file size, year range, plan size, and every value it writes.

Every check returns an Indonesian message saying what is wrong and where, or None. Values
are checked against the model fields themselves (their ``max_length``, validators and the
integer ranges PostgreSQL enforces), so that SQLite, which enforces none of them, refuses the
same input as PostgreSQL, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.lib.decree.model import ParsedDecree
from renaksi.lib.decree.source import MAX_BYTES

# The largest decree file read, in bytes (the command reads one byte more to know).
MAX_DECREE_BYTES = MAX_BYTES
# The first year a Rencana Aksi RB can be for; the last is ``max_year()``.
MIN_YEAR = 2015
# Plan size: far above any real plan (Bengkayang 2022: 8 areas, 27 activities, 70
# sub-activities, 149 indicators), low enough that every page of the plan stays fast.
MAX_ACTIVITIES_PER_AREA = 100
MAX_ACTIVITIES = 400
MAX_SUB_ACTIVITIES_PER_ACTIVITY = 100
MAX_SUB_ACTIVITIES = 1000
MAX_INDICATORS_PER_SUB_ACTIVITY = 50
MAX_INDICATORS = 4000
MAX_FINDINGS = 5000

# What PostgreSQL stores in each integer column; SQLite would take any 64-bit number.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def max_year() -> int:
    """Next year and the one after: a plan is set for the current year or ahead of it."""
    return timezone.localdate().year + 2


def check_year(year: int | None) -> str | None:
    if year is None:
        return _("Tahun keputusan tidak terbaca dari judul keputusan.")
    if not MIN_YEAR <= year <= max_year():
        return _(
            "Tahun keputusan %(year)s tidak masuk akal untuk rencana aksi RB: yang diterima "
            "tahun %(first)s sampai %(last)s."
        ) % {"year": year, "first": MIN_YEAR, "last": max_year()}
    return None


def check_size(decree: ParsedDecree, where) -> str | None:
    """The plan-size caps. ``where(line)`` describes a source line."""
    counts = decree.counts()
    totals = [
        ("activities", MAX_ACTIVITIES, _("kegiatan")),
        ("sub_activities", MAX_SUB_ACTIVITIES, _("sub kegiatan")),
        ("indicators", MAX_INDICATORS, _("indikator")),
    ]
    for key, limit, label in totals:
        if counts[key] > limit:
            return _(
                "Rencana aksi terlalu besar: %(count)s %(label)s, batasnya %(limit)s. "
                "Periksa apakah tabel Lampiran terbaca dengan benar."
            ) % {"count": counts[key], "label": label, "limit": limit}
    if len(decree.findings) > MAX_FINDINGS:
        return _(
            "Keputusan ini menghasilkan %(count)s temuan, batasnya %(limit)s: berkas ini "
            "tampaknya bukan tabel rencana aksi yang terbaca."
        ) % {"count": len(decree.findings), "limit": MAX_FINDINGS}
    for area in decree.areas:
        if len(area.activities) > MAX_ACTIVITIES_PER_AREA:
            return _(
                "Area %(area)s (%(where)s) memiliki %(count)s kegiatan, batasnya %(limit)s."
            ) % {
                "area": area.number,
                "where": where(area.line),
                "count": len(area.activities),
                "limit": MAX_ACTIVITIES_PER_AREA,
            }
        for act in area.activities:
            if len(act.sub_activities) > MAX_SUB_ACTIVITIES_PER_ACTIVITY:
                return _(
                    "Kegiatan %(path)s (%(where)s) memiliki %(count)s sub kegiatan, "
                    "batasnya %(limit)s."
                ) % {
                    "path": f"{area.number}.{act.number}",
                    "where": where(act.line),
                    "count": len(act.sub_activities),
                    "limit": MAX_SUB_ACTIVITIES_PER_ACTIVITY,
                }
            for sub in act.sub_activities:
                if len(sub.indicators) > MAX_INDICATORS_PER_SUB_ACTIVITY:
                    return _(
                        "Sub kegiatan %(path)s (%(where)s) memiliki %(count)s indikator, "
                        "batasnya %(limit)s."
                    ) % {
                        "path": f"{area.number}.{act.number}.{sub.number}",
                        "where": where(sub.line),
                        "count": len(sub.indicators),
                        "limit": MAX_INDICATORS_PER_SUB_ACTIVITY,
                    }
    return None


def _strings(value) -> Iterable[str]:
    """Every string inside a JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def check_values(obj: models.Model, item: str) -> str | None:
    """Check every value of an unsaved ``obj`` against its column before it is written.

    ``item`` names the object for the message (``sub kegiatan 4.1.2 (baris 123)``). Refuses a
    NUL character anywhere (PostgreSQL stores none, in text or JSON), a text longer than
    its column, a number outside its column's range or its field's validators.
    """
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        value = getattr(obj, field.attname)
        if value is None:
            continue
        label = str(field.verbose_name)
        texts = list(_strings(value)) if isinstance(field, models.JSONField) else []
        if isinstance(value, str):
            texts.append(value)
        for text in texts:
            if "\x00" in text:
                return _(
                    "%(item)s: %(field)s berisi karakter NUL (\\x00), yang tidak dapat disimpan. "
                    "Berkasnya mungkin rusak."
                ) % {"item": item, "field": label}
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            return _(
                "%(item)s: %(field)s terlalu panjang (%(length)s karakter, batasnya "
                "%(limit)s): %(start)s…"
            ) % {
                "item": item,
                "field": label,
                "length": len(value),
                "limit": field.max_length,
                "start": " ".join(value[:60].split()),
            }
        bounds = INTEGER_RANGES.get(field.get_internal_type())
        if bounds is not None and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
            return _("%(item)s: %(field)s %(value)s di luar rentang %(low)s–%(high)s.") % {
                "item": item,
                "field": label,
                "value": value,
                "low": bounds[0],
                "high": bounds[1],
            }
        blank = field.blank and value in field.empty_values
        if field.choices and not blank and value not in {c for c, _label in field.flatchoices}:
            return _("%(item)s: %(field)s '%(value)s' bukan pilihan yang dikenal.") % {
                "item": item,
                "field": label,
                "value": value,
            }
        try:
            field.run_validators(field.to_python(value))
        except ValidationError as error:
            return _("%(item)s: %(field)s tidak valid: %(error)s") % {
                "item": item,
                "field": label,
                "error": " ".join(error.messages),
            }
    return None
