#!/usr/bin/env python
"""Time Renaksi's lists and the plan page with one plan and at national scale, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/renaksi_bench \\
        .venv/bin/python scripts/bench_national.py [--requests 40] [--years 5]

Two PostgreSQL databases are used: the one ``DATABASE_URL`` names (the national size: every
unit with a plan per year, from ``generate_national --years N``) and a sibling with ``_one``
appended to its name (every unit, one plan: KPU Kabupaten Bengkayang's). Each is created,
migrated and generated when it is empty. Every page is requested through Django's test Client
(the whole middleware stack, signed in with ``force_login``) in a child process per database;
the table gives p50 and p95 over ``--requests`` requests, the ratio of the national p50 to the
one-plan p50 and to a minimal page (a login_required view rendering base.html) measured in the
same process, the median CPU time of the child process per request with the same two ratios (a
busy machine inflates it less than the wall time; it leaves out the database server's time),
the number of queries at both sizes, and the size of the HTML. The plan list is also timed
with one plan a page at both sizes ("1 row a page"): the one-plan list shows one row, the
national one 50, so that row compares the same page at both sizes; and with every plan's
stored tree counts dropped before each request ("counts out of date": the page's plans
counted and their counts written back, as after a change of every plan shown).
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
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_UNIT = "6107"  # Bengkayang: its plan is the one-plan database's only plan
PIC_USER = f"staf-{NATIONAL_UNIT}"  # PIC of some sub-activities (Agen Perubahan)
VIEWER = "pembaca-kpuri"  # KPU RI viewer: reads every unit, is assigned nothing
# (label, URL name, arguments, query string, user)
PAGES = [
    ("minimal (base.html)", "bench_minimal", "", "", VIEWER),
    ("plan list, KPU RI viewer", "plans:list", "", "", VIEWER),
    # The same with the cache emptied before every request (the tree counts are kept on the
    # plan rows, so this one counts nothing again).
    ("plan list, nothing cached", "plans:list", "", "", VIEWER),
    # The worst case: every plan's stored counts out of date before every request (as after a
    # change of every plan of the page): the page's plans counted and their counts written.
    ("plan list, counts out of date", "plans:list", "", "", VIEWER),
    # Like for like: one row a page at both sizes (the one-plan list has one plan to show, the
    # national one 50 a page), so that the ratio is the data's size alone, not 50 rows against 1.
    ("plan list, 1 row a page", "plans:list", "", "", VIEWER),
    ("unit list", "units:list", "", "", VIEWER),
    ("my work, nothing assigned", "plans:my_work", "", "bulan={month}", VIEWER),
    ("my work, PIC with work", "plans:my_work", "", "bulan={month}", PIC_USER),
    ("plan page (Bengkayang)", "plans:detail", "plan", "", VIEWER),
    # The same with the cache emptied before every request: the decree and Lampiran rendered.
    ("plan page, nothing cached", "plans:detail", "plan", "", VIEWER),
]


def database_url_with_suffix(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def ensure_database(url: str) -> None:
    """Create the database if it is missing (connecting to the server's ``postgres``)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


# -- the child: one database -------------------------------------------------------------


def minimal_urlconf():
    """renaksi.urls plus /_bench/minimal/: a login_required view rendering base.html."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.shortcuts import render
    from django.urls import include, path

    @login_required
    def minimal(request):
        return render(request, "base.html")

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path("_bench/minimal/", minimal, name="bench_minimal"),
        path("", include("renaksi.urls")),
    ]
    sys.modules["bench_urls"] = module
    return "bench_urls"


@contextlib.contextmanager
def rows_a_page(label: str):
    """For the like-for-like row of the plan list: one plan a page while it is requested."""
    from renaksi.plans import views

    if "1 row a page" not in label:
        yield
        return
    saved, views.PLANS_PER_PAGE = views.PLANS_PER_PAGE, 1
    try:
        yield
    finally:
        views.PLANS_PER_PAGE = saved


def forget_counts(label: str) -> None:
    """For the "counts out of date" row: every plan's stored tree counts dropped (untimed)."""
    if "counts out of date" in label:
        from renaksi.plans.models import ActionPlan

        ActionPlan.objects.filter(tree_counts__isnull=False).update(tree_counts=None)


def prepare(kind: str, years: int, seed: int, first_year: int) -> None:
    from django.core.management import call_command

    from renaksi.core.national import analyze_tables, generate_national
    from renaksi.plans.models import ActionPlan

    call_command("migrate", verbosity=0)
    if ActionPlan.objects.exists():
        analyze_tables()  # a database at rest: autovacuum would have done it (if it is on)
        return
    started = time.monotonic()
    if kind == "national":
        result = generate_national(years=years, seed=seed, first_year=first_year)
    else:  # the one plan: the last year's, so that both sizes show the same month's work
        result = generate_national(
            years=1, seed=seed, first_year=first_year + years - 1, unit_codes=[NATIONAL_UNIT]
        )
    print(
        f"[{kind}] generated {result.counts['plans']} plans, "
        f"{result.counts['sub_activities']} sub-activities in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )


class Pages:
    """The pages of one database, each with its signed-in client (in the child process)."""

    def __init__(self, year: int):
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, override_settings
        from django.urls import reverse

        from renaksi.plans.models import ActionPlan, SubActivity

        # Not setup_test_environment(): its instrumented template rendering (a signal and a
        # copy of the context per template) would be timed too. The test host is allowed
        # instead, and static files are named without collectstatic's manifest.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        override_settings(
            ROOT_URLCONF=minimal_urlconf(),
            STORAGES={"staticfiles": static},
            ALLOWED_HOSTS=["testserver"],
        ).enable()
        plan = ActionPlan.objects.get(unit__code=NATIONAL_UNIT, year=year)
        context = {"plan": plan.pk, "month": f"{year}-03"}
        self.info = {
            "plans": ActionPlan.objects.count(),
            "sub_activities": SubActivity.objects.count(),
            "pages": {},
        }
        self.requests = []  # (client, url) per page
        for label, name, argument, query, username in PAGES:
            client = Client()
            client.force_login(User.objects.get(username=username))
            url = reverse(name, args=[context[argument]] if argument else [])
            url += "?" + query.format(**context) if query else ""
            with rows_a_page(label):
                for _ in range(3):  # warm up: templates, translations, connections
                    response = client.get(url)
                    if response.status_code != 200:
                        raise SystemExit(f"{url} as {username}: HTTP {response.status_code}")
                if "nothing cached" in label:
                    cache.clear()
                forget_counts(label)
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
            # Counted now: the next request empties the connection's query log.
            self.info["pages"][label] = {
                "queries": len(queries),
                "kb": len(response.content) / 1024,
            }
            self.requests.append((client, url))

    def time(self, index: int, count: int) -> list[tuple[float, float]]:
        from django.core.cache import cache

        client, url = self.requests[index]
        cold = "nothing cached" in PAGES[index][0]
        times = []
        with rows_a_page(PAGES[index][0]):
            for _ in range(count):
                if cold:
                    cache.clear()
                forget_counts(PAGES[index][0])
                started, cpu = time.perf_counter(), time.process_time()
                client.get(url)
                # Wall time, and this process's CPU time (which a busy machine inflates less).
                times.append(
                    ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000)
                )
        return times


