"""Template helpers for the import links. They only hide links; the views decide."""

from django import template

from renaksi.access.policy import grants_for

register = template.Library()


@register.simple_tag(takes_context=True)
def may_import(context) -> bool:
    """Whether the signed-in user administers a unit (or all), so may import a decree."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    grants = grants_for(user)
    return grants.active and (grants.superuser or bool(grants.admin_units))
