"""Read a decree from a PDF with a text layer into a ``SourceDocument``. Plain Python.

The characters and the ruling lines of each page come from PDFium (``pypdfium2``, the
library pdfplumber itself installs, 10-20 times faster than pdfminer on a decree); the
tables are found by pdfplumber's table finder (``TableFinder``: edges → intersections →
cells → tables) on those lines, and each cell's text is read from the characters whose
centre lies in the cell.

* A table whose first three rows hold the Lampiran header (NO, AREA PERUBAHAN, KEGIATAN, SUB
  KEGIATAN, INDIKATOR KEBERHASILAN in any common spelling) starts the Lampiran; every table
  after it with five or more columns continues it (a header repeated on each page is kept as
  header rows for the parser). When no ruled table has the header, the tables are looked for
  again by the alignment of the text (pdfplumber's "text" strategy) and a finding says so.
* A cell spanning columns or rows has its text in its first grid position and blanks in the
  others. A line break inside a cell is kept as ``"\\n"`` where the line ended before the
  cell's edge (a list, one item per line); a line that ran to the edge was wrapped and is
  joined with a space (after a hyphen, without one).
* The page text outside the Lampiran tables, top to bottom, is the body before the first
  table and the closing lines after the last; text between (a running head, a page number)
  is kept as one-cell rows. A gap of a line or more becomes a blank line; a line that ran to
  the right margin continues on the next.
* Positions: ``Position(page=p, row=r)`` for the table rows of page ``p`` (``page_start`` on
  the first row of each page after the first table page), ``Position(page=p, line=n)`` for a
  line of text.
* A PDF without any text is a scan: ``DecreeError``; a page without text among pages with
  text is a ``scanned_page`` warning. A password-protected PDF, one cut short (no ``%%EOF``)
  and one of more than ``MAX_PAGES`` pages are refused with a clear message.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import re
import threading
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder

from .columns import month_of
from .model import DecreeError, Position, gettext_noop, message
from .read_common import (
    Assembler,
    Line,
    PendingRow,
    header_columns,
    is_closing_start,
    looks_english,
    no_table_error,
)
from .source import SourceDocument
from .text import shorten

MAX_PAGES = 200
MAX_SEGMENTS_PER_PAGE = 200_000
_HEADER_ROWS = 3
_MIN_COLUMNS = 5
# PDFium is not thread-safe: one document at a time per process.
_PDFIUM = threading.Lock()
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_LIST_START = re.compile(
    r"^(\(?\d{1,2}[.)]|\(?[a-z][.)]|[-•–▪●]\s|(PERTAMA|KESATU|KEDUA|KETIGA|KEEMPAT|KELIMA|"
    r"KEENAM|KETUJUH|KEDELAPAN|KESEMBILAN|KESEPULUH|KESEBELAS|KE\w+ BELAS|KE\w+ PULUH|"
    r"Menimbang|Mengingat|Memperhatikan|Menetapkan|MEMUTUSKAN)\b)"
)


class _Char:
    """One character of the page, in top-down coordinates (as pdfplumber counts them)."""

    __slots__ = ("bottom", "middle", "space", "text", "top", "x0", "x1")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float):
        self.text, self.x0, self.x1, self.top, self.bottom = text, x0, x1, top, bottom
        self.middle = (top + bottom) / 2
        self.space = text.isspace()


@dataclass(slots=True)
class _TextLine:
    chars: list[_Char]
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    def first_word_width(self) -> float:
        start = self.x0
        previous = None
        for char in self.chars:
            if char.x0 < start:
                continue
            if char.space or (previous is not None and char.x0 - previous.x1 > 0.2 * self.height):
                return (previous.x1 if previous else char.x0) - start
            previous = char
        return self.x1 - start


_SPACES = re.compile(r"[ \t\u00a0]+")


def _make_line(chars: list[_Char]) -> _TextLine | None:
    chars.sort(key=lambda c: c.x0)
    visible = [c for c in chars if not c.space]
    if not visible:
        return None
    top = min(c.top for c in visible)
    bottom = max(c.bottom for c in visible)
    gap = 0.2 * max(bottom - top, 1.0)
    parts: list[str] = []
    previous: _Char | None = None
    for char in chars:
        if (
            previous is not None
            and not char.space
            and not previous.space
            and char.x0 - previous.x1 > gap
        ):
            parts.append(" ")
        parts.append(char.text)
        previous = char
    text = _SPACES.sub(" ", "".join(parts)).strip()
    return _TextLine(chars, text, visible[0].x0, max(c.x1 for c in visible), top, bottom)


def _group_lines(chars: list[_Char]) -> list[_TextLine]:
    """Characters into lines, top to bottom, each line left to right."""
    groups: list[list[_Char]] = []
    middle = -1e9
    tolerance = 0.0
    for char in sorted(chars, key=lambda c: c.middle):
        if char.middle - middle > tolerance:
            groups.append([char])
            middle = char.middle
            tolerance = max(0.35 * (char.bottom - char.top), 1.0)
        else:
            groups[-1].append(char)
    lines = (_make_line(group) for group in groups)
    return [line for line in lines if line is not None and line.text]


def _join(lines: list[_TextLine], right: float) -> str:
    """The text of a cell: a line that ran to ``right`` was wrapped, one that ended short
    was broken on purpose (``"\\n"``)."""
    out = lines[0].text
    for previous, line in itertools.pairwise(lines):
        space = 0.3 * previous.height
        wrapped = previous.x1 + space + line.first_word_width() > right - 0.5
        if previous.text.endswith("\u00ad"):
            out = out[:-1] + line.text
        elif (
            wrapped
            and previous.text.endswith(("-", "/"))
            and not previous.text.endswith((" -", " /"))
        ):
            out += line.text
        else:
            out += (" " if wrapped else "\n") + line.text
    return out


# -- PDFium: characters and ruling lines -----------------------------------------------------


def _page_chars(textpage, height: float) -> list[_Char]:
    count = pdfium_c.FPDFText_CountChars(textpage)
    chars = []
    rect = pdfium_c.FS_RECTF()
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    skip = {0x0D, 0x0A, 0xFFFE, 0xFEFF}
    for index in range(max(count, 0)):
        code = get_unicode(textpage, index)
        if code in skip or code < 0x20 or code >= 0x110000:
            if code != 0x02:
                continue
            code = 0x2D  # PDFium's mark for a hyphen at a line end
        if not get_box(textpage, index, rect):
            continue
        left, right, low, high = rect.left, rect.right, rect.bottom, rect.top
        if high < low:
            low, high = high, low
        chars.append(_Char(chr(code), left, max(right, left), height - high, height - low))
    return chars


def _matrix(obj) -> tuple[float, ...]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


class _Edges:
    """The horizontal and vertical line segments painted on a page, as pdfplumber edges."""

    def __init__(self, page_raw, height: float):
        self.height = height
        self.edges: list[dict] = []
        self.segments = 0
        self.images = 0
        x, y = ctypes.c_float(), ctypes.c_float()
        self._x, self._y = x, y
        for index in range(pdfium_c.FPDFPage_CountObjects(page_raw)):
            self._walk(pdfium_c.FPDFPage_GetObject(page_raw, index), None, 0)

    def _walk(self, obj, parent: tuple[float, ...] | None, depth: int) -> None:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            self.images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            matrix = _matrix(obj)
            self._path(obj, _compose(matrix, parent) if parent else matrix)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            matrix = _matrix(obj)
            matrix = _compose(matrix, parent) if parent else matrix
            for index in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
                self._walk(pdfium_c.FPDFFormObj_GetObject(obj, index), matrix, depth + 1)

    def _path(self, obj, m: tuple[float, ...]) -> None:
        count = pdfium_c.FPDFPath_CountSegments(obj)
        if count <= 0 or self.segments > MAX_SEGMENTS_PER_PAGE:
            return
        self.segments += count
        a, b, c, d, e, f = m
        x, y = self._x, self._y
        start = current = None
        for index in range(count):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
            if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or current is None:
                start = current = point
            else:
                if kind == pdfium_c.FPDF_SEGMENT_LINETO:
                    self._add(current, point)
                current = point
            if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
                self._add(current, start)
                current = start

    def _add(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = p, q
        if abs(y0 - y1) < 0.5 and abs(x0 - x1) >= 1:
            top = self.height - (y0 + y1) / 2
            self.edges.append(
                {
                    "x0": min(x0, x1),
                    "x1": max(x0, x1),
                    "top": top,
                    "bottom": top,
                    "width": abs(x1 - x0),
                    "height": 0.0,
                    "orientation": "h",
                    "object_type": "line",
                }
            )
        elif abs(x0 - x1) < 0.5 and abs(y0 - y1) >= 1:
            x = (x0 + x1) / 2
            self.edges.append(
                {
                    "x0": x,
                    "x1": x,
                    "top": self.height - max(y0, y1),
                    "bottom": self.height - min(y0, y1),
                    "width": 0.0,
                    "height": abs(y1 - y0),
                    "orientation": "v",
                    "object_type": "line",
                }
            )


@dataclass
class _PageShim:
    """What pdfplumber's ``TableFinder`` asks of a page: edges, bbox, words."""

    edges: list[dict]
    bbox: tuple[float, float, float, float]
    lines: list[_TextLine]

    def extract_words(self, **_settings) -> list[dict]:
        words = []
        for line in self.lines:
            group: list[_Char] = []
            for char in [*line.chars, None]:
                if char is None or char.space or (group and char.x0 - group[-1].x1 > 2):
                    if group:
                        words.append(
                            {
                                "text": "".join(c.text for c in group),
                                "x0": group[0].x0,
                                "x1": group[-1].x1,
                                "top": min(c.top for c in group),
                                "bottom": max(c.bottom for c in group),
                                "upright": True,
                                "direction": "ltr",
                            }
                        )
                    group = []
                if char is not None and not char.space:
                    group.append(char)
        return words


