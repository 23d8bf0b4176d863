"""In a real browser: the unit administrator imports a decree, reviews it and saves it.

Same setup as tests/test_browser.py (Debian's chromium through Playwright; RENAKSI_CHROMIUM
for another binary). Fails on any console error or Content-Security-Policy violation, at a
desktop and at a phone width. With RENAKSI_SCREENSHOTS=<folder> it also saves screenshots of
the upload, preview and result pages there.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from renaksi.importer.models import ImportStaging
from renaksi.plans.models import ActionPlan, ChangeArea, SubActivity
from renaksi.plans.reference import STANDARD_CHANGE_AREAS

from .decree_samples import bengkayang_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("RENAKSI_SCREENSHOTS")


def shoot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=name.endswith("full")
        )


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_import_a_decree_in_the_browser(live_server, browser, settings, tmp_path, width, height):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A transactional test empties the database after itself, data migrations included.
    for number, name in STANDARD_CHANGE_AREAS.items():
        ChangeArea.objects.update_or_create(number=number, defaults={"name": name})
    call_command("seed_demo", stdout=StringIO())
    # The demo already has the 2022 plan; the same decree for 2023 makes a new one.
    decree = bengkayang_bytes().replace(b"2022", b"2023")
    size = "desktop" if width > 600 else "phone"

    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    def fits() -> bool:
        return page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "sekretariat")
    page.fill("input[name=password]", "renaksi-sekretariat")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("main >> text=Impor keputusan")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Impor keputusan rencana aksi"
    assert fits()
    shoot(page, f"import-upload-{size}")

    # Something that is not a decree first: the form says so, nothing is kept.
    page.set_input_files(
        "input[name=berkas]",
        {"name": "foto.pdf", "mimeType": "application/pdf", "buffer": b"Daftar belanja\n"},
    )
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Ini bukan keputusan" in page.locator(".field__errors").inner_text()
    assert not ImportStaging.objects.exists()
    shoot(page, f"import-upload-error-{size}")

    page.set_input_files(
        "input[name=berkas]",
        {"name": "keputusan-12-2023.txt", "mimeType": "text/plain", "buffer": decree},
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/pratinjau/")
    assert page.locator("h1").inner_text() == "Pratinjau impor"
    assert page.locator(".finding-note").count() > 0
    assert page.locator(".finding-note__excerpt").count() > 0
    assert fits()
    shoot(page, f"import-preview-{size}")
    page.locator(".finding-note__choice").first.scroll_into_view_if_needed()
    shoot(page, f"import-preview-choice-{size}")
    page.locator(".preview-sub").first.scroll_into_view_if_needed()
    shoot(page, f"import-preview-tree-{size}")

    page.click("button[value=info]")
    page.wait_for_url("**/pratinjau/*")
    assert page.locator("input[name=terima]:not(:checked)").count() > 0  # the warnings
    for box in page.locator("input[name=terima]").all():
        box.check()
    save = page.get_by_role("button", name="Simpan rencana aksi")
    save.scroll_into_view_if_needed()
    shoot(page, f"import-preview-accepted-{size}")
    save.click()
    page.wait_for_url("**/rencana/*/")
    assert (
        "Rencana aksi disimpan dari keputusan-12-2023.txt" in page.locator(".messages").inner_text()
    )
    assert page.locator("table.lampiran").is_visible()
    assert fits()
    shoot(page, f"import-result-{size}")

    plan = ActionPlan.objects.get(year=2023)
    subs = set(SubActivity.objects.filter(activity__area__plan=plan).values_list("pk", flat=True))
    assert subs
    assert not ImportStaging.objects.exists()
    assert page.get_by_text("Unduh berkas sumber").is_visible()

    # A changed decree for the same year: the differences first, then the plan in place.
    changed = decree.replace(
        b"Melakukan monitoring pelaksanaan", b"Melakukan pemantauan pelaksanaan"
    )
    page.click("main >> text=Impor keputusan")
    page.set_input_files(
        "input[name=berkas]",
        {"name": "keputusan-12-2023-perbaikan.txt", "mimeType": "text/plain", "buffer": changed},
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/pratinjau/")
    diff = page.locator("#perbedaan")
    assert "1 diubah" in diff.inner_text()
    assert "Melakukan pemantauan pelaksanaan" in diff.locator("ins").first.inner_text()
    assert fits()
    diff.scroll_into_view_if_needed()
    shoot(page, f"import-diff-{size}")
    page.click("button[value=info]")
    page.wait_for_url("**/pratinjau/*")
    for box in page.locator("input[name=terima]").all():
        box.check()
    page.get_by_role("button", name="Perbarui rencana aksi").click()
    page.wait_for_url(f"**/rencana/{plan.pk}/")
    assert "Rencana aksi diperbarui dari" in page.locator(".messages").inner_text()
    after = set(SubActivity.objects.filter(activity__area__plan=plan).values_list("pk", flat=True))
    assert after == subs
    assert not problems, problems
