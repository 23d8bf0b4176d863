"""The pages that create a plan (renaksi/plans/creation_views.py): choose the unit, the year and
the start (empty, road-map template, copy), and "Salin ke tahun berikutnya"."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.plans.models import ActionPlan, SubActivity

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["unit_admin"])
    return client


def create_url(world, code="6107"):
    return reverse("plans:create", args=[world.units[code].pk])


def test_start_goes_straight_to_the_only_unit(admin_client, world):
    response = admin_client.get(reverse("plans:create_start"))
    assert response.status_code == 302
    assert response["Location"] == create_url(world)


def test_start_lists_the_units_of_someone_managing_several(client, world):
    UnitRole.objects.create(
        user=world.users["unit_admin"], unit=world.units["6101"], role=UnitRole.Role.ADMIN
    )
    client.force_login(world.users["unit_admin"])
    response = client.get(reverse("plans:create_start"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "KPU Kabupaten Sambas" in html and "KPU Kabupaten Bengkayang" in html
    chosen = client.get(reverse("plans:create_start"), {"satker": world.units["6101"].pk})
    assert chosen["Location"] == create_url(world, "6101")
    assert client.get(reverse("plans:create_start"), {"satker": "x"}).status_code == 404
    # A unit they do not manage: 404 when unseen (Kalimantan Tengah).
    unseen = client.get(reverse("plans:create_start"), {"satker": world.units["62"].pk})
    assert unseen.status_code == 404


def test_start_is_refused_to_someone_managing_nothing(client, world):
    client.force_login(world.users["national_viewer"])
    assert client.get(reverse("plans:create_start")).status_code == 403


def test_the_form_offers_the_three_starts_and_the_next_free_year(admin_client, world):
    response = admin_client.get(create_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("kosong", "templat", "salin"):
        assert f'value="{value}"' in html
    assert 'value="2023"' in html  # the year after the unit's 2022 plan
    # Plans to copy: Bengkayang's, and its parent's and sibling's it may read? It reads only
    # Bengkayang: the others are not offered.
    assert f'value="{world.plans["6107"].pk}"' in html
    assert f'value="{world.plans["6101"].pk}"' not in html


def test_create_an_empty_plan(admin_client, world):
    response = admin_client.post(
        create_url(world), {"year": "2024", "basis": "kosong", "schedule_kind": "quarter"}
    )
    plan = ActionPlan.objects.get(unit=world.units["6107"], year=2024)
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.schedule_kind == "quarter" and plan.areas.count() == 8
    page = admin_client.get(response["Location"])
    assert "Rencana aksi 2024 dibuat sebagai draf: 8 area" in page.content.decode()


def test_create_from_the_template(admin_client, world):
    admin_client.post(create_url(world), {"year": "2024", "basis": "templat"})
    plan = ActionPlan.objects.get(unit=world.units["6107"], year=2024)
    assert SubActivity.objects.filter(activity__area__plan=plan).count() > 60
    assert LogEntry.objects.get(plan=plan).action == "plan.created_from_template"


def test_create_as_a_copy_of_the_units_earlier_plan_is_a_copy(admin_client, world):
    source = world.plans["6107"]
    ActionPlan.objects.filter(pk=source.pk).update(decree_subject="RENCANA AKSI TAHUN 2022")
    response = admin_client.post(
        create_url(world), {"year": "2023", "basis": "salin", "source": str(source.pk)}
    )
    plan = ActionPlan.objects.get(unit=world.units["6107"], year=2023)
    assert response.status_code == 302
    assert LogEntry.objects.get(plan=plan).action == "plan.copied"
    assert plan.areas.count() == 2  # the source's areas, as they are
    page = admin_client.get(response["Location"]).content.decode()
    assert "Isi nomor, tanggal, penanda tangan" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "", "basis": "kosong"}, "year", "Isi tahun rencana aksi."),
        ({"year": "dua", "basis": "kosong"}, "year", "Tahun harus berupa angka"),
        ({"year": "2009", "basis": "kosong"}, "year", "Tahun paling awal 2010."),
        ({"year": "2101", "basis": "kosong"}, "year", "Tahun paling akhir 2100."),
        ({"year": "2022", "basis": "kosong"}, "year", "sudah memiliki rencana aksi tahun 2022"),
        ({"year": "2024"}, "basis", "Pilih dari mana rencana aksi dimulai."),
        ({"year": "2024", "basis": "lain"}, "basis", "Pilihan tidak dikenal."),
        ({"year": "2024", "basis": "salin"}, "source", "Pilih rencana aksi yang disalin."),
        (
            {"year": "2024", "basis": "salin", "source": "999999"},
            "source",
            "Pilih rencana aksi dari daftar.",
        ),
        (
            {"year": "2024", "basis": "kosong", "schedule_kind": "mingguan"},
            "schedule_kind",
            "Pilihan tidak dikenal.",
        ),
    ],
)
def test_bad_input_is_refused_at_the_field(admin_client, world, data, field, message):
    response = admin_client.post(create_url(world), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert ActionPlan.objects.filter(unit=world.units["6107"]).count() == 1


def test_a_plan_of_another_unit_cannot_be_smuggled_in_as_source(admin_client, world):
    """The source must be one of the offered plans (readable): another unit's id is refused."""
    response = admin_client.post(
        create_url(world),
        {"year": "2024", "basis": "salin", "source": str(world.plans["6201"].pk)},
    )
    assert response.status_code == 200
    assert "source" in response.context["form"].errors


