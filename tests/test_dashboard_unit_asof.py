"""The dashboards' as-of rule (renaksi/dashboards/asof.py): today on the unit's calendar, or
a reader's ?per= day from 1 January of the plan's year to today; anything else ignored with a
reason."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from renaksi.dashboards import asof
from renaksi.dashboards.asof import Rule, months_ended, resolve

D = datetime.date
TODAY = D(2026, 12, 1)
UNIT = SimpleNamespace(time_zone="Asia/Jayapura")


def test_current_year_is_seen_today():
    a = resolve(2026, UNIT, None, today=TODAY)
    assert (a.date, a.rule, a.chosen, a.query, a.error) == (TODAY, Rule.TODAY, False, "", "")
    assert a.months_ended == 11
    assert a.current_month == 12
    assert (a.first_day, a.last_day) == (D(2026, 1, 1), TODAY)


def test_past_year_is_seen_today_as_it_ended():
    a = resolve(2022, UNIT, "", today=TODAY)
    assert (a.date, a.rule) == (TODAY, Rule.TODAY)
    assert (a.months_ended, a.year_over, a.current_month) == (12, True, None)
    assert a.last_day == TODAY


def test_future_year_is_seen_today_and_nothing_is_over():
    a = resolve(2027, UNIT, None, today=TODAY)
    assert (a.date, a.rule, a.months_ended, a.current_month) == (TODAY, Rule.TODAY, 0, None)
    assert a.last_day == a.first_day == D(2027, 1, 1)
    assert "setelah hari ini" in resolve(2027, UNIT, "2027-01-01", today=TODAY).error


def test_chosen_day():
    a = resolve(2022, UNIT, "2022-06-30", today=TODAY)
    assert (a.date, a.rule, a.chosen, a.error) == (D(2022, 6, 30), Rule.CHOSEN, True, "")
    assert a.query == "per=2022-06-30"
    assert (a.months_ended, a.current_month, a.year_over) == (5, 6, False)
    later = resolve(2022, UNIT, "2023-01-10", today=TODAY)  # after the year: allowed
    assert (later.date, later.months_ended, later.current_month) == (D(2023, 1, 10), 12, None)


@pytest.mark.parametrize(
    "value, reason",
    [
        ("kemarin", "TTTT-BB-HH"),
        ("2022-02-30", "TTTT-BB-HH"),
        ("2021-12-31", "sebelum tahun rencana (2022)"),
        ("2027-01-01", "setelah hari ini"),
        ("x" * 5000, "TTTT-BB-HH"),
    ],
)
def test_bad_day_is_ignored_with_a_reason(value, reason):
    a = resolve(2022, UNIT, value, today=TODAY)
    assert (a.date, a.rule, a.chosen, a.query) == (TODAY, Rule.TODAY, False, "")
    assert reason in a.error
    assert len(a.value) <= 40


def test_day_after_today_is_refused():
    a = resolve(2026, UNIT, "2026-12-02", today=TODAY)
    assert (a.date, a.rule) == (TODAY, Rule.TODAY)
    assert "setelah hari ini (2026-12-01)" in a.error
    assert resolve(2026, UNIT, "2026-12-01", today=TODAY).chosen


def test_today_comes_from_the_units_calendar(monkeypatch):
    # 31 December 2025, 20:00 UTC is already 1 January 2026 in Jayapura (UTC+9), not in UTC.
    moment = datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert resolve(2026, UNIT).date == D(2026, 1, 1)
    assert resolve(2025, UNIT).year_over
    utc = resolve(2025, SimpleNamespace(time_zone="UTC"))
    assert (utc.date, utc.year_over, utc.current_month) == (D(2025, 12, 31), False, 12)


@pytest.mark.parametrize(
    "day, expected",
    [(D(2021, 12, 31), 0), (D(2022, 1, 31), 0), (D(2022, 2, 1), 1), (D(2022, 12, 31), 11)],
)
def test_months_ended(day, expected):
    assert months_ended(2022, day) == expected
    assert months_ended(2021, D(2022, 1, 1)) == 12


def test_for_plan_reads_the_param():
    plan = SimpleNamespace(year=2022, unit=UNIT)
    request = SimpleNamespace(GET={asof.PARAM: "2022-03-15"})
    assert asof.for_plan(plan, request).date == D(2022, 3, 15)


def test_percentages_round_half_up():
    from decimal import Decimal

    from renaksi.dashboards.templatetags.unit_dashboard import pct, points

    assert pct(Decimal("66.67")) == "66,7 %"
    assert pct(Decimal("78.57")) == "78,6 %"
    assert pct(None) == "—"
    assert points(Decimal("-40.05")) == "−40,1"
    assert points(Decimal("0.04")) == "0,0"
    assert points(Decimal("3.25")) == "+3,3"
