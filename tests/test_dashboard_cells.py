"""The one classification of a schedule cell (renaksi/dashboards/cells.py)."""

import datetime

import pytest

from renaksi.dashboards.cells import CellState, cell_state
from renaksi.work.models import Realisation

S, V = Realisation.Status, Realisation.State
DUE = datetime.date(2022, 2, 10)
BEFORE, ON, AFTER = DUE - datetime.timedelta(days=1), DUE, DUE + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "state", "today", "expected"),
    [
        (S.DONE, V.VERIFIED, AFTER, CellState.VERIFIED),
        (S.DONE, V.SUBMITTED, AFTER, CellState.DONE),
        (S.DONE, V.DRAFT, BEFORE, CellState.DONE),
        (S.DONE, V.RETURNED, AFTER, CellState.DONE),
        (S.NOT_DONE, V.VERIFIED, AFTER, CellState.NOT_DONE),
        (S.POSTPONED, V.SUBMITTED, AFTER, CellState.POSTPONED),
        (None, None, BEFORE, CellState.PLANNED),
        (None, None, ON, CellState.PLANNED),  # the due date itself is still on time
        (None, None, AFTER, CellState.LATE),
        (S.IN_PROGRESS, V.DRAFT, ON, CellState.PLANNED),
        (S.IN_PROGRESS, V.SUBMITTED, AFTER, CellState.LATE),
        (S.NOT_STARTED, V.DRAFT, AFTER, CellState.LATE),
    ],
)
def test_cell_state(status, state, today, expected):
    assert cell_state(status, state, DUE, today) == expected
