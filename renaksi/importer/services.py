"""Load a parsed decree into the database: one plan, in one transaction.

``import_decree()`` is the one workflow used by the management command, the upload pages and
a future API; ``preview_import()`` says, without writing, what it would do. Both read the
decree the same way, check it the same way (``renaksi/importer/limits.py``) and compare it
with the saved plan the same way (``renaksi/importer/tree.py``).

Saving:

* a new plan is written whole; a replace updates the saved plan IN PLACE: unchanged items
  keep their rows (keys, PICs, anything pointing at them), changed ones are updated, added
  ones inserted, removed ones deleted, unless something else points at them (then the
  import is refused); confirmations of findings still present are kept;
* every write is one transaction, holding a lock on the unit: two imports for one unit run
  one after the other, and readers see the old plan or the new one, never a mix;
* the source file is written only after the commit (``renaksi/importer/files.py``);
* every import and replace is recorded in the audit trail, in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.access.policy import CHANGE_PLAN
from renaksi.audit.services import record
from renaksi.lib.decree.model import DecreeError, Finding, ParsedDecree, gettext_noop, message
from renaksi.lib.decree.parser import parse_decree
from renaksi.plans.models import ActionPlan, ImportFinding
from renaksi.units.models import Unit
from renaksi.work.models import Realisation

from . import limits
from .files import source_file_name, store_after_commit
from .tree import (
    Node,
    PlanDiff,
    TreeError,
    TreeMatch,
    build_tree,
    compute_diff,
    items_with_work,
    link_findings,
    load_tree,
    match_trees,
    sync_findings,
    walk,
    write_tree,
)

# The most diff items kept in the audit entry of a replace (the counts are always complete).
AUDIT_DIFF_ITEMS = 500


class ImportRefused(Exception):
    """The decree was read but may not be saved. The message is in Indonesian."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class ImportResult:
    """What ``import_decree`` did.

    ``status``: ``"created"``, ``"replaced"``, ``"unchanged"`` or ``"dry_run"``. ``plan``: the
    saved plan (None for a dry run). ``diff``: for a replace, and for a dry run against an
    existing plan, what changed (or would). ``refusal``: for a dry run, why the import itself
    would be refused (None if it would not).
    """

    decree: ParsedDecree
    sha256: str
    status: str
    plan: ActionPlan | None = None
    diff: PlanDiff | None = None
    refusal: str | None = None

    def as_dict(self) -> dict:
        data = self.decree.as_dict()
        data["status"] = self.status
        data["sha256"] = self.sha256
        if self.plan is not None:
            data["plan_id"] = self.plan.pk
        return data


@dataclass
class ImportPreview:
    """What importing a decree would do, computed without writing (``preview_import``).

    ``decree``: the parsed decree with its findings. ``existing``: the unit's saved plan for
    the decree's year, or None. ``diff``: how the saved plan would change (None when there
    is no plan yet). ``refusal``: the Indonesian message ``import_decree(...,
    replace=True)`` would refuse with, or None. ``unchanged``: importing would change nothing.
    """

    decree: ParsedDecree
    sha256: str
    existing: ActionPlan | None
    diff: PlanDiff | None
    refusal: str | None

    @property
    def unchanged(self) -> bool:
        return (
            self.existing is not None
            and self.existing.source_sha256 == self.sha256
            and self.diff is not None
            and self.diff.is_empty
        )


# -- reading --------------------------------------------------------------------------------

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
            message(
                gettext_noop(
                    "Keputusan ini diterbitkan oleh '%(named)s', bukan oleh satker %(code)s "
                    "'%(name)s'."
                ),
                named=named,
                code=unit.code,
                name=unit.name,
            ),
            "error",
        )
    return None


def read_decree(
    data: bytes, unit: Unit | None = None, choices: dict[str, str] | None = None
) -> ParsedDecree:
    """Parse and validate, adding the checks that need the database.

    Raises ``DecreeError`` when the file cannot be read as a decree at all.
    """
    decree = parse_decree(data, choices=choices)
    if unit is not None:
        mismatch = check_unit(decree, unit)
        if mismatch:
            decree.findings.insert(0, mismatch)
    return decree


def _where_function(decree: ParsedDecree):
    """``where(line)``: a source line as a person says it (``baris 123``; a format's own
    position, such as ``lembar 'Lampiran' baris 5``, when the parser gives one)."""
    positions = getattr(decree, "positions", None) or {}

    def where(line: int | None) -> str:
        position = positions.get(line) if line is not None else None
        if position is not None:
            return position.describe()
        return _("baris %(line)s") % {"line": line} if line else ""

    return where


