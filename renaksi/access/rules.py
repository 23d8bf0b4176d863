"""Object permissions, registered with django-rules: ``user.has_perm(PERM, obj)``.

Each predicate reads the user's grants (renaksi/access/policy.py) and the object's own fields,
so a check costs no query once the grants are loaded. Objects must be loaded with the
relations the predicate reads (``select_related``), which the ``*_visible_to`` loaders do.
"""

import rules

from . import policy
from .policy import grants_for


def _unit_and_year_of(obj) -> tuple[int, int]:
    """(unit id, year) of a plan, a team, a sub-activity, a change agent's plan or action, or
    a row of the year's work (which carries unit_id and year itself)."""
    if hasattr(obj, "activity_id"):  # a SubActivity
        plan = obj.activity.area.plan
        return plan.unit_id, plan.year
    if hasattr(obj, "agent_plan_id"):  # a ChangeAgentAction
        plan = obj.agent_plan.plan
        return plan.unit_id, plan.year
    if hasattr(obj, "agent_id") and hasattr(obj, "plan_id"):  # a ChangeAgentPlan
        return obj.plan.unit_id, obj.plan.year
    return obj.unit_id, obj.year


@rules.predicate
def can_view_unit(user, unit) -> bool:
    return unit is not None and grants_for(user).can_read_unit(unit.pk)


@rules.predicate
def can_manage_unit(user, unit) -> bool:
    return unit is not None and grants_for(user).can_manage_unit(unit.pk)


@rules.predicate
def can_view_in_unit(user, obj) -> bool:
    return obj is not None and grants_for(user).can_read_unit(obj.unit_id)


@rules.predicate
def can_manage_in_unit(user, obj) -> bool:
    return obj is not None and grants_for(user).can_manage_unit(obj.unit_id)


@rules.predicate
def can_review_plan(user, plan) -> bool:
    return plan is not None and grants_for(user).can_review_unit(plan.unit_id)


@rules.predicate
def is_steering(user, plan) -> bool:
    if plan is None:
        return False
    grants = grants_for(user)
    return grants.superuser or grants.is_steering(plan.unit_id, plan.year)


@rules.predicate
def is_assessor(user, obj) -> bool:
    if obj is None:
        return False
    grants = grants_for(user)
    return grants.superuser or grants.is_assessor(*_unit_and_year_of(obj))


@rules.predicate
def reports_on(user, sub) -> bool:
    """An implementer of the sub-activity's area, or its (or its activity's) PIC while the PIC
    still belongs to the unit (a role there or a place in one of its teams). For a change
    agent's action: the agent whose plan it is, while a change agent of that unit and year."""
    if sub is None:
        return False
    grants = grants_for(user)
    if grants.superuser:
        return True
    if not grants.active:
        return False
    if hasattr(sub, "agent_plan_id"):  # a ChangeAgentAction
        agent_plan = sub.agent_plan
        return agent_plan.agent_id == user.pk and grants.is_change_agent(
            *_unit_and_year_of(agent_plan)
        )
    unit_id, year = _unit_and_year_of(sub)
    if user.pk in (sub.pic_id, sub.activity.pic_id) and grants.belongs_to_unit(unit_id):
        return True
    return grants.implements(unit_id, year, sub.activity.area.number)


@rules.predicate
def owns_agent_plan(user, agent_plan) -> bool:
    """The change agent whose plan it is, while a change agent of the unit and year."""
    if agent_plan is None:
        return False
    grants = grants_for(user)
    return agent_plan.agent_id == user.pk and grants.is_change_agent(*_unit_and_year_of(agent_plan))


@rules.predicate
def can_manage_agent_plan_unit(user, agent_plan) -> bool:
    return agent_plan is not None and grants_for(user).can_manage_unit(agent_plan.plan.unit_id)


@rules.predicate
def is_change_agent(user, sub) -> bool:
    return sub is not None and grants_for(user).is_change_agent(*_unit_and_year_of(sub))


@rules.predicate
def manages_or_steers(user, obj) -> bool:
    """The unit's administrator or its Tim Pengarah for the year (plan, QuarterReport,
    FollowUp, Assessment: anything with unit_id and year)."""
    if obj is None:
        return False
    grants = grants_for(user)
    unit_id, year = _unit_and_year_of(obj)
    return grants.can_manage_unit(unit_id) or grants.is_steering(unit_id, year)


