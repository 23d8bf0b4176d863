"""The LKE commands: lke_template, lke_score, lke_import."""

import io
import json
from fractions import Fraction

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from renaksi.audit.models import LogEntry
from renaksi.evaluation.models import Answer, Assessment
from renaksi.evaluation.worksheet import build_xlsx
from renaksi.units.models import Unit

from .scoring_support import full_marks, save_framework, small_lke
from .test_worksheet import fill, rows_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return save_framework(small_lke(), code="uji-2024")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failure(*args) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    message = str(caught.value)
    assert "\n" not in message  # one line
    return message


# -- lke_template ---------------------------------------------------------------------------


def test_template_json_to_the_screen(framework):
    out, _ = run("lke_template", "--framework", "uji-2024")
    data = json.loads(out)
    assert [i["code"] for i in data["items"]] == [n.code for n in small_lke().items]
    assert data["items"][0]["parents"] == ["Pengungkit", "Manajemen Perubahan", "Uraian A.1.i"]


def test_template_xlsx_to_a_file(framework, tmp_path):
    target = tmp_path / "lke.xlsx"
    out, _ = run("lke_template", "--framework", "uji-2024", "--format", "xlsx", "--output", target)
    assert "ditulis ke" in out
    sheet = load_workbook(target)["LKE"]
    assert "A.1.ii.b" in rows_by_code(sheet)


def test_template_json_to_a_file(framework, tmp_path):
    target = tmp_path / "lke.json"
    run("lke_template", "--framework", "uji-2024", "--output", str(target))
    assert json.loads(target.read_text())["framework"]["code"] == "uji-2024"


def test_template_failures(framework, tmp_path):
    assert failure("lke_template", "--framework", "zi-9999") == (
        "Kerangka evaluasi “zi-9999” tidak ada (yang ada: uji-2024)."
    )
    assert failure("lke_template", "--framework", "uji-2024", "--format", "pdf") == (
        "Format “pdf” tidak dikenal: pilih json atau xlsx."
    )
    assert failure("lke_template", "--framework", "uji-2024", "--format", "xlsx") == (
        "Lembar kerja XLSX perlu --output BERKAS.xlsx."
    )
    assert "adalah folder" in failure(
        "lke_template", "--framework", "uji-2024", "--output", str(tmp_path)
    )


# -- lke_score ------------------------------------------------------------------------------


