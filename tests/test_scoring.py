"""The LKE scoring engine (renaksi/evaluation/scoring.py) against the figures of DOMAIN.md
§2.4, §2.5, §5 and §8, worked by hand. No database unless a test says so."""

from decimal import Decimal
from fractions import Fraction

import pytest

from renaksi.evaluation.models import DEFAULT_OPTION_VALUES, AnswerType, ZeroDenominator
from renaksi.evaluation.scoring import (
    FrameworkRules,
    RawAnswer,
    ScoringError,
    Tree,
    category_of,
    display,
    item_value,
    load_tree,
    parse_answer,
    parse_answers,
    score,
)

from .scoring_support import (
    full_marks,
    node,
    rules,
    save_framework,
    single_item_tree,
    small_lke,
    zi_mp,
)


def scored(tree, raw):
    return score(tree, parse_answers(tree, raw))


def value_of(answer_type, raw, **rule_kwargs):
    tree = single_item_tree(answer_type, **rule_kwargs)
    return score(tree, parse_answers(tree, {"S.a": raw})).by_code["S.a"].value


# -- the published figures -----------------------------------------------------------------


def test_rencana_pembangunan_zi_ya_c_a_scores_0_67():
    """[PNSERANG] ZI 2022: sub-component ii (weight 1.00) answered Ya, C, A shows 0.67 66.67%."""
    tree = zi_mp()
    result = scored(tree, {"A.1.ii.a": "Ya", "A.1.ii.b": "C", "A.1.ii.c": "A"})
    sub = result.by_code["A.1.ii"]
    assert sub.score == Fraction(2, 3)
    assert sub.maximum == 1
    assert display(sub.score) == Decimal("0.67")
    assert display(sub.percent) == Decimal("66.67")
    assert [result.by_code[f"A.1.ii.{x}"].value for x in "abc"] == [1, 0, 1]


def test_manajemen_perubahan_area_3_67_of_4():
    """[PNSERANG]: the MP area (4.00) shows 3.67 91.67% = 0.50 + 0.67 + 1.00 + 1.50."""
    tree = zi_mp()
    answers = full_marks(tree) | {"A.1.ii.b": "c"}
    result = scored(tree, answers)
    assert [display(result.by_code[f"A.1.{s}"].score) for s in ("i", "ii", "iii", "iv")] == [
        Decimal("0.50"),
        Decimal("0.67"),
        Decimal("1.00"),
        Decimal("1.50"),
    ]
    area = result.by_code["A.1"]
    assert area.maximum == 4
    assert area.score == Fraction(11, 3)
    assert display(area.score) == Decimal("3.67")
    assert display(area.percent) == Decimal("91.67")
    assert result.index == Fraction(11, 3)
    assert result.unanswered == []
    assert result.incomplete == []


def test_sub_component_is_weight_times_mean_of_its_items():
    tree = zi_mp()
    # iv (1.5): Ya, B (0.5), C (0), B of A–D (0.67 rounded) → 1.5 × (1 + .5 + 0 + .67)/4.
    result = scored(tree, {"A.1.iv.a": "ya", "A.1.iv.b": "b", "A.1.iv.c": "c", "A.1.iv.d": "b"})
    assert (
        result.by_code["A.1.iv"].score
        == Fraction(3, 2) * (1 + Fraction(1, 2) + 0 + Fraction(67, 100)) / 4
    )
    assert display(result.by_code["A.1.iv"].score) == Decimal("0.81")


def test_unanswered_items_count_zero_and_are_listed():
    tree = zi_mp()
    result = scored(tree, {"A.1.ii.a": "ya"})
    assert result.by_code["A.1.ii"].score == Fraction(1, 3)
    assert result.by_code["A.1.ii.b"].value is None
    assert [n.code for n in result.unanswered][:3] == ["A.1.i.a", "A.1.i.b", "A.1.ii.b"]
    assert len(result.unanswered) == 11  # 12 items, one answered
    assert result.index == Fraction(1, 3)


def test_nothing_answered_scores_zero_of_four():
    result = score(zi_mp(), {})
    assert result.index == 0
    assert result.maximum == 4
    assert result.by_code["A.1"].percent == 0
    assert result.category is None  # 0 is not above 0: no category (D is >0–30)


