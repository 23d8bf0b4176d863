"""The access layer's rules for actions that have no page yet (realisation, evidence, LKE)."""

import pytest

from renaksi.access.models import UnitRole
from renaksi.access.policy import (
    ADD_EVIDENCE,
    APPROVE_PLAN,
    CHANGE_PLAN,
    CHANGE_TEAM,
    EDIT_REALISATION,
    FILL_EVALUATION,
    MANAGE_UNIT,
    REVIEW_PLAN,
    VERIFY_EVIDENCE,
    VIEW_PLAN,
    VIEW_TEAM,
    forget_grants,
    grants_for,
    plans_visible_to,
    sub_activities_assigned_to,
    teams_visible_to,
    units_visible_to,
)
from renaksi.plans.models import SubActivity
from renaksi.teams.models import Position, TeamMember

from .permission_world import PERSONAS, UNIT_CODES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def holders(world, perm, obj) -> set[str]:
    """The personas that hold ``perm`` on ``obj``."""
    from django.contrib.auth.models import AnonymousUser

    result = set()
    for persona in PERSONAS:
        user = world.users[persona] or AnonymousUser()
        if user.has_perm(perm, obj):
            result.add(persona)
    return result


def sub(world, code, area):
    return SubActivity.objects.select_related("activity__area__plan").get(
        pk=world.subs[(code, area)].pk
    )


def test_realisations_only_by_the_areas_implementers(world):
    assert holders(world, EDIT_REALISATION, sub(world, "6107", 5)) == {"implementer5", "superuser"}
    assert holders(world, EDIT_REALISATION, sub(world, "6107", 1)) == {"superuser"}
    assert holders(world, EDIT_REALISATION, sub(world, "6101", 5)) == {"other_regency", "superuser"}


def test_pic_of_a_sub_activity_or_activity_reports_on_it(world):
    area1 = sub(world, "6107", 1)
    area1.pic = world.users["assessor"]
    area1.save()
    assert "assessor" in holders(world, EDIT_REALISATION, sub(world, "6107", 1))
    activity = area1.activity
    activity.pic = world.users["agent"]
    activity.save()
    assert {"assessor", "agent"} <= holders(world, EDIT_REALISATION, sub(world, "6107", 1))


def test_change_agents_contribute_evidence_but_do_not_edit_realisations(world):
    target = sub(world, "6107", 1)
    assert holders(world, ADD_EVIDENCE, target) == {"agent", "superuser"}
    assert "agent" not in holders(world, EDIT_REALISATION, target)
    assert holders(world, ADD_EVIDENCE, sub(world, "6107", 5)) == {
        "agent",
        "implementer5",
        "superuser",
    }


def test_assessors_verify_and_evaluate_but_do_not_edit_realisations(world):
    plan = world.plans["6107"]
    assert holders(world, VERIFY_EVIDENCE, plan) == {"assessor", "superuser"}
    assert holders(world, FILL_EVALUATION, plan) == {"assessor", "superuser"}
    assert "assessor" not in holders(world, EDIT_REALISATION, sub(world, "6107", 5))
    assert "assessor" not in holders(world, CHANGE_PLAN, plan)


def test_reviewers_review_the_units_below_them_only(world):
    for code, expected in {
        "00": {"superuser"},
        "61": {"national_reviewer", "superuser"},
        "6107": {"province_reviewer", "national_reviewer", "superuser"},
        "6101": {"province_reviewer", "national_reviewer", "superuser"},
        "62": {"national_reviewer", "superuser"},
        "6201": {"national_reviewer", "superuser"},
    }.items():
        assert holders(world, REVIEW_PLAN, world.plans[code]) == expected, code


def test_a_reviewer_at_kpu_ri_reviews_everything_below(world):
    from django.contrib.auth.models import User

    user = User.objects.create_user("ri-reviewer")
    UnitRole.objects.create(user=user, unit=world.units["00"], role=UnitRole.Role.REVIEWER)
    reviewed = {code for code in UNIT_CODES if user.has_perm(REVIEW_PLAN, world.plans[code])}
    assert reviewed == set(UNIT_CODES) - {"00"}


def test_steering_approves_and_the_admin_manages(world):
    plan = world.plans["6107"]
    assert holders(world, APPROVE_PLAN, plan) == {"steering", "superuser"}
    assert holders(world, CHANGE_PLAN, plan) == {"unit_admin", "superuser"}
    assert holders(world, MANAGE_UNIT, world.units["6107"]) == {"unit_admin", "superuser"}
    assert holders(world, CHANGE_TEAM, world.teams["6107"]) == {"unit_admin", "superuser"}
    assert holders(world, VIEW_TEAM, world.teams["6107"]) == holders(world, VIEW_PLAN, plan)


def test_querysets_agree_with_object_checks(world):
    for persona in PERSONAS:
        user = world.users[persona]
        if user is None:
            continue
        seen_plans = set(plans_visible_to(user).values_list("unit__code", flat=True))
        assert seen_plans == {c for c in UNIT_CODES if user.has_perm(VIEW_PLAN, world.plans[c])}
        assert set(units_visible_to(user).values_list("code", flat=True)) == seen_plans
        assert set(teams_visible_to(user).values_list("unit__code", flat=True)) == seen_plans


def test_one_person_many_roles_in_many_units(world):
    user = world.users["other_regency"]  # Tim Pelaksana Area 5 in Sambas
    TeamMember.objects.create(
        team=world.teams["6107"], user=user, name="x", position=Position.ASESOR_ANGGOTA
    )
    UnitRole.objects.create(user=user, unit=world.units["62"], role=UnitRole.Role.ADMIN)
    forget_grants(user)
    assert set(plans_visible_to(user).values_list("unit__code", flat=True)) == {
        "6101",
        "6107",
        "62",
    }
    assert user.has_perm(VERIFY_EVIDENCE, world.plans["6107"])
    assert not user.has_perm(VERIFY_EVIDENCE, world.plans["6101"])
    assert user.has_perm(MANAGE_UNIT, world.units["62"])
    assert not user.has_perm(MANAGE_UNIT, world.units["6201"])


def test_team_roles_are_per_year(world):
    plan_2023 = world.plans["6107"]
    plan_2023.pk = None
    plan_2023.year = 2023
    plan_2023.save()
    steering = world.users["steering"]
    assert steering.has_perm(VIEW_PLAN, plan_2023)  # still a member of the unit
    assert not steering.has_perm(APPROVE_PLAN, plan_2023)  # but not 2023's Tim Pengarah


def test_inactive_user_has_no_grants(world):
    user = world.users["national_viewer"]
    user.is_active = False
    user.save()
    forget_grants(user)
    assert not plans_visible_to(user).exists()
    assert not user.has_perm(VIEW_PLAN, world.plans["00"])


def test_assigned_sub_activities(world):
    names = set(
        sub_activities_assigned_to(world.users["implementer5"]).values_list("name", flat=True)
    )
    assert names == {"Sub kegiatan 6107.5"}
    assert not sub_activities_assigned_to(world.users["assessor"]).exists()


def test_grants_cost_a_constant_number_of_queries(world, django_assert_max_num_queries):
    user = world.users["province_reviewer"]
    forget_grants(user)
    with django_assert_max_num_queries(3):
        grants_for(user)
    with django_assert_max_num_queries(0):
        for code in UNIT_CODES:
            user.has_perm(VIEW_PLAN, world.plans[code])
            user.has_perm(REVIEW_PLAN, world.plans[code])
