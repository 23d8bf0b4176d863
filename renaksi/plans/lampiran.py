"""The plan laid out as the decree's Lampiran table prints it, for the detail page.

The table has one row per sub-activity. NO and AREA PERUBAHAN span every row of their area,
KEGIATAN spans the rows of its sub-activities. An area without activities, or an activity
without sub-activities, still gets one row so that nothing the importer loaded goes unseen.

Works on a plan whose tree is already read (``read_lampiran_tree``, the plan page) or
prefetched (``load_plan_tree``): it reads the kept children or ``.all()`` on the related
managers and never queries by itself.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape  # the standard library's: Django's escape() costs more per call

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from .models import ActionPlan, Activity, ImportFinding, Indicator, PlanArea, SubActivity

# The month headers as the decree's Lampiran prints them (JAN … DES).
MONTH_ABBREVIATIONS = [
    pgettext_lazy("singkatan bulan", "JAN"),
    pgettext_lazy("singkatan bulan", "FEB"),
    pgettext_lazy("singkatan bulan", "MAR"),
    pgettext_lazy("singkatan bulan", "APR"),
    pgettext_lazy("singkatan bulan", "MEI"),
    pgettext_lazy("singkatan bulan", "JUN"),
    pgettext_lazy("singkatan bulan", "JUL"),
    pgettext_lazy("singkatan bulan", "AGT"),
    pgettext_lazy("singkatan bulan", "SEP"),
    pgettext_lazy("singkatan bulan", "OKT"),
    pgettext_lazy("singkatan bulan", "NOV"),
    pgettext_lazy("singkatan bulan", "DES"),
]


# The quarter headers of a quarterly plan (TW I … TW IV) and their full names.
QUARTER_ABBREVIATIONS = [
    pgettext_lazy("singkatan triwulan", "TW I"),
    pgettext_lazy("singkatan triwulan", "TW II"),
    pgettext_lazy("singkatan triwulan", "TW III"),
    pgettext_lazy("singkatan triwulan", "TW IV"),
]
QUARTER_NAMES = [
    pgettext_lazy("triwulan", "Triwulan I"),
    pgettext_lazy("triwulan", "Triwulan II"),
    pgettext_lazy("triwulan", "Triwulan III"),
    pgettext_lazy("triwulan", "Triwulan IV"),
]


def period_headers(plan: ActionPlan) -> list:
    """The schedule's column headers: JAN … DES, or TW I … TW IV for a quarterly plan."""
    if plan.schedule_kind == ActionPlan.Schedule.QUARTER:
        return QUARTER_ABBREVIATIONS
    return MONTH_ABBREVIATIONS


def period_names(schedule_kind: str) -> list[str]:
    if schedule_kind == ActionPlan.Schedule.QUARTER:
        return [str(name) for name in QUARTER_NAMES]
    return [str(MONTHS[month]) for month in range(1, 13)]


def load_plan_tree(plan: ActionPlan, *, findings: bool = True) -> ActionPlan:
    """Fetch the whole tree and the findings of ``plan`` in a fixed number of queries
    (the tree only with ``findings=False``)."""
    lookups = [
        Prefetch(
            "areas",
            queryset=PlanArea.objects.select_related("change_area").order_by("number", "id"),
        ),
        Prefetch("areas__activities", queryset=Activity.objects.order_by("position", "id")),
        Prefetch(
            "areas__activities__sub_activities",
            queryset=SubActivity.objects.order_by("position", "id"),
        ),
        Prefetch(
            "areas__activities__sub_activities__indicators",
            queryset=Indicator.objects.order_by("position", "id"),
        ),
    ]
    if findings:
        lookups.append(Prefetch("findings", queryset=plan_findings()))
    prefetch_related_objects([plan], *lookups)
    return plan


def read_lampiran_tree(plan: ActionPlan) -> ActionPlan:
    """Read ``plan``'s tree for the Lampiran in four queries (one per level), the children of
    each node kept as plain lists (``children()`` reads them).

    The same four queries as ``load_plan_tree``'s prefetch, without its machinery: a related
    manager and a queryset made for each of ~250 objects cost about half the time of a plan
    page rendered afresh. Only the Lampiran's functions read these lists; anything else asking
    ``.all()`` of a node still queries as usual."""
    areas = list(PlanArea.objects.filter(plan_id=plan.pk).order_by("number", "id"))
    activities = Activity.objects.filter(area__plan_id=plan.pk).order_by("position", "id")
    subs = SubActivity.objects.filter(activity__area__plan_id=plan.pk).order_by("position", "id")
    indicators = Indicator.objects.filter(sub_activity__activity__area__plan_id=plan.pk).order_by(
        "position", "id"
    )
    _attach_children(plan, "areas", areas, None)
    _attach_children(areas, "activities", list(activities), "area_id")
    by_activity = [activity for area in areas for activity in area._tree_activities]
    _attach_children(by_activity, "sub_activities", list(subs), "activity_id")
    by_sub = [sub for activity in by_activity for sub in activity._tree_sub_activities]
    _attach_children(by_sub, "indicators", list(indicators), "sub_activity_id")
    return plan


