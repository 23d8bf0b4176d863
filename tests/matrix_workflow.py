"""Permission-matrix rows for the status workflow and the plan's history
(renaksi/plans/workflow_views.py).

The GET of each transition is its confirmation page: whoever may take the action sees it
(even when the plan's status does not allow it now: the page says why), everyone else who
reads the plan gets 403, and whoever does not get 404. The POSTs are covered per persona in
tests/test_workflow_pages.py. The history is for every reader of the plan.
"""

from .matrix_common import APPROVE, MANAGE, READ, Row, plan_url

ROWS: dict[str, Row] = {
    "plans:submit": Row(path=plan_url("plans:submit"), allowed=MANAGE),
    "plans:withdraw": Row(path=plan_url("plans:withdraw"), allowed=MANAGE),
    "plans:return": Row(path=plan_url("plans:return"), allowed=APPROVE),
    "plans:approve": Row(path=plan_url("plans:approve"), allowed=APPROVE),
    "plans:reopen": Row(path=plan_url("plans:reopen"), allowed=APPROVE),
    "plans:history": Row(path=plan_url("plans:history"), allowed=READ),
}
