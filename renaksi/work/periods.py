"""The schedule as rows: one ``SchedulePeriod`` per scheduled cell of the plan.

Every writer of a plan's tree (the importer, the editor, creation and copy, generate_national)
calls ``sync_plan_periods`` inside its own transaction after it wrote the schedule masks, so the
rows always say what the masks say:

* a scheduled cell without a row gets one (``planned=True``);
* a row whose cell is no longer scheduled is deleted, unless work was recorded on it: then it
  stays, ``planned=False`` (work outside the plan), and nothing recorded is lost;
* ``due_on`` follows the plan's ``report_due_day``.

A fixed number of queries whatever the plan's size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from renaksi.plans.models import ActionPlan, SubActivity

from .models import ChangeAgentAction, ChangeAgentPlan, Realisation, SchedulePeriod

MONTHS = 12
QUARTERS = 4


def period_count(schedule_kind: str) -> int:
    return QUARTERS if schedule_kind == ActionPlan.Schedule.QUARTER else MONTHS


def last_month(period: int, schedule_kind: str) -> int:
    """The last month (1–12) of ``period``: the month itself, or the quarter's third month."""
    return period * 3 if schedule_kind == ActionPlan.Schedule.QUARTER else period


def period_of_month(month: int, schedule_kind: str) -> int:
    """The period that holds ``month``: the month itself, or its quarter."""
    return (month - 1) // 3 + 1 if schedule_kind == ActionPlan.Schedule.QUARTER else month


def due_date(year: int, period: int, schedule_kind: str, due_day: int) -> datetime.date:
    """The last on-time day for reporting ``period``: ``due_day`` of the following month."""
    month = last_month(period, schedule_kind)
    if month == MONTHS:
        return datetime.date(year + 1, 1, due_day)
    return datetime.date(year, month + 1, due_day)


def mask_periods(mask: int, count: int) -> list[int]:
    return [index + 1 for index in range(count) if mask & (1 << index)]


def _sync(
    plan: ActionPlan,
    items: Iterable[tuple[int, int]],
    field: str,
    existing_filter: dict,
    kind: str,
) -> dict[str, int]:
    """Make the periods of ``items`` ((item id, mask) pairs, ``field`` = sub_activity or
    agent_action) match their masks. Returns counts of created, kept-as-unplanned, deleted."""
    count = period_count(kind)
    wanted = {(item_id, period) for item_id, mask in items for period in mask_periods(mask, count)}
    existing = (
        SchedulePeriod.objects.filter(**existing_filter)
        .annotate(has_work=Exists(Realisation.objects.filter(period=OuterRef("pk"))))
        .values_list("pk", f"{field}_id", "period", "planned", "due_on", "has_work")
    )
    have: set[tuple[int, int]] = set()
    to_delete, to_unplan, to_plan, to_redate = [], [], [], []
    for pk, item_id, period, planned, due_on, has_work in existing:
        key = (item_id, period)
        have.add(key)
        due = due_date(plan.year, period, kind, plan.report_due_day)
        if key in wanted:
            if not planned:
                to_plan.append(pk)
            if due_on != due:
                to_redate.append((pk, due))
        elif has_work:
            if planned:
                to_unplan.append(pk)
        else:
            to_delete.append(pk)
    create = [
        SchedulePeriod(
            plan_id=plan.pk,
            unit_id=plan.unit_id,
            year=plan.year,
            period=period,
            planned=True,
            due_on=due_date(plan.year, period, kind, plan.report_due_day),
            **{f"{field}_id": item_id},
        )
        for item_id, period in sorted(wanted - have)
    ]
    if to_delete:
        SchedulePeriod.objects.filter(pk__in=to_delete).delete()
    if to_unplan:
        SchedulePeriod.objects.filter(pk__in=to_unplan).update(planned=False)
    if to_plan:
        SchedulePeriod.objects.filter(pk__in=to_plan).update(planned=True)
    if to_redate:
        objs = [SchedulePeriod(pk=pk, due_on=due) for pk, due in to_redate]
        SchedulePeriod.objects.bulk_update(objs, ["due_on"], batch_size=500)
    if create:
        SchedulePeriod.objects.bulk_create(create, batch_size=1000)
    return {"created": len(create), "unplanned": len(to_unplan), "deleted": len(to_delete)}


def sync_plan_periods(plan: ActionPlan, sub_activity_ids: Iterable[int] | None = None) -> dict:
    """Make the plan's sub-activity periods match the schedule masks (all, or only those of
    ``sub_activity_ids``). Call it inside the writer's transaction, after the tree is saved.
    Periods of deleted sub-activities go with them (CASCADE), unless work protects them."""
    subs = SubActivity.objects.filter(activity__area__plan=plan)
    existing_filter: dict = {"plan": plan, "sub_activity__isnull": False}
    if sub_activity_ids is not None:
        ids = list(sub_activity_ids)
        subs = subs.filter(pk__in=ids)
        existing_filter["sub_activity_id__in"] = ids
    items = list(subs.values_list("pk", "schedule"))
    return _sync(plan, items, "sub_activity", existing_filter, plan.schedule_kind)


def sync_agent_periods(agent_plan: ChangeAgentPlan) -> dict:
    """The same for a change agent's plan: its actions are always monthly."""
    plan = agent_plan.plan
    items = list(
        ChangeAgentAction.objects.filter(agent_plan=agent_plan).values_list("pk", "schedule")
    )
    existing_filter = {"plan": plan, "agent_action__agent_plan": agent_plan}
    return _sync(plan, items, "agent_action", existing_filter, ActionPlan.Schedule.MONTH)
