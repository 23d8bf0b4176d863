"""The plan page: its weight, its query budget, the findings (labels, links to rows, whole
messages) and the breadcrumb. The layout in a browser is in test_plan_page_browser.py."""

import gzip
import re
from io import StringIO

import pytest
import rules
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.access.policy import VIEW_UNIT
from renaksi.lib.decree.text import shorten
from renaksi.plans.lampiran import schedule_cells
from renaksi.plans.models import (
    FINDING_KIND_LABELS,
    ActionPlan,
    Activity,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.units.models import Unit

from .test_views import BENGKAYANG_TREE, build_plan, lampiran_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    ri = Unit.objects.create(code="00", name="KPU RI", level=Unit.Level.PUSAT)
    kalbar = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level=Unit.Level.PROVINSI, parent=ri
    )
    bengkayang = Unit.objects.create(
        code="6107",
        name="KPU Kabupaten Bengkayang",
        level=Unit.Level.KABUPATEN_KOTA,
        parent=kalbar,
        time_zone="Asia/Pontianak",
    )
    return {"ri": ri, "kalbar": kalbar, "bengkayang": bengkayang}


@pytest.fixture
def plan(units):
    plan = build_plan(units["bengkayang"], 2022, BENGKAYANG_TREE)
    ImportFinding.objects.create(
        plan=plan, line=120, kind="area_inferred", message="Baris area 2 disimpulkan."
    )
    return plan


def person(username, unit, role):
    user = User.objects.create_user(username, password="rahasia-panjang-1")
    UnitRole.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def viewer(units):
    return person("pembaca", units["bengkayang"], UnitRole.Role.VIEWER)


@pytest.fixture
def editor(units):
    return person("penyunting", units["bengkayang"], UnitRole.Role.ADMIN)


# The Bengkayang plan page (73 sub-activities, 98 findings) weighed 321 KB before; the page
# must stay well under 150 KB, with room for the editor's and the workflow's buttons.
SIZE_BUDGET = 130_000
GZIP_BUDGET = 24_000


def page(client, plan):
    return client.get(reverse("plans:detail", args=[plan.pk]))


# ---------------------------------------------------------------- weight


@pytest.mark.parametrize("username", ["sekretariat", "kpuri"])
def test_bengkayang_plan_page_is_light(client, username):
    """Size budget on the demo plan, for the one who may confirm findings (a button each)
    and for a reader."""
    call_command("seed_demo", stdout=StringIO())
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    client.force_login(User.objects.get(username=username))
    response = page(client, plan)
    assert response.status_code == 200
    body = response.content
    assert len(body) < SIZE_BUDGET, len(body)
    assert len(gzip.compress(body)) < GZIP_BUDGET
    html = body.decode()
    # Light, but nothing lost: every sub-activity, indicator and finding is on the page.
    assert len(lampiran_rows(html)) == SubActivity.objects.filter(activity__area__plan=plan).count()
    for indicator in Indicator.objects.filter(sub_activity__activity__area__plan=plan):
        assert indicator.text.replace("'", "&#x27;").replace('"', "&quot;") in html
    assert html.count('<li id="temuan-') == plan.findings.count() == 98
    # One CSRF token for all ~100 confirmation buttons, not one each.
    assert html.count("csrfmiddlewaretoken") <= 3
    # No runs of indentation inside the table.
    table = html[html.index("<tbody>") : html.index("</tbody>")].rstrip()
    assert "    " not in table


def test_schedule_cells_are_shared_and_escaped():
    cells = schedule_cells("id", "month", (True,) + (False,) * 11)
    assert cells.startswith('<td class="due">JAN</td><td data-m="FEB"></td>')
    assert cells.count("<td") == 12
    assert schedule_cells("id", "quarter", (False, True, False, False)) == (
        '<td data-m="TW I"></td><td class="due">TW II</td>'
        '<td data-m="TW III"></td><td data-m="TW IV"></td>'
    )


# ---------------------------------------------------------------- queries


def big_tree(areas=8, activities=4, subs=4, indicators=3):
    return [
        (
            f"Area {a}",
            False,
            [
                (
                    f"Kegiatan {a}.{k}",
                    [
                        (f"Sub {a}.{k}.{s}", [s, 12], [f"Ind {a}.{k}.{s}.{i}" for i in range(3)])
                        for s in range(1, subs + 1)
                    ],
                )
                for k in range(1, activities + 1)
            ],
        )
        for a in range(1, areas + 1)
    ]


