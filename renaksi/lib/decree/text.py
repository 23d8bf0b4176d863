"""Small text helpers shared by the decree parser and validator. Plain Python."""

from __future__ import annotations

import datetime
import difflib
import re

MONTHS_ID = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
}
MONTH_NAMES_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_EMPHASIS = re.compile(r"\*{1,3}([^*\n]+?)\*{1,3}")
_SPACES = re.compile(r"[ \t\f\v]+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([;,.:])(?=\s|$)")
# A list label: 1 / 1. / 1) / (1) / 1.1 / 1.1.1 / a. / a) / (a) / a (a lone letter).
_LABEL = re.compile(
    r"^(?:\((?P<pnum>\d{1,3})\)|(?P<num>\d{1,3}(?:\.\d{1,3}){0,3})(?:[.)](?!\d))?"
    r"|\((?P<pletter>[a-z])\)|(?P<letter>[a-z])[.)]?)\s+(?=\S)"
)
_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")
_DIGIT_DATE = re.compile(r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})\b")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "´": "'"})
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_NBSP = re.compile("[\u00a0\u2007\u202f\u2002\u2003\u2009]")
# A word broken at the end of a line: "pelak- sanaan", "pelak-\nsanaan".
_BROKEN_WORD = re.compile(r"(?<=[a-z])-[ \t]*\n?[ \t]+(?=[a-z])|(?<=[a-z])-\n(?=[a-z])")


def _join_broken_words(text: str) -> str:
    """Join hyphenation broken across lines, keeping real hyphens (``perundang-undangan``,
    ``nilai-nilai``): a hyphen followed by a space is a line break only when the two halves
    do not repeat each other."""

    def repl(match: re.Match) -> str:
        before = re.search(r"(\w+)$", text[max(0, match.start() - 40) : match.start()])
        after = re.match(r"(\w+)", text[match.end() : match.end() + 40])
        left = before.group(1).lower() if before else ""
        right = after.group(1).lower() if after else ""
        if left and right and (left[-4:] in right or right[:4] in left):
            return "-"  # a reduplication or a compound: the hyphen is real
        return ""

    return _BROKEN_WORD.sub(repl, text)


