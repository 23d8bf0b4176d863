"""The Word and PDF exports: their layout (landscape Lampiran, header repeated, merged cells,
A4/F4, the decree's parts), escaping, and the round trip of the Bengkayang plan through every
format: export, import the export, and the plan is the same, field by field."""

import io
import re
import zipfile

import pypdfium2 as pdfium
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from renaksi.exports.exporters import PlanExporter
from renaksi.exports.pdf import document_html
from renaksi.plans.models import ActionPlan, SubActivity

from .export_support import (
    LAMPIRAN_FIELDS,
    bengkayang_plan,
    differences,
    plan_fields,
    plan_tree,
    reimport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return bengkayang_plan()


def _mm(length) -> float:
    return round(length.mm)


# ---------------------------------------------------------------- DOCX


def test_the_docx_lampiran_is_a_landscape_table_with_its_header_repeated(plan):
    doc = open_docx(io.BytesIO(PlanExporter.for_plan(plan).render("docx")))
    (section,) = doc.sections
    assert (_mm(section.page_width), _mm(section.page_height)) == (297, 210)
    (table,) = doc.tables
    rows = table._tbl.findall(qn("w:tr"))
    repeated = [r for r in rows if r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
    assert len(repeated) == 3 and rows[:3] == repeated
    first = [c.text for c in table.rows[0].cells[:6]]
    assert first == [
        "NO",
        "AREA PERUBAHAN",
        "KEGIATAN",
        "SUB KEGIATAN",
        "INDIKATOR KEBERHASILAN",
        "PELAKSANAAN (BULAN)",
    ]
    assert [c.text for c in table.rows[2].cells[:6]] == [f"({n})" for n in range(1, 7)]
    # Area 1 merged down its rows: one restart, then continuations.
    merges = [
        tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        for tc in (r.findall(qn("w:tc"))[0] for r in rows[3:])
    ]
    assert merges[0].get(qn("w:val")) == "restart"
    assert merges[1] is not None and merges[1].get(qn("w:val")) is None
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "LAMPIRAN"
    assert (
        "RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM KABUPATEN "
        "BENGKAYANG" in texts
    )
    assert "TAHUN 2022" in texts
    assert "Menimbang" not in " ".join(texts)


def test_indicators_are_one_paragraph_each(plan):
    doc = open_docx(io.BytesIO(PlanExporter.for_plan(plan).render("docx")))
    cell = next(
        c
        for row in doc.tables[0].rows
        for c in row.cells
        if c.text.startswith("1 Tersedianya media sosialisasi RB")
    )
    assert [p.text[:12] for p in cell.paragraphs] == ["1 Tersediany", "2 Pembanguna"]


def test_the_whole_decree_in_docx_has_a_portrait_body_then_the_lampiran(plan):
    doc = open_docx(io.BytesIO(PlanExporter.for_plan(plan, whole=True, paper="f4").render("docx")))
    body, lampiran = doc.sections
    assert (_mm(body.page_width), _mm(body.page_height)) == (215, 330)
    assert (_mm(lampiran.page_width), _mm(lampiran.page_height)) == (330, 215)
    texts = [p.text for p in doc.paragraphs]
    for line in (
        "SALINAN",
        "NOMOR 12 TAHUN 2022",
        "MEMUTUSKAN:",
        "Ditetapkan di Bengkayang",
        "pada tanggal 11 April 2022",
        "MUSA JAIRANI",
        "Salinan sesuai dengan aslinya",
    ):
        assert line in texts
    # Label, colon and text in the columns of tables without rules, before the Lampiran's.
    clauses = [row.cells for table in doc.tables[:-1] for row in table.rows]
    labels = [cells[0].text for cells in clauses if cells[0].text]
    assert labels == [
        "Menimbang",
        "Mengingat",
        "Memperhatikan",
        "Menetapkan",
        "KESATU",
        "KEDUA",
        "KETIGA",
        "KEEMPAT",
    ]
    assert clauses[0][1].text == ":"
    assert clauses[0][2].text.startswith("a. bahwa untuk melaksanakan Keputusan")


# ---------------------------------------------------------------- PDF


def _pages(data: bytes) -> list[tuple[float, float, str]]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [
            (round(page.get_width() / 72 * 25.4), round(page.get_height() / 72 * 25.4),
             page.get_textpage().get_text_range())
            for page in pdf
        ]  # fmt: skip
    finally:
        pdf.close()


def test_the_pdf_lampiran_is_landscape_a4_with_the_header_on_every_page(plan):
    pages = _pages(PlanExporter.for_plan(plan).render("pdf"))
    assert len(pages) > 3
    assert all((w, h) == (297, 210) for w, h, _ in pages)
    first = pages[0][2]
    assert first.lstrip().startswith("LAMPIRAN")
    assert "RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM KABUPATEN" in (
        first
    )
    for _, _, text in pages:
        assert "INDIKATOR KEBERHASILAN" in text and "PELAKSANAAN (BULAN)" in text
        assert "(1)" in text and "(6)" in text
    assert "Ditetapkan di Bengkayang" in pages[-1][2]


def test_the_whole_decree_in_pdf_is_portrait_then_landscape_on_f4(plan):
    pages = _pages(PlanExporter.for_plan(plan, whole=True, paper="f4").render("pdf"))
    sizes = [(w, h) for w, h, _ in pages]
    lampiran = next(i for i, (_, _, t) in enumerate(pages) if t.lstrip().startswith("LAMPIRAN"))
    assert lampiran >= 1
    assert set(sizes[:lampiran]) == {(215, 330)}
    assert set(sizes[lampiran:]) == {(330, 215)}
    body = " ".join(t for _, _, t in pages[:lampiran])
    for words in ("Menimbang", "Mengingat", "Memperhatikan", "MEMUTUSKAN", "KESATU"):
        assert words in body
    assert "pada tanggal 11 April 2022" in body
    assert "Salinan sesuai dengan aslinya" in body


def test_plan_texts_are_escaped_in_the_pdf_markup(plan):
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    sub.name = '<script>alert("x")</script> & <b>tebal</b>'
    sub.save()
    ActionPlan.objects.filter(pk=plan.pk).update(signer_name="<img src=x onerror=alert(1)>")
    plan.refresh_from_db()
    exporter = PlanExporter.for_plan(plan, whole=True)
    markup = document_html(exporter.document, exporter.paper)
    assert "<script>" not in markup and "<img" not in markup and "<b>tebal" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;tebal" in markup
    text = " ".join(t for _, _, t in _pages(exporter.render("pdf")))
    assert '<script>alert("x")</script>' in re.sub(r"\s+", " ", text)


def test_the_docx_holds_no_raw_markup_or_control_characters(plan):
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    sub.name = "Nama\x07 dengan\x1b[31m kendali & <tag>"
    sub.save()
    data = PlanExporter.for_plan(plan).render("docx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "\x07" not in xml and "\x1b" not in xml
    assert "Nama dengan [31m kendali &amp; &lt;tag&gt;" in xml


# ---------------------------------------------------------------- the round trip


@pytest.mark.parametrize("fmt", ["txt", "xlsx", "docx", "pdf"])
def test_the_whole_decree_imports_back_to_the_same_plan(plan, fmt):
    tree, fields = plan_tree(plan), plan_fields(plan)
    exporter = PlanExporter.for_plan(plan, whole=True)
    again = reimport(plan, exporter.render(fmt), exporter.filename(fmt))
    assert again.source_name.endswith(f".{fmt}")
    assert differences(tree, plan_tree(again)) == []
    assert differences(fields, plan_fields(again)) == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_lampiran_alone_imports_back_to_the_same_tree(plan, fmt):
    tree, fields = plan_tree(plan), plan_fields(plan, LAMPIRAN_FIELDS)
    exporter = PlanExporter.for_plan(plan, paper="f4")
    again = reimport(plan, exporter.render(fmt), exporter.filename(fmt))
    assert differences(tree, plan_tree(again)) == []
    assert differences(fields, plan_fields(again, LAMPIRAN_FIELDS)) == []
