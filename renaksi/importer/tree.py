"""The plan tree as the importer builds, compares and writes it.

A decree is turned into a tree of unsaved model instances (``build_tree``); a saved plan is
loaded into the same shape (``load_tree``). ``match_trees`` pairs the two level by level:

* areas by their number;
* activities, then sub-activities, within a matched parent: first by number and text, then
  by text alone (renumbered), then by number alone (reworded);
* indicators within a matched sub-activity: first by text, then by position.

What is paired keeps its row (primary key, PIC, whatever points at it) and is updated; what is
left over is added or removed. ``PlanDiff`` describes the outcome for people, and
``write_tree`` applies it: the same pairing serves the preview and the write.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from renaksi.lib.decree.model import ParsedDecree
from renaksi.lib.decree.text import guess_target, shorten
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.work.models import SchedulePeriod
from renaksi.work.periods import sync_plan_periods

LEVELS = ("area", "activity", "sub_activity", "indicator")
LEVEL_MODELS: dict[str, type[models.Model]] = {
    "area": PlanArea,
    "activity": Activity,
    "sub_activity": SubActivity,
    "indicator": Indicator,
}
TREE_MODELS = frozenset(LEVEL_MODELS.values())
# Rows that point at tree items but are no work on them: the import's own findings, which a
# re-import replaces (their row links are cleared when the row goes), and the schedule's rows,
# which follow the schedule (renaksi/work/periods.py; a period with work is protected by the
# realisation, which points at the sub-activity too).
NOT_WORK_MODELS = frozenset({ImportFinding, SchedulePeriod})
# The foreign key from each level to its parent (the plan for an area).
PARENT_FIELD = {
    "area": "plan",
    "activity": "area",
    "sub_activity": "activity",
    "indicator": "sub_activity",
}

# Fields that come from the decree and are shown in the diff. Position and source line are
# written too but are not differences a person needs to review.
DIFF_FIELDS = {
    "area": ("number", "name", "inferred"),
    "activity": ("number", "name"),
    "sub_activity": (
        "number",
        "name",
        "schedule",
        "pic_text",
        "target_text",
        "output_text",
        "budget_text",
        "note",
    ),
    "indicator": ("label", "text"),
}
WRITE_FIELDS = {
    "area": ("name", "inferred", "source_line"),
    "activity": ("number", "position", "name", "source_line"),
    "sub_activity": (
        "number",
        "position",
        "name",
        "schedule",
        "pic_text",
        "target_text",
        "output_text",
        "budget_text",
        "note",
        "source_line",
    ),
    "indicator": ("position", "label", "text", "source_line"),
}
# Recomputed from the text only when the text changes: a person may have corrected them.
INDICATOR_TARGET_FIELDS = ("kind", "target_value", "unit_of_measure")
# Positions are moved out of the way (by this offset) before they are reassigned, so that the
# (parent, position) unique constraints hold after every statement. Far above any size limit.
POSITION_OFFSET = 20000

MONTH_LABELS = ("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEP", "OKT", "NOV", "DES")
QUARTER_LABELS = ("TW I", "TW II", "TW III", "TW IV")
PLAN_DIFF_FIELDS = (
    "decree_number",
    "decree_title",
    "decree_subject",
    "decree_place",
    "decree_date",
    "signer_name",
    "signer_title",
    "certifier_name",
    "certifier_title",
    "budget_reference",
    "schedule_kind",
    "considerations",
    "legal_bases",
    "notes_considered",
    "dictums",
)


def level_name(level: str) -> str:
    return {
        "area": _("area"),
        "activity": _("kegiatan"),
        "sub_activity": _("sub kegiatan"),
        "indicator": _("indikator"),
    }[level]


@dataclass(eq=False)
class Node:
    """One item of a plan tree: its level, its model instance, and its children."""

    level: str
    obj: models.Model
    path: str
    line: int | None = None
    where: str = ""  # the item's place in the source, as a person says it
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    # For a node of the new tree: the row it is written to (the matched old one, or itself).
    saved: models.Model | None = None

    def walk(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def describe(self) -> str:
        """``sub kegiatan 4.1.2 'Tersedia peta …' (baris 123)``."""
        text = getattr(self.obj, "name", None) or getattr(self.obj, "text", "")
        text = shorten(" ".join(str(text).split()), 60)  # at a word boundary
        where = f" ({self.where})" if self.where else ""
        return f"{level_name(self.level)} {self.path} '{text}'{where}"


def walk(roots: Iterable[Node]) -> Iterable[Node]:
    for root in roots:
        yield from root.walk()


def schedule_labels(mask: int, kind: str) -> list[str]:
    labels = QUARTER_LABELS if kind == ActionPlan.Schedule.QUARTER else MONTH_LABELS
    return [label for bit, label in enumerate(labels) if mask & (1 << bit)]


def node_values(node: Node, schedule_kind: str) -> dict:
    """The decree fields of ``node`` as plain JSON values (the schedule as JAN…/TW I…)."""
    values = {}
    for name in DIFF_FIELDS[node.level]:
        value = getattr(node.obj, name)
        if name == "schedule":
            value = schedule_labels(value, schedule_kind)
        values[name] = value
    return values


# -- building -------------------------------------------------------------------------------


def periods_mask(periods: Iterable[int], count: int) -> int | None:
    """A bit mask of months (1-12) or quarters (1-4); None if a period is out of range."""
    mask = 0
    for period in periods:
        if not isinstance(period, int) or not 1 <= period <= count:
            return None
        mask |= 1 << (period - 1)
    return mask


class TreeError(Exception):
    """The parsed tree cannot be written (an impossible value). ``message`` is Indonesian."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def build_tree(
    decree: ParsedDecree, where: Callable[[int | None], str] = lambda line: ""
) -> list[Node]:
    """The decree's tree as unsaved model instances (parents not set), one Node each.

    ``where(line)`` describes a source line for messages. Raises ``TreeError`` for a schedule
    outside its months or quarters.
    """
    change_areas = dict(ChangeArea.objects.values_list("number", "pk"))
    quarterly = decree.schedule == ActionPlan.Schedule.QUARTER
    roots = []
    for area in decree.areas:
        if area.number not in change_areas:
            raise TreeError(
                _(
                    "Area %(number)s (%(where)s): area perubahan baku nomor %(number)s tidak ada "
                    "di basis data (jalankan 'python manage.py migrate')."
                )
                % {"number": area.number, "where": where(area.line)}
            )
        area_node = Node(
            "area",
            PlanArea(
                change_area_id=change_areas[area.number],
                number=area.number,
                name=area.name,
                inferred=area.inferred,
                source_line=area.line,
            ),
            path=str(area.number),
            line=area.line,
            where=where(area.line),
        )
        roots.append(area_node)
        for position, act in enumerate(area.activities, start=1):
            number = act.number if act.number is not None else position
            act_node = Node(
                "activity",
                Activity(number=number, position=position, name=act.name, source_line=act.line),
                path=f"{area.number}.{number}",
                line=act.line,
                where=where(act.line),
                parent=area_node,
            )
            area_node.children.append(act_node)
            for sub_position, sub in enumerate(act.sub_activities, start=1):
                sub_number = sub.number if sub.number is not None else sub_position
                path = f"{act_node.path}.{sub_number}"
                mask = periods_mask(sub.quarters, 4) if quarterly else periods_mask(sub.months, 12)
                if mask is None:
                    raise TreeError(
                        _("%(item)s: jadwal di luar %(range)s.")
                        % {
                            "item": f"{level_name('sub_activity')} {path} ({where(sub.line)})",
                            "range": "TW I–IV" if quarterly else "JAN–DES",
                        }
                    )
                sub_node = Node(
                    "sub_activity",
                    SubActivity(
                        number=sub_number,
                        position=sub_position,
                        name=sub.name,
                        schedule=mask,
                        pic_text=sub.pic,
                        target_text=sub.target,
                        output_text=sub.output,
                        budget_text=sub.budget,
                        note=sub.note,
                        source_line=sub.line,
                    ),
                    path=path,
                    line=sub.line,
                    where=where(sub.line),
                    parent=act_node,
                )
                act_node.children.append(sub_node)
                for ind_position, indicator in enumerate(sub.indicators, start=1):
                    kind, value, unit_of_measure = guess_target(indicator.text)
                    sub_node.children.append(
                        Node(
                            "indicator",
                            Indicator(
                                position=ind_position,
                                label=indicator.label,
                                text=indicator.text,
                                kind=kind,
                                target_value=value,
                                unit_of_measure=unit_of_measure,
                                source_line=indicator.line,
                            ),
                            path=f"{path}.{ind_position}",
                            line=indicator.line,
                            where=where(indicator.line),
                            parent=sub_node,
                        )
                    )
    return roots


