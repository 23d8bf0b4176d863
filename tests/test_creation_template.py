"""The shipped plan template (renaksi/plans/data/templates/*.json) and its validation."""

import copy
import json

import pytest

from renaksi.plans.plan_templates import (
    TEMPLATE_DIR,
    TemplateError,
    available_templates,
    load_template,
    parse_template,
    read_template,
)
from renaksi.plans.reference import STANDARD_CHANGE_AREAS

ROAD_MAP = TEMPLATE_DIR / "kpu-road-map.json"


def good() -> dict:
    return {
        "format": 1,
        "key": "test",
        "name": "Templat uji",
        "sources": ["Sumber uji"],
        "areas": [
            {
                "number": 1,
                "source": "Sumber area 1",
                "activities": [
                    {
                        "name": "Kegiatan",
                        "sub_activities": [
                            {
                                "name": "Sub kegiatan",
                                "months": [1, 3],
                                "indicators": [
                                    {"text": "Indikator", "kind": "persentase", "target": 100}
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_every_shipped_template_loads():
    assert "kpu-road-map" in available_templates()
    for key in available_templates():
        template = load_template(key)
        assert template.key == key


def test_the_road_map_template_covers_the_eight_areas_and_says_where_it_comes_from():
    template = load_template("kpu-road-map")
    assert [area.number for area in template.areas] == list(STANDARD_CHANGE_AREAS)
    assert all(area.activities and area.source for area in template.areas)
    assert any("612/ORT.04-Kpt/05/KPU/XII/2020" in source for source in template.sources)
    assert any("Bengkayang Nomor 12 Tahun 2022" in source for source in template.sources)
    counts = template.counts()
    assert counts["activities"] >= 25 and counts["sub_activities"] >= 60
    assert counts["indicators"] >= 140
    # Typical months: most sub-activities have a schedule.
    subs = [s for area in template.areas for a in area.activities for s in a.sub_activities]
    assert sum(1 for s in subs if s.schedule) > len(subs) * 0.9


def test_the_shipped_file_is_valid_json_with_the_keys_it_documents():
    data = json.loads(ROAD_MAP.read_text(encoding="utf-8"))
    assert parse_template(data).name == data["name"]


@pytest.mark.parametrize(
    ("damage", "where", "words"),
    [
        (lambda d: d.update(format=2), "format", "Versi format"),
        (lambda d: d.pop("areas"), "areas", "daftar"),
        (lambda d: d.update(areas=[]), "areas", "tidak berisi area"),
        (lambda d: d.update(extra=1), "", "Kunci tidak dikenal: extra"),
        (lambda d: d["areas"][0].update(number=9), "areas[0].number", "1 sampai 8"),
        (lambda d: d["areas"][0].update(number="1"), "areas[0].number", "1 sampai 8"),
        (lambda d: d["areas"].append(copy.deepcopy(d["areas"][0])), "areas[1].number", "dua kali"),
        (lambda d: d["areas"][0].pop("source"), "areas[0].source", "teks"),
        (
            lambda d: d["areas"][0]["activities"][0].update(name="  "),
            "areas[0].activities[0].name",
            "kosong",
        ),
        (
            lambda d: d["areas"][0]["activities"][0].update(name="x" * 2001),
            "areas[0].activities[0].name",
            "Terlalu panjang",
        ),
        (
            lambda d: d["areas"][0]["activities"][0].update(name="a\x07b"),
            "areas[0].activities[0].name",
            "karakter kendali",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0].update(months=[0]),
            "areas[0].activities[0].sub_activities[0].months",
            "1 sampai 12",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0].update(months=[13]),
            "areas[0].activities[0].sub_activities[0].months",
            "1 sampai 12",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0].update(months=[2, 2]),
            "areas[0].activities[0].sub_activities[0].months",
            "dua kali",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0]["indicators"][0].update(
                kind="persen"
            ),
            "areas[0].activities[0].sub_activities[0].indicators[0].kind",
            "Jenis target",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0]["indicators"][0].update(
                target=101
            ),
            "areas[0].activities[0].sub_activities[0].indicators[0].target",
            "0 dan 100",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0]["indicators"][0].update(
                target="banyak"
            ),
            "areas[0].activities[0].sub_activities[0].indicators[0].target",
            "angka",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0]["indicators"][0].update(
                target=1.234
            ),
            "areas[0].activities[0].sub_activities[0].indicators[0].target",
            "desimal",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0]["indicators"][0].pop(
                "kind"
            ),
            "areas[0].activities[0].sub_activities[0].indicators[0].target",
            "memerlukan jenis",
        ),
        (
            lambda d: d["areas"][0]["activities"][0]["sub_activities"][0]["indicators"][0].update(
                tekst="typo"
            ),
            "areas[0].activities[0].sub_activities[0].indicators[0]",
            "tekst",
        ),
    ],
)
def test_a_broken_template_says_where_and_what(damage, where, words):
    data = good()
    parse_template(copy.deepcopy(data))  # the undamaged one is fine
    damage(data)
    with pytest.raises(TemplateError) as error:
        parse_template(data)
    assert error.value.where == where
    assert words in error.value.message


def test_a_broken_file(tmp_path):
    path = tmp_path / "rusak.json"
    path.write_text('{"format": 1, "areas": [', encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        read_template(path)
    assert "bukan JSON yang sah" in error.value.message and "baris 1" in error.value.where
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TemplateError, match="UTF-8"):
        read_template(path)
    with pytest.raises(TemplateError, match="tidak ada"):
        read_template(tmp_path / "hilang.json")
    with pytest.raises(TemplateError, match="tidak ada"):
        load_template("tidak-ada")
