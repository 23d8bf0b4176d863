#!/usr/bin/env python
"""The weight of the demo's main pages: their HTML, raw and compressed, and the static files
each loads, as the real stack serves them.

    SECRET_KEY=dev .venv/bin/python scripts/page_weight.py [--data-dir /tmp/renaksi-weight]
        [--json]

Runs with production settings (DEBUG off, WhiteNoise's CompressedManifestStaticFilesStorage):
in a scratch data folder (SQLite) it migrates, seeds the demo (``seed_demo``, once: a second
run reuses it) and collects the static files (WhiteNoise writes their .gz and .br beside them).
Each page is requested through Django's test Client (every middleware, signed in as the
persona who reads it); its HTML is weighed raw, gzip (level 6) and brotli (quality 11, what a
compressing front server would send; Renaksi itself does not compress HTML); each stylesheet
and script it links is requested from WhiteNoise with ``Accept-Encoding: br`` and with
``gzip`` and weighed as sent. A page whose URL is not there yet (a part not landed) is listed
as missing. Target (issue #10): under 100 KB compressed for a page's HTML.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 100 * 1024

# (label, URL name, arguments from the demo, persona; None = a visitor not signed in)
PAGES = [
    ("plan page (Bengkayang 2022)", "plans:detail", "plan", "sekretariat"),
    ("unit dashboard", "dashboards:unit", "plan", "sekretariat"),
    ("schedule", "dashboards:schedule", "plan", "sekretariat"),
    ("province dashboard", "dashboards:province", "province", "kalbar"),
    ("national dashboard", "dashboards:national", "", "kpuri"),
    ("public page", "publication:page", "public", None),
    ("month view", "work:month", "plan", "sekretariat"),
    ("plan list", "plans:list", "", "kpuri"),
]

ASSET = re.compile(
    r"""<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="(/static/[^"]+)\"""",
)


def setup(data_dir: Path) -> None:
    os.environ["RENAKSI_DATA_DIR"] = str(data_dir)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "page-weight-not-secret")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "renaksi.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    from renaksi.plans.models import ActionPlan

    call_command("migrate", verbosity=0)
    if not ActionPlan.objects.filter(unit__code="6107", year=2022).exists():
        print("seeding the demo (seed_demo) …", file=sys.stderr)
        call_command("seed_demo", stdout=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)


def arguments(kind: str):
    from renaksi.plans.models import ActionPlan

    plan = ActionPlan.objects.select_related("unit").get(unit__code="6107", year=2022)
    return {
        "": [],
        "plan": [plan.pk],
        "province": [plan.unit.parent_id],
        "public": [plan.unit.code, plan.year],
    }[kind]


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def weigh() -> list[dict]:
    import brotli
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    clients: dict[str | None, Client] = {}
    assets: dict[str, dict] = {}
    rows = []
    for label, name, kind, persona in PAGES:
        try:
            url = reverse(name, args=arguments(kind))
        except NoReverseMatch:
            rows.append({"page": label, "url": None, "missing": name})
            continue
        if persona not in clients:
            clients[persona] = Client(HTTP_HOST="localhost")
            if persona:
                clients[persona].force_login(User.objects.get(username=persona))
        response = clients[persona].get(url)
        html = body(response)
        links = list(dict.fromkeys(ASSET.findall(html.decode("utf-8", "replace"))))
        for link in links:
            if link not in assets:
                assets[link] = weigh_asset(Client(HTTP_HOST="localhost"), link)
        rows.append(
            {
                "page": label,
                "url": url,
                "status": response.status_code,
                "html": len(html),
                "html_gzip": len(gzip.compress(html, compresslevel=6)),
                "html_br": len(brotli.compress(html, quality=11)),
                "assets": {link: assets[link] for link in links},
                "assets_raw": sum(assets[link]["raw"] for link in links),
                "assets_br": sum(assets[link]["br"] for link in links),
                "assets_gzip": sum(assets[link]["gzip"] for link in links),
            }
        )
    return rows


def weigh_asset(client, url: str) -> dict:
    """One static file as WhiteNoise sends it: plain, and to a browser that takes br / gzip."""
    sizes = {}
    for key, encoding in (("raw", ""), ("gzip", "gzip"), ("br", "br")):
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        sizes[key] = len(body(response))
        sizes[f"{key}_encoding"] = response.headers.get("Content-Encoding", "")
        sizes["status"] = response.status_code
    return sizes


def kb(size: int) -> str:
    return f"{size / 1024:7.1f}"


def report(rows: list[dict]) -> None:
    print("Page weight of the demo (KB; HTML gzip -6 / brotli -q11; assets as WhiteNoise sends)")
    print(
        f"{'page':30} {'status':>6} {'HTML':>7} {'gzip':>7} {'br':>7}"
        f" {'assets':>7} {'a.gzip':>7} {'a.br':>7} {'total br':>8}  target"
    )
    for row in rows:
        if row.get("url") is None:
            print(f"{row['page']:30} {'—':>6}  (no URL {row['missing']} yet)")
            continue
        total = row["html_br"] + row["assets_br"]
        ok = "ok" if row["html_gzip"] < TARGET and row["status"] == 200 else "OVER"
        if row["status"] != 200:
            ok = f"HTTP {row['status']}"
        print(
            f"{row['page']:30} {row['status']:>6} {kb(row['html'])} {kb(row['html_gzip'])}"
            f" {kb(row['html_br'])} {kb(row['assets_raw'])} {kb(row['assets_gzip'])}"
            f" {kb(row['assets_br'])} {kb(total):>8}  {ok}"
        )
    seen: dict[str, dict] = {}
    for row in rows:
        seen.update(row.get("assets") or {})
    print()
    print(f"{'static file':60} {'raw':>7} {'gzip':>7} {'br':>7}")
    for link, size in sorted(seen.items()):
        name = re.sub(r"\.[0-9a-f]{12}\.", ".", link)  # without the manifest's hash
        print(f"{name:60} {kb(size['raw'])} {kb(size['gzip'])} {kb(size['br'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "renaksi-page-weight",
        help="scratch data folder (SQLite database, static files); reused when seeded",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    options.data_dir.mkdir(parents=True, exist_ok=True)
    setup(options.data_dir)
    rows = weigh()
    if options.json:
        print(json.dumps(rows, indent=1))
    else:
        report(rows)


if __name__ == "__main__":
    main()
