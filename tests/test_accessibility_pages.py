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

# The crawl checks markup, which does not depend on the database: it runs in the SQLite run
# only (tests/conftest.py), to keep CI's two runs within their time.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.markup]

SHOT_HEIGHT = 3000  # CSS pixels of a page kept in its screenshot
TIMEOUT = 120_000  # ms for a page to load or be screenshotted on a busy machine

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
    shots: dict[str, int] = {}
    try:
        for page in pages:
            shots[page.name] = shots.get(page.name, 0) + 1
            visit = visits.get(page.persona)
            if visit is None:
                visit = visits[page.persona] = Visit(browser, live_server, phone=phone)
                visit.page.set_default_timeout(TIMEOUT)  # a busy CI machine: the big pages
                if page.persona:
                    visit.sign_in(page.persona, f"renaksi-{page.persona}")
            try:
                failures.extend(_check_one(visit, page, shots[page.name]))
            except Exception as error:  # a page that hangs or crashes the tab: report, go on
                failures.append(f"{page.persona} {page.name} {page.path} ({visit.size}): {error}")
                visits.pop(page.persona).context.close()  # a fresh tab for the next page
    finally:
        for visit in visits.values():
            visit.context.close()
    return failures


def _check_one(visit: Visit, page: Page, nth: int) -> list[str]:
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
    name = "a11y-" + page.name.replace(":", "-") + (f"-{nth}" if nth > 1 else "")
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
        timeout=TIMEOUT,
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


# ---------------------------------------------------------------- the menu and the focus

PASSWORD = "rahasia-panjang-1"


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user(
        "pembaca", email="pembaca@example.test", password=PASSWORD, first_name="Pembaca"
    )


def _menu_state(visit: Visit) -> tuple[str | None, bool]:
    button = visit.page.locator("[data-menu-toggle]")
    link = visit.page.locator(".site-nav a", has_text="Satker")
    return button.get_attribute("aria-expanded"), link.is_visible()


def test_the_site_menu_on_a_phone_opens_and_closes_from_the_keyboard(live_server, browser, reader):
    with Visit(browser, live_server, phone=True) as visit:
        visit.sign_in("pembaca", PASSWORD)
        visit.go("/satker/")
        button = visit.page.locator("[data-menu-toggle]")
        assert button.is_visible()
        assert _menu_state(visit) == ("false", False)  # folded: the links are hidden
        visit.check("a11y-menu-closed")
        # Skip link, brand, then the menu button; Enter opens it.
        for _ in range(3):
            visit.page.keyboard.press("Tab")
        assert visit.page.evaluate("() => document.activeElement.hasAttribute('data-menu-toggle')")
        visit.page.keyboard.press("Enter")
        assert _menu_state(visit) == ("true", True)
        assert visit.page.locator(".account__logout button").is_visible()
        visit.check("a11y-menu-open")
        visit.no_horizontal_scroll("a11y-menu-open")
        # The next Tab goes into the menu, to its first link.
        visit.page.keyboard.press("Tab")
        assert visit.page.evaluate("() => document.activeElement.textContent.trim()") == (
            "Pekerjaan saya"
        )
        # Escape folds it and gives the focus back to the button.
        visit.page.keyboard.press("Escape")
        assert _menu_state(visit) == ("false", False)
        assert visit.page.evaluate("() => document.activeElement.hasAttribute('data-menu-toggle')")
        # A tap opens and closes it too.
        button.click()
        assert _menu_state(visit) == ("true", True)
        button.click()
        assert _menu_state(visit) == ("false", False)


def test_on_a_wide_screen_the_menu_is_open_without_a_button(live_server, browser, reader):
    with Visit(browser, live_server) as visit:
        visit.sign_in("pembaca", PASSWORD)
        visit.go("/satker/")
        assert not visit.page.locator("[data-menu-toggle]").is_visible()
        assert visit.page.locator(".site-nav a", has_text="Satker").is_visible()


def test_the_menu_stays_open_without_javascript(live_server, browser, reader):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/masuk/")
        page.fill("input[name=username]", "pembaca")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("load")
        assert not page.locator("[data-menu-toggle]").is_visible()
        assert page.locator(".site-nav a", has_text="Satker").is_visible()
    finally:
        context.close()


FOCUS_RING = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {tag: e.tagName, text: (e.textContent || e.name || "").trim().slice(0, 40),
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, shadow: style.boxShadow};
}"""


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_keyboard_focus_is_visible_on_every_control(live_server, browser, reader, phone):
    """Tab through the sign-in page and a signed-in page: every element that takes the focus
    shows the yellow ring (3 px) around the dark one."""
    with Visit(browser, live_server, phone=phone) as visit:
        visit.go("/masuk/")
        rings = _tab_through(visit)
        visit.sign_in("pembaca", PASSWORD)
        visit.go("/satker/")
        if phone:
            visit.page.locator("[data-menu-toggle]").click()
        rings += _tab_through(visit)
        assert len(rings) >= 10, rings
        missing = [r for r in rings if r["outline"] != "solid" or r["width"] < 3]
        assert not missing, missing
        assert all("rgb(29, 35, 43)" in r["shadow"] for r in rings), rings


def _tab_through(visit: Visit, limit: int = 25) -> list[dict]:
    visit.page.evaluate("() => document.activeElement && document.activeElement.blur()")
    rings = []
    for _ in range(limit):
        visit.page.keyboard.press("Tab")
        ring = visit.page.evaluate(FOCUS_RING)
        if ring["tag"] == "BODY" or (rings and ring == rings[0]):
            break
        rings.append(ring)
    return rings
