"""Quarterly monitoring: the figures (computed, figures.py), the narrative and follow-ups.

The API other parts use (submissions, reports, demo):

* ``quarter_figures(plan, quarter, *, as_of=None) -> QuarterFigures``
* ``plan_quarter_totals(plan_ids, quarter, *, as_of=None) -> {plan_id: CellCounts}``

See figures.py and docs/monitoring.md for the definition of every figure.

The writers (narrative.py): ``save_report``, ``save_area_note``, ``add_follow_up``,
``update_follow_up``, ``set_monitoring_months``; readers ``report_of``, ``follow_ups_in``.
"""

from __future__ import annotations

from .figures import (  # noqa: F401
    QUARTER_NAMES,
    AreaFigures,
    CellCounts,
    IndicatorFigure,
    QuarterFigures,
    percent,
    plan_quarter_totals,
    quarter_figures,
    quarter_months,
)
from .narrative import (  # noqa: F401
    CLOSED_STATES,
    NARRATIVE_FIELDS,
    REPORT_FIELDS,
    MonitoringConflict,
    MonitoringError,
    add_follow_up,
    follow_ups_in,
    report_of,
    save_area_note,
    save_report,
    set_monitoring_months,
    update_follow_up,
)
