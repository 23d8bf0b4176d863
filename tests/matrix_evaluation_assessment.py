"""Permission-matrix rows of the self-assessment pages, part "assessment" (joined into
tests/matrix_evaluation.py).

Self-assessment (renaksi/evaluation/views_assessment.py, part "assessment"): every unit of the
world gets, on first use, an LKE of the test framework (tests/assessment_world.py) for 2022
with a file uploaded to one answer and an indicator link. Readers of a unit read its LKE
pages; the unit's own answers (tier self: POST with tier "self") and feeding from indicators
are for those who fill it (the administrator, the Tim Pengarah, the Tim Pelaksana of the
unit: ``implementer5`` in Bengkayang, ``other_regency`` in Sambas; ``national_admin`` for
KPU RI's own LKE); links are managed by the unit's administrator. Readers who may not act get
403, everyone else 404. The other tiers' POSTs per persona are in
tests/test_assessment_services.py and tests/test_assessment_pages.py.
"""

from django.urls import reverse

from .matrix_common import ALL, BENGKAYANG, MANAGE, READ, Row
from .permission_world import World

FILL = {
    "implementer5": BENGKAYANG,
    "steering": BENGKAYANG,
    "unit_admin": BENGKAYANG,
    "other_regency": frozenset({"6101"}),
    "national_admin": frozenset({"00"}),
    "superuser": ALL,
}
# Starting an LKE for a unit and year: the same people.
START = FILL


def _framework(world: World):
    from .assessment_world import build_framework

    framework = getattr(world, "_assessment_part_framework", None)
    if framework is None:
        framework = build_framework()
        world._assessment_part_framework = framework
    return framework


def assessment_of(world: World, code: str):
    """The unit's 2022 LKE, made once per world, with a file uploaded to item A.1.i.a."""
    from renaksi.evaluation import services
    from renaksi.evaluation.models import Answer, Tier

    from .assessment_world import items
    from .work_realisation_world import pdf_file

    made = getattr(world, "_assessment_part_lke", None)
    if made is None:
        made = world._assessment_part_lke = {}
    if code not in made:
        superuser = world.users["superuser"]
        assessment = services.assessment_for(
            world.units[code], 2022, _framework(world), create=True, actor=superuser
        )
        item = items(assessment.framework)["A.1.i.a"]
        if not Answer.objects.filter(assessment=assessment, item=item, tier=Tier.SELF).exists():
            services.save_answer(
                superuser, assessment, item, raw="ya", files=[pdf_file(salt=code.encode())]
            )
        made[code] = assessment
    return made[code]


def _item(world: World, code: str = "A.1.i.a"):
    from .assessment_world import items

    return items(_framework(world))[code]


def answer_data(world: World, code: str) -> dict:
    """The unit's own answer to A.1.i.a, based on its current version."""
    from renaksi.evaluation.models import Answer, Tier

    assessment = assessment_of(world, code)
    item = _item(world)
    current = Answer.objects.get(assessment=assessment, item=item, tier=Tier.SELF)
    prefix = f"b{item.pk}"
    return {
        f"{prefix}-tier": Tier.SELF,
        f"{prefix}-version": str(current.version),
        f"{prefix}-option": "tidak" if current.option == "ya" else "ya",
        f"{prefix}-justification": "matriks",
    }


def link_of(world: World, code: str):
    """An indicator link of the unit's LKE, (re)made on each call (a row deletes it)."""
    from renaksi.evaluation.models import IndicatorLink
    from renaksi.plans.models import Indicator

    assessment_of(world, code)
    indicator = Indicator.objects.get(sub_activity=world.subs[(code, 5)])
    link, _ = IndicatorLink.objects.get_or_create(
        indicator=indicator, item=_item(world, "A.1.ii.b"), input="numerator"
    )
    return link


def file_of(world: World, code: str):
    from renaksi.evaluation.models import AnswerFile

    return AnswerFile.objects.get(answer__assessment=assessment_of(world, code))


def _assessment_url(name: str, *extra):
    return lambda world, code: reverse(name, args=[assessment_of(world, code).pk, *extra])


# -- the self-assessment (part "assessment") --------------------------------------------------
ASSESSMENT_ROWS: dict[str, Row] = {
    "evaluation:assessments": Row(
        path=lambda world, code: reverse(
            "evaluation:assessments", args=[world.units[code].pk, 2022]
        ),
        allowed=READ,
    ),
    "evaluation:assessment_start": Row(
        path=lambda world, code: reverse(
            "evaluation:assessment_start", args=[world.units[code].pk, 2022]
        ),
        allowed=START,
        method="post",
        data=lambda world, code: {"framework": _framework(world).pk},
    ),
    "evaluation:assessment": Row(path=_assessment_url("evaluation:assessment"), allowed=READ),
    "evaluation:assessment_area": Row(
        path=_assessment_url("evaluation:assessment_area", "A.1"), allowed=READ
    ),
    "evaluation:assessment_item": Row(
        path=lambda world, code: reverse(
            "evaluation:assessment_item", args=[assessment_of(world, code).pk, _item(world).pk]
        ),
        allowed=READ,
    ),
    "evaluation:assessment_answer": Row(
        path=lambda world, code: reverse(
            "evaluation:assessment_answer", args=[assessment_of(world, code).pk, _item(world).pk]
        ),
        allowed=FILL,
        method="post",
        data=answer_data,
    ),
    "evaluation:assessment_links": Row(
        path=_assessment_url("evaluation:assessment_links"), allowed=READ
    ),
    "evaluation:assessment_link_delete": Row(
        path=lambda world, code: reverse(
            "evaluation:assessment_link_delete",
            args=[assessment_of(world, code).pk, link_of(world, code).pk],
        ),
        allowed=MANAGE,
        method="post",
    ),
    "evaluation:assessment_feed": Row(
        path=_assessment_url("evaluation:assessment_feed"), allowed=FILL, method="post"
    ),
    "evaluation:assessment_file": Row(
        path=lambda world, code: reverse(
            "evaluation:assessment_file", args=[file_of(world, code).pk]
        ),
        allowed=READ,
    ),
}

ROWS: dict[str, Row] = ASSESSMENT_ROWS
