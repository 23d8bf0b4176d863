"""The self-assessment (LKE) of a unit: its answers, the tiers that review it, its totals.

``assessment_for(unit, year, framework, create=…)`` finds (or starts) the unit's LKE for a
year against one published framework. ``save_answer(actor, assessment, item, tier=…, raw=…)``
records one tier's answer to one item:

* who: tier ``self`` needs FILL_ASSESSMENT (the unit's administrator, Tim Pengarah, Tim
  Pelaksana), ``unit_assessor`` SCORE_AS_UNIT_ASSESSOR (the unit's Tim Asesor of the year),
  ``province`` SCORE_AS_PROVINCE (a reviewer of the KPU Provinsi directly above),
  ``national`` SCORE_AS_NATIONAL (a reviewer at KPU RI) — renaksi/access/rules.py;
* what: the raw answer as a person or a file gives it (an option code, a number, the counts
  of a percentage item), checked by ``scoring.parse_answer`` and ``scoring.item_value``
  (Indonesian messages naming the item code). An empty answer clears the tier's answer;
* a reviewer tier whose item value differs from the self-assessment's must say why
  (``justification``);
* evidence (tier ``self`` only): links to the plan's *verified* evidence of that unit and
  year (current items of verified realisations, renaksi/work), and files uploaded straight
  to the answer (checked and stored by renaksi/work/files.py, removed again if the write
  rolls back);
* the unit's side (tiers ``self`` and ``unit_assessor``) is refused while the year's LKE is
  locked by a submission waiting for review (``submissions.locks.lke_locked``); the province
  and KPU RI score during that review;
* optimistic locking: each answer has a ``version``; a save based on an older one (or on
  "no answer yet" when someone has answered meanwhile) raises ``AnswerConflict`` carrying
  the answer as it is now, and changes nothing;
* one audit entry per change (``evaluation.*`` codes), and ``refresh_totals`` in the same
  transaction.

``refresh_totals(assessment)`` scores the self-assessment and keeps the cached totals on
``Assessment`` true (index, category, node_scores of components, aspects and areas as exact
fraction text, item, answered and without-evidence counts): the province and national
overviews read only these. An answer without evidence counts as incomplete (DOMAIN.md §3.5).

Indicator links (``IndicatorLink``): an indicator of the plan feeds a percentage item:
``add_link`` / ``remove_link`` (the unit's administrator), and ``feed_from_indicators``
fills the counts of linked items from the latest verified value of each indicator in the
year, recording where each count came from (``Answer.sources``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.access.policy import (
    FILL_ASSESSMENT,
    MANAGE_UNIT,
    SCORE_AS_NATIONAL,
    SCORE_AS_PROVINCE,
    SCORE_AS_UNIT_ASSESSOR,
)
from renaksi.audit.services import record
from renaksi.core.validators import validate_text
from renaksi.plans.models import ActionPlan, Indicator
from renaksi.submissions.locks import lke_locked, locked_message

from .answers import answers_of
from .models import (
    FORMULA_INPUTS,
    NUMBER_SCALE,
    Answer,
    AnswerFile,
    AnswerType,
    Assessment,
    Formula,
    Framework,
    IndicatorLink,
    Node,
    Tier,
)
from .scoring import (
    RawAnswer,
    ScoringError,
    TreeNode,
    answerable,
    display,
    item_value,
    load_tree,
    parse_answer,
    score,
)

if TYPE_CHECKING:
    from renaksi.units.models import Unit

TIER_PERMS = {
    Tier.SELF: FILL_ASSESSMENT,
    Tier.UNIT_ASSESSOR: SCORE_AS_UNIT_ASSESSOR,
    Tier.PROVINCE: SCORE_AS_PROVINCE,
    Tier.NATIONAL: SCORE_AS_NATIONAL,
}
TIER_ORDER = (Tier.SELF, Tier.UNIT_ASSESSOR, Tier.PROVINCE, Tier.NATIONAL)
REVIEW_TIERS = frozenset({Tier.UNIT_ASSESSOR, Tier.PROVINCE, Tier.NATIONAL})
# The unit's own side: refused while a submission of the year waits for review.
LOCKED_TIERS = frozenset({Tier.SELF, Tier.UNIT_ASSESSOR})
# The node kinds whose scores are cached on the assessment (overviews by area).
CACHED_KINDS = frozenset({Node.Kind.COMPONENT, Node.Kind.ASPECT, Node.Kind.AREA})
JUSTIFICATION_MAX_LENGTH = 5000
MAX_FILES = 10
NUMBER_DECIMALS = 4  # Answer.number


class AssessmentError(Exception):
    """A refused action on an assessment (locked, wrong framework …), in Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AnswerConflict(AssessmentError):
    """Someone else saved this tier's answer since the person opened it; ``current``: the
    answer as it is now (None if it was removed)."""

    def __init__(self, message: str, current: Answer | None = None):
        super().__init__(message)
        self.current = current


