"""The submission chain's pages in a real browser at 360 and 1280 px: no sideways scrolling of
the page (the wide tables scroll inside their box), no console error; a return through the
form. Screenshots go to $RENAKSI_SCREENSHOTS when set."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.submissions.models import Submission

from .overview_world import YEAR, build_province, national_unit

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("RENAKSI_SCREENSHOTS", "")
PASSWORD = "rahasia-1"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_overviews_and_a_return_in_the_browser(live_server, browser, width):
    province = build_province("61", 14)
    build_province("62", 3)
    reviewer = User.objects.create_user("kalbar", password=PASSWORD)
    UnitRole.objects.create(user=reviewer, unit=province, role=UnitRole.Role.REVIEWER)
    national = User.objects.create_user("kpuri", password=PASSWORD)
    UnitRole.objects.create(user=national, unit=national_unit(), role=UnitRole.Role.REVIEWER)
    waiting = Submission.objects.filter(at_unit=province, quarter=1).order_by("unit__code")[0]

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, "kalbar")
    page.goto(
        live_server.url + reverse("submissions:province", args=[province.pk]) + f"?tahun={YEAR}"
    )
    assert page.get_by_role("heading", name="Kelengkapan LKE").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"submissions-province-{width}")

    page.goto(live_server.url + reverse("submissions:detail", args=[waiting.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"submissions-detail-{width}")
    page.fill("textarea[name=note]", "Bukti dukung area 1 belum ada.")
    page.click("button[name=accept][value='0']")
    page.wait_for_load_state()
    assert page.get_by_text("Laporan dikembalikan").first.is_visible()
    assert Submission.objects.get(pk=waiting.pk).state == Submission.State.RETURNED

    sign_in(page, live_server.url, "kpuri")
    page.goto(live_server.url + reverse("submissions:national") + f"?tahun={YEAR}&triwulan=1")
    assert page.get_by_role("heading", name="Peringkat satker").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"submissions-national-{width}")
    assert not problems, problems
    context.close()
