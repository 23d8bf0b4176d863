"""Load every KPU unit from the vendored idn-area-data files: ``load_units()``.

KPU RI (code ``00``), one KPU Provinsi per province in ``provinces.csv`` and one KPU
Kabupaten/Kota per regency or city in ``regencies.csv`` (``data/idn-area-data/``, see its
README for source and licence). Unit codes are the Kemendagri codes without the dot
(``61`` Kalimantan Barat, ``61.07`` → ``6107`` Bengkayang). Both files are read and checked in
full before anything is written; the write is one transaction of a few bulk queries.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.db import transaction

from renaksi.units.models import Unit

DATA_DIR = Path(__file__).resolve().parent / "data" / "idn-area-data"
PROVINCES_FILE = "provinces.csv"
REGENCIES_FILE = "regencies.csv"

NATIONAL_CODE = "00"
NATIONAL_NAME = "KPU Republik Indonesia"
NATIONAL_TIME_ZONE = "Asia/Jakarta"

# Time zone of each province, by its Kemendagri code (Keppres 41/1987; the later provinces are
# in the zone of the province they were split from). A regency or city takes its province's.
# A province missing here stops the load with an error: add it, do not guess.
PROVINCE_TIME_ZONES: dict[str, tuple[str, ...]] = {
    # WIB: Sumatra and the Riau and Bangka Belitung islands, Java.
    "Asia/Jakarta": (
        *("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"),
        *("31", "32", "33", "34", "35", "36"),
    ),
    # WIB: Kalimantan Barat, Kalimantan Tengah.
    "Asia/Pontianak": ("61", "62"),
    # WITA: Bali and Nusa Tenggara; Kalimantan Selatan, Timur, Utara; Sulawesi.
    "Asia/Makassar": (
        *("51", "52", "53"),
        *("63", "64", "65"),
        *("71", "72", "73", "74", "75", "76"),
    ),
    # WIT: Maluku, Maluku Utara; the Papua provinces.
    "Asia/Jayapura": ("81", "82", "91", "92", "93", "94", "95", "96"),
}
TIME_ZONE_BY_PROVINCE = {
    code: zone for zone, codes in PROVINCE_TIME_ZONES.items() for code in codes
}

_PROVINCE_CODE = re.compile(r"[0-9]{2}")
_REGENCY_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}")
_REGENCY_NAME = re.compile(r"(Kabupaten|Kota) \S.*")
_NAME_MAX = Unit._meta.get_field("name").max_length
PUSAT, PROVINSI, KABUPATEN_KOTA = Unit.Level.PUSAT, Unit.Level.PROVINSI, Unit.Level.KABUPATEN_KOTA


class UnitDataError(Exception):
    """The data files are unusable. ``message`` is in Indonesian and names file, row, field."""

    def __init__(self, filename: str, message: str, line: int | None = None, field: str = ""):
        where = filename
        if line is not None:
            where += f" baris {line}"
        if field:
            where += f", kolom '{field}'"
        self.message = f"{where}: {message}"
        super().__init__(self.message)


class LevelCounts(NamedTuple):
    created: int
    updated: int
    unchanged: int


class LoadResult(dict[str, LevelCounts]):
    """Counts per level (``Unit.Level`` value: pusat, provinsi, kabupaten_kota).

    ``not_in_data`` lists the codes of units in the database that the data does not have;
    they are left alone (plans point at them).
    """

    not_in_data: list[str]

    def total(self) -> LevelCounts:
        return LevelCounts(*(sum(column) for column in zip(*self.values(), strict=True)))


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    level: str
    parent_code: str | None
    time_zone: str


def load_units(data_dir: Path | str | None = None) -> LoadResult:
    """Create or update every unit from the data files in ``data_dir`` (default: vendored).

    Raises ``UnitDataError`` before writing anything if the files are missing or invalid.
    Running it again changes nothing; units not in the data are left as they are.
    """
    levels = read_unit_rows(Path(data_dir) if data_dir is not None else DATA_DIR)
    result = LoadResult()
    with transaction.atomic():
        existing = {unit.code: unit for unit in Unit.objects.select_for_update()}
        pks = {code: unit.pk for code, unit in existing.items()}
        for level, rows in levels.items():
            result[level] = _write_level(rows, existing, pks)
    wanted = {row.code for rows in levels.values() for row in rows}
    result.not_in_data = sorted(code for code in existing if code not in wanted)
    return result


def _write_level(rows: list[_Row], existing: dict[str, Unit], pks: dict[str, int]) -> LevelCounts:
    """One level, after its parents' level: one bulk insert and one bulk update at most.

    The update sets only the columns that differ somewhere in the level: Django builds a CASE
    per column and row, which is where the time of a large update goes.
    """
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    changed: set[str] = set()
    for row in rows:
        values = {
            "name": row.name,
            "level": row.level,
            "parent_id": pks[row.parent_code] if row.parent_code else None,
            "time_zone": row.time_zone,
        }
        unit = existing.get(row.code)
        if unit is None:
            to_create.append(Unit(code=row.code, **values))
            continue
        differ = [field for field, value in values.items() if getattr(unit, field) != value]
        if differ:
            for field in differ:
                setattr(unit, field, values[field])
            to_update.append(unit)
            changed.update(differ)
    if to_create:
        Unit.objects.bulk_create(to_create)
        if any(unit.pk is None for unit in to_create):  # a backend that returns no ids
            created = Unit.objects.filter(code__in=[unit.code for unit in to_create])
            pks.update(created.values_list("code", "pk"))
        else:
            pks.update((unit.code, unit.pk) for unit in to_create)
    if to_update:
        fields = [field.removesuffix("_id") for field in sorted(changed)]
        Unit.objects.bulk_update(to_update, fields)
    return LevelCounts(len(to_create), len(to_update), len(rows) - len(to_create) - len(to_update))


def read_unit_rows(data_dir: Path) -> dict[str, list[_Row]]:
    """Read and check both files; the wanted units by level, parents' level first."""
    provinces: list[_Row] = []
    seen: dict[str, int] = {}  # code -> line, to name both lines of a duplicate
    for line, record in _read_csv(data_dir, PROVINCES_FILE, ("code", "name")):
        code = _check_code(PROVINCES_FILE, line, "code", record["code"], _PROVINCE_CODE, "61")
        _check_new(PROVINCES_FILE, line, code, seen)
        zone = TIME_ZONE_BY_PROVINCE.get(code)
        if zone is None:
            raise UnitDataError(
                PROVINCES_FILE,
                f"provinsi '{code}' belum ada di tabel zona waktu (PROVINCE_TIME_ZONES di "
                "renaksi/units/services.py); tambahkan dulu.",
                line,
                "code",
            )
        name = _check_name(PROVINCES_FILE, line, record["name"], "KPU Provinsi ")
        provinces.append(_Row(code, f"KPU Provinsi {name}", PROVINSI, NATIONAL_CODE, zone))

    zones = {row.code: row.time_zone for row in provinces}
    regencies: list[_Row] = []
    seen = {}
    columns = ("code", "province_code", "name")
    for line, record in _read_csv(data_dir, REGENCIES_FILE, columns):
        dotted = _check_code(REGENCIES_FILE, line, "code", record["code"], _REGENCY_CODE, "61.07")
        _check_new(REGENCIES_FILE, line, dotted, seen)
        province = _check_code(
            REGENCIES_FILE, line, "province_code", record["province_code"], _PROVINCE_CODE, "61"
        )
        if province not in zones:
            raise UnitDataError(
                REGENCIES_FILE,
                f"provinsi '{province}' tidak ada di {PROVINCES_FILE}.",
                line,
                "province_code",
            )
        if not dotted.startswith(f"{province}."):
            raise UnitDataError(
                REGENCIES_FILE,
                f"kode '{dotted}' tidak diawali kode provinsinya '{province}'.",
                line,
                "code",
            )
        name = _check_name(REGENCIES_FILE, line, record["name"], "KPU ")
        if not _REGENCY_NAME.fullmatch(name):
            raise UnitDataError(
                REGENCIES_FILE,
                f"nama '{name}' tidak diawali 'Kabupaten' atau 'Kota'.",
                line,
                "name",
            )
        code = dotted.replace(".", "")
        regencies.append(_Row(code, f"KPU {name}", KABUPATEN_KOTA, province, zones[province]))

    national = _Row(NATIONAL_CODE, NATIONAL_NAME, PUSAT, None, NATIONAL_TIME_ZONE)
    return {PUSAT: [national], PROVINSI: provinces, KABUPATEN_KOTA: regencies}


