"""A PIC is a PIC only while they belong to the unit (issue 6).

The policy grants PIC rights only to someone who still holds a role or a team place in the
plan's unit; and revoking the last of those clears their PIC assignments in the unit, in the
same transaction as the revocation.
"""

import pytest
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.access.policy import EDIT_REALISATION, forget_grants, sub_activities_assigned_to
from renaksi.access.services import revoke_role
from renaksi.plans.models import Activity, SubActivity
from renaksi.plans.work import my_work
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.teams.services import MemberData, remove_member, update_member

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # "pic": a viewer of Bengkayang, PIC of its area-1 sub-activity and of the activity above
    # its area-5 one; also PIC in Sambas, where they are a viewer too.
    pic = User.objects.create_user("pic", "pic@example.test", "x")
    world.users["pic"] = pic
    for code in ("6107", "6101"):
        UnitRole.objects.create(user=pic, unit=world.units[code], role=UnitRole.Role.VIEWER)
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=pic)
    Activity.objects.filter(pk=world.subs[("6107", 5)].activity_id).update(pic=pic)
    SubActivity.objects.filter(pk=world.subs[("6101", 1)].pk).update(pic=pic)
    return world


def load(world, code, area) -> SubActivity:
    return SubActivity.objects.select_related("activity__area__plan").get(
        pk=world.subs[(code, area)].pk
    )


def fresh(user) -> User:
    forget_grants(user)
    return User.objects.get(pk=user.pk)


def assigned(user) -> set[tuple[str, int]]:
    return {
        (sub.activity.area.plan.unit.code, sub.activity.area.number)
        for sub in sub_activities_assigned_to(fresh(user)).select_related(
            "activity__area__plan__unit"
        )
    }


def test_a_pic_of_the_unit_reports_and_sees_the_work(world):
    pic = world.users["pic"]
    assert fresh(pic).has_perm(EDIT_REALISATION, load(world, "6107", 1))
    assert fresh(pic).has_perm(EDIT_REALISATION, load(world, "6107", 5))  # the activity's PIC
    assert assigned(pic) == {("6107", 1), ("6107", 5), ("6101", 1)}


def test_the_policy_drops_a_pic_who_no_longer_belongs_to_the_unit(world):
    """Even if a stale assignment remains (a role deleted in the admin), the right is gone."""
    pic = world.users["pic"]
    UnitRole.objects.filter(user=pic, unit=world.units["6107"]).delete()
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic == pic  # still stored
    assert not fresh(pic).has_perm(EDIT_REALISATION, load(world, "6107", 1))
    assert not fresh(pic).has_perm(EDIT_REALISATION, load(world, "6107", 5))
    assert assigned(pic) == {("6101", 1)}
    work = my_work(fresh(pic), 2022, 3)
    assert [item.plan.unit.code for item in work] == ["6101"]


def test_a_team_place_counts_as_belonging(world):
    pic = world.users["pic"]
    UnitRole.objects.filter(user=pic, unit=world.units["6107"]).delete()
    TeamMember.objects.create(
        team=world.teams["6107"], user=pic, name="PIC", position=Position.AGEN_PERUBAHAN
    )
    assert fresh(pic).has_perm(EDIT_REALISATION, load(world, "6107", 1))
    assert assigned(pic) == {("6107", 1), ("6107", 5), ("6101", 1)}


def test_revoking_the_last_role_clears_the_pic_assignments_in_that_unit_only(world):
    pic, admin = world.users["pic"], world.users["unit_admin"]
    role = UnitRole.objects.get(user=pic, unit=world.units["6107"])
    assert revoke_role(admin, role) == 2
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic is None
    assert Activity.objects.get(pk=world.subs[("6107", 5)].activity_id).pic is None
    assert SubActivity.objects.get(pk=world.subs[("6101", 1)].pk).pic == pic  # Sambas: kept
    assert assigned(pic) == {("6101", 1)}


