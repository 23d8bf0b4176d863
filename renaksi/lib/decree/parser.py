"""Read a decree (Keputusan) text file into a ``ParsedDecree``. Plain Python, no Django.

``parse_decree(data)`` decodes the bytes, parses the body and the Lampiran table, infers what a
page break lost, numbers unnumbered items, and runs the validator. It returns a ParsedDecree
with its findings, or raises ``DecreeError`` with one clear Indonesian message.
"""

from __future__ import annotations

from dataclasses import replace

from .areas import STANDARD_CHANGE_AREAS
from .body import parse_body, parse_signature_block
from .formats import read_document
from .model import AreaData, DecreeError, Finding, ParsedDecree
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
    header = parse_body(doc.body)
    table = TableParser()
    areas = table.parse(doc.rows)
    closing = parse_signature_block(doc.closing)
    header.closing_place = closing["place"]
    header.closing_place_line = closing["place_line"]
    header.closing_date = closing["date"]
    header.closing_date_line = closing["date_line"]
    header.closing_signer_name = closing["signer_name"]

    findings: list[Finding] = list(doc.findings) + list(table.findings)
    areas = infer_missing_areas(areas, findings)
    number_unnumbered(areas, findings)
    decree = ParsedDecree(header=header, areas=areas, findings=findings, source_format=doc.format)
    decree.findings.extend(validate(decree))
    decree.findings = [_locate(f, doc) for f in decree.findings]
    decree.findings.sort(key=lambda f: f.line or 0)
    return decree


def _locate(finding: Finding, doc: SourceDocument) -> Finding:
    """Give a finding its position in the source and the source text it came from."""
    if finding.line is None or (finding.position is not None and finding.excerpt):
        return finding
    return replace(
        finding,
        position=finding.position or doc.positions.get(finding.line),
        excerpt=finding.excerpt or shorten(doc.excerpt(finding.line), 400),
    )


def infer_missing_areas(areas: list[AreaData], findings: list[Finding]) -> list[AreaData]:
    """Re-create an area whose header row a page break lost.

    When area N is followed by area N+2, the activities of area N whose numbering restarts
    out of sequence (e.g. 1, 2, then 5) are read as the start of area N+1.
    """
    result: list[AreaData] = []
    for index, area in enumerate(areas):
        result.append(area)
        following = areas[index + 1] if index + 1 < len(areas) else None
        if following is None or following.number <= area.number + 1:
            continue
        missing_number = area.number + 1
        split_at = None
        for position in range(1, len(area.activities)):
            before = area.activities[position - 1].number
            current = area.activities[position].number
            if before is not None and current is not None and current > before + 1:
                split_at = position
                break
        if split_at is None or missing_number not in STANDARD_CHANGE_AREAS:
            continue
        moved = area.activities[split_at:]
        area.activities = area.activities[:split_at]
        inferred = AreaData(
            number=missing_number,
            name=STANDARD_CHANGE_AREAS[missing_number],
            line=moved[0].line,
            inferred=True,
            activities=moved,
        )
        result.append(inferred)
        kept = [a.number for a in area.activities]
        findings.append(
            Finding(
                moved[0].line,
                "area_inferred",
                f"Baris area {missing_number} tidak ada di sumber (kemungkinan hilang pada "
                f"pergantian halaman). Kegiatan nomor {moved[0].number}–{moved[-1].number} "
                f"mulai baris {moved[0].line} tidak melanjutkan penomoran kegiatan area "
                f"{area.number} ({_span(kept)}), sehingga dibaca sebagai area "
                f"{missing_number} '{inferred.name}'.",
            )
        )
    return result


def number_unnumbered(areas: list[AreaData], findings: list[Finding]) -> None:
    """Give an unnumbered activity or sub-activity its position as number, and say so."""
    for area in areas:
        _number_by_position(area.activities, "Kegiatan", findings)
        for activity in area.activities:
            _number_by_position(activity.sub_activities, "Sub kegiatan", findings)


def _number_by_position(items, what: str, findings: list[Finding]) -> None:
    for position, item in enumerate(items, start=1):
        if item.number is None:
            item.number = position
            findings.append(
                Finding(
                    item.line,
                    "missing_number",
                    f"{what} '{item.name[:50]}' tidak bernomor; diberi nomor {position} "
                    "sesuai urutannya.",
                    "info",
                )
            )


def _span(numbers: list[int | None]) -> str:
    known = [n for n in numbers if n is not None]
    if not known:
        return "-"
    return f"{known[0]}–{known[-1]}" if len(known) > 1 else str(known[0])
