"""Permission-matrix rows for the downloads of a plan's official documents (renaksi/exports):
whoever may read the plan may download it, in every format (the text format here: the
access check is the same for all, the format only changes the rendering)."""

from django.urls import reverse

from .matrix_common import READ, Row

ROWS: dict[str, Row] = {
    "exports:download": Row(
        path=lambda world, code: reverse("exports:download", args=[world.plans[code].pk, "txt"]),
        allowed=READ,
    ),
}
