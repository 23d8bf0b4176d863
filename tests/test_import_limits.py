"""What the importer refuses before writing: implausible years, oversized plans, values
that do not fit their columns (the same on SQLite as on PostgreSQL), NUL characters."""

import pytest
from django.utils import timezone

import renaksi.importer.limits as limits
import renaksi.importer.services as services
from renaksi.audit.models import LogEntry
from renaksi.importer.services import ImportRefused, import_decree, preview_import
from renaksi.lib.decree.model import IndicatorData, SubActivityData
from renaksi.lib.decree.parser import parse_decree
from renaksi.plans.models import ActionPlan, Activity, ImportFinding, Indicator, SubActivity

from .import_support import base_tree, decree_bytes, make_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def unit():
    return make_units()


def nothing_written(media):
    assert ActionPlan.objects.count() == 0
    assert SubActivity.objects.count() == Indicator.objects.count() == 0
    assert ImportFinding.objects.count() == LogEntry.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def refused(unit, data, media, **kwargs) -> str:
    with pytest.raises(ImportRefused) as error:
        import_decree(data, unit=unit, filename="sk.txt", **kwargs)
    nothing_written(media)
    assert preview_import(data, unit=unit).refusal == error.value.message
    return error.value.message


@pytest.fixture
def edit_reading(monkeypatch):
    """Change what the parser returns: for what a reader of another format could produce."""

    def install(change):
        def parse(data, *, choices=None):
            decree = parse_decree(data, choices=choices)
            change(decree)
            return decree

        monkeypatch.setattr(services, "parse_decree", parse)

    return install


# -- years ------------------------------------------------------------------------------------


def test_years_outside_the_plausible_range_are_refused(unit, media):
    last = timezone.localdate().year + 2
    for year in (2014, last + 1, 2099):
        message = refused(unit, decree_bytes(year=year), media)
        assert f"Tahun keputusan {year} tidak masuk akal" in message
        assert f"tahun 2015 sampai {last}" in message


@pytest.mark.parametrize("offset", ["first", "last"])
def test_the_range_ends_are_accepted(unit, offset):
    year = 2015 if offset == "first" else timezone.localdate().year + 2
    assert import_decree(decree_bytes(year=year), unit=unit, filename="sk.txt").plan.year == year


def test_a_decree_without_a_year_is_refused(unit, media, edit_reading):
    edit_reading(lambda decree: setattr(decree.header, "year", None))
    assert "Tahun keputusan tidak terbaca" in refused(unit, decree_bytes(), media)


# -- plan size ----------------------------------------------------------------------------------


def test_an_activity_with_too_many_sub_activities_is_refused(unit, media):
    tree = base_tree()
    tree[1]["activities"][0]["subs"] = [
        {"name": f"Sub ke-{n}", "months": [1], "indicators": [f"Dokumen {n}"]}
        for n in range(1, limits.MAX_SUB_ACTIVITIES_PER_ACTIVITY + 2)
    ]
    message = refused(unit, decree_bytes(tree), media)
    assert message.startswith("Kegiatan 2.1 (baris ")
    assert "memiliki 101 sub kegiatan, batasnya 100" in message


@pytest.mark.parametrize(
    ("limit", "value", "expected"),
    [
        ("MAX_SUB_ACTIVITIES", 23, "24 sub kegiatan, batasnya 23"),
        ("MAX_ACTIVITIES", 15, "16 kegiatan, batasnya 15"),
        ("MAX_INDICATORS", 31, "32 indikator, batasnya 31"),
    ],
)
def test_plan_totals_are_capped(unit, media, monkeypatch, limit, value, expected):
    monkeypatch.setattr(limits, limit, value)
    message = refused(unit, decree_bytes(), media)
    assert message.startswith("Rencana aksi terlalu besar: " + expected)
    monkeypatch.setattr(limits, limit, value + 1)
    assert import_decree(decree_bytes(), unit=unit, filename="sk.txt").status == "created"


