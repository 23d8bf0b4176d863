"""What every workbook of renaksi.reports shares: cell writing that never makes a formula,
the named styles, widths and the print set-up.

``put(ws, row, column, value)`` writes a text as a string cell even when it starts with
``=``, ``+``, ``-`` or ``@`` (a title such as ``=SUM(A1)`` or ``-`` stays a text, never a
formula), a number as a number (``Decimal``/``Fraction`` as a float with its display
format), and nothing for ``None``.
"""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from renaksi.exports.content import clean

FONT = "Arial"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
SUM_FILL = PatternFill("solid", fgColor="F2F2F2")
# Excel's paper codes: 9 = A4, 14 = Folio (F4).
PAPER_CODES = {"a4": 9, "f4": 14}

STYLES = {
    "title": (Font(name=FONT, size=12, bold=True), Alignment(horizontal="left")),
    "subtitle": (Font(name=FONT, size=10), Alignment(horizontal="left")),
    "head": (
        Font(name=FONT, size=9, bold=True),
        Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    "cell": (Font(name=FONT, size=9), Alignment(vertical="top", wrap_text=True)),
    "center": (
        Font(name=FONT, size=9),
        Alignment(horizontal="center", vertical="top", wrap_text=True),
    ),
    "number": (Font(name=FONT, size=9), Alignment(horizontal="right", vertical="top")),
    "bold": (Font(name=FONT, size=9, bold=True), Alignment(vertical="top", wrap_text=True)),
    "bold_number": (
        Font(name=FONT, size=9, bold=True),
        Alignment(horizontal="right", vertical="top"),
    ),
    "plain": (Font(name=FONT, size=9), Alignment(vertical="top")),
}


def new_workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title[:250]
    wb.properties.creator = "Renaksi"
    return wb


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def put(
    ws: Worksheet,
    row: int,
    column: int,
    value,
    style: str = "cell",
    *,
    box: bool = True,
    fmt: str = "0.00",
    fill: PatternFill | None = None,
):
    """Write one cell: a text always as a text (never a formula), a number as a number."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, bool):
        value = "ya" if value else "tidak"
    if isinstance(value, Fraction):
        value = float(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int | float):
        cell.value = value
        cell.number_format = fmt if isinstance(value, float) else "0"
    elif value is not None and value != "":
        cell.value = "\n".join(clean(line) for line in str(value).split("\n"))
        # "=SUM(…)", "+62…", "-", "@…" stay texts: the type is set after the value.
        cell.data_type = "s"
    font, alignment = STYLES[style]
    cell.font = font
    cell.alignment = alignment
    if box:
        cell.border = BOX
    if fill is not None:
        cell.fill = fill
    return cell


def text_cell(ws: Worksheet, row: int, column: int, value: str, style: str = "cell", **kw):
    """A value that must stay text even when it reads as a number (a target "100")."""
    cell = put(ws, row, column, None, style, **kw)
    if value not in (None, ""):
        cell.value = str(value)
        cell.data_type = "s"
    return cell


def widths(ws: Worksheet, values: list[float]) -> None:
    for index, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def header_row(ws: Worksheet, row: int, labels: list[str], *, fill: bool = True) -> None:
    for column, label in enumerate(labels, start=1):
        put(ws, row, column, label, "head", fill=HEAD_FILL if fill else None)


def page_setup(ws: Worksheet, *, landscape: bool = True, paper: str = "a4") -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_CODES[paper]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
