"""The unit dashboard's page (renaksi/dashboards/unit.py computes it).

``/rencana/<pk>/dasbor/`` (``dashboards:unit``): whoever may read the plan (VIEW_PLAN) sees
it; 404 for a plan the reader may not see. ``?per=YYYY-MM-DD`` chooses the day
(renaksi/dashboards/asof.py), ``?pic=<user id>`` ("0": nobody named) filters the overdue
list. An htmx request targeting ``terlambat`` (the PIC filter of the overdue list) gets that
part only. The as-of form reloads the whole page: htmx, as configured in base.html
(allowScriptTags off), removes every <script> of swapped-in content, the charts' json_script
data too.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from renaksi.access.policy import VIEW_PLAN, assessments_visible_to, get_plan_for_user

from . import asof
from .unit import achievement_chart, lke_chart, schedule_url, unit_dashboard

PARTIALS = {"terlambat": "dashboards/unit_overdue.html"}


@login_required
def unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, perm=VIEW_PLAN)
    as_of = asof.for_plan(plan, request)
    pic = request.GET.get("pic", "")[:12]
    board = unit_dashboard(plan, as_of, assessments_visible_to(request.user), pic_filter=pic)
    base = reverse("dashboards:unit", args=[plan.pk])
    context = {
        "plan": plan,
        "board": board,
        "as_of": as_of,
        "param": asof.PARAM,
        "achievement_chart": achievement_chart(board),
        "lke_chart": lke_chart(board),
        "base_url": base,
        # The overdue list's own links keep the chosen day.
        "per_query": as_of.query,
        "schedule_url": schedule_url(plan.pk),
        "schedule_late_url": schedule_url(
            plan.pk, state="late", per=as_of.date.isoformat() if as_of.chosen else None
        ),
    }
    template = "dashboards/unit.html"
    if request.htmx and request.htmx.target in PARTIALS:
        template = PARTIALS[request.htmx.target]
    return render(request, template, context)
