"""Issue #7's "done when", as its users would do it in a real browser (1280 px):

the secretariat corrects a misread row of the imported demo plan in the editor (and marks
the row's finding corrected), sends the plan to the Tim Pengarah, who approves it; the
history shows the correction with its values before and after; the Lampiran downloaded from
the plan page as XLSX imports back to the same plan; next year's plan starts as a copy.
No script error and no Content-Security-Policy violation on the way.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan, ImportFinding, SubActivity

from .export_support import differences, plan_tree, reimport

pytestmark = pytest.mark.django_db(transaction=True)

WRONG = "Menetapkan Tim Reformasi Birokrasi Tahun 2021."
RIGHT = "Menetapkan Tim Reformasi Birokrasi Tahun 2022."


def sign_in(browser, live_server, username, password, problems):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_correct_submit_approve_history_download_and_copy(live_server, browser, tmp_path):
    call_command("seed_demo", "--plan-only", stdout=StringIO())  # a draft plan to work on
    plan = ActionPlan.objects.get()
    sub = SubActivity.objects.get(activity__area__plan=plan, name__startswith=WRONG[:-1])
    finding = sub.findings.get(kind="stale_year")
    plan_url = f"{live_server.url}/rencana/{plan.pk}/"
    problems: list[str] = []

    # The secretariat corrects the row through the editor and marks its finding corrected.
    context, page = sign_in(browser, live_server, "sekretariat", "renaksi-sekretariat", problems)
    page.goto(plan_url)
    page.click("text=Ubah rencana aksi")
    page.wait_for_url(f"{plan_url}ubah/**")
    page.click(f'a[href="sub-kegiatan/{sub.pk}/"]')
    page.wait_for_load_state()
    name = page.locator("textarea[name=name]")
    assert name.input_value().startswith(WRONG[:-1])
    name.fill(RIGHT)
    resolve = page.locator(f'input[name=resolve][value="{finding.pk}"]')
    assert resolve.is_checked()  # the row's open findings are offered, ticked
    page.click("main form.ed-form button[type=submit]")
    page.wait_for_load_state()
    assert "Perubahan disimpan" in page.content()
    finding.refresh_from_db()
    assert finding.resolution == ImportFinding.Resolution.CORRECTED
    assert finding.confirmed_at is not None

    # … and sends the plan to the Tim Pengarah.
    page.goto(plan_url)
    page.click(".workflow__actions >> text=Ajukan ke Tim Pengarah")
    page.wait_for_url(f"{plan_url}ajukan/")
    page.click(".workflow-form button[type=submit]")
    page.wait_for_url(plan_url)
    context.close()

    # The chair of the Tim Pengarah approves it.
    context, page = sign_in(browser, live_server, "pimpinan", "renaksi-pimpinan", problems)
    page.goto(plan_url)
    assert not page.locator("text=Ubah rencana aksi").count()  # the steering team edits nothing
    page.click(".workflow__actions >> text=Setujui dan tetapkan")
    page.wait_for_url(f"{plan_url}setujui/")
    page.click(".workflow-form button[type=submit]")
    page.wait_for_url(plan_url)
    assert page.get_by_text("Rencana aksi disetujui dan ditetapkan.").is_visible()

    # The history shows the correction with the values before and after, and each step.
    page.click(".workflow__actions >> text=Riwayat perubahan")
    page.wait_for_url(f"{plan_url}riwayat/")
    actions = [text.splitlines()[0] for text in page.locator(".history__action").all_inner_texts()]
    assert actions[:4] == [
        "Rencana aksi disetujui Tim Pengarah",
        "Rencana aksi diajukan ke Tim Pengarah",
        "Temuan impor diselesaikan dengan memperbaiki baris",
        "Sub kegiatan diubah",
    ] or actions[:4] == [
        "Rencana aksi disetujui Tim Pengarah",
        "Rencana aksi diajukan ke Tim Pengarah",
        "Sub kegiatan diubah",
        "Temuan impor diselesaikan dengan memperbaiki baris",
    ]
    assert actions[-1] == "Rencana aksi diimpor dari keputusan"
    history = page.content()
    assert WRONG[:-1] in history and RIGHT[:-1] in history
    context.close()

    # The Lampiran comes out of the plan page as XLSX and reads back as the same plan.
    context, page = sign_in(browser, live_server, "sekretariat", "renaksi-sekretariat", problems)
    page.goto(plan_url)
    page.click(".export-menu summary")
    with page.expect_download() as download:
        page.click(".export-menu a[href$='/unduh/xlsx/']")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.endswith(".xlsx")

    # Next year's plan starts as a copy.
    page.goto(plan_url)
    page.click("text=Salin ke tahun berikutnya")
    page.wait_for_url(f"{plan_url}salin/")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    copy = ActionPlan.objects.get(unit=plan.unit, year=plan.year + 1)
    assert copy.status == ActionPlan.Status.DRAFT
    assert differences(plan_tree(plan), plan_tree(copy)) == []
    assert copy.decree_number == "" and copy.approved_at is None
    context.close()

    # The downloaded Lampiran, imported again, gives the same plan (the approved one).
    approved = plan_tree(plan)
    assert RIGHT in str(approved)
    copy.delete()
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    assert differences(approved, plan_tree(reimport(plan, path.read_bytes(), path.name))) == []

    assert not problems, problems
