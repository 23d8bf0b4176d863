"""The public documents of a column: rendered from the data when first asked for, then kept
in the cache (``CACHE_SECONDS`` × 12) under the publication's and the plan's versions, so a
crowd of visitors renders each PDF once. Evidence files are streamed from the storage.

Every call re-checks that the document is public now (``public.documents``): a monitoring
package reopened, evidence returned, a box unticked, or the column withdrawn is a 404.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.utils import translation

from renaksi.access.policy import evidence_public
from renaksi.exports.exporters import PlanExporter
from renaksi.reports.quarterly import quarterly_report
from renaksi.reports.render import render
from renaksi.work.files import download_name, evidence_storage

from .models import Publication
from .public import CACHE_SECONDS, documents

DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
KEEP_SECONDS = CACHE_SECONDS * 12


def _headers(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "public, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _rendered(publication: Publication, name: str) -> tuple[bytes, str]:
    plan = publication.plan
    plan.unit = publication.unit
    code = publication.unit.code
    if name in ("keputusan", "lampiran"):
        exporter = PlanExporter.for_plan(plan, whole=name == "keputusan")
        return exporter.render("pdf"), exporter.filename("pdf")
    quarter = int(name.removeprefix("monev-tw"))
    # An official document: in Indonesian whatever the visitor's language.
    with translation.override("id"):
        report = quarterly_report(plan, quarter, names=publication.show_names)
        data = render(report, "pdf")
    return data, f"laporan-monev-{code}-{publication.year}-tw{quarter}.pdf"


def response_for(publication: Publication, name: str) -> HttpResponse:
    offered = {doc.name: doc for doc in documents(publication)}
    doc = offered.get(name)
    if doc is None:
        raise Http404
    if doc.kind == "bukti":
        return _evidence(publication, int(name.removeprefix("bukti-")))
    key = (
        f"renaksi:publik:doc:{publication.pk}:{publication.version}:"
        f"{publication.plan.version}:{name}"
    )
    cached = cache.get(key)
    if cached is None:
        cached = _rendered(publication, name)
        cache.set(key, cached, KEEP_SECONDS)
    data, filename = cached
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _headers(response)


def _evidence(publication: Publication, pk: int) -> HttpResponse:
    item = evidence_public(publication).select_related("file").filter(pk=pk).first()
    if item is None or item.file is None or item.file.generated:
        raise Http404
    try:
        handle = evidence_storage().open(item.file.file.name, "rb")
    except Exception as exc:  # missing in the storage: nothing to give
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(item.title, item.file.file_type),
        content_type=item.file.content_type,
    )
    response["Content-Length"] = str(item.file.size)
    return _headers(response)
