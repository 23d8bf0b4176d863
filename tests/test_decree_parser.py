"""The decree parser and validator against the shared Bengkayang decree (no database)."""

import ast
import datetime
from pathlib import Path

import pytest

from renaksi.lib.decree.model import DecreeError
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.text import split_numbered_list

from .decree_samples import bengkayang_bytes, decree_text, full_plan_rows, row

ALL_YEAR = list(range(1, 13))


@pytest.fixture(scope="module")
def decree():
    return parse_decree(bengkayang_bytes())


def area(decree, number):
    return next(a for a in decree.areas if a.number == number)


def sub(decree, area_number, activity_number, sub_number):
    activity = next(a for a in area(decree, area_number).activities if a.number == activity_number)
    return next(s for s in activity.sub_activities if s.number == sub_number)


def kinds(decree):
    return {f.kind for f in decree.findings}


# -- header and body ---------------------------------------------------------------------


def test_header_fields(decree):
    h = decree.header
    assert h.number == "12"
    assert h.year == 2022
    assert h.unit_name == "KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG"
    assert h.subject.startswith("PENETAPAN KEGIATAN RENCANA AKSI REFORMASI BIROKRASI")
    assert h.subject.endswith("KABUPATEN BENGKAYANG TAHUN 2022")
    assert h.title.startswith("KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG NOMOR 12")
    assert h.place == "Bengkayang"
    assert h.date == datetime.date(2022, 4, 11)
    assert h.signer_name == "MUSA JAIRANI"
    assert h.signer_title == "KETUA KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG"
    assert h.certifier_name == "Eka Budiawan"
    assert "Kepala Sub Bagian Hukum dan SDM" in h.certifier_title
    assert h.budget_reference == "SP DIPA-076.01.2.658440/2022 tanggal 17 November 2021"


def test_body_lists(decree):
    h = decree.header
    assert [i.label for i in h.considerations] == ["a", "b", "c"]
    assert [i.label for i in h.legal_bases] == [str(n) for n in range(1, 9)]
    # Item 6 continues after a page break (lines 28-30) and is joined, not split.
    assert h.legal_bases[5].text.endswith(
        "(Berita Negara Republik Indonesia Tahun 2020 Nomor 1236);"
    )
    assert h.legal_bases[5].line == 28
    assert [i.label for i in h.notes_considered] == ["1", "2"]
    assert [d.label for d in h.dictums] == ["KESATU", "KEDUA", "KETIGA", "KEEMPAT"]
    # KEDUA's own numbered list stays inside the dictum.
    assert "4. Peningkatan kualitas pelayanan" in h.dictums[1].text
    assert "*" not in h.legal_bases[2].text  # markdown emphasis around *Road Map* is removed


# -- the plan tree -----------------------------------------------------------------------


def test_counts(decree):
    assert decree.counts() == {
        "areas": 8,
        "activities": 27,
        "sub_activities": 73,
        "indicators": 147,
    }


def test_counts_per_area(decree):
    activities = [len(a.activities) for a in decree.areas]
    subs = [sum(len(x.sub_activities) for x in a.activities) for a in decree.areas]
    indicators = [
        sum(len(s.indicators) for x in a.activities for s in x.sub_activities) for a in decree.areas
    ]
    assert [a.number for a in decree.areas] == list(range(1, 9))
    assert activities == [3, 5, 2, 4, 2, 2, 4, 5]
    assert subs == [11, 6, 4, 15, 8, 10, 11, 8]
    assert indicators == [20, 6, 4, 38, 18, 17, 14, 30]


def test_area_names_as_written(decree):
    assert area(decree, 2).name == "Penguatan Peraturan Perundang-undangan/Deregulasi Kebijakan"
    assert area(decree, 6).name == "Penguatan Akuntabilitas Kinerja"


def test_months_in_the_table_with_exactly_twelve_month_cells(decree):
    # Lines 102-113: the only page whose table has exactly 12 month cells.
    assert sorted(sub(decree, 1, 3, 1).months) == [3, 6, 9]
    assert sorted(sub(decree, 1, 3, 2).months) == [3, 6, 9]
    assert sorted(sub(decree, 1, 3, 3).months) == ALL_YEAR
    for activity in area(decree, 2).activities:
        for item in activity.sub_activities:
            assert sorted(item.months) == ALL_YEAR, item.name


