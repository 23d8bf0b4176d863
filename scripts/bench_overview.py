#!/usr/bin/env python
"""Query count and time of the province overview (and the national one) at 14 and at 514
regencies, in one run.

    SECRET_KEY=dev .venv/bin/python scripts/bench_overview.py [--requests 20]
        [--database-url postgres://postgres@127.0.0.1:5432/renaksi_submissions_bench]

The PostgreSQL database is dropped, created and migrated, then filled with
tests/overview_world.py's builder (a KPU Provinsi with 14 KPU Kabupaten/Kota, each with a
plan, an LKE and TW I/II submissions in varied states; a second province of 5). Each page is
requested through Django's test Client (the whole middleware stack, signed in with
``force_login``) ``--requests`` times; the table gives the number of queries and the p50 / p95
time. Then the province grows to 514 regencies (bulk-made) and everything is measured again.
The query counts must be equal (the script exits with 1 otherwise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/renaksi_submissions_bench"


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def measure(client, user, url: str, requests: int) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    client.get(url)  # warm up (session, templates)
    times = []
    queries = 0
    for number in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if number == 0:
            queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return queries, statistics.median(times) * 1000, p95 * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    # The test settings: plain static files storage (no collectstatic manifest needed).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings_test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from renaksi.access.models import UnitRole
    from tests.overview_world import YEAR, build_province, national_unit

    setup_test_environment()
    call_command("migrate", verbosity=0)
    province = build_province("61", 14)
    build_province("62", 5)
    province_reviewer = User.objects.create_user("bench-kalbar")
    UnitRole.objects.create(user=province_reviewer, unit=province, role=UnitRole.Role.REVIEWER)
    national_reviewer = User.objects.create_user("bench-kpuri")
    UnitRole.objects.create(
        user=national_reviewer, unit=national_unit(), role=UnitRole.Role.REVIEWER
    )
    province_url = reverse("submissions:province", args=[province.pk]) + f"?tahun={YEAR}"
    pages = [
        ("province overview", province_reviewer, province_url),
        (
            "province, TW I late, by index",
            province_reviewer,
            province_url + "&triwulan=1&status=terlambat&urut=indeks",
        ),
        (
            "national overview",
            national_reviewer,
            reverse("submissions:national") + f"?tahun={YEAR}&triwulan=1",
        ),
    ]
    client = Client()
    results: dict[int, list] = {}
    for size in (14, 514):
        if size == 514:
            build_province("61", 500, start=14)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics after the bulk inserts
        results[size] = [measure(client, user, url, args.requests) for _, user, url in pages]

    print(f"{'page':34} {'regencies':>9} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for index, (label, _user, _url) in enumerate(pages):
        for size in (14, 514):
            queries, p50, p95 = results[size][index]
            print(f"{label:34} {size:>9} {queries:>7} {p50:>8.1f} {p95:>8.1f}")
    same = all(results[14][i][0] == results[514][i][0] for i in range(len(pages)))
    print("same query count at 14 and 514 regencies:", "yes" if same else "NO")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
