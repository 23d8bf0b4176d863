"""Write a plan as decree text, laid out the way such decrees are. Plain Python, no Django.

Two layers:

1. ``build(decree, options)`` turns a ``ParsedDecree`` into a ``RenderedDecree``: the body as
   lines with their roles (title block, Menimbang/Mengingat/Memperhatikan, MEMUTUSKAN, the
   dictums, place and date, signature, certification, the Lampiran heading), the Lampiran
   table as a ``TableModel`` (columns with their roles; pages of rows of cells; every item row
   knows the area, activity and sub-activity it belongs to) and the closing lines after the
   table. Exporters can take the table model; damage functions can work on its structure.
2. ``to_text(rendered)`` serialises that as the text copy of a decree: the table as
   tab-separated rows, each page repeating the header, a blank line between pages.

``render(decree, options)`` does both and returns the text.

The table is written as the shared Bengkayang decree is: a header row ``NO | AREA PERUBAHAN |
KEGIATAN | SUB KEGIATAN | INDIKATOR KEBERHASILAN | PELAKSANAAN (BULAN)``, the month row
``JAN … DES`` (or ``TW I … TW IV`` for a quarterly plan), the numbering row ``(1) … (6)``; the
area and activity cells only on their first row; an item's label before its text (``1 Foo;``)
and a sub-activity's indicators flattened into one cell (``1 Foo; 2 Bar;``) or one per row; a
mark per scheduled month.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace

from .model import EXTRA_FIELDS, DecreeHeader, ParsedDecree
from .text import MONTH_NAMES_ID

NO, AREA, ACTIVITY, SUB, INDICATOR = "no", "area", "activity", "sub", "indicator"
TEXT_ROLES = (NO, AREA, ACTIVITY, SUB, INDICATOR)
ITEM_ROLES = (ACTIVITY, SUB, INDICATOR)
MONTH, QUARTER = "month", "quarter"
SCHEDULE_ROLES = (MONTH, QUARTER)

LABELS = {
    NO: "NO",
    AREA: "AREA PERUBAHAN",
    ACTIVITY: "KEGIATAN",
    SUB: "SUB KEGIATAN",
    INDICATOR: "INDIKATOR KEBERHASILAN",
    "pic": "PENANGGUNG JAWAB",
    "target": "TARGET",
    "output": "OUTPUT",
    "budget": "ANGGARAN",
    "note": "KETERANGAN",
}
SCHEDULE_LABELS = {MONTH: "PELAKSANAAN (BULAN)", QUARTER: "PELAKSANAAN (TRIWULAN)"}
MONTH_LABELS = ("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEPT", "OKT", "NOV", "DES")
QUARTER_LABELS = ("TW I", "TW II", "TW III", "TW IV")
MONTH_NAMES = tuple(MONTH_NAMES_ID)
# How item labels are written: 1 / 1. / 1) / (1) / a. / a) / 1.1 and 1.1.1.
NUMBERING_STYLES = ("plain", "dot", "paren", "parens", "letter_dot", "letter_paren", "hierarchical")
DICTUM_LABELS = (
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
    "KESEBELAS",
    "KEDUA BELAS",
)


# -- options -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderOptions:
    """How to lay the decree out.

    ``extra_columns``: the extra columns and where they go, as ``(field, "before"|"after")``
    (before or after the schedule); ``None`` puts every extra field the plan uses before the
    schedule. ``indicator_layout``: ``"cell"`` flattens a sub-activity's indicators into one
    cell, ``"rows"`` writes one per row. ``page_rows``: item rows per page (``None``: one
    page). ``separator``: written after each item of a list (``";"`` as in the shared decree,
    ``""`` for none); not after a text that ends with a full stop. ``wrap``: body lines are
    wrapped at this width (``None``: one line per paragraph). ``stored_labels``: indicators
    keep the labels the plan gives them (``IndicatorData.label``, none when empty) instead of
    being numbered by position (what an exporter of a saved plan wants).
    """

    page_rows: int | None = 12
    extra_columns: tuple[tuple[str, str], ...] | None = None
    indicator_layout: str = "cell"
    numbering: str = "plain"
    separator: str = ";"
    mark: str = "√"
    number_single_indicator: bool = False
    area_number_dot: bool = False
    certification: bool = True
    closing_certification: bool = True
    wrap: int | None = None
    stored_labels: bool = False

    def __post_init__(self) -> None:
        if self.numbering not in NUMBERING_STYLES:
            raise ValueError(f"numbering must be one of {NUMBERING_STYLES}")
        if self.indicator_layout not in ("cell", "rows"):
            raise ValueError("indicator_layout must be 'cell' or 'rows'")
        for name, where in self.extra_columns or ():
            if name not in EXTRA_FIELDS or where not in ("before", "after"):
                raise ValueError(f"bad extra column {(name, where)!r}")


# -- the table model ---------------------------------------------------------------------


@dataclass
class Column:
    """One column of the table: its role, and the labels of its header rows."""

    role: str  # a text role, an extra field, MONTH or QUARTER
    label: str = ""  # on the header row ("" under a heading that spans several columns)
    period: int = 0  # 1-12 or 1-4 for a schedule column
    period_label: str = ""  # on the month/quarter row
    number: str = ""  # on the numbering row: "(1)" …


@dataclass
class Entry:
    """One labelled item in a text cell (``1 Foo;``)."""

    text: str
    number: int | None = None  # None: written without a label
    parents: tuple[int, ...] = ()  # the numbers above it, for hierarchical labels (1.2.3)
    label: str | None = None  # a label as the plan keeps it ("1", "a"), written as is


@dataclass
class Cell:
    """A cell: items (text columns), a mark (schedule columns) or raw text.

    ``raw``, when set, is printed as is: header labels, extra fields, and any cell a damage
    function has rewritten.
    """

    entries: list[Entry] = field(default_factory=list)
    mark: bool = False
    raw: str | None = None

    @property
    def empty(self) -> bool:
        if self.raw is not None:
            return not self.raw.strip()
        return not self.entries and not self.mark


@dataclass
class TableRow:
    """One row of the table.

    ``kind``: ``"header"``, ``"periods"`` (months/quarters), ``"numbering"`` ((1) … (6)),
    ``"item"`` or ``"line"`` (a line of text without cells: a running head, a page number).
    An item row knows the plan item it belongs to: ``area``, ``activity`` and ``sub`` are
    indexes into the plan, ``indicators`` the indexes of the sub-activity's indicators it
    holds, ``opens`` the highest level it starts (``"area"``, ``"activity"``, ``"sub"`` or
    ``"indicator"``). ``tags`` name the damages applied to the row.
    """

    kind: str
    cells: list[Cell]
    id: int = 0
    area: int | None = None
    activity: int | None = None
    sub: int | None = None
    indicators: tuple[int, ...] = ()
    opens: str = ""
    extra_cells: int = 0  # cells added to this row only (a text duplicated into a neighbour)
    trim: bool = False  # written without its trailing empty cells
    tags: set[str] = field(default_factory=set)


@dataclass
class TablePage:
    rows: list[TableRow]
    extra_cells: int = 0  # empty cells after the last column on every row of the page
    tags: set[str] = field(default_factory=set)

    def item_rows(self) -> list[TableRow]:
        return [row for row in self.rows if row.kind == "item"]

    def first_item(self) -> TableRow | None:
        return next((row for row in self.rows if row.kind == "item"), None)

    def last_item(self) -> TableRow | None:
        return next((row for row in reversed(self.rows) if row.kind == "item"), None)


@dataclass
class TableModel:
    columns: list[Column]
    pages: list[TablePage]
    options: RenderOptions
    schedule: str = MONTH
    _next_id: int = 0

    # -- rows and ids ---------------------------------------------------------------------
    def new_row(self, kind: str, cells: list[Cell], **kwargs) -> TableRow:
        self._next_id += 1
        return TableRow(kind, cells, id=self._next_id, **kwargs)

    def rows(self) -> list[TableRow]:
        return [row for page in self.pages for row in page.rows]

    def item_rows(self) -> list[TableRow]:
        return [row for row in self.rows() if row.kind == "item"]

    def index(self, role: str, period: int = 0) -> int:
        """The index of the column with this role (and period)."""
        for index, column in enumerate(self.columns):
            if column.role == role and column.period == period:
                return index
        raise KeyError(role)

    def indexes(self, roles) -> list[int]:
        return [i for i, column in enumerate(self.columns) if column.role in roles]

    def schedule_indexes(self) -> list[int]:
        return self.indexes(SCHEDULE_ROLES)

    def page_of(self, row: TableRow) -> tuple[int, int]:
        """(page index, row index in the page) of a row."""
        for p, page in enumerate(self.pages):
            for r, candidate in enumerate(page.rows):
                if candidate is row:
                    return p, r
        raise ValueError("row not in table")

    # -- header rows ----------------------------------------------------------------------
    def header_rows(self) -> list[TableRow]:
        """Fresh header rows (header, months or quarters, numbering) for a page."""
        rows = []
        for kind, attr in (
            ("header", "label"),
            ("periods", "period_label"),
            ("numbering", "number"),
        ):
            rows.append(self.new_row(kind, [Cell(raw=getattr(c, attr)) for c in self.columns]))
        return rows

    # -- pages ----------------------------------------------------------------------------
    def paginate(self, page_rows: int | None) -> None:
        """Lay the item rows out again on pages of ``page_rows`` rows, each with its header."""
        items = self.item_rows()
        size = page_rows or max(len(items), 1)
        self.pages = [
            TablePage(self.header_rows() + items[start : start + size])
            for start in range(0, max(len(items), 1), size)
        ]

    def break_before(self, row: TableRow) -> TablePage:
        """Start a new page at this item row (with a fresh header); returns that page."""
        p, r = self.page_of(row)
        page = self.pages[p]
        if page.first_item() is row:
            return page
        new = TablePage(self.header_rows() + page.rows[r:], extra_cells=page.extra_cells)
        page.rows = page.rows[:r]
        self.pages.insert(p + 1, new)
        return new

    # -- cell text ------------------------------------------------------------------------
    def label(self, entry: Entry, role: str) -> str:
        """The label of an item as the numbering style writes it (a stored label as is)."""
        if entry.label is not None:
            return entry.label
        if entry.number is None:
            return ""
        style = self.options.numbering
        n = entry.number
        if style == "hierarchical":
            if role == INDICATOR:
                return str(n)
            return ".".join(str(p) for p in (*entry.parents, n))
        letter = "abcdefghijklmnopqrstuvwxyz"[n - 1] if 1 <= n <= 26 else str(n)
        return {
            "plain": str(n),
            "dot": f"{n}.",
            "paren": f"{n})",
            "parens": f"({n})",
            "letter_dot": f"{letter}.",
            "letter_paren": f"{letter})",
        }[style]

    def entry_text(self, entry: Entry, role: str) -> str:
        separator = self.options.separator
        text = entry.text
        if separator and not text.endswith("."):
            text += separator
        label = self.label(entry, role)
        return f"{label} {text}" if label else text

    def cell_text(self, cell: Cell, column: Column | None) -> str:
        if cell.raw is not None:
            return cell.raw
        if cell.mark:
            return self.options.mark
        role = column.role if column else INDICATOR
        return " ".join(self.entry_text(entry, role) for entry in cell.entries)

    def freeze(self, row: TableRow) -> None:
        """Turn every cell of the row into raw text, so that it can be edited as text."""
        for index, cell in enumerate(row.cells):
            column = self.columns[index] if index < len(self.columns) else None
            cell.raw = self.cell_text(cell, column)

    def row_cells(self, row: TableRow, page: TablePage) -> list[str]:
        if row.kind == "line":
            return [row.cells[0].raw or ""]
        texts = []
        for index, cell in enumerate(row.cells):
            column = self.columns[index] if index < len(self.columns) else None
            texts.append(self.cell_text(cell, column))
        texts += [""] * page.extra_cells
        if row.trim:
            while len(texts) > 2 and not texts[-1].strip():
                texts.pop()
        return texts


# -- body --------------------------------------------------------------------------------


@dataclass
class BodyLine:
    """A line of the body or of the closing block, with its role (``"title"``,
    ``"memutuskan"``, ``"place"``, ``"date"``, ``"signer"`` …; ``""`` for blank lines)."""

    text: str = ""
    role: str = ""


@dataclass
class RenderedDecree:
    plan: ParsedDecree
    body: list[BodyLine]
    table: TableModel
    closing: list[BodyLine]


@dataclass
class TextRendering:
    """The text of a rendering, and where its parts are (1-based line numbers)."""

    text: str
    row_lines: dict[int, int]  # table row id → line
    body_lines: dict[str, list[int]]  # body and closing role → lines

    def line_of(self, role: str) -> int | None:
        lines = self.body_lines.get(role)
        return lines[0] if lines else None


def format_date(value: datetime.date) -> str:
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


# A word a wrapped body line must not start with: a list label, a section or a dictum.
_NO_LINE_START = re.compile(r"^(?:\(?\d+[.)]?\)?|\(?[A-Za-z][.)]\)?|[A-Za-z]|[IVXL]+[.)]?|[-–•*])$")
_KEYWORDS = {
    "MENIMBANG",
    "MENGINGAT",
    "MEMPERHATIKAN",
    "MEMUTUSKAN",
    "MENETAPKAN",
    "DITETAPKAN",
    "PADA",
    "SALINAN",
    "LAMPIRAN",
    "KEPUTUSAN",
    "NOMOR",
    "TENTANG",
    "TTD",
    *DICTUM_LABELS,
    "BELAS",
}


def _may_start_line(word: str) -> bool:
    bare = word.strip(":,.;").upper()
    return not _NO_LINE_START.match(word) and bare not in _KEYWORDS and word[:1].isalpha()


def wrap(text: str, width: int | None) -> list[str]:
    """Wrap a paragraph at ``width``, never starting a line with something that reads as a
    list label or a heading."""
    words = text.split()
    if not width or not words:
        return [" ".join(words)] if words else []
    lines: list[list[str]] = [[]]
    length = 0
    for word in words:
        if lines[-1] and length + 1 + len(word) > width and _may_start_line(word):
            lines.append([])
            length = 0
        length += len(word) + (1 if lines[-1] else 0)
        lines[-1].append(word)
    return [" ".join(line) for line in lines]


def split_region(text: str) -> list[str]:
    """``KOMISI PEMILIHAN UMUM KABUPATEN X`` → ``KOMISI PEMILIHAN UMUM`` / ``KABUPATEN X``: a
    letterhead or a signer's title breaks before the region."""
    match = re.search(r" (?=(?:KABUPATEN|KOTA|PROVINSI|REPUBLIK)\b)", text, re.IGNORECASE)
    if not match:
        return [text]
    return [text[: match.start()], text[match.end() :]]


