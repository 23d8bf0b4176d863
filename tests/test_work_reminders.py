"""Reminders (renaksi/work/reminders.py): who is reminded of what, on which day, and once.

The world: tests/reminder_world.py (Bengkayang's area-5 sub-activity is implementer5's,
every month scheduled, each month due on the 5th of the next).
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from renaksi.plans.models import ActionPlan
from renaksi.teams.models import TeamMember
from renaksi.work.models import (
    ChangeAgentAction,
    ChangeAgentPlan,
    ReminderDelivery,
    ReminderSetting,
)
from renaksi.work.periods import sync_agent_periods
from renaksi.work.reminders import (
    KIND_DUE,
    KIND_OVERDUE,
    KIND_TO_VERIFY,
    collect,
    send_reminders,
)

from .reminder_world import build_reminder_world, day, more_plans, period_of, realise, set_zone

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def world():
    return build_reminder_world()


def items_of(digests, world, persona):
    digest = digests.get(world.users[persona].pk)
    if digest is None:
        return set()
    return {(item.kind, item.period.unit.code, item.period.period) for item in digest.items}


def area5(world, persona, digests):
    """(kind, month) of the persona's Bengkayang area-5 items."""
    return {
        (kind, month) for kind, code, month in items_of(digests, world, persona) if code == "6107"
    }


# -- what is due, overdue, waiting -------------------------------------------------------------


def test_due_window_edges_with_the_default_seven_days(world):
    # February is due on 5 March 2022. Seven days ahead: from 26 February on.
    assert (KIND_DUE, 2) not in area5(world, "implementer5", collect(on=day("2022-02-25")))
    assert (KIND_DUE, 2) in area5(world, "implementer5", collect(on=day("2022-02-26")))
    # On the due date itself it is still due (0 days left), the day after it is overdue.
    on_due = collect(on=day("2022-03-05"))
    assert (KIND_DUE, 2) in area5(world, "implementer5", on_due)
    item = next(i for i in on_due[world.users["implementer5"].pk].items if i.period.period == 2)
    assert item.days == 0
    after = collect(on=day("2022-03-06"))
    assert (KIND_OVERDUE, 2) in area5(world, "implementer5", after)
    assert (KIND_DUE, 2) not in area5(world, "implementer5", after)


def test_days_ahead_is_the_persons_setting(world):
    ReminderSetting.objects.create(user=world.users["implementer5"], days_ahead=3)
    assert (KIND_DUE, 2) not in area5(world, "implementer5", collect(on=day("2022-03-01")))
    assert (KIND_DUE, 2) in area5(world, "implementer5", collect(on=day("2022-03-02")))
    ReminderSetting.objects.filter(user=world.users["implementer5"]).update(days_ahead=31)
    # 31 days before 5 April: March is due too.
    assert {(KIND_DUE, 2), (KIND_DUE, 3)} <= area5(
        world, "implementer5", collect(on=day("2022-03-05"))
    )


def test_overdue_are_the_open_past_periods(world):
    items = area5(world, "implementer5", collect(on=day("2022-04-10")))
    assert items == {(KIND_OVERDUE, 1), (KIND_OVERDUE, 2), (KIND_OVERDUE, 3)}
    # A draft or a returned report is still open; a submitted or verified one is not.
    realise(period_of(world, "6107", 5, 1), "draf")
    realise(period_of(world, "6107", 5, 2), "dikembalikan")
    realise(period_of(world, "6107", 5, 3), "terverifikasi")
    items = area5(world, "implementer5", collect(on=day("2022-04-10")))
    assert items == {(KIND_OVERDUE, 1), (KIND_OVERDUE, 2)}


def test_assessor_gets_what_waits_for_verification(world):
    realise(period_of(world, "6107", 5, 1), "diajukan")
    realise(period_of(world, "6107", 1, 1), "terverifikasi")
    digests = collect(on=day("2022-02-10"))
    assert items_of(digests, world, "assessor") == {(KIND_TO_VERIFY, "6107", 1)}
    # The reporter is not reminded of what they submitted.
    assert (KIND_OVERDUE, 1) not in area5(world, "implementer5", digests)
    # Assessors of other units, and non-assessors of the unit, get nothing to verify.
    assert not any(
        item.kind == KIND_TO_VERIFY
        for persona in ("steering", "agent", "unit_admin", "other_regency", "superuser")
        for item in getattr(digests.get(world.users[persona].pk), "items", [])
    )


