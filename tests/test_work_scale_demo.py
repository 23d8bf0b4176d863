"""seed_demo's year's work leaves nothing behind when the seed fails half-way: no row, no stored
evidence file. (What the year's work is: tests/test_demo_work.py.)"""

from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.work import realisations
from renaksi.work.models import EvidenceFile, Realisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return folder


def stored(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_a_failed_seed_leaves_no_rows_and_no_file(evidence_folder, monkeypatch):
    real_verify = realisations.verify
    calls = []

    def verify(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # after several realisations and their files were written
            raise RuntimeError("the database went away")
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(realisations, "verify", verify)
    with pytest.raises(RuntimeError):
        seed()
    assert calls == [1, 1, 1]
    assert not Realisation.objects.exists() and not EvidenceFile.objects.exists()
    assert stored(evidence_folder) == []
    # The next run records the months.
    monkeypatch.setattr(realisations, "verify", real_verify)
    seed()
    assert Realisation.objects.count() == 348
    assert len(stored(evidence_folder)) == EvidenceFile.objects.count() * 2 > 0
