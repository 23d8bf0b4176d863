"""Every page of Renaksi on the demo (``seed_demo``), as the persona who may open it: the list
that tests/test_accessibility_pages.py visits at desktop and phone size with axe-core, and
that scripts/page_weight.py weighs a few of.

A page is ``(persona, name, path)``: ``persona`` is a demo login (password
``renaksi-<login>``, docs/demo.md) or ``None`` for a visitor not signed in, ``name`` the URL
name it stands for (also the screenshot's name), ``path`` the URL on the demo's data. Pages
that answer with an error on purpose (the error pages) carry the status they must answer.
``COVERED`` lists the URL names that are NOT pages (downloads, POST-only actions, frames):
the test checks that every URL name of the site is either in the list or there, so a page
added later without being crawled fails the test.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Page:
    persona: str | None
    name: str
    path: str
    status: int = 200


# URL names that are not HTML pages a person reads: downloads, POST-only actions, frames and
# redirects. Each with why, so that nothing is left out by accident.
NOT_PAGES = {
    "admin": "Django's admin (its own templates, not ours)",
    "set_language": "POST only (the language form)",
    "logout": "POST only",
    "password_reset_confirm": "reached through the e-mailed link; the invalid-link page is crawled",
    "exports:download": "a file download (PDF, DOCX, XLSX)",
    "importer:save": "POST only",
    "importer:discard": "POST only",
    "importer:source_file": "a file download",
    "plans:submit": "POST only (workflow)",
    "plans:withdraw": "POST only (workflow)",
    "plans:return": "POST only (workflow)",
    "plans:approve": "POST only (workflow)",
    "plans:reopen": "POST only (workflow)",
    "plans:confirm_finding": "POST only",
    "plans:editor_confirm_finding": "POST only",
    "plans:editor_schedule": "POST only",
    "plans:editor_move": "POST only",
    "work:evidence_download": "a file download",
    "work:evidence_preview": "a file shown in a frame",
    "work:evidence_thumbnail": "an image",
    "work:upload_stage": "POST only (staged upload)",
    "work:realisation_submit": "POST only",
    "work:record_unscheduled": "POST only (the form is on the realisation page)",
    "work:agent_action_add": "POST only (the form is on the agent plan page)",
    "work:agent_action_move": "POST only",
    "work:agent_plan_create": "POST only (the form is on the agent plans page)",
    "monitoring:save_report": "POST only (the form is on the quarter page)",
    "monitoring:save_area_note": "POST only (the form is on the quarter page)",
    "monitoring:add_follow_up": "POST only (the form is on the quarter page)",
    "monitoring:update_follow_up": "POST only (the form is on the quarter page)",
    "evaluation:assessment_start": "POST only",
    "evaluation:assessment_answer": "POST only (the form is on the item page)",
    "evaluation:assessment_link_delete": "POST only",
    "evaluation:assessment_feed": "POST only",
    "evaluation:assessment_file": "a file download",
    "evaluation:worksheet_download": "a file download (XLSX)",
    "evaluation:framework_copy": "POST only",
    "evaluation:framework_publish": "POST only",
    "evaluation:framework_retire": "POST only",
    "evaluation:framework_node_delete": "POST only",
    "submissions:submit": "POST only (the form is on the plan's submissions page)",
    "submissions:decide": "POST only (the form is on the package's page)",
    "submissions:reopen": "POST only",
    "reports:quarterly": "a file download (PDF, DOCX)",
    "reports:portal": "a file download (the RB portal's ZIP)",
    "reports:plan_lke": "a file download",
    "reports:lke": "a file download",
    "reports:recap": "a file download (XLSX)",
    "teams:print": "the printable team decree (its own page without the site layout)",
    "teams:export_xlsx": "a file download (XLSX)",
    "teams:member_remove": "POST only",
    "units:role_add": "POST only (the form is on the unit's page)",
    "units:resend_invite": "POST only",
    "monitoring:index": "redirects to the plan's current quarter (monitoring:quarter, crawled)",
    "work:agent_schedule": "POST only (the schedule form is on the agent plan page)",
    "plans:create_start": "redirects to plans:create for someone who manages one unit",
    "dashboards:home": "redirects to the reader's dashboard (national, province or unit)",
    "publication:feed": "JSON (the public page's data feed)",
    "publication:document": "a file download (a published document)",
}


def prepare_demo_extras() -> None:
    """What the demo lacks for a few pages: a draft plan (the 2022 plan is approved, so its
    editor is read-only) copied to 2023, a draft framework (the shipped ones are in force, so
    they cannot be edited), and the secretariat's uploaded decree waiting in the import
    preview. Made through the services, as the pages' own buttons would."""
    from django.contrib.auth.models import User

    from renaksi.core.management.commands.seed_demo import DEMO_DECREE
    from renaksi.evaluation.framework_editing import copy_framework
    from renaksi.evaluation.models import Assessment
    from renaksi.importer.models import ImportStaging
    from renaksi.plans.creation import copy_plan
    from renaksi.plans.models import ActionPlan

    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    copy_plan(User.objects.get(username="sekretariat"), plan, 2023)
    framework = Assessment.objects.get(unit=plan.unit, year=2022).framework
    copy_framework(User.objects.get(username="admin"), framework, year=2030)
    data = DEMO_DECREE.read_bytes()
    ImportStaging.objects.create(
        user=User.objects.get(username="sekretariat"),
        unit=plan.unit,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=DEMO_DECREE.name,
    )


