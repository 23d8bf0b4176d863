"""The general table reader: layouts other decrees of the family use (no database).

Each case is one variation a unit's decree really has; the reading must be the plan, with a
finding where the reader had to choose.
"""

import pytest

from renaksi.lib.decree.columns import (
    is_header_row,
    is_mark,
    month_of,
    quarter_of,
    role_of,
    schedule_in_words,
)
from renaksi.lib.decree.model import DecreeError
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.text import MONTH_NAMES_ID, leading_label, normalize_cell, parse_date_id

from .decree_samples import MONTHS, bengkayang_bytes, decree_text, full_plan_rows, row, table_header

FULL_MONTHS = "\t".join(MONTH_NAMES_ID)


def parse(text: str, **kwargs):
    return parse_decree(text.encode(), **kwargs)


def subs(decree):
    return [s for a in decree.areas for x in a.activities for s in x.sub_activities]


def kinds(decree):
    return {f.kind for f in decree.findings}


def plan_shape(decree):
    return [
        (
            a.number,
            [
                (
                    x.number,
                    x.name,
                    [(s.number, s.name, [i.text for i in s.indicators]) for s in x.sub_activities],
                )
                for x in a.activities
            ],
        )
        for a in decree.areas
    ]


BASE = decree_text(full_plan_rows())


@pytest.fixture(scope="module")
def base():
    return parse(BASE)


# -- the pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("NO", "no"),
        ("No.", "no"),
        ("NOMOR", "no"),
        ("AREA PERUBAHAN", "area"),
        ("KEGIATAN", "activity"),
        ("SUB KEGIATAN", "sub"),
        ("SUB-KEGIATAN", "sub"),
        ("Sub Kegiatan", "sub"),
        ("INDIKATOR", "indicator"),
        ("INDIKATOR KEBERHASILAN", "indicator"),
        ("PENANGGUNG JAWAB", "pic"),
        ("PIC", "pic"),
        ("TARGET", "target"),
        ("OUTPUT", "output"),
        ("ANGGARAN", "budget"),
        ("KET.", "note"),
        ("KETERANGAN", "note"),
        ("PELAKSANAAN (BULAN)", "schedule"),
        ("WAKTU PELAKSANAAN", "schedule"),
        ("Uraian singkat", None),
    ],
)
def test_header_labels_in_any_common_spelling(label, role):
    assert role_of(label) == role


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("JAN", 1),
        ("Jan", 1),
        ("Jan.", 1),
        ("Januari", 1),
        ("PEB", 2),
        ("AGT", 8),
        ("AGS", 8),
        ("AGU", 8),
        ("Agustus", 8),
        ("SEP", 9),
        ("SEPT", 9),
        ("September", 9),
        ("NOP", 11),
        ("NOV", 11),
        ("DES", 12),
        ("Des.", 12),
        ("KEGIATAN", None),
        ("MA", None),
    ],
)
def test_month_labels(text, month):
    assert month_of(text) == month


@pytest.mark.parametrize(
    ("text", "quarter"),
    [("TW I", 1), ("TW-II", 2), ("Triwulan III", 3), ("TRIWULAN IV", 4), ("TW 2", 2), ("Q4", 4)],
)
def test_quarter_labels(text, quarter):
    assert quarter_of(text) == quarter


@pytest.mark.parametrize("mark", ["√", "✓", "✔", "☑", "v", "V", "x", "X", "•", "●", "■", "*"])
def test_marks_by_shape(mark):
    assert is_mark(mark)


@pytest.mark.parametrize("text", ["", "Ya", "10", "(6)", "JAN", "Teks", "v1"])
def test_words_and_numbers_are_not_marks(text):
    assert not is_mark(text)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Januari – Maret", {1, 2, 3}),
        ("Jan s.d. Des", set(range(1, 13))),
        ("Maret, Juni dan September", {3, 6, 9}),
        ("Setiap bulan", set(range(1, 13))),
        ("April - Juni", {4, 5, 6}),
        ("Penyusunan laporan", None),
    ],
)
def test_schedule_in_words(text, months):
    assert schedule_in_words(text) == months


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 Foo", (1, "1", "Foo")),
        ("1. Foo", (1, "1", "Foo")),
        ("1) Foo", (1, "1", "Foo")),
        ("(1) Foo", (1, "1", "Foo")),
        ("a. Foo", (None, "a", "Foo")),
        ("a) Foo", (None, "a", "Foo")),
        ("1.2 Foo", (2, "1.2", "Foo")),
        ("1.2.3 Foo", (3, "1.2.3", "Foo")),
        ("100% seluruh wajib lapor", (None, "", "100% seluruh wajib lapor")),
        ("2018 adalah tahun", (None, "", "2018 adalah tahun")),
    ],
)
def test_numbering_labels(text, expected):
    assert leading_label(text) == expected


