"""Pages of the self-assessment (LKE): the unit's assessments of a year, the worksheet (an
overview with the scores per area, the gaps and the previous year; a page per area with a
form per item), one item's page (every verified evidence item to choose from), the
indicator links, and the download of a file uploaded to an answer.

Thin views over services.py. Objects come through the access layer (an assessment of a unit
the person may not read is a 404, an action they may not take a 403). Forms work without
JavaScript; each answer form carries the answer's version, so a save over someone else's
newer answer is refused with a message and the person's text stays in the form. Every page
makes the same number of queries whatever the number of items (tests/test_assessment_pages.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from renaksi.access.policy import (
    FILL_ASSESSMENT,
    MANAGE_UNIT,
    assessments_visible_to,
    get_for_user,
    units_visible_to,
)
from renaksi.core.decorators import get_or_post, post_only
from renaksi.plans.models import Indicator
from renaksi.submissions.locks import lke_locked, locked_message
from renaksi.work.files import download_name, evidence_storage
from renaksi.work.models import Evidence, Realisation
from renaksi.work.realisations import month_name

from . import services
from .forms import AnswerForm, LinkForm, StartForm, indicator_label, option_choices
from .models import (
    Answer,
    AnswerFile,
    AnswerType,
    Assessment,
    AssessorKind,
    Framework,
    Node,
    Tier,
)
from .scoring import RawAnswer, Scored, TreeNode, answerable, display, load_tree, score

TIER_LABELS = dict(Tier.choices)
ASSESSOR_LABELS = dict(AssessorKind.choices)
ANSWER_TYPE_LABELS = dict(AnswerType.choices)


QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}


def month_label(month, schedule_kind: str = "") -> str:
    """A period's name: the month in the active language ("Juni"), or "TW II" for a
    quarterly plan; the value as text otherwise."""
    if schedule_kind == "quarter" and month in QUARTER_NAMES:
        return QUARTER_NAMES[month]
    if isinstance(month, int) and 1 <= month <= 12:
        return month_name(month)
    return str(month or "")


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def number(value: Fraction | None, decimals: int = 2) -> str:
    """A score in the reader's number format: 3,67 in Indonesian, 3.67 in English."""
    if value is None:
        return ""
    return number_format(display(value, decimals), decimals)


def _load(request: HttpRequest, pk: int) -> Assessment:
    return get_for_user(
        request.user,
        assessments_visible_to(request.user).select_related(*services.ASSESSMENT_RELATED),
        pk=pk,
    )


def _version(request: HttpRequest, prefix: str) -> int | None:
    try:
        return int(request.POST.get(f"{prefix}-version", ""))
    except ValueError:
        return None


# -- the unit's assessments --------------------------------------------------------------------


@login_required
@require_safe
def assessment_list(request: HttpRequest, unit: int, year: int) -> HttpResponse:
    unit_obj = get_for_user(request.user, units_visible_to(request.user), pk=unit)
    rows = list(
        Assessment.objects.filter(unit=unit_obj, year=year)
        .select_related("framework")
        .order_by("framework__family", "framework__title")
    )
    years = sorted(
        set(Assessment.objects.filter(unit=unit_obj).values_list("year", flat=True)) | {year},
        reverse=True,
    )
    probe = Assessment(unit=unit_obj, year=year)
    can_start = request.user.has_perm(FILL_ASSESSMENT, probe)
    started = {row.framework_id for row in rows}
    startable = [
        fw
        for fw in Framework.objects.filter(state=Framework.State.PUBLISHED).order_by(
            "family", "-year", "-version"
        )
        if fw.pk not in started
    ]
    return render(
        request,
        "evaluation/assessment_list.html",
        {
            "unit": unit_obj,
            "year": year,
            "years": years,
            "rows": rows,
            "can_start": can_start and bool(startable),
            "start_form": StartForm(startable) if can_start else None,
        },
    )


def _list_url(request: HttpRequest, unit: int, year: int) -> str:
    return reverse("evaluation:assessments", args=[unit, year])


