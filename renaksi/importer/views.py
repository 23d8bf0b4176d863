"""The browser import: upload a decree, review its reading, save it; download a plan's source.

The flow for a unit (whoever may change its plan, see docs/access.md):

1. ``upload``: one file, checked by size before it is parsed and by content (the parser
   recognises the format); a readable decree is kept as the uploader's ``ImportStaging`` for
   the unit, and the user goes to its preview.
2. ``preview``: the plan tree as read, each finding at its row with its source excerpt and
   position; choices between readings, accepting findings; the differences to the unit's
   plan for that year when there is one. Its POST keeps the choices and acceptances.
3. ``save``: ``import_decree()`` once, then the staging is deleted.

Views parse input, call the importer's services, and render; the services check the user's
right again themselves.
"""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from renaksi.access.policy import (
    CHANGE_PLAN,
    get_for_user,
    get_plan_for_user,
    grants_for,
    units_visible_to,
)
from renaksi.core.decorators import post_only
from renaksi.lib.decree.formats import sniff
from renaksi.lib.decree.model import DecreeError
from renaksi.lib.decree.source import MAX_BYTES
from renaksi.plans.models import ActionPlan
from renaksi.plans.services import confirm_findings
from renaksi.units.models import Unit

from . import services
from .forms import DecreeUploadForm, ReviewForm, TruncatingUploadHandler, describe_error
from .models import ImportStaging
from .preview import build_tree, diff_rows, keyed

FORMAT_LABELS = {
    "text": gettext_lazy("Teks"),
    "xlsx": gettext_lazy("Excel (XLSX)"),
    "docx": gettext_lazy("Word (DOCX)"),
    "pdf": gettext_lazy("PDF"),
}
CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def upload_limit() -> int:
    """The largest decree file accepted, in bytes (``DECREE_UPLOAD_MAX_BYTES``, 5 MB)."""
    return int(getattr(settings, "DECREE_UPLOAD_MAX_BYTES", MAX_BYTES))


def _unit_for_import(user, unit_pk: int) -> Unit:
    """The unit: 404 if the user may not see it, 403 if they may not change its plans."""
    unit = get_for_user(user, units_visible_to(user), pk=unit_pk)
    if not user.has_perm(CHANGE_PLAN, ActionPlan(unit=unit)):
        raise PermissionDenied
    return unit


def _staging(user, unit: Unit) -> ImportStaging | None:
    """The user's own upload for the unit: stagings are private to their uploader."""
    return ImportStaging.objects.filter(user=user, unit=unit).first()


def _confirmed(plan: ActionPlan | None) -> dict[str, str]:
    """Key → who, of the findings confirmed on the saved plan (one query)."""
    if plan is None:
        return {}
    findings = plan.findings.filter(confirmed_at__isnull=False).select_related("confirmed_by")
    return {
        key: (
            finding.confirmed_by.get_full_name() or finding.confirmed_by.get_username()
            if finding.confirmed_by
            else _("(pengguna dihapus)")
        )
        for key, finding in keyed(findings.order_by("line", "id"))
    }


def _plan_version(plan: ActionPlan | None) -> str:
    """A fixed-length digest of the saved plan's state, to notice it changed since shown."""
    if plan is None:
        return ""
    state = f"{plan.pk}:{plan.source_sha256}:{plan.updated_at.isoformat()}"
    return hashlib.sha256(state.encode()).hexdigest()


# -- choosing a unit --------------------------------------------------------------------