def answers_file(tmp_path, data, name="jawaban.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def mp_answers():
    tree = small_lke()
    answers = {c: a for c, a in full_marks(tree).items() if c.startswith("A.1.")}
    answers["A.1.ii.b"] = "C"
    return answers


def test_score_json_prints_every_node_the_index_and_the_category(framework, tmp_path):
    answers = mp_answers() | {
        "A.2.i.a": {"numerator": 12, "denominator": 15},
        "A.2.ii.a": {"previous": 10, "current": 4},
        "A.2.iii.a": "b",
        "B.1.a": 3.2,
        "B.2.a": "80",
    }
    out, _ = run(
        "lke_score",
        "--framework",
        "uji-2024",
        "--answers",
        answers_file(tmp_path, answers),
        "--json",
    )
    data = json.loads(out)
    nodes = {n["code"]: n for n in data["nodes"]}
    assert (nodes["A.1.ii"]["score"], nodes["A.1.ii"]["percent"]) == (0.67, 66.67)
    assert (nodes["A.1"]["score"], nodes["A.1"]["maximum"], nodes["A.1"]["percent"]) == (
        3.67,
        4.0,
        91.67,
    )
    assert nodes["A.1"]["score_exact"] == "11/3"
    assert nodes["A.2.i.a"]["value"] == 0.8
    assert nodes["A.2"]["score"] == 1.6 + 1.2 + 0.75
    index = Fraction(11, 3) + Fraction(8, 5) + Fraction(6, 5) + Fraction(3, 4) + 14 + 4
    assert data["index_exact"] == str(index)
    assert data["index"] == 25.22
    assert data["maximum"] == 31.5
    assert data["category"] == {"code": "D", "label": "Sangat kurang"}
    assert data["unanswered"] == []
    assert data["answered"] == data["items"] == len(small_lke().items)
    assert [n["code"] for n in data["nodes"]] == [n.code for n in small_lke().walk()]


def test_score_text_is_readable(framework, tmp_path):
    out, _ = run(
        "lke_score", "--framework", "uji-2024", "--answers", answers_file(tmp_path, mp_answers())
    )
    lines = out.splitlines()
    assert lines[0] == "Kerangka uji uji-2024 (uji-2024)"
    ii = next(line for line in lines if line.strip().startswith("A.1.ii "))
    assert ii.endswith("Sub komponen: Uraian A.1.ii — 0,67 / 1,00 (66,67 %)")
    area = next(line for line in lines if line.strip().startswith("A.1 "))
    assert area.endswith("Area: Manajemen Perubahan — 3,67 / 4,00 (91,67 %)")
    item = next(line for line in lines if line.strip().startswith("A.1.ii.b "))
    assert item.endswith("— nilai 0,00")
    unanswered = next(line for line in lines if line.strip().startswith("B.1.a "))
    assert unanswered.endswith("— belum dijawab")
    assert "Indeks: 3,67 dari 31,50 · Kategori: D (Sangat kurang)" in lines
    assert "Butir terjawab: 12 dari 17." in lines


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"A.9.z": "a"}, "Kode butir “A.9.z” tidak ada di kerangka ini."),
        ({"A.1.ii.b": "F"}, "Butir A.1.ii.b: jawaban “F” bukan salah satu pilihan (A, B, C)."),
        ({"A.1.ii.b": 1}, "Butir A.1.ii.b: jawabannya sebuah pilihan (A, B, C), bukan “1”."),
        (
            {"A.2.i.a": {"numerator": 16, "denominator": 15}},
            "Butir A.2.i.a: pembilang (16) tidak boleh lebih besar dari penyebut (15).",
        ),
        (
            {"A.2.i.a": {"numerator": -1, "denominator": 15}},
            "Butir A.2.i.a: jumlah “numerator” tidak boleh negatif (-1).",
        ),
        (
            {"A.2.i.a": {"numerator": 1.5, "denominator": 15}},
            "Butir A.2.i.a: jumlah “numerator” harus bilangan bulat, bukan “1.5”.",
        ),
        ({"A.2.i.a": "80%"}, None),
        ({"B.1.a": 5}, "Butir B.1.a: nilai 5 di luar rentang 0–4."),
        ({"B.1.a": "baik"}, "Butir B.1.a: “baik” bukan angka."),
        ({"A.1": "a"}, "Kode butir “A.1” tidak ada di kerangka ini."),
    ],
)
def test_score_refuses_unknown_codes_and_wrong_types_naming_the_code(
    framework, tmp_path, answers, message
):
    got = failure(
        "lke_score", "--framework", "uji-2024", "--answers", answers_file(tmp_path, answers)
    )
    if message:
        assert got == message
    code = next(iter(answers))
    assert code in got


def test_score_file_failures(framework, tmp_path):
    missing = str(tmp_path / "tidak-ada.json")
    assert failure("lke_score", "--framework", "uji-2024", "--answers", missing) == (
        f"Berkas jawaban {missing} tidak ada."
    )
    broken = answers_file(tmp_path, '{"A.1.i.a": "ya",\n "A.1.i.b": }')
    assert failure("lke_score", "--framework", "uji-2024", "--answers", broken) == (
        f"Berkas jawaban {broken} bukan JSON yang sah: baris 2, kolom 13."
    )
    listed = answers_file(tmp_path, '["ya"]')
    assert failure("lke_score", "--framework", "uji-2024", "--answers", listed).startswith(
        f"Berkas jawaban {listed} harus berisi satu objek"
    )
    assert failure("lke_score", "--framework", "x", "--answers", listed).startswith(
        "Kerangka evaluasi “x” tidak ada"
    )


