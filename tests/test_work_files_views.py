"""Evidence files over HTTP (renaksi/work/views_files.py): download, preview, thumbnail and
the staging upload; the permission rows of every persona × unit are in
tests/matrix_work_files.py."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.work.files import evidence_storage
from renaksi.work.models import Evidence, EvidenceFile, StagedUpload

from . import evidence_samples as samples
from . import s3_server
from .evidence_support import add_evidence, period_of, realisation_of
from .permission_world import build_world

pytestmark = pytest.mark.django_db

s3_endpoint = s3_server.s3_endpoint
evidence_backend = s3_server.evidence_backend


@pytest.fixture
def world():
    return build_world()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def url(name, evidence):
    return reverse(name, args=[evidence.pk])


# -- download ----------------------------------------------------------------------------


def test_download_is_an_attachment_with_safe_headers(client, world, evidence_backend):
    evidence = add_evidence(
        world.subs[("6107", 5)], 3, world.users["implementer5"], samples.pdf(), 'lap"or;an.pdf'
    )
    client.force_login(world.users["assessor"])
    response = client.get(url("work:evidence_download", evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Disposition"] == 'attachment; filename="lap\\"or;an.pdf"'
    assert body(response) == samples.pdf()
    assert "private" in response["Cache-Control"]


def test_download_name_of_a_disguised_file_gets_its_real_extension(client, world):
    evidence = add_evidence(
        world.subs[("6107", 5)], 3, world.users["implementer5"], samples.png(), "skrip.html"
    )
    client.force_login(world.users["implementer5"])
    response = client.get(url("work:evidence_download", evidence))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="skrip.html.png"'


def test_download_name_outside_ascii_follows_rfc_6266(client, world):
    evidence = add_evidence(
        world.subs[("6107", 5)], 3, world.users["implementer5"], samples.pdf(), "notulen-é.pdf"
    )
    client.force_login(world.users["implementer5"])
    response = client.get(url("work:evidence_download", evidence))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''notulen-%C3%A9.pdf"


def test_a_reader_without_the_right_gets_404_and_no_path(client, world):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"])
    client.force_login(world.users["other_regency"])
    for name in ("work:evidence_download", "work:evidence_preview", "work:evidence_thumbnail"):
        response = client.get(url(name, evidence))
        assert response.status_code == 404
        text = response.content.decode()
        assert evidence.file.sha256 not in text and "evidence/" not in text
    client.logout()
    response = client.get(url("work:evidence_download", evidence))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_download_query_count_is_small(client, world, django_assert_max_num_queries):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"])
    client.force_login(world.users["assessor"])
    with django_assert_max_num_queries(8):
        assert client.get(url("work:evidence_download", evidence)).status_code == 200


def test_generated_entries_are_never_served(client, world):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"])
    EvidenceFile.objects.filter(pk=evidence.file_id).update(generated=True)
    client.force_login(world.users["assessor"])
    for name in ("work:evidence_download", "work:evidence_preview", "work:evidence_thumbnail"):
        response = client.get(url(name, evidence))
        assert response.status_code == 404
        assert "data bangkitan" in response.content.decode()


def test_a_link_item_has_no_file_to_send(client, world):
    user = world.users["implementer5"]
    realisation = realisation_of(world.subs[("6107", 5)], 3, user)
    link = Evidence.objects.create(
        realisation=realisation,
        plan_id=realisation.plan_id,
        unit_id=realisation.unit_id,
        title="Video kegiatan",
        url="https://example.test/video",
        uploaded_by=user,
    )
    client.force_login(user)
    response = client.get(url("work:evidence_download", link))
    assert response.status_code == 404
    assert "berupa tautan" in response.content.decode()


def test_a_file_missing_from_the_storage_is_a_page_not_a_500(client, world):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"])
    evidence_storage().delete(evidence.file.file.name)
    client.force_login(world.users["assessor"])
    response = client.get(url("work:evidence_download", evidence))
    assert response.status_code == 404
    assert "tidak ditemukan di penyimpanan" in response.content.decode()


# -- preview and thumbnail -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "content_type"),
    [
        ("laporan.pdf", samples.pdf, "application/pdf"),
        ("foto.jpg", lambda: samples.jpeg_with_gps((640, 480), 1), "image/jpeg"),
        ("layar.png", samples.png, "image/png"),
    ],
)
def test_preview_is_inline_and_sandboxed(client, world, name, build, content_type):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"], build(), name)
    client.force_login(world.users["province_reviewer"])
    response = client.get(url("work:evidence_preview", evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline")
    policy = response["Content-Security-Policy"]
    assert policy.split(";")[0] == "sandbox" and "script-src" not in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "build"), [("notulen.docx", samples.docx), ("data.xlsx", samples.xlsx)]
)
def test_office_files_have_no_preview_and_no_thumbnail(client, world, name, build):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"], build(), name)
    client.force_login(world.users["assessor"])
    response = client.get(url("work:evidence_preview", evidence))
    assert response.status_code == 404
    assert "Pratinjau hanya tersedia untuk PDF" in response.content.decode()
    assert client.get(url("work:evidence_thumbnail", evidence)).status_code == 404
    assert client.get(url("work:evidence_download", evidence)).status_code == 200


def test_thumbnail_is_a_small_jpeg(client, world, evidence_backend):
    evidence = add_evidence(world.subs[("6107", 5)], 3, world.users["implementer5"])
    client.force_login(world.users["assessor"])
    response = client.get(url("work:evidence_thumbnail", evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert body(response)[:3] == b"\xff\xd8\xff"


# -- staging -----------------------------------------------------------------------------


def stage(client, period, data=None, name="notulen.pdf", **extra):
    payload = {"period": period.pk, "file": samples.upload(name, data or samples.pdf())}
    payload.update(extra)
    return client.post(reverse("work:upload_stage"), payload)


def test_staging_stores_the_file_for_this_user(client, world, evidence_backend):
    user = world.users["implementer5"]
    period = period_of(world.subs[("6107", 5)], 3)
    client.force_login(user)
    response = stage(client, period, name="../../Notulen\x07 Rapat.pdf")
    assert response.status_code == 201
    answer = response.json()
    staged = StagedUpload.objects.get()
    assert answer == {
        "id": staged.pk,
        "name": "Notulen Rapat.pdf",
        "size": len(samples.pdf()),
        "type": "pdf",
    }
    assert staged.user == user and staged.original_name == "Notulen Rapat.pdf"
    assert evidence_storage().exists(staged.file.file.name)
    entry = LogEntry.objects.get(action="work.upload_staged")
    assert entry.actor == user and entry.plan_id == period.plan_id
    assert entry.data["sha256"] == staged.file.sha256
    # The same file again: a second staged upload, one stored file.
    assert stage(client, period).status_code == 201
    assert StagedUpload.objects.count() == 2 and EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "build", "words"),
    [
        ("laporan.pdf", samples.elf, "program"),
        ("bom.docx", samples.zip_bomb_docx, "bom ZIP"),
        ("foto.png", samples.png_with_zip, "poliglot"),
        ("kosong.pdf", lambda: b"", "kosong"),
    ],
)
def test_staging_refuses_bad_files_as_json_400_and_stores_nothing(
    client, world, name, build, words
):
    period = period_of(world.subs[("6107", 5)], 3)
    client.force_login(world.users["implementer5"])
    payload = {"period": period.pk, "file": samples.upload(name, build())}
    response = client.post(reverse("work:upload_stage"), payload)
    assert response.status_code == 400
    message = response.json()["error"]
    assert name in message and words in message
    assert not StagedUpload.objects.exists() and not EvidenceFile.objects.exists()


def test_staging_over_the_limit_is_refused_by_content_length(client, world, settings):
    settings.RENAKSI_EVIDENCE_MAX_BYTES = 1000
    period = period_of(world.subs[("6107", 5)], 3)
    client.force_login(world.users["implementer5"])
    big = samples.pdf() + b"%" + b"x" * 200_000
    response = stage(client, period, big)
    assert response.status_code == 400
    assert "terlalu besar" in response.json()["error"]
    assert not StagedUpload.objects.exists()


def test_staging_over_the_limit_is_cut_while_reading(client, world, settings):
    """A body under limit + envelope passes the length check; the upload handler stops at
    the limit itself."""
    settings.RENAKSI_EVIDENCE_MAX_BYTES = 1000
    period = period_of(world.subs[("6107", 5)], 3)
    client.force_login(world.users["implementer5"])
    response = stage(client, period, samples.pdf())  # a few KB
    assert response.status_code == 400
    assert "terlalu besar" in response.json()["error"]


def test_staging_is_rate_limited(client, world, settings):
    settings.RENAKSI_EVIDENCE_STAGE_LIMIT = 2
    period = period_of(world.subs[("6107", 5)], 3)
    client.force_login(world.users["implementer5"])
    assert stage(client, period).status_code == 201
    assert stage(client, period).status_code == 201
    response = stage(client, period)
    assert response.status_code == 429
    assert "Terlalu banyak unggahan" in response.json()["error"]


def test_staging_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["implementer5"])
    period = period_of(world.subs[("6107", 5)], 3)
    assert stage(client, period).status_code == 403
    assert not StagedUpload.objects.exists()
    client.get(reverse("plans:list"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("work:upload_stage"),
        {"period": period.pk, "file": samples.upload("a.pdf", samples.pdf())},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_staging_checks_the_period_and_the_right(client, world):
    client.force_login(world.users["assessor"])
    own = period_of(world.subs[("6107", 5)], 3)
    response = stage(client, own)
    assert response.status_code == 403  # reads the unit, may not add evidence
    assert "tidak dapat menambahkan" in response.json()["error"]
    client.force_login(world.users["implementer5"])
    other = period_of(world.subs[("6101", 5)], 3)
    assert stage(client, other).status_code == 404  # another unit: not even seen
    area1 = period_of(world.subs[("6107", 1)], 3)
    assert stage(client, area1).status_code == 403  # another area of the own unit
    response = client.post(reverse("work:upload_stage"), {"period": "x"})
    assert response.status_code == 400 and json.loads(response.content)["error"]
    response = client.post(reverse("work:upload_stage"), {"period": own.pk})
    assert response.status_code == 400 and "satu berkas" in response.json()["error"]
    assert not StagedUpload.objects.exists()


def test_staging_refuses_get_and_anonymous(client, world):
    assert client.get(reverse("work:upload_stage")).status_code == 405
    period = period_of(world.subs[("6107", 5)], 3)
    response = stage(client, period)
    assert response.status_code == 403 and "masuk" in response.json()["error"]


def test_the_change_agent_may_stage_for_the_unit(client, world):
    client.force_login(world.users["agent"])
    assert stage(client, period_of(world.subs[("6107", 1)], 3)).status_code == 201


def test_staging_for_a_change_agents_action(client, world, django_assert_max_num_queries):
    from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan, SchedulePeriod
    from renaksi.work.periods import sync_agent_periods

    agent = world.users["agent"]
    agent_plan = ChangeAgentPlan.objects.create(plan=world.plans["6107"], agent=agent)
    action = ChangeAgentAction.objects.create(
        agent_plan=agent_plan, position=1, title="Inovasi layanan", schedule=0b100
    )
    sync_agent_periods(agent_plan)
    period = SchedulePeriod.objects.get(agent_action=action, period=3)
    client.force_login(world.users["implementer5"])
    assert stage(client, period).status_code == 403  # not their action
    client.force_login(agent)
    with django_assert_max_num_queries(20):
        response = stage(client, period)
    assert response.status_code == 201
    assert StagedUpload.objects.get().user == agent
