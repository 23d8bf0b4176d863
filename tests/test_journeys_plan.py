"""Browser journeys of the plan itself on the demo (Bengkayang), at desktop and phone size:
(a) the secretariat imports next year's decree in the browser, corrects a finding of the
import (the other of two readings) and saves the plan; (g) a reader switches the language to
English and back. Every page on the way is checked with tests/browser_support.py (axe, console
errors, CSP violations, failed requests) and screenshotted as ``<journey>-<step>``.

The demo is seeded once for the module (tests/journey_support.py); the desktop imports the
decree for 2023, the phone for 2024, so each run has its own plan.
"""

from renaksi.importer.models import ImportStaging
from renaksi.plans.models import ActionPlan

from .browser_support import SCREENSHOTS, Visit
from .decree_samples import bengkayang_bytes
from .journey_support import (  # noqa: F401 (fixtures)
    JOURNEY,
    SIZES,
    check_long_page,
    demo_site_fixture,
    open_database_fixture,
    password,
)

pytestmark = JOURNEY

YEAR = {False: 2023, True: 2024}


@SIZES
def test_import_a_decree_and_correct_a_finding(demo_site, browser, phone):
    """(a) Import the decree (a first, wrong file is refused at the field); in the preview,
    correct a finding where the reader had to choose between two readings (the other reading
    applied, the preview read again with it), accept the warnings and save: the plan keeps the
    corrected reading."""
    year = YEAR[phone]
    decree = bengkayang_bytes().replace(b"2022", str(year).encode())
    staged = ImportStaging.objects.count()

    with Visit(browser, demo_site, phone=phone) as visit:
        visit.sign_in("sekretariat", password("sekretariat"))
        page = visit.page
        page.click("main >> text=Impor keputusan")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Impor keputusan rencana aksi"
        visit.no_horizontal_scroll("import-upload")
        visit.check("import-upload")

        page.set_input_files(
            "input[name=berkas]",
            {"name": "foto.pdf", "mimeType": "application/pdf", "buffer": b"Daftar belanja\n"},
        )
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "Ini bukan keputusan" in page.locator(".field__errors").inner_text()
        assert ImportStaging.objects.count() == staged  # nothing kept of the wrong file
        visit.check("import-refused")

        page.set_input_files(
            "input[name=berkas]",
            {"name": f"keputusan-12-{year}.txt", "mimeType": "text/plain", "buffer": decree},
        )
        page.click("main button[type=submit]")
        page.wait_for_url("**/pratinjau/")
        assert page.locator(".finding-note").count() > 0
        visit.no_horizontal_scroll("import-preview")
        check_long_page(visit, "import-preview")

        # The first finding with two readings: take the one the reader did not pick.
        choice = page.locator(".finding-note__choice").first
        other = choice.locator("input[type=radio]:not(:checked)").first
        field, value = other.get_attribute("name"), other.get_attribute("value")
        key = field.removeprefix("pilihan-")
        other.check()
        choice.scroll_into_view_if_needed()
        visit.check("import-correct", screenshot=False)
        page.screenshot(path=str(SCREENSHOTS / f"import-correct-{visit.size}.png"))
        choice.get_by_role("button", name="Terapkan pilihan").click()
        page.wait_for_url("**/pratinjau/**")
        applied = page.locator(f'input[name="{field}"][value="{value}"]')
        assert applied.is_checked()  # the preview is read again with the corrected reading
        applied.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"import-corrected-{visit.size}.png"))
        visit.check("import-corrected", screenshot=False)

        page.click("button[value=info]")
        page.wait_for_url("**/pratinjau/*")
        for box in page.locator("input[name=terima]").all():
            box.check()
        page.get_by_role("button", name="Simpan rencana aksi").click()
        page.wait_for_url("**/rencana/*/")
        assert f"keputusan-12-{year}.txt" in page.locator(".messages").inner_text()
        visit.no_horizontal_scroll("import-saved")
        check_long_page(visit, "import-saved")

    plan = ActionPlan.objects.get(unit__code="6107", year=year)
    finding = plan.findings.get(choice_key=key)
    assert finding.chosen == value
    assert finding.confirmed_at is not None  # accepted, by the secretariat
    assert finding.confirmed_by.username == "sekretariat"
    assert ImportStaging.objects.count() == staged


def _menu_entry(page, path: str) -> str:
    """The text of the main menu's link to ``path`` (also while the phone's menu is folded)."""
    return page.locator(f'.site-nav a[href="{path}"]').text_content().strip()


@SIZES
def test_switch_the_language(demo_site, browser, phone):
    """(g) The language selector in the footer turns the pages English (and the choice stays
    for the next pages), and back to Indonesian."""
    with Visit(browser, demo_site, phone=phone) as visit:
        page = visit.page
        visit.go("/masuk/")
        assert page.locator("html").get_attribute("lang") == "id"
        visit.check("language-login-id")
        visit.sign_in("pimpinan", password("pimpinan"))
        visit.go("/pekerjaan-saya/")
        assert _menu_entry(page, "/pekerjaan-saya/") == "Pekerjaan saya"

        page.select_option("#bahasa", "en")
        page.get_by_role("button", name="Terapkan").click()
        page.wait_for_url("**/pekerjaan-saya/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert _menu_entry(page, "/pekerjaan-saya/") == "My work"
        assert page.locator("h1").inner_text() == "My work"
        visit.no_horizontal_scroll("language-my-work-en")
        visit.check("language-my-work-en")
        toggle = page.locator("[data-menu-toggle]")
        if toggle.is_visible():  # the phone's folded menu
            toggle.click()
        page.get_by_role("navigation", name="Main menu").get_by_role(
            "link", name="Action plans"
        ).click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"  # the choice stays
        assert page.locator("h1").inner_text() == "Bureaucratic reform action plans"
        visit.no_horizontal_scroll("language-plans-en")
        visit.check("language-plans-en")

        page.select_option("#bahasa", "id")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "id"
        assert _menu_entry(page, "/pekerjaan-saya/") == "Pekerjaan saya"
        assert page.locator("h1").inner_text() == "Rencana aksi reformasi birokrasi"
        visit.check("language-plans-id")
