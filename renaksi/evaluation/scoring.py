"""Scoring an LKE exactly as the rules say (DOMAIN.md §2.4, §2.5, §5, §8).

* An item's value (0..1) comes from its answer: an option's value (the item's own, else the
  framework's table, else the defaults of models.DEFAULT_OPTION_VALUES, option by option),
  the counts of a percentage item through its formula (clamped to 0..1; a zero denominator
  follows the
  framework's ``zero_denominator`` rule), or a number on a scale (survey 0–4, ranges 0–100 and
  0–5) divided by the top of the scale. A framework with ``value_decimals`` rounds item
  values (half up) before they are averaged, as published ZI worksheets do (0.67, 0.33).
* A node whose children are unweighted items scores ``weight × mean(item values)``; an
  unanswered item counts 0 in that mean (and is listed as unanswered). An item without an
  answer type (the sources do not say how it is answered) is left out of the mean and
  listed as incomplete. An item with a weight
  of its own scores ``weight × value``. Any other node scores the sum of its children, and
  its maximum is the sum of theirs. A node with no weight and no scored children (or a
  weight but no items) is incomplete: it scores nothing and is left out of the sums and the
  maxima, at the top level too (and reported), so an incomplete framework's index is read
  against what can be scored.
* The index is the sum of the top-level nodes. Its category is read from the framework's
  table with the index rounded to two decimals, as published: a category holds
  ``above < index ≤ up_to`` (so exactly 70.00 is B, 70.01 is BB).

Everything is exact (``fractions.Fraction``); ``display()`` rounds to two decimals.

The functions work on a ``Tree`` (all of a framework's nodes, loaded in one query, or built
from a data file) and a mapping of item code → ``RawAnswer``; they never query the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from .models import (
    DEFAULT_OPTION_VALUES,
    FORMULA_INPUTS,
    NUMBER_SCALE,
    OPTION_CODES,
    AnswerType,
    Formula,
    ZeroDenominator,
)


class ScoringError(ValueError):
    """An answer that does not fit its item. ``code``: the item's code; ``message``: for the
    user, in the active language, naming the item."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RawAnswer:
    """An answer as given: an option code ("a", "ya"), a number, or counts by input name."""

    option: str = ""
    number: Decimal | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass
class TreeNode:
    """A framework node as the scorer reads it (built from a ``Node`` row or a data file)."""

    code: str
    kind: str
    title: str
    weight: Fraction | None = None
    label: str = ""
    answer_type: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    formula: str = ""
    count_inputs: list[dict[str, Any]] = field(default_factory=list)
    incomplete: bool = False
    change_area: int | None = None  # ChangeArea number
    pk: int | None = None
    parent: TreeNode | None = field(default=None, repr=False)
    children: list[TreeNode] = field(default_factory=list, repr=False)

    @property
    def is_item(self) -> bool:
        return self.kind == "item"

    def path(self) -> list[TreeNode]:
        """The node's ancestors from the top, the node excluded."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


@dataclass
class FrameworkRules:
    """The framework-wide data the scorer needs."""

    option_values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    value_decimals: int | None = None
    zero_denominator: str = ZeroDenominator.FULL
    categories: list[Mapping[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, framework) -> FrameworkRules:
        return cls(
            option_values=framework.option_values or {},
            value_decimals=framework.value_decimals,
            zero_denominator=framework.zero_denominator,
            categories=framework.categories or [],
        )


@dataclass
class Tree:
    rules: FrameworkRules
    roots: list[TreeNode]
    by_code: dict[str, TreeNode]

    @property
    def items(self) -> list[TreeNode]:
        return [node for node in self.walk() if node.is_item]

    def walk(self) -> Iterable[TreeNode]:
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    @classmethod
    def build(cls, rules: FrameworkRules, nodes: Iterable[tuple[TreeNode, str | None]]) -> Tree:
        """From (node, parent code) pairs in pre-order."""
        roots: list[TreeNode] = []
        by_code: dict[str, TreeNode] = {}
        for node, parent_code in nodes:
            by_code[node.code] = node
            if parent_code is None:
                roots.append(node)
            else:
                parent = by_code[parent_code]
                node.parent = parent
                parent.children.append(node)
        return cls(rules=rules, roots=roots, by_code=by_code)


def load_tree(framework) -> Tree:
    """The whole tree of a ``Framework`` row: one query."""
    rows = framework.nodes.order_by("sequence").values(
        "pk",
        "code",
        "kind",
        "title",
        "label",
        "weight",
        "answer_type",
        "options",
        "formula",
        "count_inputs",
        "incomplete",
        "parent__code",
        "change_area__number",
    )
    return Tree.build(
        FrameworkRules.of(framework),
        (
            (
                TreeNode(
                    pk=row["pk"],
                    code=row["code"],
                    kind=row["kind"],
                    title=row["title"],
                    label=row["label"],
                    weight=Fraction(row["weight"]) if row["weight"] else None,
                    answer_type=row["answer_type"],
                    options=row["options"] or [],
                    formula=row["formula"],
                    count_inputs=row["count_inputs"] or [],
                    incomplete=row["incomplete"],
                    change_area=row["change_area__number"],
                ),
                row["parent__code"],
            )
            for row in rows
        ),
    )


# -- one item ---------------------------------------------------------------------------


def option_codes(node: TreeNode) -> tuple[str, ...]:
    if node.options:
        return tuple(str(option["code"]).lower() for option in node.options)
    return OPTION_CODES.get(node.answer_type, ())


def option_value(rules: FrameworkRules, node: TreeNode, code: str) -> Fraction:
    """The item's own value for the option, else the framework's, else the default; a table
    of the framework that gives only some options leaves the others on the defaults."""
    for option in node.options:
        if str(option["code"]).lower() == code and option.get("value") not in (None, ""):
            return Fraction(str(option["value"]))
    for table in (
        rules.option_values.get(node.answer_type) or {},
        DEFAULT_OPTION_VALUES.get(node.answer_type) or {},
    ):
        value = table.get(code)
        if value not in (None, ""):
            return Fraction(str(value))
    raise ScoringError(
        node.code,
        _("Butir %(code)s: pilihan “%(option)s” tidak memiliki nilai di kerangka ini.")
        % {"code": node.code, "option": code},
    )


def _options_text(node: TreeNode) -> str:
    """The item's options as a person writes them: "A, B, C, D" or "ya, tidak"."""
    return ", ".join(c.upper() if len(c) == 1 else c for c in option_codes(node))