def test_months_in_wider_tables_read_by_month_label(decree):
    assert sorted(sub(decree, 1, 1, 1).months) == [1]
    assert sorted(sub(decree, 1, 1, 2).months) == ALL_YEAR  # 16 marks in 16 cells
    assert sorted(sub(decree, 1, 1, 3).months) == [2, 5]
    assert sorted(sub(decree, 3, 1, 1).months) == [1, 7]
    assert sorted(sub(decree, 5, 1, 2).months) == [11]
    assert sorted(sub(decree, 6, 1, 6).months) == [12]  # a mark in the last, unlabelled cell
    assert sorted(sub(decree, 8, 2, 2).months) == [7, 12]


def test_activity_and_sub_numbers_as_printed(decree):
    assert [a.number for a in area(decree, 1).activities] == [1, 2, 3]
    assert [s.number for s in area(decree, 1).activities[1].sub_activities] == [1, 2, 3, 4, 5]
    assert sub(decree, 1, 2, 2).name.startswith("Sosialisasi nilai-nilai")  # printed "2."


def test_flattened_indicator_list_is_split(decree):
    item = sub(decree, 1, 2, 3)
    assert [i.label for i in item.indicators] == ["1", "2", "3", "4"]
    assert item.indicators[1].text == "Persentase (%) pelaporan LHKPN"
    # the lettered sub-list stays inside indicator 4
    assert item.indicators[3].text.endswith(
        "Deklarasi pencanangan Zona Integritas di lingkungan KPU Kab. Bengkayang"
    )
    # a numbered list nested in a sub-activity name is not split
    assert "4. Pembangunan zona integritas" in item.name


def test_rows_with_their_own_schedule_are_sub_activities(decree):
    # Area 4, activity 1, lines 122-125: each row has its own sub-activity text and its own
    # schedule, so each is a sub-activity (line 123's text differs from its indicator; lines
    # 124-125 repeat the text in the indicator cell, a copy collapsed with a finding).
    activity = area(decree, 4).activities[0]
    subs = activity.sub_activities
    assert [s.line for s in subs[:4]] == [122, 123, 124, 125]
    assert subs[1].name == "Tersedia peta proses bisnis yang sesuai dengan tugas dan fungsi"
    assert [i.text for i in subs[1].indicators] == [
        "Seluruh peta proses bisnis telah sesuai dengan tugas dan fungsi"
    ]
    assert [sorted(s.months) for s in subs[:4]] == [[1, 2, 3], [4, 5], [6, 7, 8, 9], [12]]
    assert [i.label for i in subs[0].indicators] == ["1"]
    # Lines 126-132 go on with sub-activities printed 2-5 (a numbering repeat, flagged): the
    # KEGIATAN column prints "2" alone at line 133, so "2 Evaluasi …" is not activity 2.
    assert [s.number for s in subs] == [1, 2, 3, 4, 2, 3, 4, 5]
    assert [a.number for a in area(decree, 4).activities] == [1, 2, 3, 4]
    sop = subs[6]
    assert sop.name == "Penyusunan SOP di lingkungan unit/satuan kerja"
    assert len(sop.indicators) == 4
    assert sorted(sop.months) == [1, 2, 3]  # realigned after the duplicated cells


def test_shifted_row_is_realigned(decree):
    # Line 174: the row's cells start two cells late; its single mark is February.
    activity = area(decree, 6).activities[1]
    assert activity.number == 2 and activity.name == "Pengelolaan Akuntabilitas Kinerja."
    assert sorted(activity.sub_activities[0].months) == [2]


def test_misplaced_indicators_follow_their_numbering(decree):
    ppid = area(decree, 4).activities[1].sub_activities[0]
    assert [i.label for i in ppid.indicators] == [str(n) for n in range(1, 8)]
    assert ppid.indicators[6].text == "Indeks kepuasan permohonan informasi."
    spbe = area(decree, 4).activities[2]
    assert spbe.number == 3
    assert [len(s.indicators) for s in spbe.sub_activities] == [6, 7, 5]
    # "d …" at the top of the next page continues the SPBE sub-activity's text.
    assert spbe.sub_activities[0].name.endswith("e-budgeting)")


def test_sub_activity_list_in_one_cell_is_split(decree):
    archives = area(decree, 4).activities[3]
    assert [s.name for s in archives.sub_activities] == [
        "Penerapan sistem arsip",
        "Kerjasama dengan Arsip Daerah",
        "Pembangunan JF Arsiparis di lingkungan unit/satuan kerja.",
    ]
    assert [len(s.indicators) for s in archives.sub_activities] == [1, 1, 2]
    assert all(sorted(s.months) == ALL_YEAR for s in archives.sub_activities)