def test_cell_normalisation():
    assert normalize_cell("pelak- sanaan") == "pelaksanaan"
    assert normalize_cell("perundang- undangan") == "perundang-undangan"
    assert normalize_cell("nilai- nilai") == "nilai-nilai"
    assert normalize_cell("Peng\u00adawasan\u00a0“intern”") == 'Pengawasan "intern"'


@pytest.mark.parametrize(
    ("text", "day"),
    [("11 April 2022", 11), ("11-04-2022", 11), ("11/04/2022", 11), ("3 Nopember 2022", 3)],
)
def test_dates_in_words_and_digits(text, day):
    assert parse_date_id(text).day == day


def test_header_row_detection():
    assert is_header_row(["No.", "Area Perubahan", "Kegiatan", "Sub Kegiatan", "Indikator"])
    assert is_header_row(["NOMOR", "KEGIATAN", "INDIKATOR KEBERHASILAN"])
    assert not is_header_row(["1", "Manajemen Perubahan", "1 Satu", "1 Sub", "Indikator"])
    assert not is_header_row(["NO", "NAMA", "JABATAN"])


# -- whole decrees in other layouts ------------------------------------------------------


@pytest.mark.parametrize("mark", ["v", "V", "x", "X", "✓", "●", "■"])
def test_other_marks_read_as_the_same_plan(base, mark):
    decree = parse(BASE.replace("√", mark))
    assert plan_shape(decree) == plan_shape(base)
    assert [s.months for s in subs(decree)] == [s.months for s in subs(base)]


def test_full_month_names_in_the_header(base):
    decree = parse(BASE.replace(MONTHS, FULL_MONTHS))
    assert [s.months for s in subs(decree)] == [s.months for s in subs(base)]
    assert "month_header" not in kinds(decree)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("NO\tAREA", "No.\tAREA"),
        ("NO\tAREA", "NOMOR\tAREA"),
        ("SUB KEGIATAN", "SUB-KEGIATAN"),
        ("INDIKATOR KEBERHASILAN", "INDIKATOR"),
        ("PELAKSANAAN (BULAN)", "WAKTU PELAKSANAAN"),
    ],
)
def test_header_spellings(base, old, new):
    decree = parse(BASE.replace(old, new))
    assert plan_shape(decree) == plan_shape(base)


def _with_column(text: str, label: str, position: int, values: list[str]) -> str:
    """Insert an extra column at ``position`` of every table row."""
    out, counter = [], 0
    for line in text.split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            if cells[0] == "NO":
                value = label
            elif cells[0] == "(1)":
                value = ""
            elif any(c.strip() for c in cells[:5]):
                value = values[counter % len(values)]
                counter += 1
            else:
                value = ""
            cells.insert(position, value)
            line = "\t".join(cells)
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("position", [5, 17])  # before the months, after the months
@pytest.mark.parametrize(
    ("label", "field"),
    [("PENANGGUNG JAWAB", "pic"), ("PIC", "pic"), ("TARGET", "target"), ("KET.", "note")],
)
def test_extra_column_is_read_into_its_field_never_glued(base, position, label, field):
    text = _with_column(BASE, label, position, ["Subbag Hukum dan SDM", "Subbag Umum"])
    decree = parse(text)
    assert plan_shape(decree) == plan_shape(base)  # indicators untouched
    assert [getattr(s, field) for s in subs(decree)][:3] == [
        "Subbag Hukum dan SDM",
        "Subbag Umum",
        "Subbag Hukum dan SDM",
    ]
    assert [s.months for s in subs(decree)] == [s.months for s in subs(base)]
    assert "extra_columns" in kinds(decree)


def test_unknown_extra_column_is_kept_as_a_note(base):
    decree = parse(_with_column(BASE, "SASARAN", 5, ["Pegawai"]))
    assert plan_shape(decree) == plan_shape(base)
    assert subs(decree)[0].note == "SASARAN: Pegawai"


