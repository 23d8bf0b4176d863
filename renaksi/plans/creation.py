"""Plans that do not come from an import: by hand, from a template, or as next year's copy.

* ``create_plan`` — an empty draft with the 8 standard change areas;
* ``create_from_template`` — a draft with the tree of a template: the shipped standard
  activities of the KPU road map (``renaksi/plans/plan_templates.py``) or any earlier plan the
  user can read (its tree only: texts, numbering, schedule, indicators; no decree);
* ``copy_plan`` — a plan copied into a later year of the same unit: tree, schedule, indicators
  with targets, extra columns, PICs who still belong to the unit, and the decree texts (with
  the plan's year updated) but not its number, date or signers.

Never copied: findings, approval and submission, the source file, realisations: the new
plan gets fresh schedule periods (renaksi/work/periods.py) for its own year. Each service
checks the permission itself (``MANAGE_UNIT`` on the unit that gets the plan; ``VIEW_PLAN`` on a
plan copied from), runs in one transaction with a fixed number of queries (bulk writes), and
writes one audit entry. ``user=None`` is the system (a management command) and is accepted only
with ``system=True``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from renaksi.access.policy import MANAGE_UNIT, VIEW_PLAN
from renaksi.audit.services import record
from renaksi.units.models import Unit
from renaksi.work.models import SchedulePeriod
from renaksi.work.periods import BATCH_SIZE as PERIOD_BATCH_SIZE
from renaksi.work.periods import new_periods

from .models import (
    ActionPlan,
    Activity,
    ChangeArea,
    Indicator,
    PlanArea,
    SubActivity,
)
from .plan_templates import PlanTemplate
from .services import PlanError, unit_people

# The years a plan may have (ActionPlan.year's validators).
MIN_YEAR = 2010
MAX_YEAR = 2100

# Decree fields a copy leaves empty: they belong to the new decree, to be filled in.
DECREE_FIELDS_TO_FILL = (
    "decree_number",
    "decree_title",
    "decree_date",
    "signer_name",
    "signer_title",
    "certifier_name",
    "certifier_title",
    "budget_reference",
)
# Decree texts a copy keeps, with the plan's own year updated where they name the plan.
DECREE_TEXT_FIELDS = ("considerations", "legal_bases", "notes_considered", "dictums")
# Kept as they are.
DECREE_KEPT_FIELDS = ("decree_place",)

# Tree fields copied (besides the parent and the PIC).
AREA_FIELDS = ("change_area_id", "number", "name")
ACTIVITY_FIELDS = ("number", "position", "name")
SUB_ACTIVITY_FIELDS = (
    "number",
    "position",
    "name",
    "schedule",
    "pic_text",
    "target_text",
    "output_text",
    "budget_text",
    "note",
)
INDICATOR_FIELDS = (
    "position",
    "label",
    "text",
    "kind",
    "target_value",
    "unit_of_measure",
    "expected_evidence",
)


class CreationError(PlanError):
    """A plan could not be created. ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class CreationResult:
    """What a creation service made: the plan, its counts and what the user should know."""

    plan: ActionPlan
    counts: dict[str, int]
    # PICs not copied because they no longer belong to the unit: (username, rows).
    dropped_pics: list[tuple[str, int]] = field(default_factory=list)
    # Decree fields left empty, to be filled for the new decree.
    to_fill: list[str] = field(default_factory=list)
    # Decree texts kept that still mention the source year: to be checked.
    to_review: list[str] = field(default_factory=list)
    # Rows of the tree whose text mentions the source year.
    old_year_rows: int = 0
    # The year of the plan copied from (a copy or a plan used as template).
    source_year: int | None = None


# -- permission and checks --------------------------------------------------------------------


def _check_actor(user: User | AnonymousUser | None, system: bool) -> None:
    """``None`` is the system and is accepted only with ``system=True`` (the commands)."""
    if user is None:
        if not system:
            raise PermissionDenied
        return
    if system:
        raise ValueError("system=True is for user=None only")


