"""The framework pages in a real browser at 1280 and 360 px: no script error, no missing
resource, no Content-Security-Policy violation, no sideways scrolling on a phone; the national
administrator copies the ZI framework, changes a weight, sees the error, puts it right and
publishes, with the mouse and keyboard only. Screenshots go to the test's output folder and
to ``$RENAKSI_SCREENSHOTS`` when set (same browser setup as tests/test_work_pages_browser.py)."""

import os
import shutil

import pytest
from django.urls import reverse

from renaksi.evaluation.frameworks import load_shipped
from renaksi.evaluation.models import Framework

from .permission_world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 360)


def open_page(browser, live_server, username, width, problems):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 400 and r.status != 400 and problems.append(f"{r.status} {r.url}"),
    )
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return context, page


def shot(page, folder, name):
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    extra = os.environ.get("RENAKSI_SCREENSHOTS")
    if extra:
        os.makedirs(extra, exist_ok=True)
        shutil.copy(path, os.path.join(extra, f"frameworks-{path.name}"))


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_framework_pages_at_desktop_and_phone_width(live_server, browser, tmp_path):
    build_world()
    load_shipped()
    problems: list[str] = []
    for width in WIDTHS:
        context, page = open_page(browser, live_server, "implementer5", width, problems)
        page.goto(live_server.url + reverse("evaluation:framework_list"))
        assert page.locator(".fw-list__title a").count() == 3
        assert fits(page), width
        shot(page, tmp_path, f"list-{width}")
        for code in ("zi-2021", "pmprb-2020", "rb-general-2023"):
            framework = Framework.objects.get(code=code)
            page.goto(live_server.url + reverse("evaluation:framework_detail", args=[framework.pk]))
            assert page.locator(".fw-node").count() == framework.nodes.count()
            assert fits(page), (code, width)
            shot(page, tmp_path, f"{code}-{width}")
        # The exact weight is in the tooltip of the two-decimal one.
        node = page.locator('[data-code="RBG.A.1"] .fw-weight abbr')
        assert node.inner_text() == "3,00" and node.get_attribute("title").endswith("3")
        context.close()
    assert not problems, problems


def test_an_administrator_copies_edits_and_publishes_on_a_phone(live_server, browser, tmp_path):
    build_world()
    load_shipped()
    problems: list[str] = []
    context, page = open_page(browser, live_server, "national_admin", 360, problems)
    zi = Framework.objects.get(code="zi-2021")
    page.goto(live_server.url + reverse("evaluation:framework_detail", args=[zi.pk]))
    page.fill("#copy-year", "2025")
    page.click("text=Salin sebagai draf")
    page.wait_for_load_state()
    draft = Framework.objects.get(code="zi-2025")
    assert page.url.endswith(reverse("evaluation:framework_detail", args=[draft.pk]))
    assert "Draf zi-2025 dibuat" in page.inner_text(".messages")
    node = draft.nodes.get(code="A.I.1.i")
    page.click(f'#n{node.pk} >> text="Ubah"')
    page.fill("#id_weight", "0,75")
    shot(page, tmp_path, "edit-360")
    assert fits(page)
    page.click('main button[type=submit]:has-text("Simpan")')
    page.wait_for_load_state()
    assert "1 kesalahan" in page.inner_text("#temuan")
    assert page.locator('button:has-text("Berlakukan")').is_disabled()
    page.click(f'#n{node.pk} >> text="Ubah"')
    page.fill("#id_weight", "1/2")
    page.click('main button[type=submit]:has-text("Simpan")')
    page.wait_for_load_state()
    page.click('button:has-text("Berlakukan")')
    page.wait_for_load_state()
    assert "Kerangka zi-2025 berlaku" in page.inner_text(".messages")
    shot(page, tmp_path, "published-360")
    draft.refresh_from_db()
    assert draft.state == "published"
    context.close()
    assert not problems, problems