def test_lists_numbered_with_parentheses_are_split():
    rows = row(
        "1",
        "Manajemen Perubahan",
        "1) Kegiatan satu;",
        "1) Sub A; 2) Sub B;",
        "1) Indikator A; 2) Indikator B;",
        months=(1, 2),
    )
    decree = parse(decree_text(rows))
    assert [(s.name, [i.text for i in s.indicators]) for s in subs(decree)] == [
        ("Sub A", ["Indikator A"]),
        ("Sub B", ["Indikator B"]),
    ]
    assert decree.areas[0].activities[0].name == "Kegiatan satu"


def test_list_without_separators_is_split():
    rows = row(
        "1",
        "Manajemen Perubahan",
        "1. Kegiatan satu",
        "1. Sub A",
        "1. Indikator A 2. Indikator B 3. Indikator C",
        months=(1,),
    )
    decree = parse(decree_text(rows))
    assert [i.text for i in subs(decree)[0].indicators] == [
        "Indikator A",
        "Indikator B",
        "Indikator C",
    ]


def test_hierarchical_numbering():
    rows = (
        row("1", "Manajemen Perubahan", "1.1 Satu", "1.1.1 Sub A", "Ind A", months=(1,))
        + row(sub="1.1.2 Sub B", indicator="Ind B", months=(2,))
        + row(activity="1.2 Dua", sub="1.2.1 Sub C", indicator="Ind C", months=(3,))
    )
    decree = parse(decree_text(rows))
    activities = decree.areas[0].activities
    assert [(x.number, x.name) for x in activities] == [(1, "Satu"), (2, "Dua")]
    assert [(s.number, s.name) for s in activities[0].sub_activities] == [
        (1, "Sub A"),
        (2, "Sub B"),
    ]
    assert not {"numbering_gap", "numbering_repeat"} & kinds(decree)


def test_area_lost_at_a_page_break_where_activity_numbers_restart():
    rows = (
        row("1", "Manajemen Perubahan", "1 Satu;", "1 Sub A;", "Ind A;", months=(1,))
        + row(activity="2 Dua;", sub="1 Sub B;", indicator="Ind B;", months=(2,))
        + "\n"
        + table_header()
        + row(activity="1 Tiga;", sub="1 Sub C;", indicator="Ind C;", months=(3,))
        + row(
            "3", "Penguatan Organisasi/Kelembagaan", "1 Empat;", "1 Sub D;", "Ind D;", months=(4,)
        )
    )
    decree = parse(decree_text(rows))
    assert [(a.number, a.inferred, [x.name for x in a.activities]) for a in decree.areas] == [
        (1, False, ["Satu", "Dua"]),
        (2, True, ["Tiga"]),
        (3, False, ["Empat"]),
    ]
    inferred = next(f for f in decree.findings if f.kind == "area_inferred")
    assert inferred.options and inferred.chosen == "infer"
    # The person can refuse the reading: the activity then stays in area 1.
    kept = parse(decree_text(rows), choices={inferred.choice_key: "keep"})
    assert [a.number for a in kept.areas] == [1, 3]
    assert [x.name for x in kept.areas[0].activities] == ["Satu", "Dua", "Tiga"]


def test_a_restart_in_the_middle_of_a_page_is_not_a_lost_area():
    rows = row("1", "Manajemen Perubahan", "1 Satu;", "1 Sub A;", "X;", months=(1,)) + row(
        activity="1 Satu lagi;", sub="1 B;", indicator="Y;", months=(2,)
    )
    decree = parse(decree_text(rows))
    assert [a.number for a in decree.areas] == [1]
    assert "numbering_repeat" in kinds(decree)


def test_area_header_repeated_on_the_next_page_continues_the_area():
    rows = (
        row("1", "Manajemen Perubahan", "1 Satu;", "1 Sub A;", "Ind A;", months=(1,))
        + "\n"
        + table_header()
        + row("1", "Manajemen Perubahan", "2 Dua;", "1 Sub B;", "Ind B;", months=(2,))
    )
    decree = parse(decree_text(rows))
    assert [a.number for a in decree.areas] == [1]
    assert [x.name for x in decree.areas[0].activities] == ["Satu", "Dua"]
    assert "area_repeated" in kinds(decree)


