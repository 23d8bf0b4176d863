"""Permission-matrix rows for the Tim RB pages (renaksi/teams)."""

from .matrix_common import Row

ROWS: dict[str, Row] = {}
