"""load_units: every KPU unit from the vendored idn-area-data files, with parents and zones."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from renaksi.units.models import TIME_ZONES, Unit
from renaksi.units.services import DATA_DIR, TIME_ZONE_BY_PROVINCE, load_units

pytestmark = pytest.mark.django_db

# The whole load, whatever the database holds: one read of the units, then per level at most
# one bulk insert and one bulk update, inside one transaction (measured: 6 queries for a first
# load on an empty database, 5 for updating 552 units, counting savepoints). Not 553 × N.
QUERY_BUDGET = 10


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_units", *args, stdout=out)
    return out.getvalue()


def run_failing(*args: str) -> str:
    """Run load_units expecting exit status 1; return what it printed on stderr."""
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("load_units", *args, stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    return err.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("code").values_list(
            "pk", "code", "name", "level", "parent__code", "time_zone"
        )
    )


def expected_zone(province_code: str) -> str:
    """Keppres 41/1987 written as ranges, independently of the table in services.py."""
    code = int(province_code)
    if 11 <= code <= 21 or 31 <= code <= 36:
        return "Asia/Jakarta"
    if code in (61, 62):
        return "Asia/Pontianak"
    if 51 <= code <= 53 or 63 <= code <= 65 or 71 <= code <= 76:
        return "Asia/Makassar"
    if code in (81, 82) or 91 <= code <= 96:
        return "Asia/Jayapura"
    raise AssertionError(f"no zone for province {province_code}")


def test_loads_every_unit_with_the_right_parent_and_zone():
    output = run()

    assert output.splitlines() == [
        "Satker dimuat: pusat 1, provinsi 38, kabupaten/kota 514 "
        "(baru 553, diperbarui 0, tetap 0).",
        "Satker di basis data yang tidak ada di data wilayah (dibiarkan): 0.",
    ]
    assert Unit.objects.count() == 553
    ri = Unit.objects.get(level=Unit.Level.PUSAT)
    assert (ri.code, ri.name, ri.parent, ri.time_zone) == (
        "00",
        "KPU Republik Indonesia",
        None,
        "Asia/Jakarta",
    )

    provinces = {u.code: u for u in Unit.objects.filter(level=Unit.Level.PROVINSI)}
    assert len(provinces) == 38
    for code, province in provinces.items():
        assert len(code) == 2 and code.isdigit()
        assert province.parent_id == ri.pk
        assert province.name.startswith("KPU Provinsi ")
        assert province.time_zone == expected_zone(code)

    regencies = Unit.objects.filter(level=Unit.Level.KABUPATEN_KOTA)
    assert regencies.count() == 514
    for regency in regencies:
        assert len(regency.code) == 4 and regency.code.isdigit()
        province = provinces[regency.code[:2]]
        assert regency.parent_id == province.pk
        assert regency.time_zone == province.time_zone
        assert regency.name.startswith(("KPU Kabupaten ", "KPU Kota "))
    assert regencies.filter(name__startswith="KPU Kota ").count() == 98


def test_bengkayang_and_pontianak_are_in_kalimantan_barat_on_pontianak_time():
    run()
    bengkayang = Unit.objects.select_related("parent__parent").get(code="6107")
    assert bengkayang.name == "KPU Kabupaten Bengkayang"
    assert bengkayang.level == Unit.Level.KABUPATEN_KOTA
    assert bengkayang.time_zone == "Asia/Pontianak"
    assert bengkayang.zone_abbreviation == "WIB"
    kalbar = bengkayang.parent
    assert (kalbar.code, kalbar.name, kalbar.time_zone) == (
        "61",
        "KPU Provinsi Kalimantan Barat",
        "Asia/Pontianak",
    )
    assert kalbar.parent.code == "00"
    assert Unit.objects.get(code="6171").name == "KPU Kota Pontianak"


@pytest.mark.parametrize(
    ("code", "name", "province", "zone", "abbreviation"),
    [
        ("7371", "KPU Kota Makassar", "73", "Asia/Makassar", "WITA"),
        ("5171", "KPU Kota Denpasar", "51", "Asia/Makassar", "WITA"),
        ("9171", "KPU Kota Jayapura", "91", "Asia/Jayapura", "WIT"),
        ("8272", "KPU Kota Tidore Kepulauan", "82", "Asia/Jayapura", "WIT"),
        ("3171", "KPU Kota Administrasi Jakarta Pusat", "31", "Asia/Jakarta", "WIB"),
    ],
)
def test_wib_wita_and_wit_examples(code, name, province, zone, abbreviation):
    run()
    unit = Unit.objects.select_related("parent").get(code=code)
    assert (unit.name, unit.parent.code, unit.time_zone) == (name, province, zone)
    assert unit.zone_abbreviation == abbreviation
    assert unit.parent.time_zone == zone


def test_time_zone_table_covers_every_province_once_with_known_zones():
    codes = [
        line.split(",")[0] for line in (DATA_DIR / "provinces.csv").read_text().splitlines()[1:]
    ]
    assert sorted(TIME_ZONE_BY_PROVINCE) == sorted(codes)
    assert set(TIME_ZONE_BY_PROVINCE.values()) == {zone for zone, _ in TIME_ZONES}
    for code, zone in TIME_ZONE_BY_PROVINCE.items():
        assert zone == expected_zone(code)


def test_second_run_changes_nothing():
    run()
    before = snapshot()

    output = run()

    assert "(baru 0, diperbarui 0, tetap 553)" in output
    assert snapshot() == before


def test_service_returns_counts_per_level():
    first = load_units()
    assert first == {
        "pusat": (1, 0, 0),
        "provinsi": (38, 0, 0),
        "kabupaten_kota": (514, 0, 0),
    }
    assert first.not_in_data == []
    assert load_units() == {
        "pusat": (0, 0, 1),
        "provinsi": (0, 0, 38),
        "kabupaten_kota": (0, 0, 514),
    }


def test_agrees_with_seed_demo_in_either_order():
    call_command("seed_demo", stdout=StringIO())
    seeded = {u.code: (u.pk, u.name, u.parent_id, u.time_zone) for u in Unit.objects.all()}
    assert set(seeded) == {"00", "61", "6107"}

    output = run()

    assert "(baru 550, diperbarui 0, tetap 3)" in output
    assert Unit.objects.count() == 553
    for code, values in seeded.items():
        unit = Unit.objects.get(code=code)
        assert (unit.pk, unit.name, unit.parent_id, unit.time_zone) == values

    call_command("seed_demo", stdout=StringIO())
    assert Unit.objects.count() == 553
    assert "(baru 0, diperbarui 0, tetap 553)" in run()


def test_updates_a_unit_that_differs_from_the_data():
    run()
    Unit.objects.filter(code="6107").update(name="KPU Kab. Bengkayang", time_zone="Asia/Jakarta")
    Unit.objects.filter(code="62").update(parent=None, level=Unit.Level.PUSAT)

    output = run()

    assert "(baru 0, diperbarui 2, tetap 551)" in output
    bengkayang = Unit.objects.get(code="6107")
    assert (bengkayang.name, bengkayang.time_zone) == ("KPU Kabupaten Bengkayang", "Asia/Pontianak")
    kalteng = Unit.objects.get(code="62")
    assert (kalteng.level, kalteng.parent.code) == (Unit.Level.PROVINSI, "00")


def test_units_missing_from_the_data_are_left_alone_and_counted():
    run()
    kalbar = Unit.objects.get(code="61")
    extra = Unit.objects.create(
        code="6199", name="KPU Kabupaten Lama", level="kabupaten_kota", parent=kalbar
    )

    output = run()

    assert "yang tidak ada di data wilayah (dibiarkan): 1 (kode 6199)." in output
    assert Unit.objects.get(pk=extra.pk).name == "KPU Kabupaten Lama"
    assert Unit.objects.count() == 554


def test_query_budget(django_assert_max_num_queries):
    with django_assert_max_num_queries(QUERY_BUDGET):
        run()
    Unit.objects.exclude(code="00").update(name="x", time_zone="Asia/Jayapura")
    with django_assert_max_num_queries(QUERY_BUDGET):
        output = run()
    assert "(baru 0, diperbarui 552, tetap 1)" in output
    assert Unit.objects.get(code="6107").name == "KPU Kabupaten Bengkayang"


# Bad data: each case edits a copy of the vendored files.


@pytest.fixture
def data_copy(tmp_path):
    for name in ("provinces.csv", "regencies.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def line_of(path, text: str) -> int:
    return path.read_text(encoding="utf-8").split("\n").index(text) + 1


def edit(path, old: str, new: str) -> int:
    """Replace the one line ``old`` with ``new``; return its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = lines.index(old)
    lines[number] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def drop_column(path, column: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [",".join(v for i, v in enumerate(line.split(",")) if i != column) for line in lines]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def test_missing_column(data_copy):
    drop_column(data_copy / "regencies.csv", 1)
    message = run_failing("--data-dir", str(data_copy))
    assert message.startswith("Galat: regencies.csv baris 1, kolom 'province_code': ")
    assert "tidak ada di baris judul (judul: code,name)" in message
    assert "Tidak ada yang disimpan." in message


def test_duplicate_code(data_copy):
    regencies = data_copy / "regencies.csv"
    first = line_of(regencies, "61.07,61,Kabupaten Bengkayang")
    last = edit(regencies, "96.71,96,Kota Sorong", "61.07,61,Kabupaten Bengkayang")
    message = run_failing("--data-dir", str(data_copy))
    assert message.strip() == (
        f"Galat: regencies.csv baris {last}, kolom 'code': kode '61.07' sudah ada di baris "
        f"{first}. Tidak ada yang disimpan."
    )


def test_duplicate_province(data_copy):
    line = edit(data_copy / "provinces.csv", "62,Kalimantan Tengah", "61,Kalimantan Tengah")
    message = run_failing("--data-dir", str(data_copy))
    assert f"provinces.csv baris {line}, kolom 'code': kode '61' sudah ada" in message


def test_regency_with_unknown_province(data_copy):
    line = edit(data_copy / "regencies.csv", "61.07,61,Kabupaten Bengkayang", "99.07,99,Bengkayang")
    message = run_failing("--data-dir", str(data_copy))
    assert message.strip() == (
        f"Galat: regencies.csv baris {line}, kolom 'province_code': provinsi '99' tidak ada di "
        "provinces.csv. Tidak ada yang disimpan."
    )


def test_non_numeric_code(data_copy):
    line = edit(data_copy / "provinces.csv", "61,Kalimantan Barat", "6A,Kalimantan Barat")
    message = run_failing("--data-dir", str(data_copy))
    assert message.strip() == (
        f"Galat: provinces.csv baris {line}, kolom 'code': kode '6A' tidak sah (harus seperti "
        "'61'). Tidak ada yang disimpan."
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("61.07,61,Kabupaten Bengkayang", "6107,61,Kabupaten Bengkayang", "kode '6107' tidak sah"),
        ("61.07,61,Kabupaten Bengkayang", "62.07,61,Kabupaten Bengkayang", "tidak diawali"),
        ("61.07,61,Kabupaten Bengkayang", "61.07,61,Bengkayang", "kolom 'name': nama 'Bengk"),
        ("61.07,61,Kabupaten Bengkayang", "61.07,61, ", "kolom 'name': nama kosong"),
        ("61.07,61,Kabupaten Bengkayang", "61.07,61", "2 kolom, seharusnya 3"),
    ],
)
def test_other_bad_regency_rows(data_copy, old, new, expected):
    line = edit(data_copy / "regencies.csv", old, new)
    message = run_failing("--data-dir", str(data_copy))
    assert message.startswith(f"Galat: regencies.csv baris {line}")
    assert expected in message


