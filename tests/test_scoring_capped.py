"""A capped ratio ("1 Agen 1 Perubahan") and items the sources leave without an answer type."""

from fractions import Fraction

import pytest

from renaksi.evaluation.frameworks import load_shipped
from renaksi.evaluation.models import Framework
from renaksi.evaluation.scoring import ScoringError, Tree, load_tree, parse_answers, score

from .scoring_support import node, rules, single_item_tree


def capped(n, d, **kwargs):
    tree = single_item_tree("percent", formula="capped_ratio", **kwargs)
    raw = {"S.a": {"numerator": n, "denominator": d}}
    return score(tree, parse_answers(tree, raw)).by_code["S.a"].value


def test_a_capped_ratio_stops_at_100_percent():
    assert capped(3, 4) == Fraction(3, 4)
    assert capped(4, 4) == 1
    assert capped(9, 4) == 1  # more changes than agents: full marks, not an error
    assert capped(0, 0) == 1  # the framework's zero-denominator rule (full by default)
    assert capped(0, 0, zero_denominator="zero") == 0


def test_a_capped_ratio_still_refuses_a_negative_count():
    with pytest.raises(ScoringError) as caught:
        capped(-1, 4)
    assert caught.value.code == "S.a"


def test_an_item_without_answer_type_is_left_out_of_the_mean():
    tree = Tree.build(
        rules(),
        [
            (node("S", "sub_component", "1"), None),
            (node("S.a", "item", answer_type="yes_no"), "S"),
            (node("S.b", "item", incomplete=True), "S"),  # the sources give no answer type
        ],
    )
    result = score(tree, parse_answers(tree, {"S.a": "ya"}))
    assert result.by_code["S"].score == 1  # 1 × mean(1), not 1 × mean(1, 0)
    assert [n.code for n in result.incomplete] == ["S.b"]
    assert result.unanswered == []
    with pytest.raises(ScoringError):  # it cannot be answered either
        score(tree, parse_answers(tree, {"S.b": "ya"}))


@pytest.mark.django_db
def test_the_shipped_zi_caps_one_agent_one_change():
    load_shipped()
    tree = load_tree(Framework.objects.get(code="zi-2021"))
    item = tree.by_code["A.II.1.i.a"]
    assert item.formula == "capped_ratio"
    result = score(tree, parse_answers(tree, {item.code: {"numerator": 12, "denominator": 5}}))
    assert result.by_code[item.code].value == 1
