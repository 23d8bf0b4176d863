"""The realisation services (renaksi/work/realisations.py): saving, bad input, evidence,
late and outside-the-plan flags, the audit trail."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from renaksi.audit.models import LogEntry
from renaksi.work import realisations as services
from renaksi.work.models import (
    Evidence,
    EvidenceFile,
    IndicatorValue,
    Realisation,
    SchedulePeriod,
    StagedUpload,
)

from .work_realisation_world import (
    DECEMBER,
    JUNE,
    MARCH,
    build_rworld,
    good_data,
    pdf_file,
    png_file,
)

pytestmark = pytest.mark.django_db

# Inside the reporting window of March 2026 (due 5 April, Asia/Pontianak).
ON_TIME = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)


def utc(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    return build_rworld()


@pytest.fixture(autouse=True)
def _evidence_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }
    yield


def stored_names():
    from renaksi.work.files import evidence_storage

    storage = evidence_storage()
    names = []

    def walk(path):
        if not storage.exists(path or "."):
            return
        dirs, files = storage.listdir(path or ".")
        names.extend(f"{path}/{f}" if path else f for f in files)
        for d in dirs:
            walk(f"{path}/{d}" if path else d)

    walk("")
    return names


def save(world, user="implementer", month=MARCH, version=None, **kwargs):
    kwargs.setdefault("data", good_data())
    return services.save_realisation(
        world.users[user], world.period(month), expected_version=version, **kwargs
    )


@time_machine.travel(ON_TIME, tick=False)
def test_first_save_creates_the_realisation_with_values_and_history(world):
    data = good_data(values={world.percent.pk: "62,5", world.count.pk: "2"})
    realisation = save(world, data=data)
    assert realisation.version == 1
    assert realisation.status == "dalam_proses"
    assert realisation.progress == 40
    assert realisation.state == "draf"
    assert not realisation.late and not realisation.outside_plan
    assert realisation.created_by == world.users["implementer"]
    values = dict(realisation.values.values_list("indicator_id", "value"))
    assert values == {world.percent.pk: Decimal("62.50"), world.count.pk: Decimal("2.00")}
    entry = LogEntry.objects.get(action="work.realisation_saved")
    assert entry.plan_id == world.plan.pk
    assert entry.object_id == str(realisation.pk)
    assert entry.data["after"]["status"] == "dalam_proses"
    assert entry.data["after"]["indicator_values"] == {
        "Persentase pegawai tersosialisasi": "62,5",
        "Jumlah kegiatan sosialisasi": "2",
    }


@time_machine.travel(ON_TIME, tick=False)
def test_second_save_raises_the_version_and_records_before_and_after(world):
    first = save(world)
    second = save(world, version=first.version, data=good_data(status="selesai", progress="100"))
    assert second.version == 2
    entries = LogEntry.objects.filter(action="work.realisation_saved").order_by("pk")
    assert entries.count() == 2
    last = entries.last()
    assert last.data["before"] == {"status": "dalam_proses", "progress": 40}
    assert last.data["after"] == {"status": "selesai", "progress": 100}


@time_machine.travel(ON_TIME, tick=False)
def test_an_unchanged_save_writes_no_history_entry_and_keeps_the_version(world):
    first = save(world, data=good_data(values={world.percent.pk: "50"}))
    again = save(world, version=first.version, data=good_data(values={world.percent.pk: "50,00"}))
    assert again.version == first.version
    assert LogEntry.objects.filter(action="work.realisation_saved").count() == 1
    changed = save(world, version=first.version, data=good_data(values={world.percent.pk: "51"}))
    assert changed.version == first.version + 1
    entry = LogEntry.objects.filter(action="work.realisation_saved").latest("pk")
    assert entry.data["before"] == {"indicator_values": {world.percent.text: "50"}}
    assert entry.data["after"] == {"indicator_values": {world.percent.text: "51"}}


def test_an_evidence_only_save_needs_evidence(world):
    with pytest.raises(ValidationError) as caught:
        save(world, user="agent", data=None)
    assert "evidence" in caught.value.message_dict
    assert not Realisation.objects.exists()


# -- bad input: a field error, nothing saved -----------------------------------------------


BAD_INPUT = [
    ("negative progress", {"progress": "-5"}, "progress"),
    ("progress above 100", {"progress": "101"}, "progress"),
    ("progress not a number", {"progress": "empat puluh"}, "progress"),
    ("progress with decimals", {"progress": "40,5"}, "progress"),
    ("not done without reason", {"status": "tidak_terlaksana", "reason": "  "}, "reason"),
    ("postponed without month", {"status": "ditunda", "postponed_to": ""}, "postponed_to"),
    ("postponed to an earlier month", {"status": "ditunda", "postponed_to": "2"}, "postponed_to"),
    ("postponed to the same month", {"status": "ditunda", "postponed_to": "3"}, "postponed_to"),
    ("postponed to month 13", {"status": "ditunda", "postponed_to": "13"}, "postponed_to"),
    ("unknown status", {"status": "hampir"}, "status"),
    ("control character", {"narrative": "Rapat\x07"}, "narrative"),
]


@pytest.mark.parametrize("label,overrides,field", BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_a_field_error_and_nothing_is_saved(world, label, overrides, field):
    with pytest.raises(ValidationError) as caught:
        save(world, data=good_data(**overrides), files=[pdf_file()])
    assert field in caught.value.message_dict
    assert all(message for message in caught.value.message_dict[field])
    assert not Realisation.objects.exists()
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not LogEntry.objects.exists()
    assert stored_names() == []


@pytest.mark.parametrize(
    "indicator,raw,message_part",
    [
        ("percent", "tujuh puluh", "angka"),
        ("percent", "12a", "angka"),
        ("percent", "NaN", "angka"),
        ("percent", "100,5", "100"),
        ("percent", "-1", "negatif"),
        ("count", "-0,5", "negatif"),
        ("count", "1,234", "dua angka"),
    ],
)
def test_bad_indicator_value_is_a_field_error(world, indicator, raw, message_part):
    target = getattr(world, indicator)
    with pytest.raises(ValidationError) as caught:
        save(world, data=good_data(values={target.pk: raw}))
    messages = caught.value.message_dict[f"value_{target.pk}"]
    assert message_part in messages[0]
    assert not Realisation.objects.exists()
    assert not IndicatorValue.objects.exists()


def test_a_count_may_exceed_100_and_a_document_takes_no_value(world):
    realisation = save(
        world, data=good_data(values={world.count.pk: "150", world.document.pk: "oops"})
    )
    values = dict(realisation.values.values_list("indicator_id", "value"))
    assert values == {world.count.pk: Decimal("150.00")}


def test_a_cleared_value_is_removed(world):
    first = save(world, data=good_data(values={world.percent.pk: "50"}))
    save(world, version=first.version, data=good_data(values={world.percent.pk: ""}))
    assert not IndicatorValue.objects.exists()


def test_not_done_keeps_its_reason_and_postponed_keeps_its_month(world):
    realisation = save(
        world, data=good_data(status="tidak_terlaksana", reason="Anggaran belum cair")
    )
    assert realisation.reason == "Anggaran belum cair"
    realisation = save(
        world,
        version=realisation.version,
        data=good_data(status="ditunda", postponed_to="5", reason="Menunggu narasumber"),
    )
    assert (realisation.status, realisation.postponed_to) == ("ditunda", 5)
    realisation = save(world, version=realisation.version, data=good_data(status="dalam_proses"))
    assert realisation.postponed_to is None and realisation.reason == ""


def test_december_cannot_be_postponed_within_the_year(world):
    with pytest.raises(ValidationError) as caught:
        save(world, month=DECEMBER, data=good_data(status="ditunda", postponed_to="12"))
    assert "Desember" in caught.value.message_dict["postponed_to"][0]


def test_quarterly_plan_postpones_after_the_quarter(world):
    world.plan.schedule_kind = "quarter"
    world.plan.save()
    world.sub.schedule = 0b0001
    world.sub.save()
    SchedulePeriod.objects.all().delete()
    from renaksi.work.periods import sync_plan_periods

    sync_plan_periods(world.plan)
    period = services.periods_qs().get(sub_activity=world.sub, period=1)
    with pytest.raises(ValidationError):
        services.save_realisation(
            world.users["implementer"],
            period,
            data=good_data(status="ditunda", postponed_to="3"),
            expected_version=None,
        )
    realisation = services.save_realisation(
        world.users["implementer"],
        period,
        data=good_data(status="ditunda", postponed_to="4"),
        expected_version=None,
    )
    assert realisation.postponed_to == 4


# -- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("implementer", True),
        ("implementer2", True),
        ("assessor", False),
        ("steering", False),
        ("agent", False),
        ("outsider", False),
        ("reader", False),
        ("unit_admin", False),
    ],
)
def test_who_may_save(world, persona, allowed):
    if allowed:
        assert save(world, user=persona).pk
    else:
        with pytest.raises(PermissionDenied):
            save(world, user=persona)
        assert not Realisation.objects.exists()


def test_a_change_agent_adds_evidence_only(world):
    with pytest.raises(PermissionDenied):
        save(world, user="agent")
    realisation = save(world, user="agent", data=None, files=[pdf_file()])
    assert realisation.evidence.count() == 1
    assert realisation.status == "belum_dimulai"
    with pytest.raises(PermissionDenied):
        save(world, user="outsider", data=None, files=[pdf_file(salt=b"x")])


def test_a_pic_who_left_the_unit_reports_nothing(world):
    world.sub.pic = world.users["outsider"]
    world.sub.save()
    with pytest.raises(PermissionDenied):
        save(world, user="outsider")


# -- evidence -------------------------------------------------------------------------------


def test_three_files_a_staged_upload_and_a_link(world):
    from renaksi.work import files

    checked = files.validate_upload(png_file("dokumentasi.png"))
    with files.StoredFiles() as stored:
        ef = files.store_checked(checked, world.users["implementer"], stored)
    staged = StagedUpload.objects.create(
        user=world.users["implementer"], file=ef, original_name="dokumentasi.png"
    )
    realisation = save(
        world,
        files=[pdf_file("sk.pdf", b"1"), pdf_file("notulen.pdf", b"2"), pdf_file("x.pdf", b"3")],
        staged_ids=[staged.pk],
        links=[
            {
                "url": "https://example.test/video",
                "title": "Rekaman sosialisasi",
                "kind": "foto",
                "indicators": [world.percent.pk],
            }
        ],
        evidence_meta={
            "*": {"kind": "laporan", "as_of": "2026-03-15"},
            "file:0": {"title": "SK Tim", "kind": "sk", "indicators": [world.count.pk]},
        },
    )
    items = list(realisation.evidence.order_by("pk"))
    assert [item.title for item in items] == [
        "SK Tim",
        "notulen",
        "x",
        "dokumentasi",
        "Rekaman sosialisasi",
    ]
    assert [item.kind for item in items] == ["sk", "laporan", "laporan", "laporan", "foto"]
    assert items[0].as_of == datetime.date(2026, 3, 15)
    assert list(items[0].indicators.values_list("pk", flat=True)) == [world.count.pk]
    assert items[4].url == "https://example.test/video" and items[4].file is None
    assert items[3].file == ef
    assert not StagedUpload.objects.exists()  # attached; the stored file stays
    assert EvidenceFile.objects.count() == 4
    assert LogEntry.objects.filter(action="work.evidence_added").count() == 5


def test_someone_elses_staged_upload_is_refused(world):
    from renaksi.work import files

    checked = files.validate_upload(pdf_file())
    with files.StoredFiles() as stored:
        ef = files.store_checked(checked, world.users["implementer2"], stored)
    staged = StagedUpload.objects.create(
        user=world.users["implementer2"], file=ef, original_name="a.pdf"
    )
    with pytest.raises(ValidationError) as caught:
        save(world, staged_ids=[staged.pk])
    assert "staged" in caught.value.message_dict
    assert StagedUpload.objects.filter(pk=staged.pk).exists()
    assert not Realisation.objects.exists()


@pytest.mark.parametrize(
    "meta,link,field",
    [
        ({"*": {"kind": "sertifikat"}}, None, "files"),
        ({"*": {"as_of": "31-03-2026"}}, None, "files"),
        ({"*": {"as_of": "2099-01-01"}}, None, "files"),
        ({"*": {"indicators": [999999]}}, None, "files"),
        ({"*": {"replaces": 999999}}, None, "files"),
        ({}, {"url": "javascript:alert(1)", "title": "x"}, "links"),
        ({}, {"url": "https://example.test/a", "title": ""}, "links"),
    ],
)
def test_bad_evidence_metadata_is_a_field_error(world, meta, link, field):
    with pytest.raises(ValidationError) as caught:
        save(
            world,
            files=[] if link else [pdf_file()],
            links=[link] if link else [],
            evidence_meta=meta,
        )
    assert field in caught.value.message_dict
    assert not Realisation.objects.exists()
    assert stored_names() == []


def test_a_file_that_is_no_allowed_type_is_refused_at_the_field(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 this is an exe", "application/pdf")
    with pytest.raises(ValidationError) as caught:
        save(world, files=[bad])
    assert "files" in caught.value.message_dict
    assert not Realisation.objects.exists()


def test_replacing_evidence_keeps_the_old_version(world):
    first = save(world, files=[pdf_file("notulen.pdf", b"v1")])
    old = first.evidence.get()
    second = save(
        world,
        version=first.version,
        files=[pdf_file("notulen-revisi.pdf", b"v2")],
        evidence_meta={"file:0": {"replaces": old.pk, "title": "Notulen (revisi)"}},
    )
    old.refresh_from_db()
    new = second.evidence.get(is_current=True)
    assert new.replaces == old and not old.is_current
    assert Evidence.objects.count() == 2 and EvidenceFile.objects.count() == 2
    assert len(stored_names()) >= 2  # both files kept
    entry = LogEntry.objects.get(action="work.evidence_replaced")
    assert entry.data["replaced_id"] == old.pk
    # The replaced one cannot be replaced again.
    with pytest.raises(ValidationError):
        save(
            world,
            version=second.version,
            files=[pdf_file("c.pdf", b"v3")],
            evidence_meta={"file:0": {"replaces": old.pk}},
        )


def test_the_same_file_twice_is_stored_once(world):
    first = save(world, files=[pdf_file("a.pdf", b"same")])
    save(world, month=JUNE, files=[pdf_file("b.pdf", b"same")])
    assert EvidenceFile.objects.count() == 1
    assert Evidence.objects.count() == 2
    reuse = services.reused_files(first.evidence.all())
    assert list(reuse) == [first.evidence.get().pk]


def test_missing_evidence_kinds(world):
    realisation = save(
        world,
        files=[pdf_file("daftar.pdf", b"1")],
        evidence_meta={"*": {"kind": "daftar_hadir", "indicators": [world.count.pk]}},
    )
    evidence = realisation.evidence.prefetch_related("indicators")
    missing = services.missing_evidence_kinds(
        [world.percent, world.count, world.document], evidence
    )
    # The daftar hadir names the count indicator only: the percentage still misses it.
    assert missing == {world.percent.pk: ["daftar_hadir", "foto"], world.count.pk: ["sk"]}


# -- the whole save is one transaction --------------------------------------------------------


def test_a_failure_in_the_middle_leaves_no_row_and_no_file(world, monkeypatch):
    """Three files; the third evidence row fails after the files were stored."""
    from renaksi.work import realisations

    real_add = realisations._add_evidence
    calls = []

    def failing_add(user, realisation, new, file_services, stored, now):
        calls.append(new.title)
        if len(calls) == 3:
            file_services.store_checked(new.checked, user, stored)  # stored, then it fails
            raise RuntimeError("disk full")
        return real_add(user, realisation, new, file_services, stored, now)

    monkeypatch.setattr(realisations, "_add_evidence", failing_add)
    with pytest.raises(RuntimeError):
        save(
            world,
            files=[pdf_file("a.pdf", b"1"), pdf_file("b.pdf", b"2"), pdf_file("c.pdf", b"3")],
        )
    assert len(calls) == 3
    assert not Realisation.objects.exists()
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not LogEntry.objects.exists()
    assert stored_names() == []


# -- late, outside the plan -------------------------------------------------------------------


def test_late_flag_follows_the_end_of_the_due_day_in_the_units_time_zone(world):
    period = world.period(MARCH)
    assert period.due_on == datetime.date(2026, 4, 5)
    # 5 April 23:30 in Pontianak (UTC+7) is 16:30 UTC: still on time.
    with time_machine.travel(utc(2026, 4, 5, 16, 30), tick=False):
        assert not save(world).late
    Realisation.objects.all().delete()
    LogEntry.objects.all().delete()
    # 6 April 00:30 in Pontianak is 5 April 17:30 UTC: late, though UTC still says the 5th.
    with time_machine.travel(utc(2026, 4, 5, 17, 30), tick=False):
        late = save(world)
    assert late.late
    assert LogEntry.objects.get(action="work.realisation_saved").data["after"]["late"] is True


def test_a_unit_further_east_is_late_sooner(world):
    world.unit.time_zone = "Asia/Jayapura"  # UTC+9
    world.unit.save()
    with time_machine.travel(utc(2026, 4, 5, 15, 30), tick=False):
        assert save(world).late  # 6 April 00:30 WIT


def test_first_submission_after_the_due_day_flags_late(world):
    with time_machine.travel(ON_TIME, tick=False):
        realisation = save(world)
    assert not realisation.late
    with time_machine.travel(utc(2026, 4, 10, 3, 0), tick=False):
        submitted = services.submit(
            world.users["implementer"], services.realisations_qs().get(pk=realisation.pk)
        )
    assert submitted.late
    assert Realisation.objects.get(pk=realisation.pk).late


def test_unscheduled_work_is_outside_the_plan(world):
    with time_machine.travel(ON_TIME, tick=False):
        period = services.record_unscheduled(world.users["implementer"], world.sub, 4)
        assert not period.planned and period.period == 4
        assert period.due_on == datetime.date(2026, 5, 5)
        realisation = Realisation.objects.get(period=period)
        assert realisation.outside_plan
        saved = services.save_realisation(
            world.users["implementer"],
            period,
            data=good_data(),
            expected_version=realisation.version,
        )
    assert saved.outside_plan
    assert LogEntry.objects.filter(action="work.unscheduled_recorded").count() == 1
    # A second call returns the same period; a planned month is returned as it is.
    assert services.record_unscheduled(world.users["implementer"], world.sub, 4).pk == period.pk
    planned = services.record_unscheduled(world.users["implementer"], world.sub, MARCH)
    assert planned.planned
    # The schedule sync keeps the period (it holds work).
    from renaksi.work.periods import sync_plan_periods

    sync_plan_periods(world.plan)
    assert SchedulePeriod.objects.filter(pk=period.pk, planned=False).exists()


def test_unscheduled_refuses_a_bad_period_and_an_outsider(world):
    with pytest.raises(ValidationError):
        services.record_unscheduled(world.users["implementer"], world.sub, 13)
    with pytest.raises(PermissionDenied):
        services.record_unscheduled(world.users["outsider"], world.sub, 4)
    assert not SchedulePeriod.objects.filter(planned=False).exists()


# -- optimistic locking (one connection; the concurrent test is in _concurrency) ---------------


def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    first = save(world)
    save(world, user="implementer2", version=first.version, data=good_data(progress="60"))
    with pytest.raises(services.RealisationConflict) as caught:
        save(world, version=first.version, data=good_data(progress="80"), files=[pdf_file()])
    assert caught.value.current.progress == 60
    assert "diubah oleh orang lain" in caught.value.message
    assert Realisation.objects.get().progress == 60
    assert not Evidence.objects.exists() and stored_names() == []


def test_a_new_form_on_a_period_someone_recorded_meanwhile_is_a_conflict(world):
    save(world, user="implementer2")
    with pytest.raises(services.RealisationConflict):
        save(world, version=None)


def test_submitted_and_verified_realisations_are_not_edited(world):
    first = save(world)
    submitted = services.submit(world.users["implementer"], first, first.version)
    with pytest.raises(services.RealisationError) as caught:
        save(world, version=submitted.version)
    assert "menunggu verifikasi" in caught.value.message
    services.verify(world.users["assessor"], services.realisations_qs().get(pk=first.pk))
    with pytest.raises(services.RealisationError) as caught:
        save(world, version=submitted.version + 1, data=None, files=[pdf_file()])
    assert "terverifikasi" in caught.value.message
