"""Permission-matrix rows of this part's views (joined in tests/test_permission_matrix.py)."""

from .matrix_common import Row

ROWS: dict[str, Row] = {}
