"""Downloads of a plan's official documents: ``/rencana/<pk>/unduh/<fmt>/``.

Query parameters: ``dokumen=lampiran|keputusan`` (default: the Lampiran), ``kertas=a4|f4``
(default A4). The plan is loaded through the access layer (``VIEW_PLAN``); the response is an
attachment with an ASCII file name, never cached by shared caches.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from renaksi.access.policy import VIEW_PLAN, get_plan_for_user
from renaksi.audit.services import record

from .exporters import FORMATS, ExportError, PlanExporter, check_paper

DOCUMENTS = {"lampiran": False, "keputusan": True}


@login_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    document = request.GET.get("dokumen", "lampiran")
    if document not in DOCUMENTS:
        raise BadRequest(_("Dokumen harus 'lampiran' atau 'keputusan'."))
    try:
        paper = check_paper(request.GET.get("kertas", "a4"))
    except ExportError as error:
        raise BadRequest(error.message) from error
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    exporter = PlanExporter.for_plan(plan, whole=DOCUMENTS[document], paper=paper)
    data = exporter.render(fmt)
    record(
        request.user,
        "plan.exported",
        plan=plan,
        obj=plan,
        format=fmt,
        document=document,
        paper=paper,
    )
    response = HttpResponse(data, content_type=exporter.content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename(fmt)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
