"""Check a parsed decree for consistency. Returns findings as data; never raises."""

from __future__ import annotations

import re

from .areas import STANDARD_CHANGE_AREAS
from .model import Finding, ParsedDecree
from .text import format_date_id, shorten, similar

_YEAR = re.compile(r"\btahun\s+(\d{4})(?:\s*[-–]\s*(\d{4}))?", re.IGNORECASE)
_CITATION = re.compile(r"nomor\s*:?\s*[\w./-]+\s*$", re.IGNORECASE)


def validate(decree: ParsedDecree) -> list[Finding]:
    findings: list[Finding] = []
    findings += _check_header(decree)
    findings += _check_numbering(decree)
    findings += _check_items(decree)
    return findings


def _check_header(decree: ParsedDecree) -> list[Finding]:
    h = decree.header
    out: list[Finding] = []
    title_line = h.lines.get("title")
    required = [
        (h.subject, "judul (TENTANG …)", title_line),
        (h.place, "tempat ditetapkan (Ditetapkan di …)", None),
        (h.date, "tanggal ditetapkan (pada tanggal …)", h.place_line),
        (h.signer_name, "nama penanda tangan", h.date_line),
        (h.considerations, "bagian Menimbang", None),
        (h.legal_bases, "bagian Mengingat", None),
        (h.dictums, "diktum (KESATU, KEDUA, …)", None),
    ]
    for value, what, line in required:
        if not value:
            out.append(Finding(line, "missing_field", f"Keputusan tidak memuat {what}."))
    if h.subject and h.year:
        years = [int(y) for y in re.findall(r"TAHUN\s+(\d{4})", h.subject, re.IGNORECASE)]
        if years and years[-1] != h.year:
            out.append(
                Finding(
                    title_line,
                    "year_mismatch",
                    f"Judul menyebut tahun {years[-1]}, sedangkan nomor keputusan bertahun "
                    f"{h.year}.",
                )
            )
    if h.date and h.year and h.date.year != h.year:
        out.append(
            Finding(
                h.date_line,
                "year_mismatch",
                f"Tanggal ditetapkan {format_date_id(h.date)} tidak jatuh pada tahun keputusan "
                f"{h.year}.",
            )
        )
    if h.closing_place and h.place and h.closing_place.lower() != h.place.lower():
        out.append(
            Finding(
                h.closing_place_line,
                "place_mismatch",
                f"Tempat ditetapkan di akhir Lampiran ('{h.closing_place}') berbeda dengan di "
                f"batang tubuh keputusan ('{h.place}', baris {h.place_line}). Dipakai "
                f"'{h.place}'.",
            )
        )
    if h.closing_date and h.date and h.closing_date != h.date:
        out.append(
            Finding(
                h.closing_date_line,
                "date_mismatch",
                f"Tanggal di akhir Lampiran ({format_date_id(h.closing_date)}) berbeda dengan "
                f"tanggal ditetapkan ({format_date_id(h.date)}).",
            )
        )
    if (
        h.closing_signer_name
        and h.signer_name
        and h.closing_signer_name.lower() != h.signer_name.lower()
    ):
        out.append(
            Finding(
                h.closing_date_line,
                "signer_mismatch",
                f"Penanda tangan Lampiran ('{h.closing_signer_name}') berbeda dengan penanda "
                f"tangan keputusan ('{h.signer_name}').",
            )
        )
    return out


def _sequence_findings(
    numbers, what: str, where: str, repeat_severity: str = "warning", gaps: bool = True
) -> list[Finding]:
    """Gaps and repeats in a list of (number, line) as printed."""
    out: list[Finding] = []
    seen: dict[int, int] = {}
    expected = 1
    for number, line in numbers:
        if number in seen:
            out.append(
                Finding(
                    line,
                    "numbering_repeat",
                    f"Nomor {what} {number} {where} muncul lagi (pertama di baris {seen[number]}).",
                    repeat_severity,
                )
            )
        elif number > expected and gaps:
            missing = f"{expected}" if number == expected + 1 else f"{expected}–{number - 1}"
            out.append(
                Finding(
                    line,
                    "numbering_gap",
                    f"Nomor {what} {missing} {where} tidak ada: penomoran melompat ke {number}.",
                )
            )
        elif number < expected - 1:
            out.append(
                Finding(
                    line,
                    "numbering_order",
                    f"Nomor {what} {number} {where} tidak urut (sesudah nomor {expected - 1}).",
                )
            )
        seen.setdefault(number, line)
        expected = max(expected, number + 1)
    return out