def _conflict_message() -> str:
    return _(
        "Jawaban butir ini sudah diubah orang lain sejak Anda membukanya; isian Anda belum "
        "disimpan. Periksa jawaban terkini di bawah, lalu simpan lagi bila isian Anda tetap "
        "yang benar."
    )


# -- loading ------------------------------------------------------------------------------


ASSESSMENT_RELATED = ("unit", "unit__parent", "framework", "plan")


def assessments_qs() -> QuerySet:
    """Assessments with what the permission checks and the pages read."""
    return Assessment.objects.select_related(*ASSESSMENT_RELATED)


def assessment_for(
    unit: Unit, year: int, framework: Framework, *, create: bool = False, actor=None
) -> Assessment | None:
    """The unit's LKE for the year against ``framework``; with ``create``, started if there
    is none (the actor needs FILL_ASSESSMENT; ``actor=None`` is a system job such as
    seed_demo). Only a published framework can be started."""
    existing = assessments_qs().filter(unit=unit, year=year, framework=framework).first()
    if existing is not None or not create:
        return existing
    probe = Assessment(unit=unit, year=year, framework=framework)
    if actor is not None and not actor.has_perm(FILL_ASSESSMENT, probe):
        raise PermissionDenied
    if framework.state != Framework.State.PUBLISHED:
        raise AssessmentError(
            _("Kerangka “%(title)s” belum atau tidak lagi berlaku; LKE tidak dapat dimulai.")
            % {"title": framework.title}
        )
    plan = ActionPlan.objects.filter(unit=unit, year=year).first()
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                unit=unit, year=year, framework=framework, plan=plan
            )
            refresh_totals(assessment)
            record(
                actor,
                "evaluation.assessment_started",
                plan=plan,
                unit=unit,
                obj=assessment,
                framework=framework.code,
                year=year,
            )
    except IntegrityError:  # started by someone else at the same moment
        pass
    return assessments_qs().get(unit=unit, year=year, framework=framework)


def allowed_tiers(user, assessment: Assessment) -> list[str]:
    """The tiers the user may write on this assessment, in order."""
    return [tier for tier in TIER_ORDER if user.has_perm(TIER_PERMS[tier], assessment)]


def candidate_evidence(assessment: Assessment) -> QuerySet:
    """The evidence an answer may link: current items of verified realisations of the
    assessment's unit and year (the plan's verified evidence)."""
    from renaksi.work.models import Evidence, Realisation

    return Evidence.objects.filter(
        unit_id=assessment.unit_id,
        realisation__year=assessment.year,
        realisation__state=Realisation.State.VERIFIED,
        is_current=True,
    )


# -- saving one answer ------------------------------------------------------------------------


@dataclass
class _Cleaned:
    raw: RawAnswer
    value: Fraction | None
    option: str = ""
    number: Decimal | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.option and self.number is None and not self.counts


