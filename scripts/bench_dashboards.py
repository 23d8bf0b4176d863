#!/usr/bin/env python
"""Time the dashboards with one unit and at national scale: p50/p95 and query counts.

    SECRET_KEY=dev .venv/bin/python scripts/bench_dashboards.py \\
        --national postgres://postgres@127.0.0.1:5432/renaksi_nat5 \\
        --one postgres://postgres@127.0.0.1:5432/renaksi_rollup_one [--requests 60] [--year 2024]

``--national``: a database from ``generate_national --years N --monev`` (553 units).
``--one``: one unit's plan: KPU Kabupaten Bengkayang's, with only KPU RI and KPU Provinsi
Kalimantan Barat besides it in the units table (``--make-one`` builds it into an empty
database: migrate, load_frameworks, generate_national --units 6107, then the other 550
units and their roles removed).

Each database is read in a child process through Django's test Client (the whole middleware
stack, the KPU RI viewer ``pembaca-kpuri`` signed in with ``force_login``): after three warm-up
requests, one request counted for its queries, then ``--requests`` timed ones (wall time p50
and p95, and the median CPU time of the process per request: the Python side, which a busy
machine inflates less than the wall time). Pages: the
national dashboard (default order; by achievement; its htmx table with a search), the province
dashboard of Kalimantan Barat, and the unit dashboard and the schedule of Bengkayang's plan when
those pages exist. Nothing is written to the databases except the summaries of plans that have
none yet (the dashboards compute those on their first read, as in production).
``--stale N`` (own databases only: it writes) also times the national dashboard right after
N plans were changed (one realisation's narrative each), i.e. with N summaries to recompute.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWER = "pembaca-kpuri"
UNIT = "6107"
PROVINCE = "61"


def pages(year: int) -> list[tuple[str, str, dict]]:
    """(label, URL, extra headers) of the pages that exist."""
    from django.urls import NoReverseMatch, reverse

    from renaksi.plans.models import ActionPlan
    from renaksi.units.models import Unit

    national = reverse("dashboards:national") + f"?tahun={year}"
    province = Unit.objects.only("pk").get(code=PROVINCE)
    result = [
        ("national", national, {}),
        ("national, by achievement", national + "&urut=capaian", {}),
        (
            "national, htmx table search",
            national + "&q=kab",
            {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tabel-satker"},
        ),
        (
            "province (Kalimantan Barat)",
            reverse("dashboards:province", args=[province.pk]) + f"?tahun={year}",
            {},
        ),
    ]
    plan = (
        ActionPlan.objects.filter(unit__code=UNIT, year=year).values_list("pk", flat=True).first()
    )
    for label, name in (
        ("unit dashboard (Bengkayang)", "dashboards:unit"),
        ("schedule (Bengkayang)", "dashboards:schedule"),
    ):
        with contextlib.suppress(NoReverseMatch):
            result.append((label, reverse(name, args=[plan]), {}))
    return result


def child(requests: int, year: int, stale: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from renaksi.plans.models import ActionPlan
    from renaksi.units.models import Unit
    from renaksi.work.models import Realisation

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={"staticfiles": static}, ALLOWED_HOSTS=["testserver"]).enable()
    client = Client()
    client.force_login(User.objects.get(username=VIEWER))
    info = {
        "units": Unit.objects.count(),
        "plans": ActionPlan.objects.count(),
        "plans_of_year": ActionPlan.objects.filter(year=year).count(),
        "pages": {},
    }
    for label, url, headers in pages(year):
        try:
            response = client.get(url, **headers)
        except Exception as exc:  # e.g. a database one migration behind
            print(f"{label}: {url} failed ({exc}); left out", file=sys.stderr)
            continue
        for _ in range(2):
            response = client.get(url, **headers)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **headers)
        count = len(queries)
        times, cpu = [], []
        for _ in range(requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url, **headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        info["pages"][label] = _figures(times, count, len(response.content))
        info["pages"][label]["cpu"] = statistics.median(cpu)
    if stale:
        url = pages(year)[0][1]
        plan_ids = list(
            ActionPlan.objects.filter(year=year, realisations__isnull=False)
            .distinct()
            .values_list("pk", flat=True)[:stale]
        )
        times, counts = [], []
        for _ in range(max(requests // 4, 5)):
            for pk in plan_ids:
                realisation = Realisation.objects.filter(plan_id=pk).first()
                Realisation.objects.filter(pk=realisation.pk).update(
                    narrative=realisation.narrative
                )
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
        info["pages"][f"national, {len(plan_ids)} plans changed"] = _figures(times, max(counts), 0)
    return info


def _figures(times: list[float], queries: int, size: int) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": statistics.median(ordered),
        "p95": p95,
        "queries": queries,
        "kb": size / 1024,
        "n": len(ordered),
    }


def run_child(url: str, requests: int, year: int, stale: int) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "renaksi.settings"}
    env.setdefault("SECRET_KEY", "bench-only")
    output = subprocess.run(  # noqa: S603 (this script, fixed arguments)
        [
            sys.executable,
            __file__,
            "--child",
            "--requests",
            str(requests),
            "--year",
            str(year),
            "--stale",
            str(stale),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode:
        raise SystemExit(f"{url}: {output.stderr[-2000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def make_one(url: str, year: int) -> None:
    """Fill an empty database with the one-unit world (see the module's docstring)."""
    env = {**os.environ, "DATABASE_URL": url}
    env.setdefault("SECRET_KEY", "bench-only")
    manage = [sys.executable, str(ROOT / "manage.py")]
    prune = (
        "from renaksi.units.models import Unit; from renaksi.access.models import UnitRole;"
        "keep = ['00', '61', '6107']; UnitRole.objects.exclude(unit__code__in=keep).delete();"
        "Unit.objects.filter(level='kabupaten_kota').exclude(code__in=keep).delete();"
        "Unit.objects.filter(level='provinsi').exclude(code__in=keep).delete()"
    )
    for command in (
        ["migrate", "-v0"],
        ["load_frameworks"],
        ["generate_national", "--years", "1", "--first-year", str(year), "--units", "6107"],
        ["shell", "-c", prune],  # generate_national loads every unit: keep three
    ):
        subprocess.run(manage + command, env=env, cwd=ROOT, check=True)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", help="database URL of the national-size data")
    parser.add_argument("--one", help="database URL of the one-unit data")
    parser.add_argument("--make-one", action="store_true", help="fill --one first (empty DB)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--stale", type=int, default=0, help="(writes) N plans changed")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(child(options.requests, options.year, options.stale)))
        return
    if options.make_one:
        make_one(options.one, options.year)
    results = {}
    for kind in ("one", "national"):
        url = getattr(options, kind)
        if url:
            results[kind] = run_child(url, options.requests, options.year, options.stale)
    for kind, info in results.items():
        print(
            f"[{kind}] {info['units']} units, {info['plans']} plans "
            f"({info['plans_of_year']} in {options.year})"
        )
    labels = []
    for info in results.values():
        labels += [label for label in info["pages"] if label not in labels]
    header = f"{'page':34} " + " ".join(
        f"{kind + ' p50':>12} {kind + ' p95':>12} {'CPU p50':>10} {'queries':>7} {'KB':>6}"
        for kind in results
    )
    print(header)
    for label in labels:
        cells = []
        for info in results.values():
            figures = info["pages"].get(label)
            if figures is None:
                cells.append(f"{'—':>12} {'—':>12} {'—':>10} {'—':>7} {'—':>6}")
            else:
                cells.append(
                    f"{figures['p50']:>9.1f} ms {figures['p95']:>9.1f} ms "
                    f"{figures.get('cpu', 0):>7.1f} ms {figures['queries']:>7} "
                    f"{figures['kb']:>6.1f}"
                )
        print(f"{label:34} " + " ".join(cells))


if __name__ == "__main__":
    main()