def test_province_without_a_time_zone(data_copy):
    with (data_copy / "provinces.csv").open("a", encoding="utf-8") as f:
        f.write("97,Provinsi Baru\n")
    message = run_failing("--data-dir", str(data_copy))
    assert "provinces.csv baris 40, kolom 'code': provinsi '97' belum ada di tabel zona" in message


def test_missing_file(data_copy):
    (data_copy / "regencies.csv").unlink()
    message = run_failing("--data-dir", str(data_copy))
    assert message.startswith("Galat: regencies.csv: berkas tidak ditemukan")


def test_bad_data_writes_nothing(data_copy):
    call_command("seed_demo", stdout=StringIO())
    before = snapshot()
    # The last row is bad, after every province and every other regency has been read.
    edit(data_copy / "regencies.csv", "96.71,96,Kota Sorong", "96.71,99,Kota Sorong")
    run_failing("--data-dir", str(data_copy))
    assert snapshot() == before


def test_bad_data_on_an_empty_database_writes_nothing(data_copy):
    edit(data_copy / "regencies.csv", "96.71,96,Kota Sorong", "96.71,96,Kota Sorong,extra")
    assert "baris 515: 4 kolom, seharusnya 3" in run_failing("--data-dir", str(data_copy))
    assert not Unit.objects.exists()
