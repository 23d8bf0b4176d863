"""The province and national dashboards, and ``/dasbor/`` that sends each reader to theirs.

* ``home``: national readers (a role at KPU RI, the superuser) go to the national dashboard;
  readers of a KPU Provinsi to its dashboard; everyone else to the unit dashboard of the
  newest plan of a unit they belong to (or that they may read); with none, a page that says so.
* ``province``: a KPU Provinsi the reader may see (404 otherwise, and for a unit that is not a
  province): its own plan and the regencies below it that the reader may see (all of them for
  its viewers and reviewers and KPU RI's readers; none for an administrator of the province
  alone, who reads the province's own plan only).
* ``national``: for readers of every unit (404 for anyone else).

GET parameters: ``tahun``, ``per`` (asof.py), ``triwulan`` (the submission column),
``q``, ``urut`` / ``arah``, ``kiriman``, and on the national one ``provinsi``, ``tingkat``,
``halaman``. An htmx request for the table (``HX-Target: tabel-satker``) gets the table only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from renaksi.access.policy import get_for_user, grants_for, plans_visible_to, units_visible_to
from renaksi.plans.lampiran import QUARTER_ABBREVIATIONS
from renaksi.plans.models import ActionPlan
from renaksi.submissions.overview import requested_year
from renaksi.units.models import Unit

from . import asof, rollup

TABLE_TARGET = "tabel-satker"


def unit_dashboard_url(plan_id: int) -> str:
    """The unit dashboard of a plan (the plan's page while that dashboard does not exist)."""
    try:
        return reverse("dashboards:unit", args=[plan_id])
    except NoReverseMatch:
        return reverse("plans:detail", args=[plan_id])


def _reads_everything(user) -> bool:
    grants = grants_for(user)
    return grants.superuser or grants.read_all


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if _reads_everything(request.user):
        return redirect("dashboards:national")
    grants = grants_for(request.user)
    # A viewer or reviewer of a province reads its regencies too (read_units holds both).
    province = (
        Unit.objects.filter(pk__in=sorted(grants.read_units), level=Unit.Level.PROVINSI)
        .order_by("code")
        .first()
    )
    if province is not None:
        return redirect("dashboards:province", province.pk)
    plans = plans_visible_to(request.user).order_by("-year", "unit__code")
    own = sorted(grants.role_units | grants.member_units)
    plan = plans.filter(unit_id__in=own).first() or plans.first()
    if plan is not None:
        return redirect(unit_dashboard_url(plan.pk))
    return render(request, "dashboards/home.html", {})


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _year(request: HttpRequest, units, today) -> int:
    return requested_year(request.GET.get("tahun"), units, today)


def _common(request: HttpRequest, reading_unit: Unit, units) -> dict:
    """Year, as-of day and quarter of a dashboard read at ``reading_unit``."""
    today = asof.resolve(2000, reading_unit).today
    year = _year(request, units, today)
    as_of = asof.resolve(year, reading_unit, request.GET.get(asof.PARAM))
    quarter = _int(request.GET.get("triwulan"))
    if quarter not in rollup.QUARTERS:
        quarter = rollup.last_quarter(year, as_of.date)
    years = sorted(
        set(
            ActionPlan.objects.filter(unit__in=units)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
        | {year},
        reverse=True,
    )
    choice = rollup.choice_from(request.GET)
    keep = {"tahun": str(year)}
    if as_of.chosen:
        keep[asof.PARAM] = as_of.date.isoformat()
    if _int(request.GET.get("triwulan")) in rollup.QUARTERS:
        keep["triwulan"] = str(quarter)
    return {
        "year": year,
        "years": years,
        "keep": keep,
        "sorts": _sorts(choice, keep),
        "as_of": as_of,
        "quarter": quarter,
        # "TW III" (English "Q3"): the bare numeral read "laporan III diterima".
        "quarter_name": QUARTER_ABBREVIATIONS[quarter - 1],
        "quarters": [(q, QUARTER_ABBREVIATIONS[q - 1]) for q in rollup.QUARTERS],
        "choice": choice,
        "orders": rollup.ORDERS,
        "submission_filters": rollup.SUBMISSION_FILTERS,
    }


def _sorts(choice: rollup.Choice, keep: dict) -> dict[str, dict[str, str]]:
    """For each sortable column: the query of its header link and its aria-sort."""
    sorts = {}
    for key in rollup.ORDERS:
        current = choice.order == key
        if current:
            direction = "turun" if choice.ascending else "naik"
            aria = "ascending" if choice.ascending else "descending"
        else:
            direction, aria = rollup.default_direction(key), ""
        query = urlencode({**keep, **choice.params(urut=key, arah=direction)})
        sorts[key] = {"query": query, "aria": aria}
    return sorts


def _schedule_url(plan_id: int) -> str:
    """The plan's schedule showing its late cells (the unit dashboard while it does not exist)."""
    try:
        return reverse("dashboards:schedule", args=[plan_id]) + "?state=late"
    except NoReverseMatch:
        return unit_dashboard_url(plan_id)


def _with_links(lines) -> None:
    for line in lines:
        line.url = unit_dashboard_url(line.plan.pk) if line.plan else ""
        line.late_url = _schedule_url(line.plan.pk) if line.plan else ""


def _render(request, template: str, partial: str, context: dict) -> HttpResponse:
    if request.htmx and request.htmx.target == TABLE_TARGET:
        return render(request, partial, context)
    return render(request, template, context)


@login_required
def province(request: HttpRequest, unit: int) -> HttpResponse:
    province = get_for_user(request.user, units_visible_to(request.user), pk=unit)
    if province.level != Unit.Level.PROVINSI:
        raise Http404
    context = _common(request, province, Unit.objects.filter(parent=province))
    data = rollup.province_dashboard(
        province,
        year=context["year"],
        as_of=context["as_of"].date,
        quarter=context["quarter"],
        choice=context["choice"],
        regencies=units_visible_to(request.user),
    )
    _with_links([data["own"], *data["lines"]])
    context.update(data)
    context["sort_url"] = reverse("dashboards:province", args=[province.pk])
    return _render(request, "dashboards/province.html", "dashboards/_rollup_table.html", context)


@login_required
def national(request: HttpRequest) -> HttpResponse:
    if not _reads_everything(request.user):
        raise Http404
    centre = Unit.objects.filter(level=Unit.Level.PUSAT).order_by("code").first() or Unit(
        time_zone="Asia/Jakarta"
    )
    context = _common(request, centre, Unit.objects.all())
    data = rollup.national_dashboard(
        year=context["year"],
        as_of=context["as_of"].date,
        quarter=context["quarter"],
        choice=context["choice"],
    )
    page = Paginator(data["lines"], rollup.ROWS_PER_PAGE).get_page(context["choice"].page)
    data["page"] = page
    data["shown"] = len(data["lines"])
    data["lines"] = list(page.object_list)
    _with_links(data["lines"] + ([data["own"]] if data["own"] else []))
    context.update(data)
    context["sort_url"] = reverse("dashboards:national")
    context["levels"] = {
        Unit.Level.PROVINSI: Unit.Level.PROVINSI.label,
        Unit.Level.KABUPATEN_KOTA: Unit.Level.KABUPATEN_KOTA.label,
    }
    return _render(request, "dashboards/national.html", "dashboards/_rollup_table.html", context)
