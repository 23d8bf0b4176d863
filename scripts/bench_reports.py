#!/usr/bin/env python
"""Time the official reports of the Bengkayang demo plan and write them to a folder.

    .venv/bin/python scripts/bench_reports.py [--repeat 5] [--quarter 1] [--out DIR]

A scratch SQLite database in a temporary folder gets the demo data (``seed_demo``); the
quarterly Laporan Monitoring dan Evaluasi is then built and rendered ``--repeat`` times in
each format, and the Portal RB template once. The table gives the median wall time and CPU
time of this process (building the content included), the size and, for PDF, the pages.
The target: the PDF under 2 s. With ``--out`` the files are kept there (to look at them).
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
    parser.add_argument("--quarter", type=int, default=1, help="the quarter (1-4)")
    parser.add_argument("--out", help="a folder to keep the files in")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="renaksi-bench-reports-")
    os.environ["RENAKSI_DATA_DIR"] = scratch
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())

    from renaksi.plans.models import ActionPlan
    from renaksi.reports.portal import portal_workbook
    from renaksi.reports.quarterly import quarterly_report
    from renaksi.reports.render import FORMATS, render

    plan = ActionPlan.objects.select_related("unit").get(unit__code="6107", year=2022)
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    with CaptureQueriesContext(connection) as queries:
        quarterly_report(plan, args.quarter)
    print(
        f"Bengkayang plan {plan.year}, TW {args.quarter}: {args.repeat} renderings per row, "
        f"medians; content built in {len(queries)} queries"
    )
    print(f"{'report':<18} {'format':<6} {'wall s':>8} {'CPU s':>8} {'KB':>7} {'pages':>6}")
    for fmt in FORMATS:
        walls, cpus = [], []
        data = b""
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            data = render(quarterly_report(plan, args.quarter), fmt)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        pages = ""
        if fmt == "pdf":
            import pypdfium2 as pdfium

            pages = str(len(pdfium.PdfDocument(data)))
        print(
            f"{'Laporan monev':<18} {fmt:<6} {statistics.median(walls):>8.2f} "
            f"{statistics.median(cpus):>8.2f} {len(data) / 1024:>7.0f} {pages:>6}"
        )
        if out:
            (out / f"laporan-monev-tw{args.quarter}.{fmt}").write_bytes(data)
    for variant in (False, True):
        wall, cpu = time.perf_counter(), time.process_time()
        data = portal_workbook(plan, realisation=variant)
        name = "Portal RB" + (" realisasi" if variant else "")
        print(
            f"{name:<18} {'xlsx':<6} {time.perf_counter() - wall:>8.2f} "
            f"{time.process_time() - cpu:>8.2f} {len(data) / 1024:>7.0f}"
        )
        if out:
            (out / f"portal-rb{'-realisasi' if variant else ''}.xlsx").write_bytes(data)


if __name__ == "__main__":
    main()
