"""Plans that do not come from an import (renaksi/plans/creation.py): by hand, from a template,
and as next year's copy. Each service: what it writes, what it never copies, its permission,
its audit entry and its query budget."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.importer.services import import_decree
from renaksi.plans.creation import (
    DECREE_FIELDS_TO_FILL,
    CreationError,
    copy_plan,
    create_from_template,
    create_plan,
    next_free_year,
    update_plan_year,
)
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.plans.plan_templates import load_template
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .decree_samples import bengkayang_bytes
from .import_support import make_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()


def make_user(name, unit=None, role=UnitRole.Role.ADMIN) -> User:
    user = User.objects.create_user(name, f"{name}@example.test", "x")
    if unit is not None:
        UnitRole.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def admin(unit):
    return make_user("admin", unit)


@pytest.fixture
def bengkayang(unit, media):
    """The Bengkayang 2022 plan as imported, approved, with PICs, targets and a finding."""
    plan = import_decree(bengkayang_bytes(), unit=unit, filename="keputusan.txt").plan
    plan.refresh_from_db()
    approver = make_user("ketua")
    ActionPlan.objects.filter(pk=plan.pk).update(
        status=ActionPlan.Status.DITETAPKAN,
        approved_by=approver,
        approved_at=datetime.datetime(2022, 4, 12, tzinfo=datetime.UTC),
        submitted_by=approver,
        submitted_at=datetime.datetime(2022, 4, 11, tzinfo=datetime.UTC),
        return_note="catatan lama",
        signer_title="KETUA KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG",
        certifier_title="Kepala Sub Bagian Hukum dan SDM",
        version=7,
    )
    plan.refresh_from_db()
    return plan


def add_pics(plan, unit):
    """PICs on the first sub-activities: one still in the unit (role), one in its team, one
    who left (no role, no team place)."""
    staying = make_user("tetap", unit, UnitRole.Role.VIEWER)
    member = make_user("anggota")
    team = ReformTeam.objects.create(unit=unit, year=plan.year)
    TeamMember.objects.create(
        team=team, user=member, name="Anggota", position=Position.AGEN_PERUBAHAN
    )
    gone = make_user("pindah")
    subs = list(SubActivity.objects.filter(activity__area__plan=plan).order_by("pk")[:4])
    SubActivity.objects.filter(pk=subs[0].pk).update(pic=staying)
    SubActivity.objects.filter(pk=subs[1].pk).update(pic=member)
    SubActivity.objects.filter(pk__in=[subs[2].pk, subs[3].pk]).update(pic=gone)
    first_activity = subs[0].activity_id
    Activity.objects.filter(pk=first_activity).update(pic=gone)
    return staying, member, gone, subs


def tree_of(plan) -> list[tuple]:
    """Everything a copy must keep, in order, without keys."""
    rows = []
    for area in PlanArea.objects.filter(plan=plan).order_by("number"):
        rows.append(("area", area.change_area_id, area.number, area.name))
        for activity in area.activities.order_by("position"):
            rows.append(("activity", activity.number, activity.position, activity.name))
            for sub in activity.sub_activities.order_by("position"):
                rows.append(
                    (
                        "sub",
                        sub.number,
                        sub.position,
                        sub.name,
                        sub.schedule,
                        sub.pic_text,
                        sub.target_text,
                        sub.output_text,
                        sub.budget_text,
                        sub.note,
                    )
                )
                for indicator in sub.indicators.order_by("position"):
                    rows.append(
                        (
                            "indicator",
                            indicator.position,
                            indicator.label,
                            indicator.text,
                            indicator.kind,
                            indicator.target_value,
                            indicator.unit_of_measure,
                        )
                    )
    return rows


# -- create_plan ---------------------------------------------------------------------------


def test_create_plan_makes_an_empty_draft_with_the_eight_areas(unit, admin):
    result = create_plan(admin, unit, 2025)
    plan = ActionPlan.objects.get(pk=result.plan.pk)
    assert (plan.unit, plan.year, plan.status) == (unit, 2025, ActionPlan.Status.DRAFT)
    assert plan.schedule_kind == ActionPlan.Schedule.MONTH
    areas = list(plan.areas.order_by("number").values_list("number", "name", "change_area"))
    standard = list(ChangeArea.objects.order_by("number").values_list("number", "name", "pk"))
    assert areas == standard and len(areas) == 8
    assert not Activity.objects.filter(area__plan=plan).exists()
    assert result.counts == {"areas": 8, "activities": 0, "sub_activities": 0, "indicators": 0}
    entry = LogEntry.objects.get(plan=plan)
    assert (entry.action, entry.actor, entry.unit) == ("plan.created", admin, unit)
    assert entry.data["after"]["counts"]["areas"] == 8


def test_create_plan_quarterly(unit, admin):
    plan = create_plan(admin, unit, 2025, schedule_kind="quarter").plan
    assert ActionPlan.objects.get(pk=plan.pk).schedule_kind == "quarter"
    with pytest.raises(CreationError) as error:
        create_plan(admin, unit, 2026, schedule_kind="weekly")
    assert error.value.field == "schedule_kind"


def test_create_plan_refuses_a_taken_year_with_a_clear_message(unit, admin):
    create_plan(admin, unit, 2025)
    with pytest.raises(CreationError) as error:
        create_plan(admin, unit, 2025)
    assert error.value.field == "year"
    assert "sudah memiliki rencana aksi tahun 2025" in error.value.message
    assert ActionPlan.objects.filter(unit=unit).count() == 1


@pytest.mark.parametrize("year", [2009, 2101, "dua ribu", None])
def test_create_plan_refuses_years_out_of_range(unit, admin, year):
    with pytest.raises(CreationError) as error:
        create_plan(admin, unit, year)
    assert error.value.field == "year"
    assert not ActionPlan.objects.exists()


def test_the_unique_constraint_gives_the_same_message_when_a_plan_appears_meanwhile(
    unit, admin, monkeypatch
):
    """A plan created between the check and the insert (another request): the database's
    constraint refuses, and the user reads the same message, with nothing half-written."""
    from renaksi.plans import creation

    ActionPlan.objects.create(unit=unit, year=2025)
    monkeypatch.setattr(creation, "_check_free", lambda unit, year: None)
    with pytest.raises(CreationError) as error:
        create_plan(admin, unit, 2025)
    assert "sudah memiliki rencana aksi tahun 2025" in error.value.message
    assert PlanArea.objects.filter(plan__unit=unit).count() == 0
    assert not LogEntry.objects.exists()


def test_create_plan_permission_per_role(unit):
    other = make_units_sibling(unit)
    allowed = [make_user("admin", unit), User.objects.create_superuser("root", "r@x.test", "x")]
    refused = [
        make_user("viewer", unit, UnitRole.Role.VIEWER),
        make_user("reviewer", unit.parent, UnitRole.Role.REVIEWER),
        make_user("other_admin", other),
        make_user("province_admin", unit.parent),  # admin of the parent only
        AnonymousUser(),
    ]
    inactive = make_user("inactive", unit)
    inactive.is_active = False
    inactive.save()
    refused.append(inactive)
    for year, user in enumerate(allowed, start=2030):
        assert create_plan(user, unit, year).plan.pk
    for user in refused:
        with pytest.raises(PermissionDenied):
            create_plan(user, unit, 2040)
    assert not ActionPlan.objects.filter(year=2040).exists()


def test_none_is_the_system_only_when_the_caller_says_so(unit):
    with pytest.raises(PermissionDenied):
        create_plan(None, unit, 2025)
    result = create_plan(None, unit, 2025, system=True)
    assert LogEntry.objects.get(plan=result.plan).actor is None
    admin = make_user("admin", unit)
    with pytest.raises(ValueError):
        create_plan(admin, unit, 2026, system=True)


def make_units_sibling(unit):
    from renaksi.units.models import Unit

    return Unit.objects.create(
        code="6101", name="KPU Kabupaten Sambas", level="kabupaten_kota", parent=unit.parent
    )


# -- create_from_template --------------------------------------------------------------------


def test_create_from_the_road_map_template(unit, admin):
    template = load_template()
    result = create_from_template(admin, unit, 2025, template)
    plan = result.plan
    assert result.counts == template.counts()
    assert result.counts["areas"] == 8 and result.counts["sub_activities"] > 60
    assert plan.status == ActionPlan.Status.DRAFT and not plan.decree_number
    first = SubActivity.objects.filter(activity__area__plan=plan).order_by(
        "activity__area__number", "activity__position", "position"
    )[0]
    assert first.name.startswith("Menetapkan Tim Reformasi Birokrasi")
    assert first.months == [1]
    # The template names no unit and no year.
    texts = " ".join(
        SubActivity.objects.filter(activity__area__plan=plan).values_list("name", flat=True)
    ) + " ".join(
        Indicator.objects.filter(sub_activity__activity__area__plan=plan).values_list(
            "text", flat=True
        )
    )
    assert "Bengkayang" not in texts and "2021" not in texts
    # Indicators are numbered only where a sub-activity has several; the LHKPN target is 100%.
    lhkpn = Indicator.objects.get(
        sub_activity__activity__area__plan=plan, text__startswith="100% seluruh wajib lapor LHKPN"
    )
    assert (lhkpn.kind, lhkpn.target_value, lhkpn.unit_of_measure, lhkpn.label) == (
        "persentase",
        Decimal("100.00"),
        "%",
        "",
    )
    labels = list(
        Indicator.objects.filter(
            sub_activity=lhkpn.sub_activity.activity.sub_activities.first()
        ).values_list("label", flat=True)
    )
    assert labels == [""]
    several = (
        SubActivity.objects.filter(activity__area__plan=plan, indicators__position=2)
        .distinct()
        .first()
    )
    assert list(several.indicators.values_list("label", flat=True))[:2] == ["1", "2"]
    entry = LogEntry.objects.get(plan=plan)
    assert entry.action == "plan.created_from_template"
    assert entry.data["template"] == "kpu-road-map"
    assert entry.data["after"]["counts"] == result.counts


def test_create_from_an_earlier_plan_takes_its_tree_not_its_decree(unit, admin, bengkayang):
    add_pics(bengkayang, unit)
    other = make_units_sibling(unit)
    other_admin = make_user("sambas_admin", other)
    UnitRole.objects.create(user=other_admin, unit=unit, role=UnitRole.Role.VIEWER)
    result = create_from_template(other_admin, other, 2023, bengkayang)
    plan = ActionPlan.objects.get(pk=result.plan.pk)
    assert tree_of(plan) == tree_of(bengkayang)
    assert (plan.unit, plan.year) == (other, 2023)
    assert not plan.decree_subject and not plan.considerations and not plan.decree_place
    # Nobody of Bengkayang belongs to Sambas: every PIC is dropped and reported.
    assert not SubActivity.objects.filter(activity__area__plan=plan, pic__isnull=False).exists()
    assert {name for name, _rows in result.dropped_pics} == {"tetap", "anggota", "pindah"}
    entry = LogEntry.objects.get(plan=plan)
    assert entry.data["source_plan"] == bengkayang.pk and entry.data["source_year"] == 2022


def test_a_template_plan_must_be_readable(unit, bengkayang):
    other = make_units_sibling(unit)
    other_admin = make_user("sambas_admin", other)  # reads Sambas only
    with pytest.raises(PermissionDenied):
        create_from_template(other_admin, other, 2023, bengkayang)
    assert not ActionPlan.objects.filter(unit=other).exists()


def test_a_template_with_fewer_areas_still_gives_eight(unit, admin):
    plan = ActionPlan.objects.create(unit=unit, year=2020)
    PlanArea.objects.create(
        plan=plan, change_area=ChangeArea.objects.get(number=5), number=5, name="SDM"
    )
    result = create_from_template(admin, unit, 2025, plan)
    numbers = list(result.plan.areas.order_by("number").values_list("number", "name"))
    assert [n for n, _ in numbers] == list(range(1, 9))
    assert dict(numbers)[5] == "SDM"


# -- copy_plan ------------------------------------------------------------------------------


def test_copy_keeps_the_tree_with_targets_units_extra_columns_and_schedule(unit, admin, bengkayang):
    sub = SubActivity.objects.filter(activity__area__plan=bengkayang).order_by("pk").first()
    SubActivity.objects.filter(pk=sub.pk).update(
        pic_text="Kasubbag",
        target_text="1 dokumen",
        output_text="SK",
        budget_text="Rp 5 juta",
        note="catatan",
    )
    Indicator.objects.filter(sub_activity=sub).update(
        kind="jumlah", target_value=Decimal("3.50"), unit_of_measure="dokumen"
    )
    result = copy_plan(admin, bengkayang, 2023)
    plan = ActionPlan.objects.get(pk=result.plan.pk)
    assert tree_of(plan) == tree_of(bengkayang)
    assert len(tree_of(plan)) > 200
    assert result.counts == {
        "areas": 8,
        "activities": Activity.objects.filter(area__plan=bengkayang).count(),
        "sub_activities": SubActivity.objects.filter(activity__area__plan=bengkayang).count(),
        "indicators": Indicator.objects.filter(
            sub_activity__activity__area__plan=bengkayang
        ).count(),
    }
    assert plan.schedule_kind == bengkayang.schedule_kind
    # New rows, not moved ones: the source keeps its tree.
    assert not set(PlanArea.objects.filter(plan=plan).values_list("pk", flat=True)) & set(
        PlanArea.objects.filter(plan=bengkayang).values_list("pk", flat=True)
    )


def test_copy_never_takes_findings_approval_source_file_or_the_decree_number(
    unit, admin, bengkayang
):
    assert bengkayang.findings.exists() and bengkayang.source_file and bengkayang.decree_date
    ImportFinding.objects.filter(plan=bengkayang).update(confirmed_by=admin)
    plan = ActionPlan.objects.get(pk=copy_plan(admin, bengkayang, 2023).plan.pk)
    assert not plan.findings.exists()
    assert plan.status == ActionPlan.Status.DRAFT and plan.version == 1
    assert plan.approved_by is None and plan.approved_at is None
    assert plan.submitted_by is None and plan.submitted_at is None and not plan.return_note
    assert not plan.source_file and not plan.source_name and not plan.source_sha256
    assert plan.imported_at is None
    for name in DECREE_FIELDS_TO_FILL:
        assert getattr(plan, name) in ("", None), name
    assert not PlanArea.objects.filter(plan=plan, inferred=True).exists()
    assert not PlanArea.objects.filter(plan=plan, source_line__isnull=False).exists()
    assert not SubActivity.objects.filter(
        activity__area__plan=plan, source_line__isnull=False
    ).exists()
    assert not Indicator.objects.filter(
        sub_activity__activity__area__plan=plan, source_line__isnull=False
    ).exists()
    # The source plan is untouched.
    bengkayang.refresh_from_db()
    assert bengkayang.status == ActionPlan.Status.DITETAPKAN and bengkayang.version == 7


def test_copy_keeps_the_decree_texts_with_the_plan_year_updated(unit, admin, bengkayang):
    result = copy_plan(admin, bengkayang, 2023)
    plan = ActionPlan.objects.get(pk=result.plan.pk)
    assert plan.decree_subject == bengkayang.decree_subject.replace("TAHUN 2022", "TAHUN 2023")
    assert plan.decree_place == bengkayang.decree_place == "Bengkayang"
    assert plan.legal_bases == bengkayang.legal_bases
    assert len(plan.considerations) == len(bengkayang.considerations) == 3
    # Item c names this plan: its year follows; items a and b cite other decrees: untouched.
    assert plan.considerations[:2] == bengkayang.considerations[:2]
    assert "Tahun 2023" in plan.considerations[2]["text"]
    assert "Tahun 2022" not in plan.considerations[2]["text"]
    first, second, third = (d["text"] for d in plan.dictums[:3])
    assert "Bengkayang Tahun 2023, sebagaimana" in first
    assert "Bengkayang Tahun 2023, bertujuan" in second
    # The budget dictum cites the old DIPA: kept as it was, to be reviewed.
    assert third == bengkayang.dictums[2]["text"]
    assert "dictums" in result.to_review and "notes_considered" in result.to_review
    assert result.to_fill == list(DECREE_FIELDS_TO_FILL)
    entry = LogEntry.objects.get(plan=plan)
    assert entry.data["to_fill"] == list(DECREE_FIELDS_TO_FILL)


def test_the_plan_year_is_changed_only_where_the_text_names_the_plan():
    assert (
        update_plan_year(
            "Rencana Aksi Reformasi Birokrasi di Lingkungan KPU Tahun 2022", 2022, 2023
        )
        == "Rencana Aksi Reformasi Birokrasi di Lingkungan KPU Tahun 2023"
    )
    # A cited regulation of the same year, a budget year, another year: unchanged.
    for text in (
        "Peraturan KPU Nomor 4 Tahun 2022 tentang Tata Kerja",
        "Rencana Aksi Reformasi Birokrasi berdasarkan Keputusan Nomor 5 Tahun 2022",
        "DIPA Tahun Anggaran 2022",
        "Rencana Aksi Reformasi Birokrasi Tahun 2021",
    ):
        assert update_plan_year(text, 2022, 2023) == text


def test_copy_keeps_only_pics_who_still_belong_to_the_unit(unit, admin, bengkayang):
    staying, _member, _gone, subs = add_pics(bengkayang, unit)
    result = copy_plan(admin, bengkayang, 2023)
    plan = result.plan
    pics = dict(
        SubActivity.objects.filter(activity__area__plan=plan)
        .exclude(pic=None)
        .values_list("pic__username", "activity__area__plan")
    )
    assert set(pics) == {"tetap", "anggota"}
    assert not Activity.objects.filter(area__plan=plan).exclude(pic=None).exists()
    assert result.dropped_pics == [("pindah", 3)]
    entry = LogEntry.objects.get(plan=plan, action="plan.copied")
    assert entry.data["pics_dropped"] == ["pindah"]
    # The PIC who stayed is on the same row as before.
    copied = SubActivity.objects.get(activity__area__plan=plan, pic=staying)
    assert copied.name == subs[0].name


def test_copy_audit_entry(unit, admin, bengkayang):
    result = copy_plan(admin, bengkayang, 2024)
    entry = LogEntry.objects.get(plan=result.plan)
    assert (entry.action, entry.actor, entry.unit) == ("plan.copied", admin, unit)
    assert entry.data["source_plan"] == bengkayang.pk
    assert entry.data["source_year"] == 2022
    assert entry.data["after"] == {"year": 2024, "counts": result.counts}


def test_copy_goes_forward_into_a_free_year_only(unit, admin, bengkayang):
    for year in (2022, 2021):
        with pytest.raises(CreationError) as error:
            copy_plan(admin, bengkayang, year)
        assert "sesudah 2022" in error.value.message
    copy_plan(admin, bengkayang, 2023)
    with pytest.raises(CreationError) as error:
        copy_plan(admin, bengkayang, 2023)
    assert "sudah memiliki rencana aksi tahun 2023" in error.value.message
    assert next_free_year(unit, 2022) == 2024
    assert ActionPlan.objects.filter(unit=unit).count() == 2


def test_copy_permission_per_role(unit, bengkayang):
    other = make_units_sibling(unit)
    refused = [
        make_user("viewer", unit, UnitRole.Role.VIEWER),
        make_user("reviewer", unit.parent, UnitRole.Role.REVIEWER),
        make_user("other_admin", other),
        AnonymousUser(),
    ]
    steering = make_user("steering")
    team = ReformTeam.objects.create(unit=unit, year=2022)
    TeamMember.objects.create(
        team=team, user=steering, name="Ketua", position=Position.PENGARAH_KETUA
    )
    refused.append(steering)
    for user in refused:
        with pytest.raises(PermissionDenied):
            copy_plan(user, bengkayang, 2023)
    with pytest.raises(PermissionDenied):
        copy_plan(None, bengkayang, 2023)
    assert ActionPlan.objects.filter(unit=unit).count() == 1
    assert copy_plan(make_user("admin", unit), bengkayang, 2023).plan.pk
    root = User.objects.create_superuser("root", "r@x.test", "x")
    assert copy_plan(root, bengkayang, 2024).plan.pk


# -- query budgets ----------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_copy_costs_the_same_queries_for_a_small_and_the_bengkayang_plan(unit, admin, bengkayang):
    add_pics(bengkayang, unit)
    small = ActionPlan.objects.create(unit=unit, year=2010)
    area = PlanArea.objects.create(
        plan=small, change_area=ChangeArea.objects.get(number=1), number=1, name="MP"
    )
    activity = Activity.objects.create(area=area, number=1, position=1, name="K", pic=admin)
    # Scheduled in one month, as the big plan's are: its periods are one bulk insert too.
    sub = SubActivity.objects.create(
        activity=activity, number=1, position=1, name="S", pic=make_user("gone2"), schedule=1
    )
    Indicator.objects.create(sub_activity=sub, position=1, text="I")
    plans = ActionPlan.objects.select_related("unit")
    small, big = plans.get(pk=small.pk), plans.get(pk=bengkayang.pk)
    admin = User.objects.get(pk=admin.pk)
    small_count = _queries(lambda: copy_plan(admin, small, 2011))
    admin = User.objects.get(pk=admin.pk)
    big_count = _queries(lambda: copy_plan(admin, big, 2023))
    assert big_count == small_count
    assert big_count <= 20


def test_create_and_template_query_budgets(unit, admin):
    assert _queries(lambda: create_plan(admin, unit, 2025)) <= 10
    admin = User.objects.get(pk=admin.pk)
    load_template()
    assert _queries(lambda: create_from_template(admin, unit, 2026, load_template())) <= 14
