"""Read a decree from a Word document (DOCX) into a ``SourceDocument``. Plain Python.

* The body is read from the paragraphs in document order, each paragraph one line (a soft
  line break splits it into several). Word's automatic numbering is written out as the
  label Word shows (``a.``, ``1.``, ``-`` for bullets), as the text copy has it. A table before
  the Lampiran (a body laid out as ``Menimbang | : | a. bahwa …``) is read as body lines, one
  per row, its cells joined by a space.
* The Lampiran is the first table whose first three rows hold the header (NO, AREA
  PERUBAHAN, KEGIATAN, SUB KEGIATAN, INDIKATOR KEBERHASILAN in any common spelling), and every
  later table that holds the header too or has the same number of columns (one table per
  page, concatenated; a header repeated on each page stays a header row). The first row of
  each table after the first starts a page (``page_start``).
* Merged cells: a cell spanning several grid columns has its text in the first grid position
  and blanks in the others; a vertically merged cell has its text in its first row and blanks
  below, as a text copy leaves continuing cells blank. Paragraphs inside a cell are joined by
  ``"\\n"``. A cell without text but with shading is in ``Row.filled``.
* Non-empty paragraphs between Lampiran tables (a running head, a page number) are kept as
  one-cell rows; paragraphs and tables after the last Lampiran table are closing lines.
* Positions: body ``Position(paragraph=n)`` (or ``table``/``row`` for a body table), table rows
  ``Position(table=t, row=r)`` with ``cell_refs`` "1", "2", … (grid positions); ``t`` counts
  every top-level table of the document.
* Headers, footers, text boxes and comments are not read.
"""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn

from .model import DecreeError, Position, gettext_noop, message
from .read_common import (
    Assembler,
    Line,
    PendingRow,
    header_columns,
    looks_english,
    no_table_error,
    split_lines,
)
from .source import SourceDocument
from .text import shorten

W_P, W_TBL, W_SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")
W_TR, W_TC = qn("w:tr"), qn("w:tc")
_RUN_PARENTS = {qn("w:hyperlink"), qn("w:ins"), qn("w:smartTag"), qn("w:fldSimple")}
_HEADER_ROWS = 3


