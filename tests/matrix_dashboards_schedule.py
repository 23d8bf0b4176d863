"""Permission-matrix rows for the schedule view (renaksi/dashboards/views_schedule.py):
whoever reads the plan reads its schedule; a plan the reader may not see is a 404."""

from .matrix_common import READ, Row, plan_url

ROWS: dict[str, Row] = {
    "dashboards:schedule": Row(path=plan_url("dashboards:schedule"), allowed=READ),
}
