"""The shipped framework files, the validator and the loader (docs/frameworks.md).

Figures are DOMAIN.md's: §2.2 (the PMPRB 2020 Pemenuhan table), §5.1–§5.3 (Zona Integritas),
§4.2 (RB General 2023), §2.5 (categories), §2.4 (the worked example of [PNSERANG]).
"""

import subprocess
import sys
from fractions import Fraction
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from renaksi.audit.models import LogEntry
from renaksi.evaluation.frameworks import (
    DATA_DIR,
    FrameworkError,
    check_files,
    compare_versions,
    decimal_text,
    load,
    load_files,
    load_shipped,
    parse_file,
    parse_text,
    validate,
)
from renaksi.evaluation.models import Answer, Assessment, Framework, Node
from renaksi.evaluation.scoring import display, load_tree, parse_answers, score
from renaksi.units.models import Unit

PMPRB = DATA_DIR / "pmprb-2020.yaml"
ZI = DATA_DIR / "zi-2021.yaml"
RBG = DATA_DIR / "rb-general-2023.yaml"


def spec_of(path: Path):
    spec, findings = parse_file(path)
    assert spec is not None and not [f for f in findings if f.is_error], findings
    return spec


def by_code(spec):
    return {node.code: node for node in spec.walk()}


def errors(findings):
    return [f for f in findings if f.is_error]


def check_text(text: str, name: str = "broken.yaml", previous=None):
    """Parse and validate YAML text; return all findings."""
    spec, findings = parse_text(text, file=name)
    if spec is None or errors(findings):
        return findings
    return findings + validate(spec, previous)


# -- the shipped files ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_three_shipped_files_validate_without_errors():
    results = check_files(sorted(DATA_DIR.glob("*.yaml")))
    assert [spec.code for spec, _ in results] == ["pmprb-2020", "rb-general-2023", "zi-2021"]
    for _spec, findings in results:
        assert not errors(findings), [str(f) for f in errors(findings)]


