"""Decrees of other fictional units and years, each in a layout of its own, written by hand in
tests/data/decrees/ (``*.txt``) with the reading a careful human makes of each, also written
by hand (``*.json``: the shape of ``ParsedDecree.as_dict()`` without source lines, plus the
findings the reader must report, each with the lines it may be reported at)."""

import json
from pathlib import Path

import pytest

from renaksi.lib.decree.parser import parse_decree

from .decree_variations import differences, reading

DATA = Path(__file__).parent / "data" / "decrees"
DECREES = sorted(DATA.glob("*.txt"))


def expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readings():
    return {path.name: parse_decree(path.read_bytes()) for path in DECREES}


def test_at_least_three_units_and_years_each_with_its_reading():
    units = {(expected(p)["decree"]["unit"], expected(p)["decree"]["year"]) for p in DECREES}
    assert len(DECREES) >= 3 and len(units) == len(DECREES)
    assert all(p.with_suffix(".json").exists() for p in DECREES)


@pytest.mark.parametrize("path", DECREES, ids=lambda p: p.stem)
def test_reads_as_a_careful_human_reads_it(path, readings):
    want = expected(path)
    got = json.loads(json.dumps(reading(readings[path.name])))
    problems = differences({k: want[k] for k in ("decree", "areas", "schedule")}, got)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", DECREES, ids=lambda p: p.stem)
def test_reports_every_choice_at_its_line(path, readings):
    decree = readings[path.name]
    missing = []
    needed: dict[tuple, int] = {}
    for item in expected(path)["findings"]:
        key = (item["kind"], tuple(item["lines"] or ()))
        needed[key] = needed.get(key, 0) + 1
    for (kind, lines), count in needed.items():
        found = [f for f in decree.findings if f.kind == kind and (not lines or f.line in lines)]
        if len(found) < count:
            near = sorted({(f.kind, f.line) for f in decree.findings if f.line in lines})
            missing.append(f"{count} × {kind} at {list(lines) or 'any line'}; found there: {near}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("path", DECREES, ids=lambda p: p.stem)
def test_warns_of_nothing_else(path, readings):
    """A well-formed table in an unusual layout imports without false alarms: every warning
    or error is one the hand-made reading expects."""
    kinds = {item["kind"] for item in expected(path)["findings"]}
    extra = [
        (f.kind, f.line, f.message)
        for f in readings[path.name].findings
        if f.severity != "info" and f.kind not in kinds
    ]
    assert not extra
