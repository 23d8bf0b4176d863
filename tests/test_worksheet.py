"""The offline worksheet (renaksi/evaluation/worksheet.py): the JSON and XLSX templates and
reading a filled XLSX back, with every problem named by row and cell."""

import io
import json
import shutil
import subprocess
from fractions import Fraction

import pytest
from openpyxl import Workbook, load_workbook

from renaksi.evaluation import worksheet
from renaksi.evaluation.scoring import load_tree, parse_answers, score
from renaksi.evaluation.worksheet import (
    FIRST_ROW,
    HEADER_ROW,
    WorksheetError,
    build_xlsx,
    read_xlsx,
    template_json,
    weight_text,
)

from .scoring_support import save_framework, small_lke

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return save_framework(small_lke(), code="uji-2024")


def rows_by_code(sheet):
    return {
        sheet.cell(row, 1).value: row
        for row in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row, 1).value
    }


def open_sheet(data):
    workbook = load_workbook(io.BytesIO(data))
    return workbook, workbook["LKE"]


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fill(framework, cells: dict[str, dict[str, object]], *, data=None) -> bytes:
    """The blank worksheet with ``{item code: {column letter: value}}`` filled in."""
    workbook, sheet = open_sheet(data or build_xlsx(framework))
    rows = rows_by_code(sheet)
    for code, values in cells.items():
        for column, value in values.items():
            sheet[f"{column}{rows[code]}"] = value
    return saved(workbook)


def problems_of(data, framework):
    with pytest.raises(WorksheetError) as caught:
        read_xlsx(data, framework)
    return [p.message for p in caught.value.problems]


# -- weights as text ------------------------------------------------------------------------


def test_weight_text_is_exact():
    assert weight_text(Fraction(1, 2)) == "0.5"
    assert weight_text(Fraction(35, 2)) == "17.5"
    assert weight_text(Fraction(4)) == "4"
    assert weight_text(Fraction(1, 3)) == "1/3"
    assert weight_text(Fraction(67, 100)) == "0.67"
    assert weight_text(None) is None


# -- JSON -----------------------------------------------------------------------------------


def test_json_template_lists_every_item_with_its_place_weight_type_and_options(framework):
    data = template_json(framework)
    json.dumps(data)  # plain JSON
    assert data["framework"]["code"] == "uji-2024"
    codes = [item["code"] for item in data["items"]]
    assert codes == [n.code for n in small_lke().items]
    by = {item["code"]: item for item in data["items"]}
    ii_b = by["A.1.ii.b"]
    assert ii_b["parents"] == ["Pengungkit", "Manajemen Perubahan", "Uraian A.1.ii"]
    assert [p["weight"] for p in ii_b["path"]] == [None, "4", "1"]
    assert ii_b["answer_type"] == "abc"
    assert [(o["code"], o["value"]) for o in ii_b["options"]] == [
        ("a", "1"),
        ("b", "0.5"),
        ("c", "0"),
    ]
    iii_a = by["A.1.iii.a"]
    # B of A–D is 0.67 in a framework that rounds to two decimals (DOMAIN.md §8).
    assert [o["value"] for o in iii_a["options"]] == ["1", "0.67", "0.33", "0"]
    percent = by["A.2.i.a"]
    assert percent["formula"] == "ratio"
    assert [i["name"] for i in percent["count_inputs"]] == ["numerator", "denominator"]
    assert percent["count_inputs"][0]["label"] == "Jumlah pengaduan selesai"
    assert percent["example"] == {"numerator": 0, "denominator": 0}
    assert by["A.2.ii.a"]["formula"] == "decline"
    assert by["B.1.a"]["scale"] == {"from": 0, "to": 4}
    assert by["A.1.i.a"]["options"][0]["answer"] == "Ya"


def test_json_examples_are_answers_lke_score_reads(framework):
    data = template_json(framework)
    tree = load_tree(framework)
    answers = {item["code"]: item["example"] for item in data["items"]}
    result = score(tree, parse_answers(tree, answers))
    assert result.unanswered == []


