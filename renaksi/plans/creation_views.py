"""Pages to create a plan: empty, from the road-map template, or as a copy of another plan.

Views parse the input and call the services of renaksi/plans/creation.py, which check the
permission again; a refusal of theirs comes back as a message at the field it concerns.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renaksi.access.policy import (
    MANAGE_UNIT,
    get_for_user,
    get_plan_for_user,
    grants_for,
    plans_visible_to,
    units_visible_to,
)
from renaksi.units.models import Unit

from .creation import (
    CreationError,
    CreationResult,
    copy_plan,
    create_from_template,
    create_plan,
    next_free_year,
)
from .creation_forms import BASIS_COPY, BASIS_EMPTY, CopyPlanForm, CreatePlanForm
from .models import ActionPlan
from .plan_templates import load_template

# The most plans offered as a source on the creation page (own unit first, newest first).
SOURCE_PLANS_LIMIT = 200


@login_required
def create_start(request: HttpRequest) -> HttpResponse:
    """Where "Buat rencana aksi" leads: the unit to create for (straight on when only one)."""
    if request.GET.get("satker"):
        try:
            unit_pk = int(request.GET["satker"])
        except ValueError as exc:
            raise Http404 from exc
        unit = _unit_for(request, unit_pk)
        return redirect("plans:create", unit_pk=unit.pk)
    grants = grants_for(request.user)
    if grants.superuser:
        units = Unit.objects.order_by("code")
    else:
        units = Unit.objects.filter(pk__in=sorted(grants.admin_units)).order_by("code")
    units = list(units.only("pk", "code", "name"))
    if not units:
        raise PermissionDenied
    if len(units) == 1:
        return redirect("plans:create", unit_pk=units[0].pk)
    return render(request, "plans/create/start.html", {"units": units})


@login_required
def create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_for(request, unit_pk)
    years = sorted(ActionPlan.objects.filter(unit=unit).values_list("year", flat=True))
    initial_year = next_free_year(unit, years[-1]) if years else None
    form = CreatePlanForm(
        request.POST or None,
        initial_year=initial_year,
        source_plans=_source_plans(request.user, unit),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = _create(request.user, unit, data)
        except CreationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _report(request, result)
            return redirect("plans:detail", pk=result.plan.pk)
    template = load_template()
    return render(
        request,
        "plans/create/create.html",
        {"unit": unit, "form": form, "years": years, "template": template},
    )


def _create(user, unit: Unit, data: dict) -> CreationResult:
    if data["basis"] == BASIS_EMPTY:
        return create_plan(user, unit, data["year"], schedule_kind=data["schedule_kind"])
    if data["basis"] == BASIS_COPY:
        source = data["source_plan"]
        if source.unit_id == unit.pk and source.year < data["year"]:
            return copy_plan(user, source, data["year"])
        return create_from_template(user, unit, data["year"], source)
    return create_from_template(user, unit, data["year"], load_template())


@login_required
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a plan into a later year of its unit ("Salin ke tahun berikutnya")."""
    plan = get_plan_for_user(request.user, pk)
    if not request.user.has_perm(MANAGE_UNIT, plan.unit):
        raise PermissionDenied
    form = CopyPlanForm(request.POST or None, initial_year=next_free_year(plan.unit, plan.year))
    if request.method == "POST" and form.is_valid():
        try:
            result = copy_plan(request.user, plan, form.cleaned_data["year"])
        except CreationError as error:
            form.add_error("year", error.message)
        else:
            _report(request, result)
            return redirect("plans:detail", pk=result.plan.pk)
    return render(request, "plans/create/copy.html", {"plan": plan, "form": form})


def _unit_for(request: HttpRequest, unit_pk: int) -> Unit:
    """The unit, 404 if the user may not see it, 403 if they may not manage it."""
    return get_for_user(request.user, units_visible_to(request.user), perm=MANAGE_UNIT, pk=unit_pk)


def _source_plans(user, unit: Unit) -> list[ActionPlan]:
    """Plans the user may read to start from: this unit's, its parent's, its siblings' and its
    children's (own unit first, newest first), at most SOURCE_PLANS_LIMIT. One query."""
    family = Q(unit=unit) | Q(unit__parent=unit)
    if unit.parent_id is not None:
        family |= Q(unit_id=unit.parent_id) | Q(unit__parent_id=unit.parent_id)
    plans = (
        plans_visible_to(user)
        .filter(family)
        .select_related("unit")
        .only("pk", "year", "unit_id", "unit__code", "unit__name")
        .order_by("-year", "unit__code")[:SOURCE_PLANS_LIMIT]
    )
    return sorted(plans, key=lambda plan: (plan.unit_id != unit.pk, -plan.year, plan.unit.code))


def _report(request: HttpRequest, result: CreationResult) -> None:
    counts = result.counts
    messages.success(
        request,
        _(
            "Rencana aksi %(year)s dibuat sebagai draf: %(areas)s area, %(activities)s kegiatan, "
            "%(subs)s sub kegiatan, %(indicators)s indikator."
        )
        % {
            "year": result.plan.year,
            "areas": counts["areas"],
            "activities": counts["activities"],
            "subs": counts["sub_activities"],
            "indicators": counts["indicators"],
        },
    )
    if result.dropped_pics:
        messages.warning(
            request,
            ngettext(
                "PIC berikut tidak disalin karena bukan lagi pengguna satker: %(names)s.",
                "PIC berikut tidak disalin karena bukan lagi pengguna satker: %(names)s.",
                len(result.dropped_pics),
            )
            % {
                "names": ", ".join(
                    _("%(name)s (%(rows)s baris)") % {"name": name, "rows": rows}
                    for name, rows in result.dropped_pics
                )
            },
        )
    if result.to_fill:
        messages.info(
            request,
            _(
                "Teks keputusan disalin dengan tahun yang baru. Isi nomor, tanggal, penanda "
                "tangan dan rujukan DIPA keputusan yang baru."
            ),
        )
    if result.to_review or result.old_year_rows:
        messages.warning(
            request,
            _("Periksa teks yang masih menyebut tahun %(year)s (keputusan dan %(rows)s baris).")
            % {"year": result.source_year, "rows": result.old_year_rows},
        )
