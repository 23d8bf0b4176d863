"""python manage.py seed_demo: the Bengkayang demo unit, its 2022 plan, its year and demo logins.

By default the demo tells Bengkayang's 2022 as it happened (renaksi/core/demo_story.py, at
the story's moments through renaksi/core/demo_clock.py): the plan submitted and approved
(ditetapkan) in April 2022, January–September reported and reviewed (renaksi/work/demo.py),
monitoring in March, June and September. ``--plan-only`` stops after the units, the users and
the imported plan, still a draft with no year's work (for tests that edit or re-import it).
"""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from renaksi.access.models import UnitRole
from renaksi.core.demo_clock import DemoClock
from renaksi.core.demo_story import SET_UP, tell_the_year
from renaksi.evaluation.frameworks import load_shipped
from renaksi.importer.services import ImportRefused, import_decree
from renaksi.plans.models import ActionPlan, ChangeArea
from renaksi.publication.demo import publish_demo
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit
from renaksi.work.agents import seed_demo_agent_plan
from renaksi.work.files import StoredFiles

DEMO_DECREE = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "keputusan-kpu-bengkayang-12-2022-rencana-aksi-rb.txt"
)
DEMO_UNITS = [
    # code, name, level, parent code, time zone
    ("00", "KPU Republik Indonesia", Unit.Level.PUSAT, None, "Asia/Jakarta"),
    ("61", "KPU Provinsi Kalimantan Barat", Unit.Level.PROVINSI, "00", "Asia/Pontianak"),
    ("6107", "KPU Kabupaten Bengkayang", Unit.Level.KABUPATEN_KOTA, "61", "Asia/Pontianak"),
]
# username, full name, what they are in the demo
DEMO_USERS = [
    ("admin", "Administrator Renaksi", "administrator sistem (semua akses, termasuk /admin/)"),
    ("sekretariat", "Sekretariat Bengkayang", "administrator satker KPU Kab. Bengkayang"),
    ("pimpinan", "Musa Jairani", "Ketua Tim Pengarah, KPU Kab. Bengkayang 2022"),
    ("pelaksana5", "Pelaksana Area 5", "Koordinator Tim Pelaksana Area 5, Bengkayang 2022"),
    ("asesor", "Asesor Bengkayang", "Ketua Tim Asesor, KPU Kab. Bengkayang 2022"),
    ("agen", "Agen Perubahan Bengkayang", "Agen Perubahan, KPU Kab. Bengkayang 2022"),
    ("kalbar", "Peninjau Kalimantan Barat", "peninjau KPU Provinsi Kalimantan Barat"),
    ("kpuri", "Pembaca KPU RI", "pembaca KPU RI (melihat semua satker)"),
    ("pelaksana1", "Pelaksana Area 1–4", "Koordinator Tim Pelaksana Area 1–4, Bengkayang 2022"),
    ("pelaksana6", "Pelaksana Area 6–8", "Koordinator Tim Pelaksana Area 6–8, Bengkayang 2022"),
    ("kpuri-peninjau", "Peninjau KPU RI", "peninjau KPU RI (memutuskan kiriman provinsi)"),
]
# username, unit code, role
DEMO_ROLES = [
    ("sekretariat", "6107", UnitRole.Role.ADMIN),
    ("kalbar", "61", UnitRole.Role.REVIEWER),
    ("kpuri", "00", UnitRole.Role.VIEWER),
    ("kpuri-peninjau", "00", UnitRole.Role.REVIEWER),
]
# username, position, change area number
DEMO_TEAM = [
    ("pimpinan", Position.PENGARAH_KETUA, None),
    ("pelaksana5", Position.PELAKSANA_KOORDINATOR, 5),
    ("asesor", Position.ASESOR_KETUA, None),
    ("agen", Position.AGEN_PERUBAHAN, None),
    *(("pelaksana1", Position.PELAKSANA_KOORDINATOR, area) for area in (1, 2, 3, 4)),
    *(("pelaksana6", Position.PELAKSANA_KOORDINATOR, area) for area in (6, 7, 8)),
]


