"""A ``Report`` (document.py) laid out as PDF, DOCX or XLSX: the same blocks in every format.

* PDF: ``templates/reports/report.html`` + ``report.css`` printed by WeasyPrint; portrait A4
  or F4, the cover with the letterhead (no page number), page numbers below, table headers
  repeated on every page, rows kept whole; every text escaped by the template.
* DOCX: python-docx; the letterhead on the cover, chapters and headings in the document's own
  heading styles (so Word's navigation and table of contents see them), lists as label and
  text in borderless tables, grids with their header row repeated on every page.
* XLSX: one sheet with the report's text in column A and every table below its heading (the
  figures as numbers would be: texts, written as texts, never as formulas).
"""

from __future__ import annotations

import io
import re

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from renaksi.exports.paper import PAPERS, Paper

from . import sheets
from .document import Items, PageBreak, Para, Report, Signature, Table

FORMATS = ("pdf", "docx", "xlsx")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _page_size(paper: Paper) -> str:
    return "A4 portrait" if paper.code == "a4" else f"{paper.width_mm:g}mm {paper.height_mm:g}mm"


class _TableView:
    """A table with every cell paired with its alignment, for the template."""

    def __init__(self, table: Table):
        self.kind = "table"
        self.head = table.head
        self.percent_widths = table.percent_widths()
        self.rows = [
            {"kind": row.kind, "cells": list(zip(row.cells, table.align, strict=False))}
            for row in table.rows
        ]


def report_html(report: Report, paper: Paper) -> str:
    blocks = [_TableView(b) if isinstance(b, Table) else b for b in report.blocks]
    view = {
        "title": report.title,
        "letterhead": report.letterhead,
        "address": report.address,
        "cover": report.cover,
        "blocks": blocks,
    }
    return render_to_string("reports/report.html", {"report": view, "page_size": _page_size(paper)})


def render_pdf(report: Report, paper: Paper = PAPERS["a4"]) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(report, paper)).write_pdf()


# -- DOCX -----------------------------------------------------------------------------------