# -- tables -------------------------------------------------------------------------------


@dataclass
class _Table:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[str]]
    header: tuple[int, int] | None = None
    used: set[int] = field(default_factory=set)
    title: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def _read_table(table, chars: list[_Char], page: int) -> _Table:
    cells = list(table.cells)
    xs = sorted({v for c in cells for v in (c[0], c[2])})
    ys = sorted({v for c in cells for v in (c[1], c[3])})
    slots: dict[tuple[int, int], int] = {}
    for number, (x0, top, x1, bottom) in enumerate(cells):
        for i in range(bisect.bisect_left(xs, x0), bisect.bisect_left(xs, x1)):
            for j in range(bisect.bisect_left(ys, top), bisect.bisect_left(ys, bottom)):
                slots[(i, j)] = number
    in_cell: dict[int, list[_Char]] = {}
    used: set[int] = set()
    for char in chars:
        cx = (char.x0 + char.x1) / 2
        i = bisect.bisect_right(xs, cx) - 1
        j = bisect.bisect_right(ys, char.middle) - 1
        number = slots.get((i, j)) if i >= 0 and j >= 0 else None
        if number is not None:
            in_cell.setdefault(number, []).append(char)
            used.add(id(char))
    index = {cell: number for number, cell in enumerate(cells)}
    rows = []
    for row in table.rows:
        texts = []
        for cell in row.cells:
            if cell is None:
                texts.append("")
                continue
            lines = _group_lines(in_cell.get(index[cell], []))
            if not lines:
                texts.append("")
                continue
            pad = min(max(min(line.x0 for line in lines) - cell[0], 0.5), 6.0)
            texts.append(_join(lines, cell[2] - pad))
        rows.append(texts)
    result = _Table(page, table.bbox, rows, used=used)
    for number, cells_text in enumerate(rows[:_HEADER_ROWS]):
        first = header_columns(cells_text)
        if first is not None:
            result.header = (number, first)
            break
    return result