def _round(rules: FrameworkRules, value: Fraction) -> Fraction:
    if rules.value_decimals is None:
        return value
    quantum = Decimal(1).scaleb(-rules.value_decimals)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return Fraction(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def _count(node: TreeNode, counts: Mapping[str, Any], name: str) -> int:
    raw = counts.get(name)
    if raw is None or raw == "":
        raise ScoringError(
            node.code,
            _("Butir %(code)s: jumlah “%(name)s” belum diisi.") % {"code": node.code, "name": name},
        )
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal | float):
        raise ScoringError(
            node.code,
            _("Butir %(code)s: jumlah “%(name)s” harus bilangan bulat.")
            % {"code": node.code, "name": name},
        )
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise ScoringError(
            node.code,
            _("Butir %(code)s: jumlah “%(name)s” harus bilangan bulat, bukan “%(value)s”.")
            % {"code": node.code, "name": name, "value": raw},
        )
    if number < 0:
        raise ScoringError(
            node.code,
            _("Butir %(code)s: jumlah “%(name)s” tidak boleh negatif (%(value)s).")
            % {"code": node.code, "name": name, "value": raw},
        )
    return int(number)


def answerable(node: TreeNode) -> bool:
    """An item with an answer type (or options): one the sources say how to answer."""
    return bool(node.answer_type or node.options)