def test_components_sum_their_areas_and_the_index_sums_components():
    tree = small_lke()
    answers = full_marks(tree) | {
        "A.2.i.a": {"numerator": 3, "denominator": 4},
        "A.2.ii.a": {"previous": 10, "current": 4},
        "B.1.a": "3.2",
        "B.2.a": 80,
    }
    result = scored(tree, answers)
    by = result.by_code
    assert by["A.2.i"].score == Fraction(3, 2)  # 2 × 0.75
    assert by["A.2.ii"].score == Fraction(6, 5)  # 2 × (10 − 4)/10
    assert by["A.2"].score == Fraction(3, 2) + Fraction(6, 5) + 1
    assert by["A.2"].maximum == 5
    assert by["A"].score == 4 + by["A.2"].score
    assert by["A"].maximum == 9
    assert by["B.1"].score == Fraction(35, 2) * Fraction(8, 10)  # 17.5 × 3.2/4 = 14
    assert by["B.2"].score == 4
    assert by["B"].score == 18
    assert result.index == by["A"].score + by["B"].score
    assert result.maximum == Fraction(63, 2)


# -- option values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer_type", "option", "expected"),
    [
        ("yes_no", "ya", 1),
        ("yes_no", "tidak", 0),
        ("abc", "a", 1),
        ("abc", "b", Fraction(1, 2)),
        ("abc", "c", 0),
        ("abcd", "a", 1),
        ("abcd", "b", Fraction(2, 3)),
        ("abcd", "c", Fraction(1, 3)),
        ("abcd", "d", 0),
        ("abcde", "a", 1),
        ("abcde", "b", Fraction(3, 4)),
        ("abcde", "c", Fraction(1, 2)),
        ("abcde", "d", Fraction(1, 4)),
        ("abcde", "e", 0),
    ],
)
def test_default_option_values_are_linear_steps_exactly(answer_type, option, expected):
    assert value_of(answer_type, option) == expected
    assert value_of(answer_type, option.upper()) == expected  # "A" and "Ya" too


@pytest.mark.parametrize(
    ("answer_type", "option", "expected"),
    [
        ("abcd", "b", Fraction(67, 100)),  # DOMAIN.md §8: B of A–D = 0.67
        ("abcd", "c", Fraction(33, 100)),
        ("abcde", "b", Fraction(3, 4)),
        ("abc", "b", Fraction(1, 2)),
    ],
)
def test_value_decimals_round_item_values_before_the_mean(answer_type, option, expected):
    assert value_of(answer_type, option, value_decimals=2) == expected


def test_value_decimals_round_half_up():
    tree = single_item_tree("abc", options=[{"code": "a"}, {"code": "b", "value": "0.125"}])
    tree.rules.value_decimals = 2
    assert score(tree, parse_answers(tree, {"S.a": "b"})).by_code["S.a"].value == Fraction(13, 100)
    tree.rules.value_decimals = 1
    assert score(tree, parse_answers(tree, {"S.a": "b"})).by_code["S.a"].value == Fraction(1, 10)


def test_rounded_values_make_the_published_percentages():
    """Three A–D items answered B, B, C: (0.67 + 0.67 + 0.33)/3 = 0.5567 → 55.67 % with the
    rounded values, 55.56 % exactly."""
    pairs = [
        (node("S", "sub_component", "1"), None),
        *[(node(f"S.{x}", "item", answer_type="abcd"), "S") for x in "abc"],
    ]
    answers = {"S.a": "b", "S.b": "b", "S.c": "c"}
    rounded = Tree.build(rules(value_decimals=2), pairs)
    assert display(scored(rounded, answers).by_code["S"].percent) == Decimal("55.67")
    exact = Tree.build(
        rules(), [(node(n.code, n.kind, n.weight, n.answer_type), p) for n, p in pairs]
    )
    assert display(scored(exact, answers).by_code["S"].percent) == Decimal("55.56")


