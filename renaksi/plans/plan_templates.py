"""Plan templates shipped with Renaksi: areas → activities → sub-activities → indicators.

A template is a JSON file in ``renaksi/plans/data/templates/`` (see ``kpu-road-map.json`` and
docs/creating-plans.md). It is validated when loaded: a broken file raises ``TemplateError``
with where the problem is (``areas[2].activities[0].name``) and what it is, so that a bad file
is found by the tests and never half-creates a plan.

Format (version 1)::

    {"format": 1, "key": "…", "name": "…", "description": "…", "sources": ["…"],
     "areas": [{"number": 1..8, "name": "… (optional)", "source": "…",
                "activities": [{"name": "…", "source": "… (optional)",
                                "sub_activities": [{"name": "…", "months": [1, 3],
                                                    "indicators": [{"text": "…",
                                                                    "kind": "dokumen",
                                                                    "target": 100,
                                                                    "unit": "%"}]}]}]}]}

Numbering follows the order (1, 2, …); an indicator is numbered only when its sub-activity
has more than one. ``months`` (optional, 1–12) is the typical schedule; ``kind``, ``target``
and ``unit`` of an indicator are optional (a target needs a kind; a percentage is 0–100).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from .models import Indicator, months_to_mask

TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "templates"
DEFAULT_TEMPLATE = "kpu-road-map"
FORMAT_VERSION = 1

# Lengths accepted (the editor's limits for the same texts).
MAX_NAME = 2000
MAX_SOURCE = 1000
MAX_LABEL = 300
MAX_UNIT = 50  # Indicator.unit_of_measure

_KEYS = {
    "template": {"format", "key", "name", "description", "sources", "areas"},
    "area": {"number", "name", "source", "activities"},
    "activity": {"name", "source", "sub_activities"},
    "sub_activity": {"name", "source", "months", "indicators"},
    "indicator": {"text", "kind", "target", "unit"},
}


class TemplateError(Exception):
    """A template file is broken. ``where`` is the place in the file, ``message`` what."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class TemplateIndicator:
    text: str
    kind: str = ""
    target_value: Decimal | None = None
    unit_of_measure: str = ""


@dataclass(frozen=True)
class TemplateSubActivity:
    name: str
    schedule: int = 0
    indicators: tuple[TemplateIndicator, ...] = ()


@dataclass(frozen=True)
class TemplateActivity:
    name: str
    sub_activities: tuple[TemplateSubActivity, ...] = ()


@dataclass(frozen=True)
class TemplateArea:
    number: int
    name: str = ""
    source: str = ""
    activities: tuple[TemplateActivity, ...] = ()


