"""What the XLSX, DOCX and PDF readers share. Plain Python, no Django.

* ``header_columns``: is a row of cells the header of the Lampiran table (NO, AREA PERUBAHAN,
  KEGIATAN, SUB KEGIATAN, INDIKATOR KEBERHASILAN in any common spelling)? A small local
  detector, enough to find the table in a file; the parser's column model reads the header
  itself.
* ``Assembler``: collects body lines, table rows and closing lines with their positions and
  gives them ordinals unique and increasing through the document (body, rows, closing), with
  ``positions`` and ``excerpts`` filled for every ordinal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import DecreeError, Finding, Position
from .source import Row, SourceDocument
from .text import shorten

_NON_WORD = re.compile(r"[^0-9A-Z]+")

# Header labels by role, after ``_normal`` (upper case, punctuation and hyphens as spaces).
_LABELS = {
    "no": re.compile(r"^(NO|NOMOR)( URUT)?$"),
    "area": re.compile(r"^AREA\b"),
    "activity": re.compile(r"^(RENCANA )?KEGIATAN\b"),
    "sub": re.compile(r"^(SUB ?KEGIATAN|RINCIAN KEGIATAN)\b"),
    "indicator": re.compile(r"^INDIKATOR\b"),
}
# The same header in English: only to say why a table was not taken for the Lampiran.
_ENGLISH = re.compile(
    r"^((CHANGE )?AREAS?( OF CHANGE)?|ACTIVITY|ACTIVITIES|SUB ?ACTIVIT(Y|IES)|"
    r"(SUCCESS |PERFORMANCE )?INDICATORS?|SCHEDULE|MONTHS?|DESCRIPTION)$"
)

REQUIRED_LABELS = "NO, AREA PERUBAHAN, KEGIATAN, SUB KEGIATAN, INDIKATOR KEBERHASILAN"


def _normal(cell: str) -> str:
    return _NON_WORD.sub(" ", cell.upper()).strip()


def header_columns(cells: list[str]) -> int | None:
    """The index of the table's first column if ``cells`` is the Lampiran header, else None.

    A header has a NO cell and at least two of AREA / KEGIATAN / SUB KEGIATAN / INDIKATOR,
    or three of those without NO.
    """
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not cell or len(cell) > 60:
            continue
        text = _normal(cell)
        for role, pattern in _LABELS.items():
            if role not in roles and pattern.match(text):
                roles[role] = index
                break
    others = len(roles) - ("no" in roles)
    if ("no" in roles and others >= 2) or others >= 3:
        return min(roles.values())
    return None


def looks_english(cells: list[str]) -> bool:
    """A row whose cells look like the Lampiran header written in English."""
    return sum(1 for c in cells if c and len(c) < 60 and _ENGLISH.match(_normal(c))) >= 2


def no_table_error(what: str, english: Position | None, position: Position | None = None):
    """The error for a file that holds no Lampiran table (``what``: 'lembar mana pun' …)."""
    message = (
        f"Tabel Lampiran tidak ditemukan di {what}: tidak ada baris judul kolom "
        f"({REQUIRED_LABELS})."
    )
    if english is not None:
        message += (
            f" Judul kolom di {english.describe()} tampaknya berbahasa Inggris; Renaksi membaca "
            "tabel Lampiran keputusan berbahasa Indonesia."
        )
    return DecreeError(message, position=english or position)


_CLOSING_START = re.compile(
    r"^\W*((Ditetapkan|Dikeluarkan)\s+di\b|pada\s+tanggal\b|ttd\b)", re.IGNORECASE
)


def is_closing_start(text: str) -> bool:
    """``Ditetapkan di …``, ``pada tanggal …`` or ``ttd.``: the signature block after the table."""
    return bool(_CLOSING_START.match(text))


@dataclass
class Line:
    text: str
    position: Position


@dataclass
class PendingRow:
    cells: list[str]
    position: Position
    filled: frozenset[int] = frozenset()
    cell_refs: tuple[str, ...] = ()
    page_start: bool = False


@dataclass
class PendingFinding:
    kind: str
    message: str
    severity: str = "warning"
    item: Line | PendingRow | None = None
    position: Position | None = None


@dataclass
class Assembler:
    format: str
    body: list[Line] = field(default_factory=list)
    rows: list[PendingRow] = field(default_factory=list)
    closing: list[Line] = field(default_factory=list)
    findings: list[PendingFinding] = field(default_factory=list)

    def note(
        self,
        item: Line | PendingRow | None,
        kind: str,
        message: str,
        severity: str = "warning",
        position: Position | None = None,
    ) -> None:
        """A finding of the reader, about ``item`` (its ordinal becomes the finding's line)."""
        self.findings.append(PendingFinding(kind, message, severity, item, position))

    def build(self) -> SourceDocument:
        doc = SourceDocument(format=self.format)
        ordinals: dict[int, int] = {}
        ordinal = 0
        for line in self.body:
            ordinal += 1
            ordinals[id(line)] = ordinal
            doc.body.append((ordinal, line.text))
            doc.positions[ordinal] = line.position
            doc.excerpts[ordinal] = line.text.strip()
        for pending in self.rows:
            ordinal += 1
            ordinals[id(pending)] = ordinal
            row = Row(
                ordinal,
                # A tab inside a cell is a space: the cells of a row are never split again.
                [c.replace("\t", " ") for c in pending.cells],
                pending.position,
                filled=pending.filled,
                cell_refs=pending.cell_refs,
                page_start=pending.page_start,
            )
            doc.rows.append(row)
            doc.positions[ordinal] = pending.position
            doc.excerpts[ordinal] = row.excerpt
        for line in self.closing:
            ordinal += 1
            ordinals[id(line)] = ordinal
            doc.closing.append((ordinal, line.text))
            doc.positions[ordinal] = line.position
            doc.excerpts[ordinal] = line.text.strip()
        for pending in self.findings:
            number = ordinals.get(id(pending.item)) if pending.item is not None else None
            position = pending.position or (pending.item.position if pending.item else None)
            doc.findings.append(
                Finding(
                    number,
                    pending.kind,
                    pending.message,
                    pending.severity,
                    position=position,
                    excerpt=shorten(doc.excerpt(number), 400),
                )
            )
        return doc


def split_lines(text: str) -> list[str]:
    """The lines of a text, ``\\r\\n`` and ``\\r`` read as newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