def test_framework_option_values_override_the_defaults():
    """The Portal RB table (DOMAIN.md §8): A 1.00 B 0.75 C 0.50 D 0.25 E 0.00."""
    portal = {"abcde": {"a": "1", "b": "0.75", "c": "0.50", "d": "0.25", "e": "0"}}
    assert value_of("abcde", "c", option_values=portal) == Fraction(1, 2)
    three = {"abc": {"a": "1", "b": "0", "c": "0"}}  # an instrument that scores B as nothing
    assert value_of("abc", "b", option_values=three) == 0
    assert value_of("abc", "a", option_values=three) == 1
    # An override of another answer type leaves this one on the defaults.
    assert value_of("abcd", "b", option_values=three) == Fraction(2, 3)


def test_framework_override_of_some_options_keeps_the_defaults_of_the_others():
    partial = {"abcd": {"b": "0.7"}}
    assert value_of("abcd", "b", option_values=partial) == Fraction(7, 10)
    assert value_of("abcd", "a", option_values=partial) == 1
    assert value_of("abcd", "c", option_values=partial) == Fraction(1, 3)


def test_item_option_values_override_the_framework():
    options = [
        {"code": "a", "label": "minimal 4 kali setahun", "value": "1"},
        {"code": "b", "label": "3 kali", "value": "0.8"},
        {"code": "c", "label": "2 kali", "value": ""},  # empty: the framework's
        {"code": "d", "label": "1 kali"},
        {"code": "e", "label": "belum"},
    ]
    framework = {"abcde": {"a": "1", "b": "0.75", "c": "0.6", "d": "0.25", "e": "0"}}
    assert value_of("abcde", "b", options=options, option_values=framework) == Fraction(4, 5)
    assert value_of("abcde", "c", options=options, option_values=framework) == Fraction(3, 5)
    assert value_of("abcde", "d", options=options) == Fraction(1, 4)


def test_item_with_fewer_options_accepts_only_those():
    options = [{"code": "A", "value": "1"}, {"code": "B", "value": "0.5"}]
    assert value_of("abcd", "b", options=options) == Fraction(1, 2)
    with pytest.raises(ScoringError) as caught:
        value_of("abcd", "c", options=options)
    assert "(A, B)" in caught.value.message


@pytest.mark.parametrize(
    ("answer_type", "answer", "listed"),
    [
        ("abcd", "F", "(A, B, C, D)"),
        ("abc", "d", "(A, B, C)"),
        ("yes_no", "y", "(ya, tidak)"),
        ("abcde", "ab", "(A, B, C, D, E)"),
    ],
)
def test_answer_outside_the_options_names_the_item_and_the_options(answer_type, answer, listed):
    with pytest.raises(ScoringError) as caught:
        value_of(answer_type, answer)
    assert caught.value.code == "S.a"
    assert caught.value.message == (
        f"Butir S.a: jawaban “{answer}” bukan salah satu pilihan {listed}."
    )


@pytest.mark.parametrize("raw", [1, 0.5, True, ["a"], {"numerator": 1}])
def test_option_item_refuses_answers_of_another_type(raw):
    tree = single_item_tree("abc")
    with pytest.raises(ScoringError) as caught:
        parse_answers(tree, {"S.a": raw})
    assert caught.value.code == "S.a"
    assert "Butir S.a" in caught.value.message


def test_null_is_unanswered_but_its_code_must_exist():
    tree = zi_mp()
    assert parse_answers(tree, {"A.1.ii.a": None}) == {}
    result = scored(tree, {"A.1.ii.a": None, "A.1.ii.b": "a"})
    assert result.by_code["A.1.ii.a"].value is None
    assert "A.1.ii.a" in [n.code for n in result.unanswered]
    with pytest.raises(ScoringError):
        parse_answers(tree, {"A.1.zz": None})


def test_empty_option_counts_as_unanswered():
    tree = single_item_tree("abc")
    result = score(tree, parse_answers(tree, {"S.a": "  "}))
    assert result.by_code["S.a"].value is None
    assert [n.code for n in result.unanswered] == ["S.a"]


# -- percentage items ------------------------------------------------------------------------


def ratio(n, d, **kwargs):
    return value_of("percent", {"numerator": n, "denominator": d}, formula="ratio", **kwargs)


def decline(previous, current, **kwargs):
    return value_of(
        "percent", {"previous": previous, "current": current}, formula="decline", **kwargs
    )


