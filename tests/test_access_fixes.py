"""No one grants more than they hold (renaksi/access/services.py, issue 6).

An administrator cannot grant a role to themselves, nor a role that reads, reviews or manages
more than they can; and cannot grant anything in a unit above or beside their own.
"""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.access.policy import APPROVE_PLAN, VIEW_PLAN, forget_grants
from renaksi.access.services import AccessError, grant_role, grantable_roles, invite_user
from renaksi.teams.models import Position, TeamMember
from renaksi.teams.services import MemberData, TeamError, add_member, update_member

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # build_world already has national_admin (administrator of KPU RI, "00").
    user = User.objects.create_user("province_admin", "province_admin@example.test", "x")
    UnitRole.objects.create(user=user, unit=world.units["61"], role=UnitRole.Role.ADMIN)
    world.users["province_admin"] = user
    world.users["someone"] = User.objects.create_user("someone", "someone@example.test", "x")
    return world


def roles_of(user, unit) -> set[str]:
    return set(UnitRole.objects.filter(user=user, unit=unit).values_list("role", flat=True))


@pytest.mark.parametrize("role", ["viewer", "reviewer", "admin"])
def test_a_province_admin_cannot_grant_itself_a_role(world, role):
    admin, province = world.users["province_admin"], world.units["61"]
    with pytest.raises(AccessError, match="kepada diri sendiri"):
        grant_role(admin, province, admin, role)
    assert roles_of(admin, province) == {"admin"}
    forget_grants(admin)
    assert not admin.has_perm(VIEW_PLAN, world.plans["6107"])


def test_an_admin_cannot_grant_itself_even_a_role_within_reach(world):
    admin, unit = world.users["unit_admin"], world.units["6107"]
    with pytest.raises(AccessError, match="kepada diri sendiri"):
        grant_role(admin, unit, admin, "viewer")
    assert roles_of(admin, unit) == {"admin"}


@pytest.mark.parametrize(
    ("role", "message"), [("viewer", "akses baca"), ("reviewer", "akses baca")]
)
def test_a_province_admin_cannot_open_the_regencies_to_someone_else(world, role, message):
    admin, province, someone = (
        world.users["province_admin"],
        world.units["61"],
        world.users["someone"],
    )
    with pytest.raises(AccessError, match=message) as error:
        grant_role(admin, province, someone, role)
    assert "KPU Provinsi Kalimantan Barat" in error.value.message
    assert "minta administrator sistem" in error.value.message
    assert roles_of(someone, province) == set()


def test_a_province_admin_may_still_grant_the_admin_role(world):
    admin, province, someone = (
        world.users["province_admin"],
        world.units["61"],
        world.users["someone"],
    )
    grant_role(admin, province, someone, "admin")
    assert roles_of(someone, province) == {"admin"}


def test_an_admin_who_reads_the_regencies_may_grant_viewer_but_not_reviewer(world):
    admin, province, someone = (
        world.users["province_admin"],
        world.units["61"],
        world.users["someone"],
    )
    UnitRole.objects.create(user=admin, unit=province, role=UnitRole.Role.VIEWER)
    forget_grants(admin)
    grant_role(admin, province, someone, "viewer")
    with pytest.raises(AccessError, match="meninjau"):
        grant_role(admin, province, someone, "reviewer")
    assert roles_of(someone, province) == {"viewer"}


def test_an_admin_who_reviews_the_regencies_may_grant_reviewer(world):
    reviewer, province, someone = (
        world.users["province_reviewer"],
        world.units["61"],
        world.users["someone"],
    )
    UnitRole.objects.create(user=reviewer, unit=province, role=UnitRole.Role.ADMIN)
    forget_grants(reviewer)
    grant_role(reviewer, province, someone, "reviewer")
    assert roles_of(someone, province) == {"reviewer"}


def test_kpu_ri_viewer_and_reviewer_roles_need_that_reach(world):
    admin, national, someone = (
        world.users["national_admin"],
        world.units["00"],
        world.users["someone"],
    )
    for role in ("viewer", "reviewer"):
        with pytest.raises(AccessError, match="akses baca"):
            grant_role(admin, national, someone, role)
    UnitRole.objects.create(user=admin, unit=national, role=UnitRole.Role.VIEWER)
    forget_grants(admin)
    grant_role(admin, national, someone, "viewer")
    with pytest.raises(AccessError, match="meninjau"):
        grant_role(admin, national, someone, "reviewer")
    assert roles_of(someone, national) == {"viewer"}


def test_the_superuser_grants_anything_to_others(world):
    superuser, province, someone = (
        world.users["superuser"],
        world.units["61"],
        world.users["someone"],
    )
    grant_role(superuser, province, someone, "reviewer")
    assert roles_of(someone, province) == {"reviewer"}
    with pytest.raises(AccessError, match="kepada diri sendiri"):
        grant_role(superuser, province, superuser, "viewer")


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ("unit_admin", "61"),  # above
        ("unit_admin", "6101"),  # beside
        ("unit_admin", "00"),
        ("province_admin", "6107"),  # below: reading or managing it is not the admin's
        ("province_admin", "62"),  # beside
    ],
)
def test_no_grant_outside_the_units_one_manages(world, actor, code):
    user, unit, someone = world.users[actor], world.units[code], world.users["someone"]
    for role in ("admin", "viewer"):
        with pytest.raises(PermissionDenied):
            grant_role(user, unit, someone, role)
        with pytest.raises(PermissionDenied):
            grant_role(user, unit, user, role)
    assert grantable_roles(user, unit) == []
    assert not UnitRole.objects.filter(unit=unit, user__in=[user, someone]).exists()


