"""The realisation form and the assessor's review page (renaksi/work/views_realisation.py)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from renaksi.work import realisations as services
from renaksi.work.models import Evidence, Realisation, Review, SchedulePeriod

from .work_realisation_world import JUNE, MARCH, build_rworld, good_data, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_rworld()


@pytest.fixture(autouse=True)
def _evidence_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


def form_url(world, month=MARCH):
    return reverse("work:realisation", kwargs={"period": world.period(month).pk})


def login(client, world, name):
    client.force_login(world.users[name])


def post_data(**overrides):
    data = {
        "status": "dalam_proses",
        "progress": "40",
        "narrative": "Sosialisasi di aula.",
        "reason": "",
        "postponed_to": "",
        "evidence_kind": "lainnya",
    }
    data.update(overrides)
    return data


def make(world, files=0, state="draf", month=MARCH):
    realisation = services.save_realisation(
        world.users["implementer"],
        world.period(month),
        data=good_data(values={world.percent.pk: "50"}),
        expected_version=None,
        files=[pdf_file(f"bukti-{i}.pdf", f"{month}-{i}".encode()) for i in range(files)],
    )
    if state != "draf":
        realisation = services.submit(world.users["implementer"], realisation)
    return services.realisations_qs().get(pk=realisation.pk)


# -- the form -------------------------------------------------------------------------------


def test_the_form_shows_indicators_targets_and_missing_kinds(client, world):
    login(client, world, "implementer")
    response = client.get(form_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Persentase pegawai tersosialisasi" in html
    assert "Target 100" in html
    assert "Daftar hadir, Foto kegiatan" in html  # expected, none uploaded yet
    assert 'name="files"' in html and "multiple" in html
    assert f'name="period" value="{world.period().pk}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'name="value_{world.percent.pk}"' in html
    assert f'name="value_{world.document.pk}"' not in html  # a document takes no number


def test_saving_through_the_form(client, world):
    login(client, world, "implementer")
    response = client.post(
        form_url(world),
        {
            **post_data(**{f"value_{world.percent.pk}": "75,5"}),
            "files": [pdf_file("daftar-hadir.pdf", b"1")],
            "evidence_kind": "daftar_hadir",
            "evidence_as_of": "2026-03-12",
            "evidence_indicators": [str(world.percent.pk)],
            "link_url": "https://example.test/berita",
            "link_title": "Berita kegiatan",
        },
    )
    assert response.status_code == 302
    realisation = Realisation.objects.get()
    assert (realisation.status, realisation.progress) == ("dalam_proses", 40)
    assert str(realisation.values.get().value) == "75.50"
    titles = sorted(Evidence.objects.values_list("title", "kind"))
    assert titles == [("Berita kegiatan", "daftar_hadir"), ("daftar-hadir", "daftar_hadir")]
    html = client.get(form_url(world)).content.decode()
    assert "Realisasi tersimpan." in html
    assert "Foto kegiatan" in html  # still missing for the percentage
    assert 'value="75,5"' in html


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"progress": "-1"}, "progress", "antara 0 dan 100"),
        ({"progress": "150"}, "progress", "antara 0 dan 100"),
        ({"status": "tidak_terlaksana"}, "reason", "Alasan wajib diisi"),
        ({"status": "ditunda", "postponed_to": "1"}, "postponed_to", "sesudah periode ini"),
        ({"value": "sepuluh"}, "value", "harus berupa angka"),
    ],
)
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(
    client, world, overrides, field, message
):
    login(client, world, "implementer")
    if "value" in overrides:
        overrides = {f"value_{world.percent.pk}": overrides["value"]}
        field = f"value_{world.percent.pk}"
    response = client.post(
        form_url(world),
        {**post_data(narrative="Teks yang tidak boleh hilang"), **overrides},
    )
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(f'id="kolom-{field}"')
    block = html[start : html.index("</div>", html.index("field__errors", start))]
    assert message in block
    assert "Teks yang tidak boleh hilang" in html  # the person's text is kept
    assert not Realisation.objects.exists()


def test_a_stale_form_shows_the_conflict_and_keeps_the_text(client, world):
    realisation = make(world)
    services.save_realisation(
        world.users["implementer2"],
        world.period(),
        data=good_data(narrative="Disimpan rekan"),
        expected_version=realisation.version,
    )
    login(client, world, "implementer")
    response = client.post(
        form_url(world),
        post_data(narrative="Tulisan saya yang panjang", version=str(realisation.version)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "sudah diubah oleh orang lain" in html
    assert "Tulisan saya yang panjang" in html  # kept in the form
    assert "Disimpan rekan" in html  # the saved value shown beside it
    assert f'name="version" value="{realisation.version + 1}"' in html
    assert Realisation.objects.get().narrative == "Disimpan rekan"
    # Saving again from that form now wins.
    response = client.post(
        form_url(world),
        post_data(narrative="Tulisan saya yang panjang", version=str(realisation.version + 1)),
    )
    assert response.status_code == 302
    assert Realisation.objects.get().narrative == "Tulisan saya yang panjang"


def test_a_change_agent_gets_the_evidence_part_only(client, world):
    login(client, world, "agent")
    response = client.get(form_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="progress"' not in html and 'name="files"' in html
    response = client.post(form_url(world), {"files": [pdf_file()], "progress": "99"})
    assert response.status_code == 302
    realisation = Realisation.objects.get()
    assert realisation.progress == 0 and realisation.evidence.count() == 1


@pytest.mark.parametrize(
    "persona,status", [("reader", 403), ("assessor", 403), ("steering", 403), ("outsider", 404)]
)
def test_who_may_not_open_the_form(client, world, persona, status):
    login(client, world, persona)
    assert client.get(form_url(world)).status_code == status
    assert client.post(form_url(world), post_data()).status_code == status
    assert not Realisation.objects.exists()


def test_anonymous_goes_to_sign_in(client, world):
    response = client.get(form_url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_submit_and_withdraw(client, world):
    realisation = make(world)
    login(client, world, "implementer")
    url = reverse("work:realisation_submit", kwargs={"pk": realisation.pk})
    assert client.get(url).status_code == 302  # a GET changes nothing
    assert Realisation.objects.get().state == "draf"
    response = client.post(url, {"version": realisation.version})
    assert response.status_code == 302
    assert Realisation.objects.get().state == "diajukan"
    html = client.get(form_url(world)).content.decode()
    assert "menunggu verifikasi" in html and 'name="narrative"' not in html
    client.post(url, {"version": realisation.version + 1, "action": "withdraw"})
    assert Realisation.objects.get().state == "draf"
    # The assessor may not submit (403); an outsider does not see it (404).
    login(client, world, "assessor")
    assert client.post(url).status_code == 403
    login(client, world, "outsider")
    assert client.post(url).status_code == 404


def test_a_stale_submit_is_refused_with_a_message(client, world):
    realisation = make(world)
    login(client, world, "implementer")
    url = reverse("work:realisation_submit", kwargs={"pk": realisation.pk})
    response = client.post(url, {"version": realisation.version + 5}, follow=True)
    assert "sudah diubah oleh orang lain" in response.content.decode()
    assert Realisation.objects.get().state == "draf"


def test_unscheduled_work_from_the_form(client, world):
    login(client, world, "implementer")
    html = client.get(form_url(world)).content.decode()
    assert "Catat pekerjaan di luar jadwal" in html
    url = reverse("work:record_unscheduled", kwargs={"sub": world.sub.pk})
    response = client.post(url, {"period": "4", "back_period": world.period().pk})
    period = SchedulePeriod.objects.get(sub_activity=world.sub, period=4)
    assert not period.planned
    assert response["Location"] == reverse("work:realisation", kwargs={"period": period.pk})
    assert "Di luar jadwal" in client.get(response["Location"]).content.decode()
    login(client, world, "reader")
    assert client.post(url, {"period": "5"}).status_code == 403
    login(client, world, "outsider")
    assert client.post(url, {"period": "5"}).status_code == 404


# -- the review page --------------------------------------------------------------------------


def review_url(realisation):
    return reverse("work:review", kwargs={"pk": realisation.pk})


def test_review_page_for_a_reader_shows_no_decision(client, world):
    realisation = make(world, files=1, state="diajukan")
    login(client, world, "reader")
    response = client.get(review_url(realisation))
    assert response.status_code == 200
    html = response.content.decode()
    assert "bukti-0" in html and "Capaian terhadap target" in html
    assert 'name="decision"' not in html
    assert client.post(review_url(realisation), {"decision": "verify"}).status_code == 403
    login(client, world, "outsider")
    assert client.get(review_url(realisation)).status_code == 404


def test_the_assessor_verifies(client, world):
    realisation = make(world, files=2, state="diajukan")
    login(client, world, "assessor")
    html = client.get(review_url(realisation)).content.decode()
    assert 'name="decision"' in html
    first, second = Evidence.objects.order_by("pk")
    assert f'name="note_{first.pk}"' in html
    response = client.post(
        review_url(realisation),
        {
            "decision": "verify",
            "version": realisation.version,
            f"accept_{first.pk}": "on",
            f"accept_{second.pk}": "on",
            f"note_{first.pk}": "Jelas.",
        },
    )
    assert response.status_code == 302
    assert Realisation.objects.get().state == "terverifikasi"
    review = Review.objects.get()
    assert list(review.items.values_list("evidence_id", "comment")) == [(first.pk, "Jelas.")]
    html = client.get(review_url(realisation)).content.decode()
    assert "Buka kembali verifikasi" in html


def test_the_assessor_returns_with_a_comment_per_item(client, world):
    realisation = make(world, files=2, state="diajukan")
    first, second = Evidence.objects.order_by("pk")
    login(client, world, "assessor")
    # Without a comment: the error at the field, nothing decided.
    response = client.post(
        review_url(realisation), {"decision": "return", f"accept_{second.pk}": "on"}
    )
    assert response.status_code == 200
    assert "Tuliskan catatan" in response.content.decode()
    assert not Review.objects.exists()
    # A refused item without its own comment.
    response = client.post(
        review_url(realisation),
        {"decision": "return", "comment": "Perbaiki.", f"accept_{second.pk}": "on"},
    )
    assert "Tuliskan mengapa bukti dukung ini tidak diterima" in response.content.decode()
    assert not Review.objects.exists()
    response = client.post(
        review_url(realisation),
        {
            "decision": "return",
            "comment": "Daftar hadir tidak terbaca.",
            f"note_{first.pk}": "Pindai ulang.",
            f"accept_{second.pk}": "on",
        },
    )
    assert response.status_code == 302
    assert Realisation.objects.get().state == "dikembalikan"
    # The reporter sees the comments on the form.
    login(client, world, "implementer")
    html = client.get(form_url(world)).content.decode()
    assert "Daftar hadir tidak terbaca." in html and "Pindai ulang." in html


def test_the_submitter_who_is_an_assessor_sees_no_decision(client, world):
    realisation = services.save_realisation(
        world.users["both"], world.period(), data=good_data(), expected_version=None
    )
    realisation = services.submit(world.users["both"], realisation)
    login(client, world, "both")
    html = client.get(review_url(realisation)).content.decode()
    assert 'name="decision"' not in html
    assert "anggota Tim Asesor lain" in html
    response = client.post(review_url(realisation), {"decision": "verify"}, follow=True)
    assert "anggota Tim Asesor lain" in response.content.decode()
    assert Realisation.objects.get().state == "diajukan"


def test_reuse_of_a_file_elsewhere_is_flagged(client, world):
    march = make(world, files=0, state="draf")
    services.save_realisation(
        world.users["implementer"],
        world.period(),
        data=good_data(),
        expected_version=march.version,
        files=[pdf_file("sama.pdf", b"same")],
    )
    services.save_realisation(
        world.users["implementer"],
        world.period(JUNE),
        data=good_data(),
        expected_version=None,
        files=[pdf_file("sama-juga.pdf", b"same")],
    )
    login(client, world, "assessor")
    html = client.get(review_url(march)).content.decode()
    assert "Berkas yang sama juga dipakai di:" in html
    assert "periode 6 tahun 2026" in html


def test_reopen_needs_a_reason(client, world):
    realisation = make(world, state="diajukan")
    services.verify(world.users["assessor"], realisation)
    login(client, world, "assessor2")
    response = client.post(review_url(realisation), {"reason": ""})
    assert response.status_code == 200 and "Tuliskan alasan" in response.content.decode()
    assert Realisation.objects.get().state == "terverifikasi"
    client.post(review_url(realisation), {"reason": "Nilai capaian salah ketik."})
    assert Realisation.objects.get().state == "dikembalikan"


# -- query counts do not grow with the evidence --------------------------------------------


@pytest.mark.parametrize("page", ["form", "review"])
def test_query_count_is_the_same_at_one_and_at_many_items(
    client, world, page, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = make(world, files=1, state="diajukan" if page == "review" else "draf")
    many = make(world, files=8, state="diajukan" if page == "review" else "draf", month=JUNE)
    login(client, world, "assessor" if page == "review" else "implementer")

    def url(realisation):
        if page == "review":
            return review_url(realisation)
        return reverse("work:realisation", kwargs={"period": realisation.period_id})

    counts = []
    for realisation in (few, many):
        client.get(url(realisation))  # warm the content-type cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(realisation)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(25):
        client.get(url(many))


# -- the POSTs for every persona × unit (the matrix rows are the GETs) --------------------------


@pytest.mark.parametrize(
    "name,allowed",
    [
        ("save", "ADDS_EVIDENCE"),
        ("decide", "VERIFIERS"),
    ],
)
def test_posts_for_every_persona(client, name, allowed):
    from .matrix_common import ALL, BENGKAYANG
    from .matrix_work_realisation import ADDS_EVIDENCE, realisation_of
    from .permission_world import PERSONAS, UNIT_CODES, build_world
    from .test_permission_matrix import is_allowed

    expected_sets = {
        "ADDS_EVIDENCE": ADDS_EVIDENCE,
        "VERIFIERS": {"assessor": BENGKAYANG, "superuser": ALL},
    }[allowed]
    world = build_world()
    unexpected = []
    for persona in PERSONAS:
        client.logout()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        for code in UNIT_CODES:
            realisation = realisation_of(world, code)
            # Back to a state where the action is possible, so an allowed POST does it.
            if name == "save":
                Realisation.objects.filter(pk=realisation.pk).update(state="draf")
                url = reverse("work:realisation", kwargs={"period": realisation.period_id})
                data = {"version": Realisation.objects.get(pk=realisation.pk).version}
            else:
                Realisation.objects.filter(pk=realisation.pk).update(state="diajukan")
                url = reverse("work:review", kwargs={"pk": realisation.pk})
                data = {"decision": "verify"}
            response = client.post(url, data)
            if is_allowed(response) != (code in expected_sets.get(persona, frozenset())):
                unexpected.append((persona, code, response.status_code))
            if response.status_code in (403, 404):
                assert Realisation.objects.get(pk=realisation.pk).state == (
                    "draf" if name == "save" else "diajukan"
                )
    assert not unexpected
    if name == "decide":
        assert Review.objects.filter(reviewer__username="assessor").count() == 1


def test_times_are_shown_in_the_units_time_zone(client, world):
    import datetime

    import time_machine

    world.unit.time_zone = "Asia/Jayapura"
    world.unit.save()
    with time_machine.travel(datetime.datetime(2026, 3, 20, 1, 0, tzinfo=datetime.UTC)):
        realisation = make(world, state="diajukan")
    login(client, world, "assessor")
    html = client.get(review_url(realisation)).content.decode()
    assert "20 Maret 2026 10.00 WIT" in html


def test_review_page_previews_pdf_in_a_frame_and_images_inline(client, world):
    from .work_realisation_world import png_file

    realisation = services.save_realisation(
        world.users["implementer"],
        world.period(),
        data=good_data(),
        expected_version=None,
        files=[pdf_file("sk.pdf", b"p"), png_file("foto.png")],
        links=[{"url": "https://example.test/video", "title": "Video"}],
    )
    pdf, png, link = Evidence.objects.order_by("pk")
    login(client, world, "reader")
    html = client.get(review_url(realisation)).content.decode()
    pdf_preview = reverse("work:evidence_preview", kwargs={"pk": pdf.pk})
    png_preview = reverse("work:evidence_preview", kwargs={"pk": png.pk})
    assert f'<iframe class="rv-preview rv-preview--pdf" src="{pdf_preview}"' in html
    assert f'<img class="rv-preview rv-preview--image" src="{png_preview}"' in html
    assert reverse("work:evidence_download", kwargs={"pk": pdf.pk}) in html
    assert reverse("work:evidence_preview", kwargs={"pk": link.pk}) not in html
    assert 'href="https://example.test/video" rel="noopener noreferrer nofollow"' in html
    # The frame's own response is sandboxed and framable by Renaksi only.
    response = client.get(pdf_preview)
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_every_step_shows_in_the_plan_history_and_the_sub_activity_history(client, world):
    users = world.users
    realisation = services.save_realisation(
        users["implementer"],
        world.period(),
        data=good_data(status="dalam_proses", progress="30"),
        expected_version=None,
        files=[pdf_file("notulen.pdf", b"n1")],
    )
    old = realisation.evidence.get()
    realisation = services.save_realisation(
        users["implementer"],
        world.period(),
        data=good_data(status="selesai", progress="100"),
        expected_version=realisation.version,
        files=[pdf_file("notulen-2.pdf", b"n2")],
        evidence_meta={"file:0": {"replaces": old.pk, "title": "Notulen revisi"}},
    )
    realisation = services.submit(users["implementer"], realisation)
    realisation = services.return_(users["assessor"], realisation, "Lengkapi foto.")
    realisation = services.submit(users["implementer"], realisation)
    services.verify(users["assessor"], realisation, "Lengkap.")
    labels = [
        "Realisasi dicatat",
        "Bukti dukung ditambahkan",
        "Bukti dukung diganti",
        "Realisasi diajukan untuk diverifikasi",
        "Realisasi dikembalikan untuk diperbaiki",
        "Realisasi diverifikasi",
    ]
    login(client, world, "reader")
    plan_history = client.get(reverse("plans:history", args=[world.plan.pk])).content.decode()
    sub_history = client.get(
        reverse("work:sub_activity_history", kwargs={"plan": world.plan.pk, "sub": world.sub.pk})
    ).content.decode()
    for label in labels:
        assert label in plan_history, label
        assert label in sub_history, label
    assert "Lengkapi foto." in plan_history
    assert "Selesai" in plan_history  # the status after, in words
    assert "Notulen revisi" in sub_history and "Menggantikan" in sub_history
    assert "Capaian indikator" not in plan_history  # no value changed in these saves
    assert "Jenis bukti dukung" in sub_history  # keys in words, not codes
    assert "evidence_kind" not in sub_history and "review_id" not in sub_history
    if os.environ.get("RENAKSI_DUMP_HISTORY"):
        Path(os.environ["RENAKSI_DUMP_HISTORY"]).write_text(sub_history)
