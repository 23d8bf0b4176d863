"""Unit pages, inviting people, roles, PIC assignment, plan approval and "my work"."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.units.models import Unit

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def invite(client, world, **overrides):
    data = {
        "full_name": "Rina Wulandari",
        "username": "rina",
        "email": "rina@example.test",
        "role": "viewer",
    } | overrides
    return client.post(reverse("units:invite", args=[world.units["6107"].pk]), data)


def test_a_new_user_is_invited_logs_in_and_sees_exactly_their_own_work(client, world):
    admin = world.users["unit_admin"]
    client.force_login(admin)
    response = invite(client, world)
    assert response.status_code == 302
    rina = User.objects.get(username="rina")
    assert not rina.has_usable_password()
    assert UnitRole.objects.filter(user=rina, unit=world.units["6107"], role="viewer").exists()

    # The invitation e-mail carries a one-use link to set the password.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/sandi/atur/[^\s]+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    # The administrator makes Rina the PIC of one sub-activity of area 1.
    target = world.subs[("6107", 1)]
    response = client.post(
        reverse("plans:assign_pic", args=[world.plans["6107"].pk]),
        {f"sub_{target.pk}": str(rina.pk)},
    )
    assert response.status_code == 302
    client.logout()

    # Rina sets her password through the link and signs in with her e-mail address.
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_path, {"new_password1": "Kuat-sekali-2022!", "new_password2": "Kuat-sekali-2022!"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("login"), {"username": "RINA@example.test", "password": "Kuat-sekali-2022!"}
    )
    assert response.status_code == 302, response.content.decode()[:500]

    work = client.get(reverse("plans:my_work") + "?bulan=2022-05").content.decode()
    assert "Sub kegiatan 6107.1" in work
    assert "Sub kegiatan 6107.5" not in work and "Sub kegiatan 6101" not in work
    plans = client.get(reverse("plans:list")).content.decode()
    assert reverse("plans:detail", args=[world.plans["6107"].pk]) in plans
    assert reverse("plans:detail", args=[world.plans["6101"].pk]) not in plans


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "implementer5"}, "sudah dipakai"),
        ({"email": "ASSESSOR@example.test"}, "sudah dipakai akun lain"),
        ({"email": "bukan-email"}, "email"),
        ({"role": "reviewer"}, "peninjau hanya untuk"),
        ({"username": "nama dengan spasi"}, "hanya boleh berisi"),
    ],
)
def test_invitation_errors_save_nothing(client, world, overrides, message):
    client.force_login(world.users["unit_admin"])
    before = User.objects.count()
    response = invite(client, world, **overrides)
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert User.objects.count() == before
    assert mail.outbox == []


def test_grant_and_revoke_roles(client, world):
    client.force_login(world.users["unit_admin"])
    unit = world.units["6107"]
    response = client.post(
        reverse("units:role_add", args=[unit.pk]),
        {"login": "Agent@Example.test", "role": "viewer"},
        follow=True,
    )
    assert "Peran diberikan" in response.content.decode()
    role = UnitRole.objects.get(user=world.users["agent"], unit=unit)
    assert role.granted_by == world.users["unit_admin"]
    response = client.post(
        reverse("units:role_add", args=[unit.pk]), {"login": "agent", "role": "viewer"}, follow=True
    )
    assert "sudah memegang peran itu" in response.content.decode()
    response = client.post(
        reverse("units:role_add", args=[unit.pk]),
        {"login": "nobody", "role": "viewer"},
        follow=True,
    )
    assert "Tidak ada satu akun aktif" in response.content.decode()
    client.post(reverse("units:role_remove", args=[unit.pk, role.pk]))
    assert not UnitRole.objects.filter(pk=role.pk).exists()


def test_an_admin_cannot_revoke_their_own_admin_role(client, world):
    admin = world.users["unit_admin"]
    client.force_login(admin)
    role = UnitRole.objects.get(user=admin, role="admin")
    response = client.post(reverse("units:role_remove", args=[role.unit_id, role.pk]), follow=True)
    assert "tidak dapat mencabut peran administrator Anda sendiri" in response.content.decode()
    assert UnitRole.objects.filter(pk=role.pk).exists()


def test_unit_list_search_and_query_budget(client, world):
    client.force_login(world.users["national_viewer"])
    html = client.get(reverse("units:list"), {"q": "bengkayang"}).content.decode()
    assert "KPU Kabupaten Bengkayang" in html and "KPU Kabupaten Sambas" not in html
    html = client.get(reverse("units:list"), {"level": "provinsi"}).content.decode()
    assert "Kalimantan Tengah" in html and "Bengkayang" not in html
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("units:list"))
    for index in range(20):
        Unit.objects.create(
            code=f"62{index + 10}",
            name=f"KPU Kab {index}",
            level="kabupaten_kota",
            parent=world.units["62"],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("units:list"))
    assert len(many) == len(few)


def test_unit_detail_shows_roles_and_manage_controls_only_to_the_admin(client, world):
    unit = world.units["6107"]
    client.force_login(world.users["steering"])
    html = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
    assert "unit_admin" in html and "Administrator satker" in html
    assert reverse("units:invite", args=[unit.pk]) not in html
    client.force_login(world.users["unit_admin"])
    html = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
    assert reverse("units:invite", args=[unit.pk]) in html


def test_pic_must_belong_to_the_unit(client, world):
    client.force_login(world.users["unit_admin"])
    target = world.subs[("6107", 1)]
    outsider = world.users["other_regency"]
    response = client.post(
        reverse("plans:assign_pic", args=[world.plans["6107"].pk]),
        {f"sub_{target.pk}": str(outsider.pk)},
    )
    assert response.status_code == 200  # the choice is not offered: a form error
    assert SubActivity.objects.get(pk=target.pk).pic is None


def test_pic_page_query_count_does_not_grow_with_the_plan(client, world):
    client.force_login(world.users["unit_admin"])
    url = reverse("plans:assign_pic", args=[world.plans["6107"].pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    activity = world.subs[("6107", 1)].activity
    for position in range(2, 30):
        SubActivity.objects.create(activity=activity, number=position, position=position, name="x")
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)


def test_steering_approves_a_submitted_plan_once(client, world):
    plan = world.plans["6107"]
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.SUBMITTED)
    client.force_login(world.users["steering"])
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:approve", args=[plan.pk]) in html
    client.post(reverse("plans:approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DITETAPKAN
    assert plan.approved_by == world.users["steering"]
    response = client.post(reverse("plans:approve", args=[plan.pk]), follow=True)
    assert "Hanya rencana aksi yang sedang diajukan" in response.content.decode()


def test_my_work_splits_due_and_other_months(client, world):
    sub = world.subs[("6107", 5)]
    sub.months = [3, 6, 9]
    sub.save()
    client.force_login(world.users["implementer5"])
    march = client.get(reverse("plans:my_work"), {"bulan": "2022-03"}).content.decode()
    assert "1 sub kegiatan dijadwalkan pada Maret 2022" in march
    april = client.get(reverse("plans:my_work"), {"bulan": "2022-04"}).content.decode()
    assert "0 sub kegiatan dijadwalkan pada April 2022" in april
    assert "1 tugas lain tahun ini" in april
    # a nonsense month falls back to the current month without an error
    assert client.get(reverse("plans:my_work"), {"bulan": "2022-13"}).status_code == 200


def test_invitation_that_cannot_be_mailed_creates_no_account(client, world, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("renaksi.accounts.services.EmailMultiAlternatives.send", broken)
    client.force_login(world.users["unit_admin"])
    response = invite(client, world)
    assert response.status_code == 200
    assert "tidak dapat dikirim" in response.content.decode()
    assert not User.objects.filter(username="rina").exists()
    assert not UnitRole.objects.filter(user__username="rina").exists()


def test_unit_list_pages_keep_the_search(client, world):
    for index in range(60):
        Unit.objects.create(
            code=f"62{index + 10}",
            name=f"KPU Kabupaten Contoh {index}",
            level="kabupaten_kota",
            parent=world.units["62"],
        )
    client.force_login(world.users["national_viewer"])
    html = client.get(reverse("units:list"), {"q": "contoh"}).content.decode()
    assert "Halaman 1 dari 2" in html
    assert "?q=contoh&amp;halaman=2" in html
    page_two = client.get(reverse("units:list"), {"q": "contoh", "halaman": 2}).content.decode()
    assert "Halaman 2 dari 2" in page_two
    assert "?q=contoh&amp;halaman=1" in page_two


def test_resend_invitation_only_to_someone_without_a_password(client, world):
    client.force_login(world.users["unit_admin"])
    invite(client, world)
    rina = User.objects.get(username="rina")
    role = UnitRole.objects.get(user=rina)
    mail.outbox.clear()
    html = client.get(reverse("units:detail", args=[role.unit_id])).content.decode()
    assert "belum mengatur kata sandi" in html
    client.post(reverse("units:resend_invite", args=[role.unit_id, role.pk]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rina@example.test"]
    rina.set_password("Sudah-diatur-2022")
    rina.save()
    response = client.post(
        reverse("units:resend_invite", args=[role.unit_id, role.pk]), follow=True
    )
    assert "sudah mengatur kata sandi" in response.content.decode()
    assert len(mail.outbox) == 1