def _close_edges(edges: list[dict]) -> list[dict]:
    """Close a table cut by a page break: a cell that continues on the next page has no
    bottom rule on this one (and no top rule on the next). A rule is added across the lowest
    (and the highest) ends of the vertical rules, so that the open cells are cells."""
    verticals = [e for e in edges if e["orientation"] == "v" and e["height"] >= 3]
    if len(verticals) < 2:
        return edges
    added = []
    for y, key in (
        (max(e["bottom"] for e in verticals), "bottom"),
        (min(e["top"] for e in verticals), "top"),
    ):
        ends = [e["x0"] for e in verticals if abs(e[key] - y) <= 1.5]
        if len(ends) >= 2:
            added.append(
                {
                    "x0": min(ends),
                    "x1": max(ends),
                    "top": y,
                    "bottom": y,
                    "width": max(ends) - min(ends),
                    "height": 0.0,
                    "orientation": "h",
                    "object_type": "line",
                }
            )
    return edges + added


@dataclass
class _Page:
    number: int
    chars: list[_Char]
    edges: list[dict]
    bbox: tuple[float, float, float, float]
    images: int
    lines: list[_TextLine] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)

    def find_tables(self, settings: dict) -> None:
        edges = _close_edges(self.edges) if settings is _LINES else self.edges
        shim = _PageShim(edges, self.bbox, self.lines)
        found = TableFinder(shim, settings).tables
        self.tables = sorted(
            (_read_table(t, self.chars, self.number) for t in found if t.cells),
            key=lambda t: t.bbox[1],
        )


