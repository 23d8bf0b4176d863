"""How big each plan of a list is: areas, activities, sub-activities, indicators.

Counted for the plans of one page only, after paginating (``attach_tree_counts``), and kept
in the cache under the plan's version and time of change: every service that changes a tree
also changes its plan row (the editor raises ``version`` and ``updated_at``, an import saves
the plan, creating or copying makes a new plan), so a changed plan is counted afresh and an
unchanged one is not counted again. A page whose plans are not all cached costs one more
query: the four levels, grouped by plan, read through the covering indexes along the tree.
A page of plans shown again costs one cache look-up: its counts are also kept together, under
a key made of every plan's key.
"""

from __future__ import annotations

import hashlib

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


def page_cache_key(keys: list[str]) -> str:
    """One key for the counts of a whole page of plans: it changes when any plan's key does."""
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
    return f"plan-tree-counts-page:{digest}"


def attach_tree_counts(plans) -> list:
    """Set ``area_count`` … ``indicator_count`` on each of ``plans``; returns them as a list.

    The counts of the whole list are read with one cache look-up when the same plans, each
    unchanged, were counted together before (a list page shown again); otherwise each plan's
    counts are looked up under its own key and the plans missing are counted."""
    plans = list(plans)
    if not plans:
        return plans
    keys = [cache_key(plan) for plan in plans]
    page_key = page_cache_key(keys)
    counts = cache.get(page_key)
    if counts is None:
        cached = cache.get_many(keys)
        missing = [plan.pk for plan, key in zip(plans, keys, strict=True) if key not in cached]
        if missing:
            fresh = count_trees(missing)
            fresh_by_key = {cache_key(plan): fresh[plan.pk] for plan in plans if plan.pk in fresh}
            cache.set_many(fresh_by_key, timeout=CACHE_SECONDS)
            cached.update(fresh_by_key)
        counts = [cached[key] for key in keys]
        cache.set(page_key, counts, timeout=CACHE_SECONDS)
    for plan, values in zip(plans, counts, strict=True):
        for (attribute, _model, _path), value in zip(LEVELS, values, strict=True):
            setattr(plan, attribute, value)
    return plans
