"""In a real browser, on a phone: the secretariat copies its 2022 plan into 2023 from the plan
page, and creates a 2024 plan from the road-map template; no CSP violation, nothing wider than
the phone. Screenshots go to $RENAKSI_SCREENSHOTS when it is set."""

import os
from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    folder = os.environ.get("RENAKSI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_copy_and_create_on_a_phone(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=StringIO())
    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "sekretariat@renaksi.invalid")
    page.fill("input[name=password]", "renaksi-sekretariat")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    page.goto(f"{live_server.url}/rencana/{plan.pk}/")
    page.click("text=Salin ke tahun berikutnya")
    page.wait_for_load_state()
    assert page.input_value("input[name=year]") == "2023"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "copy-390")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("Rencana aksi 2023 dibuat sebagai draf").is_visible()
    shot(page, "copied-390")

    page.goto(f"{live_server.url}/rencana/buat/")
    page.wait_for_load_state()
    assert page.input_value("input[name=year]") == "2024"
    page.check("input[value=templat]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "create-390")
    page.click("main form button[type=submit]:has-text('Buat rencana aksi')")
    page.wait_for_load_state()
    assert page.get_by_text("Rencana aksi 2024 dibuat sebagai draf: 8 area").is_visible()
    assert ActionPlan.objects.filter(unit__code="6107").count() == 3

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/rencana/buat/")
    page.fill("input[name=year]", "2023")
    page.check("input[value=kosong]")
    page.click("main form button[type=submit]:has-text('Buat rencana aksi')")
    page.wait_for_load_state()
    assert page.get_by_text("sudah memiliki rencana aksi tahun 2023").is_visible()
    shot(page, "create-error-1280")
    assert not problems, problems
