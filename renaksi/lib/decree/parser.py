"""Read a decree (Keputusan) text file into a ``ParsedDecree``. Plain Python, no Django.

``parse_decree(data)`` decodes the bytes, parses the body and the Lampiran table, infers what a
page break lost, numbers unnumbered items, and runs the validator. It returns a ParsedDecree
with its findings, or raises ``DecreeError`` with one clear Indonesian message.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .areas import STANDARD_CHANGE_AREAS, area_scores
from .body import parse_body, parse_signature_block
from .columns import is_header_row
from .formats import read_document
from .model import (
    AreaData,
    DecreeError,
    DecreeHeader,
    Finding,
    ParsedDecree,
    gettext_noop,
    message,
)
from .source import MAX_BYTES, SourceDocument, decode_text
from .table import TableParser
from .text import shorten
from .validator import validate


def decode(data: bytes) -> str:
    """Decode a text decree (kept for callers of the text-only parser)."""
    if len(data) > MAX_BYTES:
        raise DecreeError(
            f"Berkas terlalu besar ({len(data) // 1024} KB); batasnya {MAX_BYTES // 1024} KB."
        )
    return decode_text(data)


def parse_decree(data: bytes | str, *, choices: dict[str, str] | None = None) -> ParsedDecree:
    """Parse a decree file of any supported format (chosen by content).

    ``choices`` maps a finding's ``choice_key`` to another of its options: the document is
    read again taking that option at that point.
    """
    doc = read_document(data)
    return parse_document(doc, choices=choices)


def parse_document(doc: SourceDocument, *, choices: dict[str, str] | None = None) -> ParsedDecree:
    try:
        return _parse_document(doc, choices)
    except DecreeError as error:
        # The reader's ordinal, told in the terms of the file's format (sheet/row, page …).
        if error.line is not None and error.line in doc.positions:
            error.position = doc.positions[error.line]
        raise


def _parse_document(doc: SourceDocument, choices: dict[str, str] | None) -> ParsedDecree:
    body_findings: list[Finding] = []
    try:
        header = parse_body(doc.body)
    except DecreeError:
        if not any(is_header_row(list(row.cells)) for row in doc.rows):
            raise
        # Only the Lampiran (a spreadsheet, a table without the decree around it): read the
        # plan, take the year and unit from the table's heading, and say what is missing.
        header, finding = heading_only_header(doc)
        body_findings.append(finding)
    table = TableParser(choices=choices, source_format=doc.format)
    areas = table.parse(doc.rows)
    closing = parse_signature_block(doc.closing)
    if not (header.place or header.date or header.signer_name):
        # No signature in the body (the Lampiran alone): the Lampiran's own signature block
        # says where, when and by whom the decree was set.
        header.place, header.place_line = closing["place"], closing["place_line"]
        header.date, header.date_line = closing["date"], closing["date_line"]
        header.signer_name = closing["signer_name"]
        header.signer_title = header.signer_title or closing["signer_title"]
    header.closing_place = closing["place"]
    header.closing_place_line = closing["place_line"]
    header.closing_date = closing["date"]
    header.closing_date_line = closing["date_line"]
    header.closing_signer_name = closing["signer_name"]

    findings: list[Finding] = list(doc.findings) + body_findings + list(table.findings)
    areas = infer_missing_areas(areas, findings, choices or {}, table.page_start_lines)
    number_unnumbered(areas, findings)
    decree = ParsedDecree(
        header=header,
        areas=areas,
        findings=findings,
        schedule=table.schedule_kind,
        source_format=doc.format,
        positions=doc.positions,
    )
    decree.findings.extend(validate(decree))
    decree.findings = [_locate(f, doc) for f in decree.findings]
    decree.findings.sort(key=lambda f: f.line or 0)
    return decree


_HEADING_YEAR = re.compile(r"\bTAHUN\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_HEADING_UNIT = re.compile(
    r"\b(?:DI\s+LINGKUNGAN\s+)?((?:KOMISI\s+PEMILIHAN\s+UMUM|KOMISI\s+INDEPENDEN\s+PEMILIHAN|KPU|KIP)"
    r"(?:\s+(?:PROVINSI|KABUPATEN|KOTA|REPUBLIK)\b[\w .'-]*?)?)\s+TAHUN\b",
    re.IGNORECASE,
)


def heading_only_header(doc: SourceDocument) -> tuple[DecreeHeader, Finding]:
    """A header for a document that is only the Lampiran table, from its heading lines."""
    header = DecreeHeader()
    texts = [(n, " ".join(t.split())) for n, t in doc.body if t.strip()]
    heading = " ".join(t for _, t in texts)
    found = _HEADING_YEAR.search(heading)
    header.year = int(found.group(1)) if found else None
    unit = _HEADING_UNIT.search(heading)
    if unit:
        header.unit_name = " ".join(unit.group(1).split()).upper()
    header.subject = shorten(heading, 300) if heading else ""
    first_line = texts[0][0] if texts else (doc.rows[0].ordinal if doc.rows else None)
    header.lines["title"] = first_line
    year = (
        message(gettext_noop("tahun %(year)s dibaca dari judul tabel"), year=header.year)
        if header.year
        else message(gettext_noop("tahunnya tidak terbaca"))
    )
    finding = Finding(
        first_line,
        "missing_body",
        message(
            gettext_noop(
                "Berkas ini hanya memuat tabel rencana aksi, tanpa batang tubuh keputusan "
                "(judul, Menimbang, Mengingat, diktum, tanda tangan); %(year)s."
            ),
            year=year,
        ),
    )
    return header, finding


def _locate(finding: Finding, doc: SourceDocument) -> Finding:
    """Give a finding its position in the source and the source text it came from."""
    if finding.line is None or (finding.position is not None and finding.excerpt):
        return finding
    return replace(
        finding,
        position=finding.position or doc.positions.get(finding.line),
        excerpt=finding.excerpt or shorten(doc.excerpt(finding.line), 400),
    )


def infer_missing_areas(
    areas: list[AreaData],
    findings: list[Finding],
    choices: dict[str, str],
    page_starts: set[int] | None = None,
) -> list[AreaData]:
    """Re-create an area whose header row a page break lost.

    When area N+1 is absent from the table (area N is followed by N+2 or more, or is the last
    area) and the activity numbers of area N restart (…, 3, then 1) or jump (1, 2, then 5),
    at the first row of a page (where a page break loses rows; ``page_starts``), the
    activities from that point are read as area N+1, with the standard name. The person
    can refuse the reading (choice ``area:<line>``: "keep").
    """
    present = {a.number for a in areas}
    result: list[AreaData] = []
    pending = list(areas)
    while pending:
        # An inferred area is looked at in turn: two headers lost one after the other.
        area = pending.pop(0)
        result.append(area)
        missing_number = area.number + 1
        if missing_number in present or missing_number not in STANDARD_CHANGE_AREAS:
            continue
        split_at = None
        how = ""
        for position in range(1, len(area.activities)):
            # An unnumbered activity counts as its position (as it will be numbered).
            before = area.activities[position - 1].number or position
            current = area.activities[position].number
            if current is None:
                continue
            if page_starts is not None and area.activities[position].line not in page_starts:
                continue
            if current > before + 1:
                split_at, how = position, message(gettext_noop("melompat"))
                break
            if current == 1 and before >= 1:
                split_at, how = position, message(gettext_noop("mulai lagi dari 1"))
                break
        if split_at is None and any(a.number > missing_number for a in areas):
            # Only where the table goes on with a later area: N+1 is missing in between.
            split_at = _topic_change(area, missing_number, page_starts)
            how = message(
                gettext_noop("berlanjut, tetapi isinya beralih ke pokok area %(number)s"),
                number=missing_number,
            )
            topic_only = True
        else:
            topic_only = False
        if split_at is None:
            continue
        moved = area.activities[split_at:]
        key = f"area:{moved[0].line}"
        options = (
            ("infer", f"area {missing_number} disimpulkan"),
            ("keep", f"tetap area {area.number}"),
        )
        # The numbering is evidence enough to infer the area; the topic alone only suggests
        # it (the reading keeps the table as printed unless the person chooses otherwise).
        default = "keep" if topic_only else "infer"
        if choices.get(key, default) == "keep":
            findings.append(
                Finding(
                    moved[0].line,
                    "area_inferred" if not topic_only or key in choices else "area_suggested",
                    message(
                        gettext_noop(
                            "Penomoran kegiatan area %(number)s %(how)s di sini; atas pilihan "
                            "pengguna tetap dibaca sebagai bagian area %(number)s."
                        )
                        if key in choices
                        else gettext_noop(
                            "Penomoran kegiatan area %(number)s %(how)s di sini (baris area "
                            "%(missing)s mungkin hilang pada pergantian halaman); tetap dibaca "
                            "sebagai bagian area %(number)s."
                        ),
                        number=area.number,
                        how=how,
                        missing=missing_number,
                    ),
                    choice_key=key,
                    options=options,
                    chosen="keep",
                )
            )
            continue
        area.activities = area.activities[:split_at]
        inferred = AreaData(
            number=missing_number,
            name=STANDARD_CHANGE_AREAS[missing_number],
            line=moved[0].line,
            inferred=True,
            activities=moved,
        )
        pending.insert(0, inferred)
        present.add(missing_number)
        kept = [a.number for a in area.activities]
        findings.append(
            Finding(
                moved[0].line,
                "area_inferred",
                message(
                    gettext_noop(
                        "Baris area %(missing)s tidak ada di sumber (kemungkinan hilang pada "
                        "pergantian halaman). Penomoran kegiatan %(how)s mulai baris %(line)s "
                        "(kegiatan %(moved)s sesudah kegiatan area %(number)s %(kept)s), "
                        "sehingga dibaca sebagai area %(missing)s '%(name)s'."
                    ),
                    missing=missing_number,
                    how=how,
                    line=moved[0].line,
                    moved=_span([m.number for m in moved]),
                    number=area.number,
                    kept=_span(kept),
                    name=inferred.name,
                ),
                choice_key=key,
                options=options,
                chosen="infer",
            )
        )
    return result


def _topic_change(area: AreaData, next_number: int, page_starts: set[int] | None) -> int | None:
    """Where, at the first row of a page, the activities of ``area`` turn clearly to the topic
    of area ``next_number`` and stay there to the area's end (the vocabulary of the road map)."""
    if not page_starts:
        return None

    def scores(activity) -> tuple[int, int]:
        text = " ".join([activity.name] + [s.name for s in activity.sub_activities])
        found = area_scores(text)
        return found.get(area.number, 0), found[next_number]

    for position in range(1, len(area.activities)):
        if area.activities[position].line not in page_starts:
            continue
        before = [scores(a) for a in area.activities[:position]]
        after = [scores(a) for a in area.activities[position:]]
        # Clear on both sides: every activity before speaks of its own area only, every one
        # after of the next area only, with at least two of its words.
        if all(own >= 1 and other == 0 for own, other in before) and all(
            own == 0 and other >= 2 for own, other in after
        ):
            return position
    return None


def number_unnumbered(areas: list[AreaData], findings: list[Finding]) -> None:
    """Give an unnumbered activity or sub-activity its position as number, and say so."""
    for area in areas:
        _number_by_position(
            area.activities,
            gettext_noop(
                "Kegiatan '%(name)s' tidak bernomor; diberi nomor %(number)s sesuai urutannya."
            ),
            findings,
        )
        for activity in area.activities:
            _number_by_position(
                activity.sub_activities,
                gettext_noop(
                    "Sub kegiatan '%(name)s' tidak bernomor; diberi nomor %(number)s sesuai "
                    "urutannya."
                ),
                findings,
            )


def _number_by_position(items, template: str, findings: list[Finding]) -> None:
    for position, item in enumerate(items, start=1):
        if item.number is None:
            item.number = position
            findings.append(
                Finding(
                    item.line,
                    "missing_number",
                    message(template, name=shorten(item.name, 50), number=position),
                    "info",
                )
            )


def _span(numbers: list[int | None]) -> str:
    known = [n for n in numbers if n is not None]
    if not known:
        return "-"
    return f"{known[0]}–{known[-1]}" if len(known) > 1 else str(known[0])
