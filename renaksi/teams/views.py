"""The Tim RB pages: the teams a user may see, one team as its SK appendix, print and XLSX,
and, for the unit's administrator, the SK data and the members.

Objects are loaded only through the access layer (renaksi/access/policy.py); the services
(renaksi/teams/services.py) check the permission again before they write.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renaksi.access.policy import (
    CHANGE_TEAM,
    VIEW_TEAM,
    VIEW_UNIT,
    get_for_user,
    teams_visible_to,
)
from renaksi.core.decorators import get_or_post

from .exports import XLSX_CONTENT_TYPE, TeamAppendix
from .forms import CreateTeamForm, DecreeForm, MemberForm
from .models import POSITION_PART, Part, ReformTeam, TeamMember
from .services import (
    TeamError,
    add_member,
    create_team,
    remove_member,
    team_people,
    units_managed_by,
    update_decree,
    update_member,
)

TEAMS_PER_PAGE = 50


def _part_counts() -> dict:
    """One annotation per part of the team: its number of members."""
    return {
        f"{part.value}_count": Count(
            "members",
            filter=Q(members__position__in=[p for p, q in POSITION_PART.items() if q == part]),
        )
        for part in Part
    }


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    """The teams the user may see, newest year first; a form to create a team of a unit the
    user manages."""
    form = CreateTeamForm(
        request.POST or None, units=units_managed_by(request.user).order_by("code")
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = create_team(request.user, form.cleaned_data["unit"], form.cleaned_data["year"])
        except TeamError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("%(team)s dibuat. Lengkapi data SK dan anggotanya.") % {"team": team}
            )
            return redirect("teams:detail", pk=team.pk)
    teams = (
        teams_visible_to(request.user)
        .select_related("unit")
        .annotate(**_part_counts())
        .order_by("-year", "unit__code", "pk")
    )
    page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "teams/team_list.html",
        {
            "page": page,
            "teams": page.object_list,
            # Only for those who manage a unit (or who tried anyway: they see why not).
            "form": form if form.fields["unit"].choices or form.is_bound else None,
        },
    )


def _team(request: HttpRequest, pk: int, perm: str = VIEW_TEAM) -> ReformTeam:
    return get_for_user(
        request.user, teams_visible_to(request.user).select_related("unit"), perm=perm, pk=pk
    )


def _member(request: HttpRequest, pk: int, member_pk: int) -> TeamMember:
    team = _team(request, pk, CHANGE_TEAM)
    member = get_object_or_404(
        TeamMember.objects.select_related("user", "change_area"), pk=member_pk, team=team
    )
    member.team = team  # already loaded, with its unit
    return member


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    appendix = TeamAppendix(team)
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "appendix": appendix,
            "can_change": request.user.has_perm(CHANGE_TEAM, team),
            # The breadcrumb links the unit only for a reader who may open it.
            "can_view_unit": request.user.has_perm(VIEW_UNIT, team.unit),
        },
    )


@login_required
def team_print(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    return render(request, "teams/team_print.html", {"team": team, "appendix": TeamAppendix(team)})


@login_required
def team_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    appendix = TeamAppendix(_team(request, pk))
    response = HttpResponse(appendix.to_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{appendix.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The SK that sets the team: number, date, title."""
    team = _team(request, pk, CHANGE_TEAM)
    initial = {
        "decree_number": team.decree_number,
        "decree_date": team.decree_date,
        "decree_title": team.decree_title,
    }
    form = DecreeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_decree(request.user, team, **form.cleaned_data)
        messages.success(request, _("Data SK Tim RB disimpan."))
        return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/team_edit.html", {"team": team, "form": form})


def _member_form_page(request, team: ReformTeam, member: TeamMember | None) -> HttpResponse:
    if member is None:
        # "Tambah" next to a section pre-selects its position and area.
        initial = {
            "position": request.GET.get("kedudukan", ""),
            "change_area": request.GET.get("area", ""),
        }
    else:
        initial = {
            "user": member.user_id,
            "name": member.name,
            "employee_number": member.employee_number,
            "office_title": member.office_title,
            "position": member.position,
            "change_area": member.change_area_id,
        }
    people = team_people(team, keep=member.user if member is not None else None, actor=request.user)
    form = MemberForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            if member is None:
                saved = add_member(request.user, team, form.member_data())
            else:
                saved = update_member(request.user, member, form.member_data())
        except TeamError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s disimpan sebagai %(position)s.")
                % {"name": saved.name, "position": saved.position_label},
            )
            return redirect(reverse("teams:detail", args=[team.pk]) + f"#anggota-{saved.pk}")
    return render(
        request,
        "teams/member_form.html",
        {"team": team, "form": form, "member": member},
    )


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_form_page(request, _team(request, pk, CHANGE_TEAM), None)


@login_required
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _member(request, pk, member_pk)
    return _member_form_page(request, member.team, member)


@login_required
@get_or_post
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """The first POST (from the team page) asks to confirm, and so does a GET (a reload, the
    language switch); the confirmed POST removes."""
    member = _member(request, pk, member_pk)
    if request.method != "POST" or request.POST.get("konfirmasi") != "ya":
        return render(request, "teams/member_remove.html", {"team": member.team, "member": member})
    released = remove_member(request.user, member)
    message = _("%(name)s tidak lagi tercatat sebagai %(position)s.") % {
        "name": member.name,
        "position": member.position_label,
    }
    if released:
        message += " " + ngettext(
            "Akunnya tidak lagi menjadi penanggung jawab %(count)d kegiatan atau sub kegiatan "
            "di satker ini.",
            "Akunnya tidak lagi menjadi penanggung jawab %(count)d kegiatan atau sub kegiatan "
            "di satker ini.",
            released,
        ) % {"count": released}
    messages.success(request, message)
    return redirect("teams:detail", pk=member.team.pk)
