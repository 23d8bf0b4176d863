"""The pages of the submission chain.

* ``home``: where to go — the reviewer's queue, the overviews the user may open, the user's
  own units' submissions;
* ``plan``: a unit's four quarters of a year (state, deadline, send button, steps);
* ``detail``: one submission (its snapshot, its steps, the forms of who may act);
* ``submit`` / ``decide`` / ``reopen``: the POSTs (services.py does the work and the checks);
* ``queue``: the submissions waiting at a unit where the user is a reviewer;
* ``province``: a KPU Provinsi's regencies at once; ``national``: KPU RI's view.

Objects are loaded through the access layer (404 for what the user may not see); an action
they may not take is a 403 page that says why in Indonesian.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renaksi.access.policy import (
    DECIDE_SUBMISSION,
    REOPEN_SUBMISSION,
    SUBMIT_PERIOD,
    VIEW_PLAN,
    get_for_user,
    get_plan_for_user,
    grants_for,
    plans_visible_to,
    submissions_visible_to,
    submissions_waiting_for,
    units_visible_to,
)
from renaksi.units.models import Unit

from . import overview, services
from .models import Submission, SubmissionStep

QUEUE_PER_PAGE = 50


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "submissions/refused.html", {"message": message}, status=403)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _year(request: HttpRequest, units, today) -> int:
    return overview.requested_year(request.GET.get("tahun"), units, today)


def _today():
    """Today at KPU RI (Jakarta)."""
    return services.today_in(Unit(time_zone="Asia/Jakarta"))


# -- home ----------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)
    provinces = units_visible_to(request.user).filter(level=Unit.Level.PROVINSI).order_by("code")
    own_plans = (
        plans_visible_to(request.user)
        .filter(unit_id__in=sorted(grants.admin_units))
        .select_related("unit")
        .order_by("-year", "unit__code")[:20]
        if grants.admin_units
        else []
    )
    waiting = (
        submissions_waiting_for(request.user).count()
        if grants.review_roots or (grants.superuser)
        else 0
    )
    return render(
        request,
        "submissions/home.html",
        {
            "provinces": list(provinces[:100]),
            "own_plans": list(own_plans),
            "waiting": waiting,
            "reviewer": grants.superuser or bool(grants.review_roots),
            "national": grants.superuser or grants.read_all,
        },
    )


# -- a unit's year ---------------------------------------------------------------------------


@login_required
def plan_view(request: HttpRequest, plan: int) -> HttpResponse:
    """The plan's unit and year: each quarter's submission, the send button, the steps."""
    action_plan = get_plan_for_user(request.user, plan, perm=VIEW_PLAN)
    unit = action_plan.unit
    found = {
        s.quarter: s
        for s in services.submissions_qs().filter(unit_id=unit.pk, year=action_plan.year)
    }
    steps_by_submission: dict[int, list] = {}
    for step in (
        SubmissionStep.objects.filter(submission__in=list(found.values()))
        .select_related("actor", "at_unit")
        .order_by("created_at", "id")
    ):
        steps_by_submission.setdefault(step.submission_id, []).append(step)
    today = services.today_in(unit)
    due = services.due_dates(action_plan.year)
    can_send = request.user.has_perm(SUBMIT_PERIOD, action_plan)
    quarters = []
    for q in overview.QUARTERS:
        submission = found.get(q)
        cell = overview.cell_for(q, submission, year=action_plan.year, due_on=due[q], today=today)
        quarters.append(
            {
                "quarter": q,
                "name": services.quarter_name(q),
                "cell": cell,
                "submission": submission,
                "due_on": due[q],
                "steps": steps_by_submission.get(submission.pk, []) if submission else [],
                "may_send": can_send
                and cell.kind != "not_started"
                and services.may_submit(request.user, action_plan, submission),
            }
        )
    return render(
        request,
        "submissions/plan.html",
        {
            "plan": action_plan,
            "unit": unit,
            "quarters": quarters,
            "target": services.next_unit(unit),
            "can_send": can_send,
        },
    )


@login_required
@require_POST
def submit_view(request: HttpRequest, plan: int, quarter: int) -> HttpResponse:
    action_plan = get_plan_for_user(request.user, plan, perm=VIEW_PLAN)
    if not request.user.has_perm(SUBMIT_PERIOD, action_plan):
        return _refused(
            request,
            _("Hanya admin %(unit)s yang dapat mengirim laporan triwulannya.")
            % {"unit": action_plan.unit.name},
        )
    back = reverse("submissions:plan", args=[action_plan.pk])
    try:
        submission = services.submit(request.user, action_plan, quarter)
    except services.SubmissionRefused as error:
        return _refused(request, error.message)
    except services.SubmissionError as error:
        messages.error(request, error.message)
        return redirect(back)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(
        request,
        _("Laporan TW %(quarter)s %(year)s dikirim ke %(to)s; triwulan ini dikunci.")
        % {
            "quarter": services.quarter_name(submission.quarter),
            "year": submission.year,
            "to": submission.at_unit.name,
        },
    )
    return redirect(back)


# -- one submission ---------------------------------------------------------------------------


def _load(request: HttpRequest, pk: int) -> Submission:
    return get_for_user(
        request.user,
        submissions_visible_to(request.user).select_related(
            "unit", "unit__parent", "at_unit", "plan", "assessment", "submitted_by"
        ),
        pk=pk,
    )


def _snapshot_areas(submission: Submission) -> list[dict]:
    """The LKE area scores kept in the snapshot, with the framework's area titles."""
    lke = submission.snapshot.get("lke") or {}
    scores = lke.get("node_scores") or {}
    if not scores or not lke.get("framework"):
        return []
    from renaksi.evaluation.models import Node

    nodes = list(
        Node.objects.filter(
            framework__code=lke["framework"], kind=Node.Kind.AREA, code__in=list(scores)
        )
        .select_related("parent")
        .order_by("sequence")
    )
    overview.name_areas(nodes)
    return [
        {
            "code": node.code,
            "label": node.heading,
            "title": node.full_title,
            "score": overview.short_score(scores.get(node.code)),
        }
        for node in nodes
    ]


