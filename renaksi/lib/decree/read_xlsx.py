"""Read a decree from an Excel workbook (XLSX) into a ``SourceDocument``. Plain Python.

* The Lampiran table is taken from the first visible sheet that has its header row (NO, AREA
  PERUBAHAN, KEGIATAN, SUB KEGIATAN, INDIKATOR KEBERHASILAN in any common spelling), anywhere
  on the sheet: the row's cells start at the NO column (a table shifted to column D reads as
  one in column A). A hidden sheet is used only when no visible one has the table (warning).
* Rows above the header (headings such as ``RENCANA AKSI … TAHUN 2023``) are body lines: the
  non-empty cells of a row joined by a space. Another visible sheet holding the decree's body
  (a line starting with ``KEPUTUSAN``) is read first, as body lines; other sheets are named in
  an info finding and not read.
* The table runs to the row before the signature block (``Ditetapkan di``, ``pada tanggal``,
  ``ttd``) or, without one, to its last row with two or more non-empty cells (or one, in a row
  a merged cell of the table continues into); what follows is closing lines. Empty rows
  inside the table are skipped.
* A merged cell has its value in the top-left cell and blanks in the others (as a text copy
  leaves continuing area and activity cells blank). A line break in a cell is kept as
  ``"\\n"``. A cell without text but with a fill colour is in ``Row.filled`` (a month marked by
  colour); the cells of a merge are filled when the top-left one is filled and has no text.
* Values: cached values of formulas (``data_only``); nothing is ever evaluated, and a text
  that starts with ``=``, ``+``, ``-`` or ``@`` is read as that text. A formula without a cached
  value (a file written by a program that does not compute) reads as an empty cell, with a
  ``formula_cell`` warning naming it. Numbers as numbers read as written (``1.0`` → ``1``,
  ``0.5`` in a percent format → ``50%``); dates in Indonesian (``11 April 2022``).
* Hidden rows and columns are read like the others (the file holds them; dropping them could
  drop items), with a ``hidden_rows`` / ``hidden_columns`` warning.
* Positions: ``Position(sheet=name, row=n)`` per row, ``cell_refs`` = column letters.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from .model import Position, gettext_noop, message
from .read_common import (
    Assembler,
    Line,
    PendingRow,
    header_columns,
    is_closing_start,
    looks_english,
    no_table_error,
    split_lines,
)
from .source import SourceDocument
from .text import format_date_id, shorten

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_TITLE = re.compile(r"^\W*KEPUTUSAN\b", re.IGNORECASE)
_WHITE = {"FFFFFFFF", "00FFFFFF", "FFFFFF"}
# Rows searched for the table header on each sheet.
HEADER_SEARCH_ROWS = 500


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (then the formulas are loaded to name them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as member:
                    while chunk := member.read(1 << 20):
                        if _FORMULA.search(chunk):
                            return True
    return False


def _number(value: float, number_format: str) -> str:
    if "%" in (number_format or ""):
        return f"{value * 100:g}%".replace(".", ",")
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _time(value: datetime.time) -> str:
    return f"{value.hour:02d}.{value.minute:02d}"


def cell_text(value, number_format: str = "General") -> str:
    """The text of a cell value as a person reads it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in split_lines(value)).strip()
    if isinstance(value, bool):
        return "BENAR" if value else "SALAH"
    if isinstance(value, int):
        return _number(float(value), number_format) if "%" in number_format else str(value)
    if isinstance(value, float):
        return _number(value, number_format)
    if isinstance(value, datetime.datetime):
        text = format_date_id(value.date())
        return f"{text} {_time(value.time())}" if value.time() != datetime.time() else text
    if isinstance(value, datetime.date):
        return format_date_id(value)
    if isinstance(value, datetime.time):
        return _time(value)
    return str(value)


def _is_filled(cell) -> bool:
    fill = cell.fill
    if fill is None:
        return False
    fill_type = getattr(fill, "fill_type", None) or getattr(fill, "type", None)
    if fill_type in (None, "none"):
        return False
    if fill_type == "solid":
        color = fill.fgColor
        if color is None:
            return False
        if color.type == "rgb" and str(color.rgb).upper() in _WHITE:
            return False
        if color.type == "theme" and color.theme == 0 and not color.tint:
            return False  # "Background 1", the sheet's white
        if color.type == "indexed" and color.indexed in (9, 64):
            return False  # white, system background
    return True


