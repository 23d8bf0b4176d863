"""The self-assessment pages in a real browser at 1280 and 360 px: no script error, no missing
resource, no sideways scrolling on a phone; saving an answer with the keyboard and mouse
only (no JavaScript on the page). Screenshots go to the test's output folder and to
``$RENAKSI_SCREENSHOTS`` when set (same browser setup as tests/test_work_pages_browser.py)."""

import os
import shutil

import pytest
from django.urls import reverse

from renaksi.evaluation import services
from renaksi.evaluation.models import Answer, Tier

from .assessment_world import build_framework, items, verified_evidence
from .permission_world import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 360)


def test_assessment_pages_at_desktop_and_phone_width(live_server, browser, tmp_path):
    world = build_world()
    framework = build_framework()
    admin = world.users["unit_admin"]
    assessment = services.assessment_for(
        world.units["6107"], 2022, framework, create=True, actor=admin
    )
    evidence = verified_evidence(world.plans["6107"], admin, title="SK Tim Reformasi Birokrasi")
    services.save_answer(
        admin,
        assessment,
        items(framework)["A.1.i.a"],
        raw="ya",
        justification="SK Ketua KPU Kabupaten Bengkayang Nomor 12 Tahun 2022",
        evidence_ids=[evidence.pk],
    )
    services.save_answer(
        world.users["province_reviewer"],
        services.assessments_qs().get(pk=assessment.pk),
        items(framework)["A.1.i.a"],
        tier=Tier.PROVINCE,
        raw="tidak",
        justification="SK belum ditandatangani ketua",
    )
    base = live_server.url
    pages = [
        ("list", reverse("evaluation:assessments", args=[assessment.unit_id, 2022]), "table"),
        ("detail", reverse("evaluation:assessment", args=[assessment.pk]), ".lke-scores"),
        ("area", reverse("evaluation:assessment_area", args=[assessment.pk, "A.1"]), ".lke-item"),
        (
            "item",
            reverse(
                "evaluation:assessment_item",
                args=[assessment.pk, items(framework)["A.1.i.a"].pk],
            ),
            ".lke-form",
        ),
        ("links", reverse("evaluation:assessment_links", args=[assessment.pk]), "h1"),
    ]
    problems: list[str] = []
    extra = os.environ.get("RENAKSI_SCREENSHOTS")
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and problems.append(f"{response.status} {response.url}")
            ),
        )
        page.goto(f"{base}/masuk/")
        page.fill("input[name=username]", "unit_admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")
        for name, url, expected in pages:
            page.goto(base + url)
            assert page.locator(expected).count() >= 1, (name, width)
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 1, (name, width, wide)
            path = tmp_path / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            if extra:
                os.makedirs(extra, exist_ok=True)
                shutil.copy(path, os.path.join(extra, f"assessment-{path.name}"))
        if width == 360:
            # Answer A.1.i.b on the phone: choose C, give a reason, save.
            page.goto(base + pages[2][1])
            card = page.locator('[data-item="A.1.i.b"]')
            card.locator("label.lke-choice", has_text="C").first.click()
            card.locator("textarea").fill("Belum ada prosedur pemilihan")
            card.locator("button[type=submit]").click()
            page.wait_for_load_state()
            assert "disimpan" in page.content()
        context.close()
    assert not problems, problems
    saved = Answer.objects.get(item__code="A.1.i.b", tier=Tier.SELF)
    assert saved.option == "c" and saved.justification == "Belum ada prosedur pemilihan"
