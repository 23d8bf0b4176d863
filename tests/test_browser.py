"""In a real browser: sign in, open the plan, and no Content-Security-Policy violation.

Drives Debian's chromium through Playwright (never a downloaded browser); .ci/run installs it.
Set RENAKSI_CHROMIUM to use another chromium binary (the ``browser`` fixture is in conftest.py).
"""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_and_read_the_plan_on_a_phone(live_server, browser, settings):
    call_command("seed_demo", stdout=StringIO())
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "PELAKSANA5@renaksi.invalid")
    page.fill("input[name=password]", "renaksi-pelaksana5")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("text=KPU Kabupaten Bengkayang")
    page.wait_for_load_state()
    assert page.locator("table.lampiran").is_visible()
    assert page.get_by_text("Penguatan Pengawasan").first.is_visible()
    # The table scrolls inside its box; the page itself is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("[data-menu-toggle]")  # on a phone the site menu is behind its button
    page.click(".site-nav >> text=Pekerjaan saya")
    page.fill("input[name=bulan]", "2022-03")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("dijadwalkan pada Maret 2022").first.is_visible()
    assert not problems, problems
