"""The lists and the plan page cost the same queries with one plan and with many.

One world is measured twice: first with a single plan (KPU Kabupaten Bengkayang 2026), then
after generating plans for two provinces' units over five years. Every page must make exactly
as many queries the second time, and its figures (the tree counts, child counts) stay right.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.core.national import generate_national
from renaksi.plans import editing
from renaksi.plans.counts import attach_tree_counts
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity
from renaksi.plans.views import PLANS_PER_PAGE
from renaksi.units.models import Unit

pytestmark = pytest.mark.django_db

YEAR = 2026
MONTH = f"{YEAR}-03"


def pages(plan_pk: int) -> list[tuple[str, str, str]]:
    """(what, username, URL) for every page measured."""
    return [
        ("plan list, KPU RI viewer", "pembaca-kpuri", reverse("plans:list")),
        ("plan list, unit admin", "admin-6107", reverse("plans:list")),
        ("plan list, page 2", "pembaca-kpuri", reverse("plans:list") + "?halaman=2"),
        ("unit list", "pembaca-kpuri", reverse("units:list")),
        ("unit list, search", "pembaca-kpuri", reverse("units:list") + "?q=Kab"),
        (
            "my work, nothing assigned",
            "pembaca-kpuri",
            reverse("plans:my_work") + f"?bulan={MONTH}",
        ),
        ("my work, PIC", "staf-6107", reverse("plans:my_work") + f"?bulan={MONTH}"),
        ("my work, implementer", "pelaksana1-6107", reverse("plans:my_work") + f"?bulan={MONTH}"),
        ("plan page", "pembaca-kpuri", reverse("plans:detail", args=[plan_pk])),
    ]


def measure(client, plan_pk: int) -> dict:
    counts = {}
    for what, username, url in pages(plan_pk):
        client.force_login(User.objects.get(username=username))
        client.get(url)  # the first request of a session may differ (session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, what
        counts[what] = (len(queries), response)
        # And with nothing cached (the plan list's counts are cached per plan version).
        cache.clear()
        client.force_login(User.objects.get(username=username))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[f"{what}, cold"] = (len(queries), None)
        # And with every plan's stored tree counts out of date (the plan list counts them).
        ActionPlan.objects.update(tree_counts=None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[f"{what}, stale"] = (len(queries), None)
    return counts


def test_same_queries_with_one_plan_and_with_many(client):
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    plan = ActionPlan.objects.get()
    one = measure(client, plan.pk)
    assert SubActivity.objects.filter(pic__username="staf-6107").exists()

    # Two provinces, four years: more than a page of plans, the work month's year too.
    generate_national(years=3, first_year=YEAR - 3, unit_codes=["61"])
    generate_national(years=1, first_year=YEAR, unit_codes=["62", "6101"])
    assert ActionPlan.objects.count() > PLANS_PER_PAGE  # two pages of plans
    many = measure(client, plan.pk)

    assert {what: n for what, (n, _) in many.items()} == {what: n for what, (n, _) in one.items()}
    # Budgets: the session, the user, the grants, and the page's own few queries.
    assert one["plan list, KPU RI viewer"][0] <= 7
    assert one["plan list, KPU RI viewer, cold"][0] <= 7  # the counts are on the plan rows
    assert one["plan list, KPU RI viewer, stale"][0] <= 8  # counted, then written back
    assert one["unit list"][0] <= 8
    assert one["my work, PIC"][0] <= 9
    assert one["plan page"][0] <= 12
    # The pages show the bigger world: a full page of plans, the PIC's own work unchanged.
    assert len(many["plan list, KPU RI viewer"][1].context["plans"]) == PLANS_PER_PAGE
    assert len(one["plan list, KPU RI viewer"][1].context["plans"]) == 1
    for what in ("my work, PIC", "my work, implementer"):
        assert many[what][1].context["total_count"] == one[what][1].context["total_count"] > 0
    assert many["my work, PIC"][1].context["years"] == [YEAR, YEAR - 1, YEAR - 2, YEAR - 3]


def test_plan_list_counts_are_those_of_each_plan(client):
    generate_national(years=2, first_year=YEAR - 1, unit_codes=["6107", "6108"])
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    response = client.get(reverse("plans:list"))
    shown = response.context["plans"]
    assert len(shown) == 4
    for plan in shown:
        expected = ActionPlan.objects.filter(pk=plan.pk).aggregate(
            n_areas=Count("areas", distinct=True),
            n_activities=Count("areas__activities", distinct=True),
            n_subs=Count("areas__activities__sub_activities", distinct=True),
        )
        indicators = Indicator.objects.filter(sub_activity__activity__area__plan=plan).count()
        assert (
            plan.area_count,
            plan.activity_count,
            plan.sub_activity_count,
            plan.indicator_count,
        ) == (expected["n_areas"], expected["n_activities"], expected["n_subs"], indicators)
        assert plan.sub_activity_count > 60
    # The counts are on the page, in the row of their plan.
    first = shown[0]
    row = re.search(
        rf'href="/rencana/{first.pk}/".*?</tr>', response.content.decode(), flags=re.S
    ).group(0)
    assert f">{first.indicator_count}</td>" in row


def test_tree_counts_of_an_empty_plan_are_zero():
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    unit = Unit.objects.get(code="6108")
    empty = ActionPlan.objects.create(unit=unit, year=YEAR)
    (plan,) = attach_tree_counts([empty])
    assert (plan.area_count, plan.activity_count, plan.sub_activity_count) == (0, 0, 0)
    assert plan.indicator_count == 0
    assert attach_tree_counts([]) == []


def test_unit_list_child_counts(client):
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    response = client.get(reverse("units:list"))
    units = list(response.context["page"].object_list)
    assert units[0].code == "00"
    assert units[0].child_count == Unit.objects.filter(parent=units[0]).count() == 38
    for unit in units[1:]:
        assert unit.child_count == Unit.objects.filter(parent=unit).count()


def test_years_with_work_are_distinct_years(client):
    generate_national(years=3, first_year=YEAR - 2, unit_codes=["6107"])
    client.force_login(User.objects.get(username="pelaksana1-6107"))
    response = client.get(reverse("plans:my_work") + f"?bulan={MONTH}")
    assert response.context["years"] == [YEAR, YEAR - 1, YEAR - 2]


def _queries_of(client, username: str, url: str) -> list[str]:
    client.force_login(User.objects.get(username=username))
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_tree_counts_are_kept_on_the_plan_rows(client):
    """Counted once, the counts stay with each plan: an emptied cache does not count them
    again, and writing them changes neither the plan's version nor its time of change."""
    generate_national(years=1, first_year=YEAR, unit_codes=["6107", "6108"])
    before = {plan.pk: (plan.version, plan.updated_at) for plan in ActionPlan.objects.all()}
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    first = {p.pk: _counts_of(p) for p in client.get(reverse("plans:list")).context["plans"]}
    assert first == {pk: _true_counts(ActionPlan.objects.get(pk=pk)) for pk in before}
    stored = dict(ActionPlan.objects.values_list("pk", "tree_counts"))
    assert {pk: tuple(value["counts"]) for pk, value in stored.items()} == first
    assert {p.pk: (p.version, p.updated_at) for p in ActionPlan.objects.all()} == before
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:list"))
    assert {p.pk: _counts_of(p) for p in response.context["plans"]} == first
    sqls = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in sqls if "plans_indicator" in sql or "UPDATE" in sql]


