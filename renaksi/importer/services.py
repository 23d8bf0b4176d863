"""Load a parsed decree into the database: one plan, in one transaction.

``import_decree()`` is the one workflow used by the management command, the future upload
page and the API. It parses and validates everything first, then writes once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from renaksi.lib.decree.model import DecreeError, Finding, ParsedDecree
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.text import guess_target
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
    months_to_mask,
)
from renaksi.units.models import Unit


class ImportRefused(Exception):
    """The decree was read but may not be saved. The message is in Indonesian."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class ImportResult:
    decree: ParsedDecree
    sha256: str
    status: str  # "created", "replaced", "unchanged" or "dry_run"
    plan: ActionPlan | None = None

    def as_dict(self) -> dict:
        data = self.decree.as_dict()
        data["status"] = self.status
        data["sha256"] = self.sha256
        if self.plan is not None:
            data["plan_id"] = self.plan.pk
        return data


_UNIT_WORDS = re.compile(r"\b(komisi pemilihan umum|kpu|republik indonesia|ri)\b")


def _unit_key(name: str) -> str:
    name = name.lower().replace("kab.", "kabupaten").replace("prov.", "provinsi")
    name = _UNIT_WORDS.sub(" ", name)
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name).split())


def check_unit(decree: ParsedDecree, unit: Unit) -> Finding | None:
    """The decree must come from the unit it is imported for."""
    named = decree.header.unit_name
    if named and _unit_key(named) != _unit_key(unit.name):
        return Finding(
            decree.header.lines.get("title"),
            "unit_mismatch",
            f"Keputusan ini diterbitkan oleh '{named}', bukan oleh satker {unit.code} "
            f"'{unit.name}'.",
            "error",
        )
    return None


def read_decree(data: bytes, unit: Unit | None = None) -> ParsedDecree:
    """Parse and validate, adding the checks that need the database."""
    decree = parse_decree(data)
    if unit is not None:
        mismatch = check_unit(decree, unit)
        if mismatch:
            decree.findings.insert(0, mismatch)
    return decree


def import_decree(
    data: bytes,
    *,
    unit: Unit | None,
    filename: str,
    replace: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Parse a decree and, unless ``dry_run``, save it as ``unit``'s plan for its year.

    Importing the same file again changes nothing. A different file for the same unit and
    year is refused unless ``replace``. Raises ``DecreeError`` for unreadable input and
    ``ImportRefused`` when the decree may not be saved; nothing is written in either case.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    decree = read_decree(data, unit)
    if dry_run:
        return ImportResult(decree, sha256, "dry_run")
    if unit is None:
        raise ImportRefused("Satker tujuan impor tidak diketahui.")
    if decree.header.year is None:
        raise DecreeError("Tahun keputusan tidak terbaca dari judul keputusan.")
    blocking = [f for f in decree.findings if f.severity == "error"]
    if blocking:
        first = blocking[0]
        where = f"baris {first.line}: " if first.line else ""
        raise ImportRefused(f"{where}{first.message}")

    with transaction.atomic():
        existing = (
            ActionPlan.objects.select_for_update()
            .filter(unit=unit, year=decree.header.year)
            .first()
        )
        if existing is not None and existing.source_sha256 == sha256:
            return ImportResult(decree, sha256, "unchanged", existing)
        if existing is not None and not replace:
            raise ImportRefused(
                f"Satker {unit.code} sudah memiliki rencana aksi tahun {decree.header.year} "
                f"dari berkas lain ({existing.source_name or 'tanpa nama'}, SHA-256 "
                f"{existing.source_sha256[:12]}…). Gunakan --replace untuk menggantinya."
            )
        plan = existing or ActionPlan(unit=unit, year=decree.header.year)
        old_file = plan.source_file.name if existing is not None else ""
        if existing is not None:
            existing.areas.all().delete()
            existing.findings.all().delete()
        _fill_plan(plan, decree, sha256, filename)
        plan.source_file.save(
            f"{unit.code}-{decree.header.year}-{sha256[:12]}-{Path(filename).name}",
            ContentFile(data),
            save=False,
        )
        plan.save()
        _write_tree(plan, decree)
        if old_file and old_file != plan.source_file.name:
            storage = plan.source_file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return ImportResult(decree, sha256, "replaced" if existing else "created", plan)


def _fill_plan(plan: ActionPlan, decree: ParsedDecree, sha256: str, filename: str) -> None:
    h = decree.header
    plan.status = ActionPlan.Status.DITETAPKAN if h.date else ActionPlan.Status.DRAFT
    plan.decree_number = h.number
    plan.decree_title = h.title
    plan.decree_subject = h.subject
    plan.decree_place = h.place
    plan.decree_date = h.date
    plan.signer_name = h.signer_name
    plan.signer_title = h.signer_title
    plan.certifier_name = h.certifier_name
    plan.certifier_title = h.certifier_title
    plan.considerations = [i.as_dict() for i in h.considerations]
    plan.legal_bases = [i.as_dict() for i in h.legal_bases]
    plan.notes_considered = [i.as_dict() for i in h.notes_considered]
    plan.dictums = [i.as_dict() for i in h.dictums]
    plan.budget_reference = h.budget_reference
    plan.source_name = Path(filename).name
    plan.source_sha256 = sha256
    plan.imported_at = timezone.now()


def _write_tree(plan: ActionPlan, decree: ParsedDecree) -> None:
    """Write the whole tree with one bulk insert per level."""
    change_areas = {a.number: a for a in ChangeArea.objects.all()}
    areas = PlanArea.objects.bulk_create(
        PlanArea(
            plan=plan,
            change_area=change_areas[area.number],
            number=area.number,
            name=area.name,
            inferred=area.inferred,
            source_line=area.line,
        )
        for area in decree.areas
    )
    activity_rows = []
    for area, area_data in zip(areas, decree.areas, strict=True):
        for position, data in enumerate(area_data.activities, start=1):
            activity_rows.append(
                (
                    Activity(
                        area=area,
                        number=data.number,
                        position=position,
                        name=data.name,
                        source_line=data.line,
                    ),
                    data,
                )
            )
    activities = Activity.objects.bulk_create(row for row, _ in activity_rows)
    sub_rows = []
    for activity, (_, data) in zip(activities, activity_rows, strict=True):
        for position, sub in enumerate(data.sub_activities, start=1):
            sub_rows.append(
                (
                    SubActivity(
                        activity=activity,
                        number=sub.number,
                        position=position,
                        name=sub.name,
                        schedule=months_to_mask(sub.months),
                        source_line=sub.line,
                    ),
                    sub,
                )
            )
    subs = SubActivity.objects.bulk_create(row for row, _ in sub_rows)
    indicators = []
    for sub, (_, data) in zip(subs, sub_rows, strict=True):
        for position, indicator in enumerate(data.indicators, start=1):
            kind, value, unit_of_measure = guess_target(indicator.text)
            indicators.append(
                Indicator(
                    sub_activity=sub,
                    position=position,
                    label=indicator.label,
                    text=indicator.text,
                    kind=kind,
                    target_value=value,
                    unit_of_measure=unit_of_measure,
                    source_line=indicator.line,
                )
            )
    Indicator.objects.bulk_create(indicators)
    ImportFinding.objects.bulk_create(
        ImportFinding(
            plan=plan,
            line=finding.line,
            kind=finding.kind,
            severity=finding.severity,
            message=finding.message,
        )
        for finding in decree.findings
    )
