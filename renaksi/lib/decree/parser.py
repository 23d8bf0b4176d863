"""Read a decree (Keputusan) text file into a ``ParsedDecree``. Plain Python, no Django.

``parse_decree(data)`` decodes the bytes, parses the body and the Lampiran table, infers what a
page break lost, numbers unnumbered items, and runs the validator. It returns a ParsedDecree
with its findings, or raises ``DecreeError`` with one clear Indonesian message.
"""

from __future__ import annotations

import re

from .areas import STANDARD_CHANGE_AREAS
from .body import parse_body, parse_signature_block
from .model import AreaData, DecreeError, Finding, ParsedDecree
from .table import TableParser
from .validator import validate

MAX_BYTES = 5 * 1024 * 1024
_LAMPIRAN = re.compile(r"^\W*LAMPIRAN\b", re.IGNORECASE)


def decode(data: bytes) -> str:
    """Decode a decree file, refusing what is not UTF-8 text."""
    if len(data) > MAX_BYTES:
        raise DecreeError(
            f"Berkas terlalu besar ({len(data) // 1024} KB); batasnya {MAX_BYTES // 1024} KB."
        )
    if not data.strip():
        raise DecreeError("Berkas kosong: tidak ada teks keputusan untuk diimpor.")
    if b"\x00" in data[:8192]:
        raise DecreeError("Berkas ini biner (misalnya PDF atau DOCX), bukan teks keputusan.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DecreeError(
            f"Berkas bukan teks UTF-8: byte tidak sah di posisi {exc.start}. "
            "Simpan ulang berkas sebagai teks UTF-8.",
            line,
        ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise DecreeError("Berkas berisi karakter kendali biner, bukan teks keputusan.")
    return text


def parse_decree(data: bytes | str) -> ParsedDecree:
    text = decode(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise DecreeError("Berkas kosong: tidak ada teks keputusan untuk diimpor.")
    lines = list(enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1))

    appendix_start = next((i for i, (_, raw) in enumerate(lines) if _LAMPIRAN.match(raw)), None)
    if appendix_start is None:
        appendix_start = next(
            (i for i, (_, raw) in enumerate(lines) if raw.split("\t")[0].strip() == "NO"),
            len(lines),
        )
    header = parse_body(lines[:appendix_start])

    appendix = lines[appendix_start:]
    table = TableParser()
    areas = table.parse(appendix)
    last_table = max(i for i, (_, raw) in enumerate(appendix) if "\t" in raw)
    closing = parse_signature_block(appendix[last_table + 1 :])
    header.closing_place = closing["place"]
    header.closing_place_line = closing["place_line"]
    header.closing_date = closing["date"]
    header.closing_date_line = closing["date_line"]
    header.closing_signer_name = closing["signer_name"]

    findings: list[Finding] = list(table.findings)
    areas = infer_missing_areas(areas, findings)
    number_unnumbered(areas, findings)
    decree = ParsedDecree(header=header, areas=areas, findings=findings)
    decree.findings.extend(validate(decree))
    decree.findings.sort(key=lambda f: f.line or 0)
    return decree


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