def test_copy_page_and_copy(admin_client, world):
    plan = world.plans["6107"]
    url = reverse("plans:copy", args=[plan.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'value="2023"' in page.content.decode()
    response = admin_client.post(url, {"year": "2023"})
    new = ActionPlan.objects.get(unit=plan.unit, year=2023)
    assert response["Location"] == reverse("plans:detail", args=[new.pk])
    again = admin_client.post(url, {"year": "2023"})
    assert again.status_code == 200
    assert "sudah memiliki rencana aksi tahun 2023" in again.context["form"].errors["year"][0]
    backwards = admin_client.post(url, {"year": "2021"})
    assert "harus sesudah 2022" in backwards.context["form"].errors["year"][0]
    # The next free year is offered after that.
    assert 'value="2024"' in admin_client.get(url).content.decode()


def test_copy_reports_the_pics_dropped(admin_client, world):
    plan = world.plans["6107"]
    gone = User.objects.create_user("pindah", "p@example.test", "x")
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=gone)
    SubActivity.objects.filter(pk=world.subs[("6107", 5)].pk).update(
        pic=world.users["implementer5"]
    )
    response = admin_client.post(
        reverse("plans:copy", args=[plan.pk]), {"year": "2023"}, follow=True
    )
    html = response.content.decode()
    assert "bukan lagi pengguna satker: pindah (1 baris)" in html
    new = ActionPlan.objects.get(unit=plan.unit, year=2023)
    assert list(
        SubActivity.objects.filter(activity__area__plan=new)
        .exclude(pic=None)
        .values_list("pic__username", flat=True)
    ) == ["implementer5"]


def test_links_are_shown_to_managers_only(client, world):
    plan = world.plans["6107"]
    copy_link = reverse("plans:copy", args=[plan.pk])
    for persona, shown in (("unit_admin", True), ("steering", False), ("national_viewer", False)):
        client.force_login(world.users[persona])
        for url in (
            reverse("plans:list"),
            reverse("plans:detail", args=[plan.pk]),
            reverse("units:detail", args=[world.units["6107"].pk]),
        ):
            html = client.get(url).content.decode()
            assert (copy_link in html) == shown, (persona, url)
        lists = client.get(reverse("plans:list")).content.decode()
        assert (reverse("plans:create_start") in lists) == shown
        unit_page = client.get(reverse("units:detail", args=[world.units["6107"].pk]))
        assert (create_url(world) in unit_page.content.decode()) == shown


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in (
        reverse("plans:create_start"),
        create_url(world),
        reverse("plans:copy", args=[world.plans["6107"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
        response = client.post(url, {"year": "2023", "basis": "kosong"})
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert ActionPlan.objects.filter(year=2023).count() == 0


def test_page_query_budgets(admin_client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert admin_client.get(create_url(world)).status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            admin_client.get(reverse("plans:copy", args=[world.plans["6107"].pk])).status_code
            == 200
        )


def test_posts_by_non_managers_are_refused_and_create_nothing(client, world):
    plan = world.plans["6107"]
    for persona in ("steering", "national_viewer", "province_reviewer", "implementer5"):
        client.force_login(world.users[persona])
        response = client.post(create_url(world), {"year": "2024", "basis": "kosong"})
        assert response.status_code == 403, persona
        response = client.post(reverse("plans:copy", args=[plan.pk]), {"year": "2024"})
        assert response.status_code == 403, persona
    client.force_login(world.users["other_regency"])  # cannot even see Bengkayang
    assert client.post(create_url(world), {"year": "2024", "basis": "kosong"}).status_code == 404
    assert ActionPlan.objects.filter(year=2024).count() == 0
