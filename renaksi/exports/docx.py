"""The document as a Word file (python-docx).

The whole decree: a portrait section with the body (title block centred; Menimbang,
Mengingat, Memperhatikan and the dictums laid out as label, colon and text in a table without
rules, as decrees align them; the signature at the right; the certification at the left),
then a landscape section with the Lampiran. The Lampiran alone is the landscape section: the
heading at the right, the title, the table (its three header rows repeated on every page;
area, activity and sub-activity cells merged over their rows; indicators one paragraph each)
and the signature block.
"""

from __future__ import annotations

import io
import re

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .document import Document, Grid
from .paper import Paper

FONT = "Arial"
MARGIN_MM = 15
_SECTION = re.compile(
    r"^(Menimbang|Mengingat|Memperhatikan|Menetapkan|[A-Z]+(?: BELAS)?) :\s*(.*)$"
)
CENTRED = {"copy", "institution", "title", "tentang", "subject", "issuer", "memutuskan"}
SIGNATURE = {"place", "date", "signer_title", "ttd", "signer"}
CERTIFICATION = {"certification", "certifier_title", "certifier"}
CLAUSE_ROLES = {"section", "item", "menetapkan", "decides", "dictum", "dictum_text"}


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    cell = doc.styles.add_style("Renaksi Sel", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(7.5)
    head = doc.styles.add_style("Renaksi Kepala Tabel", WD_STYLE_TYPE.PARAGRAPH)
    head.base_style = cell
    head.font.bold = True
    head.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period = doc.styles.add_style("Renaksi Bulan", WD_STYLE_TYPE.PARAGRAPH)
    period.base_style = head
    period.font.size = Pt(6)
    mark = doc.styles.add_style("Renaksi Tanda", WD_STYLE_TYPE.PARAGRAPH)
    mark.base_style = cell
    mark.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.styles.add_style("Renaksi Judul", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    title.font.bold = True
    title.font.size = Pt(11)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(section, paper: Paper, landscape: bool) -> None:
    width, height = paper.landscape if landscape else (paper.width_mm, paper.height_mm)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM if landscape else 25))


def _paragraph(container, text: str, *, style=None, align=None, indent_mm: float = 0):
    paragraph = container.add_paragraph(text, style=style)
    if align is not None:
        paragraph.alignment = align
    if indent_mm:
        paragraph.paragraph_format.left_indent = Mm(indent_mm)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _clauses(doc, lines, width_mm: float) -> None:
    """Menimbang … / KESATU … as label | : | text rows of a table without rules."""
    table = doc.add_table(rows=0, cols=3)
    _no_borders(table)
    table.autofit = False
    widths = (Mm(32), Mm(5), Mm(width_mm - 37))
    _fixed_grid(table, [round(w.mm * TWIPS_PER_MM) for w in widths])
    for line in lines:
        match = _SECTION.match(line.text) if line.role in ("section", "dictum") else None
        if line.role == "menetapkan":
            match = _SECTION.match(line.text)
        label, colon, text = (match.group(1), ":", match.group(2)) if match else ("", "", line.text)
        cells = table.add_row().cells
        for cell, value, width in zip(cells, (label, colon, text), widths, strict=True):
            cell.width = width
            cell.paragraphs[0].text = value
            if value and cell is cells[2]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _body(doc, document: Document, paper: Paper) -> None:
    width = paper.width_mm - 50
    pending: list = []

    def flush() -> None:
        if pending:
            _clauses(doc, pending, width)
            pending.clear()

    for line in document.body:
        if line.role in CLAUSE_ROLES:
            pending.append(line)
            continue
        flush()
        if not line.text:
            _paragraph(doc, "")
        elif line.role in CENTRED:
            p = _paragraph(doc, line.text, align=WD_ALIGN_PARAGRAPH.CENTER)
            if line.role in ("copy", "title", "memutuskan"):
                for run in p.runs:
                    run.bold = True
        elif line.role in SIGNATURE:
            _paragraph(doc, line.text, indent_mm=width * 0.55)
        else:
            _paragraph(doc, line.text)
    flush()


def _signature(container, lines, indent_mm: float) -> None:
    for line in lines:
        role = line.role.removeprefix("closing_")
        if role in CERTIFICATION or not line.text:
            _paragraph(container, line.text)
        else:
            _paragraph(container, line.text, indent_mm=indent_mm)


TWIPS_PER_MM = 56.7