def _finding_where(finding: Finding) -> str:
    if finding.position is not None and finding.position.describe():
        return finding.position.describe()
    return _("baris %(line)s") % {"line": finding.line} if finding.line else ""


# -- what is written --------------------------------------------------------------------------


@dataclass
class _Reading:
    """A decree turned into what would be written, or the reason it may not be."""

    decree: ParsedDecree
    sha256: str
    plan_values: dict
    roots: list[Node]
    findings: list[ImportFinding]
    refusal: str | None


def _plan_values(decree: ParsedDecree, sha256: str, filename: str) -> dict:
    h = decree.header
    return {
        "schedule_kind": decree.schedule,
        "decree_number": h.number,
        "decree_title": h.title,
        "decree_subject": h.subject,
        "decree_place": h.place,
        "decree_date": h.date,
        "signer_name": h.signer_name,
        "signer_title": h.signer_title,
        "certifier_name": h.certifier_name,
        "certifier_title": h.certifier_title,
        "considerations": [i.as_dict() for i in h.considerations],
        "legal_bases": [i.as_dict() for i in h.legal_bases],
        "notes_considered": [i.as_dict() for i in h.notes_considered],
        "dictums": [i.as_dict() for i in h.dictums],
        "budget_reference": h.budget_reference,
        "source_name": PurePath(filename).name,
        "source_sha256": sha256,
    }


def _finding_rows(decree: ParsedDecree) -> list[ImportFinding]:
    return [
        ImportFinding(
            line=finding.line,
            kind=finding.kind,
            severity=finding.severity,
            message=finding.message,
            message_template=finding.template,
            message_params=finding.params,
            position=finding.position.as_dict() if finding.position else {},
            excerpt=finding.excerpt,
            choice_key=finding.choice_key,
            options=[list(option) for option in finding.options],
            chosen=finding.chosen,
        )
        for finding in decree.findings
    ]


def _read(
    data: bytes, unit: Unit | None, filename: str, choices: dict[str, str] | None
) -> _Reading:
    """Parse, build what would be written, and run every check that needs no saved plan."""
    sha256 = hashlib.sha256(data).hexdigest()
    decree = read_decree(data, unit, choices)
    where = _where_function(decree)
    plan_values = _plan_values(decree, sha256, filename)
    reading = _Reading(decree, sha256, plan_values, [], _finding_rows(decree), None)

    def refuse(message: str) -> _Reading:
        reading.refusal = message
        return reading

    if unit is None:
        return refuse(_("Satker tujuan impor tidak diketahui."))
    problem = limits.check_year(decree.header.year)
    if problem:
        return refuse(problem)
    blocking = [f for f in decree.findings if f.severity == "error"]
    if blocking:
        first = blocking[0]
        place = _finding_where(first)
        return refuse(f"{place}: {first.message}" if place else first.message)
    problem = limits.check_size(decree, where)
    if problem:
        return refuse(problem)
    try:
        reading.roots = build_tree(decree, where)
    except TreeError as error:
        return refuse(error.message)

    scratch = ActionPlan(unit=unit, year=decree.header.year, **plan_values)
    checks = [(scratch, _("Keputusan"))]
    checks += [(node.obj, f"{node.describe()}") for node in walk(reading.roots)]
    checks += [
        (
            row,
            _("Temuan %(kind)s (%(where)s)") % {"kind": row.kind_label, "where": _finding_where(f)},
        )
        for row, f in zip(reading.findings, decree.findings, strict=True)
    ]
    for obj, item in checks:
        problem = limits.check_values(obj, item)
        if problem:
            return refuse(problem)
    return reading


