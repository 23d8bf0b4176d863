"""The unit dashboard's figures (renaksi/dashboards/unit.py) on the hand-made plan of
tests/dashboard_unit_world.py, seen on 10 March 2022."""

import datetime
from decimal import Decimal

import pytest

from renaksi.dashboards.cells import CellState
from renaksi.dashboards.unit import achievement_chart, lke_chart, unit_dashboard
from renaksi.evaluation.models import Assessment

from .assessment_world import build_framework
from .dashboard_unit_world import as_of, build_world

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world():
    return build_world(framework=build_framework())


def board_of(world, day=None, pic=""):
    return unit_dashboard(
        world.plan, as_of(day) if day else as_of(), Assessment.objects.all(), pic_filter=pic
    )


def counts(row):
    names = ("scheduled", "planned", "done", "verified", "late", "not_done", "postponed")
    return {name: getattr(row, name) for name in names}


def test_achievement_per_area_to_date(world):
    board = board_of(world)
    first, fifth = board.areas
    assert counts(first) == {
        "scheduled": 5, "planned": 4, "done": 2, "verified": 1,
        "late": 1, "not_done": 1, "postponed": 0,
    }  # fmt: skip
    assert counts(fifth) == {
        "scheduled": 5, "planned": 3, "done": 1, "verified": 0,
        "late": 2, "not_done": 0, "postponed": 1,
    }  # fmt: skip
    assert (first.planned_share, first.realised_share, first.verified_share) == (
        D("80.00"),
        D("40.00"),
        D("20.00"),
    )
    assert first.deviation == D("-40.00")
    # capaian as the monitoring and the province dashboard count it: done ÷ due cells
    assert (first.done_due, first.verified_due, first.achievement) == (2, 1, D("50.00"))
    assert first.verified_due_share == D("25.00")
    assert (fifth.done_due, fifth.achievement) == (1, D("33.33"))
    assert counts(board.total) == {
        "scheduled": 10, "planned": 7, "done": 3, "verified": 1,
        "late": 3, "not_done": 1, "postponed": 1,
    }  # fmt: skip


def test_the_chart_draws_the_tables_figures(world):
    board = board_of(world)
    chart = achievement_chart(board)
    assert chart["type"] == "bar"
    assert chart["labels"] == ["Area 1", "Area 5"]
    planned, realised, verified = (dataset["data"] for dataset in chart["datasets"])
    assert (planned, realised, verified) == ([80.0, 60.0], [40.0, 20.0], [20.0, 0.0])


def test_work_after_the_day_is_not_counted_yet(world):
    """5.1.1 February was recorded on 20 March, 5.1.2 January verified on 15 March."""
    on_10 = board_of(world)
    fifth = on_10.areas[1]
    assert (fifth.done, fifth.verified, fifth.late) == (1, 0, 2)
    later = board_of(world, day=datetime.date(2022, 3, 31))
    fifth = later.areas[1]
    assert (fifth.done, fifth.verified, fifth.late) == (2, 1, 1)
    assert later.total.planned == 7  # March is not over on the 31st


def test_heat_map_cells(world):
    board = board_of(world)
    first = board.heat[0].cells
    assert [(c.scheduled, c.done, c.late) for c in first[:4]] == [
        (2, 1, 0),
        (2, 1, 1),
        (1, 0, 0),
        (0, 0, 0),
    ]
    assert [c.level for c in first[:4]] == ["2", "2", "future", "none"]
    assert first[2].current and not first[1].current
    fifth = board.heat[1].cells
    assert [c.level for c in fifth[:2]] == ["2", "0"]  # January: 5.1.2 done, 5.1.1 late
    # the schedule seen at the same day
    assert first[1].url == f"/rencana/{world.plan.pk}/jadwal/?area=1&bulan=2&per=2022-03-10"
    assert board.due_period == 3 and board.due_period_name == "Maret"


def test_overdue_items_with_who_answers_for_them(world):
    board = board_of(world)
    overdue = {(item.number, item.cell.period): item for item in board.overdue}
    assert set(overdue) == {("1.1.2", 2), ("5.1.1", 1), ("5.1.1", 2)}
    assert overdue["1.1.2", 2].pic_name == "Budi"  # no PIC: the area's Tim Pelaksana
    assert overdue["5.1.1", 1].pic_name == "Citra"  # the activity's PIC
    assert overdue["5.1.1", 1].days_late == 33  # due 5 February
    assert board.overdue[0].number == "5.1.1"  # the oldest first
    citra, budi = world.users["citra"], world.users["budi"]
    assert [(row.pic_id, row.name, row.count) for row in board.overdue_by_pic] == [
        (citra.pk, "Citra", 2),
        (budi.pk, "Budi", 1),
    ]
    plan = world.plan.pk
    # Citra is the activity's PIC: the schedule filtered by her shows the same cells; Budi
    # answers as the area's Tim Pelaksana, which the schedule's PIC filter does not know
    assert board.overdue_by_pic[0].url == (
        f"/rencana/{plan}/jadwal/?state=late&pic={citra.pk}&per=2022-03-10"
    )
    assert board.overdue_by_pic[1].url == (
        f"/rencana/{plan}/dasbor/?per=2022-03-10&pic={budi.pk}#terlambat"
    )


