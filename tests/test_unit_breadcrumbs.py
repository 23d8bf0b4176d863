"""The unit breadcrumb links a parent unit only for a reader who may open it, at no query cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.units.breadcrumbs import ancestors
from renaksi.units.models import Unit

from .permission_world import build_world

pytestmark = pytest.mark.django_db

RI, KALBAR = "KPU Republik Indonesia", "KPU Provinsi Kalimantan Barat"


@pytest.fixture
def world():
    return build_world()


def breadcrumb(client, world, code):
    response = client.get(reverse("units:detail", args=[world.units[code].pk]))
    assert response.status_code == 200
    return re.search(r'<p class="breadcrumb">(.*?)</p>', response.content.decode(), re.S).group(1)


def linked(html, world, code, name):
    return f'<a href="{reverse("units:detail", args=[world.units[code].pk])}">{name}</a>' in html


def plain(html, name):
    return f'<span class="breadcrumb__plain">{name}</span>' in html


@pytest.mark.parametrize(
    ("persona", "ri_linked", "kalbar_linked"),
    [
        ("unit_admin", False, False),  # administrator of Bengkayang only
        ("implementer5", False, False),  # a member of Bengkayang's Tim RB
        ("province_reviewer", False, True),  # reads the province and its regencies
        ("national_viewer", True, True),
        ("superuser", True, True),
    ],
)
def test_regency_page_links_only_the_parents_the_reader_may_open(
    client, world, persona, ri_linked, kalbar_linked
):
    client.force_login(world.users[persona])
    html = breadcrumb(client, world, "6107")
    assert html.index(RI) < html.index(KALBAR)  # top first
    assert linked(html, world, "00", RI) is ri_linked
    assert plain(html, RI) is not ri_linked
    assert linked(html, world, "61", KALBAR) is kalbar_linked
    assert plain(html, KALBAR) is not kalbar_linked
    # Every link in the breadcrumb opens.
    for href in re.findall(r'href="([^"]+)"', html):
        assert client.get(href).status_code == 200, href


def test_province_page_for_its_reviewer(client, world):
    client.force_login(world.users["province_reviewer"])
    html = breadcrumb(client, world, "61")
    assert plain(html, RI)
    assert KALBAR not in html  # the page's own unit is its heading


def test_top_unit_has_no_parents(client, world):
    client.force_login(world.users["national_viewer"])
    html = breadcrumb(client, world, "00")
    assert RI not in html
    assert "Satuan kerja" in html


def test_invite_page_trail_ends_with_the_unit(client, world):
    client.force_login(world.users["unit_admin"])
    response = client.get(reverse("units:invite", args=[world.units["6107"].pk]))
    html = re.search(r'<p class="breadcrumb">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert plain(html, KALBAR) and plain(html, RI)
    assert linked(html, world, "6107", "KPU Kabupaten Bengkayang")


def test_the_breadcrumb_costs_no_query_per_parent(client, world):
    """The same number of queries for a unit with two parents, one, or none."""
    client.force_login(world.users["national_viewer"])
    counts = {}
    for code in ("00", "61", "6107"):
        client.get(reverse("units:detail", args=[world.units[code].pk]))  # grants, session
        with CaptureQueriesContext(connection) as queries:
            breadcrumb(client, world, code)
        counts[code] = len(queries)
    assert counts["00"] == counts["61"] == counts["6107"], counts


def test_parents_not_loaded_come_in_one_query(world, django_assert_num_queries):
    unit = Unit.objects.get(code="6107")
    with django_assert_num_queries(1):
        chain = ancestors(unit)
    assert [u.code for u in chain] == ["00", "61"]
    with django_assert_num_queries(0):
        assert [u.code for u in ancestors(unit)] == ["00", "61"]


def test_team_page_links_its_unit_for_a_reader_who_may_open_it(client, world):
    client.force_login(world.users["implementer5"])
    response = client.get(reverse("teams:detail", args=[world.teams["6107"].pk]))
    html = re.search(r'<p class="breadcrumb">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert linked(html, world, "6107", "KPU Kabupaten Bengkayang")