def child(args) -> None:
    """Prepare one database, report its page facts, then time pages on request (stdin)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    sys.path.insert(0, str(ROOT))
    django.setup()
    prepare(args.child, args.years, args.seed, args.first_year)
    pages = Pages(args.first_year + args.years - 1)
    print(json.dumps(pages.info), flush=True)
    for line in sys.stdin:  # "INDEX COUNT"
        index, count = map(int, line.split())
        print(json.dumps(pages.time(index, count)), flush=True)


# -- the parent: both databases, the table ------------------------------------------------


class Child:
    def __init__(self, url: str, kind: str, args):
        ensure_database(url)
        command = [
            sys.executable,
            __file__,
            "--child",
            kind,
            *("--years", str(args.years), "--seed", str(args.seed)),
            *("--first-year", str(args.first_year)),
        ]
        self.process = subprocess.Popen(  # noqa: S603 (this script, fixed arguments)
            command,
            env={**os.environ, "DATABASE_URL": url},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.info = self._answer()
        for page in self.info["pages"].values():
            page["times"] = []

    def _answer(self):
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the child process stopped (exit status {self.process.wait()})")
        return json.loads(line)

    def time(self, index: int, label: str, count: int) -> None:
        self.process.stdin.write(f"{index} {count}\n")
        self.process.stdin.flush()
        self.info["pages"][label]["times"].extend(self._answer())

    def close(self) -> dict:
        self.process.stdin.close()
        self.process.wait()
        for page in self.info["pages"].values():
            measured = page.pop("times")
            times = sorted(wall for wall, _cpu in measured)
            page["p50"] = statistics.median(times)
            page["p95"] = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            page["cpu"] = statistics.median(cpu for _wall, cpu in measured)
        return self.info


def table(one: dict, national: dict) -> str:
    minimal = "minimal (base.html)"
    lines = [
        f"one plan: {one['plans']} plan, {one['sub_activities']} sub-activities; "
        f"national: {national['plans']} plans, {national['sub_activities']} sub-activities",
        "",
        "| page | 1 plan p50 / p95 ms | national p50 / p95 ms | national ÷ 1 plan | "
        "national ÷ minimal | CPU ms 1 / nat. (÷ 1 plan, ÷ minimal) | queries (1 / nat.) "
        "| HTML KB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    cpu_minimal = national["pages"][minimal]["cpu"]
    for label in one["pages"]:
        a, b = one["pages"][label], national["pages"][label]
        lines.append(
            f"| {label} | {a['p50']:.1f} / {a['p95']:.1f} | {b['p50']:.1f} / {b['p95']:.1f} | "
            f"{b['p50'] / a['p50']:.2f}× | {b['p50'] / national['pages'][minimal]['p50']:.2f}× | "
            f"{a['cpu']:.1f} / {b['cpu']:.1f} ({b['cpu'] / a['cpu']:.2f}×, "
            f"{b['cpu'] / cpu_minimal:.2f}×) | {a['queries']} / {b['queries']} | {b['kb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page and size")
    parser.add_argument("--years", type=int, default=5, help="years of plans (national size)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-year", type=int, default=2022)
    parser.add_argument("--child", choices=["one", "national"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must name a PostgreSQL database, "
            "e.g. postgres://postgres@127.0.0.1:5432/renaksi_bench"
        )
    # The sizes take turns, a few requests at a time, so that a busy machine slows both alike.
    one = Child(database_url_with_suffix(url, "_one"), "one", args)
    national = Child(url, "national", args)
    step = 5
    for _ in range(0, args.requests, step):
        for index, (label, *_rest) in enumerate(PAGES):
            one.time(index, label, step)
            national.time(index, label, step)
    one, national = one.close(), national.close()
    print(table(one, national))


if __name__ == "__main__":
    main()
