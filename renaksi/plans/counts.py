"""How big each plan of a list is: areas, activities, sub-activities, indicators.

Counted for the plans of one page only, after paginating (``attach_tree_counts``): one query
for the four levels however many plans the database holds, each level grouped by plan and
served by the foreign-key indexes along the tree.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, Value

from .models import Activity, Indicator, PlanArea, SubActivity

# The attribute set on each plan, the model counted, and its path to the plan's id.
LEVELS = [
    ("area_count", PlanArea, "plan_id"),
    ("activity_count", Activity, "area__plan_id"),
    ("sub_activity_count", SubActivity, "activity__area__plan_id"),
    ("indicator_count", Indicator, "sub_activity__activity__area__plan_id"),
]


def attach_tree_counts(plans) -> list:
    """Set ``area_count`` … ``indicator_count`` on each of ``plans``; returns them as a list."""
    plans = list(plans)
    counts: dict[tuple[int, int], int] = {}
    if plans:
        ids = [plan.pk for plan in plans]
        queries = [
            model.objects.filter(**{f"{path}__in": ids})
            .order_by()
            .values(path)
            .annotate(level=Value(index, output_field=IntegerField()), count=Count("*"))
            .values_list(path, "level", "count")
            for index, (_attribute, model, path) in enumerate(LEVELS)
        ]
        rows = queries[0].union(*queries[1:], all=True).order_by()
        counts = {(plan_id, level): count for plan_id, level, count in rows}
    for plan in plans:
        for index, (attribute, _model, _path) in enumerate(LEVELS):
            setattr(plan, attribute, counts.get((plan.pk, index), 0))
    return plans
