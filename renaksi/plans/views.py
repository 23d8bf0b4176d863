import datetime
from html import escape  # the standard library's: Django's escape() costs more per call

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from renaksi.access.policy import (
    CHANGE_PLAN,
    VIEW_UNIT,
    get_plan_for_user,
    grants_for,
    plans_visible_to,
)
from renaksi.core.decorators import post_only

from .counts import attach_tree_counts
from .forms import PicForm
from .fragments import plan_content_html
from .lampiran import plan_findings
from .models import ActionPlan, ImportFinding, SubActivity
from .services import PlanError, assign_pics, confirm_finding, unit_people
from .work import (
    PLAN_TEXTS,
    my_work,
    opening_month,
    parse_month,
    today_for,
    work_items,
    years_with_work,
)

PLANS_PER_PAGE = 50
# The decree's long texts and lists, which the plan list never shows: not read for 50 rows.
PLAN_LIST_DEFERRED = PLAN_TEXTS


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
    rows = plan_rows(page.object_list, grants_for(request.user))
    return render(
        request, "plans/plan_list.html", {"page": page, "plans": page.object_list, "rows": rows}
    )


# A plan id that no URL prefix holds: reversed once per page, then replaced by each plan's id.
_PK_SLOT = "987654321"


def _url_of_plan(name: str):
    """A function giving the URL of ``name`` for a plan id, reversing ``name`` only once."""
    before, after = reverse(name, args=[_PK_SLOT]).split(_PK_SLOT)
    return lambda pk: f"{before}{pk}{after}"


