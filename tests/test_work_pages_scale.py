"""The year's work pages cost the same queries at one plan and at many, with nothing recorded
and with a year of realisations, reviews and history entries.

One world is measured twice: first one generated plan (KPU Kabupaten Bengkayang 2026) with no
work recorded, then after generating two provinces' units over four years and recording
realisations in every state on most periods (and audit entries on the measured sub-activity).
"""

import datetime
import itertools

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.audit.services import build
from renaksi.core.national import generate_national
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.work.models import Realisation, Review, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

pytestmark = pytest.mark.django_db

YEAR = 2026
# 15 March 2026 in Bengkayang: January and February are late, March due.
NOW = datetime.datetime(2026, 3, 15, 3, 0, tzinfo=datetime.UTC)
STATES = [
    Realisation.State.DRAFT,
    Realisation.State.SUBMITTED,
    Realisation.State.RETURNED,
    Realisation.State.VERIFIED,
]


def sync_all() -> None:
    for plan in ActionPlan.objects.all():
        sync_plan_periods(plan)


def seat_assessor() -> User:
    """One assessor in every team (so their places grow with the world)."""
    assessor, _ = User.objects.get_or_create(username="asesor-skala", first_name="Asesor")
    have = set(TeamMember.objects.filter(user=assessor).values_list("team_id", flat=True))
    TeamMember.objects.bulk_create(
        TeamMember(team=team, user=assessor, name="Asesor", position=Position.ASESOR_ANGGOTA)
        for team in ReformTeam.objects.exclude(pk__in=have)
    )
    return assessor


def record_work(reviewer: User, history_sub: SubActivity) -> int:
    """Realisations in every state on the first four months of every plan not yet recorded, a
    review on each returned one, and audit entries on the measured sub-activity's
    realisations (again: the second call doubles them)."""
    periods = list(SchedulePeriod.objects.filter(period__lte=4, realisation__isnull=True))
    states = itertools.cycle(STATES)
    realisations = [
        Realisation(
            period=period,
            plan_id=period.plan_id,
            unit_id=period.unit_id,
            year=period.year,
            sub_activity_id=period.sub_activity_id,
            agent_action_id=period.agent_action_id,
            state=state,
            status=Realisation.Status.DONE,
            progress=100,
            submitted_at=None if state == Realisation.State.DRAFT else NOW,
        )
        for period, state in zip(periods, states, strict=False)
    ]
    Realisation.objects.bulk_create(realisations, batch_size=1000)
    returned = Realisation.objects.filter(state=Realisation.State.RETURNED, reviews__isnull=True)
    Review.objects.bulk_create(
        Review(
            realisation=realisation,
            reviewer=reviewer,
            verdict=Review.Verdict.RETURNED,
            comment="Lengkapi bukti dukung.",
            realisation_version=1,
        )
        for realisation in returned
    )
    entries = []
    for realisation in Realisation.objects.filter(sub_activity=history_sub).select_related("plan"):
        for action in ("work.realisation_saved", "work.realisation_submitted"):
            entries.append(
                build(
                    reviewer, action, plan=realisation.plan, obj=realisation, after={"progress": 50}
                )
            )
    LogEntry.objects.bulk_create(entries)
    return len(realisations)


def pages(plan: ActionPlan, sub: SubActivity) -> list[tuple[str, str, str]]:
    month = reverse("work:month", kwargs={"plan": plan.pk, "month": 3})
    history = reverse("work:sub_activity_history", kwargs={"plan": plan.pk, "sub": sub.pk})
    my_work = reverse("plans:my_work") + f"?bulan={YEAR}-03"
    return [
        ("my work, nothing assigned", "pembaca-kpuri", my_work),
        ("my work, implementer", "pelaksana1-6107", my_work),
        ("my work, PIC", "staf-6107", my_work),
        ("my work, opening month", "pelaksana1-6107", reverse("plans:my_work")),
        ("my work, assessor", "asesor-skala", my_work),
        ("month view, steering", "pengarah-6107", month),
        ("month view, reader", "pembaca-kpuri", month),
        ("queue, assessor", "asesor-skala", reverse("work:queue")),
        ("queue, page 2", "asesor-skala", reverse("work:queue") + "?halaman=2"),
        ("queue, nobody's", "pembaca-kpuri", reverse("work:queue")),
        ("sub-activity history", "pembaca-kpuri", history),
    ]


def measure(client, plan, sub) -> dict:
    counts = {}
    with time_machine.travel(NOW, tick=False):
        for what, username, url in pages(plan, sub):
            client.force_login(User.objects.get(username=username))
            client.get(url)  # the first request of a session may differ
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, what
            counts[what] = (len(queries), response)
    return counts


def test_same_queries_with_one_plan_and_with_many(client):
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    sync_all()
    assessor = seat_assessor()
    plan = ActionPlan.objects.get()
    sub = SubActivity.objects.filter(activity__area__plan=plan, schedule_periods__period=3).first()
    zero = measure(client, plan, sub)  # nothing recorded yet
    record_work(assessor, sub)  # one plan's first four months
    one = measure(client, plan, sub)
    assert one["month view, reader"][1].context["board"].total > 20

    generate_national(years=3, first_year=YEAR - 3, unit_codes=["61"])
    generate_national(years=1, first_year=YEAR, unit_codes=["62", "6101"])
    sync_all()
    seat_assessor()
    recorded = record_work(assessor, sub)
    assert recorded > 5000 and ActionPlan.objects.count() > 50
    many = measure(client, plan, sub)

    print({what: n for what, (n, _) in many.items()})  # the figures of docs/work-pages.md
    assert {what: n for what, (n, _) in many.items()} == {what: n for what, (n, _) in one.items()}
    # The same with nothing recorded and with a lot, for the same person. (An empty page of
    # the queue or of the history skips the paginator's fetch: one query less, never more.)
    for what, (n, _) in zero.items():
        if what.startswith(("my work", "month view")):
            assert n == one[what][0], what
        else:
            assert n <= one[what][0], what
    # A person with no tasks at all skips the indicators' prefetch of their (no) tasks; an
    # assessor (with no tasks either) two more: the oldest submitted, and how many wait.
    assert one["my work, nothing assigned"][0] == one["my work, implementer"][0] - 1
    assert one["my work, assessor"][0] == one["my work, nothing assigned"][0] + 2
    # Budgets: session, user, grants, and the page's own few queries.
    assert one["my work, implementer"][0] <= 11
    assert one["month view, steering"][0] <= 9
    assert one["queue, assessor"][0] <= 8
    assert one["sub-activity history"][0] <= 9
    # The pages show the bigger world.
    lists = many["my work, implementer"][1].context["lists"]
    assert lists.waiting and lists.returned and lists.late
    assert lists.returned[0].return_comment == "Lengkapi bukti dukung."
    assert many["my work, assessor"][1].context["lists"].to_verify_count > 500
    assert len(many["queue, assessor"][1].context["queue"]) == 50
    assert len(one["queue, assessor"][1].context["queue"]) < 50
    counts = {s: n for s, _, n in many["month view, reader"][1].context["board"].counts}
    assert counts["waiting"] and counts["returned"] and counts["verified"]
    assert sum(counts.values()) == one["month view, reader"][1].context["board"].total
    assert len(many["sub-activity history"][1].context["rows"]) >= 2
