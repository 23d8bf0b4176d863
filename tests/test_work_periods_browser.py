"""The editor's new fields and the refused delete in a real browser, at 360 px and on a
desktop: the report due day on the decree form, the expected evidence checkboxes on the
indicator form (ticked and saved), and the delete page of a sub-activity that holds a
realisation (the message, no delete button). No horizontal scrolling, no script error.

Set RENAKSI_SCREENSHOTS to a folder to keep screenshots of the pages (for looking at them).
"""

import os

import pytest

from renaksi.plans.models import Indicator
from renaksi.work.periods import sync_plan_periods

from .editor_world import PASSWORD, build_editor_world
from .work_periods_support import period_of, realise

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name):
    folder = os.environ.get("RENAKSI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_new_fields_and_the_refused_delete(live_server, browser, width):
    world = build_editor_world()
    sync_plan_periods(world.plan)
    sub = world.subs[0]
    realise(period_of(sub, 1))
    indicator = world.indicators[0]
    page = browser.new_page(viewport={"width": width, "height": 800})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    base = f"{live_server.url}/rencana/{world.plan.pk}/ubah"

    page.goto(f"{base}/keputusan/")
    assert page.locator("input[name=report_due_day]").input_value() == "5"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("input[name=report_due_day]").scroll_into_view_if_needed()
    shot(page, f"periods-decree-{width}")

    page.goto(f"{base}/indikator/{indicator.pk}/")
    boxes = page.locator("input[name=expected_evidence]")
    assert boxes.count() == 7
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.check("input[name=expected_evidence][value=notulen]")
    page.check("input[name=expected_evidence][value=foto]")
    shot(page, f"periods-indicator-{width}")
    page.click("main form.ed-form button[type=submit]")
    page.wait_for_load_state()
    assert Indicator.objects.get(pk=indicator.pk).expected_evidence == ["notulen", "foto"]

    page.goto(f"{base}/sub-kegiatan/{sub.pk}/hapus/")
    text = page.locator("main").inner_text()
    assert "tidak dapat dihapus" in text and "1 realisasi" in text
    assert page.locator("text=Ya, hapus").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"periods-delete-{width}")
    assert not problems, problems
