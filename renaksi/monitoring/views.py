"""The monitoring pages of a plan (namespace ``monitoring``).

* ``index``: to the quarter of today (a past year: TW IV; a future one: TW I).
* ``quarter``: TW I–IV tabs; the quarter's figures by area (a table and the same in words),
  the indicators against their targets, the narrative (the report's data and each area's
  note), the follow-ups shown in the quarter; forms for those who may write, nothing to
  write in a locked quarter.
* ``save_report``, ``save_area_note``, ``add_follow_up``, ``update_follow_up``: POST, then
  back to the quarter page; bad input renders the page again with the errors at the fields
  and the person's text kept; a conflict keeps the text and carries the new version.
* ``follow_ups``: every follow-up of the plan, open ones first.
* ``settings``: the plan's monitoring months (the unit's administrator).

Every object comes through the access layer: a plan the person may not read is a 404, a
change they may not make a 403 (the services check again). Constant number of queries.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from renaksi.access.policy import (
    CHANGE_PLAN,
    EDIT_MONITORING,
    UPDATE_FOLLOW_UP,
    follow_ups_visible_to,
    get_for_user,
    get_plan_for_user,
)
from renaksi.core.decorators import get_or_post, post_only
from renaksi.plans.models import PlanArea, mask_to_months
from renaksi.plans.services import unit_people
from renaksi.submissions.locks import locked_message, quarter_locked

from . import services
from .figures import QUARTER_NAMES, unit_date
from .forms import (
    MONTH_NAMES,
    AreaNoteForm,
    FollowUpForm,
    FollowUpUpdateForm,
    MonthsForm,
    ReportForm,
)
from .models import AreaNote, FollowUp

QUARTERS = (1, 2, 3, 4)


def _quarter(value: int) -> int:
    if value not in QUARTERS:
        raise Http404
    return value


def _plan(request, pk: int):
    return get_plan_for_user(request.user, pk)


def quarter_url(plan_id: int, quarter: int, anchor: str = "") -> str:
    url = reverse("monitoring:quarter", kwargs={"plan": plan_id, "quarter": quarter})
    return f"{url}#{anchor}" if anchor else url


@login_required
def index(request: HttpRequest, plan: int) -> HttpResponse:
    plan = _plan(request, plan)
    today = unit_date(plan.unit, None)
    if today.year > plan.year:
        quarter = 4
    elif today.year < plan.year:
        quarter = 1
    else:
        quarter = (today.month - 1) // 3 + 1
    return redirect(quarter_url(plan.pk, quarter))


def _month_list(mask: int) -> str:
    return ", ".join(str(MONTH_NAMES[month - 1]) for month in mask_to_months(mask))


def _page(request, plan, quarter: int, *, bound: dict | None = None, status: int = 200):
    """The quarter page; ``bound``: forms bound to the person's input (after an error)."""
    bound = bound or {}
    user = request.user
    figures = services.quarter_figures(plan, quarter)
    locked = quarter_locked(plan.unit_id, plan.year, quarter)
    may_edit = user.has_perm(EDIT_MONITORING, plan)
    writable = may_edit and not locked
    report = services.report_of(plan, quarter)
    notes = {
        note.area_id: note
        for note in AreaNote.objects.filter(report__plan=plan, report__quarter=quarter)
    }
    follow_ups = list(services.follow_ups_in(plan, quarter))
    areas = [figure.area for figure in figures.areas]

    report_form = bound.get("report") or ReportForm(
        initial={
            **{name: getattr(report, name, "") for name in services.REPORT_FIELDS},
            "report_date": report.report_date.isoformat() if report and report.report_date else "",
            "version": report.version if report else "",
        }
    )
    area_rows = []
    for figure in figures.areas:
        note = notes.get(figure.area.pk)
        prefix = f"area-{figure.area.pk}"
        form = bound.get(prefix) or AreaNoteForm(
            prefix=prefix,
            initial={
                **{name: getattr(note, name, "") for name in services.NARRATIVE_FIELDS},
                "version": note.version if note else "",
            },
        )
        area_rows.append({"figure": figure, "note": note, "form": form})
    people = list(unit_people(plan.unit_id)) if writable else []
    new_follow_up = bound.get("follow_up") or FollowUpForm(areas=areas, people=people)
    follow_up_rows = []
    for follow_up in follow_ups:
        prefix = f"fu-{follow_up.pk}"
        may_update = not locked and user.has_perm(UPDATE_FOLLOW_UP, follow_up)
        form = bound.get(prefix) or FollowUpUpdateForm(
            prefix=prefix,
            initial={
                "state": follow_up.state,
                "progress_note": follow_up.progress_note,
                "due_on": follow_up.due_on.isoformat() if follow_up.due_on else "",
                "version": follow_up.version,
            },
        )
        if not may_edit:
            form.fields.pop("due_on", None)
        follow_up_rows.append(
            {
                "follow_up": follow_up,
                "carried": follow_up.opened_in < quarter,
                "closed_here": follow_up.closed_in == quarter,
                "may_update": may_update,
                "form": form,
            }
        )
    context = {
        "plan": plan,
        "quarter": quarter,
        "quarter_name": pgettext("singkatan triwulan", QUARTER_NAMES[quarter]),
        "tabs": [(q, pgettext("singkatan triwulan", QUARTER_NAMES[q])) for q in QUARTERS],
        "figures": figures,
        "total": figures.total,
        "area_rows": area_rows,
        "report": report,
        "report_form": report_form,
        "follow_up_rows": follow_up_rows,
        "new_follow_up": new_follow_up,
        "locked": locked,
        "locked_message": locked_message(quarter) if locked else "",
        "may_edit": may_edit,
        "writable": writable,
        "may_set_months": user.has_perm(CHANGE_PLAN, plan),
        "monitoring_months": _month_list(plan.monitoring_months),
        "quarter_months": "–".join(
            str(MONTH_NAMES[m - 1]) for m in (figures.months[0], figures.months[-1])
        ),
        "monitored_here": [MONTH_NAMES[m - 1] for m in figures.monitoring_months],
    }
    return render(request, "monitoring/quarter.html", context, status=status)