def normalize_cell(text: str) -> str:
    """What a careful reader sees in a cell: no soft hyphens or zero-width characters,
    ordinary spaces and straight quotes, words broken across lines joined. Newlines that
    separate list items are kept; other spacing is collapsed."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", text)
    text = _NBSP.sub(" ", text).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _join_broken_words(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def clean(text: str) -> str:
    """Strip markup (HTML tags, markdown emphasis), collapse spaces, tidy punctuation."""
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = normalize_cell(text).replace("\n", " ")
    text = " ".join(text.split())
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def leading_label(text: str) -> tuple[int | None, str, str]:
    """Split a leading list label: ``"2. Foo"`` → ``(2, "2", "Foo")``; ``"d Foo"`` → letter;
    ``"1.2.3 Foo"`` → ``(3, "1.2.3", "Foo")``; ``"(a) Foo"`` → ``(None, "a", "Foo")``."""
    match = _LABEL.match(text)
    if not match:
        return None, "", text
    rest = text[match.end() :]
    number = match.group("num") or match.group("pnum")
    if number:
        return int(number.split(".")[-1]), number, rest
    return None, match.group("letter") or match.group("pletter"), rest


def label_number(text: str) -> int | None:
    """The number a leading label stands for: ``"3. Foo"`` → 3, ``"c) Foo"`` → 3."""
    number, label, _ = leading_label(text)
    if number is not None:
        return number
    if label and len(label) == 1 and label.isalpha():
        return ord(label.lower()) - ord("a") + 1
    return None


def strip_label(text: str) -> str:
    return leading_label(text)[2]


_SIMILAR_LIMIT = 300


def comparable(text: str) -> str:
    return strip_label(text).lower().rstrip(";.:, ")


def similar(a: str, b: str) -> float:
    """How alike two texts are, 0–1, labels and trailing punctuation ignored. Bounded: only
    the first 300 characters are compared, so the cost does not grow with the cells."""
    a, b = comparable(a), comparable(b)
    if a == b:
        return 1.0
    a, b = a[:_SIMILAR_LIMIT], b[:_SIMILAR_LIMIT]
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def same_text(a: str, b: str) -> bool:
    """The same text twice (as a PDF copy duplicates a cell): equal once labels, case,
    spacing and trailing punctuation are ignored."""
    return comparable(" ".join(a.split())) == comparable(" ".join(b.split()))


def parse_date_id(text: str) -> datetime.date | None:
    """Parse a date as decrees write it: ``11 April 2022`` (any case, also ``Nopember``,
    ``Agt.``) or in digits ``11-04-2022`` / ``11/04/2022`` / ``11.04.2022``; ``None`` if none."""
    from .columns import month_of

    for match in _DATE.finditer(text):
        month = MONTHS_ID.get(match.group(2).lower()) or month_of(match.group(2))
        if not month:
            continue
        try:
            return datetime.date(int(match.group(3)), month, int(match.group(1)))
        except ValueError:
            return None
    match = _DIGIT_DATE.search(text)
    if match:
        try:
            return datetime.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


def format_date_id(value: datetime.date) -> str:
    return f"{value.day} {MONTH_NAMES_ID[value.month - 1]} {value.year}"


# Where a shortened text may end: before a space, or after a hyphen or slash
# ("Perundang-|undangan/|Deregulasi").
_WORD_END = re.compile(r"\S(?=\s)|[-/](?=\S)")


def shorten(text: str, width: int = 60) -> str:
    """``text`` in at most ``width`` characters, cut at the end of a word with "…".

    Only a first word longer than half the width is cut inside (there is no better place)."""
    text = text.strip()
    if len(text) <= width:
        return text
    room = text[: width - 1]
    ends = [match.end() for match in _WORD_END.finditer(text, 0, width)]
    ends = [end for end in ends if end <= len(room)]
    if ends and ends[-1] >= width // 2:
        room = text[: ends[-1]]
    return room.rstrip(" ,;:.") + "…"


# A list label inside a cell: at the start, or after ";", ":" or a line break.
_LIST_CANDIDATE = re.compile(
    r"(?:^|(?<=[;:\n])|(?<=\.)(?=[ \t]))[ \t]*"
    r"(?P<label>\((?P<p>\d{1,2})\)|(?P<n>\d{1,2})[.)]?)[ \t]+"
    r"(?=[^\s\d]|\d+(?:[.,]\d+)?\s?%)"
)
# A punctuated label inside running text: "1. Foo 2. Bar", "1) Foo 2) Bar", "(1) Foo (2) Bar".
_INLINE_CANDIDATE = re.compile(
    r"(?:^|(?<=\s))(?P<label>\((?P<p>\d{1,2})\)|(?P<n>\d{1,2})[.)])[ \t]+"
    r"(?=[^\s\d]|\d+(?:[.,]\d+)?\s?%)"
)
_BULLET_LINE = re.compile(r"^[ \t]*[-–•●▪◦*·][ \t]+(?=\S)")
# A bare number inside running text that may be the next label of a list written without
# separators ("1 Foo 2 Bar"): not a regulation's number ("Nomor 2"), a clause or a year.
_BARE_CANDIDATE = re.compile(
    r"(?:^|(?<=\s))(?<!Nomor )(?<!nomor )(?<!No\. )(?<!Pasal )(?<!ayat )(?<!Tahun )(?<!tahun )"
    r"(?P<label>(?P<n>\d{1,2}))[ \t]+(?=[^\s\d%]|\d+(?:[.,]\d+)?\s?%)"
)
# Lettered lists at the top of a cell: "a. Foo; b. Bar", "a) Foo b) Bar", "(a) Foo (b) Bar".
_LETTER_CANDIDATE = re.compile(
    r"(?:^|(?<=[;:\n])|(?<=\.)(?=[ \t])|(?<=\s))[ \t]*(?P<label>\((?P<p>[a-z])\)|(?P<n>[a-z])[.)])"
    r"[ \t]+(?=\S)"
)
_SEPARATED_LETTER = re.compile(
    r"(?:^|(?<=[;:\n])|(?<=\.)(?=[ \t]))[ \t]*(?P<label>\((?P<p>[a-z])\)|(?P<n>[a-z])[.)]?)"
    r"[ \t]+(?=\S)"
)


def _run(pattern: re.Pattern, text: str, first: int) -> list[tuple[int, int, int]]:
    starts: list[tuple[int, int, int]] = []  # (label start, text start, number)
    expected = first
    for match in pattern.finditer(text):
        groups = match.groupdict()
        value = groups.get("p") or groups.get("n")
        number = int(value) if value.isdigit() else ord(value) - ord("a") + 1
        if starts and number == 1:
            break  # a nested list restarts at 1: the rest belongs to the current item
        if number == expected:
            starts.append((match.start("label"), match.end(), number))
            expected += 1
    return starts


def split_numbered_list(text: str, first: int = 1) -> tuple[str, list[tuple[str, str]]]:
    """Split a list written in one cell into items.

    ``"1 Foo; 2 Bar;"``, ``"1. Foo\n2. Bar"``, ``"1) Foo 2) Bar"``, ``"(1) Foo (2) Bar"``,
    and lines starting with a bullet (``- Foo\n- Bar``). Returns ``(lead, [(label, item_text),
    ...])``. Only a run ``first``, ``first + 1`` … counts; a list nested after a colon inside a
    numbered item (``"1 Foo : 1 a; 2 b"``) stays inside that item, as do lettered sub-lists.
    With no list, returns ``(text, [])``.
    """
    starts = _run(_LIST_CANDIDATE, text, first)
    inline = _run(_INLINE_CANDIDATE, text, first)
    # Without separators (or with them only here and there), a run counts only from the start
    # of the text (or after a lead that ends with ":"), with at least two items, and when it
    # finds more items than the separators do.
    if (
        len(inline) >= (1 if first > 1 else 2)
        and len(inline) > len(starts)
        and (inline[0][0] == 0 or first > 1 or text[: inline[0][0]].rstrip().endswith(":"))
        and (not starts or starts[0][0] == inline[0][0])
    ):
        starts = inline
    if _LABEL_ONE.match(text) or (starts and starts[0][0] == 0) or first > 1:
        # "1 Foo 2 Bar 3 Baz": a list written without separators or punctuation (or with
        # them only here and there). Only from a first item at the start, in sequence, and
        # never a regulation's number or a year.
        bare = _run(_BARE_CANDIDATE, text, first)
        # A list that goes on from earlier items (``first`` > 1) may follow a lead text.
        enough = len(bare) >= (1 if first > 1 else 2)
        if enough and len(bare) > len(starts) and (bare[0][0] == 0 or first > 1):
            starts = bare
    if not starts and first == 1 and re.match(r"^[ \t]*\(?a[.)]?[ \t]", text):
        # A lettered list from the top of the cell: "a. Foo; b. Bar" (letters nested in a
        # numbered item never reach here: the numbered split comes first).
        letters = _run(_SEPARATED_LETTER, text, 1)
        punctuated = _run(_LETTER_CANDIDATE, text, 1)
        if len(punctuated) > len(letters):
            letters = punctuated
        if len(letters) >= 2 and letters[0][0] <= len(text) - len(text.lstrip()):
            return _items(text, letters, letters=True)
    if not starts:
        lines = text.split("\n")
        if len(lines) > 1 and all(_BULLET_LINE.match(line) for line in lines):
            return "", [("", _BULLET_LINE.sub("", line).strip()) for line in lines]
        return text, []
    return _items(text, starts)


def split_letter_list(text: str, first: int) -> tuple[str, list[tuple[str, str]]]:
    """Split a lettered list that goes on from letter number ``first`` (2 = "b") after a
    lead text: ``"… end of a; b. Foo; c. Bar"`` → ``("… end of a", [("b", "Foo"), …])``."""
    letters = _run(_SEPARATED_LETTER, text, first)
    punctuated = _run(_LETTER_CANDIDATE, text, first)
    if len(punctuated) > len(letters):
        letters = punctuated
    if not letters:
        return text, []
    return _items(text, letters, letters=True)


def _items(
    text: str, starts: list[tuple[int, int, int]], letters: bool = False
) -> tuple[str, list[tuple[str, str]]]:
    lead = text[: starts[0][0]].strip().rstrip(":").strip()
    items = []
    for index, (_, body_start, number) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        label = chr(ord("a") + number - 1) if letters else str(number)
        items.append((label, " ".join(text[body_start:end].split())))
    return " ".join(lead.split()), items


_LABEL_ONE = re.compile(r"^[ \t]*\(?1[.)]?[ \t]+\S")


def last_embedded_number(text: str) -> int | None:
    """The last list number inside a text (``"… 10 Foo; 11 Bar;"`` → 11)."""
    numbers = [int(m.group("p") or m.group("n")) for m in _LIST_CANDIDATE.finditer(text)]
    return numbers[-1] if numbers else None


_KIND_RULES = [
    (re.compile(r"^(persentase\b|\d{1,3}\s?%)", re.IGNORECASE), "persentase"),
    (re.compile(r"^jumlah\b", re.IGNORECASE), "jumlah"),
    (re.compile(r"^indeks\b", re.IGNORECASE), "indeks"),
    (
        re.compile(
            r"^(dokumen|laporan|sk\b|renstra\b|adanya (sk|dokumen)|tersedianya dokumen)",
            re.IGNORECASE,
        ),
        "dokumen",
    ),
]
_PERCENT_TARGET = re.compile(r"^(\d{1,3})\s?%")


def guess_target(text: str) -> tuple[str, int | None, str]:
    """A first guess at an indicator's measurable target: (kind, target value, unit)."""
    for pattern, kind in _KIND_RULES:
        if pattern.match(text):
            value = None
            match = _PERCENT_TARGET.match(text)
            if match and int(match.group(1)) <= 100:
                value = int(match.group(1))
            return kind, value, "%" if kind == "persentase" else ""
    return "", None, ""
