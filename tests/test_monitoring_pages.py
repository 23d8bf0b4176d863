"""The monitoring pages (renaksi/monitoring/views.py): the quarter page's figures, tabs and
forms for who may write; errors at the fields with the text kept; conflicts; a locked quarter;
follow-ups carried into the next quarter; the follow-up list; the monitoring months setting;
Indonesian dates and numbers; the same number of queries for a small and a larger plan."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from renaksi.monitoring import services
from renaksi.monitoring.models import FollowUp, QuarterReport
from renaksi.plans.models import Activity, ChangeArea, Indicator, PlanArea, SubActivity
from renaksi.submissions.models import Submission
from renaksi.work.models import IndicatorValue, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .work_realisation_world import YEAR, build_rworld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_rworld()


def url(world, name="monitoring:quarter", quarter=1, *extra):
    return reverse(name, args=[world.plan.pk, quarter, *extra])


def login(client, world, name):
    client.force_login(world.users[name])


def realise(period, status=Realisation.Status.DONE):
    return Realisation.objects.create(
        period=period,
        plan_id=period.plan_id,
        unit_id=period.unit_id,
        year=period.year,
        sub_activity_id=period.sub_activity_id,
        status=status,
    )


def test_a_reader_sees_the_figures_and_no_form(client, world):
    # March of the only sub-activity is done, with 80 of the percentage indicator's 100.
    march = SchedulePeriod.objects.get(sub_activity=world.sub, period=3)
    realisation = realise(march)
    IndicatorValue.objects.create(
        realisation=realisation, indicator=world.percent, value=Decimal("80")
    )
    login(client, world, "reader")
    with translation.override("id"):
        response = client.get(url(world), HTTP_ACCEPT_LANGUAGE="id")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Monitoring dan evaluasi TW I 2026" in html
    assert 'aria-current="page" class="mo-tab mo-tab--current">TW I<' in html
    for number in (2, 3, 4):
        assert reverse("monitoring:quarter", args=[world.plan.pk, number]) in html
    # The year 2026 is over on the test's clock or not: the figures say as of today.
    figures = services.quarter_figures(world.plan, 1)
    assert f'data-figure="scheduled">{figures.total.scheduled}<' in html
    assert "80,00%" in html  # the indicator's achievement, Indonesian decimals
    assert "Capaian per area dalam kalimat" in html
    assert "<textarea" not in html
    assert reverse("monitoring:save_report", args=[world.plan.pk, 1]) not in html
    assert "Ubah bulan monitoring" not in html


def test_anonymous_and_strangers(client, world):
    response = client.get(url(world))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    login(client, world, "outsider")  # Sambas: may not read Bengkayang
    assert client.get(url(world)).status_code == 404
    login(client, world, "reader")
    assert client.get(url(world, quarter=5)).status_code == 404
    assert client.post(url(world, "monitoring:save_report"), {"obstacles": "X"}).status_code == 403
    assert not QuarterReport.objects.exists()


def test_index_goes_to_the_quarter_of_today(client, world, time_machine):
    login(client, world, "reader")
    index = reverse("monitoring:index", args=[world.plan.pk])
    time_machine.move_to(datetime.datetime(YEAR, 5, 10, 5, tzinfo=datetime.UTC))
    assert client.get(index)["Location"] == url(world, quarter=2)
    time_machine.move_to(datetime.datetime(YEAR + 1, 1, 10, 5, tzinfo=datetime.UTC))
    login(client, world, "reader")  # the session of May has expired by January
    assert client.get(index)["Location"] == url(world, quarter=4)


def test_steering_saves_the_narrative_and_sees_errors_at_the_fields(client, world):
    login(client, world, "steering")
    html = client.get(url(world)).content.decode()
    assert reverse("monitoring:save_report", args=[world.plan.pk, 1]) in html
    response = client.post(
        url(world, "monitoring:save_report"),
        {"obstacles": "Jaringan terputus", "report_date": "31 Maret", "version": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tanggal tidak dikenali" in html
    assert "Jaringan terputus" in html  # the text is kept
    assert not QuarterReport.objects.exists()
    response = client.post(
        url(world, "monitoring:save_report"),
        {"obstacles": "Jaringan terputus", "report_date": "2026-03-31", "version": ""},
    )
    assert response.status_code == 302
    report = QuarterReport.objects.get()
    assert (report.obstacles, report.report_date) == (
        "Jaringan terputus",
        datetime.date(2026, 3, 31),
    )
    html = client.get(url(world)).content.decode()
    assert 'value="2026-03-31"' in html


def test_a_conflict_keeps_the_text_and_carries_the_new_version(client, world):
    services.save_report(
        world.users["unit_admin"], world.plan, 1, {"obstacles": "A"}, expected_version=None
    )
    login(client, world, "steering")
    response = client.post(
        url(world, "monitoring:save_report"), {"obstacles": "Versi saya", "version": ""}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "diubah oleh orang lain" in html
    assert "Versi saya" in html
    assert re.search(r'name="version" value="1"', html)
    assert QuarterReport.objects.get().obstacles == "A"


def test_a_locked_quarter_shows_no_form_and_refuses_posts(client, world):
    Submission.objects.create(
        unit=world.unit,
        year=YEAR,
        quarter=1,
        plan=world.plan,
        state=Submission.State.SUBMITTED,
        at_unit=world.unit.parent,
    )
    login(client, world, "steering")
    html = client.get(url(world)).content.decode()
    assert "sudah dikirim dan dikunci" in html
    assert reverse("monitoring:save_report", args=[world.plan.pk, 1]) not in html
    assert reverse("monitoring:add_follow_up", args=[world.plan.pk, 1]) not in html
    response = client.post(url(world, "monitoring:save_report"), {"obstacles": "X"})
    assert response.status_code == 409
    assert not QuarterReport.objects.exists()
    # TW II is open.
    html = client.get(url(world, quarter=2)).content.decode()
    assert reverse("monitoring:save_report", args=[world.plan.pk, 2]) in html


def test_follow_ups_added_updated_by_their_owner_and_carried(client, world):
    login(client, world, "steering")
    area = PlanArea.objects.get(plan=world.plan)
    implementer = world.users["implementer"]
    response = client.post(
        url(world, "monitoring:add_follow_up"),
        {"action": "", "owner": str(world.users["outsider"].pk)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tindak lanjut wajib diisi." in html
    assert "Penanggung jawab harus orang KPU Kabupaten Bengkayang" in html
    response = client.post(
        url(world, "monitoring:add_follow_up"),
        {
            "action": "Menyusun SOP",
            "area": str(area.pk),
            "owner": str(implementer.pk),
            "due_on": "2026-05-31",
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    # Its owner updates it in TW II, where it is carried.
    login(client, world, "implementer")
    html = client.get(url(world, quarter=2)).content.decode()
    assert "Menyusun SOP" in html and "dibawa dari TW I" in html
    assert "31 Mei 2026" in html
    prefix = f"fu-{follow_up.pk}"
    response = client.post(
        url(world, "monitoring:update_follow_up", 2, follow_up.pk),
        {
            f"{prefix}-state": "done",
            f"{prefix}-progress_note": "SOP ditetapkan",
            f"{prefix}-version": "1",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.closed_in) == ("done", 2)
    assert "Menyusun SOP" not in client.get(url(world, quarter=3)).content.decode()
    listing = client.get(reverse("monitoring:follow_ups", args=[world.plan.pk])).content.decode()
    assert "Menyusun SOP" in listing and "Selesai atau dibatalkan (1)" in listing
    # A reader of the unit who does not own it may not update it.
    login(client, world, "implementer2")
    response = client.post(
        url(world, "monitoring:update_follow_up", 3, follow_up.pk),
        {f"{prefix}-state": "open", f"{prefix}-version": "2"},
    )
    assert response.status_code == 403


def test_the_monitoring_months_setting(client, world):
    settings_url = reverse("monitoring:settings", args=[world.plan.pk])
    login(client, world, "steering")
    assert client.get(settings_url).status_code == 403
    login(client, world, "unit_admin")
    html = client.get(settings_url).content.decode()
    assert "Maret, Juni, September, Desember" in html
    response = client.post(settings_url, {"months": [], "expected": "2340"})
    assert response.status_code == 400
    assert "Pilih sedikitnya satu bulan monitoring." in response.content.decode()
    response = client.post(settings_url, {"months": ["3", "6", "9"], "expected": "2340"})
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.monitoring_months == 4 + 32 + 256
    stale = client.post(settings_url, {"months": ["6"], "expected": "2340"})
    assert stale.status_code == 409
    world.plan.refresh_from_db()
    assert world.plan.monitoring_months == 292


def _grow(world, areas: int, subs: int):
    """More areas, sub-activities (scheduled Jan–Mar), realisations, values and follow-ups."""
    plan = world.plan
    for number in range(2, areas + 1):
        area = PlanArea.objects.create(
            plan=plan,
            change_area=ChangeArea.objects.get(number=number),
            number=number,
            name=f"Area {number}",
        )
        activity = Activity.objects.create(area=area, number=1, position=1, name="Kegiatan")
        for position in range(1, subs + 1):
            sub = SubActivity.objects.create(
                activity=activity, number=position, position=position, name="Sub", schedule=7
            )
            Indicator.objects.create(
                sub_activity=sub,
                position=1,
                text="Persentase",
                kind=Indicator.Kind.PERSENTASE,
                target_value=100,
            )
        services.add_follow_up(
            world.users["steering"],
            plan,
            1,
            {"action": f"Tindak lanjut {number}", "owner": world.users["implementer"].pk},
        )
    sync_plan_periods(plan)
    for period in SchedulePeriod.objects.filter(plan=plan, period__lte=3):
        realise(period)
    services.save_area_note(
        world.users["steering"],
        plan,
        1,
        PlanArea.objects.get(plan=plan, number=1),
        {"obstacles": "X"},
        expected_version=None,
    )


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_quarter_page_takes_the_same_queries_for_a_small_and_a_larger_plan(client, world):
    login(client, world, "steering")
    client.get(url(world))  # warm the session
    small = _queries(client, url(world))
    small_list = _queries(client, reverse("monitoring:follow_ups", args=[world.plan.pk]))
    _grow(world, areas=8, subs=4)
    large = _queries(client, url(world))
    large_list = _queries(client, reverse("monitoring:follow_ups", args=[world.plan.pk]))
    assert small == large, (small, large)
    assert small_list == large_list
    assert large <= 20


def test_the_plans_history_shows_the_monitoring_entries_in_words(client, world):
    steering = world.users["steering"]
    area = PlanArea.objects.get(plan=world.plan)
    services.save_report(
        steering, world.plan, 1, {"report_date": "2026-03-31"}, expected_version=None
    )
    follow_up = services.add_follow_up(
        steering,
        world.plan,
        1,
        {"action": "Menyusun SOP", "owner": world.users["implementer"].pk, "area": area.pk},
    )
    services.update_follow_up(steering, follow_up, 2, {"state": "done"}, expected_version=1)
    services.set_monitoring_months(world.users["unit_admin"], world.plan, [3, 6, 9])
    login(client, world, "unit_admin")
    html = client.get(reverse("plans:history", args=[world.plan.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Laporan monitoring triwulan diubah" in text
    assert "31 Maret 2026" in text and "TW I" in text
    assert "Tindak lanjut monitoring ditambahkan" in text
    assert "Penanggung jawab — implementer" in text  # the person's name, not an id
    assert "Area — 1. Manajemen Perubahan" in text
    assert "Status belum dikerjakan selesai" in text and "Periode TW II" in text
    assert "Maret, Juni, September, Desember Maret, Juni, September" in text
    assert "owner_id" not in text and "Quarter" not in text