def _existing_refusal(existing: ActionPlan | None, sha256: str, replace: bool) -> str | None:
    """Why the saved plan may not be replaced, or None."""
    if existing is None:
        return None
    if not replace:
        return _(
            "Satker %(unit)s sudah memiliki rencana aksi tahun %(year)s dari berkas lain "
            "(%(name)s, SHA-256 %(sha)s…). Gunakan --replace untuk menggantinya."
        ) % {
            "unit": existing.unit.code,
            "year": existing.year,
            "name": existing.source_name or _("tanpa nama"),
            "sha": existing.source_sha256[:12],
        }
    if existing.status == ActionPlan.Status.DITETAPKAN:
        return _(
            "Rencana aksi %(unit)s tahun %(year)s sudah ditetapkan (disetujui Tim Pengarah) "
            "dan tidak dapat diganti. Tim Pengarah harus membukanya kembali lebih dulu, "
            "dengan alasan."
        ) % {"unit": existing.unit.code, "year": existing.year}
    if existing.status == ActionPlan.Status.SUBMITTED:
        return _(
            "Rencana aksi %(unit)s tahun %(year)s sedang diajukan ke Tim Pengarah dan tidak "
            "dapat diganti selama menunggu keputusan. Tarik kembali pengajuannya lebih dulu, "
            "atau tunggu Tim Pengarah mengembalikannya."
        ) % {"unit": existing.unit.code, "year": existing.year}
    if existing.status == ActionPlan.Status.ARSIP:
        return _(
            "Rencana aksi %(unit)s tahun %(year)s sudah diarsipkan dan tidak dapat diganti."
        ) % {
            "unit": existing.unit.code,
            "year": existing.year,
        }
    return None


def _work_refusal(match: TreeMatch) -> str | None:
    """A removed item that something else points at (realisations, evidence …) refuses."""
    with_work = items_with_work(match.removed)
    if not with_work:
        return None
    shown = []
    for node, relations in with_work[:5]:
        what = ", ".join(f"{name}: {count}" for name, count in relations)
        shown.append(f"{node.describe()} ({what})")
    more = len(with_work) - len(shown)
    message = _(
        "Impor ditolak: butir berikut tidak ada lagi di keputusan baru, padahal sudah ada "
        "data yang tercatat padanya: %(items)s."
    ) % {"items": "; ".join(shown)}
    if more:
        message += " " + _("Dan %(count)s butir lain.") % {"count": more}
    return (
        message + " " + _("Perbaiki keputusannya, atau pindahkan atau hapus data itu lebih dulu.")
    )


def _kind_refusal(existing: ActionPlan, reading: _Reading) -> str | None:
    """A period is a month or a quarter by the schedule kind: with work recorded on the
    plan's periods, a decree of the other kind refuses (renaksi/work/periods.py)."""
    if reading.decree.schedule == existing.schedule_kind:
        return None
    held = Realisation.objects.filter(plan=existing, sub_activity__isnull=False).count()
    if not held:
        return None
    return _(
        "Impor ditolak: keputusan baru memakai jadwal %(new)s, padahal rencana aksi ini "
        "memakai jadwal %(old)s dan sudah ada %(count)s realisasi yang tercatat pada "
        "periodenya."
    ) % {
        "new": ActionPlan.Schedule(reading.decree.schedule).label,
        "old": existing.get_schedule_kind_display(),
        "count": held,
    }


def _compare(existing: ActionPlan, reading: _Reading) -> tuple[TreeMatch, PlanDiff]:
    match = match_trees(load_tree(existing), reading.roots)
    diff = compute_diff(match, existing, reading.plan_values, reading.decree.schedule)
    return match, diff


def _same_findings(existing: ActionPlan, reading: _Reading) -> bool:
    saved = sorted(existing.findings.values_list("kind", "message"))
    return saved == sorted((row.kind, row.message) for row in reading.findings)


# -- the two entry points -------------------------------------------------------------------


def preview_import(
    data: bytes, *, unit: Unit, choices: dict[str, str] | None = None
) -> ImportPreview:
    """Read a decree and say what ``import_decree(data, unit=unit, replace=True,
    choices=choices)`` would do, writing nothing.

    Raises ``DecreeError`` when the file cannot be read as a decree at all; every other
    reason not to save it is ``refusal``. The user's permission is not checked here (the
    caller shows the preview only to whoever may import).
    """
    return _preview(_read(data, unit, "", choices), unit, replace=True)


def _preview(reading: _Reading, unit: Unit | None, *, replace: bool) -> ImportPreview:
    decree = reading.decree
    existing = None
    if unit is not None and decree.header.year is not None:
        existing = (
            ActionPlan.objects.select_related("unit")
            .filter(unit=unit, year=decree.header.year)
            .first()
        )
    diff = None
    refusal = reading.refusal
    if existing is not None and refusal is None:
        same_file = existing.source_sha256 == reading.sha256
        match, diff = _compare(existing, reading)
        if not same_file and not replace:
            refusal = _existing_refusal(existing, reading.sha256, replace=False)
        elif not _unchanged(existing, reading, diff, replace):
            refusal = (
                _existing_refusal(existing, reading.sha256, replace)
                or _work_refusal(match)
                or _kind_refusal(existing, reading)
            )
    return ImportPreview(decree, reading.sha256, existing, diff, refusal)


