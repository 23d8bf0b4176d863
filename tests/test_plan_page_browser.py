"""The plan page in a real browser (Debian's chromium through Playwright, the ``browser``
fixture of conftest.py): the Lampiran's header rows stay in view while the table scrolls on a
desktop, and on a phone every sub-activity is a card, with its months as a row of labels,
and nothing scrolls sideways. Screenshots go to the test's tmp_path (and to
RENAKSI_SCREENSHOTS=<folder> when set)."""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from renaksi.plans.models import ActionPlan, ChangeArea, SubActivity
from renaksi.plans.reference import STANDARD_CHANGE_AREAS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_plan(live_server):
    for number, name in STANDARD_CHANGE_AREAS.items():
        ChangeArea.objects.update_or_create(number=number, defaults={"name": name})
    call_command("seed_demo", stdout=StringIO())
    return ActionPlan.objects.get(unit__code="6107", year=2022)


def open_plan(browser, live_server, plan, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", "sekretariat")
    page.fill("input[name=password]", "renaksi-sekretariat")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/rencana/{plan.pk}/")
    return page, problems


def shoot(page, tmp_path, name):
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    if folder := os.environ.get("RENAKSI_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)
    return path


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_header_rows_stay_at_the_top_of_the_scrolled_table(
    browser, live_server, demo_plan, tmp_path
):
    page, problems = open_plan(browser, live_server, demo_plan, 1280, 900)
    # The whole grid, schedule included, fits a 1280px screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    scroller = page.locator(".lampiran-scroll")
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", scroller.element_handle()), (
        "the table needs horizontal scrolling at 1280px"
    )
    scroller.scroll_into_view_if_needed()
    page.evaluate("document.getElementById('lampiran').scrollIntoView()")
    top = box(page, ".lampiran-scroll")["y"]
    before = {sel: box(page, sel)["y"] for sel in ("thead .col-sub", "thead .col-month")}
    # Scroll the table down into the middle of its tallest area: row 1 leaves the view, the
    # header rows stay put, and that area's name stays readable right under them.
    tallest = page.evaluate(
        """() => {
            const cells = [...document.querySelectorAll('.lampiran tbody .col-area')];
            const cell = cells.reduce((a, b) => (a.offsetHeight >= b.offsetHeight ? a : b));
            document.querySelector('.lampiran-scroll').scrollTop =
                cell.offsetTop + cell.offsetHeight / 3;
            return cell.parentElement.id;
        }"""
    )
    page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('.lampiran-scroll').scrollTop") > 1000
    assert box(page, "#lampiran-1")["y"] < top
    for selector, y in before.items():
        assert abs(box(page, selector)["y"] - y) < 2, selector
    header = box(page, ".lampiran thead")
    assert abs(header["y"] - top) < 3
    # The header is painted over the rows, not under them: what is at its place is a header.
    x = box(page, "thead .col-month")["x"] + 5
    y = box(page, "thead .col-month")["y"] + 5
    assert page.evaluate(f"document.elementFromPoint({x}, {y}).closest('thead') !== null")
    name = box(page, f"#{tallest} .col-area .stick")
    bottom = header["y"] + header["height"]
    assert bottom - 1 <= name["y"] < bottom + 30, (name, header)
    shoot(page, tmp_path, "plan-desktop-scrolled")
    assert not problems, problems


def test_phone_shows_one_card_per_sub_activity(browser, live_server, demo_plan, tmp_path):
    page, problems = open_plan(browser, live_server, demo_plan, 390, 844)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    rows = page.locator(".lampiran tbody tr")
    assert rows.count() == SubActivity.objects.filter(activity__area__plan=demo_plan).count()
    page.evaluate("document.getElementById('lampiran-2').scrollIntoView()")
    shoot(page, tmp_path, "plan-phone-cards")
    cards = page.evaluate(
        """() => [...document.querySelectorAll('.lampiran tbody tr')].map(tr => {
            const r = tr.getBoundingClientRect();
            const months = [...tr.querySelectorAll('td[data-m], td.due')];
            const tops = new Set(months.map(m => Math.round(m.getBoundingClientRect().top)));
            const labels = months.map(m => m.classList.contains('due')
                ? m.textContent : getComputedStyle(m, '::before').content.split('"')[1]);
            return {left: r.left, right: r.right, display: getComputedStyle(tr).display,
                    rows: tops.size, labels: labels.join(' '),
                    due: months.filter(m => m.classList.contains('due')).map(m =>
                        [getComputedStyle(m).borderTopStyle, getComputedStyle(m).fontWeight])};
        })"""
    )
    for card in cards:
        assert card["display"] == "flex"
        assert card["left"] >= 0 and card["right"] <= 390
        assert card["rows"] == 1  # the months on one compact line
        assert card["labels"] == "JAN FEB MAR APR MEI JUN JUL AGT SEP OKT NOV DES"
        # Scheduled months are boxed and bold, not only coloured.
        assert all(style == "solid" and int(weight) >= 600 for style, weight in card["due"])
    # The header rows are out of sight; the area and activity are the cards' headings.
    assert box(page, ".lampiran thead")["height"] <= 1
    area = page.locator("#lampiran-1 .col-area")
    assert area.is_visible() and "Manajemen Perubahan" in area.inner_text()
    sub = box(page, "#lampiran-1 .col-sub")
    assert box(page, "#lampiran-1 .col-area")["y"] < sub["y"]
    assert box(page, "#lampiran-1 .col-activity")["y"] < sub["y"]
    assert sub["width"] > 300  # the sub-activity reads across the card
    indicator = box(page, "#lampiran-1 .col-indicator")
    assert indicator["y"] > sub["y"] and indicator["width"] > 300
    page.evaluate("document.getElementById('temuan').scrollIntoView()")
    shoot(page, tmp_path, "plan-phone-findings")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not problems, problems
