"""The change agents' own plans' pages (Rencana Aksi Agen Perubahan).

* ``agent_plans`` (a unit's plan): every change agent's plan of the unit and year, each
  action's months and their state, and the "changes made" count of the LKE's "1 Agen 1
  Perubahan"; a change agent without a plan yet can start one.
* ``agent_plan`` (one agent's plan): its actions and months, each month linked to its report;
  for the agent (and the unit's administrator) an editor: add, change, move and delete
  actions, and tick months in a grid like the plan editor's (saved per click with the
  editor's script, or with one button without it).

Views parse input, call a service of ``agents`` and render; the services check permission,
values and versions. Readers of the unit see the pages; an agent plan the user may not see is
a 404, a change they may not make a 403.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from renaksi.access.policy import (
    EDIT_REALISATION,
    MANAGE_AGENT_PLAN,
    VERIFY_REALISATION,
    agent_plans_visible_to,
    get_for_user,
    get_plan_for_user,
    grants_for,
)
from renaksi.core.decorators import get_or_post, post_only
from renaksi.core.validators import TextFieldsMixin
from renaksi.plans.lampiran import MONTH_ABBREVIATIONS
from renaksi.teams.models import Position, TeamMember

from . import agents
from .models import ChangeAgentAction, ChangeAgentPlan, Realisation, SchedulePeriod

DIRECTIONS = {"naik": "up", "turun": "down"}
MONTH_CHOICES = [(str(number), label) for number, label in enumerate(MONTH_ABBREVIATIONS, 1)]

# The state of one month of an action, as the pages show it: (css key, label).
STATE_LABELS = {
    "none": pgettext_lazy("bulan aksi", "Tidak dijadwalkan"),
    "planned": pgettext_lazy("bulan aksi", "Terjadwal"),
    "late": pgettext_lazy("bulan aksi", "Lewat batas laporan"),
    Realisation.State.DRAFT: pgettext_lazy("bulan aksi", "Dilaporkan (draf)"),
    Realisation.State.SUBMITTED: pgettext_lazy("bulan aksi", "Menunggu verifikasi"),
    Realisation.State.RETURNED: pgettext_lazy("bulan aksi", "Dikembalikan"),
    Realisation.State.VERIFIED: pgettext_lazy("bulan aksi", "Terverifikasi"),
}
LEGEND = ("planned", "late", "draf", "diajukan", "dikembalikan", "terverifikasi")


class ActionForm(TextFieldsMixin, forms.Form):
    """One action: what is done, its output, its months. The service validates again."""

    title = forms.CharField(
        label=gettext_lazy("Aksi"),
        max_length=agents.TITLE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Perubahan yang Anda lakukan, misalnya inovasi layanan."),
        error_messages={"required": gettext_lazy("Isian ini wajib diisi.")},
    )
    output_text = forms.CharField(
        label=gettext_lazy("Output"),
        max_length=agents.OUTPUT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Hasil yang dapat dibuktikan, misalnya laporan atau SK."),
    )
    months = forms.MultipleChoiceField(
        label=gettext_lazy("Bulan pelaksanaan"),
        choices=MONTH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Bulan harus di antara 1 dan 12.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's field errors on the form's fields (``schedule`` is the months field)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, problems in error.message_dict.items():
        field = "months" if name == "schedule" else name
        form.add_error(field if field in form.fields else None, problems)


# -- loading --------------------------------------------------------------------------------


def _periods_prefetch() -> Prefetch:
    return Prefetch(
        "schedule_periods",
        queryset=SchedulePeriod.objects.select_related("realisation").order_by("period"),
    )


def _actions_prefetch() -> Prefetch:
    return Prefetch(
        "actions",
        queryset=ChangeAgentAction.objects.order_by("position").prefetch_related(
            _periods_prefetch()
        ),
    )


def _load_agent_plan(request: HttpRequest, pk: int, perm: str | None = None) -> ChangeAgentPlan:
    return get_for_user(
        request.user,
        agent_plans_visible_to(request.user).select_related("plan__unit", "agent"),
        perm=perm,
        pk=pk,
    )


def _load_action(agent_plan: ChangeAgentPlan, action_id: int) -> ChangeAgentAction:
    action = get_object_or_404(ChangeAgentAction, pk=action_id, agent_plan=agent_plan)
    action.agent_plan = agent_plan
    return action


def _today(unit) -> datetime.date:
    return timezone.localtime(timezone.now(), ZoneInfo(unit.time_zone)).date()


def agent_name(user: User) -> str:
    return user.get_full_name() or user.username


# -- what the pages show --------------------------------------------------------------------


def month_state(period: SchedulePeriod | None, today: datetime.date) -> str:
    if period is None:
        return "none"
    realisation = getattr(period, "realisation", None)
    if realisation is not None:
        return realisation.state
    if period.due_on < today:
        return "late"
    return "planned"


def is_change_made(action: ChangeAgentAction) -> bool:
    """An action counts as a change made ("Jumlah Perubahan yang dibuat") when one of its
    months has a verified report that it was done (selesai)."""
    for period in action.schedule_periods.all():
        realisation = getattr(period, "realisation", None)
        if (
            realisation is not None
            and realisation.state == Realisation.State.VERIFIED
            and realisation.status == Realisation.Status.DONE
        ):
            return True
    return False


def decorate(agent_plan: ChangeAgentPlan, user, today: datetime.date) -> ChangeAgentPlan:
    """Put on each action its twelve month cells (number, label, state, period, links) and
    whether it is a change made; on the plan the counts. No query (all prefetched)."""
    may_verify = user.has_perm(VERIFY_REALISATION, agent_plan.plan)
    agent_plan.made_count = 0
    agent_plan.action_list = list(agent_plan.actions.all())
    for action in agent_plan.action_list:
        action.agent_plan = agent_plan
        may_report = user.has_perm(EDIT_REALISATION, action)
        periods = {period.period: period for period in action.schedule_periods.all()}
        action.cells = []
        for number, label in enumerate(MONTH_ABBREVIATIONS, 1):
            period = periods.get(number)
            state = month_state(period, today)
            realisation = getattr(period, "realisation", None) if period else None
            link = ""
            if period is not None:
                if (
                    realisation is not None
                    and may_verify
                    and realisation.state == Realisation.State.SUBMITTED
                ):
                    link = _url("work:review", pk=realisation.pk)
                elif may_report:
                    link = _url("work:realisation", period=period.pk)
            action.cells.append(
                {
                    "number": number,
                    "label": label,
                    "state": state,
                    "state_label": STATE_LABELS[state],
                    "period": period,
                    "outside_plan": period is not None and not period.planned,
                    "realisation": realisation,
                    "link": link,
                    "ticked": bool(action.schedule & (1 << (number - 1))),
                }
            )
        action.change_made = is_change_made(action)
        agent_plan.made_count += action.change_made
    return agent_plan


def _url(name: str, **kwargs) -> str:
    """The address of another part's page; empty while that part has not landed."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def legend() -> list[tuple[str, str]]:
    return [(key, STATE_LABELS[key]) for key in LEGEND]


