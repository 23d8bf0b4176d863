"""The reminders' command and background task, the task run by django-tasks-db's real worker."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings

from renaksi.work.models import ReminderDelivery

from .reminder_world import build_reminder_world, day

UTC = datetime.UTC
ROOT = Path(__file__).resolve().parents[1]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_prints_what_it_sent_and_a_second_run_sends_nothing():
    build_reminder_world()
    output = run("--date", "2022-03-01")
    assert "implementer5 <implementer5@example.test>: 1 terlambat, 1 jatuh tempo, 0 menunggu" in (
        output
    )
    assert "Email terkirim: 2 (4 butir)" in output
    assert len(mail.outbox) == 2
    output = run("--date", "2022-03-01")
    assert "Email terkirim: 0 (0 butir). Tanpa butir baru hari ini: 2." in output
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_command_dry_run_and_bad_date():
    build_reminder_world()
    output = run("--date", "2022-03-01", "--dry-run")
    assert "Email akan dikirim: 2 (4 butir)" in output
    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()
    with pytest.raises(SystemExit):
        run("--date", "1 Maret 2022")


@pytest.mark.django_db
def test_enqueue_with_the_default_backend_runs_at_once():
    build_reminder_world()
    output = run("--date", "2022-03-01", "--enqueue")
    assert "masuk antrean" in output
    assert "SUCCESSFUL" in output
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_task_and_the_mail_goes_out_once():
    """Enqueued in the database backend, nothing is sent until db_worker runs it; a second
    task the same day sends nothing."""
    from django_tasks_db.models import DBTaskResult

    from renaksi.work.tasks import send_reminders_task

    build_reminder_world()
    with override_settings(TASKS=DATABASE_TASKS):
        result = send_reminders_task.enqueue("2022-03-01")
        assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
        assert mail.outbox == []
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert len(mail.outbox) == 2
        done = DBTaskResult.objects.get(id=result.id)
        assert done.status == "SUCCESSFUL"
        assert done.return_value["mails"] == 2
        assert sorted(done.return_value["recipients"]) == ["implementer5", "other_regency"]

        send_reminders_task.enqueue("2022-03-01")
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert len(mail.outbox) == 2
        assert ReminderDelivery.objects.filter(sent_on=day("2022-03-01")).count() == 4
        assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def tasks_setting(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "RENAKSI_TASKS"}
    clean.update(env, SECRET_KEY="tests-only")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import renaksi.settings as s; print(s.TASKS['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_tasks_backend_is_chosen_by_the_environment():
    assert tasks_setting().stdout.strip() == "django.tasks.backends.immediate.ImmediateBackend"
    database = tasks_setting(RENAKSI_TASKS="database")
    assert database.stdout.strip() == "django_tasks_db.DatabaseBackend"
    wrong = tasks_setting(RENAKSI_TASKS="celery")
    assert wrong.returncode != 0
    assert "RENAKSI_TASKS must be one of immediate, database, not 'celery'" in wrong.stderr


def test_bin_worker_explains_itself():
    result = subprocess.run(  # noqa: S603 (our own script)
        [str(ROOT / "bin" / "worker"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "bin/worker --batch" in result.stdout
    assert "RENAKSI_TASKS=database" in result.stdout