@login_required
@post_only(_list_url)
def assessment_start(request: HttpRequest, unit: int, year: int) -> HttpResponse:
    unit_obj = get_for_user(request.user, units_visible_to(request.user), pk=unit)
    if not request.user.has_perm(FILL_ASSESSMENT, Assessment(unit=unit_obj, year=year)):
        raise PermissionDenied
    frameworks = Framework.objects.filter(state=Framework.State.PUBLISHED)
    form = StartForm(frameworks, request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih kerangka evaluasi yang berlaku."))
        return redirect("evaluation:assessments", unit, year)
    framework = frameworks.get(pk=form.cleaned_data["framework"])
    try:
        assessment = services.assessment_for(
            unit_obj, year, framework, create=True, actor=request.user
        )
    except services.AssessmentError as error:
        messages.error(request, error.message)
        return redirect("evaluation:assessments", unit, year)
    messages.success(
        request,
        _("LKE %(framework)s tahun %(year)s siap diisi.")
        % {"framework": framework.title, "year": year},
    )
    return redirect("evaluation:assessment", assessment.pk)


# -- the worksheet: shared pieces ---------------------------------------------------------------


@dataclass
class Sheet:
    """Everything the worksheet pages show, loaded in a fixed number of queries."""

    assessment: Assessment
    tree: Any
    answers: dict[tuple[str, str], Answer]
    result: Any  # the self-assessment's scoring.Result
    tier_results: dict[str, Any]
    tier_counts: dict[str, int]
    previous: Assessment | None
    previous_values: dict[str, Any]
    allowed: list[str]
    locked: bool
    evidence_available: int
    nodes: dict[int, Node] = field(default_factory=dict)


def _answers_of(assessment: Assessment) -> list[Answer]:
    return list(
        Answer.objects.filter(assessment=assessment)
        .select_related("item", "answered_by")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related(
                    "realisation__period", "file", "plan"
                ).order_by("uploaded_at", "pk"),
            ),
            Prefetch(
                "answer_files",
                queryset=AnswerFile.objects.select_related("file").order_by("uploaded_at", "pk"),
            ),
        )
    )


