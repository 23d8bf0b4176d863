"""The "my work" page: what is a person's to report on, and what is due in a month.

``my_work`` lists the person's sub-activities per plan (the year's tasks, split by whether
they are scheduled in the chosen month). ``work_items`` reads their schedule periods as the
page's lists: due in the chosen month, late (past the reporting day with nothing submitted),
returned by an assessor (with the comment), waiting for verification, and for an assessor
what waits on them. A fixed number of queries whatever the number of plans and periods.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from html import escape  # the standard library's: Django's escape() costs more per call
from zoneinfo import ZoneInfo

from django.db.models import JSONField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from renaksi.access.policy import grants_for, realisations_to_verify, sub_activities_assigned_to

from .lampiran import MONTH_ABBREVIATIONS, QUARTER_ABBREVIATIONS, period_names
from .models import ActionPlan, Indicator, SubActivity

# The decree's long texts and lists, which the lists of plans and periods never show.
PLAN_TEXTS = (
    "decree_title",
    "decree_subject",
    "considerations",
    "legal_bases",
    "notes_considered",
    "dictums",
    "return_note",
    "signer_title",
    "certifier_title",
    "budget_reference",
)

# What work_items reads of a period's related rows: the tree and the plan as the page shows
# them (the period and its realisation are read whole, see work_items).
WORK_ITEM_FIELDS = (
    *("id", "plan", "unit", "year", "sub_activity", "agent_action", "period", "planned"),
    "due_on",
    "plan__id",
    "plan__unit",
    "plan__year",
    "plan__schedule_kind",
    "plan__unit__id",
    "plan__unit__name",
    "plan__unit__code",
    "plan__unit__time_zone",
    "sub_activity__id",
    "sub_activity__activity",
    "sub_activity__number",
    "sub_activity__name",
    "sub_activity__position",
    "sub_activity__activity__id",
    "sub_activity__activity__area",
    "sub_activity__activity__number",
    "sub_activity__activity__position",
    "sub_activity__activity__area__id",
    "sub_activity__activity__area__number",
    "agent_action__id",
    "agent_action__agent_plan",
    "agent_action__position",
    "agent_action__title",
    "agent_action__agent_plan__id",
    "agent_action__agent_plan__agent",
)

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
        .defer(*(f"activity__area__plan__{name}" for name in PLAN_TEXTS))
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
        .order_by(
            "activity__area__plan__unit__code",
            "activity__area__number",
            "activity__position",
            "position",
        )
    )
    by_plan: dict[int, PlanWork] = {}
    area_label = escape(gettext("Area"))
    for sub in subs:
        plan = sub.activity.area.plan
        work = by_plan.setdefault(plan.pk, PlanWork(plan))
        due = sub.is_due_in_month(month, plan.schedule_kind)
        # The chips of the page: (label, due, the chosen month's period).
        current = (
            (month - 1) // 3 if plan.schedule_kind == ActionPlan.Schedule.QUARTER else month - 1
        )
        sub.period_chips = period_chips(
            get_language() or "", plan.schedule_kind, sub.periods(plan.schedule_kind), current
        )
        sub.html = sub_activity_html(sub, area_label)
        (work.due if due else work.not_due).append(sub)
    return list(by_plan.values())


def sub_activity_html(sub: SubActivity, area_label: str) -> SafeString:
    """A task of the year on "Pekerjaan saya" as one string (a coordinator has dozens: the
    template partial's tags were a good part of the page's time). ``area_label``: "Area",
    translated and escaped once per page; every value escaped into the entry."""
    activity = sub.activity
    area_number = activity.area.number
    indicators = "".join(f"<li>{escape(indicator.text)}</li>" for indicator in sub.indicators.all())
    if indicators:
        indicators = f'<ul class="work-item__indicators">{indicators}</ul>'
    return mark_safe(  # noqa: S308 (every value escaped into the entry)
        f'<li class="work-item"><p class="work-item__title"><span class="work-item__number">'
        f"{area_number:d}.{activity.number:d}.{sub.number:d}</span> {escape(sub.name)}</p>"
        f'<p class="muted small">{area_label} {area_number:d} · {escape(activity.name)}</p>'
        f'<p class="work-item__months">{sub.period_chips}</p>{indicators}</li>'
    )


@functools.lru_cache(maxsize=1024)
def period_chips(
    language: str, schedule_kind: str, periods: tuple[bool, ...], current: int
) -> SafeString:
    """A sub-activity's chips, one per month or quarter (the chosen month's marked), built
    once per language and pattern: the template's loop over 12 chips a row was most of the
    page's rendering."""
    labels = QUARTER_ABBREVIATIONS if schedule_kind == ActionPlan.Schedule.QUARTER else None
    chips = []
    for index, (label, due) in enumerate(zip(labels or MONTH_ABBREVIATIONS, periods, strict=True)):
        classes = "month-chip" + (" is-due" if due else "") + (" is-current" * (index == current))
        chips.append(format_html('<span class="{}">{}</span>', classes, str(label)))
    return mark_safe("".join(chips))  # noqa: S308 (each chip built by format_html)


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


