"""Browser journeys of the plan itself on the demo (Bengkayang), at desktop and phone size:
(a) the secretariat imports next year's decree in the browser, saves the plan and corrects a
finding of the import in the editor; (g) a reader switches the language to English and back.
Every page on the way is checked with tests/browser_support.py (axe, console errors, CSP
violations, failed requests) and screenshotted as ``<journey>-<step>``.

The demo is seeded once for the module (tests/journey_support.py); the desktop imports the
decree for 2023, the phone for 2024, so each run has its own plan.
"""

from renaksi.importer.models import ImportStaging
from renaksi.plans.models import ActionPlan, ImportFinding, SubActivity

from .browser_support import Visit
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
STALE = "Menetapkan Tim Reformasi Birokrasi Tahun 2021"  # the decree's row of the year before


@SIZES
def test_import_a_decree_and_correct_a_finding(demo_site, browser, phone):
    """(a) Import the decree (a first, wrong file is refused at the field), accept the
    preview's warnings, save; then correct the row the importer flagged (its year is not the
    plan's) in the editor, which marks the finding corrected."""
    year = YEAR[phone]
    decree = bengkayang_bytes().replace(b"2022", str(year).encode())
    right = f"Menetapkan Tim Reformasi Birokrasi Tahun {year}"

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
        sub = SubActivity.objects.get(activity__area__plan=plan, name__startswith=STALE)
        finding = sub.findings.get(kind="stale_year")
        assert finding.resolution != ImportFinding.Resolution.CORRECTED

        page.click("text=Ubah rencana aksi")
        page.wait_for_url(f"**/rencana/{plan.pk}/ubah/**")
        check_long_page(visit, "import-editor")
        page.click(f'a[href="sub-kegiatan/{sub.pk}/"]')
        page.wait_for_load_state()
        name = page.locator("textarea[name=name]")
        assert name.input_value().startswith(STALE)
        name.fill(name.input_value().replace(STALE, right))
        assert page.locator(f'input[name=resolve][value="{finding.pk}"]').is_checked()
        visit.no_horizontal_scroll("import-correct")
        visit.check("import-correct")
        page.click("main form.ed-form button[type=submit]")
        page.wait_for_load_state()
        assert "Perubahan disimpan" in page.locator(".messages").inner_text()
        visit.check("import-corrected")

    finding.refresh_from_db()
    sub.refresh_from_db()
    assert finding.resolution == ImportFinding.Resolution.CORRECTED
    assert sub.name.startswith(right)


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
        assert page.get_by_role("link", name="Pekerjaan saya").count() == 1

        page.select_option("#bahasa", "en")
        page.get_by_role("button", name="Terapkan").click()
        page.wait_for_url("**/pekerjaan-saya/")
        assert page.locator("html").get_attribute("lang") == "en"
        nav = page.get_by_role("navigation", name="Main menu")
        assert nav.get_by_role("link", name="My work").count() == 1
        assert page.get_by_role("link", name="Pekerjaan saya").count() == 0
        visit.no_horizontal_scroll("language-my-work-en")
        visit.check("language-my-work-en")
        nav.get_by_role("link", name="Action plans").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"  # the choice stays
        visit.no_horizontal_scroll("language-plans-en")
        visit.check("language-plans-en")

        page.select_option("#bahasa", "id")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.get_by_role("link", name="Rencana aksi", exact=True).count() >= 1
        visit.check("language-plans-id")
