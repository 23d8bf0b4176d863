"""Build decree files (XLSX, DOCX, PDF) from a text decree, at test time.

A text decree is split by the text reader into its body, the headings above the Lampiran
table, the table's pages (each starting at a header row) and the closing lines; the builders
lay these out as a unit would: the body on its own sheet or as paragraphs, one table per page
with the area, activity and number cells merged down over the rows they continue, the header's
label cells merged over the month row and PELAKSANAAN (BULAN) merged over the 12 month cells.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from functools import cache

from renaksi.lib.decree.source import read_text

MARK = "√"


@dataclass
class Layout:
    body: list[str]
    headings: list[str]
    pages: list[list[list[str]]]
    closing: list[str]

    @property
    def rows(self) -> list[list[str]]:
        return [row for page in self.pages for row in page]


def _is_header(cells: list[str]) -> bool:
    return len(cells) > 2 and cells[0].strip().upper().rstrip(".") == "NO"


def layout(text: str | bytes) -> Layout:
    doc = read_text(text)
    headings: list[str] = []
    pages: list[list[list[str]]] = []
    for row in doc.rows:
        if _is_header(row.cells):
            pages.append([])
        if not pages:
            headings.extend(row.cells)
            continue
        pages[-1].append([c.rstrip() for c in row.cells])
    return Layout(
        body=[line.rstrip() for _, line in doc.body],
        headings=[h.rstrip() for h in headings],
        pages=pages,
        closing=[line.rstrip() for _, line in doc.closing],
    )


def header_rows(page: list[list[str]]) -> int:
    """How many rows of a page are its header (label row, month row, numbering row)."""
    count = 1
    while count < len(page):
        texts = [c.strip() for c in page[count] if c.strip()]
        if "JAN" in texts or (texts and all(re.fullmatch(r"\(\d+\)", t) for t in texts)):
            count += 1
        else:
            break
    return count


def merges(page: list[list[str]], width: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges (first row, first column, last row, last column), 0-based in the page."""
    result = []
    head = header_rows(page)
    month_row = 1 if head > 1 and "JAN" in page[1] else None
    if month_row is not None:
        for column in range(5):
            if page[0][column].strip() and not page[1][column].strip():
                result.append((0, column, 1, column))
    if len(page[0]) > 5 and page[0][5].strip() and not any(c.strip() for c in page[0][6:17]):
        result.append((0, 5, 0, min(16, width - 1)))
    for column in (0, 1, 2):
        r = head
        while r < len(page):
            if column < len(page[r]) and page[r][column].strip():
                end = r
                while end + 1 < len(page) and not _cell(page[end + 1], column).strip():
                    end += 1
                if end > r:
                    result.append((r, column, end, column))
                r = end + 1
            else:
                r += 1
    return result


