"""python manage.py lke_template --framework CODE [--format json|xlsx] [--output PATH]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from renaksi.evaluation.worksheet import build_xlsx, template_json
from renaksi.exports.management.commands.export_plan import write_atomically

from ._lke import framework_of

FORMATS = ("json", "xlsx")


class Command(BaseCommand):
    help = (
        "Tulis lembar kerja LKE satu kerangka evaluasi untuk diisi di luar jaringan: setiap "
        "butir dengan kodenya, letaknya di pohon (judul induk-induknya), bobot, jenis jawaban "
        "dan pilihannya. JSON (ke layar atau ke --output) atau XLSX (wajib --output; diisi lalu "
        "diimpor kembali dengan lke_import)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--framework", required=True, help=_("Kode kerangka evaluasi, mis. zi-2021.")
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            default="json",
            metavar="FORMAT",
            help=_("json (bawaan) atau xlsx."),
        )
        parser.add_argument(
            "--output", help=_("Berkas tujuan (ditimpa bila ada); tanpa ini JSON ke layar.")
        )

    def handle(self, *args, **options):
        fmt = (options["fmt"] or "").strip().lower()
        if fmt not in FORMATS:
            raise CommandError(
                _("Format “%(fmt)s” tidak dikenal: pilih json atau xlsx.") % {"fmt": fmt}
            )
        framework = framework_of(options["framework"])
        if fmt == "json":
            data = (
                json.dumps(template_json(framework), ensure_ascii=False, indent=2) + "\n"
            ).encode()
        else:
            if not options["output"]:
                raise CommandError(_("Lembar kerja XLSX perlu --output BERKAS.xlsx."))
            data = build_xlsx(framework)
        if not options["output"]:
            sys.stdout.flush()
            self.stdout.write(data.decode(), ending="")
            return
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(
                _("%(path)s adalah folder: tulis nama berkas tujuan.") % {"path": output}
            )
        write_atomically(output, data)
        self.stdout.write(
            _("Lembar kerja %(framework)s ditulis ke %(path)s (%(fmt)s, %(size)s B).")
            % {"framework": framework.code, "path": output, "fmt": fmt.upper(), "size": len(data)}
        )
