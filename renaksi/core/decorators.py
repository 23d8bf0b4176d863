"""View decorators shared by the apps."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest


def post_only(target: Callable[..., str]):
    """Like ``require_POST``, but a GET goes to the page where the action lives.

    A reload of the page a POST returned, a bookmark, or the footer's language switch (which
    sends the reader back to the current address) arrive as a GET: they get a redirect to
    ``target(request, **url_kwargs)`` instead of a blank 405. The target page does its own
    access checks, and nothing is changed by the GET. Other methods are still refused.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method in {"GET", "HEAD"}:
                return redirect(target(request, *args, **kwargs))
            if request.method != "POST":
                return HttpResponseNotAllowed(["GET", "POST"])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# GET shows the page (a confirmation), POST acts on it.
get_or_post = require_http_methods(["GET", "HEAD", "POST"])
