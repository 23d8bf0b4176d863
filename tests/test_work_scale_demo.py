"""seed_demo's year's work: January–March of the Bengkayang demo plan, with real evidence files,
recorded once, through the services (audit trail), and nothing left behind by a failed seed."""

from collections import Counter
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from renaksi.audit.models import LogEntry
from renaksi.work import demo, realisations
from renaksi.work.files import evidence_storage, validate_upload
from renaksi.work.models import Evidence, EvidenceFile, EvidenceReview, Realisation, Review

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


def test_the_demo_plan_has_its_first_quarter_of_work_once(evidence_folder):
    output = seed()
    assert "Realisasi demo Januari–Maret 2022 dicatat: 6 periode." in output
    realisations_ = Realisation.objects.select_related("period", "plan__unit")
    assert {r.plan.unit.code for r in realisations_} == {"6107"}
    assert {r.year for r in realisations_} == {2022}
    assert {r.period.period for r in realisations_} == {1, 2, 3}
    assert Counter(r.state for r in realisations_) == {
        "terverifikasi": 4,
        "dikembalikan": 1,
        "diajukan": 1,
    }
    (waiting,) = [r for r in realisations_ if r.state == "diajukan"]
    assert waiting.period.period == 3
    # Each has one or two real files: stored bytes of the recorded size and a real type.
    storage = evidence_storage()
    for realisation in realisations_:
        items = list(realisation.evidence.select_related("file"))
        assert 1 <= len(items) <= 2
        for item in items:
            assert not item.file.generated and item.url == ""
            with storage.open(item.file.file.name) as handle:
                data = handle.read()
            assert len(data) == item.file.size < 100_000
            assert item.file.file_type in ("pdf", "png")
            upload = SimpleUploadedFile(item.original_name, data)
            assert validate_upload(upload).file_type == item.file.file_type
    # The reviews are their own rows; the returned one notes the refused item.
    assert Review.objects.filter(verdict="terverifikasi").count() == 4
    returned = Review.objects.get(verdict="dikembalikan")
    assert returned.comment == demo.RETURN_COMMENT and returned.reviewer.username == "asesor"
    note = EvidenceReview.objects.get(review=returned)
    assert (note.accepted, note.comment) == (False, demo.REFUSED_NOTE)
    # Every step is in the plan's history (the services wrote it).
    actions = Counter(
        LogEntry.objects.filter(action__startswith="work.realisation").values_list(
            "action", flat=True
        )
    )
    assert actions["work.realisation_saved"] == 6
    assert actions["work.realisation_submitted"] == 6
    assert actions["work.realisation_verified"] == 4
    assert actions["work.realisation_returned"] == 1
    # Only verified work counts as complete.
    verified = realisations.verified_evidence(Evidence.objects.all())
    assert {e.realisation.state for e in verified} == {"terverifikasi"}

    files = stored(evidence_folder)
    before = (Realisation.objects.count(), Evidence.objects.count(), LogEntry.objects.count())
    output = seed()
    assert "Realisasi demo" not in output
    assert (Realisation.objects.count(), Evidence.objects.count(), LogEntry.objects.count()) == (
        before
    )
    assert stored(evidence_folder) == files
    assert EvidenceFile.objects.count() * 2 == len(files)  # each file and its thumbnail


def test_a_failed_seed_leaves_no_rows_and_no_file(evidence_folder, monkeypatch):
    real_verify = realisations.verify
    calls = []

    def verify(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # after five realisations and their files were written
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
    assert Realisation.objects.count() == 6
    assert len(stored(evidence_folder)) == EvidenceFile.objects.count() * 2 > 0
