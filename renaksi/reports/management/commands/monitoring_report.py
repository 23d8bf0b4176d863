"""python manage.py monitoring_report --unit CODE --year YEAR --quarter N
--format docx|pdf|xlsx --output PATH [--paper a4|f4]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from renaksi.exports.management.commands.export_plan import write_atomically
from renaksi.exports.paper import PAPERS
from renaksi.plans.models import ActionPlan
from renaksi.reports.errors import ReportError
from renaksi.reports.quarterly import quarterly_report
from renaksi.reports.render import FORMATS, render
from renaksi.units.models import Unit


class Command(BaseCommand):
    help = (
        "Tulis Laporan Monitoring dan Evaluasi Rencana Aksi Reformasi Birokrasi satu satker "
        "untuk satu triwulan, dari data yang tercatat (realisasi, catatan triwulan, tindak "
        "lanjut). Format: docx, pdf atau xlsx. Berkas tujuan ditulis utuh atau tidak sama "
        "sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help=_("Kode satker, mis. 6107."))
        parser.add_argument("--year", required=True, help=_("Tahun rencana aksi, mis. 2022."))
        parser.add_argument(
            "--quarter", required=True, help=_("Triwulan: 1, 2, 3 atau 4 (TW I–IV).")
        )
        parser.add_argument(
            "--format",
            required=True,
            dest="fmt",
            metavar="FORMAT",
            help=_("Format berkas: %(formats)s.") % {"formats": ", ".join(FORMATS)},
        )
        parser.add_argument(
            "--paper", default="a4", help=_("Ukuran kertas: a4 (bawaan) atau f4 (215 × 330 mm).")
        )
        parser.add_argument(
            "--output", required=True, help=_("Berkas tujuan; ditimpa bila sudah ada.")
        )

    def handle(self, *args, **options):
        fmt = str(options["fmt"]).strip().lower()
        if fmt not in FORMATS:
            raise CommandError(
                _("Format '%(format)s' tidak dikenal: pilih salah satu dari %(formats)s.")
                % {"format": options["fmt"], "formats": ", ".join(FORMATS)}
            )
        paper = str(options["paper"]).strip().lower()
        if paper not in PAPERS:
            raise CommandError(
                _("Ukuran kertas '%(paper)s' tidak dikenal: pilih a4 atau f4.") % {"paper": paper}
            )
        year_text = str(options["year"]).strip()
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
            raise CommandError(
                _("Tahun '%(year)s' tidak sah: tulis tahun empat angka, mis. 2022.")
                % {"year": year_text}
            )
        quarter_text = str(options["quarter"]).strip()
        if quarter_text not in ("1", "2", "3", "4"):
            raise CommandError(
                _("Triwulan '%(quarter)s' tidak sah: tulis 1, 2, 3 atau 4.")
                % {"quarter": quarter_text}
            )
        year, quarter = int(year_text), int(quarter_text)
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
        try:
            data = render(quarterly_report(plan, quarter), fmt, PAPERS[paper])
        except ReportError as error:
            raise CommandError(error.message) from error
        write_atomically(output, data)
        self.stdout.write(
            _(
                "Laporan monitoring dan evaluasi %(unit)s TW %(quarter)s tahun %(year)s ditulis ke "
                "%(path)s."
            )
            % {"unit": unit.name, "quarter": quarter, "year": year, "path": output}
            + f" ({fmt.upper()}, {len(data)} B)"
        )