def opening_month(today: datetime.date, years: list[int]) -> tuple[int, int]:
    """Where the page opens without ``?bulan``: this month if the person has work this year;
    else December of their latest past year, or January of their first future one."""
    if not years or today.year in years:
        return today.year, today.month
    past = [year for year in years if year < today.year]
    if past:
        return max(past), 12
    return min(years), 1


@dataclass
class WorkItem:
    """One schedule period on the page, with where it stands."""

    period: object  # SchedulePeriod
    realisation: object | None
    state: str
    state_label: str
    plan: ActionPlan
    number: str
    name: str
    period_label: str
    return_comment: str = ""
    returned_by: str = ""
    html: str = ""  # the page's entry, set by the view (plans/views.py, attach_task_html)


@dataclass
class WorkLists:
    due: list[WorkItem] = field(default_factory=list)
    late: list[WorkItem] = field(default_factory=list)
    returned: list[WorkItem] = field(default_factory=list)
    waiting: list[WorkItem] = field(default_factory=list)
    to_verify: list = field(default_factory=list)  # Realisations, oldest first
    to_verify_count: int = 0
    assessor: bool = False

    @property
    def all_items(self) -> list[WorkItem]:
        return self.late + self.returned + self.due + self.waiting


TO_VERIFY_SHOWN = 10


def _period_label(plan: ActionPlan, period: int, names: dict | None = None) -> str:
    """``"Maret 2022"``; ``names``: the period names by schedule kind, when read once for a
    list (each lookup translates twelve month names)."""
    if names is None:
        names = {}
    if plan.schedule_kind not in names:
        names[plan.schedule_kind] = period_names(plan.schedule_kind)
    return f"{names[plan.schedule_kind][period - 1]} {plan.year}"


