"""python manage.py generate_national --years N: every unit with a generated plan per year."""

import datetime
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.core.national import (
    DEFAULT_FIRST_YEAR,
    GENERATED_PASSWORD,
    NationalRefused,
    generate_national,
)


class Command(BaseCommand):
    help = (
        "Isi basis data dengan data nasional buatan untuk uji kinerja: semua satker dari "
        "load_units, satu rencana aksi per satker dan tahun seukuran rencana aksi Bengkayang "
        "(8 area, ±27 kegiatan, ±70 sub kegiatan), Tim RB dan akun. Hasilnya sama untuk seed "
        "yang sama. Menolak bila satker sudah punya rencana aksi atau Tim RB pada tahun itu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years", type=int, required=True, help="Jumlah tahun (mis. 5 untuk 2022–2026)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Benih acak; seed sama, data sama (bawaan 1)."
        )
        parser.add_argument(
            "--first-year",
            type=int,
            default=DEFAULT_FIRST_YEAR,
            help=f"Tahun pertama (bawaan {DEFAULT_FIRST_YEAR}).",
        )
        parser.add_argument(
            "--units",
            default="",
            help="Hanya satker yang kodenya diawali salah satu kode ini, dipisah koma "
            "(mis. '61' untuk Kalimantan Barat dan kabupaten/kotanya; bawaan: semua).",
        )

        parser.add_argument(
            "--reference-date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Realisasi dibuat untuk periode yang selesai sebelum tanggal ini (YYYY-MM-DD; "
            "bawaan: akhir tahun untuk tahun lampau, hari ini untuk tahun berjalan).",
        )
        parser.add_argument(
            "--no-work",
            action="store_true",
            help="Tanpa pekerjaan tahunan (periode, realisasi, bukti dukung, verifikasi).",
        )

        parser.add_argument(
            "--monev",
            action="store_true",
            help="Tambahkan monitoring triwulan (laporan, catatan area, tindak lanjut), LKE dan "
            "kiriman berjenjang dalam berbagai status (butuh pekerjaan tahunan).",
        )
        parser.add_argument(
            "--lke-share",
            type=float,
            default=0.5,
            help="Bagian rencana aksi yang diberi LKE penilaian mandiri, 0–1 (bawaan 0,5).",
        )
        parser.add_argument(
            "--lke-framework",
            default="zi-2021",
            help="Kode kerangka LKE yang dipakai (bawaan zi-2021; muat dulu dengan "
            "load_frameworks; tanpa kerangka terbit, LKE tidak dibuat).",
        )

    def handle(self, *args, **options):
        codes = [code.strip() for code in options["units"].split(",") if code.strip()]
        try:
            result = generate_national(
                years=options["years"],
                seed=options["seed"],
                first_year=options["first_year"],
                unit_codes=codes or None,
                work=not options["no_work"],
                reference_date=options["reference_date"],
                monev=options["monev"] and not options["no_work"],
                lke_share=options["lke_share"],
                lke_framework=options["lke_framework"],
                progress=lambda message: (
                    self.stdout.write(message) if options["verbosity"] > 1 else None
                ),
            )
        except NationalRefused as exc:
            self.stderr.write(f"Galat: {exc.message}")
            sys.exit(1)
        except DatabaseError as exc:
            self.stderr.write(
                f"Galat: basis data menolak penulisan ({str(exc).strip()}). Sudahkah "
                "'python manage.py migrate' dijalankan? Tidak ada yang disimpan."
            )
            sys.exit(1)
        c = result.counts
        self.stdout.write(
            f"Data nasional dibuat dalam {result.seconds:.0f} detik: {c['plans']} rencana aksi, "
            f"{c['areas']} area, {c['activities']} kegiatan, {c['sub_activities']} sub kegiatan, "
            f"{c['indicators']} indikator, {c['findings']} temuan, {c['teams']} Tim RB "
            f"({c['team_members']} anggota), {c['users']} akun baru, {c['roles']} peran baru."
        )
        if not options["no_work"]:
            self.stdout.write(
                f"Pekerjaan tahunan: {c['periods']} periode baru, {c['realisations']} realisasi, "
                f"{c['indicator_values']} nilai capaian, {c['evidence']} bukti dukung "
                f"({c['evidence_files']} berkas bangkitan tanpa isi), {c['reviews']} verifikasi "
                f"({c['evidence_reviews']} catatan bukti dukung)."
            )
        if options["monev"] and not options["no_work"]:
            self.stdout.write(
                f"Monitoring dan evaluasi: {c['quarter_reports']} laporan triwulan "
                f"({c['area_notes']} catatan area), {c['follow_ups']} tindak lanjut, "
                f"{c['assessments']} LKE ({c['answers']} jawaban), {c['submissions']} kiriman "
                f"({c['submission_steps']} langkah)."
            )
            if c["assessments_skipped"]:
                self.stdout.write(
                    f"LKE tidak dibuat: kerangka '{options['lke_framework']}' belum dimuat "
                    "(jalankan load_frameworks) atau --lke-share 0."
                )
        self.stdout.write(
            f"Semua akun buatan memakai kata sandi '{GENERATED_PASSWORD}' (hanya untuk uji coba)."
        )
