"""The publication pages (namespace ``publication``).

* ``manage`` — ``/rencana/<pk>/publikasi/``: the unit's administrator publishes the plan,
  chooses what is shown, and withdraws it (``PUBLISH_PLAN``: a reader of the plan without it
  gets 403, anyone else 404);
* ``index``, ``page``, ``embed``, ``feed``, ``document`` — ``/publik/…``: no sign-in; 404 for
  a unit and year that is not published (never published, withdrawn, plan not set). The
  embed may be framed by any site (its own CSP ``frame-ancestors *``, no X-Frame-Options);
  the feed is JSON any site may read (``Access-Control-Allow-Origin: *``, no credentials).
  Every public view counts requests per client (``PUBLIC_LIMIT_PER_MINUTE``: 429 beyond it).
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from renaksi.access.policy import PUBLISH_PLAN, VIEW_PLAN, get_plan_for_user
from renaksi.accounts.lockout import client_address
from renaksi.audit.history import history_rows
from renaksi.audit.models import LogEntry
from renaksi.plans.lampiran import period_headers

from . import public
from .downloads import response_for
from .forms import PublishForm, WithdrawForm
from .models import Publication
from .services import (
    PUBLISHABLE_STATUSES,
    Choices,
    PublicationError,
    accepted_quarters,
    publish,
    publishable_evidence,
    withdraw,
)

# -- rate limit of the anonymous pages --------------------------------------------------------


def _limit() -> int:
    return getattr(settings, "PUBLIC_LIMIT_PER_MINUTE", 120)


def rate_limited(view):
    """At most ``PUBLIC_LIMIT_PER_MINUTE`` requests per client address and minute (counted
    in the cache); beyond it a 429 with Retry-After."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        window = int(time.time() // 60)
        key = f"renaksi:publik:rate:{client_address(request)}:{window}"
        if cache.add(key, 1, 70):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:
                cache.set(key, 1, 70)
                count = 1
        if count > _limit():
            response = HttpResponse(
                _("Terlalu banyak permintaan. Coba lagi dalam satu menit."),
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(60 - int(time.time()) % 60)
            return response
        return view(request, *args, **kwargs)

    return wrapper


# -- the administrator's page -----------------------------------------------------------------


def _evidence_choices(plan):
    rows = (
        publishable_evidence(plan)
        .select_related("realisation__period", "realisation__sub_activity__activity__area")
        .order_by(
            "realisation__sub_activity__activity__area__number", "realisation__period__period", "pk"
        )
    )
    choices = []
    headers = period_headers(plan)  # JAN … DES or TW I … TW IV, in the reader's language
    for item in rows:
        sub = item.realisation.sub_activity
        where = (
            _("Area %(area)s, %(act)s.%(sub)s, %(month)s")
            % {
                "area": sub.activity.area.number,
                "act": sub.activity.number,
                "sub": sub.number,
                "month": headers[item.realisation.period.period - 1],
            }
            if sub is not None
            else _("Agen perubahan")
        )
        choices.append((item.pk, f"{item.title} ({where})"))
    return choices


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    if not request.user.has_perm(PUBLISH_PLAN, plan):
        raise PermissionDenied
    publication = Publication.objects.filter(plan=plan).first()
    quarters = accepted_quarters(plan)
    evidence = _evidence_choices(plan)
    chosen_evidence = list(publication.evidence.values_list("pk", flat=True)) if publication else []
    initial = {
        "version": publication.version if publication else None,
        "show_plan": publication.show_plan if publication else True,
        "show_progress": publication.show_progress if publication else True,
        "show_names": publication.show_names if publication else False,
        "decree_pdf": publication.decree_pdf if publication else False,
        "lampiran_pdf": publication.lampiran_pdf if publication else True,
        "monev_quarters": publication.monev_quarters if publication else quarters,
        "evidence": chosen_evidence,
    }
    form = PublishForm(initial=initial, quarters=quarters, evidence=evidence)
    withdraw_form = WithdrawForm(initial={"version": publication.version if publication else None})
    error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "withdraw":
            withdraw_form = WithdrawForm(request.POST)
            if withdraw_form.is_valid():
                try:
                    withdraw(
                        request.user,
                        plan,
                        withdraw_form.cleaned_data["reason"],
                        expected_version=withdraw_form.cleaned_data["version"],
                    )
                except PublicationError as exc:
                    error = exc.message
                else:
                    messages.success(
                        request, _("Publikasi ditarik: laman publik tidak dapat dibuka lagi.")
                    )
                    return redirect("publication:manage", pk=plan.pk)
            status = 400
        elif action == "publish":
            form = PublishForm(request.POST, quarters=quarters, evidence=evidence)
            if form.is_valid():
                data = form.cleaned_data
                choices = Choices(
                    show_plan=data["show_plan"],
                    show_progress=data["show_progress"],
                    show_names=data["show_names"],
                    decree_pdf=data["decree_pdf"],
                    lampiran_pdf=data["lampiran_pdf"],
                    monev_quarters=data["monev_quarters"],
                    evidence_ids=data["evidence"],
                )
                try:
                    publish(request.user, plan, choices, expected_version=data["version"])
                except PublicationError as exc:
                    if exc.field and exc.field in form.fields:
                        form.add_error(exc.field, exc.message)
                    else:
                        error = exc.message
                else:
                    messages.success(request, _("Tersimpan. Laman publik menampilkan pilihan ini."))
                    return redirect("publication:manage", pk=plan.pk)
            status = 400
        else:
            error = _("Tindakan tidak dikenal. Muat ulang halaman lalu ulangi.")
            status = 400
    entries = (
        LogEntry.objects.filter(plan=plan, action__startswith="publication.")
        .select_related("actor", "object_type")
        .order_by("-created_at", "-id")[:10]
    )
    rows = history_rows(
        entries,
        time_zone=plan.unit.time_zone,
        zone_label=plan.unit.zone_abbreviation,
        schedule_kind=plan.schedule_kind,
    )
    return render(
        request,
        "publication/manage.html",
        {
            "plan": plan,
            "publication": publication,
            "form": form,
            "withdraw_form": withdraw_form,
            "error": error,
            "publishable": plan.status in PUBLISHABLE_STATUSES,
            "history": rows,
            "public_url": request.build_absolute_uri(
                reverse("publication:page", args=[plan.unit.code, plan.year])
            ),
            "embed_url": request.build_absolute_uri(
                reverse("publication:embed", args=[plan.unit.code, plan.year])
            ),
            "feed_url": request.build_absolute_uri(
                reverse("publication:feed", args=[plan.unit.code, plan.year])
            ),
        },
        status=status,
    )


# -- the public pages ---------------------------------------------------------------------------


def _context(request, publication: Publication) -> dict:
    data = public.page_data(publication)
    code, year = publication.unit.code, publication.year
    return {
        "publication": publication,
        "plan": publication.plan,
        "unit": publication.unit,
        "data": data,
        "months": public.MONTHS,
        "page_url": reverse("publication:page", args=[code, year]),
        "embed_url": reverse("publication:embed", args=[code, year]),
        "feed_url": reverse("publication:feed", args=[code, year]),
        "absolute_embed_url": request.build_absolute_uri(
            reverse("publication:embed", args=[code, year])
        ),
    }


@rate_limited
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/index.html", {"groups": public.index_rows()})


@rate_limited
@require_safe
def page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    publication = public.find(code, year)
    context = _context(request, publication)
    areas = context["data"]["areas"]
    context["chart"] = {
        "type": "bar",
        "labels": [_("Area %(n)s") % {"n": area["number"]} for area in areas],
        "datasets": [
            {
                "label": _("Capaian terverifikasi (%)"),
                "data": [float(area["achievement"] or 0) for area in areas],
                "backgroundColor": "#1e6b3a",
            }
        ],
        "options": {
            "indexAxis": "y",
            "scales": {"x": {"min": 0, "max": 100}},
            "plugins": {"legend": {"display": False}},
        },
    }
    return render(request, "publication/page.html", context)


@rate_limited
@require_safe
@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
def embed(request: HttpRequest, code: str, year: int) -> HttpResponse:
    publication = public.find(code, year)
    response = render(request, "publication/embed.html", _context(request, publication))
    response["Cache-Control"] = f"public, max-age={public.CACHE_SECONDS}"
    return response


def _absolute(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


@rate_limited
@require_safe
def feed(request: HttpRequest, code: str, year: int) -> HttpResponse:
    publication = public.find(code, year)
    data = public.page_data(publication)
    plan, unit = publication.plan, publication.unit
    province = unit.parent if unit.level == unit.Level.KABUPATEN_KOTA else None
    body = {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "province": {"code": province.code, "name": province.name} if province else None,
        },
        "year": publication.year,
        "url": _absolute(request, "publication:page", unit.code, publication.year),
        "embed_url": _absolute(request, "publication:embed", unit.code, publication.year),
        "published_at": publication.published_at,
        "as_of": data["as_of"],
        "plan": {
            "decree_number": plan.decree_number,
            "decree_subject": plan.decree_subject,
            "decree_date": plan.decree_date,
            "schedule": plan.schedule_kind,
            "areas": data["tree"] if publication.show_plan else None,
        },
        "progress": {"areas": data["areas"], "total": data["total"]}
        if publication.show_progress
        else None,
        "documents": [
            {
                "title": doc["title"],
                "kind": doc["kind"],
                "quarter": doc["quarter"],
                "url": _absolute(
                    request, "publication:document", unit.code, publication.year, doc["name"]
                ),
            }
            for doc in data["documents"]
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD"
    response["Cache-Control"] = f"public, max-age={public.CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@rate_limited
@require_safe
def document(request: HttpRequest, code: str, year: int, name: str) -> HttpResponse:
    publication = public.find(code, year)
    return response_for(publication, name)
