"""The audit trail: record(), the entries every plan workflow writes, the read-only admin."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

import renaksi.plans.services as plan_services
from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.audit.services import record
from renaksi.importer.services import import_decree
from renaksi.plans.models import ActionPlan, ImportFinding, SubActivity
from renaksi.plans.services import FindingAlreadyConfirmed, assign_pics, confirm_finding
from renaksi.plans.workflow import approve_plan
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .import_support import base_tree, decree_bytes, find, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()


@pytest.fixture
def admin(unit):
    user = User.objects.create(username="sekretariat", first_name="Sekretariat")
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.ADMIN)
    return user


@pytest.fixture
def plan(unit):
    return import_decree(decree_bytes(closing_place="Bengkulu"), unit=unit, filename="v1.txt").plan


def test_record_keeps_actor_unit_plan_object_and_json_data(plan, admin):
    sub = find(plan, "1.1.1")
    entry = record(
        admin,
        "plan.pic_assigned",
        plan=plan,
        obj=sub,
        before={"pic": None},
        when=datetime.date(2023, 3, 1),
        target=Decimal("12.50"),
    )
    entry = LogEntry.objects.get(pk=entry.pk)
    assert entry.actor == admin and entry.plan == plan and entry.unit == plan.unit
    assert entry.object_type == ContentType.objects.get_for_model(SubActivity)
    assert entry.object_id == str(sub.pk) and entry.object_repr == str(sub)
    assert entry.data == {"before": {"pic": None}, "when": "2023-03-01", "target": "12.50"}
    assert entry.action_label == "Penanggung jawab sub kegiatan diubah"


def test_record_without_a_person_is_the_system(unit):
    assert record(None, "plan.imported", unit=unit).actor is None
    assert record(AnonymousUser(), "plan.imported", unit=unit).actor is None
    plan = ActionPlan.objects.create(unit=unit, year=2024)
    entry = record(None, "plan.imported", obj=plan)  # the plan is found from the object
    assert entry.plan == plan and entry.unit == unit


def test_import_and_replace_are_recorded_with_before_and_after(unit, plan):
    created = LogEntry.objects.get(action="plan.imported")
    assert created.actor is None and created.plan == plan
    assert created.data["after"]["sha256"] == plan.source_sha256
    tree = base_tree()
    tree[0]["activities"][0]["subs"][0]["name"] = "Sub satu area 1 (revisi)"
    import_decree(
        decree_bytes(tree, closing_place="Bengkulu"), unit=unit, filename="v2.txt", replace=True
    )
    replaced = LogEntry.objects.get(action="plan.replaced")
    assert replaced.data["before"]["sha256"] == created.data["after"]["sha256"]
    assert replaced.data["before"]["counts"]["sub_activities"] == 24
    assert replaced.data["after"]["source_name"] == "v2.txt"
    assert replaced.data["diff"]["counts"]["changed"]["sub_activity"] == 1
    assert replaced.data["diff"]["changed"][0]["path"] == "1.1.1"
    assert replaced.data["diff"]["changed"][0]["after"]["name"] == "Sub satu area 1 (revisi)"


def test_confirming_a_finding_is_recorded_once(plan, admin):
    finding = plan.findings.get(kind="place_mismatch")
    confirm_finding(admin, finding)
    with pytest.raises(FindingAlreadyConfirmed):
        confirm_finding(admin, ImportFinding.objects.get(pk=finding.pk))
    entry = LogEntry.objects.get(action="plan.finding_confirmed")
    assert entry.actor == admin and entry.plan == plan
    assert entry.object_id == str(finding.pk)
    assert entry.data == {"kind": "place_mismatch", "message": finding.message}


def test_approval_is_recorded(unit, plan):
    steering = User.objects.create(username="pimpinan")
    team = ReformTeam.objects.create(unit=unit, year=2023)
    TeamMember.objects.create(team=team, user=steering, position=Position.PENGARAH_KETUA)
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.SUBMITTED)
    plan.refresh_from_db()
    approve_plan(steering, plan)
    entry = LogEntry.objects.get(action="plan.approved")
    assert entry.actor == steering and entry.plan == plan
    assert entry.data["before"] == {"status": "diajukan", "approved_by": None, "approved_at": None}
    assert entry.data["after"]["status"] == "ditetapkan"


def test_each_pic_change_is_recorded_with_before_and_after(plan, admin):
    first, second = find(plan, "1.1.1"), find(plan, "1.1.2")
    assign_pics(admin, plan, {first.pk: admin, second.pk: None})  # second unchanged
    entries = list(LogEntry.objects.filter(action="plan.pic_assigned"))
    assert [(e.object_id, e.data) for e in entries] == [
        (str(first.pk), {"before": {"pic": None}, "after": {"pic": admin.pk}})
    ]
    assign_pics(admin, plan, {first.pk: None})
    latest = LogEntry.objects.filter(action="plan.pic_assigned").order_by("-id").first()
    assert latest.data == {"before": {"pic": admin.pk}, "after": {"pic": None}}


def test_an_entry_is_written_in_the_same_transaction_as_its_change(plan, admin, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    # The entry cannot be written: the change it records is not kept either.
    monkeypatch.setattr(LogEntry.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        assign_pics(admin, plan, {find(plan, "1.1.1").pk: admin})
    assert find(plan, "1.1.1").pic is None

    monkeypatch.setattr(plan_services, "record", broken)
    finding = plan.findings.get(kind="place_mismatch")
    with pytest.raises(RuntimeError):
        confirm_finding(admin, finding)
    assert ImportFinding.objects.get(pk=finding.pk).confirmed_at is None


def test_admin_lists_entries_but_changes_none(client, plan):
    superuser = User.objects.create_superuser("root", "root@renaksi.invalid", "x")
    client.force_login(superuser)
    entry = LogEntry.objects.get(action="plan.imported")
    listing = client.get(reverse("admin:audit_logentry_changelist"))
    assert listing.status_code == 200
    assert "Rencana aksi diimpor dari keputusan" in listing.content.decode()
    detail = client.get(reverse("admin:audit_logentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="action"' not in detail.content.decode()  # read-only: no inputs
    assert client.get(reverse("admin:audit_logentry_add")).status_code == 403
    response = client.post(reverse("admin:audit_logentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
