"""The unit dashboard in a real browser, at desktop and phone size: no console error, CSP
violation or axe (WCAG 2.1 AA) violation, no page-level sideways scroll at 360 px, the
charts drawn, the as-of switch (a shareable address) and the overdue list's PIC filter
(htmx: only that part replaced). Screenshots: unit-dashboard-*,
unit-dashboard-day-*, unit-dashboard-pic-*."""

import pytest
from django.urls import reverse

from renaksi.access.models import UnitRole

from .assessment_world import build_framework
from .browser_support import Visit
from .dashboard_unit_world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_unit_dashboard_in_the_browser(browser, live_server, phone):
    world = build_world(framework=build_framework())
    admin = world.users["admin"]
    admin.set_password("rahasia-dasbor")
    admin.save()
    UnitRole.objects.create(user=admin, unit=world.plan.unit, role=UnitRole.Role.ADMIN)
    url = reverse("dashboards:unit", args=[world.plan.pk])
    with Visit(browser, live_server, phone=phone) as visit:
        visit.sign_in("admin", "rahasia-dasbor")
        visit.go(url)
        visit.page.wait_for_selector("canvas[data-chart='grafik-capaian'][data-drawn]")
        visit.page.wait_for_selector("canvas[data-chart='grafik-lke'][data-drawn]")
        assert visit.page.locator("#terlambat .dash-list__item").count() == 4  # year over
        visit.check("unit-dashboard")
        if phone:
            visit.no_horizontal_scroll("unit-dashboard")

        # The as-of switch: the address carries the day.
        visit.page.fill("#per", "2022-03-10")
        visit.page.click(".asof-form button[type=submit]")
        visit.page.wait_for_function("() => location.search.includes('per=2022-03-10')")
        visit.page.wait_for_selector("text=Keadaan per 10 Maret 2022 (WIB).")
        visit.page.wait_for_selector("canvas[data-chart='grafik-capaian'][data-drawn]")
        assert visit.page.locator("#terlambat .dash-list__item").count() == 3
        assert visit.page.locator("#bulan-ini .dash-list__item").count() == 2
        visit.check("unit-dashboard-day")
        if phone:
            visit.no_horizontal_scroll("unit-dashboard-day")

        # The overdue list by one PIC: only that part is replaced, the day is kept.
        visit.page.select_option("#pic-terlambat", str(world.users["budi"].pk))
        visit.page.click("#terlambat button[type=submit]")
        visit.page.wait_for_function(
            "() => document.querySelectorAll('#terlambat .dash-list__item').length === 1"
        )
        assert "per=2022-03-10" in visit.page.url and "pic=" in visit.page.url
        assert "Sub kegiatan 1.1.2" in visit.page.locator("#terlambat").inner_text()
        visit.check("unit-dashboard-pic")

        # A bad day: the message at the field, today's figures, no error.
        visit.go(url + "?per=2021-01-01")
        assert (
            visit.page.locator("#per-galat")
            .inner_text()
            .startswith("Tanggal tidak boleh sebelum tahun rencana")
        )
        visit.check("unit-dashboard-bad-day", screenshot=False)