class _Sheet:
    """One worksheet read into a grid of texts, fills and merges."""

    def __init__(self, ws, formulas: dict[tuple[int, int], str] | None = None):
        self.ws = ws
        self.name = ws.title
        self.hidden = ws.sheet_state != "visible"
        self.formulas = formulas or {}
        self.merged_origin: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        self.merged_origin[(r, c)] = (merged.min_row, merged.min_col)
        self.rows: dict[int, dict[int, str]] = {}
        self.filled: dict[int, set[int]] = {}
        self.formula_missing: list[tuple[int, int, str]] = []
        self.formula_count = 0
        self._read()

    def _read(self) -> None:
        origin_fill: dict[tuple[int, int], bool] = {}
        for row in self.ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell):
                    continue
                r, c = cell.row, cell.column
                text = cell_text(cell.value, cell.number_format)
                formula = self.formulas.get((r, c))
                if formula is not None and cell.value is None:
                    self.formula_missing.append((r, c, formula))
                elif formula is not None:
                    self.formula_count += 1
                if text:
                    self.rows.setdefault(r, {})[c] = text
                elif _is_filled(cell):
                    self.filled.setdefault(r, set()).add(c)
                    origin_fill[(r, c)] = True
        for (r, c), origin in self.merged_origin.items():
            if origin_fill.get(origin):
                self.filled.setdefault(r, set()).add(c)

    @property
    def last_row(self) -> int:
        return max([*self.rows, *self.filled], default=0)

    def line(self, r: int) -> str:
        cells = self.rows.get(r, {})
        return " ".join(cells[c] for c in sorted(cells))

    def hidden_rows(self) -> set[int]:
        return {r for r, dim in self.ws.row_dimensions.items() if dim.hidden}

    def hidden_columns(self) -> set[int]:
        hidden = set()
        for dim in self.ws.column_dimensions.values():
            if dim.hidden and dim.min and dim.max:
                hidden.update(range(dim.min, min(dim.max, 16384) + 1))
        return hidden

    def page_breaks(self) -> set[int]:
        """Rows that start a new page (after a manual page break)."""
        return {brk.id + 1 for brk in self.ws.row_breaks.brk if brk.id}

    def find_header(self) -> tuple[int, int] | None:
        for r in sorted(self.rows)[:HEADER_SEARCH_ROWS]:
            cells = self.rows[r]
            width = max(cells)
            first = header_columns([cells.get(c, "") for c in range(1, width + 1)])
            if first is not None:
                return r, first + 1
        return None

    def english_header(self) -> int | None:
        for r in sorted(self.rows)[:HEADER_SEARCH_ROWS]:
            if looks_english(list(self.rows[r].values())):
                return r
        return None


def _formulas(ws) -> dict[tuple[int, int], str]:
    """The formula cells of a sheet loaded without ``data_only``: (row, column) → formula."""
    found = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                value = cell.value
                found[(cell.row, cell.column)] = getattr(value, "text", None) or str(value)
    return found


def _lines(sheet: _Sheet, first: int, last: int) -> list[Line]:
    lines = []
    for r in range(first, last + 1):
        for text in split_lines(sheet.line(r)):
            lines.append(Line(text, Position(sheet=sheet.name, row=r)))
    return lines


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


MAX_CELL_FINDINGS = 20