def test_page_numbers_and_running_heads_inside_the_table(base):
    lines = BASE.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("4\t"))
    lines[index:index] = [
        "- 3 -",
        "RENCANA AKSI REFORMASI BIROKRASI TAHUN 2023",
        "Halaman 3 dari 5",
    ]
    decree = parse("\n".join(lines))
    assert plan_shape(decree) == plan_shape(base)
    assert sum(1 for f in decree.findings if f.kind == "page_furniture") == 3


def test_quarterly_table():
    header = (
        "NO\tAREA PERUBAHAN\tKEGIATAN\tSUB KEGIATAN\tINDIKATOR KEBERHASILAN\tTARGET WAKTU\t\t\t\n"
        "\t\t\t\t\tTW I\tTW II\tTW III\tTW IV\n"
    )
    rows = (
        "1\tManajemen Perubahan\t1 Satu;\t1 Sub A;\tInd A;\t√\t\t√\t\n"
        "\t\t\t2 Sub B;\tInd B;\t\t\t\t√\n"
    )
    text = decree_text("").replace(table_header(), header + rows)
    decree = parse(text)
    assert decree.schedule == "quarter"
    assert [sorted(s.quarters) for s in subs(decree)] == [[1, 3], [4]]
    assert all(not s.months for s in subs(decree))
    assert "quarterly_schedule" in kinds(decree)
    assert decree.as_dict()["areas"][0]["activities"][0]["sub_activities"][0]["quarters"] == [1, 3]


def test_schedule_in_words_is_read_and_flagged():
    rows = "1\tManajemen Perubahan\t1 Satu;\t1 Sub A;\tInd A;\tJanuari – Maret" + "\t" * 11 + "\n"
    decree = parse(decree_text(rows))
    assert sorted(subs(decree)[0].months) == [1, 2, 3]
    finding = next(f for f in decree.findings if f.kind == "schedule_in_words")
    assert finding.severity == "warning" and "Januari–Maret" in finding.message


def test_title_over_several_lines_with_blank_lines():
    text = BASE.replace("NOMOR 7 TAHUN 2023\nTENTANG\n", "NOMOR 7 TAHUN 2023\n\nTENTANG\n\n")
    decree = parse(text)
    assert (decree.header.number, decree.header.year) == ("7", 2023)
    assert decree.header.subject == "RENCANA AKSI REFORMASI BIROKRASI TAHUN 2023"
    assert "missing_field" not in kinds(decree)


def test_spaced_headings_and_more_dictums():
    text = BASE.replace("MEMUTUSKAN:", "M E M U T U S K A N :").replace(
        "KETIGA : Keputusan ini", "KETIGA : Lain.\nKEEMPAT : Lain lagi.\nKELIMA : Keputusan ini"
    )
    decree = parse(text)
    assert [d.label for d in decree.header.dictums] == [
        "KESATU",
        "KEDUA",
        "KETIGA",
        "KEEMPAT",
        "KELIMA",
    ]


def test_number_without_year_takes_the_year_from_the_number():
    text = BASE.replace("NOMOR 7 TAHUN 2023", "NOMOR 7/PL.01-Kpt/6105/KPU-Kab/III/2023")
    decree = parse(text)
    assert decree.header.number == "7/PL.01-Kpt/6105/KPU-Kab/III/2023"
    assert decree.header.year == 2023


def test_a_table_without_its_decree_body_reads_with_a_finding():
    text = (
        "RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM KABUPATEN "
        "SINTANG TAHUN 2024\n\n" + table_header() + full_plan_rows()
    )
    decree = parse(text)
    assert decree.header.year == 2024
    assert decree.counts()["sub_activities"] == 8
    assert "missing_body" in kinds(decree)


def test_bengkayang_line_123_is_a_sub_activity_with_its_own_schedule():
    decree = parse_decree(bengkayang_bytes())
    found = [s for s in subs(decree) if s.name.startswith("Tersedia peta proses bisnis")]
    assert len(found) == 1 and sorted(found[0].months) == [4, 5] and found[0].line == 123


def test_a_reading_choice_can_be_changed():
    decree = parse_decree(bengkayang_bytes())
    choice = next(f for f in decree.findings if f.kind == "ambiguous_cell" and f.line == 126)
    assert choice.chosen == "sub" and ("activity", "kegiatan") in choice.options
    again = parse_decree(bengkayang_bytes(), choices={choice.choice_key: "activity"})
    area4 = next(a for a in again.areas if a.number == 4)
    assert [x.name for x in area4.activities][1].startswith("Evaluasi proses bisnis")
    assert any(f.choice_key == choice.choice_key and f.chosen == "activity" for f in again.findings)


