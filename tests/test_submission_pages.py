"""The submission chain through its pages: Bengkayang sends TW I, Kalimantan Barat forwards
it, KPU RI accepts it; a return needs a note; the wrong level is told why (403); the menu
entry and the plan page's link cost no query."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.submissions.models import Submission, SubmissionStep

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def as_user(client, world, name):
    client.force_login(world.users[name])
    return client


def test_the_journey_through_the_pages(client, world):
    plan = world.plans["6107"]
    page = as_user(client, world, "unit_admin").get(reverse("submissions:plan", args=[plan.pk]))
    html = page.content.decode()
    assert reverse("submissions:submit", args=[plan.pk, 1]) in html
    assert "Kirim laporan" in html

    response = client.post(reverse("submissions:submit", args=[plan.pk, 1]), follow=True)
    assert "dikirim ke KPU Provinsi Kalimantan Barat" in response.content.decode()
    submission = Submission.objects.get()
    assert submission.at_unit.code == "61"
    # Sent twice (a second click): told, nothing more saved.
    response = client.post(reverse("submissions:submit", args=[plan.pk, 1]), follow=True)
    assert "tidak dikirim dua kali" in response.content.decode()
    assert SubmissionStep.objects.count() == 1

    detail = reverse("submissions:detail", args=[submission.pk])
    decide = reverse("submissions:decide", args=[submission.pk])
    # The national reviewer may read it but not decide it yet: 403 with the reason.
    as_user(client, world, "national_reviewer")
    html = client.get(detail).content.decode()
    assert decide not in html
    response = client.post(decide, {"accept": "1"})
    assert response.status_code == 403
    assert "menunggu tinjauan KPU Provinsi Kalimantan Barat" in response.content.decode()

    # The province reviewer: a return without a note is refused and keeps the form.
    as_user(client, world, "province_reviewer")
    html = client.get(detail).content.decode()
    assert decide in html and "Terima dan teruskan ke KPU RI" in html
    response = client.post(decide, {"accept": "0", "note": "  "})
    assert response.status_code == 400
    assert "Tuliskan catatan" in response.content.decode()
    assert Submission.objects.get().state == Submission.State.SUBMITTED
    response = client.post(decide, {"accept": "1", "note": "Lengkap."}, follow=True)
    assert "diteruskan ke KPU Republik Indonesia" in response.content.decode()

    as_user(client, world, "national_reviewer")
    queue = client.get(reverse("submissions:queue")).content.decode()
    assert f'data-submission="{submission.pk}"' in queue
    response = client.post(decide, {"accept": "1"}, follow=True)
    assert "pengiriman ini selesai" in response.content.decode()
    final = Submission.objects.get()
    assert final.state == Submission.State.ACCEPTED
    html = client.get(detail).content.decode()
    assert 'data-step="submitted"' in html and 'data-step="forwarded"' in html
    assert 'data-step="accepted"' in html
    assert "Buka kembali" in html

    # Reopen needs a reason.
    reopen = reverse("submissions:reopen", args=[submission.pk])
    response = client.post(reopen, {"reason": ""})
    assert response.status_code == 400
    assert "Tuliskan alasan" in response.content.decode()
    client.post(reopen, {"reason": "Angka capaian salah."})
    assert Submission.objects.get().state == Submission.State.REOPENED

    # Back at the unit: send again.
    as_user(client, world, "unit_admin")
    html = client.get(reverse("submissions:plan", args=[plan.pk])).content.decode()
    assert "Kirim lagi" in html and "Angka capaian salah." in html


def test_another_province_reviewer_is_refused_with_a_reason(client, world):
    other = User.objects.create_user("kalteng")
    UnitRole.objects.create(user=other, unit=world.units["62"], role=UnitRole.Role.REVIEWER)
    as_user(client, world, "unit_admin").post(
        reverse("submissions:submit", args=[world.plans["6107"].pk, 1])
    )
    submission = Submission.objects.get()
    client.force_login(other)
    # Kalimantan Tengah does not read Bengkayang: 404.
    assert client.get(reverse("submissions:detail", args=[submission.pk])).status_code == 404
    # A viewer of KPU RI reads it, may not decide: 403 with the reason.
    as_user(client, world, "national_viewer")
    response = client.post(reverse("submissions:decide", args=[submission.pk]), {"accept": "1"})
    assert response.status_code == 403
    assert "Hanya peninjau di KPU Provinsi Kalimantan Barat" in response.content.decode()
    assert Submission.objects.get().version == submission.version


def test_menu_entry_and_plan_link_cost_no_query(client, world):
    plan = world.plans["6107"]
    as_user(client, world, "unit_admin")
    url = reverse("plans:detail", args=[plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert reverse("submissions:plan", args=[plan.pk]) in html
    assert reverse("submissions:home") in html
    assert not [q for q in queries.captured_queries if "submissions_" in q["sql"]]
    # Someone with no role anywhere sees no entry.
    client.force_login(User.objects.create_user("nobody"))
    assert reverse("submissions:home") not in client.get(reverse("plans:list")).content.decode()


def test_pages_render_for_each_persona_at_360_px_markup(client, world):
    """Every page answers 200 to who may read it (no 500), with the mobile viewport."""
    as_user(client, world, "unit_admin").post(
        reverse("submissions:submit", args=[world.plans["6107"].pk, 1])
    )
    submission = Submission.objects.get()
    as_user(client, world, "national_reviewer")
    for url in [
        reverse("submissions:home"),
        reverse("submissions:queue"),
        reverse("submissions:national"),
        reverse("submissions:national") + "?tahun=2022&triwulan=9&halaman=x&urut=zz",
        reverse("submissions:province", args=[world.units["61"].pk]) + "?tahun=abc&status=q",
        reverse("submissions:plan", args=[world.plans["6107"].pk]),
        reverse("submissions:detail", args=[submission.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="viewport"' in response.content.decode()


def test_admin_lists_submissions_read_only_and_edits_deadlines(client, world):
    as_user(client, world, "unit_admin").post(
        reverse("submissions:submit", args=[world.plans["6107"].pk, 1])
    )
    submission = Submission.objects.get()
    as_user(client, world, "superuser")
    assert client.get(reverse("admin:submissions_submission_changelist")).status_code == 200
    change = reverse("admin:submissions_submission_change", args=[submission.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"state": "accepted"}).status_code == 403
    assert Submission.objects.get().state == Submission.State.SUBMITTED
    response = client.post(
        reverse("admin:submissions_submissiondeadline_add"),
        {"year": "2022", "quarter": "1", "due_on": "2022-04-10"},
    )
    assert response.status_code == 302


def test_the_plan_history_names_the_steps(client, world):
    plan = world.plans["6107"]
    as_user(client, world, "unit_admin").post(reverse("submissions:submit", args=[plan.pk, 1]))
    submission = Submission.objects.get()
    as_user(client, world, "province_reviewer").post(
        reverse("submissions:decide", args=[submission.pk]),
        {"accept": "0", "note": "Kurang bukti dukung."},
    )
    html = as_user(client, world, "unit_admin").get(reverse("plans:history", args=[plan.pk]))
    text = html.content.decode()
    assert 'data-action="submission.submitted"' in text
    assert 'data-action="submission.returned"' in text
    assert "Laporan triwulan dikembalikan untuk diperbaiki" in text
    assert "Kurang bukti dukung." in text
    assert "KPU Provinsi Kalimantan Barat" in text  # where it was (at_unit before)
    assert "to unit" not in text and "decided at" not in text
