"""Property-based: whatever text the importer is fed, it ends in a plan or a clean error."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi.lib.decree.model import DecreeError, ParsedDecree
from renaksi.lib.decree.parser import parse_decree

from .decree_samples import bengkayang_bytes, decree_text, full_plan_rows

CELLS = st.sampled_from(
    ["", "√", "1", "2 Foo;", "a Bar;", "NO", "JAN", "DES", "(1)", "3 Baz : 1 x; 2 y;", "Teks"]
)


def outcome(data):
    try:
        decree = parse_decree(data)
    except DecreeError as error:
        assert error.message
        return None
    assert isinstance(decree, ParsedDecree)
    decree.as_dict()  # the JSON shape can always be built
    for finding in decree.findings:
        assert finding.message and finding.kind
    return decree


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    outcome(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    outcome(text.encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELLS, min_size=0, max_size=25), max_size=30))
def test_arbitrary_tables_in_a_valid_decree(rows):
    table = "".join("\t".join(cells) + "\n" for cells in rows)
    outcome(decree_text(full_plan_rows() + table).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=40))
def test_damaged_copies_of_the_real_decree(seed, damage):
    """Delete, duplicate and shift random lines and cells of the shared decree."""
    rng = random.Random(seed)
    lines = bengkayang_bytes().decode().split("\n")
    for _ in range(damage):
        index = rng.randrange(len(lines))
        action = rng.randrange(4)
        if action == 0:
            del lines[index]
        elif action == 1:
            lines.insert(index, lines[rng.randrange(len(lines))])
        elif action == 2:
            lines[index] = "\t" + lines[index]
        else:
            cells = lines[index].split("\t")
            rng.shuffle(cells)
            lines[index] = "\t".join(cells)
    outcome("\n".join(lines).encode())
