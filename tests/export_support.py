"""Helpers for the export tests: the Bengkayang plan saved, a plan's tree and decree fields as
plain values, and a round trip (export, delete, import the export, compare)."""

from __future__ import annotations

from renaksi.importer.services import import_decree
from renaksi.lib.decree.model import EXTRA_FIELDS, ParsedDecree
from renaksi.plans.models import ActionPlan

from .decree_samples import BENGKAYANG_PATH, bengkayang_bytes
from .import_support import make_units

PLAN_FIELDS = (
    "year",
    "schedule_kind",
    "decree_number",
    "decree_title",
    "decree_subject",
    "decree_place",
    "decree_date",
    "signer_name",
    "signer_title",
    "certifier_name",
    "certifier_title",
    "budget_reference",
)
LIST_FIELDS = ("considerations", "legal_bases", "notes_considered", "dictums")
# Fields of the decree that a Lampiran alone carries (its heading and its signature block).
LAMPIRAN_FIELDS = (
    "year",
    "schedule_kind",
    "decree_number",
    "decree_subject",
    "decree_place",
    "decree_date",
    "signer_name",
    "signer_title",
)


def bengkayang_plan() -> ActionPlan:
    unit = make_units()
    result = import_decree(bengkayang_bytes(), unit=unit, filename=BENGKAYANG_PATH.name)
    return ActionPlan.objects.select_related("unit").get(pk=result.plan.pk)


def plan_tree(plan: ActionPlan) -> list:
    """Every decree field of the plan's tree, in order, without keys, source lines and the
    ``inferred`` flag (which says how the source was read, not what the plan is)."""
    return [
        (
            "area",
            area.number,
            area.name,
            [
                (
                    "activity",
                    act.number,
                    act.position,
                    act.name,
                    [
                        (
                            "sub",
                            sub.number,
                            sub.position,
                            sub.name,
                            sub.schedule,
                            sub.pic_text,
                            sub.target_text,
                            sub.output_text,
                            sub.budget_text,
                            sub.note,
                            [
                                (i.position, i.label, i.text, i.kind, i.target_value)
                                for i in sub.indicators.order_by("position")
                            ],
                        )
                        for sub in act.sub_activities.order_by("position")
                    ],
                )
                for act in area.activities.order_by("position")
            ],
        )
        for area in plan.areas.order_by("number")
    ]


def plan_fields(plan: ActionPlan, names=PLAN_FIELDS) -> dict:
    values = {name: getattr(plan, name) for name in names}
    if names is PLAN_FIELDS:
        for name in LIST_FIELDS:
            values[name] = [(i["label"], i["text"]) for i in getattr(plan, name)]
    return values


def reimport(plan: ActionPlan, data: bytes, filename: str) -> ActionPlan:
    """Delete ``plan`` (with the year's work recorded on it, which protects it) and import
    ``data`` for its unit: the plan the export gives."""
    unit = plan.unit
    delete_work(plan)
    plan.delete()
    result = import_decree(data, unit=unit, filename=filename)
    assert result.status == "created"
    return ActionPlan.objects.select_related("unit").get(pk=result.plan.pk)


def delete_work(plan: ActionPlan) -> None:
    """Delete what the year's work recorded on ``plan`` (seed_demo records some), children
    first: the models protect it against a delete, as they should against a user."""
    from renaksi.work.models import ChangeAgentPlan, Evidence, EvidenceReview, Realisation, Review

    EvidenceReview.objects.filter(review__realisation__plan=plan).delete()
    Review.objects.filter(realisation__plan=plan).delete()
    Evidence.objects.filter(plan=plan).update(replaces=None)
    Evidence.objects.filter(plan=plan).delete()
    Realisation.objects.filter(plan=plan).delete()
    ChangeAgentPlan.objects.filter(plan=plan).delete()


def differences(expected, got, path: str = "") -> list[str]:
    """Where two nested values differ, as short lines."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for key in list(expected) + [k for k in got if k not in expected]:
            out += differences(expected.get(key, "<none>"), got.get(key, "<none>"), f"{path}.{key}")
        return out
    if isinstance(expected, list | tuple) and isinstance(got, list | tuple):
        if len(expected) != len(got):
            return [f"{path}: {len(expected)} items, read {len(got)}"]
        out = []
        for index, (a, b) in enumerate(zip(expected, got, strict=True)):
            out += differences(a, b, f"{path}[{index}]")
        return out
    if expected == got:
        return []
    return [f"{path}: expected {expected!r:.200}, read {got!r:.200}"]


def decree_tree(decree: ParsedDecree) -> list:
    """A parsed decree's tree with every field, labels included (no source lines)."""
    return [
        (
            area.number,
            area.name,
            [
                (
                    act.number,
                    act.name,
                    [
                        (
                            sub.number,
                            sub.name,
                            sorted(sub.months),
                            sorted(sub.quarters),
                            *(getattr(sub, name) for name in EXTRA_FIELDS),
                            [(i.label, i.text) for i in sub.indicators],
                        )
                        for sub in act.sub_activities
                    ],
                )
                for act in area.activities
            ],
        )
        for area in decree.areas
    ]


def decree_header(decree: ParsedDecree, whole: bool = True) -> dict:
    h = decree.header
    values = {
        "unit_name": h.unit_name,
        "number": h.number,
        "year": h.year,
        "subject": h.subject,
        "place": h.place,
        "date": h.date,
        "signer_name": h.signer_name,
        "signer_title": h.signer_title,
        "schedule": decree.schedule,
    }
    if whole:
        values |= {
            "title": h.title,
            "certifier_name": h.certifier_name,
            "certifier_title": h.certifier_title,
            "budget_reference": h.budget_reference,
            **{
                name: [(i.label, i.text) for i in getattr(h, name)]
                for name in ("considerations", "legal_bases", "notes_considered", "dictums")
            },
        }
    return values
