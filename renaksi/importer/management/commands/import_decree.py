"""python manage.py import_decree PATH --unit CODE [--dry-run] [--json] [--replace]"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.importer.services import ImportRefused, import_decree
from renaksi.lib.decree.model import DecreeError
from renaksi.units.models import Unit

STATUS_TEXT = {
    "created": "Rencana aksi dibuat",
    "replaced": "Rencana aksi diganti",
    "unchanged": "Tidak ada perubahan: berkas yang sama sudah diimpor",
    "dry_run": "Uji coba (tidak ada yang disimpan)",
}


class Command(BaseCommand):
    help = "Impor keputusan rencana aksi RB (teks) sebagai rencana aksi satker."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Berkas teks keputusan (UTF-8).")
        parser.add_argument("--unit", required=True, help="Kode satker, mis. 6107.")
        parser.add_argument("--dry-run", action="store_true", help="Baca saja, jangan simpan.")
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai JSON.")
        parser.add_argument(
            "--replace", action="store_true", help="Ganti rencana aksi dari berkas lain."
        )

    def fail(self, message: str) -> None:
        self.stderr.write(f"Galat: {message}")
        sys.exit(1)

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.fail(f"berkas tidak ditemukan: {path}")
        except IsADirectoryError:
            self.fail(f"{path} adalah folder, bukan berkas.")
        except OSError as exc:
            self.fail(f"berkas {path} tidak dapat dibaca ({exc.strerror}).")

        unit = self._unit(options["unit"], required=not options["dry_run"])
        try:
            result = import_decree(
                data,
                unit=unit,
                filename=path.name,
                replace=options["replace"],
                dry_run=options["dry_run"],
            )
        except DecreeError as exc:
            where = f"baris {exc.line}: " if exc.line else ""
            self.fail(f"{path.name}: {where}{exc.message}")
        except ImportRefused as exc:
            self.fail(exc.message)

        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        counts = result.decree.counts()
        self.stdout.write(
            f"{STATUS_TEXT[result.status]}: {counts['areas']} area, "
            f"{counts['activities']} kegiatan, {counts['sub_activities']} sub kegiatan, "
            f"{counts['indicators']} indikator."
        )
        findings = result.decree.findings
        to_check = [f for f in findings if f.severity != "info"]
        self.stdout.write(f"{len(findings)} temuan, {len(to_check)} perlu dicek:")
        for finding in to_check:
            where = f"baris {finding.line}" if finding.line else "-"
            self.stdout.write(f"  [{finding.kind}] {where}: {finding.message}")

    def _unit(self, code: str, required: bool) -> Unit | None:
        try:
            unit = Unit.objects.filter(code=code).first()
        except DatabaseError:
            if required:
                self.fail("basis data belum siap; jalankan 'python manage.py migrate' dulu.")
            return None
        if unit is None and required:
            self.fail(f"satker dengan kode '{code}' tidak ditemukan.")
        return unit
