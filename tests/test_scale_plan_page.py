"""The plan page's decree and Lampiran come from the cache (renaksi/plans/fragments.py): the
same page as rendered afresh, for every reader, and every change shows on the next view.

Each change below is made after the page was viewed (so its sections are cached), then the
next view must equal the page rendered with nothing cached, and show the change.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from renaksi.core.national import generate_national
from renaksi.plans import editing
from renaksi.plans.models import ActionPlan, ImportFinding, PlanArea, SubActivity
from renaksi.plans.services import confirm_finding
from renaksi.units.models import Unit

pytestmark = pytest.mark.django_db

YEAR = 2026
TREE_TABLES = ("plans_planarea", "plans_activity", "plans_subactivity", "plans_indicator")


@pytest.fixture
def plan():
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"], seed=3)
    plan = ActionPlan.objects.get()
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    plan.refresh_from_db()
    # Two open findings on rows of the Lampiran (each row links its first open finding).
    subs = SubActivity.objects.filter(activity__area__plan=plan).order_by("pk")[3:5]
    for sub in subs:
        ImportFinding.objects.create(
            plan=plan,
            line=sub.source_line,
            kind="month_overflow",
            message="Bulan dibaca ulang.",
            sub_activity=sub,
            activity=sub.activity,
            area=sub.activity.area,
        )
    return plan


@pytest.fixture
def admin_user():
    return User.objects.get(username="admin-6107")


def view(client, plan, username="pembaca-kpuri", language="id") -> str:
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = language
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def fresh(client, plan, **who) -> str:
    cache.clear()
    return view(client, plan, **who)


def lampiran_of(html: str) -> str:
    return html[html.index('<section id="lampiran"') : html.index('<section id="temuan"')]


def first_sub(plan) -> SubActivity:
    return (
        SubActivity.objects.filter(activity__area__plan=plan)
        .select_related("activity__area__plan")
        .order_by("activity__area__number", "activity__position", "position")
        .first()
    )


@pytest.mark.parametrize("username", ["pembaca-kpuri", "admin-6107"])
def test_the_cached_page_is_the_page_rendered_afresh_and_reads_no_tree(client, plan, username):
    cold = fresh(client, plan, username=username)
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        warm = view(client, plan, username=username)
    assert warm == cold
    assert "Geser tabel ke samping" in warm and 'id="lampiran-1"' in warm
    assert not [sql["sql"] for sql in queries for table in TREE_TABLES if table in sql["sql"]]


def test_what_depends_on_the_reader_is_not_shared(client, plan, admin_user):
    """The administrator's buttons (confirm a finding, edit) never reach a reader through the
    cached sections, and the reader's page does not hide them from the administrator."""
    assert ImportFinding.objects.filter(plan=plan, confirmed_at__isnull=True).exists()
    confirm = reverse("plans:confirm_finding", args=[plan.pk, plan.findings.first().pk])
    editor = reverse("plans:editor", args=[plan.pk])
    mine = view(client, plan, username="admin-6107")
    assert confirm in mine and editor in mine
    theirs = view(client, plan)  # the sections now come from the administrator's view
    assert confirm not in theirs and editor not in theirs
    assert lampiran_of(theirs) == lampiran_of(mine)
    cache.clear()
    view(client, plan)  # and the other way round
    again = view(client, plan, username="admin-6107")
    assert confirm in again and editor in again


def test_each_language_has_its_own_sections(client, plan):
    indonesian = view(client, plan)
    english = view(client, plan, language="en")
    assert "AREA PERUBAHAN" in indonesian and "JAN" in indonesian
    assert "CHANGE AREA" in english and "AREA PERUBAHAN" not in english
    assert english == fresh(client, plan, language="en")
    assert view(client, plan) == indonesian


def _rename_sub(user, plan, before):
    sub = first_sub(plan)
    editing.update_row(
        user, sub, {"name": "Sub kegiatan yang baru ditulis"}, expected_version=sub.version
    )
    return "Sub kegiatan yang baru ditulis"


def _schedule(user, plan, before):
    sub = first_sub(plan)
    quarterly = plan.schedule_kind == ActionPlan.Schedule.QUARTER
    editing.set_schedule(user, sub, [1, 4] if quarterly else [2, 11], expected_version=sub.version)
    return ("schedule", sub, ["TW I", "TW IV"] if quarterly else ["FEB", "NOV"])