def _raw(answer: Answer) -> RawAnswer:
    return RawAnswer(option=answer.option or "", number=answer.number, counts=answer.counts or {})


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The unit's latest earlier assessment of the same framework family (codes are stable
    across versions, so its items compare by code)."""
    return (
        Assessment.objects.filter(
            unit_id=assessment.unit_id,
            framework__family=assessment.framework.family,
            year__lt=assessment.year,
        )
        .select_related("framework")
        .order_by("-year")
        .first()
    )


def build_sheet(request: HttpRequest, assessment: Assessment, *, with_nodes: bool = False) -> Sheet:
    tree = load_tree(assessment.framework)
    rows = _answers_of(assessment)
    answers = {(row.item.code, row.tier): row for row in rows}
    by_tier: dict[str, dict[str, RawAnswer]] = {tier: {} for tier in services.TIER_ORDER}
    for row in rows:
        # A note without a score (a reviewer's remark) is no answer: it neither counts nor
        # hides the unit's answer in that tier's total.
        if row.item.code in tree.by_code and (row.option or row.number is not None or row.counts):
            by_tier[row.tier][row.item.code] = _raw(row)
    result = score(tree, by_tier[Tier.SELF])
    # A reviewer tier's total: its own score where it gave one, else the unit's answer.
    tier_results = {Tier.SELF: result}
    tier_counts = {tier: len(codes) for tier, codes in by_tier.items()}
    for tier in services.TIER_ORDER[1:]:
        if by_tier[tier]:
            tier_results[tier] = score(tree, {**by_tier[Tier.SELF], **by_tier[tier]})
    previous = previous_assessment(assessment)
    previous_values = {}
    if previous is not None:
        previous_values = dict(
            Answer.objects.filter(assessment=previous, tier=Tier.SELF).values_list(
                "item__code", "value"
            )
        )
    allowed = services.allowed_tiers(request.user, assessment)
    locked = bool(allowed) and lke_locked(assessment.unit_id, assessment.year)
    available = services.candidate_evidence(assessment).count() if Tier.SELF in allowed else 0
    nodes = {}
    if with_nodes:
        nodes = {
            node.pk: node
            for node in Node.objects.filter(framework=assessment.framework).only(
                "pk", "guidance", "assessor_kind", "note", "incomplete"
            )
        }
    return Sheet(
        assessment=assessment,
        tree=tree,
        answers=answers,
        result=result,
        tier_results=tier_results,
        tier_counts=tier_counts,
        previous=previous,
        previous_values=previous_values,
        allowed=allowed,
        locked=locked,
        evidence_available=available,
        nodes=nodes,
    )


def _chosen_tier(request: HttpRequest, sheet: Sheet) -> str | None:
    wanted = request.GET.get("tingkat") or request.POST.get("tingkat_pilihan")
    if wanted in sheet.allowed:
        return wanted
    return sheet.allowed[0] if sheet.allowed else None


def _can_write(sheet: Sheet, tier: str | None) -> bool:
    return tier is not None and not (sheet.locked and tier in services.LOCKED_TIERS)


def sections(tree) -> list[TreeNode]:
    """The worksheet's pages: its areas (or, for a framework without areas, the nodes just
    above the sub-components)."""
    areas = [node for node in tree.walk() if node.kind == Node.Kind.AREA]
    if areas:
        return areas
    return [
        node
        for node in tree.walk()
        if not node.is_item and node.children and any(c.is_item for c in node.children)
    ]


def _node_row(scored: Scored, previous: Assessment | None) -> dict:
    node = scored.node
    row = {
        "node": node,
        "score": number(scored.score),
        "maximum": number(scored.maximum),
        "percent": number(scored.percent),
        "incomplete": scored.score is None,
        "previous": "",
        "difference": "",
    }
    if previous is not None:
        text = (previous.node_scores or {}).get(node.code)
        if text is not None and scored.score is not None:
            before = Fraction(text)
            row["previous"] = number(before)
            delta = scored.score - before
            row["difference"] = ("+" if delta > 0 else "") + number(delta)
    return row


def _tier_rows(sheet: Sheet) -> list[dict]:
    rows = []
    for tier in services.TIER_ORDER:
        result = sheet.tier_results.get(tier)
        rows.append(
            {
                "tier": tier,
                "label": TIER_LABELS[tier],
                "index": number(result.index) if result is not None else "",
                "category": (result.category or {}).get("code", "") if result else "",
                "count": sheet.tier_counts.get(tier, 0),
            }
        )
    return rows


# -- the overview -----------------------------------------------------------------------------


@login_required
@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _load(request, pk)
    sheet = build_sheet(request, assessment)
    result = sheet.result
    overview = []
    for node in sheet.tree.walk():
        if node.kind in (Node.Kind.COMPONENT, Node.Kind.ASPECT, Node.Kind.AREA):
            row = _node_row(result.by_code[node.code], sheet.previous)
            row["is_area"] = node.kind == Node.Kind.AREA
            overview.append(row)
    section_codes = {node.code for node in sections(sheet.tree)}
    for row in overview:
        row["url"] = (
            reverse("evaluation:assessment_area", args=[assessment.pk, row["node"].code])
            if row["node"].code in section_codes
            else ""
        )
    unanswered, without_evidence = [], []
    for node in sheet.tree.items:
        if not answerable(node):  # the sources do not say how: not to answer
            continue
        link = _item_anchor(assessment, sheet.tree, node)
        if result.by_code[node.code].value is None:
            unanswered.append((node, link))
        else:
            answer = sheet.answers.get((node.code, Tier.SELF))
            if answer is not None and not _has_evidence(answer):
                without_evidence.append((node, link))
    previous = sheet.previous
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "assessment": assessment,
            "framework": assessment.framework,
            "index": number(result.index),
            "maximum": number(result.maximum),
            "category": result.category,
            "overview": overview,
            "tiers": _tier_rows(sheet),
            "unanswered": unanswered,
            "without_evidence": without_evidence,
            "incomplete_nodes": result.incomplete,
            "previous": previous,
            "previous_index": number(Fraction(previous.index_value))
            if previous is not None and previous.index_value is not None
            else "",
            "sections": [
                (node, reverse("evaluation:assessment_area", args=[assessment.pk, node.code]))
                for node in sections(sheet.tree)
            ],
            "allowed": [(tier, TIER_LABELS[tier]) for tier in sheet.allowed],
            "locked": sheet.locked,
            "locked_message": locked_message() if sheet.locked else "",
            "can_fill": Tier.SELF in sheet.allowed and not sheet.locked,
            "can_manage": request.user.has_perm(MANAGE_UNIT, assessment.unit),
            "list_url": reverse(
                "evaluation:assessments", args=[assessment.unit_id, assessment.year]
            ),
            "plan_url": _url("plans:detail", assessment.plan_id) if assessment.plan_id else "",
            # The offline worksheet (part "lkecli"), when it is there.
            "worksheet_url": _url("evaluation:worksheet", assessment.pk),
        },
    )


def _has_evidence(answer: Answer) -> bool:
    return bool(answer.evidence.all()) or bool(answer.answer_files.all())


def _section_of(tree, node: TreeNode) -> TreeNode | None:
    codes = {section.code for section in sections(tree)}
    current = node.parent
    while current is not None:
        if current.code in codes:
            return current
        current = current.parent
    return None


def _item_anchor(assessment: Assessment, tree, node: TreeNode) -> str:
    section = _section_of(tree, node)
    if section is None:
        return reverse("evaluation:assessment_item", args=[assessment.pk, node.pk])
    return (
        reverse("evaluation:assessment_area", args=[assessment.pk, section.code])
        + f"#butir-{node.pk}"
    )


# -- an area's page, and one item's ----------------------------------------------------------------


def _evidence_label(evidence: Evidence) -> str:
    period = evidence.realisation.period.period if evidence.realisation_id else None
    month = month_label(period, evidence.plan.schedule_kind) if period else ""
    return f"{evidence.title} ({month})" if month else evidence.title


def _evidence_row(evidence: Evidence) -> dict:
    verified = evidence.is_current and evidence.realisation.state == Realisation.State.VERIFIED
    return {
        "evidence": evidence,
        "label": _evidence_label(evidence),
        "verified": verified,
        "url": evidence.url
        if not evidence.file_id
        else _url("work:evidence_download", evidence.pk),
        "review_url": _url("work:review", evidence.realisation_id),
    }


def _source_lines(answer: Answer | None, item: TreeNode) -> list[str]:
    if answer is None or not answer.sources:
        return []
    labels = {entry.get("name"): entry.get("label") for entry in item.count_inputs or []}
    lines = []
    for name, source in answer.sources.items():
        month = month_label(source.get("period"), source.get("schedule", ""))
        lines.append(
            _("%(input)s = %(value)s dari indikator “%(indicator)s”, realisasi %(month)s")
            % {
                "input": labels.get(name) or name,
                "value": answer.counts.get(name, source.get("value")),
                "indicator": source.get("indicator", ""),
                "month": month,
            }
        )
    return lines


def _options_text(item: TreeNode, rules) -> list[tuple[str, str, str]]:
    from .scoring import option_value

    rows = []
    for code, label in option_choices(item):  # type: ignore[arg-type]
        try:
            value = number(option_value(rules, item, code))
        except (KeyError, ValueError):
            value = ""
        rows.append((code.upper() if len(code) == 1 else code.capitalize(), label, value))
    return rows


def _item_row(
    request: HttpRequest,
    sheet: Sheet,
    item: TreeNode,
    tier: str | None,
    *,
    form: AnswerForm | None = None,
    full_evidence: list[Evidence] | None = None,
    conflict: bool = False,
) -> dict:
    assessment = sheet.assessment
    node = sheet.nodes.get(item.pk)
    self_answer = sheet.answers.get((item.code, Tier.SELF))
    scored = sheet.result.by_code[item.code]
    tiers = []
    for each in services.TIER_ORDER:
        answer = sheet.answers.get((item.code, each))
        tiers.append(
            {
                "tier": each,
                "label": TIER_LABELS[each],
                "answer": answer,
                "text": services.answer_text(answer) if answer else "",
                "value": number(Fraction(answer.value))
                if answer and answer.value is not None
                else "",
                "note": answer.justification if answer else "",
                "who": (answer.answered_by.get_full_name() or answer.answered_by.username)
                if answer and answer.answered_by
                else "",
                "when": answer.answered_at if answer else None,
                "mine": each == tier,
            }
        )
    linked = list(self_answer.evidence.all()) if self_answer else []
    files = list(self_answer.answer_files.all()) if self_answer else []
    can_answer = answerable(item)
    writable = _can_write(sheet, tier) and can_answer
    if form is None and writable:
        form = _blank_form(sheet, item, tier, linked, full_evidence)
    if form is not None and tier == Tier.SELF:
        form.set_file_choices([f.pk for f in files])
    previous = sheet.previous_values.get(item.code) if sheet.previous else None
    return {
        "item": item,
        "guidance": node.guidance if node else "",
        "assessor_kind": ASSESSOR_LABELS.get(node.assessor_kind, "") if node else "",
        "answer_type": ANSWER_TYPE_LABELS.get(item.answer_type, item.answer_type),
        "options": _options_text(item, sheet.tree.rules)
        if item.options or item.answer_type in ("yes_no", "abc", "abcd", "abcde")
        else [],
        "count_labels": [entry.get("label") or entry.get("name") for entry in item.count_inputs],
        "value": number(scored.value) if scored.value is not None else "",
        "unanswered": can_answer and scored.value is None,
        "not_answerable": not can_answer,
        "no_evidence": scored.value is not None and not (linked or files),
        "tiers": tiers,
        "evidence": [_evidence_row(evidence) for evidence in linked],
        "files": [
            {"file": f, "url": reverse("evaluation:assessment_file", args=[f.pk])} for f in files
        ],
        "sources": _source_lines(self_answer, item),
        "previous": number(Fraction(previous)) if previous is not None else "",
        "has_previous": sheet.previous is not None,
        "form": form,
        "tier": tier,
        "tier_label": TIER_LABELS.get(tier, "") if tier else "",
        "action": reverse("evaluation:assessment_answer", args=[assessment.pk, item.pk]),
        "item_url": reverse("evaluation:assessment_item", args=[assessment.pk, item.pk]),
        "evidence_available": sheet.evidence_available,
        "full_evidence": full_evidence is not None,
        "conflict": conflict,
    }


def _evidence_choices(linked: list[Evidence], full: list[Evidence] | None) -> list:
    choices = [(e.pk, _evidence_label(e)) for e in linked]
    seen = {e.pk for e in linked}
    for evidence in full or []:
        if evidence.pk not in seen:
            choices.append((evidence.pk, _evidence_label(evidence)))
    return choices


def _blank_form(sheet, item: TreeNode, tier: str, linked, full) -> AnswerForm:
    answer = sheet.answers.get((item.code, tier))
    initial: dict[str, Any] = {"tier": tier, "version": answer.version if answer else None}
    if answer is not None:
        initial["justification"] = answer.justification
        initial["option"] = answer.option
        initial["number"] = f"{answer.number.normalize():f}" if answer.number is not None else ""
        for name, value in (answer.counts or {}).items():
            initial[f"count_{name}"] = str(value)
        if tier == Tier.SELF:
            initial["evidence"] = [str(e.pk) for e in linked]
    return AnswerForm(
        item,  # type: ignore[arg-type]
        tier,
        evidence_choices=_evidence_choices(linked, full),
        initial=initial,
        prefix=f"b{item.pk}",
    )


def _area_context(request: HttpRequest, sheet: Sheet, section: TreeNode, tier) -> dict:
    assessment = sheet.assessment
    groups = []
    direct_items = [child for child in section.children if child.is_item]
    if direct_items:
        groups.append(
            {
                "node": _node_row(sheet.result.by_code[section.code], sheet.previous),
                "items": [_item_row(request, sheet, item, tier) for item in direct_items],
            }
        )
    stack = [child for child in section.children if not child.is_item]
    for node in _preorder(stack):
        items = [child for child in node.children if child.is_item]
        groups.append(
            {
                "node": _node_row(sheet.result.by_code[node.code], sheet.previous),
                "items": [_item_row(request, sheet, item, tier) for item in items],
            }
        )
    all_sections = sections(sheet.tree)
    position = next(i for i, s in enumerate(all_sections) if s.code == section.code)
    return {
        "assessment": assessment,
        "framework": assessment.framework,
        "section": _node_row(sheet.result.by_code[section.code], sheet.previous),
        "path": section.path(),
        "groups": groups,
        "previous": sheet.previous,
        "index": number(sheet.result.index),
        "category": sheet.result.category,
        "tier": tier,
        "tier_label": TIER_LABELS.get(tier, "") if tier else "",
        "allowed": [(each, TIER_LABELS[each]) for each in sheet.allowed],
        "locked": sheet.locked and tier in services.LOCKED_TIERS,
        "locked_message": locked_message(),
        "detail_url": reverse("evaluation:assessment", args=[assessment.pk]),
        "previous_section": _section_link(assessment, all_sections, position - 1),
        "next_section": _section_link(assessment, all_sections, position + 1),
    }


def _preorder(nodes: list[TreeNode]) -> list[TreeNode]:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(_preorder([c for c in node.children if not c.is_item]))
    return out


def _section_link(assessment, all_sections, position: int):
    if 0 <= position < len(all_sections):
        node = all_sections[position]
        return (node, reverse("evaluation:assessment_area", args=[assessment.pk, node.code]))
    return None


@login_required
@require_safe
def assessment_area(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _load(request, pk)
    sheet = build_sheet(request, assessment, with_nodes=True)
    section = sheet.tree.by_code.get(code)
    if section is None or section.code not in {s.code for s in sections(sheet.tree)}:
        raise Http404
    tier = _chosen_tier(request, sheet)
    return render(
        request,
        "evaluation/assessment_area.html",
        _area_context(request, sheet, section, tier),
    )


def _full_evidence(assessment: Assessment) -> list[Evidence]:
    return list(
        services.candidate_evidence(assessment)
        .select_related(
            "realisation__period", "realisation__sub_activity__activity__area", "file", "plan"
        )
        .order_by("realisation__period__period", "title", "pk")
    )


def _item_page(
    request: HttpRequest,
    sheet: Sheet,
    item: TreeNode,
    tier: str | None,
    *,
    form: AnswerForm | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    assessment = sheet.assessment
    full = _full_evidence(assessment) if tier == Tier.SELF and _can_write(sheet, tier) else None
    if form is not None and full is not None and "evidence" in form.fields:
        self_answer = sheet.answers.get((item.code, Tier.SELF))
        linked = list(self_answer.evidence.all()) if self_answer else []
        form.fields["evidence"].choices = [
            (str(pk), label) for pk, label in _evidence_choices(linked, full)
        ]
    row = _item_row(request, sheet, item, tier, form=form, full_evidence=full, conflict=conflict)
    section = _section_of(sheet.tree, item)
    return render(
        request,
        "evaluation/assessment_item.html",
        {
            "assessment": assessment,
            "framework": assessment.framework,
            "row": row,
            "path": item.path(),
            "allowed": [(each, TIER_LABELS[each]) for each in sheet.allowed],
            "tier": tier,
            "locked": sheet.locked and tier in services.LOCKED_TIERS,
            "locked_message": locked_message(),
            "detail_url": reverse("evaluation:assessment", args=[assessment.pk]),
            "area_url": reverse("evaluation:assessment_area", args=[assessment.pk, section.code])
            + f"#butir-{item.pk}"
            if section
            else "",
        },
        status=status,
    )


def _tree_item(sheet: Sheet, item_pk: int) -> TreeNode:
    for node in sheet.tree.items:
        if node.pk == item_pk:
            return node
    raise Http404


@login_required
@require_safe
def assessment_item(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    assessment = _load(request, pk)
    sheet = build_sheet(request, assessment, with_nodes=True)
    node = _tree_item(sheet, item)
    return _item_page(request, sheet, node, _chosen_tier(request, sheet))


def _item_url(request: HttpRequest, pk: int, item: int) -> str:
    return reverse("evaluation:assessment_item", args=[pk, item])


@login_required
@post_only(_item_url)
def assessment_answer(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Save one tier's answer to one item; back to the area page, or the item's page with
    the errors at their fields (and the person's text kept)."""
    assessment = _load(request, pk)
    item_row = get_object_or_404(
        Node.objects.filter(framework=assessment.framework, kind=Node.Kind.ITEM), pk=item
    )
    prefix = f"b{item_row.pk}"
    tier = request.POST.get(f"{prefix}-tier", "")
    if tier not in services.TIER_PERMS:
        raise Http404
    if not request.user.has_perm(services.TIER_PERMS[tier], assessment):
        raise PermissionDenied
    self_answer = Answer.objects.filter(
        assessment=assessment, item=item_row, tier=Tier.SELF
    ).first()
    evidence_choices = []
    if tier == Tier.SELF:
        linked = (
            list(self_answer.evidence.select_related("realisation__period", "plan"))
            if self_answer
            else []
        )
        evidence_choices = _evidence_choices(
            linked,
            list(
                services.candidate_evidence(assessment).select_related(
                    "realisation__period", "plan"
                )
            ),
        )
    form = AnswerForm(
        item_row,
        tier,
        request.POST,
        request.FILES,
        evidence_choices=evidence_choices,
        prefix=prefix,
    )
    if tier == Tier.SELF:
        form.set_file_choices(
            AnswerFile.objects.filter(answer=self_answer).values_list("pk", flat=True)
            if self_answer
            else []
        )
    conflict = False
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_answer(
                request.user,
                assessment,
                item_row,
                tier=tier,
                raw=form.raw_answer(),
                justification=data.get("justification", ""),
                evidence_ids=data.get("evidence") if tier == Tier.SELF else None,
                files=data.get("files") or [],
                remove_file_ids=data.get("remove_files") or [],
                expected_version=_version(request, prefix),
            )
        except services.AnswerConflict as error:
            conflict = True
            status = 409
            messages.warning(request, error.message)
            # Keep the person's text; the next save is based on the answer as it is now.
            data = request.POST.copy()
            data[f"{prefix}-version"] = str(error.current.version) if error.current else ""
            form = AnswerForm(
                item_row,
                tier,
                data,
                evidence_choices=evidence_choices,
                prefix=prefix,
            )
            form.is_valid()
        except services.AssessmentError as error:
            messages.error(request, error.message)
            return redirect(_back(assessment, item_row))
        except ValidationError as error:
            form.put_errors(error.message_dict)
        else:
            messages.success(
                request,
                _("Jawaban butir %(code)s (%(tier)s) disimpan.")
                % {"code": item_row.code, "tier": TIER_LABELS[tier]},
            )
            return redirect(_back(assessment, item_row))
    sheet = build_sheet(request, assessment, with_nodes=True)
    node = _tree_item(sheet, item_row.pk)
    return _item_page(request, sheet, node, tier, form=form, conflict=conflict, status=status)


