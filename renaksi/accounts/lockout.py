"""How django-axes counts failed sign-ins, and what a locked-out person sees.

Failures are counted per account and IP address. The count is keyed on the account a login
names, not on the text typed, so "Budi@KPU.go.id", "budi@kpu.go.id" and the username "budi"
share one counter and one lock.
"""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from .backends import find_user


def lockout_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the canonical name failures are counted under."""
    field = settings.AXES_USERNAME_FORM_FIELD
    login = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    if login is None:
        return None
    user = find_user(str(login))
    name = user.get_username() if user is not None else str(login).strip()
    # Lower-casing can lengthen a text ("İ" → "i̇"); axes stores at most 255 characters.
    return name.lower()[:255]


def retry_at(request, credentials=None):
    """When the lock on this request's account and address lifts."""
    cool_off = get_cool_off(request) or timedelta(0)
    latest = None
    handler = AxesProxyHandler.get_implementation()
    if hasattr(handler, "get_user_attempts"):
        for attempts in handler.get_user_attempts(request, credentials):
            for attempt_time in attempts.values_list("attempt_time", flat=True):
                if latest is None or attempt_time > latest:
                    latest = attempt_time
    return (latest or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: an Indonesian page saying when to try again (HTTP 429)."""
    until = retry_at(request, credentials)
    wait = max(until - timezone.now(), timedelta(0))
    minutes = max(1, -(-int(wait.total_seconds()) // 60))  # rounded up
    response = render(
        request,
        "registration/lockout.html",
        {
            "retry_at": until,
            "minutes": minutes,
            "failure_limit": get_failure_limit(request, credentials),
            "cool_off_minutes": int((get_cool_off(request) or timedelta(0)).total_seconds() // 60),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(wait.total_seconds()) or 1)
    return response


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address failures are counted under.

    With RENAKSI_PROXY_COUNT = N trusted reverse proxies in front of Renaksi, each appends the
    address it received the request from to X-Forwarded-For, so the client is the N-th address
    from the right. Without proxies (N = 0) it is REMOTE_ADDR. Addresses further left are
    ignored: the client could have written them.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
