"""The workflow's pages: the partial on the plan page, the confirmation pages and their forms,
every POST by every persona, stale pages."""

import pytest
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.plans.models import ActionPlan, ImportFinding
from renaksi.plans.workflow import RETURN_NOTE_MAX_LENGTH

from .permission_world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

S = ActionPlan.Status
ACTIONS = ["submit", "withdraw", "return", "approve", "reopen"]
SOURCE = {
    "submit": S.DRAFT,
    "withdraw": S.SUBMITTED,
    "return": S.SUBMITTED,
    "approve": S.SUBMITTED,
    "reopen": S.DITETAPKAN,
}
TARGET = {
    "submit": S.SUBMITTED,
    "withdraw": S.DRAFT,
    "return": S.RETURNED,
    "approve": S.DITETAPKAN,
    "reopen": S.DRAFT,
}
WHO = {
    "submit": {"unit_admin", "superuser"},
    "withdraw": {"unit_admin", "superuser"},
    "return": {"steering", "superuser"},
    "approve": {"steering", "superuser"},
    "reopen": {"steering", "superuser"},
}
# Who reads Bengkayang's plan (a refusal is then 403, else 404).
READERS = {
    "implementer5",
    "assessor",
    "steering",
    "agent",
    "unit_admin",
    "province_reviewer",
    "national_viewer",
    "national_reviewer",
    "superuser",
}
DATA = {"return": {"note": "Perbaiki indikator area 5"}, "reopen": {"reason": "SK perubahan"}}


@pytest.fixture
def world():
    world = build_world()
    # the world's findings are warnings; confirm them so that nothing blocks
    ImportFinding.objects.update(severity="warning")
    return world


def status_of(world, code="6107"):
    return ActionPlan.objects.get(pk=world.plans[code].pk).status


def set_status(world, status, code="6107"):
    ActionPlan.objects.filter(pk=world.plans[code].pk).update(status=status)


def url(action, world, code="6107"):
    return reverse(f"plans:{action}", args=[world.plans[code].pk])


@pytest.mark.parametrize("action", ACTIONS)
def test_every_persona_posts_every_action(client, world, action):
    unexpected = []
    for persona in PERSONAS:
        set_status(world, SOURCE[action])
        client.logout()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        response = client.post(url(action, world), DATA.get(action, {}))
        status = status_of(world)
        if persona in WHO[action]:
            ok = response.status_code == 302 and status == TARGET[action]
        elif persona == "anonymous":
            ok = response.status_code == 302 and "/masuk/" in response["Location"]
            ok = ok and status == SOURCE[action]
        else:
            expected = 403 if persona in READERS else 404
            ok = response.status_code == expected and status == SOURCE[action]
        if not ok:
            unexpected.append((persona, response.status_code, status))
    assert not unexpected, unexpected
    # another unit's plan: only the superuser
    set_status(world, SOURCE[action], code="6101")
    client.force_login(world.users["unit_admin"])
    assert client.post(url(action, world, "6101"), DATA.get(action, {})).status_code == 404
    assert status_of(world, "6101") == SOURCE[action]


