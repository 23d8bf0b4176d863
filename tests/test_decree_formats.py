"""Decrees in XLSX, DOCX and PDF read into the same SourceDocument as the text copy.

Every file is built at test time from a text decree (``tests/decree_files.py``): the small
synthetic decree and the shared Bengkayang decree, its tab rows turned into a real table with
merged area, activity and number cells. The reader must give the text's rows (modulo blank
cells and the whitespace of wrapped lines), and the parser the text's plan.
"""

import io
import time
import zipfile

import pytest

from renaksi.lib.decree import formats, read_xlsx
from renaksi.lib.decree.formats import read_document, sniff
from renaksi.lib.decree.model import DecreeError, Position
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.read_common import header_columns
from renaksi.lib.decree.source import MAX_BYTES, read_text

from . import decree_files as files
from .decree_samples import bengkayang_bytes, decree_text, full_plan_rows, row

SMALL = decree_text(full_plan_rows())
BENGKAYANG = bengkayang_bytes().decode()


# -- helpers -------------------------------------------------------------------------------


def squeeze(text: str, tight: bool = False) -> str:
    """A cell's text with its whitespace collapsed (``tight``: removed, for PDF cells whose
    lines wrap at other places than the text copy's)."""
    return "".join(text.split()) if tight else " ".join(text.split())


def table_rows(doc, tight=False) -> list[list[str]]:
    """The rows of the table, without one-cell rows and trailing blank cells."""
    rows = []
    for r in doc.rows:
        if len(r.cells) < 2:
            continue
        cells = [squeeze(c, tight) for c in r.cells]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(cells)
    return rows


def plan(decree, tight=False) -> list:
    """The plan as a person compares it: names, numbers, months and indicators."""
    return [
        (
            area.number,
            squeeze(area.name, tight),
            [
                (
                    act.number,
                    squeeze(act.name, tight),
                    [
                        (
                            sub.number,
                            squeeze(sub.name, tight),
                            sorted(sub.months),
                            [squeeze(i.text, tight) for i in sub.indicators],
                        )
                        for sub in act.sub_activities
                    ],
                )
                for act in area.activities
            ],
        )
        for area in decree.areas
    ]


def assert_ordinals_complete(doc):
    ordinals = [n for n, _ in doc.body] + [r.ordinal for r in doc.rows]
    ordinals += [n for n, _ in doc.closing]
    assert ordinals == sorted(ordinals)
    assert len(set(ordinals)) == len(ordinals)
    assert set(ordinals) <= set(doc.positions)
    assert set(ordinals) <= set(doc.excerpts)
    for r in doc.rows:
        assert doc.positions[r.ordinal] == r.position
        assert doc.excerpts[r.ordinal] == r.excerpt


@pytest.fixture(scope="module")
def small_layout():
    return files.layout(SMALL)


@pytest.fixture(scope="module")
def bengkayang_layout():
    return files.layout(BENGKAYANG)


@pytest.fixture(scope="module")
def text_plans():
    return {"small": parse_decree(SMALL.encode()), "bengkayang": parse_decree(bengkayang_bytes())}


FORMATS = ("xlsx", "docx", "pdf")
SOURCES = {"small": SMALL, "bengkayang": BENGKAYANG}
CASES = [(f, d) for f in FORMATS for d in SOURCES]


def build(kind: str, source: files.Layout, text: str) -> bytes:
    if kind == "xlsx":
        return files.xlsx_bytes(files.build_xlsx(source))
    if kind == "docx":
        return files.docx_bytes(files.build_docx(source))
    return files.pdf_from_text(text)


@pytest.fixture(scope="module")
def built(small_layout, bengkayang_layout):
    """Each decree in each format."""
    layouts = {"small": small_layout, "bengkayang": bengkayang_layout}
    return {(kind, name): build(kind, layouts[name], SOURCES[name]) for kind, name in CASES}


# -- sniffing and dispatch -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "decree"), CASES)
def test_format_is_chosen_by_content(built, kind, decree):
    assert sniff(built[(kind, decree)]) == kind
    assert read_document(built[(kind, decree)]).format == kind


def test_text_is_text():
    assert sniff(SMALL.encode()) == "text"
    assert read_document(SMALL.encode()).format == "text"


