"""The schedule as rows: one ``SchedulePeriod`` per scheduled cell of the plan.

Every writer of a plan's tree (the importer, the editor, creation and copy, generate_national)
calls ``sync_plan_periods`` inside its own transaction after it wrote the schedule masks, so the
rows always say what the masks say:

* a scheduled cell without a row gets one (``planned=True``);
* a row whose cell is no longer scheduled is deleted, unless work was recorded on it: then it
  stays, ``planned=False`` (work outside the plan), and nothing recorded is lost; ticking the
  cell again makes it ``planned=True`` once more;
* ``due_on`` follows the plan's year, schedule kind and ``report_due_day``.

A fixed number of queries whatever the plan's size (at most six: read, delete, unplan, plan,
redate, insert; fewer when there is nothing to do). ``sync_plans_periods`` does the same for
many plans at once (the ``sync_periods`` command); ``new_periods`` builds the rows of freshly
written sub-activities without reading anything (creation, generate_national).
See docs/schedule-periods.md.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import CASCADE, Case, Exists, F, OuterRef, Q, When

from renaksi.plans.models import ActionPlan, SubActivity

from .models import ChangeAgentAction, ChangeAgentPlan, Realisation, SchedulePeriod

MONTHS = 12
QUARTERS = 4
# Rows per INSERT (8 columns: far below SQLite's and PostgreSQL's bound-parameter limits).
BATCH_SIZE = 2000
COUNT_NAMES = ("created", "unplanned", "planned", "redated", "deleted")


def period_count(schedule_kind: str) -> int:
    return QUARTERS if schedule_kind == ActionPlan.Schedule.QUARTER else MONTHS


def last_month(period: int, schedule_kind: str) -> int:
    """The last month (1–12) of ``period``: the month itself, or the quarter's third month."""
    return period * 3 if schedule_kind == ActionPlan.Schedule.QUARTER else period


def period_of_month(month: int, schedule_kind: str) -> int:
    """The period that holds ``month``: the month itself, or its quarter."""
    return (month - 1) // 3 + 1 if schedule_kind == ActionPlan.Schedule.QUARTER else month


def due_date(year: int, period: int, schedule_kind: str, due_day: int) -> datetime.date:
    """The last on-time day for reporting ``period``: ``due_day`` of the following month
    (December's, and the fourth quarter's, is in January of the next year)."""
    month = last_month(period, schedule_kind)
    if month == MONTHS:
        return datetime.date(year + 1, 1, due_day)
    return datetime.date(year, month + 1, due_day)


def mask_periods(mask: int, count: int) -> list[int]:
    return [index + 1 for index in range(count) if mask & (1 << index)]


def new_periods(
    plan: ActionPlan, sub_activity_id: int, mask: int, kind: str | None = None
) -> list[SchedulePeriod]:
    """The unsaved rows of a sub-activity that has none yet (no query): for writers that
    have just inserted the sub-activity (copy, template, generate_national)."""
    kind = kind or plan.schedule_kind
    return [
        SchedulePeriod(
            plan_id=plan.pk,
            unit_id=plan.unit_id,
            year=plan.year,
            sub_activity_id=sub_activity_id,
            period=period,
            planned=True,
            due_on=due_date(plan.year, period, kind, plan.report_due_day),
        )
        for period in mask_periods(mask, period_count(kind))
    ]


def _due_case(plans: Sequence[ActionPlan], kind_of) -> Case:
    """``due_on`` as it should be, for every period of ``plans`` (one CASE expression)."""
    whens = []
    for plan in plans:
        kind = kind_of(plan)
        for period in range(1, period_count(kind) + 1):
            due = due_date(plan.year, period, kind, plan.report_due_day)
            if len(plans) == 1:
                whens.append(When(period=period, then=due))
            else:
                whens.append(When(plan_id=plan.pk, period=period, then=due))
    return Case(*whens, default=F("due_on"))


def _sync(
    plans: Sequence[ActionPlan],
    items: Iterable[tuple[int, int, int]],
    field: str,
    scope: Q,
    kind_of,
    per_plan: dict[int, dict[str, int]] | None = None,
) -> dict[str, int]:
    """Make the periods of ``items`` ((plan id, item id, mask) triples; ``field`` =
    sub_activity or agent_action) match their masks. ``scope``: the existing rows concerned.
    Returns the counts of rows created, unplanned (kept for their work), planned again,
    re-dated and deleted; ``per_plan`` (if given) receives them by plan id, for the plans
    whose rows changed."""
    tally = per_plan if per_plan is not None else {}

    def tick(plan_id: int, what: str) -> None:
        counts = tally.setdefault(plan_id, dict.fromkeys(COUNT_NAMES, 0))
        counts[what] += 1

    by_pk = {plan.pk: plan for plan in plans}
    wanted: dict[tuple[int, int], int] = {}
    for plan_id, item_id, mask in items:
        count = period_count(kind_of(by_pk[plan_id]))
        for period in mask_periods(mask, count):
            wanted[(item_id, period)] = plan_id
    existing = (
        SchedulePeriod.objects.filter(scope)
        .annotate(has_work=Exists(Realisation.objects.filter(period=OuterRef("pk"))))
        .values_list("pk", "plan_id", f"{field}_id", "period", "planned", "due_on", "has_work")
    )
    have: set[tuple[int, int]] = set()
    to_delete, to_unplan, to_plan = [], [], []
    redated = 0
    for pk, plan_id, item_id, period, planned, due_on, has_work in existing:
        key = (item_id, period)
        have.add(key)
        plan = by_pk[plan_id]
        kind = kind_of(plan)
        if key in wanted:
            if not planned:
                to_plan.append(pk)
                tick(plan_id, "planned")
        elif has_work:
            if planned:
                to_unplan.append(pk)
                tick(plan_id, "unplanned")
        else:
            to_delete.append(pk)
            tick(plan_id, "deleted")
            continue
        if period <= period_count(kind) and due_on != due_date(
            plan.year, period, kind, plan.report_due_day
        ):
            redated += 1
            tick(plan_id, "redated")
    create = []
    for (item_id, period), plan_id in sorted(wanted.items()):
        if (item_id, period) in have:
            continue
        plan = by_pk[plan_id]
        tick(plan_id, "created")
        create.append(
            SchedulePeriod(
                plan_id=plan.pk,
                unit_id=plan.unit_id,
                year=plan.year,
                period=period,
                planned=True,
                due_on=due_date(plan.year, period, kind_of(plan), plan.report_due_day),
                **{f"{field}_id": item_id},
            )
        )
    if to_delete:
        _delete_periods(to_delete)
    if to_unplan:
        SchedulePeriod.objects.filter(pk__in=to_unplan).update(planned=False)
    if to_plan:
        SchedulePeriod.objects.filter(pk__in=to_plan).update(planned=True)
    if redated:
        SchedulePeriod.objects.filter(scope).update(due_on=_due_case(plans, kind_of))
    if create:
        SchedulePeriod.objects.bulk_create(create, batch_size=BATCH_SIZE)
    return {
        "created": len(create),
        "unplanned": len(to_unplan),
        "planned": len(to_plan),
        "redated": redated,
        "deleted": len(to_delete),
    }


