from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renaksi.access.models import UnitRole
from renaksi.access.policy import (
    MANAGE_UNIT,
    get_for_user,
    plans_visible_to,
    teams_visible_to,
    units_visible_to,
)
from renaksi.access.services import (
    AccessError,
    grant_role,
    grantable_roles,
    invite_user,
    resend_invitation,
    revoke_effects,
    revoke_refusal,
    revoke_role,
)
from renaksi.core.decorators import get_or_post, post_only
from renaksi.teams.models import TeamMember

from .breadcrumbs import TRAIL_RELATED, unit_trail
from .forms import GrantRoleForm, InviteForm, UnitSearchForm
from .models import Unit

UNITS_PER_PAGE = 50
# A unit id that no URL prefix holds: reversed once per page, then replaced by each unit's id.
_PK_SLOT = "987654321"


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    units = units_visible_to(request.user).select_related("parent").order_by("code")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            units = units.filter(Q(name__icontains=query) | Q(code__startswith=query))
        if level := form.cleaned_data["level"]:
            units = units.filter(level=level)
    # Paginate the bare units, then count the page's children in one grouped query.
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("halaman"))
    page.object_list = list(page.object_list)
    child_counts = dict(
        Unit.objects.filter(parent__in=page.object_list)
        .order_by()
        .values("parent")
        .annotate(count=Count("pk"))
        .values_list("parent", "count")
    )
    levels = {value: str(label) for value, label in Unit.Level.choices}  # once, not per row
    for unit in page.object_list:
        unit.child_count = child_counts.get(unit.pk, 0)
        unit.level_label = levels.get(unit.level, unit.level)
    return render(
        request,
        "units/unit_list.html",
        {"form": form, "page": page, "rows": unit_rows(page.object_list)},
    )


def unit_rows(units: list[Unit]) -> SafeString:
    """The unit list's table rows, one string per unit: with 50 rows of six cells, the
    template's tags were most of the page's time. Labels translated and escaped once per page
    (``html.escape``, as Django's ``escape`` but cheaper per call), each value escaped."""
    code_l, unit_l, level_l = escape(_("Kode")), escape(_("Satuan kerja")), escape(_("Tingkat"))
    parent_l, zone_l = escape(_("Induk")), escape(_("Zona waktu"))
    children_l = escape(_("Satker di bawahnya"))
    before, after = reverse("units:detail", args=[_PK_SLOT]).split(_PK_SLOT)
    rows = [
        f'<tr><td data-label="{code_l}">{escape(unit.code)}</td>'
        f'<th scope="row" data-label="{unit_l}"><a href="{before}{unit.pk}{after}">'
        f"{escape(unit.name)}</a></th>"
        f'<td data-label="{level_l}">{escape(unit.level_label)}</td>'
        f'<td data-label="{parent_l}">{escape(getattr(unit.parent, "name", "") or "–")}</td>'
        f'<td data-label="{zone_l}">{escape(unit.zone_abbreviation)}</td>'
        f'<td class="num" data-label="{children_l}">{unit.child_count:d}</td></tr>\n'
        for unit in units
    ]
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped into its row)


def _unit_for(request: HttpRequest, pk: int, perm: str | None = None):
    return get_for_user(
        request.user,
        units_visible_to(request.user).select_related(*TRAIL_RELATED),
        perm=perm,
        pk=pk,
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk)
    can_manage = request.user.has_perm(MANAGE_UNIT, unit)
    children = units_visible_to(request.user).filter(parent=unit).order_by("code")
    context = {
        "unit": unit,
        "trail": unit_trail(request.user, unit),
        "can_manage": can_manage,
        "children": children,
        "plans": plans_visible_to(request.user).filter(unit=unit).order_by("-year"),
        "teams": teams_visible_to(request.user)
        .filter(unit=unit)
        .annotate(member_count=Count("members"))
        .order_by("-year"),
        "roles": UnitRole.objects.filter(unit=unit)
        .select_related("user", "granted_by")
        .order_by("role", "user__username"),
        "members": TeamMember.objects.filter(team__unit=unit, user__isnull=False)
        .select_related("user", "team", "change_area")
        .order_by("-team__year", "position", "name"),
        "grant_form": GrantRoleForm(roles=grantable_roles(request.user, unit), unit=unit)
        if can_manage
        else None,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, MANAGE_UNIT)
    form = InviteForm(request.POST or None, roles=grantable_roles(request.user, unit), unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_user(request.user, unit, request=request, **form.cleaned_data)
        except AccessError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Undangan dikirim ke %(email)s. %(name)s dapat masuk setelah "
                    "mengatur kata sandi."
                )
                % {"email": user.email, "name": user.get_full_name() or user.username},
            )
            return redirect("units:detail", pk=unit.pk)
    return render(
        request,
        "units/invite.html",
        {"unit": unit, "form": form, "trail": unit_trail(request.user, unit, include_unit=True)},
    )


def _users_section(request: HttpRequest, pk: int, **kwargs) -> str:
    """Where the role actions live: the unit page's section on users and roles."""
    return reverse("units:detail", args=[pk]) + "#pengguna"


@login_required
@post_only(_users_section)
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, MANAGE_UNIT)
    form = GrantRoleForm(request.POST, roles=grantable_roles(request.user, unit), unit=unit)
    if form.is_valid():
        try:
            grant_role(request.user, unit, form.cleaned_data["login"], form.cleaned_data["role"])
        except AccessError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Peran diberikan."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("units:detail", pk=unit.pk)


@login_required
@get_or_post
def role_remove(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    """GET shows who loses what (the unit page's "Cabut" links here); POST revokes the role."""
    unit = _unit_for(request, pk, MANAGE_UNIT)
    unit_role = (
        UnitRole.objects.select_related("unit", "user", "granted_by")
        .filter(pk=role_pk, unit=unit)
        .first()
    )
    if unit_role is None:  # revoked already (a second click, another tab, someone else)
        messages.info(request, _("Peran itu sudah tidak ada; mungkin sudah dicabut."))
        return redirect(_users_section(request, unit.pk))
    if request.method != "POST":
        return render(
            request,
            "units/role_remove.html",
            {
                "unit": unit,
                "unit_role": unit_role,
                "refusal": revoke_refusal(request.user, unit_role),
                "effects": revoke_effects(request.user, unit_role),
                "trail": unit_trail(request.user, unit, include_unit=True),
            },
        )
    try:
        released = revoke_role(request.user, unit_role)
    except AccessError as error:
        messages.error(request, error.message)
    else:
        message = _("Peran %(user)s dicabut.") % {"user": unit_role.user.get_username()}
        if released:
            message += " " + ngettext(
                "Ia tidak lagi menjadi penanggung jawab %(count)d kegiatan atau sub kegiatan "
                "di satker ini.",
                "Ia tidak lagi menjadi penanggung jawab %(count)d kegiatan atau sub kegiatan "
                "di satker ini.",
                released,
            ) % {"count": released}
        messages.success(request, message)
    return redirect(_users_section(request, unit.pk))


@login_required
@post_only(_users_section)
def resend_invite(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    unit = _unit_for(request, pk, MANAGE_UNIT)
    unit_role = get_object_or_404(UnitRole.objects.select_related("user"), pk=role_pk, unit=unit)
    try:
        resend_invitation(request.user, unit, unit_role.user, request=request)
    except AccessError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Undangan dikirim ulang ke %(email)s.") % {"email": unit_role.user.email}
        )
    return redirect("units:detail", pk=unit.pk)
