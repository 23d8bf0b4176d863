"""Browser journeys of the year's work on the demo plan (Bengkayang 2022), at desktop and phone
size: (b) an implementer records a month with an evidence upload and submits it; (c) the
assessor verifies a report waiting in the queue; (d) the unit and the province dashboards count
a verification; (e) the secretariat sends the quarter and the province accepts it. Every page on
the way is checked with tests/browser_support.py (axe, console errors, CSP violations, failed
requests) and screenshotted as ``<journey>-<step>``.

The demo is seeded once for the module (tests/journey_support.py); each test picks its own
rows: the desktop and the phone run record different months and verify different reports.
They run in file order: (c) and (d) verify September reports before (e) sends TW III, which
locks July–September.
"""

from renaksi.submissions.models import Submission
from renaksi.work.models import Realisation, SchedulePeriod

from .browser_support import Visit
from .journey_support import (  # noqa: F401 (fixtures)
    JOURNEY,
    SIZES,
    demo_site_fixture,
    open_database_fixture,
    password,
)
from .work_realisation_world import _minimal_pdf

pytestmark = JOURNEY

# The demo records January–September 2022; October is open (TW IV, not sent, not locked).
# Who reports which area in the demo, and the month each size records.
RECORDER = {False: ("pelaksana1", 1, 10), True: ("pelaksana5", 5, 10)}


def _open_period(plan, area: int, month: int) -> SchedulePeriod:
    period = (
        SchedulePeriod.objects.filter(
            plan=plan,
            period=month,
            sub_activity__activity__area__number=area,
            realisation__isnull=True,
        )
        .order_by("sub_activity__activity__position", "sub_activity__position")
        .first()
    )
    assert period is not None, (area, month)
    return period


@SIZES
def test_record_a_month_with_evidence(demo_site, browser, tmp_path, phone):
    """(b) The area's coordinator finds the month in "Pekerjaan saya", reports it done with a
    PDF as evidence (sent ahead by the upload widget), and submits it for verification."""
    username, area, month = RECORDER[phone]
    plan = demo_site.plan
    period = _open_period(plan, area, month)
    evidence = tmp_path / f"daftar-hadir-area-{area}.pdf"
    evidence.write_bytes(_minimal_pdf(f"journey {area} {month}".encode()))
    task = f'li[data-period="{period.pk}"] a.task__action'

    with Visit(browser, demo_site, phone=phone) as visit:
        visit.sign_in(username, password(username))
        visit.go(f"/pekerjaan-saya/?bulan={plan.year}-{month:02d}")
        page = visit.page
        assert page.locator(task).count() == 1
        visit.no_horizontal_scroll("record-my-work")
        visit.check("record-my-work")
        if not page.locator(task).is_visible():  # folded under the first late ones
            page.click("#terlambat details summary")
        page.locator(task).click()
        page.wait_for_url(f"**/realisasi/periode/{period.pk}/")
        visit.check("record-form")
        page.check("input[name=status][value=selesai]")
        page.fill("input[name=progress]", "100")
        page.fill("textarea[name=narrative]", f"Rapat koordinasi area {area} di aula KPU.")
        page.set_input_files("input[name=files]", str(evidence))
        page.wait_for_selector(".upload-item.is-done")
        page.select_option("select[name=evidence_kind]", "daftar_hadir")
        visit.check("record-form-filled")
        page.click("form.rf-form button[type=submit]")
        page.wait_for_load_state()
        assert "Realisasi tersimpan." in page.locator(".messages").inner_text()
        realisation = Realisation.objects.get(period=period)
        assert realisation.state == Realisation.State.DRAFT
        assert list(realisation.evidence.values_list("original_name", flat=True)) == [evidence.name]
        visit.no_horizontal_scroll("record-saved")
        visit.check("record-saved")
        page.click(".rf-submit button.button--primary")
        page.wait_for_load_state()
        realisation.refresh_from_db()
        assert realisation.state == Realisation.State.SUBMITTED
        visit.go(f"/pekerjaan-saya/?bulan={plan.year}-{month:02d}")
        assert page.locator(f'#menunggu li[data-period="{period.pk}"]').count() == 1
        visit.check("record-waiting")


