"""Check a parsed decree for consistency. Returns findings as data; never raises."""

from __future__ import annotations

import re

from .areas import STANDARD_CHANGE_AREAS
from .model import Finding, Message, ParsedDecree, gettext_noop, message
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
        (h.subject, gettext_noop("judul (TENTANG …)"), title_line),
        (h.place, gettext_noop("tempat ditetapkan (Ditetapkan di …)"), None),
        (h.date, gettext_noop("tanggal ditetapkan (pada tanggal …)"), h.place_line),
        (h.signer_name, gettext_noop("nama penanda tangan"), h.date_line),
        (h.considerations, gettext_noop("bagian Menimbang"), None),
        (h.legal_bases, gettext_noop("bagian Mengingat"), None),
        (h.dictums, gettext_noop("diktum (KESATU, KEDUA, …)"), None),
    ]
    for value, what, line in required:
        if not value:
            out.append(
                Finding(
                    line,
                    "missing_field",
                    message(gettext_noop("Keputusan tidak memuat %(what)s."), what=message(what)),
                )
            )
    if h.subject and h.year:
        years = [int(y) for y in re.findall(r"TAHUN\s+(\d{4})", h.subject, re.IGNORECASE)]
        if years and years[-1] != h.year:
            out.append(
                Finding(
                    title_line,
                    "year_mismatch",
                    message(
                        gettext_noop(
                            "Judul menyebut tahun %(title_year)s, sedangkan nomor keputusan "
                            "bertahun %(year)s."
                        ),
                        title_year=years[-1],
                        year=h.year,
                    ),
                )
            )
    if h.date and h.year and h.date.year != h.year:
        out.append(
            Finding(
                h.date_line,
                "year_mismatch",
                message(
                    gettext_noop(
                        "Tanggal ditetapkan %(date)s tidak jatuh pada tahun keputusan %(year)s."
                    ),
                    date=format_date_id(h.date),
                    year=h.year,
                ),
            )
        )
    if h.closing_place and h.place and h.closing_place.lower() != h.place.lower():
        out.append(
            Finding(
                h.closing_place_line,
                "place_mismatch",
                message(
                    gettext_noop(
                        "Tempat ditetapkan di akhir Lampiran ('%(closing_place)s') berbeda "
                        "dengan di batang tubuh keputusan ('%(place)s', baris %(place_line)s). "
                        "Dipakai '%(place)s'."
                    ),
                    closing_place=h.closing_place,
                    place=h.place,
                    place_line=h.place_line,
                ),
            )
        )
    if h.closing_date and h.date and h.closing_date != h.date:
        out.append(
            Finding(
                h.closing_date_line,
                "date_mismatch",
                message(
                    gettext_noop(
                        "Tanggal di akhir Lampiran (%(closing_date)s) berbeda dengan tanggal "
                        "ditetapkan (%(date)s)."
                    ),
                    closing_date=format_date_id(h.closing_date),
                    date=format_date_id(h.date),
                ),
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
                message(
                    gettext_noop(
                        "Penanda tangan Lampiran ('%(closing_signer)s') berbeda dengan penanda "
                        "tangan keputusan ('%(signer)s')."
                    ),
                    closing_signer=h.closing_signer_name,
                    signer=h.signer_name,
                ),
            )
        )
    return out


def _sequence_findings(
    numbers, what: Message, where: Message, repeat_severity: str = "warning", gaps: bool = True
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
                    message(
                        gettext_noop(
                            "Nomor %(what)s %(number)s %(where)s muncul lagi (pertama di baris "
                            "%(first_line)s)."
                        ),
                        what=what,
                        number=number,
                        where=where,
                        first_line=seen[number],
                    ),
                    repeat_severity,
                )
            )
        elif number > expected and gaps:
            missing = f"{expected}" if number == expected + 1 else f"{expected}–{number - 1}"
            out.append(
                Finding(
                    line,
                    "numbering_gap",
                    message(
                        gettext_noop(
                            "Nomor %(what)s %(missing)s %(where)s tidak ada: penomoran melompat "
                            "ke %(number)s."
                        ),
                        what=what,
                        missing=missing,
                        where=where,
                        number=number,
                    ),
                )
            )
        elif number < expected - 1:
            out.append(
                Finding(
                    line,
                    "numbering_order",
                    message(
                        gettext_noop(
                            "Nomor %(what)s %(number)s %(where)s tidak urut (sesudah nomor "
                            "%(previous)s)."
                        ),
                        what=what,
                        number=number,
                        where=where,
                        previous=expected - 1,
                    ),
                )
            )
        seen.setdefault(number, line)
        expected = max(expected, number + 1)
    return out


def _check_numbering(decree: ParsedDecree) -> list[Finding]:
    out = _sequence_findings(
        [(a.number, a.line) for a in decree.areas],
        message(gettext_noop("area perubahan")),
        message(gettext_noop("dalam Lampiran")),
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
                    message(
                        gettext_noop(
                            "Area perubahan %(number)s '%(name)s' tidak ada dalam Lampiran."
                        ),
                        number=number,
                        name=name,
                    ),
                )
            )
    for area in decree.areas:
        if area.number not in STANDARD_CHANGE_AREAS:
            out.append(
                Finding(
                    area.line,
                    "area_unknown",
                    message(
                        gettext_noop(
                            "Nomor area %(number)s bukan salah satu dari 8 area perubahan."
                        ),
                        number=area.number,
                    ),
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
                    message(
                        gettext_noop(
                            "Nama area %(number)s '%(name)s' berbeda dengan nama baku "
                            "'%(standard)s'."
                        ),
                        number=area.number,
                        name=area.name,
                        standard=STANDARD_CHANGE_AREAS[area.number],
                    ),
                )
            )
        out += _sequence_findings(
            [(a.number, a.line) for a in area.activities],
            message(gettext_noop("kegiatan")),
            message(gettext_noop("di area %(number)s"), number=area.number),
        )
        for activity in area.activities:
            out += _sequence_findings(
                [(s.number, s.line) for s in activity.sub_activities],
                message(gettext_noop("sub kegiatan")),
                message(
                    gettext_noop("di kegiatan %(number)s"),
                    number=f"{area.number}.{activity.number}",
                ),
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
                            message(
                                gettext_noop(
                                    "Sub kegiatan %(label)s '%(name)s' tidak memiliki indikator "
                                    "keberhasilan."
                                ),
                                label=label,
                                name=shorten(sub.name, 50),
                            ),
                        )
                    )
                if not (sub.quarters if decree.schedule == "quarter" else sub.months):
                    out.append(
                        Finding(
                            sub.line,
                            "empty_schedule",
                            message(
                                gettext_noop(
                                    "Sub kegiatan %(label)s '%(name)s' tidak memiliki tanda pada "
                                    "triwulan mana pun."
                                )
                                if decree.schedule == "quarter"
                                else gettext_noop(
                                    "Sub kegiatan %(label)s '%(name)s' tidak memiliki tanda √ "
                                    "pada bulan mana pun."
                                ),
                                label=label,
                                name=shorten(sub.name, 50),
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
                    message(
                        gettext_noop(
                            "Teks '%(text)s' menyebut tahun %(named)s, bukan %(year)s: "
                            "kemungkinan tersalin dari rencana tahun lain."
                        ),
                        text=shorten(text, 50),
                        named=match.group(0).split()[-1],
                        year=year,
                    ),
                )
            )
    return out