def test_findings_carry_position_and_excerpt():
    decree = parse_decree(bengkayang_bytes())
    place = next(f for f in decree.findings if f.kind == "place_mismatch")
    assert place.position.line == place.line == 211
    assert place.excerpt == "Ditetapkan di Bengkulu"
    data = place.as_dict()
    assert data["position"] == {"line": 211} and data["where"] == "baris 211"


def test_a_huge_table_is_refused_quickly():
    rows = "".join(f"\t\t\t{i} Sub;\tInd;\t√\n" for i in range(2, 20100))
    text = decree_text(full_plan_rows() + rows)
    with pytest.raises(DecreeError) as error:
        parse(text)
    assert "terlalu besar" in error.value.message


def test_area_lost_at_a_page_break_found_by_its_topic():
    """Numbering that just goes on (3, 4) hides the lost header; the topic shows it."""
    rows = (
        row("1", "Manajemen Perubahan", "1 Pembentukan Tim RB;", "1 SK Tim RB;", "SK;", months=(1,))
        + row(activity="2 Internalisasi budaya kerja;", sub="1 Sosialisasi;", indicator="A;")
        + "\n"
        + table_header()
        + row(activity="3 Evaluasi peraturan;", sub="1 Pemetaan naskah dinas;", indicator="B;")
        + row(
            activity="4 Pengelolaan JDIH;", sub="1 Pemutakhiran produk hukum JDIH;", indicator="C;"
        )
        + row("3", "Penguatan Organisasi/Kelembagaan", "1 Evaluasi SOTK;", "1 FGD;", "D;")
    )
    decree = parse(decree_text(rows))
    # The topic alone only suggests the lost area: the reading keeps the table as printed…
    assert [(a.number, len(a.activities)) for a in decree.areas] == [(1, 4), (3, 1)]
    finding = next(f for f in decree.findings if f.kind == "area_suggested")
    assert "pokok area 2" in finding.message and finding.chosen == "keep"
    # … and the person can take the suggestion.
    chosen = parse(decree_text(rows), choices={finding.choice_key: "infer"})
    assert [(a.number, a.inferred, len(a.activities)) for a in chosen.areas] == [
        (1, False, 2),
        (2, True, 2),
        (3, False, 1),
    ]


def test_a_table_error_in_a_spreadsheet_names_the_sheet_and_row():
    from .decree_files import build_xlsx, layout, xlsx_bytes

    rows = row(activity="1 Kegiatan tanpa area;", sub="1 Sub;", indicator="Ind;", months=(1,))
    workbook = build_xlsx(layout(decree_text(rows)))
    with pytest.raises(DecreeError) as error:
        parse_decree(xlsx_bytes(workbook))
    assert error.value.position.sheet is not None and error.value.position.row is not None
    assert str(error.value).startswith(f"lembar '{error.value.position.sheet}' baris ")
    assert "sebelum area perubahan" in error.value.message


def test_a_refused_choice_stays_visible_with_its_options():
    rows = row("1", "Manajemen Perubahan", "1 Satu;", "1 Sub A; 2 Sub B;", "Ind;", months=(1,))
    split = next(f for f in parse(decree_text(rows)).findings if f.kind == "list_split")
    kept = parse(decree_text(rows), choices={split.choice_key: "keep"})
    assert [s.name for s in subs(kept)] == ["Sub A; 2 Sub B"]
    again = next(f for f in kept.findings if f.choice_key == split.choice_key)
    assert again.chosen == "keep" and again.options == split.options


def test_items_can_be_located_in_the_source():
    decree = parse_decree(bengkayang_bytes())
    sub = subs(decree)[0]
    assert decree.positions[sub.line].describe() == f"baris {sub.line}"


