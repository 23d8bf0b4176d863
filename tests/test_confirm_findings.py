"""Confirming the findings accepted in the browser import: all at once, by the plan's
administrator only, the first confirmation standing, each one in the audit trail."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.importer.services import import_decree
from renaksi.plans.models import ImportFinding
from renaksi.plans.services import confirm_finding, confirm_findings

from .decree_samples import bengkayang_bytes
from .import_support import make_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    unit = make_units()
    return import_decree(bengkayang_bytes(), unit=unit, filename="bengkayang.txt").plan


def person(plan, username, role):
    user = User.objects.create_user(username, password="x")
    UnitRole.objects.create(user=user, unit=plan.unit, role=role)
    return user


def test_confirms_all_in_a_fixed_number_of_queries(plan):
    admin = person(plan, "admin6107", UnitRole.Role.ADMIN)
    ids = list(plan.findings.values_list("pk", flat=True))
    assert len(ids) > 50
    confirm_findings(admin, plan, ids[:1])  # reads the grants and content types once
    with CaptureQueriesContext(connection) as few:
        confirm_findings(admin, plan, ids[1:3])
    with CaptureQueriesContext(connection) as many:
        confirmed = confirm_findings(admin, plan, ids[3:])
    assert len(confirmed) == len(ids) - 3
    assert len(many) == len(few) <= 12
    assert not plan.findings.filter(confirmed_at__isnull=True).exists()
    assert LogEntry.objects.filter(action="plan.finding_confirmed", plan=plan).count() == len(ids)


def test_the_first_confirmation_stands(plan):
    admin = person(plan, "admin6107", UnitRole.Role.ADMIN)
    other = person(plan, "other6107", UnitRole.Role.ADMIN)
    first = plan.findings.order_by("id").first()
    confirm_finding(other, first)
    confirmed = confirm_findings(admin, plan, [first.pk])
    assert confirmed == []
    first.refresh_from_db()
    assert first.confirmed_by == other
    assert LogEntry.objects.filter(action="plan.finding_confirmed").count() == 1


def test_only_findings_of_this_plan(plan):
    admin = person(plan, "admin6107", UnitRole.Role.ADMIN)
    foreign = ImportFinding.objects.create(plan=plan, kind="stray_text", message="x")
    foreign.plan_id = plan.pk
    confirmed = confirm_findings(admin, plan, [foreign.pk, 10**9])
    assert [f.pk for f in confirmed] == [foreign.pk]


def test_a_viewer_cannot_confirm(plan):
    viewer = person(plan, "viewer6107", UnitRole.Role.VIEWER)
    ids = list(plan.findings.values_list("pk", flat=True))
    with pytest.raises(PermissionDenied):
        confirm_findings(viewer, plan, ids)
    assert not plan.findings.filter(confirmed_at__isnull=False).exists()
    assert not LogEntry.objects.filter(action="plan.finding_confirmed").exists()