def test_every_weight_in_the_files_carries_a_domain_source_comment():
    for path in sorted(DATA_DIR.glob("*.yaml")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith(("weight:", "- {code: A", "answer_type:")) or (
                stripped.startswith("- {code:") and "above:" in stripped
            ):
                assert "DOMAIN" in line or "[I]" in line, f"{path.name}:{number}: {line}"


PMPRB_AREAS = {  # DOMAIN §2.2: area → 2020 weight, sub-area weights as printed
    "1": ("2.00", ["0.40", "0.40", "0.80", "0.40"]),
    "2": ("1.00", ["0.50", "0.50"]),
    "3": ("2.00", ["1.00", "1.00"]),
    "4": ("2.00", ["0.60", "0.80", "0.60"]),
    "5": ("5.00", ["0.33", "0.67", "0.33", "2.00", "0.67", "0.33", "0.33", "0.33"]),
    "6": ("2.00", ["0.67", "1.33"]),
    "7": ("4.00", ["0.50", "0.50", "0.67", "0.50", "0.50", "0.83", "0.50"]),
    "8": ("2.00", ["0.33", "0.33", "0.50", "0.50", "0.33"]),
}


def test_pmprb_2020_pemenuhan_adds_up_to_exactly_20():
    nodes = by_code(spec_of(PMPRB))
    pemenuhan = nodes["A.I"]
    assert pemenuhan.weight_fraction == 20
    areas = pemenuhan.children
    assert [area.label for area in areas] == list(PMPRB_AREAS)
    total = sum((area.weight_fraction for area in areas), Fraction(0))
    assert total == 20 and decimal_text(total) == "20.00"
    sub_total = sum((s.weight_fraction for a in areas for s in a.children), Fraction(0))
    assert sub_total == 20  # the 32 rows at full precision
    for area in areas:
        weight, printed = PMPRB_AREAS[area.label]
        assert decimal_text(area.weight_fraction) == weight, area.code
        assert [decimal_text(s.weight_fraction) for s in area.children] == printed, area.code
        assert sum(s.weight_fraction for s in area.children) == area.weight_fraction


def test_pmprb_sdm_is_5_exactly_although_the_printed_rows_add_to_4_99():
    sdm = by_code(spec_of(PMPRB))["A.I.5"]
    weights = [s.weight_fraction for s in sdm.children]
    assert sum(weights) == 5
    assert sum(Fraction(decimal_text(w)) for w in weights) == Fraction("4.99")
    assert [s.weight for s in sdm.children][:2] == ["1/3", "2/3"]
    assert by_code(spec_of(PMPRB))["A.I.5.iv"].weight == "2"


def test_pmprb_marks_what_the_sources_do_not_give_and_invents_no_weight():
    spec = spec_of(PMPRB)
    nodes = by_code(spec)
    assert spec.complete is False and spec.incomplete_note
    assert nodes["B"].incomplete and nodes["B"].weight == "40" and not nodes["B"].children
    assert nodes["A.III"].incomplete and nodes["A.III"].weight == "30"
    assert all(not n.weight for n in nodes["A.III"].walk() if n is not nodes["A.III"])
    assert nodes["A.II"].incomplete and nodes["A.II.1"].weight == "1"
    assert nodes["A.II.x"].incomplete and not nodes["A.II.x"].weight
    # Areas 2–7 have no items (DOMAIN §2.6: not found) and are marked incomplete.
    for label in "234567":
        area = nodes[f"A.I.{label}"]
        assert area.incomplete and not any(n.is_item for n in area.walk()), area.code
    # The sample criteria of §2.6 with their answer types.
    assert nodes["A.I.1.ii.a"].answer_type == "abc"
    assert nodes["A.I.1.ii.c"].answer_type == "abcd"
    assert nodes["A.I.1.ii"].incomplete  # only 2014-era samples
    assert nodes["A.I.8.ii.b"].incomplete and not nodes["A.I.8.ii.b"].answer_type


ZI_AREAS = {  # DOMAIN §5.1: area → (Pemenuhan, Reform)
    "1": ("4", "4"),
    "2": ("3.5", "3.5"),
    "3": ("5", "5"),
    "4": ("5", "5"),
    "5": ("7.5", "7.5"),
    "6": ("5", "5"),
}
ZI_PEMENUHAN = {  # DOMAIN §5.2: sub-component weights and item answer types
    "1": [("0.5", "yes_no abc"), ("1", "yes_no abc abc"), ("1", "abcd abcd abcd"),
          ("1.5", "yes_no abc abc abcd")],
    "2": [("1", "abcde abcde"), ("2", "abc abc abc abc"), ("0.5", "abc abc")],
    "3": [("0.25", "yes_no abcd yes_no"), ("0.5", "yes_no abcde yes_no"),
          ("1.25", "yes_no abcd abcd abcd abcd abc"), ("2", "abcd abcd abcd yes_no"),
          ("0.75", "abcd"), ("0.25", "abc")],
    "4": [("2.5", "abc abc"), ("2.5", "yes_no yes_no yes_no abcd yes_no abc yes_no abc")],
    "5": [("1.5", "abc abcd"), ("1.5", "abcde abcde abc abc"), ("1.5", "abc yes_no abc abc"),
          ("1.5", "abc abc abc"), ("1.5", "abcd abcd abcd abcd abcd")],
    "6": [("1", "abcde abcd abcd yes_no"), ("1", "abcde abcd abcd abcd abcde"),
          ("1", "abcde abc abc"), ("1", "abcde abc abcd"), ("1", "abcde yes_no abc")],
}  # fmt: skip


def test_zi_totals_30_30_40_and_every_area_of_5_1():
    spec = spec_of(ZI)
    nodes = by_code(spec)
    assert spec.complete is True
    assert nodes["A"].weight_fraction == 60 and nodes["B"].weight_fraction == 40
    assert nodes["A.I"].weight_fraction == 30 and nodes["A.II"].weight_fraction == 30
    for label, (pemenuhan, reform) in ZI_AREAS.items():
        assert nodes[f"A.I.{label}"].weight_fraction == Fraction(pemenuhan)
        assert nodes[f"A.II.{label}"].weight_fraction == Fraction(reform)
    assert sum(a.weight_fraction for a in nodes["A.I"].children) == 30
    assert sum(a.weight_fraction for a in nodes["A.II"].children) == 30
    hasil = nodes["B"]
    assert [c.weight_fraction for c in hasil.children] == [Fraction("22.5"), Fraction("17.5")]
    assert nodes["B.I.a"].answer_type == "survey_0_4" and nodes["B.I.a"].weight == "17.5"
    assert nodes["B.I.b"].answer_type == "abcd" and nodes["B.I.b"].weight == "5"
    assert nodes["B.II.a"].answer_type == "survey_0_4"


def test_zi_pemenuhan_sub_components_and_answer_types_as_5_2():
    nodes = by_code(spec_of(ZI))
    for label, subs in ZI_PEMENUHAN.items():
        area = nodes[f"A.I.{label}"]
        assert len(area.children) == len(subs), area.code
        for sub, (weight, types) in zip(area.children, subs, strict=True):
            assert sub.weight_fraction == Fraction(weight), sub.code
            assert [item.answer_type for item in sub.children] == types.split(), sub.code
            for item in sub.children:
                assert item.is_item and item.options, item.code


def test_zi_reform_percentage_items_have_formula_and_inputs():
    nodes = by_code(spec_of(ZI))
    ratio = ["A.II.1.i.a", "A.II.1.i.b", "A.II.4.i.a", "A.II.5.ii.a", "A.II.5.iii.a.a",
             "A.II.5.iii.b.a", "A.II.6.i.b"]  # fmt: skip
    for code in ratio:
        item = nodes[code]
        # "1 Agen 1 Perubahan": more changes than agents is full marks (capped at 100 %).
        wanted = "capped_ratio" if code == "A.II.1.i.a" else "ratio"
        assert item.answer_type == "percent" and item.formula == wanted, code
        assert {i["name"] for i in item.count_inputs} == {"numerator", "denominator"}, code
    decline = nodes["A.II.3.iii.a"]
    assert decline.formula == "decline"
    assert {i["name"] for i in decline.count_inputs} == {"previous", "current"}
    # LHKPN: a [1] + b [1] = 2 (DOMAIN §5.3).
    assert [c.weight for c in nodes["A.II.5.iii"].children] == ["1", "1"]
    items = [n for n in nodes.values() if n.is_item]
    assert len(items) == 110
    assert all(n.answer_type for n in items)


ZI_REFORM = {  # DOMAIN §5.3: sub-component → (weight, answer types of its items)
    "A.II.1.i": ("2", "percent percent"),
    "A.II.1.ii": ("1", "abcde"),
    "A.II.1.iii": ("1", "abcd"),
    "A.II.2.i": ("0.5", "abcd"),
    "A.II.2.ii": ("1", "abc abc"),
    "A.II.2.iii": ("2", "abcde abcde abcde"),
    "A.II.3.i": ("1.5", "abc"),
    "A.II.3.ii": ("1.5", "abc"),
    "A.II.3.iii": ("2", "percent"),
    "A.II.4.i": ("2", "percent"),
    "A.II.4.ii": ("1.5", "abcd"),
    "A.II.4.iii": ("1.5", "abcd"),
    "A.II.5.i": ("2.5", "abcde"),
    "A.II.5.ii": ("3", "percent"),
    "A.II.5.iii.a": ("1", "percent"),
    "A.II.5.iii.b": ("1", "percent"),
    "A.II.6.i": ("2", "abcd percent"),
    "A.II.6.ii": ("2.5", "abcd"),
}


def test_zi_reform_sub_components_and_answer_types_as_5_3():
    nodes = by_code(spec_of(ZI))
    for code, (weight, types) in ZI_REFORM.items():
        assert nodes[code].weight_fraction == Fraction(weight), code
        assert [c.answer_type for c in nodes[code].children] == types.split(), code


def test_zi_reform_area_6_gap_is_a_finding_not_an_error():
    spec, findings = parse_file(ZI)
    findings = findings + validate(spec)
    area6 = by_code(spec)["A.II.6"]
    assert area6.incomplete and sum(c.weight_fraction for c in area6.children) == Fraction(9, 2)
    gap = [f for f in findings if f.code == "A.II.6"]
    assert len(gap) == 1 and not gap[0].is_error and "9/2 (4.50)" in gap[0].message


def test_zi_rules_option_values_rounding_and_categories():
    spec = spec_of(ZI)
    assert spec.value_decimals == 2
    assert spec.option_values["abcde"] == {"a": "1", "b": "0.75", "c": "0.5", "d": "0.25", "e": "0"}
    assert [(c["code"], c["above"], c["up_to"]) for c in spec.categories] == [
        ("AA", "90", "100"),
        ("A", "80", "90"),
        ("BB", "70", "80"),
        ("B", "60", "70"),
        ("CC", "50", "60"),
        ("C", "30", "50"),
        ("D", "0", "30"),
    ]


def test_rb_general_2023_as_far_as_4_2():
    spec = spec_of(RBG)
    nodes = by_code(spec)
    assert spec.complete is False
    assert nodes["RBG.A"].weight == "10"
    assert [(c.weight, c.answer_type, c.assessor_kind) for c in nodes["RBG.A"].children] == [
        ("3", "range_0_100", "evaluator_national"),
        ("7", "range_0_100", "evaluator_national"),
    ]
    assert nodes["RBG.B"].weight == "40" and nodes["RBG.B"].incomplete
    assert nodes["RBG.B.1"].weight == "33"
    assert nodes["RBG.B.1.1"].answer_type == "range_0_100"
    assert nodes["RBG.B.1.2"].answer_type == "range_0_5"
    assert nodes["RBG.B.1.3"].incomplete and not nodes["RBG.B.1.3"].weight


def test_codes_are_unique_within_each_shipped_framework():
    for path in (PMPRB, ZI, RBG):
        codes = [node.code for node in spec_of(path).walk()]
        assert len(codes) == len(set(codes)), path.name


# -- the validator catches each kind of error ----------------------------------------------

ZI_TEXT = ZI.read_text()
ITEM = "\n                  kind: item"  # the indentation of a Pemenuhan item's keys
ITEM_B = "                - label: b" + ITEM + '\n                  title: "Penentuan'
W05 = 'weight: "0.5"  # DOMAIN §5.2 [LKE-ZI-GH]'  # A.I.1.i, the first sub-component


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_weights_that_do_not_add_up_are_an_error_naming_the_parent_and_its_line():
    broken = replace_once(ZI_TEXT, W05, 'weight: "0.75"')
    found = errors(check_text(broken))
    assert len(found) == 1
    finding = found[0]
    assert finding.code == "A.I.1"
    assert finding.line == line_of(broken, '- label: "1"\n          kind: area')
    text = str(finding)
    assert "broken.yaml" in text and f"baris {finding.line}" in text and "A.I.1" in text
    assert "17/4 (4.25)" in text and "4 (4.00)" in text


def test_weights_that_fall_short_are_an_error_unless_the_parent_is_marked_incomplete():
    broken = replace_once(ZI_TEXT, W05, 'weight: "0.25"')
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.I.1"]
    assert "15/4 (3.75)" in found[0].message and "tidak sama" in found[0].message
    # The same shortfall on a node marked incomplete is a finding only (a source gap).
    marked = replace_once(
        broken,
        '- label: "1"\n          kind: area',
        '- label: "1"\n          incomplete: true\n          kind: area',
    )
    findings = check_text(marked)
    assert not errors(findings)
    assert any(f.code == "A.I.1" and "celah sumber" in f.message for f in findings)


def test_a_missing_answer_type_is_an_error_naming_the_item():
    broken = replace_once(
        ZI_TEXT, "\n                  answer_type: yes_no  # DOMAIN §5.2 [LKE-ZI-GH]", ""
    )
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.I.1.i.a"]
    assert "jenis jawaban" in found[0].message
    assert found[0].line == line_of(broken, "- label: a\n                  kind: item")


def test_a_duplicate_code_is_an_error_naming_both_lines():
    broken = replace_once(
        ZI_TEXT,
        "                - label: b" + ITEM,
        "                - label: b\n                  code: A.I.1.i.a" + ITEM,
    )
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.I.1.i.a"]
    first = line_of(broken, "- label: a\n                  kind: item")
    assert f"baris {first}" in found[0].message and "dua kali" in found[0].message


def test_an_option_that_does_not_fit_the_answer_type_is_an_error():
    broken = replace_once(
        ZI_TEXT, '{code: c, label: "Jika tidak di seleksi."}', '{code: d, label: "x"}'
    )
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.I.1.i.b"]
    assert "a, b, c" in found[0].message and "a, b, d" in found[0].message


def test_bad_option_values_are_errors():
    broken = replace_once(ZI_TEXT, 'abcde: {a: "1", b: "0.75"', 'abcde: {a: "1.5", b: "0.75"')
    assert any("antara 0 dan 1" in f.message for f in errors(check_text(broken)))
    broken = replace_once(ZI_TEXT, 'abc: {a: "1", b: "1/2", c: "0"}', 'abc: {a: "1", b: "x"}')
    messages = [f.message for f in errors(check_text(broken))]
    assert any("a, b, c" in m for m in messages) and any("“x”" in m for m in messages)


def test_a_percentage_item_needs_its_formula_and_inputs():
    broken = replace_once(
        ZI_TEXT, "\n                  formula: ratio  # DOMAIN §2.4 [LKE-ZI-GH]", ""
    )
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.II.1.i.b"] and "rumus" in found[0].message
    broken = replace_once(ZI_TEXT, "- {name: numerator,", "- {name: top,")
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.II.1.i.a"] and "numerator" in found[0].message


def test_a_changed_kind_of_a_stable_code_is_an_error_and_removals_are_reported():
    previous = spec_of(ZI)
    later = replace_once(ZI_TEXT, "code: zi-2021", "code: zi-2025")
    later = replace_once(later, "year: 2021", "year: 2025")
    later = replace_once(
        later, '- label: "1"\n          kind: area', '- label: "1"\n          kind: aspect'
    )
    found = check_text(later, "zi-2025.yaml", previous)
    assert [f.code for f in errors(found)] == ["A.I.1"]
    assert "zi-2021" in errors(found)[0].message and "area" in errors(found)[0].message
    # Remove one item and rename another (same title, new label): both reported as warnings.
    later = replace_once(ZI_TEXT, "code: zi-2021", "code: zi-2025")
    later = replace_once(later, "year: 2021", "year: 2025")
    later = replace_once(
        later,
        ITEM_B,
        ITEM_B.replace("label: b", "label: bb"),
    )
    spec, _findings = parse_text(later, "zi-2025.yaml")
    found = compare_versions(previous, spec)
    assert not errors(found)
    assert any(f.code == "A.I.1.i.b" and "A.I.1.i.bb" in f.message for f in found)


def test_categories_must_be_contiguous_and_ordered():
    broken = replace_once(ZI_TEXT, 'above: "80", up_to: "90"', 'above: "80", up_to: "89"')
    found = errors(check_text(broken))
    assert len(found) == 1 and "AA" in found[0].message and "celah" in found[0].message
    broken = replace_once(ZI_TEXT, 'above: "90", up_to: "100"', 'above: "100", up_to: "90"')
    assert any("lebih kecil" in f.message for f in errors(check_text(broken)))


def test_structural_problems_name_the_line():
    broken = replace_once(
        ZI_TEXT,
        "  - label: A\n    kind: component",
        "  - label: A\n    kind: component\n    colour: red",
    )
    found = errors(check_text(broken))
    assert len(found) == 1 and "colour" in found[0].message and found[0].code == "A"
    broken = replace_once(ZI_TEXT, "version: 1\n", "version: 1\nversion: 2\n")
    found = errors(check_text(broken))
    assert len(found) == 1 and "dua kali" in found[0].message and found[0].line == 10
    found = check_text("code: x\n  nodes: [\n")
    assert errors(found) and "YAML" in found[0].message and found[0].line


def test_a_node_without_weight_or_content_must_be_marked_incomplete():
    broken = replace_once(
        ZI_TEXT,
        'weight: "4"  # DOMAIN §5.1 [LKE-ZI-GH]\n          change_area: 1',
        "change_area: 1",
    )
    found = errors(check_text(broken))
    assert [f.code for f in found] == ["A.I.1"]
    assert "incomplete" in found[0].message


# -- loading -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_writes_the_tree_in_pre_order_with_depths():
    load_shipped()
    zi = Framework.objects.get(code="zi-2021")
    rows = list(
        zi.nodes.order_by("sequence").values_list("code", "sequence", "depth", "parent__code")
    )
    assert [r[1] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0] == ("A", 1, 0, None)
    assert rows[1] == ("A.I", 2, 1, "A")
    assert rows[4] == ("A.I.1.i.a", 5, 4, "A.I.1.i")
    assert {r[0]: r[2] for r in rows}["A.II.5.iii.a.a"] == 5
    assert zi.value_decimals == 2 and zi.state == "published" and zi.source_file == "zi-2021.yaml"
    item = zi.nodes.get(code="A.I.1.i.a")
    assert item.answer_type == "yes_no" and item.change_area is None
    assert zi.nodes.get(code="A.I.6").change_area.number == 8
    assert Framework.objects.count() == 3


@pytest.mark.django_db
def test_loading_is_idempotent():
    first = load_shipped()
    assert [r.status for r in first] == ["created"] * 3
    entries = LogEntry.objects.count()
    snapshot = list(Node.objects.order_by("pk").values_list("pk", "code", "sequence"))
    second = load_shipped()
    assert [r.status for r in second] == ["unchanged"] * 3
    assert list(Node.objects.order_by("pk").values_list("pk", "code", "sequence")) == snapshot
    assert LogEntry.objects.count() == entries == 3
    assert set(LogEntry.objects.values_list("action", flat=True)) == {"evaluation.framework_loaded"}


def changed_zi(tmp_path, old: str, new: str) -> Path:
    path = tmp_path / "zi-2021.yaml"
    path.write_text(replace_once(ZI_TEXT, old, new))
    return path


def make_assessment(framework) -> Assessment:
    unit = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    assessment = Assessment.objects.create(unit=unit, year=2024, framework=framework)
    Answer.objects.create(
        assessment=assessment, item=framework.nodes.get(code="A.I.1.i.a"), option="ya"
    )
    return assessment


@pytest.mark.django_db
def test_a_changed_file_updates_a_framework_nobody_uses_keeping_node_ids(tmp_path):
    load_files([ZI])
    ids = dict(Node.objects.values_list("code", "pk"))
    path = changed_zi(
        tmp_path,
        W05,
        'weight: "0.5"\n              incomplete: true',
    )
    # a scoring-neutral flag plus a removed and an added item
    text = path.read_text()
    text = replace_once(
        text,
        ITEM_B,
        ITEM_B.replace("label: b", "label: z"),
    )
    path.write_text(text)
    [result] = load_files([path])
    assert result.status == "updated"
    after = dict(Node.objects.values_list("code", "pk"))
    assert "A.I.1.i.b" not in after and "A.I.1.i.z" in after
    assert all(after[code] == pk for code, pk in ids.items() if code in after)
    sequences = list(
        Node.objects.filter(framework=result.framework)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))


