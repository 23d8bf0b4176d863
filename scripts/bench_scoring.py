#!/usr/bin/env python
"""Time LKE scoring of a full framework (the Zona Integritas LKE, 110 items) and the offline
worksheet around it, in one run, on a scratch SQLite database:

    .venv/bin/python scripts/bench_scoring.py [--framework zi-2021] [--repeat 200]

Prints the median and the 95th percentile of: loading the tree (one query), parsing a full
set of answers, scoring it, parse + score together (what lke_score does after loading),
building the JSON and XLSX worksheets, reading a filled XLSX back, and importing it into
an assessment (once, then again unchanged). Nothing is timed in the
test suite; these are figures for docs/lke-offline.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(function, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", default="zi-2021")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="renaksi-bench-scoring-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["RENAKSI_DATA_DIR"] = scratch
    os.environ.setdefault("RENAKSI_INSECURE_DEV_KEY", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import load_workbook

    from renaksi.evaluation import frameworks
    from renaksi.evaluation.models import NUMBER_SCALE, OPTION_CODES, Framework
    from renaksi.evaluation.scoring import load_tree, parse_answers, score
    from renaksi.evaluation.worksheet import build_xlsx, read_xlsx, template_json

    call_command("migrate", verbosity=0)
    frameworks.load_shipped()
    framework = Framework.objects.get(code=args.framework)
    tree = load_tree(framework)
    chooser = random.Random(9)  # noqa: S311 (sample answers, not secrets)
    answers = {}
    for item in tree.items:
        if item.answer_type in OPTION_CODES:
            answers[item.code] = chooser.choice(OPTION_CODES[item.answer_type])
        elif item.answer_type == "percent":
            first, second = sorted((chooser.randint(0, 40), chooser.randint(0, 40)))
            answers[item.code] = (
                {"previous": second, "current": first}
                if item.formula == "decline"
                else {"numerator": first, "denominator": second}
            )
        elif item.answer_type in NUMBER_SCALE:
            answers[item.code] = str(round(chooser.uniform(0, NUMBER_SCALE[item.answer_type]), 2))
    parsed = parse_answers(tree, answers)
    result = score(tree, parsed)

    workbook = load_workbook(io.BytesIO(build_xlsx(framework, tree)))
    sheet = workbook["LKE"]
    rows = {sheet.cell(r, 1).value: r for r in range(7, sheet.max_row + 1)}
    for code, raw in answers.items():
        if isinstance(raw, dict):
            sheet[f"F{rows[code]}"], sheet[f"G{rows[code]}"] = list(raw.values())
        else:
            sheet[f"E{rows[code]}"] = raw.upper() if len(raw) == 1 else raw
    buffer = io.BytesIO()
    workbook.save(buffer)
    filled = buffer.getvalue()
    read_back = score(tree, parse_answers(tree, read_xlsx(filled, framework, tree).answers))
    if read_back.index != result.index:
        raise SystemExit("the filled worksheet does not read back to the same score")

    slow = max(1, args.repeat // 10)
    figures = [
        ("load_tree (1 query)", timed(lambda: load_tree(framework), args.repeat)),
        ("parse_answers", timed(lambda: parse_answers(tree, answers), args.repeat)),
        ("score", timed(lambda: score(tree, parsed), args.repeat)),
        ("parse + score", timed(lambda: score(tree, parse_answers(tree, answers)), args.repeat)),
        (
            "load + parse + score",
            timed(lambda: score(load_tree(framework), parse_answers(tree, answers)), args.repeat),
        ),
        ("template_json", timed(lambda: template_json(framework, tree), slow)),
        ("build_xlsx", timed(lambda: build_xlsx(framework, tree), slow)),
        ("read_xlsx (filled)", timed(lambda: read_xlsx(filled, framework, tree), slow)),
    ]
    # A whole import into an assessment (save_answer per item, totals refreshed each time).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from renaksi.evaluation.services import assessment_for
    from renaksi.evaluation.worksheet import import_worksheet
    from renaksi.units.models import Unit

    unit = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    assessment = assessment_for(unit, framework.year, framework, create=True)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        first = import_worksheet(None, assessment, filled)
        first_ms = (time.perf_counter() - start) * 1000
    first_queries = len(queries)
    start = time.perf_counter()
    again = import_worksheet(None, assessment, filled)
    again_ms = (time.perf_counter() - start) * 1000
    figures.append((f"import, {len(first.saved)} answers", (first_ms, first_ms)))
    figures.append((f"import again ({len(again.unchanged)} same)", (again_ms, again_ms)))

    nodes = sum(1 for _ in tree.walk())
    print(
        f"{framework.code}: {nodes} nodes, {len(tree.items)} items, index {float(result.index):.2f}"
        f" of {float(result.maximum):.2f}; Python {sys.version.split()[0]}"
    )
    print(f"{'step':<24} {'p50 ms':>9} {'p95 ms':>9}")
    for label, (p50, p95) in figures:
        print(f"{label:<24} {p50:>9.2f} {p95:>9.2f}")
    print(f"first import: {first_queries} queries; index {float(first.index):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