def _read_csv(data_dir: Path, filename: str, columns: tuple[str, ...]):
    """Yield (line number, {column: value}) for each data row; the header must have ``columns``."""
    path = data_dir / filename
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UnitDataError(filename, f"berkas tidak ditemukan di {data_dir}.") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise UnitDataError(filename, "bukan teks UTF-8.", line) from None
    except OSError as exc:
        raise UnitDataError(filename, f"tidak dapat dibaca ({exc.strerror}).") from None

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = [name.strip() for name in next(reader, [])]
    for column in columns:
        if column not in header:
            found = ",".join(header) or "kosong"
            raise UnitDataError(
                filename, f"kolom tidak ada di baris judul (judul: {found}).", 1, column
            )
    if len(set(header)) != len(header):
        raise UnitDataError(filename, "baris judul memuat kolom yang sama dua kali.", 1)
    index = {column: header.index(column) for column in columns}
    rows = 0
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # a blank line
            if len(values) != len(header):
                raise UnitDataError(
                    filename,
                    f"{len(values)} kolom, seharusnya {len(header)} ({','.join(header)}).",
                    reader.line_num,
                )
            rows += 1
            yield reader.line_num, {column: values[i] for column, i in index.items()}
    except csv.Error as exc:
        raise UnitDataError(filename, f"CSV rusak ({exc}).", reader.line_num) from None
    if rows == 0:
        raise UnitDataError(filename, "tidak ada baris data.")


def _check_code(filename, line, field, value, pattern, example) -> str:
    if not pattern.fullmatch(value):
        raise UnitDataError(
            filename, f"kode '{value}' tidak sah (harus seperti '{example}').", line, field
        )
    if value.startswith(NATIONAL_CODE):
        raise UnitDataError(
            filename, f"kode '{value}' tidak sah: '{NATIONAL_CODE}' adalah KPU RI.", line, field
        )
    return value


def _check_name(filename, line, value, prefix) -> str:
    """The name, stripped; it must fit in Unit.name once ``prefix`` is added."""
    name = value.strip()
    if not name:
        raise UnitDataError(filename, "nama kosong.", line, "name")
    if not name.isprintable():
        raise UnitDataError(filename, "nama memuat baris baru atau karakter kendali.", line, "name")
    if len(prefix) + len(name) > _NAME_MAX:
        raise UnitDataError(
            filename, f"nama terlalu panjang (lebih dari {_NAME_MAX} huruf).", line, "name"
        )
    return name


def _check_new(filename: str, line: int, code: str, seen: dict[str, int]) -> None:
    if code in seen:
        raise UnitDataError(
            filename, f"kode '{code}' sudah ada di baris {seen[code]}.", line, "code"
        )
    seen[code] = line
