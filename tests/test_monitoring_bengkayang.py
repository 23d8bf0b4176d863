"""The first quarter (TW I) of the Bengkayang 2022 plan, computed by hand.

The plan is imported from the decree as the other tests do (tests/export_support.py), the
work of January–March is recorded through the work services (save_realisation, submit,
verify) by the area's implementers and the Tim Asesor on the dates given, and every figure of
``quarter_figures`` is compared with the count made by hand from the decree's schedule (the
Lampiran's ticks, listed below per area) and the realisations recorded here.

Scheduled cells of TW I per area (sub-activity: months of January–March it is ticked in):

* Area 1 (15): 1.1.1 Jan; 1.1.2 Jan–Mar; 1.1.3 Feb; 1.2.1 Mar; 1.2.2 Mar; 1.2.4 Jan–Mar;
  1.3.1 Mar; 1.3.2 Mar; 1.3.3 Jan–Mar (1.2.3 June, 1.2.5 July–Aug: none).
  By month: Jan 4, Feb 4, Mar 7.
* Area 2 (18): six sub-activities every month. Jan 6, Feb 6, Mar 6.
* Area 3 (8): 3.1.1 Jan; 3.1.2 Jan; 3.2.1 and 3.2.2 Jan–Mar. Jan 4, Feb 2, Mar 2.
* Area 4 (30): 4.1.1, 4.1.6, 4.1.7 Jan–Mar; 4.2.1, 4.3.1–4.3.3, 4.4.1–4.4.3 every month.
  Jan 10, Feb 10, Mar 10.
* Area 5 (15): 5.1.1 and 5.1.4–5.1.7 every month. Jan 5, Feb 5, Mar 5.
* Area 6 (6): 6.1.3 Feb; 6.1.4 Feb; 6.1.5 every month; 6.2.1 Feb. Jan 1, Feb 4, Mar 1.
* Area 7 (26): 7.1.1 Jan; 7.1.2, 7.1.3, 7.2.2, 7.2.3, 7.3.1, 7.3.2, 7.4.2, 7.4.3 Jan–Mar;
  7.4.1 Jan. Jan 10, Feb 8, Mar 8.
* Area 8 (13): 8.1.1, 8.3.1, 8.4.1, 8.4.2 every month; 8.5.1 Jan. Jan 5, Feb 4, Mar 4.

Total 131 cells: Jan 45, Feb 43, Mar 43.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User

from renaksi.monitoring.services import plan_quarter_totals, quarter_figures
from renaksi.plans.models import ChangeArea, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.work import realisations as work
from renaksi.work.models import Realisation
from renaksi.work.realisations import periods_qs

from .export_support import bengkayang_plan

pytestmark = pytest.mark.django_db

Status = Realisation.Status
D = Decimal


def noon(day: str) -> datetime.datetime:
    """Noon UTC (19:00 WIB in Bengkayang) of a day of 2022."""
    return datetime.datetime.fromisoformat(f"2022-{day}T12:00:00+00:00")


@pytest.fixture(scope="module")
def recorded(django_db_setup, django_db_blocker):
    """The plan with TW I recorded, once for the module (then rolled back)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        data = _record_first_quarter()
        yield data
        transaction.set_rollback(True)