def test_area_lost_at_page_break_is_inferred(decree):
    inferred = area(decree, 7)
    assert inferred.inferred is True
    assert inferred.name == "Penguatan Pengawasan"
    assert [a.number for a in inferred.activities] == [5, 6, 7, 8]
    assert inferred.activities[0].line == 182
    assert [a.number for a in area(decree, 6).activities] == [1, 2]


def test_text_continued_across_page_break(decree):
    first = sub(decree, 8, 1, 1)
    assert "11 Jumlah Pelaksana; 12 Jaminan Pelayanan" in first.name
    assert first.indicators[-1].text == "Penilaian Konerja"
    zone = sub(decree, 8, 3, 1)
    assert zone.name.endswith("10 Pelayanan terpadu satu pintu")


def test_markup_is_removed(decree):
    assert sub(decree, 1, 2, 5).name.startswith("Pembangunan Instrument reward dan punishment")
    assert all(
        "<" not in s.name for a in decree.areas for x in a.activities for s in x.sub_activities
    )


def test_no_mark_is_lost(decree):
    """Every √ in the Lampiran ends up in some sub-activity's schedule."""
    text = bengkayang_bytes().decode()
    rows_with_marks = {
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if "\t" in line and "√" in line
    }
    lines_with_months = set()
    for a in decree.areas:
        for x in a.activities:
            for s in x.sub_activities:
                if s.months:
                    lines_with_months.add(s.line)
                    lines_with_months.update(i.line for i in s.indicators)
    assert rows_with_marks <= lines_with_months | {
        f.line for f in decree.findings if f.kind in {"merged_months", "page_continuation"}
    }


# -- findings ------------------------------------------------------------------------------


def findings_at(decree, kind):
    return sorted({f.line for f in decree.findings if f.kind == kind})


def test_every_kind_of_finding_in_the_shared_decree(decree):
    assert findings_at(decree, "place_mismatch") == [211]
    assert findings_at(decree, "stale_year") == [93]
    assert findings_at(decree, "area_inferred") == [182]
    assert findings_at(decree, "numbering_gap") == [182]
    assert findings_at(decree, "wide_table") == [90, 115, 147, 159, 179, 195, 204]
    assert 125 in findings_at(decree, "month_overflow")
    assert 94 in findings_at(decree, "month_overflow")
    assert findings_at(decree, "row_shifted") == [127, 128, 129, 130, 133, 134, 135, 140, 174]
    assert findings_at(decree, "page_continuation") == [150, 198, 207]
    assert findings_at(decree, "list_split") == [153, 208]
    assert findings_at(decree, "empty_schedule") == [165, 185, 199]
    assert findings_at(decree, "missing_indicator") == [124, 125, 208]
    assert 126 in findings_at(decree, "numbering_repeat")
    assert 138 in findings_at(decree, "ambiguous_cell")
    assert 131 in findings_at(decree, "ambiguous_cell")
    assert 108 in findings_at(decree, "missing_number")
    place = next(f for f in decree.findings if f.kind == "place_mismatch")
    assert "Bengkulu" in place.message and "Bengkayang" in place.message


def test_findings_are_sorted_and_have_indonesian_messages(decree):
    lines = [f.line or 0 for f in decree.findings]
    assert lines == sorted(lines)
    assert all(f.severity in {"info", "warning", "error"} for f in decree.findings)
    assert not any(f.severity == "error" for f in decree.findings)


def test_synthetic_decree_parses_cleanly():
    decree = parse_decree(decree_text(full_plan_rows()).encode())
    assert decree.counts() == {"areas": 8, "activities": 8, "sub_activities": 8, "indicators": 8}
    assert sorted(decree.areas[2].activities[0].sub_activities[0].months) == [3, 4]
    assert {f.kind for f in decree.findings} == set()


@pytest.mark.parametrize(
    ("kwargs", "kind"),
    [
        ({"closing_place": "Bengkulu"}, "place_mismatch"),
        ({"closing_date": "3 Maret 2023"}, "date_mismatch"),
        ({"closing_signer": "ANI"}, "signer_mismatch"),
        ({"date": "2 Maret 2021"}, "year_mismatch"),
        ({"subject_year": 2022}, "year_mismatch"),
    ],
)
def test_header_inconsistencies(kwargs, kind):
    decree = parse_decree(decree_text(full_plan_rows(), **kwargs).encode())
    assert kind in kinds(decree)