def count_queries(client, plan) -> tuple[int, int]:
    """The page's queries with nothing cached, then with its decree and Lampiran cached."""
    cache.clear()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert page(client, plan).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_query_count_is_the_same_for_one_or_three_plans_and_any_tree(client, units, editor):
    client.force_login(editor)
    small = build_plan(units["bengkayang"], 2022, big_tree(1, 1, 1, 1))
    ImportFinding.objects.create(plan=small, line=1, kind="stale_year", message="m")
    page(client, small)  # warm the session and the permission caches alike
    one = count_queries(client, small)

    large = build_plan(units["bengkayang"], 2023, big_tree())
    build_plan(units["bengkayang"], 2024, big_tree(2, 2, 2, 2))
    subs = list(SubActivity.objects.filter(activity__area__plan=large))
    for index, sub in enumerate(subs[:40]):
        ImportFinding.objects.create(
            plan=large,
            line=index,
            kind="month_overflow",
            message="m",
            sub_activity=sub,
            area=sub.activity.area,
        )
    assert count_queries(client, small) == one
    assert count_queries(client, large) == one
    # session, user, plan with unit, areas, activities, sub-activities, indicators,
    # findings with confirmer, and the roles behind the permissions; with the sections
    # cached (renaksi/plans/fragments.py), no tree table.
    cold, warm = one
    assert cold <= 10
    assert warm == cold - 4


# ---------------------------------------------------------------- findings


def test_every_finding_kind_shows_its_label_never_its_code(client, editor, plan):
    ImportFinding.objects.filter(plan=plan).delete()
    for line, kind in enumerate(FINDING_KIND_LABELS, start=1):
        ImportFinding.objects.create(plan=plan, line=line, kind=kind, message=f"pesan {line}")
    client.force_login(editor)
    html = page(client, plan).content.decode()
    for kind, label in FINDING_KIND_LABELS.items():
        assert str(label).replace("'", "&#x27;") in html, kind
        assert kind not in html, kind


def test_findings_show_the_display_message(client, viewer, plan, monkeypatch):
    monkeypatch.setattr(
        ImportFinding, "display_message", property(lambda self: f"Terjemahan: {self.message}")
    )
    client.force_login(viewer)
    html = page(client, plan).content.decode()
    assert "Terjemahan: Baris area 2 disimpulkan." in html


def test_a_long_message_is_shown_whole(client, viewer, plan):
    message = " ".join(["Teks panjang sekali"] * 40) + " akhir pesan."
    ImportFinding.objects.create(plan=plan, line=9, kind="stray_text", message=message)
    client.force_login(viewer)
    assert message in page(client, plan).content.decode()


def row_ids(html):
    return [row[0] for row in lampiran_rows(html)]


def test_findings_link_to_the_row_they_point_at(client, viewer, plan):
    """A finding with its row set links there even without a line; others by their line."""
    ImportFinding.objects.filter(plan=plan).delete()
    jdih = SubActivity.objects.get(activity__area__plan=plan, name__startswith="Pembangunan JDIH")
    komitmen = SubActivity.objects.get(activity__area__plan=plan, name__startswith="Pembangunan k")
    monitoring = Activity.objects.get(area__plan=plan, name__startswith="Monitoring")
    by_sub = ImportFinding.objects.create(
        plan=plan, kind="empty_schedule", message="a", sub_activity=jdih, line=None
    )
    by_indicator = ImportFinding.objects.create(
        plan=plan, kind="stale_year", message="b", indicator=komitmen.indicators.last(), line=3
    )
    by_activity = ImportFinding.objects.create(
        plan=plan, kind="numbering_gap", message="c", activity=monitoring
    )
    by_area = ImportFinding.objects.create(
        plan=plan, kind="area_inferred", message="d", area=PlanArea.objects.get(plan=plan, number=2)
    )
    SubActivity.objects.filter(pk=komitmen.pk).update(source_line=50)
    by_line = ImportFinding.objects.create(plan=plan, kind="stray_text", message="e", line=50)
    client.force_login(viewer)
    response = page(client, plan)
    anchors = {f.pk: f.row_anchor for f in response.context["findings"]}
    rows = response.context["rows"]
    anchor_of = {row.sub_activity.pk: row.anchor for row in rows}
    assert anchors[by_sub.pk] == anchor_of[jdih.pk] == "lampiran-4"
    assert anchors[by_indicator.pk] == anchor_of[komitmen.pk] == "lampiran-2"
    monitoring_sub = monitoring.sub_activities.get()
    assert anchors[by_activity.pk] == anchor_of[monitoring_sub.pk] == "lampiran-3"
    assert anchors[by_area.pk] == "lampiran-4"
    assert anchors[by_line.pk] == "lampiran-2"

    html = response.content.decode()
    item = html[html.index(f'<li id="temuan-{by_sub.pk}"') :]
    item = item[: item.index("</li>")]
    assert '<a href="#lampiran-4">lihat baris</a>' in item  # no line: a link all the same
    # The row links back to its first open finding: the indicator's (line 3) before line 50.
    row = html[html.index('<tr id="lampiran-2"') :]
    assert (
        f'href="#temuan-{by_indicator.pk}">2 temuan perlu ditinjau</a>' in row[: row.index("</tr>")]
    )


