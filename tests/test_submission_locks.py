"""A sent quarter is locked for the writers of the year's work (renaksi/work/realisations.py):
saving a realisation of one of its months, recording work outside the schedule in it, and
every verification step are refused with a clear message until the package is returned or
reopened; other quarters go on. Nothing is half-saved."""

import pytest
from django.contrib.auth.models import User

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.plans.models import ActionPlan
from renaksi.submissions import locks
from renaksi.submissions import services as chain
from renaksi.submissions.models import Submission
from renaksi.work import realisations as work
from renaksi.work.models import Realisation, SchedulePeriod

from .work_realisation_world import DECEMBER, JUNE, MARCH, YEAR, build_rworld, good_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


@pytest.fixture
def world():
    world = build_rworld()
    reviewer = User.objects.create_user("kalbar_reviewer")
    UnitRole.objects.create(user=reviewer, unit=world.unit.parent, role=UnitRole.Role.REVIEWER)
    world.users["kalbar_reviewer"] = reviewer
    return world


def save(world, month, *, who="implementer", version=None, **data):
    return work.save_realisation(
        world.users[who], world.period(month), data=good_data(**data), expected_version=version
    )


def test_saving_a_month_of_a_sent_quarter_is_refused(world):
    first = save(world, MARCH)
    chain.submit(world.users["unit_admin"], world.plan, 1)
    entries = LogEntry.objects.count()
    with pytest.raises(work.RealisationError) as error:
        save(world, MARCH, version=first.version, progress="90")
    assert "Triwulan 1 sudah dikirim dan dikunci" in error.value.message
    assert Realisation.objects.get(pk=first.pk).progress == first.progress
    assert LogEntry.objects.count() == entries
    # June (TW II) is not locked.
    assert save(world, JUNE).progress == 40


def test_evidence_only_save_is_refused_too(world):
    from .work_realisation_world import pdf_file

    save(world, MARCH)
    chain.submit(world.users["unit_admin"], world.plan, 1)
    with pytest.raises(work.RealisationError):
        work.save_realisation(
            world.users["agent"],
            world.period(MARCH),
            data=None,
            expected_version=None,
            files=[pdf_file()],
        )


def test_verification_steps_of_a_locked_month_are_refused(world):
    realisation = save(world, MARCH)
    realisation = work.submit(world.users["implementer"], realisation)
    chain.submit(world.users["unit_admin"], world.plan, 1)
    loaded = work.realisations_qs().get(pk=realisation.pk)
    for step in (
        lambda: work.verify(world.users["assessor"], loaded, "Lengkap."),
        lambda: work.return_(world.users["assessor"], loaded, "Perbaiki."),
        lambda: work.withdraw(world.users["implementer"], loaded),
    ):
        with pytest.raises(work.RealisationError, match="dikunci"):
            step()
    assert Realisation.objects.get(pk=realisation.pk).state == Realisation.State.SUBMITTED


def test_recording_unscheduled_work_in_a_locked_quarter_is_refused(world):
    chain.submit(world.users["unit_admin"], world.plan, 1)
    with pytest.raises(work.RealisationError, match="dikunci"):
        work.record_unscheduled(world.users["implementer"], world.sub, 2)  # February
    assert not SchedulePeriod.objects.filter(sub_activity=world.sub, period=2).exists()
    # May (TW II) is open.
    assert work.record_unscheduled(world.users["implementer"], world.sub, 5).period == 5


def test_a_return_unlocks_and_a_resubmission_locks_again(world):
    first = save(world, MARCH)
    sent = chain.submit(world.users["unit_admin"], world.plan, 1)
    chain.decide(world.users["kalbar_reviewer"], sent, False, "Lengkapi bukti.")
    second = save(world, MARCH, version=first.version, progress="90")
    assert second.progress == 90
    chain.submit(world.users["unit_admin"], world.plan, 1)
    with pytest.raises(work.RealisationError):
        save(world, MARCH, version=second.version, progress="95")


def test_a_reopened_quarter_is_open_again(world):
    first = save(world, MARCH)
    sent = chain.submit(world.users["unit_admin"], world.plan, 1)
    chain.reopen(world.users["kalbar_reviewer"], sent, "Salah input.")
    assert save(world, MARCH, version=first.version, progress="70").progress == 70


