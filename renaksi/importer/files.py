"""The stored source file of a plan, written only once the plan is committed.

An import decides the file's name inside its transaction and writes the file from an
``on_commit`` callback: a failed, refused or killed import leaves no file behind. (A process
killed between the commit and the write leaves a plan without its file; importing the same
file again writes it.) The file a replace supersedes is deleted after the commit too.
``orphan_files()`` finds what is left in the decrees folder that no plan points at.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import PurePath

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction

from renaksi.plans.models import ActionPlan

logger = logging.getLogger(__name__)

DECREES_FOLDER = "decrees"
# Of the original file name, at most this many characters go into the stored name.
NAME_CHARS = 120


def source_file_name(plan: ActionPlan, sha256: str, filename: str) -> str:
    """Where the plan's source file goes: ``decrees/<year>/<unit>-<plan year>-<sha>-<name>``."""
    original = PurePath(filename).name or "keputusan"
    if len(original) > NAME_CHARS:
        stem, dot, suffix = original.rpartition(".")
        suffix = f".{suffix[:10]}" if dot and stem else ""
        original = (stem if suffix else original)[: NAME_CHARS - len(suffix)] + suffix
    base = f"{plan.unit.code}-{plan.year}-{sha256[:12]}-{original}"
    return plan.source_file.field.generate_filename(plan, base)


def store_after_commit(plan: ActionPlan, data: bytes, replaced: str = "") -> None:
    """Write ``data`` as ``plan.source_file`` once the current transaction commits, and then
    delete ``replaced`` (the file the plan pointed at before), if it is another file.

    Call inside the import's transaction, after ``plan.source_file.name`` is set.
    """
    storage = plan.source_file.storage
    name = plan.source_file.name
    plan_pk = plan.pk

    def write() -> None:
        try:
            if not storage.exists(name):
                saved = storage.save(name, ContentFile(data))
                if saved != name:  # taken in the meantime: point the plan at the real name
                    ActionPlan.objects.filter(pk=plan_pk, source_file=name).update(
                        source_file=saved
                    )
            if replaced and replaced != name:
                storage.delete(replaced)
        except OSError:
            # The plan is saved; importing the same file again writes the file.
            logger.exception("Could not store the source file %s of plan %s", name, plan_pk)

    transaction.on_commit(write)


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def stored_files(storage: Storage, folder: str = DECREES_FOLDER) -> list[str]:
    """Every file under ``folder`` of ``storage``, as storage names, sorted."""
    names = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            dirs, files = storage.listdir(current)
        except FileNotFoundError:
            continue
        names.extend(posixpath.join(current, name) for name in files)
        pending.extend(posixpath.join(current, name) for name in dirs)
    return sorted(names)


def referenced_files() -> set[str]:
    """Every file name a row of any model's FileField points at."""
    names: set[str] = set()
    for model, field_name in _file_fields():
        names.update(
            model._base_manager.exclude(**{field_name: ""})
            .exclude(**{f"{field_name}__isnull": True})
            .values_list(field_name, flat=True)
        )
    return names


def orphan_files(storage: Storage) -> list[str]:
    """Files in the decrees folder that no row points at.

    The folder is listed before the references are read: a file is written only after the
    plan pointing at it is committed, so a file written meanwhile is never taken for an
    orphan.
    """
    files = stored_files(storage)
    referenced = referenced_files()
    return [name for name in files if name not in referenced]


def missing_files(storage: Storage) -> list[tuple[ActionPlan, str]]:
    """Plans whose source file is not in the storage (e.g. a process killed after commit)."""
    plans = ActionPlan.objects.exclude(source_file="").select_related("unit").order_by("pk")
    return [
        (plan, plan.source_file.name) for plan in plans if not storage.exists(plan.source_file.name)
    ]