def test_score_counts_nothing_answered(framework, tmp_path):
    out, _ = run(
        "lke_score", "--framework", "uji-2024", "--answers", answers_file(tmp_path, {}), "--json"
    )
    data = json.loads(out)
    assert data["index"] == 0.0
    assert data["category"] is None
    assert len(data["unanswered"]) == 17


@pytest.mark.parametrize(
    ("name", "phrases"),
    [
        ("lke_template", ["Tulis lembar kerja LKE", "--framework FRAMEWORK", "json (bawaan)"]),
        ("lke_score", ["tanpa menyimpan apa pun", '{"numerator": n, "denominator": d}']),
        ("lke_import", ["Semua jawaban disimpan atau tidak", "FILE.xlsx", "--user USER"]),
    ],
)
def test_help_is_plain_words(name, phrases):
    from django.core.management import load_command_class

    text = load_command_class("renaksi.evaluation", name).create_parser("manage.py", name)
    help_text = " ".join(text.format_help().split())
    for phrase in phrases:
        assert phrase in help_text


# -- lke_import -----------------------------------------------------------------------------


@pytest.fixture
def unit():
    return Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")


def filled_file(tmp_path, framework, cells, name="isi.xlsx"):
    path = tmp_path / name
    path.write_bytes(fill(framework, cells))
    return str(path)


GOOD = {
    "A.1.ii.a": {"E": "Ya", "H": "SK Tim ZI"},
    "A.1.ii.b": {"E": "C"},
    "A.1.ii.c": {"E": "A"},
    "A.2.i.a": {"F": 12, "G": 15},
    "B.1.a": {"E": 3.2},
}


def test_import_saves_the_answers_totals_and_one_audit_entry(framework, unit, tmp_path):
    out, _ = run(
        "lke_import",
        "--unit",
        "00",
        "--year",
        "2024",
        "--framework",
        "uji-2024",
        filled_file(tmp_path, framework, GOOD),
    )
    assert "5 jawaban disimpan, 0 tidak berubah, 12 butir kosong" in out
    assessment = Assessment.objects.get(unit=unit, year=2024, framework=framework)
    answers = {a.item.code: a for a in Answer.objects.filter(assessment=assessment)}
    assert set(answers) == set(GOOD)
    assert answers["A.1.ii.a"].option == "ya"
    assert answers["A.1.ii.a"].justification == "SK Tim ZI"
    assert answers["A.2.i.a"].counts == {"numerator": 12, "denominator": 15}
    assert answers["B.1.a"].number == Fraction(16, 5)
    expected = Fraction(2, 3) + Fraction(8, 5) + 14
    assert Fraction(assessment.index_value) == Fraction(str(round(float(expected), 4)))
    assert assessment.answered_count == 5
    entry = LogEntry.objects.get(action="evaluation.worksheet_imported")
    assert entry.data["saved"] == 5
    assert entry.actor is None
    assert entry.unit_id == unit.pk


def test_import_again_changes_nothing_and_blank_rows_keep_answers(framework, unit, tmp_path):
    path = filled_file(tmp_path, framework, GOOD)
    run("lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", path)
    out, _ = run("lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", path)
    assert "0 jawaban disimpan, 5 tidak berubah" in out
    only_one = filled_file(tmp_path, framework, {"A.1.ii.b": {"E": "A"}}, name="satu.xlsx")
    out, _ = run(
        "lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", only_one
    )
    assert "1 jawaban disimpan" in out
    assert Answer.objects.filter(option="ya", item__code="A.1.ii.a").exists()  # kept
    assert Answer.objects.get(item__code="A.1.ii.b").option == "a"


