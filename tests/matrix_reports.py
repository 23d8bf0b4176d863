"""Permission-matrix rows of the official reports (renaksi/reports), joined in
tests/test_permission_matrix.py. The plan's reports go to whoever may read the plan; the LKE
worksheet to whoever may read the assessed unit; the recap to a reader of a KPU Provinsi or
of KPU RI (a regency has no recap: 404 for everybody)."""

from django.urls import reverse

from renaksi.evaluation.models import Assessment, Framework

from .matrix_common import READ, Row

UPPER_LEVELS = frozenset({"00", "61", "62"})


def _assessment(world, code: str) -> Assessment:
    framework, _created = Framework.objects.get_or_create(
        code="matrix-lke", defaults={"family": "matrix", "year": 2022, "title": "LKE matriks"}
    )
    assessment, _created = Assessment.objects.get_or_create(
        unit=world.units[code], year=2022, framework=framework, defaults={"plan": world.plans[code]}
    )
    return assessment


ROWS: dict[str, Row] = {
    "reports:quarterly": Row(
        path=lambda world, code: reverse(
            "reports:quarterly", args=[world.plans[code].pk, 1, "xlsx"]
        ),
        allowed=READ,
    ),
    "reports:portal": Row(
        path=lambda world, code: reverse("reports:portal", args=[world.plans[code].pk]),
        allowed=READ,
    ),
    "reports:plan_lke": Row(
        path=lambda world, code: (
            _assessment(world, code) and reverse("reports:plan_lke", args=[world.plans[code].pk])
        ),
        allowed=READ,
    ),
    "reports:lke": Row(
        path=lambda world, code: reverse("reports:lke", args=[_assessment(world, code).pk]),
        allowed=READ,
    ),
    "reports:recap": Row(
        path=lambda world, code: reverse("reports:recap", args=[world.units[code].pk, 2022]),
        allowed={persona: codes & UPPER_LEVELS for persona, codes in READ.items()},
    ),
}