def test_the_lampiran_alone_reads_its_heading_and_its_signature():
    """A text copy of the Lampiran without the decree before it: the heading (``LAMPIRAN
    KEPUTUSAN … NOMOR … TAHUN … TENTANG …``) is the title, the signature block under the
    table says where, when and by whom it was set."""
    text = (
        "LAMPIRAN\nKEPUTUSAN KOMISI PEMILIHAN UMUM\nKABUPATEN SINTANG\nNOMOR 7 TAHUN 2023\n"
        "TENTANG\nRENCANA AKSI REFORMASI BIROKRASI TAHUN 2023\n\n"
        "RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM KABUPATEN "
        "SINTANG\nTAHUN 2023\n\n"
        + table_header()
        + full_plan_rows()
        + "\nDitetapkan di Sintang\npada tanggal 2 Maret 2023\n\nKETUA KOMISI PEMILIHAN UMUM\n"
        "KABUPATEN SINTANG,\n\nttd.\n\nBUDI SANTOSO\n"
    )
    decree = parse(text)
    h = decree.header
    assert (h.number, h.year, h.unit_name) == ("7", 2023, "KOMISI PEMILIHAN UMUM KABUPATEN SINTANG")
    # Without the blank line, the table's title still ends the subject (a spreadsheet drops
    # empty rows).
    again = parse(text.replace("TAHUN 2023\n\nRENCANA", "TAHUN 2023\nRENCANA"))
    assert again.header.subject == "RENCANA AKSI REFORMASI BIROKRASI TAHUN 2023"
    assert h.subject == "RENCANA AKSI REFORMASI BIROKRASI TAHUN 2023"
    assert (h.place, h.date.isoformat(), h.signer_name) == ("Sintang", "2023-03-02", "BUDI SANTOSO")
    assert h.signer_title == "KETUA KOMISI PEMILIHAN UMUM KABUPATEN SINTANG"
    assert decree.counts()["sub_activities"] == 8
    missing = {f.message for f in decree.findings if f.kind == "missing_field"}
    assert not any("tempat" in m or "tanggal" in m or "penanda tangan" in m for m in missing)


def test_a_pdf_dictum_after_a_full_line_starts_its_own_line():
    """A PDF line that runs to the right margin is joined with the next, unless the next
    starts a section or a dictum: every dictum label, KETUJUH and later ones too."""
    from renaksi.lib.decree.formats import read_document

    from .decree_files import PDF_CSS, layout, pdf_bytes, table_html

    full = "text-align: justify; text-align-last: justify"
    labels = ["KEENAM", "KETUJUH", "KEDELAPAN", "KESEMBILAN", "KESEPULUH", "KEDUA BELAS"]
    lines = [
        f'<p style="{full}">{label} : Segala biaya yang timbul sebagai akibat dikeluarkannya '
        "keputusan ini dibebankan pada anggaran satuan kerja.</p>"
        for label in labels
    ]
    table = table_html(layout(decree_text(full_plan_rows())).pages[0])
    data = pdf_bytes(
        f"<html><head><style>{PDF_CSS}</style></head><body><div>"
        f"{''.join(lines)}</div>{table}</body></html>"
    )
    body = [text for _, text in read_document(data).body if text.strip()]
    assert [text.split(" :")[0] for text in body] == labels


def test_an_xlsx_table_ending_in_a_row_with_one_text_under_merged_cells_keeps_that_row():
    """The last row of a spreadsheet's table holds only its sub-activity: the area and the
    activity are merged down into it. It is a row of the table, not a closing line."""
    from .decree_files import build_xlsx, layout, xlsx_bytes

    rows = row(
        "1", "Manajemen Perubahan", "1 Kegiatan pertama;", "1 Sub kegiatan satu;",
        "Indikator satu;", months=(1,),
    ) + row("", "", "", "2 Sub kegiatan dua;")  # fmt: skip
    text = decree_text(rows)
    data = xlsx_bytes(build_xlsx(layout(text)))
    decree = parse_decree(data)
    names = [s.name for s in subs(decree)]
    assert names == ["Sub kegiatan satu", "Sub kegiatan dua"]
    assert names == [s.name for s in subs(parse(text))]


def test_a_pdf_cell_wrapped_after_a_lone_slash_keeps_the_space():
    """``unit/`` + ``satuan`` is one word, ``Organisasi /`` + ``Kelembagaan`` two: a line
    wrapped after a slash that stands alone is joined with a space."""
    from renaksi.lib.decree.read_pdf import _join, _TextLine

    def line(text, x1, top):
        return _TextLine(chars=[], text=text, x0=0, x1=x1, top=top, bottom=top + 8)

    right = 100
    assert _join([line("Penguatan Organisasi /", 99, 0), line("Kelembagaan", 50, 10)], right) == (
        "Penguatan Organisasi / Kelembagaan"
    )
    assert _join([line("di lingkungan unit/", 99, 0), line("satuan kerja", 50, 10)], right) == (
        "di lingkungan unit/satuan kerja"
    )
