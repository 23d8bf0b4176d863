"""The offline worksheet of an assessment: download it as XLSX, upload it filled in.

Both need FILL_ASSESSMENT on the assessment (the unit's administrator, its Tim Pengarah and
Tim Pelaksana of the year): the worksheet carries the unit's own answers and an upload
replaces them. An assessment the user may not see is a 404. The upload is checked by its
content (renaksi/work/files.py ``validate_upload``: a real XLSX, no macros, no zip bomb) and
its size (``RENAKSI_LKE_WORKSHEET_MAX_BYTES``, 5 MB), read whole (every problem listed with
its row and cell) and saved all or nothing (worksheet.import_worksheet).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from renaksi.access.policy import FILL_ASSESSMENT, assessments_visible_to, get_for_user
from renaksi.importer.forms import TruncatingUploadHandler
from renaksi.work import files as file_checks

from . import services
from .scoring import display
from .worksheet import WorksheetError, build_xlsx, import_worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_limit() -> int:
    return int(getattr(settings, "RENAKSI_LKE_WORKSHEET_MAX_BYTES", 5 * 1024 * 1024))


class WorksheetUploadForm(forms.Form):
    berkas = forms.FileField(
        label=gettext_lazy("Lembar kerja yang sudah diisi (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Pilih lembar kerja untuk diunggah."),
            "empty": gettext_lazy("Berkas yang diunggah kosong."),
        },
    )

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        limit = upload_limit()
        if upload.size > limit:
            raise ValidationError(
                _("Berkas terlalu besar: lembar kerja paling besar %(limit)s.")
                % {"limit": filesizeformat(limit).replace("\xa0", " ")}
            )
        checked = file_checks.validate_upload(upload)
        if checked.file_type != "xlsx":
            raise ValidationError(
                _("Berkas “%(name)s” bukan lembar kerja Excel (.xlsx).")
                % {"name": checked.safe_name}
            )
        return checked


def _assessment(request: HttpRequest, pk: int):
    return get_for_user(
        request.user,
        assessments_visible_to(request.user).select_related(*services.ASSESSMENT_RELATED),
        perm=FILL_ASSESSMENT,
        pk=pk,
    )


def _file_name(assessment) -> str:
    return (
        f"lke-{slugify(assessment.framework.code)}-{slugify(assessment.unit.code)}-"
        f"{assessment.year}.xlsx"
    )


@login_required
@require_GET
def worksheet_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    data = build_xlsx(assessment.framework, assessment=assessment)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(assessment)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body
@login_required
@require_http_methods(["GET", "POST"])
def worksheet(request: HttpRequest, pk: int) -> HttpResponse:
    request.upload_handlers.insert(0, TruncatingUploadHandler(request, upload_limit()))
    return _worksheet(request, pk)


@csrf_protect
def _worksheet(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        form = WorksheetUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = import_worksheet(
                    request.user, assessment, form.cleaned_data["berkas"].data
                )
            except WorksheetError as error:
                problems = error.messages
                status = 400
            except services.AssessmentError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Lembar kerja diimpor: %(saved)s jawaban disimpan, %(unchanged)s tidak "
                        "berubah, %(empty)s butir kosong (tidak diubah). Indeks sekarang "
                        "%(index)s."
                    )
                    % {
                        "saved": len(result.saved),
                        "unchanged": len(result.unchanged),
                        "empty": len(result.empty),
                        "index": number_format(display(result.index), 2)
                        if result.index is not None
                        else "–",
                    },
                )
                return redirect("evaluation:worksheet", pk=assessment.pk)
        else:
            status = 400
    else:
        form = WorksheetUploadForm()
    return render(
        request,
        "evaluation/worksheet.html",
        {
            "assessment": assessment,
            "form": form,
            "problems": problems,
            "limit": filesizeformat(upload_limit()),
        },
        status=status,
    )
