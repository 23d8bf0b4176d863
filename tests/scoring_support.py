"""Small frameworks for the scoring and worksheet tests, built without the database
(``Tree.build``) or as ``Framework``/``Node`` rows.

``zi_mp()`` is the Pemenuhan area *Manajemen Perubahan* of the Zona Integritas LKE
(PermenPANRB 90/2021, DOMAIN.md §5.2): weight 4.00, sub-components i 0.5, ii 1, iii 1, iv 1.5,
with the answer types of the published worksheet. [PNSERANG] shows ii answered Ya, C, A as
"0.67 66.67%" and the area at "3.67 91.67%" with the other sub-components at 100 %.
"""

from __future__ import annotations

from fractions import Fraction

from renaksi.evaluation.models import Framework, Node
from renaksi.evaluation.scoring import FrameworkRules, Tree, TreeNode

# The Indeks RB table of DOMAIN.md §2.5 (lower bound exclusive, upper inclusive).
RB_CATEGORIES = [
    {"code": "AA", "label": "Sangat memuaskan", "above": "90", "up_to": "100"},
    {"code": "A", "label": "Memuaskan", "above": "80", "up_to": "90"},
    {"code": "BB", "label": "Sangat baik", "above": "70", "up_to": "80"},
    {"code": "B", "label": "Baik", "above": "60", "up_to": "70"},
    {"code": "CC", "label": "Cukup", "above": "50", "up_to": "60"},
    {"code": "C", "label": "Kurang", "above": "30", "up_to": "50"},
    {"code": "D", "label": "Sangat kurang", "above": "0", "up_to": "30"},
]

# (code, answer type) of the MP area's items, by sub-component: DOMAIN.md §5.2.
MP_ITEMS = {
    "i": ("1/2", ["yes_no", "abc"]),
    "ii": ("1", ["yes_no", "abc", "abc"]),
    "iii": ("1", ["abcd", "abcd", "abcd"]),
    "iv": ("3/2", ["yes_no", "abc", "abc", "abcd"]),
}
TOP = {"yes_no": "ya", "abc": "a", "abcd": "a", "abcde": "a"}


def rules(**kwargs) -> FrameworkRules:
    kwargs.setdefault("categories", RB_CATEGORIES)
    return FrameworkRules(**kwargs)


def node(code, kind, weight=None, answer_type="", title=None, **kwargs) -> TreeNode:
    return TreeNode(
        code=code,
        kind=kind,
        title=title or f"Uraian {code}",
        weight=None if weight is None else Fraction(weight),
        answer_type=answer_type,
        **kwargs,
    )


def zi_mp_pairs(prefix: str = "A.1"):
    """(node, parent code) pairs of the MP area in pre-order."""
    pairs = [(node(prefix, "area", "4", title="Manajemen Perubahan"), None)]
    for sub, (weight, types) in MP_ITEMS.items():
        sub_code = f"{prefix}.{sub}"
        pairs.append((node(sub_code, "sub_component", weight), prefix))
        for letter, answer_type in zip("abcd", types, strict=False):
            pairs.append((node(f"{sub_code}.{letter}", "item", answer_type=answer_type), sub_code))
    return pairs


def zi_mp(**rule_kwargs) -> Tree:
    rule_kwargs.setdefault("value_decimals", 2)
    return Tree.build(rules(**rule_kwargs), zi_mp_pairs())


def full_marks(tree: Tree) -> dict[str, str]:
    """Every option item answered with its best option."""
    return {item.code: TOP[item.answer_type] for item in tree.items if item.answer_type in TOP}


def single_item_tree(answer_type: str, *, weight="1", **rule_kwargs) -> Tree:
    """One sub-component of ``weight`` holding one item of ``answer_type``."""
    item_kwargs = {
        key: rule_kwargs.pop(key)
        for key in ("options", "formula", "count_inputs")
        if key in rule_kwargs
    }
    return Tree.build(
        rules(**rule_kwargs),
        [
            (node("S", "sub_component", weight), None),
            (node("S.a", "item", answer_type=answer_type, **item_kwargs), "S"),
        ],
    )