def test_import_with_problems_saves_nothing_and_lists_every_row(framework, unit, tmp_path):
    cells = GOOD | {"A.1.iii.a": {"E": "F"}, "A.2.ii.a": {"F": 3, "G": -2}}
    path = filled_file(tmp_path, framework, cells)
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "lke_import",
            "--unit",
            "00",
            "--year",
            "2024",
            "--framework",
            "uji-2024",
            path,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert str(caught.value) == (
        "Lembar kerja tidak diimpor (2 masalah di atas); tidak ada yang disimpan."
    )
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert "jawaban “F” bukan salah satu pilihan (A, B, C, D)." in lines[0]
    assert ", sel G" in lines[1]
    assert not Answer.objects.exists()
    assert not LogEntry.objects.filter(action="evaluation.worksheet_imported").exists()


def test_import_with_a_justification_the_services_refuse_saves_nothing(framework, unit, tmp_path):
    cells = GOOD | {"A.1.iii.a": {"E": "A", "H": "x" * 5001}}
    path = filled_file(tmp_path, framework, cells)
    with pytest.raises(CommandError):
        run("lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", path)
    assert not Answer.objects.exists()


def test_import_checks_the_user(framework, unit, tmp_path):
    path = filled_file(tmp_path, framework, GOOD)
    User.objects.create_user("tamu", password="x-rahasia-1")
    User.objects.create_superuser("admin", password="x-rahasia-1")
    args = ("lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", path)
    assert failure(*args, "--user", "tamu") == (
        "Pengguna tamu tidak boleh mengisi LKE KPU Republik Indonesia tahun 2024."
    )
    assert failure(*args, "--user", "siapa") == "Pengguna 'siapa' tidak ada atau tidak aktif."
    run(*args, "--user", "admin")
    entry = LogEntry.objects.get(action="evaluation.worksheet_imported")
    assert entry.actor.username == "admin"
    assert Answer.objects.filter(answered_by__username="admin").count() == 5


def test_import_failures(framework, unit, tmp_path):
    path = filled_file(tmp_path, framework, GOOD)
    assert failure(
        "lke_import", "--unit", "99", "--year", "2024", "--framework", "uji-2024", path
    ) == ("Satker dengan kode '99' tidak ada.")
    assert failure(
        "lke_import", "--unit", "00", "--year", "dua", "--framework", "uji-2024", path
    ).startswith("Tahun 'dua' tidak sah")
    assert failure(
        "lke_import", "--unit", "00", "--year", "2024", "--framework", "zz", path
    ).startswith("Kerangka evaluasi “zz” tidak ada")
    missing = str(tmp_path / "tidak-ada.xlsx")
    assert failure(
        "lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", missing
    ) == (f"Berkas {missing} tidak ada.")
    other = save_framework(small_lke(), code="lain-2024")
    wrong = tmp_path / "lain.xlsx"
    wrong.write_bytes(build_xlsx(other))
    with pytest.raises(CommandError):
        run("lke_import", "--unit", "00", "--year", "2024", "--framework", "uji-2024", str(wrong))
    assert not Answer.objects.exists()


def test_a_failure_is_one_line_and_a_non_zero_exit(tmp_path):
    """Run as people do: ``manage.py lke_template`` with a wrong format fails before touching
    the database, with one Indonesian line on stderr and exit status 1."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "uji",
        "RENAKSI_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "renaksi.settings",
    }
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            sys.executable,
            str(root / "manage.py"),
            "lke_template",
            "--framework",
            "zi-2021",
            "--format",
            "pdf",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: Format “pdf” tidak dikenal: pilih json atau xlsx."
    ]
    helped = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, str(root / "manage.py"), "lke_score", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
    )
    assert helped.returncode == 0
    assert "Hitung nilai LKE dari berkas jawaban JSON" in helped.stdout
    assert "--answers ANSWERS" in helped.stdout
