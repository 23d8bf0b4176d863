"""A small KPU world with the personas of the permission matrix.

Units: KPU RI (00) → KPU Provinsi Kalimantan Barat (61) → Bengkayang (6107) and its sibling
Sambas (6101); another province, Kalimantan Tengah (62) → Kotawaringin Barat (6201). Every
unit has a 2022 plan (two areas: 1 and 5, one activity, one sub-activity each, one finding)
and a 2022 Tim RB. The personas, by the issue's list:

* ``implementer5``: Tim Pelaksana Area 5, Bengkayang 2022
* ``assessor``: Tim Asesor, Bengkayang 2022
* ``steering``: Ketua Tim Pengarah, Bengkayang 2022
* ``agent``: Agen Perubahan, Bengkayang 2022
* ``unit_admin``: administrator of Bengkayang
* ``province_reviewer``: reviewer at KPU Provinsi Kalimantan Barat
* ``other_regency``: Tim Pelaksana Area 5 of Sambas (another regency, same province)
* ``national_viewer``: viewer at KPU RI
* ``superuser``: the system administrator
* ``anonymous``
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from renaksi.access.models import UnitRole
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit

UNIT_CODES = ["00", "61", "6107", "6101", "62", "6201"]
PERSONAS = [
    "anonymous",
    "implementer5",
    "assessor",
    "steering",
    "agent",
    "unit_admin",
    "province_reviewer",
    "other_regency",
    "national_viewer",
    "national_reviewer",
    "national_admin",
    "superuser",
]
PASSWORD = "persona-rahasia-1"


@dataclass
class World:
    units: dict[str, Unit] = field(default_factory=dict)
    plans: dict[str, ActionPlan] = field(default_factory=dict)
    teams: dict[str, ReformTeam] = field(default_factory=dict)
    subs: dict[tuple[str, int], SubActivity] = field(default_factory=dict)  # (unit, area)
    findings: dict[str, ImportFinding] = field(default_factory=dict)
    users: dict[str, User | None] = field(default_factory=dict)


def build_world() -> World:
    world = World()
    tree = [
        ("00", "KPU Republik Indonesia", "pusat", None),
        ("61", "KPU Provinsi Kalimantan Barat", "provinsi", "00"),
        ("6107", "KPU Kabupaten Bengkayang", "kabupaten_kota", "61"),
        ("6101", "KPU Kabupaten Sambas", "kabupaten_kota", "61"),
        ("62", "KPU Provinsi Kalimantan Tengah", "provinsi", "00"),
        ("6201", "KPU Kabupaten Kotawaringin Barat", "kabupaten_kota", "62"),
    ]
    for code, name, level, parent in tree:
        world.units[code] = Unit.objects.create(
            code=code, name=name, level=level, parent=world.units.get(parent)
        )
    areas = {a.number: a for a in ChangeArea.objects.filter(number__in=[1, 5])}
    for code, unit in world.units.items():
        plan = ActionPlan.objects.create(
            unit=unit, year=2022, status=ActionPlan.Status.DITETAPKAN, decree_number=code
        )
        world.plans[code] = plan
        for number in (1, 5):
            area = PlanArea.objects.create(
                plan=plan, change_area=areas[number], number=number, name=areas[number].name
            )
            activity = Activity.objects.create(
                area=area, number=1, position=1, name=f"Kegiatan {code}.{number}"
            )
            sub = SubActivity.objects.create(
                activity=activity,
                number=1,
                position=1,
                name=f"Sub kegiatan {code}.{number}",
                schedule=0b111111111111,
            )
            Indicator.objects.create(sub_activity=sub, position=1, text=f"Indikator {code}")
            world.subs[(code, number)] = sub
        world.findings[code] = ImportFinding.objects.create(
            plan=plan, line=1, kind="stale_year", message=f"Temuan {code}"
        )
        world.teams[code] = ReformTeam.objects.create(unit=unit, year=2022)

    def user(name: str) -> User:
        created = User.objects.create_user(name, f"{name}@example.test", PASSWORD)
        world.users[name] = created
        return created

    def member(name: str, code: str, position: str, area: int | None = None) -> None:
        TeamMember.objects.create(
            team=world.teams[code],
            user=user(name),
            name=name,
            position=position,
            change_area=areas[area] if area else None,
        )

    member("implementer5", "6107", Position.PELAKSANA_KOORDINATOR, 5)
    member("assessor", "6107", Position.ASESOR_KETUA)
    member("steering", "6107", Position.PENGARAH_KETUA)
    member("agent", "6107", Position.AGEN_PERUBAHAN)
    member("other_regency", "6101", Position.PELAKSANA_KOORDINATOR, 5)
    for name, code, role in [
        ("unit_admin", "6107", UnitRole.Role.ADMIN),
        ("province_reviewer", "61", UnitRole.Role.REVIEWER),
        ("national_viewer", "00", UnitRole.Role.VIEWER),
        ("national_reviewer", "00", UnitRole.Role.REVIEWER),
        ("national_admin", "00", UnitRole.Role.ADMIN),
    ]:
        UnitRole.objects.create(user=user(name), unit=world.units[code], role=role)
    world.users["superuser"] = User.objects.create_superuser(
        "superuser", "superuser@example.test", PASSWORD
    )
    world.users["anonymous"] = None
    return world
