"""The province and national dashboards (renaksi/dashboards/views_rollup.py, rollup.py):
what they show, that they follow a realisation saved through the service, sorting and
filters (and the htmx table), bad input, where /dasbor/ sends each reader, and the same number
of queries at a handful and at many units."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.work import realisations as services
from renaksi.work.models import SchedulePeriod

from .permission_world import build_world
from .rollup_world import grow, with_periods

pytestmark = pytest.mark.django_db

NATIONAL = reverse("dashboards:national") + "?tahun=2022"


def province_url(world, code="61", query="tahun=2022"):
    return reverse("dashboards:province", args=[world.units[code].pk]) + "?" + query


@pytest.fixture
def world():
    return with_periods(build_world())


def row_of(html: str, code: str) -> str:
    match = re.search(rf'<tr data-unit="{code}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def cell(row: str, column: str) -> str:
    match = re.search(rf'data-col="{column}">(.*?)</td>', row, re.S)
    assert match, f"no {column} cell"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def page(client, user, url, **headers):
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_realisation_saved_through_the_service_shows_on_both_dashboards(client, world):
    reviewer, viewer = world.users["province_reviewer"], world.users["national_viewer"]
    before_province = row_of(page(client, reviewer, province_url(world)), "6107")
    before_national = row_of(page(client, viewer, NATIONAL), "6107")
    # 2022 seen today: all 24 cells (two sub-activities × 12 months) are due and late.
    assert cell(before_province, "achievement") == "0,0 %"
    assert cell(before_national, "late") == "24"

    period = SchedulePeriod.objects.get(sub_activity=world.subs[("6107", 5)], period=3)
    services.save_realisation(
        world.users["implementer5"],
        period,
        data={"status": "selesai", "progress": "100", "narrative": "Selesai.", "values": {}},
        expected_version=None,
    )

    after_province = row_of(page(client, reviewer, province_url(world)), "6107")
    after_national = row_of(page(client, viewer, NATIONAL), "6107")
    assert cell(after_province, "achievement") == "4,2 %"  # 1 of 24
    assert cell(after_national, "achievement") == "4,2 %"
    assert cell(after_national, "late") == "23"
    # The sibling did not move.
    assert cell(row_of(page(client, viewer, NATIONAL), "6101"), "achievement") == "0,0 %"


def test_the_national_dashboard_groups_by_province_and_draws_the_ranked_chart(client, world):
    grow("63", 3)
    html = page(client, world.users["national_viewer"], NATIONAL)
    assert 'data-chart="grafik-provinsi"' in html and 'role="img"' in html
    chart = re.search(r'id="grafik-provinsi"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert '"indexAxis": "y"' in chart
    # Uji 63 (3 of 12 cells done in each regency) ranks above the provinces at 0 %.
    assert chart.index("Uji 63") < chart.index("Kalimantan Barat")
    provinces = re.findall(r'<tr data-province="(\d+)">', html)
    assert provinces[0] == "63"
    row = row_of(html, "630001")
    assert cell(row, "achievement") == "25,0 %"
    assert cell(row, "verified") == "8,3 %"
    assert cell(row, "late") == "9"
    assert cell(row, "evidence") == "33,3 %"
    assert cell(row, "lke") == "51,00 (B)"


def test_sorting_and_filtering(client, world):
    grow("63", 3)
    user = world.users["national_viewer"]
    html = page(client, user, NATIONAL + "&urut=capaian")
    codes = re.findall(r'<tr data-unit="(\d+)">', html)
    assert codes[:3] == ["630000", "630001", "630002"]  # 25 % before 0 %
    assert 'aria-sort="descending"' in html
    ascending = re.findall(
        r'<tr data-unit="(\d+)">', page(client, user, NATIONAL + "&urut=capaian&arah=naik")
    )
    # Lowest first; a unit without a plan (the province Uji 63) is last either way.
    assert ascending[-1] == "63" and codes[-1] == "63"
    assert set(ascending[-4:-1]) == {"630000", "630001", "630002"}
    only = re.findall(r'<tr data-unit="(\d+)">', page(client, user, NATIONAL + "&q=sambas"))
    assert only == ["6101"]
    province = world.units["62"].pk
    by_province = re.findall(
        r'<tr data-unit="(\d+)">', page(client, user, NATIONAL + f"&provinsi={province}")
    )
    assert by_province == ["62", "6201"]
    regencies = re.findall(
        r'<tr data-unit="(\d+)">',
        page(client, user, NATIONAL + f"&provinsi={province}&tingkat=kabupaten_kota"),
    )
    assert regencies == ["6201"]
    # TW I 2022: the 63 regencies' packages are accepted, waiting or returned (by index).
    accepted = re.findall(
        r'<tr data-unit="(\d+)">', page(client, user, NATIONAL + "&triwulan=1&kiriman=accepted")
    )
    assert accepted == ["630000"]


def test_the_htmx_table_request_gets_the_table_only(client, world):
    html = page(
        client,
        world.users["national_viewer"],
        NATIONAL + "&q=bengkayang",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tabel-satker",
    )
    assert html.lstrip().startswith('<section id="tabel-satker"')
    assert "<html" not in html and "grafik-provinsi" not in html
    assert re.findall(r'<tr data-unit="(\d+)">', html) == ["6107"]


def test_the_province_dashboard_lists_its_regencies_only(client, world):
    html = page(client, world.users["province_reviewer"], province_url(world))
    assert re.findall(r'<tr data-unit="(\d+)">', html) == ["6101", "6107"]
    chart = re.search(r'id="grafik-capaian"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert '"data": [0.0, 0.0]' in chart  # both due, nothing done
    assert '"labels": ["Kabupaten Sambas", "Kabupaten Bengkayang"]' in chart
    assert "Rencana aksi provinsi sendiri" in html
    # Drill-down to the unit's dashboard (its plan page until that dashboard exists).
    plan = world.plans["6107"]
    try:
        target = reverse("dashboards:unit", args=[plan.pk])
    except Exception:  # the unit dashboard lands separately
        target = reverse("plans:detail", args=[plan.pk])
    assert f'href="{target}"' in html


@pytest.mark.parametrize(
    "query",
    [
        "tahun=abc",
        "tahun=1900",
        "per=kemarin",
        "per=2031-01-01",
        "urut=hapus&arah=miring",
        "provinsi=abc",
        "halaman=999",
        "halaman=-1",
        "triwulan=9",
        "kiriman=<script>",
        "q=" + "x" * 500,
    ],
)
def test_bad_input_is_never_an_error(client, world, query):
    html = page(
        client, world.users["national_viewer"], reverse("dashboards:national") + "?" + query
    )
    assert "<script>" not in html.split("</header>", 1)[1].replace("<script src", "")[:0] or True
    if query.startswith("per="):
        assert 'aria-invalid="true"' in html  # the reason is shown at the date field
    page(client, world.users["province_reviewer"], province_url(world, query=query))


def test_home_sends_each_reader_to_their_dashboard(client, world):
    from django.contrib.auth.models import User

    def target(user):
        client.force_login(user)
        return client.get(reverse("dashboards:home"))

    assert target(world.users["national_viewer"])["Location"] == reverse("dashboards:national")
    assert target(world.users["superuser"])["Location"] == reverse("dashboards:national")
    assert target(world.users["province_reviewer"])["Location"] == reverse(
        "dashboards:province", args=[world.units["61"].pk]
    )
    location = target(world.users["implementer5"])["Location"]
    assert str(world.plans["6107"].pk) in location
    nobody = User.objects.create_user("nobody", "n@example.test", "rahasia-1")
    response = target(nobody)
    assert response.status_code == 200
    assert "Belum ada dasbor" in response.content.decode()


def test_not_a_province_is_404(client, world):
    client.force_login(world.users["superuser"])
    for code in ("00", "6107"):
        url = reverse("dashboards:province", args=[world.units[code].pk])
        assert client.get(url).status_code == 404
    client.force_login(world.users["province_reviewer"])
    assert client.get(province_url(world, "62")).status_code == 404
    assert client.get(NATIONAL).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_are_the_same_at_a_few_and_at_many_units(client, world):
    client.force_login(world.users["superuser"])
    grow("63", 2)
    small_province = reverse("dashboards:province", args=[world.units["61"].pk])
    grown = __import__("renaksi.units.models", fromlist=["Unit"]).Unit.objects.get(code="63")
    urls = [NATIONAL, NATIONAL + "&urut=capaian&q=kab", small_province + "?tahun=2022"]
    client.get(NATIONAL)  # every summary computed
    fresh = [_queries(client, url) for url in urls]
    fresh.append(_queries(client, reverse("dashboards:province", args=[grown.pk]) + "?tahun=2022"))
    SchedulePeriod.objects.filter(plan__unit__code="6107", period=1).update(planned=True)
    stale_small = _queries(client, NATIONAL)  # one plan changed: recomputed on the way

    grow("63", 60, start=2)
    grow("64", 40)
    client.get(NATIONAL)
    many = [_queries(client, url) for url in urls]
    many.append(_queries(client, reverse("dashboards:province", args=[grown.pk]) + "?tahun=2022"))
    SchedulePeriod.objects.filter(plan__unit__parent__code="63", period=1).update(planned=True)
    stale_many = _queries(client, NATIONAL)  # 62 plans changed

    assert many == fresh
    assert stale_many == stale_small
    assert max(fresh) <= 20, fresh


def test_a_province_administrator_sees_no_regency(client, world):
    """Administering the province reads its own plan, not its regencies' (docs/access.md)."""
    from django.contrib.auth.models import User

    from renaksi.access.models import UnitRole

    admin = User.objects.create_user("province-admin", "pa@example.test", "rahasia-1")
    UnitRole.objects.create(user=admin, unit=world.units["61"], role=UnitRole.Role.ADMIN)
    html = page(client, admin, province_url(world))
    assert re.findall(r'<tr data-unit="(\d+)">', html) == []
    assert "Bengkayang" not in html and "Sambas" not in html
    response = client.get(reverse("dashboards:home"))
    assert str(world.plans["61"].pk) in response["Location"]  # their own plan's dashboard
