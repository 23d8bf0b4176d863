"""The content of an official document, built once from a plan and laid out by every format.

``build_document(decree, whole=…)`` takes the decree a plan stands for (``ParsedDecree``, see
``content.plan_decree``) and returns a ``Document``:

* ``body``: the decree's lines with their roles (title block, Menimbang/Mengingat/
  Memperhatikan, MEMUTUSKAN, dictums, place and date, signature, certification), empty for
  the Lampiran alone;
* ``heading``: the Lampiran's heading (``LAMPIRAN KEPUTUSAN … NOMOR … TAHUN … TENTANG …``) and
  the table's title ``RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN <UNIT> TAHUN <YEAR>``;
* ``table``: the Lampiran table as a grid: three header rows (labels, months or quarters, the
  numbering row ``(1) … (6)``) and the item rows, every cell with its row and column span
  (area and activity cells merged over their rows; PELAKSANAAN over its months), indicators
  one per line;
* ``closing``: the signature block after the table.

Both the grid and the text come from ``renaksi.lib.decree.render``, the layout the importer
reads: what each format writes is the text format's table with its continuing cells merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from renaksi.lib.decree.model import ParsedDecree
from renaksi.lib.decree.render import (
    ACTIVITY,
    AREA,
    INDICATOR,
    NO,
    SCHEDULE_ROLES,
    SUB,
    BodyLine,
    Column,
    RenderedDecree,
    RenderOptions,
    TableModel,
    TableRow,
    build,
    to_text,
)

# The options every export uses: one page (the formats paginate themselves), the labels the
# plan keeps, the mark of the shared decree.
EXPORT_OPTIONS = RenderOptions(page_rows=None, stored_labels=True)
# Relative column widths (characters at 10 pt), by role.
WIDTHS = {
    NO: 5,
    AREA: 20,
    ACTIVITY: 28,
    SUB: 34,
    INDICATOR: 36,
    "pic": 16,
    "target": 12,
    "output": 16,
    "budget": 14,
    "note": 16,
}
PERIOD_WIDTH = {"month": 5, "quarter": 8}
# Roles whose cell continues down the rows of its item (merged over them).
MERGED_ROLES = (NO, AREA, ACTIVITY)
HEADING_ROLES = ("lampiran", "lampiran_title", "table_title")


@dataclass
class GridCell:
    """One cell of the grid. ``kind``: ``"head"`` (a header label), ``"number"`` (the
    numbering row), ``"period"`` (a month or quarter label), ``"mark"`` (a scheduled period),
    ``"text"``. ``lines``: the text one line per item."""

    lines: list[str]
    kind: str = "text"
    role: str = ""
    rowspan: int = 1
    colspan: int = 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Grid:
    columns: list[Column]
    schedule: str
    head: list[list[GridCell | None]]  # None: covered by a merged cell
    rows: list[list[GridCell | None]]

    @property
    def width(self) -> int:
        return len(self.columns)

    def widths(self) -> list[float]:
        return [
            PERIOD_WIDTH[self.schedule] if c.role in SCHEDULE_ROLES else WIDTHS.get(c.role, 14)
            for c in self.columns
        ]


@dataclass
class Document:
    decree: ParsedDecree
    whole: bool
    body: list[BodyLine]
    heading: list[BodyLine]
    table: Grid
    closing: list[BodyLine]
    rendered: RenderedDecree = field(repr=False)

    @property
    def header(self):
        return self.decree.header

    @property
    def unit_name(self) -> str:
        return self.decree.header.unit_name

    @property
    def year(self) -> int | None:
        return self.decree.header.year

    def text(self) -> str:
        """The text format: exactly the text copy the importer reads."""
        text = to_text(self.rendered).text
        if self.whole:
            return text
        lines = text.split("\n")
        start = next(
            (i for i, line in enumerate(lines) if line == "LAMPIRAN"),
            0,
        )
        return "\n".join(lines[start:])


def _cell_lines(table: TableModel, row: TableRow, index: int) -> list[str]:
    column = table.columns[index]
    cell = row.cells[index]
    if cell.raw is not None or cell.mark or column.role != INDICATOR:
        text = table.cell_text(cell, column)
        return [text] if text else []
    return [table.entry_text(entry, column.role) for entry in cell.entries]


def _head(table: TableModel) -> list[list[GridCell | None]]:
    columns = table.columns
    width = len(columns)
    labels: list[GridCell | None] = [None] * width
    periods: list[GridCell | None] = [None] * width
    numbers: list[GridCell | None] = [None] * width
    schedule = [i for i, c in enumerate(columns) if c.role in SCHEDULE_ROLES]
    for i, column in enumerate(columns):
        if column.role in SCHEDULE_ROLES:
            periods[i] = GridCell([column.period_label], "period", column.role)
            if i == schedule[0]:
                labels[i] = GridCell([column.label], "head", column.role, colspan=len(schedule))
                numbers[i] = GridCell([column.number], "number", column.role, colspan=len(schedule))
            continue
        labels[i] = GridCell([column.label], "head", column.role, rowspan=2)
        numbers[i] = GridCell([column.number], "number", column.role)
    return [labels, periods, numbers]


def _rows(table: TableModel) -> list[list[GridCell | None]]:
    items = table.item_rows()
    grid: list[list[GridCell | None]] = []
    for row in items:
        cells: list[GridCell | None] = []
        for index, column in enumerate(table.columns):
            lines = _cell_lines(table, row, index)
            kind = "mark" if row.cells[index].mark else "text"
            cells.append(GridCell(lines, kind, column.role))
        grid.append(cells)
    # Merge a continuing cell (blank, same item) into the cell above it: the area's NO and
    # name over the area's rows, an activity over its rows; a sub-activity written one
    # indicator per row keeps its name, schedule and extra cells over those rows.
    for index, column in enumerate(table.columns):
        level = (
            "area"
            if column.role in (NO, AREA)
            else "activity"
            if column.role == ACTIVITY
            else "sub"
        )
        top = None
        for r, row in enumerate(items):
            cell = grid[r][index]
            if top is not None and not cell.lines and _same(items[top], row, level):
                grid[top][index].rowspan += 1
                grid[r][index] = None
                continue
            top = r
    return grid


def _same(first: TableRow, row: TableRow, level: str) -> bool:
    if row.area != first.area or first.area is None:
        return False
    if level == "area":
        return True
    if row.activity != first.activity or first.activity is None:
        return False
    if level == "activity":
        return True
    return row.sub == first.sub and first.sub is not None


def build_document(
    decree: ParsedDecree, *, whole: bool = False, options: RenderOptions = EXPORT_OPTIONS
) -> Document:
    rendered = build(decree, options)
    roles = [line.role for line in rendered.body]
    start = roles.index("lampiran") if "lampiran" in roles else len(roles)
    body = rendered.body[:start] if whole else []
    heading = rendered.body[start:]
    # The heading without its trailing blank lines (a format spaces it itself).
    while heading and not heading[-1].text:
        heading = heading[:-1]
    while body and not body[-1].text:
        body = body[:-1]
    table = rendered.table
    grid = Grid(
        columns=table.columns,
        schedule=table.schedule,
        head=_head(table),
        rows=_rows(table),
    )
    return Document(
        decree=decree,
        whole=whole,
        body=body,
        heading=heading,
        table=grid,
        closing=rendered.closing,
        rendered=rendered,
    )
