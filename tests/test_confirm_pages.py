"""Revoking a role asks first; an action's address opened as a page is never a blank 405."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.importer.models import ImportStaging
from renaksi.plans.models import Activity, SubActivity
from renaksi.teams.models import Position, TeamMember

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # "pic": a viewer of Bengkayang, PIC of its area-1 sub-activity and of an activity.
    pic = User.objects.create_user("pic", "pic@example.test", "x", first_name="Putri Indah")
    world.users["pic"] = pic
    world.pic_role = UnitRole.objects.create(
        user=pic, unit=world.units["6107"], role=UnitRole.Role.VIEWER
    )
    SubActivity.objects.filter(pk=world.subs[("6107", 1)].pk).update(pic=pic)
    Activity.objects.filter(pk=world.subs[("6107", 5)].activity_id).update(pic=pic)
    return world


def revoke_url(role):
    return reverse("units:role_remove", args=[role.unit_id, role.pk])


def pics_of(user):
    return SubActivity.objects.filter(pic=user).count() + Activity.objects.filter(pic=user).count()


# ---------- revoking a role ----------


def test_the_unit_page_links_to_the_confirmation_not_a_post(client, world):
    client.force_login(world.users["unit_admin"])
    html = client.get(reverse("units:detail", args=[world.units["6107"].pk])).content.decode()
    assert f'href="{revoke_url(world.pic_role)}"' in html
    assert f'action="{revoke_url(world.pic_role)}"' not in html


def test_confirmation_shows_who_what_and_the_pic_assignments_released(client, world):
    client.force_login(world.users["unit_admin"])
    response = client.get(revoke_url(world.pic_role))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cabut peran?" in html
    assert "<strong>Putri Indah</strong> (pic)" in html
    assert "<strong>Pembaca</strong> di KPU Kabupaten Bengkayang" in html
    assert "penanggung jawab (PIC) 2 kegiatan atau sub kegiatan" in html
    assert "2022 · Area 1 · Sub kegiatan 1.1: Sub kegiatan 6107.1" in html
    assert "2022 · Area 5 · Kegiatan 1: Kegiatan 6107.5" in html
    assert "Ya, cabut peran" in html
    # Nothing happened yet.
    assert UnitRole.objects.filter(pk=world.pic_role.pk).exists()
    assert pics_of(world.users["pic"]) == 2


def test_the_post_revokes_and_releases(client, world):
    client.force_login(world.users["unit_admin"])
    response = client.post(revoke_url(world.pic_role), follow=True)
    assert response.redirect_chain[-1][0].endswith("#pengguna")
    html = response.content.decode()
    assert "Peran pic dicabut." in html
    assert "tidak lagi menjadi penanggung jawab 2 kegiatan atau sub kegiatan" in html
    assert not UnitRole.objects.filter(pk=world.pic_role.pk).exists()
    assert pics_of(world.users["pic"]) == 0


def test_someone_who_stays_in_the_unit_keeps_their_pic_assignments(client, world):
    pic = world.users["pic"]
    TeamMember.objects.create(
        team=world.teams["6107"], user=pic, name="Putri", position=Position.AGEN_PERUBAHAN
    )
    client.force_login(world.users["unit_admin"])
    html = client.get(revoke_url(world.pic_role)).content.decode()
    assert "tetap tercatat di satker ini" in html
    assert "Sub kegiatan 6107.1" not in html
    client.post(revoke_url(world.pic_role))
    assert pics_of(pic) == 2


def test_a_last_role_without_pic_assignments_says_so(client, world):
    SubActivity.objects.update(pic=None)
    Activity.objects.update(pic=None)
    client.force_login(world.users["unit_admin"])
    html = client.get(revoke_url(world.pic_role)).content.decode()
    assert "bukan penanggung jawab kegiatan apa pun" in html


def test_a_refused_revocation_is_said_before_asking(client, world):
    admin = world.users["unit_admin"]
    own = UnitRole.objects.get(user=admin, role=UnitRole.Role.ADMIN)
    client.force_login(admin)
    html = client.get(revoke_url(own)).content.decode()
    assert "tidak dapat mencabut peran administrator Anda sendiri" in html
    assert "Ya, cabut peran" not in html
    client.post(revoke_url(own))
    assert UnitRole.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_regency", 404),  # cannot see Bengkayang
        ("national_viewer", 403),  # sees it, does not manage it
        ("implementer5", 403),
        ("superuser", 200),
    ],
)
def test_the_confirmation_page_is_for_the_unit_administrator(client, world, persona, status):
    client.force_login(world.users[persona])
    assert client.get(revoke_url(world.pic_role)).status_code == status
    assert UnitRole.objects.filter(pk=world.pic_role.pk).exists()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(revoke_url(world.pic_role))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_role_already_revoked(client, world):
    url = revoke_url(world.pic_role)
    world.pic_role.delete()
    client.force_login(world.users["unit_admin"])
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert "sudah tidak ada" in response.content.decode()
    response = client.post(url, follow=True)
    assert "sudah tidak ada" in response.content.decode()


def test_switching_language_on_the_confirmation_page(client, world):
    """The footer's language form sends the reader back to the page with a GET."""
    client.force_login(world.users["unit_admin"])
    url = revoke_url(world.pic_role)
    response = client.post(reverse("set_language"), {"language": "en", "next": url}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert UnitRole.objects.filter(pk=world.pic_role.pk).exists()


# ---------- POST-only addresses opened with a GET ----------


@pytest.mark.parametrize("name", ["units:role_add", "units:resend_invite"])
def test_role_actions_opened_as_a_page_go_to_the_users_section(client, world, name):
    client.force_login(world.users["unit_admin"])
    unit = world.units["6107"]
    args = [unit.pk] if name == "units:role_add" else [unit.pk, world.pic_role.pk]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[unit.pk]) + "#pengguna"
    assert client.get(response["Location"]).status_code == 200


