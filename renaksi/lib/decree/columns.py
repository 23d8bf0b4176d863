"""The column model of a Lampiran table, read from its header. Plain Python, no Django.

A decree's table has text columns (NO, AREA PERUBAHAN, KEGIATAN, SUB KEGIATAN, INDIKATOR
KEBERHASILAN), a schedule (12 month columns, or 4 quarter columns TW I–IV) and sometimes extra
columns (PENANGGUNG JAWAB, TARGET, OUTPUT, ANGGARAN, KETERANGAN …). Units spell the labels in
many ways; this module recognises a label by its words, not by one spelling, and builds from a
page's header rows a ``ColumnModel``: which cell index holds which column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TEXT_ROLES = ("no", "area", "activity", "sub", "indicator")
EXTRA_ROLES = ("pic", "target", "output", "budget", "note")

# Header labels, normalised (upper case, words only). The first matching rule wins, so the
# longer, more specific labels come first.
_ROLE_LABELS: list[tuple[str, tuple[str, ...]]] = [
    ("schedule", ("TARGET WAKTU", "WAKTU PELAKSANAAN", "JADWAL PELAKSANAAN", "TIMELINE")),
    ("sub", ("SUB KEGIATAN", "SUBKEGIATAN", "RINCIAN KEGIATAN", "URAIAN KEGIATAN")),
    ("sub", ("SUB KEGIATAN RENCANA AKSI", "RENCANA AKSI", "LANGKAH KEGIATAN", "TAHAPAN KEGIATAN")),
    ("activity", ("KEGIATAN", "RENCANA KEGIATAN", "KEGIATAN UTAMA", "PROGRAM KEGIATAN")),
    ("activity", ("PROGRAM", "KEGIATAN POKOK")),
    (
        "indicator",
        (
            "INDIKATOR KEBERHASILAN",
            "INDIKATOR",
            "INDIKATOR KINERJA",
            "UKURAN KEBERHASILAN",
            "KRITERIA KEBERHASILAN",
            "INDIKATOR KEBERHASILAN OUTPUT",
        ),
    ),
    ("area", ("AREA PERUBAHAN", "AREA", "AREA RB", "AREA PERUBAHAN RB", "AREA REFORMASI")),
    ("no", ("NO", "NOMOR", "NO URUT", "NOMOR URUT", "NUM")),
    (
        "pic",
        (
            "PENANGGUNG JAWAB",
            "PENANGGUNGJAWAB",
            "PIC",
            "PJ",
            "PELAKSANA",
            "UNIT PELAKSANA",
            "UNIT PENANGGUNG JAWAB",
            "UNIT KERJA",
            "PENANGGUNG JAWAB PIC",
        ),
    ),
    ("target", ("TARGET", "TARGET CAPAIAN", "TARGET KINERJA", "TARGET OUTPUT")),
    ("output", ("OUTPUT", "KELUARAN", "HASIL", "OUTPUT HASIL", "HASIL YANG DIHARAPKAN")),
    ("budget", ("ANGGARAN", "BIAYA", "SUMBER ANGGARAN", "PAGU", "PAGU ANGGARAN", "SUMBER DANA")),
    ("note", ("KETERANGAN", "KET", "CATATAN", "KET KETERANGAN")),
]
_LABEL_ROLE = {label: role for role, labels in _ROLE_LABELS for label in labels}
# A schedule group heading: "PELAKSANAAN (BULAN)", "JADWAL", "BULAN KE", "TAHUN 2023" …
_SCHEDULE_WORDS = ("PELAKSANAAN", "JADWAL", "WAKTU", "BULAN", "TRIWULAN", "TAHUN", "KUARTAL")

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("JANUARI", "JANUARY"),
    2: ("FEBRUARI", "PEBRUARI", "FEBRUARY"),
    3: ("MARET", "MARCH"),
    4: ("APRIL",),
    5: ("MEI", "MAY"),
    6: ("JUNI", "JUNE"),
    7: ("JULI", "JULY"),
    8: ("AGUSTUS", "AUGUST"),
    9: ("SEPTEMBER",),
    10: ("OKTOBER", "OCTOBER"),
    11: ("NOVEMBER", "NOPEMBER"),
    12: ("DESEMBER", "DECEMBER"),
}
_MONTH_ALIASES = {"AGT": 8, "AGS": 8, "AGTS": 8, "AGST": 8, "SPT": 9, "NPM": 11, "DSM": 12}
_QUARTER = re.compile(r"^(?:TW|TRW|TRIWULAN|TRIWULANKE|KUARTAL|KUARTALKE|Q)(I{1,3}|IV|[1-4])$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def normal_label(text: str) -> str:
    """``"Sub-Kegiatan"`` → ``"SUB KEGIATAN"``; ``"No."`` → ``"NO"``; ``"KET."`` → ``"KET"``."""
    return " ".join(re.sub(r"[^0-9A-Z]+", " ", text.upper()).split())


def month_of(text: str) -> int | None:
    """The month a header cell names, in any common spelling, or None."""
    token = re.sub(r"[^A-Z]", "", text.upper())
    if len(token) < 3 or len(token) > 9:
        return None
    if token in _MONTH_ALIASES:
        return _MONTH_ALIASES[token]
    for month, names in _MONTH_NAMES.items():
        if any(name.startswith(token) for name in names):
            return month
    return None


def quarter_of(text: str) -> int | None:
    """The quarter a header cell names (``TW I``, ``Triwulan 2``, ``TW-III``, ``Q4``) or None."""
    token = re.sub(r"[^0-9A-Z]", "", text.upper())
    match = _QUARTER.match(token)
    if not match:
        return None
    value = match.group(1)
    return _ROMAN.get(value) or int(value)


def role_of(text: str) -> str | None:
    """The column a header label names: a text role, an extra role, or "schedule"."""
    label = normal_label(text)
    if not label:
        return None
    role = _LABEL_ROLE.get(label)
    if role:
        return role
    # "PELAKSANAAN (BULAN)", "JADWAL PELAKSANAAN TAHUN 2024", "BULAN KE"
    if label.split()[0] in _SCHEDULE_WORDS:
        return "schedule"
    # "INDIKATOR KEBERHASILAN (OUTCOME)", "PENANGGUNG JAWAB KEGIATAN"
    for known, known_role in _LABEL_ROLE.items():
        if len(known) > 4 and label.startswith(known + " "):
            return known_role
    return None


def is_header_row(cells: list[str]) -> bool:
    """A table header: at least two of the text columns, one of them a kegiatan-level one."""
    roles = {role_of(c) for c in cells if c.strip() and len(c) < 80}
    text_roles = roles & set(TEXT_ROLES)
    return len(text_roles) >= 2 and bool(text_roles & {"activity", "sub", "indicator"})


def is_numbering_row(cells: list[str]) -> bool:
    """The column-number row under a header: ``(1) (2) (3) …`` or ``1 2 3 …`` from the left."""
    texts = [c.strip() for c in cells if c.strip()]
    if len(texts) < 3:
        return False
    if all(re.fullmatch(r"\(\d{1,2}\)", t) for t in texts):
        return True
    numbers = [int(t) for t in texts if t.isdigit()]
    return (
        len(numbers) == len(texts)
        and numbers == list(range(1, len(numbers) + 1))
        and bool(cells[0].strip())
    )


@dataclass
class ColumnModel:
    """Which cell index holds which column, for one page of the table."""

    header_line: int
    width: int
    roles: dict[int, str] = field(default_factory=dict)  # index → text or extra role
    periods: dict[int, int] = field(default_factory=dict)  # index → month 1-12 or quarter 1-4
    kind: str = "month"  # "month" or "quarter"
    schedule_start: int | None = None  # first cell of the schedule
    labels: dict[int, str] = field(default_factory=dict)  # index → the label as printed
    unknown: dict[int, str] = field(default_factory=dict)  # labels of columns not understood
    guessed_periods: bool = False  # months assumed from the position, no labels found

    def index_of(self, role: str) -> int | None:
        return next((i for i, r in self.roles.items() if r == role), None)

    @property
    def period_count(self) -> int:
        return 4 if self.kind == "quarter" else 12

    @property
    def first_period(self) -> int | None:
        return min(self.periods, default=None)

    @property
    def last_period(self) -> int | None:
        return max(self.periods, default=None)

    def extras_after_schedule(self) -> list[int]:
        last = self.last_period
        if last is None:
            return []
        return sorted(i for i, r in self.roles.items() if i > last and r != "schedule")


def _period_run(cells: list[str], start: int | None) -> tuple[dict[int, int], str] | None:
    """The month or quarter columns named in one header row, if it names at least 4."""
    months = {i: m for i, c in enumerate(cells) if c.strip() and (m := month_of(c))}
    quarters = {i: q for i, c in enumerate(cells) if c.strip() and (q := quarter_of(c))}
    if len(months) >= 6:
        return months, "month"
    if len(quarters) >= 3:
        return quarters, "quarter"
    # Months numbered 1 … 12 (or quarters I … IV) under the schedule heading.
    if start is not None:
        tail = [(i, c.strip()) for i, c in enumerate(cells) if i >= start and c.strip()]
        numbers = [t for _, t in tail]
        if numbers == [str(n) for n in range(1, 13)]:
            return {i: n for n, (i, _) in enumerate(tail, start=1)}, "month"
        if [t.upper() for t in numbers] == ["I", "II", "III", "IV"] or numbers == [
            "1",
            "2",
            "3",
            "4",
        ]:
            return {i: n for n, (i, _) in enumerate(tail, start=1)}, "quarter"
    return None


def build_model(header_rows: list[tuple[int, list[str]]]) -> ColumnModel:
    """Build the column model from a header row and the rows under it (months, numbering).

    ``header_rows`` is ``[(line, cells), …]``: the first is the header row; the others are
    the rows that belong to the header (a month row, a sub-heading row).
    """
    first_line = header_rows[0][0]
    width = max(len(cells) for _, cells in header_rows)
    model = ColumnModel(header_line=first_line, width=width)
    for _, cells in header_rows:
        for index, cell in enumerate(cells):
            text = cell.strip()
            if not text or index in model.periods:
                continue
            role = role_of(text)
            if role == "schedule":
                if model.schedule_start is None or index < model.schedule_start:
                    model.schedule_start = index
                if normal_label(text).startswith(("TRIWULAN", "KUARTAL")):
                    model.kind = "quarter"
                continue
            if role and index not in model.roles and role not in model.roles.values():
                model.roles[index] = role
                model.labels[index] = text
            elif not role and index not in model.roles:
                if month_of(text) or quarter_of(text):
                    continue
                if not re.fullmatch(r"\(?\d{1,2}\)?", text):
                    model.unknown[index] = text
    for _, cells in header_rows:
        run = _period_run(cells, model.schedule_start)
        if run:
            periods, kind = run
            model.periods = {i: p for i, p in periods.items() if i not in model.roles}
            model.kind = kind
            break
    for index in model.periods:
        model.unknown.pop(index, None)
    if model.periods and (
        model.schedule_start is None or model.schedule_start > model.first_period
    ):
        model.schedule_start = model.first_period
    # Columns whose label is not understood keep their text as a note ("SASARAN: …").
    for index, label in model.unknown.items():
        model.roles.setdefault(index, "extra")
        model.labels[index] = label
    return model


def guess_periods(model: ColumnModel) -> None:
    """No month labels: assume the 12 months (or 4 quarters) start at the schedule heading,
    or right after the last text column."""
    start = model.schedule_start
    if start is None:
        text_indexes = [i for i, r in model.roles.items() if r in TEXT_ROLES]
        start = max(text_indexes, default=-1) + 1
    model.schedule_start = start
    count = model.period_count
    model.periods = {start + offset: offset + 1 for offset in range(count)}
    for index in list(model.roles):
        if index in model.periods and model.roles[index] == "extra":
            del model.roles[index]
    model.guessed_periods = True


def same_layout(a: ColumnModel, b: ColumnModel) -> bool:
    return a.roles == b.roles and a.periods == b.periods


# -- marks and schedules in words --------------------------------------------------------

_WORD = re.compile(r"[0-9A-Za-z]{2,}")


def is_mark(cell: str) -> bool:
    """A mark in a schedule cell, recognised by its shape: any short token that is not a word
    or a number (``√ ✓ ✔ ☑ v V x X • ● ■ *``)."""
    text = cell.strip()
    if not text or len(text) > 3:
        return False
    if _WORD.search(text):
        return False
    return not (len(text) > 1 and any(ch.isalnum() for ch in text)) and not text.isdigit()


_RANGE_SEP = r"(?:-|–|—|s\.?\s?d\.?|s/d|sampai(?:\s+dengan)?|hingga|sd)"
_LIST_SEP = r"(?:,|;|&|\bdan\b|/)"
_ALL_YEAR = re.compile(
    r"^(?:setiap|tiap|sepanjang|selama|per)\s+(?:bulan|tahun)(?:\s+berjalan)?$|"
    r"^(?:januari|jan)\s*" + _RANGE_SEP + r"\s*(?:desember|des|dec)$",
    re.IGNORECASE,
)


def schedule_in_words(text: str, kind: str = "month") -> set[int] | None:
    """Read a schedule written in words instead of marks: ``Januari – Maret``,
    ``Jan s.d. Des``, ``Maret, Juni dan September``, ``TW I – TW IV``, ``Setiap bulan``.

    Returns the months (or quarters), or None when the text is not a schedule.
    """
    text = " ".join(text.replace("\n", " ").split()).strip(" .;")
    if not text or len(text) > 80:
        return None
    if _ALL_YEAR.match(text):
        return set(range(1, 13)) if kind == "month" else {1, 2, 3, 4}
    if kind == "quarter" and re.fullmatch(r"(?:setiap|tiap|per)\s+triwulan", text, re.I):
        return {1, 2, 3, 4}
    parse = month_of if kind == "month" else quarter_of
    tokens = re.split(r"\s*(" + _RANGE_SEP + r"|" + _LIST_SEP + r")\s*", text, flags=re.I)
    periods: set[int] = set()
    previous: int | None = None
    pending_range = False
    saw_period = False
    for token in tokens:
        token = token.strip()
        if not token:
            continue
        if re.fullmatch(_RANGE_SEP, token, re.I):
            if previous is None:
                return None
            pending_range = True
            continue
        if re.fullmatch(_LIST_SEP, token, re.I):
            pending_range = False
            continue
        value = parse(token)
        if value is None and kind == "quarter":
            value = _ROMAN.get(token.upper())
        if value is None:
            return None
        saw_period = True
        if pending_range and previous is not None:
            if value < previous:
                return None
            periods.update(range(previous, value + 1))
            pending_range = False
        else:
            periods.add(value)
        previous = value
    if not saw_period or pending_range:
        return None
    return periods