def load_tree(plan: ActionPlan) -> list[Node]:
    """The saved tree of ``plan`` (four queries), in decree order."""
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number", "pk"))
    activities = defaultdict(list)
    for act in Activity.objects.filter(area__plan=plan).order_by("position", "pk"):
        activities[act.area_id].append(act)
    subs = defaultdict(list)
    for sub in SubActivity.objects.filter(activity__area__plan=plan).order_by("position", "pk"):
        subs[sub.activity_id].append(sub)
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(sub_activity__activity__area__plan=plan).order_by(
        "position", "pk"
    ):
        indicators[ind.sub_activity_id].append(ind)

    roots = []
    for area in areas:
        area_node = Node("area", area, str(area.number), area.source_line)
        roots.append(area_node)
        for act in activities[area.pk]:
            act_node = Node(
                "activity", act, f"{area.number}.{act.number}", act.source_line, parent=area_node
            )
            area_node.children.append(act_node)
            for sub in subs[act.pk]:
                sub_node = Node(
                    "sub_activity",
                    sub,
                    f"{act_node.path}.{sub.number}",
                    sub.source_line,
                    parent=act_node,
                )
                act_node.children.append(sub_node)
                for ind in indicators[sub.pk]:
                    sub_node.children.append(
                        Node(
                            "indicator",
                            ind,
                            f"{sub_node.path}.{ind.position}",
                            ind.source_line,
                            parent=sub_node,
                        )
                    )
    return roots


