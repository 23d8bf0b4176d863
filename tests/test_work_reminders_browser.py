"""In a real browser, at desktop and phone width: the reminders page, switched off and on."""

import datetime
import os

import pytest
import time_machine

from renaksi.work.models import ReminderSetting

from .permission_world import PASSWORD
from .reminder_world import build_reminder_world, period_of, realise

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("RENAKSI_SCREENSHOTS")  # a folder: keep the screenshots there


@pytest.mark.parametrize("width", [1280, 360])
def test_reminders_page_in_a_browser(live_server, browser, width, request):
    world = build_reminder_world()
    # 1 April 2022 in Jakarta; the live server's thread sees the same clock.
    traveller = time_machine.travel(datetime.datetime(2022, 4, 1, 2, 0, tzinfo=datetime.UTC))
    traveller.start()
    request.addfinalizer(traveller.stop)
    realise(period_of(world, "6107", 5, 3), "diajukan")
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "implementer5")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    if width < 720:  # on a phone the site menu is behind its button
        page.click("[data-menu-toggle]")
    page.click("a.account__link:text('Pengingat')")
    page.wait_for_url(f"{live_server.url}/pengingat/")
    assert page.get_by_role("heading", name="Pengingat", exact=True).is_visible()
    # January and February are late; March (due 5 April) is submitted: the assessor's.
    assert page.get_by_text("Terlambat (2)").is_visible()
    assert page.get_by_text("terlambat 27 hari").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reminders-{width}.png", full_page=True)

    page.uncheck("input[name=enabled]")
    page.fill("input[name=days_ahead]", "10")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pengingat/")
    assert page.get_by_text("Pengingat dimatikan. Anda tidak akan menerima emailnya.").is_visible()
    setting = ReminderSetting.objects.get(user=world.users["implementer5"])
    assert (setting.enabled, setting.days_ahead) == (False, 10)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reminders-off-{width}.png", full_page=True)
    assert not problems, problems