def test_quarterly_plans_and_change_agents(world):
    plan = ActionPlan.objects.get(pk=world.plan.pk)
    plan.schedule_kind = ActionPlan.Schedule.QUARTER
    plan.save()
    period = SchedulePeriod(plan=plan, unit_id=plan.unit_id, year=YEAR, period=4)
    chain.submit(world.users["unit_admin"], plan, 4)
    assert locks.schedule_period_locked(period) == 4
    assert locks.schedule_period_locked(SchedulePeriod(**{**_fields(period), "period": 3})) is None
    # A change agent's action is monthly whatever the plan: its month 12 is TW IV.
    agent_period = SchedulePeriod(**{**_fields(period), "period": DECEMBER, "agent_action_id": 1})
    assert locks.schedule_period_locked(agent_period) == 4
    agent_period.period = 4  # April: TW II
    assert locks.schedule_period_locked(agent_period) is None


def _fields(period):
    return {"plan": period.plan, "unit_id": period.unit_id, "year": period.year}


def test_the_snapshot_keeps_the_quarter_figures(world):
    save(world, MARCH, status="selesai", progress="100")
    sent = chain.submit(world.users["unit_admin"], world.plan, 1)
    monitoring = sent.snapshot["monitoring"]
    assert monitoring["available"] is True
    assert monitoring["months"] == [1, 2, 3]
    assert monitoring["total"]["scheduled"] == 1
    assert monitoring["total"]["done"] == 1
    assert [area["number"] for area in monitoring["areas"]] == [1]
    assert len(monitoring["areas"][0]["indicators"]) == 2  # the measurable ones
    # Later work does not change what was sent.
    chain.decide(world.users["kalbar_reviewer"], sent, False, "Perbaiki.")
    assert Submission.objects.get(pk=sent.pk).snapshot == sent.snapshot


def test_the_submission_page_shows_the_snapshot(client, world):
    save(world, MARCH, status="selesai", progress="100")
    sent = chain.submit(world.users["unit_admin"], world.plan, 1)
    client.force_login(world.users["kalbar_reviewer"])
    from django.urls import reverse

    html = client.get(reverse("submissions:detail", args=[sent.pk])).content.decode()
    achievement = sent.snapshot["monitoring"]["total"]["achievement"]
    assert achievement is not None
    shown = f"{float(achievement):.2f}".replace(".", ",")
    assert f"{shown} %" in html
    assert "1. " in html  # area 1's row


def test_the_snapshot_keeps_the_evidence_index(client, world):
    from django.urls import reverse

    from .work_realisation_world import pdf_file

    first = save(world, MARCH, status="selesai", progress="100")
    work.save_realisation(
        world.users["implementer"],
        world.period(MARCH),
        data=None,
        expected_version=first.version,
        files=[pdf_file("notulen-sosialisasi.pdf")],
    )
    june = save(world, JUNE)
    work.save_realisation(
        world.users["implementer"],
        world.period(JUNE),
        data=None,
        expected_version=june.version,
        files=[pdf_file("juni.pdf", b"6")],
    )
    sent = chain.submit(world.users["unit_admin"], world.plan, 1)
    evidence = sent.snapshot["evidence"]
    assert evidence["count"] == 1 and evidence["verified"] == 0
    assert evidence["items"][0]["code"] == "1.1.1"
    assert evidence["items"][0]["period"] == MARCH
    client.force_login(world.users["kalbar_reviewer"])
    html = client.get(reverse("submissions:detail", args=[sent.pk])).content.decode()
    assert f'data-evidence="{evidence["items"][0]["id"]}"' in html
    assert evidence["items"][0]["title"] in html


def test_the_realisation_form_tells_the_lock(client, world):
    from django.urls import reverse

    first = save(world, MARCH)
    chain.submit(world.users["unit_admin"], world.plan, 1)
    client.force_login(world.users["implementer"])
    url = reverse("work:realisation", kwargs={"period": world.period(MARCH).pk})
    response = client.post(
        url,
        {
            "status": "selesai",
            "progress": "100",
            "narrative": "Teks yang tidak boleh hilang",
            "reason": "",
            "postponed_to": "",
            "evidence_kind": "lainnya",
            "version": str(first.version),
        },
        follow=True,
    )
    assert response.status_code < 500
    html = response.content.decode()
    assert "sudah dikirim dan dikunci" in html
    assert Realisation.objects.get(pk=first.pk).progress == first.progress
