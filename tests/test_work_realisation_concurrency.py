"""Two people at the same realisation at the same moment (two connections, PostgreSQL).

The first one's transaction is paused while it holds the row lock; the second waits for the
lock and then finds the version (or the state) changed: a conflict, nothing overwritten.
"""

import pytest

from renaksi.audit.models import LogEntry
from renaksi.work import realisations as services
from renaksi.work.models import Realisation, Review

from . import race_support
from .work_realisation_world import MARCH, build_rworld, good_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def run_two(monkeypatch, first_call, second_call):
    return race_support.run_two(monkeypatch, services, first_call, second_call)


def test_two_concurrent_edits_the_second_gets_a_conflict(monkeypatch):
    world = build_rworld()
    period = world.period(MARCH)
    base = services.save_realisation(
        world.users["implementer"], period, data=good_data(), expected_version=None
    )
    first, second = run_two(
        monkeypatch,
        lambda: services.save_realisation(
            world.users["implementer"],
            world.period(MARCH),
            data=good_data(narrative="Versi pertama"),
            expected_version=base.version,
        ),
        lambda: services.save_realisation(
            world.users["implementer2"],
            world.period(MARCH),
            data=good_data(narrative="Versi kedua"),
            expected_version=base.version,
        ),
    )
    assert isinstance(first, Realisation), first
    assert isinstance(second, services.RealisationConflict), second
    assert second.current.narrative == "Versi pertama"
    saved = Realisation.objects.get()
    assert (saved.narrative, saved.version) == ("Versi pertama", base.version + 1)
    assert LogEntry.objects.filter(action="work.realisation_saved").count() == 2


def test_two_concurrent_first_saves_of_a_period(monkeypatch):
    world = build_rworld()
    first, second = run_two(
        monkeypatch,
        lambda: services.save_realisation(
            world.users["implementer"],
            world.period(MARCH),
            data=good_data(narrative="Pertama"),
            expected_version=None,
        ),
        lambda: services.save_realisation(
            world.users["implementer2"],
            world.period(MARCH),
            data=good_data(narrative="Kedua"),
            expected_version=None,
        ),
    )
    assert isinstance(first, Realisation), first
    assert isinstance(second, services.RealisationConflict), second
    assert Realisation.objects.get().narrative == "Pertama"


def test_two_concurrent_decisions_only_one_wins(monkeypatch):
    world = build_rworld()
    realisation = services.save_realisation(
        world.users["implementer"], world.period(MARCH), data=good_data(), expected_version=None
    )
    realisation = services.submit(world.users["implementer"], realisation)
    stale = services.realisations_qs().get(pk=realisation.pk)
    first, second = run_two(
        monkeypatch,
        lambda: services.verify(world.users["assessor"], stale),
        lambda: services.return_(world.users["assessor2"], stale, "Kurang lengkap."),
    )
    assert isinstance(first, Realisation), first
    assert isinstance(second, services.RealisationError), second
    assert "baru saja berubah" in second.message
    assert Realisation.objects.get().state == Realisation.State.VERIFIED
    assert list(Review.objects.values_list("verdict", flat=True)) == ["terverifikasi"]