@pytest.mark.parametrize("actor", ["national_viewer", "province_reviewer", "steering"])
def test_reading_a_unit_is_not_managing_it(world, actor):
    user, unit = world.users[actor], world.units["6107"]
    assert grantable_roles(user, unit) == []
    with pytest.raises(PermissionDenied):
        grant_role(user, unit, world.users["someone"], "viewer")


def test_the_pages_refuse_a_grant_outside_ones_units(client, world):
    client.force_login(world.users["unit_admin"])
    for code in ("61", "6101"):
        response = client.post(
            reverse("units:role_add", args=[world.units[code].pk]),
            {"login": "unit_admin", "role": "viewer"},
        )
        assert response.status_code == 404, code
    assert roles_of(world.users["unit_admin"], world.units["61"]) == set()


def test_an_invitation_cannot_give_more_than_the_inviter_holds(world):
    admin, province = world.users["province_admin"], world.units["61"]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    with pytest.raises(AccessError, match="akses baca"):
        invite_user(
            admin,
            province,
            username="baru",
            full_name="Orang Baru",
            email="baru@example.test",
            role="reviewer",
            request=request,
        )
    assert not User.objects.filter(username="baru").exists()
    assert mail.outbox == []


def test_the_grant_form_offers_only_what_the_admin_may_grant(client, world):
    province = world.units["61"]
    client.force_login(world.users["province_admin"])
    html = client.get(reverse("units:detail", args=[province.pk])).content.decode()
    assert '<option value="admin"' in html
    assert '<option value="viewer"' not in html and '<option value="reviewer"' not in html
    html = client.get(reverse("units:invite", args=[province.pk])).content.decode()
    assert '<option value="viewer"' not in html and '<option value="reviewer"' not in html

    client.force_login(world.users["unit_admin"])
    html = client.get(reverse("units:detail", args=[world.units["6107"].pk])).content.decode()
    assert '<option value="viewer"' in html and '<option value="admin"' in html
    assert '<option value="reviewer"' not in html  # no units below a regency


def test_the_page_explains_a_refused_self_grant_and_a_refused_role(client, world):
    admin, province = world.users["province_admin"], world.units["61"]
    client.force_login(admin)
    url = reverse("units:role_add", args=[province.pk])
    html = client.post(url, {"login": "province_admin", "role": "admin"}, follow=True)
    assert "kepada diri sendiri" in html.content.decode()
    html = client.post(url, {"login": "someone", "role": "reviewer"}, follow=True)
    assert "tidak ada peran yang boleh melebihi hak Anda sendiri" in html.content.decode()
    assert roles_of(world.users["someone"], province) == set()
    assert roles_of(admin, province) == {"admin"}
    # and the regencies stay closed to the province's administrator
    plan = world.plans["6107"]
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404


# -- a place in the Tim RB grants rights too: no one links their own account ---------------


def test_an_admin_cannot_put_themselves_in_the_team(world):
    admin, team = world.users["unit_admin"], world.teams["6107"]
    data = MemberData(name="", user=admin, position=Position.PENGARAH_KETUA.value)
    TeamMember.objects.filter(team=team, position=Position.PENGARAH_KETUA).delete()
    before = TeamMember.objects.count()
    with pytest.raises(TeamError, match="akun Anda sendiri") as error:
        add_member(admin, team, data)
    assert error.value.field == "user"
    member = TeamMember.objects.get(user=world.users["agent"])
    with pytest.raises(TeamError, match="akun Anda sendiri"):
        update_member(admin, member, MemberData(name="x", user=admin, position=member.position))
    assert TeamMember.objects.count() == before
    assert TeamMember.objects.get(pk=member.pk).user == world.users["agent"]
    forget_grants(admin)
    assert not admin.has_perm(APPROVE_PLAN, world.plans["6107"])


def test_an_entry_already_linked_to_oneself_can_still_be_edited(world):
    admin, team = world.users["unit_admin"], world.teams["6107"]
    member = TeamMember.objects.create(
        team=team, user=admin, name="Admin", position=Position.AGEN_PERUBAHAN
    )
    update_member(
        admin, member, MemberData(name="Admin Satker", user=admin, position=member.position)
    )
    assert TeamMember.objects.get(pk=member.pk).name == "Admin Satker"


def test_the_member_form_does_not_offer_ones_own_account(client, world):
    admin, team = world.users["unit_admin"], world.teams["6107"]
    client.force_login(admin)
    form = client.get(reverse("teams:member_add", args=[team.pk])).context["form"]
    offered = {value for value, _label in form.fields["user"].choices if value}
    assert str(world.users["agent"].pk) in {str(value) for value in offered}
    assert str(admin.pk) not in {str(value) for value in offered}
