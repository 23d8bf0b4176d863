"""The editor's services (renaksi/plans/editing.py): every operation, its validation at the
field, the optimistic lock, the plan's state, who may edit, and the audit trail."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renaksi.audit.models import LogEntry
from renaksi.plans import editing
from renaksi.plans.editing import EditConflict, NeedsConfirmation
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.plans.services import PlanError

from .editor_world import build_editor_world, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_editor_world()


@pytest.fixture
def admin(world):
    return world.users["admin"]


def positions(parent_level, parent):
    level = editing.CHILD_LEVEL[parent_level]
    rows = editing._siblings(level, parent).order_by("position")
    return [(row.position, row.number, row.name) for row in rows]


# -- changing a row -----------------------------------------------------------------------------


def test_changing_an_activity_records_only_what_changed(world, admin):
    activity = world.activities[0]
    plan_version = fresh(world.plan).version
    result = editing.update_row(
        admin,
        activity,
        {"number": 1, "name": "Kegiatan yang diperbaiki"},
        expected_version=activity.version,
    )
    assert result.obj.name == "Kegiatan yang diperbaiki"
    assert result.obj.version == activity.version + 1
    assert fresh(world.plan).version == plan_version + 1
    entry = LogEntry.objects.get(action="plan.activity_changed")
    assert entry.actor == admin
    assert entry.plan == world.plan
    assert entry.data["before"] == {"name": "Kegiatan 1.1"}
    assert entry.data["after"] == {"name": "Kegiatan yang diperbaiki"}


def test_an_unchanged_save_writes_nothing(world, admin):
    activity = world.activities[0]
    editing.update_row(admin, activity, {"name": activity.name}, expected_version=activity.version)
    assert fresh(activity).version == activity.version
    assert not LogEntry.objects.exists()


def test_sub_activity_extra_columns(world, admin):
    sub = world.subs[0]
    values = {
        "pic_text": "Sekretaris",
        "target_text": "4 laporan",
        "output_text": "Laporan",
        "budget_text": "Rp 5.000.000",
        "note": "Catatan\nbaris dua",
    }
    result = editing.update_row(admin, sub, values, expected_version=sub.version)
    for name, value in values.items():
        assert getattr(result.obj, name) == value


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"name": ""}, "name", "wajib"),
        ({"name": "Nama\x07lonceng"}, "name", "karakter kendali"),
        ({"number": 0}, "number", "antara 1 dan"),
        ({"number": 1000}, "number", "antara 1 dan"),
        ({"number": "satu"}, "number", ""),
        ({"number": 2}, "number", "sudah dipakai"),
        ({"pic_text": "x" * 301}, "pic_text", "300"),
        ({"pic_text": "dua\nbaris"}, "pic_text", "satu baris"),
    ],
)
def test_sub_activity_validation_at_the_field(world, admin, values, field, fragment):
    sub = world.subs[0]
    with pytest.raises(ValidationError) as caught:
        editing.update_row(admin, sub, values, expected_version=sub.version)
    assert field in caught.value.message_dict
    assert fragment in " ".join(caught.value.message_dict[field])
    assert fresh(sub).name == sub.name
    assert not LogEntry.objects.exists()


def test_an_unknown_field_is_refused(world, admin):
    sub = world.subs[0]
    with pytest.raises(ValidationError) as caught:
        editing.update_row(admin, sub, {"schedule": 5}, expected_version=sub.version)
    assert "schedule" in caught.value.message_dict


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"kind": "persentase", "target_value": "101"}, "target_value", "0 dan 100"),
        ({"kind": "persentase", "target_value": "-1"}, "target_value", "negatif"),
        ({"kind": "jumlah", "target_value": "2.5"}, "target_value", "bulat"),
        ({"kind": "dokumen", "target_value": "1.5"}, "target_value", "bulat"),
        ({"kind": "", "target_value": "3"}, "kind", "jenis target"),
        ({"kind": "rahasia"}, "kind", ""),
        ({"target_value": "1" * 13, "kind": "indeks"}, "target_value", ""),
        ({"unit_of_measure": "x" * 51}, "unit_of_measure", "50"),
        ({"label": "x" * 11}, "label", "10"),
        ({"text": ""}, "text", "wajib"),
    ],
)
def test_indicator_targets_by_kind(world, admin, values, field, fragment):
    indicator = world.indicators[0]
    with pytest.raises(ValidationError) as caught:
        editing.update_row(admin, indicator, values, expected_version=indicator.version)
    assert field in caught.value.message_dict
    assert fragment in " ".join(caught.value.message_dict[field])


def test_indicator_target_accepted(world, admin):
    indicator = world.indicators[0]
    result = editing.update_row(
        admin,
        indicator,
        {"kind": "persentase", "target_value": "100", "unit_of_measure": "persen"},
        expected_version=indicator.version,
    )
    assert result.obj.target_value == Decimal("100")
    entry = LogEntry.objects.get(action="plan.indicator_changed")
    assert entry.data["after"] == {
        "kind": "persentase",
        "target_value": "100",
        "unit_of_measure": "persen",
    }
    assert entry.data["before"] == {"kind": "", "target_value": None, "unit_of_measure": ""}


# -- the optimistic lock -----------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, admin):
    activity = world.activities[0]
    seen = activity.version
    editing.update_row(admin, activity, {"name": "Pertama"}, expected_version=seen)
    with pytest.raises(EditConflict) as caught:
        editing.update_row(admin, activity, {"name": "Kedua"}, expected_version=seen)
    assert "diubah oleh orang lain" in caught.value.message
    assert caught.value.current.name == "Pertama"
    assert fresh(activity).name == "Pertama"
    assert LogEntry.objects.filter(action="plan.activity_changed").count() == 1


def test_a_deleted_row_is_a_conflict(world, admin):
    indicator = world.indicators[0]
    Indicator.objects.filter(pk=indicator.pk).delete()
    with pytest.raises(EditConflict) as caught:
        editing.update_row(admin, indicator, {"text": "x"}, expected_version=indicator.version)
    assert "dihapus" in caught.value.message


def test_decree_conflict(world, admin):
    plan = world.plan
    seen = plan.version
    editing.update_decree(admin, plan, {"decree_number": "13"}, expected_version=seen)
    with pytest.raises(EditConflict):
        editing.update_decree(admin, plan, {"decree_number": "14"}, expected_version=seen)
    assert fresh(plan).decree_number == "13"


def test_schedule_conflict(world, admin):
    sub = world.subs[0]
    seen = sub.version
    editing.set_schedule(admin, sub, [1, 2, 3], expected_version=seen)
    with pytest.raises(EditConflict):
        editing.set_schedule(admin, sub, [12], expected_version=seen)
    assert fresh(sub).months == [1, 2, 3]


def test_move_and_delete_check_the_version(world, admin):
    activity = world.activities[1]
    editing.update_row(admin, activity, {"name": "Baru"}, expected_version=activity.version)
    with pytest.raises(EditConflict):
        editing.move_row(admin, activity, "up", expected_version=activity.version)
    with pytest.raises(EditConflict):
        editing.delete_row(admin, activity, expected_version=activity.version)
    with pytest.raises(EditConflict):
        editing.move_row_to(
            admin, world.subs[0], world.activities[2], expected_version=world.subs[0].version - 1
        )
    assert fresh(activity).position == 2


# -- the plan's state and who may edit ---------------------------------------------------------


@pytest.mark.parametrize(
    "status", [ActionPlan.Status.DITETAPKAN, ActionPlan.Status.SUBMITTED, ActionPlan.Status.ARSIP]
)
def test_a_plan_that_is_not_editable_is_refused(world, admin, status):
    ActionPlan.objects.filter(pk=world.plan.pk).update(status=status)
    activity = world.activities[0]
    calls = [
        lambda: editing.update_row(admin, activity, {"name": "x"}, expected_version=1),
        lambda: editing.add_row(admin, "indicator", world.subs[2], {"text": "Baru"}),
        lambda: editing.move_row(admin, activity, "down", expected_version=1),
        lambda: editing.delete_row(admin, world.indicators[0], expected_version=1),
        lambda: editing.set_schedule(admin, world.subs[0], [4], expected_version=1),
        lambda: editing.update_decree(
            admin, world.plan, {"decree_number": "9"}, expected_version=world.plan.version
        ),
    ]
    for call in calls:
        with pytest.raises(PlanError) as caught:
            call()
        assert not isinstance(caught.value, EditConflict)
    assert fresh(activity).name == "Kegiatan 1.1"
    assert Indicator.objects.count() == 4
    assert not LogEntry.objects.exists()


def test_an_approved_plan_message_says_reopen(world, admin):
    ActionPlan.objects.filter(pk=world.plan.pk).update(status=ActionPlan.Status.DITETAPKAN)
    with pytest.raises(PlanError) as caught:
        editing.update_row(admin, world.activities[0], {"name": "x"}, expected_version=1)
    assert "dibuka kembali" in caught.value.message


def test_a_returned_plan_is_editable(world, admin):
    ActionPlan.objects.filter(pk=world.plan.pk).update(status=ActionPlan.Status.RETURNED)
    activity = world.activities[0]
    editing.update_row(admin, activity, {"name": "Diperbaiki"}, expected_version=1)
    assert fresh(activity).name == "Diperbaiki"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", True),
        ("superuser", True),
        ("steering", False),
        ("implementer", False),
        ("viewer", False),
        ("other_admin", False),
    ],
)
def test_who_may_edit(world, persona, allowed):
    user = world.users[persona]
    activity = world.activities[0]
    calls = [
        lambda: editing.update_row(user, activity, {"name": "x"}, expected_version=1),
        lambda: editing.add_row(user, "indicator", world.subs[2], {"text": "Baru"}),
        lambda: editing.move_row(user, world.activities[1], "up", expected_version=1),
        lambda: editing.move_row_to(user, world.indicators[3], world.subs[2], expected_version=1),
        lambda: editing.set_schedule(user, world.subs[2], [4], expected_version=1),
        lambda: editing.update_decree(
            user, world.plan, {"decree_number": "9"}, expected_version=world.plan.version
        ),
        lambda: editing.delete_row(user, world.indicators[0], expected_version=1),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
    if not allowed:
        assert fresh(activity).name == "Kegiatan 1.1"
        assert not LogEntry.objects.exists()
    else:
        assert LogEntry.objects.count() == len(calls)


# -- adding ---------------------------------------------------------------------------------------


def test_add_rows_at_the_end_with_the_next_number(world, admin):
    activity = editing.add_row(admin, "activity", world.areas[0], {"name": "Kegiatan baru"})
    assert (activity.position, activity.number) == (3, 3)
    sub = editing.add_row(admin, "sub_activity", activity, {"name": "Sub baru", "number": 7})
    assert (sub.position, sub.number) == (1, 7)
    indicator = editing.add_row(admin, "indicator", sub, {"text": "Dokumen", "label": "a."})
    assert indicator.position == 1
    actions = list(LogEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["plan.activity_added", "plan.sub_activity_added", "plan.indicator_added"]
    assert LogEntry.objects.get(action="plan.sub_activity_added").data["after"]["name"] == (
        "Sub baru"
    )


def test_add_validates(world, admin):
    with pytest.raises(ValidationError) as caught:
        editing.add_row(admin, "activity", world.areas[0], {"name": "", "number": 1})
    assert set(caught.value.message_dict) == {"name"}
    with pytest.raises(ValidationError) as caught:
        editing.add_row(admin, "activity", world.areas[0], {"name": "Dobel", "number": 2})
    assert "sudah dipakai" in caught.value.message_dict["number"][0]
    assert Activity.objects.count() == 3


def test_add_under_a_parent_of_the_wrong_level_is_refused(world, admin):
    with pytest.raises(ValidationError) as caught:
        editing.add_row(admin, "activity", world.subs[0], {"name": "Salah tempat"})
    assert "parent" in caught.value.message_dict
    with pytest.raises(ValidationError):
        editing.add_row(admin, "area", world.areas[0], {"change_area": 8})
    assert not LogEntry.objects.exists()


def test_add_area_one_per_standard_area(world, admin):
    area8 = ChangeArea.objects.get(number=8)
    area = editing.add_row(admin, "area", world.plan, {"change_area": area8})
    assert (area.number, area.name) == (8, area8.name)
    with pytest.raises(ValidationError) as caught:
        editing.add_row(admin, "area", world.plan, {"change_area": area8.pk, "name": "Lagi"})
    assert "change_area" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        editing.add_row(
            admin,
            "area",
            world.plan,
            {"change_area": ChangeArea.objects.get(number=2), "number": 5},
        )
    assert "number" in caught.value.message_dict
    assert PlanArea.objects.filter(plan=world.plan).count() == 3


def test_change_area_standard_area_unique(world, admin):
    area = world.areas[1]
    with pytest.raises(ValidationError) as caught:
        editing.update_row(
            admin, area, {"change_area": world.areas[0].change_area_id}, expected_version=1
        )
    assert "change_area" in caught.value.message_dict
    editing.update_row(
        admin, area, {"change_area": ChangeArea.objects.get(number=6).pk}, expected_version=1
    )
    assert fresh(area).change_area.number == 6


# -- moving ---------------------------------------------------------------------------------------


def test_move_up_and_down_swaps_position_and_number(world, admin):
    area = world.areas[0]
    second = world.activities[1]
    editing.move_row(admin, second, "up", expected_version=second.version)
    assert positions("area", area) == [(1, 1, "Kegiatan 1.2"), (2, 2, "Kegiatan 1.1")]
    editing.move_row(admin, fresh(second), "down", expected_version=fresh(second).version)
    assert positions("area", area) == [(1, 1, "Kegiatan 1.1"), (2, 2, "Kegiatan 1.2")]
    with pytest.raises(PlanError) as caught:
        editing.move_row(admin, fresh(second), "down", expected_version=fresh(second).version)
    assert "terakhir" in caught.value.message
    entry = LogEntry.objects.filter(action="plan.activity_moved").first()
    assert entry.data["before"]["position"] in (1, 2)


def test_move_keeps_numbers_that_do_not_run_in_order(world, admin):
    Activity.objects.filter(pk=world.activities[1].pk).update(number=5)
    editing.move_row(admin, world.activities[1], "up", expected_version=1)
    assert positions("area", world.areas[0]) == [(1, 5, "Kegiatan 1.2"), (2, 1, "Kegiatan 1.1")]


def test_move_area_swaps_numbers(world, admin):
    first, fifth = world.areas
    editing.move_row(admin, fifth, "up", expected_version=1)
    assert fresh(fifth).number == 1 and fresh(first).number == 5
    assert fresh(fifth).change_area.number == 5  # the standard area stays with the row


def test_move_to_another_parent(world, admin):
    sub = world.subs[0]
    editing.move_row_to(admin, sub, world.activities[2], expected_version=sub.version)
    assert positions("activity", world.activities[2]) == [
        (1, 1, "Sub kegiatan 5.1.1"),
        (2, 2, "Sub kegiatan 1.1.1"),
    ]
    # the sub-activity left behind closed up and was renumbered
    assert positions("activity", world.activities[0]) == [(1, 1, "Sub kegiatan 1.1.2")]
    assert fresh(sub).indicators.count() == 2
    entry = LogEntry.objects.get(action="plan.sub_activity_moved")
    assert entry.data["before"]["activity"] == world.activities[0].pk
    assert entry.data["after"]["activity"] == world.activities[2].pk


def test_move_to_a_parent_of_another_plan_is_refused(world, admin):
    other_plan = ActionPlan.objects.create(unit=world.plan.unit, year=2027)
    area = PlanArea.objects.create(
        plan=other_plan, change_area=world.areas[0].change_area, number=1, name="x"
    )
    with pytest.raises(ValidationError):
        editing.move_row_to(admin, world.activities[0], area, expected_version=1)
    with pytest.raises(ValidationError):
        editing.move_row_to(admin, world.indicators[0], world.activities[0], expected_version=1)


# -- deleting -------------------------------------------------------------------------------------


def test_delete_a_leaf_closes_up(world, admin):
    first = world.indicators[0]
    editing.delete_row(admin, first, expected_version=first.version)
    remaining = list(world.subs[0].indicators.order_by("position"))
    assert [(i.position, i.text) for i in remaining] == [(1, "Indikator b.")]
    entry = LogEntry.objects.get(action="plan.indicator_deleted")
    assert entry.data["before"]["text"] == "Indikator a."


def test_delete_with_children_needs_confirmation(world, admin):
    activity = world.activities[0]
    with pytest.raises(NeedsConfirmation) as caught:
        editing.delete_row(admin, activity, expected_version=activity.version)
    assert caught.value.counts == {"sub_activity": 2, "indicator": 4}
    assert Activity.objects.filter(pk=activity.pk).exists()
    counts = editing.delete_row(admin, activity, expected_version=activity.version, confirmed=True)
    assert counts == {"sub_activity": 2, "indicator": 4}
    assert not SubActivity.objects.filter(activity_id=activity.pk).exists()
    assert positions("area", world.areas[0]) == [(1, 1, "Kegiatan 1.2")]
    entries = LogEntry.objects.filter(action__endswith="_deleted")
    assert entries.count() == 1
    assert entries[0].data["deleted"] == {"sub_activity": 2, "indicator": 4}
    assert entries[0].data["children"] == ["1. Sub kegiatan 1.1.1", "2. Sub kegiatan 1.1.2"]
    # the finding on the row stays, no longer pointing at it
    assert ImportFinding.objects.get().activity is None


def test_delete_area_counts_everything_below(world, admin):
    assert editing.subtree_counts(world.areas[0]) == {
        "activity": 2,
        "sub_activity": 2,
        "indicator": 4,
    }


# -- the schedule ---------------------------------------------------------------------------------


def test_set_schedule_months(world, admin):
    sub = world.subs[0]
    editing.set_schedule(admin, sub, [3, 12], expected_version=sub.version)
    assert fresh(sub).months == [3, 12]
    entry = LogEntry.objects.get(action="plan.schedule_changed")
    assert entry.data["before"]["periods"] == [1, 2]
    assert entry.data["after"]["periods"] == [3, 12]


@pytest.mark.parametrize("periods", [[0], [13], ["x"]])
def test_set_schedule_refuses_months_out_of_range(world, admin, periods):
    sub = world.subs[0]
    with pytest.raises(ValidationError) as caught:
        editing.set_schedule(admin, sub, periods, expected_version=sub.version)
    assert "1 dan 12" in caught.value.message_dict["schedule"][0]


def test_quarterly_plan_takes_quarters_1_to_4(world, admin):
    ActionPlan.objects.filter(pk=world.plan.pk).update(schedule_kind="quarter")
    sub = world.subs[2]
    with pytest.raises(ValidationError) as caught:
        editing.set_schedule(admin, sub, [5], expected_version=sub.version)
    assert "1 dan 4" in caught.value.message_dict["schedule"][0]
    editing.set_schedule(admin, sub, [4], expected_version=sub.version)
    assert fresh(sub).quarters == [4]


# -- the decree -----------------------------------------------------------------------------------


def test_update_decree_fields_and_lists(world, admin):
    plan = world.plan
    editing.update_decree(
        admin,
        plan,
        {
            "decree_number": "15",
            "decree_date": "2026-01-05",
            "signer_name": "Ketua",
            "considerations": "a. bahwa perlu rencana aksi\nb. bahwa perlu yang kedua",
        },
        expected_version=plan.version,
    )
    plan = fresh(plan)
    assert plan.decree_number == "15"
    assert str(plan.decree_date) == "2026-01-05"
    assert plan.considerations == [
        {"label": "a.", "text": "bahwa perlu rencana aksi", "line": 7},
        {"label": "b.", "text": "bahwa perlu yang kedua"},
    ]
    entry = LogEntry.objects.get(action="plan.decree_changed")
    assert set(entry.data["before"]) == {
        "decree_number",
        "decree_date",
        "signer_name",
        "considerations",
    }
    assert entry.data["before"]["decree_number"] == "12"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"decree_number": "x" * 101}, "decree_number"),
        ({"decree_number": "12\x1b"}, "decree_number"),
        ({"decree_place": "dua\nbaris"}, "decree_place"),
        ({"decree_date": "2026-13-01"}, "decree_date"),
        ({"schedule_kind": "tahunan"}, "schedule_kind"),
        ({"legal_bases": "1. Undang\x00undang"}, "legal_bases"),
        ({"dictums": "\n".join(f"{n}. butir" for n in range(1, 102))}, "dictums"),
    ],
)
def test_decree_validation_at_the_field(world, admin, values, field):
    with pytest.raises(ValidationError) as caught:
        editing.update_decree(admin, world.plan, values, expected_version=world.plan.version)
    assert field in caught.value.message_dict
    assert fresh(world.plan).decree_number == "12"


def test_schedule_kind_changes_when_schedules_convert(world, admin):
    plan = world.plan
    SubActivity.objects.filter(pk=world.subs[0].pk).update(schedule=0b111)  # JAN–MAR
    SubActivity.objects.filter(pk=world.subs[1].pk).update(schedule=0b11)  # JAN–FEB
    with pytest.raises(ValidationError) as caught:
        editing.update_decree(admin, plan, {"schedule_kind": "quarter"}, expected_version=1)
    assert "triwulan utuh" in caught.value.message_dict["schedule_kind"][0]
    assert fresh(plan).schedule_kind == "month"
    SubActivity.objects.filter(pk=world.subs[1].pk).update(schedule=0b111000)  # APR–JUN
    editing.update_decree(admin, plan, {"schedule_kind": "quarter"}, expected_version=1)
    assert fresh(plan).schedule_kind == "quarter"
    assert fresh(world.subs[0]).quarters == [1]
    assert fresh(world.subs[1]).quarters == [2]
    assert LogEntry.objects.filter(action="plan.schedule_changed").count() == 2
    editing.update_decree(admin, plan, {"schedule_kind": "month"}, expected_version=2)
    assert fresh(world.subs[1]).months == [4, 5, 6]


# -- findings -------------------------------------------------------------------------------------


def test_correcting_a_row_resolves_its_findings(world, admin):
    activity = world.activities[0]
    finding = ImportFinding.objects.get()
    result = editing.update_row(
        admin,
        activity,
        {"name": "Diperbaiki"},
        expected_version=activity.version,
        resolve_findings=[finding.pk],
    )
    assert result.resolved == 1
    finding.refresh_from_db()
    assert finding.resolution == "corrected"
    assert finding.confirmed_by == admin and finding.confirmed_at is not None
    assert LogEntry.objects.filter(action="plan.finding_resolved").count() == 1


def test_findings_of_other_rows_are_not_resolved(world, admin):
    finding = ImportFinding.objects.get()
    sub = world.subs[0]
    result = editing.update_row(
        admin, sub, {"name": "Lain"}, expected_version=sub.version, resolve_findings=[finding.pk]
    )
    assert result.resolved == 0
    assert fresh(finding).confirmed_at is None
