"""How often a password-reset link may be asked for: per address and per client.

Counts live in Django's cache (``CACHES``; by default the memory of each server process) in
fixed windows of ``PASSWORD_RESET_LIMIT_MINUTES``: at most ``PASSWORD_RESET_LIMIT_PER_ADDRESS``
requests for one e-mail address, and ``PASSWORD_RESET_LIMIT_PER_CLIENT`` from one client
address (read like the sign-in lock-out does, RENAKSI_PROXY_COUNT included). Every request
counts, whether or not an account has the address, so the limit tells nothing about accounts.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .lockout import client_address

_PREFIX = "renaksi:password-reset"


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int  # seconds


def _keys(kind: str, value: str) -> tuple[str, str]:
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{_PREFIX}:{kind}:{digest}:count", f"{_PREFIX}:{kind}:{digest}:start"


def check_and_count(request, email: str) -> Refusal | None:
    """A refusal if this address or this client reached its limit; otherwise count the request.

    A refused request is not counted, so retrying does not push the window further.
    """
    window = settings.PASSWORD_RESET_LIMIT_MINUTES * 60
    now = int(time.time())
    counters = [
        ("address", email.strip().lower(), settings.PASSWORD_RESET_LIMIT_PER_ADDRESS),
        ("client", client_address(request) or "unknown", settings.PASSWORD_RESET_LIMIT_PER_CLIENT),
    ]
    for kind, value, limit in counters:
        count_key, start_key = _keys(kind, value)
        if (cache.get(count_key) or 0) >= limit:
            started = cache.get(start_key) or now
            wait = max(window - (now - started), 1)
            return Refusal(_message(kind, limit, wait), wait)
    for kind, value, _limit in counters:
        count_key, start_key = _keys(kind, value)
        if cache.add(start_key, now, window):
            cache.set(count_key, 0, window)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between the two calls
            cache.set(start_key, now, window)
            cache.set(count_key, 1, window)
    return None


def _message(kind: str, limit: int, wait: int) -> str:
    minutes = max(1, -(-wait // 60))  # rounded up
    later = ngettext(
        "Coba lagi dalam %(minutes)d menit.", "Coba lagi dalam %(minutes)d menit.", minutes
    ) % {"minutes": minutes}
    if kind == "address":
        text = _(
            "Tautan atur ulang kata sandi untuk alamat ini sudah diminta %(limit)d kali dalam "
            "%(window)d menit terakhir. Periksa kotak masuk dan folder spam email Anda."
        )
    else:
        text = _(
            "Terlalu banyak permintaan atur ulang kata sandi dari perangkat atau jaringan Anda "
            "(%(limit)d kali dalam %(window)d menit terakhir)."
        )
    return f"{text % {'limit': limit, 'window': settings.PASSWORD_RESET_LIMIT_MINUTES}} {later}"
