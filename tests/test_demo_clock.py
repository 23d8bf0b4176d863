"""The demo story's clock (renaksi/core/demo_clock.py): the story's time in the seeding thread,
for services, model defaults and audit entries; real time elsewhere and afterwards."""

import datetime
import threading

import pytest
from django.utils import timezone

from renaksi.audit.models import LogEntry
from renaksi.audit.services import record
from renaksi.core.demo_clock import WIB, DemoClock, Event, at, run_events


def test_now_answers_the_story_time_only_inside_the_block_and_the_thread():
    moment = at(2022, 4, 13, 9, 30)
    with DemoClock() as clock:
        assert abs(timezone.now() - datetime.datetime.now(datetime.UTC)).total_seconds() < 60
        clock.set(moment)
        assert timezone.now() == moment
        assert timezone.localdate(timezone=WIB) == datetime.date(2022, 4, 13)
        # Real datetimes still pass the module's own isinstance checks.
        assert timezone.is_aware(datetime.datetime.now(datetime.UTC))
        assert timezone.template_localtime(moment).year == 2022
        elsewhere = []
        thread = threading.Thread(target=lambda: elsewhere.append(timezone.now()))
        thread.start()
        thread.join()
        assert elsewhere[0].year > 2022
    assert timezone.now().year > 2022
    with pytest.raises(ValueError):
        DemoClock().set(datetime.datetime(2022, 1, 1))  # naive


@pytest.mark.django_db
def test_model_defaults_and_audit_entries_take_the_story_time():
    events = []
    with DemoClock() as clock:

        def write(action):
            return lambda: events.append(record(None, action))

        run_events(
            [
                Event(at(2022, 7, 12, 9), 0, write("demo.second")),
                Event(at(2022, 4, 13, 9), 0, write("demo.first")),
            ],
            clock,
        )
    entries = list(LogEntry.objects.order_by("pk").values_list("action", "created_at"))
    assert entries == [
        ("demo.first", at(2022, 4, 13, 9)),
        ("demo.second", at(2022, 7, 12, 9)),
    ]  # run in the story's order, each at its moment (``default=timezone.now``)
