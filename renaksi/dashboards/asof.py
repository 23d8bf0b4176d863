"""The day a dashboard's figures are computed at ("as of"), one rule for every dashboard.

The rule (docs/dashboards.md, "Per tanggal"):

* without a choice, every plan is seen **as of today on the unit's calendar** (its time zone,
  ``renaksi.monitoring.figures.unit_date(unit, None)``, not the server's). A plan of a past
  year is then seen as it ended: every month of it is over and every report deadline has
  passed, so whatever was never reported is late; a plan of a future year shows nothing due.
* the reader may choose another day with ``?per=YYYY-MM-DD`` (``PARAM``): any day from
  1 January of the plan's year up to today (a day after today is refused: its figures do not
  exist yet). A value that is not a date, or is outside that range, is ignored (today applies)
  and ``AsOf.error`` says why, in Indonesian, for the page to show at the date field.

The province and national dashboards pass the reading unit (KPU Provinsi, KPU RI: its
calendar) and the year they show; a unit dashboard passes the plan's unit and year
(``for_plan``).

Use::

    as_of = resolve(plan.year, plan.unit, request.GET.get(PARAM))
    as_of.date            # the day to compute at (cell_state(..., today=as_of.date))
    as_of.months_ended    # 0–12: the months of the year that are over on that day
    as_of.current_month   # the month "this month" is (None outside the year)
    as_of.query           # "per=2022-06-30" when chosen, "" otherwise (for links)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from renaksi.monitoring.figures import unit_date

PARAM = "per"


class Rule:
    """Why a dashboard uses the day it uses (``AsOf.rule``)."""

    TODAY = "today"  # today on the unit's calendar
    CHOSEN = "chosen"  # the reader's ?per= day


@dataclass(frozen=True)
class AsOf:
    year: int
    date: datetime.date
    today: datetime.date
    rule: str
    error: str = ""  # why the reader's ?per= value was ignored ("" when it was not)
    value: str = ""  # the reader's ?per= value as given (to show it back in the field)

    @property
    def chosen(self) -> bool:
        return self.rule == Rule.CHOSEN

    @property
    def query(self) -> str:
        """``per=YYYY-MM-DD`` when the reader chose the day, "" otherwise: add it to links so
        that the page behind a figure is seen at the same day."""
        return f"{PARAM}={self.date.isoformat()}" if self.chosen else ""

    @property
    def months_ended(self) -> int:
        """The months of ``year`` that are over on ``date`` (0 … 12)."""
        return months_ended(self.year, self.date)

    @property
    def current_month(self) -> int | None:
        """The month of ``year`` that ``date`` falls in (None when it is not in that year)."""
        return self.date.month if self.date.year == self.year else None

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        """The last day a reader may choose: today (the first day of the year for a year
        that has not begun: then no day can be chosen)."""
        return max(self.today, self.first_day)

    @property
    def year_over(self) -> bool:
        """Every month of the year is over on ``date``."""
        return self.months_ended == 12


def months_ended(year: int, day: datetime.date) -> int:
    """How many months of ``year`` are over on ``day``: 0 before February, 12 after the year."""
    if day.year < year:
        return 0
    if day.year > year:
        return 12
    return day.month - 1


def parse(value: str, year: int, today: datetime.date) -> tuple[datetime.date | None, str]:
    """(the day, "") for a valid ``?per=`` value, (None, the Indonesian reason) otherwise."""
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None, _("Tanggal tidak valid: tulis sebagai TTTT-BB-HH, misalnya %(example)s.") % {
            "example": f"{year}-06-30"
        }
    if day.year < year:
        return None, _("Tanggal tidak boleh sebelum tahun rencana (%(year)s).") % {"year": year}
    if day > today:
        return None, _("Tanggal tidak boleh setelah hari ini (%(today)s).") % {
            "today": today.isoformat()
        }
    return day, ""


def resolve(year: int, unit, value: str | None = None, today: datetime.date | None = None) -> AsOf:
    """The day a dashboard of ``year`` read for ``unit`` (its calendar) is computed at;
    ``value`` is the reader's ``?per=`` (None or "": no choice); ``today`` defaults to today
    on the unit's calendar (``unit_date(unit, None)``)."""
    if today is None:
        today = unit_date(unit, None)
    if not value:
        return AsOf(year=year, date=today, today=today, rule=Rule.TODAY)
    value = value[:40]  # shown back in the field: no more than a date needs
    day, error = parse(value, year, today)
    if day is None:
        return AsOf(year=year, date=today, today=today, rule=Rule.TODAY, error=error, value=value)
    return AsOf(year=year, date=day, today=today, rule=Rule.CHOSEN, value=value)


def for_plan(plan, request) -> AsOf:
    """``resolve`` for a plan's dashboard from the request's ``?per=``."""
    return resolve(plan.year, plan.unit, request.GET.get(PARAM))