def test_only_the_changed_plan_is_counted_again(client):
    """A plan changed through the editor has a new version: the next list counts that plan
    alone (by its id) and writes its counts; the other plan's stored counts are used."""
    generate_national(years=1, first_year=YEAR, unit_codes=["6107", "6108"])
    plan = ActionPlan.objects.get(unit__code="6107")
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    admin = User.objects.get(username="admin-6107")
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    client.get(reverse("plans:list"))  # both counted and stored
    activity = Activity.objects.filter(area__plan=plan).first()
    editing.add_row(admin, "sub_activity", activity, {"name": "Sub kegiatan baru"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:list"))
    sqls = [query["sql"] for query in queries.captured_queries]
    (counting,) = [sql for sql in sqls if "plans_indicator" in sql]
    assert f"IN ({plan.pk})" in counting
    assert len([sql for sql in sqls if sql.startswith("UPDATE")]) == 1
    shown = {p.pk: _counts_of(p) for p in response.context["plans"]}
    assert shown[plan.pk] == _true_counts(plan)
    assert shown == {p.pk: _true_counts(p) for p in ActionPlan.objects.all()}


def test_counts_stored_for_another_version_are_not_taken(client):
    """Counts written under an older key (a copy of another plan's row, a change written
    while the list was counting) are counted again, never shown."""
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    plan = ActionPlan.objects.get()
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    client.get(reverse("plans:list"))
    plan.refresh_from_db()
    wrong = {"key": f"{plan.pk}:{plan.version - 1}:x", "counts": [1, 2, 3, 4]}
    for stored in (wrong, {**plan.tree_counts, "key": "0:1:x"}, {"counts": [1]}, [1, 2, 3, 4]):
        ActionPlan.objects.filter(pk=plan.pk).update(tree_counts=stored)
        (shown,) = client.get(reverse("plans:list")).context["plans"]
        assert _counts_of(shown) == _true_counts(plan), stored


def test_plan_list_paginates_before_it_counts_trees(client):
    """The COUNT and the LIMIT read plans (and units) only; the tree is read for the page's
    plans alone, by their ids, once: then the counts come from the cache."""
    generate_national(years=1, first_year=YEAR, unit_codes=["6107", "6108"])
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:list")).status_code == 200
    sqls = [query["sql"] for query in queries.captured_queries]
    tree_tables = ("plans_planarea", "plans_activity", "plans_subactivity", "plans_indicator")
    paging = [sql for sql in sqls if "COUNT(" in sql and "plans_actionplan" in sql]
    paging += [sql for sql in sqls if "LIMIT" in sql and "plans_actionplan" in sql]
    assert len(paging) == 2
    assert not [sql for sql in paging for table in tree_tables if table in sql]
    counting = [sql for sql in sqls if "plans_indicator" in sql]
    assert len(counting) == 1
    plan_ids = sorted(ActionPlan.objects.values_list("pk", flat=True))
    assert f"IN ({', '.join(map(str, plan_ids))})" in counting[0]
    # Warm: the same page reads no tree at all.
    assert not [
        sql
        for sql in _queries_of(client, "pembaca-kpuri", reverse("plans:list"))
        if "plans_indicator" in sql
    ]


def _counts_of(plan) -> tuple[int, int, int, int]:
    return (plan.area_count, plan.activity_count, plan.sub_activity_count, plan.indicator_count)


def _shown_counts(client, plan) -> tuple[int, int, int, int]:
    response = client.get(reverse("plans:list"))
    (shown,) = [p for p in response.context["plans"] if p.pk == plan.pk]
    return (shown.area_count, shown.activity_count, shown.sub_activity_count, shown.indicator_count)


def _true_counts(plan) -> tuple[int, int, int, int]:
    return (
        PlanArea.objects.filter(plan=plan).count(),
        Activity.objects.filter(area__plan=plan).count(),
        SubActivity.objects.filter(activity__area__plan=plan).count(),
        Indicator.objects.filter(sub_activity__activity__area__plan=plan).count(),
    )


def test_cached_counts_follow_every_change_of_the_editor(client):
    """The counts are stored under the plan's version: adding or deleting a row in the editor
    raises it, and the list shows the new counts at once."""
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    plan = ActionPlan.objects.get()
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    admin = User.objects.get(username="admin-6107")
    client.force_login(admin)
    assert _shown_counts(client, plan) == _true_counts(plan)  # now cached

    activity = Activity.objects.filter(area__plan=plan).first()
    sub = editing.add_row(admin, "sub_activity", activity, {"name": "Sub kegiatan baru"})
    editing.add_row(admin, "indicator", sub, {"text": "Indikator baru"})
    assert _shown_counts(client, plan) == _true_counts(plan)
    area = PlanArea.objects.filter(plan=plan).order_by("number").last()
    before = _true_counts(plan)
    editing.delete_row(admin, area, expected_version=area.version, confirmed=True)
    after = _true_counts(plan)
    assert after[0] == before[0] - 1 and after[2] < before[2]
    assert _shown_counts(client, plan) == after


def test_unit_list_paginates_before_it_counts_children(client):
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    sqls = _queries_of(client, "pembaca-kpuri", reverse("units:list"))
    counted = [sql for sql in sqls if "COUNT(" in sql and "units_unit" in sql]
    # The paginator's COUNT over units alone (no GROUP BY), then the page's child counts.
    assert any("GROUP BY" not in sql for sql in counted)
    assert not [sql for sql in sqls if "LIMIT" in sql and "GROUP BY" in sql]


def test_my_work_years_are_read_without_the_model_ordering(client):
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    sqls = _queries_of(client, "pelaksana1-6107", reverse("plans:my_work") + f"?bulan={MONTH}")
    distinct = [sql for sql in sqls if "DISTINCT" in sql]
    assert len(distinct) == 1
    assert "ORDER BY" not in distinct[0]
    assert "position" not in distinct[0].split("FROM")[0]


def test_cached_counts_follow_a_reimport(client, settings, tmp_path):
    """Importing a decree over a plan saves the plan row: the list counts the new tree."""
    from renaksi.core.national import TEMPLATE_DECREE
    from renaksi.importer.services import import_decree

    settings.MEDIA_ROOT = tmp_path
    generate_national(years=1, first_year=2022, unit_codes=["6107"], seed=5)
    plan = ActionPlan.objects.get()
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.DRAFT)
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    generated = _shown_counts(client, plan)  # now cached
    assert generated == _true_counts(plan)

    import_decree(
        TEMPLATE_DECREE.read_bytes(), unit=plan.unit, filename=TEMPLATE_DECREE.name, replace=True
    )
    imported = _true_counts(plan)
    assert imported != generated  # the decree's 73 sub-activities, not the generated ones
    assert _shown_counts(client, plan) == imported


def test_list_rows_built_in_python_escape_what_they_show(client):
    """The plan list's and unit list's rows are built in the views: every value escaped."""
    generate_national(years=1, first_year=YEAR, unit_codes=["6107"])
    plan = ActionPlan.objects.get()
    Unit.objects.filter(pk=plan.unit_id).update(name='KPU <b>Uji</b> & "Satu"')
    ActionPlan.objects.filter(pk=plan.pk).update(decree_number="7/<i>PL</i>")
    client.force_login(User.objects.get(username="pembaca-kpuri"))
    plans = client.get(reverse("plans:list")).content.decode()
    assert "KPU &lt;b&gt;Uji&lt;/b&gt; &amp; &quot;Satu&quot;" in plans
    assert "Nomor 7/&lt;i&gt;PL&lt;/i&gt;" in plans
    assert "<b>Uji</b>" not in plans and "<i>PL</i>" not in plans
    units = client.get(reverse("units:list") + "?q=6107").content.decode()
    assert "KPU &lt;b&gt;Uji&lt;/b&gt; &amp; &quot;Satu&quot;" in units
    assert "<b>Uji</b>" not in units
