"""Quarterly monitoring: the figures (computed, figures.py), the narrative and follow-ups.

The API other parts use (submissions, reports, demo):

* ``quarter_figures(plan, quarter, *, as_of=None) -> QuarterFigures``
* ``plan_quarter_totals(plan_ids, quarter, *, as_of=None) -> {plan_id: CellCounts}``

See figures.py and docs/monitoring.md for the definition of every figure.
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
