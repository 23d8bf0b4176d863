"""Downloads of the official reports. Every object is loaded through the access layer (an
object the user may not see is a 404); every download is an attachment, never cached by
shared caches, and recorded in the audit trail as ``report.downloaded``.

* ``rencana/<pk>/laporan-monev/<quarter>/<fmt>/``: the quarterly Laporan Monitoring dan
  Evaluasi (``fmt`` pdf, docx or xlsx; ``?kertas=a4|f4``), for whoever may read the plan;
* ``rencana/<pk>/portal-rb/``: the plan in the Portal RB "RB General" import template
  (``?varian=realisasi``: with the quarters' realisation), for whoever may read the plan;
* ``rencana/<pk>/lke/``: the LKE worksheet of the plan's unit and year (``?kerangka=CODE``
  when it has several), and ``lke/<pk>/unduh/`` of one assessment, for its readers;
* ``laporan/rekap/<unit pk>/<year>/``: the recap of a KPU Provinsi's regencies or of every
  unit below KPU RI, for a reader of that unit; it lists only the units the reader may see.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from renaksi.access.policy import (
    VIEW_PLAN,
    assessments_visible_to,
    get_for_user,
    get_plan_for_user,
    units_visible_to,
)
from renaksi.audit.services import record
from renaksi.evaluation.models import Assessment, Framework
from renaksi.exports.paper import PAPERS
from renaksi.units.models import Unit

from .errors import ReportError
from .lke import lke_workbook
from .portal import portal_workbook
from .quarterly import quarterly_report
from .recap import recap_workbook, units_below
from .render import CONTENT_TYPES, FORMATS, render

VARIANTS = {"rencana": False, "realisasi": True}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-") or "satker"


def _attachment(data: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _paper(request: HttpRequest):
    code = request.GET.get("kertas", "a4").lower()
    if code not in PAPERS:
        raise BadRequest(
            _("Ukuran kertas '%(paper)s' tidak dikenal: pilih a4 atau f4.") % {"paper": code}
        )
    return PAPERS[code]


@login_required
@require_GET
def quarterly(request: HttpRequest, pk: int, quarter: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS or quarter not in (1, 2, 3, 4):
        raise Http404
    paper = _paper(request)
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    # An official document: in Indonesian whatever the reader's language.
    with translation.override("id"):
        try:
            report = quarterly_report(plan, quarter)
        except ReportError as error:
            raise BadRequest(error.message) from error
        data = render(report, fmt, paper)
    record(
        request.user,
        "report.downloaded",
        plan=plan,
        obj=plan,
        report="monev",
        quarter=quarter,
        format=fmt,
        paper=paper.code,
    )
    suffix = "" if paper.code == "a4" else f"-{paper.code}"
    return _attachment(data, f"{report.filename}{suffix}.{fmt}", fmt)


@login_required
@require_GET
def portal(request: HttpRequest, pk: int) -> HttpResponse:
    variant = request.GET.get("varian", "rencana")
    if variant not in VARIANTS:
        raise BadRequest(_("Varian harus 'rencana' atau 'realisasi'."))
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    data = portal_workbook(plan, realisation=VARIANTS[variant])
    record(
        request.user, "report.downloaded", plan=plan, obj=plan, report="portal_rb", variant=variant
    )
    name = f"portal-rb-general-{_slug(plan.unit.code)}-{plan.year}"
    if VARIANTS[variant]:
        name += "-realisasi"
    return _attachment(data, f"{name}.xlsx", "xlsx")


def _lke_response(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    try:
        data = lke_workbook(assessment)
    except ReportError as error:
        raise BadRequest(error.message) from error
    record(
        request.user,
        "report.downloaded",
        plan=assessment.plan,
        unit=assessment.unit,
        obj=assessment,
        report="lke",
        framework=assessment.framework.code,
    )
    name = f"lke-{_slug(assessment.framework.code)}-{_slug(assessment.unit.code)}-{assessment.year}"
    return _attachment(data, f"{name}.xlsx", "xlsx")


@login_required
@require_GET
def lke(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(
        request.user,
        assessments_visible_to(request.user).select_related("unit", "framework", "plan"),
        pk=pk,
    )
    return _lke_response(request, assessment)


@login_required
@require_GET
def plan_lke(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    assessments = assessments_visible_to(request.user).filter(unit=plan.unit, year=plan.year)
    code = request.GET.get("kerangka")
    if code:
        assessments = assessments.filter(framework__code=code)
    assessment = (
        assessments.select_related("unit", "framework", "plan").order_by("-updated_at").first()
    )
    if assessment is None:
        raise Http404(_("Belum ada lembar kerja evaluasi untuk rencana aksi ini."))
    return _lke_response(request, assessment)


@login_required
@require_GET
def recap(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    visible = units_visible_to(request.user)
    root = get_for_user(request.user, visible, pk=pk)
    if root.level == Unit.Level.KABUPATEN_KOTA or not 2010 <= year <= 2100:
        raise Http404
    framework = None
    code = request.GET.get("kerangka")
    if code:
        framework = Framework.objects.filter(code=code).first()
        if framework is None:
            raise BadRequest(_("Kerangka evaluasi '%(code)s' tidak ada.") % {"code": code})
    units = units_below(root, visible)
    data = recap_workbook(root, year, units, framework=framework)
    record(
        request.user,
        "report.downloaded",
        unit=root,
        obj=root,
        report="recap",
        year=year,
        units=len(units),
    )
    return _attachment(data, f"rekap-monev-{_slug(root.code)}-{year}.xlsx", "xlsx")
