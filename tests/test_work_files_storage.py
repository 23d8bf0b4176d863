"""Storing evidence (renaksi/work/files.py): content-addressed, once per SHA-256, with a
thumbnail, and no stray file after a rolled-back write. Each storage test runs against a
local folder and against a real S3-compatible server (moto, tests/s3_server.py)."""

import hashlib
import threading

import pytest
from django.db import connection, transaction

from renaksi.work import files
from renaksi.work.files import (
    CONTENT_TYPES,
    StoredFiles,
    evidence_storage,
    reuse_map,
    reuse_of,
    storage_name,
    store_checked,
    validate_upload,
)
from renaksi.work.models import EvidenceFile

from . import evidence_samples as samples
from . import s3_server
from .evidence_support import add_evidence
from .permission_world import build_world
from .s3_server import stored_names

pytestmark = pytest.mark.django_db

# The storage fixtures (a local folder, then moto's S3 server).
s3_endpoint = s3_server.s3_endpoint
evidence_backend = s3_server.evidence_backend


class Boom(Exception):
    pass


def checked(name, data):
    return validate_upload(samples.upload(name, data))


def three_files():
    return [
        checked("laporan.pdf", samples.pdf()),
        checked("foto.jpg", samples.jpeg_with_gps((640, 480), 1)),
        checked("notulen.docx", samples.docx()),
    ]


def test_evidence_storage_is_the_configured_one(evidence_backend):
    storage = evidence_storage()
    if evidence_backend == "s3":
        from storages.backends.s3 import S3Storage

        assert isinstance(storage, S3Storage)
    else:
        from django.core.files.storage import FileSystemStorage

        assert isinstance(storage, FileSystemStorage)


def test_store_writes_the_bytes_and_a_thumbnail(evidence_backend, django_user_model):
    user = django_user_model.objects.create_user("andi")
    item = checked("foto.jpg", samples.jpeg_with_gps((640, 480), 1))
    with StoredFiles() as stored, transaction.atomic():
        row = store_checked(item, user, stored)
    storage = evidence_storage()
    sha = hashlib.sha256(samples.jpeg_with_gps((640, 480), 1)).hexdigest()
    assert row.sha256 == sha and row.file.name == storage_name(sha)
    assert row.file.name == f"evidence/{sha[:2]}/{sha[2:4]}/{sha}"
    assert (row.file_type, row.content_type, row.width, row.height) == (
        "jpeg",
        "image/jpeg",
        640,
        480,
    )
    assert row.size == len(item.data) and row.created_by == user
    with storage.open(row.file.name) as handle:
        assert handle.read() == item.data  # the stripped bytes, not the upload
    assert row.thumbnail.name == row.file.name + files.THUMBNAIL_SUFFIX
    assert storage.exists(row.thumbnail.name)
    assert stored_names(storage) == {row.file.name, row.thumbnail.name}


def test_the_same_file_twice_is_stored_once(evidence_backend, django_user_model):
    user = django_user_model.objects.create_user("andi")
    with StoredFiles() as stored, transaction.atomic():
        first = store_checked(checked("a.pdf", samples.pdf()), user, stored)
    with StoredFiles() as stored, transaction.atomic():
        second = store_checked(checked("nama-lain.pdf", samples.pdf()), user, stored)
        assert stored.written == []  # nothing new written
    assert first.pk == second.pk
    assert EvidenceFile.objects.count() == 1
    assert len(stored_names(evidence_storage())) == 2  # the file and its thumbnail


def test_a_forced_failure_after_three_files_leaves_no_row_and_no_file(
    evidence_backend, django_user_model
):
    user = django_user_model.objects.create_user("andi")
    items = three_files()
    with pytest.raises(Boom), StoredFiles() as stored, transaction.atomic():
        for item in items:
            store_checked(item, user, stored)
        assert len(stored.written) == 5  # three files, two thumbnails (no DOCX thumbnail)
        assert len(stored_names(evidence_storage())) == 5
        raise Boom
    assert EvidenceFile.objects.count() == 0
    assert stored_names(evidence_storage()) == set()


