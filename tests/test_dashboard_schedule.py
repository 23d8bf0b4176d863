"""The schedule view (renaksi/dashboards/schedule.py, views_schedule.py): every cell in its
state at the as-of day, the filters of the unit dashboard's links (area, pic, state, bulan, q)
alone and together, bad filter values reported at their field and ignored, the HTMX partial
with a shareable pushed address, the current month marked, a quarterly plan, the empty
messages, access through renaksi.access, and the same number of queries for a plan of one
sub-activity and one of eighty."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.dashboards.cells import CellState
from renaksi.dashboards.schedule import Filters, filtered, load_schedule
from renaksi.plans.models import ActionPlan, Activity, ChangeArea, Indicator, PlanArea, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit
from renaksi.work.models import Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

pytestmark = pytest.mark.django_db

Status = Realisation.Status
State = Realisation.State
YEAR = 2022
AS_OF = "2022-06-15"  # January–April reports are due (5th of the next month); May is not


def months_mask(*months: int) -> int:
    return sum(1 << (m - 1) for m in months)


def make_unit(code="6107") -> Unit:
    root = Unit.objects.get_or_create(code="00", defaults={"name": "KPU RI", "level": "pusat"})[0]
    province = Unit.objects.get_or_create(
        code="61", defaults={"name": "KPU Provinsi Kalbar", "level": "provinsi", "parent": root}
    )[0]
    return Unit.objects.create(
        code=code, name=f"KPU {code}", level="kabupaten_kota", parent=province
    )


def make_plan(unit, areas=2, subs=2, schedule=None, kind="month") -> ActionPlan:
    """``areas`` areas (one activity each) with ``subs`` sub-activities, scheduled January to
    April and October (or ``schedule``), one indicator each."""
    plan = ActionPlan.objects.create(
        unit=unit, year=YEAR, schedule_kind=kind, status=ActionPlan.Status.DITETAPKAN
    )
    mask = months_mask(1, 2, 3, 4, 10) if schedule is None else schedule
    for number in range(1, areas + 1):
        area = PlanArea.objects.create(
            plan=plan,
            change_area=ChangeArea.objects.get(number=number),
            number=number,
            name=f"Area nomor {number}",
        )
        activity = Activity.objects.create(
            area=area, number=1, position=1, name=f"Kegiatan area {number}"
        )
        for position in range(1, subs + 1):
            sub = SubActivity.objects.create(
                activity=activity,
                number=position,
                position=position,
                name=f"Sub kegiatan {number}.{position}",
                schedule=mask,
            )
            Indicator.objects.create(
                sub_activity=sub, position=1, text=f"Indikator Dokumen {number}.{position}"
            )
    sync_plan_periods(plan)
    return ActionPlan.objects.select_related("unit").get(pk=plan.pk)


def realise(sub, period, status=Status.DONE, state=State.DRAFT, late=False, planned=True):
    cell = SchedulePeriod.objects.filter(sub_activity=sub, period=period).first()
    if cell is None:  # work outside the schedule
        cell = SchedulePeriod.objects.create(
            plan_id=sub.activity.area.plan_id,
            unit_id=sub.activity.area.plan.unit_id,
            year=YEAR,
            sub_activity=sub,
            period=period,
            planned=planned,
            due_on=f"{YEAR}-{period + 1:02d}-05",
        )
    return Realisation.objects.create(
        period=cell,
        plan_id=cell.plan_id,
        unit_id=cell.unit_id,
        year=YEAR,
        sub_activity=sub,
        status=status,
        state=state,
        late=late,
        reason="Alasan." if status == Status.NOT_DONE else "",
        postponed_to=11 if status == Status.POSTPONED else None,
    )


def subs_of(plan) -> list[SubActivity]:
    return list(
        SubActivity.objects.filter(activity__area__plan=plan).order_by(
            "activity__area__number", "position"
        )
    )


@pytest.fixture
def unit():
    return make_unit()


@pytest.fixture
def plan(unit):
    """Area 1: sub 1.1 verified in January, done (submitted) in February, not done in March;
    sub 1.2 postponed in January, reported late and verified in February, work outside the
    schedule in May. Area 2: nothing reported (late until April, planned in October)."""
    plan = make_plan(unit)
    s11, s12, _s21, _s22 = subs_of(plan)
    realise(s11, 1, state=State.VERIFIED)
    realise(s11, 2, state=State.SUBMITTED)
    realise(s11, 3, status=Status.NOT_DONE)
    realise(s12, 1, status=Status.POSTPONED)
    realise(s12, 2, state=State.VERIFIED, late=True)
    realise(s12, 5, planned=False)
    return plan


@pytest.fixture
def reader(unit):
    user = User.objects.create_user("pembaca", "pembaca@example.test", "x")
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.VIEWER)
    return user


def url(plan, query=""):
    return reverse("dashboards:schedule", args=[plan.pk]) + query


def states(row) -> list[str | None]:
    return [cell.state for cell in row.cells]


def grid_of(plan, as_of=AS_OF, **filters):
    schedule = load_schedule(plan, datetime.date.fromisoformat(as_of))
    return filtered(schedule, Filters(**filters), datetime.date.fromisoformat(as_of).month)


def rows_of(grid):
    return [row for area in grid.areas for group in area.activities for row in group.rows]


# ---------------------------------------------------------------- the cells


def test_every_cell_in_its_state_at_the_as_of_day(plan):
    grid = grid_of(plan)
    s11, s12, s21, _s22 = rows_of(grid)
    P, D, V, L, N, T = (
        CellState.PLANNED,
        CellState.DONE,
        CellState.VERIFIED,
        CellState.LATE,
        CellState.NOT_DONE,
        CellState.POSTPONED,
    )
    assert states(s11) == [V, D, N, L, None, None, None, None, None, P, None, None]
    assert states(s12) == [T, V, L, L, D, None, None, None, None, P, None, None]
    assert states(s21) == [L, L, L, L, None, None, None, None, None, P, None, None]
    # Earlier, before the first report was due, nothing unreported is late yet.
    early = rows_of(grid_of(plan, as_of="2022-02-03"))
    assert states(early[2])[:4] == [P, P, P, P]
    # The reported-late flag and work outside the schedule are marks of their own.
    assert s12.cells[1].reported_late and not s11.cells[1].reported_late
    assert not s12.cells[4].planned and s12.cells[0].planned
    assert s12.cells[1].label == "Februari: Terverifikasi, dilaporkan terlambat"
    assert s12.cells[4].label == "Mei: Selesai, di luar jadwal"
    # Counts of the legend: every cell of the rows shown, by state.
    counts = {state: count for state, _label, _symbol, count in grid.counts}
    assert counts == {P: 4, D: 2, V: 2, L: 11, N: 1, T: 1}
    assert (grid.shown, grid.total) == (4, 4)


def test_the_page_shows_each_cell_with_symbol_label_and_link(client, plan, reader):
    client.force_login(reader)
    response = client.get(url(plan, f"?per={AS_OF}"))
    assert response.status_code == 200
    html = response.content.decode()
    s11 = subs_of(plan)[0]
    january = Realisation.objects.get(sub_activity=s11, period__period=1)
    # A reader opens the realisation's page; a cell with nothing recorded has no link.
    link = reverse("work:review", kwargs={"pk": january.pk})
    assert re.search(
        rf'<td class="cell is-verified[^"]*" data-m="JAN"><a href="{link}" '
        r'aria-label="Januari: Terverifikasi">✔✔</a></td>',
        html,
    )
    assert (
        '<td class="cell is-late" data-m="APR"><span role="img" aria-label="April: Terlambat">'
        "!</span></td>" in html
    )
    assert 'aria-label="Februari: Terverifikasi, dilaporkan terlambat">✔✔*</a>' in html
    assert 'class="cell is-done is-unplanned"' in html
    # An unscheduled month is an empty cell, no link.
    assert '<td class="cell is-empty" data-m="JUL"></td>' in html
    # The legend names every state with its symbol and count; June is marked.
    for label in ("Terjadwal", "Selesai", "Terverifikasi", "Terlambat", "Tidak terlaksana"):
        assert label in html
    assert re.search(r'<th scope="col" class="col-period is-now"><abbr title="Juni">JUN', html)
    assert "Menampilkan 4 dari 4 sub kegiatan." in html
    # The plan page links here.
    plan_page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'href="{url(plan)}"' in plan_page


def test_who_reports_opens_the_realisation_form_of_every_cell(client, plan, unit):
    team = ReformTeam.objects.create(unit=unit, year=YEAR)
    implementer = User.objects.create_user("pelaksana-dua")
    TeamMember.objects.create(
        team=team,
        user=implementer,
        name="Pelaksana Dua",
        position=Position.PELAKSANA_KOORDINATOR,
        change_area=ChangeArea.objects.get(number=2),
    )
    client.force_login(implementer)
    html = client.get(url(plan, f"?per={AS_OF}")).content.decode()
    s11, _s12, s21, _s22 = subs_of(plan)
    # Area 2 is theirs: every scheduled cell opens its form, reported or not.
    for period in SchedulePeriod.objects.filter(sub_activity=s21):
        assert f'href="{reverse("work:realisation", kwargs={"period": period.pk})}"' in html
    # Area 1 is not: the recorded cells open the realisation's page, the others nothing.
    april = SchedulePeriod.objects.get(sub_activity=s11, period=4)
    assert f'href="{reverse("work:realisation", kwargs={"period": april.pk})}"' not in html
    verified = Realisation.objects.get(sub_activity=s11, period__period=1)
    assert f'href="{reverse("work:review", kwargs={"pk": verified.pk})}"' in html


def test_a_past_year_seen_today_has_no_month_marked_and_everything_unreported_is_late(
    client, plan, reader
):
    client.force_login(reader)
    html = client.get(url(plan)).content.decode()
    assert "is-now" not in html
    assert "Terjadwal" in html  # in the legend
    grid = grid_of(plan, as_of="2026-12-01")
    october = [row.cells[9].state for row in rows_of(grid)]
    assert october == [CellState.LATE] * 4


# ---------------------------------------------------------------- the filters


def test_area_filter_by_change_area_number(plan):
    grid = grid_of(plan, area=2)
    assert [row.number for row in rows_of(grid)] == ["2.1.1", "2.1.2"]
    assert (grid.shown, grid.total) == (2, 4)


def test_state_filter_shows_rows_with_a_cell_in_that_state_and_marks_those_cells(plan):
    grid = grid_of(plan, state=CellState.NOT_DONE)
    (row,) = rows_of(grid)
    assert row.number == "1.1.1"
    assert [cell.column for cell in row.cells if cell.match] == [3]
    grid = grid_of(plan, state=CellState.POSTPONED)
    assert [row.number for row in rows_of(grid)] == ["1.1.2"]


def test_month_filter_and_month_with_state_concern_the_same_cell(plan):
    # Every row has a January cell.
    assert grid_of(plan, bulan=1).shown == 4
    # Late in January: area 2's rows only (area 1's January is verified or postponed).
    grid = grid_of(plan, bulan=1, state=CellState.LATE)
    assert [row.number for row in rows_of(grid)] == ["2.1.1", "2.1.2"]
    assert all([cell.column for cell in row.cells if cell.match] == [1] for row in rows_of(grid))
    # Verified in March: no one (1.1's March is not done, 1.2's is late).
    assert grid_of(plan, bulan=3, state=CellState.VERIFIED).shown == 0
    # A month with nothing scheduled or recorded: no row.
    assert grid_of(plan, bulan=7).shown == 0


def test_pic_filter_takes_the_sub_activity_the_activity_and_the_area_implementers(plan, unit):
    _s11, s12, s21, _s22 = subs_of(plan)
    own = User.objects.create_user("pic-sub", first_name="Sari", last_name="Sub")
    boss = User.objects.create_user("pic-kegiatan", first_name="Kadir", last_name="Kegiatan")
    coordinator = User.objects.create_user("koord", first_name="Koor", last_name="Dua")
    s12.pic = own
    s12.save()
    activity = s21.activity
    activity.pic = boss
    activity.save()
    team = ReformTeam.objects.create(unit=unit, year=YEAR)
    TeamMember.objects.create(
        team=team,
        user=coordinator,
        name="Koor Dua",
        position=Position.PELAKSANA_KOORDINATOR,
        change_area=ChangeArea.objects.get(number=2),
    )
    TeamMember.objects.create(  # a member without an account: named, not a filter choice
        team=team,
        name="Tanpa Akun",
        position=Position.PELAKSANA_ANGGOTA,
        change_area=ChangeArea.objects.get(number=1),
    )
    assert [row.number for row in rows_of(grid_of(plan, pic=own.pk))] == ["1.1.2"]
    assert [row.number for row in rows_of(grid_of(plan, pic=boss.pk))] == ["2.1.1", "2.1.2"]
    assert [row.number for row in rows_of(grid_of(plan, pic=coordinator.pk))] == [
        "2.1.1",
        "2.1.2",
    ]
    rows = rows_of(grid_of(plan))
    assert rows[1].pics == ["Sari Sub", "Tanpa Akun"]
    assert rows[2].pics == ["Kadir Kegiatan", "Koor Dua"]
    schedule = load_schedule(plan, datetime.date(2022, 6, 15))
    assert [name for _pk, name in schedule.pics] == ["Kadir Kegiatan", "Koor Dua", "Sari Sub"]


def test_text_search_looks_in_names_indicators_and_columns_case_insensitively(plan):
    _s11, _s12, _s21, s22 = subs_of(plan)
    s22.output_text = "Laporan Evaluasi SAKIP"
    s22.save()
    assert [row.number for row in rows_of(grid_of(plan, q="sakip"))] == ["2.1.2"]
    # Every word must be found, anywhere in the row (here: area name + indicator).
    assert [row.number for row in rows_of(grid_of(plan, q="nomor 2 dokumen 2.1"))] == [
        "2.1.1",
        "2.1.2",
    ]
    assert [row.number for row in rows_of(grid_of(plan, q="1.1.2"))] == ["1.1.2"]
    assert grid_of(plan, q="tidak ada di mana pun").shown == 0


def test_filters_combine(plan):
    grid = grid_of(plan, area=1, state=CellState.LATE, q="1.2")
    assert [row.number for row in rows_of(grid)] == ["1.1.2"]
    counts = {state: count for state, _l, _s, count in grid.counts}
    assert counts[CellState.LATE] == 2 and counts[CellState.POSTPONED] == 1


def test_filters_through_the_page_and_the_empty_message(client, plan, reader):
    client.force_login(reader)
    html = client.get(url(plan, f"?area=2&state=late&bulan=1&q=&per={AS_OF}")).content.decode()
    assert "Menampilkan 2 dari 4 sub kegiatan." in html
    assert "Sub kegiatan 2.1</th>" in html and "Sub kegiatan 1.1</th>" not in html
    assert html.count('class="cell is-late is-match') == 2
    assert '<option value="2" selected>' in html  # the form shows the filters back
    html = client.get(url(plan, "?q=tidak+ada+di+mana+pun")).content.decode()
    assert "Tidak ada sub kegiatan yang cocok dengan saringan ini." in html
    assert "Menampilkan 0 dari 4 sub kegiatan." in html
    assert '<table class="schedule' not in html


def test_a_plan_without_sub_activities_says_so(client, unit, reader):
    plan = make_plan(unit, areas=0)
    client.force_login(reader)
    html = client.get(url(plan)).content.decode()
    assert "Rencana aksi ini belum mempunyai sub kegiatan." in html


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("area=99", "area", "Pilih salah satu pilihan yang tersedia."),
        ("area=satu", "area", "Pilih salah satu pilihan yang tersedia."),
        ("pic=abc", "pic", "Pilih salah satu pilihan yang tersedia."),
        ("pic=999999", "pic", "Pilih salah satu pilihan yang tersedia."),
        ("state=selesai", "state", "Pilih salah satu pilihan yang tersedia."),
        ("bulan=13", "bulan", "Pilih salah satu pilihan yang tersedia."),
        ("bulan=0", "bulan", "Pilih salah satu pilihan yang tersedia."),
        ("q=" + "x" * 101, "q", "Teks pencarian paling banyak 100 karakter."),
        ("per=kemarin", "per", "Tanggal tidak valid"),
        ("per=2021-12-31", "per", "Tanggal tidak boleh sebelum tahun rencana"),
        ("per=2999-01-01", "per", "Tanggal tidak boleh setelah hari ini"),
    ],
)
def test_a_bad_value_is_reported_at_its_field_and_ignored(
    client, plan, reader, query, field, message
):
    client.force_login(reader)
    response = client.get(url(plan, f"?{query}" + ("" if field == "area" else "&area=1")))
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(rf'<ul class="field__errors" id="id_{field}_errors">(.*?)</ul>', html)
    assert errors and message in errors.group(1), errors
    # The other filters still apply (area 1 unless area itself was bad), nothing else breaks.
    shown = 4 if field == "area" else 2
    assert f"Menampilkan {shown} dari 4 sub kegiatan." in html


def test_odd_characters_in_the_search_are_text(client, plan, reader):
    client.force_login(reader)
    response = client.get(url(plan, "?q=%3Cscript%3E%25%27%22"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>%" not in html and 'value="&lt;script&gt;%&#x27;&quot;"' in html
    response = client.get(url(plan, "?q=a%00b"))
    assert response.status_code == 200
    assert "Teks pencarian tidak boleh memuat karakter nol." in response.content.decode()


# ---------------------------------------------------------------- HTMX


def test_htmx_gets_the_results_only_and_a_shareable_address(client, plan, reader):
    client.force_login(reader)
    response = client.get(
        url(plan, f"?q=&area=1&pic=&state=late&bulan=&per={AS_OF}"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert '<table class="schedule' in html
    # The count and the field errors go out of band, into elements the page keeps.
    assert 'hx-swap-oob="innerHTML:#jadwal-jumlah">Menampilkan 2 dari 4 sub kegiatan.' in html
    assert 'hx-swap-oob="innerHTML:#id_area_errors"' in html
    assert response["HX-Push-Url"] == url(plan, f"?area=1&state=late&per={AS_OF}")
    assert "HX-Request" in response["Vary"]
    # Without filters the pushed address is the bare page.
    response = client.get(url(plan, "?q=&area="), HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == url(plan)


def test_htmx_history_restore_gets_the_whole_page(client, plan, reader):
    client.force_login(reader)
    response = client.get(
        url(plan, "?area=1"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" in html and "<form" in html
    assert "HX-Push-Url" not in response


def test_the_form_asks_htmx_for_the_results_and_works_without_it(client, plan, reader):
    client.force_login(reader)
    html = client.get(url(plan)).content.decode()
    form = re.search(r"<form [^>]*role=\"search\"[^>]*>", html, re.S).group(0)
    assert f'action="{url(plan)}"' in form and 'method="get"' in form
    assert f'hx-get="{url(plan)}"' in form and 'hx-target="#jadwal-hasil"' in form
    for name in ("q", "area", "pic", "state", "bulan", "per"):
        assert re.search(rf'<label for="id_{name}">', html), name
    assert '<p class="schedule-count" id="jadwal-jumlah" role="status">' in html


# ---------------------------------------------------------------- quarterly plans


def test_a_quarterly_plan_has_four_columns_and_a_month_means_its_quarter(unit):
    plan = make_plan(unit, areas=1, subs=1, kind="quarter", schedule=0b0011)
    (sub,) = subs_of(plan)
    realise(sub, 2, state=State.VERIFIED)
    grid = grid_of(plan, bulan=5, state=CellState.VERIFIED)
    assert grid.headers == ["TW I", "TW II", "TW III", "TW IV"]
    assert grid.current_column == 2  # June is in the second quarter
    (row,) = rows_of(grid)
    assert [cell.column for cell in row.cells if cell.match] == [2]
    assert row.cells[1].label == "Triwulan II: Terverifikasi"
    assert grid_of(plan, bulan=7).shown == 0


# ---------------------------------------------------------------- access and queries


def test_access_through_the_access_layer(client, plan):
    response = client.get(url(plan))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    other = make_unit("6101")
    outsider = User.objects.create_user("luar", "luar@example.test", "x")
    UnitRole.objects.create(user=outsider, unit=other, role=UnitRole.Role.VIEWER)
    client.force_login(outsider)
    assert client.get(url(plan)).status_code == 404
    assert client.get(reverse("dashboards:schedule", args=[999999])).status_code == 404


def page_queries(client, plan, query="") -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(plan, query))
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_same_number_of_queries_for_one_sub_activity_and_eighty(client, unit, reader):
    small = make_plan(unit, areas=1, subs=1)
    realise(subs_of(small)[0], 1, state=State.VERIFIED)
    big_unit = make_unit("6102")
    big = make_plan(big_unit, areas=8, subs=10, schedule=0b111111111111)
    team = ReformTeam.objects.create(unit=big_unit, year=YEAR)
    for number in range(1, 9):
        TeamMember.objects.create(
            team=team,
            user=User.objects.create_user(f"koord{number}"),
            name=f"Koordinator {number}",
            position=Position.PELAKSANA_KOORDINATOR,
            change_area=ChangeArea.objects.get(number=number),
        )
    for sub in subs_of(big)[::3]:
        sub.pic = reader
        sub.save()
        realise(sub, 1, state=State.VERIFIED)
        realise(sub, 2, status=Status.NOT_DONE)
    UnitRole.objects.create(user=reader, unit=big_unit, role=UnitRole.Role.VIEWER)
    client.force_login(reader)
    page_queries(client, small)  # warm the session and content-type caches
    for query in ("", f"?area=1&state=late&bulan=2&q=sub&per={AS_OF}"):
        one = page_queries(client, small, query)
        eighty = page_queries(client, big, query)
        assert one == eighty <= 11, (query, one, eighty)
