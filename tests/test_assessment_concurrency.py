"""Two people answering the same LKE item at the same moment (two connections, PostgreSQL).

The first one's transaction is paused inside its write (at its audit entry) while it holds
the assessment's row lock; the second waits for that lock, then finds the answer changed: a
conflict, nothing overwritten, the totals those of the first."""

import pytest

from renaksi.audit.models import LogEntry
from renaksi.evaluation import services
from renaksi.evaluation.models import Answer, Assessment

from . import race_support
from .assessment_world import build_framework, items
from .permission_world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


def run_two(monkeypatch, first_call, second_call):
    return race_support.run_two(monkeypatch, services, first_call, second_call)


def _save(world, persona, assessment_pk, code, raw, version):
    assessment = services.assessments_qs().get(pk=assessment_pk)
    item = items(assessment.framework)[code]
    return services.save_answer(
        world.users[persona], assessment, item, raw=raw, expected_version=version
    )


@pytest.mark.parametrize("answered_before", [False, True])
def test_two_first_answers_at_once_the_second_gets_a_conflict(monkeypatch, answered_before):
    world = build_world()
    framework = build_framework()
    assessment = services.assessment_for(
        world.units["6107"], 2022, framework, create=True, actor=world.users["unit_admin"]
    )
    version = None
    if answered_before:
        version = _save(world, "unit_admin", assessment.pk, "A.1.i.b", "b", None).version
    first, second = run_two(
        monkeypatch,
        lambda: _save(world, "unit_admin", assessment.pk, "A.1.i.b", "a", version),
        lambda: _save(world, "steering", assessment.pk, "A.1.i.b", "c", version),
    )
    assert isinstance(first, Answer), first
    assert isinstance(second, services.AnswerConflict), second
    assert second.current.option == "a"
    assert Answer.objects.get().option == "a"
    assert LogEntry.objects.filter(action="evaluation.answer_saved").count() == (
        2 if answered_before else 1
    )
    current = Assessment.objects.get(pk=assessment.pk)
    assert current.node_scores["A.1"] == "1/3" and current.answered_count == 1


def test_answers_to_two_items_at_once_both_count_in_the_totals(monkeypatch):
    world = build_world()
    framework = build_framework()
    assessment = services.assessment_for(
        world.units["6107"], 2022, framework, create=True, actor=world.users["unit_admin"]
    )
    first, second = run_two(
        monkeypatch,
        lambda: _save(world, "unit_admin", assessment.pk, "A.1.i.a", "ya", None),
        lambda: _save(world, "steering", assessment.pk, "A.1.i.b", "a", None),
    )
    assert isinstance(first, Answer) and isinstance(second, Answer), (first, second)
    current = Assessment.objects.get(pk=assessment.pk)
    # Totals computed after both: 1 × (1 + 1 + 0)/3.
    assert current.node_scores["A.1"] == "2/3" and current.answered_count == 2
