"""Builders for evidence tests: a realisation of a sub-activity's month and an evidence item
with a real stored file (through validate_upload, store_checked and StoredFiles)."""

from __future__ import annotations

from django.db import transaction

from renaksi.work.files import StoredFiles, store_checked, validate_upload
from renaksi.work.models import Evidence, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from . import evidence_samples as samples


def period_of(sub, month: int) -> SchedulePeriod:
    plan = sub.activity.area.plan
    period = SchedulePeriod.objects.filter(sub_activity=sub, period=month).first()
    if period is None:
        sync_plan_periods(plan, [sub.pk])
        period = SchedulePeriod.objects.get(sub_activity=sub, period=month)
    return period


def realisation_of(sub, month: int, user) -> Realisation:
    period = period_of(sub, month)
    realisation = Realisation.objects.filter(period=period).first()
    if realisation is None:
        realisation = Realisation.objects.create(
            period=period,
            plan_id=period.plan_id,
            unit_id=period.unit_id,
            year=period.year,
            sub_activity=sub,
            created_by=user,
        )
    return realisation


def add_evidence(
    sub, month: int, user, data: bytes | None = None, name: str = "laporan.pdf", **fields
) -> Evidence:
    """An evidence item on the sub-activity's month with a real file (default: a PDF)."""
    realisation = realisation_of(sub, month, user)
    checked = validate_upload(samples.upload(name, data if data is not None else samples.pdf()))
    with StoredFiles() as stored, transaction.atomic():
        stored_file = store_checked(checked, user, stored)
        return Evidence.objects.create(
            realisation=realisation,
            plan_id=realisation.plan_id,
            unit_id=realisation.unit_id,
            title=fields.pop("title", f"Bukti {name}"),
            file=stored_file,
            original_name=checked.safe_name,
            uploaded_by=user,
            **fields,
        )
