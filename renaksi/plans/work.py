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

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Prefetch
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


@functools.lru_cache(maxsize=64)
def _periods_sql(vendor: str, mine_sql: str, unit_count: int) -> str:
    """The SQL of work_items' periods, written once per shape (the policy's "mine" subquery,
    the number of the person's units) instead of built by the ORM on every request: building
    and compiling that query (six joins, two dozen columns, the latest return) was most of
    the page's time. ``vendor`` keys the cache only (the SQL is PostgreSQL's and SQLite's).

    One row per period: the period (TaskPeriod's columns), its realisation (TaskRealisation's),
    its plan's schedule kind and unit, its tree or change-agent action, and the latest
    return's comment and reviewer (a subquery giving that review's id, then joined)."""
    from django.contrib.auth import get_user_model

    from renaksi.units.models import Unit
    from renaksi.work.models import (
        ChangeAgentAction,
        ChangeAgentPlan,
        Realisation,
        Review,
        SchedulePeriod,
    )

    from .models import Activity, PlanArea

    table = {
        model.__name__: connection.ops.quote_name(model._meta.db_table)
        for model in (
            SchedulePeriod,
            ActionPlan,
            Unit,
            SubActivity,
            Activity,
            PlanArea,
            ChangeAgentAction,
            ChangeAgentPlan,
            Realisation,
            Review,
            get_user_model(),
        )
    }
    units = ", ".join(["%s"] * unit_count)
    return f"""
SELECT p.id, p.plan_id, p.unit_id, p.year, p.sub_activity_id, p.agent_action_id, p.period,
       p.planned, p.due_on,
       r.id, r.state, r.status, r.late,
       pl.schedule_kind, u.name, u.code,
       s.number, s.name, ac.number, ar.number,
       aa.position, aa.title,
       rv.comment, ru.first_name, ru.last_name, ru.username
FROM {table["SchedulePeriod"]} p
INNER JOIN {table["ActionPlan"]} pl ON pl.id = p.plan_id
INNER JOIN {table["Unit"]} u ON u.id = pl.unit_id
LEFT OUTER JOIN {table["SubActivity"]} s ON s.id = p.sub_activity_id
LEFT OUTER JOIN {table["Activity"]} ac ON ac.id = s.activity_id
LEFT OUTER JOIN {table["PlanArea"]} ar ON ar.id = ac.area_id
LEFT OUTER JOIN {table["ChangeAgentAction"]} aa ON aa.id = p.agent_action_id
LEFT OUTER JOIN {table["ChangeAgentPlan"]} ap ON ap.id = aa.agent_plan_id
LEFT OUTER JOIN {table["Realisation"]} r ON r.period_id = p.id
LEFT OUTER JOIN {table["Review"]} rv ON rv.id = (
    SELECT v.id FROM {table["Review"]} v
    WHERE v.realisation_id = r.id AND v.verdict = %s
    ORDER BY v.created_at DESC, v.id DESC LIMIT 1
)
LEFT OUTER JOIN {table["User"]} ru ON ru.id = rv.reviewer_id
WHERE (p.sub_activity_id IN ({mine_sql}) OR ap.agent_id = %s)
  AND p.year = %s AND p.unit_id IN ({units})
  AND pl.unit_id IN ({units}) AND pl.year = %s
  AND ((p.period = %s AND pl.schedule_kind = %s) OR (p.period = %s AND pl.schedule_kind = %s)
       OR (p.due_on < %s AND p.planned = %s AND (r.id IS NULL OR r.state = %s))
       OR r.state IN (%s, %s))
ORDER BY p.due_on, u.code, ar.number, ac.position, s.position, aa.position, p.id
"""  # noqa: S608 (table names from the models; every value a placeholder)


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


@dataclass(frozen=True, slots=True)
class TaskRealisation:
    """What "Pekerjaan saya" reads of a period's realisation (its state, status, lateness)."""

    pk: int
    state: str
    status: str
    late: bool


@dataclass(frozen=True, slots=True)
class TaskPeriod:
    """What "Pekerjaan saya" reads of a schedule period: plain values, not a model instance
    (a person who reported nothing for months has dozens of periods, and making each one's
    period, realisation, plan, unit and tree rows as model objects was most of the page's
    time). ``period_state`` and ``realisation_of`` of renaksi/work/board.py read it as they
    read a SchedulePeriod loaded with its realisation."""

    pk: int
    plan_id: int
    unit_id: int
    year: int
    sub_activity_id: int | None
    agent_action_id: int | None
    period: int
    planned: bool
    due_on: datetime.date
    realisation: TaskRealisation | None


