"""Permission-matrix rows for the realisation form and the assessor's review page
(renaksi/work/views_realisation.py).

Every unit has a submitted realisation of area 5 in January (matrix_work_pages). The form is
for those who report on the sub-activity (the Tim Pelaksana of area 5: ``implementer5`` in
Bengkayang, ``other_regency`` in Sambas) and for the change agents of the unit (evidence
only); submitting and recording work outside the schedule only for the reporters; the review
page is read by every reader of the unit (the decision itself is the assessor's: the POSTs
per persona are in tests/test_work_realisation_pages.py). Readers who may not act get 403,
everyone else 404.
"""

from django.urls import reverse

from .matrix_common import ALL, BENGKAYANG, READ, Row
from .matrix_work_pages import submitted_everywhere
from .permission_world import World

REPORTS = {"implementer5": BENGKAYANG, "other_regency": frozenset({"6101"}), "superuser": ALL}
ADDS_EVIDENCE = {**REPORTS, "agent": BENGKAYANG}


def realisation_of(world: World, code: str):
    return submitted_everywhere(world)[code]


ROWS: dict[str, Row] = {
    "work:realisation": Row(
        path=lambda world, code: reverse(
            "work:realisation", kwargs={"period": realisation_of(world, code).period_id}
        ),
        allowed=ADDS_EVIDENCE,
    ),
    # Already submitted: an allowed persona is told so (a redirect with the message).
    "work:realisation_submit": Row(
        path=lambda world, code: reverse(
            "work:realisation_submit", kwargs={"pk": realisation_of(world, code).pk}
        ),
        allowed=REPORTS,
        method="post",
    ),
    "work:review": Row(
        path=lambda world, code: reverse(
            "work:review", kwargs={"pk": realisation_of(world, code).pk}
        ),
        allowed=READ,
    ),
    # Every month is scheduled in the world: an allowed persona is sent to that period's form.
    "work:record_unscheduled": Row(
        path=lambda world, code: reverse(
            "work:record_unscheduled", kwargs={"sub": world.subs[(code, 5)].pk}
        ),
        allowed=REPORTS,
        method="post",
        data={"period": "1"},
    ),
}
