"""Every page of Renaksi passes axe-core (WCAG 2.0/2.1 A and AA) at desktop size and on a
360 px phone, without page-level sideways scrolling on the phone, with no console error, CSP
violation or unexpected HTTP error; and the site menu and keyboard focus work on both.

The demo is seeded once for the module's crawl (one test: a transactional test's database is
emptied after it, and seeding takes most of the time); every page of tests/a11y_pages.py is
opened as its persona (one browser context per persona and size, signed in once), checked, and
screenshotted into test-output/screenshots as ``a11y-<name>-desktop.png`` / ``-phone.png``.
Every problem of every page is collected and reported together, so one run lists them all.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from .a11y_pages import NOT_PAGES, Page, demo_pages, prepare_demo_extras
from .browser_support import SCREENSHOTS, Visit

pytestmark = pytest.mark.django_db(transaction=True)

SHOT_HEIGHT = 5000  # CSS pixels of a page kept in its screenshot

# The error pages that only a failing view shows (tests/error_urls.py adds those views).
ERROR_PAGES = [
    Page("sekretariat", "error-400", "/uji/curiga/", 400),
    Page("sekretariat", "error-403-denied", "/uji/terlarang/", 403),
    Page("sekretariat", "error-405", "/uji/kirim/", 405),
    Page("sekretariat", "error-500", "/uji/rusak/", 500),
    Page(None, "error-500-anonymous", "/uji/rusak/", 500),
]


def _url_names(resolver=None, prefix="") -> set[str]:
    """Every named URL of the site, with its namespace (``plans:detail``)."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if pattern.namespace == "admin":
                names.add("admin")
                continue
            names |= _url_names(pattern, space)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def check_pages(browser, live_server, pages: list[Page], *, phone: bool) -> list[str]:
    """Open every page as its persona at one size; the problems found (empty: all clean)."""
    failures: list[str] = []
    visits: dict[str | None, Visit] = {}
    try:
        for page in pages:
            visit = visits.get(page.persona)
            if visit is None:
                visit = visits[page.persona] = Visit(browser, live_server, phone=phone)
                if page.persona:
                    visit.sign_in(page.persona, f"renaksi-{page.persona}")
            try:
                failures.extend(_check_one(visit, page))
            except Exception as error:  # a page that hangs or crashes the tab: report, go on
                failures.append(f"{page.persona} {page.name} {page.path} ({visit.size}): {error}")
    finally:
        for visit in visits.values():
            visit.context.close()
    return failures


def _check_one(visit: Visit, page: Page) -> list[str]:
    label = f"{page.persona or 'anonymous'} {page.name} {page.path} ({visit.size})"
    visit.take_problems()
    visit.allowed = []
    if page.status >= 400:
        # The page's own status, as the response and as the console's "Failed to load".
        visit.allow(rf"HTTP {page.status}: |status of {page.status} ")
    response = visit.go(page.path)
    if response is None or response.status != page.status:
        return [f"{label}: HTTP {response.status if response else None}, not {page.status}"]
    if visit.page.url.split("#")[0] != visit.url(page.path.split("#")[0]):
        return [f"{label}: redirected to {visit.page.url}"]
    name = "a11y-" + page.name.replace(":", "-")
    try:
        _screenshot(visit, name)
        visit.check(name, screenshot=False)
        if visit.size == "phone":
            visit.no_horizontal_scroll(name)
    except AssertionError as error:
        return [f"{label}: {error}"]
    return []


def _screenshot(visit: Visit, name: str) -> None:
    """The whole page, or its first SHOT_HEIGHT pixels when longer (the plan page's Lampiran
    is metres long on a phone: a full shot of it takes longer than Playwright waits)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = visit.page.evaluate("() => document.documentElement.scrollHeight")
    width = visit.page.viewport_size["width"]
    visit.page.screenshot(
        path=str(SCREENSHOTS / f"{name}-{visit.size}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(height, SHOT_HEIGHT)},
    )


def test_every_page_passes_axe_at_desktop_and_on_a_phone(live_server, browser, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    call_command("seed_demo", stdout=StringIO())
    prepare_demo_extras()
    pages = demo_pages() + ERROR_PAGES
    # Each URL name is crawled or listed as not a page: a new page must join the crawl.
    missing = _url_names() - {page.name for page in pages} - set(NOT_PAGES)
    assert not missing, f"pages not in tests/a11y_pages.py (nor in NOT_PAGES): {sorted(missing)}"
    stale = set(NOT_PAGES) - _url_names()
    assert not stale, f"NOT_PAGES names no URL of the site: {sorted(stale)}"
    failures = check_pages(browser, live_server, pages, phone=False)
    failures += check_pages(browser, live_server, pages, phone=True)
    assert not failures, f"{len(failures)} problems:\n\n" + "\n\n".join(failures)