def _menu(visit: Visit, name: str) -> None:
    """Follow an entry of the main menu (on a phone, opened first when it folds)."""
    toggle = visit.page.locator("[data-menu-toggle]")
    if toggle.count() and toggle.is_visible():
        toggle.click()
    visit.page.get_by_role("navigation", name="Menu utama").get_by_role("link", name=name).click()
    visit.page.wait_for_load_state()


def _waiting_september(plan, phone: bool) -> Realisation:
    """A September report of the demo waiting for verification: the first for the desktop,
    the second for the phone."""
    waiting = list(
        Realisation.objects.filter(
            period__plan=plan, period__period=9, state=Realisation.State.SUBMITTED
        ).order_by("period__sub_activity__activity__area__number", "pk")[:2]
    )
    assert len(waiting) == 2
    return waiting[int(phone)]


@SIZES
def test_verify_as_the_assessor(demo_site, browser, phone):
    """(c) The Ketua Tim Asesor opens the verification queue, reads a September report with
    its evidence and verifies it; it leaves the queue."""
    realisation = _waiting_september(demo_site.plan, phone)
    item = f'li[data-realisation="{realisation.pk}"]'

    with Visit(browser, demo_site, phone=phone) as visit:
        visit.sign_in("asesor", password("asesor"))
        page = visit.page
        _menu(visit, "Verifikasi")
        page.wait_for_url("**/verifikasi/")
        assert page.locator(item).count() == 1
        visit.no_horizontal_scroll("verify-queue")
        visit.check("verify-queue")
        page.click(f"{item} a.task__action")
        page.wait_for_url(f"**/realisasi/{realisation.pk}/verifikasi/")
        visit.no_horizontal_scroll("verify-review")
        visit.check("verify-review")
        page.click("button[name=decision][value=verify]")
        page.wait_for_load_state()
        realisation.refresh_from_db()
        assert realisation.state == Realisation.State.VERIFIED
        assert realisation.reviews.get().reviewer.username == "asesor"
        visit.check("verify-done")
        visit.go("/verifikasi/")
        assert page.locator(item).count() == 0


def _area_verified(page, area: int) -> int:
    """The unit dashboard's count of verified periods of an area: "(12)" → 12."""
    cell = page.locator(f'#capaian tr[data-area="{area}"] td[data-label="Terverifikasi"] .muted')
    return int(cell.inner_text().strip("() "))


def _province_verified(page) -> float:
    """Bengkayang's verified share on the province dashboard: "96,5 %" → 96.5."""
    cell = page.locator('#tabel-satker tr[data-unit="6107"] td[data-col="verified"]')
    return float(cell.inner_text().rstrip(" %").replace(",", "."))


@SIZES
def test_see_the_dashboards_change(demo_site, browser, phone):
    """(d) The Ketua Tim Pengarah opens the unit dashboard from the plan page, the province's
    reviewer opens hers from the menu; the assessor verifies a September report; both
    dashboards, read again, count it (the area's verified periods one more, Bengkayang's
    verified share at the province higher)."""
    plan = demo_site.plan
    waiting = list(
        Realisation.objects.filter(
            period__plan=plan, period__period=9, state=Realisation.State.SUBMITTED
        )
        .select_related("period__sub_activity__activity__area")
        .order_by("-period__sub_activity__activity__area__number", "-pk")[:2]
    )
    realisation = waiting[int(phone)]  # not the ones test_verify_as_the_assessor takes
    area = realisation.period.sub_activity.activity.area.number

    with (
        Visit(browser, demo_site, phone=phone) as chair,
        Visit(browser, demo_site, phone=phone) as province,
        Visit(browser, demo_site, phone=phone) as assessor,
    ):
        chair.sign_in("pimpinan", password("pimpinan"))
        chair.go(f"/rencana/{plan.pk}/")
        chair.page.locator(".plan-actions").get_by_role("link", name="Dasbor").click()
        chair.page.wait_for_url(f"**/rencana/{plan.pk}/dasbor/")
        before = _area_verified(chair.page, area)
        chair.no_horizontal_scroll("dashboard-unit-before")
        chair.check("dashboard-unit-before")

        province.sign_in("kalbar", password("kalbar"))
        _menu(province, "Dasbor")
        province.page.wait_for_url("**/dasbor/provinsi/*/")
        share_before = _province_verified(province.page)
        province.no_horizontal_scroll("dashboard-province-before")
        province.check("dashboard-province-before")

        assessor.sign_in("asesor", password("asesor"))
        assessor.go(f"/realisasi/{realisation.pk}/verifikasi/")
        assessor.page.click("button[name=decision][value=verify]")
        assessor.page.wait_for_load_state()
        realisation.refresh_from_db()
        assert realisation.state == Realisation.State.VERIFIED
        assessor.check("dashboard-verified")

        chair.page.reload()
        chair.page.wait_for_load_state()
        assert _area_verified(chair.page, area) == before + 1
        chair.check("dashboard-unit-after")

        province.page.reload()
        province.page.wait_for_load_state()
        assert _province_verified(province.page) > share_before
        province.check("dashboard-province-after")


