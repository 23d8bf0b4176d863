"""``{% plan_workflow plan as wf %}``: what the plan page shows of the status workflow.

``wf.actions``: the transitions the request's user may take now (label, URL, whether it is
the main one); ``wf.history_url`` when they may read the history; ``wf.return_note`` when
the plan is returned. Costs no query (the user's grants are read once per request).
"""

from dataclasses import dataclass, field

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renaksi.access.policy import VIEW_PLAN
from renaksi.plans.workflow import APPROVE, REOPEN, SUBMIT, available_actions

register = template.Library()

STATUS_EXPLANATIONS = {
    "draft": _("Disusun sekretariat; belum diajukan ke Tim Pengarah."),
    "diajukan": _(
        "Menunggu keputusan Tim Pengarah; tidak dapat diubah atau diimpor ulang selama diajukan."
    ),
    "dikembalikan": _(
        "Dikembalikan Tim Pengarah untuk diperbaiki; ajukan lagi setelah diperbaiki."
    ),
    "ditetapkan": _(
        "Disetujui Tim Pengarah; hanya dapat diubah setelah dibuka kembali dengan alasan."
    ),
    "arsip": _("Diarsipkan; tidak dapat diubah."),
}

# The action each status leads to, shown as the main button.
_PRIMARY = {SUBMIT, APPROVE}
_DANGER = {REOPEN}


@dataclass
class Action:
    name: str
    label: str
    url: str
    style: str  # "primary", "danger" or ""


@dataclass
class WorkflowState:
    status: str
    status_label: str
    explanation: str
    return_note: str
    history_url: str
    actions: list[Action] = field(default_factory=list)


@register.simple_tag(takes_context=True)
def plan_workflow(context, plan) -> WorkflowState:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    actions = []
    history_url = ""
    if user is not None:
        for transition in available_actions(user, plan):
            style = (
                "primary"
                if transition.action in _PRIMARY
                else ("danger" if transition.action in _DANGER else "")
            )
            actions.append(
                Action(
                    transition.action,
                    str(transition.label),
                    reverse(f"plans:{transition.action}", args=[plan.pk]),
                    style,
                )
            )
        if user.has_perm(VIEW_PLAN, plan):
            history_url = reverse("plans:history", args=[plan.pk])
    return WorkflowState(
        status=plan.status,
        status_label=str(plan.get_status_display()),
        explanation=str(STATUS_EXPLANATIONS.get(plan.status, "")),
        return_note=plan.return_note if plan.status == plan.Status.RETURNED else "",
        history_url=history_url,
        actions=actions,
    )
