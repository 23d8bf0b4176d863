"""A small plan whose dashboard figures are known by hand (tests/test_dashboard_unit*.py).

KPU Kabupaten Bengkayang 2022 (Asia/Pontianak, reports due on the 5th of the next month),
seen on 10 March 2022 (``AS_OF``: January and February are over):

    area 1  1.1.1 Jan–Mar, PIC Ani     Jan done+verified 6 Feb · Feb done (submitted) · Mar —
            1.1.2 Jan–Feb, no PIC      Jan not done · Feb — (late)      → Tim Pelaksana area 1: Budi
                  (+ an unscheduled March cell with work: outside the plan, not counted)
    area 5  5.1.1 Jan–Apr, activity PIC Citra
                                       Jan — (late) · Feb done, recorded 20 Mar (after the day:
                                       late then) · Mar postponed · Apr in progress
            5.1.2 Jan, activity PIC Citra   Jan done, verified 15 Mar (after the day: done then)

Indicators: 1.1.1 A (no kind expected), 1.1.1 B (expects a report, "laporan"), 5.1.2 C.
Evidence (links): 1.1.1 Jan names A; 1.1.1 Feb names none, a report; 5.1.2 Jan names C but
was uploaded 12 March (after the day).
LKE: 2021 70.00 (B), 2022 75.50 (BB); another unit's 2022 LKE.
Audit: nine entries of the plan on 1–9 March (09:00 WIB) and one on 11 March.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from renaksi.audit.models import LogEntry
from renaksi.dashboards import asof
from renaksi.evaluation.models import Assessment
from renaksi.plans.models import ActionPlan, Activity, ChangeArea, Indicator, PlanArea, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit
from renaksi.work.models import Evidence, Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

WIB = ZoneInfo("Asia/Pontianak")
AS_OF_DAY = datetime.date(2022, 3, 10)
Status = Realisation.Status
State = Realisation.State


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2022, month, day, hour, tzinfo=WIB)


def as_of(day: datetime.date = AS_OF_DAY):
    return asof.resolve(2022, None, day.isoformat(), today=datetime.date(2026, 12, 1))


@dataclass
class UnitWorld:
    units: dict[str, Unit] = field(default_factory=dict)
    plan: ActionPlan | None = None
    users: dict[str, User] = field(default_factory=dict)
    subs: dict[str, SubActivity] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    periods: dict[tuple[str, int], SchedulePeriod] = field(default_factory=dict)
    areas: dict[int, PlanArea] = field(default_factory=dict)


def build_units() -> dict[str, Unit]:
    units = {}
    for code, name, level, parent in [
        ("00", "KPU Republik Indonesia", "pusat", None),
        ("61", "KPU Provinsi Kalimantan Barat", "provinsi", "00"),
        ("6107", "KPU Kabupaten Bengkayang", "kabupaten_kota", "61"),
        ("6101", "KPU Kabupaten Sambas", "kabupaten_kota", "61"),
    ]:
        units[code] = Unit.objects.create(
            code=code,
            name=name,
            level=level,
            parent=units.get(parent),
            time_zone="Asia/Pontianak",
        )
    return units


def realise(period: SchedulePeriod, status: str, state: str, created, **fields) -> Realisation:
    return Realisation.objects.create(
        period=period,
        plan=period.plan,
        unit_id=period.unit_id,
        year=period.year,
        sub_activity=period.sub_activity,
        status=status,
        state=state,
        created_at=created,
        **fields,
    )


def build_world(framework=None) -> UnitWorld:
    world = UnitWorld(units=build_units())
    for name, first in [("ani", "Ani"), ("budi", "Budi"), ("citra", "Citra"), ("admin", "Admin")]:
        world.users[name] = User.objects.create_user(name, first_name=first, password="x")
    plan = world.plan = ActionPlan.objects.create(
        unit=world.units["6107"], year=2022, status=ActionPlan.Status.DITETAPKAN
    )
    changes = {area.number: area for area in ChangeArea.objects.filter(number__in=[1, 5])}
    for number in (1, 5):
        world.areas[number] = PlanArea.objects.create(
            plan=plan, change_area=changes[number], number=number, name=changes[number].name
        )
    first = Activity.objects.create(
        area=world.areas[1], number=1, position=1, name="Pembentukan tim"
    )
    fifth = Activity.objects.create(
        area=world.areas[5], number=1, position=1, name="Penataan SDM", pic=world.users["citra"]
    )
    for key, activity, number, mask, pic in [
        ("1.1.1", first, 1, 0b111, world.users["ani"]),
        ("1.1.2", first, 2, 0b11, None),
        ("5.1.1", fifth, 1, 0b1111, None),
        ("5.1.2", fifth, 2, 0b1, None),
    ]:
        world.subs[key] = SubActivity.objects.create(
            activity=activity,
            number=number,
            position=number,
            name=f"Sub kegiatan {key}",
            schedule=mask,
            pic=pic,
            pic_text="Sekretaris" if key == "1.1.2" else "",
        )
    for key, sub, position, expected in [
        ("A", "1.1.1", 1, []),
        ("B", "1.1.1", 2, ["laporan"]),
        ("C", "5.1.2", 1, []),
    ]:
        world.indicators[key] = Indicator.objects.create(
            sub_activity=world.subs[sub],
            position=position,
            text=f"Indikator {key}",
            expected_evidence=expected,
        )
    sync_plan_periods(plan)
    for period in SchedulePeriod.objects.filter(plan=plan).select_related("sub_activity"):
        key = next(k for k, s in world.subs.items() if s.pk == period.sub_activity_id)
        world.periods[(key, period.period)] = period
    team = ReformTeam.objects.create(unit=plan.unit, year=2022)
    TeamMember.objects.create(
        team=team,
        user=world.users["budi"],
        name="Budi",
        position=Position.PELAKSANA_KOORDINATOR,
        change_area=changes[1],
    )

    p = world.periods
    jan = realise(p["1.1.1", 1], Status.DONE, State.VERIFIED, at(2, 2), verified_at=at(2, 6))
    feb = realise(p["1.1.1", 2], Status.DONE, State.SUBMITTED, at(3, 2))
    realise(p["1.1.2", 1], Status.NOT_DONE, State.SUBMITTED, at(2, 3), reason="Batal")
    realise(p["5.1.1", 2], Status.DONE, State.SUBMITTED, at(3, 20))
    realise(p["5.1.1", 3], Status.POSTPONED, State.SUBMITTED, at(3, 8), postponed_to=5)
    realise(p["5.1.1", 4], Status.IN_PROGRESS, State.DRAFT, at(3, 9), progress=20)
    c_jan = realise(p["5.1.2", 1], Status.DONE, State.VERIFIED, at(2, 4), verified_at=at(3, 15))
    outside = SchedulePeriod.objects.create(
        plan=plan,
        unit=plan.unit,
        year=2022,
        sub_activity=world.subs["1.1.2"],
        period=3,
        planned=False,
        due_on=datetime.date(2022, 4, 5),
    )
    realise(outside, Status.DONE, State.SUBMITTED, at(3, 3), outside_plan=True)

    admin = world.users["admin"]

    def evidence(realisation, kind, when, names):
        item = Evidence.objects.create(
            realisation=realisation,
            plan=plan,
            unit=plan.unit,
            title=f"Bukti {kind}",
            kind=kind,
            url="https://example.org/bukti",
            uploaded_by=admin,
            uploaded_at=when,
        )
        item.indicators.set([world.indicators[name] for name in names])
        return item

    evidence(jan, "notulen", at(2, 2), ["A"])
    evidence(feb, "laporan", at(3, 2), [])
    evidence(c_jan, "foto", at(3, 12), ["C"])

    if framework is not None:
        for unit, year, index, category in [
            (plan.unit, 2021, "70.00", "B"),
            (plan.unit, 2022, "75.50", "BB"),
            (world.units["6101"], 2022, "90.00", "A"),
        ]:
            Assessment.objects.create(
                unit=unit,
                year=year,
                framework=framework,
                plan=plan if unit == plan.unit and year == 2022 else None,
                index_value=Decimal(index),
                category=category,
                item_count=10,
                answered_count=8,
            )
    for day in range(1, 10):
        LogEntry.objects.create(
            actor=admin,
            action="work.realisation_saved",
            unit=plan.unit,
            plan=plan,
            object_repr=f"Catatan {day} Maret",
            created_at=at(3, day),
        )
    LogEntry.objects.create(
        actor=admin,
        action="plan.exported",
        unit=plan.unit,
        plan=plan,
        object_repr="Catatan 11 Maret",
        created_at=at(3, 11),
    )
    return world


def grow(world: UnitWorld, activities: int = 6, subs: int = 5) -> None:
    """Make the plan large: every change area, ``activities`` × ``subs`` sub-activities
    scheduled every month, each with two indicators and a PIC, January–June done and
    verified with evidence, July submitted, and many audit entries."""
    plan = world.plan
    pics = [User.objects.create_user(f"pic{n}", first_name=f"PIC {n}") for n in range(6)]
    for change in ChangeArea.objects.exclude(number__in=[1, 5]).order_by("number"):
        world.areas[change.number] = PlanArea.objects.create(
            plan=plan, change_area=change, number=change.number, name=change.name
        )
    created = []
    for area in world.areas.values():
        for a in range(activities):
            activity = Activity.objects.create(
                area=area, number=10 + a, position=10 + a, name=f"Kegiatan {area.number}.{a}"
            )
            for s in range(subs):
                sub = SubActivity.objects.create(
                    activity=activity,
                    number=s + 1,
                    position=s + 1,
                    name=f"Sub {area.number}.{a}.{s}",
                    schedule=0b111111111111,
                    pic=pics[(a + s) % len(pics)],
                )
                created.append(sub)
                for position in (1, 2):
                    Indicator.objects.create(
                        sub_activity=sub,
                        position=position,
                        text=f"Indikator {sub.name} {position}",
                        expected_evidence=["laporan"] if position == 2 else [],
                    )
    sync_plan_periods(plan)
    periods = SchedulePeriod.objects.filter(
        plan=plan, sub_activity__in=created, period__lte=7
    ).order_by("id")
    realisations = []
    for period in periods:
        done = period.period <= 6
        realisations.append(
            Realisation(
                period=period,
                plan=plan,
                unit_id=plan.unit_id,
                year=2022,
                sub_activity_id=period.sub_activity_id,
                status=Status.DONE if done else Status.IN_PROGRESS,
                state=State.VERIFIED if done else State.SUBMITTED,
                created_at=at(period.period + 1 if period.period < 12 else 12, 2),
                verified_at=at(period.period + 1, 6) if done else None,
            )
        )
    Realisation.objects.bulk_create(realisations)
    admin = world.users["admin"]
    items = [
        Evidence(
            realisation=r,
            plan=plan,
            unit=plan.unit,
            title="Laporan",
            kind="laporan",
            url="https://example.org/laporan",
            uploaded_by=admin,
            uploaded_at=r.created_at,
        )
        for r in Realisation.objects.filter(plan=plan, status=Status.DONE)
    ]
    Evidence.objects.bulk_create(items)
    LogEntry.objects.bulk_create(
        LogEntry(
            actor=pics[n % len(pics)],
            action="work.realisation_saved",
            unit=plan.unit,
            plan=plan,
            object_repr=f"Entri {n}",
            created_at=at(2, 1) + datetime.timedelta(hours=n),
        )
        for n in range(300)
    )
