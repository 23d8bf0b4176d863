"""The editor in a real browser, on a phone: a click in the schedule grid is saved at once,
a row is edited through its form, and no Content-Security-Policy violation or script error.

Set RENAKSI_SCREENSHOTS to a folder to keep screenshots of the pages (for looking at them).
"""

import os

import pytest
from django.contrib.auth.models import User

from renaksi.access.models import UnitRole
from renaksi.importer.services import import_decree
from renaksi.plans.models import ActionPlan, SubActivity

from .decree_samples import bengkayang_bytes
from .import_support import make_units

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "editor-rahasia-1"


def shot(page, name):
    folder = os.environ.get("RENAKSI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=False)


def test_edit_the_plan_on_a_phone(live_server, browser):
    unit = make_units()
    plan = import_decree(bengkayang_bytes(), unit=unit, filename="bengkayang.txt").plan
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    admin = User.objects.create_user("admin6107", "admin@example.test", PASSWORD)
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)

    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "admin6107")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/rencana/{plan.pk}/ubah/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "editor-390")

    # a click on a month cell saves that sub-activity's schedule without a reload
    sub = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk").first()
    before = sub.schedule
    cell = page.locator(f'input[name="m-{sub.pk}"][value="12"]')
    cell.scroll_into_view_if_needed()
    with page.expect_response(lambda response: response.url.endswith("/ubah/jadwal/")):
        cell.click()
    page.wait_for_function(
        "document.querySelector('[data-status]').textContent.includes('tersimpan')"
    )
    sub.refresh_from_db()
    assert sub.schedule == before ^ (1 << 11)
    assert page.locator(f'input[name="v-{sub.pk}"]').input_value() == str(sub.version)
    # the save button is for pages without the script
    assert not page.locator("[data-save-button]").is_visible()

    # edit the sub-activity through its form
    page.click(f'a[href="sub-kegiatan/{sub.pk}/"]')
    page.wait_for_load_state()
    shot(page, "row-form-390")
    page.fill("textarea[name=note]", "Diperbaiki di peramban")
    page.click("main form.ed-form button[type=submit]")
    page.wait_for_load_state()
    assert "Perubahan disimpan" in page.content()
    sub.refresh_from_db()
    assert sub.note == "Diperbaiki di peramban"

    wide = browser.new_page(viewport={"width": 1280, "height": 900})
    wide.context.add_cookies(page.context.cookies())
    wide.goto(f"{live_server.url}/rencana/{plan.pk}/ubah/")
    shot(wide, "editor-1280")
    wide.goto(f"{live_server.url}/rencana/{plan.pk}/ubah/keputusan/")
    shot(wide, "decree-1280")
    assert not problems, problems