# -- a table drawn without rules ------------------------------------------------------------

_ROLE_WORDS = {"NO": "no", "NOMOR": "no", "AREA": "area", "KEGIATAN": "activity"}
_ROLE_WORDS |= {"SUB": "sub", "SUBKEGIATAN": "sub", "INDIKATOR": "indicator"}


def _words_of(line: _TextLine) -> list[tuple[str, float, float]]:
    words: list[tuple[str, float, float]] = []
    group: list[_Char] = []
    for char in [*line.chars, None]:
        if char is None or char.space or (group and char.x0 - group[-1].x1 > 1.5):
            if group:
                words.append(("".join(c.text for c in group), group[0].x0, group[-1].x1))
            group = []
        if char is not None and not char.space:
            group.append(char)
    return words


def _month_of(word: str) -> int | None:
    return month_of(word)  # the column model's spellings: JAN, Jan., Januari, AGT …


@dataclass
class _Columns:
    edges: list[float]  # x of every column boundary, left to right
    header_top: float | None  # where the header starts on its page


def _text_columns(page: _Page) -> _Columns | None:
    """Column boundaries of a table drawn without rules, from its header labels: the text
    columns split at the widest blank strip between two labels, the months between the
    centres of their labels."""
    for index, line in enumerate(page.lines):
        roles: dict[str, float] = {}
        previous = ""
        for word, x0, _ in _words_of(line):
            key = re.sub(r"[^A-Z]", "", word.upper())
            role = _ROLE_WORDS.get(key)
            if role == "activity" and previous == "SUB":
                role = None
            if role and role not in roles:
                roles[role] = x0
            previous = key
        if len(roles) < 4:
            continue
        for month_line in page.lines[index : index + 4]:
            months: dict[int, float] = {}
            for word, x0, x1 in _words_of(month_line):
                month = _month_of(word)
                if month and month not in months:
                    months[month] = (x0 + x1) / 2
            if len(months) == 12:
                break
        else:
            continue
        centres = [months[m] for m in range(1, 13)]
        if centres != sorted(centres):
            continue
        below = [c for c in page.chars if c.top > month_line.bottom and not c.space]
        starts = sorted(roles.values())
        step = (centres[-1] - centres[0]) / 11
        month_left = centres[0] - step / 2
        edges = [min([starts[0], *(c.x0 for c in below if c.x1 < month_left)]) - 1]
        for left, right in zip(starts, [*starts[1:], month_left], strict=True):
            edges.append(_blank_strip(below, left, right))
        edges[-1] = month_left
        edges += [(a + b) / 2 for a, b in itertools.pairwise(centres)]
        edges.append(centres[-1] + step / 2)
        return _Columns(edges, line.top)
    return None


def _blank_strip(chars: list[_Char], left: float, right: float) -> float:
    """The middle of the widest x-range in (left, right] that no character covers."""
    covered = sorted((c.x0, c.x1) for c in chars if c.x1 > left and c.x0 < right)
    best, best_width, cursor = right - 1, 0.0, left + 1
    for x0, x1 in [*covered, (right, right)]:
        if x0 - cursor > best_width:
            best, best_width = (cursor + x0) / 2, x0 - cursor
        cursor = max(cursor, x1)
    return best


def _text_grid(page: _Page, columns: _Columns) -> dict | None:
    """Explicit grid lines for pdfplumber: the columns, and a row boundary wherever the gap
    between two lines of the table is wider than the gap between the lines of one cell."""
    left, right = columns.edges[0], columns.edges[-1]
    start = columns.header_top if columns.header_top is not None else page.bbox[1]
    lines = list(
        _group_lines(
            [c for c in page.chars if left <= (c.x0 + c.x1) / 2 <= right and c.top >= start - 1]
        )
    )
    rows: list[_TextLine] = []
    for line in lines:
        if rows and (is_closing_start(line.text) or line.top - rows[-1].bottom > 2.5 * line.height):
            break
        rows.append(line)
    if len(rows) < 2:
        return None
    ys = [rows[0].top - 1]
    for previous, line in itertools.pairwise(rows):
        if line.top - previous.bottom > max(0.12 * previous.height, 0.8):
            ys.append((previous.bottom + line.top) / 2)
    ys.append(rows[-1].bottom + 1)
    return {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": columns.edges,
        "explicit_horizontal_lines": ys,
    }


