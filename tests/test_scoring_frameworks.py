"""Scoring the shipped frameworks (renaksi/evaluation/data/frameworks/*.yaml, loaded by
evaluation/frameworks.py) against DOMAIN.md's hand-worked figures, and their worksheets."""

import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from renaksi.evaluation import frameworks
from renaksi.evaluation.models import NUMBER_SCALE, OPTION_CODES, Framework
from renaksi.evaluation.scoring import display, load_tree, parse_answers, score
from renaksi.evaluation.worksheet import WorksheetError, build_xlsx, read_xlsx, template_json

from .test_worksheet import rows_by_code, saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    frameworks.load_shipped()
    return {fw.code: fw for fw in Framework.objects.all()}


def best_answers(tree):
    """Every item answered with its best answer."""
    answers = {}
    for item in tree.items:
        if item.answer_type in OPTION_CODES or item.options:
            answers[item.code] = (
                [str(o["code"]) for o in item.options] or OPTION_CODES[item.answer_type]
            )[0]
        elif item.answer_type == "percent":
            answers[item.code] = (
                {"previous": 5, "current": 0}
                if item.formula == "decline"
                else {"numerator": 7, "denominator": 7}
            )
        elif item.answer_type in NUMBER_SCALE:
            answers[item.code] = NUMBER_SCALE[item.answer_type]
    return answers


def test_zi_rencana_pembangunan_ya_c_a_is_0_67(shipped):
    tree = load_tree(shipped["zi-2021"])
    sub = tree.by_code["A.I.1.ii"]
    assert sub.title == "Rencana Pembangunan Zona Integritas"
    assert sub.weight == 1
    result = score(
        tree, parse_answers(tree, {"A.I.1.ii.a": "ya", "A.I.1.ii.b": "c", "A.I.1.ii.c": "a"})
    )
    scored = result.by_code["A.I.1.ii"]
    assert (display(scored.score), display(scored.percent)) == (Decimal("0.67"), Decimal("66.67"))


def test_zi_manajemen_perubahan_is_3_67_of_4(shipped):
    tree = load_tree(shipped["zi-2021"])
    answers = {code: raw for code, raw in best_answers(tree).items() if code.startswith("A.I.1.")}
    answers["A.I.1.ii.b"] = "c"
    area = score(tree, parse_answers(tree, answers)).by_code["A.I.1"]
    assert area.maximum == 4
    assert area.score == Fraction(11, 3)
    assert (display(area.score), display(area.percent)) == (Decimal("3.67"), Decimal("91.67"))


def test_zi_totals_are_30_30_40_and_full_marks_reach_them(shipped):
    tree = load_tree(shipped["zi-2021"])
    result = score(tree, parse_answers(tree, best_answers(tree)))
    by = result.by_code
    assert by["A.I"].maximum == 30
    # Reform area 6 lists 4.5 of its 5 (DOMAIN.md §5.1 note): the source gap, kept.
    assert by["A.II"].maximum == Fraction(59, 2)
    assert by["B"].maximum == 40
    assert result.unanswered == []
    assert result.index == result.maximum == Fraction(199, 2)
    assert result.category["code"] == "AA"


def test_zi_b_of_a_d_is_0_67(shipped):
    tree = load_tree(shipped["zi-2021"])
    result = score(tree, parse_answers(tree, {"A.I.1.iii.a": "b"}))
    assert result.by_code["A.I.1.iii.a"].value == Fraction(67, 100)


def test_pmprb_2020_pemenuhan_weights_add_to_20(shipped):
    """DOMAIN.md §2.2/§9: the Pemenuhan rows (rescaled 2014 weights, exact) sum to 20.00."""
    tree = load_tree(shipped["pmprb-2020"])
    pemenuhan = tree.by_code["A.I"]
    assert pemenuhan.weight == 20
    areas = pemenuhan.children
    assert sum((a.weight for a in areas), Fraction(0)) == 20
    leaves = [sub for area in areas for sub in area.children if sub.weight is not None]
    for area in areas:
        if area.children and all(c.weight is not None for c in area.children):
            assert sum((c.weight for c in area.children), Fraction(0)) == area.weight, area.code
    assert display(sum((s.weight for s in leaves), Fraction(0))) == Decimal("20.00")