def _attach_children(parents, name: str, children: list, parent_field: str | None) -> None:
    """Keep ``children`` (in their order) on their parents as ``_tree_<name>``; each child
    gets its parent object too, as a prefetch would (no query to read it back)."""
    if parent_field is None:  # the plan's areas
        parents._tree_areas = children
        for child in children:
            child.plan = parents
        return
    by_parent = {parent.pk: parent for parent in parents}
    for parent in parents:
        setattr(parent, f"_tree_{name}", [])
    relation = parent_field.removesuffix("_id")
    for child in children:
        parent = by_parent[getattr(child, parent_field)]
        getattr(parent, f"_tree_{name}").append(child)
        setattr(child, relation, parent)


def children(node, name: str) -> list:
    """A node's children as ``read_lampiran_tree`` kept them, else its (prefetched) ``.all()``."""
    kept = node.__dict__.get(f"_tree_{name}")
    return kept if kept is not None else list(getattr(node, name).all())


def plan_findings(plan: ActionPlan | None = None):
    """The findings of ``plan`` (of every plan without one) in the page's order."""
    findings = ImportFinding.objects.select_related("confirmed_by").order_by("line", "id")
    return findings if plan is None else findings.filter(plan=plan)


@dataclass
class LampiranRow:
    """One row of the Lampiran table.

    ``area`` is set on the first row of an area, which carries the NO and AREA PERUBAHAN cells.
    ``activity_cell`` says whether the row carries the KEGIATAN cell: the first row of an
    activity, or the single empty row of an area without activities.
    """

    area: PlanArea | None = None
    area_rowspan: int = 1
    activity_cell: bool = True
    activity: Activity | None = None
    activity_rowspan: int = 1
    sub_activity: SubActivity | None = None
    months: tuple[bool, ...] = (False,) * 12  # one per period: 12 months or 4 quarters
    schedule_kind: str = ActionPlan.Schedule.MONTH
    # Set by attach_findings(): the row's HTML id and the findings on its source lines.
    anchor: str = ""
    findings: list[ImportFinding] = field(default_factory=list)

    @property
    def open_findings(self) -> list[ImportFinding]:
        return [finding for finding in self.findings if finding.confirmed_at is None]

    def source_lines(self) -> list[int]:
        """The source lines of everything this row shows, first line first."""
        items: list = []
        if self.area is not None:
            items.append(self.area)
        if self.activity_cell and self.activity is not None:
            items.append(self.activity)
        if self.sub_activity is not None:
            items.append(self.sub_activity)
            items.extend(children(self.sub_activity, "indicators"))
        return sorted({item.source_line for item in items if item.source_line is not None})

    @property
    def months_html(self) -> SafeString:
        """The row's schedule cells (see ``schedule_cells``)."""
        return schedule_cells(get_language() or "", self.schedule_kind, self.months)


@functools.lru_cache(maxsize=1024)
def schedule_cells(language: str, schedule_kind: str, months: tuple[bool, ...]) -> SafeString:
    """The schedule cells of one row, built once per language and pattern (a plan has ~100
    rows and a handful of patterns; the template loop over 12 cells a row was most of the
    page's size and rendering time).

    A due cell holds its period's abbreviation as text (the text equivalent of the check
    mark the stylesheet draws, and the label on a phone); a cell that is not due is empty,
    its abbreviation in ``data-m`` for the phone layout's compact month row only."""
    labels = QUARTER_ABBREVIATIONS if schedule_kind == ActionPlan.Schedule.QUARTER else None
    labels = [str(label) for label in labels or MONTH_ABBREVIATIONS]
    cells = (
        format_html('<td class="due">{}</td>', label)
        if due
        else format_html('<td data-m="{}"></td>', label)
        for label, due in zip(labels, months, strict=True)
    )
    return format_html_join("", "{}", ((cell,) for cell in cells))


def lampiran_rows(plan: ActionPlan) -> list[LampiranRow]:
    """The rows of the Lampiran table for a plan whose tree is read (``read_lampiran_tree``)
    or prefetched (``load_plan_tree``)."""
    rows: list[LampiranRow] = []
    kind = plan.schedule_kind
    empty = (False,) * (4 if kind == ActionPlan.Schedule.QUARTER else 12)
    for area in children(plan, "areas"):
        area_rows: list[LampiranRow] = []
        activities = children(area, "activities")
        if not activities:
            area_rows.append(LampiranRow(months=empty, schedule_kind=kind))
        for activity in activities:
            subs = children(activity, "sub_activities")
            if not subs:
                area_rows.append(LampiranRow(activity=activity, months=empty, schedule_kind=kind))
                continue
            for index, sub in enumerate(subs):
                area_rows.append(
                    LampiranRow(
                        activity_cell=index == 0,
                        activity=activity,
                        activity_rowspan=len(subs),
                        sub_activity=sub,
                        months=sub.periods(kind),
                        schedule_kind=kind,
                    )
                )
        area_rows[0].area = area
        area_rows[0].area_rowspan = len(area_rows)
        rows.extend(area_rows)
    for number, row in enumerate(rows, start=1):
        row.anchor = f"lampiran-{number}"
    return rows


