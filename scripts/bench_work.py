#!/usr/bin/env python
"""The year's work measured in one run: the figures issue #8 asks for ("Done when").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renaksi_bench_work \\
        .venv/bin/python scripts/bench_work.py [--year 2025] [--requests 10] [--saves 3]

The database ``DATABASE_URL`` names must hold no plan (it is migrated; ``--fresh`` drops and
recreates it first: give it a database of its own). In order:

1. Generated work (``generate_national`` with realisations, evidence and reviews) for KPU
   Kabupaten Bengkayang's plan of ``--year`` only: the month view (March) and "Pekerjaan saya"
   are requested through Django's test Client (signed in with ``force_login``), counting their
   queries and timing ``--requests`` requests (p50).
2. The same year generated for every other unit (553 plans, each with its year's work): the
   same pages again. The query counts must be the same.
3. At that size, ``save_realisation`` (renaksi/work/realisations.py) of one unreported period of
   Bengkayang's plan by its coordinator, with three 5 MB files (a scanned PDF, a phone photo
   in JPEG, a PNG screenshot; random content so nothing compresses): wall time (validation,
   photo downscaling, thumbnails, storing) and queries, ``--saves`` times with new files.
4. The storage of a year of evidence for the demo plan: ``seed_demo``'s January–March of the
   Bengkayang 2022 plan (real files: sum of ``EvidenceFile.size``, and the bytes on disk with
   the thumbnails), and the generated year of Bengkayang's plan (its distinct files' sizes,
   stored nowhere: generated entries have no bytes).

Evidence files are written to a temporary folder, removed at the end. Ratios come from one run
(no timed tests).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
UNIT = "6107"  # KPU Kabupaten Bengkayang
FIVE_MB = 5 * 1024 * 1024


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup(evidence_dir: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Not setup_test_environment() (its template instrumentation would be timed); the test
    # host is allowed, static files named without a manifest, evidence in a temporary folder.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "evidence": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(evidence_dir), "base_url": None},
            },
        },
    ).enable()


def generate(year: int, *, only_bengkayang: bool) -> None:
    from renaksi.core.national import NationalGenerator, analyze_tables

    class Generator(NationalGenerator):
        def _units(self):
            units = super()._units()
            if only_bengkayang:
                return [unit for unit in units if unit.code == UNIT]
            return [unit for unit in units if unit.code != UNIT]

    started = time.monotonic()
    result = Generator(years=1, first_year=year, work=True).run()
    analyze_tables()
    c = result.counts
    print(
        f"  generated {c['plans']} plans, {c['periods']} periods, {c['realisations']} "
        f"realisations, {c['evidence']} evidence items, {c['reviews']} reviews in "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )


def pages(year: int) -> list[tuple[str, str, str]]:
    from django.urls import reverse

    from renaksi.plans.models import ActionPlan

    plan = ActionPlan.objects.get(unit__code=UNIT, year=year)
    month = reverse("work:month", kwargs={"plan": plan.pk, "month": 3})
    my_work = reverse("plans:my_work") + f"?bulan={year}-03"
    return [
        ("month view (March), KPU RI viewer", "pembaca-kpuri", month),
        ("month view (March), Tim Pengarah", f"pengarah-{UNIT}", month),
        ("my work, area coordinator", f"pelaksana1-{UNIT}", my_work),
        ("my work, PIC (Agen Perubahan)", f"staf-{UNIT}", my_work),
        ("my work, assessor", f"asesor-{UNIT}", my_work),
        ("my work, nothing assigned", "pembaca-kpuri", my_work),
        ("verification queue, assessor", f"asesor-{UNIT}", reverse("work:queue")),
    ]


def measure_pages(year: int, requests: int) -> dict[str, tuple[int, float]]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    result = {}
    for label, username, url in pages(year):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(2):  # warm up
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} as {username}: HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # now: the next request empties the connection's log
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        result[label] = (count, statistics.median(times))
    return result


def _noise(size: tuple[int, int], rng: random.Random):
    from PIL import Image

    return Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))


def five_mb_file(kind: str, seed: int):
    """A file of about 5 MB (random pixels: nothing compresses) of ``kind``: pdf, jpeg, png."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    rng = random.Random(seed)  # noqa: S311 (test content, not secrets)
    fmt, options, name, content_type = {
        "pdf": ("PDF", {"resolution": 150}, "pindaian-notulen.pdf", "application/pdf"),
        "jpeg": ("JPEG", {"quality": 95}, "foto-kegiatan.jpg", "image/jpeg"),
        "png": ("PNG", {}, "tangkapan-layar.png", "image/png"),
    }[kind]
    side = 1300
    for _ in range(4):  # scale the picture until the file is 5–5.5 MB
        buffer = io.BytesIO()
        _noise((side * 4 // 3, side), rng).save(buffer, format=fmt, **options)
        size = len(buffer.getvalue())
        if FIVE_MB <= size <= FIVE_MB * 1.1:
            break
        side = int(side * (FIVE_MB * 1.05 / size) ** 0.5)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def measure_save(year: int, saves: int) -> list[tuple[float, int, int]]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from renaksi.access.policy import EDIT_REALISATION
    from renaksi.work.models import SchedulePeriod
    from renaksi.work.realisations import save_realisation

    free = (
        SchedulePeriod.objects.filter(unit__code=UNIT, year=year, realisation__isnull=True)
        .select_related("sub_activity__activity__area", "plan")
        .order_by("period", "pk")
    )
    users = list(User.objects.filter(username__startswith="pelaksana", username__endswith=UNIT))
    results = []
    for period in free:
        if len(results) == saves:
            break
        user = next((u for u in users if u.has_perm(EDIT_REALISATION, period.sub_activity)), None)
        if user is None:
            continue
        n = len(results)
        files = [
            five_mb_file(kind, seed=10 * n + i) for i, kind in enumerate(("pdf", "jpeg", "png"))
        ]
        size = sum(f.size for f in files)
        data = {"status": "selesai", "progress": "100", "narrative": "Diukur oleh bench_work."}
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            save_realisation(
                user,
                period,
                data=data,
                expected_version=None,
                files=files,
                evidence_meta={"*": {"kind": "laporan"}},
            )
        results.append(((time.perf_counter() - started) * 1000, len(queries), size))
    return results


def measure_storage(evidence_dir: Path, year: int) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count, Sum

    from renaksi.work.models import Evidence, EvidenceFile

    call_command("seed_demo", stdout=StringIO())
    demo_files = EvidenceFile.objects.filter(uses__plan__unit__code=UNIT, uses__plan__year=2022)
    demo = demo_files.distinct().aggregate(n=Count("id", distinct=True), size=Sum("size"))
    names = set()
    for row in demo_files.distinct():
        names.add(row.file.name)
        if row.thumbnail:
            names.add(row.thumbnail.name)
    on_disk = sum((evidence_dir / name).stat().st_size for name in names)
    items = Evidence.objects.filter(plan__unit__code=UNIT, plan__year=2022).count()
    print(
        f"  seed_demo, Bengkayang 2022, January–March (real files): {items} evidence items, "
        f"{demo['n']} files, sum of EvidenceFile.size {demo['size'] / 1024:.0f} KB, "
        f"{on_disk / 1024:.0f} KB on disk with thumbnails"
    )
    generated = EvidenceFile.objects.filter(
        generated=True, uses__plan__unit__code=UNIT, uses__plan__year=year
    ).distinct()
    total = generated.aggregate(n=Count("id", distinct=True))["n"]
    size = sum(generated.values_list("size", flat=True))
    uses = Evidence.objects.filter(plan__unit__code=UNIT, plan__year=year).count()
    print(
        f"  generated year, Bengkayang {year} (realistic sizes, no bytes): {uses} evidence "
        f"items, {total} distinct files, {size / 1024 / 1024:.0f} MB "
        f"({size / max(total, 1) / 1024:.0f} KB a file)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2025, help="a past year: a year of work")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database of its own.")
    if args.fresh:
        recreate_database(url)
    evidence_dir = Path(tempfile.mkdtemp(prefix="bench-work-evidence-"))
    try:
        setup(evidence_dir)
        run(args, evidence_dir)
    finally:
        shutil.rmtree(evidence_dir, ignore_errors=True)


def run(args, evidence_dir: Path) -> None:
    from django.core.management import call_command

    from renaksi.plans.models import ActionPlan

    call_command("migrate", verbosity=0)
    if ActionPlan.objects.exists():
        raise SystemExit("The database holds plans already; use --fresh or an empty database.")
    print(f"1. One plan with its year of work (Bengkayang {args.year})", flush=True)
    generate(args.year, only_bengkayang=True)
    one = measure_pages(args.year, args.requests)
    print(f"2. Every unit's plan of {args.year} with its year of work", flush=True)
    generate(args.year, only_bengkayang=False)
    plans = ActionPlan.objects.count()
    many = measure_pages(args.year, args.requests)
    print()
    print(f"| page | queries, 1 plan | queries, {plans} plans | p50 ms, 1 | p50 ms, {plans} |")
    print("| --- | --- | --- | --- | --- |")
    for label, (queries, p50) in one.items():
        queries_many, p50_many = many[label]
        same = "" if queries == queries_many else " **differs**"
        print(f"| {label} | {queries} | {queries_many}{same} | {p50:.0f} | {p50_many:.0f} |")
    print()
    print(f"3. save_realisation with three 5 MB files, at {plans} plans", flush=True)
    for ms, queries, size in measure_save(args.year, args.saves):
        print(f"  {size / 1024 / 1024:.1f} MB: {ms:.0f} ms, {queries} queries")
    print("4. Storage of a year of evidence", flush=True)
    measure_storage(evidence_dir, args.year)


if __name__ == "__main__":
    main()
