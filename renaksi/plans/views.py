import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from renaksi.access.policy import (
    CHANGE_PLAN,
    VIEW_UNIT,
    get_plan_for_user,
    plans_visible_to,
)
from renaksi.core.decorators import post_only

from .counts import attach_tree_counts
from .forms import PicForm
from .lampiran import (
    attach_findings,
    lampiran_rows,
    load_plan_tree,
    period_headers,
)
from .models import ActionPlan, ImportFinding, SubActivity
from .services import PlanError, assign_pics, confirm_finding, unit_people
from .work import my_work, opening_month, parse_month, today_for, work_items, years_with_work

PLANS_PER_PAGE = 50
# The decree's long texts and lists, which the plan list never shows: not read for 50 rows.
PLAN_LIST_DEFERRED = (
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


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    # Paginate the bare plans first (the page's COUNT and LIMIT read plans and units only),
    # then count the page's trees in one grouped query: the same queries for 1 plan or 2,760.
    plans = (
        plans_visible_to(request.user)
        .select_related("unit")
        .defer(*PLAN_LIST_DEFERRED)
        .order_by("-year", "unit__code", "pk")
    )
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("halaman"))
    page.object_list = attach_tree_counts(page.object_list)
    # Each status translated once per page (get_status_display translates every choice).
    labels = {value: str(label) for value, label in ActionPlan.Status.choices}
    for plan in page.object_list:
        plan.status_label = labels.get(plan.status, plan.status)
    return render(request, "plans/plan_list.html", {"page": page, "plans": page.object_list})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = load_plan_tree(get_plan_for_user(request.user, pk))
    rows = lampiran_rows(plan)
    findings = list(plan.findings.all())
    attach_findings(rows, findings)
    open_findings = [finding for finding in findings if finding.confirmed_at is None]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "month_headers": period_headers(plan),
            "findings": findings,
            "open_finding_count": len(open_findings),
            # Most serious first: (severity, label, number still open).
            "open_by_severity": [
                (value, label, sum(1 for finding in open_findings if finding.severity == value))
                for value, label in reversed(ImportFinding.Severity.choices)
            ],
            "can_change": request.user.has_perm(CHANGE_PLAN, plan),
            # The breadcrumb links the unit only for a reader who may open its page.
            "can_view_unit": request.user.has_perm(VIEW_UNIT, plan.unit),
        },
    )


def _finding_on_plan(request: HttpRequest, pk: int, finding_pk: int) -> str:
    return reverse("plans:detail", args=[pk]) + f"#temuan-{finding_pk}"


@login_required
@post_only(_finding_on_plan)
def confirm_finding_view(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    finding = get_object_or_404(plan.findings, pk=finding_pk)
    try:
        confirm_finding(request.user, finding)
    except PlanError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request,
            _("Temuan baris %(line)s dikonfirmasi.") % {"line": finding.line or "–"},
        )
    return redirect(reverse("plans:detail", args=[plan.pk]) + f"#temuan-{finding.pk}")


@login_required
def my_work_view(request: HttpRequest) -> HttpResponse:
    """What is the user's to do in the chosen month: due, late, returned, waiting for
    verification (and for an assessor, what waits on them); then the year's tasks."""
    today = today_for(request.user)
    years = years_with_work(request.user)
    opening = datetime.date(*opening_month(today, years), 1)
    year, month = parse_month(request.GET.get("bulan"), opening)
    work = my_work(request.user, year, month)
    lists = work_items(request.user, year, month, today)
    month_date = datetime.date(year, month, 1)
    previous = month_date - datetime.timedelta(days=1)
    following = month_date + datetime.timedelta(days=32)
    return render(
        request,
        "plans/my_work.html",
        {
            "work": work,
            "lists": lists,
            "many_plans": len({item.plan.pk for item in lists.all_items}) > 1,
            "year": year,
            "month": month,
            "month_value": f"{year}-{month:02d}",
            "month_date": month_date,
            "previous_value": f"{previous.year}-{previous.month:02d}",
            "next_value": f"{following.year}-{following.month:02d}",
            "today": today,
            "years": years,
            "due_count": sum(len(w.due) for w in work),
            "total_count": sum(len(w.due) + len(w.not_due) for w in work),
        },
    )


@login_required
def assign_pic_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's administrator names a PIC for each sub-activity."""
    plan = get_plan_for_user(request.user, pk, write=True)
    subs = (
        SubActivity.objects.filter(activity__area__plan=plan)
        .select_related("activity__area")
        .order_by("activity__area__number", "activity__position", "position")
    )
    form = PicForm(request.POST or None, sub_activities=subs, people=unit_people(plan.unit_id))
    if request.method == "POST" and form.is_valid():
        try:
            changed = assign_pics(request.user, plan, form.pics())
        except PlanError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(count)s penanggung jawab diperbarui.") % {"count": changed}
            )
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/assign_pic.html", {"plan": plan, "form": form})
