"""Permission-matrix rows of the submission chain's pages (renaksi/submissions/views.py).

Every unit below KPU RI has a TW I 2022 package waiting at the level above (Bengkayang and
Sambas at KPU Provinsi Kalimantan Barat, Kotawaringin Barat at Kalimantan Tengah, both
provinces at KPU RI). KPU RI sends nothing, so "00" has no submission. Deciding is for a
reviewer AT the unit where it waits; reopening also for a reviewer above the unit (KPU RI);
sending for the unit's administrator (KPU RI's administrator is allowed in and told that KPU
RI sends to no one). The overviews: a province's for whoever reads the province, the national
one for readers of every unit. A reader who may not act gets 403, everyone else 404.
"""

from django.urls import reverse

from renaksi.submissions.models import Submission, SubmissionStep

from .matrix_common import MANAGE, READ, SIGNED_IN, Row
from .permission_world import UNIT_CODES, World

BELOW = frozenset(code for code in UNIT_CODES if code != "00")
KALBAR_REGENCIES = frozenset({"6107", "6101"})
PROVINCES = frozenset({"61", "62"})
DECIDES = {
    "province_reviewer": KALBAR_REGENCIES,
    "national_reviewer": PROVINCES,
    "superuser": BELOW,
}
REOPENS = {"province_reviewer": KALBAR_REGENCIES, "national_reviewer": BELOW, "superuser": BELOW}
READS_SUBMISSIONS = {persona: codes & BELOW for persona, codes in READ.items()}
NATIONAL = {"national_viewer": BELOW, "national_reviewer": BELOW, "superuser": BELOW}
PROVINCE_READERS = {
    "province_reviewer": frozenset({"61"}),
    "national_viewer": PROVINCES,
    "national_reviewer": PROVINCES,
    "superuser": PROVINCES,
}
PARENT = {"61": "00", "62": "00", "6107": "61", "6101": "61", "6201": "62"}


def sent_everywhere(world: World) -> dict[str, Submission]:
    """A TW I 2022 package of every unit below KPU RI, waiting at its parent (made once)."""
    found = {}
    for code, parent in PARENT.items():
        found[code], created = Submission.objects.get_or_create(
            unit=world.units[code],
            year=2022,
            quarter=1,
            defaults={
                "plan": world.plans[code],
                "state": Submission.State.SUBMITTED,
                "at_unit": world.units[parent],
            },
        )
        if created:
            SubmissionStep.objects.create(
                submission=found[code], action="submitted", at_unit=world.units[code]
            )
    return found


def submission_url(name: str):
    def path(world: World, code: str) -> str:
        sent = sent_everywhere(world)
        pk = sent[code].pk if code in sent else 999999
        return reverse(name, args=[pk])

    return path


def queue_path(world: World, code: str) -> str:
    sent_everywhere(world)
    return reverse("submissions:queue")


def queued(world: World, code: str) -> str:
    sent = sent_everywhere(world)
    return f'data-submission="{sent[code].pk}"' if code in sent else 'data-submission="none"'


ROWS: dict[str, Row] = {
    "submissions:home": Row(
        path=lambda world, code: reverse("submissions:home"), allowed=SIGNED_IN
    ),
    "submissions:queue": Row(path=queue_path, allowed=DECIDES, kind="list", marker=queued),
    "submissions:national": Row(
        path=lambda world, code: reverse("submissions:national") + "?tahun=2022",
        allowed=NATIONAL,
        kind="list",
        marker=lambda world, code: f'data-unit="{code}"',
    ),
    "submissions:province": Row(
        path=lambda world, code: reverse("submissions:province", args=[world.units[code].pk]),
        allowed=PROVINCE_READERS,
    ),
    "submissions:plan": Row(
        path=lambda world, code: reverse("submissions:plan", args=[world.plans[code].pk]),
        allowed=READ,
    ),
    # TW II is not sent yet: the administrator sends it (KPU RI's is told it sends nowhere).
    "submissions:submit": Row(
        path=lambda world, code: reverse("submissions:submit", args=[world.plans[code].pk, 2]),
        allowed=MANAGE,
        method="post",
    ),
    "submissions:detail": Row(path=submission_url("submissions:detail"), allowed=READS_SUBMISSIONS),
    "submissions:decide": Row(
        path=submission_url("submissions:decide"),
        allowed=DECIDES,
        method="post",
        data={"accept": "0", "note": "Lengkapi bukti dukung."},
    ),
    "submissions:reopen": Row(
        path=submission_url("submissions:reopen"),
        allowed=REOPENS,
        method="post",
        data={"reason": "Salah unggah."},
    ),
}