def _unchanged(existing: ActionPlan, reading: _Reading, diff: PlanDiff, replace: bool) -> bool:
    """The same file again changes nothing; with ``replace``, only if it reads the same
    (another reading chosen, or a better parser, is applied)."""
    if existing.source_sha256 != reading.sha256:
        return False
    return not replace or (diff.is_empty and _same_findings(existing, reading))


def import_decree(
    data: bytes,
    *,
    unit: Unit | None,
    filename: str,
    replace: bool = False,
    dry_run: bool = False,
    user=None,
    choices: dict[str, str] | None = None,
) -> ImportResult:
    """Parse a decree and, unless ``dry_run``, save it as ``unit``'s plan for its year.

    ``data``: the file's bytes (any format the parser reads); ``filename``: its original
    name (kept, and used in the stored file's name); ``choices``: readings chosen where the
    parser offered options (``{finding.choice_key: value}``, passed to ``parse_decree``).
    ``user``: who imports; they need ``CHANGE_PLAN`` on the unit's plan (on the plan to be
    created, for a first import), else ``PermissionDenied``. None means a system import (the
    management command) and is recorded as such in the audit trail.

    The same file imported again without ``replace`` changes nothing (``"unchanged"``). A
    different file for a unit and year that has a plan is refused unless ``replace``; then
    the plan is updated in place (see the module docstring); a draft stays a draft and a
    plan the Tim Pengarah returned stays returned. A plan submitted to the Tim Pengarah
    (``diajukan``) is refused until the secretariat withdraws it or the Tim Pengarah returns
    it; one set by the Tim Pengarah (``ditetapkan``) must be reopened first
    (``renaksi.plans.workflow.reopen_plan``).

    ``dry_run`` writes nothing and refuses nothing: the result carries the ``diff`` against
    the saved plan and the ``refusal`` the import would meet.

    Raises ``DecreeError`` for unreadable input and ``ImportRefused`` when the decree may not
    be saved; nothing is written in either case (no rows, no file).
    """
    reading = _read(data, unit, filename, choices)
    decree, sha256 = reading.decree, reading.sha256
    if dry_run:
        preview = _preview(reading, unit, replace=replace)
        return ImportResult(decree, sha256, "dry_run", diff=preview.diff, refusal=preview.refusal)
    if reading.refusal:
        raise ImportRefused(reading.refusal)

    try:
        with transaction.atomic():
            return _save(reading, data, unit, filename, replace, user)
    except IntegrityError as error:
        # Another import created the plan between our check and our insert.
        if ActionPlan.objects.filter(unit=unit, year=decree.header.year).exists():
            raise ImportRefused(_concurrent_message(unit, decree.header.year)) from error
        raise
    except OperationalError as error:
        if _is_lock_error(error):
            raise ImportRefused(
                _(
                    "Rencana aksi satker %(unit)s sedang diimpor oleh proses lain. Coba lagi "
                    "sebentar lagi."
                )
                % {"unit": unit.code}
            ) from error
        raise


def _concurrent_message(unit: Unit, year: int) -> str:
    return _(
        "Satker %(unit)s baru saja mendapat rencana aksi tahun %(year)s dari impor lain yang "
        "berjalan bersamaan. Periksa rencana aksi itu; gunakan --replace untuk menggantinya."
    ) % {"unit": unit.code, "year": year}


