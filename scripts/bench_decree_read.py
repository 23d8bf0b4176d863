"""How long the decree readers take on the Bengkayang decree, per format (a benchmark, not a test).

    SECRET_KEY=dev .venv/bin/python scripts/bench_decree_read.py [--runs 5]

Builds the Bengkayang decree as text, XLSX, DOCX and PDF with the test suite's builders
(tests/decree_files.py), reads each once to load the libraries, then prints the median and
the slowest of ``--runs`` reads and parses, and each format's ratio to the text format.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from renaksi.lib.decree.formats import read_document  # noqa: E402
from renaksi.lib.decree.parser import parse_decree  # noqa: E402
from tests import decree_files as files  # noqa: E402

DECREE = ROOT / "renaksi/core/data/keputusan-kpu-bengkayang-12-2022-rencana-aksi-rb.txt"


def timed(function, data, runs):
    function(data)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    text = DECREE.read_bytes()
    source = files.layout(text)
    documents = {
        "txt": text,
        "xlsx": files.xlsx_bytes(files.build_xlsx(source)),
        "docx": files.docx_bytes(files.build_docx(source)),
        "pdf": files.pdf_from_text(text.decode()),
    }
    base = None
    print(
        f"{'format':6} {'KB':>6} {'read p50':>9} {'parse p50':>10} {'parse max':>10} {'× txt':>6}"
    )
    for name, data in documents.items():
        read_p50, _ = timed(read_document, data, runs)
        parse_p50, parse_max = timed(parse_decree, data, runs)
        base = base or parse_p50
        print(
            f"{name:6} {len(data) / 1024:6.0f} {read_p50 * 1000:7.0f}ms {parse_p50 * 1000:8.0f}ms"
            f" {parse_max * 1000:8.0f}ms {parse_p50 / base:6.1f}"
        )


if __name__ == "__main__":
    main()
