"""Round trip for plans of any shape: export, read the export back, and the plan is the same.

Generated plans (``decree_variations.plans``: 1–3 areas of any number, activities,
sub-activities, 0–4 indicators with their labels or none, months or quarters, the extra columns
PIC/target/output/budget/note, a full header) go through every format with the exporter that
serves saved plans (``PlanExporter`` from the ``Document`` on); the reading must give back the
tree with every label and the decree's fields. A saved quarterly plan with extra columns goes
through the database path (``plan_decree``) and the importer.

Examples: 30 text, 20 XLSX, 20 DOCX, 6 PDF (a PDF takes about a second to print and to read).
"""

import datetime
import random

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from renaksi.exports.exporters import PlanExporter
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.text import guess_target
from renaksi.plans.models import ActionPlan, Activity, ChangeArea, Indicator, PlanArea, SubActivity

from .decree_variations import plans
from .export_support import (
    decree_header,
    decree_tree,
    differences,
    plan_fields,
    plan_tree,
    reimport,
)
from .import_support import make_units

SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": True,
}
EXAMPLES = {"txt": 30, "xlsx": 20, "docx": 20, "pdf": 6}


@st.composite
def labelled_plans(draw):
    """A generated plan whose indicators carry labels as saved plans do: numbered 1, 2, …
    (or a, b, …), a single one numbered or not, or none labelled at all."""
    plan = draw(plans(max_areas=3))
    rng = random.Random(draw(st.integers(0, 2**16)))
    for area in plan.areas:
        for activity in area.activities:
            for sub in activity.sub_activities:
                style = rng.choice(["numbers", "numbers", "letters", "none"])
                for n, indicator in enumerate(sub.indicators, start=1):
                    if style == "numbers":
                        indicator.label = str(n)
                    elif style == "letters":
                        indicator.label = "abcdefghij"[n - 1]
    whole = draw(st.booleans())
    return plan, whole


def check_round_trip(plan, whole: bool, fmt: str) -> None:
    exporter = PlanExporter(plan, whole=whole, paper=random.Random(1).choice(["a4", "f4"]))
    data = exporter.render(fmt)
    if fmt == "txt":
        note(data.decode())
    back = parse_decree(data)
    problems = differences(decree_tree(plan), decree_tree(back))
    problems += differences(decree_header(plan, whole), decree_header(back, whole))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("fmt", list(EXAMPLES))
def test_a_generated_plan_reads_back_from_every_format(fmt):
    @settings(max_examples=EXAMPLES[fmt], **SETTINGS)
    @given(labelled_plans())
    def check(case):
        plan, whole = case
        check_round_trip(plan, whole, fmt)

    check()


# ---------------------------------------------------------------- a saved quarterly plan


def quarterly_plan() -> ActionPlan:
    unit = make_units()
    plan = ActionPlan.objects.create(
        unit=unit,
        year=2024,
        schedule_kind=ActionPlan.Schedule.QUARTER,
        decree_number="5/PL.01-Kpt/6107/2024",
        decree_subject="RENCANA AKSI REFORMASI BIROKRASI TAHUN 2024",
        decree_place="Bengkayang",
        decree_date=datetime.date(2024, 1, 13),
        signer_name="Dr. H. MUSA JAIRANI, S.H., M.Si.",
        signer_title="KETUA KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG",
        certifier_name="Eka Budiawan",
        certifier_title="SEKRETARIAT KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG Kepala Sub "
        "Bagian Hukum dan SDM",
        considerations=[{"label": "a", "text": "bahwa perlu menetapkan rencana aksi;", "line": 0}],
        legal_bases=[
            {"label": "1", "text": "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum;"}
        ],
        dictums=[
            {"label": "KESATU", "text": "Menetapkan rencana aksi sebagaimana tercantum dalam "
             "Lampiran."},
            {"label": "KEDUA", "text": "Keputusan ini mulai berlaku pada tanggal ditetapkan."},
        ],
    )  # fmt: skip
    plan.decree_title = (
        f"KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG NOMOR {plan.decree_number} "
        f"TENTANG {plan.decree_subject}"
    )
    plan.save()
    for number in (1, 5):
        area = PlanArea.objects.create(
            plan=plan,
            change_area=ChangeArea.objects.get(number=number),
            number=number,
            name=ChangeArea.objects.get(number=number).name,
        )
        activity = Activity.objects.create(
            area=area, number=1, position=1, name=f"Penguatan kegiatan area {number}"
        )
        for position, (quarters, indicators, extras) in enumerate(
            [
                ([1, 2], ["Dokumen rencana aksi", "Laporan triwulan"], {"pic_text": "Sekretaris"}),
                ([4], ["Tersedianya SK Tim RB"], {"target_text": "1 SK", "note": "Rutin"}),
                ([], [], {"budget_text": "Rp 5.000.000", "output_text": "Notulen Rapat"}),
            ],
            start=1,
        ):
            sub = SubActivity.objects.create(
                activity=activity,
                number=position,
                position=position,
                name=f"Sub kegiatan {position} area {number}",
                schedule=sum(1 << (q - 1) for q in quarters),
                **extras,
            )
            for n, text in enumerate(indicators, start=1):
                text = f"{text} area {number}"
                kind, value, measure = guess_target(text)  # as an import would have it
                Indicator.objects.create(
                    sub_activity=sub,
                    position=n,
                    label=str(n) if len(indicators) > 1 else "",
                    text=text,
                    kind=kind,
                    target_value=value,
                    unit_of_measure=measure,
                )
    return ActionPlan.objects.select_related("unit").get(pk=plan.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["txt", "xlsx", "docx", "pdf"])
def test_a_saved_quarterly_plan_with_extra_columns_imports_back(fmt):
    plan = quarterly_plan()
    tree, fields = plan_tree(plan), plan_fields(plan)
    exporter = PlanExporter.for_plan(plan, whole=True)
    if fmt == "txt":
        text = exporter.render(fmt).decode()
        assert "TW I\tTW II\tTW III\tTW IV" in text
        assert "PENANGGUNG JAWAB\tTARGET\tOUTPUT\tANGGARAN\tKETERANGAN" in text
        assert "pada tanggal 13 Januari 2024" in text
    again = reimport(plan, exporter.render(fmt), exporter.filename(fmt))
    assert again.schedule_kind == ActionPlan.Schedule.QUARTER
    assert differences(tree, plan_tree(again)) == []
    assert differences(fields, plan_fields(again)) == []