def _record_first_quarter():
    for number in range(1, 9):
        ChangeArea.objects.get_or_create(number=number, defaults={"name": f"Area {number}"})
    plan = bengkayang_plan()
    team = ReformTeam.objects.create(unit=plan.unit, year=2022)
    users = {}
    for name, position, area in (
        ("pelaksana1", Position.PELAKSANA_KOORDINATOR, 1),
        ("pelaksana4", Position.PELAKSANA_KOORDINATOR, 4),
        ("pelaksana7", Position.PELAKSANA_KOORDINATOR, 7),
        ("asesor", Position.ASESOR_KETUA, None),
    ):
        user = User.objects.create_user(name, f"{name}@example.test", "rahasia-1")
        TeamMember.objects.create(
            team=team,
            user=user,
            name=name,
            position=position,
            change_area=ChangeArea.objects.get(number=area) if area else None,
        )
        users[name] = user
    subs = {
        f"{s.activity.area.number}.{s.activity.position}.{s.position}": s
        for s in SubActivity.objects.filter(activity__area__plan=plan).select_related(
            "activity__area"
        )
    }

    def indicator(code: str, start: str):
        return next(i for i in subs[code].indicators.all() if i.text.startswith(start))

    def save(code, month, status, values=None, **extra):
        reporter = users[f"pelaksana{code[0]}"]
        period = periods_qs().get(sub_activity=subs[code], period=month)
        data = {"status": status, "narrative": f"Pelaksanaan {code} bulan {month}.", **extra}
        data["values"] = {indicator(code, k).pk: v for k, v in (values or {}).items()}
        return work.save_realisation(reporter, period, data=data, expected_version=None)

    def submit(realisation):
        return work.submit(
            users[f"pelaksana{realisation.sub_activity.activity.area.number}"],
            realisation,
            realisation.version,
        )

    def verify(realisation):
        return work.verify(users["asesor"], realisation, "Bukti dukung sesuai.")

    lhkpn = indicator("7.3.1", "100% seluruh wajib lapor LHKPN")
    lhkasn = indicator("7.3.2", "100% seluruh wajib lapor LHKASN")
    # 3 February 2022: January's work, on time (due 5 February).
    with time_machine.travel(noon("02-03"), tick=False):
        lhkpn_jan = submit(save("7.3.1", 1, Status.DONE, {"100% seluruh wajib lapor LHKPN": "60"}))
        save("7.3.2", 1, Status.IN_PROGRESS, {"100% seluruh wajib lapor LHKASN": "40"})
        spip = submit(save("7.1.1", 1, Status.DONE))
        save("7.2.2", 1, Status.DONE, {"Persentase pengaduan": "100"})
        save("7.4.1", 1, Status.POSTPONED, postponed_to=4)
        tim = submit(save("1.1.1", 1, Status.DONE))
        save("4.2.1", 1, Status.DONE, {"Jumlah permohonan": "3"})
    with time_machine.travel(noon("02-04"), tick=False):
        for realisation in (lhkpn_jan, spip, tim):
            verify(realisation)
    # 10 March 2022: February's work, after its due day (5 March): late.
    with time_machine.travel(noon("03-10"), tick=False):
        lhkpn_feb = submit(save("7.3.1", 2, Status.DONE, {"100% seluruh wajib lapor LHKPN": "85"}))
        save("7.3.2", 2, Status.NOT_DONE, reason="Aplikasi LHKASN tidak dapat diakses.")
        save("1.1.3", 2, Status.DONE)
        save("4.2.1", 2, Status.DONE, {"Jumlah permohonan": "4"})
        verify_later = lhkpn_feb
    with time_machine.travel(noon("03-11"), tick=False):
        verify(verify_later)
    # 18 March 2022: March's work recorded early (due 5 April), one submitted.
    with time_machine.travel(noon("03-18"), tick=False):
        submit(save("7.3.1", 3, Status.DONE, {"100% seluruh wajib lapor LHKPN": "95"}))
        save("1.2.1", 3, Status.IN_PROGRESS)
    return {"plan": plan, "lhkpn": lhkpn, "lhkasn": lhkasn, "subs": subs}


def counts_of(counts):
    return {
        name: getattr(counts, name)
        for name in (
            "scheduled",
            "due",
            "reported",
            "done",
            "done_due",
            "verified",
            "late",
            "not_done",
            "postponed",
            "in_progress",
            "not_started",
            "awaiting_verification",
            "missing",
            "overdue",
            "achievement",
            "planned_share",
            "realised_share",
            "deviation",
            "verified_share",
        )
    }


def blank(scheduled, due):
    """An area where nothing was recorded: every due cell missing (and overdue)."""
    return {
        "scheduled": scheduled,
        "due": due,
        "reported": 0,
        "done": 0,
        "done_due": 0,
        "verified": 0,
        "late": 0,
        "not_done": 0,
        "postponed": 0,
        "in_progress": 0,
        "not_started": 0,
        "awaiting_verification": 0,
        "missing": due,
        "overdue": due,
    }


def test_the_recorded_work_is_what_the_comments_say(recorded):
    plan = recorded["plan"]
    rows = Realisation.objects.filter(plan=plan)
    assert rows.count() == 13
    assert rows.filter(late=True).count() == 4
    assert rows.filter(state=Realisation.State.VERIFIED).count() == 4


