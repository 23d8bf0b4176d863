"""The document as an Excel workbook (openpyxl).

A ``Keputusan`` sheet with the decree's body when the whole decree is exported (labels,
colon and text in three columns, the way the decree aligns them), and the ``Lampiran`` sheet:
the heading at the top right, the table's title across the table, the table with its merged
cells, the header rows repeated on every printed page (print titles), fitted to the page's
width, landscape A4 or F4. Every cell is written as text: a value starting with ``=``, ``+``,
``-`` or ``@`` stays a text, never a formula.
"""

from __future__ import annotations

import io
import math
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .document import Document, GridCell
from .paper import Paper

FONT = "Arial"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LINE_HEIGHT = 10.5  # points per line of 8 pt text
# Excel's paper codes: 9 = A4, 14 = Folio 8½ × 13 in (216 × 330 mm, the F4 of Indonesian
# offices).
PAPER_CODES = {"a4": 9, "f4": 14}
_SECTION = re.compile(r"^(Menimbang|Mengingat|Memperhatikan|Menetapkan|[A-Z]+(?: BELAS)?) : ?(.*)$")


STYLE_NAMES = {
    "title": "Renaksi Judul",
    "heading": "Renaksi Kepala Lampiran",
    "body": "Renaksi Batang Tubuh",
    "body_center": "Renaksi Batang Tubuh Tengah",
    "head": "Renaksi Kepala Tabel",
    "number": "Renaksi Nomor Kolom",
    "cell": "Renaksi Sel",
    "center": "Renaksi Sel Tengah",
    "mark": "Renaksi Tanda",
}


def _styles() -> dict[str, NamedStyle]:
    def style(name, *, bold=False, size=8, horizontal="left", border=True, wrap=True, middle=False):
        named = NamedStyle(name=name)
        named.font = Font(name=FONT, size=size, bold=bold)
        named.alignment = Alignment(
            horizontal=horizontal, vertical="center" if middle else "top", wrap_text=wrap
        )
        if border:
            named.border = BOX
        return named

    return {
        "title": style("Renaksi Judul", bold=True, size=10, horizontal="center", border=False),
        "heading": style("Renaksi Kepala Lampiran", size=9, border=False),
        "body": style("Renaksi Batang Tubuh", size=10, border=False),
        "body_center": style(
            "Renaksi Batang Tubuh Tengah", size=10, horizontal="center", border=False
        ),
        "head": style("Renaksi Kepala Tabel", bold=True, horizontal="center", middle=True),
        "number": style("Renaksi Nomor Kolom", horizontal="center", middle=True),
        "cell": style("Renaksi Sel"),
        "center": style("Renaksi Sel Tengah", horizontal="center"),
        "mark": style("Renaksi Tanda", horizontal="center"),
    }


def _set(ws: Worksheet, row: int, column: int, value: str, style: str):
    cell = ws.cell(row=row, column=column)
    if value:
        cell.value = value
        # A text that looks like a formula ("=SUM(…)", "+62…", "-", "@…") is still a text.
        cell.data_type = "s"
    cell.style = STYLE_NAMES[style]
    return cell


def _lines_needed(text: str, width: float) -> int:
    per_line = max(int(width * 1.7), 4)  # 8 pt Arial fits more than the width's characters
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n") or [""])


