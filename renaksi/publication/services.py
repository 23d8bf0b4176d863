"""Publishing a plan in the public RB column, changing what is shown, and withdrawing it.

Each function checks ``PUBLISH_PLAN`` first (``PermissionDenied``), then the state and the
choices (``PublicationError`` with an Indonesian message), and writes the ``Publication`` with
its audit entry in one transaction, the row locked (two administrators cannot interleave):

==========  ============================  =========================
action      when                          audit action
==========  ============================  =========================
publish     not published yet, or         publication.published
            withdrawn before
change      published: other choices      publication.changed
withdraw    published                     publication.withdrawn
==========  ============================  =========================

The entries carry ``before``/``after`` with the model's field names (the plan history shows
them); ``expected_version`` refuses a change made on a page that is out of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.access.policy import PUBLISH_PLAN
from renaksi.audit.services import record
from renaksi.plans.models import ActionPlan
from renaksi.submissions.models import Submission
from renaksi.work.models import Evidence, Realisation

from .models import Publication

PUBLISHABLE_STATUSES = frozenset({ActionPlan.Status.DITETAPKAN, ActionPlan.Status.ARSIP})
WITHDRAW_REASON_MAX_LENGTH = 1000
FLAGS = ("show_plan", "show_progress", "show_names", "decree_pdf", "lampiran_pdf")


class PublicationError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Choices:
    """What the public page shows (the administrator's form)."""

    show_plan: bool = True
    show_progress: bool = True
    show_names: bool = False
    decree_pdf: bool = False
    lampiran_pdf: bool = True
    monev_quarters: list[int] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)


def accepted_quarters(plan: ActionPlan) -> list[int]:
    """The quarters of the plan whose package KPU RI accepted (one query)."""
    return sorted(
        Submission.objects.filter(plan=plan, state=Submission.State.ACCEPTED).values_list(
            "quarter", flat=True
        )
    )


def publishable_evidence(plan: ActionPlan):
    """The plan's evidence that may be published: current stored files of verified
    realisations (links are not offered: they point outside Renaksi)."""
    return Evidence.objects.filter(
        plan=plan,
        is_current=True,
        file__isnull=False,
        realisation__state=Realisation.State.VERIFIED,
    )


def _snapshot(publication: Publication, evidence_ids: list[int]) -> dict:
    data = {name: getattr(publication, name) for name in FLAGS}
    data["published"] = publication.published
    data["monev_quarters"] = list(publication.monev_quarters)
    data["evidence"] = len(evidence_ids)  # how many (the ids: the entry's evidence_ids)
    return data


def _check(plan: ActionPlan, choices: Choices) -> tuple[list[int], list[int]]:
    quarters = sorted(set(choices.monev_quarters))
    allowed = set(accepted_quarters(plan))
    if any(q not in allowed for q in quarters):
        raise PublicationError(
            _("Hanya laporan monev triwulan yang sudah diterima KPU RI yang dapat dipublikasikan."),
            "monev_quarters",
        )
    wanted = sorted(set(choices.evidence_ids))
    if wanted:
        found = set(publishable_evidence(plan).filter(pk__in=wanted).values_list("pk", flat=True))
        if found != set(wanted):
            raise PublicationError(
                _("Hanya bukti dukung terverifikasi dari rencana aksi ini yang dapat dipilih."),
                "evidence",
            )
    return quarters, wanted


def _locked(plan: ActionPlan) -> Publication | None:
    return Publication.objects.select_for_update().filter(plan=plan).first() if plan.pk else None


@transaction.atomic
def publish(user, plan: ActionPlan, choices: Choices, *, expected_version=None) -> Publication:
    """Publish the plan with ``choices``, or change what an already published one shows."""
    if not user.has_perm(PUBLISH_PLAN, plan):
        raise PermissionDenied
    current = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if current.status not in PUBLISHABLE_STATUSES:
        raise PublicationError(
            _(
                "Rencana aksi ini belum ditetapkan Tim Pengarah; hanya rencana aksi yang sudah "
                "ditetapkan yang dapat dipublikasikan."
            )
        )
    quarters, evidence_ids = _check(current, choices)
    publication = _locked(current)
    if (
        publication is not None
        and expected_version is not None
        and publication.version != expected_version
    ):
        raise PublicationError(
            _(
                "Publikasi ini baru saja diubah orang lain. Muat ulang halaman, periksa "
                "pilihannya, lalu simpan lagi."
            )
        )
    if publication is None:
        publication = Publication(unit_id=current.unit_id, year=current.year, plan=current)
        before = None
    else:
        before = _snapshot(publication, list(publication.evidence.values_list("pk", flat=True)))
    was_published = publication.published
    for name in FLAGS:
        setattr(publication, name, bool(getattr(choices, name)))
    publication.monev_quarters = quarters
    now = timezone.now()
    if not was_published:
        publication.published = True
        publication.published_at = now
        publication.published_by = user if user.is_authenticated else None
        publication.withdrawn_at = None
        publication.withdrawn_by = None
        publication.withdraw_reason = ""
    after = _snapshot(publication, evidence_ids)
    old_ids = sorted(publication.evidence.values_list("pk", flat=True)) if publication.pk else []
    if was_published and before == after and old_ids == evidence_ids:
        return publication  # nothing changed: no new version, no entry
    if publication.pk:
        publication.version += 1
    publication.save()
    publication.evidence.set(evidence_ids)
    record(
        user,
        "publication.changed" if was_published else "publication.published",
        plan=current,
        obj=publication,
        before=before,
        after=after,
        evidence_ids=evidence_ids,
    )
    return publication


@transaction.atomic
def withdraw(user, plan: ActionPlan, reason: str = "", *, expected_version=None) -> Publication:
    """Take the public page down (it answers 404 from now on); it can be published again."""
    if not user.has_perm(PUBLISH_PLAN, plan):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) > WITHDRAW_REASON_MAX_LENGTH:
        raise PublicationError(
            _("Alasan paling banyak %(n)s karakter.") % {"n": WITHDRAW_REASON_MAX_LENGTH},
            "reason",
        )
    publication = _locked(plan)
    if publication is None or not publication.published:
        raise PublicationError(_("Rencana aksi ini tidak sedang dipublikasikan."))
    if expected_version is not None and publication.version != expected_version:
        raise PublicationError(
            _("Publikasi ini baru saja diubah orang lain. Muat ulang halaman lalu ulangi.")
        )
    publication.published = False
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = user if user.is_authenticated else None
    publication.withdraw_reason = reason
    publication.version += 1
    publication.save()
    record(
        user,
        "publication.withdrawn",
        plan=plan,
        obj=publication,
        before={"published": True},
        after={"published": False, "withdraw_reason": reason},
    )
    return publication