# -- the same as database rows ------------------------------------------------------------


def save_framework(tree: Tree, *, code="uji-2024", **fields) -> Framework:
    """``tree`` as a Framework with its Node rows (pre-order sequence)."""
    defaults = {
        "family": code.split("-")[0],
        "year": 2024,
        "title": f"Kerangka uji {code}",
        "option_values": dict(tree.rules.option_values),
        "value_decimals": tree.rules.value_decimals,
        "zero_denominator": tree.rules.zero_denominator,
        "categories": list(tree.rules.categories),
    }
    defaults.update(fields)
    framework = Framework.objects.create(code=code, **defaults)
    rows: dict[str, Node] = {}
    for sequence, tree_node in enumerate(tree.walk(), start=1):
        weight = tree_node.weight
        rows[tree_node.code] = Node.objects.create(
            framework=framework,
            parent=rows[tree_node.parent.code] if tree_node.parent else None,
            kind=tree_node.kind,
            code=tree_node.code,
            label=tree_node.label or tree_node.code.rsplit(".", 1)[-1],
            title=tree_node.title,
            sequence=sequence,
            depth=len(tree_node.path()),
            weight="" if weight is None else str(weight),
            incomplete=tree_node.incomplete,
            answer_type=tree_node.answer_type,
            options=tree_node.options,
            formula=tree_node.formula,
            count_inputs=tree_node.count_inputs,
        )
    return framework


def small_lke() -> Tree:
    """A small framework with every kind of answer, for the worksheet and command tests:
    component A (the MP area 4, an area of two percentage items 2 + 2 and an A–E item 1) and
    component B (a survey 0–4 of weight 17.5 and an evaluator's 0–100 of weight 5): 31.5."""
    pairs = [
        (node("A", "component", title="Pengungkit"), None),
        *[(n, p or "A") for n, p in zi_mp_pairs("A.1")],
        (node("A.2", "area", title="Penguatan Pengawasan"), "A"),
        (node("A.2.i", "sub_component", "2", title="Penanganan pengaduan"), "A.2"),
        (
            node(
                "A.2.i.a",
                "item",
                answer_type="percent",
                formula="ratio",
                title="Persentase pengaduan yang selesai ditindaklanjuti",
                count_inputs=[
                    {"name": "numerator", "label": "Jumlah pengaduan selesai"},
                    {"name": "denominator", "label": "Jumlah pengaduan yang harus ditindaklanjuti"},
                ],
            ),
            "A.2.i",
        ),
        (node("A.2.ii", "sub_component", "2", title="Penurunan pelanggaran disiplin"), "A.2"),
        (
            node(
                "A.2.ii.a",
                "item",
                answer_type="percent",
                formula="decline",
                count_inputs=[
                    {"name": "previous", "label": "Jumlah pelanggaran tahun sebelumnya"},
                    {"name": "current", "label": "Jumlah pelanggaran tahun ini"},
                ],
            ),
            "A.2.ii",
        ),
        (node("A.2.iii", "sub_component", "1", title="Standar pelayanan"), "A.2"),
        (
            node("A.2.iii.a", "item", answer_type="abcde", title="Kebijakan standar pelayanan"),
            "A.2.iii",
        ),
        (node("B", "component", title="Hasil"), None),
        (node("B.1", "sub_component", "17.5", title="Indeks Persepsi Anti Korupsi"), "B"),
        (node("B.1.a", "item", answer_type="survey_0_4", title="Nilai survei IPAK"), "B.1"),
        (node("B.2", "sub_component", "5", title="Capaian kinerja"), "B"),
        (node("B.2.a", "item", answer_type="range_0_100", title="Nilai evaluator"), "B.2"),
    ]
    return Tree.build(rules(value_decimals=2), pairs)
