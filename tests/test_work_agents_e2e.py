"""End to end: a change agent reports a month of an action of their own plan through the
realisation services, an assessor verifies it, and the change agents' pages count the change;
the reported month then keeps the action from being deleted and stays when unticked."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.work import agents, realisations
from renaksi.work.models import Realisation, SchedulePeriod

from .agents_world import agent_plan_of, agent_world, fresh

pytestmark = pytest.mark.django_db


@time_machine.travel("2022-04-02 02:00Z")
def test_an_agent_reports_a_month_and_an_assessor_verifies_it(client):
    world = agent_world()
    agent = fresh(world.users["agent"])
    agent_plan = agent_plan_of(world)
    action = agents.add_action(
        agent,
        agent_plan,
        {"title": "Inovasi layanan informasi pemilu", "output_text": "Laporan inovasi"},
        [3, 6],
    )
    period = realisations.periods_qs().get(agent_action=action, period=3)

    # nobody else reports on the agent's action
    for persona in ("agent2", "implementer5", "assessor"):
        with pytest.raises(PermissionDenied):
            realisations.save_realisation(
                fresh(world.users[persona]),
                period,
                data={"status": "selesai", "progress": "100"},
                expected_version=None,
            )

    realisation = realisations.save_realisation(
        agent,
        period,
        data={
            "status": "selesai",
            "progress": "100",
            "narrative": "Layanan informasi lewat WhatsApp dibuka untuk pemilih.",
        },
        expected_version=None,
        links=[
            {"url": "https://kab-bengkayang.kpu.go.id/rb", "title": "Kolom RB", "kind": "laporan"}
        ],
    )
    assert realisation.agent_action_id == action.pk and not realisation.late
    realisation = realisations.submit(agent, realisation, realisation.version)
    assert realisation.state == Realisation.State.SUBMITTED

    # the assessor sees the month waiting on the agent's page
    client.force_login(world.users["assessor"])
    html = client.get(reverse("work:agent_plan", args=[agent_plan.pk])).content.decode()
    assert "ag-month--diajukan" in html

    with pytest.raises(PermissionDenied):  # the agent does not verify their own work
        realisations.verify(agent, realisation)
    realisation = realisations.verify(fresh(world.users["assessor"]), realisation, "Bukti lengkap.")
    assert realisation.state == Realisation.State.VERIFIED

    client.force_login(world.users["steering"])
    html = client.get(reverse("work:agent_plans", args=[world.plans["6107"].pk])).content.decode()
    assert 'data-figure="changes">1<' in html and 'data-figure="percentage">50%<' in html
    assert "ag-month--terverifikasi" in html

    # the plan's history shows every step
    codes = set(LogEntry.objects.filter(plan=world.plans["6107"]).values_list("action", flat=True))
    assert {"work.agent_plan_created", "work.agent_action_added"} <= codes
    assert {
        "work.realisation_saved",
        "work.evidence_added",
        "work.realisation_submitted",
        "work.realisation_verified",
    } <= codes

    # the reported month keeps the action, and stays when unticked
    with pytest.raises(agents.AgentPlanError):
        agents.delete_action(agent, action, expected_version=action.version)
    agents.set_months(agent, action, [6], expected_version=action.version)
    kept = SchedulePeriod.objects.get(pk=period.pk)
    assert kept.planned is False
    assert Realisation.objects.get(pk=realisation.pk).state == Realisation.State.VERIFIED


@time_machine.travel("2022-04-02 02:00Z")
def test_the_same_through_the_pages(client):
    world = agent_world()
    agent_plan = agent_plan_of(world)
    action = agents.add_action(
        fresh(world.users["agent"]), agent_plan, {"title": "Budaya kerja 5R"}, [3]
    )
    period = SchedulePeriod.objects.get(agent_action=action, period=3)
    form_url = reverse("work:realisation", kwargs={"period": period.pk})

    client.force_login(world.users["agent"])
    html = client.get(reverse("work:agent_plan", args=[agent_plan.pk])).content.decode()
    assert f'href="{form_url}"' in html  # the month links to its report
    assert client.get(form_url).status_code == 200
    response = client.post(
        form_url,
        {"status": "selesai", "progress": "100", "narrative": "Ruang kerja ditata dengan 5R."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    realisation = Realisation.objects.get(period=period)
    client.post(
        reverse("work:realisation_submit", args=[realisation.pk]),
        {"version": realisation.version},
    )
    realisation.refresh_from_db()
    assert realisation.state == Realisation.State.SUBMITTED

    review_url = reverse("work:review", args=[realisation.pk])
    client.force_login(world.users["assessor"])
    html = client.get(reverse("work:agent_plan", args=[agent_plan.pk])).content.decode()
    assert f'href="{review_url}"' in html  # the waiting month links to its review
    response = client.post(
        review_url, {"decision": "verify", "comment": "", "version": realisation.version}
    )
    assert response.status_code == 302
    realisation.refresh_from_db()
    assert realisation.state == Realisation.State.VERIFIED

    html = client.get(reverse("work:agent_plans", args=[world.plans["6107"].pk])).content.decode()
    assert 'data-figure="changes">1<' in html
