"""The public RB column (renaksi/publication): publishing, changing and withdrawing through
the services (audit entries, checks, nothing half-saved), the public page, embed, feed and
downloads without sign-in (404 for anything not published), what never leaks (names unless
chosen, internal notes, unverified or replaced evidence, unaccepted reports), the embed's
headers, the feed's shape, the rate limit, and the same number of queries for a small and a
large plan."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.publication import services
from renaksi.publication.models import Publication
from renaksi.publication.public import progress
from renaksi.submissions.models import Submission
from renaksi.work.files import evidence_storage
from renaksi.work.models import Evidence, EvidenceFile, Realisation, Review, SchedulePeriod

from .test_monitoring_figures import make_plan, make_unit, realise

pytestmark = pytest.mark.django_db

Status = Realisation.Status
State = Realisation.State
SECRET_NAME = "Rahasia Pelaksana"
NARRATIVE = "Catatan internal narasi yang tidak boleh tampil"
REVIEW_NOTE = "Komentar asesor yang tidak boleh tampil"


@pytest.fixture
def world():
    unit = make_unit()
    plan = make_plan(unit, areas=2, subs=2)
    ActionPlan.objects.filter(pk=plan.pk).update(
        status=ActionPlan.Status.DITETAPKAN, decree_number="12 Tahun 2026"
    )
    plan.refresh_from_db()
    admin = User.objects.create_user("admin6107", password="x")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    reader = User.objects.create_user("pembaca", password="x")
    UnitRole.objects.create(user=reader, unit=unit, role=UnitRole.Role.VIEWER)
    pic = User.objects.create_user("pic", first_name="Rahasia", last_name="Pelaksana")
    SubActivity.objects.filter(activity__area__plan=plan).update(pic=pic)
    assessor = User.objects.create_user("asesor")
    verified_period = SchedulePeriod.objects.filter(plan=plan, period=1).order_by("pk")[0]
    pending_period = SchedulePeriod.objects.filter(plan=plan, period=2).order_by("pk")[0]
    verified = realise(verified_period, state=State.VERIFIED, narrative=NARRATIVE)
    Review.objects.create(
        realisation=verified,
        reviewer=assessor,
        verdict="terverifikasi",
        comment=REVIEW_NOTE,
        realisation_version=1,
    )
    pending = realise(pending_period, state=State.SUBMITTED, narrative=NARRATIVE)
    return {
        "unit": unit,
        "plan": plan,
        "admin": admin,
        "reader": reader,
        "good": evidence(verified, admin, "SK Tim RB terverifikasi", b"%PDF-1.4 good"),
        "replaced": evidence(verified, admin, "Versi lama", b"%PDF-1.4 old", current=False),
        "pending": evidence(pending, admin, "Bukti belum diverifikasi", b"%PDF-1.4 pending"),
    }


def evidence(realisation, user, title, data, current=True) -> Evidence:
    import hashlib

    stored = EvidenceFile(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        file_type="pdf",
        content_type="application/pdf",
        created_by=user,
    )
    stored.file.name = evidence_storage().save(f"{stored.sha256}.pdf", ContentFile(data))
    stored.save()
    return Evidence.objects.create(
        realisation=realisation,
        plan_id=realisation.plan_id,
        unit_id=realisation.unit_id,
        title=title,
        kind="sk",
        file=stored,
        original_name=f"{SECRET_NAME}.pdf",
        is_current=current,
        uploaded_by=user,
    )


def published(world, **choices) -> Publication:
    values = {"evidence_ids": [world["good"].pk], **choices}
    return services.publish(world["admin"], world["plan"], services.Choices(**values))


def page_url(name="publication:page", *args):
    return reverse(name, args=["6107", 2026, *args])


# -- the services -----------------------------------------------------------------------------


def test_publishing_records_who_when_what_in_the_history(world):
    publication = published(world)
    assert publication.published and publication.published_by == world["admin"]
    assert list(publication.evidence.all()) == [world["good"]]
    assert publication.show_names is False  # off unless chosen
    entry = LogEntry.objects.get(action="publication.published")
    assert entry.plan_id == world["plan"].pk and entry.actor == world["admin"]
    assert entry.data["after"]["lampiran_pdf"] is True
    assert entry.data["evidence_ids"] == [world["good"].pk]

    # Changing what is shown: a new version and its own entry; saving the same: nothing.
    changed = published(world, show_names=True)
    assert changed.version == 2
    entry = LogEntry.objects.get(action="publication.changed")
    assert entry.data["before"]["show_names"] is False
    assert entry.data["after"]["show_names"] is True
    published(world, show_names=True)
    assert LogEntry.objects.filter(action__startswith="publication.").count() == 2

    withdrawn = services.withdraw(world["admin"], world["plan"], "Salah pilih dokumen")
    assert not withdrawn.published and withdrawn.withdrawn_by == world["admin"]
    entry = LogEntry.objects.get(action="publication.withdrawn")
    assert entry.data["after"]["withdraw_reason"] == "Salah pilih dokumen"
    # The plan's history page shows the three entries with their labels.
    client_rows = LogEntry.objects.filter(plan=world["plan"], action__startswith="publication.")
    assert {row.action_label for row in client_rows} == {
        "Rencana aksi dipublikasikan di kolom RB publik",
        "Isi kolom RB publik diubah",
        "Publikasi kolom RB publik ditarik",
    }


def test_the_history_page_names_what_was_published_without_row_ids(client, world):
    published(world)
    client.force_login(world["admin"])
    html = client.get(reverse("plans:history", args=[world["plan"].pk])).content.decode()
    assert "Rencana aksi dipublikasikan di kolom RB publik" in html
    assert "Bukti dukung terverifikasi" in html  # how many were chosen
    assert "evidence ids" not in html.lower()  # the ids stay in the entry's data


def test_only_the_units_administrator_publishes_and_only_a_set_plan(world):
    with pytest.raises(PermissionDenied):
        published({**world, "admin": world["reader"]})
    ActionPlan.objects.filter(pk=world["plan"].pk).update(status=ActionPlan.Status.DRAFT)
    with pytest.raises(services.PublicationError, match="belum ditetapkan"):
        published(world)
    assert not Publication.objects.exists() and not LogEntry.objects.exists()


def test_unverified_evidence_and_unaccepted_reports_are_refused(world):
    with pytest.raises(services.PublicationError) as error:
        published(world, evidence_ids=[world["pending"].pk])
    assert error.value.field == "evidence"
    with pytest.raises(services.PublicationError):
        published(world, evidence_ids=[world["replaced"].pk])
    with pytest.raises(services.PublicationError) as error:
        published(world, monev_quarters=[1])
    assert error.value.field == "monev_quarters"
    assert not Publication.objects.exists() and not LogEntry.objects.exists()


def test_a_stale_page_cannot_overwrite_a_newer_choice(world):
    publication = published(world)
    published(world, show_names=True)
    with pytest.raises(services.PublicationError, match="diubah orang lain"):
        services.publish(
            world["admin"],
            world["plan"],
            services.Choices(show_names=False),
            expected_version=publication.version,
        )
    assert Publication.objects.get().show_names is True


# -- the public pages ------------------------------------------------------------------------


def test_nothing_is_public_before_publishing_after_withdrawal_or_when_reopened(client, world):
    urls = [
        page_url(),
        page_url("publication:embed"),
        page_url("publication:feed"),
        page_url("publication:document", "lampiran"),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * 4
    published(world)
    assert [client.get(url).status_code for url in urls[:3]] == [200] * 3
    assert client.get(reverse("publication:page", args=["6107", 2025])).status_code == 404
    assert client.get(reverse("publication:page", args=["9999", 2026])).status_code == 404
    # The plan reopened (back to draft): not public while it is being changed.
    ActionPlan.objects.filter(pk=world["plan"].pk).update(status=ActionPlan.Status.DRAFT)
    assert client.get(urls[0]).status_code == 404
    ActionPlan.objects.filter(pk=world["plan"].pk).update(status=ActionPlan.Status.DITETAPKAN)
    services.withdraw(world["admin"], world["plan"])
    assert [client.get(url).status_code for url in urls] == [404] * 4
    assert "6107" not in client.get(reverse("publication:index")).content.decode()


def test_the_page_never_shows_names_notes_or_unverified_evidence(client, world):
    published(world, decree_pdf=True)
    for url in (page_url(), page_url("publication:embed"), page_url("publication:feed")):
        html = client.get(url).content.decode()
        for secret in (
            SECRET_NAME,
            "Rahasia",
            NARRATIVE,
            REVIEW_NOTE,
            "Bukti belum diverifikasi",
            "Versi lama",
            "pic",
        ):
            assert secret not in html, (url, secret)
        assert "SK Tim RB terverifikasi" in html
    # Downloads: the chosen verified file, under its title (never the original file name).
    response = client.get(page_url("publication:document", f"bukti-{world['good'].pk}"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 good"
    assert SECRET_NAME not in response["Content-Disposition"]
    for item in ("pending", "replaced"):
        url = page_url("publication:document", f"bukti-{world[item].pk}")
        assert client.get(url).status_code == 404
    # Evidence verified when chosen, returned since: no longer public.
    Realisation.objects.filter(pk=world["good"].realisation_id).update(state=State.RETURNED)
    assert (
        client.get(page_url("publication:document", f"bukti-{world['good'].pk}")).status_code == 404
    )
    assert "SK Tim RB terverifikasi" not in client.get(page_url()).content.decode()


def test_names_only_when_the_unit_publishes_them(client, world):
    published(world, show_names=True)
    assert SECRET_NAME in client.get(page_url()).content.decode()
    feed = client.get(page_url("publication:feed")).json()
    sub = feed["plan"]["areas"][0]["activities"][0]["sub_activities"][0]
    assert sub["pic"] == SECRET_NAME


def test_an_accepted_quarter_report_is_downloadable_until_reopened(client, world, settings):
    Submission.objects.create(
        unit=world["unit"],
        year=2026,
        quarter=1,
        plan=world["plan"],
        state=Submission.State.ACCEPTED,
        at_unit=world["unit"],
    )
    published(world, monev_quarters=[1])
    url = page_url("publication:document", "monev-tw1")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    Submission.objects.update(state=Submission.State.REOPENED)
    assert client.get(url).status_code == 404
    assert client.get(page_url("publication:document", "monev-tw2")).status_code == 404


def test_the_embed_may_be_framed_anywhere_and_the_page_nowhere(client, world):
    published(world)
    embed = client.get(page_url("publication:embed"))
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "script-src 'self'" in embed["Content-Security-Policy"]
    page = client.get(page_url())
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_the_feed_is_json_any_site_may_read(client, world):
    realise(SchedulePeriod.objects.filter(plan=world["plan"], period=3).order_by("pk")[0])
    published(world)
    response = client.get(page_url("publication:feed"))
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    data = json.loads(response.content)
    assert set(data) == {
        "unit", "year", "url", "embed_url", "published_at", "as_of", "plan", "progress",
        "documents",
    }  # fmt: skip
    assert data["unit"]["code"] == "6107" and data["unit"]["province"]["code"] == "61"
    assert data["year"] == 2026
    total = data["progress"]["total"]
    # one verified (January), two done not verified (February submitted, March draft)
    assert total["scheduled"] == 16 and total["verified"] == 1 and total["done"] == 2
    assert [area["number"] for area in data["progress"]["areas"]] == [1, 2]
    kinds = [doc["kind"] for doc in data["documents"]]
    assert kinds == ["lampiran", "bukti"]
    assert data["documents"][0]["url"].endswith("/publik/6107/2026/dokumen/lampiran/")
    assert data["plan"]["areas"][0]["activities"][0]["sub_activities"][0]["schedule"] == [
        "JAN", "FEB", "MAR", "OKT"
    ]  # fmt: skip


def test_progress_counts_each_cell_by_its_state(world):
    plan = world["plan"]
    import datetime

    late_day = datetime.date(2026, 2, 20)  # January over and its report day passed
    areas, total = progress(plan, late_day)
    first = areas[0]
    assert (first.scheduled, first.due, first.verified, first.late) == (8, 2, 1, 1)
    # one verified of the two due cells of area 1 (January): 50 %
    assert first.achievement == "50.00"
    assert total.due == 4 and total.verified_due == 1 and total.achievement == "25.00"


def test_index_lists_publishing_units_by_province(client, world):
    assert "Belum ada satker" in client.get(reverse("publication:index")).content.decode()
    published(world)
    html = client.get(reverse("publication:index")).content.decode()
    assert "KPU Provinsi Kalbar" in html and 'href="/publik/6107/2026/"' in html


def test_the_login_page_links_the_public_column(client):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("publication:index")}"' in html


def test_anonymous_visitors_are_rate_limited(client, world, settings):
    settings.PUBLIC_LIMIT_PER_MINUTE = 3
    published(world)
    codes = [client.get(page_url("publication:feed")).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert client.get(page_url("publication:feed"))["Retry-After"]


# -- the administrator's page -------------------------------------------------------------------


def test_manage_page_publishes_with_confirmation_and_withdraws(client, world):
    url = reverse("publication:manage", args=[world["plan"].pk])
    client.force_login(world["admin"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "SK Tim RB terverifikasi" in html and "Bukti belum diverifikasi" not in html
    # Without the confirmation: the message at the field, nothing saved.
    response = client.post(url, {"action": "publish", "show_plan": "on"})
    assert response.status_code == 400
    assert "Centang pernyataan ini untuk mempublikasikan." in response.content.decode()
    assert not Publication.objects.exists()
    # A forged choice of unverified evidence: refused at the field.
    response = client.post(
        url, {"action": "publish", "evidence": [world["pending"].pk], "confirm": "on"}
    )
    assert response.status_code == 400 and not Publication.objects.exists()
    assert "tidak dapat dipilih" in response.content.decode()
    response = client.post(
        url,
        {
            "action": "publish",
            "show_plan": "on",
            "lampiran_pdf": "on",
            "evidence": [world["good"].pk],
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.published and not publication.show_progress
    html = client.get(url).content.decode()
    assert "/publik/6107/2026/" in html and "Rencana aksi dipublikasikan" in html
    # Withdrawing needs its own confirmation.
    assert (
        client.post(url, {"action": "withdraw", "version": publication.version}).status_code == 400
    )
    assert Publication.objects.get().published
    response = client.post(
        url, {"action": "withdraw", "version": publication.version, "confirm": "on"}
    )
    assert response.status_code == 302 and not Publication.objects.get().published


def test_manage_page_is_403_for_readers_and_404_for_others(client, world):
    url = reverse("publication:manage", args=[world["plan"].pk])
    client.force_login(world["reader"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "withdraw", "confirm": "on"}).status_code == 403
    stranger = User.objects.create_user("lain")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_plan_page_shows_the_button_to_its_administrator_only(client, world):
    url = reverse("plans:detail", args=[world["plan"].pk])
    button = reverse("publication:manage", args=[world["plan"].pk])
    client.force_login(world["admin"])
    assert button in client.get(url).content.decode()
    client.force_login(world["reader"])
    assert button not in client.get(url).content.decode()


# -- query counts ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_public_pages_take_the_same_queries_for_a_small_and_a_large_plan(client, world):
    published(world)
    small = {
        name: _queries(client, page_url(name))
        for name in ("publication:page", "publication:embed", "publication:feed")
    }
    unit = make_unit("6101")
    big = make_plan(unit, areas=8, subs=12)
    ActionPlan.objects.filter(pk=big.pk).update(status=ActionPlan.Status.DITETAPKAN)
    for period in SchedulePeriod.objects.filter(plan=big, period__lte=3):
        realise(period, state=State.VERIFIED)
    admin = User.objects.create_user("admin6101")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    services.publish(admin, big, services.Choices())
    large = {
        name: _queries(client, reverse(name, args=["6101", 2026]))
        for name in ("publication:page", "publication:embed", "publication:feed")
    }
    assert small == large
    assert max(large.values()) <= 12
    # A warm cache: the publication and its evidence (documents are read live).
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("publication:feed", args=["6101", 2026]))
    assert len(captured) == 2
    # The index: one query whatever the number of units.
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("publication:index"))
    assert len(captured) == 1
