"""The self-assessment services (renaksi/evaluation/services.py): tiers and their permissions,
the justification rule, bad input, the lock, optimistic locking, evidence, totals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from renaksi.audit.models import LogEntry
from renaksi.evaluation import services
from renaksi.evaluation.models import Answer, AnswerFile, Assessment, Framework, Tier
from renaksi.submissions.models import Submission
from renaksi.work.files import evidence_storage, storage_name
from renaksi.work.models import EvidenceFile, Realisation

from .assessment_world import build_framework, items, realisation_of, verified_evidence
from .permission_world import build_world
from .work_realisation_world import pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def framework():
    return build_framework()


def start(world, framework, code="6107"):
    return services.assessment_for(
        world.units[code], 2022, framework, create=True, actor=world.users["superuser"]
    )


def save(world, persona, assessment, code, raw, *, tier=Tier.SELF, **kwargs):
    item = items(assessment.framework)[code]
    current = Answer.objects.filter(assessment=assessment, item=item, tier=tier).first()
    kwargs.setdefault("expected_version", current.version if current else None)
    fresh = services.assessments_qs().get(pk=assessment.pk)
    return services.save_answer(world.users[persona], fresh, item, tier=tier, raw=raw, **kwargs)


def reload(assessment):
    return Assessment.objects.get(pk=assessment.pk)


# -- starting -------------------------------------------------------------------------------


def test_assessment_for_finds_or_starts_once(world, framework):
    unit = world.units["6107"]
    assert services.assessment_for(unit, 2022, framework) is None
    first = services.assessment_for(
        unit, 2022, framework, create=True, actor=world.users["unit_admin"]
    )
    again = services.assessment_for(
        unit, 2022, framework, create=True, actor=world.users["unit_admin"]
    )
    assert first.pk == again.pk
    assert first.plan_id == world.plans["6107"].pk
    assert first.item_count == 7 and first.answered_count == 0
    assert first.index_value == Decimal("0")
    assert LogEntry.objects.filter(action="evaluation.assessment_started").count() == 1


def test_starting_needs_fill_permission_and_a_published_framework(world, framework):
    unit = world.units["6107"]
    for persona in ("assessor", "agent", "province_reviewer", "national_viewer", "other_regency"):
        with pytest.raises(PermissionDenied):
            services.assessment_for(unit, 2022, framework, create=True, actor=world.users[persona])
    draft = build_framework("uji-draf", 2023, state=Framework.State.DRAFT)
    with pytest.raises(services.AssessmentError, match="belum atau tidak lagi berlaku"):
        services.assessment_for(unit, 2022, draft, create=True, actor=world.users["unit_admin"])
    assert not Assessment.objects.exists()


# -- tiers and their permissions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "allowed", "denied"),
    [
        (
            Tier.SELF,
            ["unit_admin", "steering", "implementer5"],
            ["assessor", "agent", "province_reviewer", "national_reviewer", "other_regency"],
        ),
        (
            Tier.UNIT_ASSESSOR,
            ["assessor"],
            ["unit_admin", "steering", "implementer5", "province_reviewer", "national_reviewer"],
        ),
        (
            Tier.PROVINCE,
            ["province_reviewer"],
            ["assessor", "unit_admin", "national_viewer", "national_reviewer", "other_regency"],
        ),
        (
            Tier.NATIONAL,
            ["national_reviewer"],
            ["national_viewer", "national_admin", "province_reviewer", "assessor", "unit_admin"],
        ),
    ],
)
def test_each_tier_is_written_only_by_its_people(world, framework, tier, allowed, denied):
    assessment = start(world, framework)
    for persona in denied:
        with pytest.raises(PermissionDenied):
            save(world, persona, assessment, "A.1.i.a", "ya", tier=tier, justification="alasan")
    assert not Answer.objects.exists()
    for persona in allowed:
        answer = save(world, persona, assessment, "A.1.i.a", "ya", tier=tier, justification=persona)
        assert answer.tier == tier and answer.answered_by == world.users[persona]


def test_province_tier_is_only_for_the_province_above(world, framework):
    """A reviewer of Kalimantan Barat scores Bengkayang, not Kotawaringin Barat (Kalteng)."""
    own = start(world, framework, "6107")
    other = start(world, framework, "6201")
    save(world, "province_reviewer", own, "A.1.i.a", "ya", tier=Tier.PROVINCE, justification="x")
    with pytest.raises(PermissionDenied):
        save(world, "province_reviewer", other, "A.1.i.a", "ya", tier=Tier.PROVINCE)
    # The province's own LKE has no province tier above it.
    province = start(world, framework, "61")
    with pytest.raises(PermissionDenied):
        save(world, "province_reviewer", province, "A.1.i.a", "ya", tier=Tier.PROVINCE)


def test_tiers_keep_their_own_rows(world, framework):
    assessment = start(world, framework)
    save(world, "unit_admin", assessment, "A.1.i.b", "a")
    save(world, "assessor", assessment, "A.1.i.b", "b", tier=Tier.UNIT_ASSESSOR, justification="x")
    save(
        world,
        "province_reviewer",
        assessment,
        "A.1.i.b",
        "c",
        tier=Tier.PROVINCE,
        justification="Bukti SK tidak ada",
    )
    rows = dict(Answer.objects.filter(assessment=assessment).values_list("tier", "option"))
    assert rows == {Tier.SELF: "a", Tier.UNIT_ASSESSOR: "b", Tier.PROVINCE: "c"}
    # The totals are the unit's own answers only.
    assert reload(assessment).node_scores["A.1"] == "1/3"  # 1 × (0 + 1 + 0)/3


# -- the justification rule -------------------------------------------------------------------


def test_a_reviewer_who_differs_from_the_self_score_must_say_why(world, framework):
    assessment = start(world, framework)
    save(world, "unit_admin", assessment, "A.1.i.b", "a")
    with pytest.raises(ValidationError) as caught:
        save(world, "province_reviewer", assessment, "A.1.i.b", "c", tier=Tier.PROVINCE)
    message = caught.value.message_dict["justification"][0]
    assert "A.1.i.b" in message and "berbeda dari penilaian mandiri" in message
    assert not Answer.objects.filter(tier=Tier.PROVINCE).exists()
    # The same score needs no reason; a different one with a reason is kept.
    save(world, "province_reviewer", assessment, "A.1.i.b", "a", tier=Tier.PROVINCE)
    answer = save(
        world,
        "province_reviewer",
        assessment,
        "A.1.i.b",
        "c",
        tier=Tier.PROVINCE,
        justification="SK tim belum ditandatangani",
    )
    assert answer.option == "c" and answer.justification == "SK tim belum ditandatangani"


def test_a_reviewer_scoring_an_unanswered_item_must_say_why(world, framework):
    assessment = start(world, framework)
    with pytest.raises(ValidationError) as caught:
        save(world, "assessor", assessment, "A.1.i.a", "ya", tier=Tier.UNIT_ASSESSOR)
    assert "belum dijawab" in caught.value.message_dict["justification"][0]


def test_the_self_tier_needs_no_justification(world, framework):
    assessment = start(world, framework)
    assert save(world, "unit_admin", assessment, "A.1.i.b", "c").option == "c"


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "raw", "expected"),
    [
        ("A.1.i.b", "f", "bukan salah satu pilihan"),
        ("A.1.i.a", "mungkin", "bukan salah satu pilihan"),
        ("A.1.ii.b", {"numerator": "16", "denominator": "15"}, "tidak boleh lebih besar"),
        ("A.1.ii.b", {"numerator": "-1", "denominator": "15"}, "tidak boleh negatif"),
        ("A.1.ii.b", {"numerator": "1,5", "denominator": "15"}, "harus bilangan bulat"),
        ("A.1.ii.b", {"numerator": "3"}, "belum diisi"),
        ("A.2.i.a", "5", "di luar rentang 0–4"),
        ("A.2.i.a", "-0.5", "di luar rentang 0–4"),
        ("A.2.i.a", "tiga", "bukan angka"),
        ("A.2.i.a", "3.123456", "desimal"),
    ],
)
def test_bad_answers_are_refused_naming_the_item_and_nothing_is_saved(
    world, framework, code, raw, expected
):
    assessment = start(world, framework)
    save(world, "unit_admin", assessment, "A.1.i.c", "a")
    before = reload(assessment)
    entries = LogEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        save(world, "unit_admin", assessment, code, raw, justification="x")
    message = caught.value.message_dict["answer"][0]
    assert code in message and expected in message
    assert not Answer.objects.filter(item__code=code).exists()
    assert LogEntry.objects.count() == entries
    after = reload(assessment)
    assert (after.version, after.index_value, after.answered_count) == (
        before.version,
        before.index_value,
        before.answered_count,
    )


def test_a_justification_with_control_characters_is_refused(world, framework):
    assessment = start(world, framework)
    with pytest.raises(ValidationError) as caught:
        save(world, "unit_admin", assessment, "A.1.i.a", "ya", justification="a\x07b")
    assert "karakter kendali" in caught.value.message_dict["justification"][0]


# -- the lock ---------------------------------------------------------------------------------


def test_the_units_side_is_refused_while_a_submission_waits(world, framework):
    assessment = start(world, framework)
    Submission.objects.create(
        unit=world.units["6107"],
        year=2022,
        quarter=1,
        plan=world.plans["6107"],
        state=Submission.State.SUBMITTED,
        at_unit=world.units["61"],
        locked=True,
    )
    for persona, tier in (("unit_admin", Tier.SELF), ("assessor", Tier.UNIT_ASSESSOR)):
        with pytest.raises(services.AssessmentError, match="sedang ditinjau"):
            save(world, persona, assessment, "A.1.i.a", "ya", tier=tier, justification="x")
    assert not Answer.objects.exists()
    # The province scores during its review.
    save(
        world,
        "province_reviewer",
        assessment,
        "A.1.i.a",
        "ya",
        tier=Tier.PROVINCE,
        justification="x",
    )
    Submission.objects.update(state=Submission.State.RETURNED, locked=False)
    assert save(world, "unit_admin", assessment, "A.1.i.a", "ya").option == "ya"


# -- optimistic locking -----------------------------------------------------------------------


def test_a_save_based_on_an_old_version_is_refused_with_the_current_answer(world, framework):
    assessment = start(world, framework)
    first = save(world, "unit_admin", assessment, "A.1.i.b", "a", expected_version=None)
    # The steering member opened the form before the administrator saved.
    with pytest.raises(services.AnswerConflict) as caught:
        save(world, "steering", assessment, "A.1.i.b", "c", expected_version=None)
    assert caught.value.current.option == "a"
    second = save(world, "steering", assessment, "A.1.i.b", "b", expected_version=first.version)
    assert second.version == first.version + 1
    with pytest.raises(services.AnswerConflict):
        save(world, "unit_admin", assessment, "A.1.i.b", "c", expected_version=first.version)
    assert Answer.objects.get(item__code="A.1.i.b").option == "b"


def test_saving_the_same_answer_again_makes_no_version_and_no_entry(world, framework):
    assessment = start(world, framework)
    first = save(world, "unit_admin", assessment, "A.1.i.b", "a", justification="SK 12/2022")
    entries = LogEntry.objects.count()
    again = save(world, "unit_admin", assessment, "A.1.i.b", "A", justification="SK 12/2022 ")
    assert again.version == first.version
    assert LogEntry.objects.count() == entries


# -- evidence ---------------------------------------------------------------------------------


def test_only_verified_evidence_of_the_unit_and_year_can_be_linked(world, framework):
    assessment = start(world, framework)
    admin = world.users["unit_admin"]
    good = verified_evidence(world.plans["6107"], admin, month=3)
    other_unit = verified_evidence(world.plans["6101"], admin, month=3)
    waiting = verified_evidence(world.plans["6107"], admin, month=4, title="Notulen")
    Realisation.objects.filter(pk=waiting.realisation_id).update(state=Realisation.State.SUBMITTED)
    for bad in (other_unit, waiting):
        with pytest.raises(ValidationError) as caught:
            save(world, "unit_admin", assessment, "A.1.i.a", "ya", evidence_ids=[good.pk, bad.pk])
        assert "terverifikasi" in caught.value.message_dict["evidence"][0]
    assert not Answer.objects.exists()
    answer = save(world, "unit_admin", assessment, "A.1.i.a", "ya", evidence_ids=[good.pk])
    assert list(answer.evidence.all()) == [good]
    assert reload(assessment).without_evidence_count == 0


def test_an_answer_without_evidence_counts_as_incomplete(world, framework):
    assessment = start(world, framework)
    evidence = verified_evidence(world.plans["6107"], world.users["unit_admin"])
    save(world, "unit_admin", assessment, "A.1.i.a", "ya")
    save(world, "unit_admin", assessment, "A.1.i.b", "a", evidence_ids=[evidence.pk])
    current = reload(assessment)
    assert (current.answered_count, current.without_evidence_count) == (2, 1)
    assert not current.complete
    save(world, "unit_admin", assessment, "A.1.i.a", "ya", evidence_ids=[evidence.pk])
    assert reload(assessment).without_evidence_count == 0
    save(world, "unit_admin", assessment, "A.1.i.a", "ya", evidence_ids=[])
    assert reload(assessment).without_evidence_count == 1


def test_reviewer_tiers_attach_no_evidence(world, framework):
    assessment = start(world, framework)
    evidence = verified_evidence(world.plans["6107"], world.users["unit_admin"])
    with pytest.raises(ValidationError) as caught:
        save(
            world,
            "assessor",
            assessment,
            "A.1.i.a",
            "ya",
            tier=Tier.UNIT_ASSESSOR,
            justification="x",
            evidence_ids=[evidence.pk],
        )
    assert "penilaian mandiri" in caught.value.message_dict["evidence"][0]


def pdf(name="sk-tim.pdf", salt=b""):
    return pdf_file(name, salt)


def test_an_uploaded_file_is_evidence_of_the_answer(world, framework):
    assessment = start(world, framework)
    answer = save(world, "unit_admin", assessment, "A.1.i.a", "ya", files=[pdf()])
    link = AnswerFile.objects.get(answer=answer)
    assert link.original_name == "sk-tim.pdf"
    assert evidence_storage().exists(link.file.file.name)
    assert reload(assessment).without_evidence_count == 0
    # Detaching it makes the answer incomplete again; the stored file stays.
    save(world, "unit_admin", assessment, "A.1.i.a", "ya", remove_file_ids=[link.pk])
    assert reload(assessment).without_evidence_count == 1
    assert EvidenceFile.objects.filter(pk=link.file_id).exists()


def test_a_refused_upload_names_the_file_and_saves_nothing(world, framework):
    assessment = start(world, framework)
    fake = SimpleUploadedFile("sk.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        save(world, "unit_admin", assessment, "A.1.i.a", "ya", files=[fake])
    assert "sk.pdf" in caught.value.message_dict["files"][0]
    assert not Answer.objects.exists()


def test_no_file_outlives_a_rolled_back_save(world, framework, monkeypatch):
    assessment = start(world, framework)
    upload = pdf(salt=b"rollback")

    def broken(*args, **kwargs):
        raise RuntimeError("totals failed")

    monkeypatch.setattr(services, "refresh_totals", broken)
    with pytest.raises(RuntimeError):
        save(world, "unit_admin", assessment, "A.1.i.a", "ya", files=[upload])
    assert not Answer.objects.exists()
    assert not EvidenceFile.objects.exists()
    import hashlib

    upload.seek(0)
    name = storage_name(hashlib.sha256(upload.read()).hexdigest())
    assert not evidence_storage().exists(name)


# -- totals -----------------------------------------------------------------------------------


def test_totals_follow_every_change_hand_computed(world, framework):
    """value_decimals 2: A.1.i = 1 × (1 + 0 + 1)/3 = 2/3; A.1.ii = 2 × (0.67 + 0.80)/2 = 1.47;
    A.1 = 641/300; A.2 = 1.5 × 3/4 = 1.125; A = 1957/600; B = 5 × 0.75 = 3.75;
    index = 4207/600 = 7.0117 → D."""
    assessment = start(world, framework)
    save(world, "unit_admin", assessment, "A.1.i.a", "ya")
    save(world, "unit_admin", assessment, "A.1.i.b", "c")
    current = reload(assessment)
    assert current.node_scores == {"A": "1/3", "A.1": "1/3", "A.2": "0", "B": "0", "B.1": "0"}
    assert current.index_value == Decimal("0.3333")
    save(world, "unit_admin", assessment, "A.1.i.c", "a")
    save(world, "unit_admin", assessment, "A.1.ii.a", "b")
    save(world, "unit_admin", assessment, "A.1.ii.b", {"numerator": "12", "denominator": "15"})
    save(world, "unit_admin", assessment, "A.2.i.a", "3")
    save(world, "unit_admin", assessment, "B.1.i.a", "b")
    current = reload(assessment)
    assert current.node_scores == {
        "A": "1957/600",
        "A.1": "641/300",
        "A.2": "9/8",
        "B": "15/4",
        "B.1": "15/4",
    }
    assert current.index_value == Decimal("7.0117")
    assert current.category == "D"
    assert (current.item_count, current.answered_count, current.without_evidence_count) == (
        7,
        7,
        7,
    )
    # Clearing an answer takes it out again.
    save(world, "unit_admin", assessment, "A.2.i.a", "")
    current = reload(assessment)
    assert current.node_scores.get("A.2") == "0"
    assert current.answered_count == 6
    assert current.index_value == Decimal("5.8867")  # 4207/600 − 9/8


def test_every_change_writes_one_audit_entry(world, framework):
    assessment = start(world, framework)
    save(world, "unit_admin", assessment, "A.1.i.b", "a")
    save(world, "unit_admin", assessment, "A.1.i.b", "c", justification="belum ada SK")
    entries = list(LogEntry.objects.filter(action="evaluation.answer_saved").order_by("pk"))
    assert len(entries) == 2
    assert entries[0].data["before"] == {}
    assert entries[0].data["after"] == {"option": "A", "value": "1,00"}
    assert entries[1].data["before"] == {"option": "A", "value": "1,00", "justification": ""}
    assert entries[1].data["after"] == {
        "option": "C",
        "value": "0,00",
        "justification": "belum ada SK",
    }
    assert entries[1].data["item"] == "A.1.i.b" and entries[1].unit_id == world.units["6107"].pk
    assert entries[1].data["tier"] == "Penilaian mandiri"


def test_an_item_of_another_framework_is_refused(world, framework):
    assessment = start(world, framework)
    other = build_framework("uji-lain", 2023, family="lain")
    item = items(other)["A.1.i.a"]
    with pytest.raises(ValidationError):
        services.save_answer(world.users["unit_admin"], assessment, item, raw="ya")


def test_realisation_of_helper_state(world):
    realisation = realisation_of(world.plans["6107"], month=2, state=Realisation.State.DRAFT)
    assert realisation.state == Realisation.State.DRAFT


def test_a_system_job_saves_without_a_user(world, framework):
    """Commands (lke_import without --user, seed_demo) pass actor=None."""
    assessment = start(world, framework)
    item = items(framework)["A.1.i.a"]
    answer = services.save_answer(None, assessment, item, raw="ya")
    assert answer.answered_by is None
    entry = LogEntry.objects.get(action="evaluation.answer_saved")
    assert entry.actor is None
    assert reload(assessment).answered_count == 1


def test_many_answers_then_one_refresh(world, framework):
    """``refresh=False`` (the worksheet import): the caller refreshes once in its transaction."""
    from django.db import transaction

    assessment = start(world, framework)
    with transaction.atomic():
        for code, raw in (("A.1.i.a", "ya"), ("A.1.i.b", "c"), ("A.1.i.c", "a")):
            save(world, "unit_admin", assessment, code, raw, refresh=False)
        assert reload(assessment).answered_count == 0  # not yet
        services.refresh_totals(services.assessments_qs().get(pk=assessment.pk))
    current = reload(assessment)
    assert current.answered_count == 3 and current.node_scores["A.1"] == "2/3"
    assert LogEntry.objects.filter(action="evaluation.answer_saved").count() == 3


def test_an_item_without_answer_type_is_not_counted_as_an_item(world, framework):
    """Items the sources leave without an answer type cannot be answered: an assessment whose
    other items are all answered is complete in its counts."""
    b1i = framework.nodes.get(code="B.1.i")
    last = framework.nodes.order_by("-sequence").first().sequence
    framework.nodes.create(
        parent=b1i,
        kind="item",
        code="B.1.i.z",
        label="z",
        title="Butir tanpa jenis jawaban di sumber",
        sequence=last + 1,
        depth=3,
        incomplete=True,
    )
    assessment = start(world, framework)
    save(world, "unit_admin", assessment, "B.1.i.a", "a")
    fresh = reload(assessment)
    assert fresh.item_count == 7  # the 7 answerable items of uji-2022, not 8
    assert fresh.node_scores["B.1"] == "5"  # 5 × mean(1): the unanswerable item is not a 0