def _snapshot_evidence(submission: Submission) -> dict:
    """The evidence index kept in the snapshot, with the kinds' labels."""
    from renaksi.work.models import EvidenceKind

    evidence = dict(submission.snapshot.get("evidence") or {})
    labels = dict(EvidenceKind.choices)
    evidence["items"] = [
        {**item, "kind_label": labels.get(item.get("kind"), item.get("kind", ""))}
        for item in evidence.get("items", [])
    ]
    return evidence


def _detail_context(request: HttpRequest, submission: Submission) -> dict:
    return {
        "submission": submission,
        "name": services.quarter_name(submission.quarter),
        "steps": list(
            submission.steps.select_related("actor", "at_unit").order_by("created_at", "id")
        ),
        "monitoring": submission.snapshot.get("monitoring") or {},
        "lke": submission.snapshot.get("lke") or {},
        "lke_areas": _snapshot_areas(submission),
        "evidence": _snapshot_evidence(submission),
        "may_decide": services.may_decide(request.user, submission),
        "may_reopen": services.may_reopen(request.user, submission),
        "may_send": services.may_submit(request.user, submission.plan, submission),
        "forwards": submission.at_unit.level != Unit.Level.PUSAT,
    }


@login_required
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _load(request, pk)
    return render(request, "submissions/detail.html", _detail_context(request, submission))


@login_required
@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _load(request, pk)
    if not request.user.has_perm(DECIDE_SUBMISSION, submission):
        return _refused(request, services._wrong_level_message(request.user, submission))
    accept = request.POST.get("accept") == "1"
    note = request.POST.get("note", "")
    try:
        decided = services.decide(request.user, submission, accept, note)
    except services.SubmissionRefused as error:
        return _refused(request, error.message)
    except services.SubmissionError as error:
        messages.error(request, error.message)
        return redirect("submissions:detail", pk=submission.pk)
    except ValidationError as error:
        return _detail_with_errors(request, submission, error, "note", note)
    if decided.state == Submission.State.ACCEPTED:
        text = _("Laporan diterima; pengiriman ini selesai.")
    elif decided.state == Submission.State.SUBMITTED:
        text = _("Laporan diterima dan diteruskan ke %(to)s.") % {"to": decided.at_unit.name}
    else:
        text = _("Laporan dikembalikan ke %(unit)s dengan catatan Anda.") % {
            "unit": decided.unit.name
        }
    messages.success(request, text)
    return redirect("submissions:detail", pk=submission.pk)


@login_required
@require_POST
def reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _load(request, pk)
    if not request.user.has_perm(REOPEN_SUBMISSION, submission):
        return _refused(
            request,
            _(
                "Hanya peninjau %(at)s atau tingkat di atas %(unit)s yang dapat membuka kembali "
                "laporan ini."
            )
            % {"at": submission.at_unit.name, "unit": submission.unit.name},
        )
    reason = request.POST.get("reason", "")
    try:
        services.reopen(request.user, submission, reason)
    except services.SubmissionRefused as error:
        return _refused(request, error.message)
    except services.SubmissionError as error:
        messages.error(request, error.message)
        return redirect("submissions:detail", pk=submission.pk)
    except ValidationError as error:
        return _detail_with_errors(request, submission, error, "reason", reason)
    messages.success(
        request,
        _("Laporan dibuka kembali; triwulan ini tidak lagi dikunci untuk %(unit)s.")
        % {"unit": submission.unit.name},
    )
    return redirect("submissions:detail", pk=submission.pk)


