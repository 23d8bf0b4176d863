"""How big each plan of a list is: areas, activities, sub-activities, indicators.

Counted for the plans of one page only, after paginating (``attach_tree_counts``), and kept
in the cache under the plan's version and time of change: every service that changes a tree
also changes its plan row (the editor raises ``version`` and ``updated_at``, an import saves
the plan, creating or copying makes a new plan), so a changed plan is counted afresh and an
unchanged one is not counted again. A page whose plans are not all cached costs one more
query: the four levels, grouped by plan, read through the covering indexes along the tree.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, IntegerField, Value

from .models import Activity, Indicator, PlanArea, SubActivity

# The attribute set on each plan, the model counted, and its path to the plan's id.
LEVELS = [
    ("area_count", PlanArea, "plan_id"),
    ("activity_count", Activity, "area__plan_id"),
    ("sub_activity_count", SubActivity, "activity__area__plan_id"),
    ("indicator_count", Indicator, "sub_activity__activity__area__plan_id"),
]
CACHE_SECONDS = 24 * 60 * 60


def cache_key(plan) -> str:
    changed = plan.updated_at.isoformat() if plan.updated_at else ""
    return f"plan-tree-counts:{plan.pk}:{plan.version}:{changed}"


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


def attach_tree_counts(plans) -> list:
    """Set ``area_count`` … ``indicator_count`` on each of ``plans``; returns them as a list."""
    plans = list(plans)
    if not plans:
        return plans
    keys = {plan.pk: cache_key(plan) for plan in plans}
    cached = cache.get_many(list(keys.values()))
    missing = [plan.pk for plan in plans if keys[plan.pk] not in cached]
    if missing:
        fresh = count_trees(missing)
        cache.set_many({keys[pk]: fresh[pk] for pk in missing}, timeout=CACHE_SECONDS)
        cached.update({keys[pk]: fresh[pk] for pk in missing})
    for plan in plans:
        for (attribute, _model, _path), value in zip(LEVELS, cached[keys[plan.pk]], strict=True):
            setattr(plan, attribute, value)
    return plans