def read_xlsx(data: bytes) -> SourceDocument:
    formulas_wb = None
    if _has_formulas(data):
        formulas_wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    sheets = [
        _Sheet(ws, _formulas(formulas_wb[ws.title]) if formulas_wb is not None else None)
        for ws in workbook.worksheets
    ]
    asm = Assembler("xlsx")
    headers = {sheet.name: sheet.find_header() for sheet in sheets}
    with_table = [s for s in sheets if headers[s.name] and not s.hidden]
    with_table += [s for s in sheets if headers[s.name] and s.hidden]
    if not with_table:
        english = next(
            (
                Position(sheet=s.name, row=r)
                for s in sheets
                if (r := s.english_header()) is not None
            ),
            None,
        )
        raise no_table_error("lembar mana pun di berkas Excel", english)
    table = with_table[0]
    header_row, first_col = headers[table.name]
    if table.hidden:
        asm.note(
            None,
            "hidden_sheet",
            message(
                gettext_noop(
                    "Tabel Lampiran hanya ada di lembar tersembunyi '%(sheet)s'; lembar itu "
                    "dibaca. Pastikan lembar itu memang Lampiran keputusan."
                ),
                sheet=table.name,
            ),
            position=Position(sheet=table.name),
        )
    for other in with_table[1:]:
        asm.note(
            None,
            "second_table",
            message(
                gettext_noop(
                    "Lembar '%(other)s' juga berisi tabel Lampiran, tetapi tidak dibaca: satu "
                    "berkas dibaca sebagai satu keputusan, dengan tabel di lembar '%(sheet)s'."
                ),
                other=other.name,
                sheet=table.name,
            ),
            position=Position(sheet=other.name, row=headers[other.name][0]),
        )

    # The body: other visible sheets that hold the decree's text, then the headings.
    for sheet in sheets:
        if sheet is table or sheet in with_table or not sheet.last_row:
            continue
        if sheet.hidden:
            asm.note(
                None,
                "hidden_sheet",
                message(
                    gettext_noop("Lembar tersembunyi '%(sheet)s' tidak dibaca."), sheet=sheet.name
                ),
                "info",
                position=Position(sheet=sheet.name),
            )
        elif any(_TITLE.match(sheet.line(r)) for r in sheet.rows):
            asm.body.extend(_lines(sheet, 1, sheet.last_row))
            _note_formulas(asm, sheet, {})
            asm.note(
                None,
                "body_sheet",
                message(
                    gettext_noop("Batang tubuh keputusan dibaca dari lembar '%(sheet)s'."),
                    sheet=sheet.name,
                ),
                "info",
                position=Position(sheet=sheet.name),
            )
        else:
            asm.note(
                None,
                "sheet_skipped",
                message(
                    gettext_noop(
                        "Lembar '%(sheet)s' tidak dibaca: tidak berisi tabel Lampiran maupun "
                        "batang tubuh keputusan (judul KEPUTUSAN …)."
                    ),
                    sheet=sheet.name,
                ),
                "info",
                position=Position(sheet=sheet.name),
            )
    items: dict[int, Line | PendingRow] = {}
    for line in _lines(table, 1, header_row - 1):
        asm.body.append(line)
        items.setdefault(line.position.row, line)

    # The table: from the header to the signature block or the last row shaped like a row.
    table_rows = sorted(set(table.rows) | set(table.filled))
    table_rows = [r for r in table_rows if r >= header_row]
    end = header_row
    # Rows that a merged cell of the table continues into (an area or activity merged down
    # over its rows): a row there is a table row even with a single text of its own.
    continued = {
        r
        for merged in table.ws.merged_cells.ranges
        if merged.min_row > header_row and merged.min_col >= first_col
        for r in range(merged.min_row + 1, merged.max_row + 1)
    }
    for r in table_rows:
        if r > header_row and is_closing_start(table.line(r)):
            break
        texts = [c for c in table.rows.get(r, {}) if c >= first_col]
        filled = any(c >= first_col for c in table.filled.get(r, ()))
        if len(texts) >= 2 or filled or (texts and r in continued):
            end = r
    body_rows = [r for r in table_rows if r <= end]
    last_col = first_col
    for r in body_rows:
        last_col = max(last_col, *table.rows.get(r, {}), *table.filled.get(r, ()))
    for merged in table.ws.merged_cells.ranges:
        if merged.min_row <= header_row + 2 and merged.max_row >= header_row:
            last_col = max(last_col, merged.max_col)
    refs = tuple(get_column_letter(c) for c in range(first_col, last_col + 1))
    breaks = table.page_breaks()
    page_break_pending = False
    outside: list[int] = []
    for r in range(header_row, end + 1):
        page_break_pending = page_break_pending or r in breaks
        cells_by_col = table.rows.get(r, {})
        if any(c < first_col for c in cells_by_col):
            outside.append(r)
        cells = [cells_by_col.get(c, "") for c in range(first_col, last_col + 1)]
        filled = frozenset(
            c - first_col
            for c in table.filled.get(r, ())
            if first_col <= c <= last_col and c not in cells_by_col
        )
        if not any(cells) and not filled:
            continue
        row = PendingRow(
            cells,
            Position(sheet=table.name, row=r),
            filled=filled,
            cell_refs=refs,
            page_start=page_break_pending,
        )
        page_break_pending = False
        asm.rows.append(row)
        items[r] = row
    for line in _lines(table, end + 1, table.last_row):
        asm.closing.append(line)
        items.setdefault(line.position.row, line)
    if not asm.rows:
        raise no_table_error(f"lembar '{table.name}'", None)

    for r in outside:
        texts = [v for c, v in sorted(table.rows[r].items()) if c < first_col]
        asm.note(
            items.get(r),
            "outside_table",
            message(
                gettext_noop(
                    "Teks di kiri tabel Lampiran (sebelum kolom %(column)s) tidak dibaca sebagai "
                    "sel tabel: '%(text)s'."
                ),
                column=refs[0],
                text=shorten(" ".join(texts), 80),
            ),
            position=Position(sheet=table.name, row=r),
        )
    _note_formulas(asm, table, items)
    _note_hidden(asm, table, items, first_col)
    return asm.build()