def _detail_with_errors(request, submission, error: ValidationError, key: str, value: str):
    """The submission's page again, with the form's error and what was typed (status 400)."""
    context = _detail_context(request, submission)
    context[f"{key}_errors"] = error.message_dict.get(key, error.messages)
    context[f"{key}_value"] = value
    return render(request, "submissions/detail.html", context, status=400)


# -- the reviewer's queue ---------------------------------------------------------------------


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    waiting = (
        submissions_waiting_for(request.user)
        .select_related("unit", "unit__parent", "at_unit", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(waiting, QUEUE_PER_PAGE).get_page(request.GET.get("halaman"))
    return render(request, "submissions/queue.html", {"page": page, "queue": list(page)})


# -- the overviews ------------------------------------------------------------------------------


@login_required
def province_view(request: HttpRequest, unit: int) -> HttpResponse:
    province = get_for_user(request.user, units_visible_to(request.user), pk=unit)
    if province.level != Unit.Level.PROVINSI:
        raise Http404
    today = services.today_in(province)
    regencies = Unit.objects.filter(parent=province)
    year = _year(request, regencies, today)
    quarter = _int(request.GET.get("triwulan"))
    if quarter not in overview.QUARTERS:
        quarter = None
    if quarter is None and request.GET.get("status") in overview.STATUS_FILTERS:
        quarter = _current_quarter(year, today)  # a status is always of one quarter
    order = request.GET.get("urut", "kode")
    data = overview.province_overview(
        province,
        year=year,
        today=today,
        quarter=quarter,
        status=request.GET.get("status", ""),
        order=order if order in overview.ORDERS else "kode",
        search=request.GET.get("q", "").strip()[:100],
        page=request.GET.get("halaman"),
        framework_code=request.GET.get("kerangka", "")[:60],
    )
    return render(
        request,
        "submissions/province.html",
        {
            **data,
            "statuses": overview.STATUS_FILTERS,
            "orders": overview.ORDERS,
            "chosen": {
                "triwulan": quarter,
                "status": request.GET.get("status", ""),
                "urut": order,
                "q": request.GET.get("q", ""),
            },
            "quarters": overview.QUARTERS,
        },
    )


def _current_quarter(year: int, today) -> int:
    if year < today.year:
        return 4
    if year > today.year:
        return 1
    return (today.month - 1) // 3 + 1


@login_required
def national_view(request: HttpRequest) -> HttpResponse:
    grants = grants_for(request.user)
    if not (grants.superuser or grants.read_all):
        raise PermissionDenied
    today = _today()
    year = _year(request, Unit.objects.all(), today)
    quarter = _int(request.GET.get("triwulan"))
    if quarter not in overview.QUARTERS:
        quarter = _current_quarter(year, today)
    order = request.GET.get("urut", "indeks")
    level = request.GET.get("tingkat", "")
    province_id = _int(request.GET.get("provinsi"))
    data = overview.national_overview(
        year=year,
        today=today,
        quarter=quarter,
        level=level,
        province_id=province_id,
        status=request.GET.get("status", ""),
        search=request.GET.get("q", "").strip()[:100],
        order=order if order in overview.ORDERS else "indeks",
        page=request.GET.get("halaman"),
        framework_code=request.GET.get("kerangka", "")[:60],
        province_order=request.GET.get("urut_provinsi", "kode"),
    )
    return render(
        request,
        "submissions/national.html",
        {
            **data,
            "statuses": overview.STATUS_FILTERS,
            "orders": overview.ORDERS,
            "province_orders": {
                "kode": _("kode"),
                "indeks": _("rata-rata indeks LKE"),
                "kelengkapan": _("LKE belum lengkap terbanyak"),
                "diterima": _("diterima terbanyak"),
            },
            "levels": {
                Unit.Level.PROVINSI: Unit.Level.PROVINSI.label,
                Unit.Level.KABUPATEN_KOTA: Unit.Level.KABUPATEN_KOTA.label,
            },
            "chosen": {
                "triwulan": quarter,
                "status": request.GET.get("status", ""),
                "urut": order,
                "urut_provinsi": request.GET.get("urut_provinsi", "kode"),
                "tingkat": level,
                "provinsi": province_id,
                "q": request.GET.get("q", ""),
            },
            "quarters": overview.QUARTERS,
        },
    )