def test_first_quarter_during_the_march_monitoring(recorded):
    """As of 20 March 2022 (the March monitoring): January and February are over (due),
    March is not; the reports of January (due 5 Feb) and February (due 5 Mar) are overdue."""
    figures = quarter_figures(recorded["plan"], 1, as_of=datetime.date(2022, 3, 20))
    assert figures.months == [1, 2, 3]
    assert figures.monitoring_months == [3]
    by_area = {area.area.number: counts_of(area.counts) for area in figures.areas}

    # Area 1: due = Jan 4 + Feb 4 = 8. Recorded: 1.1.1 Jan done and verified; 1.1.3 Feb done
    # (late, 10 Mar); 1.2.1 Mar in progress. Reported 3, of them 2 on due cells: missing
    # 8 − 2 = 6. achievement 2 ÷ 8 = 25.00; planned 8 ÷ 15 = 53.33; realised 2 ÷ 15 = 13.33;
    # deviation 13.33 − 53.33 = −40.00; verified 1 ÷ 2 = 50.00.
    assert by_area[1] == {
        **blank(15, 8),
        "reported": 3,
        "done": 2,
        "done_due": 2,
        "verified": 1,
        "late": 1,
        "in_progress": 1,
        "missing": 6,
        "overdue": 6,
        "achievement": D("25.00"),
        "planned_share": D("53.33"),
        "realised_share": D("13.33"),
        "deviation": D("-40.00"),
        "verified_share": D("50.00"),
    }
    # Area 4: due 20. 4.2.1 done in Jan (on time) and Feb (late). Missing 20 − 2 = 18.
    # achievement 2 ÷ 20 = 10.00; planned 20 ÷ 30 = 66.67; realised 2 ÷ 30 = 6.67;
    # deviation −60.00; nothing verified: 0 ÷ 2 = 0.00.
    assert by_area[4] == {
        **blank(30, 20),
        "reported": 2,
        "done": 2,
        "done_due": 2,
        "late": 1,
        "missing": 18,
        "overdue": 18,
        "achievement": D("10.00"),
        "planned_share": D("66.67"),
        "realised_share": D("6.67"),
        "deviation": D("-60.00"),
        "verified_share": D("0.00"),
    }
    # Area 7: due = Jan 10 + Feb 8 = 18. Recorded 8: Jan 7.3.1 done ✓, 7.3.2 in progress,
    # 7.1.1 done ✓, 7.2.2 done, 7.4.1 postponed; Feb 7.3.1 done ✓ (late), 7.3.2 not done
    # (late); Mar 7.3.1 done, submitted. Done 5 (4 on due cells), verified 3, missing
    # 18 − 7 = 11. achievement 4 ÷ 18 = 22.22; planned 18 ÷ 26 = 69.23; realised 5 ÷ 26 =
    # 19.23; deviation −50.00; verified 3 ÷ 5 = 60.00.
    assert by_area[7] == {
        **blank(26, 18),
        "reported": 8,
        "done": 5,
        "done_due": 4,
        "verified": 3,
        "late": 2,
        "not_done": 1,
        "postponed": 1,
        "in_progress": 1,
        "awaiting_verification": 1,
        "missing": 11,
        "overdue": 11,
        "achievement": D("22.22"),
        "planned_share": D("69.23"),
        "realised_share": D("19.23"),
        "deviation": D("-50.00"),
        "verified_share": D("60.00"),
    }
    # The areas where nothing was recorded: achievement 0.00, deviation = −planned share.
    for number, scheduled, due, planned in (
        (2, 18, 12, "66.67"),  # Jan 6 + Feb 6
        (3, 8, 6, "75.00"),  # Jan 4 + Feb 2
        (5, 15, 10, "66.67"),  # Jan 5 + Feb 5
        (6, 6, 5, "83.33"),  # Jan 1 + Feb 4
        (8, 13, 9, "69.23"),  # Jan 5 + Feb 4
    ):
        assert by_area[number] == {
            **blank(scheduled, due),
            "achievement": D("0.00"),
            "planned_share": D(planned),
            "realised_share": D("0.00"),
            "deviation": -D(planned),
            "verified_share": None,
        }, number
    # The plan: 131 scheduled, due 45 + 43 = 88; done 9, 8 of them due; verified 4; late 4;
    # reported 13, 11 on due cells: missing 77. achievement 8 ÷ 88 = 9.09; planned
    # 88 ÷ 131 = 67.18; realised 9 ÷ 131 = 6.87; deviation −60.31; verified 4 ÷ 9 = 44.44.
    assert counts_of(figures.total) == {
        "scheduled": 131,
        "due": 88,
        "reported": 13,
        "done": 9,
        "done_due": 8,
        "verified": 4,
        "late": 4,
        "not_done": 1,
        "postponed": 1,
        "in_progress": 2,
        "not_started": 0,
        "awaiting_verification": 1,
        "missing": 77,
        "overdue": 77,
        "achievement": D("9.09"),
        "planned_share": D("67.18"),
        "realised_share": D("6.87"),
        "deviation": D("-60.31"),
        "verified_share": D("44.44"),
    }
    assert plan_quarter_totals([recorded["plan"].pk], 1, as_of=datetime.date(2022, 3, 20)) == {
        recorded["plan"].pk: figures.total
    }