@login_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Where "Impor keputusan" leads: the unit to import for (straight on when only one)."""
    if request.GET.get("satker"):
        try:
            unit_pk = int(request.GET["satker"])
        except ValueError as exc:
            raise Http404 from exc
        unit = _unit_for_import(request.user, unit_pk)
        return redirect("importer:upload", unit_pk=unit.pk)
    grants = grants_for(request.user)
    if grants.superuser:
        units = Unit.objects.order_by("code")
    else:
        units = Unit.objects.filter(pk__in=sorted(grants.admin_units)).order_by("code")
    units = list(units.only("pk", "code", "name"))
    if not units:
        raise PermissionDenied
    if len(units) == 1:
        return redirect("importer:upload", unit_pk=units[0].pk)
    return render(request, "importer/start.html", {"units": units})


# -- 1. upload ----------------------------------------------------------------------------


@csrf_exempt  # the upload handlers must be set before the CSRF check reads the body
@login_required
def upload(request: HttpRequest, unit_pk: int) -> HttpResponse:
    request.upload_handlers.insert(0, TruncatingUploadHandler(request, upload_limit()))
    return _upload(request, unit_pk)


@csrf_protect
def _upload(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_for_import(request.user, unit_pk)
    limit = upload_limit()
    if request.method == "POST":
        form = DecreeUploadForm(request.POST, request.FILES, max_bytes=limit)
        if form.is_valid():
            now = timezone.now()
            ImportStaging.objects.stale(now).delete()
            ImportStaging.objects.update_or_create(
                user=request.user,
                unit=unit,
                defaults={
                    "data": form.file_bytes,
                    "sha256": hashlib.sha256(form.file_bytes).hexdigest(),
                    "original_name": form.file_name,
                    "choices": {},
                    "accepted": [],
                    "created_at": now,
                },
            )
            return redirect("importer:preview", unit_pk=unit.pk)
    else:
        form = DecreeUploadForm(max_bytes=limit)
    return render(
        request,
        "importer/upload.html",
        {
            "unit": unit,
            "form": form,
            "limit": filesizeformat(limit),
            "staging": _staging(request.user, unit),
            "plans": list(ActionPlan.objects.filter(unit=unit).order_by("-year").only("year")),
        },
    )


# -- 2. preview ---------------------------------------------------------------------------


def _render_preview(request, unit, staging, *, form=None, preview=None, error="", status=200):
    """The preview page of ``staging`` (read again with its choices)."""
    if preview is None:
        try:
            preview = services.preview_import(staging.content, unit=unit, choices=staging.choices)
        except DecreeError as exc:
            return render(
                request,
                "importer/preview.html",
                {"unit": unit, "staging": staging, "read_error": describe_error(exc)},
                status=status,
            )
    accepted = set(form.cleaned_data["terima"]) if form is not None and form.is_bound else None
    tree = build_tree(
        preview.decree,
        set(staging.accepted) if accepted is None else accepted,
        _confirmed(preview.existing),
    )
    review = ReviewForm(
        tree=tree,
        initial={"berkas": staging.sha256, "rencana": _plan_version(preview.existing)},
    )
    blocked = bool(tree.error_count or preview.refusal)
    return render(
        request,
        "importer/preview.html",
        {
            "unit": unit,
            "staging": staging,
            "preview": preview,
            "decree": preview.decree,
            "format_label": FORMAT_LABELS.get(
                preview.decree.source_format, preview.decree.source_format
            ),
            "counts": preview.decree.counts(),
            "tree": tree,
            "form": review,
            "existing": preview.existing,
            "diff": preview.diff,
            "diff_rows": {
                "added": diff_rows(preview.diff.added),
                "removed": diff_rows(preview.diff.removed),
                "changed": diff_rows(preview.diff.header + preview.diff.changed),
            }
            if preview.diff is not None
            else None,
            "unchanged": preview.unchanged,
            "blocked": blocked,
            "error": error,
        },
        status=status,
    )


def _review_form(request, unit, staging):
    """The posted review form, bound to the reading the user was shown."""
    preview = services.preview_import(staging.content, unit=unit, choices=staging.choices)
    tree = build_tree(preview.decree, set(staging.accepted), _confirmed(preview.existing))
    return preview, tree, ReviewForm(request.POST, tree=tree)


@login_required
def preview(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_for_import(request.user, unit_pk)
    staging = _staging(request.user, unit)
    if staging is None:
        messages.info(request, _("Belum ada berkas yang diunggah untuk satker ini."))
        return redirect("importer:upload", unit_pk=unit.pk)
    if request.method != "POST":
        return _render_preview(request, unit, staging)
    try:
        _shown, tree, form = _review_form(request, unit, staging)
    except DecreeError:
        return _render_preview(request, unit, staging)
    if not form.is_valid() or form.cleaned_data["berkas"] != staging.sha256:
        messages.error(request, _("Formulir pratinjau sudah tidak berlaku; periksa lagi."))
        return redirect("importer:preview", unit_pk=unit.pk)
    accepted = set(form.cleaned_data["terima"])
    action = request.POST.get("aksi")
    if action == "info":
        accepted |= set(tree.info_keys)
    if action == "awal":
        staging.choices = {}
    else:
        # Kept: choices made earlier whose finding this reading no longer shows.
        staging.choices = {**staging.choices, **form.changed_choices()}
    staging.accepted = sorted(accepted)
    staging.save(update_fields=["choices", "accepted"])
    return redirect(reverse("importer:preview", args=[unit.pk]) + "#temuan")


# -- 3. save ------------------------------------------------------------------------------


def _preview_page(request: HttpRequest, unit_pk: int) -> str:
    """Where saving and discarding live: the preview (which sends on to the upload page when
    nothing is staged)."""
    return reverse("importer:preview", args=[unit_pk])


@login_required
@post_only(_preview_page)
def save(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_for_import(request.user, unit_pk)
    staging = _staging(request.user, unit)
    if staging is None:
        messages.info(request, _("Belum ada berkas yang diunggah untuk satker ini."))
        return redirect("importer:upload", unit_pk=unit.pk)
    try:
        shown, tree, form = _review_form(request, unit, staging)
    except DecreeError:
        return _render_preview(request, unit, staging)
    if not form.is_valid():
        messages.error(request, _("Formulir pratinjau sudah tidak berlaku; periksa lagi."))
        return redirect("importer:preview", unit_pk=unit.pk)
    if form.cleaned_data["berkas"] != staging.sha256:
        messages.error(
            request, _("Berkas yang dipratinjau sudah diganti dengan unggahan lain; periksa lagi.")
        )
        return redirect("importer:preview", unit_pk=unit.pk)
    if form.changed_choices():
        # A reading was picked but not applied: show it before saving anything.
        staging.choices = {**staging.choices, **form.changed_choices()}
        staging.accepted = sorted(form.cleaned_data["terima"])
        staging.save(update_fields=["choices", "accepted"])
        messages.info(request, _("Pilihan bacaan diterapkan. Periksa pratinjau, lalu simpan lagi."))
        return redirect("importer:preview", unit_pk=unit.pk)
    if form.cleaned_data["rencana"] != _plan_version(shown.existing):
        messages.error(
            request,
            _("Rencana aksi satker ini berubah sejak pratinjau dibuka; periksa perbedaannya lagi."),
        )
        return redirect("importer:preview", unit_pk=unit.pk)

    accepted = set(form.cleaned_data["terima"])
    staging.accepted = sorted(accepted)
    staging.save(update_fields=["accepted"])
    tree = build_tree(shown.decree, accepted, _confirmed(shown.existing))
    if tree.error_count or shown.refusal:
        return _render_preview(
            request,
            unit,
            staging,
            form=form,
            preview=shown,
            error=_("Rencana aksi belum dapat disimpan: perbaiki kesalahan pada berkas sumber."),
        )
    if tree.unaccepted:
        return _render_preview(
            request,
            unit,
            staging,
            form=form,
            preview=shown,
            error=_(
                "%(count)s temuan belum diterima. Periksa setiap temuan yang ditandai, "
                "centang “Terima”, lalu simpan lagi."
            )
            % {"count": len(tree.unaccepted)},
        )
    try:
        with transaction.atomic():
            result = services.import_decree(
                staging.content,
                unit=unit,
                filename=staging.original_name,
                replace=shown.existing is not None,
                user=request.user,
                choices=staging.choices,
            )
            confirmed = _confirm_accepted(request.user, result.plan, accepted)
            staging.delete()
    except DecreeError as exc:
        return _render_preview(
            request, unit, staging, form=form, preview=shown, error=describe_error(exc)
        )
    except services.ImportRefused as exc:
        return _render_preview(request, unit, staging, form=form, preview=shown, error=exc.message)
    counts = result.decree.counts()
    text = {
        "created": _("Rencana aksi disimpan dari %(name)s"),
        "replaced": _("Rencana aksi diperbarui dari %(name)s"),
        "unchanged": _(
            "Berkas %(name)s sama dengan sumber rencana aksi ini; tidak ada yang berubah"
        ),
    }.get(result.status, _("Rencana aksi disimpan dari %(name)s")) % {"name": staging.original_name}
    messages.success(
        request,
        _(
            "%(text)s: %(areas)s area, %(activities)s kegiatan, %(subs)s sub kegiatan; "
            "%(confirmed)s temuan dikonfirmasi."
        )
        % {
            "text": text,
            "areas": counts["areas"],
            "activities": counts["activities"],
            "subs": counts["sub_activities"],
            "confirmed": confirmed,
        },
    )
    return redirect("plans:detail", pk=result.plan.pk)


def _confirm_accepted(user, plan: ActionPlan, accepted: set[str]) -> int:
    """Record the findings the user accepted in the preview as confirmed by them."""
    findings = plan.findings.filter(confirmed_at__isnull=True).order_by("line", "id")
    chosen = [finding.pk for key, finding in keyed(findings) if key in accepted]
    # Those someone confirmed in the meantime keep their record: theirs stands.
    return len(confirm_findings(user, plan, chosen))


@login_required
@post_only(_preview_page)
def discard(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_for_import(request.user, unit_pk)
    deleted, _rows = ImportStaging.objects.filter(user=request.user, unit=unit).delete()
    if deleted:
        messages.info(request, _("Unggahan dibatalkan; tidak ada yang disimpan."))
    return redirect("importer:upload", unit_pk=unit.pk)


# -- the stored source file -----------------------------------------------------------------


@login_required
@require_GET
def source_file(request: HttpRequest, pk: int) -> FileResponse:
    """The plan's stored decree file, as an attachment, for whoever may read the plan."""
    plan = get_plan_for_user(request.user, pk)
    if not plan.source_file:
        raise Http404
    try:
        with plan.source_file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    try:
        kind = sniff(data)
    except DecreeError:
        kind = ""
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=plan.source_name or plan.source_file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