def _back(assessment: Assessment, item: Node) -> str:
    tree = load_tree(assessment.framework)
    node = tree.by_code[item.code]
    return _item_anchor(assessment, tree, node)


# -- indicator links ----------------------------------------------------------------------------


def _plan_indicators(assessment: Assessment) -> list[Indicator]:
    if assessment.plan_id is None:
        return []
    return list(
        Indicator.objects.filter(sub_activity__activity__area__plan_id=assessment.plan_id)
        .select_related("sub_activity__activity__area")
        .order_by(
            "sub_activity__activity__area__number",
            "sub_activity__activity__position",
            "sub_activity__position",
            "position",
        )
    )


def _percent_items(assessment: Assessment) -> list[Node]:
    return list(
        Node.objects.filter(
            framework=assessment.framework, kind=Node.Kind.ITEM, answer_type=AnswerType.PERCENT
        ).order_by("sequence")
    )


@login_required
@get_or_post
def assessment_links(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _load(request, pk)
    can_manage = request.user.has_perm(MANAGE_UNIT, assessment.unit)
    indicators = _plan_indicators(assessment)
    percent_items = _percent_items(assessment)
    form = LinkForm(indicators, percent_items, request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            item_pk, input_name = form.item_and_input()
            indicator = next(i for i in indicators if i.pk == form.cleaned_data["indicator"])
            item = next((i for i in percent_items if i.pk == item_pk), None)
            if item is None:
                raise Http404
            try:
                services.add_link(request.user, assessment, indicator, item, input_name)
            except ValidationError as error:
                for key, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error("target" if key in ("item", "input") else None, text)
            else:
                messages.success(
                    request, _("Indikator ditautkan ke butir %(code)s.") % {"code": item.code}
                )
                return redirect("evaluation:assessment_links", assessment.pk)
    links = list(links_with_values(assessment))
    return render(
        request,
        "evaluation/assessment_links.html",
        {
            "assessment": assessment,
            "framework": assessment.framework,
            "links": links,
            "form": form if can_manage and indicators and percent_items else None,
            "can_manage": can_manage,
            "can_feed": request.user.has_perm(FILL_ASSESSMENT, assessment) and bool(links),
            "has_plan": assessment.plan_id is not None,
            "detail_url": reverse("evaluation:assessment", args=[assessment.pk]),
        },
        status=400 if form.errors else 200,
    )


def links_with_values(assessment: Assessment) -> list[dict]:
    links = list(
        services.links_of(assessment).select_related("indicator__sub_activity__activity__area")
    )
    latest = services.latest_verified_values({link.indicator_id for link in links}, assessment.year)
    rows = []
    for link in links:
        value = latest.get(link.indicator_id)
        labels = dict(services.link_inputs(link.item))
        rows.append(
            {
                "link": link,
                "indicator": indicator_label(link.indicator),
                "input": labels.get(link.input, link.input),
                "value": number_format(f"{value.value.normalize():f}") if value else "",
                "month": month_label(
                    value.realisation.period.period, value.realisation.plan.schedule_kind
                )
                if value
                else "",
            }
        )
    return rows


def _links_url(request: HttpRequest, pk: int, **kwargs) -> str:
    return reverse("evaluation:assessment_links", args=[pk])


@login_required
@post_only(_links_url)
def assessment_link_delete(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    assessment = _load(request, pk)
    if not request.user.has_perm(MANAGE_UNIT, assessment.unit):
        raise PermissionDenied
    row = get_object_or_404(
        services.links_of(assessment).select_related("indicator__sub_activity__activity__area"),
        pk=link,
    )
    services.remove_link(request.user, assessment, row)
    messages.success(request, _("Tautan ke butir %(code)s dihapus.") % {"code": row.item.code})
    return redirect("evaluation:assessment_links", assessment.pk)


@login_required
@post_only(_links_url)
def assessment_feed(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _load(request, pk)
    try:
        result = services.feed_from_indicators(assessment, request.user)
    except services.AssessmentError as error:
        messages.error(request, error.message)
        return redirect("evaluation:assessment_links", assessment.pk)
    if result.saved:
        messages.success(
            request,
            _("Jumlah diisi dari indikator: %(codes)s.") % {"codes": ", ".join(result.saved)},
        )
    elif not result.skipped:
        messages.info(request, _("Tidak ada yang berubah: jumlahnya sudah sama dengan indikator."))
    for text in result.skipped:
        messages.warning(request, text)
    return redirect("evaluation:assessment_links", assessment.pk)


# -- a file uploaded to an answer --------------------------------------------------------------


@login_required
@require_safe
def assessment_file(request: HttpRequest, pk: int) -> HttpResponse:
    visible = assessments_visible_to(request.user).values("pk")
    link = get_object_or_404(
        AnswerFile.objects.select_related("file").filter(answer__assessment__in=visible), pk=pk
    )
    stored = link.file
    if stored.generated:
        raise Http404
    try:
        handle = evidence_storage().open(stored.file.name, "rb")
    except Exception as error:  # missing from the storage
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(link.original_name, stored.file_type),
        content_type=stored.content_type,
    )
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


__all__ = [
    "assessment_answer",
    "assessment_area",
    "assessment_detail",
    "assessment_feed",
    "assessment_file",
    "assessment_item",
    "assessment_link_delete",
    "assessment_links",
    "assessment_list",
    "assessment_start",
]