def test_pmprb_parts_without_items_are_incomplete_not_scored(shipped):
    """Sub-areas whose items the sources do not give score nothing and leave the maximum:
    the index of an incomplete framework counts only what can be answered."""
    tree = load_tree(shipped["pmprb-2020"])
    result = score(tree, parse_answers(tree, best_answers(tree)))
    incomplete = {n.code for n in result.incomplete}
    assert {"A.I.2", "A.II", "A.III", "B"} <= incomplete
    assert result.by_code["B"].score is None
    # The maximum is what can be scored: Hasil (40, no items in the sources) is left out.
    assert result.maximum == result.by_code["A"].maximum < 20
    assert result.index <= result.maximum
    # An item without an answer type (A.I.8.ii.b) is out of its sub-component's mean.
    assert "A.I.8.ii.b" in incomplete
    assert result.by_code["A.I.8.ii"].score == Fraction(1, 3)


def test_every_shipped_worksheet_round_trips(shipped):
    for framework in shipped.values():
        tree = load_tree(framework)
        best = best_answers(tree)
        workbook = load_workbook(io.BytesIO(build_xlsx(framework, tree)))
        sheet = workbook["LKE"]
        rows = rows_by_code(sheet)
        for code, raw in best.items():
            if isinstance(raw, dict):
                first, second = list(raw.values())
                sheet[f"F{rows[code]}"], sheet[f"G{rows[code]}"] = first, second
            else:
                sheet[f"E{rows[code]}"] = (
                    raw.upper() if isinstance(raw, str) and len(raw) == 1 else raw
                )
        filled = read_xlsx(saved(workbook), framework, tree)
        expected = score(tree, parse_answers(tree, best))
        got = score(tree, parse_answers(tree, filled.answers))
        assert got.index == expected.index, framework.code
        data = template_json(framework, tree)
        assert len(data["items"]) == len(tree.items)


def test_lke_score_on_the_zi_framework(shipped, tmp_path):
    tree = load_tree(shipped["zi-2021"])
    path = tmp_path / "zi.json"
    path.write_text(json.dumps(best_answers(tree)))
    out = io.StringIO()
    call_command(
        "lke_score", "--framework", "zi-2021", "--answers", str(path), "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["index"] == 99.5
    assert data["category"]["code"] == "AA"
    assert len(data["nodes"]) == len(list(tree.walk()))


def test_template_examples_are_a_valid_answers_file_for_every_framework(shipped, tmp_path):
    for framework in shipped.values():
        data = template_json(framework)
        path = tmp_path / f"{framework.code}.json"
        path.write_text(json.dumps({i["code"]: i["example"] for i in data["items"]}))
        out = io.StringIO()
        call_command(
            "lke_score", "--framework", framework.code, "--answers", str(path), "--json", stdout=out
        )
        assert json.loads(out.getvalue())["items"] == len(data["items"])


def test_zi_more_changes_than_agents_reads_back_as_full_marks(shipped):
    """'1 Agen 1 Perubahan' (capped_ratio): 5 changes by 3 agents is 100 %; a plain ratio item
    with a numerator above its denominator is refused at its cell."""
    framework = shipped["zi-2021"]
    workbook = load_workbook(io.BytesIO(build_xlsx(framework)))
    sheet = workbook["LKE"]
    rows = rows_by_code(sheet)
    sheet[f"F{rows['A.II.1.i.a']}"], sheet[f"G{rows['A.II.1.i.a']}"] = 5, 3
    assert read_xlsx(saved(workbook), framework).values["A.II.1.i.a"] == 1
    assert "paling tinggi 100 %" in sheet[f"I{rows['A.II.1.i.a']}"].value
    row = rows["A.II.1.i.b"]
    sheet[f"F{row}"], sheet[f"G{row}"] = 5, 3
    with pytest.raises(WorksheetError) as caught:
        read_xlsx(saved(workbook), framework)
    assert caught.value.messages == [
        f"Baris {row}, sel F{row}: pembilang (5) tidak boleh lebih besar dari penyebut (3)."
    ]