def test_numbering_repeat_gap_and_missing_area():
    rows = (
        row("1", "Manajemen Perubahan", "1 Satu;", "1 A;", "X;", months=(1,))
        + row(activity="1 Satu lagi;", sub="1 B;", indicator="Y;", months=(2,))
        + row(activity="4 Empat;", sub="3 C;", indicator="Z;", months=(3,))
    )
    decree = parse_decree(decree_text(rows).encode())
    repeat_line = next(f.line for f in decree.findings if f.kind == "numbering_repeat")
    gap_lines = [f.line for f in decree.findings if f.kind == "numbering_gap"]
    assert repeat_line == gap_lines[0] - 1
    assert len(gap_lines) == 2  # activity 2-3 missing; sub 1-2 missing under activity 4
    assert sum(1 for f in decree.findings if f.kind == "area_missing") == 7


def test_repeated_area_number_is_an_error():
    rows = row("1", "Manajemen Perubahan", "1 Satu;", "1 A;", "X;", months=(1,)) + row(
        "1", "Manajemen Perubahan", "1 Dua;", "1 B;", "Y;", months=(1,)
    )
    decree = parse_decree(decree_text(rows).encode())
    repeat = [f for f in decree.findings if f.kind == "numbering_repeat"]
    assert repeat and repeat[0].severity == "error"


def test_missing_month_header_is_a_finding():
    text = decree_text(full_plan_rows()).replace("JAN\tFEB", "X\tY")
    decree = parse_decree(text.encode())
    assert "month_header" in kinds(decree)


def test_missing_signature_fields():
    text = decree_text(full_plan_rows()).replace("pada tanggal 2 Maret 2023\n", "", 1)
    decree = parse_decree(text.encode())
    assert any(f.kind == "missing_field" and "tanggal" in f.message for f in decree.findings)


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "kosong"),
        (b"   \n\t\n", "kosong"),
        (b"%PDF-1.7\x00\x01\x02binary", "PDF"),
        ("KEPUTUSAN caf\u00e9".encode("latin-1"), "UTF-8"),
        (b"Surat undangan rapat\nHari: Senin\n", "bukan keputusan"),
        (
            b"KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN X NOMOR 1 TAHUN 2023 TENTANG Y\n\n"
            b"tanpa lampiran\n",
            "Lampiran",
        ),
    ],
)
def test_bad_input_is_a_clean_error(data, message):
    with pytest.raises(DecreeError) as error:
        parse_decree(data)
    assert message.lower() in error.value.message.lower()


def test_wrong_encoding_names_the_line():
    data = b"baris satu\nbaris dua\nKEPUTUSAN \xe9\n"
    with pytest.raises(DecreeError) as error:
        parse_decree(data)
    assert error.value.line == 3


def test_sub_activity_before_activity_is_a_clean_error():
    rows = row("1", "Manajemen Perubahan", "", "1 Tanpa kegiatan;", "X;", months=(1,))
    with pytest.raises(DecreeError) as error:
        parse_decree(decree_text(rows).encode())
    assert "sebelum kegiatan" in error.value.message
    assert error.value.line is not None


# -- helpers -------------------------------------------------------------------------------


def test_split_numbered_list():
    assert split_numbered_list("1 Foo; 2 Bar; 3 Baz;") == (
        "",
        [("1", "Foo;"), ("2", "Bar;"), ("3", "Baz;")],
    )
    assert split_numbered_list("Lead : 1 Foo; 2 Bar") == ("Lead", [("1", "Foo;"), ("2", "Bar")])
    # a list nested after a colon stays in its item
    _, items = split_numbered_list("1 Foo : 1 a; 2 b; 3 c;")
    assert len(items) == 1 and items[0][1] == "Foo : 1 a; 2 b; 3 c;"
    # numbers that do not continue the run are text
    assert split_numbered_list("100% seluruh; 16 tahun")[1] == []
    assert split_numbered_list("2 Foo; 3 Bar", first=2)[1] == [("2", "Foo;"), ("3", "Bar")]


def test_lib_decree_is_framework_free():
    package = Path(__file__).resolve().parents[1] / "renaksi" / "lib" / "decree"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("django", "renaksi.plans", "renaksi.units")), path
