"""Read the Lampiran table of a decree into areas, activities, sub-activities and indicators.

The reader works on a general model of such tables, not on one document:

* a **column model** read from each page's header (``columns.py``): the text columns NO /
  AREA PERUBAHAN / KEGIATAN / SUB KEGIATAN / INDIKATOR KEBERHASILAN in any spelling and
  order, extra columns (PIC, TARGET, OUTPUT, ANGGARAN, KETERANGAN …) read into fields, and a
  schedule of 12 months or 4 quarters; a page without a header uses the previous page's model;
* **marks** recognised by their shape (or a filled cell), and schedules written in words;
* one **numbering and continuation** model: labels ``1 1. 1) (1) a. a) 1.1 1.1.1``; lists
  inside a cell; area and activity cells blank where they continue; rows continued across a
  page break; an area header repeated to continue an area;
* **copy damage**: text duplicated into neighbour cells, rows shifted left or right, pages
  wider than the schedule, page numbers and running heads inside the table.

Where the reading is a choice the reader takes the most plausible one and records it as a
finding, with the other options when there are any (``Finding.options``); the caller can ask
for another option by the finding's ``choice_key``. It never adds an item the source does not
have and never drops a mark or a text without saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .areas import STANDARD_CHANGE_AREAS
from .columns import (
    EXTRA_ROLES,
    TEXT_ROLES,
    ColumnModel,
    build_model,
    guess_periods,
    is_header_row,
    is_mark,
    is_numbering_row,
    month_of,
    quarter_of,
    role_of,
    same_layout,
    schedule_in_words,
)
from .model import (
    ActivityData,
    AreaData,
    DecreeError,
    Finding,
    IndicatorData,
    Message,
    SubActivityData,
    gettext_noop,
    join_messages,
    message,
)
from .source import Row
from .text import (
    _EMPHASIS,
    _TAG,
    MONTH_NAMES_ID,
    clean,
    label_number,
    last_embedded_number,
    leading_label,
    normalize_cell,
    same_text,
    shorten,
    similar,
    split_letter_list,
    split_numbered_list,
)

COL_NO, COL_AREA, COL_ACTIVITY, COL_SUB, COL_INDICATOR = range(5)
TEXT_COLUMNS = 5
COLUMN_NAMES = {
    COL_NO: "NO",
    COL_AREA: "AREA PERUBAHAN",
    COL_ACTIVITY: "KEGIATAN",
    COL_SUB: "SUB KEGIATAN",
    COL_INDICATOR: "INDIKATOR KEBERHASILAN",
}
# Indonesian phrases, marked for the catalog: findings show them translated.
EXTRA_NAMES = {
    "pic": gettext_noop("penanggung jawab"),
    "target": gettext_noop("target"),
    "output": gettext_noop("output"),
    "budget": gettext_noop("anggaran"),
    "note": gettext_noop("keterangan"),
}
ROLE_COLUMN = {"activity": COL_ACTIVITY, "sub": COL_SUB, "indicator": COL_INDICATOR}
ROLE_NAMES = {
    "activity": gettext_noop("kegiatan"),
    "sub": gettext_noop("sub kegiatan"),
    "indicator": gettext_noop("indikator"),
    "prev_indicator": gettext_noop("indikator sub kegiatan sebelumnya"),
}
ROLE_DEPTH = {"activity": 1, "sub": 2, "indicator": 3, "prev_indicator": 3}
QUARTER_NAMES = ["TW I", "TW II", "TW III", "TW IV"]
MONTH_NAMES = MONTH_NAMES_ID
_AREA_NUMBER = re.compile(r"^\(?(\d{1,2}|[IVX]{1,4})[.)]?$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,3}[-–—\s]*|(?:halaman|hal\.?|page)\s*\d{1,3}(?:\s*(?:dari|/)\s*\d{1,3})?)$",
    re.IGNORECASE,
)
_AREA_HEADING = re.compile(
    r"^(?:area(?:\s+perubahan)?\s*)?(?:\(?(?P<num>\d{1,2}|[IVX]{1,4})[.)]?\s*[:.\-–]?\s+)?"
    r"(?:area(?:\s+perubahan)?\s*[:.\-–]?\s*)?(?P<name>.+)$",
    re.IGNORECASE,
)
MARK = "√"
# Far above any real plan (Bengkayang 2022: 117 table rows); a bound on the work of one read.
MAX_TABLE_ROWS = 20000


def span_text(periods, kind: str = "month") -> str:
    """``[1, 2, 3]`` → ``"Januari–Maret"``; quarters → ``"TW I, TW III"``."""
    periods = sorted(periods)
    if not periods:
        return "-"
    names = QUARTER_NAMES if kind == "quarter" else MONTH_NAMES
    if len(periods) > 2 and periods == list(range(periods[0], periods[-1] + 1)):
        return f"{names[periods[0] - 1]}–{names[periods[-1] - 1]}"
    return ", ".join(names[p - 1] for p in periods)


def _area_number(text: str) -> int | None:
    match = _AREA_NUMBER.match(text.strip())
    if not match:
        return None
    value = match.group(1)
    return int(value) if value.isdigit() else _ROMAN.get(value)


def standard_area_for(name: str) -> int | None:
    """The standard change area a name stands for, when it is close enough to one."""
    key = _area_key(name)
    if not key:
        return None
    best, score = None, 0.0
    for number, standard in STANDARD_CHANGE_AREAS.items():
        value = similar(key, _area_key(standard))
        if value > score:
            best, score = number, value
    return best if score >= 0.8 else None


def _area_key(name: str) -> str:
    name = re.sub(r"\s*/\s*", "/", name.lower()).strip(" ;:.")
    return re.sub(r"^(area\s+(perubahan\s+)?)", "", name)


def _strip_markup(text: str) -> str:
    return _EMPHASIS.sub(r"\1", _TAG.sub("", text))


@dataclass
class Fragment:
    column: int
    text: str
    duplicate_of: list[int] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return label_number(self.text)


@dataclass
class Prepared:
    """One data row, aligned and mapped onto the column model."""

    line: int
    texts: dict[int, str]  # canonical text column → text
    periods: set[int]
    extras: dict[str, str]
    page_start: bool
    stray: list[str] = field(default_factory=list)


class TableParser:
    def __init__(self, choices: dict[str, str] | None = None, source_format: str = "text"):
        self.choices = choices or {}
        self.source_format = source_format
        self.areas: list[AreaData] = []
        self.findings: list[Finding] = []
        self.model: ColumnModel | None = None
        self.kind: str | None = None
        self.page_count = 0
        self.first_row_of_page = False
        self.area: AreaData | None = None
        self.activity: ActivityData | None = None
        self.sub: SubActivityData | None = None
        self.previous_sub: SubActivityData | None = None
        self.previous_row_depth = 0
        self._pending_split: list[SubActivityData] | None = None
        self._later_activities: dict[int, set[int]] = {}
        # The first data row of every page after the first: where a page break can lose rows.
        self.page_start_lines: set[int] = set()
        self._noted_layouts: list[ColumnModel] = []

    # -- findings -----------------------------------------------------------------------
    def note(
        self,
        line: int | None,
        kind: str,
        message: str | Message,
        severity: str = "warning",
        *,
        key: str = "",
        options: tuple[tuple[str, str], ...] = (),
        chosen: str = "",
    ) -> None:
        self.findings.append(
            Finding(line, kind, message, severity, choice_key=key, options=options, chosen=chosen)
        )

    def choose(self, key: str, default: str, allowed) -> str:
        """The option a person picked for this choice, or the reader's default."""
        picked = self.choices.get(key)
        return picked if picked in allowed else default

    @property
    def schedule_kind(self) -> str:
        return self.kind or "month"

    # -- entry point --------------------------------------------------------------------
    def parse(self, rows: list[Row]) -> list[AreaData]:
        if len(rows) > MAX_TABLE_ROWS:
            raise DecreeError(
                f"Tabel Lampiran terlalu besar: {len(rows)} baris, batasnya {MAX_TABLE_ROWS} "
                "baris. Periksa apakah berkas ini benar keputusan rencana aksi satu satker.",
                rows[MAX_TABLE_ROWS].ordinal,
            )
        prepared: list[Prepared | tuple[str, int, str]] = []
        index = 0
        while index < len(rows):
            row = rows[index]
            cells = [normalize_cell(_strip_markup(c)) for c in row.cells]
            for filled in row.filled:
                if filled < len(cells) and not cells[filled]:
                    cells[filled] = MARK
            if is_header_row(cells):
                index = self._read_header(rows, index, cells)
                continue
            index += 1
            item = self._prepare(row, cells)
            if item is not None:
                prepared.append(item)
        if self.model is None:
            raise DecreeError(
                "Tabel Lampiran tidak ditemukan: tidak ada baris judul kolom tabel "
                "(NO, AREA PERUBAHAN, KEGIATAN, SUB KEGIATAN, INDIKATOR KEBERHASILAN, …)."
            )
        self._index_later_activities(prepared)
        for item in prepared:
            if isinstance(item, tuple):
                _, line, name = item
                self._area_heading(line, name)
            else:
                self._read_row(item)
        if not self.areas:
            raise DecreeError(
                "Tabel Lampiran tidak berisi area perubahan: tidak ada baris dengan nomor dan "
                "nama area (mis. '1 | Manajemen Perubahan')."
            )
        return self.areas

    # -- the header of a page -----------------------------------------------------------
    def _read_header(self, rows: list[Row], index: int, cells: list[str]) -> int:
        header_rows = [(rows[index].ordinal, cells)]
        index += 1
        while index < len(rows) and len(header_rows) < 4:
            following = [normalize_cell(c) for c in rows[index].cells]
            if not any(c.strip() for c in following):
                index += 1
                continue
            if is_numbering_row(following) or _is_subheading_row(following):
                header_rows.append((rows[index].ordinal, following))
                index += 1
                continue
            break
        line = header_rows[0][0]
        model = build_model(header_rows)
        if not model.periods:
            previous = self.model
            if (
                previous is not None
                and previous.periods
                and model.schedule_start
                in (
                    None,
                    previous.schedule_start,
                )
            ):
                model.periods = dict(previous.periods)
                model.kind = previous.kind
                model.schedule_start = previous.schedule_start
            else:
                guess_periods(model)
                names = "TW I … TW IV" if model.kind == "quarter" else "JAN … DES"
                self.note(
                    line,
                    "month_header",
                    message(
                        gettext_noop(
                            "Judul kolom jadwal (%(names)s) tidak ada; kolom jadwal dianggap "
                            "mulai dari kolom ke-%(column)s."
                        ),
                        names=names,
                        column=model.schedule_start + 1,
                    ),
                )
        self._check_periods(line, model)
        if self.kind is None:
            self.kind = model.kind
            if model.kind == "quarter":
                self.note(
                    line,
                    "quarterly_schedule",
                    message(
                        gettext_noop(
                            "Jadwal tabel ini per triwulan (TW I–IV), bukan per bulan; rencana "
                            "aksi disimpan dengan jadwal triwulanan."
                        )
                    ),
                    "info",
                )
        elif model.kind != self.kind:
            raise DecreeError(
                "Tabel Lampiran memakai jadwal bulanan dan triwulanan sekaligus; satu rencana "
                "aksi hanya boleh memakai salah satunya.",
                line,
            )
        if not any(same_layout(model, seen) for seen in self._noted_layouts):
            self._note_layout(line, model)
            self._noted_layouts.append(model)
        width = max(len(c) for _, c in header_rows)
        cells_after = width - (model.first_period or 0)
        extra_after = len(model.extras_after_schedule())
        if cells_after - extra_after > model.period_count:
            self.note(
                line,
                "wide_table",
                message(
                    gettext_noop(
                        "Tabel pada %(where)s memiliki %(cells)s sel jadwal untuk %(count)s kolom "
                        "%(columns)s. Tanda dibaca menurut posisi label; tanda di sel tanpa label "
                        "dijelaskan pada temuan per baris."
                    ),
                    where=message(gettext_noop("baris %(line)s"), line=line) if line else line,
                    cells=cells_after - extra_after,
                    count=model.period_count,
                    columns="TW I–IV" if model.kind == "quarter" else "JAN–DES",
                ),
                "info",
            )
        self.model = model
        self.page_count += 1
        self.first_row_of_page = self.page_count > 1
        return index

    def _check_periods(self, line: int, model: ColumnModel) -> None:
        values = [model.periods[i] for i in sorted(model.periods)]
        expected = list(range(1, model.period_count + 1))
        if values != expected:
            missing = sorted(set(expected) - set(values))
            names = (
                QUARTER_NAMES if model.kind == "quarter" else [m[:3].upper() for m in MONTH_NAMES]
            )
            detail = (
                message(
                    gettext_noop("tidak ada kolom %(columns)s"),
                    columns=", ".join(names[m - 1] for m in missing),
                )
                if missing
                else message(gettext_noop("urutannya tidak biasa"))
            )
            self.note(
                line,
                "month_header",
                message(
                    gettext_noop(
                        "Judul kolom jadwal tidak lengkap atau tidak urut (%(detail)s); tanda "
                        "dibaca menurut label kolomnya."
                    ),
                    detail=detail,
                ),
            )

    def _note_layout(self, line: int, model: ColumnModel) -> None:
        extras = [
            (model.labels.get(i, ""), role)
            for i, role in sorted(model.roles.items())
            if role in EXTRA_ROLES or role == "extra"
        ]
        if extras:
            described = join_messages(
                [
                    message(gettext_noop("'%(label)s' → %(name)s"), label=label, name=message(name))
                    if (name := EXTRA_NAMES.get(role))
                    else message(gettext_noop("'%(label)s' → keterangan (%(label)s)"), label=label)
                    for label, role in extras
                ]
            )
            self.note(
                line,
                "extra_columns",
                message(
                    gettext_noop(
                        "Tabel memiliki kolom tambahan: %(columns)s; isinya disimpan pada sub "
                        "kegiatan yang bersangkutan."
                    ),
                    columns=described,
                ),
                "info",
            )
        missing = [
            COLUMN_NAMES[i] for i, role in enumerate(TEXT_ROLES) if role not in model.roles.values()
        ]
        if missing and missing != ["NO"]:
            self.note(
                line,
                "missing_column",
                message(
                    gettext_noop("Tabel tidak memiliki kolom %(columns)s."),
                    columns=", ".join(missing),
                ),
                "info" if set(missing) <= {"NO", "AREA PERUBAHAN"} else "warning",
            )

    # -- one data row: align it and map it onto the column model ------------------------
    def _prepare(self, row: Row, cells: list[str]):
        line = row.ordinal
        texts = [c for c in cells if c.strip()]
        if not texts:
            return None
        if self.model is None:
            if len(texts) >= 3 or any(is_mark(c) for c in texts):
                raise DecreeError(
                    "Baris tabel ditemukan sebelum judul kolom tabel Lampiran "
                    "(NO, AREA PERUBAHAN, KEGIATAN, …).",
                    line,
                )
            return None  # heading lines of the Lampiran before its table
        if is_numbering_row(cells) or (_is_subheading_row(cells) and len(texts) >= 4):
            self.note(
                line,
                "page_furniture",
                message(
                    gettext_noop(
                        "Baris judul tabel (nomor kolom atau label jadwal) berulang tanpa baris "
                        "judul kolom; tidak dipakai."
                    )
                ),
                "info",
            )
            return None
        if len(texts) == 1 and not is_mark(texts[0]):
            single = clean(texts[0])
            # A page number or running head stands alone at the row's start (a line of the
            # page, not a cell of the table).
            at_start = bool(cells[0].strip()) or len(row.cells) == 1
            if at_start and _is_page_furniture(single):
                self.note(
                    line,
                    "page_furniture",
                    message(
                        gettext_noop(
                            "Teks '%(text)s' di dalam tabel adalah nomor halaman atau kepala "
                            "halaman; tidak dipakai."
                        ),
                        text=shorten(single),
                    ),
                    "info",
                )
                return None
            heading = _area_heading_name(single)
            only_first = cells[0].strip() and not any(c.strip() for c in cells[1:])
            if heading is not None and only_first and not leading_label(single)[1]:
                return ("area", line, single)
            if heading is not None and only_first and _area_number_and_name(single):
                return ("area", line, single)
        model = self.model
        cells = list(cells)
        # A schedule written in words ("Januari – Maret") instead of marks.
        word_periods: set[int] = set()
        trailing = set(model.extras_after_schedule())
        start = model.first_period if model.first_period is not None else TEXT_COLUMNS
        for index in range(start, len(cells)):
            if index in trailing or not cells[index] or is_mark(cells[index]):
                continue
            periods = schedule_in_words(cells[index], model.kind)
            if periods:
                word_periods |= periods
                self.note(
                    line,
                    "schedule_in_words",
                    message(
                        gettext_noop(
                            "Jadwal ditulis dengan kata-kata '%(text)s', bukan dengan tanda; "
                            "dibaca sebagai %(periods)s."
                        ),
                        text=shorten(clean(cells[index]), 40),
                        periods=span_text(periods, model.kind),
                    ),
                )
                cells[index] = ""
        cells = self._align(line, cells, model, trailing)
        periods = self._read_periods(line, cells, model, trailing) | word_periods
        texts_by_column: dict[int, str] = {}
        extras: dict[str, str] = {}
        for index, role in model.roles.items():
            if index >= len(cells) or not cells[index] or is_mark(cells[index]):
                continue
            if role in TEXT_ROLES:
                texts_by_column[TEXT_ROLES.index(role)] = cells[index]
            elif role in EXTRA_ROLES:
                extras[role] = clean(cells[index])
            else:
                label = model.labels.get(index, "")
                value = clean(cells[index])
                extras["note"] = _join_values(extras.get("note", ""), f"{label}: {value}")
        mapped = set(model.roles)
        stray = [
            cells[i]
            for i in range(len(cells))
            if cells[i] and not is_mark(cells[i]) and i not in mapped
        ]
        page_start, self.first_row_of_page = self.first_row_of_page or row.page_start, False
        return Prepared(line, texts_by_column, periods, extras, page_start, stray)

    def _align(
        self, line: int, cells: list[str], model: ColumnModel, trailing: set[int]
    ) -> list[str]:
        """Undo cells added or lost before the schedule; collapse duplicated text."""
        month_start = model.first_period if model.first_period is not None else TEXT_COLUMNS
        texts = [i for i, c in enumerate(cells) if c and not is_mark(c) and i not in trailing]
        marks = [i for i, c in enumerate(cells) if is_mark(c)]
        # Text after the schedule (an extra column pushed right with the row) is not text in
        # the schedule: only text up to the last schedule column says the row is shifted.
        last_period = model.last_period if model.last_period is not None else len(cells)
        last_text = max((i for i in texts if i <= last_period), default=-1)
        if last_text >= month_start:
            excess = last_text - (month_start - 1)
            removed_duplicates = 0
            index = 0
            while excess and index < len(cells) - 1 and index < last_text:
                left, right = cells[index], cells[index + 1]
                if left and right and not is_mark(left) and same_text(left, right):
                    del cells[index]
                    excess -= 1
                    last_text -= 1
                    removed_duplicates += 1
                    continue
                index += 1
            removed_blanks = 0
            while excess:
                first_text = next(
                    (i for i, c in enumerate(cells) if c and not is_mark(c)), len(cells)
                )
                blank = next((i for i in range(first_text) if not cells[i]), None)
                if blank is None:
                    break
                del cells[blank]
                excess -= 1
                removed_blanks += 1
            if removed_duplicates or removed_blanks:
                parts = []
                if removed_duplicates:
                    parts.append(
                        message(
                            gettext_noop("%(count)s salinan teks yang berulang dihapus"),
                            count=removed_duplicates,
                        )
                    )
                if removed_blanks:
                    parts.append(
                        message(
                            gettext_noop("%(count)s sel kosong di depan dihapus"),
                            count=removed_blanks,
                        )
                    )
                if excess:
                    parts.append(
                        message(gettext_noop("%(count)s sel tetap berlebih"), count=excess)
                    )
                self.note(
                    line,
                    "row_shifted",
                    message(
                        gettext_noop(
                            "Teks baris ini masuk ke kolom jadwal (bergeser ke kanan); "
                            "%(changes)s agar tanda kembali ke kolom jadwalnya."
                        ),
                        changes=join_messages(parts),
                    ),
                )
        elif marks and min(marks) < month_start:
            missing = month_start - min(marks)
            cells = [""] * missing + cells
            self.note(
                line,
                "row_shifted",
                message(
                    gettext_noop(
                        "Tanda jadwal baris ini berada di kolom teks (baris kekurangan %(count)s "
                        "sel); baris digeser %(count)s sel ke kanan agar tanda masuk ke kolom "
                        "jadwal."
                    ),
                    count=missing,
                ),
            )
        return cells

    def _read_periods(
        self, line: int, cells: list[str], model: ColumnModel, trailing: set[int]
    ) -> set[int]:
        count = model.period_count
        first = model.first_period
        if first is None:
            return set()
        found: set[int] = set()
        outside: list[int] = []
        for index, cell in enumerate(cells):
            if not is_mark(cell) or index < first:
                continue
            if index in model.periods:
                found.add(model.periods[index])
            elif index not in trailing:
                outside.append(index - first)
        if not outside:
            return found
        offsets = sorted([i - first for i in model.periods if is_mark(_at(cells, i))] + outside)
        names = "TW IV" if model.kind == "quarter" else "DES"
        if offsets == list(range(len(offsets))) and len(offsets) >= count:
            self.note(
                line,
                "month_overflow",
                message(
                    gettext_noop(
                        "%(marks)s tanda berurutan dari kolom pertama melewati kolom %(names)s "
                        "(tabel lebih lebar dari %(count)s kolom jadwal); dibaca sebagai "
                        "sepanjang tahun."
                    ),
                    marks=len(offsets),
                    names=names,
                    count=count,
                ),
                "info",
            )
            return set(range(1, count + 1))
        cells_text = ", ".join(f"ke-{o + 1}" for o in outside)
        self.note(
            line,
            "month_overflow",
            message(
                gettext_noop(
                    "Tanda di sel jadwal %(cells)s (sesudah kolom %(names)s, tanpa label); "
                    "dibaca sebagai %(period)s."
                ),
                cells=cells_text,
                names=names,
                period="TW IV" if model.kind == "quarter" else message(gettext_noop("Desember")),
            ),
        )
        return found | {count}

    # -- the lookahead of activity numbers ------------------------------------------------
    def _index_later_activities(self, prepared) -> None:
        """For each row, the activity numbers that a later row of the same area prints in the
        KEGIATAN column alone (not duplicated into another cell): those numbers are taken."""
        later: set[int] = set()
        for item in reversed(prepared):
            if isinstance(item, tuple):
                later = set()
                continue
            self._later_activities[item.line] = set(later)
            no = item.texts.get(COL_NO, "")
            if _area_number(no) is not None and COL_AREA in item.texts:
                later = set()  # the rows before belong to another area
                continue
            activity = item.texts.get(COL_ACTIVITY)
            if activity:
                duplicated = any(
                    same_text(activity, text)
                    for column, text in item.texts.items()
                    if column != COL_ACTIVITY
                )
                number = leading_label(activity)[0]
                if number is not None and not duplicated:
                    later.add(number)

    # -- one row ------------------------------------------------------------------------
    def _read_row(self, item: Prepared) -> None:
        self._pending_split = None
        line = item.line
        texts = dict(item.texts)
        months = item.periods
        for extra in item.stray:
            self.note(
                line,
                "stray_text",
                message(
                    gettext_noop(
                        "Teks '%(text)s' berada di luar kolom teks; ditambahkan sebagai indikator."
                    ),
                    text=shorten(clean(extra)),
                ),
            )
            texts[COL_INDICATOR] = f"{texts.get(COL_INDICATOR, '')}\n{extra}".strip()
        if not texts and not months:
            if item.extras and self.sub is not None:
                self._apply_extras(line, self.sub, item.extras)
            return

        # An area header: a number in NO and a name in AREA PERUBAHAN, or a standard name.
        number_cell = clean(texts.get(COL_NO, ""))
        area_number = _area_number(number_cell) if number_cell else None
        if item.page_start:
            self.page_start_lines.add(line)
        if area_number is not None and COL_AREA in texts:
            self._open_area(line, area_number, clean(texts[COL_AREA]), page_start=item.page_start)
            del texts[COL_NO], texts[COL_AREA]
        elif area_number is not None:
            self.note(
                line,
                "area_without_name",
                message(
                    gettext_noop("Nomor area '%(number)s' tanpa nama area."), number=number_cell
                ),
            )
            del texts[COL_NO]
        elif COL_AREA in texts and not number_cell:
            name = clean(texts[COL_AREA])
            standard = standard_area_for(name)
            if self.area is not None and similar(_area_key(name), _area_key(self.area.name)) >= 0.9:
                standard = self.area.number
            if standard is not None:
                self._open_area(line, standard, name, numbered=False, page_start=item.page_start)
                del texts[COL_AREA]

        fragments = self._fragments(texts)
        dirty = any(f.duplicate_of for f in fragments) or any(
            f.column < COL_ACTIVITY for f in fragments
        )
        target: SubActivityData | None
        # At the top of a page each cell may continue its own column: try that before
        # reading two equal texts as one copied cell.
        separate = [Fragment(column, text) for column, text in sorted(texts.items())]
        if item.page_start and (
            self._continues_previous(line, separate)
            or (separate != fragments and self._continues_previous(line, fragments))
        ):
            self._apply_months(line, self.sub, months, "continuation")
            self.previous_row_depth = 3
            target = self.sub
        elif dirty:
            target = self._apply_dirty(line, fragments, months)
        else:
            target = self._apply_clean(line, fragments, months)
        if item.extras:
            self._apply_extras(line, target or self.sub, item.extras)

    def _apply_extras(self, line: int, sub: SubActivityData | None, extras: dict[str, str]):
        if sub is None:
            values = "; ".join(f"{k}: {v}" for k, v in extras.items())
            self.note(
                line,
                "stray_text",
                message(
                    gettext_noop(
                        "Isi kolom tambahan (%(values)s) tanpa sub kegiatan; tidak dipakai."
                    ),
                    values=shorten(values),
                ),
            )
            return
        targets = self._pending_split or [sub]
        for target in targets:
            for role, value in extras.items():
                setattr(target, role, _join_values(getattr(target, role), value))

    def _fragments(self, texts: dict[int, str]) -> list[Fragment]:
        """Texts of a row, left to right; a duplicated text is kept in its rightmost cell."""
        fragments: list[Fragment] = []
        for column in sorted(texts):
            text = texts[column]
            duplicate = next((f for f in fragments if same_text(f.text, text)), None)
            if duplicate is not None:
                duplicate.duplicate_of.append(duplicate.column)
                duplicate.column = column
                duplicate.text = text
                continue
            fragments.append(Fragment(column, text))
        return fragments

    # -- clean rows: each text is in its own column -------------------------------------
    def _apply_clean(
        self, line: int, fragments: list[Fragment], months: set[int]
    ) -> SubActivityData | None:
        opened_sub = False
        depth = 0
        for fragment in fragments:
            if fragment.column == COL_ACTIVITY:
                self._open_activity(line, fragment.text)
                depth = max(depth, 1)
            elif fragment.column == COL_SUB:
                self._open_subs(line, fragment.text)
                opened_sub = True
                depth = max(depth, 2)
            elif fragment.column == COL_INDICATOR:
                if self.sub is None and self.activity is not None:
                    self._implicit_sub(line)
                self._add_indicators(line, fragment.text)
                depth = max(depth, 3)
        if months and self.sub is None and self.activity is not None:
            self._implicit_sub(line)
        self._apply_months(line, self.sub, months, "sub" if opened_sub else "indicator")
        self.previous_row_depth = depth
        return self.sub

    def _implicit_sub(self, line: int) -> None:
        """An activity row with indicators or marks but no sub-activity: the activity is its
        own (single) sub-activity, as decrees print it when the two coincide."""
        activity = self.activity
        sub = SubActivityData(number=None, name=activity.name, line=line)
        activity.sub_activities.append(sub)
        self._set_sub(sub)
        self.note(
            line,
            "implicit_sub_activity",
            message(
                gettext_noop(
                    "Kegiatan '%(name)s' tidak memiliki sub kegiatan, tetapi memiliki indikator "
                    "atau jadwal; dibaca sebagai satu sub kegiatan dengan nama yang sama."
                ),
                name=shorten(activity.name, 50),
            ),
        )

    # -- dirty rows: duplicated or misplaced text, resolved by numbering ----------------
    def _candidates(self, line: int, fragment: Fragment, opened: set[str]) -> list[str]:
        number = fragment.number
        if number is None:
            return []
        candidates = []
        if self.area is not None and number == self._next_activity_number():
            candidates.append("activity")
        next_sub = 1 if "activity" in opened else self._next_sub_number()
        if self.activity is not None and number == next_sub:
            candidates.append("sub")
        next_indicator = 1 if "sub" in opened else self._next_indicator_number(self.sub)
        if self.sub is not None and number == next_indicator:
            candidates.append("indicator")
        if (
            self.sub is not None
            and not self.sub.indicators
            and self.previous_sub is not None
            and number > 1
            and number == self._next_indicator_number(self.previous_sub)
        ):
            candidates.append("prev_indicator")
        if (
            "activity" in candidates
            and len(candidates) == 1
            and fragment.duplicate_of
            and number in self._later_activities.get(line, set())
        ):
            # A later row prints this number alone in KEGIATAN: this is not that activity.
            candidates = []
            if COL_SUB in fragment.duplicate_of or fragment.column == COL_SUB:
                candidates = ["sub"]
        return candidates

    def _choose(
        self, fragment: Fragment, candidates: list[str], last: bool, months: set[int]
    ) -> str:
        if not last and len(candidates) > 1:
            # More text follows in this row, so this one is not the row's indicator.
            candidates = [c for c in candidates if ROLE_DEPTH[c] < 3] or candidates
        if len(candidates) == 1:
            return candidates[0]
        # A row with its own schedule, apart from the current sub-activity's, is a new
        # sub-activity; one that repeats part of that schedule is one of its indicators.
        if "sub" in candidates and months and self.sub is not None:
            if not months & self.sub.months:
                return "sub"
            if "indicator" in candidates:
                return "indicator"
        # Otherwise continue what the previous row was doing, else trust the column, else
        # the deepest level (continuation rows are mostly indicators).
        same_as_before = [c for c in candidates if ROLE_DEPTH[c] == self.previous_row_depth]
        if same_as_before:
            return same_as_before[0]
        by_column = [c for c in candidates if ROLE_COLUMN.get(c) == fragment.column]
        if by_column:
            return by_column[0]
        return max(candidates, key=lambda c: ROLE_DEPTH[c])

    def _apply_dirty(
        self, line: int, fragments: list[Fragment], months: set[int]
    ) -> SubActivityData | None:
        opened: set[str] = set()
        target = None
        depth = 0
        for position, fragment in enumerate(fragments):
            candidates = self._candidates(line, fragment, opened)
            if candidates:
                role = self._choose(
                    fragment, candidates, last=position == len(fragments) - 1, months=months
                )
                how = message(gettext_noop("menurut penomorannya"))
            elif fragment.column >= COL_ACTIVITY:
                role = {COL_ACTIVITY: "activity", COL_SUB: "sub"}.get(fragment.column, "indicator")
                how = message(gettext_noop("menurut kolomnya"))
            else:
                role = "indicator"
                how = message(gettext_noop("karena berada di kolom yang tidak semestinya"))
            options = tuple(
                (r, ROLE_NAMES[r])
                for r in ("activity", "sub", "indicator")
                if r == role
                or r in candidates
                or ROLE_COLUMN.get(r) in fragment.duplicate_of
                or ROLE_COLUMN.get(r) == fragment.column
            )
            if role == "prev_indicator":
                options = (*options, ("prev_indicator", ROLE_NAMES["prev_indicator"]))
            key = f"role:{line}:{position}"
            picked = self.choose(key, role, {value for value, _ in options})
            if picked != role:
                role, how = picked, message(gettext_noop("menurut pilihan pengguna"))
            if role == "activity" and self.area is None:
                role = "indicator" if self.sub else role
            if role == "sub" and self.activity is None and self.area is not None:
                role = "activity"
            if role in ("indicator", "prev_indicator") and self.sub is None:
                if self.activity is None:
                    raise DecreeError(
                        f"Indikator '{shorten(fragment.text)}' muncul sebelum sub kegiatan mana "
                        "pun.",
                        line,
                    )
                self._implicit_sub(line)
            where = COLUMN_NAMES[fragment.column]
            if fragment.duplicate_of:
                copies = ", ".join(COLUMN_NAMES[c] for c in fragment.duplicate_of)
                origin = message(
                    gettext_noop("tertulis juga di kolom %(copies)s dan %(where)s"),
                    copies=copies,
                    where=where,
                )
            else:
                origin = message(gettext_noop("berada di kolom %(where)s"), where=where)
            if role == "activity":
                self._open_activity(line, fragment.text)
                opened.add("activity")
                target = None
                if COL_SUB in fragment.duplicate_of or (
                    fragment.duplicate_of and fragment.column == COL_SUB
                ):
                    # The same text in KEGIATAN and SUB KEGIATAN: an activity whose only
                    # sub-activity has its name.
                    self._open_subs(line, fragment.text, number=None)
                    opened.add("sub")
                    target = self.sub
            elif role == "sub":
                self._open_subs(line, fragment.text)
                opened.add("sub")
                target = self.sub
            elif role == "indicator":
                self._add_indicators(line, fragment.text)
                target = target or self.sub
            else:
                self._add_indicators(line, fragment.text, sub=self.previous_sub)
                target = target or self.previous_sub
            depth = max(depth, ROLE_DEPTH[role])
            suffix = ""
            if role == "prev_indicator" and self.previous_sub:
                suffix = f" '{shorten(self.previous_sub.name, 40)}'"
            self.note(
                line,
                "ambiguous_cell",
                message(
                    gettext_noop(
                        "Teks '%(text)s' %(origin)s; dibaca sebagai %(role)s%(suffix)s %(how)s."
                    ),
                    text=shorten(clean(fragment.text)),
                    origin=origin,
                    role=message(ROLE_NAMES[role]),
                    suffix=suffix,
                    how=how,
                ),
                key=key if len(options) > 1 else "",
                options=options if len(options) > 1 else (),
                chosen=role if len(options) > 1 else "",
            )
        if months and (target or self.sub) is None and self.activity is not None:
            self._implicit_sub(line)
        self._apply_months(
            line, target or self.sub, months, "sub" if "sub" in opened else "indicator"
        )
        self.previous_row_depth = depth
        return target or self.sub

    # -- a row that continues the previous page's last row ------------------------------
    def _continues_previous(self, line: int, fragments: list[Fragment]) -> bool:
        if not fragments or self.sub is None or self.activity is None:
            return False
        for fragment in fragments:
            if fragment.duplicate_of or fragment.column < COL_ACTIVITY:
                return False
            if fragment.column == COL_INDICATOR:
                continue
            previous = self.activity.name if fragment.column == COL_ACTIVITY else self.sub.name
            if not self._is_continuation(fragment.text, previous, fragment.column):
                return False
        if all(f.column == COL_INDICATOR for f in fragments):
            last = self.sub.indicators[-1] if self.sub.indicators else None
            text = clean(fragments[0].text)
            if last is None or leading_label(text)[1] or len(fragments) > 1:
                return False
            if not _continues(last.text, text, False):
                return False
        key = f"continuation:{line}"
        options = (("join", "gabungkan ke baris sebelumnya"), ("new", "baris baru"))
        if self.choose(key, "join", {"join", "new"}) == "new":
            self.note(
                line,
                "page_continuation",
                message(
                    gettext_noop(
                        "Baris di awal halaman ini tampak melanjutkan baris terakhir halaman "
                        "sebelumnya; atas pilihan pengguna dibaca sebagai baris baru."
                    )
                ),
                key=key,
                options=options,
                chosen="new",
            )
            return False
        for fragment in fragments:
            text = clean(fragment.text)
            if fragment.column == COL_ACTIVITY:
                self.activity.name = _join(self.activity.name, text)
                owner = f"kegiatan '{shorten(self.activity.name, 40)}'"
            elif fragment.column == COL_SUB:
                self.sub.name = _join(self.sub.name, text)
                owner = f"sub kegiatan '{shorten(self.sub.name, 40)}'"
            else:
                last = self.sub.indicators[-1] if self.sub.indicators else None
                if (
                    last is not None
                    and not leading_label(text)[1]
                    and _continues(last.text, text, False)
                ):
                    # The head of the text ends the last indicator; a list after it goes on.
                    if last.label.isalpha() and len(last.label) == 1:
                        next_letter = ord(last.label.lower()) - ord("a") + 2
                        lead, items = split_letter_list(fragment.text, next_letter)
                    else:
                        lead, items = split_numbered_list(
                            fragment.text, first=self._next_indicator_number(self.sub)
                        )
                    head = lead if items else text
                    last.text = f"{last.text} {_item_text(head)}".strip()
                    self.sub.indicators.extend(
                        IndicatorData(text=_item_text(body), line=line, label=lbl)
                        for lbl, body in items
                    )
                    owner = message(gettext_noop("indikator terakhir pada halaman sebelumnya"))
                else:
                    self._add_indicators(line, fragment.text)
                    owner = message(gettext_noop("indikator baru dari sub kegiatan yang sama"))
            self.note(
                line,
                "page_continuation",
                message(
                    gettext_noop(
                        "Teks '%(text)s' di awal halaman melanjutkan baris terakhir halaman "
                        "sebelumnya; digabungkan ke %(owner)s."
                    ),
                    text=shorten(text),
                    owner=owner,
                ),
                key=key,
                options=options,
                chosen="join",
            )
        return True

    def _is_continuation(self, text: str, previous: str, column: int) -> bool:
        number, label, _ = leading_label(text)
        expected = (
            self._next_activity_number() if column == COL_ACTIVITY else self._next_sub_number()
        )
        if label and number is None:
            # A lettered item ("d …") continues a lettered list inside the previous text,
            # unless the items themselves are lettered and this is the next one.
            if not self._lettered_siblings(column):
                return True
            # Lettered items: like numbers, a continuation only goes on a list in the text.
            letter = label_number(text)
            embedded = _last_embedded_letter(previous)
            return letter != expected and embedded is not None and letter == embedded + 1
        if number is not None:
            embedded = last_embedded_number(previous)
            return number != expected and embedded is not None and number == embedded + 1
        return _continues(previous, text, self._numbered_siblings(column))

    def _lettered_siblings(self, column: int) -> bool:
        if column == COL_ACTIVITY:
            items = self.area.activities if self.area else []
        else:
            items = self.activity.sub_activities if self.activity else []
        return any(getattr(i, "lettered", False) for i in items)

    def _numbered_siblings(self, column: int) -> bool:
        if column == COL_ACTIVITY:
            items = self.area.activities if self.area else []
        else:
            items = self.activity.sub_activities if self.activity else []
        return any(i.number is not None for i in items)

    # -- building the tree --------------------------------------------------------------
    def _area_heading(self, line: int, text: str) -> None:
        number, name = _area_number_and_name(text) or (None, text)
        standard = standard_area_for(name)
        if number is None:
            number = standard
        if number is None:
            self.note(
                line,
                "stray_text",
                message(
                    gettext_noop("Teks '%(text)s' di dalam tabel tidak dipakai."),
                    text=shorten(text),
                ),
            )
            return
        self._open_area(line, number, name, numbered=False)

    def _open_area(
        self, line: int, number: int, name: str, numbered: bool = True, page_start: bool = True
    ) -> None:
        name = name.rstrip(";").strip()
        if self.area is not None and number == self.area.number and page_start:
            self.note(
                line,
                "area_repeated",
                message(
                    gettext_noop(
                        "Baris area %(number)s '%(name)s' diulang (melanjutkan area pada halaman "
                        "baru); bukan area baru."
                    ),
                    number=number,
                    name=shorten(name, 50),
                ),
                "info",
            )
            return
        self.area = AreaData(number=number, name=name, line=line)
        self.areas.append(self.area)
        self.activity = None
        self._set_sub(None)
        if not numbered:
            self.note(
                line,
                "area_number_inferred",
                message(
                    gettext_noop(
                        "Baris area '%(name)s' tidak bernomor; dibaca sebagai area %(number)s "
                        "'%(standard)s'."
                    ),
                    name=shorten(name, 50),
                    number=number,
                    standard=STANDARD_CHANGE_AREAS.get(number, name),
                ),
                "info",
            )

    def _open_activity(self, line: int, text: str) -> None:
        if self.area is None:
            raise DecreeError(
                f"Kegiatan '{shorten(clean(text))}' muncul sebelum area perubahan mana pun.", line
            )
        number, label, name = leading_label(clean(text))
        self.activity = ActivityData(
            number=label_number(clean(text)), name=_item_text(name), line=line
        )
        self.activity.lettered = number is None and bool(label)
        self.area.activities.append(self.activity)
        self._set_sub(None)

    def _open_subs(self, line: int, text: str, number: int | str | None = "label") -> None:
        if self.activity is None:
            raise DecreeError(
                f"Sub kegiatan '{shorten(clean(text))}' muncul sebelum kegiatan mana pun.", line
            )
        lead, items = split_numbered_list(text)
        if len(items) > 1 and not lead and not self.activity.sub_activities and number == "label":
            key = f"split:{line}"
            split_options = (
                ("split", gettext_noop("pecah menjadi sub kegiatan")),
                ("keep", gettext_noop("satu sub kegiatan")),
            )
            if self.choose(key, "split", {"split", "keep"}) == "keep":
                self.note(
                    line,
                    "list_split",
                    message(
                        gettext_noop(
                            "Kolom SUB KEGIATAN berisi daftar bernomor 1–%(count)s; atas pilihan "
                            "pengguna dibaca sebagai satu sub kegiatan."
                        ),
                        count=len(items),
                    ),
                    key=key,
                    options=split_options,
                    chosen="keep",
                )
            else:
                self.note(
                    line,
                    "list_split",
                    message(
                        gettext_noop(
                            "Kolom SUB KEGIATAN berisi daftar bernomor 1–%(count)s; dipecah "
                            "menjadi %(count)s sub kegiatan dengan jadwal yang sama."
                        ),
                        count=len(items),
                    ),
                    key=key,
                    options=split_options,
                    chosen="split",
                )
                subs = [
                    SubActivityData(
                        # A lettered list ("a. …; b. …") numbers its items by their letter.
                        number=int(label) if label.isdigit() else position,
                        name=_item_text(body),
                        line=line,
                    )
                    for position, (label, body) in enumerate(items, start=1)
                ]
                self.activity.sub_activities.extend(subs)
                self._set_sub(subs[-1])
                self._pending_split = subs
                return
        printed, label, name = leading_label(clean(text))
        lettered = printed is None and bool(label)
        printed = label_number(clean(text))
        if number != "label":
            printed, lettered = number, False
        sub = SubActivityData(number=printed, name=_item_text(name), line=line)
        sub.lettered = lettered
        self.activity.sub_activities.append(sub)
        self._set_sub(sub)
        self._pending_split = None

    def _set_sub(self, sub: SubActivityData | None) -> None:
        if self.sub is not None and sub is not self.sub:
            self.previous_sub = self.sub
        self.sub = sub

    def _add_indicators(self, line: int, text: str, sub: SubActivityData | None = None) -> None:
        target = sub or self.sub
        if target is None:
            raise DecreeError(
                f"Indikator '{shorten(clean(text))}' muncul sebelum sub kegiatan mana pun.", line
            )
        number, label, rest = leading_label(text)
        lead, items = split_numbered_list(text, first=number or 1)
        new: list[IndicatorData] = []
        if items:
            if lead:
                new.append(IndicatorData(text=_item_text(lead), line=line))
            new.extend(
                IndicatorData(text=_item_text(body), line=line, label=lbl) for lbl, body in items
            )
        elif "\n" in text and self.source_format in ("xlsx", "docx"):
            # One indicator per line, as spreadsheets and Word tables write them.
            new.extend(
                IndicatorData(text=_item_text(part), line=line)
                for part in text.split("\n")
                if part.strip()
            )
        else:
            new.append(IndicatorData(text=_item_text(rest), line=line, label=_short_label(label)))
        split = self._pending_split if sub is None else None
        if split:
            self._distribute(line, split, new)
            return
        target.indicators.extend(new)

    def _distribute(
        self, line: int, subs: list[SubActivityData], indicators: list[IndicatorData]
    ) -> None:
        """Give the indicators of a split row to its sub-activities, in order."""
        for index, indicator in enumerate(indicators):
            subs[min(index, len(subs) - 1)].indicators.append(indicator)
        if len(indicators) != len(subs):
            self.note(
                line,
                "list_split",
                message(
                    gettext_noop(
                        "%(indicators)s indikator untuk %(subs)s sub kegiatan hasil pemecahan: "
                        "dibagikan berurutan, sisanya ke sub kegiatan terakhir."
                    ),
                    indicators=len(indicators),
                    subs=len(subs),
                ),
            )

    def _apply_months(
        self, line: int, sub: SubActivityData | None, periods: set[int], source: str
    ) -> None:
        if not periods:
            return
        attribute = "quarters" if self.schedule_kind == "quarter" else "months"
        if source == "sub" and self._pending_split:
            for item in self._pending_split:
                getattr(item, attribute).update(periods)
            return
        if sub is None:
            self.note(
                line,
                "orphan_marks",
                message(
                    gettext_noop("Tanda jadwal (%(periods)s) tanpa sub kegiatan; tidak dipakai."),
                    periods=span_text(periods, self.schedule_kind),
                ),
                "error",
            )
            return
        current = getattr(sub, attribute)
        added = periods - current
        if source != "sub" and current and added:
            self.note(
                line,
                "merged_months",
                message(
                    gettext_noop(
                        "Baris indikator ini punya tanda jadwal sendiri (%(periods)s); "
                        "digabungkan ke jadwal sub kegiatan '%(name)s'."
                    ),
                    periods=span_text(periods, self.schedule_kind),
                    name=shorten(sub.name, 40),
                ),
            )
        current |= periods

    def _next_activity_number(self) -> int:
        return _next_number([a.number for a in self.area.activities] if self.area else [])

    def _next_sub_number(self) -> int:
        return _next_number(
            [s.number for s in self.activity.sub_activities] if self.activity else []
        )

    @staticmethod
    def _next_indicator_number(sub: SubActivityData | None) -> int:
        if sub is None:
            return 1
        labels = [int(i.label) for i in sub.indicators if i.label.isdigit()]
        return (labels[-1] if labels else len(sub.indicators)) + 1


