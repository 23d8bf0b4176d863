"""The upload widget (renaksi/static/work/upload.js) in a real browser, on a demo form
(tests/upload_demo_urls.py): files staged one by one with progress, a refused file shown
with its message, a failed upload retried without losing the form, the form held back
while an upload runs and sent by itself after it, and the staged ids posted with it. At
desktop and phone width, on a throttled connection, with no Content-Security-Policy
violation."""

import pytest

from . import evidence_samples as samples
from .evidence_support import period_of
from .permission_world import PASSWORD, build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.upload_demo_urls")]


def sign_in(page, base, username):
    page.goto(f"{base}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def files(tmp_path):
    good = tmp_path / "notulen rapat.pdf"
    good.write_bytes(samples.pdf())
    bad = tmp_path / "program.pdf"
    bad.write_bytes(samples.elf())
    photo = tmp_path / "foto kegiatan.jpg"
    photo.write_bytes(samples.jpeg_with_gps((1600, 1200), 6))
    return good, bad, photo


@pytest.mark.parametrize("width", [1280, 360])
def test_upload_widget(live_server, browser, tmp_path, width):
    world = build_world()
    period = period_of(world.subs[("6107", 5)], 3)
    good, bad, photo = files(tmp_path)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url
    sign_in(page, base, "implementer5")
    page.goto(f"{base}/demo-unggah/{period.pk}/")
    page.fill("textarea[name=narrative]", "Rapat sudah dilaksanakan.")
    assert page.locator(".upload-zone").is_visible()

    # 1. A good file and a renamed program: one staged, one refused with the message.
    page.set_input_files("input[type=file]", [str(good), str(bad)])
    page.wait_for_selector(".upload-item.is-done")
    page.wait_for_selector(".upload-item.is-failed")
    failed = page.locator(".upload-item.is-failed")
    assert "program.pdf" in failed.inner_text() and "program" in failed.inner_text()
    assert page.locator("input[name=staged]").count() == 1
    # A refused file is cancelled; the form is held while a failed file is left.
    page.click("main button[type=submit]")
    assert "/demo-unggah/" in page.url
    assert "gagal" in page.locator(".upload-status").inner_text()
    failed.locator(".upload-item__remove").click()
    assert page.locator(".upload-item").count() == 1

    # 2. The connection drops during an upload: retry succeeds, the text stays.
    def drop(route):
        route.abort("connectionreset")

    page.route("**/bukti/unggah/", drop)
    page.set_input_files("input[type=file]", [str(photo)])
    page.wait_for_selector(".upload-item.is-failed .upload-item__retry")
    assert page.locator(".upload-item.is-failed").inner_text().count("Sambungan terputus") == 1
    page.unroute("**/bukti/unggah/")
    page.click(".upload-item.is-failed .upload-item__retry")
    page.wait_for_function("() => document.querySelectorAll('.upload-item.is-done').length === 2")
    assert page.input_value("textarea[name=narrative]") == "Rapat sudah dilaksanakan."

    # 3. On a slow connection the progress shows; saved meanwhile, the form waits for the
    # upload and is then sent by itself, with every staged id (no file a second time).
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 200,
            "downloadThroughput": 50_000,
            "uploadThroughput": 20_000,
        },
    )
    big = tmp_path / "laporan besar.pdf"
    big.write_bytes(samples.pdf() + b"%" + b"x" * 120_000 + b"\n")
    page.set_input_files("input[type=file]", [str(big)])
    page.wait_for_selector(".upload-item.is-sending")
    page.wait_for_function(
        "() => document.querySelector('.upload-item.is-sending progress').value > 0"
    )
    assert not page.locator(".upload-item.is-done .upload-item__retry").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(tmp_path / f"upload-{width}.png"), full_page=True)
    staged = page.eval_on_selector_all("input[name=staged]", "els => els.map(e => e.value)")
    assert len(staged) == 2
    page.click("main button[type=submit]")
    assert "/demo-unggah/" in page.url
    assert "Menunggu unggahan" in page.locator(".upload-status").inner_text()
    page.wait_for_function("() => document.body.innerText.startsWith('staged=')", timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    answer = page.inner_text("body")
    ids = answer.split(";")[0].removeprefix("staged=").split(",")
    assert ids[:2] == staged and len(ids) == 3
    assert answer.endswith(";files=;narrative=Rapat sudah dilaksanakan.")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]

    # 5. Without a target period the plain input stays and posts its file with the form.
    page.goto(f"{base}/demo-unggah/0/")
    assert page.locator(".upload-zone").count() == 0
    page.set_input_files("input[type=file]", [str(good)])
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("body") == "staged=;files=notulen rapat.pdf;narrative="
    context.close()