def _note_formulas(asm: Assembler, sheet: _Sheet, items: dict) -> None:
    for index, (r, c, formula) in enumerate(sheet.formula_missing):
        letter = get_column_letter(c)
        if index == MAX_CELL_FINDINGS:
            asm.note(
                None,
                "formula_cell",
                message(
                    gettext_noop(
                        "%(count)s sel rumus lain tanpa nilai tersimpan di lembar '%(sheet)s' "
                        "juga dibaca kosong."
                    ),
                    count=len(sheet.formula_missing) - index,
                    sheet=sheet.name,
                ),
                position=Position(sheet=sheet.name),
            )
            break
        asm.note(
            items.get(r),
            "formula_cell",
            message(
                gettext_noop(
                    "Sel %(cell)s berisi rumus '%(formula)s' tanpa nilai tersimpan; sel dibaca "
                    "kosong (rumus tidak pernah dihitung oleh Renaksi). Buka berkas di Excel atau "
                    "LibreOffice lalu simpan ulang agar nilainya tersimpan, atau ganti rumus "
                    "dengan nilainya."
                ),
                cell=f"{letter}{r}",
                formula=shorten(formula, 60),
            ),
            position=Position(sheet=sheet.name, row=r, column=letter),
        )
    if sheet.formula_count:
        asm.note(
            None,
            "formula_values",
            message(
                gettext_noop(
                    "%(count)s sel di lembar '%(sheet)s' berisi rumus; nilai yang tersimpan di "
                    "berkas yang dibaca (rumus tidak dihitung ulang)."
                ),
                count=sheet.formula_count,
                sheet=sheet.name,
            ),
            "info",
            position=Position(sheet=sheet.name),
        )


def _note_hidden(asm: Assembler, sheet: _Sheet, items: dict, first_col: int) -> None:
    with_content = set(sheet.rows) | set(sheet.filled)
    for start, stop in _runs([r for r in sheet.hidden_rows() if r in with_content]):
        span = f"{start}" if start == stop else f"{start}–{stop}"
        asm.note(
            items.get(start),
            "hidden_rows",
            message(
                gettext_noop(
                    "Baris %(rows)s di lembar '%(sheet)s' tersembunyi di Excel, tetapi ikut "
                    "dibaca; pastikan baris itu memang bagian dari keputusan."
                ),
                rows=span,
                sheet=sheet.name,
            ),
            position=Position(sheet=sheet.name, row=start),
        )
    used = {c for cells in sheet.rows.values() for c in cells}
    hidden = sorted(c for c in sheet.hidden_columns() if c in used and c >= first_col)
    if hidden:
        letters = ", ".join(get_column_letter(c) for c in hidden[:10])
        asm.note(
            None,
            "hidden_columns",
            message(
                gettext_noop(
                    "Kolom %(columns)s di lembar '%(sheet)s' tersembunyi di Excel, tetapi ikut "
                    "dibaca sebagai kolom tabel."
                ),
                columns=letters,
                sheet=sheet.name,
            ),
            position=Position(sheet=sheet.name, column=get_column_letter(hidden[0])),
        )
