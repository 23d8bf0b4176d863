"""The year's work pages in a real browser at 1280 and 360 px, on the demo plan (its January to
March of area 5 are seeded: verified, returned and waiting): no script error, no resource
missing, no sideways scrolling on a phone. Screenshots go to the test's output folder and to
``$RENAKSI_SCREENSHOTS`` when set (same browser setup as tests/test_browser_journey.py)."""

import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan
from renaksi.work.models import Realisation

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 360)


def test_every_work_page_at_desktop_and_phone_width(live_server, browser, tmp_path):
    call_command("seed_demo", stdout=StringIO())
    plan = ActionPlan.objects.get()
    waiting = Realisation.objects.filter(plan=plan, state=Realisation.State.SUBMITTED).first()
    assert waiting is not None
    base = live_server.url
    month = f"{base}/rencana/{plan.pk}/bulan/3/"
    history = f"{base}/rencana/{plan.pk}/sub-kegiatan/{waiting.sub_activity_id}/riwayat/"
    visits = [
        ("pelaksana5", "my-work", f"{base}/pekerjaan-saya/?bulan={plan.year}-03", "#bulan-ini"),
        (
            "asesor",
            "my-work-assessor",
            f"{base}/pekerjaan-saya/?bulan={plan.year}-03",
            "#verifikasi",
        ),
        ("asesor", "queue", f"{base}/verifikasi/", f'[data-realisation="{waiting.pk}"]'),
        ("pimpinan", "month", month, ".state-counts"),
        ("pimpinan", "history", history, ".history__item"),
    ]
    problems: list[str] = []
    extra = os.environ.get("RENAKSI_SCREENSHOTS")
    for width in WIDTHS:
        for username, name, url, expected in visits:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "response",
                lambda response: (
                    response.status >= 400 and problems.append(f"{response.status} {response.url}")
                ),
            )
            page.goto(f"{base}/masuk/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", f"renaksi-{username}")
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.goto(url)
            assert page.locator(expected).count() >= 1, (name, width)
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 1, (name, width, wide)
            path = tmp_path / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            if extra:
                os.makedirs(extra, exist_ok=True)
                shutil.copy(path, os.path.join(extra, f"work-{path.name}"))
            context.close()
    assert not problems, problems
