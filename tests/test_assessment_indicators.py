"""Indicator → LKE item links and feeding the counts from the plan's verified values
(renaksi/evaluation/services.py: add_link, remove_link, feed_from_indicators)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renaksi.audit.models import LogEntry
from renaksi.evaluation import services
from renaksi.evaluation.models import Answer, IndicatorLink, Tier
from renaksi.plans.models import Indicator
from renaksi.submissions.models import Submission
from renaksi.work.models import Realisation

from .assessment_world import build_framework, indicator_value, items, verified_evidence
from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def setup(world):
    """Bengkayang 2022: "Jumlah pegawai sudah lapor LHKPN" (area 5) and "Jumlah wajib lapor
    LHKPN" (area 1) feed item A.1.ii.b (numerator, denominator)."""
    framework = build_framework()
    plan = world.plans["6107"]
    filed = Indicator.objects.get(sub_activity=world.subs[("6107", 5)])
    filed.text = "Jumlah pegawai yang sudah melapor LHKPN"
    filed.kind = Indicator.Kind.JUMLAH
    filed.save()
    obliged = Indicator.objects.get(sub_activity=world.subs[("6107", 1)])
    obliged.text = "Jumlah pegawai wajib lapor LHKPN"
    obliged.kind = Indicator.Kind.JUMLAH
    obliged.save()
    assessment = services.assessment_for(
        world.units["6107"], 2022, framework, create=True, actor=world.users["unit_admin"]
    )
    return world, framework, plan, filed, obliged, assessment


def link(world, assessment, indicator, code, input_name, persona="unit_admin"):
    item = items(assessment.framework)[code]
    return services.add_link(world.users[persona], assessment, indicator, item, input_name)


def test_only_the_unit_administrator_manages_links(setup):
    world, _framework, _plan, filed, _obliged, assessment = setup
    for persona in ("steering", "implementer5", "assessor", "province_reviewer", "national_admin"):
        with pytest.raises(PermissionDenied):
            link(world, assessment, filed, "A.1.ii.b", "numerator", persona)
    created = link(world, assessment, filed, "A.1.ii.b", "numerator")
    assert LogEntry.objects.filter(action="evaluation.link_added").count() == 1
    with pytest.raises(PermissionDenied):
        services.remove_link(world.users["steering"], assessment, created)
    services.remove_link(world.users["unit_admin"], assessment, created)
    assert not IndicatorLink.objects.exists()
    assert LogEntry.objects.filter(action="evaluation.link_removed").count() == 1


def test_links_refuse_wrong_items_inputs_and_indicators(setup):
    world, _framework, _plan, filed, obliged, assessment = setup
    with pytest.raises(ValidationError) as caught:
        link(world, assessment, filed, "A.1.i.a", "numerator")
    assert "persentase" in caught.value.message_dict["item"][0]
    with pytest.raises(ValidationError) as caught:
        link(world, assessment, filed, "A.1.ii.b", "previous")
    assert "previous" in caught.value.message_dict["input"][0]
    sambas = Indicator.objects.get(sub_activity=world.subs[("6101", 5)])
    with pytest.raises(ValidationError) as caught:
        link(world, assessment, sambas, "A.1.ii.b", "numerator")
    assert "bukan indikator rencana aksi" in caught.value.message_dict["indicator"][0]
    link(world, assessment, filed, "A.1.ii.b", "numerator")
    with pytest.raises(ValidationError) as caught:
        link(world, assessment, obliged, "A.1.ii.b", "numerator")
    assert "sudah diisi dari indikator lain" in caught.value.message_dict["input"][0]
    assert IndicatorLink.objects.count() == 1