def _add_indicator(user, plan, before):
    editing.add_row(user, "indicator", first_sub(plan), {"text": "Indikator tambahan baru"})
    return "Indikator tambahan baru"


def _move_area(user, plan, before):
    area = PlanArea.objects.filter(plan=plan).order_by("number").first()
    editing.move_row(user, area, "down", expected_version=area.version)
    return ("moved", area.name)


def _delete_sub(user, plan, before):
    sub = first_sub(plan)
    editing.delete_row(user, sub, expected_version=sub.version, confirmed=True)
    return ("deleted", sub.name)


def _decree_subject(user, plan, before):
    editing.update_decree(
        user,
        plan,
        {"decree_subject": "Rencana Aksi yang pokoknya diubah"},
        expected_version=plan.version,
    )
    return "Rencana Aksi yang pokoknya diubah"


def _confirm_finding(user, plan, before):
    """The first open finding of a row is linked from the row: confirming it unlinks it."""
    linked = int(re.search(r'href="#temuan-(\d+)"', lampiran_of(before)).group(1))
    confirm_finding(user, ImportFinding.objects.get(pk=linked))
    return ("confirmed", linked)


def _admin_rename_sub(user, plan, before):
    """The admin's tree pages save a row without the editor's services."""
    sub = first_sub(plan)
    sub.name = "Nama diubah di admin"
    model_admin = admin.site._registry[SubActivity]
    model_admin.save_model(None, sub, None, True)
    return "Nama diubah di admin"


def _rename_unit(user, plan, before):
    Unit.objects.filter(pk=plan.unit_id).update(name="KPU Kabupaten Bengkayang Baru")
    return "KPU Kabupaten Bengkayang Baru"


CHANGES = [
    _rename_sub,
    _schedule,
    _add_indicator,
    _move_area,
    _delete_sub,
    _decree_subject,
    _confirm_finding,
    _admin_rename_sub,
    _rename_unit,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__.strip("_") for change in CHANGES])
def test_every_change_shows_on_the_next_view(client, plan, admin_user, change):
    before = view(client, plan)
    assert view(client, plan) == before  # cached now
    shows = change(admin_user, plan, before)
    after = view(client, plan)
    assert after != before
    assert after == fresh(client, plan)
    if isinstance(shows, str):
        assert shows not in before and shows in after
    elif shows[0] == "schedule":
        sub = SubActivity.objects.get(pk=shows[1].pk)
        number, name = re.escape(str(sub.number)), re.escape(escape(sub.name))
        cell = f'class="col-sub"[^>]*><b>{number}</b> {name}'
        (row,) = [
            row
            for row in re.findall(r'<tr id="lampiran-\d+".*?</tr>', lampiran_of(after), re.S)
            if re.search(cell, row)
        ]
        assert re.findall(r'<td class="due">([^<]*)</td>', row) == shows[2]
    elif shows[0] == "moved":
        lampiran = lampiran_of(after)
        first_area = re.search(r'<th scope="rowgroup"[^>]*><div class="stick">([^<]*)', lampiran)
        assert first_area.group(1).strip() != shows[1]
    elif shows[0] == "deleted":
        assert lampiran_of(before).count(shows[1]) > lampiran_of(after).count(shows[1])
    elif shows[0] == "confirmed":
        assert f'href="#temuan-{shows[1]}"' not in lampiran_of(after)


def test_a_reimport_shows_on_the_next_view(client, settings, tmp_path):
    from renaksi.core.national import TEMPLATE_DECREE
    from renaksi.importer.services import import_decree

    settings.MEDIA_ROOT = tmp_path
    generate_national(years=1, first_year=2022, unit_codes=["6107"], seed=5)  # the decree's year
    plan = ActionPlan.objects.get()
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    before = view(client, plan)
    import_decree(
        TEMPLATE_DECREE.read_bytes(), unit=plan.unit, filename=TEMPLATE_DECREE.name, replace=True
    )
    after = view(client, plan)
    assert after != before
    assert after == fresh(client, plan)


def test_an_old_entry_is_not_read_for_a_changed_plan(client, plan):
    """Only the key decides: a plan row changed by any service (here: a bare update of
    ``updated_at``) is rendered again, with what its tree holds now."""
    view(client, plan)
    SubActivity.objects.filter(pk=first_sub(plan).pk).update(name="Diubah tanpa layanan")
    assert "Diubah tanpa layanan" not in view(client, plan)  # the key did not change
    ActionPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
    assert "Diubah tanpa layanan" in view(client, plan)
