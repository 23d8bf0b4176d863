"""The change agents' plans' pages (renaksi/work/views_agents.py): the unit's list with the
months' states and the "changes made" count, the agent's own plan with its editor (without
JavaScript: forms and buttons; with it: the grid's JSON), and constant query counts."""

import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.teams.models import Position, TeamMember
from renaksi.work import agents
from renaksi.work.models import ChangeAgentAction, ChangeAgentPlan, Realisation, SchedulePeriod

from .agents_world import agent_plan_of, agent_world, fresh, record_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return agent_world()


def add(world, title="Aksi", months=(3, 6), name="agent"):
    return agents.add_action(
        fresh(world.users["superuser"]),
        agent_plan_of(world, name),
        {"title": title, "output_text": "Laporan"},
        months,
    )


def month_cells(html: str, action_title: str) -> list[str]:
    """The state classes of the twelve months of the action whose title is shown."""
    start = html.index(action_title)
    strip = html[start : html.index("</ol>", start)]
    return re.findall(r'class="ag-month ag-month--([a-z]+)', strip)


# -- the unit's list --------------------------------------------------------------------------


@time_machine.travel("2022-05-10 03:00Z")
def test_the_list_shows_each_plan_its_months_and_the_changes_made(client, world):
    done = add(world, "Inovasi pendaftaran daring", months=(3, 4, 8))
    record_work(done, 3, Realisation.State.VERIFIED, status=Realisation.Status.DONE)
    record_work(done, 4, Realisation.State.SUBMITTED)
    add(world, "Budaya kerja 5R", months=(5,), name="agent2")
    client.force_login(world.users["steering"])
    response = client.get(reverse("work:agent_plans", args=[world.plans["6107"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    cells = month_cells(html, "Inovasi pendaftaran daring")
    assert len(cells) == 12
    # verified, waiting, and August still ahead; April's report is due on 5 May: it came
    assert cells[2] == "terverifikasi" and cells[3] == "diajukan" and cells[7] == "planned"
    assert cells[0] == "none"
    assert month_cells(html, "Budaya kerja 5R")[4] == "planned"
    figures = dict(re.findall(r'data-figure="(\w+)">([^<]+)<', html))
    assert figures == {"agents": "2", "plans": "2", "changes": "1", "percentage": "50%"}
    assert "Perubahan terverifikasi" in html
    # a reader starts nothing
    assert "agent_plan_create" not in html and "Buat rencana" not in html


@time_machine.travel("2022-05-10 03:00Z")
def test_a_month_past_its_due_day_without_a_report_is_late(client, world):
    add(world, "Aksi terlambat", months=(3,))
    client.force_login(world.users["agent"])
    html = client.get(reverse("work:agent_plans", args=[world.plans["6107"].pk])).content.decode()
    assert month_cells(html, "Aksi terlambat")[2] == "late"


def test_a_verified_report_of_not_done_is_no_change_made(client, world):
    action = add(world, "Aksi gagal", months=(3,))
    record_work(
        action,
        3,
        Realisation.State.VERIFIED,
        status=Realisation.Status.NOT_DONE,
        reason="Anggaran dialihkan",
    )
    client.force_login(world.users["steering"])
    html = client.get(reverse("work:agent_plans", args=[world.plans["6107"].pk])).content.decode()
    assert 'data-figure="changes">0<' in html


def test_an_agent_without_a_plan_starts_one_from_the_list(client, world):
    client.force_login(world.users["agent"])
    url = reverse("work:agent_plans", args=[world.plans["6107"].pk])
    html = client.get(url).content.decode()
    assert "Buat rencana aksi saya" in html
    assert "Buat rencana aksinya" not in html  # not for the other agent
    response = client.post(reverse("work:agent_plan_create", args=[world.plans["6107"].pk]))
    agent_plan = ChangeAgentPlan.objects.get(agent=world.users["agent"])
    assert response["Location"] == reverse("work:agent_plan", args=[agent_plan.pk])
    # twice: told at once, nothing new
    response = client.post(reverse("work:agent_plan_create", args=[world.plans["6107"].pk]))
    assert response.status_code == 302
    assert ChangeAgentPlan.objects.count() == 1
    assert "sudah memiliki" in client.get(url).content.decode()


def test_the_admin_starts_a_plan_for_each_agent_and_not_for_others(client, world):
    client.force_login(world.users["unit_admin"])
    url = reverse("work:agent_plans", args=[world.plans["6107"].pk])
    assert client.get(url).content.decode().count("Buat rencana aksinya") == 2
    create = reverse("work:agent_plan_create", args=[world.plans["6107"].pk])
    client.post(create, {"agent": world.users["agent2"].pk})
    assert ChangeAgentPlan.objects.filter(agent=world.users["agent2"]).exists()
    response = client.post(create, {"agent": world.users["implementer5"].pk})
    assert response.status_code == 302
    assert "bukan Agen Perubahan" in client.get(url).content.decode()
    assert client.post(create, {"agent": "x"}).status_code == 404


def test_the_plan_page_links_the_change_agents_plans(client, world):
    client.force_login(world.users["national_viewer"])
    html = client.get(reverse("plans:detail", args=[world.plans["6107"].pk])).content.decode()
    assert reverse("work:agent_plans", args=[world.plans["6107"].pk]) in html


def test_the_list_costs_the_same_queries_at_one_and_at_many_plans(client, world):
    plan = world.plans["6107"]
    add(world, "Satu", months=(1, 2))
    client.force_login(world.users["steering"])
    url = reverse("work:agent_plans", args=[plan.pk])
    client.get(url)  # warm the session and the content types
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for index in range(6):
        user = User.objects.create_user(f"agen-extra-{index}")
        TeamMember.objects.create(
            team=world.teams["6107"],
            user=user,
            name=user.username,
            position=Position.AGEN_PERUBAHAN,
        )
        agent_plan = agents.create_agent_plan(fresh(world.users["superuser"]), plan, user)
        for number in range(3):
            action = agents.add_action(
                fresh(world.users["superuser"]),
                agent_plan,
                {"title": f"Aksi {index}.{number}"},
                [1, 2, 3, 4],
            )
            record_work(action, 1, Realisation.State.VERIFIED, status=Realisation.Status.DONE)
            record_work(action, 2, Realisation.State.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200 and "Aksi 5.2" in response.content.decode()
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


# -- the agent's own plan ---------------------------------------------------------------------


def test_the_agent_sees_the_editor_and_a_reader_does_not(client, world):
    action = add(world, "Aksi saya")
    url = reverse("work:agent_plan", args=[action.agent_plan_id])
    client.force_login(world.users["agent"])
    html = client.get(url).content.decode()
    assert "Tambah aksi" in html and f'name="v-{action.pk}"' in html
    assert reverse("work:agent_action_edit", args=[action.agent_plan_id, action.pk]) in html
    client.force_login(world.users["agent2"])
    html = client.get(url).content.decode()
    assert "Aksi saya" in html
    assert "Tambah aksi" not in html and f'name="v-{action.pk}"' not in html


def test_adding_an_action_through_the_form(client, world):
    agent_plan = agent_plan_of(world)
    client.force_login(world.users["agent"])
    response = client.post(
        reverse("work:agent_action_add", args=[agent_plan.pk]),
        {"title": "Sosialisasi zona integritas", "output_text": "Notulen", "months": ["2", "5"]},
    )
    action = ChangeAgentAction.objects.get()
    assert response["Location"].endswith(f"#aksi-{action.pk}")
    assert action.schedule == 0b10010
    assert SchedulePeriod.objects.filter(agent_action=action).count() == 2


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"title": "", "months": ["1"]}, "wajib diisi"),
        ({"title": "Aksi", "months": ["13"]}, "Bulan harus di antara 1 dan 12"),
        ({"title": "Aksi\x1b[31m", "months": ["1"]}, "karakter kendali"),
    ],
)
def test_bad_input_in_the_form_is_shown_at_the_field(client, world, data, text):
    agent_plan = agent_plan_of(world)
    client.force_login(world.users["agent"])
    response = client.post(reverse("work:agent_action_add", args=[agent_plan.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert text in html and "field__errors" in html
    assert not ChangeAgentAction.objects.exists()


def test_a_stale_edit_keeps_the_persons_text_and_shows_the_current_one(client, world):
    action = add(world, "Judul awal")
    agents.update_action(
        fresh(world.users["unit_admin"]), action, {"title": "Judul admin"}, expected_version=1
    )
    client.force_login(world.users["agent"])
    url = reverse("work:agent_action_edit", args=[action.agent_plan_id, action.pk])
    response = client.post(url, {"title": "Judul saya", "months": ["3"], "version": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "sudah diubah oleh orang lain" in html
    assert "Judul saya" in html and "Judul admin" in html
    action.refresh_from_db()
    assert action.title == "Judul admin"
    # saving again goes over the version shown
    assert 'name="version" value="2"' in html
    response = client.post(url, {"title": "Judul saya", "months": ["3"], "version": "2"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Judul saya" and action.schedule == 0b100


def test_the_grid_saves_without_javascript_and_with_it(client, world):
    action = add(world, months=(3,))
    url = reverse("work:agent_schedule", args=[action.agent_plan_id])
    client.force_login(world.users["agent"])
    response = client.post(url, {f"v-{action.pk}": "1", f"m-{action.pk}": ["3", "4"]})
    assert response.status_code == 302 and response["Location"].endswith("#jadwal")
    action.refresh_from_db()
    assert action.schedule == 0b1100 and action.version == 2
    response = client.post(
        url,
        {f"v-{action.pk}": "2", f"m-{action.pk}": ["4"]},
        headers={"accept": "application/json"},
    )
    assert response.json()["rows"][str(action.pk)] == {"version": 3, "periods": [4]}
    assert list(
        SchedulePeriod.objects.filter(agent_action=action).values_list("period", flat=True)
    ) == [4]
    # a stale click: 409, the months as they are
    response = client.post(
        url,
        {f"v-{action.pk}": "1", f"m-{action.pk}": ["1"]},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["rows"][str(action.pk)] == {"version": 3, "periods": [4]}
    assert "sudah diubah" in response.json()["problems"][0]


def test_another_agent_cannot_tick_months_in_my_plan(client, world):
    action = add(world, months=(3,))
    client.force_login(world.users["agent2"])
    response = client.post(
        reverse("work:agent_schedule", args=[action.agent_plan_id]),
        {f"v-{action.pk}": "1", f"m-{action.pk}": ["1"]},
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.schedule == 0b100


def test_delete_asks_first_and_refuses_when_work_was_reported(client, world):
    worked = add(world, "Sudah dilaporkan", months=(3,))
    record_work(worked, 3)
    free = add(world, "Belum dilaporkan", months=(4,))
    client.force_login(world.users["agent"])
    pk = worked.agent_plan_id
    html = client.get(reverse("work:agent_action_delete", args=[pk, worked.pk])).content.decode()
    assert "tidak dapat dihapus" in html and "Ya, hapus" not in html
    response = client.post(reverse("work:agent_action_delete", args=[pk, worked.pk]))
    assert response.status_code == 302
    assert ChangeAgentAction.objects.filter(pk=worked.pk).exists()
    html = client.get(reverse("work:agent_action_delete", args=[pk, free.pk])).content.decode()
    assert "Ya, hapus" in html
    client.post(reverse("work:agent_action_delete", args=[pk, free.pk]), {"version": "1"})
    assert not ChangeAgentAction.objects.filter(pk=free.pk).exists()
    assert LogEntry.objects.filter(action="work.agent_action_deleted").count() == 1


def test_moving_through_the_buttons(client, world):
    first = add(world, "Satu")
    second = add(world, "Dua")
    client.force_login(world.users["agent"])
    client.post(
        reverse("work:agent_action_move", args=[second.agent_plan_id, second.pk, "naik"]),
        {"version": "1"},
    )
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    bad = reverse("work:agent_action_move", args=[second.agent_plan_id, second.pk, "samping"])
    assert client.post(bad).status_code == 404


def test_an_action_of_another_plan_is_not_found_through_mine(client, world):
    mine = add(world, "Punya saya")
    theirs = add(world, "Punya dia", name="agent2")
    client.force_login(world.users["agent"])
    url = reverse("work:agent_action_edit", args=[mine.agent_plan_id, theirs.pk])
    assert client.get(url).status_code == 404


@time_machine.travel("2022-05-10 03:00Z")
def test_the_page_fits_a_phone_and_names_the_states(client, world):
    add(world, "Aksi", months=(3,))
    client.force_login(world.users["agent"])
    html = client.get(reverse("work:agent_plan", args=[agent_plan_of(world).pk])).content.decode()
    assert 'name="viewport"' in html and "work/agents.css" in html
    assert "Lewat batas laporan" in html  # the state is said in words, not only by colour
