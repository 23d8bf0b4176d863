"""The proof that the decree reader generalises (issue 6, item 2).

For any plan (``decree_variations.plans``), laid out in any way the renderer knows, with any
combination of the variations decrees come in (``decree_variations.DAMAGES``, one per
variation of issue 6, item 1), reading the rendering gives back the plan exactly (structure,
numbers, texts, months or quarters, extra fields, the header) with a finding of the expected
kind at the expected line wherever the reading is a choice. A well-formed rendering never
raises, and a damaged one ends in a plan or a clean ``DecreeError``.

Examples per run: 25 for each of the 26 variations alone and for no variation (675), 300
random combinations of up to 8 variations, 120 well-formed renderings, 120 byte-damaged
renderings: 1,215 in all, plus the shared decree re-rendered in 4 layouts. The file runs in
about 45 s (measured on the development machine).
"""

import random

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from renaksi.lib.decree.model import DecreeError, ParsedDecree
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.render import RenderOptions, build, render, to_text

from .decree_samples import bengkayang_bytes
from .decree_variations import (
    DAMAGES,
    Case,
    apply_damages,
    cases,
    differences,
    expected_reading,
    missing_findings,
    reading,
)

EXAMPLES_PER_VARIATION = 25
EXAMPLES_COMBINED = 300
EXAMPLES_WELL_FORMED = 120
EXAMPLES_BYTE_DAMAGE = 120
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# Findings about the plan itself, not about how it was read: a well-formed rendering of a
# plan with fewer than 8 areas, a sub-activity without indicators or without a schedule.
CONTENT_KINDS = {"area_missing", "missing_indicator", "empty_schedule"}


def read_back(case: Case) -> tuple[ParsedDecree, list[str]]:
    """Render, damage, read: the decree read and every way it falls short of the plan."""
    rendered = build(case.plan, case.options)
    applied, expectations = apply_damages(rendered, case.damages, random.Random(case.seed))
    output = to_text(rendered)
    if currently_in_test_context():
        note(f"damages applied: {applied}; options: {case.options}")
        note(output.text)
    decree = parse_decree(output.text.encode())  # any exception fails the test
    problems = differences(expected_reading(case.plan, expectations), reading(decree))
    problems += missing_findings(decree, output, expectations)
    return decree, problems


@pytest.mark.parametrize("variation", ["none", *DAMAGES])
def test_each_variation_reads_back_as_the_plan(variation):
    damages = [] if variation == "none" else [variation]

    @settings(max_examples=EXAMPLES_PER_VARIATION, **SETTINGS)
    @given(cases(damages=damages, max_areas=4))
    def check(case):
        _, problems = read_back(case)
        assert not problems, "\n".join(problems)

    check()


@settings(max_examples=EXAMPLES_COMBINED, **SETTINGS)
@given(cases())
def test_any_combination_of_variations_reads_back_as_the_plan(case):
    _, problems = read_back(case)
    assert not problems, "\n".join(problems)


@settings(max_examples=EXAMPLES_WELL_FORMED, **SETTINGS)
@given(cases(damages=[]))
def test_a_well_formed_rendering_never_raises_nor_warns(case):
    """An exception (a ``DecreeError`` too) is a failure here, and so is a warning about
    how the table was read: only findings about the plan's own content may appear."""
    text = render(case.plan, case.options)
    note(text)
    decree = parse_decree(text.encode())
    warnings = [
        (f.kind, f.line, f.message)
        for f in decree.findings
        if f.severity != "info" and f.kind not in CONTENT_KINDS
    ]
    assert not warnings


def damage_bytes(data: bytes, rng: random.Random, count: int) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        action = rng.randrange(5)
        at = rng.randrange(len(out) + 1)
        if action == 0 and out:
            del out[at : at + rng.randint(1, 40)]
        elif action == 1 and out:
            out[at:at] = out[rng.randrange(len(out)) :][: rng.randint(1, 80)]
        elif action == 2:
            out[at:at] = rng.choice([b"\t", b"\n", b"\n\n", b"\xe2\x88\x9a", b"\xff", b"\x00"])
        elif action == 3:
            out = out[:at]
        else:
            lines = bytes(out).split(b"\n")
            rng.shuffle(lines)
            out = bytearray(b"\n".join(lines))
    return bytes(out)


@settings(max_examples=EXAMPLES_BYTE_DAMAGE, **SETTINGS)
@given(cases(), st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_damaged_bytes_end_in_a_plan_or_a_clean_error(case, seed, count):
    rendered = build(case.plan, case.options)
    apply_damages(rendered, case.damages, random.Random(case.seed))
    data = damage_bytes(to_text(rendered).text.encode(), random.Random(seed), count)
    try:
        decree = parse_decree(data)
    except DecreeError as error:
        assert error.message
        return
    decree.as_dict()
    assert all(f.kind and f.message for f in decree.findings)


@pytest.mark.parametrize(
    ("options", "damages"),
    [
        (RenderOptions(page_rows=None), []),
        (RenderOptions(page_rows=7, indicator_layout="rows", number_single_indicator=True), []),
        # Labels "1)": the shared decree's texts hold nested lists labelled "1" and "a".
        (RenderOptions(page_rows=10, numbering="paren"), ["marks", "month_spellings"]),
        (RenderOptions(page_rows=9), ["page_continuation", "running_heads", "wide_pages"]),
    ],
)
def test_the_shared_decree_re_rendered_reads_back(options, damages):
    """The Bengkayang plan as read, written out again in other layouts, reads the same."""
    plan = parse_decree(bengkayang_bytes())
    case = Case(plan, options, damages, seed=7)
    _, problems = read_back(case)
    assert not problems, "\n".join(problems)
