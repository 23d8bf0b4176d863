"""The year's work pages cost the same queries with one plan's work and with a national amount.

Like tests/test_scale_pages.py for the older pages: one world measured twice, first with the
generated work of one unit (KPU Kabupaten Bengkayang, 2022–2023), then after generating the
work of two provinces' units over more years (thousands of realisations, evidence items and
reviews). Each page must make exactly as many queries the second time and show the same
figures for Bengkayang. The pages helper's own tests (tests/test_work_pages*.py) check the
pages' content; this checks their cost against generate_national's data.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.core.national import generate_national
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.work.models import Realisation

pytestmark = pytest.mark.django_db

REFERENCE = datetime.date(2023, 7, 20)
YEAR = 2022  # a past year: its plan is set (ditetapkan) and has a whole year of work


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2023, 7, 20, 10, tzinfo=datetime.UTC))


def work(**options):
    generate_national(work=True, reference_date=REFERENCE, **options)


def pages(plan: ActionPlan, sub: SubActivity) -> list[tuple[str, str, str]]:
    month = reverse("work:month", kwargs={"plan": plan.pk, "month": 3})
    my_work = reverse("plans:my_work") + f"?bulan={YEAR}-03"
    return [
        ("month view, KPU RI viewer", "pembaca-kpuri", month),
        ("month view, unit admin", "admin-6107", month),
        ("month view, Tim Pengarah", "pengarah-6107", month),
        ("month view, December", "pelaksana1-6107", month.replace("/3/", "/12/")),
        ("my work, implementer", "pelaksana1-6107", my_work),
        ("my work, PIC", "staf-6107", my_work),
        ("my work, assessor", "asesor-6107", my_work),
        ("my work, this month", "pelaksana1-6107", reverse("plans:my_work")),
        ("my work, nothing assigned", "pembaca-kpuri", my_work),
        ("verification queue", "asesor-6107", reverse("work:queue")),
        (
            "sub-activity history",
            "pelaksana1-6107",
            reverse("work:sub_activity_history", kwargs={"plan": plan.pk, "sub": sub.pk}),
        ),
    ]


def measure(client, plan, sub) -> dict:
    counts = {}
    for what, username, url in pages(plan, sub):
        client.force_login(User.objects.get(username=username))
        client.get(url)  # the first request of a session may differ (session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, what
        counts[what] = (len(queries), response.context)
    return counts


def figures(measured: dict) -> dict:
    """What the pages show for Bengkayang, to compare between the two sizes."""
    month = measured["month view, KPU RI viewer"][1]
    lists = measured["my work, implementer"][1]["lists"]
    assessor = measured["my work, assessor"][1]["lists"]
    return {
        "month counts": month["board"].counts,
        "my lists": [len(getattr(lists, name)) for name in ("due", "late", "returned", "waiting")],
        "to verify": assessor.to_verify_count,
        "queue": measured["verification queue"][1]["page"].paginator.count,
    }


def test_same_queries_with_one_units_work_and_with_many(client):
    work(years=2, first_year=YEAR, unit_codes=["6107"])
    plan = ActionPlan.objects.get(unit__code="6107", year=YEAR)
    sub = SubActivity.objects.filter(activity__area__plan=plan, realisations__isnull=False)
    sub = sub.order_by("activity__area__number", "activity__position", "position").first()
    assert Realisation.objects.filter(plan=plan).count() > 300  # a year of work
    one = measure(client, plan, sub)
    shown = figures(one)
    assert sum(n for _state, _label, n in shown["month counts"]) > 20
    assert 0 < shown["to verify"] <= shown["queue"]  # the year's, and every year's

    # Two provinces' units, earlier years of Bengkayang too: about 65 plans of work.
    work(years=2, first_year=YEAR - 2, unit_codes=["61"])
    work(years=2, first_year=YEAR, unit_codes=["62", "6101"])
    assert ActionPlan.objects.count() > 60
    assert Realisation.objects.count() > 15 * Realisation.objects.filter(plan=plan).count()
    many = measure(client, plan, sub)

    assert {what: n for what, (n, _) in many.items()} == {what: n for what, (n, _) in one.items()}
    bigger = figures(many)
    # The assessor of Bengkayang is also that of its earlier years: their queue grew (on the
    # same number of queries); everything else shown for Bengkayang is unchanged.
    assert bigger.pop("queue") > shown.pop("queue")
    assert bigger == shown
    # Budgets: the session, the user, the grants, and the page's own few queries.
    for what, (n, _context) in one.items():
        assert 3 < n <= 16, what
