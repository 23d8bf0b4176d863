"""Permission-matrix rows of the offline LKE worksheet (renaksi/evaluation/views_worksheet.py),
part "lkecli": download and upload need FILL_ASSESSMENT on the unit's assessment (the unit's
administrator, its Tim Pengarah and its Tim Pelaksana of the year). Joined into
tests/matrix_evaluation.py."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renaksi.evaluation.models import Assessment
from renaksi.evaluation.worksheet import build_xlsx

from .matrix_common import ALL, BENGKAYANG, Row
from .permission_world import World
from .scoring_support import save_framework, small_lke

FILL = {
    "implementer5": BENGKAYANG,
    "steering": BENGKAYANG,
    "unit_admin": BENGKAYANG,
    "other_regency": frozenset({"6101"}),
    "national_admin": frozenset({"00"}),
    "superuser": ALL,
}


def assessment_of(world: World, code: str) -> Assessment:
    """The unit's 2022 assessment against a small framework, made once per world."""
    made = world.__dict__.setdefault("_lke_assessments", {})
    if "framework" not in made:
        made["framework"] = save_framework(small_lke(), code="matriks-2022", year=2022)
    if code not in made:
        made[code] = Assessment.objects.create(
            unit=world.units[code], year=2022, framework=made["framework"], plan=world.plans[code]
        )
    return made[code]


def worksheet_url(name: str):
    return lambda world, code: reverse(name, args=[assessment_of(world, code).pk])


def upload_data(world: World, code: str) -> dict:
    """A fresh upload of the unit's (blank) worksheet each call."""
    assessment = assessment_of(world, code)
    data = build_xlsx(assessment.framework)
    return {"berkas": SimpleUploadedFile("lke.xlsx", data, content_type="application/zip")}


ROWS: dict[str, Row] = {
    "evaluation:worksheet": Row(path=worksheet_url("evaluation:worksheet"), allowed=FILL),
    "evaluation:worksheet_download": Row(
        path=worksheet_url("evaluation:worksheet_download"), allowed=FILL
    ),
}
# The upload itself (POST of the same page), as its own row under a key the resolver does not
# know is not possible: the matrix keys are URL names. It is checked here instead:
UPLOAD_ROW = Row(
    path=worksheet_url("evaluation:worksheet"), allowed=FILL, method="post", data=upload_data
)
