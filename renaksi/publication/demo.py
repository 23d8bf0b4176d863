"""The demo's public RB column: the secretariat publishes Bengkayang's 2022 plan on
17 October 2022 (after the story's last event), so ``/publik/6107/2022/`` shows it out of
the box. Once: a plan that already has a publication (published or withdrawn) is left alone.
"""

from __future__ import annotations

import datetime

from renaksi.core.demo_clock import WIB
from renaksi.work.models import EvidenceKind

from .models import Publication
from .services import Choices, accepted_quarters, publish, publishable_evidence

PUBLISHED_AT = datetime.datetime(2022, 10, 17, 10, 0, tzinfo=WIB)
# The kinds of evidence a unit puts in its RB column: decrees and reports, not photos or
# attendance lists (they show people).
DEMO_KINDS = (EvidenceKind.SK, EvidenceKind.LAPORAN)
DEMO_EVIDENCE = 8


def publish_demo(plan, user, clock=None) -> Publication | None:
    """Publish the demo plan (the plan must be set: the story approves it in April)."""
    if plan is None or Publication.objects.filter(plan=plan).exists():
        return None
    from .services import PUBLISHABLE_STATUSES

    plan.refresh_from_db()  # the story approved it through another instance
    if plan.status not in PUBLISHABLE_STATUSES:
        return None
    if clock is not None:
        clock.set(PUBLISHED_AT)
    # One decree or report per area, the earliest of each.
    evidence, areas = [], set()
    for pk, area in (
        publishable_evidence(plan)
        .filter(kind__in=DEMO_KINDS, realisation__sub_activity__isnull=False)
        .order_by("realisation__period__period", "pk")
        .values_list("pk", "realisation__sub_activity__activity__area__number")
    ):
        if area not in areas and len(evidence) < DEMO_EVIDENCE:
            areas.add(area)
            evidence.append(pk)
    choices = Choices(
        show_plan=True,
        show_progress=True,
        show_names=False,
        decree_pdf=True,
        lampiran_pdf=True,
        monev_quarters=accepted_quarters(plan),
        evidence_ids=evidence,
    )
    return publish(user, plan, choices)