@pytest.mark.django_db
def test_reloading_keeps_the_state_set_on_the_pages(tmp_path):
    [loaded] = load_files([ZI])
    Framework.objects.filter(pk=loaded.framework.pk).update(state="retired")
    path = changed_zi(tmp_path, 'title: "Penyusunan Tim Kerja"', 'title: "Penyusunan Tim"')
    [result] = load_files([path])
    assert result.status == "texts_updated"
    result.framework.refresh_from_db()
    assert result.framework.state == "retired"


@pytest.mark.django_db
def test_a_changed_weight_is_refused_once_an_assessment_uses_the_framework(tmp_path):
    [loaded] = load_files([ZI])
    make_assessment(loaded.framework)
    path = changed_zi(tmp_path, W05, 'weight: "0.25"')
    path.write_text(
        replace_once(path.read_text(), 'weight: "1"  # DOMAIN §5.2 [LKE-ZI-GH]', 'weight: "1.25"')
    )
    before = list(Node.objects.values_list("pk", "code", "weight", "title"))
    with pytest.raises(FrameworkError) as info:
        load_files([path])
    assert (
        "sudah dipakai 1 lembar kerja" in info.value.message and "versi baru" in info.value.message
    )
    assert list(Node.objects.values_list("pk", "code", "weight", "title")) == before


