"""Indonesian for everyone unless they chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, and many office PCs run an
English browser: they would get English month names inside Indonesian pages. Renaksi uses the
language the person chose (the language cookie, set by Django's set_language view) and
otherwise LANGUAGE_CODE ("id").
"""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class MethodNotAllowedPageMiddleware:
    """A 405 (an action's address opened as a page) shown in the layout with a way back.

    Views that act on a POST send a GET to the page where the action lives
    (core.decorators.post_only); this catches the rest, so no one meets a blank page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        from .views import method_not_allowed

        page = method_not_allowed(request)
        if "Allow" in response.headers:
            page.headers["Allow"] = response.headers["Allow"]
        return page
