"""Evidence files over HTTP: download, preview, thumbnail, and the staging upload.

Every view loads the evidence item through the access layer (``evidence_visible_to`` and
VIEW_EVIDENCE): an item the user may not read is a 404, never a storage path. Files are read
from ``evidence_storage()`` and streamed by Django, whatever the storage (local or S3):

* ``evidence_download``: always an attachment, with the content type of the checked type,
  ``X-Content-Type-Options: nosniff``, a sandboxing CSP, and an RFC 6266 file name built from
  the sanitised original name with the real type's extension;
* ``evidence_preview``: inline, only for PDF, JPEG and PNG, under
  ``Content-Security-Policy: sandbox`` (no script runs, even in a PDF viewer), framable by
  Renaksi's own pages only;
* ``evidence_thumbnail``: the small JPEG stored next to the file;
* ``upload_stage``: POST one file (field ``file``) and the target period (field ``period``,
  a SchedulePeriod pk) by XHR; ADD_EVIDENCE on the period's sub-activity or change agent's
  action; the file passes ``validate_upload`` and is stored, and a ``StagedUpload`` for this
  user only is answered as JSON ``{"id", "name", "size"}``, an error as ``{"error"}`` with a
  4xx status. Refused before the body is read when it is too big or the person has sent too
  many files lately.

A link item or a generated entry (EvidenceFile.generated, from generate_national) is never
served as a file: a page says why.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from renaksi.access.policy import (
    ADD_EVIDENCE,
    VIEW_EVIDENCE,
    evidence_visible_to,
    get_for_user,
    schedule_periods_visible_to,
)
from renaksi.audit.services import record

from .files import (
    PREVIEWABLE,
    StoredFiles,
    download_name,
    evidence_storage,
    max_bytes,
    store_checked,
    validate_upload,
)
from .models import Evidence, StagedUpload

logger = logging.getLogger(__name__)

# Room for the multipart envelope and the other fields of a staging request.
STAGE_OVERHEAD = 64 * 1024
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
PREVIEW_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)


# -- reading -----------------------------------------------------------------------------


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    return get_for_user(
        request.user,
        evidence_visible_to(request.user).select_related("file"),
        perm=VIEW_EVIDENCE,
        pk=pk,
    )


def _unavailable(request: HttpRequest, evidence: Evidence, message: str) -> HttpResponse:
    response = render(
        request,
        "work/evidence_unavailable.html",
        {
            "message": message,
            "evidence_title": evidence.title,
            "home_url": reverse("plans:list"),
            "back_url": "",
        },
        status=404,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _servable(request: HttpRequest, evidence: Evidence) -> HttpResponse | None:
    """A page saying why this item has no file to send, or None when it has one."""
    if evidence.file_id is None:
        return _unavailable(request, evidence, _("Bukti dukung ini berupa tautan, bukan berkas."))
    if evidence.file.generated:
        return _unavailable(
            request,
            evidence,
            _(
                "Berkas ini adalah data bangkitan untuk uji skala: isinya tidak tersimpan "
                "dan tidak dapat diunduh."
            ),
        )
    return None


def _open(name: str):
    try:
        return evidence_storage().open(name, "rb")
    except (FileNotFoundError, OSError):
        logger.error("Evidence file %s is missing from the storage", name)
        return None
    except Exception:  # S3 errors (botocore) and the like
        logger.exception("Evidence file %s could not be read", name)
        return None


def _missing(request: HttpRequest, evidence: Evidence) -> HttpResponse:
    return _unavailable(
        request,
        evidence,
        _("Berkas ini tidak ditemukan di penyimpanan. Hubungi administrator Renaksi."),
    )


def _headers(response: HttpResponse, csp: str) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = csp
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    refusal = _servable(request, evidence)
    if refusal is not None:
        return refusal
    stored = evidence.file
    handle = _open(stored.file.name)
    if handle is None:
        return _missing(request, evidence)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence.original_name or evidence.title, stored.file_type),
        content_type=stored.content_type,
    )
    response["Content-Length"] = str(stored.size)
    return _headers(response, DOWNLOAD_CSP)


@login_required
@require_safe
def evidence_preview(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    refusal = _servable(request, evidence)
    if refusal is not None:
        return refusal
    stored = evidence.file
    if stored.file_type not in PREVIEWABLE:
        return _unavailable(
            request,
            evidence,
            _(
                "Pratinjau hanya tersedia untuk PDF, JPG dan PNG. Unduh berkas ini untuk "
                "membukanya."
            ),
        )
    handle = _open(stored.file.name)
    if handle is None:
        return _missing(request, evidence)
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=download_name(evidence.original_name or evidence.title, stored.file_type),
        content_type=stored.content_type,
    )
    response["Content-Length"] = str(stored.size)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return _headers(response, PREVIEW_CSP)


@login_required
@require_safe
def evidence_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    refusal = _servable(request, evidence)
    if refusal is not None:
        return refusal
    name = evidence.file.thumbnail.name
    if not name:
        return _unavailable(request, evidence, _("Berkas ini tidak memiliki gambar kecil."))
    handle = _open(name)
    if handle is None:
        return _missing(request, evidence)
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Frame-Options"] = "SAMEORIGIN"
    return _headers(response, PREVIEW_CSP)


# -- staging -----------------------------------------------------------------------------


class _LimitedUploadHandler(FileUploadHandler):
    """Stops taking a file as soon as it passes the size limit (the rest of the body, at
    most STAGE_OVERHEAD bytes past the limit by the Content-Length check, is discarded)."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": str(message)}, status=status)


