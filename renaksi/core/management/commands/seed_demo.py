"""python manage.py seed_demo: the Bengkayang demo unit, its 2022 plan and demo logins."""

from pathlib import Path

from django.contrib.auth.models import Permission, User
from django.core.management.base import BaseCommand
from django.db import transaction

from renaksi.importer.services import ImportRefused, import_decree
from renaksi.units.models import Unit

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
# username, password, description, superuser, may change plans
DEMO_USERS = [
    ("admin", "renaksi-admin", "administrator (semua akses, termasuk /admin/)", True, True),
    ("sekretariat", "renaksi-sekretariat", "sekretariat KPU Kab. Bengkayang (ubah)", False, True),
    ("pimpinan", "renaksi-pimpinan", "pimpinan KPU Kab. Bengkayang (baca)", False, False),
]


class Command(BaseCommand):
    help = "Buat data demo: satker Bengkayang, rencana aksi 2022 dari keputusannya, akun demo."

    def handle(self, *args, **options):
        with transaction.atomic():
            units = self._units()
            try:
                result = import_decree(
                    DEMO_DECREE.read_bytes(), unit=units["6107"], filename=DEMO_DECREE.name
                )
            except ImportRefused as exc:
                result = None
                self.stdout.write(f"Rencana aksi demo dibiarkan apa adanya: {exc.message}")
            self._users()
        if result is not None:
            counts = result.decree.counts()
            state = {"created": "dibuat", "unchanged": "sudah ada", "replaced": "diganti"}
            self.stdout.write(
                f"Rencana aksi {units['6107'].name} {result.decree.header.year} "
                f"{state.get(result.status, result.status)}: {counts['areas']} area, "
                f"{counts['activities']} kegiatan, {counts['sub_activities']} sub kegiatan, "
                f"{counts['indicators']} indikator, {len(result.decree.findings)} temuan impor."
            )
        self.stdout.write("Akun demo (hanya untuk uji coba, jangan dipakai di produksi):")
        for username, password, description, _, _ in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}  — {description}")

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

    def _users(self) -> None:
        change_plan = Permission.objects.get(
            content_type__app_label="plans", codename="change_actionplan"
        )
        for username, password, _, superuser, may_change in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_superuser = user.is_staff = superuser
            user.is_active = True
            user.set_password(password)
            user.save()
            if may_change:
                user.user_permissions.add(change_plan)
            else:
                user.user_permissions.remove(change_plan)