def render_docx(report: Report, paper: Paper = PAPERS["a4"]) -> bytes:
    from docx import Document as new_document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    from renaksi.exports.docx import TWIPS_PER_MM, _fixed_grid, _no_borders

    doc = new_document()
    doc.core_properties.title = report.title[:250]
    doc.core_properties.author = "Renaksi"
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(paper.width_mm), Mm(paper.height_mm)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    text_width = paper.width_mm - 45
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Heading 1", 12), ("Heading 2", 11), ("Heading 3", 10.5)):
        style = doc.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.element.rPr.rFonts.set(qn("w:ascii"), "Arial")
        style.element.rPr.rFonts.set(qn("w:hAnsi"), "Arial")
        style.paragraph_format.space_before = Pt(10 if name != "Heading 1" else 0)
        style.paragraph_format.space_after = Pt(4)
    doc.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # Page numbers in the footer (not on the cover).
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)

    def paragraph(text, *, bold=False, size=None, align=None, style=None, space_after=None):
        p = doc.add_paragraph(style=style)
        r = p.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        if space_after is not None:
            p.paragraph_format.space_after = Pt(space_after)
        return p

    # The cover: letterhead with a double rule, the title block.
    for line in report.letterhead:
        paragraph(line, bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    if report.address:
        paragraph(report.address, size=9, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    rule = paragraph("", space_after=0)
    p_pr = rule._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", "12"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p_pr.append(borders)
    for _blank in range(6):
        paragraph("", space_after=6)
    for para in report.cover:
        if para.style == "cover_unit":
            for _blank in range(8):
                paragraph("", space_after=6)
        paragraph(
            para.text,
            bold=para.style.startswith("cover"),
            size=15 if para.style == "cover_title" else 12 if para.style == "cover_unit" else 11,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            space_after=4,
        )

    aligns = {"c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT, "l": None}
    for block in report.blocks:
        if isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, Para):
            if block.style == "chapter":
                doc.add_paragraph(block.text, style="Heading 1")
            elif block.style == "heading":
                doc.add_paragraph(block.text, style="Heading 2")
            elif block.style == "subheading":
                doc.add_paragraph(block.text, style="Heading 3")
            elif block.style == "note":
                paragraph(block.text, size=9)
            else:
                p = paragraph(
                    block.text,
                    align={
                        "center": WD_ALIGN_PARAGRAPH.CENTER,
                        "right": WD_ALIGN_PARAGRAPH.RIGHT,
                    }.get(block.style, WD_ALIGN_PARAGRAPH.JUSTIFY),
                )
                if block.style == "body":
                    p.paragraph_format.first_line_indent = Mm(10)
        elif isinstance(block, Items):
            table = doc.add_table(rows=0, cols=2)
            _no_borders(table)
            table.autofit = False
            _fixed_grid(table, [round(m * TWIPS_PER_MM) for m in (16, text_width - 16)])
            for label, text in block.rows:
                cells = table.add_row().cells
                cells[0].width, cells[1].width = Mm(16), Mm(text_width - 16)
                cells[0].paragraphs[0].text = label
                cells[1].paragraphs[0].text = text
                cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
        elif isinstance(block, Table):
            width = len(block.head)
            table = doc.add_table(rows=1, cols=width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            total = sum(block.widths)
            column_widths = [Mm(text_width * w / total) for w in block.widths]
            _fixed_grid(
                table,
                [round(text_width * w / total * TWIPS_PER_MM) for w in block.widths],
                cell_margin=60,
            )
            head = table.rows[0]
            tr_pr = head._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            tr_pr.append(header)
            for cell, label, w in zip(head.cells, block.head, column_widths, strict=True):
                cell.width = w
                p = cell.paragraphs[0]
                for index, part in enumerate(label.split("\n")):
                    if index:
                        p.add_run().add_break()
                    r = p.add_run(part)
                    r.bold = True
                    r.font.size = Pt(7.5)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_after = Pt(0)
                _shade(cell, "E6E6E6")
            for row in block.rows:
                cells = table.add_row().cells
                row_pr = table.rows[-1]._tr.get_or_add_trPr()
                row_pr.append(OxmlElement("w:cantSplit"))
                if row.kind == "group":
                    merged = cells[0].merge(cells[-1])
                    p = merged.paragraphs[0]
                    r = p.add_run(row.cells[0])
                    r.bold = True
                    r.font.size = Pt(8)
                    p.paragraph_format.space_after = Pt(0)
                    continue
                for cell, text, align, w in zip(
                    cells, row.cells, block.align, column_widths, strict=False
                ):
                    cell.width = w
                    lines = text.split("\n")
                    p = cell.paragraphs[0]
                    for index, line in enumerate(lines):
                        if index:
                            p = cell.add_paragraph()
                        r = p.add_run(line)
                        r.font.size = Pt(8)
                        r.bold = row.kind == "total"
                        p.paragraph_format.space_after = Pt(0)
                        p.paragraph_format.line_spacing = 1.0
                        if aligns[align] is not None:
                            p.alignment = aligns[align]
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
        elif isinstance(block, Signature):
            indent = Mm(text_width * 0.55)
            for text in [block.place_date, *block.titles]:
                p = paragraph(text, space_after=0)
                p.paragraph_format.left_indent = indent
                p.paragraph_format.keep_with_next = True
            for _blank in range(4):
                p = paragraph("", space_after=0)
                p.paragraph_format.keep_with_next = True
            p = paragraph(block.name or "…………………………", bold=True, space_after=12)
            p.paragraph_format.left_indent = indent
            if block.name:
                p.runs[0].underline = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


# -- XLSX -----------------------------------------------------------------------------------


def _lines(text: str, width: float) -> int:
    per_line = max(int(width * 1.15), 4)
    return sum(max(1, -(-len(line) // per_line)) for line in (text or "").split("\n"))


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Tabel"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def render_xlsx(report: Report, paper: Paper = PAPERS["a4"]) -> bytes:
    """Sheet ``Laporan``: the text of the report in reading order (a table is named by the
    sheet that holds it); then one sheet per table, its heading above it, its header row
    repeated on every printed page."""
    from openpyxl.styles import Alignment

    wb = sheets.new_workbook(report.title)
    ws = wb.create_sheet("Laporan")
    used = {"laporan"}
    sheets.page_setup(ws, landscape=False, paper=paper.code)
    sheets.widths(ws, [10, 100])
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for line in report.letterhead:
        sheets.put(ws, row, 1, line, "title", box=False)
        row += 1
    row += 1
    for para in report.cover:
        style = "title" if para.style.startswith("cover") else "subtitle"
        sheets.put(ws, row, 1, para.text, style, box=False)
        row += 1
    heading = ""
    for block in report.blocks:
        if isinstance(block, PageBreak):
            row += 1
        elif isinstance(block, Para):
            if block.style in ("chapter", "heading", "subheading"):
                heading = block.text
                style = "title" if block.style == "chapter" else "bold"
                cell = sheets.put(ws, row, 1, block.text, style, box=False)
                cell.alignment = Alignment(vertical="top")
            else:
                sheets.put(ws, row, 1, None, "plain", box=False)
                cell = sheets.put(ws, row, 2, block.text, "subtitle", box=False)
                cell.alignment = wrap
                ws.row_dimensions[row].height = 13 * _lines(block.text, 100)
            row += 1
        elif isinstance(block, Items):
            for label, text in block.rows:
                sheets.put(ws, row, 1, label, "plain", box=False)
                cell = sheets.put(ws, row, 2, text, "cell", box=False)
                cell.alignment = wrap
                ws.row_dimensions[row].height = 13 * _lines(text, 100)
                row += 1
        elif isinstance(block, Table):
            name = _sheet_name(block.title or heading, used)
            sheets.put(
                ws, row, 2, _("(tabel pada lembar “%(name)s”)") % {"name": name}, "plain", box=False
            )
            row += 1
            _table_sheet(wb, name, heading, block, paper)
        elif isinstance(block, Signature):
            row += 1
            for text in [block.place_date, *block.titles, "", "", block.name]:
                sheets.put(ws, row, 2, text, "plain", box=False)
                row += 1
    return sheets.save(wb)


def _table_sheet(wb, name: str, heading: str, table: Table, paper: Paper) -> None:
    from openpyxl.styles import Alignment

    ws = wb.create_sheet(name)
    sheets.page_setup(ws, landscape=len(table.head) > 7, paper=paper.code)
    total = sum(table.widths)
    columns = [max(6.0, 130 * w / total) for w in table.widths]
    sheets.widths(ws, columns)
    sheets.put(ws, 1, 1, heading, "title", box=False).alignment = Alignment(vertical="top")
    sheets.header_row(ws, 3, table.head)
    ws.row_dimensions[3].height = 12 * max(
        _lines(label, w) for label, w in zip(table.head, columns, strict=True)
    )
    ws.print_title_rows = "3:3"
    ws.freeze_panes = "A4"
    styles = {"c": "center", "r": "number", "l": "cell"}
    for r, row in enumerate(table.rows, start=4):
        if row.kind == "group":
            sheets.put(ws, r, 1, row.cells[0], "bold", fill=sheets.SUM_FILL)
            for c in range(2, len(table.head) + 1):
                sheets.put(ws, r, c, None, fill=sheets.SUM_FILL)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(table.head))
            continue
        lines = 1
        for c, (text, align) in enumerate(zip(row.cells, table.align, strict=False), start=1):
            style = "bold" if row.kind == "total" else styles[align]
            cell = sheets.put(ws, r, c, text, style)
            if align == "r":
                cell.alignment = Alignment(horizontal="right", vertical="top", wrap_text=True)
            lines = max(lines, _lines(text, columns[c - 1]))
        ws.row_dimensions[r].height = 12 * lines + 2


def render(report: Report, fmt: str, paper: Paper = PAPERS["a4"]) -> bytes:
    return {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}[fmt](report, paper)
