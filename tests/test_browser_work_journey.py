"""Issue #8's "done when", as its users would do it in a real browser:

an implementer on a 360 px phone window records a month of the demo plan with an evidence
upload and submits it; an assessor returns it with a comment; the implementer reads the
comment in "Pekerjaan saya", revises and resubmits; the assessor verifies it; the Tim
Pengarah opens the plan's month view and sees the month's state; the sub-activity's history
shows every step. No script error and no Content-Security-Policy violation on the way.

Screenshots go to the test's output folder (pytest's ``tmp_path``), and to
``$RENAKSI_SCREENSHOTS`` when set. Same browser setup as tests/test_browser_journey.py.
"""

import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.work.models import Realisation, Review, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .work_realisation_world import _minimal_pdf

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
MONTH = 10  # seed_demo records January–September; TW I and II are locked by their submissions
COMMENT = "Daftar hadir belum ditandatangani ketua; unggah ulang."


@pytest.fixture(autouse=True)
def _evidence_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


class Shots:
    def __init__(self, folder):
        self.folder = folder
        self.extra = os.environ.get("RENAKSI_SCREENSHOTS")
        self.count = 0

    def __call__(self, page, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if self.extra:
            os.makedirs(self.extra, exist_ok=True)
            shutil.copy(path, os.path.join(self.extra, f"work-journey-{path.name}"))


def sign_in(browser, live_server, username, problems, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"{response.status} {response.url}")
        ),
    )
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"renaksi-{username}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_record_return_revise_verify_see_the_month_and_the_history(live_server, browser, tmp_path):
    call_command("seed_demo", stdout=StringIO())
    plan = ActionPlan.objects.get()
    sync_plan_periods(plan)  # a no-op once every writer keeps the periods
    period = (
        SchedulePeriod.objects.filter(
            plan=plan,
            period=MONTH,
            sub_activity__activity__area__number=5,
            realisation__isnull=True,
        )
        .order_by("sub_activity__activity__position", "sub_activity__position")
        .first()
    )
    assert period is not None
    sub = SubActivity.objects.get(pk=period.sub_activity_id)
    evidence = tmp_path / "daftar-hadir-maret.pdf"
    evidence.write_bytes(_minimal_pdf(b"journey"))
    signed = tmp_path / "daftar-hadir-ttd.pdf"
    signed.write_bytes(_minimal_pdf(b"journey, signed"))
    problems: list[str] = []
    shot = Shots(tmp_path)
    my_work = f"{live_server.url}/pekerjaan-saya/?bulan={plan.year}-{MONTH:02d}"
    task = f'li[data-period="{period.pk}"] a.task__action'

    # The implementer, on a phone, finds the month in "Pekerjaan saya" and reports it.
    context, page = sign_in(browser, live_server, "pelaksana5", problems, PHONE)
    page.goto(my_work)
    assert page.locator(task).count() >= 1
    assert no_horizontal_scroll(page)
    shot(page, "implementer-my-work-360")
    if not page.locator(task).first.is_visible():  # beyond the first late ones: folded
        page.click("#terlambat details summary")
    page.locator(task).first.click()
    page.wait_for_url(f"**/realisasi/periode/{period.pk}/")
    page.check("input[name=status][value=selesai]")
    page.fill("input[name=progress]", "100")
    page.fill("textarea[name=narrative]", "Rapat koordinasi area 5 dilaksanakan di aula.")
    page.set_input_files("input[name=files]", str(evidence))
    # The upload widget (upload.js) sends the file ahead, with a progress bar.
    page.wait_for_selector(".upload-item.is-done")
    page.select_option("select[name=evidence_kind]", "daftar_hadir")
    page.click("form.rf-form button[type=submit]")
    page.wait_for_load_state()
    assert "Realisasi tersimpan." in page.content()
    realisation = Realisation.objects.get(period=period)
    assert realisation.evidence.count() == 1
    assert realisation.evidence.get().original_name == evidence.name
    assert realisation.late  # the demo plan's year is past: reported after its due day
    shot(page, "implementer-saved-360")
    page.click(".rf-submit button.button--primary")
    page.wait_for_load_state()
    realisation.refresh_from_db()
    assert realisation.state == Realisation.State.SUBMITTED
    assert no_horizontal_scroll(page)
    context.close()

    # The assessor finds it in the verification queue and returns it with a comment.
    context, page = sign_in(browser, live_server, "asesor", problems, DESKTOP)
    page.click(".site-nav >> text=Verifikasi")
    page.wait_for_url("**/verifikasi/")
    shot(page, "assessor-queue-1280")
    page.click(f'li[data-realisation="{realisation.pk}"] a.task__action')
    page.wait_for_url(f"**/realisasi/{realisation.pk}/verifikasi/")
    page.fill("textarea[name=comment]", COMMENT)
    shot(page, "assessor-review-1280")
    page.click("button[name=decision][value=return]")
    page.wait_for_load_state()
    realisation.refresh_from_db()
    assert realisation.state == Realisation.State.RETURNED
    context.close()

    # The implementer reads the comment in "Pekerjaan saya", revises and resubmits.
    context, page = sign_in(browser, live_server, "pelaksana5", problems, PHONE)
    page.goto(my_work)
    returned = page.locator(f'#dikembalikan li[data-period="{period.pk}"]')
    assert COMMENT in returned.inner_text()
    shot(page, "implementer-returned-360")
    returned.locator("a.task__action").click()
    page.wait_for_url(f"**/realisasi/periode/{period.pk}/")
    page.fill("textarea[name=narrative]", "Rapat koordinasi area 5; daftar hadir ditandatangani.")
    page.set_input_files("input[name=files]", str(signed))
    page.wait_for_selector(".upload-item.is-done")
    page.click("form.rf-form button[type=submit]")
    page.wait_for_load_state()
    assert "Realisasi tersimpan." in page.content()
    page.click(".rf-submit button.button--primary")
    page.wait_for_load_state()
    realisation.refresh_from_db()
    assert realisation.state == Realisation.State.SUBMITTED
    page.goto(my_work)
    assert page.locator(f'#menunggu li[data-period="{period.pk}"]').count() == 1
    context.close()

    # The assessor verifies it.
    context, page = sign_in(browser, live_server, "asesor", problems, DESKTOP)
    page.goto(f"{live_server.url}/verifikasi/")
    page.click(f'li[data-realisation="{realisation.pk}"] a.task__action')
    page.wait_for_url(f"**/realisasi/{realisation.pk}/verifikasi/")
    page.click("button[name=decision][value=verify]")
    page.wait_for_load_state()
    realisation.refresh_from_db()
    assert realisation.state == Realisation.State.VERIFIED
    assert list(
        Review.objects.filter(realisation=realisation).values_list("verdict", flat=True)
    ) == [
        Review.Verdict.RETURNED,
        Review.Verdict.VERIFIED,
    ]
    context.close()

    # The Tim Pengarah opens the month from the plan page and sees its state.
    for viewport, width in ((DESKTOP, 1280), (PHONE, 360)):
        context, page = sign_in(browser, live_server, "pimpinan", problems, viewport)
        page.goto(f"{live_server.url}/rencana/{plan.pk}/")
        page.click(".plan-actions >> text=Keadaan bulanan")
        page.wait_for_url(f"**/rencana/{plan.pk}/bulan/")
        page.click(f'.month-switch a[href$="/bulan/{MONTH}/"]')
        page.wait_for_url(f"**/rencana/{plan.pk}/bulan/{MONTH}/")
        verified = page.locator('.state-counts li[data-state="verified"] .state-counts__number')
        assert verified.inner_text() == "1"
        item = page.locator(f'li[data-period="{period.pk}"]')
        assert "Terverifikasi" in item.inner_text()
        assert page.locator("#menunggu-siapa[open]").count() == 1  # open for the steering team
        assert no_horizontal_scroll(page)
        shot(page, f"steering-month-{width}")
        if width == 360:
            # The history of the sub-activity shows every step.
            item.locator("text=Riwayat").click()
            page.wait_for_url(f"**/sub-kegiatan/{sub.pk}/riwayat/")
            actions = [
                text.splitlines()[0] for text in page.locator(".history__action").all_inner_texts()
            ]
            # Newest first: this month's eight steps, then the seeded earlier months.
            assert actions[:8] == [
                "Realisasi diverifikasi",
                "Realisasi diajukan untuk diverifikasi",
                "Bukti dukung ditambahkan",
                "Realisasi dicatat",
                "Realisasi dikembalikan untuk diperbaiki",
                "Realisasi diajukan untuk diverifikasi",
                "Bukti dukung ditambahkan",
                "Realisasi dicatat",
            ], actions
            history = page.content()
            assert COMMENT in history and "daftar-hadir-ttd.pdf" in history
            assert "WIB" in page.content()
            assert no_horizontal_scroll(page)
            shot(page, "steering-history-360")
        context.close()

    assert not problems, problems
