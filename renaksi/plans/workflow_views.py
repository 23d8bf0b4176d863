"""Pages of the status workflow (confirmation pages, note and reason forms) and the history.

Every transition has one URL: GET shows what will happen (with the open findings, and the
note or reason to write), POST does it through ``renaksi.plans.workflow``. The page carries
the plan's version, so a decision on a plan that changed since is refused with a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renaksi.access.policy import VIEW_PLAN, get_plan_for_user
from renaksi.audit.history import KIND_LABELS, actions_of_kind, history_rows, person_name
from renaksi.audit.models import LogEntry
from renaksi.core.decorators import get_or_post
from renaksi.core.validators import TextFieldsMixin

from .models import ImportFinding
from .workflow import (
    APPROVE,
    REOPEN,
    REOPEN_REASON_MAX_LENGTH,
    RETURN,
    RETURN_NOTE_MAX_LENGTH,
    SUBMIT,
    TRANSITIONS,
    WITHDRAW,
    WorkflowError,
    approve_plan,
    reopen_plan,
    return_plan,
    submit_plan,
    withdraw_submission,
)

HISTORY_PER_PAGE = 50


class DecisionForm(TextFieldsMixin, forms.Form):
    # The plan's version the page showed; without it (a client of its own) nothing is compared.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class ReturnForm(DecisionForm):
    note = forms.CharField(
        label=gettext_lazy("Catatan untuk sekretariat"),
        max_length=RETURN_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Apa yang perlu diperbaiki. Paling banyak %(limit)s karakter.")
        % {"limit": RETURN_NOTE_MAX_LENGTH},
        error_messages={"required": gettext_lazy("Tuliskan catatan: apa yang perlu diperbaiki.")},
    )


class ReopenForm(DecisionForm):
    reason = forms.CharField(
        label=gettext_lazy("Alasan membuka kembali"),
        max_length=REOPEN_REASON_MAX_LENGTH,
        help_text=gettext_lazy(
            "Misalnya: keputusan perubahan Nomor … Paling banyak %(limit)s karakter."
        )
        % {"limit": REOPEN_REASON_MAX_LENGTH},
        error_messages={"required": gettext_lazy("Tuliskan alasan membuka kembali.")},
    )


# action → (form, what the service is called with, the page's explanation, success message)
PAGES = {
    SUBMIT: (
        DecisionForm,
        lambda user, plan, data, version: submit_plan(user, plan, expected_version=version),
        gettext_lazy(
            "Rencana aksi dikirim ke Tim Pengarah untuk disetujui. Selama diajukan, rencana "
            "aksi tidak dapat diubah atau diimpor ulang; pengajuan dapat ditarik kembali "
            "selama Tim Pengarah belum memutuskan."
        ),
        gettext_lazy("Rencana aksi diajukan ke Tim Pengarah."),
    ),
    WITHDRAW: (
        DecisionForm,
        lambda user, plan, data, version: withdraw_submission(user, plan, expected_version=version),
        gettext_lazy(
            "Pengajuan ditarik kembali sebelum Tim Pengarah memutuskan. Rencana aksi kembali "
            "menjadi draf dan dapat diubah, lalu diajukan lagi."
        ),
        gettext_lazy("Pengajuan ditarik kembali; rencana aksi kembali menjadi draf."),
    ),
    RETURN: (
        ReturnForm,
        lambda user, plan, data, version: return_plan(
            user, plan, data["note"], expected_version=version
        ),
        gettext_lazy(
            "Rencana aksi dikembalikan ke sekretariat untuk diperbaiki. Catatan Anda tampil "
            "pada halaman rencana aksi sampai rencana aksi diajukan lagi, dan tetap tercatat "
            "dalam riwayat."
        ),
        gettext_lazy("Rencana aksi dikembalikan ke sekretariat dengan catatan."),
    ),
    APPROVE: (
        DecisionForm,
        lambda user, plan, data, version: approve_plan(user, plan, expected_version=version),
        gettext_lazy(
            "Rencana aksi ditetapkan atas nama Tim Pengarah. Setelah ditetapkan, rencana aksi "
            "tidak dapat diubah atau diimpor ulang, kecuali Tim Pengarah membukanya kembali "
            "dengan alasan."
        ),
        gettext_lazy("Rencana aksi disetujui dan ditetapkan."),
    ),
    REOPEN: (
        ReopenForm,
        lambda user, plan, data, version: reopen_plan(
            user, plan, data["reason"], expected_version=version
        ),
        gettext_lazy(
            "Persetujuan ditarik: rencana aksi kembali menjadi draf sehingga sekretariat dapat "
            "mengubahnya, lalu mengajukannya lagi. Persetujuan sebelumnya dan alasan Anda "
            "tetap tercatat dalam riwayat."
        ),
        gettext_lazy("Rencana aksi dibuka kembali dan menjadi draf."),
    ),
}


def _open_findings(plan) -> list[tuple[str, str, int]]:
    """(severity, label, number still open), most serious first, in one query."""
    counts = dict(
        ImportFinding.objects.filter(plan=plan, confirmed_at__isnull=True, resolution="")
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    return [
        (value, label, counts.get(value, 0))
        for value, label in reversed(ImportFinding.Severity.choices)
    ]


@login_required
@get_or_post
def transition_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    transition = TRANSITIONS[action]
    plan = get_plan_for_user(request.user, pk, perm=transition.permission)
    form_class, call, explanation, done = PAGES[action]
    error = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                call(request.user, plan, form.cleaned_data, form.cleaned_data["version"])
            except WorkflowError as refused:
                error = refused.message
                plan.refresh_from_db()
                # Show the page again for the plan as it is now.
                form = form_class(
                    initial={**form.cleaned_data, "version": plan.version},
                )
            else:
                messages.success(request, done)
                return redirect("plans:detail", pk=plan.pk)
    else:
        form = form_class(initial={"version": plan.version})
    allowed_now = plan.status in transition.sources
    if not allowed_now and error is None:
        error = _("Tindakan ini tidak dapat dilakukan sekarang.") + " " + str(transition.rule)
    open_findings = _open_findings(plan) if action in (SUBMIT, APPROVE) else []
    return render(
        request,
        "plans/workflow_confirm.html",
        {
            "plan": plan,
            "action": action,
            "transition": transition,
            "form": form,
            "explanation": explanation,
            "error": error,
            "allowed_now": allowed_now,
            "open_findings": open_findings,
            "blocking": sum(n for severity, _label, n in open_findings if severity == "error"),
            "submitted_by": person_name(plan.submitted_by)
            if action in (RETURN, APPROVE, WITHDRAW) and plan.submitted_by_id
            else "",
        },
        status=200,
    )


@login_required
def history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every audit entry of the plan, newest first, filtered by kind of change and person."""
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    entries = LogEntry.objects.filter(plan=plan)
    kind = request.GET.get("jenis", "")
    if kind in KIND_LABELS:
        entries = entries.filter(action__in=actions_of_kind(kind))
    else:
        kind = ""
    person = request.GET.get("orang", "")
    if person == "sistem":
        entries = entries.filter(actor__isnull=True)
    elif person.isdigit():
        entries = entries.filter(actor_id=int(person))
    else:
        person = ""
    page = Paginator(
        entries.select_related("actor", "object_type").order_by("-created_at", "-id"),
        HISTORY_PER_PAGE,
    ).get_page(request.GET.get("halaman"))
    rows = history_rows(
        page.object_list,
        time_zone=plan.unit.time_zone,
        zone_label=plan.unit.zone_abbreviation,
        schedule_kind=plan.schedule_kind,
        subject=plan,
    )
    people = [
        (str(user.pk), person_name(user))
        for user in get_user_model()
        .objects.filter(pk__in=LogEntry.objects.filter(plan=plan).values("actor_id"))
        .order_by("first_name", "last_name", "username")
    ]
    return render(
        request,
        "plans/plan_history.html",
        {
            "plan": plan,
            "page": page,
            "rows": rows,
            "kinds": [(key, str(label)) for key, label in KIND_LABELS.items()],
            "kind": kind,
            "people": people,
            "person": person,
            "filtered": bool(kind or person),
        },
    )