def test_feeding_takes_the_latest_verified_value_and_shows_its_source(setup):
    world, _framework, plan, filed, obliged, assessment = setup
    link(world, assessment, filed, "A.1.ii.b", "numerator")
    link(world, assessment, obliged, "A.1.ii.b", "denominator")
    indicator_value(plan, filed, "12", month=3)
    indicator_value(plan, filed, "14", month=6)
    indicator_value(plan, filed, "15", month=9, state=Realisation.State.SUBMITTED)  # not yet
    indicator_value(plan, obliged, "16", month=2)
    proof = verified_evidence(plan, world.users["unit_admin"], month=6, title="Tanda terima")

    result = services.feed_from_indicators(assessment, world.users["unit_admin"])
    assert result.saved == ["A.1.ii.b"] and not result.skipped
    answer = Answer.objects.get(assessment=assessment, item__code="A.1.ii.b", tier=Tier.SELF)
    assert answer.counts == {"numerator": 14, "denominator": 16}
    assert answer.value == Decimal("0.880000")  # 14/16 = 0.875 → 0.88 (two decimals)
    assert answer.sources["numerator"]["period"] == 6
    assert answer.sources["numerator"]["value"] == "14.00"
    assert answer.sources["denominator"]["indicator"] == "Jumlah pegawai wajib lapor LHKPN"
    assert list(answer.evidence.all()) == [proof]  # the June realisation's evidence
    assert LogEntry.objects.filter(action="evaluation.answer_fed").count() == 1
    # 2 × (0 + 0.88)/2 = 0.88 for A.1.ii
    assert services.assessments_qs().get(pk=assessment.pk).node_scores["A.1"] == "22/25"

    # Again: nothing changed, nothing written.
    again = services.feed_from_indicators(assessment, world.users["unit_admin"])
    assert again.unchanged == ["A.1.ii.b"] and not again.saved
    assert LogEntry.objects.filter(action="evaluation.answer_fed").count() == 1


def test_a_count_typed_by_hand_loses_its_source(setup):
    world, _framework, plan, filed, obliged, assessment = setup
    link(world, assessment, filed, "A.1.ii.b", "numerator")
    link(world, assessment, obliged, "A.1.ii.b", "denominator")
    indicator_value(plan, filed, "12", month=3)
    indicator_value(plan, obliged, "16", month=3)
    services.feed_from_indicators(assessment, world.users["unit_admin"])
    answer = Answer.objects.get(item__code="A.1.ii.b")
    saved = services.save_answer(
        world.users["unit_admin"],
        services.assessments_qs().get(pk=assessment.pk),
        answer.item,
        raw={"numerator": "13", "denominator": "16"},
        expected_version=answer.version,
    )
    assert set(saved.sources) == {"denominator"}


def test_feeding_skips_with_a_reason(setup):
    world, _framework, plan, filed, obliged, assessment = setup
    link(world, assessment, filed, "A.1.ii.b", "numerator")
    # No verified value yet.
    result = services.feed_from_indicators(assessment, world.users["unit_admin"])
    assert "belum punya nilai terverifikasi" in result.skipped[0]
    # A value but the denominator is neither linked nor typed.
    indicator_value(plan, filed, "12", month=3)
    result = services.feed_from_indicators(assessment, world.users["unit_admin"])
    assert "denominator" in result.skipped[0] and "A.1.ii.b" in result.skipped[0]
    # Linked denominator smaller than the numerator: the scorer's message, nothing saved.
    link(world, assessment, obliged, "A.1.ii.b", "denominator")
    indicator_value(plan, obliged, "10", month=3)
    result = services.feed_from_indicators(assessment, world.users["unit_admin"])
    assert "tidak boleh lebih besar" in result.skipped[0]
    # Not a whole number.
    indicator_value(plan, obliged, "15.5", month=3)
    result = services.feed_from_indicators(assessment, world.users["unit_admin"])
    assert "bukan bilangan bulat" in result.skipped[0]
    assert not Answer.objects.exists()


def test_a_percentage_indicator_feeds_the_whole_item(setup):
    world, _framework, plan, filed, _obliged, assessment = setup
    filed.kind = Indicator.Kind.PERSENTASE
    filed.target_value = Decimal("100")
    filed.save()
    link(world, assessment, filed, "A.1.ii.b", "")
    indicator_value(plan, filed, "87.5", month=6)
    services.feed_from_indicators(assessment, world.users["unit_admin"])
    answer = Answer.objects.get(item__code="A.1.ii.b")
    assert answer.counts == {"numerator": 7, "denominator": 8}
    assert answer.value == Decimal("0.880000")


def test_feeding_needs_the_fill_permission_and_an_open_lke(setup):
    world, _framework, plan, _filed, _obliged, assessment = setup
    with pytest.raises(PermissionDenied):
        services.feed_from_indicators(assessment, world.users["assessor"])
    Submission.objects.create(
        unit=world.units["6107"],
        year=2022,
        quarter=2,
        plan=plan,
        state=Submission.State.SUBMITTED,
        at_unit=world.units["61"],
    )
    with pytest.raises(services.AssessmentError):
        services.feed_from_indicators(assessment, world.users["unit_admin"])
