"""Template helpers for the plan-creation links. They only hide links; the views decide."""

from django import template

from renaksi.access.policy import grants_for

register = template.Library()


@register.simple_tag(takes_context=True)
def may_create_plan(context) -> bool:
    """Whether the signed-in user administers a unit (or all), so may create a plan."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    grants = grants_for(user)
    return grants.active and (grants.superuser or bool(grants.admin_units))


@register.simple_tag(takes_context=True)
def may_copy_plan(context, plan) -> bool:
    """Whether the signed-in user may copy ``plan`` into a later year (manages its unit)."""
    user = context.get("user")
    if user is None or plan is None or not user.is_authenticated:
        return False
    # The MANAGE_UNIT rule itself, read from the grants (no query, even for a list of plans).
    return grants_for(user).can_manage_unit(plan.unit_id)