@dataclass(frozen=True, slots=True)
class TaskUnit:
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """A period's plan as the page shows it: one object per plan, shared by its periods."""

    pk: int
    year: int
    schedule_kind: str
    unit: TaskUnit


@dataclass
class WorkItem:
    """One schedule period on the page, with where it stands."""

    period: TaskPeriod
    realisation: TaskRealisation | None
    state: str
    state_label: str
    plan: TaskPlan
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
    )
    from renaksi.work.models import Realisation, Review

    grants = grants_for(user)
    lists = WorkLists(assessor=bool(grants.assessor) or grants.superuser)
    if not grants.active:
        return lists
    quarter = (month - 1) // 3 + 1
    # Only the units the person belongs to (a PIC reports only while they do; implementers and
    # change agents are team members): the (unit, year, period) index then narrows the periods
    # before the "mine" test, instead of a scan of every period of the year. pk 0 never exists:
    # the query runs for a person with no unit too, so the count is the same for everyone.
    own_units = sorted(grants.role_units | grants.member_units) or [0]
    # "Mine": the sub-activities the policy says the person reports on (its queryset compiled
    # to SQL here), or a change agent's own actions.
    try:
        mine_sql, mine_params = (
            sub_activities_assigned_to(user).values("pk").query.sql_with_params()
        )
    except EmptyResultSet:  # the policy's none()
        mine_sql, mine_params = "SELECT 0 WHERE 1 = 0", ()
    params = [
        Review.Verdict.RETURNED,
        *mine_params,
        user.pk,
        year,
        *own_units,
        *own_units,
        year,
        *(month, ActionPlan.Schedule.MONTH, quarter, ActionPlan.Schedule.QUARTER),
        *(today, True, Realisation.State.DRAFT),
        *(Realisation.State.SUBMITTED, Realisation.State.RETURNED),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_periods_sql(connection.vendor, mine_sql, len(own_units)), params)
        rows = cursor.fetchall()
    labels = {key: str(label) for key, label in STATE_LABELS.items()}
    names: dict[str, list[str]] = {}  # the period names of each schedule kind, read once
    plans: dict[int, TaskPlan] = {}
    for row in rows:
        (pk, plan_id, unit_id, period_year, sub_id, action_id, number_in_year) = row[:7]
        (planned, due_on, realisation_id, state_value, status, late_flag) = row[7:13]
        (schedule_kind, unit_name, unit_code, sub_number, sub_name) = row[13:18]
        (activity_number, area_number, action_position, action_title) = row[18:22]
        (comment, first_name, last_name, username) = row[22:]
        if not isinstance(due_on, datetime.date):  # SQLite gives dates as text
            due_on = datetime.date.fromisoformat(due_on)
        if action_id and not grants.is_change_agent(unit_id, period_year):
            continue  # a change agent reports on their own plan while they are one
        realisation = (
            TaskRealisation(realisation_id, state_value, status, bool(late_flag))
            if realisation_id is not None
            else None
        )
        period = TaskPeriod(
            pk,
            plan_id,
            unit_id,
            period_year,
            sub_id,
            action_id,
            number_in_year,
            bool(planned),
            due_on,
            realisation,
        )
        plan = plans.get(plan_id)
        if plan is None:
            plan = plans[plan_id] = TaskPlan(
                plan_id, period_year, schedule_kind, TaskUnit(unit_name, unit_code)
            )
        if action_id:
            number, name = str(action_position), action_title
        else:
            number, name = f"{area_number}.{activity_number}.{sub_number}", sub_name
        state = period_state(period, today)
        full_name = " ".join(part for part in (first_name, last_name) if part)
        item = WorkItem(
            period=period,
            realisation=realisation,
            state=state,
            state_label=labels[state],
            plan=plan,
            number=number,
            name=name,
            period_label=_period_label(plan, number_in_year, names),
            return_comment=comment or "",
            returned_by=full_name or username or "",
        )
        in_month = number_in_year == (
            quarter if schedule_kind == ActionPlan.Schedule.QUARTER else month
        )
        if state == RETURNED:
            lists.returned.append(item)
        elif state == WAITING:
            lists.waiting.append(item)
        elif state == LATE:
            lists.late.append(item)
        elif in_month and (realisation is None or realisation.state == Realisation.State.DRAFT):
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
