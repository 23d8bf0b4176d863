"""Permission-matrix rows for the year's work pages (renaksi/work/views_pages.py): the month
view of a plan, the verification queue and the history of a sub-activity."""

from django.urls import reverse

from renaksi.work.models import Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .matrix_common import ALL, BENGKAYANG, READ, Row
from .permission_world import UNIT_CODES, World


def submitted_everywhere(world: World) -> dict[str, Realisation]:
    """A submitted realisation in every unit (area 5, January), made once per world."""
    found = {}
    for code in UNIT_CODES:
        plan = world.plans[code]
        if not SchedulePeriod.objects.filter(plan=plan).exists():
            sync_plan_periods(plan)
        period = SchedulePeriod.objects.get(sub_activity=world.subs[(code, 5)], period=1)
        found[code], _ = Realisation.objects.get_or_create(
            period=period,
            defaults={
                "plan": plan,
                "unit_id": plan.unit_id,
                "year": plan.year,
                "sub_activity": period.sub_activity,
                "state": Realisation.State.SUBMITTED,
            },
        )
    return found


def queue_path(world: World, code: str) -> str:
    submitted_everywhere(world)
    return reverse("work:queue")


def queued(world: World, code: str) -> str:
    return f'data-realisation="{submitted_everywhere(world)[code].pk}"'


ROWS: dict[str, Row] = {
    "work:month": Row(
        path=lambda world, code: reverse(
            "work:month", kwargs={"plan": world.plans[code].pk, "month": 3}
        ),
        allowed=READ,
    ),
    # The assessors of the unit and year, and the superuser: no one else has a queue.
    "work:queue": Row(
        path=queue_path,
        allowed={"assessor": BENGKAYANG, "superuser": ALL},
        kind="list",
        marker=queued,
    ),
    "work:sub_activity_history": Row(
        path=lambda world, code: reverse(
            "work:sub_activity_history",
            kwargs={"plan": world.plans[code].pk, "sub": world.subs[(code, 5)].pk},
        ),
        allowed=READ,
    ),
}