def tree_node(item: Node) -> TreeNode:
    """The scorer's view of one item row (no query)."""
    return TreeNode(
        pk=item.pk,
        code=item.code,
        kind=item.kind,
        title=item.title,
        label=item.label,
        weight=item.weight_fraction,
        answer_type=item.answer_type,
        options=item.options or [],
        formula=item.formula,
        count_inputs=item.count_inputs or [],
        incomplete=item.incomplete,
    )


def count_names(item: Node) -> tuple[str, ...]:
    """The count inputs of a percentage item, in order ("numerator", "denominator" …)."""
    if item.answer_type != AnswerType.PERCENT:
        return ()
    return FORMULA_INPUTS[item.formula or Formula.RATIO]


def _blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, Mapping):
        return all(value is None or str(value).strip() == "" for value in raw.values())
    return False


def clean_answer(framework: Framework, item: Node, raw: Any) -> _Cleaned:
    """Check a raw answer against its item; ``ValidationError({"answer": …})`` otherwise."""
    from .scoring import FrameworkRules

    node = tree_node(item)
    rules = FrameworkRules.of(framework)
    if _blank(raw):
        return _Cleaned(raw=RawAnswer(), value=None)
    if isinstance(raw, Mapping):
        raw = {
            name: (value.strip() if isinstance(value, str) else value)
            for name, value in raw.items()
            if not (value is None or (isinstance(value, str) and not value.strip()))
        }
    try:
        parsed = parse_answer(node, raw)
        value = item_value(rules, node, parsed)
    except ScoringError as error:
        raise ValidationError({"answer": [error.message]}) from None
    cleaned = _Cleaned(raw=parsed, value=value, option=parsed.option)
    if parsed.number is not None:
        number = parsed.number
        if number != number.quantize(Decimal(1).scaleb(-NUMBER_DECIMALS)):
            raise ValidationError(
                {
                    "answer": [
                        _("Butir %(code)s: nilai paling banyak %(decimals)s angka desimal.")
                        % {"code": item.code, "decimals": NUMBER_DECIMALS}
                    ]
                }
            )
        cleaned.number = number
    if parsed.counts:
        cleaned.counts = {name: int(Decimal(str(parsed.counts[name]))) for name in parsed.counts}
    return cleaned


def _check_justification(text: str) -> str:
    text = (text or "").strip()
    try:
        validate_text(text)
    except ValidationError as error:
        raise ValidationError({"justification": error.messages}) from None
    if len(text) > JUSTIFICATION_MAX_LENGTH:
        raise ValidationError(
            {
                "justification": [
                    _("Penjelasan paling panjang %(limit)s karakter (sekarang %(length)s).")
                    % {"limit": JUSTIFICATION_MAX_LENGTH, "length": len(text)}
                ]
            }
        )
    return text


def _value_text(value: Fraction | Decimal | None) -> str:
    if value is None:
        return ""
    return str(display(Fraction(value), 2)).replace(".", ",")


def answer_text(answer: Answer | _Cleaned | None) -> str:
    """An answer as people read it: "A", "Ya", "12 / 15", "3,5"."""
    if answer is None:
        return ""
    if answer.option:
        return answer.option.upper() if len(answer.option) == 1 else answer.option.capitalize()
    if answer.number is not None:
        return f"{answer.number.normalize():f}".replace(".", ",")
    if answer.counts:
        return " / ".join(str(answer.counts[name]) for name in answer.counts)
    return ""


