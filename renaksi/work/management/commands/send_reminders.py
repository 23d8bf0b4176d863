"""python manage.py send_reminders [--date YYYY-MM-DD] [--dry-run] [--enqueue]"""

import datetime
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.importer.terminal import printable
from renaksi.work.reminders import KIND_DUE, KIND_OVERDUE, KIND_TO_VERIFY, send_reminders


class Command(BaseCommand):
    help = (
        "Kirim email pengingat: kepada setiap pelapor apa yang jatuh tempo dalam beberapa hari "
        "ke depan dan apa yang terlambat, dan kepada setiap anggota Tim Asesor apa yang "
        "menunggu verifikasinya. 'Hari ini' adalah tanggal di zona waktu setiap satker. "
        "Dijalankan dua kali pada hari yang sama, perintah ini tidak mengirim apa pun yang "
        "sudah dikirim hari itu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Anggap hari ini tanggal ini di setiap satker (YYYY-MM-DD). Bawaan: hari ini.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Tampilkan apa yang akan dikirim, tanpa mengirim atau mencatat apa pun.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=(
                "Masukkan tugas pengiriman ke antrean tugas latar (RENAKSI_TASKS=database: "
                "dijalankan oleh 'manage.py db_worker') alih-alih mengirim sekarang."
            ),
        )

    def fail(self, message: str) -> None:
        self.stderr.write(f"Galat: {printable(message)}")
        sys.exit(1)

    def say(self, text: str) -> None:
        self.stdout.write(printable(text))

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError:
                self.fail(f"tanggal '{options['date']}' tidak sah; tulis seperti 2026-02-01.")
        if options["enqueue"]:
            if options["dry_run"]:
                self.fail("--enqueue tidak dapat digabung dengan --dry-run.")
            from renaksi.work.tasks import send_reminders_task

            result = send_reminders_task.enqueue(on.isoformat() if on else None)
            self.say(f"Tugas pengiriman pengingat masuk antrean: {result.id} ({result.status}).")
            return
        try:
            report = send_reminders(on=on, dry_run=options["dry_run"])
        except DatabaseError:
            self.fail("basis data belum siap; jalankan 'python manage.py migrate' dulu.")
        verb = "akan dikirim" if report.dry_run else "terkirim"
        for user, items in report.sent:
            counts = {
                kind: sum(1 for item in items if item.kind == kind)
                for kind in (KIND_OVERDUE, KIND_DUE, KIND_TO_VERIFY)
            }
            self.say(
                f"{user.get_username()} <{user.email}>: {counts[KIND_OVERDUE]} terlambat, "
                f"{counts[KIND_DUE]} jatuh tempo, {counts[KIND_TO_VERIFY]} menunggu verifikasi"
            )
        self.say(
            f"Email {verb}: {len(report.sent)} ({report.items} butir). "
            f"Tanpa butir baru hari ini: {report.nothing_new}. "
            f"Pengingat dimatikan: {report.opted_out}. Akun nonaktif: {report.inactive}. "
            f"Tanpa alamat email: {report.no_email}. Gagal dikirim: {report.failed}."
            + (f" Sudah dikirim proses lain: {report.raced}." if report.raced else "")
        )
        if report.failed:
            sys.exit(1)