def _load(data: bytes) -> list[_Page]:
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise DecreeError(
            "PDF tidak lengkap (terpotong): penanda akhir berkas tidak ada. Unduh atau simpan "
            "ulang PDF-nya, lalu unggah lagi."
        )
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DecreeError(
                "PDF ini dilindungi kata sandi: simpan ulang PDF tanpa kata sandi (atau cetak ke "
                "PDF baru), lalu unggah lagi."
            ) from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise DecreeError(
                "PDF ini memakai pengamanan yang tidak didukung: simpan ulang tanpa pengamanan."
            ) from exc
        raise DecreeError(
            "Berkas PDF rusak atau tidak lengkap: isinya tidak dapat dibaca. Simpan ulang PDF-"
            "nya, lalu unggah lagi."
        ) from exc
    try:
        count = len(document)
        if count == 0:
            raise DecreeError("PDF ini tidak berisi halaman.")
        if count > MAX_PAGES:
            raise DecreeError(
                f"PDF ini {count} halaman; keputusan yang dapat diimpor paling banyak "
                f"{MAX_PAGES} halaman."
            )
        pages = []
        for index in range(count):
            page = document[index]
            try:
                left, bottom, right, top = page.get_bbox()
                height = top
                textpage = page.get_textpage()
                try:
                    chars = _page_chars(textpage.raw, height)
                finally:
                    textpage.close()
                edges = _Edges(page.raw, height)
                pages.append(
                    _Page(
                        index + 1,
                        chars,
                        edges.edges,
                        (left, height - top, right, height - bottom),
                        edges.images,
                    )
                )
            finally:
                page.close()
        return pages
    finally:
        document.close()


def read_pdf(data: bytes) -> SourceDocument:
    with _PDFIUM:
        pages = _load(data)
    asm = Assembler("pdf")
    with_text = [p for p in pages if any(not c.space for c in p.chars)]
    if not with_text:
        if any(p.images for p in pages):
            raise DecreeError(
                "PDF ini hasil pindaian (gambar) tanpa lapisan teks; isinya tidak dapat dibaca. "
                "Unggah PDF asli yang teksnya dapat dipilih, berkas Word/Excel-nya, atau "
                "salinan teksnya.",
                position=Position(page=1),
            )
        raise DecreeError("PDF ini tidak berisi teks.", position=Position(page=1))
    for page in pages:
        page.lines = _group_lines(page.chars)
        page.find_tables(_LINES)
    strategy_note = False
    if not any(t.header for p in pages for t in p.tables):
        columns = None
        for page in pages:
            columns = _text_columns(page) or columns
            if columns is not None:
                settings = _text_grid(page, columns)
                if settings is not None:
                    page.find_tables(settings)
                    strategy_note = True
    first = next(((p, t) for p in pages for t in p.tables if t.header), None)
    if first is None:
        english = next(
            (
                Position(page=p.number)
                for p in pages
                for t in p.tables
                for cells in t.rows[:_HEADER_ROWS]
                if looks_english(cells)
            ),
            None,
        )
        raise no_table_error("PDF ini", english, Position(page=1))
    first_page, first_table = first
    header_index, first_col = first_table.header
    # Rows above the header in the first table (a title row) are read as body lines.
    title_rows, first_table.rows = first_table.rows[:header_index], first_table.rows[header_index:]
    first_table.title = [" ".join(c.strip() for c in r if c.strip()) for r in title_rows]
    # The Lampiran: from the first table with the header to the last table that has the
    # header or five columns or more; tables in between are part of it.
    after = [
        t
        for p in pages
        for t in p.tables
        if p.number > first_page.number
        or (p.number == first_page.number and t.bbox[1] >= first_table.bbox[1])
    ]
    qualifying = [i for i, t in enumerate(after) if t.header or t.width >= _MIN_COLUMNS]
    lampiran = after[: qualifying[-1] + 1]
    if strategy_note:
        asm.note(
            None,
            "pdf_text_strategy",
            message(
                gettext_noop(
                    "Tabel Lampiran di PDF ini tidak bergaris: kolom dibaca dari letak judul "
                    "kolom dan baris dari jarak antarbaris teks. Periksa pembagian sel dengan "
                    "teliti."
                )
            ),
            position=Position(page=first_page.number),
        )
    _assemble(asm, pages, lampiran, first_col)
    for page in pages:
        if page not in with_text and page.images:
            asm.note(
                None,
                "scanned_page",
                message(
                    gettext_noop(
                        "Halaman %(page)s hanya berisi gambar (pindaian) tanpa teks; isinya tidak "
                        "terbaca."
                    ),
                    page=page.number,
                ),
                position=Position(page=page.number),
            )
    return asm.build()