def test_revoking_one_of_two_places_keeps_the_assignments(world):
    pic, admin = world.users["pic"], world.users["unit_admin"]
    TeamMember.objects.create(
        team=world.teams["6107"], user=pic, name="PIC", position=Position.AGEN_PERUBAHAN
    )
    assert revoke_role(admin, UnitRole.objects.get(user=pic, unit=world.units["6107"])) == 0
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic == pic
    assert fresh(pic).has_perm(EDIT_REALISATION, load(world, "6107", 1))


def test_removing_the_last_team_place_clears_the_assignments(world):
    agent, admin = world.users["agent"], world.users["unit_admin"]
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=agent)
    member = TeamMember.objects.select_related("team").get(user=agent)
    assert remove_member(admin, member) == 1
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic is None


def test_a_place_in_another_years_team_still_counts(world):
    agent, admin = world.users["agent"], world.users["unit_admin"]
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=agent)
    team_2023 = ReformTeam.objects.create(unit=world.units["6107"], year=2023)
    TeamMember.objects.create(
        team=team_2023, user=agent, name="agent", position=Position.AGEN_PERUBAHAN
    )
    assert remove_member(admin, TeamMember.objects.get(user=agent, team__year=2022)) == 0
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic == agent


def test_unlinking_an_account_from_a_member_entry_clears_its_assignments(world):
    agent, admin = world.users["agent"], world.users["unit_admin"]
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=agent)
    member = TeamMember.objects.select_related("team__unit").get(user=agent)
    update_member(
        admin, member, MemberData(name="Agen tanpa akun", position=Position.AGEN_PERUBAHAN)
    )
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic is None


def test_revocation_and_release_are_one_transaction(world, monkeypatch):
    """A failure while releasing (after the sub-activities are done, at the activities) keeps
    the role and every assignment as they were."""
    pic, admin = world.users["pic"], world.users["unit_admin"]
    role = UnitRole.objects.get(user=pic, unit=world.units["6107"])
    role_pk = role.pk
    real_update = QuerySet.update

    def update(self, **kwargs):
        if self.model is Activity:
            raise RuntimeError("database went away")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    with pytest.raises(RuntimeError):
        revoke_role(admin, role)
    monkeypatch.undo()
    assert UnitRole.objects.filter(pk=role_pk).exists()
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic == pic
    assert Activity.objects.get(pk=world.subs[("6107", 5)].activity_id).pic == pic


def test_removing_a_member_and_releasing_are_one_transaction(world, monkeypatch):
    agent, admin = world.users["agent"], world.users["unit_admin"]
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=agent)
    Activity.objects.filter(pk=world.subs[("6107", 5)].activity_id).update(pic=agent)
    member = TeamMember.objects.select_related("team").get(user=agent)
    member_pk = member.pk
    real_update = QuerySet.update

    def update(self, **kwargs):
        if self.model is Activity:
            raise RuntimeError("database went away")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    with pytest.raises(RuntimeError):
        remove_member(admin, member)
    monkeypatch.undo()
    assert TeamMember.objects.filter(pk=member_pk).exists()
    assert SubActivity.objects.get(pk=world.subs[("6107", 1)].pk).pic == agent


def test_the_pages_say_what_was_released_and_my_work_empties(client, world):
    pic = world.users["pic"]
    client.force_login(pic)
    html = client.get(reverse("plans:my_work"), {"bulan": "2022-03"}).content.decode()
    assert "Sub kegiatan 6107.1" in html
    client.force_login(world.users["unit_admin"])
    role = UnitRole.objects.get(user=pic, unit=world.units["6107"])
    response = client.post(reverse("units:role_remove", args=[role.unit_id, role.pk]), follow=True)
    assert "tidak lagi menjadi penanggung jawab 2 kegiatan atau sub kegiatan" in (
        response.content.decode()
    )
    client.force_login(pic)
    html = client.get(reverse("plans:my_work"), {"bulan": "2022-03"}).content.decode()
    assert "Sub kegiatan 6107.1" not in html and "Sub kegiatan 6101.1" in html