def plan_rows(plans: list[ActionPlan], grants) -> SafeString:
    """The plan list's table rows, one string per plan (``plan.status_label`` set as well).

    Built here rather than in the template: with 50 rows of ten cells, the template's tags,
    filters and include were most of the page's time. The labels are translated and escaped
    once per page, each plan's values escaped into its row. The copy link is shown to those
    who may copy the plan (the MANAGE_UNIT rule, read from the user's grants as the template
    tag ``may_copy_plan`` does).
    """
    statuses = {value: escape(str(label)) for value, label in ActionPlan.Status.choices}
    unit_l, year_l, status_l, decree_l = (
        escape(_("Satuan kerja")),
        escape(_("Tahun")),
        escape(_("Status")),
        escape(_("Keputusan")),
    )
    areas_l, activities_l, subs_l, indicators_l = (
        escape(_("Area")),
        escape(_("Kegiatan")),
        escape(_("Sub kegiatan")),
        escape(_("Indikator")),
    )
    copy_l = escape(_("Salin ke tahun berikutnya"))
    missing = f'<span class="muted">{escape(_("Belum ada"))}</span>'
    numbered = _("Nomor %(number)s")
    detail_url, copy_url = _url_of_plan("plans:detail"), _url_of_plan("plans:copy")
    rows = []
    for plan in plans:
        plan.status_label = statuses.get(plan.status, escape(plan.status))
        decree = missing
        if plan.decree_number:
            decree = escape(numbered % {"number": plan.decree_number})
            if plan.decree_date:
                date = escape(date_format(plan.decree_date, "j F Y"))
                decree += f'<br><span class="muted small">{date}</span>'
        copy = ""
        if grants.can_manage_unit(plan.unit_id):
            copy = f' <a class="small plan-list__copy" href="{copy_url(plan.pk)}">{copy_l}</a>'
        rows.append(
            f'<tr><th scope="row" data-label="{unit_l}"><a href="{detail_url(plan.pk)}">'
            f'{escape(plan.unit.name)}</a> <span class="muted small">{escape(plan.unit.code)}'
            f'</span>{copy}</th><td class="num" data-label="{year_l}">{plan.year:d}</td>'
            f'<td data-label="{status_l}"><span class="badge badge--{escape(plan.status)}">'
            f'{plan.status_label}</span></td><td data-label="{decree_l}">{decree}</td>'
            f'<td class="num" data-label="{areas_l}">{plan.area_count:d}</td>'
            f'<td class="num" data-label="{activities_l}">{plan.activity_count:d}</td>'
            f'<td class="num" data-label="{subs_l}">{plan.sub_activity_count:d}</td>'
            f'<td class="num" data-label="{indicators_l}">{plan.indicator_count:d}</td></tr>\n'
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped into its row)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    findings = list(plan_findings(plan))
    # The decree and the Lampiran, from the cache when the plan, its findings and the language
    # are as they were (renaksi/plans/fragments.py); it sets each finding's row link. ``rows``:
    # the Lampiran's rows when they were built for this request (None from the cache).
    content, rows = plan_content_html(plan, findings)
    open_findings = [finding for finding in findings if finding.confirmed_at is None]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "content": content,
            "rows": rows,
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
    many_plans = len({item.plan.pk for item in lists.all_items}) > 1
    attach_task_html(lists.all_items, many_plans)
    month_date = datetime.date(year, month, 1)
    previous = month_date - datetime.timedelta(days=1)
    following = month_date + datetime.timedelta(days=32)
    return render(
        request,
        "plans/my_work.html",
        {
            "work": work,
            "lists": lists,
            "many_plans": many_plans,
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


def attach_task_html(items: list, many_plans: bool) -> None:
    """Set ``item.html`` on each WorkItem of "Pekerjaan saya": its list entry as one string.

    Built here rather than in a template partial: a person who reported nothing for months
    has dozens of late periods, and the partial's tags, filters and ``{% url %}`` per entry
    were most of the page's time. Labels are translated and escaped once per page, each
    value escaped into its entry (as the template did)."""
    from renaksi.work.board import RETURNED, WAITING

    if not items:
        return
    late_l = escape(_("dilaporkan terlambat"))
    actions = {
        RETURNED: escape(_("Perbaiki dan ajukan ulang")),
        WAITING: escape(_("Lihat laporan")),
        "continue": escape(_("Lanjutkan laporan")),
        "report": escape(_("Laporkan")),
    }
    due_text, note_text = _("batas laporan %(when)s"), _("Catatan %(who)s:")
    realisation_url = _url_of_period("work:realisation")
    # A year's periods share a dozen reporting days and a few states: each formatted once.
    dues: dict[datetime.date, str] = {}
    badges: dict[tuple[str, str], str] = {}
    for item in items:
        period, realisation, state = item.period, item.realisation, item.state
        due = dues.get(period.due_on)
        if due is None:
            when = date_format(period.due_on, "j F Y")
            due = dues[period.due_on] = f"<span>{escape(due_text % {'when': when})}</span>"
        badge = badges.get((state, item.state_label))
        if badge is None:
            badge = badges[state, item.state_label] = (
                f'<span class="state state--{escape(state)}">{escape(item.state_label)}</span>'
            )
        meta = f"{badge} <span>{escape(item.period_label)}</span> {due}"
        if realisation is not None and realisation.late:
            meta += f" <span>{late_l}</span>"
        if many_plans:
            meta += f" <span>{escape(item.plan.unit.name)}</span>"
        comment = ""
        if state == RETURNED and item.return_comment:
            who = escape(note_text % {"who": item.returned_by})
            comment = (
                f'<p class="task__comment"><strong>{who}</strong> {escape(item.return_comment)}</p>'
            )
        if state in (RETURNED, WAITING):
            action = actions[state]
        else:
            action = actions["continue" if realisation is not None else "report"]
        primary = "" if state == WAITING else " button--primary"
        item.html = mark_safe(  # noqa: S308 (every value escaped into the entry)
            f'<li class="task task--{escape(state)}" data-period="{period.pk:d}">'
            f'<p class="task__title"><span class="task__number">{escape(item.number)}</span> '
            f'{escape(item.name)}</p><p class="task__meta">{meta}</p>{comment}'
            f'<a class="button task__action{primary}" href="{realisation_url(period.pk)}">'
            f"{action}</a></li>"
        )


def _url_of_period(name: str):
    """A function giving the URL of ``name`` for a period id, reversing ``name`` only once."""
    before, after = reverse(name, kwargs={"period": _PK_SLOT}).split(_PK_SLOT)
    return lambda pk: f"{before}{pk}{after}"


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
