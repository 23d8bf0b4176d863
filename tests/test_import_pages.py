"""The browser import: upload → preview (findings at their rows, choices, acceptance) → save;
bad input; who may do it; the source-file download; the preview's query budget."""

import datetime
import hashlib
import html
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renaksi.access.models import UnitRole
from renaksi.importer.forms import ReviewForm, TruncatingUploadHandler, describe_error
from renaksi.importer.models import ImportStaging
from renaksi.importer.preview import build_tree
from renaksi.importer.services import import_decree
from renaksi.importer.views import _plan_version, upload_limit
from renaksi.lib.decree.model import DecreeError
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.source import MAX_BYTES
from renaksi.plans.models import ActionPlan, Indicator, SubActivity
from renaksi.units.models import Unit

from .csp_support import assert_no_inline_code
from .decree_files import build_docx, build_xlsx, docx_bytes, layout, pdf_from_text, xlsx_bytes
from .decree_samples import bengkayang_bytes, decree_text, full_plan_rows, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the source file is written after the import commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def imported(data: bytes, unit: Unit, filename: str, commit) -> ActionPlan:
    with commit():
        return import_decree(data, unit=unit, filename=filename).plan


@pytest.fixture
def units():
    ri = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    kalbar = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level="provinsi", parent=ri
    )
    bengkayang = Unit.objects.create(
        code="6107",
        name="KPU Kabupaten Bengkayang",
        level="kabupaten_kota",
        parent=kalbar,
        time_zone="Asia/Pontianak",
    )
    sambas = Unit.objects.create(
        code="6101", name="KPU Kabupaten Sambas", level="kabupaten_kota", parent=kalbar
    )
    return {"ri": ri, "kalbar": kalbar, "bengkayang": bengkayang, "sambas": sambas}


def person(name: str, unit: Unit, role: str) -> User:
    user = User.objects.create_user(name, f"{name}@example.test", "kata-sandi-uji-1")
    UnitRole.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def admin(units):
    return person("sekretariat", units["bengkayang"], UnitRole.Role.ADMIN)


@pytest.fixture
def reader(units):
    return person("pembaca", units["bengkayang"], UnitRole.Role.VIEWER)


@pytest.fixture
def bengkayang(units):
    return units["bengkayang"]


def upload(client, unit, data: bytes, name: str = "keputusan.txt"):
    return client.post(
        reverse("importer:upload", args=[unit.pk]), {"berkas": SimpleUploadedFile(name, data)}
    )