def _page_setup(ws: Worksheet, paper: Paper, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_CODES[paper.code]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True


def _body_sheet(wb: Workbook, document: Document, paper: Paper) -> None:
    ws = wb.create_sheet("Keputusan")
    _page_setup(ws, paper, landscape=False)
    for letter, width in (("A", 16), ("B", 2), ("C", 80)):
        ws.column_dimensions[letter].width = width
    centered = {"copy", "institution", "title", "tentang", "subject", "issuer", "memutuskan"}
    right = {"place", "date", "signer_title", "ttd", "signer"}
    r = 1
    for line in document.body:
        if not line.text:
            r += 1
            continue
        match = _SECTION.match(line.text) if line.role in ("section", "dictum") else None
        if line.role == "menetapkan":
            match = _SECTION.match(line.text.rstrip() + " ")
        if match:
            _set(ws, r, 1, match.group(1), "body")
            _set(ws, r, 2, ":", "body")
            _set(ws, r, 3, match.group(2), "body")
            text = match.group(2)
        elif line.role in centered:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            _set(ws, r, 1, line.text, "body_center")
            text = ""
        else:
            _set(ws, r, 3, line.text, "body")
            text = line.text
        if line.role in right:
            ws.cell(row=r, column=3).alignment = Alignment(horizontal="left", indent=20)
        ws.row_dimensions[r].height = 14 * _lines_needed(text, 80 * 0.85)
        r += 1


def _lampiran_sheet(wb: Workbook, document: Document, paper: Paper) -> None:
    ws = wb.create_sheet("Lampiran")
    _page_setup(ws, paper, landscape=True)
    grid = document.table
    widths = grid.widths()
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = grid.width
    # The heading block at the right, over the schedule (as the decree prints it).
    first_period = next(i for i, c in enumerate(grid.columns) if c.role in ("month", "quarter"))
    heading_col = max(first_period, 4) + 1
    r = 1
    for line in document.heading:
        if line.role == "table_title":
            break
        if line.text:
            ws.merge_cells(start_row=r, start_column=heading_col, end_row=r, end_column=last)
            _set(ws, r, heading_col, line.text, "heading")
        r += 1
    r += 1
    for line in document.heading:
        if line.role == "table_title":
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
            _set(ws, r, 1, line.text, "title")
            r += 1
    r += 1
    head_start = r
    r = _grid_rows(ws, grid.head, r, widths, header=True)
    ws.print_title_rows = f"{head_start}:{r - 1}"
    ws.freeze_panes = ws.cell(row=r, column=1)
    r = _grid_rows(ws, grid.rows, r, widths, header=False)
    r += 1
    for line in document.closing:
        if line.text:
            ws.merge_cells(start_row=r, start_column=heading_col, end_row=r, end_column=last)
            _set(ws, r, heading_col, line.text, "heading")
        r += 1


def _grid_rows(
    ws: Worksheet,
    rows: list[list[GridCell | None]],
    start: int,
    widths: list[float],
    *,
    header: bool,
) -> int:
    heights = [1] * len(rows)
    spans: list[tuple[int, int, int]] = []  # (row, rowspan, lines needed)
    for i, cells in enumerate(rows):
        r = start + i
        for j, cell in enumerate(cells):
            if cell is None:
                continue
            if header:
                style = {"head": "head", "number": "number", "period": "head"}[cell.kind]
            elif cell.kind == "mark":
                style = "mark"
            elif cell.role == "no":
                style = "center"
            else:
                style = "cell"
            _set(ws, r, j + 1, cell.text, style)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=r,
                    start_column=j + 1,
                    end_row=r + cell.rowspan - 1,
                    end_column=j + cell.colspan,
                )
                # The border of a merged range is drawn from its cells.
                for a in range(r, r + cell.rowspan):
                    for b in range(j + 1, j + cell.colspan + 1):
                        ws.cell(row=a, column=b).border = BOX
            width = sum(widths[j : j + cell.colspan])
            needed = _lines_needed(cell.text, width)
            if cell.rowspan == 1:
                heights[i] = max(heights[i], needed)
            else:
                spans.append((i, cell.rowspan, needed))
    # A merged cell taller than its rows makes its last row taller.
    for i, rowspan, needed in spans:
        have = sum(heights[i : i + rowspan])
        if needed > have:
            heights[i + rowspan - 1] += needed - have
    for i, lines in enumerate(heights):
        ws.row_dimensions[start + i].height = LINE_HEIGHT * lines + 3
    return start + len(rows)


def render_xlsx(document: Document, paper: Paper) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for style in _styles().values():
        wb.add_named_style(style)
    if document.whole:
        _body_sheet(wb, document, paper)
    _lampiran_sheet(wb, document, paper)
    h = document.header
    wb.properties.title = f"Rencana Aksi RB {h.unit_name} Tahun {h.year}"[:250]
    wb.properties.creator = "Renaksi"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