def save_answer(
    actor,
    assessment: Assessment,
    item: Node,
    *,
    tier: str = Tier.SELF,
    raw: Any = None,
    justification: str = "",
    evidence_ids: Iterable[int] | None = None,
    files: Sequence = (),
    remove_file_ids: Iterable[int] = (),
    expected_version: int | None = None,
    sources: Mapping[str, Any] | None = None,
    refresh: bool = True,
    _action: str = "evaluation.answer_saved",
) -> Answer:
    """Record one tier's answer to one item (see the module docstring). Returns the saved
    answer (or the unchanged one when nothing changed).

    ``actor``: the user, or None for a system job (a command without a user): no permission
    check then, and the audit entry names no one.
    ``raw``: an option code ("a", "ya"), a number, or the counts of a percentage item
    ({"numerator": 12, "denominator": 15}); empty clears the answer. ``evidence_ids``: the
    complete set of linked evidence (None: leave the links as they are). ``files``: uploads
    to add; ``remove_file_ids``: AnswerFile ids to detach. ``expected_version``: the
    answer's version the person saw (None: they saw no answer). ``sources``: where counts
    came from (feed_from_indicators); a save by hand clears the source of a changed count.
    ``refresh=False``: leave the cached totals to the caller, who saves many answers in its
    own transaction and then calls ``refresh_totals`` once before it commits (the worksheet
    import).

    Raises PermissionDenied, ValidationError (keys: answer, justification, evidence, files),
    AssessmentError (locked) and AnswerConflict.
    """
    from renaksi.work import files as file_services

    if tier not in TIER_PERMS:
        raise ValidationError(
            {"tier": [_("Tingkat penilaian “%(tier)s” tidak dikenal.") % {"tier": tier}]}
        )
    if item.framework_id != assessment.framework_id or item.kind != Node.Kind.ITEM:
        raise ValidationError(
            {"answer": [_("Butir %(code)s bukan butir kerangka LKE ini.") % {"code": item.code}]}
        )
    # ``actor=None``: a system job (a management command run without --user, seed_demo).
    if actor is not None and not actor.has_perm(TIER_PERMS[tier], assessment):
        raise PermissionDenied
    if tier in LOCKED_TIERS and lke_locked(assessment.unit_id, assessment.year):
        raise AssessmentError(locked_message())

    cleaned = clean_answer(assessment.framework, item, raw)
    justification = _check_justification(justification)
    evidence_set = None if evidence_ids is None else {int(pk) for pk in evidence_ids}
    remove_file_ids = {int(pk) for pk in remove_file_ids}
    files = list(files or [])
    errors: dict[str, list[str]] = {}
    if tier != Tier.SELF and (evidence_set or files):
        errors["evidence"] = [
            _(
                "Bukti dukung dilampirkan pada penilaian mandiri; tingkat peninjau memberi "
                "nilai dan catatan."
            )
        ]
    if len(files) > MAX_FILES:
        errors.setdefault("files", []).append(
            _("Paling banyak %(limit)s berkas sekaligus.") % {"limit": MAX_FILES}
        )
    checked_files = []
    for upload in files[:MAX_FILES]:
        try:
            checked_files.append(file_services.validate_upload(upload))
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.messages)
    if tier in REVIEW_TIERS and not cleaned.empty and not justification:
        self_row = (
            Answer.objects.filter(assessment=assessment, item=item, tier=Tier.SELF)
            .order_by()
            .first()
        )
        self_value = None if self_row is None else self_row.value
        if self_value is None or self_value != _stored_value(cleaned.value):
            errors.setdefault("justification", []).append(
                _(
                    "Butir %(code)s: nilai %(tier)s (%(value)s) berbeda dari penilaian mandiri "
                    "(%(self)s); tuliskan alasannya."
                )
                % {
                    "code": item.code,
                    "tier": Tier(tier).label,
                    "value": _value_text(cleaned.value) or "–",
                    "self": _value_text(self_value) or _("belum dijawab"),
                }
            )
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with file_services.StoredFiles() as stored, transaction.atomic():
        # The assessment row serialises every write to it (and the totals).
        locked = Assessment.objects.select_for_update().filter(pk=assessment.pk).order_by()
        list(locked.values_list("pk", flat=True))
        current = (
            Answer.objects.select_for_update()
            .filter(assessment=assessment, item=item, tier=tier)
            .order_by()
            .first()
        )
        if (current is None) != (expected_version is None) or (
            current is not None and current.version != expected_version
        ):
            raise AnswerConflict(_conflict_message(), _reload(current))

        if evidence_set is not None:
            already = (
                set() if current is None else set(current.evidence.values_list("pk", flat=True))
            )
            new_ids = evidence_set - already
            allowed = set(
                candidate_evidence(assessment).filter(pk__in=new_ids).values_list("pk", flat=True)
            )
            if new_ids - allowed:
                raise ValidationError(
                    {
                        "evidence": [
                            _(
                                "Hanya bukti dukung terverifikasi dari rencana aksi %(unit)s "
                                "tahun %(year)s yang dapat ditautkan."
                            )
                            % {"unit": assessment.unit.name, "year": assessment.year}
                        ]
                    }
                )
        before = _snapshot(current)
        if current is None:
            if cleaned.empty and not justification and not evidence_set and not checked_files:
                return None  # nothing to record
            answer = Answer.objects.create(
                assessment=assessment,
                item=item,
                tier=tier,
                option=cleaned.option,
                number=cleaned.number,
                counts=cleaned.counts,
                value=_stored_value(cleaned.value),
                justification=justification,
                sources=_sources_for(cleaned, {}, sources),
                answered_by=actor if getattr(actor, "is_authenticated", False) else None,
                answered_at=now,
                version=1,
            )
        else:
            answer = current
            answer.sources = _sources_for(
                cleaned, dict(current.counts or {}), sources, current.sources
            )
            answer.option = cleaned.option
            answer.number = cleaned.number
            answer.counts = cleaned.counts
            answer.value = _stored_value(cleaned.value)
            answer.justification = justification
        if evidence_set is not None:
            answer.evidence.set(sorted(evidence_set))
        if remove_file_ids:
            AnswerFile.objects.filter(answer=answer, pk__in=remove_file_ids).delete()
        added_files = []
        for checked in checked_files:
            stored_file = file_services.store_checked(checked, actor, stored)
            link, created = AnswerFile.objects.get_or_create(
                answer=answer,
                file=stored_file,
                defaults={
                    "original_name": checked.safe_name,
                    "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None,
                    "uploaded_at": now,
                },
            )
            if created:
                added_files.append(link)
        after = _snapshot(answer)
        if current is not None:
            if after == before:
                return _reload(answer)  # nothing changed: no new version, no entry
            Answer.objects.filter(pk=answer.pk, version=current.version).update(
                option=answer.option,
                number=answer.number,
                counts=answer.counts,
                value=answer.value,
                justification=answer.justification,
                sources=answer.sources,
                answered_by=actor if getattr(actor, "is_authenticated", False) else None,
                answered_at=now,
                version=F("version") + 1,
            )
        Assessment.objects.filter(pk=assessment.pk).update(version=F("version") + 1)
        changed_before = {k: v for k, v in before.items() if after.get(k) != v}
        changed_after = {
            k: v for k, v in after.items() if before.get(k, "" if before else None) != v
        }
        if not before:  # a new answer: what was filled in
            changed_after = {k: v for k, v in changed_after.items() if v not in ("", [])}
        record(
            actor,
            _action,
            plan=assessment.plan,
            unit=assessment.unit,
            obj=answer,
            item=item.code,
            tier=str(Tier(tier).label),
            year=assessment.year,
            # Ids for programs (a key the history does not show).
            evidence_id=sorted(answer.evidence.order_by().values_list("pk", flat=True)),
            before=changed_before,
            after=changed_after,
        )
        if refresh:
            refresh_totals(assessment)
    return _reload(answer)


