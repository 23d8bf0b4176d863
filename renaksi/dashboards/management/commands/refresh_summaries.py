"""python manage.py refresh_summaries [--year Y] [--unit CODE] [--stale]

Recomputes the dashboards' plan summaries (renaksi/dashboards/summary.py): every plan, or
those of a year or a unit, or with ``--stale`` only the plans whose work changed since their
summary was computed (the dashboards do that themselves when they are read; this does it
ahead, e.g. after a bulk load). Idempotent; batches of plans, each in its own transaction.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from renaksi.dashboards import summary
from renaksi.dashboards.models import SummaryChange
from renaksi.plans.models import ActionPlan


class Command(BaseCommand):
    help = (
        "Hitung ulang ringkasan rencana aksi untuk dasbor (semua, per tahun, per satker, atau "
        "hanya yang berubah). Aman dijalankan berulang kali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Tahun rencana aksi.")
        parser.add_argument("--unit", help="Kode satker.")
        parser.add_argument(
            "--stale", action="store_true", help="Hanya rencana aksi yang datanya berubah."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        plans = ActionPlan.objects.order_by("pk")
        if options["unit"]:
            plans = plans.filter(unit__code=options["unit"])
            if not plans.exists():
                raise CommandError(f"Tidak ada rencana aksi untuk satker {options['unit']}.")
        if options["year"]:
            plans = plans.filter(year=options["year"])
        if options["stale"]:
            changed = SummaryChange.objects.values("plan_id")
            plans = plans.filter(pk__in=changed) | plans.filter(summary__isnull=True)
        count = summary.refresh(plans.values_list("pk", flat=True))
        orphans = summary.discard_orphans()
        seconds = time.monotonic() - started
        message = f"Ringkasan {count} rencana aksi dihitung ulang dalam {seconds:.1f} detik"
        if orphans:
            message += f"; {orphans} catatan perubahan rencana yang sudah dihapus dibuang"
        self.stdout.write(message + ".")