def test_files_that_existed_before_are_never_deleted(evidence_backend, django_user_model):
    user = django_user_model.objects.create_user("andi")
    pdf, photo, docx = three_files()
    with StoredFiles() as stored, transaction.atomic():
        kept = store_checked(pdf, user, stored)
    before = stored_names(evidence_storage())
    # An orphan file already at the name a new upload goes to (e.g. left by a crash).
    storage = evidence_storage()
    from django.core.files.base import ContentFile

    storage.save(storage_name(docx.sha256), ContentFile(docx.data))
    with pytest.raises(Boom), StoredFiles() as stored, transaction.atomic():
        assert store_checked(pdf, user, stored).pk == kept.pk
        store_checked(photo, user, stored)
        store_checked(docx, user, stored)
        raise Boom
    after = stored_names(storage)
    assert before <= after
    assert storage_name(docx.sha256) in after
    assert storage_name(photo.sha256) not in after
    assert list(EvidenceFile.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_failure_outside_the_transaction_cleans_up_too(evidence_backend, django_user_model):
    """Raised after the transaction committed the rows? Then the rows hold the files, and
    nothing is deleted: a committed row never loses its file."""
    user = django_user_model.objects.create_user("andi")
    with pytest.raises(Boom), StoredFiles() as stored:
        with transaction.atomic():
            row = store_checked(checked("a.pdf", samples.pdf()), user, stored)
        raise Boom
    assert EvidenceFile.objects.filter(pk=row.pk).exists()
    assert evidence_storage().exists(row.file.name)


def test_a_concurrent_insert_of_the_same_file_uses_the_other_row(
    django_user_model, monkeypatch, settings, tmp_path
):
    """The lost race: our lookup saw no row, the other request's insert came first; the
    unique constraint refuses ours and we use theirs, writing nothing."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    user = django_user_model.objects.create_user("andi")
    item = checked("a.pdf", samples.pdf())
    theirs = EvidenceFile.objects.create(
        sha256=item.sha256, size=1, file_type="pdf", content_type="application/pdf", file="x"
    )
    real_filter = EvidenceFile.objects.filter
    calls = []

    def first_lookup_misses(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if kwargs.get("sha256") == item.sha256 and not calls:
            calls.append(1)
            return queryset.none()
        return queryset

    monkeypatch.setattr(EvidenceFile.objects, "filter", first_lookup_misses)
    with StoredFiles() as stored, transaction.atomic():
        assert store_checked(item, user, stored).pk == theirs.pk
        assert stored.written == []
    assert calls == [1]


def test_reuse_across_months_and_units_is_listed_for_those_who_may_read_it():
    world = build_world()
    uploader = world.users["superuser"]
    data = samples.pdf()
    own = add_evidence(world.subs[("6107", 5)], 3, uploader, data)
    same_realisation = add_evidence(world.subs[("6107", 5)], 3, uploader, data, title="lagi")
    other_month = add_evidence(world.subs[("6107", 5)], 4, uploader, data)
    other_unit = add_evidence(world.subs[("6101", 5)], 3, uploader, data)
    unrelated = add_evidence(world.subs[("6107", 1)], 3, uploader, samples.docx(), "n.docx")
    assert own.file_id == other_unit.file_id == other_month.file_id
    assert list(reuse_of(own)) == [other_month, other_unit]
    assert same_realisation not in reuse_of(own)
    # The assessor of Bengkayang does not read Sambas: only the other month shows.
    assert list(reuse_of(own, world.users["assessor"])) == [other_month]
    assert list(reuse_of(own, world.users["province_reviewer"])) == [other_month, other_unit]
    assert list(reuse_of(unrelated)) == []
    mapping = reuse_map([own, unrelated, other_unit], world.users["superuser"])
    assert mapping == {
        own.pk: [other_month, other_unit],
        unrelated.pk: [],
        other_unit.pk: [own, same_realisation, other_month],
    }


def test_reuse_map_is_one_query(django_assert_num_queries):
    world = build_world()
    uploader = world.users["superuser"]
    items = [add_evidence(world.subs[("6107", 5)], month, uploader) for month in (1, 2, 3)]
    world.users["assessor"].refresh_from_db()
    from renaksi.access.policy import grants_for

    grants_for(world.users["assessor"])
    with django_assert_num_queries(1):
        reuse_map(items, world.users["assessor"])


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_uploads_of_the_same_new_file_store_one_row(
    django_user_model, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    user = django_user_model.objects.create_user("andi")
    item = checked("a.pdf", samples.pdf())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def upload():
        try:
            barrier.wait()
            with StoredFiles() as stored, transaction.atomic():
                results.append(store_checked(item, user, stored).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 2 and results[0] == results[1]
    assert EvidenceFile.objects.count() == 1
    row = EvidenceFile.objects.get()
    assert evidence_storage().exists(row.file.name)
    assert stored_names(evidence_storage()) == {row.file.name, row.thumbnail.name}


def _evidence_settings(data_dir, **environment) -> dict:
    import json
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("RENAKSI_EVIDENCE") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(SECRET_KEY="x", RENAKSI_DATA_DIR=str(data_dir), **environment)
    code = (
        "import json, renaksi.settings as s; print(json.dumps({'storage': "
        "s.STORAGES['evidence'], 'max': s.RENAKSI_EVIDENCE_MAX_BYTES, "
        "'side': s.RENAKSI_EVIDENCE_IMAGE_MAX_SIDE}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_default_to_a_private_local_folder(tmp_path):
    found = _evidence_settings(tmp_path)
    assert found["storage"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
    }
    assert found["max"] == 20 * 1024 * 1024 and found["side"] == 2560


def test_settings_configure_s3_from_the_environment(tmp_path):
    found = _evidence_settings(
        tmp_path,
        RENAKSI_EVIDENCE_S3_BUCKET="bukti",
        RENAKSI_EVIDENCE_S3_ENDPOINT_URL="https://s3.example.test",
        RENAKSI_EVIDENCE_S3_REGION="ap-southeast-3",
        RENAKSI_EVIDENCE_S3_ACCESS_KEY_ID="kunci",
        RENAKSI_EVIDENCE_S3_SECRET_ACCESS_KEY="rahasia",
        RENAKSI_EVIDENCE_S3_PREFIX="/renaksi/",
        RENAKSI_EVIDENCE_MAX_BYTES="1000",
    )
    assert found["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert found["storage"]["OPTIONS"] == {
        "bucket_name": "bukti",
        "endpoint_url": "https://s3.example.test",
        "region_name": "ap-southeast-3",
        "access_key": "kunci",
        "secret_key": "rahasia",
        "location": "renaksi",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    assert found["max"] == 1000


def test_s3_prefix_keeps_objects_under_it(s3_endpoint, settings, django_user_model):
    """With a prefix (RENAKSI_EVIDENCE_S3_PREFIX), objects live under it in the bucket."""
    import uuid

    bucket = f"bukti-{uuid.uuid4().hex[:12]}"
    client = s3_server.s3_client(s3_endpoint)
    client.create_bucket(Bucket=bucket)
    config = s3_server.s3_storage_config(s3_endpoint, bucket)
    config["OPTIONS"]["location"] = "renaksi"
    settings.STORAGES = {**settings.STORAGES, "evidence": config}
    user = django_user_model.objects.create_user("andi")
    with StoredFiles() as stored, transaction.atomic():
        row = store_checked(checked("a.docx", samples.docx()), user, stored)
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [f"renaksi/{row.file.name}"]
    head = client.head_object(Bucket=bucket, Key=keys[0])
    assert head["ContentType"] == CONTENT_TYPES["docx"]
