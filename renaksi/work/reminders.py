"""Reminder e-mails: what each person has due, overdue, or waiting for their verification.

For a moment (default: now), every unit's "today" is its own date in its time zone
(``Unit.time_zone``: at 23:30 UTC it is already the next day in Jayapura). Then, per person:

* **due** (``KIND_DUE``): a planned period whose ``due_on`` falls in [today, today + N days]
  (N: the person's ``ReminderSetting.days_ahead``, default 7) and whose realisation is not
  submitted (none yet, a draft, or returned), for the items the person reports on;
* **overdue** (``KIND_OVERDUE``): the same with ``due_on`` before today, for at most
  ``OVERDUE_DAYS`` (92, about a quarter) after it: plans stay ``ditetapkan`` after their
  year, and a report years late is the evaluation's business, not a daily e-mail's (the
  pages still show it late);
* **to verify** (``KIND_TO_VERIFY``): a realisation waiting for verification (``diajukan``),
  for each Tim Asesor member of its unit and year.

Who reports on an item follows the access rules (renaksi/access/rules.py ``reports_on``): the
Tim Pelaksana of the sub-activity's area (unit and year), the PIC of the sub-activity or of
its activity while they belong to the unit (a role there or a place in one of its teams), and
for a change agent's action the agent whose plan it is while a change agent of that unit and
year. Only plans in force (``ditetapkan``) are reminded of; an archived plan is not.

``collect`` reads everything in a fixed number of queries, whatever the number of units and
people. ``send_reminders`` sends one e-mail per person with the items not yet sent to them on
their unit's today: a ``ReminderDelivery`` row per (person, kind, period, day) is the
idempotence key, written in the same transaction as the mail is sent, so a second run on the
same day sends nothing, and an item that appears later that day goes out in a new mail with
only the new items. People who switched reminders off, inactive accounts and accounts without
an e-mail address get nothing and are counted.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from renaksi.access.models import UnitRole
from renaksi.plans.lampiran import period_names
from renaksi.plans.models import ActionPlan
from renaksi.teams.models import POSITION_PART, Part, TeamMember
from renaksi.units.models import TIME_ZONES

from .models import ReminderDelivery, ReminderSetting, SchedulePeriod

logger = logging.getLogger(__name__)

KIND_DUE = "due"
KIND_OVERDUE = "overdue"
KIND_TO_VERIFY = "to_verify"
KIND_LABELS = {
    KIND_DUE: _("Jatuh tempo"),
    KIND_OVERDUE: _("Terlambat"),
    KIND_TO_VERIFY: _("Menunggu verifikasi Anda"),
}
KINDS = [KIND_OVERDUE, KIND_DUE, KIND_TO_VERIFY]

DEFAULT_DAYS_AHEAD = ReminderSetting._meta.get_field("days_ahead").default
MAX_DAYS_AHEAD = 31  # the validator's maximum on ReminderSetting.days_ahead
OVERDUE_DAYS = 92  # an overdue report is reminded of for this many days after its due date
# The realisation states in which the report is still the reporter's to send.
OPEN_STATES = ("draf", "dikembalikan")
WAITING_STATE = "diajukan"
# Only plans in force are reminded of.
REMINDED_PLAN_STATUSES = (ActionPlan.Status.DITETAPKAN,)


@dataclass(frozen=True)
class Item:
    """One thing to remind a person of."""

    kind: str
    period: SchedulePeriod
    today: datetime.date  # the unit's today

    @property
    def key(self) -> tuple[str, int, datetime.date]:
        return (self.kind, self.period.pk, self.today)

    @property
    def realisation(self):
        return getattr(self.period, "realisation", None)

    @property
    def days(self) -> int:
        """Days until the due date (due), days late (overdue), 0 for to verify."""
        delta = (self.period.due_on - self.today).days
        return abs(delta) if self.kind != KIND_TO_VERIFY else 0

    @property
    def plan(self) -> ActionPlan:
        return self.period.plan

    @property
    def unit(self):
        return self.period.plan.unit

    @property
    def number(self) -> str:
        sub = self.period.sub_activity
        if sub is None:
            return ""
        return f"{sub.activity.area.number}.{sub.activity.number}.{sub.number}"

    @property
    def title(self) -> str:
        sub = self.period.sub_activity
        if sub is not None:
            return sub.name
        return str(_("Aksi agen perubahan: %(title)s") % {"title": self.period.agent_action.title})

    @property
    def period_label(self) -> str:
        kind = self.plan.schedule_kind if self.period.sub_activity_id else ActionPlan.Schedule.MONTH
        return f"{period_names(kind)[self.period.period - 1]} {self.period.year}"

    def path(self) -> str:
        """Where to act on the item: the realisation form, or the assessor's review page."""
        if self.kind == KIND_TO_VERIFY:
            return reverse("work:review", kwargs={"pk": self.realisation.pk})
        return reverse("work:realisation", kwargs={"period": self.period.pk})