def test_utf16_text_reads_like_utf8():
    utf16 = SMALL.encode("utf-16")
    assert sniff(utf16) == "text"
    assert table_rows(read_document(utf16)) == table_rows(read_text(SMALL))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (formats.OLE2 + b"\x00" * 600, "berkas Office lama (.doc/.xls) atau dilindungi kata sandi"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "gambar PNG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "gambar JPEG"),
        (b"GIF89a" + b"\x00" * 100, "gambar GIF"),
        (b"\x00\x01\x02binary" * 10, "berkas biner"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
    ],
)
def test_files_that_are_not_decrees_are_refused_by_what_they_look_like(data, words):
    with pytest.raises(DecreeError) as error:
        read_document(data)
    assert words.lower() in error.value.message.lower()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_other_zips_are_named():
    with pytest.raises(DecreeError, match="arsip ZIP yang bukan dokumen Word atau Excel"):
        read_document(zip_of({"foto.jpg": b"\xff\xd8\xff"}))
    odt = zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
    with pytest.raises(DecreeError, match="OpenDocument"):
        read_document(odt)
    with pytest.raises(DecreeError, match="PowerPoint"):
        read_document(zip_of({"ppt/presentation.xml": b"<x/>"}))
    with pytest.raises(DecreeError, match="xlsb"):
        read_document(zip_of({"xl/workbook.bin": b"\x00"}))


def test_a_corrupt_zip_is_one_clear_error(built):
    data = built[("xlsx", "small")]
    with pytest.raises(DecreeError) as error:
        read_document(data[: len(data) // 2])
    assert "rusak atau tidak lengkap" in error.value.message


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"xl/workbook.xml": b"not xml at all", "[Content_Types].xml": b"<"}, "Excel (XLSX)"),
        ({"word/document.xml": b"<w:document", "[Content_Types].xml": b"<"}, "Word (DOCX)"),
    ],
)
def test_a_corrupt_office_file_is_one_clear_error(members, words):
    with pytest.raises(DecreeError) as error:
        read_document(zip_of(members))
    message = error.value.message
    assert f"Berkas {words} rusak atau tidak lengkap" in message
    assert "Traceback" not in message and "Error" not in message


def test_a_password_protected_zip_member_is_refused():
    data = bytearray(zip_of({"xl/workbook.xml": b"<workbook/>"}))
    # Set the "encrypted" flag in the local and the central header.
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 1
    data[central + 8] |= 1
    with pytest.raises(DecreeError, match="dilindungi kata sandi"):
        read_document(bytes(data))


