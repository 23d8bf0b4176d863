"""Permission-matrix rows for the unit dashboard (renaksi/dashboards/views_unit.py): whoever
reads the plan sees it, with or without a chosen day; 404 for everyone else."""

from .matrix_common import READ, Row, plan_url

ROWS: dict[str, Row] = {
    "dashboards:unit": Row(path=plan_url("dashboards:unit"), allowed=READ),
}
