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
# Column labels of the schedule as decrees print them.
MONTH_LABELS = {
    "JAN": 1,
    "FEB": 2,
    "PEB": 2,
    "MAR": 3,
    "APR": 4,
    "MEI": 5,
    "JUN": 6,
    "JUL": 7,
    "AGT": 8,
    "AGS": 8,
    "AGU": 8,
    "AGUS": 8,
    "SEP": 9,
    "SEPT": 9,
    "OKT": 10,
    "NOV": 11,
    "NOP": 11,
    "DES": 12,
}
CHECK_MARKS = {"√", "✓", "✔", "✔️", "☑"}

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,40}>")
_EMPHASIS = re.compile(r"\*{1,3}([^*\n]+?)\*{1,3}")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([;,.:])(?=\s|$)")
_LABEL = re.compile(r"^(?:(?P<num>\d{1,2})|(?P<letter>[a-z]))[.)]?\s+(?=\S)")
_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")


def clean(text: str) -> str:
    """Strip markup (HTML tags, markdown emphasis), collapse spaces, tidy punctuation."""
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def is_mark(cell: str) -> bool:
    return cell.strip() in CHECK_MARKS


def leading_label(text: str) -> tuple[int | None, str, str]:
    """Split a leading list label: ``"2. Foo"`` → ``(2, "2", "Foo")``; ``"d Foo"`` → letter."""
    match = _LABEL.match(text)
    if not match:
        return None, "", text
    rest = text[match.end() :]
    if match.group("num"):
        return int(match.group("num")), match.group("num"), rest
    return None, match.group("letter"), rest


def strip_label(text: str) -> str:
    return leading_label(text)[2]


def similar(a: str, b: str) -> float:
    a, b = strip_label(a).lower().rstrip(";.: "), strip_label(b).lower().rstrip(";.: ")
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def parse_date_id(text: str) -> datetime.date | None:
    """Parse an Indonesian date such as ``11 April 2022``; ``None`` if there is none."""
    match = _DATE.search(text)
    if not match:
        return None
    month = MONTHS_ID.get(match.group(2).lower())
    if not month:
        return None
    try:
        return datetime.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


def format_date_id(value: datetime.date) -> str:
    return f"{value.day} {MONTH_NAMES_ID[value.month - 1]} {value.year}"


def month_span(months) -> str:
    """``[1, 2, 3]`` → ``"Januari–Maret"``; ``[3, 6, 9]`` → ``"Maret, Juni, September"``."""
    months = sorted(months)
    if not months:
        return "-"
    if len(months) > 2 and months == list(range(months[0], months[-1] + 1)):
        return f"{MONTH_NAMES_ID[months[0] - 1]}–{MONTH_NAMES_ID[months[-1] - 1]}"
    return ", ".join(MONTH_NAMES_ID[m - 1] for m in months)


def shorten(text: str, width: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# A list label inside a cell: at the start, or after ";" or ":".
_LIST_CANDIDATE = re.compile(r"(?:^|(?<=[;:]))\s*(\d{1,2})[.)]?\s+(?=[^\s\d])")


def split_numbered_list(text: str, first: int = 1) -> tuple[str, list[tuple[str, str]]]:
    """Split a flattened numbered list ``"1 Foo; 2 Bar;"`` into items.

    Returns ``(lead, [(label, item_text), ...])``. Only a run ``first``, ``first + 1`` …
    counts; a list nested after a colon inside a numbered item (``"1 Foo : 1 a; 2 b"``) stays
    inside that item, as do lettered sub-lists. With no list, returns ``(text, [])``.
    """
    starts: list[tuple[int, int, int]] = []  # (label start, text start, number)
    expected = first
    for match in _LIST_CANDIDATE.finditer(text):
        number = int(match.group(1))
        if starts and number == 1:
            break  # a nested list restarts at 1: the rest belongs to the current item
        if number == expected:
            starts.append((match.start(1), match.end(), number))
            expected += 1
    if not starts:
        return text, []
    lead = text[: starts[0][0]].strip().rstrip(":").strip()
    items = []
    for index, (_, body_start, number) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        items.append((str(number), text[body_start:end].strip()))
    return lead, items


def last_embedded_number(text: str) -> int | None:
    """The last list number inside a text (``"… 10 Foo; 11 Bar;"`` → 11)."""
    numbers = [int(m.group(1)) for m in _LIST_CANDIDATE.finditer(text)]
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
