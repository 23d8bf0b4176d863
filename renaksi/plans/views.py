from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import get_plan_for_user, plans_visible_to


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = plans_visible_to(request.user).select_related("unit")
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    return render(request, "plans/plan_detail.html", {"plan": plan})
