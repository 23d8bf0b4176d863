"""The parsed decree laid out for the import preview page, with each finding at its row.

``build_tree(decree)`` turns a ``ParsedDecree`` (plain data from renaksi/lib/decree) into areas
→ activities → sub-activities for the template, and pairs every finding with the item built
from its source line (a sub-activity before its indicators, before its activity, before its
area). A finding on a line no item comes from (a table header, a line merged into the row
above) goes ``between`` the items around it; those before the table (the decree's body) and
after it (the closing lines) are ``PreviewTree.other_findings`` and ``closing_findings``.

A finding is identified across readings by ``finding_key()``: the same finding read again
gets the same key, while a finding whose message or chosen reading changed gets a new one (so
an acceptance is never carried over to a reading the user has not seen).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renaksi.lib.decree.model import (
    EXTRA_FIELDS,
    AreaData,
    Finding,
    ParsedDecree,
    SubActivityData,
)
from renaksi.plans.lampiran import MONTH_ABBREVIATIONS
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
    finding_kind_label,
    translated_message,
)

QUARTER_LABELS = [
    pgettext_lazy("triwulan", "TW I"),
    pgettext_lazy("triwulan", "TW II"),
    pgettext_lazy("triwulan", "TW III"),
    pgettext_lazy("triwulan", "TW IV"),
]
EXTRA_LABELS = {
    "pic": _("Penanggung jawab"),
    "target": _("Target"),
    "output": _("Output"),
    "budget": _("Anggaran"),
    "note": _("Keterangan"),
}
SEVERITY_LABELS = dict(ImportFinding.Severity.choices)
# The acceptance a finding needs before the plan may be saved.
ACCEPTABLE = ("info", "warning")


def finding_key(finding, occurrence: int = 0) -> str:
    """The key of a finding (a parser ``Finding`` or a saved ``ImportFinding``): the n-th
    (``occurrence``) of the findings with the same kind, line, message and chosen reading."""
    raw = "\x1f".join(
        [finding.kind, str(finding.line or ""), finding.message, finding.chosen, str(occurrence)]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def keyed(findings) -> list[tuple[str, object]]:
    """(key, finding) for each finding, in order."""
    seen: Counter[tuple] = Counter()
    result = []
    for finding in findings:
        identity = (finding.kind, finding.line, finding.message, finding.chosen)
        result.append((finding_key(finding, seen[identity]), finding))
        seen[identity] += 1
    return result


@dataclass
class FindingView:
    key: str
    finding: Finding
    accepted: bool = False
    anchor: str = ""
    # Who confirmed the same finding on the saved plan (a re-import keeps that confirmation).
    confirmed_by: str = ""
    # Set by the view: the bound form field of the finding's choice (radio buttons).
    choice_field: object = None

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS.get(self.finding.severity, self.finding.severity))

    @property
    def kind_label(self) -> str:
        return finding_kind_label(self.finding.kind)

    @property
    def display_message(self) -> str:
        """The finding's message in the reader's language (its Indonesian text as fallback)."""
        return translated_message(self.finding.template, self.finding.params, self.finding.message)

    @property
    def where(self) -> str:
        position = self.finding.position
        if position is not None and position.describe():
            return position.describe()
        return str(_("baris %(line)s") % {"line": self.finding.line}) if self.finding.line else ""

    @property
    def acceptable(self) -> bool:
        return self.finding.severity in ACCEPTABLE and not self.confirmed_by

    @property
    def blocking(self) -> bool:
        return self.finding.severity == "error"


@dataclass
class Schedule:
    label: str
    due: bool


@dataclass
class SubView:
    path: str
    data: SubActivityData
    where: str
    schedule: list[Schedule]
    extras: list[tuple[str, str]]
    findings: list[FindingView] = field(default_factory=list)
    between: list[FindingView] = field(default_factory=list)  # just before this item


@dataclass
class ActivityView:
    number: int | None
    name: str
    line: int
    where: str
    subs: list[SubView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    between: list[FindingView] = field(default_factory=list)


@dataclass
class AreaView:
    data: AreaData
    where: str
    activities: list[ActivityView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    between: list[FindingView] = field(default_factory=list)


@dataclass
class PreviewTree:
    areas: list[AreaView]
    findings: list[FindingView]  # all of them, in source order
    other_findings: list[FindingView]  # before the table's first item (the decree's body)
    closing_findings: list[FindingView]  # after its last item (the closing lines)
    quarterly: bool

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def info_count(self) -> int:
        return self.count("info")

    @property
    def warning_count(self) -> int:
        return self.count("warning")

    @property
    def error_count(self) -> int:
        return self.count("error")

    @property
    def acceptable_keys(self) -> list[str]:
        return [f.key for f in self.findings if f.acceptable]

    @property
    def info_keys(self) -> list[str]:
        return [f.key for f in self.findings if f.severity == "info"]

    @property
    def confirmed_count(self) -> int:
        return sum(1 for f in self.findings if f.confirmed_by)

    @property
    def unaccepted(self) -> list[FindingView]:
        return [f for f in self.findings if f.acceptable and not f.accepted]

    @property
    def with_choices(self) -> list[FindingView]:
        return [f for f in self.findings if f.finding.choice_key and f.finding.options]


def _schedule(decree: ParsedDecree, sub: SubActivityData) -> list[Schedule]:
    if decree.schedule == "quarter":
        return [
            Schedule(str(label), quarter in sub.quarters)
            for quarter, label in enumerate(QUARTER_LABELS, start=1)
        ]
    return [
        Schedule(str(label), month in sub.months)
        for month, label in enumerate(MONTH_ABBREVIATIONS, start=1)
    ]


def _where_function(decree: ParsedDecree):
    """``where(line)``: an item's place in the source as a person says it. The line is the
    text's line, or for other formats the reader's row ordinal, which is shown only where its
    position is known (``lembar 'Lampiran' baris 5``), never as a misleading line number."""
    positions = dict(getattr(decree, "positions", None) or {})
    for finding in decree.findings:
        if finding.line is not None and finding.position is not None:
            positions.setdefault(finding.line, finding.position)
    text = decree.source_format == "text"

    def where(line: int | None) -> str:
        if line is None:
            return ""
        position = positions.get(line)
        if position is not None and position.describe():
            return position.describe()
        return str(_("baris %(line)s") % {"line": line}) if text else ""

    return where


def _number(*parts: int | None) -> str:
    return ".".join("?" if part is None else str(part) for part in parts)


def build_tree(
    decree: ParsedDecree,
    accepted: set[str] | frozenset[str] = frozenset(),
    confirmed: dict[str, str] | None = None,
) -> PreviewTree:
    """The preview of ``decree``; findings whose key is in ``accepted`` are marked accepted,
    those in ``confirmed`` (key → who) as confirmed on the saved plan already."""
    confirmed = confirmed or {}
    findings: list[FindingView] = []
    for index, (key, finding) in enumerate(keyed(decree.findings), start=1):
        findings.append(
            FindingView(
                key=key,
                finding=finding,
                accepted=key in accepted,
                anchor=f"temuan-{index}",
                confirmed_by=confirmed.get(key, "") if finding.severity in ACCEPTABLE else "",
            )
        )

    # line → (rank, target); a higher rank wins, the first item of a rank keeps the line.
    targets: dict[int, tuple[int, object]] = {}
    # (line, item) of every area, activity and sub-activity in document order.
    order: list[tuple[int, object]] = []

    def claim(line: int | None, rank: int, target: object, ordered: bool = True) -> None:
        if line is None:
            return
        if ordered:
            order.append((line, target))
        current = targets.get(line)
        if current is None or current[0] < rank:
            targets[line] = (rank, target)

    where = _where_function(decree)
    areas: list[AreaView] = []
    for area in decree.areas:
        area_view = AreaView(area, where(area.line))
        areas.append(area_view)
        claim(area.line, 1, area_view)
        for activity in area.activities:
            activity_view = ActivityView(
                activity.number, activity.name, activity.line, where(activity.line)
            )
            area_view.activities.append(activity_view)
            claim(activity.line, 2, activity_view)
            for sub in activity.sub_activities:
                sub_view = SubView(
                    path=_number(area.number, activity.number, sub.number),
                    data=sub,
                    where=where(sub.line),
                    schedule=_schedule(decree, sub),
                    extras=[
                        (str(EXTRA_LABELS[name]), getattr(sub, name))
                        for name in EXTRA_FIELDS
                        if getattr(sub, name)
                    ],
                )
                activity_view.subs.append(sub_view)
                claim(sub.line, 4, sub_view)
                for indicator in sub.indicators:
                    claim(indicator.line, 3, sub_view, ordered=False)

    # A finding on a line no item comes from (a table header, a line merged into the row
    # above) is shown where that line is: before the first item that comes after it.
    lines, running = [], 0
    for line, _item in order:
        running = max(running, line)
        lines.append(running)
    body: list[FindingView] = []
    closing: list[FindingView] = []
    for view in findings:
        line = view.finding.line
        target = targets.get(line) if line is not None else None
        if target is not None:
            target[1].findings.append(view)
        elif line is None or not order or line < lines[0]:
            body.append(view)
        elif line > lines[-1]:
            closing.append(view)
        else:
            order[bisect_right(lines, line)][1].between.append(view)
    return PreviewTree(
        areas=areas,
        findings=findings,
        other_findings=body,
        closing_findings=closing,
        quarterly=decree.schedule == "quarter",
    )


# -- the differences to the saved plan ----------------------------------------------------------

LEVEL_LABELS = {
    "area": _("Area"),
    "activity": _("Kegiatan"),
    "sub_activity": _("Sub kegiatan"),
    "indicator": _("Indikator"),
    "plan": _("Keputusan"),
}
_LEVEL_MODELS = {
    "area": PlanArea,
    "activity": Activity,
    "sub_activity": SubActivity,
    "indicator": Indicator,
    "plan": ActionPlan,
}
LONG_VALUE = 300


@dataclass
class DiffRow:
    level: str
    path: str
    title: str
    changes: list[tuple[str, str, str]]  # (field, before, after) of a changed item


def _field_label(level: str, name: str) -> str:
    model = _LEVEL_MODELS.get(level)
    try:
        label = str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        label = name
    return label[:1].upper() + label[1:]


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("ya")) if value else str(_("tidak"))
    if isinstance(value, list):
        parts = [
            " ".join(str(v) for v in (item.get("label"), item.get("text")) if v)
            if isinstance(item, dict)
            else str(item)
            for item in value
        ]
        value = ", ".join(parts) if all(len(p) < 12 for p in parts) else "; ".join(parts)
    text = " ".join(str(value).split())
    return text if len(text) <= LONG_VALUE else text[: LONG_VALUE - 1] + "…"


def diff_rows(items) -> list[DiffRow]:
    """The diff items of one kind (added, removed or changed) for the page."""
    rows = []
    for item in items:
        values = item.after if item.after is not None else item.before
        if item.level == "plan":
            title = _field_label("plan", item.path)
            changes = [(title, _shown(item.before), _shown(item.after))]
            rows.append(DiffRow(str(LEVEL_LABELS["plan"]), "", title, changes))
            continue
        values = values or {}
        title = _shown(values.get("name") or values.get("text"))
        changes = []
        if item.before is not None and item.after is not None:
            changes = [
                (
                    _field_label(item.level, name),
                    _shown(item.before.get(name)),
                    _shown(item.after.get(name)),
                )
                for name in item.fields
            ]
        rows.append(
            DiffRow(str(LEVEL_LABELS.get(item.level, item.level)), item.path, title, changes)
        )
    return rows