def _check_manage(user, unit: Unit, system: bool) -> None:
    _check_actor(user, system)
    if user is not None and not user.has_perm(MANAGE_UNIT, unit):
        raise PermissionDenied


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise CreationError(_("Tahun harus berupa angka, mis. 2025."), "year") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CreationError(
            _("Tahun harus di antara %(min)s dan %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            "year",
        )
    return year


def _taken_message(unit: Unit, year: int) -> str:
    return _(
        "%(unit)s sudah memiliki rencana aksi tahun %(year)s. Buka rencana aksi itu, atau pilih "
        "tahun lain."
    ) % {"unit": unit.name, "year": year}


def _check_free(unit: Unit, year: int) -> None:
    if ActionPlan.objects.filter(unit=unit, year=year).exists():
        raise CreationError(_taken_message(unit, year), "year")


def next_free_year(unit: Unit, after: int) -> int | None:
    """The first year after ``after`` without a plan of ``unit`` (None past MAX_YEAR)."""
    taken = set(ActionPlan.objects.filter(unit=unit, year__gt=after).values_list("year", flat=True))
    for year in range(after + 1, MAX_YEAR + 1):
        if year not in taken:
            return year
    return None


# -- the services -----------------------------------------------------------------------------


def create_plan(
    user: User | AnonymousUser | None,
    unit: Unit,
    year,
    *,
    schedule_kind: str = ActionPlan.Schedule.MONTH,
    system: bool = False,
) -> CreationResult:
    """An empty draft plan of ``unit`` for ``year`` with the 8 standard change areas."""
    _check_manage(user, unit, system)
    year = _check_year(year)
    _check_schedule_kind(schedule_kind)
    _check_free(unit, year)
    standard = list(ChangeArea.objects.order_by("number"))

    def write() -> CreationResult:
        plan = ActionPlan.objects.create(unit=unit, year=year, schedule_kind=schedule_kind)
        PlanArea.objects.bulk_create(
            PlanArea(plan=plan, change_area=area, number=area.number, name=area.name)
            for area in standard
        )
        counts = {"areas": len(standard), "activities": 0, "sub_activities": 0, "indicators": 0}
        record(user, "plan.created", plan=plan, obj=plan, after={"year": year, "counts": counts})
        return CreationResult(plan, counts)

    return _atomic_create(unit, year, write)


def create_from_template(
    user: User | AnonymousUser | None,
    unit: Unit,
    year,
    template: PlanTemplate | ActionPlan,
    *,
    system: bool = False,
) -> CreationResult:
    """A draft plan of ``unit`` for ``year`` with the tree of ``template``.

    ``template``: a shipped ``PlanTemplate`` (``plan_templates.load_template()``) or a plan
    the user may read (``VIEW_PLAN``); of a plan only the tree is taken (no decree), with the
    PICs who belong to ``unit``. Areas the template lacks are added empty, so the plan has
    the 8 standard areas.
    """
    _check_manage(user, unit, system)
    if (
        isinstance(template, ActionPlan)
        and user is not None
        and not user.has_perm(VIEW_PLAN, template)
    ):
        raise PermissionDenied
    year = _check_year(year)
    _check_free(unit, year)

    if isinstance(template, ActionPlan):
        source = _read_tree(template)
        kept, dropped = _split_pics(source, unit)
        schedule_kind = template.schedule_kind
        about = {"template": "plan", "source_plan": template.pk, "source_year": template.year}
    else:
        source = _template_tree(template)
        kept, dropped = set(), []
        schedule_kind = ActionPlan.Schedule.MONTH
        about = {"template": template.key}
    _add_missing_areas(source)

    def write() -> CreationResult:
        plan = ActionPlan.objects.create(unit=unit, year=year, schedule_kind=schedule_kind)
        counts = _write_tree(plan, source, kept)
        result = CreationResult(plan, counts, dropped_pics=dropped)
        record(
            user,
            "plan.created_from_template",
            plan=plan,
            obj=plan,
            **about,
            after={"year": year, "counts": counts},
            pics_dropped=[name for name, _rows in result.dropped_pics],
        )
        return result

    return _atomic_create(unit, year, write)


def copy_plan(
    user: User | AnonymousUser | None,
    plan: ActionPlan,
    to_year,
    *,
    system: bool = False,
) -> CreationResult:
    """A new draft of ``plan``'s unit for ``to_year`` (later than the plan's year).

    Copies the tree with its numbering, schedule, indicators (targets and units), extra
    columns and the PICs who still belong to the unit (the others are dropped and reported);
    the decree texts (Menimbang, Mengingat, Memperhatikan, dictums, subject, place) with the
    plan's own year changed where they name the plan. Leaves empty the decree number, title,
    date, signers and budget reference (``result.to_fill``). Never copies findings, approval,
    submission or the source file.
    """
    _check_actor(user, system)
    if user is not None and not user.has_perm(VIEW_PLAN, plan):
        raise PermissionDenied
    unit = plan.unit
    _check_manage(user, unit, system)
    to_year = _check_year(to_year)
    if to_year <= plan.year:
        raise CreationError(
            _("Tahun tujuan harus sesudah %(year)s, tahun rencana aksi yang disalin.")
            % {"year": plan.year},
            "year",
        )
    _check_free(unit, to_year)

    source = _read_tree(plan)
    kept, dropped = _split_pics(source, unit)
    values = _decree_copy(plan, to_year)
    to_review = [
        name
        for name in ("decree_subject", *DECREE_TEXT_FIELDS)
        if str(plan.year) in _as_text(values[name])
    ]
    old_year_rows = _rows_mentioning(source, str(plan.year))

    def write() -> CreationResult:
        new = ActionPlan.objects.create(
            unit=unit,
            year=to_year,
            schedule_kind=plan.schedule_kind,
            report_due_day=plan.report_due_day,
            **values,
        )
        counts = _write_tree(new, source, kept)
        result = CreationResult(
            new,
            counts,
            dropped_pics=dropped,
            to_fill=list(DECREE_FIELDS_TO_FILL),
            to_review=to_review,
            old_year_rows=old_year_rows,
            source_year=plan.year,
        )
        record(
            user,
            "plan.copied",
            plan=new,
            obj=new,
            source_plan=plan.pk,
            source_year=plan.year,
            after={"year": to_year, "counts": counts},
            pics_dropped=[name for name, _rows in result.dropped_pics],
            to_fill=result.to_fill,
            to_review=to_review,
        )
        return result

    return _atomic_create(unit, to_year, write)


def _atomic_create(unit: Unit, year: int, write) -> CreationResult:
    """Run ``write`` in one transaction; a plan created meanwhile gives the clear message."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError as error:
        if ActionPlan.objects.filter(unit=unit, year=year).exists():
            raise CreationError(_taken_message(unit, year), "year") from error
        raise


def _check_schedule_kind(kind: str) -> None:
    if kind not in ActionPlan.Schedule.values:
        raise CreationError(_("Jenis jadwal tidak dikenal."), "schedule_kind")


# -- the decree of a copy ---------------------------------------------------------------------

# "… Rencana Aksi Reformasi Birokrasi … Tahun 2022": the plan's own year, where a text names
# the plan (never a year of a cited law, decree or budget: those follow "Nomor …").
_PLAN_YEAR = re.compile(
    r"(rencana\s+aksi\s+reformasi\s+birokrasi\b[^;:]*?\btahun\s+)(\d{4})\b", re.IGNORECASE
)


def update_plan_year(text: str, old: int, new: int) -> str:
    """``text`` with the year ``old`` of a named action plan changed to ``new``."""

    def replace(match: re.Match) -> str:
        if match.group(2) != str(old) or re.search(r"\bnomor\b", match.group(1), re.I):
            return match.group(0)
        return f"{match.group(1)}{new}"

    return _PLAN_YEAR.sub(replace, text)


def _decree_copy(plan: ActionPlan, to_year: int) -> dict:
    values = {name: getattr(plan, name) for name in DECREE_KEPT_FIELDS}
    values["decree_subject"] = update_plan_year(plan.decree_subject, plan.year, to_year)
    for name in DECREE_TEXT_FIELDS:
        values[name] = [
            _update_item(item, plan.year, to_year) for item in (getattr(plan, name) or [])
        ]
    return values


def _update_item(item, old: int, new: int):
    if isinstance(item, str):
        return update_plan_year(item, old, new)
    if isinstance(item, dict):
        return {
            key: update_plan_year(value, old, new)
            if key == "text" and isinstance(value, str)
            else value
            for key, value in item.items()
        }
    return item


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    parts = []
    for item in value or []:
        parts.append(item.get("text", "") if isinstance(item, dict) else str(item))
    return " ".join(parts)


# -- the tree, read once and written in bulk ---------------------------------------------------


@dataclass
class _Node:
    values: dict
    pic_id: int | None = None
    children: list[_Node] = field(default_factory=list)


def _read_tree(plan: ActionPlan) -> list[_Node]:
    """The plan's tree in four queries (one per level)."""
    areas = {
        a["id"]: _Node({k: a[k] for k in AREA_FIELDS})
        for a in PlanArea.objects.filter(plan=plan).order_by("number").values("id", *AREA_FIELDS)
    }
    activities = {}
    for a in (
        Activity.objects.filter(area__plan=plan)
        .order_by("area__number", "position")
        .values("id", "area_id", "pic_id", *ACTIVITY_FIELDS)
    ):
        node = _Node({k: a[k] for k in ACTIVITY_FIELDS}, a["pic_id"])
        areas[a["area_id"]].children.append(node)
        activities[a["id"]] = node
    subs = {}
    for s in (
        SubActivity.objects.filter(activity__area__plan=plan)
        .order_by("activity_id", "position")
        .values("id", "activity_id", "pic_id", *SUB_ACTIVITY_FIELDS)
    ):
        node = _Node({k: s[k] for k in SUB_ACTIVITY_FIELDS}, s["pic_id"])
        activities[s["activity_id"]].children.append(node)
        subs[s["id"]] = node
    for i in (
        Indicator.objects.filter(sub_activity__activity__area__plan=plan)
        .order_by("sub_activity_id", "position")
        .values("sub_activity_id", *INDICATOR_FIELDS)
    ):
        subs[i["sub_activity_id"]].children.append(_Node({k: i[k] for k in INDICATOR_FIELDS}))
    return list(areas.values())


def _template_tree(template: PlanTemplate) -> list[_Node]:
    standard = {area.number: area for area in ChangeArea.objects.all()}
    roots = []
    for area in template.areas:
        change_area = standard[area.number]
        node = _Node(
            {
                "change_area_id": change_area.pk,
                "number": area.number,
                "name": area.name or change_area.name,
            }
        )
        for a_pos, activity in enumerate(area.activities, start=1):
            a_node = _Node({"number": a_pos, "position": a_pos, "name": activity.name})
            node.children.append(a_node)
            for s_pos, sub in enumerate(activity.sub_activities, start=1):
                s_node = _Node(
                    {
                        "number": s_pos,
                        "position": s_pos,
                        "name": sub.name,
                        "schedule": sub.schedule,
                        "pic_text": "",
                        "target_text": "",
                        "output_text": "",
                        "budget_text": "",
                        "note": "",
                    }
                )
                a_node.children.append(s_node)
                numbered = len(sub.indicators) > 1
                for i_pos, indicator in enumerate(sub.indicators, start=1):
                    s_node.children.append(
                        _Node(
                            {
                                "position": i_pos,
                                "label": str(i_pos) if numbered else "",
                                "text": indicator.text,
                                "kind": indicator.kind,
                                "target_value": indicator.target_value,
                                "unit_of_measure": indicator.unit_of_measure,
                            }
                        )
                    )
        roots.append(node)
    return roots


def _add_missing_areas(roots: list[_Node]) -> None:
    """Every standard area the tree lacks, empty, in the number order (one query)."""
    present = {node.values["change_area_id"] for node in roots}
    numbers = {node.values["number"] for node in roots}
    for area in ChangeArea.objects.order_by("number"):
        if area.pk not in present and area.number not in numbers:
            roots.append(
                _Node({"change_area_id": area.pk, "number": area.number, "name": area.name})
            )
    roots.sort(key=lambda node: node.values["number"])


def _walk(roots: list[_Node], depth: int = 0):
    for node in roots:
        yield depth, node
        yield from _walk(node.children, depth + 1)


def _split_pics(roots: list[_Node], unit: Unit) -> tuple[set[int], list[tuple[str, int]]]:
    """The PICs who still belong to ``unit``, and the others as (username, rows): two queries
    when the tree has PICs, none otherwise."""
    pic_ids = {node.pic_id for _depth, node in _walk(roots) if node.pic_id}
    if not pic_ids:
        return set(), []
    kept = set(unit_people(unit.pk).filter(pk__in=pic_ids).values_list("pk", flat=True))
    names = dict(User.objects.filter(pk__in=pic_ids).values_list("pk", "username"))
    dropped = Counter(
        node.pic_id for _depth, node in _walk(roots) if node.pic_id and node.pic_id not in kept
    )
    return kept, sorted((names.get(pk, str(pk)), rows) for pk, rows in dropped.items())


def _rows_mentioning(roots: list[_Node], text: str) -> int:
    count = 0
    for _depth, node in _walk(roots):
        if any(isinstance(v, str) and text in v for v in node.values.values()):
            count += 1
    return count


def _write_tree(plan: ActionPlan, roots: list[_Node], kept_pics: set[int]) -> dict[str, int]:
    """Insert the tree under ``plan``: one bulk insert per level."""

    def pic(node: _Node) -> int | None:
        return node.pic_id if node.pic_id in kept_pics else None

    areas = [PlanArea(plan=plan, **node.values) for node in roots]
    PlanArea.objects.bulk_create(areas)
    activities, activity_nodes = [], []
    for area, node in zip(areas, roots, strict=True):
        for child in node.children:
            activities.append(Activity(area=area, pic_id=pic(child), **child.values))
            activity_nodes.append(child)
    Activity.objects.bulk_create(activities)
    subs, sub_nodes = [], []
    for activity, node in zip(activities, activity_nodes, strict=True):
        for child in node.children:
            subs.append(SubActivity(activity=activity, pic_id=pic(child), **child.values))
            sub_nodes.append(child)
    SubActivity.objects.bulk_create(subs)
    # The schedule as rows: fresh periods, never the source's realisations (work/periods.py).
    SchedulePeriod.objects.bulk_create(
        [row for sub in subs for row in new_periods(plan, sub.pk, sub.schedule)],
        batch_size=PERIOD_BATCH_SIZE,
    )
    indicators = [
        Indicator(sub_activity=sub, **child.values)
        for sub, node in zip(subs, sub_nodes, strict=True)
        for child in node.children
    ]
    Indicator.objects.bulk_create(indicators)
    return {
        "areas": len(areas),
        "activities": len(activities),
        "sub_activities": len(subs),
        "indicators": len(indicators),
    }