def test_work_outside_the_plan_waits_for_verification_but_is_not_due(world):
    period = period_of(world, "6107", 5, 1)
    period.planned = False
    period.save(update_fields=["planned"])
    assert (KIND_OVERDUE, 1) not in area5(world, "implementer5", collect(on=day("2022-02-10")))
    realise(period, "diajukan", outside_plan=True)
    assert (KIND_TO_VERIFY, "6107", 1) in items_of(collect(on=day("2022-02-10")), world, "assessor")


def test_reporters_follow_the_access_rules(world):
    """Implementers of the area only; a PIC while they belong to the unit."""
    digests = collect(on=day("2022-03-01"))
    assert area5(world, "implementer5", digests) == {(KIND_OVERDUE, 1), (KIND_DUE, 2)}
    assert items_of(digests, world, "other_regency") == {
        (KIND_OVERDUE, "6101", 1),
        (KIND_DUE, "6101", 2),
    }
    for persona in ("steering", "unit_admin", "national_viewer", "province_reviewer", "superuser"):
        assert items_of(digests, world, persona) == set(), persona

    # A PIC of the area-1 sub-activity who belongs (steering, a team place) reports on it.
    sub1 = world.subs[("6107", 1)]
    sub1.pic = world.users["steering"]
    sub1.save(update_fields=["pic"])
    # A PIC of the area-1 activity in Sambas who belongs nowhere there does not.
    activity = world.subs[("6101", 1)].activity
    activity.pic = world.users["national_viewer"]
    activity.save(update_fields=["pic"])
    digests = collect(on=day("2022-03-01"))
    assert items_of(digests, world, "steering") == {
        (KIND_OVERDUE, "6107", 1),
        (KIND_DUE, "6107", 2),
    }
    assert items_of(digests, world, "national_viewer") == set()
    # Once steering leaves the unit's team, the PIC reminder stops.
    TeamMember.objects.filter(user=world.users["steering"]).delete()
    assert items_of(collect(on=day("2022-03-01")), world, "steering") == set()


def test_change_agents_are_reminded_of_their_own_actions(world):
    plan = world.plans["6107"]
    agent_plan = ChangeAgentPlan.objects.create(plan=plan, agent=world.users["agent"])
    ChangeAgentAction.objects.create(
        agent_plan=agent_plan, position=1, title="Sosialisasi nilai", schedule=0b1
    )
    sync_agent_periods(agent_plan)
    # A plan of someone who is no change agent of the unit (the assessor): not reminded.
    other = ChangeAgentPlan.objects.create(plan=plan, agent=world.users["assessor"])
    ChangeAgentAction.objects.create(agent_plan=other, position=1, title="Lain", schedule=0b1)
    sync_agent_periods(other)

    digest = collect(on=day("2022-02-01"))[world.users["agent"].pk]
    assert [(item.kind, item.title) for item in digest.items] == [
        (KIND_DUE, "Aksi agen perubahan: Sosialisasi nilai")
    ]
    assert world.users["assessor"].pk not in collect(on=day("2022-02-01"))


def test_only_plans_in_force_are_reminded_of(world):
    ActionPlan.objects.filter(pk=world.plans["6107"].pk).update(status=ActionPlan.Status.DRAFT)
    assert area5(world, "implementer5", collect(on=day("2022-02-10"))) == set()
    ActionPlan.objects.filter(pk=world.plans["6107"].pk).update(status=ActionPlan.Status.ARSIP)
    assert area5(world, "implementer5", collect(on=day("2022-02-10"))) == set()


