"""Bengkayang's 2022, told by seed_demo through the real services at the story's moments.

``tell_the_year(plan, users, stored, clock) -> Story`` runs, inside seed_demo's transaction
and its ``DemoClock`` (renaksi/core/demo_clock.py), every step that is not recorded yet (seed_demo
sets the unit, its users, its teams and the draft plan up at ``SET_UP``, 10 January 2022):

* the plan's monitoring months: March, June, September (the Bengkayang decree's own marks);
* the plan submitted by the secretariat (8 April 2022) and approved by the Ketua Tim Pengarah
  (11 April 2022, the decree's date), through renaksi/plans/workflow.py;
* January–September of the year's work (renaksi/work/demo.py: who reports what, when, and
  how each month ends);

Each part checks what exists first, so a second run adds nothing and prints nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from renaksi.plans import workflow
from renaksi.plans.models import ActionPlan, months_to_mask
from renaksi.work import demo as work_demo

from .demo_clock import DemoClock, Event, at, run_events

SET_UP = at(2022, 1, 10, 8, 0)  # the demo unit's users, teams and draft plan
MONITORING_MONTHS = (3, 6, 9)
PLAN_SUBMITTED = at(2022, 4, 8, 10, 0)
PLAN_APPROVED = at(2022, 4, 11, 9, 30)


@dataclass
class Story:
    """What this run added, for seed_demo's output."""

    months: int = 0
    plan_approved: bool = False
    monitoring_months: bool = False
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.plan_approved:
            out.append("Rencana aksi demo diajukan dan ditetapkan (11 April 2022).")
        if self.monitoring_months:
            out.append("Bulan monitoring rencana aksi demo: Maret, Juni, September.")
        if self.months:
            out.append(
                f"Realisasi demo Januari–September 2022 dicatat: {self.months} periode (8 area)."
            )
        return out + self.notes


def tell_the_year(plan: ActionPlan, users: dict, stored, clock: DemoClock) -> Story:
    story = Story()
    story.monitoring_months = set_monitoring_months(plan, users["sekretariat"])
    events: list[Event] = []
    events += _approval_events(plan, users, story)
    work = work_demo.work_events(plan, users, stored)
    story.months = len({event.order // 10 for event in work})
    events += work
    run_events(events, clock)
    return story


def set_monitoring_months(plan: ActionPlan, actor) -> bool:
    """March, June, September. Written through the model until the monitoring part's
    setting service lands (then: its service, with its audit entry)."""
    mask = months_to_mask(MONITORING_MONTHS)
    if plan.monitoring_months == mask:
        return False
    ActionPlan.objects.filter(pk=plan.pk).update(monitoring_months=mask)
    plan.monitoring_months = mask
    return True


def _approval_events(plan: ActionPlan, users: dict, story: Story) -> list[Event]:
    if plan.status != ActionPlan.Status.DRAFT:
        return []

    def submit() -> None:
        workflow.submit_plan(users["sekretariat"], plan)

    def approve() -> None:
        workflow.approve_plan(users["pimpinan"], ActionPlan.objects.get(pk=plan.pk))
        story.plan_approved = True

    return [Event(PLAN_SUBMITTED, 0, submit), Event(PLAN_APPROVED, 0, approve)]
