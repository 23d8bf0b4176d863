"""The error pages: 400, 403, 404, 405, 500 and a refused form (CSRF), in the site's layout.

Each page says what happened in plain words and offers a way back: the previous page (when the
browser says it came from this site), the home page, and the sign-in page for someone not
signed in. None of them shows the exception or anything else about the server's insides.

The 500 page is rendered without the request's context processors and without the database
(either may be what failed): only what the request itself carries (its language cookie, its
Referer). If even that template cannot be rendered, a fixed page written here is sent.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.middleware.csrf import get_token
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _language(request: HttpRequest) -> str:
    """The reader's language, read like ChosenLanguageMiddleware does (no session, no DB)."""
    languages = {code for code, _name in settings.LANGUAGES}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    return chosen if chosen in languages else settings.LANGUAGE_CODE


def _back_url(request: HttpRequest) -> str:
    """The previous page, as a path on this site, or "" when there is none to trust."""
    referer = request.META.get("HTTP_REFERER", "") if request is not None else ""
    if not referer:
        return ""
    try:
        parts = urlsplit(referer)
        host = request.get_host()
    except Exception:  # DisallowedHost, a malformed header: no back link
        return ""
    if parts.scheme not in {"http", "https"} or parts.netloc != host:
        return ""
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return ""
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if request.method == "GET" and path == request.get_full_path():
        return ""  # the page that failed; after a refused POST, its form page is worth a link
    return path


def _links(request: HttpRequest) -> dict[str, str]:
    next_path = request.get_full_path() if request is not None else "/"
    return {
        "back_url": _back_url(request),
        "home_url": reverse("plans:list"),
        "login_url": f"{reverse('login')}?next={quote(next_path)}",
    }


def _render(request, template_name: str, response_class, **context) -> HttpResponse:
    with translation.override(_language(request)):
        body = loader.render_to_string(template_name, {**_links(request), **context}, request)
    return response_class(body)


@requires_csrf_token
def bad_request(request, exception=None):
    """handler400: SuspiciousOperation, DisallowedHost, BadRequest."""
    return _render(request, "400.html", HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request, exception=None):
    """handler403: PermissionDenied. The exception's text is not shown."""
    return _render(request, "403.html", HttpResponseForbidden)


@requires_csrf_token
def page_not_found(request, exception=None):
    """handler404. The exception's text is not shown (it may name a model or a pattern)."""
    return _render(request, "404.html", HttpResponseNotFound)


def method_not_allowed(request):
    """A 405 in the layout (core.middleware.MethodNotAllowedPageMiddleware)."""
    response = _render(request, "405.html", HttpResponse)
    response.status_code = 405
    return response


def csrf_failure(request, reason="", template_name=""):
    """CSRF_FAILURE_VIEW: the form was sent with an expired or missing security token."""
    return _render(request, "403_csrf.html", HttpResponseForbidden)


def server_error(request):
    """handler500: the layout without context processors or database; a fixed page if that fails."""
    language = _language(request)
    try:
        with translation.override(language):
            context = {
                "LANGUAGE_CODE": language,
                "LANGUAGES": settings.LANGUAGES,
                "back_url": _back_url(request),
                "home_url": reverse("plans:list"),
                # The footer's language form; the token comes from the cookie, not the DB.
                "csrf_token": get_token(request),
            }
            body = loader.render_to_string("500.html", context)
    except Exception:
        logger.exception("The 500 page could not be rendered; sending the fixed page")
        body = _fixed_500_page(language)
    return HttpResponseServerError(body)


_FIXED_TEXTS = {
    "id": (
        "Terjadi kesalahan",
        "Maaf, terjadi kesalahan di server. Kesalahan ini sudah dicatat. Coba lagi "
        "beberapa saat lagi.",
        "Ke halaman utama",
    ),
    "en": (
        "Something went wrong",
        "Sorry, something went wrong on the server. The error has been logged. Please try "
        "again in a moment.",
        "Go to the home page",
    ),
}


def _fixed_500_page(language: str) -> str:
    title, text, home = _FIXED_TEXTS.get(language, _FIXED_TEXTS["id"])
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Renaksi</title></head>"
        f'<body class="error-page"><main><p>500</p><h1>{escape(title)}</h1>'
        f'<p>{escape(text)}</p><p><a href="/">{escape(home)}</a></p></main></body></html>'
    )
