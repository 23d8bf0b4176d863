"""Keeping the plans' summaries (models.PlanSummary) true, and reading figures from them.

A summary holds, per period of the plan's schedule, the counts of its scheduled sub-activity
cells (``SchedulePeriod`` rows with ``planned=True`` and a sub-activity: the plan total of
renaksi/monitoring/figures.py; change agents' actions and work outside the plan are not part
of it), in the order of ``FIELDS``:

    scheduled   the cells
    reported    cells with a realisation
    done        status selesai
    verified    done and terverifikasi
    flagged     realisations flagged late (reported after the period's report deadline)
    not_done    status tidak terlaksana
    postponed   status ditunda
    in_progress status dalam proses
    not_started a realisation saying belum dimulai
    awaiting    waiting for verification (diajukan)
    evidenced   done cells with at least one current evidence item

Staleness: the triggers of summary_triggers.py log every plan whose periods, realisations or
evidence were written (``SummaryChange``). ``ensure_fresh(plans)`` recomputes the logged plans
among ``plans`` (and those without a summary) and removes exactly the log rows it read, so a
write that commits while it runs leaves its own row for the next reader. Fixed number of queries:
2 when nothing changed, 7 when something did (savepoints included), whatever the number of plans.
``refresh(plan_ids)`` recomputes plans unconditionally (the ``refresh_summaries`` command,
generate_national, the data migration).

Reading: ``totals(plan, rows, as_of)`` turns a summary into the plan's ``Totals`` to date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from renaksi.monitoring.figures import CELL_AGGREGATES, CellCounts, month_ended, percent
from renaksi.plans.models import ActionPlan
from renaksi.work.models import Evidence, Realisation, SchedulePeriod
from renaksi.work.periods import due_date, last_month

from .models import PlanSummary, SummaryChange

Status = Realisation.Status
State = Realisation.State

FIELDS = (
    "scheduled",
    "reported",
    "done",
    "verified",
    "flagged",
    "not_done",
    "postponed",
    "in_progress",
    "not_started",
    "awaiting",
    "evidenced",
)
# Plans per aggregate query when refreshing many (bound parameters stay few on SQLite).
CHUNK = 300

# The monitoring figures' counts of a cell, under the summary's names ("flagged": reported late).
_AGGREGATES = {
    {"late": "flagged", "awaiting_verification": "awaiting"}.get(name, name): aggregate
    for name, aggregate in CELL_AGGREGATES.items()
}


# -- computing ----------------------------------------------------------------------------------


def compute(plan_ids: Sequence[int]) -> dict[int, list[list[int]]]:
    """The summary rows of ``plan_ids`` from the work tables (two queries)."""
    result: dict[int, dict[int, list[int]]] = {pk: {} for pk in plan_ids}
    if not plan_ids:
        return {}
    cells = (
        SchedulePeriod.objects.filter(
            plan_id__in=plan_ids, sub_activity__isnull=False, planned=True
        )
        .values("plan_id", "period")
        .annotate(**_AGGREGATES)
        .order_by()
    )
    for row in cells:
        counts = [row[name] for name in FIELDS[:-1]] + [0]
        result[row["plan_id"]][row["period"]] = counts
    evidenced = (
        Evidence.objects.filter(
            plan_id__in=plan_ids,
            is_current=True,
            realisation__status=Status.DONE,
            realisation__sub_activity__isnull=False,
            realisation__period__planned=True,
        )
        .values("plan_id", "realisation__period__period")
        .annotate(n=Count("realisation", distinct=True))
        .order_by()
    )
    for row in evidenced:
        periods = result[row["plan_id"]]
        period = row["realisation__period__period"]
        if period in periods:
            periods[period][-1] = row["n"]
    return {
        pk: [[period, *counts] for period, counts in sorted(periods.items())]
        for pk, periods in result.items()
    }


def _store(rows: dict[int, list[list[int]]]) -> None:
    now = timezone.now()
    PlanSummary.objects.bulk_create(
        [PlanSummary(plan_id=pk, periods=periods, computed_at=now) for pk, periods in rows.items()],
        update_conflicts=True,
        unique_fields=["plan"],
        update_fields=["periods", "computed_at"],
    )


def refresh(plan_ids: Iterable[int]) -> int:
    """Recompute the summaries of ``plan_ids`` (every one, logged or not); returns how many."""
    ids = sorted({int(pk) for pk in plan_ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            changes = list(
                SummaryChange.objects.filter(plan_id__in=chunk).values_list("pk", flat=True)
            )
            existing = set(ActionPlan.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            _store(compute(sorted(existing)))
            if changes:
                SummaryChange.objects.filter(pk__in=changes).delete()
    return len(ids)


def ensure_fresh(plans: QuerySet) -> int:
    """Bring the summaries of ``plans`` (an ActionPlan queryset) up to date: recompute the
    plans with a logged change and those without a summary. Returns how many were
    recomputed."""
    plans = plans.order_by()  # no join for the plans' default ordering
    plan_ids = plans.values("pk")
    changes = list(SummaryChange.objects.filter(plan_id__in=plan_ids).values_list("pk", "plan_id"))
    missing = list(plans.filter(summary__isnull=True).values_list("pk", flat=True))
    stale = sorted({plan_id for _pk, plan_id in changes} | set(missing))
    if not stale:
        return 0
    with transaction.atomic():
        _store(compute(stale))
        SummaryChange.objects.filter(pk__in=[pk for pk, _plan in changes]).delete()
    return len(stale)


def discard_orphans() -> int:
    """Remove log rows of plans that no longer exist (the ``refresh_summaries`` command)."""
    deleted, _ = SummaryChange.objects.exclude(plan_id__in=ActionPlan.objects.values("pk")).delete()
    return deleted


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """A plan's (or a group's) scheduled cells to date, from summaries."""

    counts: CellCounts  # done_due, due … as renaksi/monitoring/figures.py defines them
    late: int  # cells whose report deadline has passed with nothing done (CellState.LATE)
    evidenced: int  # done cells with current evidence
    verified_due: int  # verified cells among the due ones

    @property
    def achievement(self) -> Decimal | None:
        """Done ÷ due cells to date (None while nothing is due)."""
        return self.counts.achievement

    @property
    def verified_share(self) -> Decimal | None:
        """Verified ÷ due cells to date (None while nothing is due)."""
        return percent(self.verified_due, self.counts.due)

    @property
    def evidence_share(self) -> Decimal | None:
        """Done cells with current evidence ÷ done cells (None while nothing is done)."""
        return percent(self.evidenced, self.counts.done)


def add_periods(plan: ActionPlan, periods: list[list[int]], as_of: datetime.date) -> dict:
    """The plain sums of one plan's summary rows on ``as_of``: every count over the year, and
    ``due`` / ``done_due`` / ``verified_due`` over the periods already over, ``missing`` and
    ``overdue`` (nothing reported), ``late`` (nothing done, deadline passed: CellState.LATE)."""
    sums = dict.fromkeys(
        (*FIELDS, "due", "done_due", "verified_due", "missing", "overdue", "late"), 0
    )
    if not periods:
        return sums
    # Column sums first (one pass in C), then the day-dependent parts period by period.
    for name, column in zip(FIELDS, list(zip(*periods, strict=True))[1:], strict=True):
        sums[name] = sum(column)
    over, passed = _flags(plan.year, plan.schedule_kind, plan.report_due_day, as_of)
    due = done_due = verified_due = missing = overdue = late = 0
    for row in periods:
        period = row[0]
        if over[period]:
            due += row[1]
            done_due += row[3]
            verified_due += row[4]
            missing += row[1] - row[2]
        if passed[period]:
            overdue += row[1] - row[2]
            late += row[1] - row[3] - row[6] - row[7]  # not done [6], postponed [7]
    sums.update(
        due=due,
        done_due=done_due,
        verified_due=verified_due,
        missing=missing,
        overdue=overdue,
        late=late,
    )
    return sums


@lru_cache(maxsize=512)
def _flags(year: int, kind: str, due_day: int, as_of: datetime.date):
    """For periods 0–12 (0 unused): is the period over on ``as_of``, has its report deadline
    passed (the same for every plan of a year, schedule kind and report day)."""
    over = [False] * 13
    passed = [False] * 13
    for period in range(1, 13):
        if period > 4 and kind == ActionPlan.Schedule.QUARTER:
            break
        over[period] = month_ended(year, last_month(period, kind), as_of)
        passed[period] = as_of > due_date(year, period, kind, due_day)
    return over, passed


def totals_of(sums: dict) -> Totals:
    counts = CellCounts(
        scheduled=sums["scheduled"],
        due=sums["due"],
        reported=sums["reported"],
        done=sums["done"],
        done_due=sums["done_due"],
        verified=sums["verified"],
        late=sums["flagged"],
        not_done=sums["not_done"],
        postponed=sums["postponed"],
        in_progress=sums["in_progress"],
        not_started=sums["not_started"],
        awaiting_verification=sums["awaiting"],
        missing=sums["missing"],
        overdue=sums["overdue"],
    )
    return Totals(
        counts=counts,
        late=sums["late"],
        evidenced=sums["evidenced"],
        verified_due=sums["verified_due"],
    )


def merge(sums: Iterable[dict]) -> dict:
    """The sums of several plans (a province's units, the country)."""
    total: dict[str, int] = defaultdict(int)
    for item in sums:
        for name, value in item.items():
            total[name] += value
    return dict(total)