def _delete_periods(pks: list[int]) -> None:
    """Delete periods without work in a fixed number of statements (the ORM's delete
    collects and deletes in chunks of 100 rows): first the rows that follow a period
    (CASCADE, e.g. reminders sent), then the periods, never one a realisation holds."""
    for rel in SchedulePeriod._meta.related_objects:
        if rel.on_delete is CASCADE:
            rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": pks}).delete()
    SchedulePeriod.objects.filter(pk__in=pks, realisation__isnull=True)._raw_delete(
        SchedulePeriod.objects.db
    )


def _plan_kind(plan: ActionPlan) -> str:
    return plan.schedule_kind


def _monthly(plan: ActionPlan) -> str:
    return ActionPlan.Schedule.MONTH


def sync_plan_periods(plan: ActionPlan, sub_activity_ids: Iterable[int] | None = None) -> dict:
    """Make the plan's sub-activity periods match the schedule masks (all, or only those of
    ``sub_activity_ids``). Call it inside the writer's transaction, after the tree is saved,
    with ``plan`` as saved (its year, ``schedule_kind`` and ``report_due_day``). Periods of
    deleted sub-activities go with them (CASCADE), unless work protects them."""
    subs = SubActivity.objects.filter(activity__area__plan=plan)
    scope = Q(plan=plan, sub_activity__isnull=False)
    if sub_activity_ids is not None:
        ids = list(sub_activity_ids)
        if not ids:
            return dict.fromkeys(COUNT_NAMES, 0)
        subs = subs.filter(pk__in=ids)
        scope &= Q(sub_activity_id__in=ids)
    items = [(plan.pk, pk, mask) for pk, mask in subs.values_list("pk", "schedule")]
    return _sync([plan], items, "sub_activity", scope, _plan_kind)


def sync_plans_periods(
    plans: Sequence[ActionPlan], per_plan: dict[int, dict[str, int]] | None = None
) -> dict:
    """``sync_plan_periods`` for every plan of ``plans`` at once, change agents' actions
    included (a fixed number of queries per call, whatever the number of plans): the
    ``sync_periods`` command's step. ``per_plan`` receives the counts by plan id."""
    plans = list(plans)
    per_plan = per_plan if per_plan is not None else {}
    if not plans:
        return dict.fromkeys(COUNT_NAMES, 0)
    ids = [plan.pk for plan in plans]
    items = SubActivity.objects.filter(activity__area__plan_id__in=ids).values_list(
        "activity__area__plan_id", "pk", "schedule"
    )
    counts = _sync(
        plans,
        list(items),
        "sub_activity",
        Q(plan_id__in=ids, sub_activity__isnull=False),
        _plan_kind,
        per_plan,
    )
    agent_items = ChangeAgentAction.objects.filter(agent_plan__plan_id__in=ids).values_list(
        "agent_plan__plan_id", "pk", "schedule"
    )
    agent_counts = _sync(
        plans,
        list(agent_items),
        "agent_action",
        Q(plan_id__in=ids, agent_action__isnull=False),
        _monthly,
        per_plan,
    )
    return {name: counts[name] + agent_counts[name] for name in counts}


def sync_agent_periods(agent_plan: ChangeAgentPlan) -> dict:
    """The same for a change agent's plan: its actions are always monthly."""
    plan = agent_plan.plan
    items = [
        (plan.pk, pk, mask)
        for pk, mask in ChangeAgentAction.objects.filter(agent_plan=agent_plan).values_list(
            "pk", "schedule"
        )
    ]
    scope = Q(plan=plan, agent_action__agent_plan=agent_plan)
    return _sync([plan], items, "agent_action", scope, _monthly)


def periods_as_masks(plan: ActionPlan, *, planned_only: bool = True) -> dict[int, int]:
    """The plan's sub-activity periods read back as masks, {sub-activity id: mask} (tests,
    checks): equal to the schedules when the rows are true."""
    masks: dict[int, int] = defaultdict(int)
    rows = SchedulePeriod.objects.filter(plan=plan, sub_activity__isnull=False)
    if planned_only:
        rows = rows.filter(planned=True)
    for sub_id, period in rows.values_list("sub_activity_id", "period"):
        masks[sub_id] |= 1 << (period - 1)
    return dict(masks)
