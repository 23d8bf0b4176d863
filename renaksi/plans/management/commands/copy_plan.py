"""python manage.py copy_plan --unit CODE --from-year Y --to-year Y2"""

import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.importer.terminal import printable
from renaksi.plans.creation import MAX_YEAR, MIN_YEAR, CreationError, copy_plan
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit

# What each emptied decree field is called in the output.
FIELD_NAMES = {
    "decree_number": "nomor",
    "decree_title": "judul lengkap",
    "decree_date": "tanggal",
    "signer_name": "nama penanda tangan",
    "signer_title": "jabatan penanda tangan",
    "certifier_name": "nama pengesah salinan",
    "certifier_title": "jabatan pengesah salinan",
    "budget_reference": "rujukan DIPA",
    "decree_subject": "tentang",
    "considerations": "Menimbang",
    "legal_bases": "Mengingat",
    "notes_considered": "Memperhatikan",
    "dictums": "diktum",
}


class Command(BaseCommand):
    help = (
        "Salin rencana aksi satker dari satu tahun ke tahun berikutnya (atau tahun lain yang "
        "lebih akhir dan belum punya rencana aksi). Yang disalin: area, kegiatan, sub kegiatan, "
        "indikator dengan target dan satuannya, jadwal, kolom tambahan, penanggung jawab (PIC) "
        "yang masih menjadi pengguna satker, serta teks keputusan dengan tahun rencana aksi "
        "diganti. Nomor, tanggal dan penanda tangan keputusan dikosongkan untuk diisi. Temuan "
        "impor, persetujuan dan berkas sumber tidak disalin. Rencana aksi baru berstatus draf."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Kode satker, mis. 6107.")
        parser.add_argument(
            "--from-year", required=True, help="Tahun rencana aksi yang disalin, mis. 2022."
        )
        parser.add_argument("--to-year", required=True, help="Tahun rencana aksi baru, mis. 2023.")

    def fail(self, message: str) -> None:
        self.stderr.write(f"Galat: {printable(message)}")
        sys.exit(1)

    def say(self, text: str) -> None:
        self.stdout.write(printable(text))

    def handle(self, *args, **options):
        from_year = self._year(options["from_year"], "--from-year")
        to_year = self._year(options["to_year"], "--to-year")
        code = options["unit"]
        try:
            unit = Unit.objects.filter(code=code).first()
        except DatabaseError:
            self.fail("basis data belum siap; jalankan 'python manage.py migrate' dulu.")
        if unit is None:
            self.fail(f"satker dengan kode '{printable(code)}' tidak ditemukan.")
        plan = ActionPlan.objects.select_related("unit").filter(unit=unit, year=from_year).first()
        if plan is None:
            self.fail(f"{unit.name} ({unit.code}) tidak memiliki rencana aksi tahun {from_year}.")
        try:
            result = copy_plan(None, plan, to_year, system=True)
        except CreationError as error:
            self.fail(error.message)

        counts = result.counts
        self.say(
            f"Rencana aksi {unit.name} tahun {from_year} disalin ke tahun {to_year} (draf): "
            f"{counts['areas']} area, {counts['activities']} kegiatan, "
            f"{counts['sub_activities']} sub kegiatan, {counts['indicators']} indikator."
        )
        if result.dropped_pics:
            dropped = ", ".join(f"{name} ({rows} baris)" for name, rows in result.dropped_pics)
            self.say(f"PIC tidak disalin karena bukan lagi pengguna satker: {dropped}.")
        else:
            self.say("Semua PIC disalin.")
        fill = ", ".join(FIELD_NAMES.get(name, name) for name in result.to_fill)
        self.say(f"Isi data keputusan yang baru: {fill}.")
        if result.to_review:
            review = ", ".join(FIELD_NAMES.get(name, name) for name in result.to_review)
            self.say(f"Periksa teks yang masih menyebut tahun {from_year}: {review}.")
        if result.old_year_rows:
            self.say(
                f"{result.old_year_rows} baris rencana aksi menyebut tahun {from_year}; "
                "periksa di penyunting."
            )

    def _year(self, value: str, option: str) -> int:
        text = str(value).strip()
        if not text.isdigit() or not text.isascii():
            self.fail(f"{option} harus berupa tahun, mis. 2023 (bukan '{printable(value)}').")
        year = int(text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            self.fail(f"{option} {year} di luar rentang tahun {MIN_YEAR}–{MAX_YEAR}.")
        return year
