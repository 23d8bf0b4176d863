"""Revoking follows the same reach as granting, and both are in the audit trail."""

import pytest
from django.contrib.auth.models import User

from renaksi.access.models import UnitRole
from renaksi.access.services import AccessError, grant_role, revoke_role
from renaksi.audit.models import LogEntry

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


def test_a_province_admin_cannot_revoke_a_role_it_could_not_grant(world):
    province, someone = world.units["61"], world.users["someone"]
    system = User.objects.create_superuser("system", "system@example.test", "x")
    reviewer = grant_role(system, province, someone, "reviewer")
    with pytest.raises(AccessError, match="melebihi hak Anda"):
        revoke_role(world.users["province_admin"], reviewer)
    assert UnitRole.objects.filter(pk=reviewer.pk).exists()
    revoke_role(system, reviewer)  # whoever could grant it may
    assert not UnitRole.objects.filter(pk=reviewer.pk).exists()


def test_grant_and_revoke_are_in_the_audit_trail(world):
    province, someone = world.units["61"], world.users["someone"]
    admin = world.users["province_admin"]
    granted = grant_role(admin, province, someone, "admin")
    revoke_role(admin, granted)
    entries = list(
        LogEntry.objects.filter(unit=province, action__startswith="unit.role_")
        .order_by("id")
        .values_list("action", "actor__username", "data")
    )
    assert entries == [
        ("unit.role_granted", "province_admin", {"user": "someone", "role": "admin"}),
        ("unit.role_revoked", "province_admin", {"user": "someone", "role": "admin"}),
    ]
