"""The province and national dashboards in a real browser, at desktop and phone size: no
console error, CSP violation or axe (WCAG 2.1 AA) violation, no page-level sideways scroll at
360 px, the chart drawn, and the htmx search replacing the units' table with a shareable
address. Screenshots: rollup-national-*, rollup-national-search-*, rollup-province-*."""

import pytest
from django.urls import reverse

from .browser_support import Visit
from .permission_world import PASSWORD, build_world
from .rollup_world import grow, with_periods

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_rollup_dashboards_in_the_browser(browser, live_server, phone):
    world = with_periods(build_world())
    grow("63", 4)
    with Visit(browser, live_server, phone=phone) as visit:
        visit.sign_in("national_viewer", PASSWORD)
        visit.go(reverse("dashboards:home"))
        assert visit.page.url.endswith(reverse("dashboards:national"))
        visit.go(reverse("dashboards:national") + "?tahun=2022")
        visit.page.wait_for_selector("canvas[data-chart='grafik-provinsi'][data-drawn]")
        visit.check("rollup-national")
        if phone:
            visit.no_horizontal_scroll("rollup-national")

        visit.page.fill("#cari", "bengkayang")
        visit.page.wait_for_function(
            "() => document.querySelectorAll('#tabel-satker tbody tr').length === 1"
        )
        assert "q=bengkayang" in visit.page.url  # hx-push-url: the address can be shared
        assert visit.page.locator("#tabel-satker tbody tr").get_attribute("data-unit") == "6107"
        visit.check("rollup-national-search")

        visit.page.click("#tabel-satker th a:text('Capaian')")
        visit.page.wait_for_selector("#tabel-satker th[aria-sort]")
        assert "urut=capaian" in visit.page.url
        # Filtering afterwards keeps the order (the table's inputs belong to the form).
        visit.page.select_option("#kiriman", "overdue")
        visit.page.wait_for_function("() => location.search.includes('kiriman=overdue')")
        assert "urut=capaian" in visit.page.url
        visit.page.wait_for_selector("#tabel-satker th[aria-sort]")

        visit.go(reverse("dashboards:province", args=[world.units["61"].pk]) + "?tahun=2022")
        visit.page.wait_for_selector("canvas[data-chart='grafik-capaian'][data-drawn]")
        visit.check("rollup-province")
        if phone:
            visit.no_horizontal_scroll("rollup-province")