def test_a_zip_bomb_is_refused_before_it_is_opened(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(formats.MAX_UNCOMPRESSED // (1 << 20) + 1):
                member.write(b"\0" * (1 << 20))
    data = buffer.getvalue()
    assert len(data) < MAX_BYTES  # small on disk, huge unpacked

    def never(*args, **kwargs):
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr(read_xlsx.openpyxl, "load_workbook", never)
    with pytest.raises(DecreeError, match="terlalu besar setelah dibuka"):
        read_document(data)


@pytest.mark.parametrize("data", [b"", b"   \n\t  \n"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(DecreeError, match="kosong"):
        read_document(data)


def test_a_50_mb_file_is_refused_by_its_size_before_parsing(monkeypatch):
    def never(data):
        raise AssertionError("a file over the limit must not be sniffed")

    monkeypatch.setattr(formats, "sniff", never)
    data = b"%PDF-1.7\n" + b"x" * (50 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(DecreeError) as error:
        read_document(data)
    assert time.perf_counter() - started < 1
    assert "terlalu besar" in error.value.message and "5,0 MB" in error.value.message


def test_header_detection_takes_common_spellings():
    assert header_columns(["No.", "Area Perubahan", "Kegiatan", "Sub-Kegiatan", "Indikator"]) == 0
    assert (
        header_columns(["", "NOMOR", "AREA", "KEGIATAN", "SUBKEGIATAN", "INDIKATOR KINERJA"]) == 1
    )
    assert header_columns(["NO", "Change area", "Activity", "Sub-activity", "Indicator"]) is None
    assert header_columns(["NO", "NAMA", "ALAMAT"]) is None


# -- the same rows and the same plan in every format ---------------------------------------


@pytest.mark.parametrize(("kind", "decree"), CASES)
def test_every_format_gives_the_text_rows(built, kind, decree):
    doc = read_document(built[(kind, decree)])
    tight = kind == "pdf" and decree == "bengkayang"
    expected = table_rows(read_text(SOURCES[decree]), tight)
    got = table_rows(doc, tight)
    if kind == "pdf" and not tight:
        got = [[c.replace("/ ", "/") for c in cells] for cells in got]
        expected = [[c.replace("/ ", "/") for c in cells] for cells in expected]
    assert got == expected
    assert_ordinals_complete(doc)


@pytest.mark.parametrize(("kind", "decree"), CASES)
def test_every_format_gives_the_body_and_the_closing(built, kind, decree):
    doc = read_document(built[(kind, decree)])
    text = read_text(SOURCES[decree])
    body = [squeeze(line) for _, line in doc.body if line.strip()]
    for expected in ("KEPUTUSAN KOMISI PEMILIHAN UMUM", "MEMUTUSKAN:", "LAMPIRAN"):
        assert any(line.startswith(expected) for line in body), expected
    closing = [squeeze(line) for _, line in doc.closing if line.strip()]
    expected_closing = [squeeze(line) for _, line in text.closing if line.strip()]
    assert closing == expected_closing


@pytest.mark.parametrize(("kind", "decree"), CASES)
def test_every_format_parses_to_the_text_plan(built, text_plans, kind, decree):
    """End to end through the parser: the same areas, activities, sub-activities, months and
    indicators as the text copy."""
    decree_read = parse_decree(built[(kind, decree)])
    expected = text_plans[decree]
    tight = kind == "pdf"
    assert decree_read.counts() == expected.counts()
    assert plan(decree_read, tight) == plan(expected, tight)
    assert decree_read.source_format == kind
    header, expected_header = decree_read.header, expected.header
    assert (header.number, header.year, header.date) == (
        expected_header.number,
        expected_header.year,
        expected_header.date,
    )
    assert header.signer_name == expected_header.signer_name
    assert header.closing_place == expected_header.closing_place


@pytest.mark.parametrize("kind", FORMATS)
def test_findings_point_at_the_source_in_its_own_terms(built, kind):
    decree_read = parse_decree(built[(kind, "bengkayang")])
    stale = [f for f in decree_read.findings if f.kind == "stale_year"]
    assert stale
    position = stale[0].position
    if kind == "xlsx":
        assert position.sheet == "Lampiran" and position.row
    elif kind == "docx":
        assert position.table and position.row
    else:
        assert position.page and position.row
    assert "2021" in stale[0].excerpt


# -- XLSX ----------------------------------------------------------------------------------


def test_xlsx_positions_and_cell_letters(built):
    doc = read_document(built[("xlsx", "small")])
    header = doc.rows[0]
    assert header.cells[0] == "NO" and header.position.sheet == "Lampiran"
    assert header.cell_refs[:3] == ("A", "B", "C")
    first_area = next(r for r in doc.rows if r.cells[0] == "1")
    assert first_area.cell_position(1) == Position(
        sheet="Lampiran", row=first_area.position.row, column="B"
    )
    assert doc.positions[doc.body[0][0]].sheet == "Keputusan"
    assert any(f.kind == "body_sheet" for f in doc.findings)


def test_xlsx_merged_cells_are_blank_after_their_first_cell(bengkayang_layout):
    workbook = files.build_xlsx(bengkayang_layout)
    sheet = workbook["Lampiran"]
    vertical = [m for m in sheet.merged_cells.ranges if m.min_col == 2 and m.max_row > m.min_row]
    assert vertical  # area cells merged down
    merged = vertical[0]
    doc = read_document(files.xlsx_bytes(workbook))
    by_row = {r.position.row: r for r in doc.rows}
    assert by_row[merged.min_row].cells[1]
    for r in range(merged.min_row + 1, merged.max_row + 1):
        if r in by_row:
            assert by_row[r].cells[1] == ""


def test_xlsx_table_shifted_to_column_d_row_7(small_layout, text_plans):
    data = files.xlsx_bytes(files.build_xlsx(small_layout, first_row=7, first_col=4))
    doc = read_document(data)
    assert table_rows(doc) == table_rows(read_text(SMALL))
    assert doc.rows[0].cell_refs[0] == "D"
    assert doc.rows[0].position.row >= 7
    assert plan(parse_decree(data)) == plan(text_plans["small"])


def test_xlsx_table_on_the_first_sheet_and_body_on_the_second(small_layout, text_plans):
    workbook = files.build_xlsx(small_layout, body_sheet_last=True)
    assert workbook.sheetnames == ["Lampiran", "Keputusan"]
    data = files.xlsx_bytes(workbook)
    doc = read_document(data)
    assert doc.body[0][0] < doc.rows[0].ordinal  # the body comes first whatever the order
    assert plan(parse_decree(data)) == plan(text_plans["small"])


def test_xlsx_without_the_numbering_row(small_layout, text_plans):
    pages = [[r for r in page if r[0] != "(1)"] for page in small_layout.pages]
    source = files.Layout(small_layout.body, small_layout.headings, pages, small_layout.closing)
    data = files.xlsx_bytes(files.build_xlsx(source))
    assert not any(r.cells[0] == "(1)" for r in read_document(data).rows)
    assert plan(parse_decree(data)) == plan(text_plans["small"])


def test_xlsx_numbers_stored_as_numbers_read_as_printed():
    assert read_xlsx.cell_text(1.0) == "1"
    assert read_xlsx.cell_text(12) == "12"
    assert read_xlsx.cell_text(2.5) == "2.5"
    assert read_xlsx.cell_text(0.5, "0%") == "50%"
    assert read_xlsx.cell_text(True) == "BENAR"
    import datetime

    assert read_xlsx.cell_text(datetime.datetime(2022, 4, 11)) == "11 April 2022"
    assert read_xlsx.cell_text(datetime.date(2023, 8, 17)) == "17 Agustus 2023"
    assert read_xlsx.cell_text(datetime.datetime(2022, 4, 11, 10, 30)) == "11 April 2022 10.30"
    assert read_xlsx.cell_text("a\r\nb  ") == "a\nb"


def test_xlsx_indicators_one_per_line_keep_their_line_breaks(small_layout):
    workbook = files.build_xlsx(small_layout)
    sheet = workbook["Lampiran"]
    target = next(c for row in sheet.iter_rows() for c in row if c.value == "Indikator area 1;")
    target.value = "1 Indikator satu;\n2 Indikator dua;"
    data = files.xlsx_bytes(workbook)
    doc = read_document(data)
    assert any(c == "1 Indikator satu;\n2 Indikator dua;" for r in doc.rows for c in r.cells)
    # The parser reads the two lines as the two indicators it reads from the flattened text.
    flattened = parse_decree(
        SMALL.replace("Indikator area 1;", "1 Indikator satu; 2 Indikator dua;")
    )
    area = parse_decree(data).areas[0]
    texts = [i.text for i in area.activities[0].sub_activities[0].indicators]
    assert len(texts) == 2
    assert texts == [i.text for i in flattened.areas[0].activities[0].sub_activities[0].indicators]


def test_xlsx_months_marked_by_fill_colour(small_layout, text_plans):
    data = files.xlsx_bytes(files.build_xlsx(small_layout, fill_marks=True))
    doc = read_document(data)
    rows = [r for r in doc.rows if r.cells[0] == "3"]
    assert len(rows) == 1
    assert "√" not in rows[0].cells
    # Area 3 is marked in MAR and APR: the 8th and 9th cells (NO … INDIKATOR, then JAN).
    assert rows[0].filled == frozenset({7, 8})
    assert plan(parse_decree(data)) == plan(text_plans["small"])


def test_docx_months_marked_by_shading(small_layout, text_plans):
    data = files.docx_bytes(files.build_docx(small_layout, fill_marks=True))
    doc = read_document(data)
    assert "√" not in [c for r in doc.rows for c in r.cells]
    assert next(r for r in doc.rows if r.cells[0] == "3").filled == frozenset({7, 8})
    assert plan(parse_decree(data)) == plan(text_plans["small"])


def test_xlsx_a_white_fill_is_no_mark(small_layout):
    from openpyxl.styles import PatternFill

    workbook = files.build_xlsx(small_layout)
    sheet = workbook["Lampiran"]
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.value is None:
                cell.fill = PatternFill("solid", fgColor="FFFFFFFF")
    doc = read_document(files.xlsx_bytes(workbook))
    assert not any(r.filled for r in doc.rows)


def set_formula_values(data: bytes, values: dict[str, str]) -> bytes:
    """Give formula cells a cached value, as Excel saves them (openpyxl writes none)."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = content.decode()
                for ref, value in values.items():
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v>\s*</v></c>',
                        rf'<c r="{ref}"\1 t="str"><f>\2</f><v>{value}</v></c>',
                        text,
                    )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def formula_workbook(small_layout):
    workbook = files.build_xlsx(small_layout)
    sheet = workbook["Lampiran"]
    target = next(c for row in sheet.iter_rows() for c in row if c.value == "Indikator area 2;")
    target.value = '="Indikator area "&"2;"'
    text_cell = next(c for row in sheet.iter_rows() for c in row if c.value == "Indikator area 3;")
    text_cell.value = "=SUM(A1:A9)"
    text_cell.data_type = "s"  # a text that looks like a formula
    return workbook, target.coordinate, target.row, text_cell.coordinate


def test_xlsx_formula_without_cached_value_is_a_finding_and_reads_blank(small_layout):
    workbook, ref, row_number, _ = formula_workbook(small_layout)
    doc = read_document(files.xlsx_bytes(workbook))
    findings = [f for f in doc.findings if f.kind == "formula_cell"]
    assert len(findings) == 1
    assert findings[0].position == Position(sheet="Lampiran", row=row_number, column=ref[0])
    assert findings[0].line == next(r.ordinal for r in doc.rows if r.position.row == row_number)
    row_cells = next(r.cells for r in doc.rows if r.position.row == row_number)
    assert "Indikator area 2;" not in row_cells
    # A text that starts with "=" is read as that text, never evaluated.
    assert any("=SUM(A1:A9)" in r.cells for r in doc.rows)


def test_xlsx_formula_with_cached_value_reads_the_value(small_layout, text_plans):
    workbook, ref, row_number, _ = formula_workbook(small_layout)
    data = set_formula_values(files.xlsx_bytes(workbook), {ref: "Indikator area 2;"})
    doc = read_document(data)
    assert not [f for f in doc.findings if f.kind == "formula_cell"]
    assert [f.kind for f in doc.findings if f.kind == "formula_values"] == ["formula_values"]
    row_cells = next(r.cells for r in doc.rows if r.position.row == row_number)
    assert "Indikator area 2;" in row_cells


def test_xlsx_hidden_rows_are_read_and_flagged(small_layout):
    workbook = files.build_xlsx(small_layout)
    sheet = workbook["Lampiran"]
    hidden = next(c.row for row in sheet.iter_rows() for c in row if c.value == "Indikator area 5;")
    sheet.row_dimensions[hidden].hidden = True
    doc = read_document(files.xlsx_bytes(workbook))
    assert any(r.position.row == hidden for r in doc.rows)
    finding = next(f for f in doc.findings if f.kind == "hidden_rows")
    assert finding.position.row == hidden and "tersembunyi" in finding.message


def test_xlsx_table_only_on_a_hidden_sheet_is_read_with_a_warning(small_layout):
    workbook = files.build_xlsx(small_layout)
    workbook["Lampiran"].sheet_state = "hidden"
    workbook.active = 0  # the body sheet stays visible
    doc = read_document(files.xlsx_bytes(workbook))
    assert doc.rows
    assert any(f.kind == "hidden_sheet" and f.severity == "warning" for f in doc.findings)


def test_xlsx_second_sheet_with_a_table_is_named_not_read(small_layout):
    workbook = files.build_xlsx(small_layout)
    copy = workbook.copy_worksheet(workbook["Lampiran"])
    copy.title = "Lampiran lama"
    doc = read_document(files.xlsx_bytes(workbook))
    assert {r.position.sheet for r in doc.rows} == {"Lampiran"}
    finding = next(f for f in doc.findings if f.kind == "second_table")
    assert finding.position.sheet == "Lampiran lama"


def test_xlsx_in_another_language_is_a_clear_error():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["No", "Change area", "Activity", "Sub-activity", "Success indicator", "Jan"])
    sheet.append([1, "Change management", "Planning", "Set up the team", "Team decree", "v"])
    with pytest.raises(DecreeError) as error:
        read_document(files.xlsx_bytes(workbook))
    assert "Tabel Lampiran tidak ditemukan" in error.value.message
    assert "bahasa Inggris" in error.value.message
    assert error.value.position == Position(sheet="Plan", row=1)


def test_xlsx_without_any_table_is_a_clear_error():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Daftar hadir rapat"])
    with pytest.raises(DecreeError, match="Tabel Lampiran tidak ditemukan"):
        read_document(files.xlsx_bytes(workbook))


@pytest.fixture(scope="module")
def ten_thousand_rows():
    """A decree of 10,000 table rows: 8 areas of 25 activities of 50 sub-activities."""
    lines = []
    for area in range(1, 9):
        for activity in range(1, 26):
            for sub in range(1, 51):
                lines.append(
                    row(
                        str(area) if activity == sub == 1 else "",
                        f"Area {area}" if activity == sub == 1 else "",
                        f"{activity} Kegiatan {area}.{activity};" if sub == 1 else "",
                        f"{sub} Sub kegiatan {area}.{activity}.{sub};",
                        f"Indikator {area}.{activity}.{sub};",
                        months=(sub % 12 + 1,),
                    )
                )
    return decree_text("".join(lines))


def test_xlsx_with_10000_rows_reads_in_seconds(ten_thousand_rows):
    source = files.layout(ten_thousand_rows)
    data = files.xlsx_bytes(files.build_xlsx(source, merge=False))
    assert len(data) < MAX_BYTES
    started = time.perf_counter()
    doc = read_document(data)
    elapsed = time.perf_counter() - started
    print(f"\n10,000-row XLSX ({len(data) // 1024} KB) read in {elapsed:.2f} s")
    assert elapsed < 20
    assert len([r for r in doc.rows if r.cells[3].startswith(tuple("123456789"))]) == 10_000


# -- DOCX ----------------------------------------------------------------------------------


def test_docx_positions_tables_and_pages(built):
    doc = read_document(built[("docx", "bengkayang")])
    assert doc.positions[doc.body[0][0]].paragraph == 1
    assert {r.position.table for r in doc.rows} == set(range(1, 9))  # one table per page
    starts = [r.position.table for r in doc.rows if r.page_start]
    assert starts == list(range(2, 9))
    first = doc.rows[0]
    assert first.cell_refs[:2] == ("1", "2")
    assert first.cell_position(1) == Position(table=1, row=1, cell=2)


def test_docx_merged_cells_are_blank_after_their_first_grid_position(built):
    data = built[("docx", "bengkayang")]
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:vMerge/>" in xml and 'w:gridSpan w:val="12"' in xml
    doc = read_document(data)
    header = doc.rows[0]
    assert header.cells[5] == "PELAKSANAAN (BULAN)"
    assert header.cells[6:17] == [""] * 11


def test_docx_text_left_in_a_continued_vertical_merge_is_not_repeated():
    cells = ["1", "Manajemen Perubahan", "1 K;", "1 S;", "1 I;", "√"]
    more = ["", "", "", "2 S;", "2 I;", "√"]
    document, table = docx_with_table([HEADER, cells, more])
    from docx.table import _Cell

    table.rows[1].cells[1].merge(table.rows[2].cells[1])
    continued = table.rows[2]._tr.tc_lst[1]
    assert continued.vMerge == "continue"
    _Cell(continued, table).add_paragraph("Manajemen Perubahan")  # left behind by an editor
    doc = read_document(files.docx_bytes(document))
    assert doc.rows[1].cells[1] == "Manajemen Perubahan"
    assert doc.rows[2].cells[1] == ""


def docx_with_table(rows: list[list[str]], before=("KEPUTUSAN X",), after=("Ditetapkan di X",)):
    from docx import Document

    document = Document()
    for line in before:
        document.add_paragraph(line)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for i, cells in enumerate(rows):
        for j, text in enumerate(cells):
            table.rows[i].cells[j].text = text
    for line in after:
        document.add_paragraph(line)
    return document, table


HEADER = ["NO", "AREA PERUBAHAN", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR KEBERHASILAN", "JAN"]


def test_docx_cell_paragraphs_are_joined_by_newlines_and_shading_is_a_mark():
    document, table = docx_with_table(
        [HEADER, ["1", "Manajemen Perubahan", "1 K;", "1 S;", "", ""]]
    )
    cell = table.rows[1].cells[4]
    cell.paragraphs[0].text = "1 Indikator satu;"
    cell.add_paragraph("2 Indikator dua;")
    files.shade(table.rows[1].cells[5])
    doc = read_document(files.docx_bytes(document))
    row = doc.rows[1]
    assert row.cells[4] == "1 Indikator satu;\n2 Indikator dua;"
    assert row.filled == frozenset({5})
    assert row.position == Position(table=1, row=2)


def test_docx_soft_line_breaks_split_body_lines():
    document, _ = docx_with_table([HEADER])
    paragraph = document.paragraphs[0]
    paragraph.add_run().add_break()
    paragraph.add_run("NOMOR 7 TAHUN 2023")
    doc = read_document(files.docx_bytes(document))
    assert [line for _, line in doc.body] == ["KEPUTUSAN X", "NOMOR 7 TAHUN 2023"]
    assert {doc.positions[n] for n, _ in doc.body} == {Position(paragraph=1)}
    assert [line for _, line in doc.closing] == ["Ditetapkan di X"]


def test_docx_automatic_numbering_is_written_out():
    from docx import Document

    document = Document()
    document.add_paragraph("Menimbang :")
    document.add_paragraph("bahwa perlu menetapkan rencana aksi;", style="List Number")
    document.add_paragraph("bahwa perlu keputusan;", style="List Number")
    table = document.add_table(rows=1, cols=len(HEADER))
    for j, text in enumerate(HEADER):
        table.rows[0].cells[j].text = text
    doc = read_document(files.docx_bytes(document))
    lines = [line for _, line in doc.body]
    assert lines[1:] == ["1. bahwa perlu menetapkan rencana aksi;", "2. bahwa perlu keputusan;"]


def test_docx_body_table_before_the_lampiran_is_read_as_lines():
    from docx import Document

    document = Document()
    layout = document.add_table(rows=1, cols=3)
    for j, text in enumerate(["Menimbang", ":", "a. bahwa satu;\nb. bahwa dua;"]):
        layout.rows[0].cells[j].text = text
    table = document.add_table(rows=1, cols=len(HEADER))
    for j, text in enumerate(HEADER):
        table.rows[0].cells[j].text = text
    doc = read_document(files.docx_bytes(document))
    assert [line for _, line in doc.body] == ["Menimbang : a. bahwa satu;", "b. bahwa dua;"]
    assert doc.positions[doc.body[0][0]] == Position(table=1, row=1)
    assert doc.rows[0].position.table == 2


def test_docx_title_row_above_the_header_is_a_body_line():
    title = ["RENCANA AKSI TAHUN 2023", "", "", "", "", ""]
    cells = ["1", "Manajemen Perubahan", "1 K;", "1 S;", "1 I;", "√"]
    document, _ = docx_with_table([title, HEADER, cells])
    doc = read_document(files.docx_bytes(document))
    assert doc.body[-1][1] == "RENCANA AKSI TAHUN 2023"
    assert doc.positions[doc.body[-1][0]] == Position(table=1, row=1)
    assert doc.rows[0].cells[0] == "NO" and doc.rows[0].position == Position(table=1, row=2)


def test_docx_without_a_table_is_a_clear_error():
    from docx import Document

    document = Document()
    document.add_paragraph("KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN X NOMOR 1 TAHUN 2023")
    with pytest.raises(DecreeError, match="Tidak ada tabel Lampiran di dokumen Word"):
        read_document(files.docx_bytes(document))


def test_docx_in_another_language_is_a_clear_error():
    english = ["No", "Change area", "Activity", "Sub-activity", "Success indicator", "Jan"]
    document, _ = docx_with_table([english, ["1", "Change management", "Plan", "Team", "SK", ""]])
    with pytest.raises(DecreeError) as error:
        read_document(files.docx_bytes(document))
    assert "bahasa Inggris" in error.value.message
    assert error.value.position == Position(table=1, row=1)


# -- PDF -----------------------------------------------------------------------------------


def test_pdf_positions_pages_and_rows(built):
    doc = read_document(built[("pdf", "bengkayang")])
    pages = sorted({r.position.page for r in doc.rows})
    assert len(pages) >= 8  # one table page per text page, or more
    starts = [r for r in doc.rows if r.page_start]
    assert [r.position.page for r in starts] == pages[1:]
    assert all(r.position.row == 1 for r in starts)
    body_positions = [doc.positions[n] for n, _ in doc.body]
    assert body_positions[0].page == 1 and body_positions[0].line == 1
    # The header repeated on every page is kept as a header row.
    headers = [r for r in doc.rows if r.cells[0] == "NO"]
    assert len(headers) == 8


def test_pdf_line_breaks_in_a_cell_are_kept_and_wrapped_lines_joined():
    long = "Tersedianya dokumen " + "monitoring pelaksanaan rencana aksi " * 6 + "di unit kerja;"
    page = [
        [*HEADER, "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEP", "OKT", "NOV", "DES"],
        ["1", "Manajemen Perubahan", "1 Kegiatan;", long, "1 Satu;\n2 Dua;", "√"] + [""] * 11,
    ]
    source = files.Layout(["KEPUTUSAN X"], [], [page], ["Ditetapkan di X"])
    doc = read_document(files.pdf_bytes(files.build_pdf_html(source)))
    cells = doc.rows[1].cells
    assert cells[4] == "1 Satu;\n2 Dua;"
    assert cells[3] == long  # wrapped over several lines in the PDF, one text again


def test_pdf_table_without_rules_is_read_by_its_header(text_plans):
    data = files.pdf_from_text(SMALL, rules=False)
    doc = read_document(data)
    assert any(f.kind == "pdf_text_strategy" for f in doc.findings)
    assert plan(parse_decree(data)) == plan(text_plans["small"])


def test_a_scanned_pdf_is_a_clear_error():
    with pytest.raises(DecreeError) as error:
        read_document(files.scanned_pdf())
    assert error.value.message.startswith("PDF ini hasil pindaian (gambar) tanpa lapisan teks")
    assert error.value.position == Position(page=1)


def test_a_scanned_page_among_text_pages_is_a_finding(small_layout):
    scan = files.scanned_pdf()
    import pypdfium2

    # The small decree, then a page that is only a picture.
    document = pypdfium2.PdfDocument(files.pdf_from_text(SMALL))
    document.import_pages(pypdfium2.PdfDocument(scan))
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_document(buffer.getvalue())
    finding = next(f for f in doc.findings if f.kind == "scanned_page")
    assert finding.position == Position(page=len(document))
    assert table_rows(doc) == table_rows(read_text(SMALL))


def test_a_password_protected_pdf_is_a_clear_error():
    import pypdfium2

    data = files.encrypted_pdf("rahasia")
    # The file is a real encrypted PDF: it opens with its password.
    opened = pypdfium2.PdfDocument(data, password="rahasia")
    assert opened[0].get_textpage().get_text_range() == "KEPUTUSAN RAHASIA"
    with pytest.raises(DecreeError, match="dilindungi kata sandi"):
        read_document(data)


def test_a_truncated_pdf_is_a_clear_error(built):
    data = built[("pdf", "small")]
    with pytest.raises(DecreeError, match="terpotong"):
        read_document(data[: len(data) * 2 // 3])


def test_a_pdf_with_broken_insides_is_a_clear_error():
    with pytest.raises(DecreeError, match="Berkas PDF rusak"):
        read_document(b"%PDF-1.7\nnot a pdf at all\n%%EOF\n")


def test_a_pdf_in_another_language_is_a_clear_error():
    english = ["No", "Change area", "Activity", "Sub-activity", "Success indicator", "Jan"]
    source = files.Layout(
        ["DECREE"], [], [[english, ["1", "Change management", "", "", "", ""]]], []
    )
    with pytest.raises(DecreeError) as error:
        read_document(files.pdf_bytes(files.build_pdf_html(source)))
    assert "bahasa Inggris" in error.value.message
    assert error.value.position.page == 2  # the builder starts the Lampiran on a new page