def test_today_is_the_units_date_in_its_time_zone(world):
    """16:30 UTC on 28 February is still 28 February in Jakarta, 1 March in Jayapura."""
    set_zone(world, "6101", "Asia/Jayapura")
    ReminderSetting.objects.create(user=world.users["implementer5"], days_ahead=4)
    ReminderSetting.objects.create(user=world.users["other_regency"], days_ahead=4)
    moment = datetime.datetime(2022, 2, 28, 16, 30, tzinfo=UTC)
    digests = collect(moment)
    # 5 March is 4 days after 1 March (Jayapura) but 5 days after 28 February (Jakarta).
    assert (KIND_DUE, "6101", 2) in items_of(digests, world, "other_regency")
    assert (KIND_DUE, 2) not in area5(world, "implementer5", digests)
    item = next(i for i in digests[world.users["other_regency"].pk].items if i.period.period == 2)
    assert item.today == day("2022-03-01")


# -- sending -----------------------------------------------------------------------------------


def test_one_mail_per_person_in_indonesian_with_links(world, settings):
    settings.SITE_URL = "https://renaksi.example.go.id/"
    realise(period_of(world, "6107", 5, 1), "diajukan")
    report = send_reminders(on=day("2022-03-01"))
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == [
        "assessor@example.test",
        "implementer5@example.test",
        "other_regency@example.test",
    ]
    assert len(report.sent) == 3
    message = next(m for m in mail.outbox if m.to == ["implementer5@example.test"])
    assert message.subject == "Pengingat Renaksi: 1 jatuh tempo"
    assert "Yth. implementer5," in message.body
    assert "Sub kegiatan 6107.5" in message.body
    assert "batas laporan 5 Maret 2022" in message.body
    assert "4 hari lagi" in message.body
    assert "https://renaksi.example.go.id/pengingat/" in message.body
    (html, content_type) = message.alternatives[0]
    assert content_type == "text/html"
    assert 'href="https://renaksi.example.go.id/pengingat/"' in html
    period = period_of(world, "6107", 5, 2)
    form = reverse("work:realisation", kwargs={"period": period.pk})
    assert f"https://renaksi.example.go.id{form}" in message.body
    assert f'href="https://renaksi.example.go.id{form}"' in html
    assessor = next(m for m in mail.outbox if m.to == ["assessor@example.test"])
    assert assessor.subject == "Pengingat Renaksi: 1 menunggu verifikasi"
    assert "Menunggu verifikasi Anda" in assessor.body
    waiting = period_of(world, "6107", 5, 1).realisation
    review = reverse("work:review", kwargs={"pk": waiting.pk})
    assert f"https://renaksi.example.go.id{review}" in assessor.body


def test_idempotent_on_the_units_day_with_a_frozen_clock(world):
    """Bengkayang in Jayapura: 23:30 UTC is already the next day there."""
    set_zone(world, "6107", "Asia/Jayapura")
    with time_machine.travel(datetime.datetime(2022, 2, 28, 23, 30, tzinfo=UTC), tick=False):
        first = send_reminders()  # 1 March 08:30 in Bengkayang, 06:30 in Sambas
        assert {user.username for user, _items in first.sent} == {"implementer5", "other_regency"}
        assert (
            ReminderDelivery.objects.filter(
                user=world.users["implementer5"], sent_on=day("2022-03-01")
            ).count()
            == 2
        )
        assert send_reminders().sent == []  # the same moment again: nothing
    mail.outbox.clear()
    # 14:59 UTC: still 1 March in Jayapura (23:59) → nothing new for Bengkayang.
    with time_machine.travel(datetime.datetime(2022, 3, 1, 14, 59, tzinfo=UTC), tick=False):
        again = send_reminders()
        assert again.sent == []
        assert again.nothing_new == 2
    # 15:00 UTC: 2 March in Jayapura, still 1 March (22:00) in Sambas (Jakarta).
    with time_machine.travel(datetime.datetime(2022, 3, 1, 15, 0, tzinfo=UTC), tick=False):
        next_day = send_reminders()
    assert [user.username for user, _items in next_day.sent] == ["implementer5"]
    assert [m.to for m in mail.outbox] == [["implementer5@example.test"]]


def test_returned_work_says_so(world):
    realise(period_of(world, "6107", 5, 1), "dikembalikan")
    send_reminders(on=day("2022-03-01"))
    message = next(m for m in mail.outbox if m.to == ["implementer5@example.test"])
    (january,) = [line for line in message.body.splitlines() if "5 Februari 2022" in line]
    assert "dikembalikan untuk diperbaiki" in january
    (february,) = [line for line in message.body.splitlines() if "5 Maret 2022" in line]
    assert "dikembalikan" not in february
    assert "dikembalikan untuk diperbaiki" in message.alternatives[0][0]


