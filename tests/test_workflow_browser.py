"""In a real browser, on a phone: the secretariat submits the demo plan, the Tim Pengarah
returns it with a note, the secretariat reads the note and submits again, the Tim Pengarah
approves it, and the history shows every step. No Content-Security-Policy violation."""

from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(browser, live_server, username, password, problems):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_submit_return_submit_approve_and_the_history(live_server, browser):
    call_command("seed_demo", "--plan-only", stdout=StringIO())  # a draft plan to work on
    plan = ActionPlan.objects.get()
    plan_url = f"{live_server.url}/rencana/{plan.pk}/"
    problems: list[str] = []

    context, page = sign_in(browser, live_server, "sekretariat", "renaksi-sekretariat", problems)
    page.goto(plan_url)
    page.click(".workflow__actions >> text=Ajukan ke Tim Pengarah")
    page.wait_for_url(f"{plan_url}ajukan/")
    assert page.get_by_text("Yang akan terjadi").is_visible()
    page.click(".workflow-form button[type=submit]")
    page.wait_for_url(plan_url)
    assert page.get_by_text("Rencana aksi diajukan ke Tim Pengarah.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    context, page = sign_in(browser, live_server, "pimpinan", "renaksi-pimpinan", problems)
    page.goto(plan_url)
    page.click(".workflow__actions >> text=Kembalikan untuk diperbaiki")
    page.wait_for_url(f"{plan_url}kembalikan/")
    page.fill("textarea[name=note]", "Indikator area 5 belum terukur.\nTambahkan targetnya.")
    page.click(".workflow-form button[type=submit]")
    page.wait_for_url(plan_url)
    context.close()

    context, page = sign_in(browser, live_server, "sekretariat", "renaksi-sekretariat", problems)
    page.goto(plan_url)
    assert page.get_by_text("Catatan Tim Pengarah").is_visible()
    assert page.get_by_text("Tambahkan targetnya.").first.is_visible()
    page.click(".workflow__actions >> text=Ajukan ke Tim Pengarah")
    page.wait_for_url(f"{plan_url}ajukan/")
    page.reload()  # a reload of the confirmation page shows it again, never a blank 405
    assert page.get_by_text("Yang akan terjadi").is_visible()
    page.click(".workflow-form button[type=submit]")
    page.wait_for_url(plan_url)
    context.close()

    context, page = sign_in(browser, live_server, "pimpinan", "renaksi-pimpinan", problems)
    page.goto(plan_url)
    page.click(".workflow__actions >> text=Setujui dan tetapkan")
    page.wait_for_url(f"{plan_url}setujui/")
    page.click(".workflow-form button[type=submit]")
    page.wait_for_url(plan_url)
    assert page.get_by_text("Rencana aksi disetujui dan ditetapkan.").is_visible()
    page.click(".workflow__actions >> text=Riwayat perubahan")
    page.wait_for_url(f"{plan_url}riwayat/")
    page.select_option("select[name=jenis]", "workflow")
    page.click(".history-filter button[type=submit]")
    page.wait_for_url("**jenis=workflow**")
    actions = page.locator(".history__action").all_inner_texts()
    assert [text.splitlines()[0] for text in actions] == [
        "Rencana aksi disetujui Tim Pengarah",
        "Rencana aksi diajukan ke Tim Pengarah",
        "Rencana aksi dikembalikan untuk diperbaiki",
        "Rencana aksi diajukan ke Tim Pengarah",
    ]
    assert page.get_by_text("Indikator area 5 belum terukur.").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DITETAPKAN
    assert not problems, problems