# -- matching -------------------------------------------------------------------------------


def _text(node: Node) -> str:
    value = getattr(node.obj, "name", None)
    if value is None:
        value = node.obj.text
    return " ".join(value.casefold().split()).rstrip(" ;.,")


_KEYS: dict[str, tuple[Callable[[Node], object], ...]] = {
    "area": (lambda n: n.obj.number,),
    "activity": (lambda n: (n.obj.number, _text(n)), _text, lambda n: n.obj.number),
    "sub_activity": (lambda n: (n.obj.number, _text(n)), _text, lambda n: n.obj.number),
    "indicator": (_text, lambda n: n.obj.position),
}


def _pair(
    old: list[Node], new: list[Node], keys: tuple[Callable[[Node], object], ...]
) -> tuple[list[tuple[Node, Node]], list[Node], list[Node]]:
    """Pair siblings key by key, greedily in document order (linear in their number)."""
    pairs: list[tuple[Node, Node]] = []
    free_old, free_new = list(old), list(new)
    for key in keys:
        buckets: dict[object, deque[Node]] = defaultdict(deque)
        for node in free_old:
            buckets[key(node)].append(node)
        unpaired = []
        taken = set()
        for node in free_new:
            bucket = buckets.get(key(node))
            if bucket:
                partner = bucket.popleft()
                taken.add(id(partner))
                pairs.append((partner, node))
            else:
                unpaired.append(node)
        free_old = [node for node in free_old if id(node) not in taken]
        free_new = unpaired
    return pairs, free_old, free_new


@dataclass
class TreeMatch:
    """How a new tree maps onto the old one. ``removed``/``added`` hold the topmost items
    only: their descendants go (or come) with them."""

    pairs: list[tuple[Node, Node]] = field(default_factory=list)
    removed: list[Node] = field(default_factory=list)
    added: list[Node] = field(default_factory=list)


def match_trees(old_roots: list[Node], new_roots: list[Node]) -> TreeMatch:
    match = TreeMatch()

    def visit(old: list[Node], new: list[Node], level: str) -> None:
        pairs, removed, added = _pair(old, new, _KEYS[level])
        match.removed.extend(removed)
        match.added.extend(added)
        for old_node, new_node in pairs:
            match.pairs.append((old_node, new_node))
            if old_node.children or new_node.children:
                child_level = LEVELS[LEVELS.index(level) + 1]
                visit(old_node.children, new_node.children, child_level)

    visit(old_roots, new_roots, "area")
    return match


# -- the diff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffItem:
    """One difference. ``level``: area, activity, sub_activity or indicator (``plan`` for a
    decree field in ``PlanDiff.header``); ``path``: the item's numbers, ``4.1.2`` (the new
    numbers, the old ones for a removed item; an indicator adds its position: ``4.1.2.3``;
    a decree field's name for ``plan``); ``before``/``after``: the item's decree fields as a
    dict (None for an added/removed item), or the field's value for ``plan``."""

    level: str
    path: str
    before: dict | None
    after: dict | None

    @property
    def fields(self) -> list[str]:
        """The names of the fields that differ (every field for an added or removed item)."""
        if self.level == "plan":
            return [self.path]
        before, after = self.before or {}, self.after or {}
        return [name for name in {**before, **after} if before.get(name) != after.get(name)]

    def as_dict(self) -> dict:
        return {"level": self.level, "path": self.path, "before": self.before, "after": self.after}


