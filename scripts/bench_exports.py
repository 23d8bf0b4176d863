#!/usr/bin/env python
"""Time every export of the Bengkayang plan (73 sub-activities, 147 indicators) and print a table.

    .venv/bin/python scripts/bench_exports.py [--repeat 5]

A scratch SQLite database in a temporary folder gets the demo data (``seed_demo``: the
Bengkayang decree imported); every format is then rendered ``--repeat`` times for the Lampiran
and for the whole decree, on A4. The table gives the median wall time and the median CPU time
of this process (CPU time is what the export costs when the machine is busy with other work),
the size of the file and, for PDF, its pages. The target: the PDF under 2 s.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="renderings per format (median)")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="renaksi-bench-exports-")
    os.environ["RENAKSI_DATA_DIR"] = scratch
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())

    from renaksi.exports.exporters import FORMATS, PlanExporter
    from renaksi.plans.models import ActionPlan

    plan = ActionPlan.objects.select_related("unit").get(unit__code="6107", year=2022)
    print(f"Bengkayang plan {plan.year}: {args.repeat} renderings per row, medians")
    print(f"{'document':<10} {'format':<6} {'wall s':>8} {'CPU s':>8} {'KB':>7} {'pages':>6}")
    for whole in (False, True):
        for fmt in FORMATS:
            walls, cpus = [], []
            data = b""
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                exporter = PlanExporter.for_plan(plan, whole=whole)
                data = exporter.render(fmt)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            pages = ""
            if fmt == "pdf":
                import pypdfium2

                pdf = pypdfium2.PdfDocument(data)
                pages = str(len(pdf))
                pdf.close()
            print(
                f"{'keputusan' if whole else 'lampiran':<10} {fmt:<6} "
                f"{statistics.median(walls):>8.3f} {statistics.median(cpus):>8.3f} "
                f"{len(data) / 1024:>7.1f} {pages:>6}"
            )
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
