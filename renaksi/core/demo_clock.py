"""A clock for the demo story: seed_demo records the 2022 year as it would have happened.

The demo plan's months are long past; recorded today, every report would be late and every
quarterly package sent years after its deadline, and the history would show nothing of the
year's rhythm. ``DemoClock`` lets seed_demo run the real services (their checks, their audit
entries, their late flags) at the moments of the story: ``with DemoClock() as clock:
clock.set(datetime)`` makes ``django.utils.timezone.now()`` — which every service, model
default (``default=timezone.now``, ``auto_now``) and audit entry reads — return that moment
until the block ends. Outside the block, and in every other thread, time is real.

It replaces the ``datetime`` class that ``django.utils.timezone`` looks up when ``now()`` is
called (a subclass whose ``now`` answers the clock; ``isinstance`` checks against it still
accept every real datetime), because model fields hold the original ``timezone.now``
function as their default, so patching the function itself would not reach them.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone as django_timezone

_REAL = datetime.datetime
WIB = ZoneInfo("Asia/Pontianak")  # Bengkayang's time zone (UTC+7)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment of the story on Bengkayang's calendar (WIB)."""
    return _REAL(year, month, day, hour, minute, tzinfo=WIB)


class _Meta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, _REAL)

    def __subclasscheck__(cls, sub) -> bool:
        return issubclass(sub, _REAL)


class DemoClock:
    """``with DemoClock() as clock: clock.set(at(2022, 4, 8))`` — see the module docstring."""

    def __init__(self) -> None:
        self.current: datetime.datetime | None = None
        self._thread = threading.get_ident()
        self._saved = None

    def set(self, moment: datetime.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the demo clock needs an aware datetime")
        self.current = moment

    def _now(self, tz=None) -> datetime.datetime:
        if self.current is None or threading.get_ident() != self._thread:
            return _REAL.now(tz)
        return self.current.astimezone(tz) if tz is not None else self.current.replace(tzinfo=None)

    def __enter__(self) -> DemoClock:
        clock = self

        class ClockDatetime(_REAL, metaclass=_Meta):
            @classmethod
            def now(cls, tz=None):
                return clock._now(tz)

        self._saved = django_timezone.datetime
        django_timezone.datetime = ClockDatetime
        return self

    def __exit__(self, *exc) -> None:
        django_timezone.datetime = self._saved
        self.current = None


@dataclass
class Event:
    """One step of the story: ``run()`` at ``when`` (ties broken by ``order``)."""

    when: datetime.datetime
    order: int
    run: Callable[[], None]


def run_events(events: list[Event], clock: DemoClock) -> None:
    """Run the steps in the story's order, each at its moment."""
    for event in sorted(events, key=lambda event: (event.when, event.order)):
        clock.set(event.when)
        event.run()
