"""Workflows that change a plan. Views parse input, call one of these, and render.

Each function checks the permission itself as well (renaksi/access), so that the admin,
a future API and management commands cannot bypass the rule the views follow.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.access.policy import CHANGE_PLAN
from renaksi.audit.models import LogEntry
from renaksi.audit.services import build, record

from .models import ActionPlan, ImportFinding, SubActivity


class PlanError(Exception):
    """A plan workflow refused to run. ``message`` is for the user, in the active language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class FindingAlreadyConfirmed(PlanError):
    pass


def __getattr__(name: str):
    """The status workflow moved to ``renaksi.plans.workflow``; its old names still resolve."""
    if name in ("approve_plan", "reopen_plan", "REOPEN_REASON_MAX_LENGTH"):
        from . import workflow

        return getattr(workflow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def confirm_finding(user: User | AnonymousUser, finding: ImportFinding) -> ImportFinding:
    """Record that ``user`` has reviewed ``finding``: sets ``confirmed_by`` and ``confirmed_at``.

    The first confirmation wins: confirming twice (a double click, two reviewers at once)
    raises ``FindingAlreadyConfirmed`` and leaves the first record as it was. Recorded in the
    audit trail (``plan.finding_confirmed``).
    """
    if not user.has_perm(CHANGE_PLAN, finding.plan):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        # A conditional UPDATE, so two concurrent confirmations cannot both win.
        updated = ImportFinding.objects.filter(pk=finding.pk, confirmed_at__isnull=True).update(
            confirmed_by=user, confirmed_at=now, resolution=ImportFinding.Resolution.CONFIRMED
        )
        if updated:
            record(
                user,
                "plan.finding_confirmed",
                plan=finding.plan,
                obj=finding,
                kind=finding.kind,
                message=finding.message,
            )
    if not updated:
        finding.refresh_from_db(fields=["confirmed_by", "confirmed_at"])
        raise FindingAlreadyConfirmed(_("Temuan ini sudah dikonfirmasi sebelumnya."))
    finding.confirmed_by = user
    finding.confirmed_at = now
    return finding


def confirm_findings(
    user: User | AnonymousUser, plan: ActionPlan, finding_ids
) -> list[ImportFinding]:
    """Confirm many findings of ``plan`` at once (the browser import's accepted findings).

    Like ``confirm_finding`` for each, in one transaction and a fixed number of queries: the
    findings already confirmed (by someone else meanwhile) keep their first record. Returns
    the findings this call confirmed, each recorded in the audit trail.
    """
    if not user.has_perm(CHANGE_PLAN, plan):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        findings = list(
            ImportFinding.objects.select_for_update()
            .filter(plan=plan, pk__in=list(finding_ids), confirmed_at__isnull=True)
            .order_by("line", "id")
        )
        ImportFinding.objects.filter(
            pk__in=[f.pk for f in findings], confirmed_at__isnull=True
        ).update(confirmed_by=user, confirmed_at=now, resolution=ImportFinding.Resolution.CONFIRMED)
        LogEntry.objects.bulk_create(
            build(
                user,
                "plan.finding_confirmed",
                plan=plan,
                obj=finding,
                kind=finding.kind,
                message=finding.message,
            )
            for finding in findings
        )
    for finding in findings:
        finding.confirmed_by, finding.confirmed_at = user, now
    return findings


def unit_people(unit_id: int):
    """Accounts that belong to a unit: a role there or a place in one of its teams."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(unit_roles__unit_id=unit_id) | Q(team_memberships__team__unit_id=unit_id))
        .distinct()
        .order_by("first_name", "username")
    )


def assign_pics(user: User | AnonymousUser, plan: ActionPlan, pics: dict[int, User | None]) -> int:
    """Set the PIC of sub-activities of ``plan`` (``{sub-activity id: user or None}``).

    Only the plan's administrator; every PIC must belong to the plan's unit. One transaction;
    returns the number of sub-activities changed. Each change is recorded in the audit trail
    (``plan.pic_assigned``, with the PIC before and after).
    """
    if not user.has_perm(CHANGE_PLAN, plan):
        raise PermissionDenied
    allowed = set(unit_people(plan.unit_id).values_list("pk", flat=True))
    for pic in pics.values():
        if pic is not None and pic.pk not in allowed:
            raise PlanError(
                _("%(user)s bukan pengguna %(unit)s.")
                % {"user": pic.get_username(), "unit": plan.unit.name}
            )
    subs = SubActivity.objects.filter(activity__area__plan=plan, pk__in=list(pics))
    changed = []
    entries = []
    for sub in subs:
        new = pics[sub.pk]
        if sub.pic_id != (new.pk if new else None):
            entries.append(
                build(
                    user,
                    "plan.pic_assigned",
                    plan=plan,
                    obj=sub,
                    before={"pic": sub.pic_id},
                    after={"pic": new.pk if new else None},
                )
            )
            sub.pic = new
            changed.append(sub)
    if len(subs) != len(pics):
        raise PlanError(_("Sub kegiatan yang dipilih bukan bagian dari rencana aksi ini."))
    with transaction.atomic():
        SubActivity.objects.bulk_update(changed, ["pic"])
        LogEntry.objects.bulk_create(entries)
    return len(changed)
