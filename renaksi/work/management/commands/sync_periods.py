"""python manage.py sync_periods [--unit CODE] [--year Y] [--dry-run]

Fills and corrects the schedule periods (renaksi/work/periods.py) of plans that already exist,
for example in a database from a version of Renaksi before the schedule had rows. Idempotent:
a second run changes nothing. Plans are taken in batches, each in its own transaction, with a
fixed number of queries per batch; every plan whose rows changed gets an audit entry
``work.periods_synced``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from renaksi.audit.models import LogEntry
from renaksi.audit.services import build
from renaksi.plans.models import ActionPlan
from renaksi.work.periods import COUNT_NAMES, sync_plans_periods

PLANS_PER_BATCH = 50


class Command(BaseCommand):
    help = (
        "Selaraskan periode jadwal (satu baris per bulan atau triwulan terjadwal) semua rencana "
        "aksi dengan jadwal sub kegiatannya: yang kurang ditambah, yang tidak terjadwal lagi "
        "dihapus (atau ditandai di luar jadwal bila sudah ada realisasinya), batas laporan "
        "disesuaikan. Aman dijalankan berulang kali."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Kode satker (hanya rencana aksi satker ini).")
        parser.add_argument("--year", type=int, help="Tahun rencana aksi.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Hitung saja, tanpa menyimpan perubahan."
        )

    def handle(self, *args, **options):
        plans = ActionPlan.objects.order_by("pk")
        if options["unit"]:
            plans = plans.filter(unit__code=options["unit"])
            if not plans.exists():
                raise CommandError(f"Tidak ada rencana aksi untuk satker {options['unit']}.")
        if options["year"]:
            plans = plans.filter(year=options["year"])
        ids = list(plans.values_list("pk", flat=True))
        totals = dict.fromkeys(COUNT_NAMES, 0)
        changed_plans = 0
        for start in range(0, len(ids), PLANS_PER_BATCH):
            chunk = ids[start : start + PLANS_PER_BATCH]
            with transaction.atomic():
                batch = list(
                    ActionPlan.objects.select_for_update(of=("self",))
                    .select_related("unit")
                    .filter(pk__in=chunk)
                )
                per_plan: dict[int, dict[str, int]] = {}
                counts = sync_plans_periods(batch, per_plan)
                for name in COUNT_NAMES:
                    totals[name] += counts[name]
                changed = [plan for plan in batch if plan.pk in per_plan]
                changed_plans += len(changed)
                LogEntry.objects.bulk_create(
                    build(None, "work.periods_synced", plan=plan, obj=plan, **per_plan[plan.pk])
                    for plan in changed
                )
                if options["dry_run"]:
                    transaction.set_rollback(True)
        verb = "akan diubah" if options["dry_run"] else "diubah"
        self.stdout.write(
            f"{len(ids)} rencana aksi diperiksa, {changed_plans} {verb}: "
            f"{totals['created']} periode ditambah, {totals['deleted']} dihapus, "
            f"{totals['unplanned']} ditandai di luar jadwal (ada realisasi), "
            f"{totals['planned']} terjadwal lagi, {totals['redated']} batas laporan disesuaikan."
        )
