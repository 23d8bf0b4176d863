"""Permission-matrix rows of this part's views (joined in tests/test_permission_matrix.py)."""

from .matrix_common import Row

ROWS: dict[str, Row] = {}

# Part "lkecli": the offline worksheet (tests/matrix_evaluation_worksheet.py).
from .matrix_evaluation_worksheet import ROWS as _WORKSHEET_ROWS  # noqa: E402

ROWS.update(_WORKSHEET_ROWS)

# Part "assessment": the self-assessment pages (tests/matrix_evaluation_assessment.py).
from .matrix_evaluation_assessment import ROWS as _ASSESSMENT_ROWS  # noqa: E402

ROWS.update(_ASSESSMENT_ROWS)

# Part "frameworks": the framework pages (tests/matrix_evaluation_frameworks.py).
from .matrix_evaluation_frameworks import ROWS as _FRAMEWORK_ROWS  # noqa: E402

ROWS.update(_FRAMEWORK_ROWS)
