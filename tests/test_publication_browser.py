"""The public RB column in a real browser (tests/browser_support.py), on the demo as
seed_demo leaves it: an anonymous visitor follows "Kolom RB publik" from the sign-in page to
the index and to /publik/6107/2022/, opens the embed, and the unit's administrator opens the
publication page; at desktop and phone size, each page without console errors, CSP
violations or axe violations, and at 360 px without sideways scrolling. Screenshots:
test-output/screenshots/public-<step>-<size>.png."""

from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan, ChangeArea
from renaksi.plans.reference import STANDARD_CHANGE_AREAS

from .browser_support import Visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_plan(live_server):
    for number, name in STANDARD_CHANGE_AREAS.items():
        ChangeArea.objects.update_or_create(number=number, defaults={"name": name})
    call_command("seed_demo", stdout=StringIO())
    return ActionPlan.objects.get(unit__code="6107", year=2022)


def test_the_public_column_of_the_demo_at_desktop_and_phone(browser, live_server, demo_plan):
    for phone in (False, True):
        with Visit(browser, live_server, phone=phone) as visit:
            visit.go("/masuk/")
            visit.page.click("text=Kolom RB publik")
            visit.page.wait_for_load_state("load")
            assert visit.page.url.endswith("/publik/")
            assert visit.page.locator("text=KPU Kabupaten Bengkayang").count() == 1
            visit.check("public-index")
            visit.no_horizontal_scroll("public-index")

            visit.page.click("a[href='/publik/6107/2022/']")
            visit.page.wait_for_load_state("load")
            page = visit.page
            assert "Reformasi Birokrasi KPU Kabupaten Bengkayang Tahun 2022" in page.inner_text(
                "h1"
            )
            # The figures the demo's year gives, as a table beside the chart.
            rows = page.locator("table.public-progress tbody tr")
            assert rows.count() == 8
            assert page.locator("canvas[data-chart='grafik-capaian'][data-drawn]").count() == 1
            text = page.inner_text("main")
            for document in (
                "Keputusan penetapan rencana aksi (lengkap)",
                "Lampiran: rencana aksi reformasi birokrasi",
                "Laporan monitoring dan evaluasi triwulan I",
            ):
                assert document in text
            assert "triwulan II" not in text  # TW II waits at the province: not public
            for name in ("Musa Jairani", "Pelaksana Area", "Asesor Bengkayang"):
                assert name not in text
            visit.check("public-page")
            visit.no_horizontal_scroll("public-page")

            visit.go("/publik/6107/2022/sematan/")
            visit.check("public-embed")
            visit.no_horizontal_scroll("public-embed")

        with Visit(browser, live_server, phone=phone) as visit:
            visit.sign_in("sekretariat", "renaksi-sekretariat")
            visit.go(f"/rencana/{demo_plan.pk}/publikasi/")
            assert "Dipublikasikan" in visit.page.inner_text("main")
            visit.check("public-manage")
            visit.no_horizontal_scroll("public-manage")
