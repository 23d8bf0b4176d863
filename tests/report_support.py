"""Builders for the report tests: a small framework worked by hand, an assessment with answers
of two tiers and evidence, and XLSX / DOCX / PDF readers."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from renaksi.evaluation.models import Answer, Assessment, Framework, Node, Tier

CATEGORIES = [
    {"code": "AA", "label": "Sangat memuaskan", "above": "90", "up_to": "100"},
    {"code": "A", "label": "Memuaskan", "above": "80", "up_to": "90"},
    {"code": "BB", "label": "Sangat baik", "above": "70", "up_to": "80"},
    {"code": "B", "label": "Baik", "above": "60", "up_to": "70"},
    {"code": "CC", "label": "Cukup", "above": "50", "up_to": "60"},
    {"code": "C", "label": "Kurang", "above": "30", "up_to": "50"},
    {"code": "D", "label": "Sangat kurang", "above": "0", "up_to": "30"},
]


def small_framework(code: str = "zi-test") -> Framework:
    """Pemenuhan (A) → area I Manajemen Perubahan → i. Penyusunan Tim Kerja (weight 1: Ya, C of
    A–C, A of A–D = 0.67) and ii. Rencana Pembangunan ZI (weight 2: a percentage 12 of 15 =
    0.80 → 1.60); the area scores 2.27 of 3 (75.56 %)."""
    framework = Framework.objects.create(
        code=code,
        family=code,
        year=2022,
        title="LKE Uji Zona Integritas",
        categories=CATEGORIES,
        value_decimals=2,
    )
    seq = iter(range(1, 100))

    def node(parent, kind, code, label, title, **fields):
        return Node.objects.create(
            framework=framework,
            parent=parent,
            kind=kind,
            code=code,
            label=label,
            title=title,
            sequence=next(seq),
            depth=0 if parent is None else parent.depth + 1,
            **fields,
        )

    comp = node(None, "component", "A", "A", "Pemenuhan")
    area = node(comp, "area", "A.I", "I", "Manajemen Perubahan")
    sub1 = node(area, "sub_component", "A.I.i", "i", "Penyusunan Tim Kerja", weight="1")
    node(sub1, "item", "A.I.i.a", "a", "Unit telah membentuk tim", answer_type="yes_no")
    node(sub1, "item", "A.I.i.b", "b", "Penentuan anggota tim", answer_type="abc")
    node(sub1, "item", "A.I.i.c", "c", "=SUM(A1) rapat tim", answer_type="abcd")
    sub2 = node(area, "sub_component", "A.I.ii", "ii", "Rencana Pembangunan ZI", weight="2")
    node(
        sub2,
        "item",
        "A.I.ii.a",
        "a",
        "Persentase pegawai yang melapor",
        answer_type="percent",
        formula="ratio",
        count_inputs=[{"name": "numerator"}, {"name": "denominator"}],
    )
    return framework


def answered_assessment(unit, plan=None, framework=None) -> Assessment:
    framework = framework or small_framework()
    assessment = Assessment.objects.create(unit=unit, year=2022, framework=framework, plan=plan)
    items = {n.code: n for n in framework.nodes.filter(kind="item")}

    def answer(code, tier=Tier.SELF, **fields):
        return Answer.objects.create(assessment=assessment, item=items[code], tier=tier, **fields)

    answer("A.I.i.a", option="ya", justification="SK Tim ZI Nomor 5 tanggal 2 Januari 2022")
    answer("A.I.i.b", option="c")
    answer("A.I.i.c", option="a")
    answer("A.I.ii.a", counts={"numerator": 12, "denominator": 15})
    answer("A.I.i.a", Tier.PROVINCE, option="tidak", justification="SK belum ditandatangani")
    answer("A.I.i.b", Tier.PROVINCE, option="c")
    answer("A.I.i.c", Tier.PROVINCE, option="a")
    return assessment


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def find_row(rows, first_values: tuple) -> list:
    for row in rows:
        if tuple(row[: len(first_values)]) == first_values:
            return row
    raise AssertionError(f"no row starting with {first_values}")


def pdf_pages(data: bytes) -> list[tuple[float, float, str]]:
    """(width mm, height mm, text) of every page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return [
            (round(page.get_width() / 72 * 25.4), round(page.get_height() / 72 * 25.4),
             page.get_textpage().get_text_range())
            for page in pdf
        ]  # fmt: skip
    finally:
        pdf.close()


def pdf_text(data: bytes) -> str:
    return "\n".join(text for _w, _h, text in pdf_pages(data))


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def as_decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