def test_a_finding_is_rendered_once(client, viewer, plan):
    client.force_login(viewer)
    html = page(client, plan).content.decode()
    assert html.count("Baris area 2 disimpulkan.") == 1


# ---------------------------------------------------------------- breadcrumb


def test_breadcrumb_links_the_unit_only_for_who_may_open_it(client, viewer, plan):
    unit_url = reverse("units:detail", args=[plan.unit.pk])
    client.force_login(viewer)
    html = page(client, plan).content.decode()
    crumb = html[html.index('class="breadcrumb"') :]
    crumb = crumb[: crumb.index("</p>")]
    assert f'<a href="{unit_url}">KPU Kabupaten Bengkayang</a>' in crumb

    rules.set_perm(VIEW_UNIT, rules.always_deny)
    try:
        html = page(client, plan).content.decode()
    finally:
        from renaksi.access.rules import can_view_unit

        rules.set_perm(VIEW_UNIT, can_view_unit)
    crumb = html[html.index('class="breadcrumb"') :]
    crumb = crumb[: crumb.index("</p>")]
    assert "KPU Kabupaten Bengkayang" in crumb
    assert unit_url not in html


# ---------------------------------------------------------------- the importer's quotes


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Menetapkan Tim Reformasi Birokrasi Tahun 2021.", 50, None),
        (
            "Menetapkan Tim Reformasi Birokrasi Tahun 2021. Tim terdiri dari: 1 Tim Pengarah",
            50,
            "Menetapkan Tim Reformasi Birokrasi Tahun 2021…",
        ),
        (
            "Penguatan Peraturan Perundang-undangan/Deregulasi Kebijakan",
            45,
            "Penguatan Peraturan Perundang-undangan/…",
        ),
        ("pendek", 10, "pendek"),
        ("x" * 100, 20, "x" * 19 + "…"),  # one endless word: cut, there is no word end
    ],
)
def test_quotes_in_messages_end_at_a_word(text, width, expected):
    short = shorten(text, width)
    assert len(short) <= width
    if expected is None:
        assert short == text
        return
    assert short == expected
    if short != text and len(set(text)) > 1:
        kept = short.rstrip("…")
        rest = text[len(kept) :]
        assert rest[:1] in (" ", ".", ",", "") or kept.endswith(("-", "/")), short


def test_seeded_findings_quote_whole_words():
    """The demo import: every quoted text the importer shortened ends with a whole word."""
    call_command("seed_demo", stdout=StringIO())
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    texts = [
        *plan.areas.values_list("name", flat=True),
        *Activity.objects.filter(area__plan=plan).values_list("name", flat=True),
        *SubActivity.objects.filter(activity__area__plan=plan).values_list("name", flat=True),
        *Indicator.objects.filter(sub_activity__activity__area__plan=plan).values_list(
            "text", flat=True
        ),
    ]
    words = {word.strip(PUNCTUATION) for text in texts for word in WORD_SPLIT.split(text)}
    shortened = 0
    for message in plan.findings.values_list("message", flat=True):
        for quoted in re.findall(r"'([^']*)…'", message):
            shortened += 1
            last = WORD_SPLIT.split(quoted)[-1].strip(PUNCTUATION)
            assert not last or last in words, (last, message)
    assert shortened > 10


WORD_SPLIT = re.compile(r"[\s/-]+")
PUNCTUATION = ",;:.()"