@dataclass
class Digest:
    """What one person would be reminded of today, and their setting."""

    user: object
    items: list[Item] = field(default_factory=list)

    @property
    def setting(self) -> ReminderSetting | None:
        try:
            return self.user.reminder_setting
        except ReminderSetting.DoesNotExist:
            return None

    @property
    def enabled(self) -> bool:
        setting = self.setting
        return setting.enabled if setting is not None else True

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    @property
    def overdue(self) -> list[Item]:
        return self.of_kind(KIND_OVERDUE)

    @property
    def due(self) -> list[Item]:
        return self.of_kind(KIND_DUE)

    @property
    def to_verify(self) -> list[Item]:
        return self.of_kind(KIND_TO_VERIFY)


def days_ahead_of(user) -> int:
    try:
        return user.reminder_setting.days_ahead
    except ReminderSetting.DoesNotExist:
        return DEFAULT_DAYS_AHEAD


def todays(moment: datetime.datetime | None = None, on: datetime.date | None = None) -> dict:
    """Today in each time zone of the units: ``on`` for all, or the moment's local dates."""
    if on is not None:
        return {zone: on for zone, _label in TIME_ZONES}
    moment = moment or timezone.now()
    return {zone: moment.astimezone(ZoneInfo(zone)).date() for zone, _label in TIME_ZONES}


PERIOD_FIELDS = (
    "plan",
    "unit",
    "year",
    "sub_activity",
    "agent_action",
    "period",
    "planned",
    "due_on",
)


def _candidate_periods(days: dict, unit_ids) -> list[SchedulePeriod]:
    """Open periods that may be due or overdue for someone, and every period waiting for
    verification, with what the e-mail shows (one query)."""
    due_by_zone = Q()
    for zone, today in days.items():
        due_by_zone |= Q(
            unit__time_zone=zone,
            due_on__lte=today + datetime.timedelta(days=MAX_DAYS_AHEAD),
            due_on__gte=today - datetime.timedelta(days=OVERDUE_DAYS),
        )
    open_report = Q(realisation__isnull=True) | Q(realisation__state__in=OPEN_STATES)
    condition = (Q(planned=True) & open_report & due_by_zone) | Q(realisation__state=WAITING_STATE)
    periods = SchedulePeriod.objects.filter(
        condition, plan__status__in=REMINDED_PLAN_STATUSES
    ).select_related(
        "plan__unit",
        "sub_activity__activity__area",
        "agent_action__agent_plan",
        "realisation",
    )
    # Only what the rules and the e-mail read: a national run loads tens of thousands of rows,
    # and a plan's decree texts (JSON) would cost more than everything else together.
    periods = periods.only(
        *PERIOD_FIELDS,
        "plan__schedule_kind",
        "plan__unit__code",
        "plan__unit__name",
        "plan__unit__time_zone",
        "sub_activity__name",
        "sub_activity__number",
        "sub_activity__pic_id",
        "sub_activity__activity__number",
        "sub_activity__activity__pic_id",
        "sub_activity__activity__area__number",
        "agent_action__title",
        "agent_action__agent_plan__agent_id",
        "realisation__state",
    )
    if unit_ids is not None:
        periods = periods.filter(unit_id__in=sorted(unit_ids))
    return list(periods.order_by("unit__code", "year", "due_on", "pk"))


