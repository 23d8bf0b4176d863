"""Pages of a realisation: the reporter's form, and the assessor's review page.

Thin views over renaksi/work/realisations.py. Every object comes through the access layer:
a period or realisation of a unit the person may not read is a 404, an action they may not
take a 403. Actions are POST with CSRF; the form and the review page carry the realisation's
version, so a save or a decision on a realisation that changed since is refused with a
message, and the person's text stays in the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from renaksi.access.policy import (
    ADD_EVIDENCE,
    EDIT_REALISATION,
    VERIFY_REALISATION,
    get_for_user,
    realisations_visible_to,
    schedule_periods_visible_to,
    sub_activities_assigned_to,
)
from renaksi.audit.history import person_name
from renaksi.core.decorators import get_or_post, post_only
from renaksi.plans.models import ActionPlan, Indicator, SubActivity

from . import realisations as services
from .forms_realisation import RealisationForm, ReopenForm, ReviewForm, UnscheduledForm
from .models import (
    Evidence,
    EvidenceKind,
    EvidenceReview,
    Realisation,
    SchedulePeriod,
    StagedUpload,
)
from .periods import period_count

KIND_LABELS = dict(EvidenceKind.choices)
QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}


def _url(name: str, **kwargs) -> str:
    """The address of another part's page; empty while that part has not landed."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def period_label(period: SchedulePeriod) -> str:
    if period.sub_activity_id and period.plan.schedule_kind == ActionPlan.Schedule.QUARTER:
        return QUARTER_NAMES.get(period.period, str(period.period))
    return services.month_name(period.period)


def _evidence_prefetch() -> Prefetch:
    return Prefetch(
        "evidence",
        queryset=Evidence.objects.filter(is_current=True)
        .select_related("file", "uploaded_by", "replaces")
        .prefetch_related("indicators")
        .order_by("uploaded_at", "pk"),
        to_attr="current_evidence",
    )


def _load_period(request: HttpRequest, pk: int) -> SchedulePeriod:
    return get_for_user(
        request.user,
        schedule_periods_visible_to(request.user).select_related(*services.PERIOD_RELATED),
        pk=pk,
    )


def _load_realisation(request: HttpRequest, pk: int) -> Realisation:
    return get_for_user(
        request.user,
        realisations_visible_to(request.user)
        .select_related(*services.REALISATION_RELATED)
        .prefetch_related(_evidence_prefetch()),
        pk=pk,
    )


def _indicators(period: SchedulePeriod) -> list[Indicator]:
    if not period.sub_activity_id:
        return []
    return list(Indicator.objects.filter(sub_activity_id=period.sub_activity_id))


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _item_context(period: SchedulePeriod) -> dict:
    item = services.item_of(period)
    plan = period.plan
    if period.sub_activity_id:
        sub = period.sub_activity
        title = f"{sub.activity.area.number}.{sub.activity.number}.{sub.number} {sub.name}"
    else:
        title = item.title
    return {
        "period": period,
        "plan": plan,
        "item": item,
        "item_title": title,
        "period_label": period_label(period),
        "zone_label": plan.unit.zone_abbreviation,
        "plan_url": _url("plans:detail", pk=plan.pk),
    }


def _evidence_rows(items: list[Evidence]) -> list[dict]:
    """Each evidence item with what the page shows: the preview, download, reuse."""
    reuse = services.reused_files(items)
    rows = []
    for item in items:
        file_type = item.file.file_type if item.file_id else ""
        rows.append(
            {
                "item": item,
                "kind_label": KIND_LABELS.get(item.kind, item.kind),
                "is_link": not item.file_id,
                "file_type": file_type,
                "preview_url": _url("work:evidence_preview", pk=item.pk)
                if file_type in ("pdf", "jpeg", "png") and not item.file.generated
                else "",
                "thumbnail_url": _url("work:evidence_thumbnail", pk=item.pk)
                if item.file_id and item.file.thumbnail
                else "",
                "download_url": _url("work:evidence_download", pk=item.pk) if item.file_id else "",
                "indicators": list(item.indicators.all()),
                "reused": reuse.get(item.pk, []),
            }
        )
    return rows


# -- the reporter's form ------------------------------------------------------------------------


