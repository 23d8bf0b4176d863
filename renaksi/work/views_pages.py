"""The year's work, read side: the month view of a plan, the assessor's verification queue,
and the history of a sub-activity ("Pekerjaan saya" is plans:my_work, renaksi/plans/work.py).

Every page loads its objects through the access layer (renaksi/access/policy.py) and costs
the same number of queries whatever the number of plans, periods and entries.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from renaksi.access.policy import (
    VIEW_PLAN,
    get_plan_for_user,
    grants_for,
    realisations_to_verify,
)
from renaksi.audit.history import history_rows
from renaksi.audit.models import LogEntry
from renaksi.plans.lampiran import period_names
from renaksi.plans.models import ActionPlan, Indicator, SubActivity

from .board import default_month, month_board, person_label, today_in
from .models import Evidence, Realisation, Review, SchedulePeriod

QUEUE_PER_PAGE = 50
HISTORY_PER_PAGE = 50
MONTHS = range(1, 13)


def _month_links() -> list[tuple[int, str]]:
    names = period_names(ActionPlan.Schedule.MONTH)
    return [(month, names[month - 1]) for month in MONTHS]


@login_required
def month_view(request: HttpRequest, plan: int, month: int | None = None) -> HttpResponse:
    """Every period of one month of a plan, per area, with its state and who it waits on."""
    if month is not None and month not in MONTHS:
        raise Http404
    action_plan = get_plan_for_user(request.user, plan, perm=VIEW_PLAN)
    today = today_in(action_plan.unit.time_zone)
    if month is None:
        month = default_month(action_plan, today)
    board = month_board(action_plan, month, today)
    grants = grants_for(request.user)
    return render(
        request,
        "work/month.html",
        {
            "plan": action_plan,
            "board": board,
            "month": month,
            "month_name": period_names(ActionPlan.Schedule.MONTH)[month - 1],
            "period_name": period_names(action_plan.schedule_kind)[board.period - 1],
            "quarterly": action_plan.schedule_kind == ActionPlan.Schedule.QUARTER,
            "months": _month_links(),
            "previous_month": month - 1 if month > 1 else None,
            "next_month": month + 1 if month < 12 else None,
            "current_month": default_month(action_plan, today),
            "today": today,
            # The Tim Pengarah (and the unit's administrator) open the waits-on table.
            "open_waiting": grants.superuser
            or grants.is_steering(action_plan.unit_id, action_plan.year)
            or grants.can_manage_unit(action_plan.unit_id),
        },
    )


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    """Every submitted realisation the user may verify, oldest first, across units and years."""
    queue = (
        realisations_to_verify(request.user)
        .select_related(
            "plan__unit",
            "period",
            "submitted_by",
            "sub_activity__activity__area",
            "agent_action__agent_plan__agent",
        )
        .order_by("submitted_at", "id")
    )
    page = Paginator(queue, QUEUE_PER_PAGE).get_page(request.GET.get("halaman"))
    for realisation in page.object_list:
        plan = realisation.plan
        realisation.submitter = (
            person_label(realisation.submitted_by) if realisation.submitted_by_id else ""
        )
        realisation.agent_name = (
            person_label(realisation.agent_action.agent_plan.agent)
            if realisation.agent_action_id
            else ""
        )
        realisation.period_label = (
            f"{period_names(plan.schedule_kind)[realisation.period.period - 1]} {plan.year}"
        )
    return render(request, "work/queue.html", {"page": page, "queue": page.object_list})


def _ids(queryset) -> Cast:
    """A subquery of the rows' ids as text (LogEntry.object_id is text)."""
    return queryset.annotate(text_id=Cast("pk", CharField())).values("text_id")


def sub_activity_entries(plan: ActionPlan, sub: SubActivity):
    """The audit entries of the plan about the sub-activity, its indicators, its periods,
    their realisations, evidence and reviews: one query (the content types are cached)."""
    types = ContentType.objects.get_for_models(
        SubActivity, Indicator, SchedulePeriod, Realisation, Evidence, Review
    )
    condition = Q(object_type=types[SubActivity], object_id=str(sub.pk))
    condition |= Q(
        object_type=types[Indicator], object_id__in=_ids(Indicator.objects.filter(sub_activity=sub))
    )
    condition |= Q(
        object_type=types[SchedulePeriod],
        object_id__in=_ids(SchedulePeriod.objects.filter(sub_activity=sub)),
    )
    condition |= Q(
        object_type=types[Realisation],
        object_id__in=_ids(Realisation.objects.filter(sub_activity=sub)),
    )
    condition |= Q(
        object_type=types[Evidence],
        object_id__in=_ids(Evidence.objects.filter(realisation__sub_activity=sub)),
    )
    condition |= Q(
        object_type=types[Review],
        object_id__in=_ids(Review.objects.filter(realisation__sub_activity=sub)),
    )
    return LogEntry.objects.filter(condition, plan=plan)


@login_required
def sub_activity_history_view(request: HttpRequest, plan: int, sub: int) -> HttpResponse:
    """Every audit entry about one sub-activity and its work, newest first."""
    action_plan = get_plan_for_user(request.user, plan, perm=VIEW_PLAN)
    try:
        sub_activity = SubActivity.objects.select_related("activity__area").get(
            pk=sub, activity__area__plan=action_plan
        )
    except SubActivity.DoesNotExist as exc:
        raise Http404 from exc
    entries = sub_activity_entries(action_plan, sub_activity)
    page = Paginator(
        entries.select_related("actor", "object_type").order_by("-created_at", "-id"),
        HISTORY_PER_PAGE,
    ).get_page(request.GET.get("halaman"))
    rows = history_rows(
        page.object_list,
        time_zone=action_plan.unit.time_zone,
        zone_label=action_plan.unit.zone_abbreviation,
        schedule_kind=action_plan.schedule_kind,
        subject=sub_activity,
    )
    today = today_in(action_plan.unit.time_zone)
    return render(
        request,
        "work/sub_history.html",
        {
            "plan": action_plan,
            "sub": sub_activity,
            "page": page,
            "rows": rows,
            "current_month": default_month(action_plan, today),
        },
    )
