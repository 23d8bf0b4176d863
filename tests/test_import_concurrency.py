"""Imports running at the same time, and readers during a replace (two connections).

Each test holds one import inside its transaction (paused in the middle of its write) while
a second connection imports or reads. On PostgreSQL the second import waits for the unit's
lock and then sees the plan; SQLite allows one writer at a time, so there the second import
or read finds the table locked. Either way: one plan, one clear refusal, and never a reader
who sees part of a replace.
"""

import threading

import pytest
from django.db import OperationalError, connection

import renaksi.importer.services as services
from renaksi.importer.services import ImportRefused, import_decree
from renaksi.plans.models import ActionPlan, Indicator, SubActivity
from renaksi.units.models import Unit

from .import_support import base_tree, decree_bytes, make_units, tree_snapshot

# Transactional: each import runs in a thread with a connection of its own. The flush after
# each test also empties the change areas the migrations loaded; make_units() restores them.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Paused:
    """Runs an import in a thread of its own, paused inside ``services.<hook>`` until
    ``release()``."""

    def __init__(self, monkeypatch, hook: str):
        self.inside = threading.Event()
        self.go = threading.Event()
        self.outcome = None
        original = getattr(services, hook)
        owner = self

        def paused(*args, **kwargs):
            result = original(*args, **kwargs)
            if threading.current_thread() is owner.thread:
                owner.inside.set()
                owner.go.wait(20)
            return result

        monkeypatch.setattr(services, hook, paused)
        self.thread = None

    def start(self, target) -> None:
        def run():
            try:
                self.outcome = target()
            except Exception as error:  # reported to the test through .outcome
                self.outcome = error
            finally:
                connection.close()

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert self.inside.wait(20), self.outcome

    def release(self):
        self.go.set()
        self.thread.join(20)
        return self.outcome


def in_thread(target):
    box = {}

    def run():
        try:
            box["outcome"] = target()
        except Exception as error:
            box["outcome"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def test_two_first_imports_at_once_give_one_plan_and_one_clear_refusal(monkeypatch):
    unit_pk = make_units().pk
    other = base_tree()
    other[0]["activities"][0]["name"] = "Kegiatan dari berkas kedua"
    first = Paused(monkeypatch, "write_tree")
    first.start(
        lambda: import_decree(decree_bytes(), unit=Unit.objects.get(pk=unit_pk), filename="a.txt")
    )
    second, box = in_thread(
        lambda: import_decree(
            decree_bytes(other), unit=Unit.objects.get(pk=unit_pk), filename="b.txt"
        )
    )
    second.join(1.5)
    if connection.vendor == "postgresql":
        assert second.is_alive()  # waiting for the unit's lock
    result = first.release()
    second.join(20)
    assert not second.is_alive()

    assert result.status == "created"
    refusal = box["outcome"]
    assert isinstance(refusal, ImportRefused), refusal
    if connection.vendor == "postgresql":
        # It waited, then saw the plan the first import made.
        assert "sudah memiliki rencana aksi tahun 2023" in refusal.message
    else:
        assert "sedang diimpor oleh proses lain" in refusal.message
    assert ActionPlan.objects.count() == 1
    assert SubActivity.objects.count() == 24 and Indicator.objects.count() == 32
    assert ActionPlan.objects.get().source_name == "a.txt"


def test_a_plan_created_between_check_and_insert_is_a_clear_refusal(monkeypatch):
    unit = make_units()
    import_decree(decree_bytes(), unit=unit, filename="a.txt")
    other = base_tree()
    other[0]["activities"][0]["name"] = "Kegiatan dari berkas kedua"
    # As if another import committed its plan after this one looked for it.
    monkeypatch.setattr(services, "_locked_plan", lambda unit, year: None)
    with pytest.raises(ImportRefused) as refused:
        import_decree(decree_bytes(other), unit=unit, filename="b.txt")
    assert "baru saja mendapat rencana aksi tahun 2023" in refused.value.message
    assert ActionPlan.objects.count() == 1
    assert SubActivity.objects.count() == 24


def test_readers_during_a_replace_see_the_old_plan_or_the_new_one(monkeypatch):
    unit = make_units()
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    before = tree_snapshot(plan)
    new = base_tree()
    del new[3]["activities"][1]
    new[2]["activities"][0]["subs"][0]["name"] = "Sub satu area 3 diubah"
    new[5]["activities"][0]["subs"].append(
        {"name": "Sub tambahan", "months": [5], "indicators": ["Dokumen tambahan"]}
    )

    # Paused after the whole tree is written, before the commit.
    writer = Paused(monkeypatch, "write_tree")
    writer.start(
        lambda: import_decree(
            decree_bytes(new), unit=Unit.objects.get(pk=unit.pk), filename="v2.txt", replace=True
        )
    )
    try:
        seen = tree_snapshot(ActionPlan.objects.get(pk=plan.pk))
    except OperationalError as error:
        # SQLite: the writer holds the tables; a reader is turned away, never shown half.
        assert connection.vendor == "sqlite" and "locked" in str(error)
    else:
        assert seen == before
    result = writer.release()
    assert result.status == "replaced", result
    after = tree_snapshot(ActionPlan.objects.get(pk=plan.pk))
    assert after != before
    assert [a[4][0][4][0][2] for a in after][2] == "Sub satu area 3 diubah"
    assert sum(len(act[4]) for area in after for act in area[4]) == 24