def _number_line(h: DecreeHeader) -> str:
    """``NOMOR 12 TAHUN 2022``; a number that carries its year (``5/PL.01-Kpt/6107/2024``)
    without ``TAHUN``, as its title writes it."""
    if re.search(r"(?:^|/)(?:19|20)\d{2}$", h.number) and f"{h.number} TAHUN" not in h.title:
        return f"NOMOR {h.number}"
    return f"NOMOR {h.number} TAHUN {h.year}"


def _body(h: DecreeHeader, options: RenderOptions) -> list[BodyLine]:
    lines: list[BodyLine] = []

    def add(text: str = "", role: str = "") -> None:
        lines.append(BodyLine(text, role if text else ""))

    add("SALINAN", "copy")
    add()
    for text in split_region(h.institution or h.unit_name):
        add(text, "institution")
    add()
    for text in split_region(f"KEPUTUSAN {h.unit_name}"):
        add(text, "title")
    add(_number_line(h), "title")
    if h.subject:
        add("TENTANG", "tentang")
        for text in wrap(h.subject, 60):
            add(text, "subject")
    add()
    if h.issuer:
        add(f"{h.issuer},", "issuer")
        add()
    for name, items in (
        ("Menimbang", h.considerations),
        ("Mengingat", h.legal_bases),
        ("Memperhatikan", h.notes_considered),
    ):
        for position, item in enumerate(items):
            text = f"{item.label}. {item.text}" if item.label else item.text
            if position == 0:
                text = f"{name} : {text}"
            for index, part in enumerate(wrap(text, options.wrap)):
                add(part, "section" if index == 0 and position == 0 else "item")
        if items:
            add()
    add("MEMUTUSKAN:", "memutuskan")
    add()
    if h.decides:
        add("Menetapkan :", "menetapkan")
        for text in wrap(h.decides, options.wrap):
            add(text, "decides")
        add()
    for dictum in h.dictums:
        # A list inside a dictum ("… antara lain: 1. Foo; 2. Bar.") one item per line.
        parts = re.split(r"(?<=[:;]) (?=\d{1,2}\. )", f"{dictum.label} : {dictum.text}")
        for index, part in enumerate(parts):
            for wrapped_index, text in enumerate(wrap(part, options.wrap)):
                first = index == 0 and wrapped_index == 0
                add(text, "dictum" if first else "dictum_text")
    add()
    lines += _signature(h.place, h.date, h.signer_title, h.signer_name, "")
    if options.certification and (h.certifier_name or h.certifier_title):
        lines += _certification(h)
    if lines[-1].text:
        add()
    add("LAMPIRAN", "lampiran")
    for text in split_region(f"KEPUTUSAN {h.unit_name}"):
        add(text, "lampiran_title")
    add(_number_line(h), "lampiran_title")
    if h.subject:
        add("TENTANG", "lampiran_title")
        for text in wrap(h.subject, 40):
            add(text, "lampiran_title")
    add()
    add(f"RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN {h.unit_name}", "table_title")
    add(f"TAHUN {h.year}", "table_title")
    add()
    return lines


