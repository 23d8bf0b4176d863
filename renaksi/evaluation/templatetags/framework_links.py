"""Template filters of the framework pages (no queries: the grants are read once a request)."""

from django import template

from renaksi.access.policy import grants_for

register = template.Library()


@register.filter
def sees_framework_menu(user) -> bool:
    """Whether the main menu shows "Kerangka evaluasi": for those who manage frameworks (a
    national administrator) and for reviewers and national readers, who compare units' LKE.
    Everyone signed in may open the pages; unit staff reach them from their LKE."""
    if not getattr(user, "is_authenticated", False):
        return False
    grants = grants_for(user)
    return grants.can_manage_frameworks() or grants.read_all or bool(grants.review_roots)
