"""The unit dashboard's page (renaksi/dashboards/views_unit.py): who sees it, what it shows
and links to, its htmx parts, bad input, and a fixed number of queries whatever the plan's
size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.access.policy import forget_grants
from renaksi.plans.models import ChangeArea

from .assessment_world import build_framework
from .dashboard_unit_world import build_world, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world(framework=build_framework())
    UnitRole.objects.create(
        user=world.users["admin"], unit=world.plan.unit, role=UnitRole.Role.ADMIN
    )
    forget_grants(world.users["admin"])
    return world


def url(world, query=""):
    return reverse("dashboards:unit", args=[world.plan.pk]) + query


def get(client, world, query="", **headers):
    client.force_login(world.users["admin"])
    return client.get(url(world, query), headers=headers)


def test_the_page_shows_the_figures_and_links_to_the_items(client, world):
    response = get(client, world, "?per=2022-03-10")
    assert response.status_code == 200
    html = response.content.decode()
    plan = world.plan.pk
    assert "Keadaan per 10 Maret 2022 (WIB)" in html
    # achievement table: area 1 scheduled 5, planned 80 %, realised 40 %, verified 20 %
    row = re.search(r'<tr data-area="1">(.*?)</tr>', html, re.S).group(1)
    day = "per=2022-03-10"
    assert f'href="/rencana/{plan}/jadwal/?{day}&amp;area=1">5</a>' in row
    assert "80,0 %" in row and "40,0 %" in row and "20,0 %" in row and "−40,0" in row
    assert "50,0 %" in row  # capaian: 2 of the 4 due cells done
    assert f'href="/rencana/{plan}/jadwal/?{day}&amp;area=1&amp;state=late">1</a>' in row
    # the chart and its accessible name; the heat map's cells link to the schedule
    assert 'data-chart="grafik-capaian" role="img" aria-label=' in html
    assert 'id="grafik-capaian"' in html
    assert f'href="/rencana/{plan}/jadwal/?area=5&amp;bulan=1&amp;{day}">1' in html
    # overdue with their PICs, each linking to its realisation page
    citra = world.users["citra"].pk
    assert f'href="/rencana/{plan}/jadwal/?state=late&amp;pic={citra}&amp;{day}">2</a>' in html
    late = world.periods["5.1.1", 1].pk
    assert f'href="{reverse("work:realisation", args=[late])}"' in html
    assert "lewat 33 hari" in html
    # evidence, LKE, activity
    assert "2 dari 3 periode selesai punya bukti dukung (66,7 %)" in html
    assert "Per indikator: 3 dari 5 periode selesai lengkap buktinya (60,0 %)" in html
    assert "75,50" in html and 'id="grafik-lke"' in html
    assert "Catatan 9 Maret" in html and "Catatan 11 Maret" not in html
    assert reverse("plans:history", args=[plan]) in html


def test_default_day_is_today_for_a_past_year(client, world):
    html = get(client, world).content.decode()
    assert "Tahun rencana sudah berakhir" in html
    assert "Tahun rencana sudah berakhir: tidak ada lagi yang jatuh tempo." in html


@pytest.mark.parametrize(
    "value, message",
    [
        ("2022-13-01", "Tanggal tidak valid"),
        ("2021-12-31", "Tanggal tidak boleh sebelum tahun rencana (2022)."),
        ("2999-01-01", "Tanggal tidak boleh setelah hari ini"),
        ("%00" * 2000, "Tanggal tidak valid"),
    ],
)
def test_bad_day_is_shown_at_the_field_never_a_500(client, world, value, message):
    response = get(client, world, f"?per={value}&pic=%ff")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true" aria-describedby="per-galat"' in html
    assert "Tahun rencana sudah berakhir" in html  # today's figures instead


def test_htmx_parts(client, world):
    budi = world.users["budi"].pk
    part = get(
        client, world, f"?per=2022-03-10&pic={budi}", HX_Request="true", HX_Target="terlambat"
    )
    html = part.content.decode()
    assert part.status_code == 200
    assert "<html" not in html and 'id="terlambat-judul"' in html
    assert "Sub kegiatan 1.1.2" in html and "Sub kegiatan 5.1.1" not in html
    assert f'<option value="{budi}" selected>' in html
    assert 'name="per" value="2022-03-10"' in html  # the filter keeps the chosen day
    assert 'hx-target="#terlambat" hx-push-url="true"' in html
    full = get(client, world, "?per=2022-03-10", HX_Request="true", HX_Target="dasbor-isi")
    assert "<html" in full.content.decode()  # only the overdue list is a part


def test_reader_of_another_unit_gets_404_and_anonymous_the_login(client, world):
    other = world.users["ani"]
    UnitRole.objects.create(user=other, unit=world.units["6101"], role=UnitRole.Role.ADMIN)
    client.force_login(other)
    assert client.get(url(world)).status_code == 404
    client.logout()
    response = client.get(url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_plan_page_links_to_the_dashboard(client, world):
    client.force_login(world.users["admin"])
    html = client.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
    assert f'href="{url(world)}"' in html


def queries(client, world, query="?per=2022-03-10"):
    client.force_login(world.users["admin"])
    client.get(url(world, query))  # warm the session and grants
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(world, query))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_plan(client, world):
    small = queries(client, world)
    small_today = queries(client, world, "")
    grow(world)
    assert world.plan.schedule_periods.count() > 1400
    large = queries(client, world)
    large_today = queries(client, world, "")
    assert small == large == small_today == large_today
    assert large <= 14  # 4 for the session, user and grants, 10 for the page


def test_links_to_the_schedule_name_the_change_area_not_the_plans_own_number(client, world):
    """A decree may number its areas in its own order: the schedule filters by the standard
    change area (ChangeArea.number), so the dashboard's links must name that one."""
    first = world.plan.areas.get(number=1)
    first.change_area = ChangeArea.objects.get(number=7)
    first.save(update_fields=["change_area"])
    client.force_login(world.users["admin"])
    html = client.get(url(world, "?per=2022-03-10")).content.decode().replace("&amp;", "&")
    row = re.search(r'<tr data-area="1">(.*?)</tr>', html, re.S).group(1)
    assert "area=7" in row
    # No link of the page (area table, heat map) names the plan's own number 1.
    assert not re.search(r'area=1(&|")', html)
