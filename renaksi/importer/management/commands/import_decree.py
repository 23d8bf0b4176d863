"""python manage.py import_decree PATH --unit CODE [--dry-run] [--json] [--replace]"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from renaksi.importer.limits import MAX_DECREE_BYTES
from renaksi.importer.services import ImportRefused, import_decree
from renaksi.importer.terminal import printable, printable_json
from renaksi.importer.tree import LEVEL_MODELS, DiffItem, PlanDiff, level_name
from renaksi.lib.decree.model import DecreeError
from renaksi.lib.decree.text import shorten
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit

STATUS_TEXT = {
    "created": "Rencana aksi dibuat",
    "replaced": "Rencana aksi diganti",
    "unchanged": "Tidak ada perubahan: berkas yang sama sudah diimpor",
    "dry_run": "Uji coba (tidak ada yang disimpan)",
}
# Diff lines printed at most (the counts are always complete).
DIFF_LINES = 200


class Command(BaseCommand):
    help = (
        "Impor keputusan rencana aksi RB (teks, XLSX, DOCX atau PDF) sebagai rencana aksi "
        "satker. Berkas yang sama diimpor lagi tidak mengubah apa pun; berkas lain untuk satker "
        "dan tahun yang sudah punya rencana aksi ditolak kecuali dengan --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Berkas keputusan (paling besar 5 MB).")
        parser.add_argument("--unit", required=True, help="Kode satker, mis. 6107.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Baca saja, jangan simpan; bila sudah ada rencana aksi, tampilkan bedanya.",
        )
        parser.add_argument("--json", action="store_true", help="Cetak hasil sebagai JSON.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Perbarui rencana aksi yang ada dari berkas lain (butir yang sama dipertahankan).",
        )

    def fail(self, message: str) -> None:
        self.stderr.write(f"Galat: {printable(message)}")
        sys.exit(1)

    def say(self, text: str) -> None:
        self.stdout.write(printable(text))

    def handle(self, *args, **options):
        path = Path(options["path"])
        shown = printable(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_DECREE_BYTES + 1)
        except FileNotFoundError:
            self.fail(f"berkas tidak ditemukan: {shown}")
        except IsADirectoryError:
            self.fail(f"{shown} adalah folder, bukan berkas.")
        except OSError as exc:
            self.fail(f"berkas {shown} tidak dapat dibaca ({exc.strerror}).")
        if len(data) > MAX_DECREE_BYTES:
            self.fail(
                f"berkas {shown} lebih besar dari batas {MAX_DECREE_BYTES // (1024 * 1024)} MB."
            )

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
            where = f"{exc.where}: " if exc.where else ""
            self.fail(f"{path.name}: {where}{exc.message}")
        except ImportRefused as exc:
            self.fail(exc.message)

        if options["json"]:
            text = json.dumps(result.as_dict(), ensure_ascii=False, indent=2)
            self.stdout.write(printable_json(text))
            return
        counts = result.decree.counts()
        self.say(
            f"{STATUS_TEXT[result.status]}: {counts['areas']} area, "
            f"{counts['activities']} kegiatan, {counts['sub_activities']} sub kegiatan, "
            f"{counts['indicators']} indikator."
        )
        if result.diff is not None and (options["dry_run"] or result.status == "replaced"):
            self._print_diff(result.diff)
        if result.refusal:
            self.say(f"Impor akan ditolak: {result.refusal}")
        findings = result.decree.findings
        to_check = [f for f in findings if f.severity != "info"]
        self.say(f"{len(findings)} temuan, {len(to_check)} perlu dicek:")
        for finding in to_check:
            where = finding.position.describe() if finding.position else ""
            if not where:
                where = f"baris {finding.line}" if finding.line else "-"
            self.say(f"  [{finding.kind}] {where}: {finding.message}")

    def _print_diff(self, diff: PlanDiff) -> None:
        if diff.is_empty:
            self.say("Dibandingkan dengan rencana aksi tersimpan: tidak ada beda.")
            return
        self.say(
            f"Dibandingkan dengan rencana aksi tersimpan: {len(diff.added)} ditambah, "
            f"{len(diff.removed)} dihapus, {len(diff.changed)} diubah, {diff.unchanged} tetap."
        )
        lines = [
            f"  ~ keputusan: {_field_label('plan', i.path)}: {_change(i)}" for i in diff.header
        ]
        lines += [f"  + {_item(i, i.after)}" for i in diff.added]
        lines += [f"  - {_item(i, i.before)}" for i in diff.removed]
        for item in diff.changed:
            changes = "; ".join(
                f"{_field_label(item.level, name)}: "
                f"{_value(item.before[name])} → {_value(item.after[name])}"
                for name in item.fields
            )
            lines.append(f"  ~ {level_name(item.level)} {item.path}: {changes}")
        for line in lines[:DIFF_LINES]:
            self.say(line)
        if len(lines) > DIFF_LINES:
            self.say(f"  … dan {len(lines) - DIFF_LINES} baris lain.")

    def _unit(self, code: str, required: bool) -> Unit | None:
        try:
            unit = Unit.objects.filter(code=code).first()
        except DatabaseError:
            if required:
                self.fail("basis data belum siap; jalankan 'python manage.py migrate' dulu.")
            return None
        if unit is None and required:
            self.fail(f"satker dengan kode '{printable(code)}' tidak ditemukan.")
        return unit


def _field_label(level: str, name: str) -> str:
    model = ActionPlan if level == "plan" else LEVEL_MODELS[level]
    if level == "sub_activity" and name == "schedule":
        return "jadwal"
    return str(model._meta.get_field(name).verbose_name)


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return " ".join(value)
        return f"{len(value)} butir"
    return shorten(" ".join(str(value).split()), 80)  # at a word boundary


def _change(item: DiffItem) -> str:
    return f"{_value(item.before)} → {_value(item.after)}"


def _item(item: DiffItem, values: dict) -> str:
    text = values.get("name") or values.get("text") or ""
    return f"{level_name(item.level)} {item.path}: {_value(text)}"
