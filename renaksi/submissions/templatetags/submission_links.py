"""Template helpers of the submission chain's menu entry (no query: the grants are read once
a request and kept on the user)."""

from django import template

from renaksi.access.policy import grants_for

register = template.Library()


@register.filter
def sees_submission_chain(user) -> bool:
    """Whether the menu shows "Laporan berjenjang": a unit's administrator (who sends), a
    reviewer or reader of a unit (who decides or watches), or the system administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    grants = grants_for(user)
    return bool(
        grants.superuser
        or grants.read_all
        or grants.admin_units
        or grants.review_roots
        or grants.read_units
    )