def demo_password(username: str) -> str:
    return f"renaksi-{username}"


class Command(BaseCommand):
    help = "Buat data demo: satker Bengkayang, rencana aksi 2022 dari keputusannya, akun demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan-only",
            action="store_true",
            help="Hanya satker, akun dan rencana aksi (draf); tanpa cerita tahun 2022.",
        )

    def handle(self, *args, **options):
        # StoredFiles outside the transaction: a failed seed leaves no evidence file behind.
        # The story's clock: the demo unit sets Renaksi up on 10 January 2022 and lives its
        # year (renaksi/core/demo_clock.py); --plan-only runs at today's time.
        plan_only = options["plan_only"]
        with StoredFiles() as stored, transaction.atomic(), DemoClock() as clock:
            load_shipped()  # the evaluation frameworks (renaksi/evaluation/data/frameworks)
            if not plan_only:
                clock.set(SET_UP)
            units = self._units()
            try:
                result = import_decree(
                    DEMO_DECREE.read_bytes(), unit=units["6107"], filename=DEMO_DECREE.name
                )
            except ImportRefused as exc:
                result = None
                self.stdout.write(f"Rencana aksi demo dibiarkan apa adanya: {exc.message}")
            users = self._users()
            self._roles_and_team(users, units)
            plan = ActionPlan.objects.filter(unit=units["6107"], year=2022).first()
            seed_demo_agent_plan(plan, users["agen"])  # the change agent's own plan
            story = None
            if not plan_only and plan is not None:
                # The year 2022 at its own moments (renaksi/core/demo_story.py).
                story = tell_the_year(plan, users, stored, clock)
                # The public RB column (renaksi/publication/demo.py): /publik/6107/2022/.
                publish_demo(plan, users["sekretariat"], clock)
        if result is not None:
            counts = result.decree.counts()
            state = {"created": "dibuat", "unchanged": "sudah ada", "replaced": "diganti"}
            self.stdout.write(
                f"Rencana aksi {units['6107'].name} {result.decree.header.year} "
                f"{state.get(result.status, result.status)}: {counts['areas']} area, "
                f"{counts['activities']} kegiatan, {counts['sub_activities']} sub kegiatan, "
                f"{counts['indicators']} indikator, {len(result.decree.findings)} temuan impor."
            )
        if story is not None:
            for line in story.lines():
                self.stdout.write(line)
        if story is not None:
            self.stdout.write("Kolom RB publik (tanpa masuk): /publik/6107/2022/")
        self.stdout.write("Akun demo (hanya untuk uji coba, jangan dipakai di produksi):")
        for username, _, description in DEMO_USERS:
            self.stdout.write(f"  {username} / {demo_password(username)}  — {description}")

    def _units(self) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        for code, name, level, parent, zone in DEMO_UNITS:
            units[code], _ = Unit.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "level": level,
                    "parent": units.get(parent) if parent else None,
                    "time_zone": zone,
                },
            )
        return units

    def _users(self) -> dict[str, User]:
        users = {}
        for username, full_name, _ in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.email = f"{username}@renaksi.invalid"
            user.is_superuser = user.is_staff = username == "admin"
            user.is_active = True
            user.set_password(demo_password(username))
            user.save()
            users[username] = user
        return users

    def _roles_and_team(self, users: dict[str, User], units: dict[str, Unit]) -> None:
        for username, code, role in DEMO_ROLES:
            UnitRole.objects.get_or_create(user=users[username], unit=units[code], role=role)
        team, _ = ReformTeam.objects.get_or_create(unit=units["6107"], year=2022)
        for username, position, area in DEMO_TEAM:
            user = users[username]
            TeamMember.objects.get_or_create(
                team=team,
                user=user,
                position=position,
                change_area=ChangeArea.objects.get(number=area) if area else None,
                defaults={"name": user.first_name},
            )