@login_required
@get_or_post
def realisation(request: HttpRequest, period: int) -> HttpResponse:
    """The realisation form of one period: status, progress, narrative, indicator values,
    evidence. A change agent (who may add evidence but not report) gets the evidence part."""
    period_obj = _load_period(request, period)
    item = services.item_of(period_obj)
    can_edit = request.user.has_perm(EDIT_REALISATION, item)
    if not can_edit and not request.user.has_perm(ADD_EVIDENCE, item):
        raise PermissionDenied
    current = (
        Realisation.objects.filter(period=period_obj)
        .select_related("submitted_by", "updated_by")
        .prefetch_related(_evidence_prefetch())
        .first()
    )
    evidence = current.current_evidence if current is not None else []
    indicators = _indicators(period_obj)
    editable = current is None or current.state in services.EDITABLE_STATES
    evidence_only = not can_edit
    form_kwargs = {
        "period": period_obj,
        "indicators": indicators,
        "evidence_only": evidence_only,
        "current": evidence,
    }
    conflict_rows = None
    if request.method == "POST":
        if not editable:
            messages.error(request, services._not_editable_message(current.state))
            return redirect("work:review", pk=current.pk)
        form = RealisationForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            files, meta = form.uploads()
            try:
                saved = services.save_realisation(
                    request.user,
                    period_obj,
                    data=form.service_data(),
                    expected_version=form.cleaned_data.get("version"),
                    files=files,
                    staged_ids=request.POST.getlist("staged"),
                    links=form.links(),
                    evidence_meta=meta,
                )
            except ValidationError as error:
                form.add_service_errors(_error_dict(error))
            except services.RealisationConflict as conflict:
                messages.error(request, conflict.message)
                if conflict.current is None:
                    return redirect("work:realisation", period=period_obj.pk)
                data = request.POST.copy()
                data["version"] = str(conflict.current.version)
                form = RealisationForm(data, **form_kwargs)
                form.is_valid()
                conflict_rows = _conflict_rows(form, conflict.current, indicators)
            except services.RealisationError as error:
                messages.error(request, error.message)
                return redirect("work:realisation", period=period_obj.pk)
            else:
                messages.success(request, _("Realisasi tersimpan."))
                if files or request.POST.getlist("staged") or form.links():
                    count = len(files) + len(request.POST.getlist("staged")) + len(form.links())
                    messages.success(
                        request,
                        _("%(count)s bukti dukung ditambahkan.") % {"count": count},
                    )
                return redirect("work:realisation", period=saved.period_id)
    else:
        form = RealisationForm(initial=_initial(current), **form_kwargs)

    staged = _staged_rows(request)
    missing = services.missing_evidence_kinds(indicators, evidence)
    context = {
        **_item_context(period_obj),
        "realisation": current,
        "form": form,
        "editable": editable,
        "can_edit": can_edit,
        "evidence_only": evidence_only,
        "evidence_rows": _evidence_rows(evidence),
        "indicator_rows": [
            {
                "indicator": indicator,
                "expected": [KIND_LABELS.get(k, k) for k in indicator.expected_evidence or []],
                "missing": [KIND_LABELS.get(k, k) for k in missing.get(indicator.pk, [])],
            }
            for indicator in indicators
        ],
        "missing_any": any(missing.values()),
        "staged": staged,
        "conflict_rows": conflict_rows,
        "upload_stage_url": _url("work:upload_stage"),
        "actions": services.available_actions(request.user, current) if current else [],
        "last_return": _last_return(current),
        "unscheduled_form": _unscheduled_form(period_obj) if can_edit else None,
    }
    return render(request, "work/realisation.html", context)