@dataclass(frozen=True)
class PlanTemplate:
    key: str
    name: str
    description: str = ""
    sources: tuple[str, ...] = ()
    areas: tuple[TemplateArea, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        activities = [a for area in self.areas for a in area.activities]
        subs = [s for a in activities for s in a.sub_activities]
        return {
            "areas": len(self.areas),
            "activities": len(activities),
            "sub_activities": len(subs),
            "indicators": sum(len(s.indicators) for s in subs),
        }


def template_path(key: str) -> Path:
    return TEMPLATE_DIR / f"{key}.json"


def available_templates() -> list[str]:
    """The keys of the shipped templates, sorted."""
    return sorted(path.stem for path in TEMPLATE_DIR.glob("*.json"))


@cache
def load_template(key: str = DEFAULT_TEMPLATE) -> PlanTemplate:
    """The shipped template ``key``, validated (cached: the files do not change at run time)."""
    if key not in available_templates():
        raise TemplateError("", _("Templat '%(key)s' tidak ada.") % {"key": key})
    return read_template(template_path(key))


def read_template(path: Path) -> PlanTemplate:
    """Read and validate one template file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError("", _("Berkas templat %(path)s tidak ada.") % {"path": path}) from None
    except UnicodeDecodeError:
        raise TemplateError("", _("Berkas templat bukan teks UTF-8.")) from None
    except json.JSONDecodeError as error:
        raise TemplateError(
            _("baris %(line)s kolom %(column)s") % {"line": error.lineno, "column": error.colno},
            _("Berkas templat bukan JSON yang sah (%(error)s).") % {"error": error.msg},
        ) from None
    return parse_template(data)


def parse_template(data) -> PlanTemplate:
    """Validate the decoded JSON of a template and build the ``PlanTemplate``."""
    _object(data, "", "template")
    if data.get("format") != FORMAT_VERSION:
        raise TemplateError(
            "format",
            _("Versi format templat harus %(version)s.") % {"version": FORMAT_VERSION},
        )
    key = _text(data, "key", "", MAX_LABEL)
    name = _text(data, "name", "", MAX_LABEL)
    description = _text(data, "description", "", MAX_NAME, required=False)
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        raise TemplateError("sources", _("Harus berupa daftar teks sumber."))
    areas_data = _list(data, "areas", "")
    areas, numbers = [], set()
    for a_index, area in enumerate(areas_data):
        where = f"areas[{a_index}]"
        _object(area, where, "area")
        number = area.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 8:
            raise TemplateError(f"{where}.number", _("Nomor area harus 1 sampai 8."))
        if number in numbers:
            raise TemplateError(
                f"{where}.number", _("Area %(number)s muncul dua kali.") % {"number": number}
            )
        numbers.add(number)
        areas.append(
            TemplateArea(
                number=number,
                name=_text(area, "name", where, MAX_LABEL, required=False),
                source=_text(area, "source", where, MAX_SOURCE),
                activities=tuple(
                    _activity(activity, f"{where}.activities[{index}]")
                    for index, activity in enumerate(_list(area, "activities", where))
                ),
            )
        )
    if not areas:
        raise TemplateError("areas", _("Templat tidak berisi area."))
    return PlanTemplate(
        key=key,
        name=name,
        description=description,
        sources=tuple(s.strip() for s in sources),
        areas=tuple(sorted(areas, key=lambda area: area.number)),
    )


def _activity(data, where: str) -> TemplateActivity:
    _object(data, where, "activity")
    _text(data, "source", where, MAX_SOURCE, required=False)
    return TemplateActivity(
        name=_text(data, "name", where, MAX_NAME),
        sub_activities=tuple(
            _sub_activity(sub, f"{where}.sub_activities[{index}]")
            for index, sub in enumerate(_list(data, "sub_activities", where))
        ),
    )


def _sub_activity(data, where: str) -> TemplateSubActivity:
    _object(data, where, "sub_activity")
    _text(data, "source", where, MAX_SOURCE, required=False)
    months = data.get("months", [])
    if not isinstance(months, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months
    ):
        raise TemplateError(f"{where}.months", _("Bulan harus berupa daftar angka 1 sampai 12."))
    if len(set(months)) != len(months):
        raise TemplateError(f"{where}.months", _("Ada bulan yang disebut dua kali."))
    return TemplateSubActivity(
        name=_text(data, "name", where, MAX_NAME),
        schedule=months_to_mask(months),
        indicators=tuple(
            _indicator(indicator, f"{where}.indicators[{index}]")
            for index, indicator in enumerate(_list(data, "indicators", where, required=False))
        ),
    )


def _indicator(data, where: str) -> TemplateIndicator:
    _object(data, where, "indicator")
    text = _text(data, "text", where, MAX_NAME)
    kind = data.get("kind", "")
    if kind not in ("", *Indicator.Kind.values):
        raise TemplateError(
            f"{where}.kind",
            _("Jenis target harus salah satu dari: %(kinds)s.")
            % {"kinds": ", ".join(Indicator.Kind.values)},
        )
    target = data.get("target")
    value = None
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | float | str):
            raise TemplateError(f"{where}.target", _("Target harus berupa angka."))
        try:
            value = Decimal(str(target))
        except InvalidOperation:
            raise TemplateError(f"{where}.target", _("Target harus berupa angka.")) from None
        if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
            raise TemplateError(f"{where}.target", _("Target harus angka 0 atau lebih."))
        if value != value.quantize(Decimal("0.01")):
            raise TemplateError(f"{where}.target", _("Target paling banyak dua angka desimal."))
        if not kind:
            raise TemplateError(f"{where}.target", _("Nilai target memerlukan jenis target."))
        if kind == Indicator.Kind.PERSENTASE and value > 100:
            raise TemplateError(
                f"{where}.target", _("Target persentase harus di antara 0 dan 100.")
            )
    return TemplateIndicator(
        text=text,
        kind=kind,
        target_value=value,
        unit_of_measure=_text(data, "unit", where, MAX_UNIT, required=False),
    )


def _object(data, where: str, level: str) -> None:
    if not isinstance(data, dict):
        raise TemplateError(where, _("Harus berupa objek JSON ({…})."))
    unknown = sorted(set(data) - _KEYS[level])
    if unknown:
        raise TemplateError(
            where,
            _("Kunci tidak dikenal: %(keys)s.") % {"keys": ", ".join(unknown)},
        )


def _list(data: dict, key: str, where: str, *, required: bool = True) -> list:
    value = data.get(key, None if required else [])
    place = f"{where}.{key}" if where else key
    if not isinstance(value, list):
        raise TemplateError(place, _("Harus berupa daftar ([…])."))
    return value


def _text(data: dict, key: str, where: str, limit: int, *, required: bool = True) -> str:
    value = data.get(key, None if required else "")
    place = f"{where}.{key}" if where else key
    if not isinstance(value, str):
        raise TemplateError(place, _("Harus berupa teks."))
    value = " ".join(value.split())
    if required and not value:
        raise TemplateError(place, _("Tidak boleh kosong."))
    if len(value) > limit:
        raise TemplateError(
            place,
            _("Terlalu panjang (%(length)s karakter); batasnya %(limit)s.")
            % {"length": len(value), "limit": limit},
        )
    if any(ord(ch) < 32 for ch in value):
        raise TemplateError(place, _("Berisi karakter kendali."))
    return value