def demo_pages() -> list[Page]:
    """The pages of the seeded demo (call after ``seed_demo`` and ``prepare_demo_extras``)."""
    from renaksi.access.models import UnitRole
    from renaksi.evaluation.models import Assessment, Framework, Node
    from renaksi.plans.models import ActionPlan, ImportFinding, SubActivity
    from renaksi.submissions.models import Submission
    from renaksi.teams.models import ReformTeam
    from renaksi.units.models import Unit
    from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan, Realisation, SchedulePeriod

    plan = ActionPlan.objects.select_related("unit").get(unit__code="6107", year=2022)
    draft = ActionPlan.objects.get(unit=plan.unit, year=2023)
    draft_area = draft.areas.order_by("number").first()
    draft_sub = SubActivity.objects.filter(activity__area=draft_area).order_by("pk").first()
    unit = plan.unit
    province = Unit.objects.get(code="61")
    team = ReformTeam.objects.get(unit=unit, year=2022)
    member = team.members.order_by("pk").first()
    role = UnitRole.objects.filter(unit=unit).order_by("pk").first()
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    # Area 1's October: planned, not reported yet (an empty form for its coordinator).
    open_period = (
        SchedulePeriod.objects.filter(
            plan=plan,
            sub_activity__activity__area__number=1,
            period=10,
            planned=True,
            realisation__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    # Area 1's September: reported and waiting for the assessor (a filled form, a review).
    waiting = (
        Realisation.objects.filter(
            plan=plan,
            sub_activity__activity__area__number=1,
            state=Realisation.State.SUBMITTED,
        )
        .order_by("pk")
        .first()
    )
    verified = (
        Realisation.objects.filter(
            plan=plan,
            sub_activity__activity__area__number=1,
            state=Realisation.State.VERIFIED,
        )
        .order_by("pk")
        .first()
    )
    finding = ImportFinding.objects.filter(plan=plan).order_by("pk").first()
    assessment = Assessment.objects.get(unit=unit, year=2022)
    framework = assessment.framework
    area_node = (
        Node.objects.filter(framework=framework, kind=Node.Kind.AREA).order_by("sequence").first()
    )
    draft_framework = Framework.objects.get(family=framework.family, year=2030)
    draft_node = Node.objects.get(framework=draft_framework, code=area_node.code)
    draft_item = (
        Node.objects.filter(framework=draft_framework, kind=Node.Kind.ITEM)
        .order_by("sequence")
        .first()
    )
    item = (
        Node.objects.filter(framework=framework, kind=Node.Kind.ITEM).order_by("sequence").first()
    )
    agent_plan = ChangeAgentPlan.objects.filter(plan=plan).order_by("pk").first()
    action = ChangeAgentAction.objects.filter(agent_plan=agent_plan).order_by("position").first()
    first_quarter = Submission.objects.get(unit=unit, year=2022, quarter=1)
    waiting_quarter = Submission.objects.get(unit=unit, year=2022, quarter=2)

    def page(persona, name, *args, status=200, query=""):
        return Page(persona, name, reverse(name, args=args) + query, status)

    admin_, sek, pel, ases, agen = "admin", "sekretariat", "pelaksana1", "asesor", "agen"
    kalbar, kpuri, peninjau, pimpinan = "kalbar", "kpuri", "kpuri-peninjau", "pimpinan"
    pages = [
        # Not signed in.
        page(None, "login"),
        page(None, "password_reset"),
        page(None, "password_reset_done"),
        Page(None, "password_reset_confirm-invalid", "/sandi/atur/MQ/tautan-salah/"),
        page(None, "password_reset_complete"),
        Page(None, "error-404-anonymous", "/tidak-ada-halaman-ini/", 404),
        # The public RB column (seed_demo publishes Bengkayang 2022).
        page(None, "publication:index"),
        page(None, "publication:page", unit.code, 2022),
        page(None, "publication:embed", unit.code, 2022),
        # The plan and its editor, as the unit's secretariat.
        page(sek, "plans:list"),
        page(sek, "plans:my_work"),
        page(sek, "plans:detail", plan.pk),
        page(sek, "plans:history", plan.pk),
        page(sek, "plans:assign_pic", plan.pk),
        page(sek, "plans:editor", plan.pk),
        page(sek, "plans:copy", plan.pk),
        page(sek, "plans:create", unit.pk),
        # The 2023 draft: the editor at work.
        Page(sek, "plans:editor-draft", reverse("plans:editor", args=[draft.pk])),
        page(sek, "plans:editor_decree", draft.pk),
        page(sek, "plans:editor_row", draft.pk, "area", draft_area.pk),
        page(sek, "plans:editor_row", draft.pk, "sub-kegiatan", draft_sub.pk),
        page(sek, "plans:editor_add_area", draft.pk),
        page(sek, "plans:editor_add", draft.pk, "area", draft_area.pk),
        page(sek, "plans:editor_delete", draft.pk, "sub-kegiatan", draft_sub.pk),
        page(sek, "importer:upload", unit.pk),
        page(sek, "importer:preview", unit.pk),
        page(sek, "dashboards:unit", plan.pk),
        page(sek, "publication:manage", plan.pk),
        page(sek, "dashboards:schedule", plan.pk),
        page(sek, "dashboards:schedule", plan.pk, query="?area=5&state=late"),
        page(sek, "dashboards:schedule", plan.pk, query="?q=tidak-ada-yang-cocok"),
        page(sek, "work:month", plan.pk),
        page(sek, "work:month", plan.pk, 3),
        page(sek, "work:sub_activity_history", plan.pk, sub.pk),
        page(sek, "work:agent_plans", plan.pk),
        page(sek, "monitoring:quarter", plan.pk, 1),
        page(sek, "monitoring:quarter", plan.pk, 3),
        page(sek, "monitoring:follow_ups", plan.pk),
        page(sek, "monitoring:settings", plan.pk),
        page(sek, "evaluation:assessments", unit.pk, 2022),
        page(sek, "evaluation:assessment", assessment.pk),
        page(sek, "evaluation:assessment_area", assessment.pk, area_node.code),
        page(sek, "evaluation:assessment_item", assessment.pk, item.pk),
        page(sek, "evaluation:assessment_links", assessment.pk),
        page(sek, "evaluation:worksheet", assessment.pk),
        page(sek, "submissions:home"),
        page(sek, "submissions:plan", plan.pk),
        page(sek, "submissions:detail", first_quarter.pk),
        page(sek, "teams:list"),
        page(sek, "teams:detail", team.pk),
        page(sek, "teams:edit", team.pk),
        page(sek, "teams:member_add", team.pk),
        page(sek, "teams:member_edit", team.pk, member.pk),
        page(sek, "units:list"),
        page(sek, "units:detail", unit.pk),
        page(sek, "units:invite", unit.pk),
        page(sek, "units:role_remove", unit.pk, role.pk),
        page(sek, "password_change"),
        page(sek, "password_change_done"),
        page(sek, "work:reminders"),
        # A plan found without a finding has nothing to confirm; the demo's decree has some.
        *([page(sek, "plans:detail", plan.pk, query=f"#temuan-{finding.pk}")] if finding else []),
        Page(sek, "error-404", "/tidak-ada-halaman-ini/", 404),
        # An implementer: their work, an empty and a filled realisation form.
        page(pel, "plans:my_work"),
        page(pel, "work:realisation", open_period.pk),
        page(pel, "work:realisation", verified.period_id),
        Page(
            pel,
            "error-403",
            reverse("work:realisation", args=[_other_area_period(plan).pk]),
            403,
        ),
        # The assessor: the queue and a review.
        page(ases, "work:queue"),
        page(ases, "work:review", waiting.pk),
        # The change agent.
        page(agen, "work:agent_plan", agent_plan.pk),
        page(agen, "work:agent_action_edit", agent_plan.pk, action.pk),
        page(agen, "work:agent_action_delete", agent_plan.pk, action.pk),
        # The Tim Pengarah chair.
        page(pimpinan, "plans:detail", plan.pk),
        page(pimpinan, "dashboards:unit", plan.pk),
        page(pel, "dashboards:schedule", plan.pk, query="?bulan=9"),
        # The province's reviewer: its queue, the waiting package, its overview.
        page(kalbar, "submissions:queue"),
        page(kalbar, "submissions:detail", waiting_quarter.pk),
        page(kalbar, "submissions:province", province.pk),
        page(kalbar, "plans:list"),
        page(kalbar, "dashboards:province", province.pk, query="?tahun=2022"),
        # KPU RI.
        page(peninjau, "submissions:queue"),
        page(kpuri, "submissions:national"),
        page(kpuri, "plans:list"),
        page(kpuri, "dashboards:national"),
        page(kpuri, "dashboards:national", query="?tahun=2022"),
        page(kpuri, "dashboards:province", province.pk, query="?tahun=2022"),
        page(kpuri, "units:list"),
        # The system administrator: the evaluation frameworks.
        page(admin_, "evaluation:framework_list"),
        page(admin_, "evaluation:framework_detail", framework.pk),
        page(admin_, "evaluation:framework_detail", draft_framework.pk),
        page(admin_, "evaluation:framework_node_edit", draft_framework.pk, draft_node.pk),
        page(admin_, "evaluation:framework_node_edit", draft_framework.pk, draft_item.pk),
        page(admin_, "evaluation:framework_item_add", draft_framework.pk, draft_node.pk),
        page(admin_, "plans:create_start"),
        page(admin_, "importer:start"),
    ]
    return pages


def _other_area_period(plan):
    """A period of area 5, which pelaksana1 (areas 1–4) does not report: a 403 page."""
    from renaksi.work.models import SchedulePeriod

    return (
        SchedulePeriod.objects.filter(plan=plan, sub_activity__activity__area__number=5)
        .order_by("pk")
        .first()
    )