@pytest.mark.parametrize("action", ACTIONS)
def test_get_shows_the_confirmation_page_never_a_405(client, world, action):
    set_status(world, SOURCE[action])
    client.force_login(world.users["superuser"])
    response = client.get(url(action, world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yang akan terjadi" in html
    assert "workflow-form" in html and 'name="version"' in html
    assert status_of(world) == SOURCE[action]  # a GET changes nothing


def test_the_confirmation_page_says_when_the_action_is_not_possible_now(client, world):
    set_status(world, S.DRAFT)
    client.force_login(world.users["steering"])
    response = client.get(url("approve", world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "tidak dapat dilakukan sekarang" in html
    assert "workflow-form" not in html


def test_submit_page_counts_the_open_findings_and_errors_block_it(client, world):
    set_status(world, S.DRAFT)
    plan = world.plans["6107"]
    ImportFinding.objects.create(plan=plan, kind="area_missing", severity="error", message="x")
    ImportFinding.objects.create(plan=plan, kind="stale_year", severity="info", message="y")
    client.force_login(world.users["unit_admin"])
    html = client.get(url("submit", world)).content.decode()
    assert "Temuan impor yang masih terbuka" in html
    assert "1 temuan berjenis kesalahan harus dikonfirmasi" in html
    assert "workflow-form" not in html
    response = client.post(url("submit", world), {"version": 1})
    assert response.status_code == 200
    assert "Masih ada 1 temuan impor berjenis kesalahan" in response.content.decode()
    assert status_of(world) == S.DRAFT


def test_a_return_without_a_note_is_a_form_error_and_keeps_nothing(client, world):
    set_status(world, S.SUBMITTED)
    client.force_login(world.users["steering"])
    for note, message in [
        ("   ", "Tuliskan catatan"),
        ("x" * (RETURN_NOTE_MAX_LENGTH + 1), "paling banyak"),
        ("Perbaiki\x07", "karakter kendali"),
    ]:
        response = client.post(url("return", world), {"note": note, "version": 1})
        assert response.status_code == 200
        assert message.lower() in response.content.decode().lower(), note
        assert status_of(world) == S.SUBMITTED
    assert not LogEntry.objects.filter(action="plan.returned").exists()


def test_the_returned_plan_shows_the_note_to_the_secretariat(client, world):
    set_status(world, S.SUBMITTED)
    client.force_login(world.users["steering"])
    note = "Indikator area 5 belum terukur.\nTambahkan target <b>persentase</b>."
    response = client.post(url("return", world), {"note": note, "version": 1}, follow=True)
    assert "Rencana aksi dikembalikan ke sekretariat dengan catatan." in response.content.decode()
    client.force_login(world.users["unit_admin"])
    html = client.get(reverse("plans:detail", args=[world.plans["6107"].pk])).content.decode()
    assert "Catatan Tim Pengarah" in html
    assert "belum terukur.<br>Tambahkan target &lt;b&gt;persentase&lt;/b&gt;." in html
    assert url("submit", world) in html  # the secretariat may send it again
    # the submit page repeats the note
    assert "belum terukur." in client.get(url("submit", world)).content.decode()


def test_a_decision_on_a_stale_page_is_refused_and_keeps_the_text(client, world):
    set_status(world, S.SUBMITTED)
    plan = world.plans["6107"]
    client.force_login(world.users["steering"])
    version = ActionPlan.objects.get(pk=plan.pk).version
    ActionPlan.objects.filter(pk=plan.pk).update(version=version + 1)  # an edit meanwhile
    response = client.post(url("return", world), {"note": "Catatan saya", "version": version})
    html = response.content.decode()
    assert response.status_code == 200
    assert "diubah sejak halaman ini dibuka" in html
    assert "Catatan saya</textarea>" in html
    assert f'name="version" value="{version + 1}"' in html
    assert status_of(world) == S.SUBMITTED
    # confirming again on the fresh page works
    client.post(url("return", world), {"note": "Catatan saya", "version": version + 1})
    assert status_of(world) == S.RETURNED


def test_a_second_decision_is_refused_with_a_message(client, world):
    set_status(world, S.SUBMITTED)
    client.force_login(world.users["steering"])
    client.post(url("approve", world), {"version": 1})
    response = client.post(url("return", world), {"note": "Terlambat", "version": 1})
    assert response.status_code == 200
    assert "berstatus “Ditetapkan”" in response.content.decode()
    assert status_of(world) == S.DITETAPKAN


@pytest.mark.parametrize(
    ("persona", "status", "buttons"),
    [
        ("unit_admin", S.DRAFT, ["submit"]),
        ("unit_admin", S.SUBMITTED, ["withdraw"]),
        ("unit_admin", S.RETURNED, ["submit"]),
        ("unit_admin", S.DITETAPKAN, []),
        ("steering", S.DRAFT, []),
        ("steering", S.SUBMITTED, ["return", "approve"]),
        ("steering", S.DITETAPKAN, ["reopen"]),
        ("steering", S.ARSIP, []),
        ("national_viewer", S.SUBMITTED, []),
        ("implementer5", S.SUBMITTED, []),
        ("superuser", S.SUBMITTED, ["withdraw", "return", "approve"]),
    ],
)
def test_the_plan_page_offers_what_the_user_may_do(client, world, persona, status, buttons):
    set_status(world, status)
    client.force_login(world.users[persona])
    html = client.get(reverse("plans:detail", args=[world.plans["6107"].pk])).content.decode()
    shown = [action for action in ACTIONS if f'href="{url(action, world)}"' in html]
    assert shown == buttons
    assert reverse("plans:history", args=[world.plans["6107"].pk]) in html
    assert str(S(status).label) in html


def test_the_partial_costs_no_query_beyond_the_submitter(client, world, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    set_status(world, S.SUBMITTED)
    request = RequestFactory().get("/")
    request.user = world.users["steering"]
    from renaksi.access.policy import grants_for

    grants_for(request.user)
    plan = ActionPlan.objects.select_related("unit").get(pk=world.plans["6107"].pk)
    template = Template('{% include "plans/_workflow_actions.html" %}')
    with django_assert_num_queries(0):
        html = template.render(Context({"plan": plan, "request": request}))
    assert "Setujui dan tetapkan" in html