@dataclass
class _People:
    """The people of the candidate units, read in two queries."""

    implementers: dict = field(default_factory=lambda: defaultdict(set))  # (unit, year, area)
    assessors: dict = field(default_factory=lambda: defaultdict(set))  # (unit, year)
    agents: dict = field(default_factory=lambda: defaultdict(set))  # (unit, year)
    belong: dict = field(default_factory=lambda: defaultdict(set))  # unit → users

    @classmethod
    def of_units(cls, unit_ids: set[int]) -> _People:
        people = cls()
        ids = sorted(unit_ids)
        members = TeamMember.objects.filter(team__unit_id__in=ids, user__isnull=False)
        for unit_id, year, position, area, user_id in members.values_list(
            "team__unit_id", "team__year", "position", "change_area__number", "user_id"
        ):
            people.belong[unit_id].add(user_id)
            part = POSITION_PART.get(position)
            if part == Part.PELAKSANA and area is not None:
                people.implementers[(unit_id, year, area)].add(user_id)
            elif part == Part.ASESOR:
                people.assessors[(unit_id, year)].add(user_id)
            elif part == Part.AGEN:
                people.agents[(unit_id, year)].add(user_id)
        for unit_id, user_id in UnitRole.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "user_id"
        ):
            people.belong[unit_id].add(user_id)
        return people

    def reporters(self, period: SchedulePeriod) -> set[int]:
        unit_id, year = period.unit_id, period.year
        if period.agent_action_id:
            agent_id = period.agent_action.agent_plan.agent_id
            return {agent_id} if agent_id in self.agents[(unit_id, year)] else set()
        sub = period.sub_activity
        activity = sub.activity
        users = set(self.implementers[(unit_id, year, activity.area.number)])
        for pic_id in (sub.pic_id, activity.pic_id):
            if pic_id is not None and pic_id in self.belong[unit_id]:
                users.add(pic_id)
        return users


def collect(
    moment: datetime.datetime | None = None,
    *,
    on: datetime.date | None = None,
    user=None,
) -> dict[int, Digest]:
    """Each person's reminders for ``moment`` (or the day ``on`` everywhere): user id → Digest.

    With ``user``, only theirs (the same rules, restricted to the units they belong to: every
    way of reporting on or verifying an item needs a role or a team place in its unit).
    Four queries whatever the size (periods, team members, unit roles, users with their
    settings), and the user's grants with ``user``.
    Inactive users are included (``send_reminders`` skips and counts them).
    """
    days = todays(moment, on)
    unit_ids = None
    if user is not None:
        from renaksi.access.policy import grants_for

        grants = grants_for(user)
        if not grants.active:
            return {}
        unit_ids = grants.role_units | grants.member_units
        if not unit_ids:
            return {}
    periods = _candidate_periods(days, unit_ids)
    if not periods:
        return {}
    people = _People.of_units({period.unit_id for period in periods})

    wanted: dict[int, list[tuple[str, SchedulePeriod, datetime.date]]] = defaultdict(list)
    for period in periods:
        today = days[period.plan.unit.time_zone]
        realisation = getattr(period, "realisation", None)
        if realisation is not None and realisation.state == WAITING_STATE:
            for user_id in people.assessors[(period.unit_id, period.year)]:
                wanted[user_id].append((KIND_TO_VERIFY, period, today))
            continue
        if not period.planned:
            continue
        kind = KIND_OVERDUE if period.due_on < today else KIND_DUE
        for user_id in people.reporters(period):
            wanted[user_id].append((kind, period, today))
    if user is not None:
        wanted = {user.pk: wanted[user.pk]} if user.pk in wanted else {}
    if not wanted:
        return {}

    users = (
        get_user_model().objects.filter(pk__in=sorted(wanted)).select_related("reminder_setting")
    )
    digests: dict[int, Digest] = {}
    for person in users.order_by("username"):
        ahead = days_ahead_of(person)
        items = [
            Item(kind, period, today)
            for kind, period, today in wanted[person.pk]
            if kind != KIND_DUE or (period.due_on - today).days <= ahead
        ]
        if items:
            items.sort(key=lambda item: (KINDS.index(item.kind), item.period.due_on, item.key))
            digests[person.pk] = Digest(person, items)
    return digests


def already_sent(digests: dict[int, Digest]) -> set[tuple[int, str, int, datetime.date]]:
    """The (user, kind, period, day) keys of the digests' items already delivered (1 query)."""
    days = {item.today for digest in digests.values() for item in digest.items}
    if not digests:
        return set()
    return set(
        ReminderDelivery.objects.filter(
            user_id__in=sorted(digests), sent_on__in=sorted(days)
        ).values_list("user_id", "kind", "period_id", "sent_on")
    )


