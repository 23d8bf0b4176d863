"""The editor's pages and endpoints: forms, errors at the field, the conflict that keeps the
person's text, the POST-only addresses, 404s, permissions and the query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ImportFinding,
    Indicator,
    SubActivity,
)

from .editor_world import build_editor_world, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_editor_world()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


def editor_url(world, *parts):
    return reverse("plans:editor", args=[world.plan.pk]) + "".join(f"{part}/" for part in parts)


def test_editor_page_shows_the_tree_grid_and_findings(admin_client, world):
    response = admin_client.get(editor_url(world) + "?area=semua")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kegiatan 1.1" in html and "Sub kegiatan 5.1.1" in html and "Indikator a." in html
    # the schedule grid: a checkbox per month, checked where scheduled
    sub = world.subs[0]
    assert f"name=m-{sub.pk} value=1 form=jf checked>" in html
    assert f"name=m-{sub.pk} value=3 form=jf>" in html
    assert html.count(f"name=m-{sub.pk} ") == 12
    # the finding shows on its row with a way to confirm the reading
    assert "Nomor melompat" in html
    finding = ImportFinding.objects.get()
    # (addresses relative to the editor page)
    assert f"formaction=temuan/{finding.pk}/konfirmasi/ " in html
    # no inline script or style (CSP)
    assert "<script>" not in html and "style=" not in html
    assert "renaksi/editor.js" in html and "renaksi/editor.css" in html


def test_editor_page_query_count_does_not_grow_with_the_plan(admin_client, world):
    url = editor_url(world) + "?area=semua"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    activity = world.activities[2]
    for position in range(2, 12):
        sub = SubActivity.objects.create(
            activity=activity, number=position, position=position, name=f"Tambahan {position}"
        )
        for index in (1, 2):
            Indicator.objects.create(sub_activity=sub, position=index, text="Indikator")
        ImportFinding.objects.create(
            plan=world.plan, kind="empty_schedule", message="x", sub_activity=sub
        )
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(url)
    assert response.content.decode().count("Tambahan") == 10
    assert len(large) == len(small) <= 15


@pytest.mark.parametrize(
    ("persona", "status"),
    [("steering", 403), ("implementer", 403), ("viewer", 403), ("other_admin", 404)],
)
def test_who_gets_the_editor(client, world, persona, status):
    client.force_login(world.users[persona])
    assert client.get(editor_url(world)).status_code == status
    activity = world.activities[0]
    response = client.post(
        editor_url(world, "kegiatan", activity.pk),
        {"number": 1, "name": "Disusupi", "version": activity.version},
    )
    assert response.status_code == status
    assert fresh(activity).name == "Kegiatan 1.1"


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(editor_url(world))
    assert response.status_code == 302 and "masuk" in response["Location"]


def test_one_area_at_a_time(admin_client, world):
    fifth = world.areas[1]
    html = admin_client.get(editor_url(world)).content.decode()
    assert "Kegiatan 1.1" in html and "Kegiatan 5.1" not in html
    assert f'href="?area={fifth.pk}"' in html
    html = admin_client.get(editor_url(world) + f"?area={fifth.pk}").content.decode()
    assert "Kegiatan 5.1" in html and "Kegiatan 1.1" not in html
    # the first area's open finding is counted on its tab
    assert '<span class="count"' in html
    # an unknown area shows the first one, never an error
    assert "Kegiatan 1.1" in admin_client.get(editor_url(world) + "?area=x").content.decode()
    # after an edit the editor opens on the row's area
    sub = world.subs[2]
    response = admin_client.post(
        editor_url(world, "sub-kegiatan", sub.pk, "naik"), {"version": sub.version}
    )
    assert response["Location"] == editor_url(world) + f"?area={fifth.pk}#sub-kegiatan-{sub.pk}"


def test_edit_activity(admin_client, world):
    activity = world.activities[0]
    url = editor_url(world, "kegiatan", activity.pk)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Kegiatan 1.1" in page.content.decode()
    response = admin_client.post(
        url,
        {
            "number": 1,
            "name": "Kegiatan diperbaiki",
            "version": activity.version,
            "parent": world.areas[0].pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#kegiatan-{activity.pk}")
    assert fresh(activity).name == "Kegiatan diperbaiki"
    assert LogEntry.objects.filter(action="plan.activity_changed").count() == 1


def test_edit_moves_to_another_parent(admin_client, world):
    activity = world.activities[1]
    response = admin_client.post(
        editor_url(world, "kegiatan", activity.pk),
        {"number": 2, "name": activity.name, "version": 1, "parent": world.areas[1].pk},
    )
    assert response.status_code == 302
    moved = fresh(activity)
    assert moved.area_id == world.areas[1].pk and moved.position == 2


def test_errors_show_at_the_field_and_keep_the_text(admin_client, world):
    sub = world.subs[0]
    response = admin_client.post(
        editor_url(world, "sub-kegiatan", sub.pk),
        {
            "number": 2,  # taken by the other sub-activity
            "name": "Teks yang saya ketik",
            "version": sub.version,
            "parent": sub.activity_id,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "sudah dipakai" in form.errors["number"][0]
    assert "Teks yang saya ketik" in response.content.decode()
    response = admin_client.post(
        editor_url(world, "sub-kegiatan", sub.pk),
        {
            "number": 1,
            "name": "Teks",
            "pic_text": "dua\nbaris",
            "version": sub.version,
            "parent": sub.activity_id,
        },
    )
    assert "satu baris" in response.context["form"].errors["pic_text"][0]
    assert 'class="field field--error"' in response.content.decode()
    assert fresh(sub).name == "Sub kegiatan 1.1.1"


def test_indicator_target_error_at_the_field(admin_client, world):
    indicator = world.indicators[0]
    response = admin_client.post(
        editor_url(world, "indikator", indicator.pk),
        {
            "label": "a.",
            "text": indicator.text,
            "kind": "persentase",
            "target_value": "120",
            "version": indicator.version,
            "parent": indicator.sub_activity_id,
        },
    )
    assert response.status_code == 200
    assert "0 dan 100" in response.context["form"].errors["target_value"][0]
    # a comma decimal is read as Indonesians write it
    response = admin_client.post(
        editor_url(world, "indikator", indicator.pk),
        {
            "label": "a.",
            "text": indicator.text,
            "kind": "indeks",
            "target_value": "3,25",
            "version": indicator.version,
            "parent": indicator.sub_activity_id,
        },
    )
    assert response.status_code == 302
    assert str(fresh(indicator).target_value) == "3.25"


def test_conflict_keeps_the_text_and_shows_the_current_value(admin_client, world):
    activity = world.activities[0]
    seen = activity.version
    Activity.objects.filter(pk=activity.pk).update(name="Diubah orang lain", version=seen + 1)
    url = editor_url(world, "kegiatan", activity.pk)
    response = admin_client.post(
        url,
        {"number": 1, "name": "Teks saya", "version": seen, "parent": world.areas[0].pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "diubah oleh orang lain" in html
    assert "Teks saya" in html and "Diubah orang lain" in html
    assert fresh(activity).name == "Diubah orang lain"
    # the form now carries the current version: saving again is a deliberate overwrite
    assert response.context["form"]["version"].value() == str(seen + 1)
    again = admin_client.post(
        url,
        {"number": 1, "name": "Teks saya", "version": seen + 1, "parent": world.areas[0].pk},
    )
    assert again.status_code == 302
    assert fresh(activity).name == "Teks saya"


def test_area_conflict_names_the_standard_areas(admin_client, world):
    from renaksi.plans.models import PlanArea

    area = world.areas[1]
    PlanArea.objects.filter(pk=area.pk).update(name="Nama orang lain", version=2)
    response = admin_client.post(
        editor_url(world, "area", area.pk),
        {"number": 5, "name": "Nama saya", "change_area": 6, "version": 1},
    )
    rows = response.context["conflict_rows"]
    assert len(rows) == 2, rows
    assert "Nama saya" in [typed for _label, typed, _saved in rows]
    assert any("6." in typed and "5." in saved for _label, typed, saved in rows), rows


def test_decree_conflict_keeps_the_text(admin_client, world):
    plan = world.plan
    ActionPlan.objects.filter(pk=plan.pk).update(decree_number="99", version=plan.version + 1)
    response = admin_client.post(
        editor_url(world, "keputusan"),
        {"decree_number": "15", "schedule_kind": "month", "version": plan.version},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="15"' in html and "99" in html
    assert fresh(plan).decree_number == "99"


def test_decree_form_saves(admin_client, world):
    response = admin_client.get(editor_url(world, "keputusan"))
    assert response.status_code == 200
    assert "a. bahwa perlu rencana aksi" in response.content.decode()
    response = admin_client.post(
        editor_url(world, "keputusan"),
        {
            "decree_number": "15",
            "decree_date": "2026-02-01",
            "schedule_kind": "month",
            "considerations": "a. bahwa perlu rencana aksi\r\nb. bahwa kedua",
            "version": world.plan.version,
        },
    )
    assert response.status_code == 302
    plan = fresh(world.plan)
    assert plan.decree_number == "15" and len(plan.considerations) == 2


def test_decree_control_character_at_the_field(admin_client, world):
    response = admin_client.post(
        editor_url(world, "keputusan"),
        {"decree_number": "1\x07", "schedule_kind": "month", "version": world.plan.version},
    )
    assert response.status_code == 200
    assert "decree_number" in response.context["form"].errors


def test_add_rows(admin_client, world):
    area = world.areas[1]
    page = admin_client.get(editor_url(world, "area", area.pk, "tambah"))
    assert page.status_code == 200
    response = admin_client.post(
        editor_url(world, "area", area.pk, "tambah"), {"name": "Kegiatan baru", "number": ""}
    )
    assert response.status_code == 302
    activity = Activity.objects.get(name="Kegiatan baru")
    assert (activity.number, activity.position) == (2, 2)
    response = admin_client.post(editor_url(world, "area", "tambah"), {"change_area": 3})
    assert response.status_code == 302
    assert world.plan.areas.filter(number=3, change_area__number=3).exists()
    # an indicator cannot have children
    assert (
        admin_client.get(
            editor_url(world, "indikator", world.indicators[0].pk, "tambah")
        ).status_code
        == 404
    )


def test_move_buttons(admin_client, world):
    second = world.activities[1]
    response = admin_client.post(
        editor_url(world, "kegiatan", second.pk, "naik"), {"version": second.version}
    )
    assert response.status_code == 302
    assert fresh(second).position == 1
    # moving the first one up again says so, without a 500
    response = admin_client.post(
        editor_url(world, "kegiatan", second.pk, "naik"),
        {"version": fresh(second).version},
        follow=True,
    )
    assert "urutan pertama" in response.content.decode()


def test_delete_with_children_asks_first(admin_client, world):
    activity = world.activities[0]
    url = editor_url(world, "kegiatan", activity.pk, "hapus")
    response = admin_client.post(url, {"version": activity.version})
    assert response.status_code == 200
    assert "2 sub kegiatan dan 4 indikator" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    response = admin_client.post(url, {"version": activity.version, "confirmed": "1"})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert LogEntry.objects.filter(action="plan.activity_deleted").count() == 1


def test_delete_a_leaf_at_once(admin_client, world):
    indicator = world.indicators[0]
    response = admin_client.post(
        editor_url(world, "indikator", indicator.pk, "hapus"), {"version": indicator.version}
    )
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_schedule_grid_without_script(admin_client, world):
    first, second, third = world.subs
    response = admin_client.post(
        editor_url(world, "jadwal"),
        {
            f"v-{first.pk}": first.version,
            f"m-{first.pk}": ["1", "2", "12"],
            f"v-{second.pk}": second.version,
            f"m-{second.pk}": ["1", "2"],  # unchanged
            f"v-{third.pk}": third.version,
            "area": world.areas[0].pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?area={world.areas[0].pk}#jadwal")
    assert fresh(first).months == [1, 2, 12]
    assert fresh(second).version == second.version
    assert LogEntry.objects.filter(action="plan.schedule_changed").count() == 1


def test_schedule_click_answers_json(admin_client, world):
    sub = world.subs[2]
    response = admin_client.post(
        editor_url(world, "jadwal"),
        {f"v-{sub.pk}": sub.version, f"m-{sub.pk}": ["7"]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["rows"][str(sub.pk)] == {"version": sub.version + 1, "periods": [7]}
    # a stale version is refused and answers the current state
    response = admin_client.post(
        editor_url(world, "jadwal"),
        {f"v-{sub.pk}": sub.version, f"m-{sub.pk}": ["8"]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert response.json()["rows"][str(sub.pk)]["periods"] == [7]
    assert "diubah oleh orang lain" in response.json()["problems"][0]
    # a month out of range
    response = admin_client.post(
        editor_url(world, "jadwal"),
        {f"v-{sub.pk}": sub.version + 1, f"m-{sub.pk}": ["13"]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert fresh(sub).months == [7]


def test_confirm_the_reading(admin_client, world):
    finding = ImportFinding.objects.get()
    response = admin_client.post(editor_url(world, "temuan", finding.pk, "konfirmasi"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#kegiatan-{world.activities[0].pk}")
    finding.refresh_from_db()
    assert finding.resolution == "confirmed"


def test_edit_offers_to_resolve_the_rows_findings(admin_client, world):
    activity = world.activities[0]
    finding = ImportFinding.objects.get()
    page = admin_client.get(editor_url(world, "kegiatan", activity.pk))
    assert f'value="{finding.pk}"' in page.content.decode()
    admin_client.post(
        editor_url(world, "kegiatan", activity.pk),
        {
            "number": 1,
            "name": "Dibetulkan",
            "version": activity.version,
            "parent": world.areas[0].pk,
            "resolve": [finding.pk],
        },
    )
    finding.refresh_from_db()
    assert finding.resolution == "corrected" and finding.confirmed_by == world.users["admin"]


@pytest.mark.parametrize(
    "parts",
    [
        ("jadwal",),
        ("kegiatan", "{activity}", "naik"),
        ("temuan", "{finding}", "konfirmasi"),
    ],
)
def test_a_get_on_a_post_only_address_goes_back_to_the_editor(admin_client, world, parts):
    values = {"activity": world.activities[0].pk, "finding": ImportFinding.objects.get().pk}
    url = editor_url(world, *(part.format(**values) for part in parts))
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == editor_url(world)


@pytest.mark.parametrize(
    "parts",
    [
        ("kegiatan", 999999),
        ("sub-kegiatan", 999999, "hapus"),
        ("indikator", 999999, "naik"),
        ("kegiatan", "{activity}", "ke-samping"),
        ("baris", 1),
        ("temuan", 999999, "konfirmasi"),
    ],
)
def test_unknown_ids_are_404(admin_client, world, parts):
    values = {"activity": world.activities[0].pk}
    url = editor_url(world, *(str(part).format(**values) for part in parts))
    assert admin_client.post(url, {"version": 1}).status_code == 404


def test_a_row_of_another_plan_is_404(admin_client, world):
    other = ActionPlan.objects.create(unit=world.plan.unit, year=2027)
    url = reverse("plans:editor", args=[other.pk]) + f"kegiatan/{world.activities[0].pk}/"
    assert admin_client.get(url).status_code == 404


def test_an_approved_plan_shows_why_and_no_buttons(admin_client, world):
    ActionPlan.objects.filter(pk=world.plan.pk).update(status=ActionPlan.Status.DITETAPKAN)
    response = admin_client.get(editor_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "dibuka kembali" in html
    assert 'form="ra"' not in html
    activity = world.activities[0]
    response = admin_client.post(
        editor_url(world, "kegiatan", activity.pk),
        {"number": 1, "name": "x", "version": 1, "parent": world.areas[0].pk},
        follow=True,
    )
    assert "dibuka kembali" in response.content.decode()
    assert fresh(activity).name == "Kegiatan 1.1"


def test_the_plan_page_link(admin_client, client, world):
    from django.template.loader import render_to_string

    html = render_to_string("plans/_editor_actions.html", {"plan": world.plan, "can_change": True})
    assert editor_url(world) in html and "Ubah rencana aksi" in html
    assert "Ubah" not in render_to_string(
        "plans/_editor_actions.html", {"plan": world.plan, "can_change": False}
    )
    world.plan.status = ActionPlan.Status.DITETAPKAN
    assert "Ubah" not in render_to_string(
        "plans/_editor_actions.html", {"plan": world.plan, "can_change": True}
    )


def test_a_returned_plan_shows_the_steering_note(admin_client, world):
    ActionPlan.objects.filter(pk=world.plan.pk).update(
        status=ActionPlan.Status.RETURNED, return_note="Perbaiki target area 5."
    )
    html = admin_client.get(editor_url(world)).content.decode()
    assert "Perbaiki target area 5." in html
    assert 'form="ra"' in html or "form=ra" in html  # still editable
    assert reverse("plans:history", args=[world.plan.pk]) in html


def test_the_plan_page_links_to_the_editor(admin_client, client, world):
    detail = reverse("plans:detail", args=[world.plan.pk])
    assert editor_url(world) in admin_client.get(detail).content.decode()
    client.force_login(world.users["viewer"])
    assert editor_url(world) not in client.get(detail).content.decode()