def _too_big_message(limit: int) -> str:
    return _("Berkas terlalu besar: paling besar %(limit)s.") % {
        "limit": filesizeformat(limit).replace("\xa0", " ")
    }


def _too_many(request: HttpRequest) -> bool:
    """Count this staging request; True when the person already sent the most allowed in
    the current window (RENAKSI_EVIDENCE_STAGE_LIMIT per ..._MINUTES)."""
    window = settings.RENAKSI_EVIDENCE_STAGE_LIMIT_MINUTES * 60
    key = f"renaksi:upload-stage:{request.user.pk}:{int(time.time()) // window}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > settings.RENAKSI_EVIDENCE_STAGE_LIMIT


@csrf_exempt  # checked below, after the upload handlers are in place
@require_POST
def upload_stage(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _error(_("Sesi Anda telah berakhir. Silakan masuk lagi."), 403)
    limit = max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + STAGE_OVERHEAD:
        return _error(_too_big_message(limit))
    if _too_many(request):
        return _error(_("Terlalu banyak unggahan dalam waktu singkat. Coba lagi nanti."), 429)
    handler = _LimitedUploadHandler(request, limit)
    request.upload_handlers.insert(0, handler)
    return _upload_stage(request, handler)


@csrf_protect
def _upload_stage(request: HttpRequest, handler: _LimitedUploadHandler) -> HttpResponse:
    # CSRF was checked by csrf_protect. Parse the body now (through the handlers).
    post, uploads = request.POST, request.FILES.getlist("file")
    if handler.too_big:
        return _error(_too_big_message(handler.limit))
    try:
        period_pk = int(post.get("period", ""))
    except ValueError:
        return _error(_("Periode laporan tidak dikenal."))
    try:
        period = get_for_user(
            request.user,
            schedule_periods_visible_to(request.user).select_related(
                "plan",
                "sub_activity__activity__area__plan",
                "agent_action__agent_plan__plan",
            ),
            pk=period_pk,
        )
    except Http404:
        return _error(_("Periode laporan tidak ditemukan."), 404)
    if not request.user.has_perm(ADD_EVIDENCE, period.item):
        return _error(_("Anda tidak dapat menambahkan bukti dukung pada kegiatan ini."), 403)
    if len(uploads) != 1:
        return _error(_("Kirim tepat satu berkas."))
    try:
        checked = validate_upload(uploads[0])
    except ValidationError as error:
        return _error(error.messages[0])
    with StoredFiles() as stored, transaction.atomic():
        stored_file = store_checked(checked, request.user, stored)
        staged = StagedUpload.objects.create(
            user=request.user, file=stored_file, original_name=checked.safe_name
        )
        record(
            request.user,
            "work.upload_staged",
            plan=period.plan,
            obj=staged,
            name=checked.safe_name,
            sha256=checked.sha256,
            size=checked.size,
            file_type=checked.file_type,
        )
    return JsonResponse(
        {
            "id": staged.pk,
            "name": checked.safe_name,
            "size": checked.size,
            "type": checked.file_type,
        },
        status=201,
    )