# The desktop sends TW III (July–September), the phone TW IV: the demo sent TW I and II.
QUARTER = {False: 3, True: 4}


@SIZES
def test_submit_the_quarter_and_accept_it_as_the_province(demo_site, browser, phone):
    """(e) The secretariat sends the quarter's package from the plan page to KPU Provinsi
    Kalimantan Barat (the quarter locks); the province's reviewer finds it in the queue,
    reads it and accepts it, which forwards it to KPU RI."""
    plan = demo_site.plan
    quarter = QUARTER[phone]
    assert not Submission.objects.filter(plan=plan, quarter=quarter).exists()
    name = {3: "III", 4: "IV"}[quarter]

    with Visit(browser, demo_site, phone=phone) as visit:
        visit.sign_in("sekretariat", password("sekretariat"))
        visit.go(f"/rencana/{plan.pk}/")
        page = visit.page
        page.click("text=Laporan triwulan berjenjang")
        page.wait_for_url(f"**/laporan-berjenjang/rencana/{plan.pk}/")
        card = page.locator(f'.quarter-card[data-quarter="{quarter}"]')
        visit.no_horizontal_scroll("submit-quarters")
        visit.check("submit-quarters")
        card.get_by_role("button", name="Kirim laporan").click()
        page.wait_for_load_state()
        assert (
            f"Laporan TW {name} 2022 dikirim ke KPU Provinsi Kalimantan Barat"
            in page.locator(".messages").inner_text()
        )
        assert card.locator(".chip", has_text="dikunci").count() == 1
        visit.check("submit-sent")
    submission = Submission.objects.get(plan=plan, quarter=quarter)
    assert submission.state == Submission.State.SUBMITTED
    assert submission.at_unit.name == "KPU Provinsi Kalimantan Barat"

    with Visit(browser, demo_site, phone=phone) as visit:
        visit.sign_in("kalbar", password("kalbar"))
        visit.go("/laporan-berjenjang/antrean/")
        page = visit.page
        row = page.locator(f'tr[data-submission="{submission.pk}"]')
        assert row.count() == 1
        visit.no_horizontal_scroll("accept-queue")
        visit.check("accept-queue")
        row.get_by_role("link", name="Tinjau").click()
        page.wait_for_url(f"**/laporan-berjenjang/{submission.pk}/")
        visit.no_horizontal_scroll("accept-package")
        visit.check("accept-package")
        page.fill("textarea[name=note]", f"TW {name} lengkap; diteruskan.")
        page.get_by_role("button", name="Terima dan teruskan ke KPU RI").click()
        page.wait_for_url(f"**/laporan-berjenjang/{submission.pk}/")
        message = page.locator(".messages").inner_text()
        assert "Laporan diterima dan diteruskan ke KPU Republik Indonesia." in message
        visit.check("accept-forwarded")
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert submission.at_unit.code == "00"  # now waiting at KPU RI