def _signature(
    place: str, date: datetime.date | None, title: str, name: str, prefix: str
) -> list[BodyLine]:
    lines = []
    if place:
        lines.append(BodyLine(f"Ditetapkan di {place}", f"{prefix}place"))
    if date:
        lines.append(BodyLine(f"pada tanggal {format_date(date)}", f"{prefix}date"))
    lines.append(BodyLine())
    title_lines = [t for t in (split_region(title) if title else []) if t]
    for index, text in enumerate(title_lines):
        last = index == len(title_lines) - 1
        lines.append(BodyLine(text + ("," if last else ""), f"{prefix}signer_title"))
    lines.append(BodyLine())
    lines.append(BodyLine("ttd.", f"{prefix}ttd"))
    lines.append(BodyLine())
    if name:
        lines.append(BodyLine(name, f"{prefix}signer"))
    lines.append(BodyLine())
    return lines


def _certification(h: DecreeHeader) -> list[BodyLine]:
    lines = [BodyLine("Salinan sesuai dengan aslinya", "certification")]
    # "SEKRETARIAT KOMISI PEMILIHAN UMUM / KABUPATEN X / Kepala Sub Bagian …"
    parts = re.split(
        r" (?=(?:KABUPATEN|KOTA|PROVINSI|REPUBLIK)\b)| (?=(?:Kepala|Kasubbag|Plh\.|Plt\.) )",
        h.certifier_title,
    )
    for text in parts:
        if text.strip():
            lines.append(BodyLine(text.strip(), "certifier_title"))
    lines.append(BodyLine())
    lines.append(BodyLine(h.certifier_name, "certifier"))
    lines.append(BodyLine())
    return lines