def _stored_value(value: Fraction | None) -> Decimal | None:
    """The item value as Answer.value keeps it (six decimals)."""
    if value is None:
        return None
    return display(value, 6)


def _sources_for(
    cleaned: _Cleaned,
    before_counts: Mapping[str, int],
    given: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Where each count came from: the given sources, else the previous ones for counts
    that did not change (a count typed by hand has no source)."""
    result: dict[str, Any] = {}
    for name, value in cleaned.counts.items():
        if given and name in given:
            result[name] = given[name]
        elif previous and name in previous and before_counts.get(name) == value:
            result[name] = previous[name]
    return result


def _reload(answer: Answer | None) -> Answer | None:
    if answer is None:
        return None
    return Answer.objects.select_related("item", "answered_by").filter(pk=answer.pk).first()


def _snapshot(answer: Answer | None) -> dict[str, Any]:
    """What the audit trail keeps of an answer (texts for people, ids for programs)."""
    if answer is None:
        return {}
    # Keys are Answer's field names where there is one (the history labels them), the
    # answer written as people read it ("A", "Ya", "12 / 15", "3,5").
    evidence = answer.evidence.order_by().values_list("title", flat=True)
    return {
        "option": answer_text(answer) if answer.option else "",
        "number": answer_text(answer) if answer.number is not None else "",
        "counts": answer_text(answer) if answer.counts and not answer.option else "",
        "value": _value_text(answer.value),
        "justification": answer.justification,
        "evidence_titles": sorted(evidence),
        "file_names": sorted(
            AnswerFile.objects.filter(answer=answer)
            .order_by()
            .values_list("original_name", flat=True)
        ),
    }


# -- totals ---------------------------------------------------------------------------------


def refresh_totals(assessment: Assessment, *, tree=None):
    """Score the self-assessment and store its totals on the assessment (a few queries).
    Returns the ``scoring.Result``. Call inside the writer's transaction."""
    tree = tree if tree is not None else load_tree(assessment.framework)
    answers = answers_of(assessment, Tier.SELF)
    result = score(tree, answers)
    answered = [node for node in tree.items if result.by_code[node.code].value is not None]
    answered_codes = {node.code for node in answered}
    with_evidence = set(
        Answer.objects.filter(assessment=assessment, tier=Tier.SELF)
        .filter(Q(evidence__isnull=False) | Q(answer_files__isnull=False))
        .order_by()
        .values_list("item__code", flat=True)
        .distinct()
    )
    node_scores = {
        node.code: str(result.by_code[node.code].score)
        for node in tree.walk()
        if node.kind in CACHED_KINDS and result.by_code[node.code].score is not None
    }
    values = {
        "index_value": display(result.index, 4),
        "category": (result.category or {}).get("code", ""),
        "node_scores": node_scores,
        # Items the sources leave without an answer type cannot be answered: not counted.
        "item_count": sum(1 for node in tree.items if answerable(node)),
        "answered_count": len(answered),
        "without_evidence_count": len(answered_codes - with_evidence),
    }
    Assessment.objects.filter(pk=assessment.pk).update(**values)
    for name, value in values.items():
        setattr(assessment, name, value)
    return result


# -- indicator links --------------------------------------------------------------------------


def _check_manager(actor, assessment: Assessment) -> None:
    if not actor.has_perm(MANAGE_UNIT, assessment.unit):
        raise PermissionDenied


def link_inputs(item: Node) -> list[tuple[str, str]]:
    """(input, label) choices of a percentage item: each count, or "" for the percentage."""
    labels = {entry.get("name"): entry.get("label") for entry in item.count_inputs or []}
    choices = [(name, labels.get(name) or name) for name in count_names(item)]
    choices.append(("", _("persentasenya sendiri (capaian ÷ target)")))
    return choices


def add_link(actor, assessment: Assessment, indicator: Indicator, item: Node, input_name: str):
    """Link an indicator of the assessment's plan to a percentage item of its framework."""
    _check_manager(actor, assessment)
    errors: dict[str, list[str]] = {}
    plan_id = indicator.sub_activity.activity.area.plan_id
    if assessment.plan_id is None or plan_id != assessment.plan_id:
        errors["indicator"] = [_("Indikator itu bukan indikator rencana aksi LKE ini.")]
    if item.framework_id != assessment.framework_id or item.answer_type != AnswerType.PERCENT:
        errors["item"] = [
            _("Hanya butir persentase (dari jumlah) kerangka ini yang dapat diisi dari indikator.")
        ]
    elif input_name not in dict(link_inputs(item)):
        errors["input"] = [
            _("Masukan “%(name)s” tidak ada pada butir %(code)s.")
            % {"name": input_name, "code": item.code}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if IndicatorLink.objects.filter(
            item=item, input=input_name, indicator__sub_activity__activity__area__plan_id=plan_id
        ).exists():
            raise ValidationError(
                {
                    "input": [
                        _("Masukan itu pada butir %(code)s sudah diisi dari indikator lain.")
                        % {"code": item.code}
                    ]
                }
            )
        link = IndicatorLink.objects.create(
            indicator=indicator, item=item, input=input_name, created_by=actor
        )
        record(
            actor,
            "evaluation.link_added",
            plan=assessment.plan,
            unit=assessment.unit,
            obj=link,
            item=item.code,
            input=input_name,
            indicator=indicator.text[:200],
        )
    return link


def remove_link(actor, assessment: Assessment, link: IndicatorLink) -> None:
    _check_manager(actor, assessment)
    if link.item.framework_id != assessment.framework_id or (
        link.indicator.sub_activity.activity.area.plan_id != assessment.plan_id
    ):
        raise PermissionDenied
    with transaction.atomic():
        record(
            actor,
            "evaluation.link_removed",
            plan=assessment.plan,
            unit=assessment.unit,
            obj=link,
            item=link.item.code,
            input=link.input,
            indicator=link.indicator.text[:200],
        )
        link.delete()


def links_of(assessment: Assessment) -> QuerySet:
    """The indicator links that feed this assessment: indicators of its plan, items of its
    framework."""
    if assessment.plan_id is None:
        return IndicatorLink.objects.none()
    return (
        IndicatorLink.objects.filter(
            item__framework_id=assessment.framework_id,
            indicator__sub_activity__activity__area__plan_id=assessment.plan_id,
        )
        .select_related("item", "indicator")
        .order_by("item__sequence", "input", "pk")
    )


@dataclass
class FeedResult:
    saved: list[str] = field(default_factory=list)  # item codes changed
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # messages, in Indonesian


def latest_verified_values(indicator_ids: Iterable[int], year: int) -> dict[int, Any]:
    """{indicator id: IndicatorValue} of the latest verified realisation in the year (the
    highest period; one query)."""
    from renaksi.work.models import IndicatorValue, Realisation

    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=list(indicator_ids),
            realisation__year=year,
            realisation__state=Realisation.State.VERIFIED,
        )
        .select_related("realisation__period", "realisation__plan")
        .order_by("indicator_id", "-realisation__period__period", "-realisation_id")
    )
    latest: dict[int, Any] = {}
    for row in rows:
        latest.setdefault(row.indicator_id, row)
    return latest