def item_value(rules: FrameworkRules, node: TreeNode, answer: RawAnswer | None) -> Fraction | None:
    """The value 0..1 of one answered item, or None when it counts as unanswered.

    Raises ``ScoringError`` for an answer that does not fit the item.
    """
    if answer is None:
        return None
    kind = node.answer_type
    if kind in OPTION_CODES or node.options:
        code = (answer.option or "").strip().lower()
        if not code:
            return None
        codes = option_codes(node)
        if code not in codes:
            raise ScoringError(
                node.code,
                _("Butir %(code)s: jawaban “%(answer)s” bukan salah satu pilihan (%(options)s).")
                % {"code": node.code, "answer": answer.option, "options": _options_text(node)},
            )
        return _round(rules, option_value(rules, node, code))
    if kind == AnswerType.PERCENT:
        formula = node.formula or Formula.RATIO
        first, second = FORMULA_INPUTS[formula]
        if not answer.counts:
            return None
        a = _count(node, answer.counts, first)
        b = _count(node, answer.counts, second)
        if formula == Formula.CAPPED_RATIO:
            # More than the denominator is full marks (e.g. more changes than agents).
            if b == 0:
                return _zero_denominator(rules)
            return _round(rules, min(Fraction(a, b), Fraction(1)))
        if formula == Formula.RATIO:
            if b == 0:
                if a:
                    raise ScoringError(
                        node.code,
                        _("Butir %(code)s: pembilang %(a)s lebih besar dari penyebut 0.")
                        % {"code": node.code, "a": a},
                    )
                return _zero_denominator(rules)
            if a > b:
                raise ScoringError(
                    node.code,
                    _(
                        "Butir %(code)s: pembilang (%(a)s) tidak boleh lebih besar dari "
                        "penyebut (%(b)s)."
                    )
                    % {"code": node.code, "a": a, "b": b},
                )
            return _round(rules, Fraction(a, b))
        # A decline from last year (previous) to this year (current), clamped to 0..1.
        if a == 0:
            return _zero_denominator(rules) if b == 0 else _round(rules, Fraction(0))
        return _round(rules, min(max(Fraction(a - b, a), Fraction(0)), Fraction(1)))
    if kind in NUMBER_SCALE:
        if answer.number is None:
            return None
        top = NUMBER_SCALE[kind]
        if not Decimal(answer.number).is_finite():
            raise ScoringError(
                node.code,
                _("Butir %(code)s: “%(raw)s” bukan angka.")
                % {"code": node.code, "raw": answer.number},
            )
        number = Fraction(answer.number)
        if number < 0 or number > top:
            raise ScoringError(
                node.code,
                _("Butir %(code)s: nilai %(value)s di luar rentang 0–%(top)s.")
                % {"code": node.code, "value": answer.number, "top": top},
            )
        return _round(rules, number / top)
    raise ScoringError(
        node.code, _("Butir %(code)s tidak memiliki jenis jawaban.") % {"code": node.code}
    )


def _zero_denominator(rules: FrameworkRules) -> Fraction | None:
    if rules.zero_denominator == ZeroDenominator.ZERO:
        return Fraction(0)
    if rules.zero_denominator == ZeroDenominator.UNANSWERED:
        return None
    return Fraction(1)


def parse_answer(node: TreeNode, raw: Any) -> RawAnswer:
    """A ``RawAnswer`` from what a person or a JSON file gives: an option letter or "ya"/
    "tidak", a number, or ``{"numerator": n, "denominator": d}`` for a percentage item."""
    kind = node.answer_type
    if kind in OPTION_CODES or node.options:
        if not isinstance(raw, str):
            raise ScoringError(
                node.code,
                _("Butir %(code)s: jawabannya sebuah pilihan (%(options)s), bukan “%(raw)s”.")
                % {"code": node.code, "options": _options_text(node), "raw": raw},
            )
        text = raw.strip()
        if text and text.lower() not in option_codes(node):
            # Refused here, with the answer as the person wrote it ("F", not "f").
            raise ScoringError(
                node.code,
                _("Butir %(code)s: jawaban “%(answer)s” bukan salah satu pilihan (%(options)s).")
                % {"code": node.code, "answer": text, "options": _options_text(node)},
            )
        return RawAnswer(option=text.lower())
    if kind == AnswerType.PERCENT:
        names = FORMULA_INPUTS[node.formula or Formula.RATIO]
        if not isinstance(raw, Mapping) or set(raw) - set(names):
            raise ScoringError(
                node.code,
                _("Butir %(code)s: jawabannya jumlah %(names)s, mis. %(example)s.")
                % {
                    "code": node.code,
                    "names": " dan ".join(names),
                    "example": "{" + ", ".join(f'"{n}": 0' for n in names) + "}",
                },
            )
        return RawAnswer(counts=dict(raw))
    if kind in NUMBER_SCALE:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
            raise ScoringError(
                node.code,
                _("Butir %(code)s: jawabannya sebuah angka 0–%(top)s.")
                % {"code": node.code, "top": NUMBER_SCALE[kind]},
            )
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ScoringError(
                node.code,
                _("Butir %(code)s: “%(raw)s” bukan angka.") % {"code": node.code, "raw": raw},
            )
        return RawAnswer(number=number)
    raise ScoringError(
        node.code, _("Butir %(code)s tidak memiliki jenis jawaban.") % {"code": node.code}
    )


# -- the tree ---------------------------------------------------------------------------


@dataclass
class Scored:
    node: TreeNode
    score: Fraction | None  # None: incomplete
    maximum: Fraction | None
    value: Fraction | None = None  # items: 0..1, None when unanswered
    children: list[Scored] = field(default_factory=list)

    @property
    def percent(self) -> Fraction | None:
        if self.score is None or not self.maximum:
            return None
        return self.score / self.maximum * 100