_EMBEDDED_LETTER = re.compile(r"(?:^|(?<=[;:])|(?<=\s))[ \t]*\(?([a-z])[.)]?[ \t]+(?=\S)")


def _last_embedded_letter(text: str) -> int | None:
    """The last lettered item inside a text (``"…: a Foo; b Bar; c Baz"`` → 3)."""
    letters = [ord(m.group(1)) - ord("a") + 1 for m in _EMBEDDED_LETTER.finditer(text)]
    return letters[-1] if letters else None


def _at(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _is_subheading_row(cells: list[str]) -> bool:
    """A second header row: month/quarter labels, or labels of columns, and no item text."""
    texts = [c.strip() for c in cells if c.strip()]
    if not texts:
        return False
    known = 0
    for text in texts:
        if (
            month_of(text)
            or quarter_of(text)
            or role_of(text)
            or text.upper()
            in (
                "I",
                "II",
                "III",
                "IV",
            )
        ) or re.fullmatch(r"\(?\d{1,2}\)?", text):
            known += 1
    return known == len(texts) and (
        len(texts) >= 3 or any(month_of(t) or quarter_of(t) for t in texts)
    )


def _is_page_furniture(text: str) -> bool:
    if _PAGE_NUMBER.match(text):
        return True
    upper = text.upper()
    return upper.startswith(("LAMPIRAN", "SALINAN")) or (
        upper.startswith(("RENCANA AKSI", "KEPUTUSAN")) and "TAHUN" in upper and len(text) < 250
    )


def _area_number_and_name(text: str) -> tuple[int | None, str] | None:
    match = _AREA_HEADING.match(text.strip())
    if not match:
        return None
    name = match.group("name").strip(" :;.")
    number = _area_number(match.group("num")) if match.group("num") else None
    if standard_area_for(name) is None:
        return None
    return number, name


def _area_heading_name(text: str) -> str | None:
    found = _area_number_and_name(text)
    return found[1] if found else None


def _continues(previous: str, text: str, siblings_numbered: bool) -> bool:
    """An unlabelled text at the top of a page continues the previous page's last item when
    that item ends open (``:`` or ``,``), when the text starts in lower case, or when the
    items around it are numbered (a new one would carry its number)."""
    if previous.rstrip().endswith((":", ",")) or text[:1].islower():
        return True
    return siblings_numbered


def _item_text(text: str) -> str:
    return clean(text).rstrip(";").strip()


def _short_label(label: str) -> str:
    return label.split(".")[-1] if label and label[0].isdigit() else label


def _join_values(previous: str, value: str) -> str:
    if not previous:
        return value
    if value in previous.split("; "):
        return previous
    return f"{previous}; {value}"


def _join(previous: str, continuation: str) -> str:
    """Join a text continued on the next page, keeping a list's separator."""
    continuation = continuation.rstrip(";").strip()
    if previous.rstrip().endswith((":", ",")) or not leading_label(continuation)[1]:
        return f"{previous} {continuation}".strip()
    return f"{previous}; {continuation}".strip()


def _next_number(numbers: list[int | None]) -> int:
    last = next((n for n in reversed(numbers) if n is not None), None)
    return (last if last is not None else len(numbers)) + 1