@login_required
def quarter(request: HttpRequest, plan: int, quarter: int) -> HttpResponse:
    return _page(request, _plan(request, plan), _quarter(quarter))


def _back(request, plan: int, quarter: int, **kwargs) -> str:
    return quarter_url(plan, quarter)


def _refused(request, plan, quarter, error: services.MonitoringError, bound: dict, key: str):
    """A conflict (the text kept, the new version carried) or a refusal: the page again."""
    messages.error(request, error.message)
    if isinstance(error, services.MonitoringConflict):
        form = bound[key]
        data = form.data.copy()
        current = error.current
        data[form.add_prefix("version")] = "" if current is None else str(current.version)
        bound[key] = type(form)(data, prefix=form.prefix)
    return _page(request, plan, quarter, bound=bound, status=409)


def _invalid(request, plan, quarter, error: ValidationError, bound: dict, key: str):
    form = bound[key]
    form.is_valid()
    for field, field_messages in error.message_dict.items():
        name = field if field in form.fields else None
        for message in field_messages:
            form.add_error(name, message)
    messages.error(request, _("Isian belum disimpan: periksa pesan di kolom yang ditandai."))
    return _page(request, plan, quarter, bound=bound, status=400)


@login_required
@post_only(_back)
def save_report(request: HttpRequest, plan: int, quarter: int) -> HttpResponse:
    plan = _plan(request, plan)
    quarter = _quarter(quarter)
    form = ReportForm(request.POST)
    bound = {"report": form}
    data = {name: request.POST.get(name, "") for name in services.REPORT_FIELDS}
    try:
        services.save_report(
            request.user, plan, quarter, data, expected_version=form.expected_version()
        )
    except ValidationError as error:
        return _invalid(request, plan, quarter, error, bound, "report")
    except services.MonitoringError as error:
        return _refused(request, plan, quarter, error, bound, "report")
    messages.success(request, _("Laporan triwulan tersimpan."))
    return redirect(quarter_url(plan.pk, quarter, "narasi"))


@login_required
@post_only(lambda request, plan, quarter, area: quarter_url(plan, quarter))
def save_area_note(request: HttpRequest, plan: int, quarter: int, area: int) -> HttpResponse:
    plan = _plan(request, plan)
    quarter = _quarter(quarter)
    try:
        area = PlanArea.objects.get(pk=area, plan=plan)
    except PlanArea.DoesNotExist as exc:
        raise Http404 from exc
    prefix = f"area-{area.pk}"
    form = AreaNoteForm(request.POST, prefix=prefix)
    bound = {prefix: form}
    data = {name: request.POST.get(form.add_prefix(name), "") for name in services.NARRATIVE_FIELDS}
    try:
        services.save_area_note(
            request.user, plan, quarter, area, data, expected_version=form.expected_version()
        )
    except ValidationError as error:
        return _invalid(request, plan, quarter, error, bound, prefix)
    except services.MonitoringError as error:
        return _refused(request, plan, quarter, error, bound, prefix)
    messages.success(request, _("Catatan %(area)s tersimpan.") % {"area": area})
    return redirect(quarter_url(plan.pk, quarter, f"catatan-{area.pk}"))


