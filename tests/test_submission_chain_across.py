"""The chain's locks across parts: while Bengkayang's TW I waits for a reviewer its LKE
answers (renaksi/evaluation/services.py) and its TW I narrative (renaksi/monitoring) are
refused; once KPU RI accepts, the LKE goes on (the next quarter) but TW I stays locked; a
reopening opens both. The snapshot carries the LKE totals that refresh_totals cached."""

import pytest

from renaksi.evaluation import services as lke
from renaksi.evaluation.models import Assessment
from renaksi.monitoring import narrative
from renaksi.submissions import services as chain

from .assessment_world import build_framework, items
from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    world.framework = build_framework()
    world.items = items(world.framework)
    world.assessment = lke.assessment_for(world.units["6107"], 2022, world.framework, create=True)
    return world


def answer(world, code, raw):
    assessment = Assessment.objects.get(pk=world.assessment.pk)
    return lke.save_answer(world.users["unit_admin"], assessment, world.items[code], raw=raw)


def report(world, quarter, text):
    current = narrative.report_of(world.plans["6107"], quarter)
    return narrative.save_report(
        world.users["unit_admin"],
        world.plans["6107"],
        quarter,
        {"obstacles": text},
        expected_version=current.version if current else None,
    )


def test_locks_of_lke_and_monitoring_follow_the_chain(world):
    answer(world, "A.1.i.a", "ya")
    report(world, 1, "Kendala awal.")
    sent = chain.submit(world.users["unit_admin"], world.plans["6107"], 1)
    lke_snapshot = sent.snapshot["lke"]
    assert lke_snapshot["available"] and lke_snapshot["answered_count"] == 1
    assert lke_snapshot["item_count"] == len(world.items)
    assert lke_snapshot["framework"] == "uji-2022"

    with pytest.raises(lke.AssessmentError, match="sedang ditinjau"):
        answer(world, "A.1.i.b", "A")
    with pytest.raises(narrative.MonitoringError, match="Triwulan 1 sudah dikirim"):
        report(world, 1, "Diubah setelah dikirim.")
    report(world, 2, "TW II berjalan.")  # another quarter is open

    forwarded = chain.decide(world.users["province_reviewer"], sent, True, "")
    with pytest.raises(lke.AssessmentError):
        answer(world, "A.1.i.b", "A")
    accepted = chain.decide(world.users["national_reviewer"], forwarded, True, "")
    answer(world, "A.1.i.b", "A")  # accepted: the LKE goes on
    with pytest.raises(narrative.MonitoringError):
        report(world, 1, "Masih dikunci.")

    chain.reopen(world.users["national_reviewer"], accepted, "Kendala belum lengkap.")
    assert report(world, 1, "Kendala lengkap.").obstacles == "Kendala lengkap."
