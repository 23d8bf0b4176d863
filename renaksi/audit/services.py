"""``record()``: the one way to write the audit trail.

Call it inside the workflow's own transaction, so that the entry is saved exactly when the
change is: a rolled-back change leaves no entry, and a committed one always has its entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import LogEntry


def build(
    actor,
    action: str,
    *,
    plan=None,
    unit=None,
    obj: models.Model | None = None,
    **data: Any,
) -> LogEntry:
    """An unsaved ``LogEntry`` (for ``LogEntry.objects.bulk_create``); see ``record``."""
    from renaksi.plans.models import ActionPlan

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # an anonymous user is no actor
    if plan is None and isinstance(obj, ActionPlan):
        plan = obj
    unit_id = unit.pk if unit is not None else (plan.unit_id if plan is not None else None)
    entry = LogEntry(
        actor=actor,
        action=action,
        unit_id=unit_id,
        plan=plan,
        data=data,
    )
    if obj is not None:
        entry.object_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    return entry


def record(
    actor,
    action: str,
    *,
    plan=None,
    unit=None,
    obj: models.Model | None = None,
    **data: Any,
) -> LogEntry:
    """Write one audit entry and return it.

    ``actor``: the user who acted, or None for a system job (a management command).
    ``action``: a dotted code such as ``"plan.imported"`` (see ``models.ACTION_LABELS``).
    ``plan``/``unit``: what the entry concerns (the unit defaults to the plan's); ``obj``: the
    object changed (its type, id and text are kept, so the entry outlives it). ``data``: the
    values worth keeping, as JSON (dates and decimals allowed), e.g. ``before=…, after=…``.
    """
    entry = build(actor, action, plan=plan, unit=unit, obj=obj, **data)
    entry.save()
    return entry
