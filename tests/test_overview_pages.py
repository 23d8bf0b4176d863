"""The province and national overviews: their figures, filters, sorting, and the same number
of queries at 14 and at 514 regencies."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.evaluation.models import Assessment
from renaksi.submissions import overview
from renaksi.submissions.services import today_in

from .overview_world import YEAR, build_province, expected, framework, national_unit

pytestmark = pytest.mark.django_db


def reviewer_of(unit, name):
    user = User.objects.create_user(name)
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.REVIEWER)
    return user


def get(client, user, url):
    client.force_login(user)
    client.get(url)  # the session's first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def test_province_figures_38_regencies_as_in_jatim_2021():
    """29 of 38 regencies with an incomplete LKE is "29 dari 38 (76 %)" (DOMAIN.md §3.4)."""
    province = build_province("35", 38)
    data = overview.province_overview(province, year=YEAR, today=today_in(province))
    figures = expected(38)
    assert data["total"] == 38
    assert data["incomplete"].part == figures["incomplete"]
    assert data["without_evidence"].part == figures["without_evidence"]
    assert data["without_lke"].part == figures["without_lke"]
    q1, q2 = data["summaries"][0], data["summaries"][1]
    assert (q1.accepted, q1.waiting, q1.returned) == (
        figures["q1_accepted"],
        figures["q1_waiting"],
        figures["q1_returned"],
    )
    assert q1.not_submitted == 0
    assert q1.late == figures["q1_late_sent"]  # every one was sent; the late ones
    assert q2.waiting == figures["q2_waiting"]
    assert q2.not_submitted == 38 - figures["q2_waiting"]
    # 2022 is long past: every unsent TW II counts as late, and TW III/IV are all unsent.
    assert q2.late == q2.not_submitted
    assert data["summaries"][3].not_submitted == 38
    assert [node.code for node in data["areas"]] == ["A.1", "A.2"]
    first = data["rows"][0]
    assert first.unit.code == "350000"
    assert [cell.kind for cell in first.cells] == ["accepted", "waiting", "overdue", "overdue"]
    assert first.cells[0].late
    assert first.area_scores == [Decimal("0.50"), Decimal("3.25")]
    assert [cell.kind for cell in data["own"]] == ["overdue"] * 4  # the province sent nothing


def test_rate_text_matches_the_province_report():
    assert str(overview.Rate(29, 38)) == "29 dari 38 (76 %)"
    assert str(overview.Rate(9, 38)) == "9 dari 38 (24 %)"
    assert overview.Rate(0, 0).percent is None


def test_the_jatim_2021_findings_read_as_the_province_wrote_them(client):
    """29 of 38 regencies (76 %) had not completed the LKE; in 9 (24 %) answers lacked
    evidence (DOMAIN.md §3.4): the built province has 28 and 8; one more of each."""
    province = build_province("35", 38)
    assert expected(38)["incomplete"] == 28 and expected(38)["without_evidence"] == 8
    Assessment.objects.filter(unit__code="350000").update(answered_count=30)
    Assessment.objects.filter(unit__code="350004").update(without_evidence_count=1)
    response, _ = get(
        client,
        reviewer_of(province, "jatim"),
        reverse("submissions:province", args=[province.pk]) + f"?tahun={YEAR}",
    )
    html = response.content.decode()
    assert re.search(r'data-rate="incomplete"><strong>29 dari 38 \(76 %\)</strong>', html)
    assert re.search(r'data-rate="without-evidence"><strong>9 dari 38 \(24 %\)</strong>', html)


def test_province_page_shows_the_rates_and_filters(client):
    province = build_province("35", 38)
    user = reviewer_of(province, "jatim")
    figures = expected(38)
    url = reverse("submissions:province", args=[province.pk]) + f"?tahun={YEAR}"
    response, _ = get(client, user, url)
    html = response.content.decode()
    share = round(figures["incomplete"] * 100 / 38)
    assert f"{figures['incomplete']} dari 38 ({share} %)" in html
    assert html.count('data-unit="35') == 38
    # Returned in TW I: i % 3 == 2.
    response, _ = get(client, user, url + "&triwulan=1&status=dikembalikan")
    codes = re.findall(r'data-unit="(35\d+)"', response.content.decode())
    assert codes == [f"35{i:04d}" for i in range(38) if i % 3 == 2]
    # Not sent in TW II: odd i.
    response, _ = get(client, user, url + "&triwulan=2&status=belum")
    codes = re.findall(r'data-unit="(35\d+)"', response.content.decode())
    assert codes == [f"35{i:04d}" for i in range(38) if i % 2 == 1]
    # Highest LKE index first; regencies without LKE last.
    response, _ = get(client, user, url + "&urut=indeks")
    codes = re.findall(r'data-unit="(35\d+)"', response.content.decode())
    ranked = [i for i in range(38) if i % 10 != 9]
    ranked.sort(key=lambda i: (-(50 + i % 40), i))
    assert codes[: len(ranked)] == [f"35{i:04d}" for i in ranked]
    assert codes[len(ranked) :] == [f"35{i:04d}" for i in range(38) if i % 10 == 9]
    # Search.
    response, _ = get(client, user, url + "&q=35-0007")
    assert re.findall(r'data-unit="(35\d+)"', response.content.decode()) == ["350007"]


def test_another_province_reviewer_does_not_see_it(client):
    province = build_province("35", 3)
    other = build_province("36", 3)
    user = reviewer_of(other, "other")
    client.force_login(user)
    assert client.get(reverse("submissions:province", args=[province.pk])).status_code == 404
    assert client.get(reverse("submissions:national")).status_code == 403


def test_national_figures_and_rankings(client):
    build_province("35", 38)
    build_province("36", 10)
    user = reviewer_of(national_unit(), "kpuri")
    url = reverse("submissions:national") + f"?tahun={YEAR}&triwulan=1"
    response, _ = get(client, user, url)
    html = response.content.decode()
    a, b = expected(38), expected(10)
    incomplete = a["incomplete"] + b["incomplete"]
    assert f"{incomplete} dari 48 ({round(incomplete * 100 / 48)} %)" in html
    accepted = a["q1_accepted"] + b["q1_accepted"]
    assert f"{accepted} dari 48 ({round(accepted * 100 / 48)} %)" in html
    lines = {line.unit.code: line for line in response.context["provinces"]}
    assert lines["35"].incomplete.part == a["incomplete"]
    assert lines["36"].lacking_evidence.part == b["without_evidence"]
    assert lines["35"].quarter.returned == a["q1_returned"]
    # Ranked by LKE index across provinces: 89 is the top (i = 39 has no LKE; i = 38 → 88).
    rows = response.context["rows"]
    assert [row.rank for row in rows[:3]] == [1, 2, 3]
    assert rows[0].assessment.index_value >= rows[1].assessment.index_value
    # Filtered to one province and to regencies.
    province_pk = lines["36"].unit.pk
    response, _ = get(client, user, url + f"&provinsi={province_pk}&tingkat=kabupaten_kota")
    assert {row.unit.parent_id for row in response.context["rows"]} == {province_pk}
    assert len(response.context["rows"]) == 10
    # Provinces sorted by their share of incomplete LKE.
    response, _ = get(client, user, url + "&urut_provinsi=kelengkapan")
    order = [line.unit.code for line in response.context["provinces"]]
    assert order == sorted(
        order, key=lambda c: -{"35": a, "36": b}[c]["incomplete"] * 100 // (38 if c == "35" else 10)
    )


def test_same_queries_at_14_and_514_regencies(client):
    province = build_province("61", 14)
    build_province("62", 5)
    framework()
    province_user = reviewer_of(province, "kalbar")
    national_user = reviewer_of(national_unit(), "kpuri")
    pages = [
        (province_user, reverse("submissions:province", args=[province.pk]) + f"?tahun={YEAR}"),
        (
            province_user,
            reverse("submissions:province", args=[province.pk])
            + f"?tahun={YEAR}&triwulan=1&status=terlambat&urut=indeks",
        ),
        (national_user, reverse("submissions:national") + f"?tahun={YEAR}"),
        (national_user, reverse("submissions:national") + f"?tahun={YEAR}&urut=kelengkapan"),
        (province_user, reverse("submissions:queue")),
    ]
    small = [get(client, user, url)[1] for user, url in pages]
    build_province("61", 500, start=14)
    assert Assessment.objects.filter(unit__parent=province).count() > 400
    large = [get(client, user, url)[1] for user, url in pages]
    assert small == large
    response, _ = get(client, province_user, pages[0][1])
    assert response.context["total"] == 514
    assert response.context["page"].paginator.num_pages == 11


def test_a_status_without_a_quarter_filters_the_current_one(client):
    province = build_province("35", 12)
    user = reviewer_of(province, "jatim")
    url = reverse("submissions:province", args=[province.pk]) + f"?tahun={YEAR}&status=diterima"
    response, _ = get(client, user, url)
    # 2022 is past: its current quarter is TW IV, where nothing was accepted.
    assert response.context["chosen"]["triwulan"] == 4
    assert response.context["rows"] == []


def test_the_overviews_offer_their_recap_and_it_downloads(client):
    province = build_province("35", 5)
    centre = national_unit()
    for unit, name, page in [
        (province, "jatim", reverse("submissions:province", args=[province.pk])),
        (centre, "kpuri", reverse("submissions:national")),
    ]:
        user = reviewer_of(unit, name)
        response, _ = get(client, user, page + f"?tahun={YEAR}")
        recap = reverse("reports:recap", args=[unit.pk, YEAR])
        assert f'href="{recap}' in response.content.decode()
        download = client.get(recap)
        assert download.status_code == 200
        assert download["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )


def test_repeated_area_labels_are_told_apart_by_their_parent():
    """The ZI LKE has areas 1–6 under Pemenuhan (I) and again under Reform (II)."""
    from types import SimpleNamespace as Node

    pemenuhan = Node(label="I", title="Pemenuhan")
    reform = Node(label="II", title="Reform")
    hasil = Node(label="B", title="Hasil")
    nodes = [
        Node(label="1", title="Manajemen Perubahan", code="A.I.1", parent=pemenuhan),
        Node(label="1", title="Manajemen Perubahan", code="A.II.1", parent=reform),
        Node(label="7", title="Kinerja", code="B.7", parent=hasil),
    ]
    overview.name_areas(nodes)
    assert [n.heading for n in nodes] == ["I.1", "II.1", "7"]
    assert nodes[1].full_title == "Reform · Manajemen Perubahan"
    assert nodes[2].full_title == "Kinerja"
