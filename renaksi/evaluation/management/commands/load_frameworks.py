"""python manage.py load_frameworks [--check] [FILE ...]: load the evaluation frameworks."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.evaluation.frameworks import FrameworkError, load_files, shipped_files


class Command(BaseCommand):
    help = (
        "Muat kerangka evaluasi (PMPRB, Zona Integritas, RB General, …) dari berkas data YAML "
        "ke basis data. Tanpa FILE: semua berkas bawaan di renaksi/evaluation/data/frameworks/. "
        "Setiap berkas diperiksa dulu (bobot anak harus berjumlah tepat bobot induknya, setiap "
        "butir punya jenis jawaban yang cocok, kode unik dan tetap antarversi, kategori "
        "berurutan tanpa celah); bila satu berkas salah, tidak ada yang dimuat. Memuat berkas "
        "yang sama dua kali tidak mengubah apa pun. Berkas yang berubah untuk kerangka yang "
        "sudah dipakai lembar kerja hanya boleh mengubah teks; perubahan bobot atau butir "
        "ditolak (simpan sebagai versi baru)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="Berkas kerangka (.yaml). Tanpa FILE: semua berkas bawaan.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Hanya periksa berkasnya dan tampilkan temuan; jangan ubah basis data.",
        )

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]] or shipped_files()
        for path in paths:
            if not path.is_file():
                self.stderr.write(f"Galat: berkas {path} tidak ada.")
                raise SystemExit(1)
        try:
            results = load_files(paths, check_only=options["check"])
        except FrameworkError as exc:
            self.stderr.write(f"Galat: {exc.message}")
            if options["verbosity"] > 1:
                for finding in exc.findings:
                    self.stderr.write(f"  {finding}")
            raise SystemExit(1) from None
        except DatabaseError:
            self.stderr.write(
                "Galat: basis data belum siap; jalankan 'python manage.py migrate' dulu."
            )
            raise SystemExit(1) from None
        for result in results:
            if options["check"]:
                spec, findings = result
                warnings = [f for f in findings if not f.is_error]
                nodes = list(spec.walk())
                items = sum(1 for node in nodes if node.is_item)
                self.stdout.write(
                    f"{spec.file}: benar ({spec.code}: {len(nodes)} simpul, {items} butir, "
                    f"{len(warnings)} catatan)."
                )
            else:
                framework, findings = result.framework, result.findings
                warnings = [f for f in findings if not f.is_error]
                self.stdout.write(
                    f"{framework.source_file}: {framework.code} {result.status_label} "
                    f"({len(warnings)} catatan)."
                )
            if options["verbosity"] > 1 or options["check"]:
                for finding in warnings:
                    self.stdout.write(f"  catatan: {finding}")
