"""The change agent's plan in a real browser on a 360 px phone: no sideways scrolling, a
click in the months grid is saved at once (the plan editor's script), an action is added
through the form, and no script error. RENAKSI_SCREENSHOTS keeps screenshots."""

import os

import pytest

from renaksi.work import agents
from renaksi.work.models import ChangeAgentAction, Realisation

from .agents_world import agent_plan_of, agent_world, fresh, record_work
from .permission_world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name):
    folder = os.environ.get("RENAKSI_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_the_agent_keeps_their_plan_on_a_phone(live_server, browser):
    world = agent_world()
    agent_plan = agent_plan_of(world)
    admin = fresh(world.users["superuser"])
    first = None
    for title, output, months in agents.DEMO_ACTIONS:
        action = agents.add_action(
            admin, agent_plan, {"title": title, "output_text": output}, months
        )
        first = first or action
    record_work(first, 2, Realisation.State.VERIFIED, status=Realisation.Status.DONE)
    record_work(first, 5, Realisation.State.SUBMITTED)

    page = browser.new_page(viewport={"width": 360, "height": 780})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/rencana/{world.plans['6107'].pk}/agen-perubahan/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "agent-plans-360")

    page.goto(f"{live_server.url}/agen-perubahan/{agent_plan.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "agent-plan-360")
    cell = page.locator(f'input[name="m-{first.pk}"][value="12"]')
    cell.scroll_into_view_if_needed()
    with page.expect_response(lambda response: response.url.endswith("/jadwal/")):
        cell.click()
    page.wait_for_function(
        "document.querySelector('[data-status]').textContent.includes('tersimpan')"
    )
    first.refresh_from_db()
    assert first.schedule & (1 << 11)
    assert page.locator(f'input[name="v-{first.pk}"]').input_value() == str(first.version)

    page.fill("textarea[name=title]", "Inovasi layanan informasi lewat WhatsApp")
    page.check("form.ag-form input[name=months][value='9']")
    page.click("form.ag-form button[type=submit]")
    page.wait_for_load_state()
    assert "Aksi ditambahkan" in page.content()
    added = ChangeAgentAction.objects.get(title__startswith="Inovasi layanan informasi lewat")
    assert added.schedule == 1 << 8
    assert not problems, problems

    wide = browser.new_page(viewport={"width": 1280, "height": 900})
    wide.context.add_cookies(page.context.cookies())
    wide.goto(f"{live_server.url}/agen-perubahan/{agent_plan.pk}/")
    shot(wide, "agent-plan-1280")
    wide.goto(f"{live_server.url}/rencana/{world.plans['6107'].pk}/agen-perubahan/")
    shot(wide, "agent-plans-1280")