@dataclass
class Result:
    roots: list[Scored]
    index: Fraction
    maximum: Fraction
    category: Mapping[str, str] | None
    by_code: dict[str, Scored]
    unanswered: list[TreeNode]
    incomplete: list[TreeNode]

    @property
    def index_display(self) -> Decimal:
        return display(self.index)


def display(value: Fraction | None, decimals: int = 2) -> Decimal | None:
    """A value rounded half up for display (two decimals by default)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def category_of(rules: FrameworkRules, index: Fraction) -> Mapping[str, str] | None:
    """The category row holding the index rounded to two decimals (above < x ≤ up_to)."""
    shown = display(index)
    for row in rules.categories:
        above = Decimal(str(row["above"]))
        up_to = Decimal(str(row["up_to"]))
        if above < shown <= up_to:
            return row
    return None


def score(tree: Tree, answers: Mapping[str, RawAnswer]) -> Result:
    """Score the tree. Raises ``ScoringError`` for the first answer that does not fit, and
    for an answer to a code the framework does not have."""
    for code in answers:
        node = tree.by_code.get(code)
        if node is None or not node.is_item:
            raise ScoringError(
                code,
                _("Kode butir “%(code)s” tidak ada di kerangka ini.") % {"code": code},
            )
    by_code: dict[str, Scored] = {}
    unanswered: list[TreeNode] = []
    incomplete: list[TreeNode] = []

    def visit(node: TreeNode) -> Scored:
        if node.is_item:
            if not answerable(node):
                # An item the sources leave without an answer type: reported, never scored.
                if node.code in answers:
                    raise ScoringError(
                        node.code,
                        _("Butir %(code)s tidak memiliki jenis jawaban.") % {"code": node.code},
                    )
                incomplete.append(node)
                result = Scored(node, score=None, maximum=None, value=None)
                by_code[node.code] = result
                return result
            value = item_value(tree.rules, node, answers.get(node.code))
            if value is None:
                unanswered.append(node)
            result = Scored(
                node,
                score=None if node.weight is None else node.weight * (value or 0),
                maximum=node.weight,
                value=value,
            )
        else:
            children = [visit(child) for child in node.children]
            # An item the sources leave without an answer type cannot be answered: it is left
            # out of the mean instead of counting 0 (and reported as incomplete).
            unweighted_items = [
                c
                for c in children
                if c.node.is_item and c.node.weight is None and answerable(c.node)
            ]
            if unweighted_items and node.weight is not None:
                values = [c.value or Fraction(0) for c in unweighted_items]
                mean = sum(values, Fraction(0)) / len(values)
                weighted = [c for c in children if c not in unweighted_items]
                result = Scored(
                    node,
                    score=node.weight * mean
                    + sum((c.score for c in weighted if c.score is not None), Fraction(0)),
                    maximum=node.weight
                    + sum((c.maximum for c in weighted if c.maximum is not None), Fraction(0)),
                    children=children,
                )
            else:
                scored = [c for c in children if c.score is not None]
                if scored:
                    result = Scored(
                        node,
                        score=sum((c.score for c in scored), Fraction(0)),
                        maximum=sum((c.maximum for c in scored), Fraction(0)),
                        children=children,
                    )
                else:
                    result = Scored(node, score=None, maximum=node.weight, children=children)
        if result.score is None and not node.is_item:
            incomplete.append(node)
        by_code[node.code] = result
        return result

    roots = [visit(root) for root in tree.roots]
    index = sum((r.score for r in roots if r.score is not None), Fraction(0))
    # As inside the tree: an incomplete root (score None) is left out of the maximum too, so
    # that the index is read against what can be scored (PMPRB's Hasil, not given: 40).
    maximum = sum((r.maximum for r in roots if r.score is not None), Fraction(0))
    return Result(
        roots=roots,
        index=index,
        maximum=maximum,
        category=category_of(tree.rules, index),
        by_code=by_code,
        unanswered=unanswered,
        incomplete=incomplete,
    )


def parse_answers(tree: Tree, raw: Mapping[str, Any]) -> dict[str, RawAnswer]:
    """``{"<item code>": <answer>}`` (a JSON answers file) → RawAnswers; unknown codes and
    answers of the wrong type raise ``ScoringError`` naming the code. ``null`` (None) is an
    item left unanswered."""
    parsed = {}
    for code, value in raw.items():
        node = tree.by_code.get(code)
        if node is None or not node.is_item:
            raise ScoringError(
                code, _("Kode butir “%(code)s” tidak ada di kerangka ini.") % {"code": code}
            )
        if value is None:
            continue
        parsed[code] = parse_answer(node, value)
    return parsed