def attach_findings(rows: list[LampiranRow], findings: list[ImportFinding]) -> None:
    """Pair each finding with the table row it concerns.

    A finding that points at its row (indicator, sub-activity, activity or area) goes to that
    row; one that does not (older imports) to the first row built from its source line. The
    row gets the finding in ``row.findings``; the finding gets ``row_anchor``, the id of that
    row, so the review list can link to the row it is about and the row back to it.
    """
    by_indicator: dict[int, LampiranRow] = {}
    by_sub: dict[int, LampiranRow] = {}
    by_activity: dict[int, LampiranRow] = {}
    by_area: dict[int, LampiranRow] = {}
    for row in rows:
        if row.area is not None:
            by_area[row.area.pk] = row
        if row.activity is not None:
            by_activity.setdefault(row.activity.pk, row)
        if row.sub_activity is not None:
            by_sub[row.sub_activity.pk] = row
            for indicator in children(row.sub_activity, "indicators"):
                by_indicator[indicator.pk] = row

    def place(finding: ImportFinding, row: LampiranRow) -> None:
        finding.row_anchor = row.anchor
        row.findings.append(finding)

    by_line: dict[int, list[ImportFinding]] = defaultdict(list)
    for finding in findings:
        finding.row_anchor = ""
        row = (
            by_indicator.get(finding.indicator_id)
            or by_sub.get(finding.sub_activity_id)
            or by_activity.get(finding.activity_id)
            or by_area.get(finding.area_id)
        )
        if row is not None:
            place(finding, row)
        elif finding.line is not None:
            by_line[finding.line].append(finding)
    for row in rows:
        for line in row.source_lines():
            for finding in by_line.pop(line, []):
                place(finding, row)
    order = {id(finding): index for index, finding in enumerate(findings)}
    for row in rows:
        row.findings.sort(key=lambda finding: order[id(finding)])


def lampiran_body(rows: list[LampiranRow]) -> SafeString:
    """The Lampiran table's body rows as one string, the same HTML the template wrote.

    Built here rather than in the template: ~100 rows of five cells, each with its
    conditions, source-line titles and the indicators' list, were most of the time of a plan
    page rendered afresh (the first view after a change). Labels are translated once per
    table; every value of the plan is escaped into its cell. The schedule cells come from
    ``schedule_cells`` (one string per pattern)."""
    line_text = _("baris %(line)s")
    inferred_l = escape(_("disimpulkan"))
    inferred_title = escape(_("Baris area tidak ada di sumber; area disimpulkan oleh pengimpor."))
    indicators_l = escape(_("Indikator keberhasilan"))
    language = get_language() or ""

    def title(item) -> str:
        line = item.source_line if item is not None else None
        return f' title="{line_text % {"line": line}}"' if line else ""

    parts = []
    for row in rows:
        area, activity, sub = row.area, row.activity, row.sub_activity
        open_findings = row.open_findings
        if area is not None:
            classes = ' class="area-start has-findings"' if open_findings else ' class="area-start"'
        else:
            classes = ' class="has-findings"' if open_findings else ""
        parts.append(f'<tr id="{escape(row.anchor)}"{classes}>\n')
        if area is not None:
            inferred = ""
            if area.inferred:
                inferred = (
                    f' <span class="badge badge--inferred" title="{inferred_title}">'
                    f"{inferred_l}</span>"
                )
            parts.append(
                f'<td rowspan="{row.area_rowspan:d}" class="col-no"><div class="stick">'
                f'{area.number:d}</div></td><th scope="rowgroup" rowspan="{row.area_rowspan:d}" '
                f'class="col-area{" is-inferred" if area.inferred else ""}"{title(area)}>'
                f'<div class="stick">{escape(area.name)}{inferred}</div></th>\n'
            )
        if row.activity_cell:
            name = ""
            if activity is not None:
                name = (
                    f'<div class="stick"><b>{activity.number:d}</b> {escape(activity.name)}</div>'
                )
            parts.append(
                f'<td rowspan="{row.activity_rowspan:d}" class="col-activity"{title(activity)}>'
                f"{name}</td>\n"
            )
        cell = f"<b>{sub.number:d}</b> {escape(sub.name)}" if sub is not None else ""
        if open_findings:
            count = len(open_findings)
            text = ngettext(
                "%(counter)s temuan perlu ditinjau", "%(counter)s temuan perlu ditinjau", count
            ) % {"counter": count}
            cell += f' <a href="#temuan-{open_findings[0].pk:d}">{text}</a>'
        indicators = ""
        if sub is not None:
            items = [
                f"<li><b>{escape(indicator.label)}</b> {escape(indicator.text)}</li>"
                if indicator.label
                else f'<li class="plain">{escape(indicator.text)}</li>'
                for indicator in children(sub, "indicators")
            ]
            if items:
                indicators = f"<ul>{''.join(items)}</ul>"
        parts.append(
            f'<td class="col-sub"{title(sub)}>{cell}</td>\n'
            f'<td class="col-indicator" data-label="{indicators_l}">{indicators}</td>\n'
            f"{schedule_cells(language, row.schedule_kind, row.months)}</tr>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped into its cell)