def _closing(h: DecreeHeader, options: RenderOptions) -> list[BodyLine]:
    lines = _signature(
        h.closing_place or h.place,
        h.closing_date or h.date,
        h.signer_title,
        h.closing_signer_name or h.signer_name,
        "closing_",
    )
    if options.closing_certification and (h.certifier_name or h.certifier_title):
        lines += [
            replace(line, role=f"closing_{line.role}" if line.role else "")
            for line in _certification(h)
        ]
    return lines


# -- building the table ------------------------------------------------------------------


def _extra_columns(decree: ParsedDecree, options: RenderOptions) -> list[tuple[str, str]]:
    if options.extra_columns is not None:
        return list(options.extra_columns)
    used = [
        name
        for name in EXTRA_FIELDS
        if any(
            getattr(sub, name)
            for area in decree.areas
            for activity in area.activities
            for sub in activity.sub_activities
        )
    ]
    return [(name, "before") for name in used]


def _columns(schedule: str, extras: list[tuple[str, str]]) -> list[Column]:
    columns = [Column(role, LABELS[role]) for role in TEXT_ROLES]
    columns += [Column(name, LABELS[name]) for name, where in extras if where == "before"]
    labels = MONTH_LABELS if schedule == MONTH else QUARTER_LABELS
    for period, label in enumerate(labels, start=1):
        heading = SCHEDULE_LABELS[schedule] if period == 1 else ""
        columns.append(Column(schedule, heading, period=period, period_label=label))
    columns += [Column(name, LABELS[name]) for name, where in extras if where == "after"]
    number = 0
    for column in columns:
        if column.label:
            number += 1
            column.number = f"({number})"
    return columns


