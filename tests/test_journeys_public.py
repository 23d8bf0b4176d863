"""Browser journey (f) on the demo (Bengkayang 2022, published by seed_demo), at desktop and
phone size: the secretariat withdraws the public RB column (an anonymous visitor then gets a
404), publishes it again with its choice of documents (the Lampiran PDF, not the decree), and
an anonymous visitor finds it from the login page ("Kolom RB publik" → the index → the unit's
year) and reads the plan's progress and the chosen documents, without the implementers' names.
Every page on the way is checked with tests/browser_support.py (axe, console errors, CSP
violations, failed requests) and screenshotted as ``<journey>-<step>``.

The demo is seeded once for the module (tests/journey_support.py); each size withdraws and
publishes again, so each starts from a published column and leaves one.
"""

from renaksi.publication.models import Publication

from .browser_support import Visit
from .journey_support import (  # noqa: F401 (fixtures)
    JOURNEY,
    SIZES,
    check_long_page,
    demo_site_fixture,
    open_database_fixture,
    password,
)

pytestmark = JOURNEY

PUBLIC = "/publik/6107/2022/"
# Names the demo gives its implementers: never on the public page unless the unit shows them.
NAMES = ("Pelaksana Area 1–4", "Pelaksana Area 5", "Pelaksana Area 6–8", "Musa Jairani")


@SIZES
def test_publish_and_open_the_public_page(demo_site, browser, phone):
    plan = demo_site.plan
    assert Publication.objects.get(plan=plan).published  # seed_demo published it

    with (
        Visit(browser, demo_site, phone=phone) as admin,
        Visit(browser, demo_site, phone=phone) as visitor,
    ):
        # The unit's administrator withdraws the column, with a reason and a confirmation.
        admin.sign_in("sekretariat", password("sekretariat"))
        admin.go(f"/rencana/{plan.pk}/")
        page = admin.page
        page.locator(".plan-actions").get_by_role("link", name="Kolom RB publik").click()
        page.wait_for_url(f"**/rencana/{plan.pk}/publikasi/")
        admin.no_horizontal_scroll("publish-manage")
        admin.check("publish-manage")
        withdraw = page.locator("form:has(input[name=action][value=withdraw])")
        withdraw.locator("textarea[name=reason]").fill("Diperbarui: dokumen dipilih ulang.")
        withdraw.locator("input[name=confirm]").check()
        withdraw.get_by_role("button", name="Tarik publikasi").click()
        page.wait_for_load_state()
        assert "Publikasi ditarik" in page.locator(".messages").inner_text()
        assert Publication.objects.get(plan=plan).published is False
        admin.check("publish-withdrawn")

        # The public page is gone for an anonymous visitor (in a window of its own: the 404 is
        # expected there, and the browser reports it on the console too).
        with Visit(browser, demo_site, phone=phone) as gone:
            gone.allow(r"HTTP 404: .*/publik/6107/2022/$")
            gone.allow(r"console error: Failed to load resource: .* status of 404")
            response = gone.go(PUBLIC)
            assert response.status == 404
            gone.check("publish-withdrawn-404")

        # Published again: the Lampiran PDF, not the decree.
        admin.go(f"/rencana/{plan.pk}/publikasi/")
        publish = page.locator("form:has(input[name=action][value=publish])")
        publish.locator("input[name=decree_pdf]").uncheck()
        publish.locator("input[name=lampiran_pdf]").check()
        assert not publish.locator("input[name=show_names]").is_checked()  # off by default
        # The form's answer when it refuses is a 400 (the browser reports it on the console).
        admin.allow(r"HTTP 400: .*/publikasi/$")
        admin.allow(r"console error: Failed to load resource: .* status of 400")
        publish.get_by_role("button", name="Publikasikan").click()
        page.wait_for_load_state()
        assert page.locator(".field__errors").count() == 1  # the confirmation is required
        assert Publication.objects.get(plan=plan).published is False
        admin.check("publish-unconfirmed")
        publish.locator("input[name=confirm]").check()
        publish.get_by_role("button", name="Publikasikan").click()
        page.wait_for_load_state()
        assert "Laman publik menampilkan pilihan ini" in page.locator(".messages").inner_text()
        admin.check("publish-published")
        publication = Publication.objects.get(plan=plan)
        assert publication.published and publication.lampiran_pdf
        assert not publication.decree_pdf and not publication.show_names

        # An anonymous visitor finds it from the login page.
        visitor.go("/masuk/")
        visitor.page.get_by_role("link", name="Kolom RB publik").click()
        visitor.page.wait_for_url("**/publik/")
        visitor.no_horizontal_scroll("publish-index")
        visitor.check("publish-index")
        visitor.page.get_by_role("link", name="KPU Kabupaten Bengkayang tahun 2022").click()
        visitor.page.wait_for_url(f"**{PUBLIC}")
        public = visitor.page
        assert "Reformasi Birokrasi KPU Kabupaten Bengkayang Tahun 2022" in (
            public.locator("h1").inner_text()
        )
        assert public.locator("#capaian").count() == 1
        assert public.locator(".public-docs__item--lampiran").count() == 1
        assert public.locator(".public-docs__item--keputusan").count() == 0
        text = public.locator("main").inner_text()
        assert not [name for name in NAMES if name in text]
        visitor.no_horizontal_scroll("publish-public-page")
        check_long_page(visitor, "publish-public-page")
