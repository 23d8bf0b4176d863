"""Parse the Lampiran table of a decree into areas, activities, sub-activities and indicators.

The table is a text copy of a PDF table: rows are tab-separated; area and activity cells are
blank where they continue; numbered lists are flattened into one cell; text is duplicated into
neighbouring cells; the header is repeated after each page break; some pages have more cells
than the 12 month columns; a page break can lose rows. Where the reading is a choice, the
parser takes the most plausible one and records a finding. It never adds an item the source
does not have and never drops a mark or a text without saying so.

Columns: (1) NO, (2) AREA PERUBAHAN, (3) KEGIATAN, (4) SUB KEGIATAN, (5) INDIKATOR
KEBERHASILAN, (6) PELAKSANAAN (BULAN) JAN … DES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import (
    ActivityData,
    AreaData,
    DecreeError,
    Finding,
    IndicatorData,
    SubActivityData,
)
from .source import Row
from .text import (
    MONTH_LABELS,
    clean,
    is_mark,
    last_embedded_number,
    leading_label,
    month_span,
    shorten,
    similar,
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
ROLE_COLUMN = {"activity": COL_ACTIVITY, "sub": COL_SUB, "indicator": COL_INDICATOR}
ROLE_NAMES = {
    "activity": "kegiatan",
    "sub": "sub kegiatan",
    "indicator": "indikator",
    "prev_indicator": "indikator",
}
ROLE_DEPTH = {"activity": 1, "sub": 2, "indicator": 3, "prev_indicator": 3}
DUPLICATE_SIMILARITY = 0.85
_AREA_NUMBER = re.compile(r"^(\d{1,2})\.?$")


@dataclass
class TablePage:
    header_line: int
    width: int
    month_start: int
    month_cells: int  # cells from the first month column to the row's end


@dataclass
class Fragment:
    column: int
    text: str
    duplicate_of: list[int] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return leading_label(self.text)[0]


def is_duplicate(a: str, b: str, near: bool = False) -> bool:
    """The same text twice: equal, or (``near``) the same list number with nearly the same
    words, as when a sub-activity cell repeats its indicator with a word changed."""
    if a == b or similar(a, b) >= 0.99:
        return True
    label_a, label_b = leading_label(a)[1], leading_label(b)[1]
    return near and bool(label_a) and label_a == label_b and similar(a, b) >= DUPLICATE_SIMILARITY


def _is_header_row(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().upper() == "NO" and len(cells) > 2


def _month_row_positions(cells: list[str]) -> dict[int, int]:
    positions = {}
    for index, cell in enumerate(cells):
        month = MONTH_LABELS.get(cell.strip().upper().rstrip("."))
        if month:
            positions[month] = index
    return positions


def _is_column_number_row(cells: list[str]) -> bool:
    texts = [c.strip() for c in cells if c.strip()]
    return bool(texts) and all(re.fullmatch(r"\(\d+\)", t) for t in texts)


class TableParser:
    def __init__(self) -> None:
        self.areas: list[AreaData] = []
        self.findings: list[Finding] = []
        self.page: TablePage | None = None
        self.first_row_of_page = False
        self.page_count = 0
        self.area: AreaData | None = None
        self.activity: ActivityData | None = None
        self.sub: SubActivityData | None = None
        self.previous_sub: SubActivityData | None = None
        self.previous_row_depth = 0
        self._pending_split: list[SubActivityData] | None = None

    # -- findings -----------------------------------------------------------------------
    def note(self, line: int, kind: str, message: str, severity: str = "warning") -> None:
        self.findings.append(Finding(line, kind, message, severity))

    # -- entry point --------------------------------------------------------------------
    def parse(self, rows: list[Row]) -> list[AreaData]:
        lines = [(row.ordinal, "\t".join(row.cells)) for row in rows if len(row.cells) > 1]
        index = 0
        while index < len(lines):
            number, raw = lines[index]
            if "\t" not in raw:
                index += 1
                continue
            cells = raw.split("\t")
            if _is_header_row(cells):
                index = self._read_page_header(lines, index)
                continue
            if self.page is None:
                raise DecreeError(
                    "Baris tabel ditemukan sebelum judul kolom tabel Lampiran "
                    "(NO, AREA PERUBAHAN, KEGIATAN, …).",
                    number,
                )
            self._read_row(number, cells)
            index += 1
        if not self.areas:
            raise DecreeError(
                "Tabel Lampiran tidak ditemukan atau tidak berisi area perubahan: "
                "baris tabel harus dipisahkan tab dan diawali judul kolom 'NO'."
            )
        return self.areas

    def _read_page_header(self, lines: list[tuple[int, str]], index: int) -> int:
        header_line, raw = lines[index]
        width = len(raw.split("\t"))
        month_positions: dict[int, int] = {}
        index += 1
        # The month row and the "(1) (2) …" row follow the header.
        while index < len(lines) and "\t" in lines[index][1]:
            cells = lines[index][1].split("\t")
            positions = _month_row_positions(cells)
            if len(positions) >= 6:
                month_positions = positions
                width = max(width, len(cells))
            elif not _is_column_number_row(cells):
                break
            index += 1
        if len(month_positions) == 12:
            month_start = month_positions[1]
            expected = list(range(month_start, month_start + 12))
            if [month_positions[m] for m in range(1, 13)] != expected:
                self.note(
                    header_line,
                    "month_header",
                    "Label bulan JAN–DES pada judul tabel tidak berurutan; kolom bulan "
                    "dianggap mulai dari kolom ke-6.",
                )
                month_start = TEXT_COLUMNS
        else:
            month_start = TEXT_COLUMNS
            self.note(
                header_line,
                "month_header",
                "Judul kolom bulan (JAN … DES) tidak lengkap; kolom bulan dianggap mulai "
                "dari kolom ke-6.",
            )
        month_cells = max(12, width - month_start)
        self.page = TablePage(header_line, width, month_start, month_cells)
        self.page_count += 1
        self.first_row_of_page = self.page_count > 1
        if month_cells > 12:
            self.note(
                header_line,
                "wide_table",
                f"Tabel pada baris {header_line} memiliki {month_cells} sel bulan untuk 12 "
                "kolom JAN–DES. Tanda √ dibaca menurut posisi label bulan; tanda di sel "
                "tanpa label dijelaskan pada temuan per baris.",
                "info",
            )
        return index

    def _current_page(self) -> TablePage:
        if self.page is None:
            raise DecreeError("Baris tabel ditemukan sebelum judul kolom tabel Lampiran.")
        return self.page

    # -- one row ------------------------------------------------------------------------
    def _align(self, line: int, cells: list[str]) -> list[str]:
        """Undo cells added or lost before the month columns; collapse duplicated text."""
        page = self._current_page()
        cells = [clean(c) for c in cells]
        texts = [i for i, c in enumerate(cells) if c and not is_mark(c)]
        marks = [i for i, c in enumerate(cells) if is_mark(c)]
        last_text = max(texts, default=-1)
        if last_text >= page.month_start:
            excess = last_text - (page.month_start - 1)
            removed_duplicates = 0
            index = 0
            while excess and index < len(cells) - 1 and index < last_text:
                left, right = cells[index], cells[index + 1]
                if left and right and not is_mark(left) and similar(left, right) >= 0.99:
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
            parts = []
            if removed_duplicates:
                parts.append(f"{removed_duplicates} salinan teks yang berulang dihapus")
            if removed_blanks:
                parts.append(f"{removed_blanks} sel kosong di depan dihapus")
            if excess:
                parts.append(f"{excess} sel tetap berlebih")
            self.note(
                line,
                "row_shifted",
                "Teks baris ini masuk ke kolom bulan (bergeser ke kanan); "
                + ", ".join(parts)
                + " agar tanda √ kembali ke kolom bulannya.",
            )
        elif marks and min(marks) < page.month_start:
            missing = page.month_start - min(marks)
            cells = [""] * missing + cells
            self.note(
                line,
                "row_shifted",
                f"Tanda √ baris ini berada di kolom teks (baris kekurangan {missing} sel); "
                f"baris digeser {missing} sel ke kanan agar tanda √ masuk ke kolom bulan.",
            )
        return cells

    def _read_months(self, line: int, cells: list[str]) -> set[int]:
        page = self._current_page()
        offsets = [i - page.month_start for i, c in enumerate(cells) if is_mark(c)]
        offsets = [o for o in offsets if o >= 0]
        if not offsets:
            return set()
        if max(offsets) < 12:
            return {o + 1 for o in offsets}
        if offsets == list(range(len(offsets))) and len(offsets) >= 12:
            self.note(
                line,
                "month_overflow",
                f"{len(offsets)} tanda √ berurutan dari JAN melewati kolom DES (tabel "
                f"{page.month_cells} sel bulan); dibaca sebagai Januari–Desember.",
                "info",
            )
            return set(range(1, 13))
        inside = {o + 1 for o in offsets if o < 12}
        outside = [o + 1 for o in offsets if o >= 12]
        cells_text = ", ".join(f"ke-{o}" for o in outside)
        self.note(
            line,
            "month_overflow",
            f"Tanda √ di sel bulan {cells_text} (sesudah kolom DES, tanpa label bulan); "
            "dibaca sebagai Desember.",
        )
        return inside | {12}

    def _read_row(self, line: int, raw_cells: list[str]) -> None:
        self._pending_split = None
        cells = self._align(line, raw_cells)
        page = self._current_page()
        text_cells = cells[: page.month_start]
        stray = [c for c in text_cells[TEXT_COLUMNS:] if c and not is_mark(c)]
        months = self._read_months(line, cells)
        texts = {i: c for i, c in enumerate(text_cells[:TEXT_COLUMNS]) if c and not is_mark(c)}
        for extra in stray:
            self.note(
                line,
                "stray_text",
                f"Teks '{shorten(extra)}' berada di luar kolom teks; ditambahkan sebagai "
                "indikator.",
            )
            texts[COL_INDICATOR] = f"{texts.get(COL_INDICATOR, '')} {extra}".strip()
        if not texts and not months:
            return
        first_row_of_page, self.first_row_of_page = self.first_row_of_page, False

        # An area header: a bare number in NO and a name in AREA PERUBAHAN.
        number_cell = texts.get(COL_NO, "")
        if number_cell and _AREA_NUMBER.match(number_cell) and COL_AREA in texts:
            self._open_area(line, int(_AREA_NUMBER.match(number_cell).group(1)), texts[COL_AREA])
            del texts[COL_NO], texts[COL_AREA]
        elif number_cell and _AREA_NUMBER.match(number_cell):
            self.note(line, "area_without_name", f"Nomor area '{number_cell}' tanpa nama area.")
            del texts[COL_NO]

        fragments = self._fragments(texts)
        dirty = any(f.duplicate_of for f in fragments) or any(
            f.column < COL_ACTIVITY for f in fragments
        )
        if first_row_of_page and self._continues_previous(line, fragments):
            self._apply_months(line, self.sub, months, "continuation")
            self.previous_row_depth = 3
            return
        if dirty:
            self._apply_dirty(line, fragments, months)
        else:
            self._apply_clean(line, fragments, months)

    def _fragments(self, texts: dict[int, str]) -> list[Fragment]:
        """Texts of a row, left to right; a duplicated text is kept in its rightmost cell."""
        columns = sorted(texts)
        fragments: list[Fragment] = []
        for column in columns:
            text = texts[column]
            duplicate = next(
                (
                    f
                    for f in fragments
                    if is_duplicate(
                        f.text, text, near=(f.column, column) == (COL_SUB, COL_INDICATOR)
                    )
                ),
                None,
            )
            if duplicate is not None:
                duplicate.duplicate_of.append(duplicate.column)
                duplicate.column = column
                duplicate.text = text
                continue
            fragments.append(Fragment(column, text))
        return fragments

    # -- clean rows: each text is in its own column -------------------------------------
    def _apply_clean(self, line: int, fragments: list[Fragment], months: set[int]) -> None:
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
                self._add_indicators(line, fragment.text)
                depth = max(depth, 3)
        self._apply_months(line, self.sub, months, "sub" if opened_sub else "indicator")
        self.previous_row_depth = depth

    # -- dirty rows: duplicated or misplaced text, resolved by numbering ----------------
    def _candidates(self, fragment: Fragment, opened: set[str]) -> list[str]:
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
        return candidates

    def _choose(self, fragment: Fragment, candidates: list[str], last: bool) -> str:
        if not last and len(candidates) > 1:
            # More text follows in this row, so this one is not the row's indicator.
            candidates = [c for c in candidates if ROLE_DEPTH[c] < 3] or candidates
        if len(candidates) == 1:
            return candidates[0]
        # A tie: continue what the previous row was doing, else trust the column, else the
        # deepest level (continuation rows are mostly indicators).
        same_as_before = [c for c in candidates if ROLE_DEPTH[c] == self.previous_row_depth]
        if same_as_before:
            return same_as_before[0]
        by_column = [c for c in candidates if ROLE_COLUMN.get(c) == fragment.column]
        if by_column:
            return by_column[0]
        return max(candidates, key=lambda c: ROLE_DEPTH[c])

    def _apply_dirty(self, line: int, fragments: list[Fragment], months: set[int]) -> None:
        opened: set[str] = set()
        target = None
        depth = 0
        for position, fragment in enumerate(fragments):
            candidates = self._candidates(fragment, opened)
            if candidates:
                role = self._choose(fragment, candidates, last=position == len(fragments) - 1)
                how = "menurut penomorannya"
            elif fragment.column >= COL_ACTIVITY:
                role = {COL_ACTIVITY: "activity", COL_SUB: "sub"}.get(fragment.column, "indicator")
                how = "menurut kolomnya"
            else:
                role = "indicator"
                how = "karena berada di kolom yang tidak semestinya"
            where = COLUMN_NAMES[fragment.column]
            if fragment.duplicate_of:
                copies = ", ".join(COLUMN_NAMES[c] for c in fragment.duplicate_of)
                origin = f"tertulis juga di kolom {copies} dan {where}"
            else:
                origin = f"berada di kolom {where}"
            if role == "activity":
                self._open_activity(line, fragment.text)
                opened.add("activity")
                target = None
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
            if role == "prev_indicator":
                suffix = (
                    f" milik sub kegiatan sebelumnya '{shorten(self.previous_sub.name, 40)}'"
                    if self.previous_sub
                    else ""
                )
            self.note(
                line,
                "ambiguous_cell",
                f"Teks '{shorten(fragment.text)}' {origin}; dibaca sebagai "
                f"{ROLE_NAMES[role]}{suffix} {how}.",
            )
        self._apply_months(
            line, target or self.sub, months, "sub" if "sub" in opened else "indicator"
        )
        self.previous_row_depth = depth

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
            return False
        for fragment in fragments:
            if fragment.column == COL_ACTIVITY:
                self.activity.name = _join(self.activity.name, fragment.text)
                owner = f"kegiatan '{shorten(self.activity.name, 40)}'"
            elif fragment.column == COL_SUB:
                self.sub.name = _join(self.sub.name, fragment.text)
                owner = f"sub kegiatan '{shorten(self.sub.name, 40)}'"
            else:
                last = self.sub.indicators[-1] if self.sub.indicators else None
                if last is not None and fragment.text[:1].islower():
                    last.text = f"{last.text} {fragment.text.rstrip(';').strip()}"
                    owner = "indikator terakhir pada halaman sebelumnya"
                else:
                    self._add_indicators(line, fragment.text)
                    owner = "indikator baru dari sub kegiatan yang sama"
            self.note(
                line,
                "page_continuation",
                f"Teks '{shorten(fragment.text)}' di awal halaman melanjutkan baris terakhir "
                f"halaman sebelumnya; digabungkan ke {owner}.",
            )
        return True

    def _is_continuation(self, text: str, previous: str, column: int) -> bool:
        number, label, _ = leading_label(text)
        if label and number is None:
            return True  # a lettered item ("d …") never starts an activity or sub-activity
        if number is not None:
            expected = (
                self._next_activity_number() if column == COL_ACTIVITY else self._next_sub_number()
            )
            embedded = last_embedded_number(previous)
            return number != expected and embedded is not None and number == embedded + 1
        return previous.rstrip().endswith(":") or text[:1].islower()

    # -- building the tree --------------------------------------------------------------
    def _open_area(self, line: int, number: int, name: str) -> None:
        self.area = AreaData(number=number, name=name.rstrip(";").strip(), line=line)
        self.areas.append(self.area)
        self.activity = None
        self._set_sub(None)

    def _open_activity(self, line: int, text: str) -> None:
        if self.area is None:
            raise DecreeError(
                f"Kegiatan '{shorten(text)}' muncul sebelum area perubahan mana pun.", line
            )
        number, _, name = leading_label(text)
        self.activity = ActivityData(number=number, name=name.rstrip(";").strip(), line=line)
        self.area.activities.append(self.activity)
        self._set_sub(None)

    def _open_subs(self, line: int, text: str) -> None:
        if self.activity is None:
            raise DecreeError(
                f"Sub kegiatan '{shorten(text)}' muncul sebelum kegiatan mana pun.", line
            )
        lead, items = split_numbered_list(text)
        if len(items) > 1 and not lead and not self.activity.sub_activities:
            self.note(
                line,
                "list_split",
                f"Kolom SUB KEGIATAN berisi daftar bernomor 1–{len(items)}; dipecah menjadi "
                f"{len(items)} sub kegiatan dengan jadwal yang sama.",
            )
            subs = [
                SubActivityData(number=int(label), name=body.rstrip(";").strip(), line=line)
                for label, body in items
            ]
        else:
            number, _, name = leading_label(text)
            subs = [SubActivityData(number=number, name=name.rstrip(";").strip(), line=line)]
        self.activity.sub_activities.extend(subs)
        self._set_sub(subs[-1])
        self._pending_split = subs if len(subs) > 1 else None

    def _set_sub(self, sub: SubActivityData | None) -> None:
        if self.sub is not None and sub is not self.sub:
            self.previous_sub = self.sub
        self.sub = sub

    def _add_indicators(self, line: int, text: str, sub: SubActivityData | None = None) -> None:
        target = sub or self.sub
        if target is None:
            raise DecreeError(
                f"Indikator '{shorten(text)}' muncul sebelum sub kegiatan mana pun.", line
            )
        number, label, rest = leading_label(text)
        lead, items = split_numbered_list(text, first=number or 1)
        new: list[IndicatorData] = []
        if items:
            if lead:
                new.append(IndicatorData(text=lead.rstrip(";").strip(), line=line))
            new.extend(
                IndicatorData(text=body.rstrip(";").strip(), line=line, label=lbl)
                for lbl, body in items
            )
        else:
            new.append(IndicatorData(text=rest.rstrip(";").strip(), line=line, label=label))
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
                f"{len(indicators)} indikator untuk {len(subs)} sub kegiatan hasil pemecahan: "
                "dibagikan berurutan, sisanya ke sub kegiatan terakhir.",
            )

    def _apply_months(
        self, line: int, sub: SubActivityData | None, months: set[int], source: str
    ) -> None:
        if not months:
            return
        if source == "sub" and self._pending_split:
            for item in self._pending_split:
                item.months |= months
            return
        if sub is None:
            self.note(
                line,
                "orphan_marks",
                f"Tanda √ ({month_span(months)}) tanpa sub kegiatan; tidak dipakai.",
                "error",
            )
            return
        added = months - sub.months
        if source != "sub" and sub.months and added:
            self.note(
                line,
                "merged_months",
                f"Baris indikator ini punya tanda √ sendiri ({month_span(months)}); "
                f"digabungkan ke jadwal sub kegiatan '{shorten(sub.name, 40)}'.",
            )
        sub.months |= months

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


def _join(previous: str, continuation: str) -> str:
    """Join a text continued on the next page, keeping a list's separator."""
    continuation = continuation.rstrip(";").strip()
    if previous.rstrip().endswith((":", ",")) or not leading_label(continuation)[1]:
        return f"{previous} {continuation}".strip()
    return f"{previous}; {continuation}".strip()


def _next_number(numbers: list[int | None]) -> int:
    last = next((n for n in reversed(numbers) if n is not None), None)
    return (last if last is not None else len(numbers)) + 1
