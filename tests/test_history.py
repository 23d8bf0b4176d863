"""The plan's history (/rencana/<pk>/riwayat/) and the display rows of renaksi/audit/history.py:
every entry newest first, in words, filtered, paginated, in a constant number of queries."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renaksi.access.models import UnitRole
from renaksi.audit.history import actions_of_kind, history_rows, kind_of
from renaksi.audit.models import ACTION_LABELS, LogEntry
from renaksi.audit.services import build, record
from renaksi.importer.services import import_decree
from renaksi.plans import editing
from renaksi.plans.models import ActionPlan, Indicator
from renaksi.plans.services import assign_pics
from renaksi.plans.workflow import approve_plan, reopen_plan, return_plan, submit_plan
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .import_support import decree_bytes, find, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit():
    return make_units()  # Bengkayang: Asia/Pontianak (WIB)


@pytest.fixture
def people(unit):
    admin = User.objects.create(username="sekretariat", first_name="Siti", last_name="Aminah")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    steering = User.objects.create(username="pimpinan", first_name="Budi", last_name="Santoso")
    team = ReformTeam.objects.create(unit=unit, year=2023)
    TeamMember.objects.create(team=team, user=steering, position=Position.PENGARAH_KETUA)
    pic = User.objects.create(username="pic1", first_name="Rina", last_name="Wati")
    TeamMember.objects.create(team=team, user=pic, position=Position.AGEN_PERUBAHAN)
    outsider = User.objects.create(username="luar")
    return {"admin": admin, "steering": steering, "pic": pic, "outsider": outsider}


@pytest.fixture
def plan(unit, people):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt", user=people["admin"]).plan
    return ActionPlan.objects.select_related("unit").get(pk=plan.pk)


def rows_of(plan):
    entries = LogEntry.objects.filter(plan=plan).select_related("actor", "object_type")
    return history_rows(
        entries.order_by("-created_at", "-id"),
        time_zone=plan.unit.time_zone,
        zone_label=plan.unit.zone_abbreviation,
        schedule_kind=plan.schedule_kind,
    )


def test_rows_say_who_when_what_and_each_value_in_words(plan, people):
    sub = find(plan, "1.1.1")
    assign_pics(people["admin"], plan, {sub.pk: people["pic"]})
    sub.refresh_from_db()
    editing.set_schedule(people["admin"], sub, [3, 6, 9], expected_version=sub.version)
    submit_plan(people["admin"], plan)
    return_plan(people["steering"], plan, "Perbaiki jadwal.\nTambah target.")
    # a fixed time, to check the time zone: 02:30 UTC is 09.30 WIB
    LogEntry.objects.filter(action="plan.returned").update(
        created_at=datetime.datetime(2023, 3, 14, 2, 30, tzinfo=datetime.UTC)
    )

    rows = {row.entry.action: row for row in rows_of(plan)}
    returned = rows["plan.returned"]
    assert returned.who == "Budi Santoso"
    assert returned.when_text == "14 Maret 2023 09.30 WIB"
    assert returned.action_label == "Rencana aksi dikembalikan untuk diperbaiki"
    assert returned.kind == "workflow"
    changes = {c.label: (c.before, c.after) for c in returned.changes}
    assert changes["Status"] == ("Diajukan ke Tim Pengarah", "Dikembalikan untuk diperbaiki")
    assert changes["Catatan pengembalian"] == ("—", "Perbaiki jadwal.\nTambah target.")
    assert returned.details == []  # the note is not shown twice

    submitted = rows["plan.submitted"]
    changes = {c.label: (c.before, c.after) for c in submitted.changes}
    assert changes["Diajukan oleh"] == ("—", "Siti Aminah")
    assert changes["Waktu pengajuan"][1].endswith(" WIB")

    schedule = rows["plan.schedule_changed"]
    assert schedule.kind == "sub_activity"
    assert schedule.object_label.startswith("Sub kegiatan: 1. Sub satu area 1")
    assert [(c.label, c.before, c.after) for c in schedule.changes] == [
        ("Jadwal", "Januari, Februari", "Maret, Juni, September")
    ]

    pic = rows["plan.pic_assigned"]
    assert [(c.label, c.before, c.after) for c in pic.changes] == [
        ("Penanggung jawab (PIC)", "—", "Rina Wati")
    ]

    imported = rows["plan.imported"]
    assert imported.kind == "import" and imported.who == "Siti Aminah"
    details = {d.label: d.text for d in imported.details}
    changes = {c.label: c.after for c in imported.changes}
    assert changes["Isi"] == "8 area, 16 kegiatan, 24 sub kegiatan, 32 indikator"
    assert changes["Nama berkas sumber"] == "v1.txt"
    assert not details


def test_indicator_targets_and_kinds_in_words(plan, people):
    indicator = Indicator.objects.filter(sub_activity__activity__area__plan=plan).first()
    editing.update_row(
        people["admin"],
        indicator,
        {"kind": "persentase", "target_value": "87.50", "unit_of_measure": "%"},
        expected_version=indicator.version,
    )
    row = next(r for r in rows_of(plan) if r.entry.action == "plan.indicator_changed")
    changes = {c.label: (c.before, c.after) for c in row.changes}
    assert changes["Jenis target"] == ("Dokumen", "Persentase")  # choices by their label
    assert changes["Nilai target"] == ("—", "87,5")
    assert row.kind == "indicator"


def test_a_reopen_shows_its_reason_and_the_plan_is_not_named_on_its_own_history(plan, people):
    submit_plan(people["admin"], plan)
    approve_plan(people["steering"], plan)
    reopen_plan(people["steering"], plan, "SK perubahan Nomor 15")
    entries = LogEntry.objects.filter(plan=plan).select_related("actor", "object_type")
    row = history_rows(entries.order_by("-id"), subject=plan)[0]
    assert row.action_label == "Rencana aksi dibuka kembali"
    assert [(d.label, d.text) for d in row.details] == [("Alasan", "SK perubahan Nomor 15")]
    changes = {c.label: (c.before, c.after) for c in row.changes}
    assert changes["Status"] == ("Ditetapkan", "Draf")
    assert changes["Disetujui oleh"] == ("Budi Santoso", "—")
    assert row.object_label == ""
    assert rows_of(plan)[0].object_label.startswith("Rencana aksi: ")


def test_a_system_entry_and_unknown_values_still_read(plan):
    record(None, "plan.something_new", plan=plan, obj=plan, before={"x": 1}, after={"x": 2})
    row = rows_of(plan)[0]
    assert row.who == "Sistem" and row.system
    assert row.action_label == "plan.something_new"
    assert [(c.label, c.before, c.after) for c in row.changes] == [("X", "1", "2")]


def test_every_action_code_has_a_kind_and_a_filter():
    for code in ACTION_LABELS:
        assert code in actions_of_kind(kind_of(code))
    assert kind_of("plan.area_added") == "area"
    assert kind_of("plan.activity_moved") == "activity"
    assert kind_of("plan.sub_activity_deleted") == "sub_activity"
    assert kind_of("plan.indicator_added") == "indicator"
    assert kind_of("plan.approved") == "workflow"
    assert kind_of("plan.replaced") == "import"
    assert kind_of("plan.finding_confirmed") == "import"
    assert kind_of("plan.decree_changed") == "plan"


# -- the page --------------------------------------------------------------------------------


def history_url(plan, **params):
    url = reverse("plans:history", args=[plan.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_the_page_lists_every_entry_newest_first(client, plan, people):
    submit_plan(people["admin"], plan)
    return_plan(people["steering"], plan, "Perbaiki area 5")
    client.force_login(people["admin"])
    response = client.get(history_url(plan))
    html = response.content.decode()
    assert response.status_code == 200
    returned = html.index("Rencana aksi dikembalikan untuk diperbaiki")
    submitted = html.index("Rencana aksi diajukan ke Tim Pengarah")
    imported = html.index("Rencana aksi diimpor dari keputusan")
    assert returned < submitted < imported
    assert "Perbaiki area 5" in html
    assert "Budi Santoso" in html and "Siti Aminah" in html
    assert "3 catatan" in html


def test_the_page_filters_by_kind_and_person(client, plan, people):
    sub = find(plan, "1.1.1")
    editing.set_schedule(people["admin"], sub, [4], expected_version=sub.version)
    submit_plan(people["admin"], plan)
    return_plan(people["steering"], plan, "Perbaiki area 5")
    record(None, "plan.exported", plan=plan, obj=plan, format="xlsx")
    client.force_login(people["steering"])

    html = client.get(history_url(plan, jenis="workflow")).content.decode()
    assert "Rencana aksi dikembalikan" in html and "Rencana aksi diajukan" in html
    assert "Jadwal sub kegiatan diubah" not in html and "diimpor dari keputusan" not in html

    html = client.get(history_url(plan, jenis="sub_activity")).content.decode()
    assert "Jadwal sub kegiatan diubah" in html and "Rencana aksi diajukan" not in html

    html = client.get(history_url(plan, jenis="import")).content.decode()
    assert "diimpor dari keputusan" in html and "Jadwal sub kegiatan" not in html

    html = client.get(history_url(plan, orang=people["steering"].pk)).content.decode()
    assert "Rencana aksi dikembalikan" in html and "Rencana aksi diajukan" not in html

    html = client.get(history_url(plan, orang="sistem")).content.decode()
    assert "Rencana aksi diunduh" in html and "Rencana aksi dikembalikan" not in html

    # the person filter offers the people of the history, not everyone
    html = client.get(history_url(plan)).content.decode()
    assert f'value="{people["steering"].pk}"' in html
    assert f'value="{people["pic"].pk}"' not in html

    # nonsense filters are ignored, never a 500
    for params in ({"jenis": "zzz"}, {"orang": "abc"}, {"halaman": "999"}, {"halaman": "x"}):
        assert client.get(history_url(plan, **params)).status_code == 200

    html = client.get(history_url(plan, jenis="indicator")).content.decode()
    assert "Tidak ada catatan yang cocok" in html


def test_the_history_of_one_plan_shows_no_other(client, plan, people, unit):
    other = ActionPlan.objects.create(unit=unit, year=2030)
    record(people["admin"], "plan.created", plan=other, obj=other, after={"year": 2030})
    client.force_login(people["admin"])
    html = client.get(history_url(plan)).content.decode()
    assert "Rencana aksi dibuat" not in html


def test_who_may_read_the_history(client, plan, people):
    client.force_login(people["outsider"])
    assert client.get(history_url(plan)).status_code == 404
    client.logout()
    response = client.get(history_url(plan))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def add_entries(plan, people, count):
    sub = find(plan, "1.1.1")
    users = [people["admin"], people["steering"], people["pic"]]
    now = timezone.now()
    entries = []
    for index in range(count):
        actor = users[index % 3]
        kind = index % 4
        if kind == 0:
            entry = build(
                actor,
                "plan.pic_assigned",
                plan=plan,
                obj=sub,
                before={"pic": users[(index + 1) % 3].pk},
                after={"pic": users[(index + 2) % 3].pk},
            )
        elif kind == 1:
            entry = build(
                actor,
                "plan.schedule_changed",
                plan=plan,
                obj=sub,
                before={"schedule": 3, "periods": [1, 2]},
                after={"schedule": 4, "periods": [3]},
            )
        elif kind == 2:
            entry = build(
                actor,
                "plan.area_changed",
                plan=plan,
                obj=sub.activity.area,
                before={"name": "Lama", "change_area": 1},
                after={"name": "Baru", "change_area": 2},
            )
        else:
            entry = build(
                actor,
                "plan.returned",
                plan=plan,
                obj=plan,
                note="Catatan",
                before={"status": "diajukan", "return_note": ""},
                after={"status": "dikembalikan", "return_note": "Catatan"},
            )
        entry.created_at = now - datetime.timedelta(minutes=index)
        entries.append(entry)
    LogEntry.objects.bulk_create(entries)


@pytest.mark.parametrize("params", [{}, {"jenis": "sub_activity"}, {"halaman": "2"}])
def test_the_page_costs_the_same_queries_for_5_and_200_entries(client, plan, people, params):
    client.force_login(people["steering"])
    url = history_url(plan, **params)
    add_entries(plan, people, 5)
    client.get(url)  # warm the content-type cache
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    add_entries(plan, people, 195)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 11
    if not params:
        assert "Halaman 1 dari 5" in html  # 201 entries, 50 a page
        assert "Rina Wati" in html and "Maret" in html
        assert "Penguatan Peraturan Perundang-undangan" in html  # the change area, by name


def test_the_plan_page_links_to_the_history(client, plan, people):
    client.force_login(people["pic"])
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert history_url(plan) in html