def preview_html(client, unit) -> str:
    response = client.get(reverse("importer:preview", args=[unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def sub_block(page: str, path: str) -> str:
    """The preview's block of one sub-activity (by its number path, e.g. 1.1.1)."""
    start = page.index(f'data-path="{path}"')
    end = page.find('<li class="preview-sub', start)
    return page[start : end if end != -1 else len(page)]


def offered_keys(page: str) -> list[str]:
    return re.findall(r'name="terima" value="([0-9a-f]+)"', page)


def checked_keys(page: str) -> list[str]:
    return re.findall(r'name="terima" value="([0-9a-f]+)" checked', page)


def review_fields(page: str) -> dict:
    """The hidden fields and the chosen readings of the preview's form, as posted."""
    data = {
        "berkas": re.search(r'name="berkas" value="([^"]*)"', page).group(1),
        "rencana": html.unescape(
            re.search(r'name="rencana"(?: value="([^"]*)")?', page).group(1) or ""
        ),
    }
    for name, value in re.findall(
        r'<input type="radio" name="(pilihan-[^"]+)" value="([^"]+)"[^>]*checked', page
    ):
        data[html.unescape(name)] = html.unescape(value)
    return data


def save(client, unit, page: str, accept: list[str], **extra):
    return client.post(
        reverse("importer:save", args=[unit.pk]),
        {**review_fields(page), "terima": accept, **extra},
    )


def no_files_left(media) -> bool:
    return not media.exists() or not any(path.is_file() for path in media.rglob("*"))


# ---------------------------------------------------------------- the whole flow


def test_upload_stages_the_file_and_redirects_to_its_preview(client, admin, bengkayang):
    client.force_login(admin)
    response = upload(client, bengkayang, bengkayang_bytes(), "SK 12 2022.txt")
    assert response.status_code == 302
    assert response["Location"] == reverse("importer:preview", args=[bengkayang.pk])
    staging = ImportStaging.objects.get()
    assert (staging.user, staging.unit) == (admin, bengkayang)
    assert staging.content == bengkayang_bytes()
    assert staging.sha256 == hashlib.sha256(bengkayang_bytes()).hexdigest()
    assert staging.original_name == "SK 12 2022.txt"
    assert ActionPlan.objects.count() == 0


def test_preview_shows_every_finding_at_its_row_with_excerpt_and_position(
    client, admin, bengkayang
):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    counts = decree.counts()
    assert f"{counts['sub_activities']} sub kegiatan" in page
    for finding in decree.findings:
        assert html.escape(finding.message) in page
        if finding.excerpt:
            assert html.escape(finding.excerpt) in page
    # The stale year of sub-activity 1.1.1 (line 93) sits in that sub-activity's block,
    # with its source excerpt and its position.
    stale = [f for f in decree.findings if f.kind == "stale_year" and f.line == 93]
    assert stale
    block = sub_block(page, "1.1.1")
    assert "Menetapkan Tim Reformasi Birokrasi" in block
    for finding in stale:
        assert html.escape(finding.message) in block
        assert html.escape(finding.excerpt) in block
        assert finding.position.describe() == "baris 93"
        assert "baris 93" in block
    # ... and not in the next one.
    assert html.escape(stale[0].message) not in sub_block(page, "1.1.2")
    # Every warning and info can be accepted; nothing is accepted yet.
    assert len(offered_keys(page)) == len(decree.findings)
    assert checked_keys(page) == []


def test_findings_off_the_items_are_shown_where_their_line_is(client, admin, bengkayang):
    """A table header's finding sits between the items around it; the body's before the
    table, the closing lines' after it."""
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    first_item = decree.areas[0].line
    last_item = decree.areas[-1].activities[-1].sub_activities[-1].line
    tree_start, tree_end = page.index('id="lampiran"'), page.index('id="temuan-penutup"')
    item_lines = {
        line
        for area in decree.areas
        for activity in area.activities
        for sub in activity.sub_activities
        for line in [area.line, activity.line, sub.line] + [i.line for i in sub.indicators]
    }
    shown_lines = {
        line
        for area in decree.areas
        for activity in area.activities
        for line in [area.line, activity.line] + [sub.line for sub in activity.sub_activities]
    }
    placed = {"body": 0, "between": 0, "closing": 0}
    for finding in decree.findings:
        if finding.line in item_lines:
            continue
        at = page.index(html.escape(finding.message))
        if finding.line is None or finding.line < first_item:
            assert at < tree_start, finding
            placed["body"] += 1
        elif finding.line > last_item:
            assert at > tree_end, finding
            placed["closing"] += 1
        else:
            assert tree_start < at < tree_end, finding
            before = max(line for line in shown_lines if line < finding.line)
            after = min(line for line in shown_lines if line > finding.line)
            ref = 'class="line-ref">baris {}</span>'
            assert page.index(ref.format(before), tree_start) < at, finding
            assert at < page.index(ref.format(after), tree_start), finding
            placed["between"] += 1
    assert all(placed.values()), placed


def test_preview_shows_the_schedule_as_a_month_grid(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    first = decree.areas[0].activities[0].sub_activities[0]
    block = sub_block(page, "1.1.1")
    due = re.findall(r'<span class="month-chip is-due">(\w+)', block)
    labels = ["JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEP", "OKT", "NOV", "DES"]
    assert due == [labels[m - 1] for m in sorted(first.months)]
    assert block.count("month-chip") == 12


def test_quarterly_plan_shows_tw_columns(client, admin, bengkayang):
    text = bengkayang_decree_text_quarterly()
    decree = parse_decree(text.encode())
    assert decree.schedule == "quarter"
    client.force_login(admin)
    upload(client, bengkayang, text.encode())
    page = preview_html(client, bengkayang)
    block = sub_block(page, "1.1.1")
    assert block.count("month-chip") == 4
    assert "TW I" in block and "JAN" not in block
    due = re.findall(r'<span class="month-chip is-due">(TW [IV]+)', block)
    sub = decree.areas[0].activities[0].sub_activities[0]
    assert due == [["TW I", "TW II", "TW III", "TW IV"][q - 1] for q in sorted(sub.quarters)]


def bengkayang_decree_text_quarterly() -> str:
    header = (
        "NO\tAREA PERUBAHAN\tKEGIATAN\tSUB KEGIATAN\tINDIKATOR KEBERHASILAN\t"
        "TW I\tTW II\tTW III\tTW IV\n"
    )
    rows = (
        "1\tManajemen Perubahan\t1 Perencanaan RB;\t1 Menetapkan Tim RB;\tAdanya SK Tim RB;"
        "\t√\t\t√\t\n"
    )
    text = decree_text(row("1", "x"), unit="KABUPATEN BENGKAYANG", year=2022)
    start = text.index("NO\tAREA PERUBAHAN")
    end = text.index("\nDitetapkan di", start)
    return text[:start] + header + rows + text[end:]


def test_choosing_another_reading_reads_the_decree_again(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    inferred = next(f for f in decree.findings if f.kind == "area_inferred" and f.options)
    other = next(value for value, _label in inferred.options if value != inferred.chosen)
    name = f"pilihan-{inferred.choice_key}"
    assert re.search(rf'name="{re.escape(name)}" value="{inferred.chosen}"[^>]*checked', page)

    data = {**review_fields(page), name: other, "aksi": "pilih"}
    response = client.post(reverse("importer:preview", args=[bengkayang.pk]), data)
    assert response.status_code == 302
    assert ImportStaging.objects.get().choices == {inferred.choice_key: other}

    page = preview_html(client, bengkayang)
    reread = parse_decree(bengkayang_bytes(), choices={inferred.choice_key: other})
    assert reread.counts()["areas"] == decree.counts()["areas"] - 1
    assert f"{reread.counts()['areas']} area," in page
    assert re.search(rf'name="{re.escape(name)}" value="{other}"[^>]*checked', page)
    assert "Anda memilih bacaan lain di 1 tempat" in page
    assert ActionPlan.objects.count() == 0


def test_a_choice_whose_finding_goes_away_is_kept_and_can_be_undone(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    split = next(f for f in decree.findings if f.kind == "list_split" and f.options)
    other = next(value for value, _label in split.options if value != split.chosen)
    url = reverse("importer:preview", args=[bengkayang.pk])
    client.post(url, {**review_fields(page), f"pilihan-{split.choice_key}": other, "aksi": "pilih"})
    reread = parse_decree(bengkayang_bytes(), choices={split.choice_key: other})
    assert reread.counts() != decree.counts()

    # Another action on the new reading keeps the choice, though its buttons are gone.
    page = preview_html(client, bengkayang)
    client.post(url, {**review_fields(page), "aksi": "info"})
    assert ImportStaging.objects.get().choices == {split.choice_key: other}
    page = preview_html(client, bengkayang)
    assert f"{reread.counts()['sub_activities']} sub kegiatan" in page
    assert "Anda memilih bacaan lain di 1 tempat" in page

    client.post(url, {**review_fields(page), "aksi": "awal"})
    assert ImportStaging.objects.get().choices == {}
    page = preview_html(client, bengkayang)
    assert f"{decree.counts()['sub_activities']} sub kegiatan" in page


def test_accept_all_info_accepts_the_infos_only(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    response = client.post(
        reverse("importer:preview", args=[bengkayang.pk]), {**review_fields(page), "aksi": "info"}
    )
    assert response.status_code == 302
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    infos = sum(1 for f in decree.findings if f.severity == "info")
    warnings = sum(1 for f in decree.findings if f.severity == "warning")
    assert infos and warnings
    assert len(checked_keys(page)) == infos
    assert len(ImportStaging.objects.get().accepted) == infos
    assert f"{warnings} temuan belum diterima" in page


def test_save_needs_every_warning_accepted(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    keys = offered_keys(page)
    response = save(client, bengkayang, page, keys[1:])
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 temuan belum diterima" in content
    assert "needs-acceptance" in content
    assert ActionPlan.objects.count() == 0
    # What was ticked stays ticked.
    assert set(checked_keys(content)) == set(keys[1:])
    assert ImportStaging.objects.get().accepted == sorted(keys[1:])


def test_save_creates_the_plan_with_its_tree(client, admin, bengkayang, media, commit):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes(), "keputusan-12-2022.txt")
    page = preview_html(client, bengkayang)
    with commit():
        response = save(client, bengkayang, page, offered_keys(page))
    plan = ActionPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    counts = parse_decree(bengkayang_bytes()).counts()
    assert (plan.unit, plan.year) == (bengkayang, 2022)
    assert plan.areas.count() == counts["areas"]
    assert SubActivity.objects.filter(activity__area__plan=plan).count() == counts["sub_activities"]
    assert (
        Indicator.objects.filter(sub_activity__activity__area__plan=plan).count()
        == (counts["indicators"])
    )
    assert plan.source_name == "keputusan-12-2022.txt"
    assert plan.source_sha256 == hashlib.sha256(bengkayang_bytes()).hexdigest()
    assert not ImportStaging.objects.exists()
    # Accepting a finding in the preview is its confirmation, by whoever saved.
    findings = list(plan.findings.all())
    assert len(findings) == len(parse_decree(bengkayang_bytes()).findings)
    assert all(f.confirmed_by == admin and f.confirmed_at for f in findings)
    detail = client.get(response["Location"])
    assert "Rencana aksi disimpan dari keputusan-12-2022.txt" in detail.content.decode()
    download = client.get(reverse("importer:source_file", args=[plan.pk]))
    assert b"".join(download.streaming_content) == bengkayang_bytes()


def test_save_is_one_transaction(client, admin, bengkayang, media, commit, monkeypatch):
    """A failure after the plan is written (confirming the findings) leaves no plan, no file,
    and the upload still there to try again."""

    def fail(user, plan, finding_ids):
        raise RuntimeError("gagal di tengah")

    monkeypatch.setattr("renaksi.importer.views.confirm_findings", fail)
    client.raise_request_exception = True
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    with pytest.raises(RuntimeError), commit():
        save(client, bengkayang, page, offered_keys(page))
    assert ActionPlan.objects.count() == 0
    assert ImportStaging.objects.count() == 1
    assert no_files_left(media)


def test_save_uses_the_chosen_reading(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    split = next(f for f in decree.findings if f.kind == "list_split" and f.options)
    other = next(value for value, _label in split.options if value != split.chosen)
    client.post(
        reverse("importer:preview", args=[bengkayang.pk]),
        {**review_fields(page), f"pilihan-{split.choice_key}": other, "aksi": "pilih"},
    )
    page = preview_html(client, bengkayang)
    save(client, bengkayang, page, offered_keys(page))
    reread = parse_decree(bengkayang_bytes(), choices={split.choice_key: other})
    plan = ActionPlan.objects.get()
    assert (
        SubActivity.objects.filter(activity__area__plan=plan).count()
        == (reread.counts()["sub_activities"])
    )


def test_a_reading_picked_but_not_applied_is_shown_before_saving(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    decree = parse_decree(bengkayang_bytes())
    split = next(f for f in decree.findings if f.kind == "list_split" and f.options)
    other = next(value for value, _label in split.options if value != split.chosen)
    response = save(
        client, bengkayang, page, offered_keys(page), **{f"pilihan-{split.choice_key}": other}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("importer:preview", args=[bengkayang.pk])
    assert ActionPlan.objects.count() == 0
    assert ImportStaging.objects.get().choices[split.choice_key] == other


def test_save_of_a_replaced_upload_is_refused(client, admin, bengkayang):
    """A preview open in one tab does not save a file uploaded since in another."""
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    other = decree_text(full_plan_rows(), unit="KABUPATEN BENGKAYANG", year=2022).encode()
    upload(client, bengkayang, other)
    response = save(client, bengkayang, page, offered_keys(page))
    assert response.status_code == 302
    assert ActionPlan.objects.count() == 0
    assert ImportStaging.objects.get().content == other


def test_a_new_upload_replaces_the_previous_one(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    other = decree_text(full_plan_rows(), unit="KABUPATEN BENGKAYANG", year=2022).encode()
    upload(client, bengkayang, other, "baru.txt")
    staging = ImportStaging.objects.get()
    assert (staging.original_name, staging.content) == ("baru.txt", other)


def test_stale_uploads_are_deleted_on_the_next_upload(client, admin, bengkayang, units):
    someone = person("lain", units["sambas"], UnitRole.Role.ADMIN)
    old = ImportStaging.objects.create(
        user=someone, unit=units["sambas"], data=b"x", sha256="0" * 64, original_name="lama.txt"
    )
    fresh = ImportStaging.objects.create(
        user=someone, unit=units["bengkayang"], data=b"y", sha256="1" * 64, original_name="b.txt"
    )
    ImportStaging.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    assert not ImportStaging.objects.filter(pk=old.pk).exists()
    assert ImportStaging.objects.filter(pk=fresh.pk).exists()
    assert ImportStaging.objects.filter(user=admin).count() == 1


def test_discard_deletes_the_upload(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    response = client.post(reverse("importer:discard", args=[bengkayang.pk]))
    assert response.status_code == 302
    assert not ImportStaging.objects.exists()
    assert ActionPlan.objects.count() == 0


def test_an_upload_that_no_longer_reads_says_why(client, admin, bengkayang):
    """A staged file the parser now refuses (a newer parser, say): its message, no 500."""
    ImportStaging.objects.create(
        user=admin, unit=bengkayang, data=b"bukan keputusan", sha256="0" * 64, original_name="x"
    )
    client.force_login(admin)
    page = preview_html(client, bengkayang)
    assert "Berkas ini tidak dapat dibaca lagi sebagai keputusan" in page
    assert reverse("importer:discard", args=[bengkayang.pk]) in page
    response = client.post(reverse("importer:save", args=[bengkayang.pk]), {"berkas": "0" * 64})
    assert response.status_code == 200
    assert "Berkas ini tidak dapat dibaca lagi sebagai keputusan" in response.content.decode()
    assert ActionPlan.objects.count() == 0


def test_preview_without_an_upload_goes_to_the_upload_page(client, admin, bengkayang):
    client.force_login(admin)
    response = client.get(reverse("importer:preview", args=[bengkayang.pk]))
    assert response["Location"] == reverse("importer:upload", args=[bengkayang.pk])


# ---------------------------------------------------------------- re-import


def changed_bengkayang() -> bytes:
    text = bengkayang_bytes().decode("utf-8")
    old = "Melakukan monitoring pelaksanaan Rencana Aksi"
    assert text.count(old) == 1
    return text.replace(old, "Melakukan pemantauan pelaksanaan Rencana Aksi").encode()


def test_reimport_shows_the_differences_and_updates_in_place(client, admin, bengkayang, commit):
    first = imported(bengkayang_bytes(), bengkayang, "lama.txt", commit)
    subs_before = {
        sub.pk: sub.name for sub in SubActivity.objects.filter(activity__area__plan=first)
    }
    client.force_login(admin)
    upload(client, bengkayang, changed_bengkayang(), "baru.txt")
    page = preview_html(client, bengkayang)
    assert "Perbedaan dengan rencana aksi yang ada" in page
    assert "1 diubah" in page
    assert "0 ditambah" in page and "0 dihapus" in page
    assert "Melakukan pemantauan pelaksanaan Rencana Aksi" in page
    assert "Perbarui rencana aksi" in page

    response = save(client, bengkayang, page, offered_keys(page))
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert plan.pk == first.pk
    assert plan.source_name == "baru.txt"
    subs_after = {sub.pk: sub.name for sub in SubActivity.objects.filter(activity__area__plan=plan)}
    assert set(subs_after) == set(subs_before)  # unchanged items keep their identity
    changed = [pk for pk in subs_after if subs_after[pk] != subs_before[pk]]
    assert len(changed) == 1
    assert subs_after[changed[0]].startswith("Melakukan pemantauan pelaksanaan Rencana Aksi")


def test_reimport_keeps_the_confirmations_of_findings_still_there(
    client, admin, bengkayang, commit
):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    with commit():
        save(client, bengkayang, page, offered_keys(page))
    plan = ActionPlan.objects.get()
    first = {(f.kind, f.line, f.message): f.confirmed_at for f in plan.findings.all()}
    assert first and all(first.values())

    upload(client, bengkayang, changed_bengkayang())
    page = preview_html(client, bengkayang)
    again = parse_decree(changed_bengkayang()).findings
    offered = offered_keys(page)
    assert len(offered) < len(again)  # the ones confirmed before need no second look
    assert page.count("Sudah dikonfirmasi pada rencana aksi yang ada oleh sekretariat") == (
        len(again) - len(offered)
    )
    with commit():
        response = save(client, bengkayang, page, offered)
    assert response.status_code == 302
    after = {(f.kind, f.line, f.message): f.confirmed_at for f in plan.findings.all()}
    kept = set(after) & set(first)
    assert len(kept) == len(again) - len(offered)
    assert all(after[identity] == first[identity] for identity in kept)
    assert all(after.values())


def test_reupload_of_the_same_file_says_nothing_changes(client, admin, bengkayang, commit):
    imported(bengkayang_bytes(), bengkayang, "sk.txt", commit)
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    page = preview_html(client, bengkayang)
    assert "Berkas ini sama dengan berkas sumber rencana aksi tersebut" in page


def test_save_is_refused_when_the_plan_changed_since_the_preview(client, admin, bengkayang, commit):
    first = imported(bengkayang_bytes(), bengkayang, "lama.txt", commit)
    client.force_login(admin)
    upload(client, bengkayang, changed_bengkayang())
    page = preview_html(client, bengkayang)
    ActionPlan.objects.filter(pk=first.pk).update(updated_at=timezone.now())
    response = save(client, bengkayang, page, offered_keys(page))
    assert response.status_code == 302
    assert response["Location"] == reverse("importer:preview", args=[bengkayang.pk])
    assert ActionPlan.objects.get().source_name == "lama.txt"
    assert ImportStaging.objects.exists()


def test_the_plan_version_fits_its_form_field_whatever_the_plan(bengkayang):
    """The preview's form carries the saved plan's version; a long key or a time with
    microseconds must not make the form invalid (it did with pk 171 on PostgreSQL)."""
    plan = ActionPlan(
        pk=10**15, unit=bengkayang, year=2022, source_sha256="f" * 64, updated_at=timezone.now()
    )
    version = _plan_version(plan)
    tree = build_tree(parse_decree(bengkayang_bytes()))
    form = ReviewForm({"berkas": "0" * 64, "rencana": version}, tree=tree)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rencana"] == version
    later = ActionPlan(pk=plan.pk, source_sha256=plan.source_sha256, updated_at=timezone.now())
    assert _plan_version(later) != version


def test_a_refused_decree_is_shown_on_the_preview_and_not_saved(client, admin, bengkayang):
    """A decree of another unit reads, but may not become this unit's plan."""
    sambas = decree_text(full_plan_rows(), unit="KABUPATEN SAMBAS", year=2022).encode()
    client.force_login(admin)
    upload(client, bengkayang, sambas)
    page = preview_html(client, bengkayang)
    assert "KABUPATEN SAMBAS" in page
    assert "badge--error" in page
    assert "Simpan rencana aksi</button>" not in page
    response = save(client, bengkayang, page, offered_keys(page))
    assert response.status_code == 200
    assert "Rencana aksi belum dapat disimpan" in response.content.decode()
    assert ActionPlan.objects.count() == 0


# ---------------------------------------------------------------- bad input


def minimal_pdf_without_text() -> bytes:
    """A one-page PDF with no text layer, as a scan has none."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return out


BAD_INPUTS = {
    "empty": b"",
    "blank": b"  \n\n \t\n",
    "corrupt zip": b"PK\x03\x04" + b"\x14\x00" * 40,
    "password-protected office file": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,
    "scanned pdf": minimal_pdf_without_text(),
    "not utf-8": "KEPUTUSAN café\n".encode("latin-1"),
    "not a decree": b"Daftar belanja kantor\n1. Kertas\n2. Tinta\n",
    "another language": (
        b"DECISION OF THE GENERAL ELECTION COMMISSION OF BENGKAYANG REGENCY\n"
        b"NUMBER 12 OF 2022\nCONCERNING\nTHE BUREAUCRATIC REFORM ACTION PLAN\n"
    ),
    "decree without a table": decree_text("", unit="KABUPATEN BENGKAYANG", year=2022)
    .split("LAMPIRAN")[0]
    .encode(),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_the_readers_message_and_leaves_nothing(
    client, admin, bengkayang, media, name
):
    data = BAD_INPUTS[name]
    with pytest.raises(DecreeError) as raised:
        parse_decree(data)
    expected = describe_error(raised.value)
    client.force_login(admin)
    response = upload(client, bengkayang, data, "keputusan.pdf")
    assert response.status_code == 200
    page = response.content.decode()
    assert html.escape(expected) in page
    assert 'class="field__errors"' in page
    assert raised.value.where == "" or page.count(html.escape(raised.value.where) + ":") >= 1
    assert not ImportStaging.objects.exists()
    assert ActionPlan.objects.count() == 0
    assert no_files_left(media)


def test_a_position_is_part_of_the_message(client, admin, bengkayang):
    data = b"KEPUTUSAN\nbaris dua\nbaris \xff tiga"
    client.force_login(admin)
    page = upload(client, bengkayang, data).content.decode()
    assert "baris 3: Berkas bukan teks UTF-8" in page


def test_too_large_is_refused_before_parsing(client, admin, bengkayang, settings, monkeypatch):
    settings.DECREE_UPLOAD_MAX_BYTES = 2000
    parsed = []
    monkeypatch.setattr(
        "renaksi.importer.forms.parse_decree", lambda data, **kw: parsed.append(data)
    )
    client.force_login(admin)
    response = upload(client, bengkayang, b"K" * 2001)
    assert response.status_code == 200
    assert "Berkas terlalu besar: batasnya 2,0\xa0KB." in response.content.decode()
    assert parsed == []
    assert not ImportStaging.objects.exists()
    response = upload(client, bengkayang, b"K" * 2000)
    assert parsed == [b"K" * 2000]  # at the limit it is read


def test_the_default_limit_is_the_parsers(client, admin, bengkayang):
    assert upload_limit() == MAX_BYTES == 5 * 1024 * 1024
    client.force_login(admin)
    response = upload(client, bengkayang, b"x" * (MAX_BYTES + 1))
    assert "Berkas terlalu besar: batasnya 5,0\xa0MB." in response.content.decode()
    assert not ImportStaging.objects.exists()


def test_the_upload_handler_keeps_no_more_than_the_limit():
    handler = TruncatingUploadHandler(None, limit=10)
    passed = []
    received = 0
    for chunk in [b"a" * 6, b"b" * 6, b"c" * 6]:
        out = handler.receive_data_chunk(chunk, received)
        received += len(chunk)
        if out:
            passed.append(out)
    assert b"".join(passed) == b"a" * 6 + b"b" * 5  # limit + 1: enough to know it is too big


def test_missing_file_gets_a_message(client, admin, bengkayang):
    client.force_login(admin)
    response = client.post(reverse("importer:upload", args=[bengkayang.pk]), {})
    assert "Pilih berkas keputusan untuk diunggah." in response.content.decode()


def test_the_file_name_is_kept_without_folders_or_control_characters(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes(), "..\\..\\sk\x07 12.txt")
    assert ImportStaging.objects.get().original_name == "sk 12.txt"


# ---------------------------------------------------------------- who may


def test_a_reader_may_not_upload_preview_save_or_discard(client, reader, admin, bengkayang):
    ImportStaging.objects.create(
        user=reader,
        unit=bengkayang,
        data=bengkayang_bytes(),
        sha256=hashlib.sha256(bengkayang_bytes()).hexdigest(),
        original_name="sk.txt",
    )
    client.force_login(reader)
    assert client.get(reverse("importer:upload", args=[bengkayang.pk])).status_code == 403
    assert upload(client, bengkayang, bengkayang_bytes()).status_code == 403
    assert client.get(reverse("importer:preview", args=[bengkayang.pk])).status_code == 403
    assert client.post(reverse("importer:save", args=[bengkayang.pk])).status_code == 403
    assert client.post(reverse("importer:discard", args=[bengkayang.pk])).status_code == 403
    assert client.get(reverse("importer:start")).status_code == 403
    assert ActionPlan.objects.count() == 0
    assert ImportStaging.objects.filter(user=reader).exists()


def test_someone_elses_unit_is_404(client, units):
    outsider = person("sambas", units["sambas"], UnitRole.Role.ADMIN)
    client.force_login(outsider)
    bengkayang = units["bengkayang"]
    assert client.get(reverse("importer:upload", args=[bengkayang.pk])).status_code == 404
    assert client.get(reverse("importer:preview", args=[bengkayang.pk])).status_code == 404
    assert client.post(reverse("importer:save", args=[bengkayang.pk])).status_code == 404
    start = reverse("importer:start") + f"?satker={bengkayang.pk}"
    assert client.get(start).status_code == 404


def test_uploads_are_private_to_their_uploader(client, admin, bengkayang):
    colleague = person("kolega", bengkayang, UnitRole.Role.ADMIN)
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes(), "punya-sekretariat.txt")
    page = preview_html(client, bengkayang)

    client.force_login(colleague)
    response = client.get(reverse("importer:preview", args=[bengkayang.pk]))
    assert response["Location"] == reverse("importer:upload", args=[bengkayang.pk])
    assert "punya-sekretariat.txt" not in client.get(response["Location"]).content.decode()
    response = save(client, bengkayang, page, offered_keys(page))
    assert response["Location"] == reverse("importer:upload", args=[bengkayang.pk])
    client.post(reverse("importer:discard", args=[bengkayang.pk]))
    assert ActionPlan.objects.count() == 0
    assert ImportStaging.objects.filter(user=admin).exists()


def test_anonymous_is_sent_to_sign_in(client, bengkayang):
    for name in ["importer:upload", "importer:preview"]:
        response = client.get(reverse(name, args=[bengkayang.pk]))
        assert response["Location"].startswith(reverse("login"))
    response = client.post(reverse("importer:save", args=[bengkayang.pk]))
    assert response["Location"].startswith(reverse("login"))


def test_start_goes_straight_to_the_only_unit(client, admin, bengkayang, units):
    client.force_login(admin)
    response = client.get(reverse("importer:start"))
    assert response["Location"] == reverse("importer:upload", args=[bengkayang.pk])
    UnitRole.objects.create(user=admin, unit=units["sambas"], role=UnitRole.Role.ADMIN)
    admin = User.objects.get(pk=admin.pk)
    client.force_login(admin)
    page = client.get(reverse("importer:start")).content.decode()
    assert "KPU Kabupaten Sambas" in page and "KPU Kabupaten Bengkayang" in page
    assert "KPU Provinsi Kalimantan Barat" not in page


def test_import_links_only_for_those_who_may_import(client, admin, reader, bengkayang, commit):
    plan = imported(bengkayang_bytes(), bengkayang, "sk.txt", commit)
    client.force_login(admin)
    assert reverse("importer:start") in client.get(reverse("plans:list")).content.decode()
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("importer:upload", args=[bengkayang.pk]) in detail
    assert reverse("importer:source_file", args=[plan.pk]) in detail
    client.force_login(reader)
    assert reverse("importer:start") not in client.get(reverse("plans:list")).content.decode()
    detail = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("importer:upload", args=[bengkayang.pk]) not in detail
    assert reverse("importer:source_file", args=[plan.pk]) in detail


# ---------------------------------------------------------------- the source file


def test_source_download_is_an_attachment_with_a_safe_type(client, reader, bengkayang, commit):
    plan = imported(bengkayang_bytes(), bengkayang, "SK 12/2022 <b>.txt", commit)
    client.force_login(reader)
    response = client.get(reverse("importer:source_file", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert plan.source_name in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == bengkayang_bytes()


def test_source_download_for_outsiders_and_missing_files_is_404(client, units, bengkayang, commit):
    plan = imported(bengkayang_bytes(), bengkayang, "sk.txt", commit)
    outsider = person("sambas", units["sambas"], UnitRole.Role.VIEWER)
    client.force_login(outsider)
    assert client.get(reverse("importer:source_file", args=[plan.pk])).status_code == 404
    reader = person("pembaca", bengkayang, UnitRole.Role.VIEWER)
    client.force_login(reader)
    plan.source_file.delete(save=True)
    assert client.get(reverse("importer:source_file", args=[plan.pk])).status_code == 404


def decree_as(kind: str) -> bytes:
    source = layout(bengkayang_bytes())
    if kind == "xlsx":
        return xlsx_bytes(build_xlsx(source))
    if kind == "docx":
        return docx_bytes(build_docx(source))
    return pdf_from_text(bengkayang_bytes().decode("utf-8"))


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("pdf", "application/pdf"),
    ],
)
def test_every_format_imports_in_the_browser(client, admin, bengkayang, commit, kind, content_type):
    """Word, Excel and PDF decrees: positions in the format's own terms, saved, downloaded
    with the type of what they are (the name says nothing: always 'keputusan.txt')."""
    data = decree_as(kind)
    decree = parse_decree(data)
    assert decree.source_format == kind
    client.force_login(admin)
    upload(client, bengkayang, data, "keputusan.txt")
    page = preview_html(client, bengkayang)
    positioned = [f for f in decree.findings if f.position and f.position.describe()]
    assert positioned
    for finding in positioned:
        assert html.escape(finding.position.describe()) in page
    # A row ordinal is not a line of the file: items are not labelled "baris N" by it.
    assert not re.search(r'class="line-ref">baris \d+</span>', page)
    with commit():
        response = save(client, bengkayang, page, offered_keys(page))
    plan = ActionPlan.objects.get()
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    download = client.get(reverse("importer:source_file", args=[plan.pk]))
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == data


# ---------------------------------------------------------------- the page itself


def test_preview_obeys_the_content_security_policy(client, admin, bengkayang):
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    for page in [
        preview_html(client, bengkayang),
        client.get(reverse("importer:upload", args=[bengkayang.pk])).content.decode(),
    ]:
        assert_no_inline_code(page)


def preview_queries(client, unit) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("importer:preview", args=[unit.pk])).status_code == 200
    return len(queries)


def test_preview_query_count_is_constant_in_plan_size(client, admin, bengkayang):
    client.force_login(admin)
    small = decree_text(
        row("1", "Manajemen Perubahan", "1 Kegiatan;", "1 Sub kegiatan;", "Indikator;", (1,)),
        unit="KABUPATEN BENGKAYANG",
        year=2022,
    ).encode()
    upload(client, bengkayang, small)
    small_count = preview_queries(client, bengkayang)
    upload(client, bengkayang, bengkayang_bytes())
    large_count = preview_queries(client, bengkayang)
    assert small_count == large_count
    assert large_count <= 8


def test_preview_query_count_with_an_existing_plan_is_constant(client, admin, bengkayang, commit):
    small = decree_text(full_plan_rows(), unit="KABUPATEN BENGKAYANG", year=2022).encode()
    imported(small, bengkayang, "kecil.txt", commit)
    client.force_login(admin)
    upload(client, bengkayang, bengkayang_bytes())
    against_small = preview_queries(client, bengkayang)

    ActionPlan.objects.all().delete()
    imported(bengkayang_bytes(), bengkayang, "besar.txt", commit)
    upload(client, bengkayang, changed_bengkayang())
    against_large = preview_queries(client, bengkayang)
    assert against_small == against_large
