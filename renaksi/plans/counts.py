"""How big each plan of a list is: areas, activities, sub-activities, indicators.

Counted for the plans of one page only, after paginating (``attach_tree_counts``), and kept on
the plan row itself (``ActionPlan.tree_counts``) under the plan's id, version and time of
change: every service that changes a tree also changes its plan row (the editor raises
``version`` and ``updated_at``, an import saves the plan, creating or copying makes a new
plan, the admin's tree pages touch ``updated_at``), so a changed plan is counted afresh and an
unchanged one is never counted again, whatever happens to the cache (a restart, another
process, an eviction). A page whose plans all hold their counts costs nothing more than the
plans themselves; one with plans out of date costs two queries more: the four levels of those
plans, grouped by plan, read through the covering indexes along the tree, and one UPDATE
writing their counts (the counts column only: neither ``version`` nor ``updated_at`` moves).
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, JSONField, Value, When

from .models import ActionPlan, Activity, Indicator, PlanArea, SubActivity

# The attribute set on each plan, the model counted, and its path to the plan's id.
LEVELS = [
    ("area_count", PlanArea, "plan_id"),
    ("activity_count", Activity, "area__plan_id"),
    ("sub_activity_count", SubActivity, "activity__area__plan_id"),
    ("indicator_count", Indicator, "sub_activity__activity__area__plan_id"),
]


def counts_key(plan) -> str:
    """What the stored counts must have been counted at to be the plan's counts now."""
    changed = plan.updated_at.isoformat() if plan.updated_at else ""
    return f"{plan.pk}:{plan.version}:{changed}"


def count_trees(plan_ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """The four counts of each plan, in one query (plans without rows get zeros)."""
    queries = [
        model.objects.filter(**{f"{path}__in": plan_ids})
        .order_by()
        .values(path)
        .annotate(level=Value(index, output_field=IntegerField()), count=Count("*"))
        .values_list(path, "level", "count")
        for index, (_attribute, model, path) in enumerate(LEVELS)
    ]
    counts = {plan_id: [0] * len(LEVELS) for plan_id in plan_ids}
    for plan_id, level, count in queries[0].union(*queries[1:], all=True).order_by():
        counts[plan_id][level] = count
    return {plan_id: tuple(values) for plan_id, values in counts.items()}


def stored_counts(plan) -> tuple[int, ...] | None:
    """The plan's stored counts if they were counted at its present version, else None."""
    stored = plan.tree_counts
    if isinstance(stored, dict) and stored.get("key") == counts_key(plan):
        counts = stored.get("counts")
        if isinstance(counts, list) and len(counts) == len(LEVELS):
            return tuple(counts)
    return None


def attach_tree_counts(plans) -> list:
    """Set ``area_count`` … ``indicator_count`` on each of ``plans``; returns them as a list.

    The counts stored on each plan row are used when they were counted at the plan's present
    version; the plans without are counted together and their counts written back (one
    query each, whatever their number)."""
    plans = list(plans)
    missing = [plan for plan in plans if stored_counts(plan) is None]
    if missing:
        fresh = count_trees([plan.pk for plan in missing])
        for plan in missing:
            plan.tree_counts = {"key": counts_key(plan), "counts": list(fresh[plan.pk])}
        # One UPDATE of the counts column alone (not save(): updated_at and version stay, and
        # not bulk_update(): its transaction would cost two statements more); a plan changed
        # meanwhile has a new version, so the counts written for it are not taken.
        ActionPlan.objects.filter(pk__in=[plan.pk for plan in missing]).update(
            tree_counts=Case(
                *(
                    When(pk=plan.pk, then=Value(plan.tree_counts, output_field=JSONField()))
                    for plan in missing
                ),
                output_field=JSONField(),
            )
        )
    for plan in plans:
        for (attribute, _model, _path), value in zip(
            LEVELS, plan.tree_counts["counts"], strict=True
        ):
            setattr(plan, attribute, value)
    return plans