@dataclass
class PlanDiff:
    """What a re-import would change in a saved plan (see ``compare``).

    ``added``, ``removed`` and ``changed`` list every item concerned, descendants of an
    added or removed item included, in document order; ``unchanged`` counts the paired items
    whose decree fields are equal. ``header`` lists the decree fields of the plan itself
    (number, title, signer, schedule kind, …) that change.
    """

    added: list[DiffItem] = field(default_factory=list)
    removed: list[DiffItem] = field(default_factory=list)
    changed: list[DiffItem] = field(default_factory=list)
    unchanged: int = 0
    header: list[DiffItem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.header)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind of change, the number of items per level."""
        result = {}
        for kind in ("added", "removed", "changed"):
            per_level = dict.fromkeys(LEVELS, 0)
            for item in getattr(self, kind):
                per_level[item.level] += 1
            result[kind] = per_level
        return result

    def as_dict(self, limit: int | None = None) -> dict:
        items = {
            kind: [item.as_dict() for item in getattr(self, kind)][:limit]
            for kind in ("added", "removed", "changed", "header")
        }
        return {"unchanged": self.unchanged, "counts": self.counts(), **items}


def _plan_value(name: str, value):
    if name in ("considerations", "legal_bases", "notes_considered", "dictums"):
        # Lists of {label, text, line}: the lines move whenever anything above them does.
        return [{"label": item.get("label"), "text": item.get("text")} for item in value or []]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def compute_diff(
    match: TreeMatch,
    old_plan: ActionPlan,
    new_plan_values: dict,
    new_schedule_kind: str,
) -> PlanDiff:
    """The differences ``match`` describes, and those of the plan's decree fields."""
    diff = PlanDiff()
    old_kind = old_plan.schedule_kind
    for old_node, new_node in match.pairs:
        before = node_values(old_node, old_kind)
        after = node_values(new_node, new_schedule_kind)
        if before == after:
            diff.unchanged += 1
        else:
            diff.changed.append(DiffItem(new_node.level, new_node.path, before, after))
    for node in walk(match.removed):
        diff.removed.append(DiffItem(node.level, node.path, node_values(node, old_kind), None))
    for node in walk(match.added):
        diff.added.append(
            DiffItem(node.level, node.path, None, node_values(node, new_schedule_kind))
        )
    for name in PLAN_DIFF_FIELDS:
        before = _plan_value(name, getattr(old_plan, name))
        after = _plan_value(name, new_plan_values.get(name))
        if before != after:
            diff.header.append(DiffItem("plan", name, before, after))

    def order(item: DiffItem) -> tuple:
        return tuple(int(part) if part.isdigit() else 0 for part in item.path.split("."))

    for items in (diff.added, diff.removed, diff.changed):
        items.sort(key=order)
    return diff


# -- work attached to items -----------------------------------------------------------------


def work_relations(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Every relation by which a row of another model points at ``model``, except the plan
    tree's own parent links. Found through ``_meta``, so models added later (realisations,
    evidence …) are covered without touching the importer."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.is_relation
        and rel.auto_created
        and not rel.concrete
        and rel.related_model not in TREE_MODELS
        and rel.related_model not in NOT_WORK_MODELS
        # A many-to-many's own link table is counted through the relation itself.
        and not rel.related_model._meta.auto_created
    ]


def items_with_work(nodes: Iterable[Node]) -> list[tuple[Node, list[tuple[str, int]]]]:
    """Of ``nodes`` and their descendants, those that rows of other models point at, each
    with (what points at it, how many rows). A few queries per level and relation."""
    by_level: dict[str, dict[int, Node]] = defaultdict(dict)
    for node in walk(nodes):
        by_level[node.level][node.obj.pk] = node
    found: dict[int, tuple[Node, list[tuple[str, int]]]] = {}
    # Every level and relation is asked, even with nothing removed at that level (pk 0 never
    # exists), so that the number of queries does not depend on what a replace removes.
    for level in LEVELS:
        nodes_by_pk = by_level[level]
        for rel in work_relations(LEVEL_MODELS[level]):
            name = rel.field.name
            rows = (
                rel.related_model._base_manager.filter(**{f"{name}__in": list(nodes_by_pk) or [0]})
                .values(name)
                .annotate(count=models.Count("pk"))
            )
            for row in rows:
                node = nodes_by_pk[row[name]]
                entry = found.setdefault(id(node), (node, []))
                entry[1].append((str(rel.related_model._meta.verbose_name_plural), row["count"]))
    return sorted(found.values(), key=lambda entry: entry[0].path)