def _error_dict(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _initial(current: Realisation | None) -> dict:
    if current is None:
        return {}
    initial = {
        "version": current.version,
        "status": current.status,
        "progress": str(current.progress),
        "narrative": current.narrative,
        "reason": current.reason,
        "postponed_to": str(current.postponed_to or ""),
    }
    for indicator_id, value in current.values.values_list("indicator_id", "value"):
        initial[f"value_{indicator_id}"] = _number_text(value)
    return initial


def _number_text(value) -> str:
    text = f"{value.normalize():f}" if value is not None else ""
    return text.replace(".", ",")


def _conflict_rows(form: RealisationForm, current: Realisation, indicators) -> list:
    """(label, what the person typed, what is saved now) of the fields that differ."""
    saved = _initial(current)
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in saved:
            continue
        typed = form.data.get(name, "")
        now = saved.get(name, "")
        if str(typed).strip() == str(now).strip():
            continue
        if name == "status":
            labels = dict(Realisation.Status.choices)
            typed, now = labels.get(typed, typed), labels.get(now, now)
        elif name == "postponed_to":
            typed = services.month_name(int(typed)) if str(typed).isdigit() else typed
            now = services.month_name(int(now)) if str(now).isdigit() else now
        rows.append((field.label, typed or "—", now or "—"))
    return rows


def _staged_rows(request: HttpRequest) -> list[StagedUpload]:
    """The person's staged uploads this form carried (kept across a refused save)."""
    ids = [raw for raw in request.POST.getlist("staged") if raw.isdigit()] if request.POST else []
    if not ids:
        return []
    return list(StagedUpload.objects.filter(pk__in=ids, user=request.user).order_by("pk"))


def _last_return(current: Realisation | None):
    if current is None or current.state != Realisation.State.RETURNED:
        return None
    review = (
        current.reviews.filter(verdict="dikembalikan")
        .select_related("reviewer")
        .prefetch_related(
            Prefetch("items", queryset=EvidenceReview.objects.select_related("evidence"))
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if review is not None:
        review.reviewer_name = person_name(review.reviewer)
    return review


def _unscheduled_form(period: SchedulePeriod) -> UnscheduledForm | None:
    if not period.sub_activity_id:
        return None
    kind = period.plan.schedule_kind
    taken = set(
        SchedulePeriod.objects.filter(sub_activity_id=period.sub_activity_id).values_list(
            "period", flat=True
        )
    )
    choices = [
        (number, QUARTER_NAMES[number] if kind == "quarter" else services.month_name(number))
        for number in range(1, period_count(kind) + 1)
        if number not in taken
    ]
    return UnscheduledForm(periods=choices) if choices else None


def _to_form(request, pk: int) -> str:
    realisation = realisations_visible_to(request.user).filter(pk=pk).values("period_id").first()
    if realisation is None:
        return reverse("plans:list")
    return reverse("work:realisation", kwargs={"period": realisation["period_id"]})


@login_required
@post_only(_to_form)
def realisation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter submits the realisation for verification (``action=withdraw``: takes a
    submission back)."""
    obj = _load_realisation(request, pk)
    action = request.POST.get("action", "submit")
    call = services.withdraw if action == "withdraw" else services.submit
    try:
        call(request.user, obj, _version(request))
    except services.RealisationError as error:  # a conflict is one too
        messages.error(request, error.message)
    else:
        if action == "withdraw":
            messages.success(request, _("Pengajuan ditarik kembali; realisasi dapat diubah lagi."))
        else:
            messages.success(request, _("Realisasi diajukan untuk diverifikasi Tim Asesor."))
    return redirect("work:realisation", period=obj.period_id)


def _plan_of_sub(request, sub: int) -> str:
    """Where a GET of the unscheduled-work action goes: the plan (or the list)."""
    found = (
        sub_activities_assigned_to(request.user)
        .filter(pk=sub)
        .values("activity__area__plan_id")
        .first()
    )
    if found is None:
        return reverse("plans:list")
    return reverse("plans:detail", kwargs={"pk": found["activity__area__plan_id"]})


@login_required
@post_only(_plan_of_sub)
def record_unscheduled(request: HttpRequest, sub: int) -> HttpResponse:
    """Work on a sub-activity in a period its schedule does not name: the period is made
    (outside the plan) and its form opens."""
    from renaksi.access.policy import plans_visible_to

    sub_obj = get_for_user(
        request.user,
        SubActivity.objects.filter(
            activity__area__plan__in=plans_visible_to(request.user)
        ).select_related("activity__area__plan"),
        perm=EDIT_REALISATION,
        pk=sub,
    )
    kind = sub_obj.activity.area.plan.schedule_kind
    form = UnscheduledForm(
        request.POST,
        periods=[(number, str(number)) for number in range(1, period_count(kind) + 1)],
    )
    back = request.POST.get("back_period", "")
    if not form.is_valid():
        messages.error(request, _("Pilih periode dari daftar."))
        if back.isdigit():
            return redirect("work:realisation", period=int(back))
        return redirect("plans:detail", pk=sub_obj.activity.area.plan_id)
    try:
        period = services.record_unscheduled(request.user, sub_obj, form.cleaned_data["period"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:detail", pk=sub_obj.activity.area.plan_id)
    if not period.planned:
        messages.success(
            request,
            _("Periode %(period)s dicatat sebagai pekerjaan di luar jadwal.")
            % {"period": period_label(period)},
        )
    return redirect("work:realisation", period=period.pk)


# -- the assessor's review page ------------------------------------------------------------------


def _value_rows(realisation: Realisation, indicators: list[Indicator]) -> list[dict]:
    values = dict(realisation.values.values_list("indicator_id", "value"))
    rows = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        target = indicator.target_value
        rows.append(
            {
                "indicator": indicator,
                "measurable": services.is_measurable(indicator),
                "target": _number_text(target) if target is not None else "",
                "value": _number_text(value) if value is not None else "",
                "unit": "%" if indicator.kind == "persentase" else indicator.unit_of_measure,
                "reached": value is not None and target is not None and value >= target,
            }
        )
    return rows


@login_required
@get_or_post
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """A realisation as the assessors see it: values against targets, every evidence item
    with its preview and its reuse elsewhere, the earlier reviews; for an assessor of the
    unit and year, the decision (verify, or return with a comment per item) and reopening.
    Every reader of the unit may open it; only an assessor may decide."""
    obj = _load_realisation(request, pk)
    may_verify = request.user.has_perm(VERIFY_REALISATION, obj)
    if request.method == "POST" and not may_verify:
        raise PermissionDenied
    evidence = obj.current_evidence
    form = ReviewForm(
        request.POST if request.method == "POST" and "decision" in request.POST else None,
        evidence=evidence,
        initial={"version": obj.version},
    )
    reopen_form = ReopenForm(
        request.POST if request.method == "POST" and "reason" in request.POST else None,
        initial={"version": obj.version},
    )
    if request.method == "POST":
        outcome = _decide(request, obj, form, reopen_form)
        if outcome is not None:
            return outcome

    indicators = _indicators(obj.period)
    rows = _evidence_rows(evidence)
    fields = form.item_fields()
    for row in rows:
        row["accept_field"], row["note_field"] = fields[row["item"].pk]
    reviews = list(
        obj.reviews.select_related("reviewer")
        .prefetch_related(
            Prefetch("items", queryset=EvidenceReview.objects.select_related("evidence"))
        )
        .order_by("-created_at", "-pk")
    )
    for row in reviews:
        row.reviewer_name = person_name(row.reviewer)
    earlier = list(
        Evidence.objects.filter(realisation=obj, is_current=False)
        .select_related("file", "replaced_by")
        .order_by("uploaded_at", "pk")
    )
    separation = obj.submitted_by_id == request.user.pk and request.user.is_authenticated
    context = {
        **_item_context(obj.period),
        "realisation": obj,
        "value_rows": _value_rows(obj, indicators),
        "evidence_rows": rows,
        "earlier_evidence": earlier,
        "reviews": reviews,
        "form": form,
        "reopen_form": reopen_form,
        "may_decide": services.may(request.user, services.VERIFY, obj),
        "may_reopen": services.may(request.user, services.REOPEN, obj),
        "may_verify": may_verify,
        "separation": separation and may_verify,
        "submitted_by_name": person_name(obj.submitted_by) if obj.submitted_by_id else "",
        "may_edit": services.may_edit(request.user, obj, obj.period),
        "postponed_label": services.month_name(obj.postponed_to) if obj.postponed_to else "",
    }
    return render(request, "work/review.html", context)


def _decide(request, obj: Realisation, form: ReviewForm, reopen_form: ReopenForm):
    """Take the decision the POST asks for; a redirect when done or refused, None to show
    the form again with its errors."""
    if "reason" in request.POST:
        if not reopen_form.is_valid():
            return None
        call = lambda: services.reopen(  # noqa: E731
            request.user,
            obj,
            reopen_form.cleaned_data["reason"],
            expected_version=reopen_form.cleaned_data.get("version"),
        )
        target_form, done = reopen_form, _("Verifikasi dibuka kembali; realisasi dikembalikan.")
    else:
        if not form.is_valid():
            return None
        decision = form.cleaned_data["decision"]
        service = services.verify if decision == "verify" else services.return_
        call = lambda: service(  # noqa: E731
            request.user,
            obj,
            form.cleaned_data.get("comment", ""),
            form.notes(),
            expected_version=form.cleaned_data.get("version"),
        )
        target_form = form
        done = (
            _("Realisasi terverifikasi.")
            if decision == "verify"
            else _("Realisasi dikembalikan kepada pelapor.")
        )
    try:
        call()
    except ValidationError as error:
        _add_errors(target_form, error)
        return None
    except services.RealisationError as error:
        messages.error(request, error.message)
        return redirect("work:review", pk=obj.pk)
    messages.success(request, done)
    return redirect("work:review", pk=obj.pk)


def _add_errors(form, error: ValidationError) -> None:
    for key, messages_ in _error_dict(error).items():
        for message in messages_:
            form.add_error(key if key in form.fields else None, message)
