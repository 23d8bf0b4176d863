"""generate_national: counts, shape, people, determinism, refusal, all or nothing."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from renaksi.access.models import UnitRole
from renaksi.access.policy import sub_activities_assigned_to
from renaksi.core import national
from renaksi.core.national import NationalRefused, generate_national
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything generated, as plain values keyed by unit code and year (not by id)."""
    return {
        "plans": sorted(
            ActionPlan.objects.values_list(
                "unit__code", "year", "status", "schedule_kind", "decree_number", "decree_title"
            )
        ),
        "activities": sorted(
            Activity.objects.values_list(
                "area__plan__unit__code",
                "area__plan__year",
                "area__number",
                "position",
                "name",
                "pic__username",
            )
        ),
        "subs": sorted(
            SubActivity.objects.values_list(
                "activity__area__plan__unit__code",
                "activity__area__plan__year",
                "activity__area__number",
                "activity__position",
                "position",
                "name",
                "schedule",
                "pic__username",
            )
        ),
        "indicators": sorted(
            Indicator.objects.values_list(
                "sub_activity__activity__area__plan__unit__code",
                "sub_activity__activity__area__plan__year",
                "sub_activity__name",
                "position",
                "text",
                "kind",
                "target_value",
            )
        ),
        "findings": sorted(
            ImportFinding.objects.values_list("plan__unit__code", "plan__year", "line", "kind")
        ),
        "members": sorted(
            TeamMember.objects.values_list(
                "team__unit__code", "team__year", "user__username", "position"
            )
        ),
    }


def wipe_generated() -> None:
    ActionPlan.objects.all().delete()
    ReformTeam.objects.all().delete()


def test_small_run_creates_the_expected_counts_and_shape():
    out = StringIO()
    call_command("generate_national", "--years", "2", "--units", "6107,6108", stdout=out)

    assert Unit.objects.count() == 553  # load_units ran: every unit is there
    plans = ActionPlan.objects.select_related("unit").order_by("unit__code", "year")
    assert [(p.unit.code, p.year) for p in plans] == [
        ("6107", 2022),
        ("6107", 2023),
        ("6108", 2022),
        ("6108", 2023),
    ]
    template = national.template_decree().counts()
    for plan in plans:
        assert PlanArea.objects.filter(plan=plan).count() == 8
        assert Activity.objects.filter(area__plan=plan).count() == template["activities"]
        subs = SubActivity.objects.filter(activity__area__plan=plan).count()
        assert template["sub_activities"] - 6 <= subs <= template["sub_activities"]
        indicators = Indicator.objects.filter(sub_activity__activity__area__plan=plan).count()
        assert template["indicators"] * 0.85 <= indicators <= template["indicators"]
        # Every activity keeps at least one sub-activity; every schedule has a month.
        assert not Activity.objects.filter(area__plan=plan, sub_activities=None).exists()
        assert not SubActivity.objects.filter(activity__area__plan=plan, schedule=0).exists()
    assert "KOMISI PEMILIHAN UMUM KABUPATEN LANDAK NOMOR" in plans[2].decree_title  # 6108
    assert "BENGKAYANG" not in plans[2].decree_title
    assert ReformTeam.objects.count() == 4
    # The command adds the year's work and with it the Ketua Tim Asesor (renaksi/work/national).
    assert TeamMember.objects.count() == 4 * 11
    # 8 accounts per unit and the KPU RI viewer; an admin per unit, the viewer at KPU RI.
    assert User.objects.count() == 2 * 8 + 1
    assert set(UnitRole.objects.values_list("user__username", "unit__code", "role")) == {
        ("admin-6107", "6107", "admin"),
        ("admin-6108", "6108", "admin"),
        ("pembaca-kpuri", "00", "viewer"),
    }
    assert "4 rencana aksi" in out.getvalue()


def test_people_have_work_to_show():
    generate_national(years=1, seed=3, unit_codes=["6107"])
    plan = ActionPlan.objects.get()
    staff = User.objects.get(username="staf-6107")
    assert TeamMember.objects.filter(user=staff, position=Position.AGEN_PERUBAHAN).exists()
    # The staff member is PIC of some sub-activities and, belonging to the unit, reports on them.
    picked = SubActivity.objects.filter(pic=staff)
    assert picked.exists()
    assert set(sub_activities_assigned_to(staff)) >= set(picked)
    # A coordinator reports on their two areas: about a quarter of the plan.
    coordinator = User.objects.get(username="pelaksana1-6107")
    areas = set(
        sub_activities_assigned_to(coordinator).values_list("activity__area__number", flat=True)
    )
    assert {1, 2} <= areas
    # A set plan names its approver: the Ketua Tim Pengarah.
    if plan.status == ActionPlan.Status.DITETAPKAN:
        assert plan.approved_by.username == "pengarah-6107"


def test_same_seed_same_data_other_seed_other_data():
    generate_national(years=2, seed=7, unit_codes=["6107"])
    first = snapshot()
    wipe_generated()
    generate_national(years=2, seed=7, unit_codes=["6107"])
    assert snapshot() == first
    wipe_generated()
    generate_national(years=2, seed=8, unit_codes=["6107"])
    other = snapshot()
    assert other["subs"] != first["subs"]
    assert len(other["plans"]) == len(first["plans"])


def test_second_run_refuses_and_changes_nothing(capsys):
    call_command("generate_national", "--years", "1", "--units", "6107")
    before = snapshot()
    with pytest.raises(SystemExit) as exit_info:
        call_command("generate_national", "--years", "2", "--units", "6107")
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("Galat: Sudah ada 1 rencana aksi untuk tahun 2022–2023")
    assert error.count("\n") == 1
    assert snapshot() == before
    # Other years are free: the accounts are reused, not duplicated.
    users = User.objects.count()
    call_command("generate_national", "--years", "1", "--first-year", "2023", "--units", "6107")
    assert ActionPlan.objects.count() == 2
    assert User.objects.count() == users


def test_a_team_already_there_refuses_too():
    unit_codes = ["6107"]
    generate_national(years=1, unit_codes=unit_codes)
    ActionPlan.objects.all().delete()
    with pytest.raises(NationalRefused, match="Tim RB"):
        generate_national(years=1, unit_codes=unit_codes)
    assert not ActionPlan.objects.exists()


def test_unknown_unit_code_refuses():
    with pytest.raises(NationalRefused, match="Tidak ada satker dengan kode 9999"):
        generate_national(years=1, unit_codes=["9999"])


def test_a_failure_in_the_middle_leaves_nothing(monkeypatch):
    def broken(self, batch):
        raise RuntimeError("boom")

    monkeypatch.setattr(national, "PLANS_PER_BATCH", 2)
    monkeypatch.setattr(national.NationalGenerator, "_write_findings", broken)
    with pytest.raises(RuntimeError):
        generate_national(years=3, unit_codes=["6107"])
    assert not ActionPlan.objects.exists()
    assert not SubActivity.objects.exists()
    assert not ReformTeam.objects.exists()
    assert not User.objects.exists()