def _integral(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() else None


def feed_from_indicators(assessment: Assessment, actor) -> FeedResult:
    """Fill the counts of linked percentage items (tier self) from the latest verified
    value of each linked indicator in the year; the evidence of that realisation is linked
    too. Items whose counts would stay incomplete or do not fit are skipped with a reason.
    Each changed answer is one ``save_answer`` (its permission, lock and audit entry)."""
    if actor is not None and not actor.has_perm(FILL_ASSESSMENT, assessment):
        raise PermissionDenied
    if lke_locked(assessment.unit_id, assessment.year):
        raise AssessmentError(locked_message())
    result = FeedResult()
    links = list(links_of(assessment))
    if not links:
        return result
    latest = latest_verified_values({link.indicator_id for link in links}, assessment.year)
    by_item: dict[int, list[IndicatorLink]] = {}
    for link in links:
        by_item.setdefault(link.item_id, []).append(link)
    existing = {
        answer.item_id: answer
        for answer in Answer.objects.filter(
            assessment=assessment, tier=Tier.SELF, item_id__in=list(by_item)
        ).prefetch_related("evidence")
    }
    realisation_ids = {row.realisation_id for row in latest.values()}
    evidence_by_realisation: dict[int, set[int]] = {}
    for pk, realisation_id in (
        candidate_evidence(assessment)
        .filter(realisation_id__in=realisation_ids)
        .values_list("pk", "realisation_id")
    ):
        evidence_by_realisation.setdefault(realisation_id, set()).add(pk)
    for item_links in by_item.values():
        item = item_links[0].item
        answer = existing.get(item.pk)
        counts = dict(answer.counts) if answer is not None and answer.counts else {}
        sources: dict[str, Any] = {}
        evidence_ids = set() if answer is None else {e.pk for e in answer.evidence.all()}
        problem = ""
        for link in item_links:
            row = latest.get(link.indicator_id)
            if row is None:
                problem = _(
                    "Butir %(code)s: indikator “%(indicator)s” belum punya nilai terverifikasi "
                    "tahun %(year)s."
                ) % {
                    "code": item.code,
                    "indicator": link.indicator.text[:80],
                    "year": assessment.year,
                }
                break
            source = {
                "indicator_id": link.indicator_id,
                "indicator": link.indicator.text[:200],
                "realisation_id": row.realisation_id,
                "period": row.realisation.period.period,
                "schedule": row.realisation.plan.schedule_kind,
                "value": str(row.value),
            }
            if link.input:
                number = _integral(row.value)
                if number is None:
                    problem = _(
                        "Butir %(code)s: nilai indikator “%(indicator)s” (%(value)s) bukan "
                        "bilangan bulat, tidak dapat menjadi jumlah."
                    ) % {
                        "code": item.code,
                        "indicator": link.indicator.text[:80],
                        "value": row.value,
                    }
                    break
                counts[link.input] = number
                sources[link.input] = source
            else:
                target = link.indicator.target_value
                if not target:
                    problem = _(
                        "Butir %(code)s: indikator “%(indicator)s” tidak punya target; "
                        "persentasenya tidak dapat dihitung."
                    ) % {"code": item.code, "indicator": link.indicator.text[:80]}
                    break
                first, second = count_names(item)
                numerator, denominator = _as_counts(min(row.value, target), target)
                counts = {first: numerator, second: denominator}
                sources = {first: source, second: {**source, "target": str(target)}}
            evidence_ids |= evidence_by_realisation.get(row.realisation_id, set())
        if not problem:
            missing = [name for name in count_names(item) if name not in counts]
            if missing:
                problem = _(
                    "Butir %(code)s: jumlah “%(names)s” belum diisi; isi dulu di lembar kerja "
                    "atau tautkan indikatornya."
                ) % {"code": item.code, "names": ", ".join(missing)}
        if problem:
            result.skipped.append(problem)
            continue
        try:
            saved = save_answer(
                actor,
                assessment,
                item,
                tier=Tier.SELF,
                raw=counts,
                justification=answer.justification if answer is not None else "",
                evidence_ids=evidence_ids,
                expected_version=answer.version if answer is not None else None,
                sources=sources,
                _action="evaluation.answer_fed",
            )
        except ValidationError as error:
            result.skipped.extend(
                message for messages in error.message_dict.values() for message in messages
            )
            continue
        if saved is not None and (answer is None or saved.version != answer.version):
            result.saved.append(item.code)
        else:
            result.unchanged.append(item.code)
    return result


def _as_counts(realised: Decimal, target: Decimal) -> tuple[int, int]:
    """realised ÷ target as two whole numbers (both have at most two decimals), reduced."""
    numerator = int(realised * 100)
    denominator = int(target * 100)
    divisor = math.gcd(numerator, denominator) or 1
    return numerator // divisor, denominator // divisor


__all__ = [
    "NUMBER_SCALE",
    "TIER_ORDER",
    "TIER_PERMS",
    "AnswerConflict",
    "AssessmentError",
    "FeedResult",
    "add_link",
    "allowed_tiers",
    "answer_text",
    "assessment_for",
    "assessments_qs",
    "candidate_evidence",
    "clean_answer",
    "feed_from_indicators",
    "latest_verified_values",
    "link_inputs",
    "links_of",
    "refresh_totals",
    "remove_link",
    "save_answer",
]