@pytest.mark.django_db
def test_a_text_only_change_is_applied_even_when_used(tmp_path):
    [loaded] = load_files([ZI])
    assessment = make_assessment(loaded.framework)
    path = changed_zi(tmp_path, 'title: "Penyusunan Tim Kerja"', 'title: "Penyusunan Tim Kerja ZI"')
    [result] = load_files([path])
    assert result.status == "texts_updated"
    assert Node.objects.get(code="A.I.1.i").title == "Penyusunan Tim Kerja ZI"
    assert assessment.answers.get().item.code == "A.I.1.i.a"


@pytest.mark.django_db
def test_one_broken_file_loads_nothing(tmp_path):
    broken = tmp_path / "zi-2021.yaml"
    broken.write_text(replace_once(ZI_TEXT, W05, 'weight: "0.75"'))
    with pytest.raises(FrameworkError) as info:
        load_files([PMPRB, broken])
    assert "zi-2021.yaml" in info.value.message and "A.I.1" in info.value.message
    assert not Framework.objects.exists()


@pytest.mark.django_db
def test_a_validated_spec_with_errors_is_not_loaded():
    spec, findings = parse_text(
        replace_once(
            ZI_TEXT, "\n                  answer_type: yes_no  # DOMAIN §5.2 [LKE-ZI-GH]", ""
        ),
        "x.yaml",
    )
    with pytest.raises(FrameworkError):
        load(spec, findings=findings + validate(spec))
    assert not Framework.objects.exists()