def test_per_item_caps_name_the_item(unit, media, monkeypatch):
    monkeypatch.setattr(limits, "MAX_INDICATORS_PER_SUB_ACTIVITY", 1)
    assert "Sub kegiatan 1.1.1 (baris " in refused(unit, decree_bytes(), media)
    monkeypatch.setattr(limits, "MAX_INDICATORS_PER_SUB_ACTIVITY", 50)
    monkeypatch.setattr(limits, "MAX_ACTIVITIES_PER_AREA", 1)
    assert "Area 1 (baris " in refused(unit, decree_bytes(), media)


# -- values against their columns --------------------------------------------------------------


def test_a_text_longer_than_its_column_is_refused_with_where(unit, media):
    place = "Bengkayang " + "x" * 100  # decree_place holds 100 characters
    message = refused(unit, decree_bytes(place=place, closing_place=place), media)
    assert message.startswith("Keputusan: ditetapkan di terlalu panjang (111 karakter")
    assert "batasnya 100" in message


def test_a_long_area_name_names_the_area_and_its_line(unit, media, edit_reading):
    def change(decree):
        decree.areas[2].name = "Penguatan Organisasi " + "sangat panjang " * 20

    edit_reading(change)
    message = refused(unit, decree_bytes(), media)
    line = parse_decree(decree_bytes()).areas[2].line
    assert message.startswith("area 3 'Penguatan Organisasi sangat panjang")
    assert f"(baris {line}): nama (sesuai keputusan) terlalu panjang (321 karakter" in message


def test_extra_column_text_is_checked_too(unit, media, edit_reading):
    def change(decree):
        decree.areas[0].activities[0].sub_activities[0].pic = "Subbag " * 50

    edit_reading(change)
    message = refused(unit, decree_bytes(), media)
    assert "sub kegiatan 1.1.1" in message
    assert "penanggung jawab (sesuai keputusan) terlalu panjang (350 karakter" in message


def test_a_number_outside_its_column_is_refused(unit, media, edit_reading):
    def change(decree):
        decree.areas[4].activities[1].sub_activities[0].number = 40000

    edit_reading(change)
    message = refused(unit, decree_bytes(), media)
    assert "sub kegiatan 5.2.40000" in message
    assert "nomor 40000 di luar rentang 0–32767" in message


def test_an_indicator_label_longer_than_ten_characters(unit, media, edit_reading):
    def change(decree):
        decree.areas[0].activities[0].sub_activities[0].indicators[0].label = "1.2.3.4.5.6"

    edit_reading(change)
    assert "nomor/huruf terlalu panjang (11 karakter, batasnya 10)" in refused(
        unit, decree_bytes(), media
    )


def test_a_schedule_outside_the_year_is_refused(unit, media, edit_reading):
    edit_reading(lambda d: d.areas[0].activities[0].sub_activities[0].months.add(13))
    assert "sub kegiatan 1.1.1 (baris " in refused(unit, decree_bytes(), media)


@pytest.mark.parametrize("where", ["sub", "indicator", "header", "legal_basis", "finding"])
def test_a_nul_character_anywhere_is_refused(unit, media, edit_reading, where):
    def change(decree):
        sub = decree.areas[6].activities[1].sub_activities[0]
        if where == "sub":
            sub.name += "\x00"
        elif where == "indicator":
            sub.indicators.append(IndicatorData("Dokumen\x00rusak", sub.line))
        elif where == "header":
            decree.header.signer_title += "\x00"
        elif where == "legal_basis":
            decree.header.legal_bases[0].text += "\x00"
        else:
            first = decree.findings[0] if decree.findings else None
            assert first is not None
            decree.findings[0] = type(first)(first.line, first.kind, first.message + "\x00")

    edit_reading(change)
    message = refused(unit, decree_bytes(closing_place="Bengkulu"), media)  # with findings
    assert "karakter NUL" in message


def test_values_that_fit_are_written(unit, edit_reading):
    def change(decree):
        subs = decree.areas[0].activities[0].sub_activities
        subs[0].pic = "p" * 300
        subs.append(SubActivityData(3, "n" * 5000, subs[-1].line, months={12}))

    edit_reading(change)
    plan = import_decree(decree_bytes(), unit=unit, filename="sk.txt").plan
    activity = Activity.objects.get(area__plan=plan, area__number=1, position=1)
    assert activity.sub_activities.get(position=1).pic_text == "p" * 300
    assert len(activity.sub_activities.get(position=3).name) == 5000
