"""import_decree on the command line: a bounded read, nothing raw from the document on the
terminal, findings with their position."""

import json
import pathlib
from io import StringIO

import pytest
from django.core.management import call_command

import renaksi.importer.services as services
from renaksi.importer.limits import MAX_DECREE_BYTES
from renaksi.importer.terminal import printable, printable_json
from renaksi.lib.decree.model import Finding, Position
from renaksi.lib.decree.parser import parse_decree
from renaksi.plans.models import ActionPlan

from .decree_samples import BENGKAYANG_PATH
from .import_support import decree_bytes, make_units

pytestmark = pytest.mark.django_db

NASTY = "\x1b]0;judul\x07\x1b[2J\r\u202eteks terbalik\u2066\x9b31m\x7f"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()


def run(*args):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_decree", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def raw_controls(text: str) -> list[str]:
    allowed = {"\n"}
    return [
        c
        for c in text
        if c not in allowed
        and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066\u2028\u2029")
    ]


@pytest.fixture
def nasty_reading(monkeypatch):
    """The parse result carries control characters, as a hostile document could."""

    def parse(data, *, choices=None):
        decree = parse_decree(data, choices=choices)
        decree.findings.append(
            Finding(
                7,
                "stray_text",
                f"Teks di luar kolom: {NASTY}",
                "warning",
                position=Position(sheet=f"Lampiran{NASTY}", row=5, column="C"),
            )
        )
        decree.header.unit_name = f"KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG{NASTY}"
        return decree

    monkeypatch.setattr(services, "parse_decree", parse)


# -- reading the file --------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_after_reading_one_byte_more(unit, tmp_path, monkeypatch):
    big = tmp_path / "besar.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    read = []
    real_open = pathlib.Path.open

    def counting_open(self, *args, **kwargs):
        handle = real_open(self, *args, **kwargs)
        real_read = handle.read

        class Counted:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                handle.close()

            def read(self, size=-1):
                data = real_read(size)
                read.append(len(data))
                return data

        return Counted()

    monkeypatch.setattr(pathlib.Path, "open", counting_open)
    code, out, err = run(str(big), "--unit", "6107")
    assert code == 1 and out == ""
    assert err.strip() == "Galat: berkas " + str(big) + " lebih besar dari batas 5 MB."
    assert sum(read) == MAX_DECREE_BYTES + 1
    assert ActionPlan.objects.count() == 0


def test_a_file_of_exactly_the_limit_is_read(unit, tmp_path):
    path = tmp_path / "pas.txt"
    data = decree_bytes()
    path.write_bytes(data + b" " * (MAX_DECREE_BYTES - len(data)))
    code, _, err = run(str(path), "--unit", "6107", "--dry-run")
    assert code == 0, err


def test_a_directory_is_one_clear_line(unit, tmp_path):
    code, _, err = run(str(tmp_path), "--unit", "6107")
    assert code == 1 and err.strip() == f"Galat: {tmp_path} adalah folder, bukan berkas."


# -- nothing raw on the terminal ---------------------------------------------------------------


def test_printable_escapes_every_control_character():
    assert printable("a\x1b[2Jb\tc\nd\u202e") == "a\\x1b[2Jb\\x09c\\x0ad\\u202e"
    assert printable("Bengkayang, 11 April 2022 – √") == "Bengkayang, 11 April 2022 – √"
    text = json.dumps({"m": NASTY}, ensure_ascii=False)
    safe = printable_json(text)
    assert raw_controls(safe) == [] and json.loads(safe) == {"m": NASTY}


def test_findings_are_printed_with_position_and_without_control_characters(
    unit, tmp_path, nasty_reading
):
    path = tmp_path / "sk.txt"
    path.write_bytes(decree_bytes())
    code, out, err = run(str(path), "--unit", "6107", "--dry-run")
    assert code == 0
    assert raw_controls(out + err) == []
    line = next(line for line in out.splitlines() if "[stray_text]" in line)
    assert line.startswith("  [stray_text] lembar 'Lampiran\\x1b]0;judul\\x07\\x1b[2J\\x0d\\u202e")
    assert "baris 5 kolom C: Teks di luar kolom: \\x1b]0;judul" in line


def test_a_refusal_from_the_document_is_printed_safely(unit, tmp_path, nasty_reading):
    path = tmp_path / "sk.txt"
    path.write_bytes(decree_bytes())
    code, out, err = run(str(path), "--unit", "6107")
    assert code == 1 and out == ""
    assert raw_controls(err) == [] and len(err.strip().splitlines()) == 1
    assert "Keputusan ini diterbitkan oleh 'KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG\\x1b" in err


def test_json_keeps_its_meaning_but_not_raw_controls(unit, tmp_path, nasty_reading):
    path = tmp_path / "sk.txt"
    path.write_bytes(decree_bytes())
    code, out, _ = run(str(path), "--unit", "6107", "--dry-run", "--json")
    assert code == 0 and raw_controls(out) == []
    data = json.loads(out)
    stray = next(a for a in data["anomalies"] if a["kind"] == "stray_text")
    assert stray["message"] == f"Teks di luar kolom: {NASTY}"
    assert stray["position"] == {"sheet": f"Lampiran{NASTY}", "row": 5, "column": "C"}


def test_a_file_full_of_escape_bytes_prints_none_of_them(unit, tmp_path):
    path = tmp_path / "sk.txt"
    path.write_bytes(decree_bytes().replace(b"Sub satu area 1", NASTY.encode() + b" Sub"))
    for args in ([], ["--dry-run"], ["--dry-run", "--json"]):
        _code, out, err = run(str(path), "--unit", "6107", *args)
        assert raw_controls(out + err) == [], args


def test_a_path_with_escapes_is_printed_safely(unit, tmp_path):
    code, _, err = run(str(tmp_path / "\x1b[2Jhilang.txt"), "--unit", "6107")
    assert code == 1 and "\\x1b[2Jhilang.txt" in err and raw_controls(err) == []


# -- positions -------------------------------------------------------------------------------


def test_text_findings_show_their_line_and_json_their_position(unit):
    code, out, _ = run(str(BENGKAYANG_PATH), "--unit", "6107", "--dry-run")
    assert code == 0
    assert "  [place_mismatch] baris 211: " in out
    code, out, _ = run(str(BENGKAYANG_PATH), "--unit", "6107", "--dry-run", "--json")
    place = next(a for a in json.loads(out)["anomalies"] if a["kind"] == "place_mismatch")
    assert place["position"] == {"line": 211} and place["where"] == "baris 211"