def build_table(decree: ParsedDecree, options: RenderOptions) -> TableModel:
    schedule = QUARTER if decree.schedule == "quarter" else MONTH
    extras = _extra_columns(decree, options)
    columns = _columns(schedule, extras)
    table = TableModel(columns=columns, pages=[], options=options, schedule=schedule)
    index = {
        column.role if column.role not in SCHEDULE_ROLES else (column.role, column.period): i
        for i, column in enumerate(columns)
    }
    items: list[TableRow] = []

    def blank() -> list[Cell]:
        return [Cell() for _ in columns]

    for a, area in enumerate(decree.areas):
        area_cells = blank()
        area_cells[index[NO]].raw = (
            f"{area.number}." if options.area_number_dot else str(area.number)
        )
        area_cells[index[AREA]].raw = area.name
        if not area.activities:
            items.append(table.new_row("item", area_cells, area=a, opens=AREA))
            continue
        for x, activity in enumerate(area.activities):
            activity_entry = Entry(activity.name, activity.number, (area.number,))
            if not activity.sub_activities:
                cells = area_cells if x == 0 else blank()
                cells[index[ACTIVITY]].entries = [activity_entry]
                items.append(
                    table.new_row(
                        "item", cells, area=a, activity=x, opens=AREA if x == 0 else ACTIVITY
                    )
                )
                continue
            for s, sub in enumerate(activity.sub_activities):
                first_of_area = x == 0 and s == 0
                cells = area_cells if first_of_area else blank()
                if s == 0:
                    cells[index[ACTIVITY]].entries = [activity_entry]
                parents = (area.number, activity.number or 0)
                cells[index[SUB]].entries = [Entry(sub.name, sub.number, parents)]
                for name in EXTRA_FIELDS:
                    if name in index and getattr(sub, name):
                        cells[index[name]].raw = getattr(sub, name)
                periods = sub.quarters if schedule == QUARTER else sub.months
                for period in periods:
                    cells[index[(schedule, period)]].mark = True
                if options.stored_labels:
                    indicators = [
                        Entry(indicator.text, label=indicator.label or None)
                        for indicator in sub.indicators
                    ]
                else:
                    indicators = [
                        Entry(
                            indicator.text,
                            n
                            if len(sub.indicators) > 1 or options.number_single_indicator
                            else None,
                        )
                        for n, indicator in enumerate(sub.indicators, start=1)
                    ]
                opens = AREA if first_of_area else ACTIVITY if s == 0 else SUB
                # Stored labels missing on some items ("Foo; 1 Bar; 2 Baz; Qux" or "Foo; Bar"):
                # one per row, or an unlabelled item would read as the end of the one before.
                unlabelled = options.stored_labels and not all(e.label for e in indicators)
                one_cell = options.indicator_layout == "cell" and not unlabelled
                if one_cell or len(indicators) <= 1:
                    cells[index[INDICATOR]].entries = indicators
                    items.append(
                        table.new_row(
                            "item",
                            cells,
                            area=a,
                            activity=x,
                            sub=s,
                            indicators=tuple(range(len(indicators))),
                            opens=opens,
                        )
                    )
                    continue
                cells[index[INDICATOR]].entries = indicators[:1]
                items.append(
                    table.new_row(
                        "item", cells, area=a, activity=x, sub=s, indicators=(0,), opens=opens
                    )
                )
                for n, entry in enumerate(indicators[1:], start=1):
                    more = blank()
                    more[index[INDICATOR]].entries = [entry]
                    items.append(
                        table.new_row(
                            "item",
                            more,
                            area=a,
                            activity=x,
                            sub=s,
                            indicators=(n,),
                            opens=INDICATOR,
                        )
                    )
    table.pages = [TablePage(items)]
    table.paginate(options.page_rows)
    return table