def test_ratio_is_numerator_over_denominator():
    assert ratio(12, 15) == Fraction(4, 5)
    assert ratio(15, 15) == 1
    assert ratio(0, 15) == 0
    assert ratio(1, 3) == Fraction(1, 3)
    assert ratio(1, 3, value_decimals=2) == Fraction(33, 100)
    assert ratio("7", "8") == Fraction(7, 8)  # counts as text from a form or a sheet


def test_formula_defaults_to_ratio():
    assert value_of("percent", {"numerator": 1, "denominator": 2}) == Fraction(1, 2)


def test_numerator_larger_than_denominator_is_refused():
    with pytest.raises(ScoringError) as caught:
        ratio(16, 15)
    assert caught.value.code == "S.a"
    assert caught.value.message == (
        "Butir S.a: pembilang (16) tidak boleh lebih besar dari penyebut (15)."
    )
    with pytest.raises(ScoringError, match="penyebut 0"):
        ratio(1, 0)


@pytest.mark.parametrize(("n", "d"), [(-1, 5), (1, -5), ("-2", "3")])
def test_negative_counts_are_refused(n, d):
    with pytest.raises(ScoringError, match="tidak boleh negatif"):
        ratio(n, d)


@pytest.mark.parametrize("bad", [2.5, "2,5", "dua", "NaN", "Infinity", "-inf", True, [1], {}])
def test_non_integer_counts_are_refused(bad):
    with pytest.raises(ScoringError, match="bilangan bulat") as caught:
        ratio(bad, 5)
    assert caught.value.code == "S.a"


def test_missing_count_is_named():
    with pytest.raises(ScoringError) as caught:
        value_of("percent", {"numerator": 3}, formula="ratio")
    assert caught.value.message == "Butir S.a: jumlah “denominator” belum diisi."


def test_counts_with_unknown_names_are_refused_with_an_example():
    with pytest.raises(ScoringError) as caught:
        value_of("percent", {"pembilang": 3, "penyebut": 4}, formula="ratio")
    assert caught.value.message == (
        "Butir S.a: jawabannya jumlah numerator dan denominator, mis. "
        '{"numerator": 0, "denominator": 0}.'
    )
    with pytest.raises(ScoringError):
        value_of("percent", "75%", formula="ratio")


def test_empty_counts_are_unanswered():
    assert value_of("percent", {}, formula="ratio") is None


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (ZeroDenominator.FULL, Fraction(1)),
        (ZeroDenominator.ZERO, Fraction(0)),
        (ZeroDenominator.UNANSWERED, None),
    ],
)
def test_zero_denominator_follows_the_framework_rule(rule, expected):
    assert ratio(0, 0, zero_denominator=rule) == expected
    assert decline(0, 0, zero_denominator=rule) == expected
    tree = single_item_tree("percent", formula="ratio", zero_denominator=rule)
    result = score(tree, parse_answers(tree, {"S.a": {"numerator": 0, "denominator": 0}}))
    assert result.by_code["S"].score == (expected or 0)
    assert (result.unanswered != []) is (expected is None)


def test_decline_from_last_year():
    """ "Jumlah pelanggaran tahun sebelumnya dikurangi Jumlah pelanggaran tahun ini kemudian
    dibagi dengan Jumlah pelanggaran tahun sebelumnya" (DOMAIN.md §2.4)."""
    assert decline(10, 4) == Fraction(3, 5)
    assert decline(10, 0) == 1
    assert decline(10, 10) == 0
    assert decline(3, 2, value_decimals=2) == Fraction(33, 100)


def test_decline_is_clamped_to_zero_when_violations_rose():
    assert decline(4, 10) == 0
    assert decline(0, 3) == 0  # none last year, some this year: nothing declined