def test_a_new_item_later_the_same_day_goes_out_alone(world):
    with time_machine.travel(datetime.datetime(2022, 2, 10, 1, 0, tzinfo=UTC), tick=False):
        send_reminders()
        mail.outbox.clear()
        realise(period_of(world, "6107", 1, 1), "diajukan")
        realise(period_of(world, "6107", 5, 1), "diajukan")  # was overdue for implementer5
        report = send_reminders()
    assert [(user.username, [i.kind for i in items]) for user, items in report.sent] == [
        ("assessor", [KIND_TO_VERIFY, KIND_TO_VERIFY])
    ]
    (message,) = mail.outbox
    assert message.subject == "Pengingat Renaksi: 2 menunggu verifikasi"
    assert "Sub kegiatan 6107.1" in message.body
    assert "Sub kegiatan 6107.5" in message.body


def test_opted_out_inactive_and_without_email_get_nothing_and_are_counted(world):
    ReminderSetting.objects.create(user=world.users["implementer5"], enabled=False)
    other = world.users["other_regency"]
    other.is_active = False
    other.save(update_fields=["is_active"])
    assessor = world.users["assessor"]
    assessor.email = ""
    assessor.save(update_fields=["email"])
    realise(period_of(world, "6107", 5, 1), "diajukan")
    report = send_reminders(on=day("2022-03-01"))
    assert mail.outbox == []
    assert (report.opted_out, report.inactive, report.no_email) == (1, 1, 1)
    assert not ReminderDelivery.objects.exists()
    # Switched on again: the mail goes out the same day.
    ReminderSetting.objects.filter(user=world.users["implementer5"]).update(enabled=True)
    report = send_reminders(on=day("2022-03-01"))
    assert [m.to for m in mail.outbox] == [["implementer5@example.test"]]


def test_dry_run_sends_and_records_nothing(world):
    report = send_reminders(on=day("2022-03-01"), dry_run=True)
    assert {user.username for user, _items in report.sent} == {"implementer5", "other_regency"}
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_a_failed_mail_records_nothing_and_the_others_go_out(world, monkeypatch):
    from renaksi.work import reminders

    real = reminders.build_message

    def failing(user, items):
        message = real(user, items)
        if user.username == "implementer5":
            message.to = []
            message.send = lambda: (_ for _ in ()).throw(OSError("relay refused"))
        return message

    monkeypatch.setattr(reminders, "build_message", failing)
    report = send_reminders(on=day("2022-03-01"))
    assert report.failed == 1
    assert [m.to for m in mail.outbox] == [["other_regency@example.test"]]
    assert not ReminderDelivery.objects.filter(user=world.users["implementer5"]).exists()


# -- scale ---------------------------------------------------------------------------------


@override_settings(SITE_URL="http://renaksi.test")
def test_queries_do_not_grow_with_plans_and_people(world):
    def queries_of_a_run(on):
        ReminderDelivery.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            report = send_reminders(on=on)
        return len(queries), report

    small, small_report = queries_of_a_run(day("2022-03-01"))
    more_plans(world, 8)
    large, large_report = queries_of_a_run(day("2022-03-01"))
    assert large_report.items > small_report.items + 8 * 2
    # Per mail sent: a savepoint, the delivery rows, its release (3 on SQLite and PostgreSQL).
    per_mail = 3
    assert large - per_mail * len(large_report.sent) == small - per_mail * len(small_report.sent)
    assert small - per_mail * len(small_report.sent) <= 6


def test_overdue_is_reminded_for_a_quarter_after_the_due_date(world):
    # January was due on 5 February 2022; 92 days later is 8 May.
    assert (KIND_OVERDUE, 1) in area5(world, "implementer5", collect(on=day("2022-05-08")))
    assert (KIND_OVERDUE, 1) not in area5(world, "implementer5", collect(on=day("2022-05-09")))
    # What waits for verification has no such limit.
    realise(period_of(world, "6107", 5, 1), "diajukan")
    assert (KIND_TO_VERIFY, "6107", 1) in items_of(collect(on=day("2023-06-01")), world, "assessor")