def build(decree: ParsedDecree, options: RenderOptions | None = None) -> RenderedDecree:
    options = options or RenderOptions()
    return RenderedDecree(
        plan=decree,
        body=_body(decree.header, options),
        table=build_table(decree, options),
        closing=_closing(decree.header, options),
    )


# -- text --------------------------------------------------------------------------------


def to_text(rendered: RenderedDecree) -> TextRendering:
    lines: list[str] = []
    body_lines: dict[str, list[int]] = {}
    row_lines: dict[int, int] = {}

    def add_body(items: list[BodyLine]) -> None:
        for line in items:
            lines.append(line.text)
            if line.role:
                body_lines.setdefault(line.role, []).append(len(lines))

    add_body(rendered.body)
    table = rendered.table
    for number, page in enumerate(table.pages):
        if number and lines[-1] != "":
            lines.append("")
        for row in page.rows:
            lines.append("\t".join(table.row_cells(row, page)))
            row_lines[row.id] = len(lines)
    lines.append("")
    add_body(rendered.closing)
    return TextRendering("\n".join(lines) + "\n", row_lines, body_lines)


def render(decree: ParsedDecree, options: RenderOptions | None = None) -> str:
    """The decree as text, laid out the way such decrees are."""
    return to_text(build(decree, options)).text
