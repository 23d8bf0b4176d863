"""The monitoring quarter page in a real browser at 360 and 1280 px: no sideways scrolling of
the page (the tables scroll inside their box), no console or Content-Security-Policy error,
and the narrative saved through the form.

Screenshots go to $RENAKSI_SCREENSHOTS when set (for looking at the page by hand).
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from renaksi.monitoring.models import QuarterReport
from renaksi.monitoring.services import add_follow_up

from .work_realisation_world import build_rworld

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("RENAKSI_SCREENSHOTS", "")


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "rahasia-1")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [360, 1280])
def test_quarter_page_in_the_browser(live_server, browser, width):
    world = build_rworld()
    add_follow_up(
        world.users["steering"],
        world.plan,
        1,
        {"action": "Menyusun SOP pengaduan", "owner": world.users["implementer"].pk},
    )
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, "steering")
    page.goto(live_server.url + reverse("monitoring:quarter", args=[world.plan.pk, 1]))
    assert page.get_by_role("heading", name="Capaian per area").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"monitoring-{width}.png"), full_page=True)
    page.fill("textarea[name=obstacles]", "Jaringan internet terputus")
    page.click("#narasi form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("Laporan triwulan tersimpan.").is_visible()
    assert QuarterReport.objects.get().obstacles == "Jaringan internet terputus"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not problems, problems
    context.close()