def test_overdue_filtered_by_pic(world):
    budi = world.users["budi"]
    board = board_of(world, pic=str(budi.pk))
    assert [(item.number, item.cell.period) for item in board.overdue] == [("1.1.2", 2)]
    assert board.pic_filter == str(budi.pk)
    for unknown in ("999999", "x", "0"):  # nobody unnamed here: "0" filters nothing either
        board = board_of(world, pic=unknown)
        assert len(board.overdue) == 3 and board.pic_filter == ""


def test_both_pics_answer(world):
    """A sub-activity's PIC and its activity's PIC both answer for it (as the schedule's
    filter reads them)."""
    sub = world.subs["5.1.1"]
    sub.pic = world.users["ani"]
    sub.save()
    board = board_of(world)
    late = [item for item in board.overdue if item.number == "5.1.1"]
    assert {item.pic_name for item in late} == {"Ani, Citra"}
    counts = {row.name: row.count for row in board.overdue_by_pic}
    assert counts == {"Ani": 2, "Citra": 2, "Budi": 1}


def test_nobody_responsible(world):
    world.subs["5.1.1"].activity.pic = None
    world.subs["5.1.1"].activity.save()
    board = board_of(world)
    nobody = board.overdue_by_pic[-1]
    assert (nobody.pic_id, nobody.name, nobody.count) == (None, "Belum ada penanggung jawab", 2)
    assert nobody.url == f"/rencana/{world.plan.pk}/dasbor/?per=2022-03-10&pic=0#terlambat"
    only = board_of(world, pic="0")
    assert [item.number for item in only.overdue] == ["5.1.1", "5.1.1"]


def test_due_this_month(world):
    board = board_of(world)
    assert [(item.number, item.cell.state) for item in board.due_items] == [
        ("1.1.1", CellState.PLANNED),
        ("5.1.1", CellState.POSTPONED),
    ]
    plan = world.plan.pk
    query = "per=2022-03-10"
    assert board.due_counts == [
        ("planned", "Terjadwal", 1, f"/rencana/{plan}/jadwal/?bulan=3&state=planned&{query}"),
        ("postponed", "Ditunda", 1, f"/rencana/{plan}/jadwal/?bulan=3&state=postponed&{query}"),
    ]


def test_evidence_completeness_per_indicator(world):
    board = board_of(world)
    rows = {row.indicator.text: (row.done, row.complete, row.share) for row in board.indicators}
    assert rows == {
        "Indikator A": (2, 2, D("100.00")),  # January names it, February names none
        "Indikator B": (2, 1, D("50.00")),  # January's names only A; February's is a report
        "Indikator C": (1, 0, D("0.00")),  # its evidence came on 12 March
    }
    assert board.evidence_total == (3, 5)
    # done cells with any current evidence (the province dashboard's measure): 2 of 3
    assert (board.evidenced, board.evidenced_share) == (2, D("66.67"))
    assert board.evidence_share == D("60.00")
    assert [row.indicator.text for row in board.incomplete_indicators] == [
        "Indikator C",
        "Indikator B",
    ]
    assert board_of(world, day=datetime.date(2022, 3, 12)).evidence_total == (4, 5)


def test_expected_kind_is_required(world):
    indicator = world.indicators["A"]
    indicator.expected_evidence = ["sk"]
    indicator.save()
    rows = {row.indicator.text: row.complete for row in board_of(world).indicators}
    assert rows["Indikator A"] == 0


def test_lke_over_the_years_only_the_readers(world):
    board = board_of(world)
    assert [(p.year, p.index, p.category, p.current) for p in board.assessments] == [
        (2021, D("70.0000"), "B", False),
        (2022, D("75.5000"), "BB", True),
    ]
    chart = lke_chart(board)
    assert chart["labels"] == ["2021", "2022"]
    assert chart["datasets"][0]["data"] == [70.0, 75.5]
    none = unit_dashboard(world.plan, as_of(), Assessment.objects.none())
    assert none.assessments == [] and lke_chart(none) is None
    Assessment.objects.filter(year=2021).delete()
    assert lke_chart(board_of(world)) is None  # one year: the table alone


def test_latest_activity_up_to_the_day(world):
    rows = board_of(world).activity
    assert len(rows) == 8
    assert rows[0].entry.object_repr == "Catatan 9 Maret"  # 11 March is after the day
    assert rows[-1].entry.object_repr == "Catatan 2 Maret"


def test_a_plan_of_a_past_year_seen_today(world):
    """Without a chosen day (today, 2026 or later): the year is over, every unreported cell
    is late, nothing is due this month."""
    from renaksi.dashboards.asof import resolve

    board = unit_dashboard(world.plan, resolve(2022, world.plan.unit), Assessment.objects.all())
    assert board.total.planned == board.total.scheduled == 10
    assert board.total.late == 4  # 1.1.1 Mar, 1.1.2 Feb, 5.1.1 Jan (Feb done later)…
    assert board.due_period is None and board.due_items == []
    assert all(cell.level != "future" for row in board.heat for cell in row.cells)