def _fixed_grid(table, twips: list[int], cell_margin: int | None = None) -> None:
    """Column widths that Word and LibreOffice keep (the grid, a fixed layout)."""
    tbl = table._tbl
    tbl.tblPr.append(_el("w:tblLayout", type="fixed"))
    if cell_margin is not None:
        margins = _el("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(_el(f"w:{side}", w=cell_margin, type="dxa"))
        tbl.tblPr.append(margins)
    for col, width in zip(tbl.tblGrid.iterchildren(), twips, strict=True):
        col.set(qn("w:w"), str(width))


def _el(tag: str, **attrs) -> OxmlElement:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _cell_paragraph(text: str, style_id: str, center: bool = False):
    p = _el("w:p")
    p_pr = _el("w:pPr")
    p_pr.append(_el("w:pStyle", val=style_id))
    if center:
        p_pr.append(_el("w:jc", val="center"))
    p.append(p_pr)
    if text:
        r = _el("w:r")
        t = _el("w:t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        p.append(r)
    return p


def _table(doc, grid: Grid, width_mm: float) -> None:
    """The Lampiran table, written as WordprocessingML directly (python-docx's cell API
    is quadratic in the table's size): merged cells as ``gridSpan`` and ``vMerge``, the
    header rows marked ``tblHeader`` (repeated on every page), item rows kept whole."""
    relative = grid.widths()
    scale = width_mm / sum(relative)
    twips = [round(w * scale * TWIPS_PER_MM) for w in relative]
    table = doc.add_table(rows=0, cols=grid.width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl = table._tbl
    _fixed_grid(table, twips, cell_margin=45)
    styles = {name: doc.styles[name].style_id for name in STYLE_NAMES}
    all_rows = grid.head + grid.rows
    # Where a vertically merged cell continues: (row, column) → the cell it continues.
    continues = {}
    for r, grid_row in enumerate(all_rows):
        for c, item in enumerate(grid_row):
            if item is not None and item.rowspan > 1:
                for below in range(r + 1, r + item.rowspan):
                    continues[(below, c)] = item
    for r, grid_row in enumerate(all_rows):
        header = r < len(grid.head)
        tr = _el("w:tr")
        tr_pr = _el("w:trPr")
        tr_pr.append(_el("w:cantSplit"))
        if header:
            tr_pr.append(_el("w:tblHeader"))
        tr.append(tr_pr)
        c = 0
        while c < grid.width:
            item = grid_row[c]
            origin = continues.get((r, c))
            if item is None and origin is None:
                c += 1  # covered by a cell spanning columns
                continue
            spanned = item if item is not None else origin
            span = spanned.colspan
            tc = _el("w:tc")
            tc_pr = _el("w:tcPr")
            tc_pr.append(_el("w:tcW", w=sum(twips[c : c + span]), type="dxa"))
            if span > 1:
                tc_pr.append(_el("w:gridSpan", val=span))
            if item is not None and item.rowspan > 1:
                tc_pr.append(_el("w:vMerge", val="restart"))
            elif item is None:
                tc_pr.append(_el("w:vMerge"))
            if header:
                tc_pr.append(_el("w:vAlign", val="center"))
            tc.append(tc_pr)
            if item is None:
                tc.append(_cell_paragraph("", styles["Renaksi Sel"]))
            else:
                style = (
                    ("Renaksi Bulan" if item.kind == "period" else "Renaksi Kepala Tabel")
                    if header
                    else "Renaksi Tanda"
                    if item.kind == "mark" or item.role == "no"
                    else "Renaksi Sel"
                )
                for text in item.lines or [""]:
                    tc.append(_cell_paragraph(text, styles[style]))
            tr.append(tc)
            c += span
        tbl.append(tr)


STYLE_NAMES = ("Renaksi Sel", "Renaksi Kepala Tabel", "Renaksi Bulan", "Renaksi Tanda")


def _lampiran(doc, document: Document, paper: Paper) -> None:
    width = paper.landscape[0] - 2 * MARGIN_MM
    heading_indent = width * 0.62
    for line in document.heading:
        if line.role == "table_title":
            continue
        _paragraph(doc, line.text, indent_mm=heading_indent)
    _paragraph(doc, "")
    for line in document.heading:
        if line.role == "table_title":
            _paragraph(doc, line.text, style="Renaksi Judul")
    _paragraph(doc, "")
    _table(doc, document.table, width)
    _paragraph(doc, "")
    _signature(doc, document.closing, heading_indent)


def render_docx(document: Document, paper: Paper) -> bytes:
    doc = new_document()
    _styles(doc)
    h = document.header
    doc.core_properties.title = f"Rencana Aksi RB {h.unit_name} Tahun {h.year}"[:250]
    doc.core_properties.author = "Renaksi"
    section = doc.sections[0]
    if document.whole:
        _page(section, paper, landscape=False)
        _body(doc, document, paper)
        section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, paper, landscape=True)
    _lampiran(doc, document, paper)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