def _assemble(asm: Assembler, pages: list[_Page], lampiran: list[_Table], first_col: int):
    """Body, rows and closing in reading order: page by page, top to bottom."""
    first, last = lampiran[0], lampiran[-1]
    state = "body"
    first_table_page = first.page
    for page in pages:
        tables = [t for t in lampiran if t.page == page.number]
        used = set().union(*(t.used for t in tables)) if tables else set()
        outside = [c for c in page.chars if id(c) not in used] if used else page.chars
        lines = _group_lines(outside) if used else page.lines
        for line in lines:
            if any(_within(line, t.bbox) for t in tables):
                asm.note(
                    None,
                    "pdf_text_outside_cells",
                    message(
                        gettext_noop(
                            "Teks '%(text)s' di halaman %(page)s berada di dalam tabel tetapi di "
                            "luar sel yang bergaris; dibaca sebagai baris teks tersendiri."
                        ),
                        text=shorten(line.text, 80),
                        page=page.number,
                    ),
                    position=Position(page=page.number),
                )
        items: list[tuple[float, object]] = [(line.top, line) for line in lines]
        items += [(t.bbox[1], t) for t in tables]
        items.sort(key=lambda item: item[0])
        # The right margin: the widest line, or the left margin mirrored.
        right = max(
            max((line.x1 for line in lines), default=0.0),
            page.bbox[2] - min((line.x0 for line in lines), default=page.bbox[2]),
        )
        text_lines = _paragraphs([i for _, i in items], right)
        page_row = 0
        page_started = False
        line_number = 0
        for item in text_lines:
            if isinstance(item, _Table):
                for title in item.title:
                    line_number += 1
                    asm.body.append(Line(title, Position(page=page.number, line=line_number)))
                if item is first:
                    state = "table"
                for cells in item.rows:
                    cells = cells[first_col:]
                    if not any(c.strip() for c in cells):
                        continue
                    page_row += 1
                    asm.rows.append(
                        PendingRow(
                            cells,
                            Position(page=page.number, row=page_row),
                            page_start=page.number > first_table_page and not page_started,
                        )
                    )
                    page_started = True
                if item is last:
                    state = "closing"
                continue
            line_number += 1
            position = Position(page=page.number, line=line_number)
            if state == "body":
                asm.body.append(Line(item, position))
            elif state == "closing":
                asm.closing.append(Line(item, position))
            elif item.strip():
                page_row += 1
                asm.rows.append(
                    PendingRow(
                        [item],
                        Position(page=page.number, row=page_row, line=line_number),
                        page_start=page.number > first_table_page and not page_started,
                    )
                )
                page_started = True


def _within(line: _TextLine, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    middle = (line.top + line.bottom) / 2
    return x0 <= line.x0 and line.x1 <= x1 and top <= middle <= bottom


def _paragraphs(items: list, right: float) -> list:
    """Lines of text joined where a line ran to the right margin, blank lines for gaps."""
    out: list = []
    previous: _TextLine | None = None
    for item in items:
        if isinstance(item, _Table):
            out.append(item)
            previous = None
            continue
        if previous is not None:
            gap = item.top - previous.bottom
            wrapped = (
                previous.x1 + 0.3 * previous.height + item.first_word_width() > right - 1
                and gap < 0.6 * previous.height
                and not _LIST_START.match(item.text)
                and isinstance(out[-1], str)
            )
            if wrapped:
                # "unit/" + "satuan" is one word; "Organisasi /" + "Kelembagaan" is two.
                glued = out[-1].endswith(("-", "/")) and not out[-1].endswith((" -", " /"))
                joiner = "" if glued else " "
                out[-1] = f"{out[-1]}{joiner}{item.text}"
                previous = item
                continue
            if gap > 0.8 * previous.height:
                out.append("")
        out.append(item.text)
        previous = item
    return out
