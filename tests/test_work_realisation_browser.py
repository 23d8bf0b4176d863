"""The realisation form and the review page in a real browser, at 1280 and 360 px: no
sideways scrolling on a phone, no console or Content-Security-Policy error, a save without
JavaScript's help works, and the assessor returns it with a note on the item.

Screenshots go to $RENAKSI_SCREENSHOTS when set (for looking at the pages by hand).
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from renaksi.work.models import Realisation

from .work_realisation_world import MARCH, build_rworld, pdf_file

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("RENAKSI_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "rahasia-1")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def evidence_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    return tmp_path


@pytest.mark.parametrize("width", [360, 1280])
def test_report_and_return_in_the_browser(live_server, browser, evidence_folder, width):
    world = build_rworld()
    period = world.period(MARCH)
    sample = evidence_folder / "daftar-hadir.pdf"
    sample.write_bytes(pdf_file("daftar-hadir.pdf", b"browser").read())

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_server.url, "implementer")
    url = live_server.url + reverse("work:realisation", kwargs={"period": period.pk})
    page.goto(url)
    assert page.get_by_text("Persentase pegawai tersosialisasi").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"realisation-empty-{width}")

    # A bad progress: the message at the field, the narrative kept.
    page.check("input[name=status][value=dalam_proses]")
    page.fill("input[name=progress]", "140")
    page.fill("textarea[name=narrative]", "Sosialisasi nilai dasar di aula kantor.")
    page.fill(f"input[name=value_{world.percent.pk}]", "80")
    page.click("form.rf-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#kolom-progress .field__errors").is_visible()
    assert "Sosialisasi nilai dasar" in page.input_value("textarea[name=narrative]")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"realisation-error-{width}")

    page.fill("input[name=progress]", "60")
    # The plain file input (the staging widget takes over when its script is there).
    if page.locator("input[type=file][name=files]").count():
        page.set_input_files("input[type=file][name=files]", str(sample))
    # With the staging widget on, the file goes up on its own first (the form is not sent
    # while an upload runs); it is then a hidden "staged" field of the form.
    if page.locator(".upload-zone").count():
        page.wait_for_selector("input[type=hidden][name=staged]", state="attached")
    page.select_option("select[name=evidence_kind]", "daftar_hadir")
    page.click("form.rf-form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("Realisasi tersimpan.").is_visible()
    realisation = Realisation.objects.get()
    assert realisation.progress == 60
    shot(page, f"realisation-saved-{width}")
    page.click("text=Ajukan untuk diverifikasi")
    page.wait_for_load_state()
    assert Realisation.objects.get().state == "diajukan"

    context.clear_cookies()
    sign_in(page, live_server.url, "assessor")
    page.goto(live_server.url + reverse("work:review", kwargs={"pk": realisation.pk}))
    assert page.get_by_text("Capaian terhadap target").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"review-{width}")
    item = realisation.evidence.get()
    page.uncheck(f"input[name=accept_{item.pk}]")
    page.fill(f"textarea[name=note_{item.pk}]", "Tanda tangan peserta tidak terbaca.")
    page.fill("textarea[name=comment]", "Pindai ulang daftar hadirnya.")
    page.click("button[name=decision][value=return]")
    page.wait_for_load_state()
    assert Realisation.objects.get().state == "dikembalikan"
    shot(page, f"review-returned-{width}")
    assert not problems, problems
    context.close()
