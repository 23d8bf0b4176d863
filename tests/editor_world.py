"""A small draft plan and the people around it, for the editor tests.

KPU Kabupaten Bengkayang (under KPU Provinsi Kalimantan Barat and KPU RI) has a draft 2026
plan: area 1 with two activities (the first with two sub-activities, each with two
indicators), area 5 with one activity, one sub-activity and no indicator. Sambas, another
regency, has its own administrator. The people: ``admin`` (administrator of Bengkayang),
``steering`` (Ketua Tim Pengarah), ``implementer`` (Tim Pelaksana area 1), ``viewer`` (reader
at KPU RI), ``other_admin`` (administrator of Sambas), ``superuser``.
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

PASSWORD = "editor-rahasia-1"


@dataclass
class EditorWorld:
    plan: ActionPlan
    areas: list[PlanArea] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    subs: list[SubActivity] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def build_editor_world(status: str = ActionPlan.Status.DRAFT) -> EditorWorld:
    ri = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    kalbar = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level="provinsi", parent=ri
    )
    unit = Unit.objects.create(
        code="6107", name="KPU Kabupaten Bengkayang", level="kabupaten_kota", parent=kalbar
    )
    sambas = Unit.objects.create(
        code="6101", name="KPU Kabupaten Sambas", level="kabupaten_kota", parent=kalbar
    )
    plan = ActionPlan.objects.create(
        unit=unit,
        year=2026,
        status=status,
        decree_number="12",
        decree_subject="Rencana Aksi Reformasi Birokrasi",
        decree_place="Bengkayang",
        considerations=[{"label": "a.", "text": "bahwa perlu rencana aksi", "line": 7}],
    )
    world = EditorWorld(plan=plan)
    change_areas = {area.number: area for area in ChangeArea.objects.all()}
    for number in (1, 5):
        world.areas.append(
            PlanArea.objects.create(
                plan=plan,
                change_area=change_areas[number],
                number=number,
                name=change_areas[number].name,
                source_line=10 * number,
            )
        )
    first, fifth = world.areas
    for position in (1, 2):
        world.activities.append(
            Activity.objects.create(
                area=first, number=position, position=position, name=f"Kegiatan 1.{position}"
            )
        )
    world.activities.append(
        Activity.objects.create(area=fifth, number=1, position=1, name="Kegiatan 5.1")
    )
    for position in (1, 2):
        sub = SubActivity.objects.create(
            activity=world.activities[0],
            number=position,
            position=position,
            name=f"Sub kegiatan 1.1.{position}",
            schedule=0b11,
        )
        world.subs.append(sub)
        for index, label in enumerate(("a.", "b."), start=1):
            world.indicators.append(
                Indicator.objects.create(
                    sub_activity=sub, position=index, label=label, text=f"Indikator {label}"
                )
            )
    world.subs.append(
        SubActivity.objects.create(
            activity=world.activities[2], number=1, position=1, name="Sub kegiatan 5.1.1"
        )
    )
    ImportFinding.objects.create(
        plan=plan,
        line=11,
        kind="numbering_gap",
        message="Nomor melompat",
        activity=world.activities[0],
    )

    def user(name: str, **extra) -> User:
        created = User.objects.create_user(name, f"{name}@example.test", PASSWORD, **extra)
        world.users[name] = created
        return created

    UnitRole.objects.create(user=user("admin"), unit=unit, role=UnitRole.Role.ADMIN)
    UnitRole.objects.create(user=user("viewer"), unit=ri, role=UnitRole.Role.VIEWER)
    UnitRole.objects.create(user=user("other_admin"), unit=sambas, role=UnitRole.Role.ADMIN)
    team = ReformTeam.objects.create(unit=unit, year=2026)
    TeamMember.objects.create(
        team=team, user=user("steering"), name="steering", position=Position.PENGARAH_KETUA
    )
    TeamMember.objects.create(
        team=team,
        user=user("implementer"),
        name="implementer",
        position=Position.PELAKSANA_KOORDINATOR,
        change_area=change_areas[1],
    )
    world.users["superuser"] = User.objects.create_superuser(
        "superuser", "superuser@example.test", PASSWORD
    )
    return world


def fresh(obj):
    """``obj`` as the database has it now."""
    return type(obj)._default_manager.get(pk=obj.pk)