@rules.predicate
def owns_follow_up(user, follow_up) -> bool:
    """The follow-up's owner, while they still belong to its unit."""
    if follow_up is None or not user.is_authenticated:
        return False
    return follow_up.owner_id == user.pk and grants_for(user).belongs_to_unit(follow_up.unit_id)


@rules.predicate
def fills_assessment(user, assessment) -> bool:
    """The unit's administrator, its Tim Pengarah, or any of its Tim Pelaksana for the year."""
    if assessment is None:
        return False
    grants = grants_for(user)
    unit_id, year = assessment.unit_id, assessment.year
    if grants.superuser or grants.can_manage_unit(unit_id) or grants.is_steering(unit_id, year):
        return True
    return any(u == unit_id and y == year for u, y, _area in grants.implementer_areas)


@rules.predicate
def reviews_at_parent(user, assessment) -> bool:
    """A reviewer in the KPU Provinsi directly above the assessed unit."""
    if assessment is None:
        return False
    from renaksi.units.models import Unit

    unit = assessment.unit
    if unit.level != Unit.Level.KABUPATEN_KOTA or unit.parent_id is None:
        return False
    return grants_for(user).reviews_at(unit.parent_id)


@rules.predicate
def reviews_nationally(user, assessment) -> bool:
    """A reviewer at KPU RI (review over every unit below it); not for KPU RI's own LKE."""
    if assessment is None:
        return False
    grants = grants_for(user)
    if grants.superuser:
        return True
    return bool(grants.review_all_below) and assessment.unit_id not in grants.review_all_below


@rules.predicate
def manages_frameworks(user) -> bool:
    return grants_for(user).can_manage_frameworks()


@rules.predicate
def reviews_at_submission(user, submission) -> bool:
    return submission is not None and grants_for(user).reviews_at(submission.at_unit_id)


@rules.predicate
def reviews_above_submission(user, submission) -> bool:
    """A reviewer of the submission's current unit or of any unit above the submitting one."""
    if submission is None:
        return False
    grants = grants_for(user)
    if grants.reviews_at(submission.at_unit_id):
        return True
    unit = submission.unit
    return (
        unit.parent_id is not None
        and (grants.reviews_at(unit.parent_id) or bool(grants.review_all_below))
        and unit.pk not in grants.review_all_below
    )


rules.add_perm(policy.VIEW_UNIT, can_view_unit)
rules.add_perm(policy.MANAGE_UNIT, can_manage_unit)
rules.add_perm(policy.VIEW_PLAN, can_view_in_unit)
rules.add_perm(policy.CHANGE_PLAN, can_manage_in_unit)
rules.add_perm(policy.APPROVE_PLAN, is_steering)
rules.add_perm(policy.REVIEW_PLAN, can_review_plan)
rules.add_perm(policy.FILL_EVALUATION, is_assessor)
rules.add_perm(policy.VERIFY_EVIDENCE, is_assessor)
rules.add_perm(policy.EDIT_REALISATION, reports_on)
rules.add_perm(policy.ADD_EVIDENCE, reports_on | is_change_agent)
rules.add_perm(policy.VERIFY_REALISATION, is_assessor)
rules.add_perm(policy.VIEW_EVIDENCE, can_view_in_unit)
rules.add_perm(policy.MANAGE_AGENT_PLAN, owns_agent_plan | can_manage_agent_plan_unit)
rules.add_perm(policy.VIEW_TEAM, can_view_in_unit)
rules.add_perm(policy.CHANGE_TEAM, can_manage_in_unit)
rules.add_perm(policy.EDIT_MONITORING, manages_or_steers)
rules.add_perm(policy.UPDATE_FOLLOW_UP, manages_or_steers | owns_follow_up)
rules.add_perm(policy.FILL_ASSESSMENT, fills_assessment)
rules.add_perm(policy.SCORE_AS_UNIT_ASSESSOR, is_assessor)
rules.add_perm(policy.SCORE_AS_PROVINCE, reviews_at_parent)
rules.add_perm(policy.SCORE_AS_NATIONAL, reviews_nationally)
rules.add_perm(policy.MANAGE_FRAMEWORK, manages_frameworks)
rules.add_perm(policy.SUBMIT_PERIOD, can_manage_in_unit)
rules.add_perm(policy.DECIDE_SUBMISSION, reviews_at_submission)
rules.add_perm(policy.REOPEN_SUBMISSION, reviews_above_submission)
rules.add_perm(policy.PUBLISH_PLAN, can_manage_in_unit)
