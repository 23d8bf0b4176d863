"""python manage.py export_plan --unit CODE --year YEAR --format FMT [--decree] [--paper P]
--output PATH"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from renaksi.exports.exporters import FORMATS, ExportError, PlanExporter, check_format, check_paper
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit


class Command(BaseCommand):
    help = (
        "Tulis rencana aksi satu satker untuk satu tahun sebagai dokumen resmi: Lampiran "
        "(tabel rencana aksi) atau, dengan --decree, seluruh keputusan beserta Lampirannya. "
        "Format: txt (teks yang dibaca pengimpor), xlsx, docx atau pdf. Berkas tujuan ditulis "
        "utuh atau tidak sama sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help=_("Kode satker, mis. 6107."))
        parser.add_argument("--year", required=True, help=_("Tahun rencana aksi, mis. 2022."))
        parser.add_argument(
            "--format",
            required=True,
            dest="fmt",
            metavar="FORMAT",
            help=_("Format berkas: %(formats)s.") % {"formats": ", ".join(FORMATS)},
        )
        parser.add_argument(
            "--decree",
            action="store_true",
            help=_(
                "Seluruh keputusan (judul, Menimbang, Mengingat, diktum, tanda tangan) dan "
                "Lampirannya; tanpa ini hanya Lampiran."
            ),
        )
        parser.add_argument(
            "--paper",
            default="a4",
            help=_("Ukuran kertas: a4 (bawaan) atau f4 (215 × 330 mm)."),
        )
        parser.add_argument(
            "--output", required=True, help=_("Berkas tujuan; ditimpa bila sudah ada.")
        )

    def handle(self, *args, **options):
        try:
            fmt = check_format(options["fmt"])
            paper = check_paper(options["paper"])
        except ExportError as error:
            raise CommandError(error.message) from error
        year_text = str(options["year"]).strip()
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
            raise CommandError(
                _("Tahun '%(year)s' tidak sah: tulis tahun empat angka, mis. 2022.")
                % {"year": year_text}
            )
        year = int(year_text)
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(
                _("Satker dengan kode '%(code)s' tidak ada.") % {"code": options["unit"]}
            )
        plan = ActionPlan.objects.select_related("unit").filter(unit=unit, year=year).first()
        if plan is None:
            raise CommandError(
                _("Satker %(code)s (%(name)s) belum punya rencana aksi tahun %(year)s.")
                % {"code": unit.code, "name": unit.name, "year": year}
            )
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(
                _("%(path)s adalah folder: tulis nama berkas tujuan.") % {"path": output}
            )
        exporter = PlanExporter.for_plan(plan, whole=options["decree"], paper=paper)
        data = exporter.render(fmt)
        write_atomically(output, data)
        message = (
            _("Keputusan dan Lampiran rencana aksi %(unit)s tahun %(year)s ditulis ke %(path)s.")
            if options["decree"]
            else _("Lampiran rencana aksi %(unit)s tahun %(year)s ditulis ke %(path)s.")
        )
        self.stdout.write(
            message % {"unit": unit.name, "year": year, "path": output}
            + f" ({fmt.upper()}, {len(data)} B)"
        )


def _unwritable(path: Path, error: OSError) -> str:
    return _("Berkas %(path)s tidak dapat ditulis (%(reason)s).") % {
        "path": path,
        "reason": error.strerror or error,
    }


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, then rename it into place: the
    target is either the old file or the whole new one, never half written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(
            _("Folder %(folder)s tidak ada: berkas %(path)s tidak dapat ditulis.")
            % {"folder": folder, "path": path}
        )
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise CommandError(_unwritable(path, error)) from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(_unwritable(path, error)) from error
