"""The report downloads: headers, audit entries, bad parameters, the recap's rows and its
constant query count, and the links on the plan page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.evaluation.models import Assessment
from renaksi.reports.recap import recap_workbook, state_text
from renaksi.submissions.models import Submission
from renaksi.units.models import Unit

from .permission_world import build_world
from .report_support import answered_assessment, find_row, sheet_rows, small_framework, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_quarterly_download_is_an_attachment_and_audited(client, world):
    client.force_login(world.users["unit_admin"])
    plan = world.plans["6107"]
    response = client.get(reverse("reports:quarterly", args=[plan.pk, 2, "docx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="laporan-monev-6107-2022-tw2.docx"'
    )
    assert response["Cache-Control"] == "private, no-store"
    entry = LogEntry.objects.get(action="report.downloaded")
    assert entry.plan == plan and entry.actor == world.users["unit_admin"]
    assert entry.data == {"report": "monev", "quarter": 2, "format": "docx", "paper": "a4"}


def test_bad_parameters(client, world):
    client.force_login(world.users["unit_admin"])
    plan = world.plans["6107"]
    assert client.get(reverse("reports:quarterly", args=[plan.pk, 5, "pdf"])).status_code == 404
    assert client.get(reverse("reports:quarterly", args=[plan.pk, 1, "odt"])).status_code == 404
    url = reverse("reports:quarterly", args=[plan.pk, 1, "pdf"])
    assert client.get(url + "?kertas=letter").status_code == 400
    assert client.get(reverse("reports:portal", args=[plan.pk]) + "?varian=x").status_code == 400
    # No LKE yet for the plan: a 404, not a 500.
    assert client.get(reverse("reports:plan_lke", args=[plan.pk])).status_code == 404
    regency = world.units["6107"]
    assert client.get(reverse("reports:recap", args=[regency.pk, 2022])).status_code == 404
    assert not LogEntry.objects.filter(action="report.downloaded").exists()


def test_f4_pdf_and_portal_names(client, world):
    client.force_login(world.users["steering"])
    plan = world.plans["6107"]
    response = client.get(reverse("reports:portal", args=[plan.pk]) + "?varian=realisasi")
    assert response["Content-Disposition"].endswith('portal-rb-general-6107-2022-realisasi.xlsx"')
    rows = sheet_rows(workbook(response.content).active)
    assert rows[0][11] == "realisasi_tw1"


def test_plan_lke_picks_the_plans_assessment(client, world):
    plan = world.plans["6107"]
    answered_assessment(plan.unit, plan)
    client.force_login(world.users["province_reviewer"])
    response = client.get(reverse("reports:plan_lke", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('lke-zi-test-6107-2022.xlsx"')
    assert workbook(response.content).sheetnames == ["LKE", "Indeks Bukti"]
    assert (
        client.get(reverse("reports:plan_lke", args=[plan.pk]) + "?kerangka=tidak-ada").status_code
        == 404
    )


def test_recap_of_a_province_lists_its_regencies(client, world):
    framework = small_framework()
    bengkayang = world.units["6107"]
    assessment = answered_assessment(bengkayang, world.plans["6107"], framework)
    Assessment.objects.filter(pk=assessment.pk).update(
        index_value=Decimal("2.2667"),
        category="D",
        node_scores={"A": "34/15", "A.I": "34/15"},  # as refresh_totals writes them
        item_count=4,
        answered_count=4,
        without_evidence_count=4,
    )
    Submission.objects.create(
        unit=bengkayang,
        year=2022,
        quarter=1,
        plan=world.plans["6107"],
        state=Submission.State.ACCEPTED,
        at_unit=world.units["00"],
    )
    Submission.objects.create(
        unit=bengkayang,
        year=2022,
        quarter=2,
        plan=world.plans["6107"],
        state=Submission.State.SUBMITTED,
        at_unit=world.units["61"],
        late=True,
    )
    client.force_login(world.users["province_reviewer"])
    response = client.get(reverse("reports:recap", args=[world.units["61"].pk, 2022]))
    assert response.status_code == 200
    rows = sheet_rows(workbook(response.content)["Rekap"])
    header = find_row(rows, ("No", "Kode"))
    assert header[2] == "Satuan kerja"
    assert "A.I Manajemen Perubahan" in header
    codes = [row[1] for row in rows if row and row[0] in (1, 2, 3)]
    assert codes == ["6101", "6107"]  # the regencies, not the province nor Kalteng's
    row = find_row(rows, (2, "6107"))
    assert row[4] == "diterima"
    assert row[6] == "menunggu di KPU Provinsi Kalimantan Barat, terlambat"
    assert row[8] == "belum dikirim, terlambat"  # TW III of 2022 is long past its due date
    lke = header.index("Indeks LKE")
    assert row[lke] == pytest.approx(2.2667)
    assert row[lke + 1] == "D"
    assert row[header.index("A.I Manajemen Perubahan")] == pytest.approx(2.27)
    assert row[header.index("LKE lengkap")] == "tidak"
    sambas = find_row(rows, (1, "6101"))
    assert sambas[lke + 1] == "belum ada LKE"
    flat = [v for r in rows for v in r if isinstance(v, str)]
    assert "LKE belum lengkap: 2 dari 2 (100%)" in flat
    assert "LKE dengan jawaban tanpa bukti dukung: 1 dari 2 (50%)" in flat


def test_recap_lists_only_units_the_reader_sees(client, world):
    client.force_login(world.users["national_admin"])  # reads KPU RI itself only
    response = client.get(reverse("reports:recap", args=[world.units["00"].pk, 2022]))
    rows = sheet_rows(workbook(response.content)["Rekap"])
    assert not [row for row in rows if row and row[1] in ("61", "6107", "62")]
    client.force_login(world.users["national_viewer"])
    rows = sheet_rows(
        workbook(client.get(reverse("reports:recap", args=[world.units["00"].pk, 2022])).content)[
            "Rekap"
        ]
    )
    codes = [row[1] for row in rows if row and isinstance(row[0], int)]
    assert codes == ["61", "6101", "6107", "62", "6201"]


def test_recap_query_count_is_the_same_for_few_and_many_units(world, django_assert_num_queries):
    root = world.units["61"]
    few = list(Unit.objects.filter(parent=root))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        recap_workbook(root, 2022, few)
    from renaksi.plans.models import ActionPlan

    for n in range(20):
        unit = Unit.objects.create(
            code=f"61{50 + n}", name=f"KPU Kabupaten Uji {n}", level="kabupaten_kota", parent=root
        )
        ActionPlan.objects.create(unit=unit, year=2022)
    many = list(Unit.objects.filter(parent=root))
    with CaptureQueriesContext(connection) as large:
        recap_workbook(root, 2022, many)
    assert len(large) == len(small)


def test_state_texts():
    due = datetime.date(2022, 4, 15)
    assert state_text(None, due, datetime.date(2022, 4, 1)) == "belum dikirim"
    assert state_text(None, due, datetime.date(2022, 4, 16)) == "belum dikirim, terlambat"


def test_plan_page_links_the_reports(client, world):
    client.force_login(world.users["unit_admin"])
    plan = world.plans["6107"]
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("reports:quarterly", args=[plan.pk, 3, "pdf"]) in html
    assert reverse("reports:portal", args=[plan.pk]) in html
    assert reverse("reports:plan_lke", args=[plan.pk]) in html


def test_the_quarterly_report_is_indonesian_for_an_english_reader(client, world):
    client.force_login(world.users["unit_admin"])
    plan = world.plans["6107"]
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("reports:quarterly", args=[plan.pk, 1, "docx"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    from .report_support import docx_text

    text = docx_text(response.content)
    assert "KATA PENGANTAR" in text and "PENDAHULUAN" in text