def _check_numbering(decree: ParsedDecree) -> list[Finding]:
    out = _sequence_findings(
        [(a.number, a.line) for a in decree.areas],
        "area perubahan",
        "dalam Lampiran",
        "error",
        # Area numbers are the standard ones: an absent area is ``area_missing``, not a gap.
        gaps=False,
    )
    present = {a.number for a in decree.areas}
    for number, name in STANDARD_CHANGE_AREAS.items():
        if number not in present:
            out.append(
                Finding(
                    None,
                    "area_missing",
                    f"Area perubahan {number} '{name}' tidak ada dalam Lampiran.",
                )
            )
    for area in decree.areas:
        if area.number not in STANDARD_CHANGE_AREAS:
            out.append(
                Finding(
                    area.line,
                    "area_unknown",
                    f"Nomor area {area.number} bukan salah satu dari 8 area perubahan.",
                    "error",
                )
            )
        elif (
            not area.inferred
            and similar(_normal(area.name), _normal(STANDARD_CHANGE_AREAS[area.number])) < 0.75
        ):
            out.append(
                Finding(
                    area.line,
                    "area_name",
                    f"Nama area {area.number} '{area.name}' berbeda dengan nama baku "
                    f"'{STANDARD_CHANGE_AREAS[area.number]}'.",
                )
            )
        out += _sequence_findings(
            [(a.number, a.line) for a in area.activities], "kegiatan", f"di area {area.number}"
        )
        for activity in area.activities:
            out += _sequence_findings(
                [(s.number, s.line) for s in activity.sub_activities],
                "sub kegiatan",
                f"di kegiatan {area.number}.{activity.number}",
            )
    return out


def _normal(name: str) -> str:
    return re.sub(r"\s*/\s*", "/", name).lower()


def _check_items(decree: ParsedDecree) -> list[Finding]:
    out: list[Finding] = []
    year = decree.header.year
    for area in decree.areas:
        for activity in area.activities:
            if year:
                out += _stale_years(activity.name, activity.line, year)
            for sub in activity.sub_activities:
                label = f"{area.number}.{activity.number}.{sub.number}"
                if year:
                    out += _stale_years(sub.name, sub.line, year)
                    for indicator in sub.indicators:
                        out += _stale_years(indicator.text, indicator.line, year)
                if not sub.indicators:
                    out.append(
                        Finding(
                            sub.line,
                            "missing_indicator",
                            f"Sub kegiatan {label} '{shorten(sub.name, 50)}' tidak memiliki "
                            "indikator keberhasilan.",
                        )
                    )
                if not (sub.quarters if decree.schedule == "quarter" else sub.months):
                    out.append(
                        Finding(
                            sub.line,
                            "empty_schedule",
                            f"Sub kegiatan {label} '{shorten(sub.name, 50)}' tidak memiliki "
                            + (
                                "tanda pada triwulan mana pun."
                                if decree.schedule == "quarter"
                                else "tanda √ pada bulan mana pun."
                            ),
                        )
                    )
    return out


def _stale_years(text: str, line: int, year: int) -> list[Finding]:
    out = []
    for match in _YEAR.finditer(text):
        if _CITATION.search(text[: match.start()]):
            continue  # "Nomor 16 Tahun 2018" cites a regulation
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not first <= year <= last:
            out.append(
                Finding(
                    line,
                    "stale_year",
                    f"Teks '{shorten(text, 50)}' menyebut tahun {match.group(0).split()[-1]}, "
                    f"bukan {year}: kemungkinan tersalin dari rencana tahun lain.",
                )
            )
    return out