def work_items(user, year: int, month: int, today: datetime.date) -> WorkLists:
    """The person's periods of ``year`` that need them: one query (two more for an assessor:
    the oldest submitted realisations they may verify, and how many there are), whatever the
    number of plans, periods and realisations."""
    from renaksi.work.board import (
        LATE,
        RETURNED,
        STATE_LABELS,
        WAITING,
        period_state,
        realisation_of,
    )
    from renaksi.work.models import Realisation, Review, SchedulePeriod

    grants = grants_for(user)
    lists = WorkLists(assessor=bool(grants.assessor) or grants.superuser)
    if not grants.active:
        return lists
    quarter = (month - 1) // 3 + 1
    this_month = Q(plan__schedule_kind=ActionPlan.Schedule.MONTH, period=month) | Q(
        plan__schedule_kind=ActionPlan.Schedule.QUARTER, period=quarter
    )
    unsubmitted = Q(realisation__isnull=True) | Q(realisation__state=Realisation.State.DRAFT)
    late = Q(planned=True, due_on__lt=today) & unsubmitted
    under_review = Q(
        realisation__state__in=[Realisation.State.SUBMITTED, Realisation.State.RETURNED]
    )
    mine = Q(sub_activity__in=sub_activities_assigned_to(user).values("pk")) | Q(
        agent_action__agent_plan__agent=user
    )
    # The latest return of each period, as one subquery giving the comment and the reviewer's
    # names together (four subqueries, one per value, were most of the time Django spent
    # compiling this query).
    last_return = (
        Review.objects.filter(realisation__period=OuterRef("pk"), verdict=Review.Verdict.RETURNED)
        .order_by("-created_at", "-id")
        .values(
            data=JSONObject(
                comment="comment",
                first="reviewer__first_name",
                last="reviewer__last_name",
                username="reviewer__username",
            )
        )[:1]
    )
    # Only the units the person belongs to (a PIC reports only while they do; implementers and
    # change agents are team members): the (unit, year, period) index then narrows the periods
    # before the "mine" test, instead of a scan of every period of the year. pk 0 never exists:
    # the query runs for a person with no unit too, so the count is the same for everyone.
    # The same condition on the plan (a period's unit and year are its plan's: the triggers of
    # renaksi/work/triggers.py keep them so) lets the planner read those units' plans by index
    # instead of hashing every plan of the country.
    own_units = sorted(grants.role_units | grants.member_units) or [0]
    periods = (
        SchedulePeriod.objects.filter(
            mine,
            year=year,
            unit_id__in=own_units,
            plan__unit_id__in=own_units,
            plan__year=year,
        )
        .filter(this_month | late | under_review)
        .select_related(
            "plan__unit",
            "realisation",
            "sub_activity__activity__area",
            "agent_action__agent_plan",
        )
        # Only the columns the page shows of the related rows (dozens of periods, each with
        # six related objects: the other columns were most of the time spent making them).
        .only(
            *WORK_ITEM_FIELDS,
            *(f"realisation__{field.attname}" for field in Realisation._meta.concrete_fields),
        )
        .annotate(last_return=Subquery(last_return, output_field=JSONField()))
        .order_by(
            "due_on",
            "plan__unit__code",
            "sub_activity__activity__area__number",
            "sub_activity__activity__position",
            "sub_activity__position",
            "agent_action__position",
            "id",
        )
    )
    labels = {key: str(label) for key, label in STATE_LABELS.items()}
    names: dict[str, list[str]] = {}  # the period names of each schedule kind, read once
    for period in periods:
        if period.agent_action_id:
            # A change agent reports on their own plan while they are one.
            if not grants.is_change_agent(period.unit_id, period.year):
                continue
            number, name = str(period.agent_action.position), period.agent_action.title
        else:
            sub = period.sub_activity
            activity = sub.activity
            number = f"{activity.area.number}.{activity.number}.{sub.number}"
            name = sub.name
        state = period_state(period, today)
        returned = period.last_return or {}
        full_name = " ".join(part for part in (returned.get("first"), returned.get("last")) if part)
        item = WorkItem(
            period=period,
            realisation=realisation_of(period),
            state=state,
            state_label=labels[state],
            plan=period.plan,
            number=number,
            name=name,
            period_label=_period_label(period.plan, period.period, names),
            return_comment=returned.get("comment") or "",
            returned_by=full_name or returned.get("username") or "",
        )
        in_month = period.period == (
            quarter if period.plan.schedule_kind == ActionPlan.Schedule.QUARTER else month
        )
        if state == RETURNED:
            lists.returned.append(item)
        elif state == WAITING:
            lists.waiting.append(item)
        elif state == LATE:
            lists.late.append(item)
        elif in_month and (
            item.realisation is None or item.realisation.state == Realisation.State.DRAFT
        ):
            lists.due.append(item)
    if lists.assessor:
        queue = (
            realisations_to_verify(user)
            .filter(year=year)
            .select_related("plan__unit", "sub_activity__activity__area", "agent_action", "period")
            .order_by("submitted_at", "id")
        )
        lists.to_verify = list(queue[:TO_VERIFY_SHOWN])
        lists.to_verify_count = queue.order_by().count()
    return lists
