"""python manage.py copy_plan --unit CODE --from-year Y --to-year Y2"""

import io

import pytest
from django.core.management import call_command

from renaksi.audit.models import LogEntry
from renaksi.importer.services import import_decree
from renaksi.plans.models import ActionPlan, SubActivity

from .decree_samples import bengkayang_bytes
from .import_support import make_units
from .test_creation import add_pics

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = make_units()
    return import_decree(bengkayang_bytes(), unit=unit, filename="keputusan.txt").plan


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("copy_plan", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_copy_prints_what_was_copied_and_what_to_fill(plan):
    add_pics(plan, plan.unit)
    code, out, err = run("--unit", "6107", "--from-year", "2022", "--to-year", "2023")
    assert (code, err) == (0, "")
    copied = ActionPlan.objects.get(unit=plan.unit, year=2023)
    subs = SubActivity.objects.filter(activity__area__plan=copied).count()
    lines = out.splitlines()
    assert lines[0].startswith(
        "Rencana aksi KPU Kabupaten Bengkayang tahun 2022 disalin ke tahun 2023 (draf): 8 area, "
    )
    assert f"{subs} sub kegiatan" in lines[0]
    assert "PIC tidak disalin karena bukan lagi pengguna satker: pindah (3 baris)." in out
    assert "Isi data keputusan yang baru: nomor, judul lengkap, tanggal" in out
    assert "Periksa teks yang masih menyebut tahun 2022" in out
    entry = LogEntry.objects.get(plan=copied)
    assert entry.actor is None and entry.action == "plan.copied"


def test_all_pics_copied_is_said(plan):
    code, out, _ = run("--unit", "6107", "--from-year", "2022", "--to-year", "2024")
    assert code == 0 and "Semua PIC disalin." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--unit", "9999", "--from-year", "2022", "--to-year", "2023"),
            "Galat: satker dengan kode '9999' tidak ditemukan.",
        ),
        (
            ("--unit", "6107", "--from-year", "2021", "--to-year", "2023"),
            "Galat: KPU Kabupaten Bengkayang (6107) tidak memiliki rencana aksi tahun 2021.",
        ),
        (
            ("--unit", "6107", "--from-year", "2022", "--to-year", "2022"),
            "Galat: Tahun tujuan harus sesudah 2022, tahun rencana aksi yang disalin.",
        ),
        (
            ("--unit", "6107", "--from-year", "2022", "--to-year", "3000"),
            "Galat: --to-year 3000 di luar rentang tahun 2010–2100.",
        ),
        (
            ("--unit", "6107", "--from-year", "dua", "--to-year", "2023"),
            "Galat: --from-year harus berupa tahun, mis. 2023 (bukan 'dua').",
        ),
        (
            ("--unit", "\x1b[2J", "--from-year", "2022", "--to-year", "2023"),
            "Galat: satker dengan kode '\\x1b[2J' tidak ditemukan.",
        ),
    ],
)
def test_failures_are_one_clear_line(plan, args, message):
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err.strip() == message
    assert ActionPlan.objects.count() == 1


def test_a_taken_target_year(plan):
    ActionPlan.objects.create(unit=plan.unit, year=2023)
    code, out, err = run("--unit", "6107", "--from-year", "2022", "--to-year", "2023")
    assert code == 1 and out == ""
    assert err.strip() == (
        "Galat: KPU Kabupaten Bengkayang sudah memiliki rencana aksi tahun 2023. Buka rencana "
        "aksi itu, atau pilih tahun lain."
    )


def test_help_is_in_plain_words(capsys):
    with pytest.raises(SystemExit):
        call_command("copy_plan", "--help")
    text = capsys.readouterr().out
    assert "Salin rencana aksi satker" in text
    assert "--from-year" in text and "Tahun rencana aksi baru" in text
    assert "tidak disalin" in text
