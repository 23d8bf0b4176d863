"""Background tasks of the year's work (Django's task framework, ``django.tasks``).

With the default backend (``RENAKSI_TASKS=immediate``) a task runs at once where it is
enqueued; with ``RENAKSI_TASKS=database`` it waits in the database for django-tasks-db's
worker (``python manage.py db_worker``). See docs/reminders.md.
"""

import datetime

from django.tasks import task

from .reminders import send_reminders


@task()
def send_reminders_task(on: str | None = None) -> dict:
    """Send today's reminder e-mails (or those of the day ``on``, "YYYY-MM-DD", everywhere).

    Returns what was done (JSON: counts and the recipients' usernames). Running it twice on
    the same day sends nothing new (reminders.py).
    """
    day = datetime.date.fromisoformat(on) if on else None
    return send_reminders(on=day).as_dict()
