"""The one place that decides which plans a user may see or change.

Views, the future API, exports and commands all load plans through these functions.
This first version: any active signed-in user may read every plan; changing a plan needs the
``plans.change_actionplan`` permission. Issue #3 replaces it with unit- and role-based rules.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import ActionPlan


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[ActionPlan]:
    if not user.is_authenticated or not user.is_active:
        return ActionPlan.objects.none()
    return ActionPlan.objects.all()


def can_change_plan(user: User | AnonymousUser, plan: ActionPlan) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("plans.change_actionplan")


def get_plan_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> ActionPlan:
    """Load one plan: 404 if the user may not see it, 403 if they may see but not change it."""
    try:
        plan = plans_visible_to(user).select_related("unit").get(pk=pk)
    except ActionPlan.DoesNotExist as exc:
        raise Http404 from exc
    if write and not can_change_plan(user, plan):
        raise PermissionDenied
    return plan
