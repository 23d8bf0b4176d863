"""The stored source file: written only after the commit, never left behind; orphan cleanup."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

import renaksi.importer.services as services
from renaksi.importer.management.commands.clean_decree_files import Command as CleanCommand
from renaksi.importer.services import ImportRefused, import_decree
from renaksi.lib.decree.model import DecreeError
from renaksi.plans.models import ActionPlan

from .import_support import base_tree, decree_bytes, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def unit():
    return make_units()


def files_in(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_the_file_is_written_after_the_commit_not_before(
    unit, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = import_decree(decree_bytes(), unit=unit, filename="sk 7.txt").plan
    name = plan.source_file.name
    assert name.startswith("decrees/") and name.endswith(
        "6107-2023-" + plan.source_sha256[:12] + "-sk_7.txt"
    )
    assert files_in(media) == []  # the transaction is committed, the file not yet written
    for callback in callbacks:
        callback()
    assert files_in(media) == [name]
    assert (media / name).read_bytes() == decree_bytes()


def test_a_failure_after_the_tree_is_written_leaves_no_file(
    unit, media, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # record() runs after the file has been scheduled: the rollback must drop it.
    monkeypatch.setattr(services, "record", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        import_decree(decree_bytes(), unit=unit, filename="sk.txt")
    assert ActionPlan.objects.count() == 0
    assert files_in(media) == []


def test_refused_and_unreadable_imports_leave_no_file(
    unit, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_decree(decree_bytes(), unit=unit, filename="v1.txt")
    stored = files_in(media)
    other = base_tree()
    other[0]["activities"][0]["name"] = "Kegiatan lain"
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ImportRefused):
            import_decree(decree_bytes(other), unit=unit, filename="v2.txt")
        with pytest.raises(DecreeError):
            import_decree(b"bukan keputusan", unit=unit, filename="v3.txt")
    assert files_in(media) == stored


def test_replace_swaps_the_file_after_the_commit(unit, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan.source_file.name
    tree = base_tree()
    tree[0]["activities"][0]["name"] = "Kegiatan lain"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan = import_decree(decree_bytes(tree), unit=unit, filename="v2.txt", replace=True).plan
    assert files_in(media) == [old]  # nothing touched before the commit
    for callback in callbacks:
        callback()
    assert files_in(media) == [plan.source_file.name] != [old]
    assert (media / plan.source_file.name).read_bytes() == decree_bytes(tree)


def test_importing_the_same_file_again_restores_a_lost_file(
    unit, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    (media / plan.source_file.name).unlink()  # e.g. the process was killed after the commit
    with django_capture_on_commit_callbacks(execute=True):
        assert import_decree(decree_bytes(), unit=unit, filename="v1.txt").status == "unchanged"
    assert files_in(media) == [plan.source_file.name]


# -- clean_decree_files ----------------------------------------------------------------------


def run_clean(*args):
    out = StringIO()
    call_command("clean_decree_files", *args, stdout=out)
    return out.getvalue()


def test_clean_removes_only_files_no_plan_points_at(
    unit, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    kept = plan.source_file.name
    default_storage.save("decrees/2024/6107-2024-abc-yatim.txt", StringIO("x"))
    default_storage.save("decrees/lama/\x1b[31mmerah.txt", StringIO("y"))
    default_storage.save("lain/bukan-keputusan.txt", StringIO("z"))  # outside the folder
    orphans = ["decrees/2024/6107-2024-abc-yatim.txt", "decrees/lama/\x1b[31mmerah.txt"]

    out = run_clean("--dry-run")
    assert "Akan dihapus: decrees/2024/6107-2024-abc-yatim.txt" in out
    assert "Akan dihapus: decrees/lama/\\x1b[31mmerah.txt" in out and "\x1b" not in out
    assert "2 berkas tanpa rencana aksi akan dihapus" in out
    assert kept not in out
    assert sorted(files_in(media)) == sorted([kept, "lain/bukan-keputusan.txt", *orphans])

    out = run_clean()
    assert "2 berkas tanpa rencana aksi dihapus" in out
    assert sorted(files_in(media)) == sorted([kept, "lain/bukan-keputusan.txt"])
    assert run_clean().endswith(
        "0 berkas tanpa rencana aksi dihapus; 0 rencana aksi tanpa berkasnya.\n"
    )


def test_clean_names_plans_whose_file_is_missing(unit, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # committed, file never written
        plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    out = run_clean("--dry-run")
    assert f"Berkas hilang: {plan.source_file.name} (rencana aksi 6107 2023)" in out
    assert "1 rencana aksi tanpa berkasnya" in out


def test_clean_with_no_folder_yet(db, media):
    assert "0 berkas tanpa rencana aksi dihapus" in run_clean()


def test_clean_help_is_in_indonesian():
    text = CleanCommand().create_parser("manage.py", "clean_decree_files").format_help()
    text = " ".join(text.split())
    assert "tidak dipakai oleh rencana aksi mana pun" in text
    assert "Hanya tampilkan berkas yang akan dihapus" in text