# -- the unit's change agents ---------------------------------------------------------------


@login_required
def agent_plans(request: HttpRequest, plan: int) -> HttpResponse:
    """The change agents' plans of a unit's plan (its unit and year)."""
    unit_plan = get_plan_for_user(request.user, plan)
    today = _today(unit_plan.unit)
    plans = list(
        ChangeAgentPlan.objects.filter(plan=unit_plan)
        .select_related("agent")
        .prefetch_related(_actions_prefetch())
        .order_by("agent__first_name", "agent__last_name", "agent__username")
    )
    for agent_plan in plans:
        agent_plan.plan = unit_plan
        decorate(agent_plan, request.user, today)
    with_plan = {agent_plan.agent_id for agent_plan in plans}
    members = list(
        TeamMember.objects.filter(
            team__unit_id=unit_plan.unit_id,
            team__year=unit_plan.year,
            position=Position.AGEN_PERUBAHAN,
        )
        .select_related("user")
        .order_by("name", "pk")
    )
    agent_count = len({member.user_id or f"m{member.pk}" for member in members})
    grants = grants_for(request.user)
    may_manage_unit = grants.can_manage_unit(unit_plan.unit_id)
    without_plan = []
    seen: set[int] = set()
    for member in members:
        if member.user_id is None or member.user_id in with_plan or member.user_id in seen:
            continue
        seen.add(member.user_id)
        member.may_start = may_manage_unit or (
            member.user_id == request.user.pk
            and grants.is_change_agent(unit_plan.unit_id, unit_plan.year)
        )
        without_plan.append(member)
    unlinked = [member for member in members if member.user_id is None]
    made = sum(agent_plan.made_count for agent_plan in plans)
    percentage = min(100, round(100 * made / agent_count)) if agent_count else None
    return render(
        request,
        "work/agent_plans.html",
        {
            "plan": unit_plan,
            "agent_plans": plans,
            "without_plan": without_plan,
            "unlinked": unlinked,
            "agent_count": agent_count,
            "made_count": made,
            "percentage": percentage,
            "legend": legend(),
        },
    )