# -- numbers on a scale ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer_type", "raw", "expected"),
    [
        ("survey_0_4", 4, 1),
        ("survey_0_4", 0, 0),
        ("survey_0_4", "3.2", Fraction(4, 5)),
        ("survey_0_4", "3,2", Fraction(4, 5)),  # Indonesian decimal comma
        ("survey_0_4", 3.5, Fraction(7, 8)),
        ("range_0_100", 80, Fraction(4, 5)),
        ("range_0_100", "100", 1),
        ("range_0_5", "2.5", Fraction(1, 2)),
        ("range_0_5", 5, 1),
    ],
)
def test_numbers_are_divided_by_the_top_of_their_scale(answer_type, raw, expected):
    assert value_of(answer_type, raw) == expected


def test_survey_sub_component_weight_17_5():
    """IPAK 3.2 of 4 on a weight of 17.5 scores 14.00 (80 %)."""
    tree = single_item_tree("survey_0_4", weight="17.5")
    sub = scored(tree, {"S.a": 3.2}).by_code["S"]
    assert sub.score == 14
    assert display(sub.percent) == Decimal("80.00")


@pytest.mark.parametrize(
    ("answer_type", "raw", "message"),
    [
        ("survey_0_4", "4.01", "Butir S.a: nilai 4.01 di luar rentang 0–4."),
        ("survey_0_4", -1, "Butir S.a: nilai -1 di luar rentang 0–4."),
        ("range_0_100", 101, "Butir S.a: nilai 101 di luar rentang 0–100."),
        ("range_0_5", "5.5", "Butir S.a: nilai 5.5 di luar rentang 0–5."),
    ],
)
def test_numbers_outside_the_scale_are_refused(answer_type, raw, message):
    with pytest.raises(ScoringError) as caught:
        value_of(answer_type, raw)
    assert caught.value.message == message


@pytest.mark.parametrize("raw", ["tiga", "", "NaN", "Infinity", "-Infinity", True, [3], {"n": 1}])
def test_non_numbers_on_a_scale_are_refused(raw):
    with pytest.raises(ScoringError) as caught:
        value_of("survey_0_4", raw)
    assert caught.value.code == "S.a"


def test_number_item_without_a_number_is_unanswered():
    tree = single_item_tree("range_0_100")
    assert item_value(tree.rules, tree.by_code["S.a"], RawAnswer()) is None


# -- categories --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        ("100", "AA"),
        ("90.01", "AA"),
        ("90.00", "A"),
        ("80.01", "A"),
        ("80.00", "BB"),
        ("70.01", "BB"),
        ("70.00", "B"),  # DOMAIN.md §2.5: lower bounds exclusive
        ("69.76", "B"),  # KPU 2023
        ("73.51", "BB"),  # KPU 2024
        ("70.21", "BB"),  # KPU 2019
        ("60.01", "B"),
        ("60.00", "CC"),
        ("50.01", "CC"),
        ("50.00", "C"),
        ("30.01", "C"),
        ("30.00", "D"),
        ("0.01", "D"),
    ],
)
def test_category_bounds(index, expected):
    assert category_of(rules(), Fraction(index))["code"] == expected


def test_category_reads_the_index_rounded_to_two_decimals():
    assert category_of(rules(), Fraction("70.004"))["code"] == "B"  # shown 70.00
    assert category_of(rules(), Fraction("70.005"))["code"] == "BB"  # shown 70.01
    assert category_of(rules(), Fraction(21001, 300))["code"] == "B"  # 70.0033… shown 70.00


def test_no_category_outside_the_table_or_without_one():
    assert category_of(rules(), Fraction(0)) is None
    assert category_of(rules(), Fraction("100.01")) is None
    assert category_of(FrameworkRules(), Fraction(75)) is None


def test_portal_predicate_table_as_framework_data():
    """The portal's own SAKIP table (DOMAIN.md §8) has inclusive lower bounds; as data it is
    written with the bound just below (A ≥ 80 = above 79.99)."""
    sakip = [
        {"code": "AA", "above": "90", "up_to": "100"},
        {"code": "A", "above": "79.99", "up_to": "90"},
        {"code": "BB", "above": "69.99", "up_to": "79.99"},
    ]
    table = FrameworkRules(categories=sakip)
    assert category_of(table, Fraction(80))["code"] == "A"
    assert category_of(table, Fraction("79.99"))["code"] == "BB"
    assert category_of(table, Fraction(70))["code"] == "BB"