@dataclass
class RunReport:
    """What a run did: the mails sent (person, items) and the people skipped, by reason."""

    dry_run: bool = False
    sent: list[tuple[object, list[Item]]] = field(default_factory=list)
    nothing_new: int = 0
    opted_out: int = 0
    inactive: int = 0
    no_email: int = 0
    failed: int = 0
    raced: int = 0  # another run sent the same items at the same time

    @property
    def items(self) -> int:
        return sum(len(items) for _user, items in self.sent)

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "mails": len(self.sent),
            "items": self.items,
            "recipients": [user.get_username() for user, _items in self.sent],
            "nothing_new": self.nothing_new,
            "opted_out": self.opted_out,
            "inactive": self.inactive,
            "no_email": self.no_email,
            "failed": self.failed,
            "raced": self.raced,
        }


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def counts_text(items: list[Item]) -> str:
    """ "2 terlambat, 1 jatuh tempo, 3 menunggu verifikasi" (the kinds present)."""
    parts = []
    for kind in KINDS:
        count = sum(1 for item in items if item.kind == kind)
        if not count:
            continue
        if kind == KIND_OVERDUE:
            parts.append(ngettext("%(count)d terlambat", "%(count)d terlambat", count))
        elif kind == KIND_DUE:
            parts.append(ngettext("%(count)d jatuh tempo", "%(count)d jatuh tempo", count))
        else:
            parts.append(
                ngettext("%(count)d menunggu verifikasi", "%(count)d menunggu verifikasi", count)
            )
        parts[-1] = parts[-1] % {"count": count}
    return ", ".join(parts)


def build_message(user, items: list[Item]) -> EmailMultiAlternatives:
    """The reminder e-mail: plain text and HTML, in Indonesian (Renaksi stores no language per
    person), every item with an absolute link, and a link to switch reminders off."""
    base = site_url()
    with translation.override(settings.LANGUAGE_CODE):
        sections = [
            {
                "kind": kind,
                "label": KIND_LABELS[kind],
                "items": [
                    {"item": item, "url": base + item.path()} for item in items if item.kind == kind
                ],
            }
            for kind in KINDS
        ]
        context = {
            "user": user,
            "name": user.get_full_name() or user.get_username(),
            "sections": [section for section in sections if section["items"]],
            "settings_url": base + reverse("work:reminders"),
            "site_url": base,
            "counts": counts_text(items),
        }
        subject = "".join(
            render_to_string("work/reminders_email_subject.txt", context).splitlines()
        ).strip()
        text = render_to_string("work/reminders_email.txt", context)
        html = render_to_string("work/reminders_email.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_reminders(
    moment: datetime.datetime | None = None,
    *,
    on: datetime.date | None = None,
    dry_run: bool = False,
) -> RunReport:
    """Send each person one e-mail with their reminders not yet sent today (see the module)."""
    report = RunReport(dry_run=dry_run)
    digests = collect(moment, on=on)
    sent = already_sent(digests)
    for digest in digests.values():
        user = digest.user
        if not user.is_active:
            report.inactive += 1
            continue
        if not user.email:
            report.no_email += 1
            continue
        if not digest.enabled:
            report.opted_out += 1
            continue
        new = [item for item in digest.items if (user.pk, *item.key) not in sent]
        if not new:
            report.nothing_new += 1
            continue
        if dry_run:
            report.sent.append((user, new))
            continue
        try:
            with transaction.atomic():
                # The keys first: a run racing this one waits on them, then fails here.
                ReminderDelivery.objects.bulk_create(
                    [
                        ReminderDelivery(
                            user=user, kind=item.kind, period=item.period, sent_on=item.today
                        )
                        for item in new
                    ]
                )
                build_message(user, new).send()
        except IntegrityError:
            report.raced += 1
            continue
        except Exception:
            # One person's failed mail (the mail server refused it) does not stop the others;
            # nothing was recorded, so the next run tries again.
            logger.exception("Reminder e-mail to user %s failed", user.pk)
            report.failed += 1
            continue
        report.sent.append((user, new))
    return report


def change_setting(user, *, enabled: bool, days_ahead: int) -> ReminderSetting:
    """Save a person's reminder setting, with an audit entry when anything changed."""
    from renaksi.audit.services import record

    with transaction.atomic():
        setting, _created = ReminderSetting.objects.select_for_update().get_or_create(user=user)
        before = {"enabled": setting.enabled, "days_ahead": setting.days_ahead}
        after = {"enabled": enabled, "days_ahead": days_ahead}
        if before != after:
            setting.enabled = enabled
            setting.days_ahead = days_ahead
            setting.full_clean()
            setting.save(update_fields=["enabled", "days_ahead"])
            record(user, "work.reminders_changed", obj=setting, before=before, after=after)
    return setting