# -- XLSX -----------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_a_header_and_the_tree_as_rows(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    assert workbook.sheetnames == ["LKE"]
    header = [sheet.cell(HEADER_ROW, c).value for c in range(1, 11)]
    assert header == [
        "Kode",
        "No",
        "Uraian",
        "Bobot",
        "Jawaban",
        "Jumlah (F)",
        "Jumlah (G)",
        "Penjelasan / bukti dukung",
        "Pilihan jawaban dan petunjuk",
        "Pemeriksa",
    ]
    codes = [sheet.cell(r, 1).value for r in range(FIRST_ROW, sheet.max_row + 1)]
    assert codes == [n.code for n in small_lke().walk()]
    rows = rows_by_code(sheet)
    assert sheet[f"C{rows['A.1']}"].value == "Area: Manajemen Perubahan"
    assert sheet[f"C{rows['A.1']}"].font.bold
    assert sheet[f"D{rows['A.1.iv']}"].value == 1.5
    assert "A = " not in (sheet[f"I{rows['A.1.i.a']}"].value or "")
    assert sheet[f"I{rows['A.1.iii.a']}"].value.splitlines()[1] == "B (0,67)"
    assert "Jumlah pengaduan selesai" in sheet[f"I{rows['A.2.i.a']}"].value


def test_xlsx_answer_column_has_drop_down_lists_and_count_columns_whole_numbers(framework):
    _, sheet = open_sheet(build_xlsx(framework))
    rows = rows_by_code(sheet)
    lists = {
        dv.formula1: str(dv.sqref)
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    assert set(lists) == {'"Ya,Tidak"', '"A,B,C"', '"A,B,C,D"', '"A,B,C,D,E"'}
    assert f"E{rows['A.1.iii.a']}" in lists['"A,B,C,D"'].split()
    assert f"E{rows['A.1.i.a']}" in lists['"Ya,Tidak"'].split()
    whole = [dv for dv in sheet.data_validations.dataValidation if dv.type == "whole"]
    assert f"F{rows['A.2.i.a']}" in str(whole[0].sqref).split()
    assert f"G{rows['A.2.ii.a']}" in str(whole[0].sqref).split()
    decimal = [dv for dv in sheet.data_validations.dataValidation if dv.type == "decimal"]
    assert {(dv.formula1, dv.formula2) for dv in decimal} == {("0", "4"), ("0", "100")}


def test_xlsx_locks_all_but_the_inputs_hides_the_check_and_is_set_for_printing(framework):
    _, sheet = open_sheet(build_xlsx(framework))
    rows = rows_by_code(sheet)
    assert sheet.protection.sheet
    assert sheet.column_dimensions["J"].hidden
    item, percent, heading = rows["A.1.ii.b"], rows["A.2.i.a"], rows["A.1.ii"]
    assert not sheet[f"E{item}"].protection.locked
    assert not sheet[f"H{item}"].protection.locked
    assert sheet[f"A{item}"].protection.locked
    assert sheet[f"F{item}"].protection.locked  # no counts on an option item
    assert not sheet[f"F{percent}"].protection.locked
    assert sheet[f"E{percent}"].protection.locked
    assert sheet[f"E{heading}"].protection.locked
    assert sheet.freeze_panes == f"E{FIRST_ROW}"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["C"].width == 60
    # Rows as high as their wrapped text: the options of an A–D item need more than one line.
    assert sheet.row_dimensions[rows["A.1.iii.a"]].height > sheet.row_dimensions[heading].height
    assert sheet["J2"].value == "uji-2024"


def test_formula_like_text_stays_text(framework):
    node = framework.nodes.get(code="A.1.ii.b")
    node.title = '=HYPERLINK("http://contoh")'
    node.save()
    _, sheet = open_sheet(build_xlsx(framework))
    cell = sheet[f"C{rows_by_code(sheet)['A.1.ii.b']}"]
    assert cell.data_type == "s"


# -- reading back ---------------------------------------------------------------------------


def test_blank_sheet_reads_as_nothing_answered(framework):
    filled = read_xlsx(build_xlsx(framework), framework)
    assert filled.answers == {}
    assert filled.empty == [n.code for n in small_lke().items]


def test_filled_sheet_reads_back_and_scores(framework):
    data = fill(
        framework,
        {
            "A.1.ii.a": {"E": "Ya", "H": "SK Tim ZI nomor 5/2024"},
            "A.1.ii.b": {"E": "c"},
            "A.1.ii.c": {"E": "A "},
            "A.1.iii.a": {"E": "B"},
            "A.2.i.a": {"F": 12, "G": 15.0},
            "A.2.ii.a": {"F": "10", "G": 4},
            "B.1.a": {"E": 3.2},
            "B.2.a": {"E": 80},
        },
    )
    filled = read_xlsx(data, framework)
    assert filled.answers == {
        "A.1.ii.a": "Ya",
        "A.1.ii.b": "c",
        "A.1.ii.c": "A",
        "A.1.iii.a": "B",
        "A.2.i.a": {"numerator": 12, "denominator": 15},
        "A.2.ii.a": {"previous": 10, "current": 4},
        "B.1.a": "3.2",
        "B.2.a": 80,
    }
    assert filled.justifications == {"A.1.ii.a": "SK Tim ZI nomor 5/2024"}
    assert filled.values["A.1.iii.a"] == Fraction(67, 100)
    tree = load_tree(framework)
    result = score(tree, parse_answers(tree, filled.answers))
    assert result.by_code["A.1.ii"].score == Fraction(2, 3)
    assert result.by_code["A.2.i"].score == Fraction(8, 5)
    assert result.by_code["B.1"].score == 14


def test_answer_outside_the_options_names_row_and_cell(framework):
    data = fill(framework, {"A.1.iii.a": {"E": "F"}})
    row = rows_by_code(open_sheet(data)[1])["A.1.iii.a"]
    assert problems_of(data, framework) == [
        f"Baris {row}, sel E{row}: jawaban “F” bukan salah satu pilihan (A, B, C, D)."
    ]


def test_every_problem_is_reported_at_once_and_nothing_is_read(framework):
    data = fill(
        framework,
        {
            "A.1.i.a": {"E": "mungkin"},
            "A.1.ii.b": {"E": 1},
            "A.2.i.a": {"F": 16, "G": 15},
            "A.2.ii.a": {"F": -1, "G": "2,5"},
            "B.1.a": {"E": 4.5},
            "B.2.a": {"E": "delapan puluh"},
            "A.1.iii.a": {"E": "A", "F": 3},
        },
    )
    rows = rows_by_code(open_sheet(data)[1])
    problems = problems_of(data, framework)
    r = rows
    assert problems == [
        f"Baris {r['A.1.i.a']}, sel E{r['A.1.i.a']}: jawaban “mungkin” bukan salah satu "
        "pilihan (ya, tidak).",
        f"Baris {r['A.1.ii.b']}, sel E{r['A.1.ii.b']}: jawaban “1” bukan salah satu pilihan "
        "(A, B, C).",
        f"Baris {r['A.1.iii.a']}, sel F{r['A.1.iii.a']}: butir ini dijawab di kolom E; kolom "
        "jumlah hanya untuk butir persentase.",
        f"Baris {r['A.2.i.a']}, sel F{r['A.2.i.a']}: pembilang (16) tidak boleh lebih besar "
        "dari penyebut (15).",
        f"Baris {r['A.2.ii.a']}, sel F{r['A.2.ii.a']}: jumlah tidak boleh negatif (-1).",
        f"Baris {r['A.2.ii.a']}, sel G{r['A.2.ii.a']}: jumlah harus bilangan bulat 0 atau "
        "lebih, bukan “2,5”.",
        f"Baris {r['B.1.a']}, sel E{r['B.1.a']}: nilai 4.5 di luar rentang 0–4.",
        f"Baris {r['B.2.a']}, sel E{r['B.2.a']}: “delapan puluh” bukan angka.",
    ]


def test_half_filled_counts_and_an_answer_in_the_wrong_column(framework):
    data = fill(framework, {"A.2.i.a": {"G": 15}, "A.2.ii.a": {"E": "50%"}})
    r = rows_by_code(open_sheet(data)[1])
    assert problems_of(data, framework) == [
        f"Baris {r['A.2.i.a']}, sel F{r['A.2.i.a']}: jumlah “Jumlah pengaduan selesai” belum "
        "diisi.",
        f"Baris {r['A.2.ii.a']}, sel E{r['A.2.ii.a']}: butir persentase diisi dengan jumlah "
        "di kolom F dan G, bukan di kolom Jawaban (“50%”).",
    ]


def test_zero_denominator_follows_the_framework(framework):
    filled = read_xlsx(fill(framework, {"A.2.i.a": {"F": 0, "G": 0}}), framework)
    assert filled.values["A.2.i.a"] == 1  # the framework's rule: full
    framework.zero_denominator = "unanswered"
    framework.save()
    filled = read_xlsx(fill(framework, {"A.2.i.a": {"F": 0, "G": 0}}), framework)
    assert filled.values["A.2.i.a"] is None


def _swap_rows(sheet, first, second):
    for column in range(1, 11):
        a, b = sheet.cell(first, column), sheet.cell(second, column)
        a.value, b.value = b.value, a.value


def test_moved_rows_are_detected(framework):
    workbook, sheet = open_sheet(fill(framework, {"A.1.ii.b": {"E": "A"}}))
    rows = rows_by_code(sheet)
    _swap_rows(sheet, rows["A.1.ii.b"], rows["A.1.ii.c"])
    problems = problems_of(saved(workbook), framework)
    b, c = rows["A.1.ii.b"], rows["A.1.ii.c"]
    assert problems == [
        f"Baris {b}, sel A{b}: kode “A.1.ii.c” seharusnya di baris {c}: baris dipindah, "
        "diurutkan atau kodenya diubah. Kembalikan urutannya atau unduh lembar kerja baru.",
        f"Baris {c}, sel A{c}: kode “A.1.ii.b” seharusnya di baris {b}: baris dipindah, "
        "diurutkan atau kodenya diubah. Kembalikan urutannya atau unduh lembar kerja baru.",
    ]


def test_sorted_sheet_is_detected(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    rows = list(range(FIRST_ROW, sheet.max_row + 1))
    contents = [[sheet.cell(r, c).value for c in range(1, 11)] for r in rows]
    contents.sort(key=lambda values: str(values[2]))  # sorted by Uraian
    for row, values in zip(rows, contents, strict=True):
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column).value = value
    problems = problems_of(saved(workbook), framework)
    assert len(problems) > 5
    assert all("seharusnya di baris" in p for p in problems)


def test_changed_code_is_detected(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    rows = rows_by_code(sheet)
    row = rows["A.1.ii.b"]
    sheet[f"A{row}"] = "A.1.ii.z"
    problems = problems_of(saved(workbook), framework)
    assert problems == [
        f"Baris {row}, sel A{row}: kode “A.1.ii.z” tidak ada di kerangka uji-2024 (kode "
        "diubah?); kembalikan kode aslinya.",
        f"Butir A.1.ii.b (baris {row}) tidak ada di lembar kerja: baris dihapus atau kodenya "
        "diubah.",
    ]


def test_code_changed_to_another_existing_code_is_detected(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    rows = rows_by_code(sheet)
    sheet[f"A{rows['A.1.ii.b']}"] = "A.1.ii.c"
    problems = problems_of(saved(workbook), framework)
    assert any(p.startswith(f"Baris {rows['A.1.ii.b']}, sel A") for p in problems)
    assert any("sudah ada di baris" in p or "seharusnya di baris" in p for p in problems)


def test_edited_check_is_detected(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    row = rows_by_code(sheet)["A.1.ii.b"]
    sheet[f"J{row}"] = "000000000000"
    assert problems_of(saved(workbook), framework) == [
        f"Baris {row}, sel J{row}: tanda pemeriksa baris butir “A.1.ii.b” tidak cocok (baris "
        "disalin dari lembar kerja lain atau kodenya diubah)."
    ]


def test_deleted_row_is_detected(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    row = rows_by_code(sheet)["B.2.a"]  # the last row: nothing below moves
    sheet.delete_rows(row)
    assert problems_of(saved(workbook), framework) == [
        f"Butir B.2.a (baris {row}) tidak ada di lembar kerja: baris dihapus atau kodenya diubah."
    ]


def test_inserted_row_is_detected(framework):
    workbook, sheet = open_sheet(build_xlsx(framework))
    row = rows_by_code(sheet)["A.1.ii.b"]
    sheet.insert_rows(row)
    sheet[f"E{row}"] = "A"
    problems = problems_of(saved(workbook), framework)
    assert problems[0] == (
        f"Baris {row}, sel A{row}: baris tanpa kode butir diisi; baris tambahan tidak dapat "
        "diimpor (isi jawaban di baris butirnya)."
    )
    assert (
        f"Baris {row + 1}, sel A{row + 1}: kode “A.1.ii.b” seharusnya di baris {row}"
        in (problems[1])
    )


def test_worksheet_of_another_framework_is_refused(framework):
    other = save_framework(small_lke(), code="lain-2024")
    assert problems_of(build_xlsx(other), framework) == [
        "Lembar kerja ini untuk kerangka “lain-2024”, bukan “uji-2024”: unduh lembar kerja "
        "kerangka uji-2024."
    ]


def test_other_files_are_refused(framework):
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    assert problems_of(saved(workbook), framework)[0].startswith(
        "Lembar “LKE” tidak ada di berkas ini"
    )
    workbook.active.title = "LKE"
    assert problems_of(saved(workbook), framework)[0].startswith(
        "Berkas ini bukan lembar kerja LKE dari Renaksi"
    )
    for data in (b"", b"%PDF-1.4 bukan excel", b"PK\x03\x04rusak"):
        assert problems_of(data, framework)[0].startswith(
            "Berkas ini bukan lembar kerja Excel (XLSX)"
        )


def test_too_many_problems_are_counted(framework, monkeypatch):
    monkeypatch.setattr(worksheet, "MAX_PROBLEMS", 2)
    data = fill(framework, {code: {"E": "Z"} for code in ("A.1.i.a", "A.1.i.b", "A.1.ii.a")})
    with pytest.raises(WorksheetError) as caught:
        read_xlsx(data, framework)
    assert len(caught.value.problems) == 3
    assert caught.value.messages[-1] == "… dan 1 masalah lain."


def test_worksheet_of_an_assessment_carries_its_answers(framework):
    from renaksi.evaluation.models import Answer, Assessment
    from renaksi.units.models import Unit

    unit = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    assessment = Assessment.objects.create(unit=unit, year=2024, framework=framework)
    items = {n.code: n for n in framework.nodes.all()}
    Answer.objects.create(
        assessment=assessment, item=items["A.1.ii.b"], option="b", justification="Notulen"
    )
    Answer.objects.create(
        assessment=assessment, item=items["A.2.i.a"], counts={"numerator": 3, "denominator": 4}
    )
    Answer.objects.create(assessment=assessment, item=items["B.1.a"], number="3.2500")
    Answer.objects.create(
        assessment=assessment, item=items["A.1.i.a"], option="ya", tier="province"
    )
    data = build_xlsx(framework, assessment=assessment)
    _, sheet = open_sheet(data)
    rows = rows_by_code(sheet)
    assert "KPU Republik Indonesia (00)" in sheet["A3"].value
    assert sheet[f"E{rows['A.1.ii.b']}"].value == "B"
    assert sheet[f"H{rows['A.1.ii.b']}"].value == "Notulen"
    assert (sheet[f"F{rows['A.2.i.a']}"].value, sheet[f"G{rows['A.2.i.a']}"].value) == (3, 4)
    assert sheet[f"E{rows['B.1.a']}"].value == 3.25
    assert sheet[f"E{rows['A.1.i.a']}"].value is None  # another tier's answer stays out
    filled = read_xlsx(data, framework)
    assert filled.answers == {
        "A.1.ii.b": "B",
        "A.2.i.a": {"numerator": 3, "denominator": 4},
        "B.1.a": "3.25",
    }


def test_a_sheet_saved_again_by_libreoffice_reads_back(framework, tmp_path):
    """The offline path: the sheet is opened and saved by a spreadsheet program, then read.
    bin/test installs LibreOffice Calc (bin/_common.sh missing_test_packages)."""
    assert shutil.which("soffice"), "LibreOffice (soffice) is missing: run bin/test as root"
    data = fill(
        framework, {"A.1.ii.a": {"E": "Ya"}, "A.2.i.a": {"F": 3, "G": 4}, "B.1.a": {"E": 3.2}}
    )
    source = tmp_path / "isi.xlsx"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "keluar"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    filled = read_xlsx((tmp_path / "keluar" / "isi.xlsx").read_bytes(), framework)
    assert filled.answers == {
        "A.1.ii.a": "Ya",
        "A.2.i.a": {"numerator": 3, "denominator": 4},
        "B.1.a": "3.2",
    }
