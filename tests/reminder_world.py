"""The permission world (tests/permission_world.py) with its schedule as rows, for the
reminder tests. Every plan is the 2022 plan of its unit, monthly, every month scheduled,
``report_due_day`` 5: January is due on 5 February 2022, February on 5 March, and so on.

In Bengkayang (6107): ``implementer5`` reports on the area-5 sub-activity, ``assessor``
verifies, ``agent`` is a change agent. ``other_regency`` implements area 5 of Sambas (6101).
"""

import datetime

from renaksi.plans.models import ActionPlan
from renaksi.work.models import Realisation, SchedulePeriod
from renaksi.work.periods import sync_plan_periods

from .permission_world import World, build_world


def build_reminder_world() -> World:
    world = build_world()
    for plan in world.plans.values():
        sync_plan_periods(plan)
    return world


def period_of(world: World, code: str, area: int, month: int) -> SchedulePeriod:
    return SchedulePeriod.objects.get(sub_activity=world.subs[(code, area)], period=month)


def realise(period: SchedulePeriod, state: str, **fields) -> Realisation:
    """A realisation row in ``state`` (the realisation services are another helper's)."""
    return Realisation.objects.create(
        period=period,
        plan_id=period.plan_id,
        unit_id=period.unit_id,
        year=period.year,
        sub_activity_id=period.sub_activity_id,
        agent_action_id=period.agent_action_id,
        state=state,
        **fields,
    )


def set_zone(world: World, code: str, zone: str) -> None:
    unit = world.units[code]
    unit.time_zone = zone
    unit.save(update_fields=["time_zone"])


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def more_plans(world: World, count: int) -> None:
    """``count`` more units under Kalimantan Barat, each with a ditetapkan 2022 plan like
    Bengkayang's and a 2022 team where implementer5, assessor and agent hold the same places
    (and a PIC who belongs), so that every one of them adds items: for the query-count tests."""
    from renaksi.plans.models import Activity, ChangeArea, Indicator, PlanArea, SubActivity
    from renaksi.teams.models import Position, ReformTeam, TeamMember
    from renaksi.units.models import Unit

    areas = {a.number: a for a in ChangeArea.objects.filter(number__in=[1, 5])}
    zones = ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"]
    for index in range(count):
        unit = Unit.objects.create(
            code=f"61{50 + index}",
            name=f"KPU Kabupaten Uji {index}",
            level="kabupaten_kota",
            parent=world.units["61"],
            time_zone=zones[index % len(zones)],
        )
        plan = ActionPlan.objects.create(
            unit=unit, year=2022, status=ActionPlan.Status.DITETAPKAN, decree_number=unit.code
        )
        for number in (1, 5):
            area = PlanArea.objects.create(
                plan=plan, change_area=areas[number], number=number, name=areas[number].name
            )
            activity = Activity.objects.create(
                area=area, number=1, position=1, name=f"Kegiatan {number}"
            )
            sub = SubActivity.objects.create(
                activity=activity,
                number=1,
                position=1,
                name=f"Sub kegiatan {unit.code}.{number}",
                schedule=0b111111111111,
                pic=world.users["steering"] if number == 1 else None,
            )
            Indicator.objects.create(sub_activity=sub, position=1, text="Indikator")
        team = ReformTeam.objects.create(unit=unit, year=2022)
        for name, position, area in [
            ("implementer5", Position.PELAKSANA_KOORDINATOR, 5),
            ("assessor", Position.ASESOR_KETUA, None),
            ("steering", Position.PENGARAH_KETUA, None),
            ("agent", Position.AGEN_PERUBAHAN, None),
        ]:
            TeamMember.objects.create(
                team=team,
                user=world.users[name],
                name=name,
                position=position,
                change_area=areas[area] if area else None,
            )
        sync_plan_periods(plan)
        realise(
            SchedulePeriod.objects.get(plan=plan, sub_activity__activity__area__number=5, period=2),
            "diajukan",
        )