@login_required
@post_only(_back)
def add_follow_up(request: HttpRequest, plan: int, quarter: int) -> HttpResponse:
    plan = _plan(request, plan)
    quarter = _quarter(quarter)
    if not request.user.has_perm(EDIT_MONITORING, plan):
        raise PermissionDenied
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number"))
    form = FollowUpForm(request.POST, areas=areas, people=unit_people(plan.unit_id))
    bound = {"follow_up": form}
    data = {
        name: request.POST.get(name, "")
        for name in ("action", "finding", "area", "owner", "owner_text", "due_on")
    }
    try:
        services.add_follow_up(request.user, plan, quarter, data)
    except ValidationError as error:
        return _invalid(request, plan, quarter, error, bound, "follow_up")
    except services.MonitoringError as error:
        messages.error(request, error.message)
        return _page(request, plan, quarter, bound=bound, status=409)
    messages.success(request, _("Tindak lanjut ditambahkan."))
    return redirect(quarter_url(plan.pk, quarter, "tindak-lanjut"))


@login_required
@post_only(lambda request, plan, quarter, pk: quarter_url(plan, quarter))
def update_follow_up(request: HttpRequest, plan: int, quarter: int, pk: int) -> HttpResponse:
    plan = _plan(request, plan)
    quarter = _quarter(quarter)
    follow_up = get_for_user(
        request.user,
        follow_ups_visible_to(request.user).select_related("plan__unit"),
        perm=UPDATE_FOLLOW_UP,
        pk=pk,
        plan=plan,
    )
    prefix = f"fu-{follow_up.pk}"
    form = FollowUpUpdateForm(request.POST, prefix=prefix)
    bound = {prefix: form}
    names = ["state", "progress_note"]
    if request.user.has_perm(EDIT_MONITORING, plan) and form.add_prefix("due_on") in request.POST:
        names.append("due_on")
    data = {name: request.POST.get(form.add_prefix(name), "") for name in names}
    try:
        services.update_follow_up(
            request.user,
            follow_up,
            quarter,
            data,
            expected_version=form.expected_version() or 0,
        )
    except ValidationError as error:
        return _invalid(request, plan, quarter, error, bound, prefix)
    except services.MonitoringError as error:
        return _refused(request, plan, quarter, error, bound, prefix)
    messages.success(request, _("Tindak lanjut diperbarui."))
    return redirect(quarter_url(plan.pk, quarter, f"tl-{follow_up.pk}"))


@login_required
def follow_ups(request: HttpRequest, plan: int) -> HttpResponse:
    plan = _plan(request, plan)
    rows = list(
        FollowUp.objects.filter(plan=plan)
        .select_related("area", "owner")
        .order_by("closed_in", "opened_in", "area__number", "pk")
    )
    open_rows = [row for row in rows if not row.is_closed]
    closed_rows = [row for row in rows if row.is_closed]
    return render(
        request,
        "monitoring/follow_ups.html",
        {
            "plan": plan,
            "open_rows": open_rows,
            "closed_rows": closed_rows,
            "quarter_names": QUARTER_NAMES,
        },
    )


@login_required
@get_or_post
def settings(request: HttpRequest, plan: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan, perm=CHANGE_PLAN)
    status = 200
    if request.method == "POST":
        form = MonthsForm(request.POST)
        form.is_valid()
        raw_expected = request.POST.get("expected", "")
        try:
            services.set_monitoring_months(
                request.user,
                plan,
                request.POST.getlist("months"),
                expected=int(raw_expected) if raw_expected.isdigit() else None,
            )
        except ValidationError as error:
            for message in error.message_dict.get("months", []):
                form.add_error("months", message)
            status = 400
        except services.MonitoringError as error:
            messages.error(request, error.message)
            plan.refresh_from_db()
            form = MonthsForm(
                initial={
                    "months": [str(m) for m in mask_to_months(plan.monitoring_months)],
                    "expected": plan.monitoring_months,
                }
            )
            status = 409
        else:
            messages.success(
                request,
                _("Bulan monitoring tersimpan: %(months)s.")
                % {"months": _month_list(plan.monitoring_months)},
            )
            return redirect(reverse("monitoring:settings", kwargs={"plan": plan.pk}))
    else:
        form = MonthsForm(
            initial={
                "months": [str(m) for m in mask_to_months(plan.monitoring_months)],
                "expected": plan.monitoring_months,
            }
        )
    return render(
        request,
        "monitoring/settings.html",
        {"plan": plan, "form": form, "monitoring_months": _month_list(plan.monitoring_months)},
        status=status,
    )
