"""A decree file as the parser sees it, whatever its format. Plain Python, no Django.

Every reader (text, XLSX, DOCX, PDF) turns its file into one ``SourceDocument``: the body as
numbered lines, the Lampiran table as rows of cells, and the lines after the table. Each line
and row has an *ordinal*, a number unique and increasing through the document, which the
parser uses as the ``line`` of everything it reads; ``positions`` maps every ordinal to where
it is in the terms of the file's format (line; sheet/row/column; table/row/cell; page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import DecreeError, Finding, Position

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Row:
    """One row of the Lampiran table.

    ``cells`` are the cell texts left to right; a newline inside a cell is kept as ``"\\n"``
    (lists written one item per line). ``filled`` holds the indexes of cells that carry no
    text but are shaded (a month marked by a fill colour in XLSX or DOCX). ``cell_refs``,
    when the format has them, names each cell (XLSX column letters, DOCX cell numbers).
    ``page_start`` is true for the first row after a page break in formats that know pages.
    """

    ordinal: int
    cells: list[str]
    position: Position
    filled: frozenset[int] = frozenset()
    cell_refs: tuple[str, ...] = ()
    page_start: bool = False

    def cell_position(self, index: int) -> Position:
        """The position of one cell of this row (the row's, refined by the cell's name)."""
        if index >= len(self.cell_refs):
            return self.position
        ref = self.cell_refs[index]
        if self.position.sheet is not None:
            return Position(sheet=self.position.sheet, row=self.position.row, column=ref)
        if self.position.table is not None:
            return Position(table=self.position.table, row=self.position.row, cell=int(ref))
        return self.position

    @property
    def excerpt(self) -> str:
        """The row's text as a person would read it: its non-empty cells, separated by ' | '."""
        return " | ".join(c.replace("\n", " ").strip() for c in self.cells if c.strip())


@dataclass
class SourceDocument:
    format: str  # "text", "xlsx", "docx" or "pdf"
    body: list[tuple[int, str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    closing: list[tuple[int, str]] = field(default_factory=list)
    positions: dict[int, Position] = field(default_factory=dict)
    # What the reader itself noticed (a hidden sheet, formulas, a second table …).
    findings: list[Finding] = field(default_factory=list)
    excerpts: dict[int, str] = field(default_factory=dict)

    def excerpt(self, ordinal: int | None) -> str:
        if ordinal is None:
            return ""
        return self.excerpts.get(ordinal, "")


# -- text --------------------------------------------------------------------------------

_LAMPIRAN = re.compile(r"^\W*LAMPIRAN\b", re.IGNORECASE)
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Decode a text decree, refusing what is not UTF-8 text."""
    if not data.strip():
        raise DecreeError("Berkas kosong: tidak ada teks keputusan untuk diimpor.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DecreeError("Berkas berisi byte NUL: ini berkas biner, bukan teks keputusan.", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DecreeError(
            f"Berkas bukan teks UTF-8: byte tidak sah di posisi {exc.start}. "
            "Simpan ulang berkas sebagai teks UTF-8.",
            line,
        ) from exc
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise DecreeError("Berkas berisi karakter kendali biner, bukan teks keputusan.")
    return text


def read_text(data: bytes | str) -> SourceDocument:
    """A text copy of a decree: the table rows are the lines that hold a tab."""
    text = decode_text(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise DecreeError("Berkas kosong: tidak ada teks keputusan untuk diimpor.")
    # Control characters (an escape sequence, a bell) are never part of a decree's text.
    text = _CONTROL.sub(" ", text)
    lines = list(enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1))
    doc = SourceDocument(format="text")
    doc.positions = {number: Position(line=number) for number, _ in lines}
    appendix_start = next((i for i, (_, raw) in enumerate(lines) if _LAMPIRAN.match(raw)), None)
    tab_lines = [i for i, (_, raw) in enumerate(lines) if "\t" in raw]
    if appendix_start is None or (tab_lines and tab_lines[0] < appendix_start):
        appendix_start = tab_lines[0] if tab_lines else len(lines)
    elif tab_lines and not any(raw.strip() for _, raw in lines[:appendix_start]):
        # The Lampiran alone ("LAMPIRAN / KEPUTUSAN … NOMOR … TAHUN … TENTANG …" then the
        # table): its heading is all there is of the decree's body, as the rows above a
        # spreadsheet's table are.
        appendix_start = tab_lines[0]
    doc.body = lines[:appendix_start]
    last_table = tab_lines[-1] if tab_lines else appendix_start - 1
    previous_blank = False
    for index in range(appendix_start, last_table + 1):
        number, raw = lines[index]
        if "\t" not in raw:
            previous_blank = previous_blank or not raw.strip()
            if raw.strip():
                # A line of text inside the table region (a running head, a page number):
                # kept as a one-cell row so the table reader can judge it.
                doc.rows.append(Row(number, [raw], Position(line=number)))
            continue
        row = Row(number, raw.split("\t"), Position(line=number), page_start=previous_blank)
        doc.rows.append(row)
        doc.excerpts[number] = row.excerpt
        previous_blank = False
    doc.closing = lines[last_table + 1 :]
    for number, raw in lines:
        doc.excerpts.setdefault(number, raw.strip())
    return doc