# -- writing --------------------------------------------------------------------------------


def _copy(old: models.Model, new: models.Model, level: str) -> bool:
    """Copy the decree fields of ``new`` onto the saved ``old``; True if anything changed.

    An indicator's target (kind, value, unit) is a guess from its text that a person may
    have corrected: it is taken from ``new`` only when the text itself changed.
    """
    names = list(WRITE_FIELDS[level])
    if level == "indicator" and old.text != new.text:
        names += INDICATOR_TARGET_FIELDS
    changed = False
    for name in names:
        value = getattr(new, name)
        if getattr(old, name) != value:
            setattr(old, name, value)
            changed = True
    return changed


def write_tree(plan: ActionPlan, new_roots: list[Node], match: TreeMatch | None) -> None:
    """Write ``new_roots`` as ``plan``'s tree.

    With ``match`` (a replace): delete what was removed, update the paired rows in place (so
    they keep their keys and PICs) and insert what was added. Without it (a new plan): insert
    everything. One bulk statement per level and kind of write; run it inside a transaction.
    The plan's schedule periods are synced last (renaksi/work/periods.py).
    """
    if match is not None:
        removed = defaultdict(list)
        for node in match.removed:
            removed[node.level].append(node.obj.pk)
        for level in reversed(LEVELS):
            if removed[level]:
                LEVEL_MODELS[level]._base_manager.filter(pk__in=removed[level]).delete()

        updates: dict[str, list[models.Model]] = defaultdict(list)
        moved: dict[str, list[tuple[models.Model, int]]] = defaultdict(list)
        for old_node, new_node in match.pairs:
            old, new, level = old_node.obj, new_node.obj, old_node.level
            new_node.saved = old
            old_position = getattr(old, "position", None)
            if _copy(old, new, level):
                updates[level].append(old)
            if old_position is not None and old.position != old_position:
                moved[level].append((old, old.position))
        for level in LEVELS:
            model = LEVEL_MODELS[level]
            if moved[level]:
                # Out of the way first, so that no two rows share a position mid-way.
                for obj, position in moved[level]:
                    obj.position = POSITION_OFFSET + position
                model._base_manager.bulk_update([obj for obj, _ in moved[level]], ["position"])
                for obj, position in moved[level]:
                    obj.position = position
            if updates[level]:
                fields = list(WRITE_FIELDS[level])
                if level == "indicator":
                    fields += INDICATOR_TARGET_FIELDS
                model._base_manager.bulk_update(updates[level], fields, batch_size=500)

    # Insert every node not paired with a saved row, parents first.
    pending: dict[str, list[Node]] = defaultdict(list)
    for node in walk(new_roots):
        if node.saved is None:
            pending[node.level].append(node)
    for level in LEVELS:
        nodes = pending[level]
        if not nodes:
            continue
        for node in nodes:
            parent = plan if node.parent is None else node.parent.saved
            setattr(node.obj, PARENT_FIELD[level], parent)
        LEVEL_MODELS[level].objects.bulk_create([node.obj for node in nodes], batch_size=500)
        for node in nodes:
            node.saved = node.obj
    # The schedule as rows follows the masks just written (a period with work stays).
    sync_plan_periods(plan)


# -- findings -------------------------------------------------------------------------------

FINDING_FIELDS = (
    "line",
    "severity",
    "position",
    "excerpt",
    "choice_key",
    "options",
    "chosen",
    # The row the finding concerns (``link_findings``).
    "area_id",
    "activity_id",
    "sub_activity_id",
    "indicator_id",
)