def _roman(n: int) -> str:
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
    values += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in values:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    # Word's letter numbering: a … z, aa … zz, aaa …
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word's automatic list labels (``w:numPr``), written out as the text Word shows."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.starts: dict[tuple[str, int], int] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        part = document.part
        try:
            numbering = next(
                rel.target_part
                for rel in part.rels.values()
                if rel.reltype.endswith("/numbering") and not rel.is_external
            )
        except StopIteration:
            return
        root = numbering.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iterchildren(qn("w:abstractNum")):
            levels = {}
            for lvl in node.iterchildren(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                fmt = _val(lvl.find(qn("w:numFmt"))) or "decimal"
                text = _val(lvl.find(qn("w:lvlText")))
                text = f"%{ilvl + 1}." if text is None else text
                start = int(_val(lvl.find(qn("w:start"))) or 1)
                levels[ilvl] = (fmt, text, start)
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for node in root.iterchildren(qn("w:num")):
            num_id = node.get(qn("w:numId"))
            self.levels[num_id] = abstract.get(_val(node.find(qn("w:abstractNumId"))), {})
            for override in node.iterchildren(qn("w:lvlOverride")):
                start = _val(override.find(qn("w:startOverride")))
                if start is not None:
                    self.starts[(num_id, int(override.get(qn("w:ilvl"), "0")))] = int(start)
        for style in document.styles.element.iterchildren(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                num_id = _val(num_pr.find(qn("w:numId")))
                if num_id:
                    ilvl = int(_val(num_pr.find(qn("w:ilvl"))) or 0)
                    self.style_num[style.get(qn("w:styleId"))] = (num_id, ilvl)

    def label(self, p) -> str:
        if not self.levels:
            return ""
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id, ilvl = None, 0
        if num_pr is not None:
            num_id = _val(num_pr.find(qn("w:numId")))
            ilvl = int(_val(num_pr.find(qn("w:ilvl"))) or 0)
        else:
            style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and _val(style) in self.style_num:
                num_id, ilvl = self.style_num[_val(style)]
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        fmt, text, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counters = self.counters.setdefault(num_id, {})
        first = self.starts.get((num_id, ilvl), start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else first
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        for level in range(9):
            placeholder = f"%{level + 1}"
            if placeholder in text:
                lfmt, _, lstart = levels.get(level, ("decimal", "", 1))
                value = counters.get(level, self.starts.get((num_id, level), lstart))
                text = text.replace(placeholder, _format_number(value, lfmt))
        return text.strip()


def _val(node) -> str | None:
    return None if node is None else node.get(qn("w:val"))


def _run_text(r) -> str:
    out = []
    for child in r.iterchildren():
        tag = child.tag
        if tag == qn("w:t"):
            out.append(child.text or "")
        elif tag == qn("w:tab") or tag == qn("w:ptab"):
            out.append("\t")
        elif tag == qn("w:br"):
            if child.get(qn("w:type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == qn("w:cr"):
            out.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
        elif tag == qn("w:softHyphen"):
            continue
        elif tag == qn("w:sym"):
            out.append(chr(int(child.get(qn("w:char"), "20"), 16) % 0x110000))
    return "".join(out)


def _paragraph_text(p, numbering: _Numbering) -> str:
    parts = []
    for child in p.iterchildren():
        if child.tag == qn("w:r"):
            parts.append(_run_text(child))
        elif child.tag in _RUN_PARENTS:
            for r in child.iter(qn("w:r")):
                parts.append(_run_text(r))
    text = "".join(parts)
    label = numbering.label(p)
    return f"{label} {text}" if label and text.strip() else text


def _blocks(container):
    """Top-level paragraphs and tables in document order (content controls unwrapped)."""
    for child in container.iterchildren():
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag == W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _shaded(tc) -> bool:
    shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    if shd is None:
        return False
    fill = (shd.get(qn("w:fill")) or "auto").upper()
    val = shd.get(qn("w:val")) or "clear"
    if fill not in ("AUTO", "FFFFFF") and val != "nil":
        return True
    # A pattern (e.g. "pct50") shades with its colour even on a white fill.
    return val not in ("clear", "nil") and (shd.get(qn("w:color")) or "auto").upper() != "FFFFFF"


class _Table:
    """One ``w:tbl`` read into a grid of cell texts."""

    def __init__(self, tbl, number: int, numbering: _Numbering):
        self.number = number
        self.rows: list[list[str]] = []
        self.filled: list[frozenset[int]] = []
        self.page_marks: list[bool] = []
        self.nested = 0
        for tr in tbl.iterchildren(W_TR):
            cells: list[str] = []
            filled: set[int] = set()
            tr_pr = tr.find(qn("w:trPr"))
            before = tr_pr.find(qn("w:gridBefore")) if tr_pr is not None else None
            cells.extend([""] * int(_val(before) or 0))
            for tc in _row_cells(tr):
                span_node = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                span = max(1, min(int(_val(span_node) or 1), 64))
                v_merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                continues = v_merge is not None and _val(v_merge) in (None, "continue")
                text = "" if continues else self._cell_text(tc, numbering)
                if not text.strip() and _shaded(tc):
                    filled.update(range(len(cells), len(cells) + span))
                cells.append(text)
                cells.extend([""] * (span - 1))
            self.rows.append(cells)
            self.filled.append(frozenset(filled))
            self.page_marks.append(
                bool(tr.xpath("./w:tc[1]/w:p[1]//w:lastRenderedPageBreak"))
                or bool(tr.xpath(".//w:br[@w:type='page']"))
            )

    def _cell_text(self, tc, numbering: _Numbering) -> str:
        lines = []
        for block in _blocks(tc):
            if block.tag == W_P:
                lines.append(_paragraph_text(block, numbering))
            else:
                self.nested += 1
                inner = _Table(block, self.number, numbering)
                lines.extend(" ".join(c for c in row if c.strip()) for row in inner.rows)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def header(self) -> tuple[int, int] | None:
        """(row index, first column) of the Lampiran header within the first rows."""
        for index, cells in enumerate(self.rows[:_HEADER_ROWS]):
            first = header_columns(cells)
            if first is not None:
                return index, first
        return None


def _row_cells(tr):
    for child in tr.iterchildren():
        if child.tag == W_TC:
            yield child
        elif child.tag == W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from content.iterchildren(W_TC)


def read_docx(data: bytes) -> SourceDocument:
    document = docx.Document(io.BytesIO(data))
    numbering = _Numbering(document)
    blocks: list[tuple[str, object]] = []
    paragraph_number = table_number = 0
    for block in _blocks(document.element.body):
        if block.tag == W_P:
            paragraph_number += 1
            blocks.append(("p", (paragraph_number, _paragraph_text(block, numbering))))
        else:
            table_number += 1
            blocks.append(("t", _Table(block, table_number, numbering)))
    tables = [t for kind, t in blocks if kind == "t"]
    if not tables:
        raise DecreeError(
            "Tidak ada tabel Lampiran di dokumen Word: rencana aksi harus berupa tabel (NO, "
            "AREA PERUBAHAN, KEGIATAN, SUB KEGIATAN, INDIKATOR KEBERHASILAN, bulan JAN–DES)."
        )
    first = next((t for t in tables if t.header() is not None), None)
    if first is None:
        english = next(
            (
                Position(table=t.number, row=i + 1)
                for t in tables
                for i, cells in enumerate(t.rows[:_HEADER_ROWS])
                if looks_english(cells)
            ),
            None,
        )
        raise no_table_error("dokumen Word", english, Position(table=tables[0].number))
    header_index, first_col = first.header()
    lampiran = [first]
    for table in tables[tables.index(first) + 1 :]:
        if table.header() is not None or table.width == first.width:
            lampiran.append(table)
        else:
            break
    last = lampiran[-1]

    asm = Assembler("docx")
    state = "body"
    for kind, item in blocks:
        if kind == "t" and item is first:
            state = "table"
        if state == "body":
            if kind == "p":
                number, text = item
                for line in split_lines(text):
                    asm.body.append(Line(line, Position(paragraph=number)))
            else:
                asm.body.extend(_table_lines(item))
        elif state == "table":
            if kind == "p":
                number, text = item
                if text.strip():
                    row = PendingRow([text.strip()], Position(paragraph=number))
                    asm.rows.append(row)
            else:
                skip = header_index if item is first else 0
                # Rows above the header in the first table (a title row) are body lines.
                asm.body.extend(line for line in _table_lines(item) if line.position.row <= skip)
                _table_rows(asm, item, first_col, page_start=item is not first, skip=skip)
            if item is last:
                state = "closing"
        else:
            if kind == "p":
                number, text = item
                for line in split_lines(text):
                    asm.closing.append(Line(line, Position(paragraph=number)))
            else:
                asm.closing.extend(_table_lines(item))
    for table in lampiran:
        if table.nested:
            asm.note(
                None,
                "nested_table",
                message(
                    gettext_noop(
                        "Tabel %(table)s berisi %(count)s tabel di dalam sel; isinya dibaca "
                        "sebagai baris-baris teks sel itu."
                    ),
                    table=table.number,
                    count=table.nested,
                ),
                position=Position(table=table.number),
            )
    for kind, item in blocks:
        if kind == "t" and item not in lampiran and item.header() is not None:
            asm.note(
                None,
                "second_table",
                message(
                    gettext_noop(
                        "Tabel %(table)s juga berjudul kolom tabel Lampiran, tetapi tidak dibaca "
                        "sebagai Lampiran karena terpisah dari tabel Lampiran pertama."
                    ),
                    table=item.number,
                ),
                position=Position(table=item.number),
            )
    return asm.build()


def _table_lines(table: _Table) -> list[Line]:
    lines = []
    for index, cells in enumerate(table.rows, start=1):
        text = " ".join(c.strip() for c in cells if c.strip())
        for line in split_lines(text):
            lines.append(Line(line, Position(table=table.number, row=index)))
    return lines


def _table_rows(
    asm: Assembler, table: _Table, first_col: int, page_start: bool, skip: int = 0
) -> None:
    width = table.width
    refs = tuple(str(i + 1) for i in range(first_col, width))
    for index, cells in enumerate(table.rows):
        if index < skip:
            continue
        position = Position(table=table.number, row=index + 1)
        left = [c for c in cells[:first_col] if c.strip()]
        cells = (cells + [""] * (width - len(cells)))[first_col:]
        filled = frozenset(i - first_col for i in table.filled[index] if i >= first_col)
        if not any(c.strip() for c in cells) and not filled:
            page_start = page_start or table.page_marks[index]
            continue
        row = PendingRow(
            cells,
            position,
            filled=filled,
            cell_refs=refs,
            page_start=page_start or (index > 0 and table.page_marks[index]),
        )
        page_start = False
        asm.rows.append(row)
        if left:
            asm.note(
                row,
                "outside_table",
                message(
                    gettext_noop(
                        "Teks di kiri kolom NO tabel %(table)s tidak dibaca sebagai sel tabel: "
                        "'%(text)s'."
                    ),
                    table=table.number,
                    text=shorten(" ".join(left), 80),
                ),
            )
