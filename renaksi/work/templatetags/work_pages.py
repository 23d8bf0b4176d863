"""Template helpers of the year's work pages."""

from django import template

from renaksi.access.policy import grants_for

register = template.Library()


@register.filter
def has_assessor_place(user) -> bool:
    """Whether the user sits in a Tim Asesor anywhere (the grants are read once a request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    grants = grants_for(user)
    return bool(grants.assessor)
