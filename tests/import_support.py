"""Helpers for the importer tests: the Bengkayang units and small decrees built from a tree.

A tree is a list of 8 areas, each ``{"number", "activities": [{"name", "subs": [{"name",
"months", "indicators"}]}]}``; ``decree_bytes(tree)`` writes it as a well-formed decree of
KPU Kabupaten Bengkayang (activities and sub-activities numbered by position).
"""

import copy

from renaksi.plans.models import ChangeArea
from renaksi.plans.reference import STANDARD_CHANGE_AREAS
from renaksi.units.models import Unit

from .decree_samples import decree_text, row

AREA_NAMES = [
    "Manajemen Perubahan",
    "Penguatan Peraturan Perundang-undangan/Deregulasi Kebijakan",
    "Penguatan Organisasi/Kelembagaan",
    "Penataan Tata Laksana",
    "Penguatan Sistem Manajemen SDM ASN",
    "Penguatan Akuntabilitas Kinerja",
    "Penguatan Pengawasan",
    "Peningkatan Kualitas Pelayanan Publik",
]


def make_units() -> Unit:
    """KPU RI, KPU Provinsi Kalimantan Barat and KPU Kabupaten Bengkayang (returned), and the
    8 standard change areas (a data migration loads them, but a transactional test's flush
    removes them)."""
    for number, name in STANDARD_CHANGE_AREAS.items():
        ChangeArea.objects.get_or_create(number=number, defaults={"name": name})
    ri = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    kalbar = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level="provinsi", parent=ri
    )
    return Unit.objects.create(
        code="6107",
        name="KPU Kabupaten Bengkayang",
        level="kabupaten_kota",
        parent=kalbar,
        time_zone="Asia/Pontianak",
    )


_BASE_TREE = [
    {
        "number": n,
        "activities": [
            {
                "name": f"Kegiatan pertama area {n}",
                "subs": [
                    {
                        "name": f"Sub satu area {n}",
                        "months": [1, 2],
                        "indicators": [f"Dokumen satu area {n}", f"Laporan dua area {n}"],
                    },
                    {
                        "name": f"Sub dua area {n}",
                        "months": [3],
                        "indicators": [f"Dokumen tiga area {n}"],
                    },
                ],
            },
            {
                "name": f"Kegiatan kedua area {n}",
                "subs": [
                    {
                        "name": f"Sub tiga area {n}",
                        "months": [4],
                        "indicators": [f"Dokumen empat area {n}"],
                    }
                ],
            },
        ],
    }
    for n in range(1, 9)
]


def base_tree() -> list[dict]:
    """8 areas × 2 activities × (2 + 1) sub-activities, 4 indicators per area: a fresh copy."""
    return copy.deepcopy(_BASE_TREE)


def tree_rows(tree: list[dict]) -> str:
    rows = []
    for area in tree:
        n = area["number"]
        first_in_area = True
        for a_pos, act in enumerate(area["activities"], start=1):
            first_in_act = True
            for s_pos, sub in enumerate(act["subs"], start=1):
                for i_pos, indicator in enumerate(sub["indicators"] or [""]):
                    rows.append(
                        row(
                            str(n) if first_in_area else "",
                            AREA_NAMES[n - 1] if first_in_area else "",
                            f"{a_pos} {act['name']}" if first_in_act else "",
                            f"{s_pos} {sub['name']}" if i_pos == 0 else "",
                            indicator,
                            months=sub["months"] if i_pos == 0 else (),
                        )
                    )
                    first_in_area = first_in_act = False
    return "".join(rows)


def decree_bytes(tree: list[dict] | None = None, **kwargs) -> bytes:
    kwargs.setdefault("unit", "KABUPATEN BENGKAYANG")
    kwargs.setdefault("place", "Bengkayang")
    return decree_text(tree_rows(tree or base_tree()), **kwargs).encode()


def tree_snapshot(plan, *, targets: bool = True) -> list:
    """The saved tree of ``plan`` with every decree field, for comparing two imports
    (``targets=False``: without the indicators' kind and target value)."""
    return [
        (
            area.number,
            area.name,
            area.inferred,
            area.source_line,
            [
                (
                    act.number,
                    act.position,
                    act.name,
                    act.source_line,
                    [
                        (
                            sub.number,
                            sub.position,
                            sub.name,
                            sub.schedule,
                            sub.source_line,
                            [
                                (i.position, i.label, i.text, i.source_line)
                                + ((i.kind, i.target_value) if targets else ())
                                for i in sub.indicators.order_by("position")
                            ],
                        )
                        for sub in act.sub_activities.order_by("position")
                    ],
                )
                for act in area.activities.order_by("position")
            ],
        )
        for area in plan.areas.order_by("number")
    ]


def find(plan, path: str):
    """The saved item at ``path`` (``4``, ``4.1``, ``4.1.2`` or ``4.1.2.3``: positions)."""
    parts = [int(p) for p in path.split(".")]
    item = plan.areas.get(number=parts[0])
    levels = ["activities", "sub_activities", "indicators"]
    for part, related in zip(parts[1:], levels[: len(parts) - 1], strict=True):
        item = getattr(item, related).get(position=part)
    return item