def _is_lock_error(error: OperationalError) -> bool:
    """SQLite's "database is locked", PostgreSQL's lock timeout or deadlock."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in ("55P03", "40P01"):
        return True
    return "locked" in str(error).lower()


def _check_permission(user, existing: ActionPlan | None, unit: Unit, year: int) -> None:
    if user is None:
        return  # a system import (management command)
    target = existing if existing is not None else ActionPlan(unit=unit, year=year)
    if not user.has_perm(CHANGE_PLAN, target):
        raise PermissionDenied


def _locked_plan(unit: Unit, year: int) -> ActionPlan | None:
    """Lock the unit's row, then read (and lock) its plan for ``year``.

    The unit lock makes two imports for one unit take turns (on PostgreSQL; SQLite lets one
    writer at a time anyway): the second sees the plan the first created.
    """
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    return (
        ActionPlan.objects.select_for_update()
        .select_related("unit")
        .filter(unit=unit, year=year)
        .first()
    )


def _save(
    reading: _Reading, data: bytes, unit: Unit, filename: str, replace: bool, user
) -> ImportResult:
    decree, sha256 = reading.decree, reading.sha256
    year = decree.header.year
    existing = _locked_plan(unit, year)
    _check_permission(user, existing, unit, year)

    match = diff = None
    old_counts = None
    if existing is not None:
        if existing.source_sha256 != sha256 and not replace:
            raise ImportRefused(_existing_refusal(existing, sha256, replace=False))
        if existing.source_sha256 == sha256 and not replace:
            _restore_missing_file(existing, data)
            return ImportResult(decree, sha256, "unchanged", existing)
        match, diff = _compare(existing, reading)
        if _unchanged(existing, reading, diff, replace):
            _restore_missing_file(existing, data)
            return ImportResult(decree, sha256, "unchanged", existing, diff=diff)
        refusal = (
            _existing_refusal(existing, sha256, replace)
            or _work_refusal(match)
            or _kind_refusal(existing, reading)
        )
        if refusal:
            raise ImportRefused(refusal)
        old_counts = _counts(match)

    plan = existing or ActionPlan(unit=unit, year=year)
    before = {
        "source_name": plan.source_name,
        "sha256": plan.source_sha256,
        "source_file": plan.source_file.name,
    }
    for name, value in reading.plan_values.items():
        setattr(plan, name, value)
    plan.imported_at = timezone.now()
    approval = None
    if existing is not None:
        approval = _reset_approval(plan)
        plan.version += 1  # the row is locked: a page opened before the import is stale
    replaced_file = plan.source_file.name if existing is not None else ""
    plan.source_file.name = source_file_name(plan, sha256, filename)
    plan.save()
    write_tree(plan, reading.roots, match)
    link_findings(reading.roots, reading.findings)
    kept = sync_findings(plan, reading.findings)
    store_after_commit(plan, data, replaced=replaced_file)

    after = {
        "source_name": plan.source_name,
        "sha256": sha256,
        "source_file": plan.source_file.name,
        "counts": decree.counts(),
    }
    if existing is None:
        record(user, "plan.imported", plan=plan, obj=plan, after=after)
        return ImportResult(decree, sha256, "created", plan)
    record(
        user,
        "plan.replaced",
        plan=plan,
        obj=plan,
        before={**before, "counts": old_counts},
        after=after,
        diff=diff.as_dict(limit=AUDIT_DIFF_ITEMS),
        confirmations_kept=kept,
    )
    if approval is not None:
        record(user, "plan.approval_reset", plan=plan, obj=plan, **approval)
    return ImportResult(decree, sha256, "replaced", plan, diff=diff)


def _counts(match: TreeMatch) -> dict[str, int]:
    """How many items the saved tree had, from the pairing (paired plus removed)."""
    keys = {
        "area": "areas",
        "activity": "activities",
        "sub_activity": "sub_activities",
        "indicator": "indicators",
    }
    counts = dict.fromkeys(keys.values(), 0)
    for old, _new in match.pairs:
        counts[keys[old.level]] += 1
    for node in walk(match.removed):
        counts[keys[node.level]] += 1
    return counts


def _reset_approval(plan: ActionPlan) -> dict | None:
    """A replaced tree is one nobody approved: without an approver, and a draft unless it was
    returned by the Tim Pengarah (it stays ``dikembalikan``, with its note, until the
    secretariat submits it again). Only draft and returned plans get here."""
    status = plan.status if plan.status in ActionPlan.EDITABLE_STATUSES else ActionPlan.Status.DRAFT
    if plan.status == status and plan.approved_by_id is None and plan.approved_at is None:
        return None
    before = {
        "status": plan.status,
        "approved_by": plan.approved_by_id,
        "approved_at": plan.approved_at,
    }
    plan.status = status
    plan.approved_by = None
    plan.approved_at = None
    return {
        "before": before,
        "after": {"status": plan.status, "approved_by": None, "approved_at": None},
    }


def _restore_missing_file(plan: ActionPlan, data: bytes) -> None:
    """Importing the same file again writes the stored file if it went missing."""
    if plan.source_file.name and not plan.source_file.storage.exists(plan.source_file.name):
        store_after_commit(plan, data)


__all__ = [
    "DecreeError",
    "ImportPreview",
    "ImportRefused",
    "ImportResult",
    "PlanDiff",
    "import_decree",
    "preview_import",
    "read_decree",
]
