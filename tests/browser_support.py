"""What every browser journey needs: a page at desktop or phone size that records every script
error, failed request and Content-Security-Policy violation, an accessibility check with the
vendored axe-core (tests/vendor/axe, WCAG 2.0/2.1 A and AA rules), and screenshots saved into
the test output folder.

    with Visit(browser, live_server, phone=True) as visit:
        visit.sign_in("pelaksana1", "renaksi-pelaksana1")
        visit.go("/pekerjaan-saya/")
        visit.check("work-my-work")   # axe + no problem so far + screenshot

``check`` fails the test on any axe violation and on any console error, uncaught exception,
CSP violation or 4xx/5xx response seen since the page was opened (an expected one can be
allowed with ``allow``). Screenshots go to ``$RENAKSI_TEST_OUTPUT/screenshots`` (default
``test-output/screenshots`` at the project root), named ``<name>-desktop.png`` or
``<name>-phone.png``. axe-core is run through the DevTools protocol (``page.evaluate``),
which the page's CSP does not govern, so the page is checked under its real policy.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE_SOURCE_PATH = Path(__file__).resolve().parent / "vendor" / "axe" / "axe.min.js"
OUTPUT = Path(os.environ.get("RENAKSI_TEST_OUTPUT") or ROOT / "test-output")
SCREENSHOTS = OUTPUT / "screenshots"

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}

# The rules of WCAG 2.0 and 2.1, levels A and AA (axe-core's tags).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Reports CSP violations as console errors too (an init script runs outside the page's CSP).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI
    + " (" + (event.sourceFile || "") + ":" + event.lineNumber + ")");
});
"""

_AXE_RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags},
                                                 resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)
  }));
}"""


def _axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; its violations of WCAG 2.1 A/AA."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(_axe_source())
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"])
    return "\n".join(lines)


class Visit:
    """One browser context (desktop or phone size) that watches everything that goes wrong."""

    def __init__(self, browser, live_server, *, phone=False, language=None, downloads=False):
        self.live_server = live_server
        self.size = "phone" if phone else "desktop"
        options = {
            "viewport": PHONE if phone else DESKTOP,
            "accept_downloads": downloads,
            # The browser's own locale as the users' (date fields read dd/mm/yyyy).
            "locale": "en-US" if language == "en" else "id-ID",
        }
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        self.context = browser.new_context(**options)
        if language:
            self.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
        self.context.add_init_script(_CSP_LISTENER)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("response", self._on_response)

    def __enter__(self) -> Visit:
        return self

    def __exit__(self, *exc) -> None:
        self.context.close()

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.live_server.url}{path}"

    def go(self, path: str):
        response = self.page.goto(self.url(path))
        self.page.wait_for_load_state("load")
        return response

    def sign_in(self, username: str, password: str) -> None:
        self.go("/masuk/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("load")
        if "/masuk/" in self.page.url:
            raise AssertionError(f"signing in as {username} failed: still on {self.page.url}")

    def allow(self, pattern: str) -> None:
        """Accept problems matching ``pattern`` (e.g. an expected 404 a step provokes)."""
        self.allowed.append(re.compile(pattern))

    def take_problems(self) -> list[str]:
        problems = [p for p in self.problems if not any(a.search(p) for a in self.allowed)]
        self.problems.clear()
        return problems

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.size}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, name: str, *, axe: bool = True, screenshot: bool = True) -> None:
        """Screenshot the page, then fail on any problem seen so far or any axe violation."""
        if screenshot:
            self.screenshot(name)
        problems = self.take_problems()
        assert not problems, f"{name} ({self.size}):\n" + "\n".join(problems)
        if axe:
            violations = axe_violations(self.page)
            assert not violations, (
                f"{name} ({self.size}) {self.page.url}: accessibility violations\n"
                + format_violations(violations)
            )

    def no_horizontal_scroll(self, name: str) -> None:
        """On a phone, the page itself must not scroll sideways (a wide table may, inside
        its own scrolling box)."""
        overflow = self.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} ({self.size}) scrolls sideways by {overflow}px"


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
