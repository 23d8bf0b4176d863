"""Properties of the scoring engine over random answers (hypothesis): the index never exceeds
the maximum, every node stays within 0..its maximum, better answers never lower a score, and
the order of the answers does not matter."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from renaksi.evaluation.models import OPTION_CODES
from renaksi.evaluation.scoring import option_value, parse_answers, score

from .scoring_support import small_lke, zi_mp

TREES = {"small": small_lke(), "mp": zi_mp(), "mp_exact": zi_mp(value_decimals=None)}


@st.composite
def answer_for(draw, item):
    kind = item.answer_type
    if kind in OPTION_CODES:
        return draw(st.sampled_from(OPTION_CODES[kind]))
    if kind == "percent":
        if item.formula == "decline":
            return {
                "previous": draw(st.integers(0, 50)),
                "current": draw(st.integers(0, 50)),
            }
        denominator = draw(st.integers(0, 60))
        return {"numerator": draw(st.integers(0, denominator)), "denominator": denominator}
    top = {"survey_0_4": 4, "range_0_100": 100, "range_0_5": 5}[kind]
    return str(draw(st.decimals(0, top, places=2)))


@st.composite
def answers(draw, tree):
    chosen = draw(st.lists(st.sampled_from(tree.items), unique_by=lambda n: n.code))
    return {item.code: draw(answer_for(item)) for item in chosen}


def _check_bounds(result):
    assert 0 <= result.index <= result.maximum
    for scored in result.by_code.values():
        if scored.score is not None:
            assert 0 <= scored.score <= scored.maximum
        if scored.value is not None:
            assert 0 <= scored.value <= 1


@settings(max_examples=150, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(TREES)))
def test_scores_stay_within_their_maximum(data, name):
    tree = TREES[name]
    result = score(tree, parse_answers(tree, data.draw(answers(tree))))
    _check_bounds(result)
    assert result.maximum == sum(root.maximum for root in result.roots)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_full_marks_reach_the_maximum(data):
    tree = TREES["small"]
    best = {}
    for item in tree.items:
        if item.answer_type in OPTION_CODES:
            best[item.code] = OPTION_CODES[item.answer_type][0]
        elif item.formula == "decline":
            best[item.code] = {"previous": data.draw(st.integers(1, 40)), "current": 0}
        elif item.answer_type == "percent":
            n = data.draw(st.integers(1, 40))
            best[item.code] = {"numerator": n, "denominator": n}
        else:
            best[item.code] = {"survey_0_4": 4, "range_0_100": 100, "range_0_5": 5}[
                item.answer_type
            ]
    result = score(tree, parse_answers(tree, best))
    assert result.index == result.maximum
    assert all(s.percent == 100 for s in result.by_code.values() if s.percent is not None)


def _better(item, raw, draw):
    """An answer at least as good as ``raw``."""
    kind = item.answer_type
    if kind in OPTION_CODES:
        codes = OPTION_CODES[kind]
        return draw(st.sampled_from(codes[: codes.index(raw) + 1]))
    if kind == "percent" and item.formula == "decline":
        return {"previous": raw["previous"], "current": draw(st.integers(0, raw["current"]))}
    if kind == "percent":
        d = raw["denominator"]
        return {"numerator": draw(st.integers(raw["numerator"], d)), "denominator": d}
    top = {"survey_0_4": 4, "range_0_100": 100, "range_0_5": 5}[kind]
    return str(draw(st.decimals(raw, top, places=2)))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(TREES)))
def test_better_answers_never_lower_any_score(data, name):
    tree = TREES[name]
    before = data.draw(answers(tree))
    after = dict(before)
    for code, raw in before.items():
        if data.draw(st.booleans()):
            after[code] = _better(tree.by_code[code], raw, data.draw)
    # Answering an unanswered item never lowers a score either.
    for item in tree.items:
        if item.code not in after and data.draw(st.booleans()):
            after[item.code] = data.draw(answer_for(item))
    low = score(tree, parse_answers(tree, before))
    high = score(tree, parse_answers(tree, after))
    assert high.index >= low.index
    for code, scored in low.by_code.items():
        if scored.score is not None:
            assert high.by_code[code].score >= scored.score, code


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_answer_order_does_not_matter(data):
    tree = TREES["small"]
    given_answers = data.draw(answers(tree))
    shuffled = dict(data.draw(st.permutations(list(given_answers.items()))))
    assert (
        score(tree, parse_answers(tree, given_answers)).index
        == score(tree, parse_answers(tree, shuffled)).index
    )


def test_option_values_fall_from_a_to_the_last_option():
    tree = TREES["mp_exact"]
    for item in tree.items:
        values = [option_value(tree.rules, item, c) for c in OPTION_CODES[item.answer_type]]
        assert values == sorted(values, reverse=True)
        assert values[0] == 1
        assert values[-1] == Fraction(0)
