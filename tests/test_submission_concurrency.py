"""Two clicks, or two reviewers, at the same submission at the same moment (two connections,
PostgreSQL). The first one's transaction is paused while it holds the row lock; the second
waits for the lock, then finds the state changed and is told so: nothing saved twice."""

import pytest
from django.contrib.auth.models import User

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.submissions import services
from renaksi.submissions.models import Submission, SubmissionStep

from . import race_support
from .permission_world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def run_two(monkeypatch, first_call, second_call):
    return race_support.run_two(monkeypatch, services, first_call, second_call)


def fresh(world, name):
    return User.objects.get(pk=world.users[name].pk)


def test_a_double_click_on_send_sends_once(monkeypatch):
    world = build_world()
    plan = world.plans["6107"]
    first, second = run_two(
        monkeypatch,
        lambda: services.submit(fresh(world, "unit_admin"), plan, 1),
        lambda: services.submit(fresh(world, "unit_admin"), plan, 1),
    )
    assert isinstance(first, Submission), first
    assert isinstance(second, services.SubmissionError), second
    assert "tidak dikirim dua kali" in second.message
    assert Submission.objects.count() == 1
    assert SubmissionStep.objects.count() == 1
    assert LogEntry.objects.filter(action__startswith="submission.").count() == 1


def test_two_reviewers_decide_at_once_only_one_wins(monkeypatch):
    world = build_world()
    second_reviewer = User.objects.create_user("kalbar2")
    UnitRole.objects.create(
        user=second_reviewer, unit=world.units["61"], role=UnitRole.Role.REVIEWER
    )
    sent = services.submit(fresh(world, "unit_admin"), world.plans["6107"], 1)
    stale = services.submissions_qs().get(pk=sent.pk)
    first, second = run_two(
        monkeypatch,
        lambda: services.decide(fresh(world, "province_reviewer"), stale, True, "Lengkap."),
        lambda: services.decide(
            User.objects.get(pk=second_reviewer.pk), stale, False, "Kurang bukti."
        ),
    )
    assert isinstance(first, Submission), first
    assert isinstance(second, services.SubmissionError), second
    assert "diteruskan ke KPU Republik Indonesia" in second.message
    saved = Submission.objects.get()
    assert (saved.state, saved.at_unit.code) == (Submission.State.SUBMITTED, "00")
    assert list(SubmissionStep.objects.values_list("action", flat=True)) == [
        "submitted",
        "forwarded",
    ]


def test_reopen_and_accept_at_once(monkeypatch):
    world = build_world()
    sent = services.submit(fresh(world, "unit_admin"), world.plans["6107"], 1)
    forwarded = services.decide(fresh(world, "province_reviewer"), sent, True, "")
    stale = services.submissions_qs().get(pk=forwarded.pk)
    first, second = run_two(
        monkeypatch,
        lambda: services.reopen(fresh(world, "province_reviewer"), stale, "Ditarik."),
        lambda: services.decide(fresh(world, "national_reviewer"), stale, True, ""),
    )
    assert isinstance(first, Submission), first
    assert isinstance(second, services.SubmissionError), second
    assert Submission.objects.get().state == Submission.State.REOPENED
    assert not Submission.objects.get().locked


def test_a_save_started_while_the_quarter_is_sent_waits_and_is_refused(monkeypatch):
    from renaksi.work import realisations as work

    from .work_realisation_world import MARCH, build_rworld, good_data

    world = build_rworld()
    first_save = work.save_realisation(
        world.users["implementer"], world.period(MARCH), data=good_data(), expected_version=None
    )
    sent, saved = run_two(
        monkeypatch,
        lambda: services.submit(User.objects.get(pk=world.users["unit_admin"].pk), world.plan, 1),
        lambda: work.save_realisation(
            world.users["implementer"],
            world.period(MARCH),
            data=good_data(progress="90"),
            expected_version=first_save.version,
        ),
    )
    assert isinstance(sent, Submission), sent
    assert isinstance(saved, work.RealisationError), saved
    assert "dikunci" in saved.message
    from renaksi.work.models import Realisation

    assert Realisation.objects.get().progress == first_save.progress