def _cell(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def _span(r0: int, c0: int, r1: int, c1: int) -> set[tuple[int, int]]:
    """The cells a merge covers, but its first."""
    cells = {(a, b) for a in range(r0, r1 + 1) for b in range(c0, c1 + 1)}
    return cells - {(r0, c0)}


def _grid(page: list[list[str]]) -> tuple[int, list[list[str]]]:
    width = max(len(r) for r in page)
    return width, [r + [""] * (width - len(r)) for r in page]


# -- XLSX --------------------------------------------------------------------------------


def build_xlsx(
    source: Layout,
    *,
    body_sheet: bool = True,
    body_sheet_last: bool = False,
    first_row: int = 1,
    first_col: int = 1,
    merge: bool = True,
    fill_marks: bool = False,
    numbers_as_numbers: bool = True,
):
    """A workbook: a 'Keputusan' sheet with the body (one line per row) and a 'Lampiran' sheet
    with the headings, the table (pages one after the other) and the closing lines."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    workbook = Workbook()
    table_ws = workbook.active
    table_ws.title = "Lampiran"
    if body_sheet:
        body_ws = workbook.create_sheet("Keputusan", index=1 if body_sheet_last else 0)
        for index, line in enumerate(source.body, start=1):
            if line:
                body_ws.cell(index, 1, line)
    r = first_row
    for line in source.headings:
        table_ws.cell(r, first_col, line)
        r += 1
    r += 1
    fill = PatternFill("solid", fgColor="FF808080")
    wrap = Alignment(wrap_text=True, vertical="top")
    for page in source.pages:
        width, grid = _grid(page)
        covered = set()
        if merge:
            for r0, c0, r1, c1 in merges(page, width):
                table_ws.merge_cells(
                    start_row=r + r0,
                    start_column=first_col + c0,
                    end_row=r + r1,
                    end_column=first_col + c1,
                )
                covered.update(
                    (a, b)
                    for a in range(r0, r1 + 1)
                    for b in range(c0, c1 + 1)
                    if (a, b) != (r0, c0)
                )
        for i, cells in enumerate(grid):
            for j, text in enumerate(cells):
                if (i, j) in covered or not text.strip():
                    continue
                cell = table_ws.cell(r + i, first_col + j)
                if fill_marks and text.strip() == MARK:
                    cell.fill = fill
                    continue
                if numbers_as_numbers and j == 0 and text.strip().isdigit():
                    cell.value = float(text)
                else:
                    cell.value = text
                    cell.data_type = "s"  # a text such as "=…" stays a text
                cell.alignment = wrap
        r += len(grid)
    r += 1
    for line in source.closing:
        if line.strip():
            table_ws.cell(r, first_col + 5, line.strip())
        r += 1
    return workbook


def xlsx_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- DOCX --------------------------------------------------------------------------------


def shade(cell, color: str = "808080") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shd)


def build_docx(source: Layout, *, merge: bool = True, fill_marks: bool = False):
    """A Word document: the body as paragraphs, one table per page, the closing paragraphs."""
    from docx import Document

    document = Document()
    for line in [*source.body, *source.headings]:
        document.add_paragraph(line)
    for index, page in enumerate(source.pages):
        if index:
            document.add_page_break()
        width, grid = _grid(page)
        table = document.add_table(rows=len(grid), cols=width)
        table.style = "Table Grid"
        origins = {}
        covered = set()
        if merge:
            for r0, c0, r1, c1 in merges(page, width):
                table.cell(r0, c0).merge(table.cell(r1, c1))
                origins[(r0, c0)] = (r1, c1)
                covered.update(
                    (a, b)
                    for a in range(r0, r1 + 1)
                    for b in range(c0, c1 + 1)
                    if (a, b) != (r0, c0)
                )
        for i, row in enumerate(table.rows):
            cells = row.cells
            for j, text in enumerate(grid[i]):
                if (i, j) in covered or not text.strip():
                    continue
                if fill_marks and text.strip() == MARK:
                    shade(cells[j])
                    continue
                cells[j].text = text
    for line in source.closing:
        document.add_paragraph(line)
    return document


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- PDF ---------------------------------------------------------------------------------

PDF_CSS = """
@page { size: A4 landscape; margin: 1.2cm; }
body { font-family: "DejaVu Sans"; font-size: 8pt; }
p { margin: 0; }
.gap { height: 1em; }
table { border-collapse: collapse; width: 100%; }
table + table { page-break-before: always; }
td { border: 0.5pt solid black; padding: 1pt 2pt; vertical-align: top; font-size: 6pt; }
tr { page-break-inside: avoid; }
"""


def table_html(page: list[list[str]], *, merge: bool = True, rules: bool = True) -> str:
    width, grid = _grid(page)
    spans = {}
    covered = set()
    if merge:
        for r0, c0, r1, c1 in merges(page, width):
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            covered.update(_span(r0, c0, r1, c1))
    style = "" if rules else ' style="border:none"'
    out = ["<table>"]
    for i, cells in enumerate(grid):
        out.append("<tr>")
        for j, text in enumerate(cells):
            if (i, j) in covered:
                continue
            rowspan, colspan = spans.get((i, j), (1, 1))
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            body = "<br>".join(html.escape(t) for t in text.split("\n"))
            out.append(f"<td{attrs}{style}>{body}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def lines_html(lines: list[str]) -> str:
    return "".join(
        f"<p>{html.escape(line)}</p>" if line.strip() else '<div class="gap"></div>'
        for line in lines
    )


def build_pdf_html(source: Layout, *, merge: bool = True, rules: bool = True) -> str:
    tables = "".join(table_html(page, merge=merge, rules=rules) for page in source.pages)
    return (
        f"<html><head><meta charset='utf-8'><style>{PDF_CSS}</style></head><body>"
        f"{lines_html(source.body)}<div style='page-break-before: always'></div>"
        f"{lines_html(source.headings)}{tables}{lines_html(source.closing)}</body></html>"
    )


def pdf_bytes(markup: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=markup).write_pdf()


@cache
def pdf_from_text(text: str, merge: bool = True, rules: bool = True) -> bytes:
    return pdf_bytes(build_pdf_html(layout(text), merge=merge, rules=rules))


def scanned_pdf() -> bytes:
    """A PDF whose only page is a picture of a page: no text layer."""
    import base64

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(image)
    for y in range(40, 360, 24):
        draw.rectangle((40, y, 560, y + 10), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return pdf_bytes(f'<html><body><img src="data:image/png;base64,{encoded}"></body></html>')


# -- a password-protected PDF (standard security handler, revision 2, RC4 40-bit) ----------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: str, text: str = "KEPUTUSAN RAHASIA") -> bytes:
    """A one-page PDF that opens only with ``user_password`` (PDF 1.4, section 3.5)."""
    import hashlib
    import struct

    def padded(password: str) -> bytes:
        return (password.encode("latin-1") + _PAD)[:32]

    permissions = struct.pack("<i", -44)
    file_id = hashlib.md5(b"renaksi-test").digest()  # noqa: S324 - the PDF standard's hash
    owner = _rc4(hashlib.md5(padded("pemilik")).digest()[:5], padded(user_password))  # noqa: S324
    key = hashlib.md5(padded(user_password) + owner + permissions + file_id).digest()[:5]  # noqa: S324
    user = _rc4(key, _PAD)

    def object_key(number: int) -> bytes:
        return hashlib.md5(key + number.to_bytes(3, "little") + b"\0\0").digest()[:10]  # noqa: S324

    content = _rc4(object_key(4), f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>"
        % (owner.hex().encode(), user.hex().encode()),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