def test_confirm_finding_opened_as_a_page_goes_to_the_finding(client, world):
    client.force_login(world.users["unit_admin"])
    plan, finding = world.plans["6107"], world.findings["6107"]
    response = client.get(reverse("plans:confirm_finding", args=[plan.pk, finding.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk]) + f"#temuan-{finding.pk}"
    finding.refresh_from_db()
    assert finding.confirmed_at is None  # a GET changes nothing


def test_an_outsider_following_the_redirect_still_gets_a_404(client, world):
    client.force_login(world.users["other_regency"])
    plan, finding = world.plans["6107"], world.findings["6107"]
    response = client.get(reverse("plans:confirm_finding", args=[plan.pk, finding.pk]), follow=True)
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["importer:save", "importer:discard"])
def test_import_save_and_discard_opened_as_a_page_go_to_the_preview(client, world, name):
    admin, unit = world.users["unit_admin"], world.units["6107"]
    ImportStaging.objects.create(unit=unit, user=admin, data=b"x", sha256="0" * 64)
    client.force_login(admin)
    response = client.get(reverse(name, args=[unit.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("importer:preview", args=[unit.pk])
    assert ImportStaging.objects.filter(unit=unit, user=admin).exists()  # not discarded


def test_member_removal_reloaded_shows_the_confirmation(client, world):
    member = TeamMember.objects.get(user=world.users["agent"])
    client.force_login(world.users["unit_admin"])
    url = reverse("teams:member_remove", args=[member.team_id, member.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hapus anggota dari tim?" in html
    assert 'name="konfirmasi" value="ya"' in html
    assert TeamMember.objects.filter(pk=member.pk).exists()
    client.post(url, {"konfirmasi": "ya"})
    assert not TeamMember.objects.filter(pk=member.pk).exists()


def test_member_removal_page_is_for_the_administrator(client, world):
    member = TeamMember.objects.get(user=world.users["agent"])
    url = reverse("teams:member_remove", args=[member.team_id, member.pk])
    client.force_login(world.users["national_viewer"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["other_regency"])
    assert client.get(url).status_code == 404


def test_sign_out_opened_as_a_page_asks_to_confirm(client, world):
    user = world.users["implementer5"]
    client.force_login(user)
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Keluar dari Renaksi?" in html
    assert f'action="{reverse("logout")}"' in html
    # Still signed in; the POST signs out.
    assert client.get(reverse("plans:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("plans:list")).status_code == 302


def test_sign_out_opened_when_signed_out_goes_to_sign_in(client):
    response = client.get(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.django_db(transaction=True)
def test_the_revoke_confirmation_fits_a_phone(live_server, browser, world, tmp_path):
    """Signed in as the unit's administrator, from the unit page's "Cabut" to the revocation."""
    from .permission_world import PASSWORD

    page = browser.new_page(viewport={"width": 390, "height": 844})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", "unit_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{reverse('units:detail', args=[world.units['6107'].pk])}")
    page.click(f"a[href='{revoke_url(world.pic_role)}']")
    page.wait_for_load_state()
    assert page.get_by_text("Cabut peran?").is_visible()
    assert page.get_by_text("Sub kegiatan 6107.1", exact=False).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=tmp_path / "revoke-390.png", full_page=True)
    page.click("text=Ya, cabut peran")
    page.wait_for_load_state()
    assert page.get_by_text("Peran pic dicabut.", exact=False).is_visible()
    assert not UnitRole.objects.filter(pk=world.pic_role.pk).exists()
    assert not problems, problems