# -- the command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_check_writes_nothing_and_loads_on_demand():
    out = StringIO()
    call_command("load_frameworks", "--check", stdout=out)
    assert "zi-2021.yaml: benar" in out.getvalue() and "catatan: zi-2021.yaml" in out.getvalue()
    assert not Framework.objects.exists()
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert out.getvalue().count("dimuat") == 3
    out = StringIO()
    call_command("load_frameworks", str(ZI), stdout=out)
    assert out.getvalue().strip() == "zi-2021.yaml: zi-2021 tidak berubah (2 catatan)."


@pytest.mark.django_db
def test_command_fails_with_one_line_and_status_1(tmp_path):
    broken = tmp_path / "zi-2021.yaml"
    broken.write_text(replace_once(ZI_TEXT, W05, 'weight: "0.75"'))
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("load_frameworks", str(broken), stdout=StringIO(), stderr=err)
    assert info.value.code == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Galat: zi-2021.yaml tidak dimuat")
    assert "baris" in lines[0] and "A.I.1" in lines[0]
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("load_frameworks", str(tmp_path / "missing.yaml"), stderr=err)
    assert "tidak ada" in err.getvalue()


def test_command_help_is_plain_words():
    result = subprocess.run(
        [sys.executable, "manage.py", "load_frameworks", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        env={"SECRET_KEY": "dev", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert "--check" in result.stdout and "Muat kerangka evaluasi" in result.stdout


# -- scoring the shipped ZI with DOMAIN §2.4's worked example ---------------------------------


@pytest.mark.django_db
def test_shipped_zi_scores_the_pnserang_example():
    load_shipped()
    tree = load_tree(Framework.objects.get(code="zi-2021"))
    answers = {
        "A.I.1.i.a": "ya", "A.I.1.i.b": "a",
        "A.I.1.ii.a": "ya", "A.I.1.ii.b": "c", "A.I.1.ii.c": "a",  # Ya, C, A
        "A.I.1.iii.a": "a", "A.I.1.iii.b": "a", "A.I.1.iii.c": "a",
        "A.I.1.iv.a": "ya", "A.I.1.iv.b": "a", "A.I.1.iv.c": "a", "A.I.1.iv.d": "a",
    }  # fmt: skip
    result = score(tree, parse_answers(tree, answers))
    rencana = result.by_code["A.I.1.ii"]
    assert (
        display(rencana.score) == display(Fraction(2, 3)) and str(display(rencana.score)) == "0.67"
    )
    assert str(display(rencana.percent)) == "66.67"
    area = result.by_code["A.I.1"]
    assert str(display(area.score)) == "3.67" and str(display(area.percent)) == "91.67"
    # B of an A–D item is 0.67 (rounded, DOMAIN §8): 1.00 × (0.67 + 1 + 1) / 3.
    answers["A.I.1.iii.a"] = "b"
    result = score(tree, parse_answers(tree, answers))
    assert result.by_code["A.I.1.iii"].score == Fraction("2.67") / 3
