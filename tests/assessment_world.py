"""A small LKE framework built with the models, and verified evidence, for the self-assessment
tests (tests/test_assessment*.py) and the permission matrix (tests/matrix_evaluation.py).

The framework "uji-2022" (family "uji"), rounded to two decimals like published ZI sheets:

    A  Pengungkit (component)
      A.1  Manajemen Perubahan (area)
        A.1.i   Penyusunan Tim [1]: a Ya/Tidak, b A/B/C, c A/B/C
        A.1.ii  Pemantauan [2]: a A/B/C/D, b % (jumlah melapor ÷ wajib lapor)
      A.2  Pengawasan (area)
        A.2.i   Survei [1.5]: a nilai 0–4
    B  Hasil (component)
      B.1  Kinerja (area)
        B.1.i   Capaian [5]: a A/B/C/D/E, then ``extra`` more Ya/Tidak items

Categories: the RB table (AA >90, A >80, BB >70, B >60, CC >50, C >30, D >0).
"""

from __future__ import annotations

from decimal import Decimal

from renaksi.evaluation.models import Framework, Node
from renaksi.plans.models import ActionPlan, Indicator
from renaksi.work.models import Evidence, IndicatorValue, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

RB_CATEGORIES = [
    {"code": "AA", "label": "Sangat memuaskan", "above": "90", "up_to": "100"},
    {"code": "A", "label": "Memuaskan", "above": "80", "up_to": "90"},
    {"code": "BB", "label": "Sangat baik", "above": "70", "up_to": "80"},
    {"code": "B", "label": "Baik", "above": "60", "up_to": "70"},
    {"code": "CC", "label": "Cukup", "above": "50", "up_to": "60"},
    {"code": "C", "label": "Kurang", "above": "30", "up_to": "50"},
    {"code": "D", "label": "Sangat kurang", "above": "0", "up_to": "30"},
]

PERCENT_INPUTS = [
    {"name": "numerator", "label": "Jumlah yang sudah melapor LHKPN"},
    {"name": "denominator", "label": "Jumlah wajib lapor LHKPN"},
]


def build_framework(
    code: str = "uji-2022",
    year: int = 2022,
    *,
    family: str = "uji",
    extra: int = 0,
    version: int = 1,
    state: str = Framework.State.PUBLISHED,
) -> Framework:
    framework = Framework.objects.create(
        code=code,
        family=family,
        year=year,
        version=version,
        title=f"LKE uji {year}",
        value_decimals=2,
        categories=RB_CATEGORIES,
        state=state,
    )
    sequence = 0
    nodes: dict[str, Node] = {}

    def node(code, kind, title, parent=None, weight="", **fields):
        nonlocal sequence
        sequence += 1
        created = Node.objects.create(
            framework=framework,
            parent=nodes.get(parent),
            kind=kind,
            code=code,
            label=code.rsplit(".", 1)[-1],
            title=title,
            sequence=sequence,
            depth=code.count("."),
            weight=weight,
            **fields,
        )
        nodes[code] = created
        return created

    item = Node.Kind.ITEM
    node("A", Node.Kind.COMPONENT, "Pengungkit")
    node("A.1", Node.Kind.AREA, "Manajemen Perubahan", "A")
    node("A.1.i", Node.Kind.SUB_COMPONENT, "Penyusunan Tim", "A.1", "1")
    node("A.1.i.a", item, "Tim telah dibentuk", "A.1.i", answer_type="yes_no")
    node("A.1.i.b", item, "Anggota dipilih dengan prosedur", "A.1.i", answer_type="abc")
    node("A.1.i.c", item, "Rencana kerja disosialisasikan", "A.1.i", answer_type="abc")
    node("A.1.ii", Node.Kind.SUB_COMPONENT, "Pemantauan", "A.1", "2")
    node("A.1.ii.a", item, "Monitoring berkala", "A.1.ii", answer_type="abcd")
    node(
        "A.1.ii.b",
        item,
        "Persentase pegawai yang melaporkan LHKPN",
        "A.1.ii",
        answer_type="percent",
        formula="ratio",
        count_inputs=PERCENT_INPUTS,
    )
    node("A.2", Node.Kind.AREA, "Pengawasan", "A")
    node("A.2.i", Node.Kind.SUB_COMPONENT, "Survei", "A.2", "3/2")
    node("A.2.i.a", item, "Nilai survei persepsi korupsi", "A.2.i", answer_type="survey_0_4")
    node("B", Node.Kind.COMPONENT, "Hasil")
    node("B.1", Node.Kind.AREA, "Kinerja", "B")
    node("B.1.i", Node.Kind.SUB_COMPONENT, "Capaian", "B.1", "5")
    node("B.1.i.a", item, "Capaian kinerja", "B.1.i", answer_type="abcde")
    for number in range(extra):
        node(f"B.1.i.x{number}", item, f"Butir tambahan {number}", "B.1.i", answer_type="yes_no")
    return framework


def items(framework: Framework) -> dict[str, Node]:
    return {node.code: node for node in framework.nodes.filter(kind=Node.Kind.ITEM)}


def verified_evidence(
    plan: ActionPlan, user, *, month: int = 3, area: int = 5, title: str = "SK Tim RB"
) -> Evidence:
    """A link evidence item of a verified realisation of the plan (area's first sub)."""
    realisation = realisation_of(plan, month=month, area=area, state=Realisation.State.VERIFIED)
    return Evidence.objects.create(
        realisation=realisation,
        plan=plan,
        unit_id=plan.unit_id,
        title=title,
        url=f"https://example.test/{plan.unit_id}/{month}/{title.replace(' ', '-')}",
        uploaded_by=user,
    )


def realisation_of(
    plan: ActionPlan, *, month: int, area: int = 5, state: str = Realisation.State.VERIFIED
) -> Realisation:
    if not SchedulePeriod.objects.filter(plan=plan).exists():
        sync_plan_periods(plan)
    period = SchedulePeriod.objects.get(
        plan=plan, sub_activity__activity__area__number=area, period=month
    )
    realisation, _ = Realisation.objects.get_or_create(
        period=period,
        defaults={
            "plan": plan,
            "unit_id": plan.unit_id,
            "year": plan.year,
            "sub_activity": period.sub_activity,
            "state": state,
        },
    )
    if realisation.state != state:
        Realisation.objects.filter(pk=realisation.pk).update(state=state)
        realisation.state = state
    return realisation


def indicator_value(
    plan: ActionPlan,
    indicator: Indicator,
    value: str,
    *,
    month: int,
    state: str = Realisation.State.VERIFIED,
) -> IndicatorValue:
    area = indicator.sub_activity.activity.area.number
    realisation = realisation_of(plan, month=month, area=area, state=state)
    row, _ = IndicatorValue.objects.update_or_create(
        realisation=realisation, indicator=indicator, defaults={"value": Decimal(value)}
    )
    return row
