"""python manage.py lke_import --unit CODE --year YEAR --framework CODE FILE.xlsx [--user NAME]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from renaksi.evaluation import services
from renaksi.evaluation.scoring import display
from renaksi.evaluation.worksheet import WorksheetError, import_worksheet
from renaksi.units.models import Unit

from ._lke import framework_of

MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Impor lembar kerja LKE (XLSX dari lke_template atau dari halaman LKE) yang sudah diisi "
        "ke penilaian mandiri satu satker untuk satu tahun. Semua jawaban disimpan atau tidak "
        "sama sekali: setiap masalah disebut dengan baris dan selnya. Baris yang dibiarkan "
        "kosong tidak mengubah jawaban yang sudah ada."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.xlsx", help=_("Lembar kerja yang sudah diisi."))
        parser.add_argument("--unit", required=True, help=_("Kode satker, mis. 6107."))
        parser.add_argument("--year", required=True, help=_("Tahun penilaian, mis. 2024."))
        parser.add_argument(
            "--framework", required=True, help=_("Kode kerangka evaluasi, mis. zi-2021.")
        )
        parser.add_argument(
            "--user",
            help=_(
                "Nama pengguna yang mengimpor (hak aksesnya diperiksa dan namanya dicatat); "
                "tanpa ini impor dicatat sebagai pekerjaan sistem."
            ),
        )

    def handle(self, *args, **options):
        year_text = str(options["year"]).strip()
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2100:
            raise CommandError(
                _("Tahun '%(year)s' tidak sah: tulis tahun empat angka, mis. 2024.")
                % {"year": year_text}
            )
        year = int(year_text)
        unit = Unit.objects.filter(code=str(options["unit"]).strip()).first()
        if unit is None:
            raise CommandError(
                _("Satker dengan kode '%(code)s' tidak ada.") % {"code": options["unit"]}
            )
        framework = framework_of(options["framework"])
        actor = None  # a system job: whoever runs manage.py may already change anything
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None or not actor.is_active:
                raise CommandError(
                    _("Pengguna '%(user)s' tidak ada atau tidak aktif.") % {"user": options["user"]}
                )
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    _("Berkas %(path)s terlalu besar untuk lembar kerja (paling besar 20 MB).")
                    % {"path": path}
                )
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": path}) from None
        except OSError as error:
            raise CommandError(
                _("Berkas %(path)s tidak dapat dibaca (%(reason)s).")
                % {"path": path, "reason": error.strerror or error}
            ) from None
        try:
            assessment = services.assessment_for(unit, year, framework, create=True, actor=actor)
            result = import_worksheet(actor, assessment, data)
        except WorksheetError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                _(
                    "Lembar kerja tidak diimpor (%(count)s masalah di atas); tidak ada yang "
                    "disimpan."
                )
                % {"count": len(error.problems)}
            ) from None
        except PermissionDenied:
            raise CommandError(
                _("Pengguna %(user)s tidak boleh mengisi LKE %(unit)s tahun %(year)s.")
                % {"user": options["user"], "unit": unit.name, "year": year}
            ) from None
        except services.AssessmentError as error:
            raise CommandError(error.message) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _(
                "Lembar kerja diimpor ke LKE %(unit)s tahun %(year)s (%(framework)s): "
                "%(saved)s jawaban disimpan, %(unchanged)s tidak berubah, %(empty)s butir "
                "kosong (tidak diubah). Indeks %(index)s, kategori %(category)s."
            )
            % {
                "unit": unit.name,
                "year": year,
                "framework": framework.code,
                "saved": len(result.saved),
                "unchanged": len(result.unchanged),
                "empty": len(result.empty),
                "index": number_format(display(result.index), 2)
                if result.index is not None
                else "–",
                "category": result.category or "–",
            }
        )
