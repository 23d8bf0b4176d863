"""python manage.py load_units [--data-dir PATH]: KPU RI, every KPU Provinsi and Kab/Kota."""

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.units.models import Unit
from renaksi.units.services import DATA_DIR, UnitDataError, load_units

SHOWN_CODES = 10  # how many codes of units missing from the data are listed


class Command(BaseCommand):
    help = (
        "Muat satker KPU RI, KPU Provinsi dan KPU Kabupaten/Kota beserta kode wilayah "
        "Kemendagri dan zona waktunya dari data idn-area-data. Aman dijalankan ulang."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=DATA_DIR,
            help="Folder berisi provinces.csv dan regencies.csv (bawaan: salinan di repositori).",
        )

    def fail(self, message: str) -> None:
        self.stderr.write(f"Galat: {message}")
        sys.exit(1)

    def handle(self, *args, **options):
        try:
            result = load_units(options["data_dir"])
        except UnitDataError as exc:
            self.fail(f"{exc.message} Tidak ada yang disimpan.")
        except DatabaseError as exc:
            self.fail(
                f"basis data menolak pemuatan ({str(exc).strip()}). Sudahkah "
                "'python manage.py migrate' dijalankan? Tidak ada yang disimpan."
            )

        per_level = ", ".join(
            f"{Unit.Level(level).label.lower()} {sum(counts)}" for level, counts in result.items()
        )
        total = result.total()
        self.stdout.write(
            f"Satker dimuat: {per_level} (baru {total.created}, diperbarui {total.updated}, "
            f"tetap {total.unchanged})."
        )
        missing = result.not_in_data
        line = f"Satker di basis data yang tidak ada di data wilayah (dibiarkan): {len(missing)}"
        if missing:
            more = f", …{len(missing) - SHOWN_CODES} lagi" if len(missing) > SHOWN_CODES else ""
            line += f" (kode {', '.join(missing[:SHOWN_CODES])}{more})"
        self.stdout.write(f"{line}.")
