"""The official documents out (renaksi/exports): the exporter, the text and XLSX formats, the
download view, the download menu and the export_plan command."""

import datetime
import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.exports.content import clean, issuing_body, plan_decree
from renaksi.exports.exporters import ExportError, PlanExporter
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.render import RenderOptions, render
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.units.models import Unit

from .export_support import (
    bengkayang_plan,
    decree_tree,
    differences,
    plan_fields,
    plan_tree,
    reimport,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return bengkayang_plan()


# ---------------------------------------------------------------- the content


def test_the_plan_is_the_decree_it_was_read_from(plan):
    """The plan's tree and fields, as a decree, are what the importer read."""
    from .decree_samples import bengkayang_bytes

    read = parse_decree(bengkayang_bytes())
    decree = plan_decree(plan)
    assert differences(decree_tree(read), decree_tree(decree)) == []
    h = decree.header
    assert h.unit_name == "KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG"
    assert (h.number, h.year, h.place, h.date) == ("12", 2022, "Bengkayang", read.header.date)
    assert h.issuer == "KETUA KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG"
    assert [i.label for i in h.dictums] == ["KESATU", "KEDUA", "KETIGA", "KEEMPAT"]


def test_a_plan_without_a_decree_is_named_after_its_unit(plan):
    ActionPlan.objects.filter(pk=plan.pk).update(decree_title="", decree_subject="")
    plan.refresh_from_db()
    assert issuing_body(plan) == "KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG"
    assert plan_decree(plan).header.subject == (
        "RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM KABUPATEN "
        "BENGKAYANG TAHUN 2022"
    )


def test_stored_texts_lose_control_characters():
    assert clean("Foo\x07 bar\tbaz\nqux\x1b[31m\u2028end") == "Foo bar baz qux [31m end"


def test_the_exporter_refuses_an_unknown_format_or_paper(plan):
    exporter = PlanExporter.for_plan(plan)
    with pytest.raises(ExportError, match="Format 'odt' tidak dikenal"):
        exporter.render("odt")
    with pytest.raises(ExportError, match="Ukuran kertas 'a3' tidak dikenal"):
        PlanExporter.for_plan(plan, paper="a3")


def test_file_names_are_ascii_and_say_what_they_hold(plan):
    assert PlanExporter.for_plan(plan).filename("xlsx") == "rencana-aksi-6107-2022.xlsx"
    whole = PlanExporter.for_plan(plan, whole=True, paper="f4")
    assert whole.filename("pdf") == "keputusan-rencana-aksi-6107-2022-f4.pdf"
    assert whole.filename("txt") == "keputusan-rencana-aksi-6107-2022.txt"


# ---------------------------------------------------------------- text


def test_the_text_format_is_the_rendering_the_importer_reads(plan):
    exporter = PlanExporter.for_plan(plan, whole=True)
    text = exporter.render("txt").decode()
    assert text == render(plan_decree(plan), RenderOptions(page_rows=None, stored_labels=True))
    lines = text.split("\n")
    assert "RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM KABUPATEN" in (
        "\n".join(lines)
    )
    assert "pada tanggal 11 April 2022" in lines
    assert "Salinan sesuai dengan aslinya" in lines
    header = next(line.split("\t") for line in lines if line.startswith("NO\t"))
    assert header[:6] == [
        "NO",
        "AREA PERUBAHAN",
        "KEGIATAN",
        "SUB KEGIATAN",
        "INDIKATOR KEBERHASILAN",
        "PELAKSANAAN (BULAN)",
    ]


def test_the_lampiran_alone_starts_at_its_heading(plan):
    text = PlanExporter.for_plan(plan).render("txt").decode()
    assert text.startswith("LAMPIRAN\nKEPUTUSAN KOMISI PEMILIHAN UMUM\nKABUPATEN BENGKAYANG\n")
    assert "Menimbang" not in text
    assert "Ditetapkan di Bengkayang" in text


@pytest.mark.parametrize("whole", [True, False], ids=["keputusan", "lampiran"])
def test_the_text_export_imports_back_to_the_same_plan(plan, whole):
    tree, fields = plan_tree(plan), plan_fields(plan)
    exporter = PlanExporter.for_plan(plan, whole=whole)
    again = reimport(plan, exporter.render("txt"), exporter.filename("txt"))
    assert differences(tree, plan_tree(again)) == []
    if whole:
        assert differences(fields, plan_fields(again)) == []


# ---------------------------------------------------------------- XLSX


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def same_content(a: bytes, b: bytes, fmt: str) -> bool:
    """The same document (a workbook's zip stamps the time it was written)."""
    if fmt != "xlsx":
        return a == b

    def cells(data):
        wb = _workbook(data)
        return [[[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets]

    return cells(a) == cells(b)


def test_the_xlsx_lampiran_is_laid_out_for_printing(plan):
    data = PlanExporter.for_plan(plan).render("xlsx")
    wb = _workbook(data)
    assert wb.sheetnames == ["Lampiran"]
    ws = wb["Lampiran"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    header_row = next(r for r in range(1, 40) if ws.cell(r, 1).value == "NO")
    assert ws.print_title_rows == f"${header_row}:${header_row + 2}"
    labels = [ws.cell(header_row, c).value for c in range(1, 7)]
    assert labels == [
        "NO",
        "AREA PERUBAHAN",
        "KEGIATAN",
        "SUB KEGIATAN",
        "INDIKATOR KEBERHASILAN",
        "PELAKSANAAN (BULAN)",
    ]
    months = [ws.cell(header_row + 1, c).value for c in range(6, 18)]
    assert months[0] == "JAN" and months[-1] == "DES"
    assert [ws.cell(header_row + 2, c).value for c in range(1, 7)] == [
        f"({n})" for n in range(1, 7)
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"F{header_row}:Q{header_row}" in merged  # PELAKSANAAN over its months
    assert f"A{header_row}:A{header_row + 1}" in merged
    # Area 1 (NO and name) merged over all its rows; its first activity over its rows.
    first = header_row + 3
    area_ranges = [r for r in ws.merged_cells.ranges if r.min_col == 1 and r.min_row == first]
    assert area_ranges and area_ranges[0].max_row > first + 5
    assert ws.cell(first, 2).value == "Manajemen Perubahan"
    assert any(r.min_col == 3 and r.min_row == first for r in ws.merged_cells.ranges)
    assert ws.column_dimensions["E"].width > ws.column_dimensions["F"].width * 5
    assert {"Renaksi Kepala Tabel", "Renaksi Sel", "Renaksi Tanda"} <= set(wb.named_styles)
    assert ws.cell(header_row, 1).style == "Renaksi Kepala Tabel"
    title = [ws.cell(r, 1).value for r in range(1, header_row)]
    assert "TAHUN 2022" in title


def test_indicators_are_one_per_line_in_their_cell(plan):
    ws = _workbook(PlanExporter.for_plan(plan).render("xlsx"))["Lampiran"]
    values = [c.value for row in ws.iter_rows(min_col=5, max_col=5) for c in row if c.value]
    listed = next(v for v in values if v.startswith("1 Tersedianya media sosialisasi RB"))
    assert listed.split("\n")[1].startswith("2 Pembangunan kolom RB Satuan kerja")


def test_f4_paper_and_the_whole_decree_in_xlsx(plan):
    wb = _workbook(PlanExporter.for_plan(plan, whole=True, paper="f4").render("xlsx"))
    assert wb.sheetnames == ["Keputusan", "Lampiran"]
    assert wb["Lampiran"].page_setup.paperSize == 14  # Folio 216 × 330 mm
    body = [c.value for row in wb["Keputusan"].iter_rows() for c in row if c.value]
    assert "Menimbang" in body and "MEMUTUSKAN:" in body
    assert "pada tanggal 11 April 2022" in body


@pytest.mark.parametrize("whole", [True, False], ids=["keputusan", "lampiran"])
def test_the_xlsx_export_imports_back_to_the_same_plan(plan, whole):
    tree, fields = plan_tree(plan), plan_fields(plan)
    exporter = PlanExporter.for_plan(plan, whole=whole)
    again = reimport(plan, exporter.render("xlsx"), exporter.filename("xlsx"))
    assert differences(tree, plan_tree(again)) == []
    if whole:
        assert differences(fields, plan_fields(again)) == []


FORMULAS = ['=HYPERLINK("http://x.test","klik")', "+62 812 555", "-1+2", "@SUM(A1:A2)"]


def test_texts_that_look_like_formulas_stay_texts(plan):
    """The extra columns and the area's name are written as stored (no label before them):
    a text there that starts with = + - or @ must be a text cell, never a formula."""
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    sub.pic_text, sub.target_text, sub.output_text, sub.note = FORMULAS
    sub.save()
    area = sub.activity.area
    area.name = "=1+1"
    area.save()
    data = PlanExporter.for_plan(plan).render("xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = _workbook(data)["Lampiran"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in [*FORMULAS, "=1+1"]:
        assert text in cells, text
        assert cells[text].data_type == "s"


# ---------------------------------------------------------------- the download


@pytest.fixture
def viewer(plan):
    user = User.objects.create_user("pembaca", password="rahasia-panjang-1")
    UnitRole.objects.create(user=user, unit=plan.unit, role=UnitRole.Role.VIEWER)
    return user


def url(plan, fmt, **query):
    from django.urls import reverse

    base = reverse("exports:download", args=[plan.pk, fmt])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(url(plan, "xlsx"))
    assert response.status_code == 302
    assert "/masuk/" in response["Location"]


def test_a_reader_of_another_unit_gets_404(client, plan):
    other = Unit.objects.create(
        code="6101", name="KPU Kabupaten Sambas", level="kabupaten_kota", parent=plan.unit.parent
    )
    outsider = User.objects.create_user("luar", password="rahasia-panjang-1")
    UnitRole.objects.create(user=outsider, unit=other, role=UnitRole.Role.ADMIN)
    client.force_login(outsider)
    assert client.get(url(plan, "xlsx")).status_code == 404
    assert not LogEntry.objects.filter(action="plan.exported").exists()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("txt", "text/plain; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_a_reader_downloads_an_attachment(client, plan, viewer, fmt, content_type):
    client.force_login(viewer)
    response = client.get(url(plan, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="rencana-aksi-6107-2022.{fmt}"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert same_content(response.content, PlanExporter.for_plan(plan).render(fmt), fmt)
    entry = LogEntry.objects.get(action="plan.exported")
    assert (entry.actor, entry.plan_id) == (viewer, plan.pk)
    assert entry.data == {"format": fmt, "document": "lampiran", "paper": "a4"}


def test_the_decree_on_f4_is_asked_for_in_the_query(client, plan, viewer):
    client.force_login(viewer)
    response = client.get(url(plan, "xlsx", dokumen="keputusan", kertas="f4"))
    assert response["Content-Disposition"].endswith('"keputusan-rencana-aksi-6107-2022-f4.xlsx"')
    assert _workbook(response.content).sheetnames == ["Keputusan", "Lampiran"]


@pytest.mark.parametrize(
    ("path_fmt", "query", "status"),
    [
        ("odt", {}, 404),
        ("XLSX", {}, 404),
        ("xlsx", {"kertas": "a3"}, 400),
        ("xlsx", {"dokumen": "semua"}, 400),
    ],
)
def test_bad_requests_are_refused_cleanly(client, plan, viewer, path_fmt, query, status):
    client.force_login(viewer)
    assert client.get(url(plan, path_fmt, **query)).status_code == status


def test_a_post_is_not_allowed(client, plan, viewer):
    client.force_login(viewer)
    assert client.post(url(plan, "txt")).status_code == 405


def test_the_download_costs_a_fixed_number_of_queries(client, plan, viewer):
    """The same queries for a small plan and the 73 sub-activities of Bengkayang."""
    client.force_login(viewer)
    client.get(url(plan, "txt"))  # sessions, content types: warm
    with CaptureQueriesContext(connection) as big:
        assert client.get(url(plan, "xlsx")).status_code == 200
    small = ActionPlan.objects.create(unit=plan.unit, year=2023, decree_number="1")
    with CaptureQueriesContext(connection) as tiny:
        assert client.get(url(small, "xlsx")).status_code == 200
    assert len(big) == len(tiny)
    assert len(big) <= 12


def test_the_download_menu_links_every_document(plan):
    html = render_to_string("plans/_export_links.html", {"plan": plan})
    for fmt in ("xlsx", "docx", "pdf", "txt"):
        assert f'href="{url(plan, fmt)}"' in html
    assert f'href="{url(plan, "pdf")}?dokumen=keputusan&amp;kertas=f4"' in html
    assert f'href="{url(plan, "docx")}?kertas=f4"' in html
    assert "Unduh dokumen" in html


# ---------------------------------------------------------------- the command


def test_the_command_writes_the_export(plan, tmp_path):
    target = tmp_path / "lampiran.xlsx"
    out = io.StringIO()
    call_command(
        "export_plan",
        "--unit=6107",
        "--year=2022",
        "--format=xlsx",
        f"--output={target}",
        stdout=out,
    )
    assert same_content(target.read_bytes(), PlanExporter.for_plan(plan).render("xlsx"), "xlsx")
    assert "ditulis ke" in out.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["lampiran.xlsx"]  # no temporary left


def test_the_command_writes_the_whole_decree_on_f4(plan, tmp_path):
    target = tmp_path / "keputusan.txt"
    call_command(
        "export_plan", "--unit=6107", "--year=2022", "--format=txt", "--decree",
        "--paper=f4", f"--output={target}", stdout=io.StringIO(),
    )  # fmt: skip
    assert target.read_bytes() == PlanExporter.for_plan(plan, whole=True).render("txt")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit=9999", "--year=2022", "--format=txt"], "Satker dengan kode '9999' tidak ada."),
        (["--unit=6107", "--year=2031", "--format=txt"], "belum punya rencana aksi tahun 2031"),
        (["--unit=6107", "--year=dua", "--format=txt"], "Tahun 'dua' tidak sah"),
        (["--unit=6107", "--year=2022", "--format=odt"], "Format 'odt' tidak dikenal"),
        (["--unit=6107", "--year=2022", "--format=pdf", "--paper=a3"], "kertas 'a3'"),
    ],
)
def test_the_command_fails_in_one_clear_line(plan, tmp_path, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("export_plan", *args, f"--output={tmp_path / 'x'}")
    assert "\n" not in str(error.value)
    assert not (tmp_path / "x").exists()


def test_an_unwritable_path_is_one_clear_line(plan, tmp_path):
    with pytest.raises(CommandError, match=r"Folder .* tidak ada"):
        call_command(
            "export_plan", "--unit=6107", "--year=2022", "--format=txt",
            f"--output={tmp_path / 'nope' / 'x.txt'}",
        )  # fmt: skip
    with pytest.raises(CommandError, match="adalah folder"):
        call_command(
            "export_plan", "--unit=6107", "--year=2022", "--format=txt",
            f"--output={tmp_path}",
        )  # fmt: skip
    # /proc takes no new files, even from root.
    with pytest.raises(CommandError, match="tidak dapat ditulis"):
        call_command(
            "export_plan", "--unit=6107", "--year=2022", "--format=txt",
            "--output=/proc/renaksi-lampiran.txt",
        )  # fmt: skip


def test_a_failed_write_leaves_the_old_file_whole(plan, tmp_path, monkeypatch):
    target = tmp_path / "lampiran.txt"
    target.write_bytes(b"versi lama")

    def broken_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        "renaksi.exports.management.commands.export_plan.os.replace", broken_replace
    )
    with pytest.raises(CommandError, match="tidak dapat ditulis"):
        call_command(
            "export_plan", "--unit=6107", "--year=2022", "--format=txt",
            f"--output={target}",
        )  # fmt: skip
    assert target.read_bytes() == b"versi lama"
    assert [p.name for p in tmp_path.iterdir()] == ["lampiran.txt"]


def test_the_help_is_in_plain_words():
    from renaksi.exports.management.commands.export_plan import Command

    text = " ".join(Command().create_parser("manage.py", "export_plan").format_help().split())
    assert "seluruh keputusan" in text
    assert "--paper PAPER Ukuran kertas: a4 (bawaan) atau f4 (215 × 330 mm)." in text
    assert "--format FORMAT Format berkas: txt, xlsx, docx, pdf." in text


def test_dates_are_written_the_indonesian_way(plan):
    ActionPlan.objects.filter(pk=plan.pk).update(decree_date=datetime.date(2022, 1, 13))
    plan.refresh_from_db()
    text = PlanExporter.for_plan(plan, whole=True).render("txt").decode()
    assert "pada tanggal 13 Januari 2022" in text
