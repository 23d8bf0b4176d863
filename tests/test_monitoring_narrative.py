"""Narrative, follow-ups and monitoring months (renaksi/monitoring/narrative.py): who may write,
optimistic locking, locked quarters, bad input as Indonesian field errors with nothing saved,
follow-ups carried from quarter to quarter until closed, and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renaksi.access.models import UnitRole
from renaksi.audit.models import ACTION_LABELS, LogEntry
from renaksi.monitoring import services
from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
from renaksi.plans.models import PlanArea, months_to_mask
from renaksi.submissions.models import Submission

from .work_realisation_world import YEAR, build_rworld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_rworld()


@pytest.fixture
def plan(world):
    return world.plan


def lock(world, quarter):
    return Submission.objects.create(
        unit=world.unit,
        year=YEAR,
        quarter=quarter,
        plan=world.plan,
        state=Submission.State.SUBMITTED,
        at_unit=world.unit.parent,
        locked=True,
    )


def entries(action):
    return list(LogEntry.objects.filter(action=action).order_by("pk"))


def test_every_action_code_has_a_label():
    for code in (
        "monitoring.report_saved",
        "monitoring.area_note_saved",
        "monitoring.follow_up_added",
        "monitoring.follow_up_updated",
        "monitoring.months_changed",
    ):
        assert code in ACTION_LABELS


# -- the quarter's report -------------------------------------------------------------------


def test_steering_and_admin_write_the_report_others_may_not(world, plan):
    data = {"obstacles": "Jaringan internet sering terputus.", "solutions": "Modem cadangan."}
    report = services.save_report(world.users["steering"], plan, 1, data, expected_version=None)
    assert (report.version, report.obstacles, report.unit_id, report.year) == (
        1,
        "Jaringan internet sering terputus.",
        world.unit.pk,
        YEAR,
    )
    report = services.save_report(
        world.users["unit_admin"],
        plan,
        1,
        {"recommendations": "Tambah anggaran.", "report_date": "31/03/2026"},
        expected_version=1,
    )
    assert report.version == 2 and report.report_date == datetime.date(2026, 3, 31)
    assert report.obstacles == "Jaringan internet sering terputus."  # absent field kept
    for name in ("implementer", "assessor", "reader", "outsider", "agent"):
        with pytest.raises(PermissionDenied):
            services.save_report(world.users[name], plan, 1, data, expected_version=2)
    saved = entries("monitoring.report_saved")
    assert len(saved) == 2
    assert saved[1].data["before"] == {"recommendations": "", "report_date": None}
    assert saved[1].data["after"]["recommendations"] == "Tambah anggaran."
    assert saved[1].plan_id == plan.pk and saved[1].data["period_label"] == "TW I"


def test_a_stale_version_changes_nothing(world, plan):
    steering = world.users["steering"]
    services.save_report(steering, plan, 2, {"obstacles": "A"}, expected_version=None)
    services.save_report(steering, plan, 2, {"obstacles": "B"}, expected_version=1)
    with pytest.raises(services.MonitoringConflict) as caught:
        services.save_report(steering, plan, 2, {"obstacles": "C"}, expected_version=1)
    assert caught.value.current.obstacles == "B"
    assert "diubah oleh orang lain" in caught.value.message
    with pytest.raises(services.MonitoringConflict):  # a second "first" save
        services.save_report(steering, plan, 2, {"obstacles": "D"}, expected_version=None)
    assert QuarterReport.objects.get(plan=plan, quarter=2).obstacles == "B"
    # Saving the same values again: no new version, no entry.
    services.save_report(steering, plan, 2, {"obstacles": "B"}, expected_version=2)
    assert QuarterReport.objects.get(plan=plan, quarter=2).version == 2
    assert len(entries("monitoring.report_saved")) == 2


def test_bad_input_names_the_field_and_saves_nothing(world, plan):
    steering = world.users["steering"]
    with pytest.raises(ValidationError) as caught:
        services.save_report(
            steering,
            plan,
            1,
            {
                "obstacles": "Baik",
                "report_number": "12/\nPP.01",
                "report_date": "31 Maret",
                "signer_name": "x" * 201,
                "solutions": "bel\x07",
            },
            expected_version=None,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"report_number", "report_date", "signer_name", "solutions"}
    assert "satu baris" in errors["report_number"][0]
    assert "Tanggal tidak dikenali" in errors["report_date"][0]
    assert "200" in errors["signer_name"][0]
    assert "karakter kendali" in errors["solutions"][0]
    with pytest.raises(ValidationError) as caught:
        services.save_report(
            steering, plan, 1, {"report_date": "2031-01-01"}, expected_version=None
        )
    assert "2026 atau 2027" in caught.value.message_dict["report_date"][0]
    assert not QuarterReport.objects.exists()
    assert not LogEntry.objects.filter(action__startswith="monitoring.").exists()


def test_a_locked_quarter_refuses_every_write(world, plan):
    steering = world.users["steering"]
    area = PlanArea.objects.get(plan=plan)
    lock(world, 1)
    with pytest.raises(services.MonitoringError) as caught:
        services.save_report(steering, plan, 1, {"obstacles": "X"}, expected_version=None)
    assert "Triwulan 1 sudah dikirim dan dikunci" in caught.value.message
    with pytest.raises(services.MonitoringError):
        services.save_area_note(steering, plan, 1, area, {"obstacles": "X"}, expected_version=None)
    with pytest.raises(services.MonitoringError):
        services.add_follow_up(steering, plan, 1, {"action": "Perbaiki SOP"})
    assert not QuarterReport.objects.exists() and not FollowUp.objects.exists()
    # The second quarter is open.
    services.save_report(steering, plan, 2, {"obstacles": "X"}, expected_version=None)


def test_area_notes(world, plan):
    steering = world.users["steering"]
    area = PlanArea.objects.get(plan=plan)
    note = services.save_area_note(
        steering, plan, 3, area, {"obstacles": "SDM terbatas"}, expected_version=None
    )
    assert (note.version, note.report.quarter, note.area_id) == (1, 3, area.pk)
    note = services.save_area_note(
        steering, plan, 3, area, {"solutions": "Pelatihan"}, expected_version=1
    )
    assert (note.version, note.obstacles, note.solutions) == (2, "SDM terbatas", "Pelatihan")
    with pytest.raises(services.MonitoringConflict):
        services.save_area_note(steering, plan, 3, area, {"solutions": "Y"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.save_area_note(
            world.users["implementer"], plan, 3, area, {"solutions": "Y"}, expected_version=2
        )
    other = build_other_area(world)
    with pytest.raises(services.MonitoringError):
        services.save_area_note(steering, plan, 3, other, {"solutions": "Y"}, expected_version=None)
    assert AreaNote.objects.get().solutions == "Pelatihan"
    assert len(entries("monitoring.area_note_saved")) == 2


def build_other_area(world):
    from renaksi.plans.models import ActionPlan, ChangeArea

    other_plan = ActionPlan.objects.create(unit=world.unit, year=YEAR + 1)
    return PlanArea.objects.create(
        plan=other_plan, change_area=ChangeArea.objects.get(number=2), number=2, name="Area 2"
    )


# -- follow-ups -------------------------------------------------------------------------------


def test_follow_ups_are_carried_until_closed(world, plan):
    steering = world.users["steering"]
    area = PlanArea.objects.get(plan=plan)
    implementer = world.users["implementer"]
    first = services.add_follow_up(
        steering,
        plan,
        1,
        {
            "action": "Menyusun SOP pengaduan",
            "finding": "SOP belum ada",
            "area": str(area.pk),
            "owner": str(implementer.pk),
            "due_on": "2026-05-31",
        },
    )
    assert (first.opened_in, first.closed_in, first.state, first.owner_id) == (
        1,
        None,
        FollowUp.State.OPEN,
        implementer.pk,
    )
    second = services.add_follow_up(
        steering, plan, 2, {"action": "Rapat koordinasi", "owner_text": "Sekretaris"}
    )
    assert list(services.follow_ups_in(plan, 1)) == [first]
    assert list(services.follow_ups_in(plan, 2)) == [first, second]  # TW I's shows in TW II
    # Closed in TW III: it shows in TW III (closed), not in TW IV.
    first = services.update_follow_up(
        steering, first, 3, {"state": FollowUp.State.DONE}, expected_version=1
    )
    assert (first.closed_in, first.version) == (3, 2)
    assert first in services.follow_ups_in(plan, 3)
    assert list(services.follow_ups_in(plan, 4)) == [second]
    # Opened again in TW IV: closed_in cleared, it shows again.
    first = services.update_follow_up(
        steering, first, 4, {"state": FollowUp.State.IN_PROGRESS}, expected_version=2
    )
    assert first.closed_in is None
    assert list(services.follow_ups_in(plan, 4)) == [first, second]
    updated = entries("monitoring.follow_up_updated")
    assert updated[0].data["after"] == {"state": "done", "closed_in": 3}
    assert updated[1].data["before"] == {"state": "done", "closed_in": 3}
    assert len(entries("monitoring.follow_up_added")) == 2


def test_the_owner_reports_progress_only(world, plan):
    implementer = world.users["implementer"]
    follow_up = services.add_follow_up(
        world.users["unit_admin"], plan, 1, {"action": "Unggah SK", "owner": implementer.pk}
    )
    follow_up = services.update_follow_up(
        implementer,
        follow_up,
        1,
        {"state": "in_progress", "progress_note": "Draf SK selesai"},
        expected_version=1,
    )
    assert (follow_up.state, follow_up.progress_note) == ("in_progress", "Draf SK selesai")
    with pytest.raises(PermissionDenied):
        services.update_follow_up(implementer, follow_up, 1, {"action": "Lain"}, expected_version=2)
    with pytest.raises(PermissionDenied):  # not its owner
        services.update_follow_up(
            world.users["implementer2"], follow_up, 1, {"state": "done"}, expected_version=2
        )
    with pytest.raises(PermissionDenied):  # may not open one
        services.add_follow_up(implementer, plan, 1, {"action": "X"})
    with pytest.raises(services.MonitoringConflict):
        services.update_follow_up(implementer, follow_up, 1, {"state": "done"}, expected_version=1)


def test_follow_up_bad_input(world, plan):
    steering = world.users["steering"]
    stranger = world.users["outsider"]  # of Sambas, not a person of Bengkayang
    other = build_other_area(world)
    with pytest.raises(ValidationError) as caught:
        services.add_follow_up(
            steering,
            plan,
            1,
            {
                "action": "  ",
                "area": other.pk,
                "owner": stranger.pk,
                "due_on": "kemarin",
                "state": "selesai-kah",
            },
        )
    errors = caught.value.message_dict
    assert set(errors) == {"action", "area", "owner", "due_on", "state"}
    assert "wajib diisi" in errors["action"][0]
    assert "KPU Kabupaten Bengkayang" in errors["owner"][0]
    assert not FollowUp.objects.exists()
    follow_up = services.add_follow_up(steering, plan, 2, {"action": "Rapat"})
    with pytest.raises(services.MonitoringError) as caught:
        services.update_follow_up(steering, follow_up, 1, {"state": "done"}, expected_version=1)
    assert "TW II" in caught.value.message


def test_locks_of_follow_ups(world, plan):
    steering = world.users["steering"]
    follow_up = services.add_follow_up(steering, plan, 1, {"action": "Rapat evaluasi"})
    submission = lock(world, 1)
    # TW I is locked: its decision stays, the work goes on in TW II.
    with pytest.raises(services.MonitoringError):
        services.update_follow_up(steering, follow_up, 1, {"state": "done"}, expected_version=1)
    with pytest.raises(services.MonitoringError):
        services.update_follow_up(
            steering, follow_up, 2, {"action": "Rapat lain"}, expected_version=1
        )
    follow_up = services.update_follow_up(
        steering, follow_up, 2, {"state": "done", "progress_note": "Selesai"}, expected_version=1
    )
    assert follow_up.closed_in == 2
    lock(world, 2)
    with pytest.raises(services.MonitoringError):  # closed in a locked quarter
        services.update_follow_up(steering, follow_up, 3, {"state": "open"}, expected_version=2)
    submission.locked = False
    submission.save()
    assert FollowUp.objects.get().state == "done"


# -- monitoring months ------------------------------------------------------------------------


def test_monitoring_months_set_by_the_unit_admin(world, plan):
    admin = world.users["unit_admin"]
    assert plan.monitoring_months == months_to_mask([3, 6, 9, 12])
    services.set_monitoring_months(admin, plan, [3, 6, 9], expected=plan.monitoring_months)
    plan.refresh_from_db()
    assert plan.monitoring_months == months_to_mask([3, 6, 9])
    (entry,) = entries("monitoring.months_changed")
    assert entry.data == {
        "before": {"monitoring_months": "Maret, Juni, September, Desember"},
        "after": {"monitoring_months": "Maret, Juni, September"},
    }
    services.set_monitoring_months(admin, plan, ["3", "6", "9"])  # unchanged: no entry
    assert len(entries("monitoring.months_changed")) == 1
    with pytest.raises(services.MonitoringConflict):
        services.set_monitoring_months(admin, plan, [6], expected=months_to_mask([3, 6, 9, 12]))
    for bad in ([], [0], [13], ["Maret"]):
        with pytest.raises(ValidationError) as caught:
            services.set_monitoring_months(admin, plan, bad)
        assert "months" in caught.value.message_dict
    for name in ("steering", "implementer", "reader", "assessor"):
        with pytest.raises(PermissionDenied):
            services.set_monitoring_months(world.users[name], plan, [6])
    plan.refresh_from_db()
    assert plan.monitoring_months == months_to_mask([3, 6, 9])


def test_a_province_admin_does_not_write_a_regencys_report(world, plan):
    from django.contrib.auth.models import User

    province_admin = User.objects.create_user("prov_admin")
    UnitRole.objects.create(user=province_admin, unit=world.unit.parent, role=UnitRole.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.save_report(province_admin, plan, 1, {"obstacles": "X"}, expected_version=None)
