"""The schedule view of a plan, ``/rencana/<pk>/jadwal/`` (``dashboards:schedule``).

Read-only: whoever may read the plan sees its schedule (a plan they may not read is a 404,
through renaksi.access). The filter form is a GET form; with HTMX (``request.htmx``) only the
results (the grid, its counts and the form's errors) are rendered and swapped in, and the
response's ``HX-Push-Url`` is the page's address with only the filters given, so what the
browser shows can be copied and shared. Without JavaScript the same form reloads the page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.http import push_url

from renaksi.access.policy import VIEW_PLAN, get_plan_for_user

from . import asof
from .schedule import ScheduleFilterForm, filtered, link_cells, load_schedule


@login_required
def schedule_view(request: HttpRequest, plan: int) -> HttpResponse:
    """The plan's schedule grid, each cell in its state, with filters and search."""
    action_plan = get_plan_for_user(request.user, plan, perm=VIEW_PLAN)
    as_of = asof.for_plan(action_plan, request)
    schedule = load_schedule(action_plan, as_of.date)
    form = ScheduleFilterForm(request.GET or None, schedule)
    filters = form.filters()
    grid = filtered(schedule, filters, as_of.current_month)
    link_cells(grid, request.user)
    params = filters.params()
    if as_of.chosen:
        params[asof.PARAM] = as_of.date.isoformat()
    address = reverse("dashboards:schedule", args=[action_plan.pk])
    if params:
        address = f"{address}?{urlencode(params)}"
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request,
        "dashboards/schedule_results.html" if partial else "dashboards/schedule.html",
        {
            "plan": action_plan,
            "grid": grid,
            "form": form,
            "as_of": as_of,
            "address": address,
            "reset_address": reverse("dashboards:schedule", args=[action_plan.pk])
            + (f"?{as_of.query}" if as_of.chosen else ""),
        },
    )
    if partial:
        push_url(response, address)
    # The same address answers a page or its results: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
