"""python manage.py clean_decree_files [--dry-run]: remove files no plan points at."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.importer.files import DECREES_FOLDER, missing_files, orphan_files
from renaksi.importer.terminal import printable


class Command(BaseCommand):
    help = (
        f"Cari berkas keputusan di folder unggahan ({DECREES_FOLDER}/ di MEDIA_ROOT) yang tidak "
        "dipakai oleh rencana aksi mana pun, lalu hapus. Berkas seperti itu tertinggal bila "
        "proses impor terhenti di tengah jalan. Rencana aksi yang berkasnya hilang juga "
        "disebutkan (impor ulang berkas yang sama akan menyimpannya lagi)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Hanya tampilkan berkas yang akan dihapus; jangan hapus apa pun.",
        )

    def handle(self, *args, **options):
        storage = default_storage
        try:
            orphans = orphan_files(storage)
            missing = missing_files(storage)
        except DatabaseError:
            self.stderr.write(
                "Galat: basis data belum siap; jalankan 'python manage.py migrate' dulu."
            )
            raise SystemExit(1) from None
        dry_run = options["dry_run"]
        for name in orphans:
            if dry_run:
                self.stdout.write(f"Akan dihapus: {printable(name)}")
                continue
            storage.delete(name)
            self.stdout.write(f"Dihapus: {printable(name)}")
        for plan, name in missing:
            self.stdout.write(
                f"Berkas hilang: {printable(name)} (rencana aksi {plan.unit.code} {plan.year})"
            )
        verb = "akan dihapus" if dry_run else "dihapus"
        self.stdout.write(
            f"{len(orphans)} berkas tanpa rencana aksi {verb}; "
            f"{len(missing)} rencana aksi tanpa berkasnya."
        )