def test_result_category_comes_from_the_index():
    tree = Tree.build(
        rules(),
        [
            (node("A", "sub_component", "100"), None),
            *[(node(f"A.{x}", "item", answer_type="range_0_100"), "A") for x in "ab"],
        ],
    )
    assert scored(tree, {"A.a": 70, "A.b": 70}).category["code"] == "B"
    assert scored(tree, {"A.a": 70, "A.b": "70.02"}).category["code"] == "BB"
    assert scored(tree, {"A.a": 100, "A.b": "80.03"}).category["code"] == "AA"


# -- codes and types ---------------------------------------------------------------------------


def test_unknown_code_is_named():
    tree = zi_mp()
    with pytest.raises(ScoringError) as caught:
        parse_answers(tree, {"A.1.ii.a": "ya", "A.1.ix.z": "a"})
    assert caught.value.code == "A.1.ix.z"
    assert caught.value.message == "Kode butir “A.1.ix.z” tidak ada di kerangka ini."
    with pytest.raises(ScoringError) as caught:
        score(tree, {"Z": RawAnswer(option="a")})
    assert caught.value.code == "Z"


def test_a_code_that_is_not_an_item_is_refused():
    tree = zi_mp()
    with pytest.raises(ScoringError) as caught:
        parse_answers(tree, {"A.1.ii": "a"})
    assert caught.value.code == "A.1.ii"
    assert "A.1.ii" in caught.value.message


def test_wrong_type_names_the_code():
    tree = small_lke()
    cases = {
        "A.1.ii.b": 1,  # a number for an option item
        "A.2.i.a": "a",  # an option for a percentage item
        "B.1.a": {"numerator": 1, "denominator": 2},  # counts for a survey value
        "B.2.a": "sangat baik",
    }
    for code, raw in cases.items():
        with pytest.raises(ScoringError) as caught:
            parse_answers(tree, {code: raw})
        assert caught.value.code == code
        assert f"Butir {code}" in caught.value.message


def test_first_bad_answer_stops_scoring():
    tree = zi_mp()
    answers = parse_answers(tree, full_marks(tree))
    answers["A.1.iii.b"] = RawAnswer(option="e")
    with pytest.raises(ScoringError) as caught:
        score(tree, answers)
    assert caught.value.code == "A.1.iii.b"


def test_item_without_an_answer_type_is_an_error_not_a_crash():
    tree = Tree.build(
        rules(), [(node("S", "sub_component", "1"), None), (node("S.a", "item"), "S")]
    )
    with pytest.raises(ScoringError, match="tidak memiliki jenis jawaban"):
        parse_answer(tree.by_code["S.a"], "a")
    with pytest.raises(ScoringError, match="tidak memiliki jenis jawaban"):
        score(tree, {"S.a": RawAnswer(option="a")})


def test_option_code_missing_from_every_table_is_an_error_not_a_crash():
    """An item whose own options add a code that neither it nor the tables value."""
    options = [{"code": "a", "value": "1"}, {"code": "x", "label": "lainnya"}]
    with pytest.raises(ScoringError) as caught:
        value_of("abc", "x", options=options)
    assert caught.value.code == "S.a"


# -- weights, incomplete parts ----------------------------------------------------------------


def test_items_with_their_own_weight_score_weight_times_value():
    """RB General style: an item weighted on its own (e.g. LHKPN % 1 and non-LHKPN % 1)."""
    tree = Tree.build(
        rules(),
        [
            (node("P", "sub_component"), None),
            (node("P.a", "item", "1", answer_type="percent", formula="ratio"), "P"),
            (node("P.b", "item", "1", answer_type="percent", formula="ratio"), "P"),
        ],
    )
    result = scored(
        tree,
        {"P.a": {"numerator": 9, "denominator": 10}, "P.b": {"numerator": 1, "denominator": 4}},
    )
    assert result.by_code["P.a"].score == Fraction(9, 10)
    assert result.by_code["P"].score == Fraction(23, 20)
    assert result.by_code["P"].maximum == 2
    assert display(result.by_code["P"].percent) == Decimal("57.50")


