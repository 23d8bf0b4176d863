"""The content model of an official report: built once, laid out by every format.

A ``Report`` is a letterhead, a cover and a list of blocks; DOCX (``render_docx.py``), PDF
(``render_pdf.py``, ``templates/reports/report.html``) and XLSX (``render_xlsx.py``) each
walk the same blocks, so the three never say different things:

* ``Para(text, style)``: a paragraph; styles ``body`` (justified), ``center``, ``right``,
  ``chapter`` (BAB I … and its title, centred, bold), ``heading`` (A. Latar Belakang),
  ``subheading`` (an area's name above its table), ``note`` (small, grey);
* ``Items(rows)``: a numbered or lettered list, ``(label, text)`` pairs hanging on the label;
* ``Table(head, rows, widths, align)``: a grid with one header row (repeated on each page),
  rows of kind ``data``, ``group`` (a heading row across the table) or ``total`` (bold);
* ``Signature(place_date, titles, name)``: the signature block at the right;
* ``PageBreak()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    text: str
    style: str = "body"
    kind: str = "para"


@dataclass
class Items:
    rows: list[tuple[str, str]]
    kind: str = "items"


@dataclass
class Row:
    cells: list[str]
    kind: str = "data"  # data, group, total


@dataclass
class Table:
    head: list[str]
    rows: list[Row]
    widths: list[float]  # relative
    align: list[str] = field(default_factory=list)  # "l", "c", "r" per column
    title: str = ""  # the sheet's name in XLSX
    kind: str = "table"

    def __post_init__(self) -> None:
        if not self.align:
            self.align = ["l"] * len(self.head)

    def percent_widths(self) -> list[str]:
        total = sum(self.widths)
        return [f"{100 * w / total:.2f}" for w in self.widths]


@dataclass
class Signature:
    place_date: str
    titles: list[str]
    name: str
    kind: str = "signature"


@dataclass
class PageBreak:
    kind: str = "break"


@dataclass
class Report:
    title: str  # the document's title (file properties)
    letterhead: list[str]  # KOMISI PEMILIHAN UMUM / KABUPATEN BENGKAYANG
    address: str  # the unit's address line, "" when not known
    cover: list[Para]
    blocks: list = field(default_factory=list)
    filename: str = "laporan"  # without extension

    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]