@login_required
@post_only(lambda request, plan: reverse("work:agent_plans", args=[plan]))
def agent_plan_create(request: HttpRequest, plan: int) -> HttpResponse:
    """Start a change agent's plan (``agent``: their user id; default the person asking)."""
    unit_plan = get_plan_for_user(request.user, plan)
    agent_id = request.POST.get("agent") or str(request.user.pk)
    if not agent_id.isdigit():
        raise Http404
    agent = get_object_or_404(User, pk=int(agent_id))
    try:
        agent_plan = agents.create_agent_plan(
            request.user, unit_plan, agent, title=request.POST.get("title", "")
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("work:agent_plans", plan=unit_plan.pk)
    messages.success(request, _("Rencana aksi agen perubahan dibuat. Tambahkan aksinya."))
    return redirect("work:agent_plan", pk=agent_plan.pk)


# -- one agent's plan -----------------------------------------------------------------------


def _render_plan(
    request: HttpRequest,
    agent_plan: ChangeAgentPlan,
    form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    agent_plan = (
        ChangeAgentPlan.objects.select_related("plan__unit", "agent")
        .prefetch_related(_actions_prefetch())
        .get(pk=agent_plan.pk)
    )
    decorate(agent_plan, request.user, _today(agent_plan.plan.unit))
    can_manage = request.user.has_perm(MANAGE_AGENT_PLAN, agent_plan)
    if can_manage and form is None:
        form = ActionForm()
    return render(
        request,
        "work/agent_plan.html",
        {
            "agent_plan": agent_plan,
            "plan": agent_plan.plan,
            "agent_name": agent_name(agent_plan.agent),
            "actions": agent_plan.action_list,
            "can_manage": can_manage,
            "form": form if can_manage else None,
            "full": len(agent_plan.action_list) >= agents.ACTIONS_MAX,
            "legend": legend(),
        },
        status=status,
    )


@login_required
def agent_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_plan(request, _load_agent_plan(request, pk))


@login_required
@post_only(lambda request, pk: reverse("work:agent_plan", args=[pk]))
def agent_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    agent_plan = _load_agent_plan(request, pk, MANAGE_AGENT_PLAN)
    form = ActionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = agents.add_action(
                request.user,
                agent_plan,
                {"title": data["title"], "output_text": data["output_text"]},
                data["months"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aksi ditambahkan."))
            return redirect(_back(agent_plan, action))
    return _render_plan(request, agent_plan, form, status=400)


def _back(agent_plan: ChangeAgentPlan, action: ChangeAgentAction | None = None) -> str:
    url = reverse("work:agent_plan", args=[agent_plan.pk])
    return f"{url}#aksi-{action.pk}" if action is not None else url


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@get_or_post
def agent_action_edit(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    agent_plan = _load_agent_plan(request, pk, MANAGE_AGENT_PLAN)
    current = _load_action(agent_plan, action)
    conflict = None
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            version = data["version"] if data["version"] is not None else current.version
            try:
                agents.update_action(
                    request.user,
                    current,
                    {"title": data["title"], "output_text": data["output_text"]},
                    data["months"],
                    expected_version=version,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except agents.AgentConflict as error:
                if error.current is None:
                    messages.error(request, error.message)
                    return redirect(_back(agent_plan))
                conflict = error.current
                form.add_error(None, error.message)
                # the person's text stays in the form; the next save goes over the new version
                form.data = form.data.copy()
                form.data["version"] = str(conflict.version)
            else:
                messages.success(request, _("Aksi disimpan."))
                return redirect(_back(agent_plan, current))
    else:
        form = ActionForm(
            initial={
                "title": current.title,
                "output_text": current.output_text,
                "months": [str(month) for month in agents.months_of(current.schedule)],
                "version": current.version,
            }
        )
    return render(
        request,
        "work/agent_action_form.html",
        {
            "agent_plan": agent_plan,
            "plan": agent_plan.plan,
            "agent_name": agent_name(agent_plan.agent),
            "action": current,
            "form": form,
            "conflict": conflict,
            "conflict_months": ", ".join(
                str(MONTH_ABBREVIATIONS[m - 1]) for m in agents.months_of(conflict.schedule)
            )
            if conflict is not None
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@post_only(lambda request, pk, action, direction: reverse("work:agent_plan", args=[pk]))
def agent_action_move(request: HttpRequest, pk: int, action: int, direction: str) -> HttpResponse:
    if direction not in DIRECTIONS:
        raise Http404
    agent_plan = _load_agent_plan(request, pk, MANAGE_AGENT_PLAN)
    current = _load_action(agent_plan, action)
    version = _version(request)
    try:
        agents.move_action(
            request.user,
            current,
            DIRECTIONS[direction],
            expected_version=version if version is not None else current.version,
        )
    except agents.AgentPlanError as error:
        messages.error(request, error.message)
    return redirect(_back(agent_plan, current))


@login_required
@get_or_post
def agent_action_delete(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    """GET: the confirmation (what goes, or why it cannot); POST: delete."""
    agent_plan = _load_agent_plan(request, pk, MANAGE_AGENT_PLAN)
    current = _load_action(agent_plan, action)
    worked = agents._months_with_work(current)
    if request.method == "POST":
        version = _version(request)
        try:
            agents.delete_action(
                request.user,
                current,
                expected_version=version if version is not None else current.version,
            )
        except agents.AgentPlanError as error:
            messages.error(request, error.message)
            return redirect(_back(agent_plan, current))
        messages.success(request, _("Aksi dihapus."))
        return redirect(_back(agent_plan))
    return render(
        request,
        "work/agent_action_delete.html",
        {
            "agent_plan": agent_plan,
            "plan": agent_plan.plan,
            "agent_name": agent_name(agent_plan.agent),
            "action": current,
            "worked_months": [str(MONTH_ABBREVIATIONS[m - 1]) for m in worked],
        },
    )


@login_required
@post_only(lambda request, pk: reverse("work:agent_plan", args=[pk]))
def agent_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the months grid: for each action in the form (``v-<id>`` its version, ``m-<id>``
    its ticked months) whose months changed. With ``Accept: application/json`` (the plan
    editor's script, one action per click) the answer is JSON, as the editor's grid."""
    agent_plan = _load_agent_plan(request, pk)
    if not request.user.has_perm(MANAGE_AGENT_PLAN, agent_plan):
        raise PermissionDenied
    wants_json = "application/json" in request.headers.get("Accept", "")
    versions: dict[int, int] = {}
    for key, value in request.POST.items():
        if key.startswith("v-") and key[2:].isdigit():
            try:
                versions[int(key[2:])] = int(value)
            except ValueError:
                continue
    actions = {
        action.pk: action
        for action in ChangeAgentAction.objects.filter(agent_plan=agent_plan, pk__in=list(versions))
    }
    saved, problems, rows = 0, [], {}
    for action_id, version in versions.items():
        action = actions.get(action_id)
        if action is None:
            problems.append(_("Aksi itu tidak ada lagi di rencana aksi ini."))
            continue
        action.agent_plan = agent_plan
        months = request.POST.getlist(f"m-{action_id}")
        before = action.schedule
        try:
            if agents.months_mask(months) != before:
                action = agents.set_months(request.user, action, months, expected_version=version)
                saved += 1
        except ValidationError as error:
            problems.append(f"{action.title[:60]}: {' '.join(error.messages)}")
        except agents.AgentConflict as error:
            problems.append(f"{action.title[:60]}: {error.message}")
            if error.current is not None:
                action = error.current
        rows[action_id] = {"version": action.version, "periods": agents.months_of(action.schedule)}
    if wants_json:
        return JsonResponse(
            {"saved": saved, "problems": problems, "rows": rows},
            status=409 if problems else 200,
        )
    for problem in problems:
        messages.error(request, problem)
    if saved:
        messages.success(request, _("Jadwal %(count)d aksi disimpan.") % {"count": saved})
    elif not problems:
        messages.info(request, _("Jadwal tidak berubah."))
    return redirect(_back(agent_plan) + "#jadwal")