def test_incomplete_parts_are_left_out_of_the_sums_and_reported():
    """A sub-component whose weight the sources do not give (DOMAIN.md §9: stays null)."""
    tree = Tree.build(
        rules(),
        [
            (node("A", "area"), None),
            (node("A.i", "sub_component", "2"), "A"),
            (node("A.i.a", "item", answer_type="yes_no"), "A.i"),
            (node("A.ii", "sub_component", None, incomplete=True), "A"),
            (node("A.ii.a", "item", answer_type="yes_no"), "A.ii"),
        ],
    )
    result = scored(tree, {"A.i.a": "ya", "A.ii.a": "ya"})
    assert result.by_code["A.ii"].score is None
    assert result.by_code["A.ii"].percent is None
    assert result.by_code["A.ii.a"].value == 1  # the answer itself is still valued
    assert result.by_code["A"].score == 2
    assert result.by_code["A"].maximum == 2
    assert [n.code for n in result.incomplete] == ["A.ii"]
    assert result.index == 2


def test_an_incomplete_top_level_part_is_left_out_of_the_maximum():
    """PMPRB's Hasil (40) has no items in the sources: the index is read against the rest."""
    tree = Tree.build(
        rules(),
        [
            (node("A", "component", "60"), None),
            (node("A.i", "sub_component", "60"), "A"),
            (node("A.i.a", "item", answer_type="yes_no"), "A.i"),
            (node("B", "component", "40", incomplete=True), None),
        ],
    )
    result = scored(tree, {"A.i.a": "ya"})
    assert result.by_code["B"].score is None
    assert result.index == 60
    assert result.maximum == 60
    assert [n.code for n in result.incomplete] == ["B"]


def test_exact_fractions_keep_the_rescaled_weights_whole():
    """Three sub-areas of 1/3 each (2014 weights rescaled) add to exactly 1, not 0.99."""
    pairs = [(node("A", "area"), None)]
    for x in ("i", "ii", "iii"):
        pairs.append((node(f"A.{x}", "sub_component", "1/3"), "A"))
        pairs.append((node(f"A.{x}.a", "item", answer_type="yes_no"), f"A.{x}"))
    tree = Tree.build(rules(), pairs)
    result = scored(tree, {"A.i.a": "ya", "A.ii.a": "ya", "A.iii.a": "ya"})
    assert result.by_code["A"].score == 1
    assert display(result.by_code["A"].percent) == Decimal("100.00")


def test_display_rounds_half_up():
    assert display(Fraction(1, 200)) == Decimal("0.01")
    assert display(Fraction(2, 3)) == Decimal("0.67")
    assert display(Fraction(1, 3)) == Decimal("0.33")
    assert display(Fraction(11, 3) / 4 * 100) == Decimal("91.67")
    assert display(None) is None
    assert display(Fraction(1, 8), 1) == Decimal("0.1")  # 0.125 → 0.1
    assert display(Fraction(3, 20), 1) == Decimal("0.2")  # 0.15 → 0.2


def test_defaults_table_matches_domain():
    """DOMAIN.md §9: defaults 1/0, 1/.5/0, 1/.67/.33/0, 1/.75/.5/.25/0 (thirds kept exact)."""
    assert DEFAULT_OPTION_VALUES[AnswerType.ABCD] == {"a": "1", "b": "2/3", "c": "1/3", "d": "0"}


# -- the database tree ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_tree_from_rows_scores_as_the_built_tree(django_assert_num_queries):
    built = small_lke()
    framework = save_framework(built)
    with django_assert_num_queries(1):
        loaded = load_tree(framework)
    assert [n.code for n in loaded.walk()] == [n.code for n in built.walk()]
    assert loaded.rules.value_decimals == 2
    answers = full_marks(built) | {
        "A.1.ii.b": "c",
        "A.2.i.a": {"numerator": 3, "denominator": 4},
        "B.1.a": 3,
    }
    a = scored(built, answers)
    b = scored(loaded, answers)
    assert a.index == b.index
    assert {code: s.score for code, s in a.by_code.items()} == {
        code: s.score for code, s in b.by_code.items()
    }
    assert loaded.by_code["A.1.ii.b"].parent.code == "A.1.ii"
    assert [p.code for p in loaded.by_code["A.1.ii.b"].path()] == ["A", "A.1", "A.1.ii"]
