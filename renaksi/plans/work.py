"""The "my work" page: what is a person's to report on, and what is due in a month."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone

from renaksi.access.policy import grants_for, sub_activities_assigned_to

from .lampiran import period_headers
from .models import ActionPlan, Indicator, SubActivity

_MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def parse_month(value: str | None, default: datetime.date) -> tuple[int, int]:
    """``"2022-03"`` → ``(2022, 3)``; anything else → the default's year and month."""
    match = _MONTH.match(value or "")
    if match:
        return int(match.group(1)), int(match.group(2))
    return default.year, default.month


@dataclass
class PlanWork:
    plan: ActionPlan
    due: list[SubActivity] = field(default_factory=list)
    not_due: list[SubActivity] = field(default_factory=list)


def my_work(user, year: int, month: int) -> list[PlanWork]:
    """The user's sub-activities in the plans of ``year``, split by whether due in ``month``.

    Three queries whatever the number of plans: the sub-activities with their tree, and their
    indicators (plus the grants, read once per request).
    """
    subs = (
        sub_activities_assigned_to(user)
        .filter(activity__area__plan__year=year)
        .select_related("activity__area__plan__unit")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
        .order_by(
            "activity__area__plan__unit__code",
            "activity__area__number",
            "activity__position",
            "position",
        )
    )
    by_plan: dict[int, PlanWork] = {}
    for sub in subs:
        plan = sub.activity.area.plan
        work = by_plan.setdefault(plan.pk, PlanWork(plan))
        due = sub.is_due_in_month(month, plan.schedule_kind)
        # The chips of the page: (label, due, the chosen month's period).
        current = (
            (month - 1) // 3 if plan.schedule_kind == ActionPlan.Schedule.QUARTER else month - 1
        )
        sub.period_chips = [
            (label, scheduled, index == current)
            for index, (label, scheduled) in enumerate(
                zip(period_headers(plan), sub.periods(plan.schedule_kind), strict=True)
            )
        ]
        (work.due if due else work.not_due).append(sub)
    return list(by_plan.values())


def years_with_work(user) -> list[int]:
    return sorted(
        set(
            sub_activities_assigned_to(user)
            .order_by()  # the model's ordering would join the DISTINCT (and every row)
            .values_list("activity__area__plan__year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def today_for(user) -> datetime.date:
    """Today in the time zone of the user's first unit (WIB, WITA or WIT), else Jakarta."""
    grants = grants_for(user)
    from renaksi.units.models import Unit

    unit_ids = sorted(grants.admin_units | grants.member_units | grants.read_units)
    zone = (
        Unit.objects.filter(pk__in=unit_ids[:1]).values_list("time_zone", flat=True).first()
        if unit_ids
        else None
    )
    return timezone.localdate(timezone=ZoneInfo(zone or "Asia/Jakarta"))
