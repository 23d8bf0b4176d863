"""The XLSX reports read back: the LKE worksheet with scores and evidence index, the Portal RB
"RB General" template of a plan (header exact, targets digits and "."), the recap."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from renaksi.evaluation.models import Answer, Tier
from renaksi.plans.models import Indicator, SubActivity
from renaksi.reports import lke, portal
from renaksi.reports.lke import folder_code, lke_workbook
from renaksi.reports.portal import HEADER, budget_digits, number_text, portal_workbook
from renaksi.work.models import Realisation

from .evidence_support import add_evidence, realisation_of
from .export_support import bengkayang_plan
from .import_support import make_units
from .report_support import (
    answered_assessment,
    as_decimal,
    find_row,
    sheet_rows,
    small_framework,
    workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_units()


@pytest.fixture
def user():
    return User.objects.create_user("sekretariat", "s@example.test", "x")


# -- LKE worksheet --------------------------------------------------------------------------


def test_lke_worksheet_scores_every_node_by_hand(unit):
    assessment = answered_assessment(unit)
    wb = workbook(lke_workbook(assessment))
    assert wb.sheetnames == ["LKE", "Indeks Bukti"]
    rows = sheet_rows(wb["LKE"])
    # Self: sub-component i = 1 × (1 + 0 + 1) / 3 = 0.67; ii = 2 × 12/15 = 1.60; total 2.27.
    summary = find_row(rows, ("Penilaian mandiri",))
    assert as_decimal(summary[3]) == Decimal("2.27")
    assert summary[4] == "D Sangat kurang"
    assert summary[7] == "4 dari 4"
    province = find_row(rows, ("KPU Provinsi",))
    # Province: i = (0 + 0 + 1) / 3 = 0.33; ii not scored by it: the unit's 1.60; total 1.93.
    assert as_decimal(province[3]) == Decimal("1.93")
    assert province[7] == "3 dari 4"
    sub = find_row(rows, ("i", "A.I.i"))
    assert sub[2] == "Penyusunan Tim Kerja"
    assert as_decimal(sub[4]) == Decimal("1.00")  # weight
    assert as_decimal(sub[7]) == Decimal("0.67")  # score
    assert as_decimal(sub[8]) == Decimal("1.00")  # maximum
    assert as_decimal(sub[9]) == Decimal("66.67")  # percent
    assert as_decimal(sub[13]) == Decimal("0.33")  # province's score
    sub2 = find_row(rows, ("ii", "A.I.ii"))
    assert as_decimal(sub2[13]) == Decimal("1.60")  # not scored by the province: the unit's
    area = find_row(rows, ("I", "A.I"))
    assert as_decimal(area[7]) == Decimal("2.27")
    assert as_decimal(area[9]) == Decimal("75.56")
    item = find_row(rows, ("a", "A.I.i.a"))
    assert item[5] == "Ya"
    assert as_decimal(item[6]) == Decimal("1.00")
    assert item[10] == "SK Tim ZI Nomor 5 tanggal 2 Januari 2022"
    assert item[12] == "Tidak"  # the province's answer
    percent = find_row(rows, ("a", "A.I.ii.a"))
    assert percent[5] == "12 / 15"
    assert as_decimal(percent[6]) == Decimal("0.80")
    header = find_row(rows, ("No", "Kode"))
    assert header[12:] == ["Jawaban KPU Provinsi", "Nilai KPU Provinsi"]


def test_lke_worksheet_writes_formula_looking_titles_as_text(unit, tmp_path):
    assessment = answered_assessment(unit)
    data = lke_workbook(assessment)
    ws = workbook(data)["LKE"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=SUM(A1) rapat tim"]
    assert cells and all(c.data_type == "s" for c in cells)
    path = tmp_path / "lke.xlsx"
    path.write_bytes(data)
    import zipfile

    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_evidence_index_codes_and_links(user, settings):
    settings.SITE_URL = "https://renaksi.example.go.id"
    plan = bengkayang_plan()
    assessment = answered_assessment(plan.unit, plan)
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    evidence = add_evidence(sub, 1, user, title="SK TIM ZONA INTEGRITAS")
    answer = Answer.objects.get(assessment=assessment, item__code="A.I.i.a", tier=Tier.SELF)
    answer.evidence.add(evidence)
    rows = sheet_rows(workbook(lke_workbook(assessment))["Indeks Bukti"])
    row = find_row(rows, ("1.i.a",))
    assert row[1] == "A.I.i.a"
    assert row[3] == f"AREA I\\i. Penyusunan Tim Kerja\\1.i.a {evidence.original_name}"
    assert row[4] == "SK TIM ZONA INTEGRITAS"
    assert row[6] == f"https://renaksi.example.go.id/bukti/{evidence.pk}/unduh/"
    missing = find_row(rows, ("1.ii.a",))
    assert missing[4] == "(belum ada bukti dukung)"


def test_folder_code_of_roman_areas():
    framework_tree = lke.roman_to_int
    assert framework_tree("IV") == 4
    assert framework_tree("ix") == 9
    assert framework_tree("a") is None
    assert [lke.int_to_roman(n) for n in (1, 4, 6, 9, 14)] == ["I", "IV", "VI", "IX", "XIV"]


def test_lke_worksheet_query_count_does_not_grow_with_the_framework(
    unit, django_assert_max_num_queries
):
    assessment = answered_assessment(unit)
    with django_assert_max_num_queries(8):
        lke_workbook(assessment)
    small = small_framework("zi-big")
    parent = small.nodes.get(code="A.I.i")
    for n in range(30):
        small.nodes.create(
            parent=parent,
            kind="item",
            code=f"A.I.i.x{n}",
            label=f"x{n}",
            title=f"Butir {n}",
            sequence=200 + n,
            depth=3,
            answer_type="yes_no",
        )
    big = answered_assessment(make_units_other(), framework=small)
    with django_assert_max_num_queries(8):
        lke_workbook(big)


def make_units_other():
    from renaksi.units.models import Unit

    return Unit.objects.create(
        code="6101",
        name="KPU Kabupaten Sambas",
        level="kabupaten_kota",
        parent_id=Unit.objects.get(code="61").pk,
    )


def test_folder_code_without_area_level(unit):
    assessment = answered_assessment(unit)
    tree = lke.load_tree(assessment.framework)
    assert folder_code(tree.by_code["A.I.ii.a"]) == "1.ii.a"


# -- Portal RB ------------------------------------------------------------------------------


def test_portal_header_is_exact_and_instruction_rows_follow():
    plan = bengkayang_plan()
    ws = workbook(portal_workbook(plan))["RB General"]
    rows = sheet_rows(ws)
    assert rows[0] == [
        "rencana_aksi",
        "satuan_output",
        "indikator_output",
        "target_tw1",
        "target_tw2",
        "target_tw3",
        "target_tw4",
        "target_total",
        "anggaran_total",
        "pelaksana",
        "koordinator",
    ]
    assert rows[0] == HEADER
    assert rows[1][0].startswith("Petunjuk")
    assert rows[2][0].startswith("Baris dengan teks rencana_aksi yang sama")
    data = rows[3:]
    indicators = Indicator.objects.filter(sub_activity__activity__area__plan=plan).count()
    bare = SubActivity.objects.filter(activity__area__plan=plan, indicators__isnull=True).count()
    assert len(data) == indicators + bare  # a sub-activity without indicators: one row
    for row in data:
        for value in row[3:9]:
            assert isinstance(value, str) and value
            assert all(ch.isdigit() or ch == "." for ch in value), row
            assert value.count(".") <= 1
        assert row[0]


def test_portal_rows_of_one_sub_activity_share_its_text_and_targets_follow_the_schedule():
    plan = bengkayang_plan()
    subs = list(SubActivity.objects.filter(activity__area__plan=plan).order_by("pk"))
    many = next(s for s in subs if s.indicators.count() > 1)
    rows = portal.portal_rows(plan)
    names = {r[0] for r in rows if r[2] in {i.text for i in many.indicators.all()}}
    assert len(names) == 1
    expected = [0, 0, 0, 0]
    for month in many.months:
        expected[(month - 1) // 3] += 1
    row = next(r for r in rows if r[0] in names)
    if many.indicators.first().target_value is None:
        assert row[3:7] == [str(n) for n in expected]
        assert row[7] == str(sum(expected))


def test_portal_names_two_sub_activities_with_one_name_apart():
    plan = bengkayang_plan()
    subs = list(SubActivity.objects.filter(activity__area__plan=plan).order_by("pk")[:2])
    for sub in subs:
        sub.name = "Sosialisasi"
        sub.save()
    rows = portal.portal_rows(plan)
    names = sorted({r[0] for r in rows if r[0].startswith("Sosialisasi (")})
    assert len(names) == 2
    first, second = (f"{s.activity.area.number}.{s.activity.number}.{s.number}" for s in subs)
    assert names == sorted([f"Sosialisasi ({first})", f"Sosialisasi ({second})"])


def test_portal_formula_looking_text_stays_text():
    plan = bengkayang_plan()
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    sub.name = '=HYPERLINK("http://x")'
    sub.save()
    ws = workbook(portal_workbook(plan))["RB General"]
    cell = ws["A4"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_portal_numbers_and_budget_digits():
    assert number_text(Decimal("100.00")) == "100"
    assert number_text(Decimal("0.50")) == "0.5"
    assert number_text(Decimal("1E+2")) == "100"
    assert budget_digits("Rp 5.000.000,-") == "5000000"
    assert budget_digits("Rp. 12.500.000,00") == "12500000"
    assert budget_digits("DIPA") == "0"
    assert budget_digits("") == "0"


def test_portal_targets_of_levels_and_counts():
    plan = bengkayang_plan()
    sub = SubActivity(name="x", schedule=0)
    sub.months = [3, 6, 9]
    level = Indicator(text="x", kind=Indicator.Kind.PERSENTASE, target_value=Decimal("100"))
    assert portal.targets(plan, sub, level) == ([Decimal(100)] * 3 + [Decimal(0)], Decimal(100))
    count = Indicator(text="x", kind=Indicator.Kind.JUMLAH, target_value=Decimal("10"))
    quarters, total = portal.targets(plan, sub, count)
    assert sum(quarters) == Decimal(10) and total == Decimal(10)
    assert quarters == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34"), Decimal(0)]
    document = Indicator(text="x")
    assert portal.targets(plan, sub, document) == ([1, 1, 1, 0], 3)


def test_portal_realisation_variant_counts_only_verified(user):
    plan = bengkayang_plan()
    # A sub-activity with two months in one quarter: one verified, one done but not verified.
    sub = next(
        s
        for s in SubActivity.objects.filter(activity__area__plan=plan).order_by("pk")
        if len(s.months) > 1 and (s.months[0] - 1) // 3 == (s.months[1] - 1) // 3
    )
    months = sub.months
    verified = realisation_of(sub, months[0], user)
    verified.status = Realisation.Status.DONE
    verified.state = Realisation.State.VERIFIED
    verified.save()
    draft = realisation_of(sub, months[1], user)
    draft.status = Realisation.Status.DONE
    draft.state = Realisation.State.SUBMITTED
    draft.save()
    indicator = sub.indicators.order_by("position").first()
    indicator.kind = ""
    indicator.target_value = None
    indicator.save()
    ws = workbook(portal_workbook(plan, realisation=True))["RB General"]
    rows = sheet_rows(ws)
    assert rows[0][:11] == HEADER
    assert rows[0][11:16] == [
        "realisasi_tw1",
        "realisasi_tw2",
        "realisasi_tw3",
        "realisasi_tw4",
        "realisasi_total",
    ]
    row = next(r for r in rows[3:] if r[2] == indicator.text)
    quarter = (months[0] - 1) // 3
    assert row[11 + quarter] == "1"
    assert row[15] == "1"
    assert row[-1].startswith("TW")


def test_folder_path_of_an_arabic_area_is_roman(unit):
    framework = small_framework()
    framework.nodes.filter(code="A.I").update(label="1")
    tree = lke.load_tree(framework)
    node = tree.by_code["A.I.i.a"]
    assert folder_code(node) == "1.i.a"
    assert (
        lke.folder_path(node, "SK TIM.pdf") == "AREA I\\i. Penyusunan Tim Kerja\\1.i.a SK TIM.pdf"
    )


def test_a_reviewers_note_without_a_score_does_not_hide_the_units_answer(unit):
    assessment = answered_assessment(unit)
    item = assessment.framework.nodes.get(code="A.I.ii.a")
    Answer.objects.create(
        assessment=assessment, item=item, tier=Tier.PROVINCE, justification="Cek ulang data"
    )
    rows = sheet_rows(workbook(lke_workbook(assessment))["LKE"])
    province = find_row(rows, ("KPU Provinsi",))
    assert as_decimal(province[3]) == Decimal("1.93")
    assert province[7] == "3 dari 4"
