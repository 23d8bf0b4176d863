"""Permission-matrix rows for evidence files (renaksi/work/views_files.py): download,
preview and thumbnail for whoever reads the unit (VIEW_EVIDENCE), and the staging upload for
whoever may add evidence to the target period's sub-activity (ADD_EVIDENCE: its
implementers and the unit's change agents)."""

from django.urls import reverse

from . import evidence_samples as samples
from .evidence_support import add_evidence, period_of
from .matrix_common import ALL, BENGKAYANG, READ, Row
from .permission_world import World


def evidence_in(world: World, code: str):
    """A PDF evidence item on the unit's area-5 sub-activity (March), made once per world."""
    made = world.__dict__.setdefault("_evidence_items", {})
    if code not in made:
        made[code] = add_evidence(world.subs[(code, 5)], 3, world.users["superuser"])
    return made[code]


def evidence_url(name: str):
    return lambda world, code: reverse(name, args=[evidence_in(world, code).pk])


def stage_data(world: World, code: str) -> dict:
    """A fresh upload each call (a file object is read by the first request)."""
    return {
        "period": period_of(world.subs[(code, 5)], 3).pk,
        "file": samples.upload("notulen.pdf", samples.handmade_pdf()),
    }


ROWS: dict[str, Row] = {
    "work:evidence_download": Row(path=evidence_url("work:evidence_download"), allowed=READ),
    "work:evidence_preview": Row(path=evidence_url("work:evidence_preview"), allowed=READ),
    "work:evidence_thumbnail": Row(path=evidence_url("work:evidence_thumbnail"), allowed=READ),
    "work:upload_stage": Row(
        path=lambda world, code: reverse("work:upload_stage"),
        # Area 5's implementers of each unit (Bengkayang's and Sambas'), Bengkayang's agent.
        allowed={
            "implementer5": BENGKAYANG,
            "agent": BENGKAYANG,
            "other_regency": frozenset({"6101"}),
            "superuser": ALL,
        },
        method="post",
        data=stage_data,
    ),
}
