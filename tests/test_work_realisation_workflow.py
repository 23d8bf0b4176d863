"""The verification state machine of a realisation: every action from every state, by every
kind of actor; reviews as their own rows; separation of duties; the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renaksi.audit.models import LogEntry
from renaksi.work import realisations as services
from renaksi.work.models import Evidence, EvidenceReview, Realisation, Review

from .work_realisation_world import MARCH, build_rworld, good_data, pdf_file

pytestmark = pytest.mark.django_db

State = Realisation.State
STATES = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.VERIFIED]
ACTORS = [
    "implementer",  # submitted it (the reporter)
    "implementer2",  # reports on it too, did not submit
    "assessor",
    "both",  # implementer and assessor: submits in the "submitter is both" rows
    "steering",
    "agent",
    "outsider",
    "reader",
    "unit_admin",
]

# (action, state it starts from) -> who may take it. Every other pair is refused.
ALLOWED = {
    ("submit", State.DRAFT): {"implementer", "implementer2", "both"},
    ("submit", State.RETURNED): {"implementer", "implementer2", "both"},
    ("withdraw", State.SUBMITTED): {"implementer", "implementer2", "both"},
    ("verify", State.SUBMITTED): {"assessor", "both"},
    ("return", State.SUBMITTED): {"assessor", "both"},
    ("reopen", State.VERIFIED): {"assessor", "both"},
}
TARGET = {
    "submit": State.SUBMITTED,
    "withdraw": State.DRAFT,
    "verify": State.VERIFIED,
    "return": State.RETURNED,
    "reopen": State.RETURNED,
}
LOG_ACTION = {
    "submit": "work.realisation_submitted",
    "withdraw": "work.realisation_withdrawn",
    "verify": "work.realisation_verified",
    "return": "work.realisation_returned",
    "reopen": "work.realisation_reopened",
}


@pytest.fixture
def world():
    return build_rworld()


def realisation_in(world, state: str, submitter: str = "implementer") -> Realisation:
    """A realisation of March brought to ``state`` the way people do it."""
    users = world.users
    realisation = services.save_realisation(
        users["implementer"], world.period(MARCH), data=good_data(), expected_version=None
    )
    if state == State.DRAFT:
        return realisation
    realisation = services.submit(users[submitter], realisation)
    if state == State.RETURNED:
        realisation = services.return_(users["assessor2"], realisation, "Lengkapi daftar hadir.")
    elif state == State.VERIFIED:
        realisation = services.verify(users["assessor2"], realisation)
    return services.realisations_qs().get(pk=realisation.pk)


def take(world, action: str, actor: str, realisation: Realisation) -> Realisation:
    user = world.users[actor]
    if action == "submit":
        return services.submit(user, realisation)
    if action == "withdraw":
        return services.withdraw(user, realisation)
    if action == "verify":
        return services.verify(user, realisation, "Lengkap.")
    if action == "return":
        return services.return_(user, realisation, "Foto kurang jelas.")
    return services.reopen(user, realisation, "Nilai capaian salah ketik.")


CASES = [(action, state, actor) for action in TARGET for state in STATES for actor in ACTORS]


@pytest.mark.parametrize("action,state,actor", CASES)
def test_transition_table(world, action, state, actor):
    realisation = realisation_in(world, state)
    version = realisation.version
    entries = LogEntry.objects.count()
    reviews = Review.objects.count()
    allowed = actor in ALLOWED.get((action, state), set())
    assert services.may(world.users[actor], action, realisation) == allowed
    if allowed:
        result = take(world, action, actor, realisation)
        saved = Realisation.objects.get(pk=realisation.pk)
        assert saved.state == TARGET[action] == result.state
        assert saved.version == version + 1
        entry = LogEntry.objects.latest("pk")
        assert entry.action == LOG_ACTION[action]
        assert entry.actor == world.users[actor]
        assert entry.data["before"]["state"] == state
        assert entry.data["after"]["state"] == TARGET[action]
        assert entry.object_id == str(realisation.pk) and entry.plan_id == world.plan.pk
        if action in ("verify", "return", "reopen"):
            review = Review.objects.latest("pk")
            assert review.reviewer == world.users[actor]
            assert review.verdict == ("terverifikasi" if action == "verify" else "dikembalikan")
            assert review.realisation_version == version
            assert Review.objects.count() == reviews + 1
        if action == "submit":
            assert saved.submitted_by == world.users[actor]
    else:
        may_see_state = actor in {
            a for (act, _s), people in ALLOWED.items() if act == action for a in people
        }
        expected = (services.RealisationError,) if may_see_state else (PermissionDenied,)
        with pytest.raises(expected):
            take(world, action, actor, realisation)
        saved = Realisation.objects.get(pk=realisation.pk)
        assert (saved.state, saved.version) == (state, version)
        assert LogEntry.objects.count() == entries
        assert Review.objects.count() == reviews


@pytest.mark.parametrize("action", ["verify", "return"])
def test_the_submitter_does_not_decide_on_their_own_submission(world, action):
    """``both`` reports on the sub-activity and is an assessor: once they submitted it,
    another assessor decides (separation of duties)."""
    realisation = realisation_in(world, State.SUBMITTED, submitter="both")
    assert not services.may(world.users["both"], action, realisation)
    with pytest.raises(services.RealisationError) as caught:
        take(world, action, "both", realisation)
    assert "anggota Tim Asesor lain" in caught.value.message
    assert Realisation.objects.get(pk=realisation.pk).state == State.SUBMITTED
    assert not Review.objects.exists()
    take(world, action, "assessor", realisation)  # another assessor may


def test_the_submitter_does_not_reopen_their_verified_realisation(world):
    realisation = realisation_in(world, State.VERIFIED, submitter="both")
    with pytest.raises(services.RealisationError):
        take(world, "reopen", "both", realisation)
    assert Realisation.objects.get(pk=realisation.pk).state == State.VERIFIED


def test_return_needs_a_comment_and_a_refused_item_needs_its_own(world):
    realisation = realisation_in(world, State.DRAFT)
    realisation = services.save_realisation(
        world.users["implementer"],
        world.period(MARCH),
        data=good_data(),
        expected_version=realisation.version,
        files=[pdf_file("a.pdf", b"1"), pdf_file("b.pdf", b"2")],
    )
    realisation = services.submit(world.users["implementer"], realisation)
    first, second = Evidence.objects.order_by("pk")
    with pytest.raises(ValidationError) as caught:
        services.return_(world.users["assessor"], realisation, "   ")
    assert "comment" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.return_(world.users["assessor"], realisation, "Perbaiki.", {first.pk: (False, "")})
    assert f"note_{first.pk}" in caught.value.message_dict
    assert not Review.objects.exists()
    assert Realisation.objects.get(pk=realisation.pk).state == State.SUBMITTED

    services.return_(
        world.users["assessor"],
        realisation,
        "Perbaiki daftar hadir.",
        {first.pk: (False, "Tidak terbaca."), second.pk: (True, "")},
    )
    review = Review.objects.get()
    notes = list(
        EvidenceReview.objects.filter(review=review).values_list("evidence_id", "accepted")
    )
    assert notes == [(first.pk, False)]  # an accepted item without a comment keeps no note
    entry = LogEntry.objects.get(action="work.realisation_returned")
    assert entry.data["comment"] == "Perbaiki daftar hadir."
    assert entry.data["evidence_notes"] == {first.title: "tidak diterima — Tidak terbaca."}


def test_verify_refuses_a_refused_item_and_notes_of_foreign_evidence(world):
    realisation = services.save_realisation(
        world.users["implementer"],
        world.period(MARCH),
        data=good_data(),
        expected_version=None,
        files=[pdf_file()],
    )
    realisation = services.submit(world.users["implementer"], realisation)
    item = Evidence.objects.get()
    with pytest.raises(ValidationError):
        services.verify(world.users["assessor"], realisation, "", {item.pk: (False, "Buram")})
    with pytest.raises(ValidationError):
        services.verify(world.users["assessor"], realisation, "", {item.pk + 1000: (True, "x")})
    assert Realisation.objects.get(pk=realisation.pk).state == State.SUBMITTED
    services.verify(world.users["assessor"], realisation, "", {item.pk: (True, "Jelas.")})
    assert EvidenceReview.objects.get().comment == "Jelas."


def test_reopen_needs_a_reason_kept_as_a_review(world):
    realisation = realisation_in(world, State.VERIFIED)
    with pytest.raises(ValidationError) as caught:
        services.reopen(world.users["assessor"], realisation, "")
    assert "reason" in caught.value.message_dict
    services.reopen(world.users["assessor"], realisation, "Nilai salah ketik.")
    saved = Realisation.objects.get(pk=realisation.pk)
    assert saved.state == State.RETURNED and saved.verified_at is None
    assert Review.objects.latest("pk").comment == "Nilai salah ketik."


def test_the_full_cycle_keeps_every_review_and_every_step_in_the_history(world):
    users = world.users
    realisation = realisation_in(world, State.DRAFT)
    realisation = services.submit(users["implementer"], realisation, realisation.version)
    realisation = services.return_(users["assessor"], realisation, "Tambahkan foto.")
    realisation = services.save_realisation(
        users["implementer"],
        world.period(MARCH),
        data=good_data(progress="100", status="selesai"),
        expected_version=realisation.version,
        files=[pdf_file()],
    )
    assert realisation.state == State.RETURNED  # revised, not yet resubmitted
    realisation = services.submit(users["implementer"], realisation, realisation.version)
    realisation = services.verify(users["assessor"], realisation, "Lengkap.")
    assert list(Review.objects.values_list("verdict", flat=True)) == [
        "dikembalikan",
        "terverifikasi",
    ]
    actions = list(
        LogEntry.objects.filter(object_id=str(realisation.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "work.realisation_saved",
        "work.realisation_submitted",
        "work.realisation_returned",
        "work.realisation_saved",
        "work.evidence_added",
        "work.realisation_submitted",
        "work.realisation_verified",
    ]
    # Only now does its evidence count as complete.
    assert list(services.verified_evidence()) == list(Evidence.objects.all())


def test_only_evidence_of_a_verified_realisation_counts(world):
    realisation = services.save_realisation(
        world.users["implementer"],
        world.period(MARCH),
        data=good_data(),
        expected_version=None,
        files=[pdf_file("a.pdf", b"1")],
    )
    assert not services.verified_evidence().exists()
    realisation = services.submit(world.users["implementer"], realisation)
    assert not services.verified_evidence().exists()
    services.verify(world.users["assessor"], realisation)
    assert services.verified_evidence().count() == 1
    services.reopen(world.users["assessor"], realisation, "Periksa ulang.")
    assert not services.verified_evidence().exists()


def test_a_stale_expected_version_refuses_the_submission(world):
    realisation = realisation_in(world, State.DRAFT)
    services.save_realisation(
        world.users["implementer2"],
        world.period(MARCH),
        data=good_data(progress="70"),
        expected_version=realisation.version,
    )
    with pytest.raises(services.RealisationConflict):
        services.submit(world.users["implementer"], realisation, realisation.version)
    assert Realisation.objects.get(pk=realisation.pk).state == State.DRAFT


def test_a_decision_on_a_state_changed_meanwhile_is_refused(world):
    """The service re-reads the state under the row lock: a realisation object from before
    a withdrawal cannot be verified."""
    realisation = realisation_in(world, State.SUBMITTED)
    stale = services.realisations_qs().get(pk=realisation.pk)
    services.withdraw(world.users["implementer"], realisation)
    with pytest.raises(services.RealisationError) as caught:
        services.verify(world.users["assessor"], stale)
    assert "baru saja berubah" in caught.value.message
    assert not Review.objects.exists()
