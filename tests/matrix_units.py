"""Permission-matrix rows for the unit, user and my-work pages."""

from .matrix_common import Row

ROWS: dict[str, Row] = {}