# The level of the row a finding of each kind concerns; other kinds say it in their message
# ("Nomor sub kegiatan …", "Kegiatan '…' tidak bernomor", "… dibaca sebagai indikator").
FINDING_LEVELS = {
    **dict.fromkeys(
        (
            "area_inferred",
            "area_suggested",
            "area_name",
            "area_unknown",
            "area_repeated",
            "area_number_inferred",
            "area_without_name",
        ),
        "area",
    ),
    **dict.fromkeys(
        (
            "missing_indicator",
            "empty_schedule",
            "month_overflow",
            "merged_months",
            "schedule_in_words",
            "quarterly_schedule",
            "row_shifted",
            "wide_table",
            "orphan_marks",
        ),
        "sub_activity",
    ),
    "implicit_sub_activity": "activity",
}
_LEVEL_WORDS = re.compile(r"\b(sub kegiatan|kegiatan|indikator|area)\b", re.IGNORECASE)
_WORD_LEVELS = {
    "sub kegiatan": "sub_activity",
    "kegiatan": "activity",
    "indikator": "indicator",
    "area": "area",
}


def finding_level(kind: str, message: str) -> str | None:
    """The level of the row a finding is about, from its kind or its message."""
    if kind in FINDING_LEVELS:
        return FINDING_LEVELS[kind]
    if "dibaca sebagai" in message:
        message = message.split("dibaca sebagai", 1)[1]
    match = _LEVEL_WORDS.search(message)
    return _WORD_LEVELS[match.group(1).lower()] if match else None


_QUOTE = re.compile(r"'([^']{8,}?)(?:…|\.\.\.)?'")


def _quoted(message: str) -> str:
    """The row text a message quotes ("Teks 'Menetapkan Tim…' menyebut …"), if any."""
    match = _QUOTE.search(message)
    return " ".join(match.group(1).split()) if match else ""


def _plain(node: Node) -> str:
    return " ".join(str(getattr(node.obj, "name", None) or getattr(node.obj, "text", "")).split())


def link_findings(roots: list[Node], findings: list[ImportFinding]) -> None:
    """Point each finding at the row it concerns (``area``/``activity``/``sub_activity``/
    ``indicator``): a written row read from the finding's source line, of the level the
    finding is about when one is on that line, else the outermost row on it. Run after
    ``write_tree`` (the rows have their keys). When the message quotes a row's text, the rows
    of the line holding that text are preferred. A finding on no row's line points at none."""
    by_line: dict[int, list[Node]] = defaultdict(list)
    for node in walk(roots):
        if node.obj.source_line is not None:
            by_line[node.obj.source_line].append(node)
    for finding in findings:
        for level in LEVELS:
            setattr(finding, level, None)
        nodes = by_line.get(finding.line) if finding.line is not None else None
        if not nodes:
            continue
        quoted = _quoted(finding.message)
        if quoted:
            nodes = [node for node in nodes if quoted in _plain(node)] or nodes
        level = finding_level(finding.kind, finding.message)
        chosen = next((node for node in nodes if node.level == level), None)
        if chosen is None:
            chosen = min(nodes, key=lambda node: LEVELS.index(node.level))
        setattr(finding, chosen.level, chosen.saved or chosen.obj)


def sync_findings(plan: ActionPlan, new_findings: list[ImportFinding]) -> int:
    """Make ``new_findings`` the plan's findings. A saved finding of the same kind and message
    is kept (with its confirmation) and updated; the others are deleted or inserted. Returns
    the number of confirmations kept."""
    saved: dict[tuple[str, str], deque[ImportFinding]] = defaultdict(deque)
    old_findings = list(ImportFinding.objects.filter(plan=plan).order_by("pk"))
    # Confirmed ones first in each bucket, so that a confirmation is kept whenever it can be.
    for finding in sorted(old_findings, key=lambda f: f.confirmed_at is None):
        saved[(finding.kind, finding.message)].append(finding)
    kept, updates, inserts = [], [], []
    for finding in new_findings:
        bucket = saved.get((finding.kind, finding.message))
        if bucket:
            old = bucket.popleft()
            kept.append(old)
            changed = False
            for name in FINDING_FIELDS:
                value = getattr(finding, name)
                if getattr(old, name) != value:
                    setattr(old, name, value)
                    changed = True
            if changed:
                updates.append(old)
        else:
            finding.plan = plan
            inserts.append(finding)
    stale = [finding.pk for bucket in saved.values() for finding in bucket]
    if stale:
        ImportFinding.objects.filter(pk__in=stale).delete()
    if updates:
        ImportFinding.objects.bulk_update(updates, FINDING_FIELDS, batch_size=500)
    if inserts:
        ImportFinding.objects.bulk_create(inserts, batch_size=500)
    return sum(1 for finding in kept if finding.confirmed_at is not None)
