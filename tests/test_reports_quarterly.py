"""The quarterly Laporan Monitoring dan Evaluasi of the Bengkayang plan, read back from PDF,
DOCX and XLSX: letterhead, number and Indonesian date, chapters, legal basis from the decree,
the figures against a hand count, the narrative, the follow-ups and the signature."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
from renaksi.plans.models import PlanArea, SubActivity
from renaksi.reports.document import Table
from renaksi.reports.quarterly import number_id, quarterly_report, title_case
from renaksi.reports.render import render, render_docx, render_pdf, render_xlsx
from renaksi.work.models import Realisation

from .evidence_support import realisation_of
from .export_support import bengkayang_plan
from .report_support import docx_text, pdf_pages, sheet_rows, workbook

pytestmark = pytest.mark.django_db

Q3 = (7, 8, 9)


@pytest.fixture
def user():
    return User.objects.create_user("pelaksana", "p@example.test", "x")


@pytest.fixture
def plan(user):
    """Bengkayang 2022 with TW III partly recorded: every sub-activity of area 5 scheduled in
    July is done and verified in July; the first one scheduled in August is done (not yet
    verified), the first in September is not done (with a reason)."""
    plan = bengkayang_plan()
    subs = list(
        SubActivity.objects.filter(activity__area__plan=plan).order_by(
            "activity__area__number", "activity__position", "position"
        )
    )
    area5 = [s for s in subs if s.activity.area.number == 5]
    for sub in area5:
        if 7 in sub.months:
            r = realisation_of(sub, 7, user)
            r.status, r.state = Realisation.Status.DONE, Realisation.State.VERIFIED
            r.save()
    august = next(s for s in subs if 8 in s.months)
    r = realisation_of(august, 8, user)
    r.status, r.state = Realisation.Status.DONE, Realisation.State.SUBMITTED
    r.save()
    september = next(s for s in subs if 9 in s.months)
    r = realisation_of(september, 9, user)
    r.status, r.reason = Realisation.Status.NOT_DONE, "Narasumber berhalangan"
    r.save()
    report = QuarterReport.objects.create(
        plan=plan,
        unit=plan.unit,
        year=2022,
        quarter=3,
        obstacles="Jaringan internet kantor sering terputus.",
        solutions="Menambah paket data cadangan.",
        recommendations="Mengusulkan peningkatan bandwidth pada TA 2023.",
        report_number="15/PL.01-Lap/6107/2022",
        report_date=datetime.date(2022, 10, 1),
        signer_name="Musa Jairani",
        signer_title="KETUA KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG",
    )
    AreaNote.objects.create(
        report=report,
        area=PlanArea.objects.get(plan=plan, number=5),
        obstacles="Dua pegawai belum mengisi LHKASN.",
    )
    FollowUp.objects.create(
        plan=plan,
        unit=plan.unit,
        year=2022,
        area=PlanArea.objects.get(plan=plan, number=5),
        opened_in=2,
        action="Mendampingi pegawai mengisi LHKASN",
        finding="LHKASN belum lengkap",
        owner_text="Kasubbag Umum",
        due_on=datetime.date(2022, 11, 30),
        state=FollowUp.State.IN_PROGRESS,
    )
    FollowUp.objects.create(
        plan=plan, unit=plan.unit, year=2022, opened_in=1, closed_in=2, action="Sudah ditutup",
        state=FollowUp.State.DONE,
    )  # fmt: skip
    plan.refresh_from_db()
    return plan


def hand_count(plan) -> dict:
    """TW III counted from the schedule masks and the recorded months, not by monitoring."""
    subs = SubActivity.objects.filter(activity__area__plan=plan)
    scheduled = sum(1 for s in subs for m in s.months if m in Q3)
    done = Realisation.objects.filter(
        plan=plan, period__period__in=Q3, status=Realisation.Status.DONE
    ).count()
    verified = Realisation.objects.filter(
        plan=plan, period__period__in=Q3, state=Realisation.State.VERIFIED
    ).count()
    return {"scheduled": scheduled, "done": done, "verified": verified}


def test_the_content_follows_the_data(plan):
    report = quarterly_report(plan, 3)
    assert report.letterhead == ["KOMISI PEMILIHAN UMUM", "KABUPATEN BENGKAYANG"]
    cover = [p.text for p in report.cover]
    assert "TRIWULAN III TAHUN 2022" in cover
    assert "Nomor: 15/PL.01-Lap/6107/2022" in cover
    assert "Tanggal: 1 Oktober 2022" in cover
    summary = report.tables()[0]
    total = summary.rows[-1].cells
    counts = hand_count(plan)
    assert total[1] == "Jumlah"
    assert int(total[2]) == counts["scheduled"]
    assert int(total[3]) == counts["scheduled"]  # all of TW III is due on 1 October
    assert int(total[4]) == counts["done"]
    assert int(total[5]) == counts["verified"]
    assert int(total[6]) == 1  # not done
    achievement = Decimal(counts["done"] * 100) / counts["scheduled"]
    assert total[9] == number_id(achievement)
    assert "," in total[9]  # Indonesian decimal comma
    area5 = next(r for r in summary.rows if r.cells[0] == "5")
    assert int(area5.cells[5]) == counts["verified"]


def test_mid_quarter_figures_count_only_the_months_that_ended(plan):
    """Dated 15 August: only July is due; achievement = done among the due ÷ due."""
    QuarterReport.objects.filter(plan=plan, quarter=3).update(
        report_date=datetime.date(2022, 8, 15)
    )
    report = quarterly_report(plan, 3)
    total = report.tables()[0].rows[-1].cells
    subs = SubActivity.objects.filter(activity__area__plan=plan)
    july = sum(1 for s in subs if 7 in s.months)
    done_july = Realisation.objects.filter(
        plan=plan, period__period=7, status=Realisation.Status.DONE
    ).count()
    assert int(total[3]) == july
    assert total[9] == number_id(Decimal(done_july * 100) / july)
    assert "Tanggal: 15 Agustus 2022" in [p.text for p in report.cover]


def test_pdf_reads_like_the_official_report(plan):
    pages = pdf_pages(render_pdf(quarterly_report(plan, 3)))
    assert all((w, h) == (210, 297) for w, h, _text in pages)
    text = " ".join(" ".join(t for _w, _h, t in pages).split())
    first = pages[0][2]
    assert "KOMISI PEMILIHAN UMUM" in first and "KABUPATEN BENGKAYANG" in first
    assert "LAPORAN MONITORING DAN EVALUASI" in first
    assert "RENCANA AKSI REFORMASI BIROKRASI" in first
    assert "1 Oktober 2022" in first
    for heading in (
        "KATA PENGANTAR",
        "BAB I",
        "PENDAHULUAN",
        "A. Latar Belakang",
        "B. Dasar Hukum",
        "C. Maksud dan Tujuan",
        "BAB II",
        "HASIL MONITORING DAN EVALUASI",
        "A. Capaian per Area Perubahan",
        "Area 5. ",
        "C. Nilai Indikator terhadap Target",
        "BAB III",
        "A. Kendala",
        "D. Tindak Lanjut",
        "BAB IV",
        "PENUTUP",
    ):
        assert heading in text, heading
    # The legal basis is the decree's Mengingat list, then the decree itself.
    assert "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum" in text
    assert "Keputusan Komisi Pemilihan Umum Kabupaten Bengkayang Nomor 12 Tahun 2022" in text
    assert "11 April 2022" in text  # the decree's date
    assert "Jaringan internet kantor sering terputus." in text
    assert "Dua pegawai belum mengisi LHKASN." in text
    assert "Mendampingi pegawai mengisi LHKASN" in text
    assert "30 November 2022" in text
    assert "sedang dikerjakan" in text
    assert "Sudah ditutup" not in text  # closed in TW II: not shown in TW III
    last = " ".join(pages[-1][2].split())
    assert "Bengkayang, 1 Oktober 2022" in last
    assert "Musa Jairani" in last
    assert "Juli sampai dengan September 2022" in text


def test_docx_and_xlsx_carry_the_same_content(plan):
    report = quarterly_report(plan, 3)
    text = docx_text(render_docx(report))
    for needle in (
        "KOMISI PEMILIHAN UMUM",
        "TRIWULAN III TAHUN 2022",
        "Tanggal: 1 Oktober 2022",
        "BAB II",
        "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum",
        "Mendampingi pegawai mengisi LHKASN",
        "Musa Jairani",
        "Bengkayang, 1 Oktober 2022",
    ):
        assert needle in text, needle
    from docx import Document

    document = Document(io.BytesIO(render_docx(report)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["KATA PENGANTAR", "BAB I", "PENDAHULUAN"]
    # Every grid's header row repeats on each page.
    grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(grids) == len(report.tables())
    assert all(g.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
        for g in grids)  # fmt: skip
    wb = workbook(render_xlsx(report))
    assert wb.sheetnames[:2] == ["Laporan", "Capaian per area"]
    assert "Tindak lanjut" in wb.sheetnames and "Area 5" in wb.sheetnames
    flat = [str(v) for row in sheet_rows(wb["Laporan"]) for v in row if v is not None]
    assert "TRIWULAN III TAHUN 2022" in flat
    assert "(tabel pada lembar “Capaian per area”)" in flat
    summary = sheet_rows(wb["Capaian per area"])
    assert summary[2][:3] == ["No", "Area Perubahan", "Terjadwal"]
    assert summary[-1][1] == "Jumlah"
    assert summary[-1][2] == report.tables()[0].rows[-1].cells[2]
    follow = [v for row in sheet_rows(wb["Tindak lanjut"]) for v in row]
    assert "Mendampingi pegawai mengisi LHKASN" in follow


def test_text_that_looks_like_markup_or_a_formula_stays_text(plan):
    report = QuarterReport.objects.get(plan=plan, quarter=3)
    report.obstacles = '<b>tebal</b> =SUM(A1) & "kutip"'
    report.save()
    content = quarterly_report(plan, 3)
    text = " ".join(" ".join(t for _w, _h, t in pdf_pages(render_pdf(content))).split())
    assert '<b>tebal</b> =SUM(A1) & "kutip"' in text
    wb = workbook(render_xlsx(content))
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value and "=SUM(A1)" in str(c.value)
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_defaults_without_a_written_report(plan):
    content = quarterly_report(plan, 2, today=datetime.date(2022, 5, 10))
    cover = [p.text for p in content.cover]
    assert "Tanggal: 10 Mei 2022" in cover  # the quarter still runs: today
    assert "Nomor: …" in cover
    texts = [b.text for b in content.blocks if hasattr(b, "text")]
    assert "Tidak ada kendala yang dicatat pada triwulan ini." in texts
    after = quarterly_report(plan, 2, today=datetime.date(2023, 1, 5))
    assert "Tanggal: 1 Juli 2022" in [p.text for p in after.cover]


def test_query_count_does_not_grow_with_the_plan(plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        quarterly_report(plan, 3)


def test_indonesian_numbers_and_names():
    assert number_id(Decimal("66.666")) == "66,67"
    assert number_id(Decimal("1234.5")) == "1.234,50"
    assert number_id(Decimal("100.00")) == "100"
    assert number_id(Decimal("-95.42")) == "-95,42"
    assert title_case("KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG") == (
        "Komisi Pemilihan Umum Kabupaten Bengkayang"
    )
    assert title_case("PENETAPAN KEGIATAN RENCANA AKSI DI LINGKUNGAN KPU") == (
        "Penetapan Kegiatan Rencana Aksi di Lingkungan KPU"
    )


def test_every_format_through_one_call(plan):
    report = quarterly_report(plan, 3)
    assert render(report, "xlsx")[:2] == b"PK"
    assert render(report, "docx")[:2] == b"PK"
    assert isinstance(report.tables()[0], Table)


# -- the command ----------------------------------------------------------------------------


def test_command_writes_the_report(plan, tmp_path):
    out = io.StringIO()
    target = tmp_path / "laporan.pdf"
    call_command(
        "monitoring_report", "--unit", "6107", "--year", "2022", "--quarter", "3",
        "--format", "pdf", "--output", str(target), stdout=out,
    )  # fmt: skip
    assert target.read_bytes()[:5] == b"%PDF-"
    assert "TW 3" in out.getvalue() and str(target) in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "9999"], "Satker dengan kode '9999' tidak ada."),
        (["--year", "2030"], "belum punya rencana aksi tahun 2030"),
        (["--year", "dua"], "Tahun 'dua' tidak sah"),
        (["--quarter", "5"], "Triwulan '5' tidak sah: tulis 1, 2, 3 atau 4."),
        (["--format", "odt"], "Format 'odt' tidak dikenal"),
        (["--paper", "letter"], "Ukuran kertas 'letter' tidak dikenal"),
        (["--output", "/tidak/ada/laporan.pdf"], "Folder /tidak/ada tidak ada"),
    ],
)
def test_command_errors_are_one_indonesian_line(plan, tmp_path, args, message):
    options = {
        "--unit": "6107",
        "--year": "2022",
        "--quarter": "3",
        "--format": "pdf",
        "--paper": "a4",
        "--output": str(tmp_path / "x.pdf"),
    }
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [item for pair in options.items() for item in pair]
    with pytest.raises(CommandError) as error:
        call_command("monitoring_report", *argv)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "x.pdf").exists()


def test_command_help_is_plain_words():
    from renaksi.reports.management.commands.monitoring_report import Command

    parser = Command().create_parser("manage.py", "monitoring_report")
    text = parser.format_help()
    for option in ("--unit", "--year", "--quarter", "--format", "--output", "--paper"):
        assert option in text
    assert "Laporan Monitoring dan Evaluasi" in text
