"""A saved plan as the decree it stands for: ``plan_decree(plan)`` → ``ParsedDecree``.

The exporter renders a ``ParsedDecree`` (the structure the importer reads a decree into), so
that what is written is exactly what the importer reads back. The plan keeps the decree's
fields (number, title, subject, Menimbang …, dictums, place, date, signer, certifier); the few
it does not keep are derived the way decrees of the family write them: the issuing body is the
title's ``KEPUTUSAN <body> NOMOR …`` (or the unit's name written out), the issuer is the
signer's title, and the ``Menetapkan`` line is ``KEPUTUSAN <body> TENTANG <subject>.``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from renaksi.lib.decree.model import (
    ActivityData,
    AreaData,
    DecreeHeader,
    IndicatorData,
    ListItem,
    ParsedDecree,
    SubActivityData,
)
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity

_TITLE_BODY = re.compile(r"^\s*KEPUTUSAN\s+(.+?)\s+NOMOR\b", re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str | None) -> str:
    """A stored text as it may be printed: no control characters (a tab or a line break
    inside a name becomes a space), single spaces, no spaces around it."""
    if not text:
        return ""
    text = _CONTROL.sub(" ", str(text)).replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return " ".join(text.split())


def issuing_body(plan: ActionPlan) -> str:
    """``KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG``: from the decree's title, or else the
    unit's name with ``KPU`` written out."""
    match = _TITLE_BODY.match(plan.decree_title or "")
    if match:
        return clean(match.group(1))
    name = clean(plan.unit.name)
    name = re.sub(r"^KPU\b", "KOMISI PEMILIHAN UMUM", name, flags=re.IGNORECASE)
    return name.upper()


def _items(values) -> list[ListItem]:
    items = []
    for value in values or []:
        if isinstance(value, dict):
            items.append(
                ListItem(clean(value.get("label")), clean(value.get("text")), value.get("line", 0))
            )
    return [item for item in items if item.text]


def plan_header(plan: ActionPlan) -> DecreeHeader:
    body = issuing_body(plan)
    subject = clean(plan.decree_subject) or (
        f"RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN {body} TAHUN {plan.year}"
    )
    signer_title = clean(plan.signer_title)
    number = clean(plan.decree_number)
    return DecreeHeader(
        institution=body,
        unit_name=body,
        number=number,
        year=plan.year,
        title=clean(plan.decree_title)
        or f"KEPUTUSAN {body} NOMOR {number or '...'} TAHUN {plan.year} TENTANG {subject}",
        subject=subject,
        issuer=signer_title or f"KETUA {body}",
        considerations=_items(plan.considerations),
        legal_bases=_items(plan.legal_bases),
        notes_considered=_items(plan.notes_considered),
        decides=f"KEPUTUSAN {body} TENTANG {subject}.",
        dictums=_items(plan.dictums),
        budget_reference=clean(plan.budget_reference),
        place=clean(plan.decree_place),
        date=plan.decree_date,
        signer_name=clean(plan.signer_name),
        signer_title=signer_title,
        certifier_name=clean(plan.certifier_name),
        certifier_title=clean(plan.certifier_title),
    )


def plan_decree(plan: ActionPlan) -> ParsedDecree:
    """The plan's tree and decree fields as a ``ParsedDecree`` (four queries for the tree)."""
    quarterly = plan.schedule_kind == ActionPlan.Schedule.QUARTER
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number", "pk"))
    activities = defaultdict(list)
    for act in Activity.objects.filter(area__plan=plan).order_by("position", "pk"):
        activities[act.area_id].append(act)
    subs = defaultdict(list)
    for sub in SubActivity.objects.filter(activity__area__plan=plan).order_by("position", "pk"):
        subs[sub.activity_id].append(sub)
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(sub_activity__activity__area__plan=plan).order_by(
        "position", "pk"
    ):
        indicators[ind.sub_activity_id].append(ind)

    tree = []
    for area in areas:
        area_data = AreaData(area.number, clean(area.name), 0, inferred=area.inferred)
        tree.append(area_data)
        for act in activities[area.pk]:
            act_data = ActivityData(act.number, clean(act.name), 0)
            area_data.activities.append(act_data)
            for sub in subs[act.pk]:
                periods = set(sub.quarters if quarterly else sub.months)
                sub_data = SubActivityData(
                    sub.number,
                    clean(sub.name),
                    0,
                    months=set() if quarterly else periods,
                    quarters=periods if quarterly else set(),
                    pic=clean(sub.pic_text),
                    target=clean(sub.target_text),
                    output=clean(sub.output_text),
                    budget=clean(sub.budget_text),
                    note=clean(sub.note),
                )
                sub_data.indicators = [
                    IndicatorData(clean(ind.text), 0, label=clean(ind.label))
                    for ind in indicators[sub.pk]
                ]
                act_data.sub_activities.append(sub_data)
    return ParsedDecree(
        header=plan_header(plan),
        areas=tree,
        schedule=ActionPlan.Schedule.QUARTER if quarterly else ActionPlan.Schedule.MONTH,
    )