def test_first_quarter_once_it_is_over(recorded):
    """As of 10 April 2022 every cell is due and March's reports (due 5 April) are overdue."""
    figures = quarter_figures(recorded["plan"], 1, as_of=datetime.date(2022, 4, 10))
    total = figures.total
    # due 131, done 9 (all due now), missing 131 − 13 = 118; achievement 9 ÷ 131 = 6.87,
    # planned 100.00, deviation 6.87 − 100 = −93.13.
    assert (total.due, total.done_due, total.missing, total.overdue) == (131, 9, 118, 118)
    assert (total.achievement, total.planned_share, total.deviation) == (
        D("6.87"),
        D("100.00"),
        D("-93.13"),
    )
    area7 = figures.areas[6].counts
    # 26 due, 5 done, missing 26 − 8 = 18; 5 ÷ 26 = 19.23, deviation −80.77.
    assert (area7.due, area7.done_due, area7.missing) == (26, 5, 18)
    assert (area7.achievement, area7.deviation) == (D("19.23"), D("-80.77"))
    # 3 April: March is over but its reports are not yet overdue (due 5 April).
    early_april = quarter_figures(recorded["plan"], 1, as_of=datetime.date(2022, 4, 3)).total
    assert (early_april.missing, early_april.overdue) == (118, 77)


def test_first_quarter_indicators(recorded):
    figures = quarter_figures(recorded["plan"], 1, as_of=datetime.date(2022, 4, 10))
    area7 = {f.indicator.pk: f for f in figures.areas[6].indicators}
    # LHKPN (target 100 %): the quarter's latest value, March's 95 → 95 ÷ 100 = 95.00 %.
    lhkpn = area7[recorded["lhkpn"].pk]
    assert (lhkpn.target, lhkpn.realised, lhkpn.achievement, lhkpn.values) == (
        D("100.00"),
        D("95.00"),
        D("95.00"),
        3,
    )
    # LHKASN (target 100 %): only January has a value (40; February was not done).
    lhkasn = area7[recorded["lhkasn"].pk]
    assert (lhkasn.realised, lhkasn.achievement, lhkasn.reason) == (D("40.00"), D("40.00"), "")
    # The measurable indicators of area 7 scheduled in TW I, in the decree's order: 7.2.2
    # (percentage, no target: 100 recorded, no achievement), 7.3.1, 7.3.2, 7.4.2 (no target).
    texts = [f.indicator.text[:25] for f in figures.areas[6].indicators]
    assert texts == [
        "Persentase pengaduan masy",
        "100% seluruh wajib lapor ",
        "100% seluruh wajib lapor ",
        "Persentase pelaksanaan pe",
    ]
    complaints = figures.areas[6].indicators[0]
    assert (complaints.realised, complaints.achievement, complaints.reason) == (
        D("100.00"),
        None,
        "no_target",
    )
    # Area 4, 4.2.1's count of requests: 3 + 4 = 7 (a count adds up), no target.
    requests = next(
        f for f in figures.areas[3].indicators if f.indicator.text.startswith("Jumlah permohonan")
    )
    assert (requests.realised, requests.rule, requests.reason) == (D("7.00"), "sum", "no_target")
    # No value in the second quarter: the figures of TW II come from April–June only.
    q2 = quarter_figures(recorded["plan"], 2, as_of=datetime.date(2022, 7, 10))
    q2_lhkpn = [f for f in q2.indicators if f.indicator.pk == recorded["lhkpn"].pk]
    assert q2_lhkpn == []  # 7.3.1 is scheduled January–March only
    assert q2.total.done == 0
