"""The reminders page (work:reminders): a person's own preview and setting."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.work.models import ReminderDelivery, ReminderSetting
from renaksi.work.reminders import send_reminders

from .permission_world import PERSONAS
from .reminder_world import build_reminder_world, more_plans, period_of, realise

pytestmark = pytest.mark.django_db

URL = "/pengingat/"
# 1 March 2022, 10:00 in Jakarta.
MORNING = datetime.datetime(2022, 3, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    return build_reminder_world()


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False):
        yield


def test_url_name():
    assert reverse("work:reminders") == URL


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(URL, {"days_ahead": "3"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ReminderSetting.objects.exists()


def test_the_page_shows_todays_reminders_and_what_was_sent(client, world, frozen):
    client.force_login(world.users["implementer5"])
    page = client.get(URL).content.decode()
    assert "Terlambat (1)" in page
    assert "Jatuh tempo (1)" in page
    assert "Sub kegiatan 6107.5" in page
    assert "terlambat 24 hari" in page  # January was due on 5 February
    assert "4 hari lagi" in page
    assert "sudah dikirim hari ini" not in page
    send_reminders()
    page = client.get(URL).content.decode()
    assert page.count("sudah dikirim hari ini") == 2


def test_the_assessor_sees_what_waits(client, world, frozen):
    realise(period_of(world, "6107", 5, 2), "diajukan")
    client.force_login(world.users["assessor"])
    page = client.get(URL).content.decode()
    assert "Menunggu verifikasi Anda (1)" in page
    assert "Sub kegiatan 6107.5" in page


def test_switch_off_and_on_with_an_audit_entry(client, world, frozen):
    user = world.users["implementer5"]
    client.force_login(user)
    response = client.post(URL, {"days_ahead": "7"})  # the box unticked: off
    assert response.status_code == 302
    assert response["Location"] == URL
    setting = ReminderSetting.objects.get(user=user)
    assert (setting.enabled, setting.days_ahead) == (False, 7)
    entry = LogEntry.objects.get(action="work.reminders_changed")
    assert entry.actor == user
    assert entry.data == {
        "before": {"enabled": True, "days_ahead": 7},
        "after": {"enabled": False, "days_ahead": 7},
    }
    assert entry.action_label == "Pengaturan pengingat diubah"
    page = client.get(URL).content.decode()
    assert "Pengingat dimatikan" in page
    assert "Pengingat Anda dimatikan" in page
    assert send_reminders().opted_out == 1

    client.post(URL, {"enabled": "on", "days_ahead": "3"})
    setting.refresh_from_db()
    assert (setting.enabled, setting.days_ahead) == (True, 3)
    assert LogEntry.objects.filter(action="work.reminders_changed").count() == 2
    # Saving the same values again changes nothing and writes no entry.
    client.post(URL, {"enabled": "on", "days_ahead": "3"})
    assert LogEntry.objects.filter(action="work.reminders_changed").count() == 2
    # Three days ahead on 1 March: 5 March is out of the window.
    page = client.get(URL).content.decode()
    assert "Jatuh tempo" not in page
    assert "Terlambat (1)" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Paling sedikit 1 hari."),
        ("32", "Paling banyak 31 hari."),
        ("tiga", "Tulis jumlah hari sebagai bilangan bulat, antara 1 dan 31."),
        ("", "Isi jumlah hari, antara 1 dan 31."),
        ("2.5", "Tulis jumlah hari sebagai bilangan bulat, antara 1 dan 31."),
    ],
)
def test_bad_days_ahead_is_refused_at_the_field(client, world, value, message):
    client.force_login(world.users["implementer5"])
    response = client.post(URL, {"days_ahead": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "field--error" in page
    assert not ReminderSetting.objects.exists()
    assert not LogEntry.objects.filter(action="work.reminders_changed").exists()


def test_every_persona_sees_and_changes_only_their_own(client, world, frozen):
    """Each signed-in persona changes their setting; no one else's row moves, and the page
    lists only their own items."""
    realise(period_of(world, "6107", 5, 2), "diajukan")
    for index, persona in enumerate(p for p in PERSONAS if p != "anonymous"):
        user = world.users[persona]
        client.force_login(user)
        before = dict(ReminderSetting.objects.values_list("user_id", "days_ahead"))
        page = client.get(URL).content.decode()
        assert client.post(URL, {"enabled": "on", "days_ahead": str(10 + index)}).status_code == (
            302
        )
        after = dict(ReminderSetting.objects.values_list("user_id", "days_ahead"))
        assert after.pop(user.pk) == 10 + index
        assert after == before
        # Only Bengkayang's assessor sees the waiting realisation; only the implementers see
        # their unit's sub-activity.
        assert ("Menunggu verifikasi Anda" in page) == (persona == "assessor"), persona
        assert ("Sub kegiatan 6107.5" in page) == (persona in ("implementer5", "assessor"))
        assert ("Sub kegiatan 6101.5" in page) == (persona == "other_regency"), persona


def test_a_user_without_email_is_told(client, world, frozen):
    user = world.users["implementer5"]
    user.email = ""
    user.save(update_fields=["email"])
    client.force_login(user)
    assert "tidak memiliki alamat email" in client.get(URL).content.decode()


def test_queries_do_not_grow_with_plans(client, world, frozen, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["implementer5"])
    with CaptureQueriesContext(connection) as small:
        small_page = client.get(URL).content.decode()
    more_plans(world, 6)
    send_reminders()
    with CaptureQueriesContext(connection) as large:
        large_page = client.get(URL).content.decode()
    assert large_page.count("work-item__title") == small_page.count("work-item__title") + 6
    assert len(large) == len(small)
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_the_account_area_links_to_the_page(client, world):
    client.force_login(world.users["steering"])
    page = client.get(reverse("plans:list")).content.decode()
    assert f'href="{URL}"' in page
    assert ReminderDelivery.objects.count() == 0


def test_the_links_open_the_pages_where_the_person_acts(client, world, frozen):
    """Each reminder's link opens for the person reminded: the realisation form for the
    reporter, the verification page for the assessor."""
    waiting = realise(period_of(world, "6107", 5, 2), "diajukan")
    client.force_login(world.users["implementer5"])
    form = reverse("work:realisation", kwargs={"period": period_of(world, "6107", 5, 1).pk})
    assert f'href="{form}"' in client.get(URL).content.decode()
    assert client.get(form).status_code == 200
    client.force_login(world.users["assessor"])
    review = reverse("work:review", kwargs={"pk": waiting.pk})
    assert f'href="{review}"' in client.get(URL).content.decode()
    assert client.get(review).status_code == 200
