"""Plans of any shape, and the ways real decrees of the family vary, for the reader's proof.

``plans()`` is a hypothesis strategy for plans: 1–8 areas with their standard numbers and
names (or names as units write them), 1–5 activities, 1–5 sub-activities, 0–4 indicators,
random months or quarters, the extra fields (PIC, target, output, budget, note) when a plan
uses them, and a header (unit, number, year, Menimbang/Mengingat/Memperhatikan, 1–12
dictums, place, date, signer with or without academic titles, certifier).

``DAMAGES`` holds one damage function per variation of issue 6, item 1. Each takes a
``RenderedDecree`` (body lines + table model) and a ``random.Random`` and changes the
rendering in place. It returns ``None`` when it does not apply to this rendering, else the
list of findings a reader must report (``Expectation``: a finding of one of ``kinds`` at the
line of one of ``rows`` or body ``roles``). A damage never changes the plan a careful human
reads from the text; where a reading is a choice, it says which finding must record it.

Texts are made of the vocabulary of the shared Bengkayang decree: words, acronyms, "/",
parentheses, commas, regulations cited as "Nomor 16 Tahun 2018", percentages, quotes. The
constraints a text keeps so that a human reads every rendering of it one way only are few:

- T1 an item's text never starts with a token that looks like a list label (a number, a
  number followed by "." or ")", a number or letter in parentheses, a lone letter, a roman
  numeral);
- T2 it never consists only of month or quarter names or marks;
- T3 it never ends with ":" ";" or "," (a list or a sentence would go on);
- T4 a bare integer inside it is a regulation's number after "Nomor", a year (4 digits) or
  a percentage, so that no number inside a text can be read as the next list label (this
  is what makes a list without separators readable);
- T5 single spaces, no space before , ; : . and no tab, newline or markup (< > *);
- T6 all texts of a plan differ (two equal texts side by side read as a copy).

Damage-specific preconditions are stated in each damage's docstring.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from hypothesis import strategies as st

from renaksi.lib.decree.areas import STANDARD_CHANGE_AREAS
from renaksi.lib.decree.model import (
    EXTRA_FIELDS,
    ActivityData,
    AreaData,
    DecreeHeader,
    IndicatorData,
    ListItem,
    ParsedDecree,
    SubActivityData,
)
from renaksi.lib.decree.render import (
    ACTIVITY,
    AREA,
    DICTUM_LABELS,
    INDICATOR,
    ITEM_ROLES,
    MONTH,
    MONTH_NAMES,
    NO,
    NUMBERING_STYLES,
    QUARTER,
    SUB,
    BodyLine,
    Cell,
    RenderedDecree,
    RenderOptions,
    TablePage,
    TableRow,
    build_table,
    format_date,
)


def words(text: str) -> list[str]:
    return text.split()


# -- vocabulary ----------------------------------------------------------------------------

ACTIVITY_LEADS = [
    "Penyusunan",
    "Pelaksanaan",
    "Penetapan",
    "Pembangunan",
    "Pengelolaan",
    "Penguatan",
    "Peningkatan",
    "Monitoring",
    "Evaluasi",
    "Pelaporan",
    "Sosialisasi",
    "Internalisasi",
    "Penerapan",
    "Pemanfaatan",
    "Pengisian",
    "Reviu",
    "Pemetaan",
    "Penyelenggaraan",
    "Pembentukan",
    "Pemutakhiran",
    "Identifikasi",
    "Koordinasi",
    "Rapat",
    "Focus Group Discussion (FGD)",
]
INDICATOR_LEADS = [
    "Tersedianya",
    "Terlaksananya",
    "Adanya",
    "Dokumen",
    "Laporan",
    "Persentase",
    "Persentase (%)",
    "Jumlah",
    "Indeks",
    "Seluruh",
    "Data",
    "Meningkatnya",
    "Menurunnya",
    "Terisinya",
    "Dapat diaksesnya",
    "100%",
    "SK",
]
WORDS = words(
    "rencana aksi reformasi birokrasi kegiatan dokumen laporan evaluasi monitoring pegawai "
    "pejabat integritas kinerja pelayanan publik pengaduan masyarakat informasi kearsipan "
    "kepegawaian anggaran tahunan berkala lingkungan organisasi proses bisnis naskah dinas "
    "pengaturan pengendalian intern pemerintah kompetensi jabatan fungsional budaya kerja "
    "dasar perubahan komitmen bersama jajaran tindak lanjut hasil penilaian mandiri aplikasi "
    "terintegrasi pengelola sistem merit kebijakan internal kepuasan layanan survei peta "
    "strategis agen pelanggaran disiplin kode etik penyelenggara pemilu standar operasional "
    "prosedur pedoman sasaran capaian rekomendasi sarana prasarana mekanisme pengadaan "
    "kesekretariatan pelaksanaan penyusunan sosialisasi penetapan pembinaan pengawasan dan di "
    "yang untuk dengan secara melalui terhadap bagi serta atas dari pada"
)
ACRONYMS = words(
    "RB SOP SPIP LHKPN LHKASN ASN PPID JDIH SPBE SAKIP LKE SKP TIK PMPRB WBS KPU SDM Renstra"
)
PHRASES = [
    "unit/satuan kerja",
    "Unit/Satuan Kerja",
    "Barang/Jasa",
    "pengaturan dan/atau penetapan",
    "(SPBE)",
    "(SOP)",
    "(LKE)",
    "sesuai Perpres Nomor 16 Tahun 2018",
    "sesuai UU Nomor 25 Tahun 2009",
    "PermenPANRB Nomor 26 Tahun 2020",
    "Peraturan KPU Nomor 8 Tahun 2019",
    "100%",
    '"Zona Integritas"',
    "'reward and punishment'",
    "e-Lapkin",
    "e-budgeting",
    "nilai-nilai",
    "Perundang-undangan",
    "jenis-jenis",
    "KPU Kab. Sintang",
    "setiap hari Jum'at",
    "monitoring, evaluasi dan pelaporan",
    "baik Anggota, Sekretaris maupun ASN",
    "tepat waktu",
]
TOKENS = WORDS * 3 + ACRONYMS + PHRASES

EXTRA_VALUES = {
    "pic": [
        "Sekretaris",
        "Kasubbag Hukum dan SDM",
        "Kasubbag Keuangan, Umum dan Logistik",
        "Kasubbag Perencanaan, Data dan Informasi",
        "Kasubbag Teknis Penyelenggaraan Pemilu",
        "Tim RB",
        "Ketua dan Anggota",
        "Divisi Hukum dan Pengawasan",
        "Seluruh Pegawai",
    ],
    "target": ["100%", "1 Dokumen", "12 Laporan", "4 Kali", "2 Kegiatan", "1 SK"],
    "output": [
        "Dokumen SK",
        "Laporan Monev",
        "Notulen Rapat",
        "Daftar Hadir",
        "Dokumentasi Kegiatan",
        "SOP yang ditetapkan",
    ],
    "budget": ["Rp 5.000.000", "Rp 12.500.000,00", "DIPA KPU", "Non Anggaran", "Rp 750.000"],
    "note": [
        "Rutin",
        "Dilaporkan ke KPU RI",
        "Koordinasi dengan KPU Provinsi",
        "Berkelanjutan",
        "Sesuai kebutuhan",
        "Bukti dukung diunggah ke aplikasi",
    ],
}

# Names as units write them (the standard names are in areas.py).
AREA_NAME_VARIANTS = {
    2: ["Penguatan Peraturan Perundang-undangan/Deregulasi Kebijakan"],
    3: ["Penguatan Organisasi/Kelembagaan"],
    5: ["Penguatan Sistem Manajemen SDM Aparatur"],
}

# (region as printed, place of signing, commission)
UNITS = [
    ("KABUPATEN SINTANG", "Sintang", "KOMISI PEMILIHAN UMUM"),
    ("KOTA SURABAYA", "Surabaya", "KOMISI PEMILIHAN UMUM"),
    ("PROVINSI MALUKU", "Ambon", "KOMISI PEMILIHAN UMUM"),
    ("KABUPATEN ACEH BESAR", "Kota Jantho", "KOMISI INDEPENDEN PEMILIHAN"),
    ("KABUPATEN MANGGARAI BARAT", "Labuan Bajo", "KOMISI PEMILIHAN UMUM"),
    ("KOTA TERNATE", "Ternate", "KOMISI PEMILIHAN UMUM"),
    ("PROVINSI BALI", "Denpasar", "KOMISI PEMILIHAN UMUM"),
    ("KABUPATEN BENGKAYANG", "Bengkayang", "KOMISI PEMILIHAN UMUM"),
]
OTHER_PLACES = ["Bengkulu", "Pontianak", "Jakarta", "Makassar", "Kupang", "Medan"]
NAMES = [
    "MUSA JAIRANI",
    "BUDI SANTOSO",
    "Siti Aminah",
    "AHMAD SYARIF",
    "Eka Budiawan",
    "YOHANES LATUHARHARY",
    "NI MADE SUARTINI",
    "TEUKU RAFLI",
]
TITLES_BEFORE = ["Dr.", "H.", "Hj.", "Ir.", "Drs.", "Dr. H."]
TITLES_AFTER = ["S.H.", "M.Si.", "S.Sos.", "M.H.", "S.E.", "M.M.", "S.IP.", "S.Kom.", "M.AP."]

CONSIDERATIONS = [
    "bahwa untuk melaksanakan Keputusan Komisi Pemilihan Umum Nomor 314/ORT.07-Kpt/01/KPU/V/2021 "
    "tentang Petunjuk Teknis Pelaksanaan Reformasi Birokrasi di Lingkungan Komisi Pemilihan "
    "Umum, perlu menetapkan rencana aksi;",
    "bahwa Reformasi Birokrasi dilaksanakan secara bertahap dan berkelanjutan melalui rencana "
    "aksi tahunan di setiap satuan kerja;",
    "bahwa untuk melaksanakan Keputusan Komisi Pemilihan Umum Nomor 612/ORT.04-Kpt/05/KPU/XII/2020 "
    "tentang Road Map Reformasi Birokrasi Komisi Pemilihan Umum Tahun 2020-2024, perlu "
    "menyusun kegiatan rencana aksi;",
]
LAST_CONSIDERATION = (
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
    "Keputusan tentang Penetapan Kegiatan Rencana Aksi Reformasi Birokrasi;"
)
LEGAL_BASES = [
    "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara Republik "
    "Indonesia Tahun 2017 Nomor 182, Tambahan Lembaran Negara Republik Indonesia Nomor 6109);",
    "Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design Reformasi Birokrasi 2010-2025;",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 25 Tahun "
    "2020 tentang Road Map Reformasi Birokrasi Tahun 2020-2024;",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 26 Tahun "
    "2020 tentang Pedoman Evaluasi Pelaksanaan Reformasi Birokrasi;",
    "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2019 tentang Tata Kerja Komisi Pemilihan "
    "Umum, Komisi Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum Kabupaten/Kota;",
    "Peraturan Komisi Pemilihan Umum Nomor 14 Tahun 2020 tentang Tugas, Fungsi, Susunan "
    "Organisasi, dan Tata Kerja Sekretariat Jenderal Komisi Pemilihan Umum;",
    "Keputusan Komisi Pemilihan Umum Nomor 612/ORT.04-Kpt/05/KPU/XII/2020 tentang Road Map "
    "Reformasi Birokrasi Komisi Pemilihan Umum Tahun 2020-2024;",
]
NOTES = [
    "Surat Sekretaris Jenderal Komisi Pemilihan Umum Nomor 86/ORT.04-SD/05/SJ/I/2021 tanggal "
    "14 Januari 2021 tentang Pembentukan Tim Reformasi Birokrasi dan Rencana Aksi;",
    "Berita Acara Rapat Pleno Nomor 15/HK.03.1-BA/2023 tentang Penetapan Kegiatan Rencana "
    "Aksi Reformasi Birokrasi;",
    "Hasil evaluasi pelaksanaan Reformasi Birokrasi tahun sebelumnya;",
]
MIDDLE_DICTUMS = [
    "Kegiatan Rencana Aksi sebagaimana dimaksud dalam Diktum KESATU bertujuan antara lain: "
    "1. Menjadi pedoman pelaksanaan Reformasi Birokrasi; 2. Meningkatkan kualitas pelayanan "
    "publik dan akuntabilitas kinerja.",
    "Tim Reformasi Birokrasi melaporkan pelaksanaan Rencana Aksi secara berkala setiap "
    "triwulan kepada Ketua.",
    "Pelaksanaan Rencana Aksi dievaluasi setiap akhir tahun anggaran.",
    "Hal-hal yang belum diatur dalam Keputusan ini akan diatur kemudian.",
    "Seluruh pegawai wajib mendukung pelaksanaan Rencana Aksi sesuai tugas dan fungsinya.",
    "Bukti dukung pelaksanaan kegiatan disimpan secara tertib oleh Sekretariat.",
    "Apabila di kemudian hari terdapat kekeliruan dalam Keputusan ini, akan dilakukan "
    "perbaikan sebagaimana mestinya.",
    "Rencana Aksi dapat disesuaikan dengan kebijakan Komisi Pemilihan Umum.",
    "Koordinator Area Perubahan menyusun laporan capaian setiap triwulan.",
    "Pelaksanaan kegiatan dikoordinasikan dengan Komisi Pemilihan Umum Provinsi.",
]
LAST_DICTUM = "Keputusan ini mulai berlaku pada tanggal ditetapkan."

# -- readability --------------------------------------------------------------------------

_LABEL_LIKE = re.compile(r"^(?:\(?\d+(?:\.\d+)*[.)]?\)?|\(?[A-Za-z][.)]\)?|[A-Za-z]|[IVX]+[.)]?)$")
_PERIOD_WORD = re.compile(
    r"^(?:jan\w*|feb\w*|peb\w*|mar\w*|apr\w*|mei|jun\w*|jul\w*|agt|ags|agu\w*|sep\w*|okt\w*|"
    r"nov\w*|nop\w*|des\w*|tw|triwulan|i|ii|iii|iv|s\.d\.|s/d|-|–|√|v|x)$",
    re.IGNORECASE,
)


def readable(text: str) -> bool:
    """Whether an item's text keeps the constraints T1–T5 of the module docstring."""
    if not text or text != text.strip() or "  " in text:
        return False
    if re.search(r"[\t\n<>*]|\s[,;:.](?:\s|$)", text):  # T5
        return False
    words = text.split()
    if _LABEL_LIKE.match(words[0]):  # T1
        return False
    if all(_PERIOD_WORD.match(w.strip(",;.")) for w in words):  # T2
        return False
    if text.endswith((":", ";", ",")):  # T3
        return False
    for index, word in enumerate(words):  # T4
        bare = word.strip("(),;.")
        if bare.isdigit() and len(bare) != 4 and not (index and words[index - 1] == "Nomor"):
            return False
    return True


# -- plans ---------------------------------------------------------------------------------


SEEDS = st.integers(0, 2**16)


def item_text(seed: int, leads: list[str], used: set[str]) -> str:
    """A text of 3–10 words made from one drawn number, so that plans generate fast
    (hypothesis shrinks the number, and so the text, like any other draw)."""
    rng = random.Random(seed)
    words = [rng.choice(leads), *(rng.choice(TOKENS) for _ in range(rng.randint(2, 9)))]
    stop = "." if rng.random() < 0.15 and not words[-1].endswith(".") else ""
    text = " ".join(words) + stop
    while text in used:  # T6: make it differ from every earlier text
        words.append(rng.choice(WORDS))
        text = " ".join(words) + stop
    assert readable(text), text
    used.add(text)
    return text


# Counts are skewed to small plans (most bugs show there, and they run fast) but reach the
# whole range; hypothesis shrinks a count to the first value.
AREA_COUNTS = st.sampled_from([1, 2, 3, 8, 4, 5, 6, 7])
ACTIVITY_COUNTS = st.sampled_from([1, 2, 1, 3, 2, 4, 5])
SUB_COUNTS = st.sampled_from([1, 2, 1, 3, 2, 4, 5])
INDICATOR_COUNTS = st.sampled_from([0, 1, 2, 1, 3, 2, 4])
EXTRA_CHOICES = st.integers(0, 9)  # 0 (and past the list's end): no value
SCHEDULE_BITS = {MONTH: st.integers(0, 2**12 - 1), QUARTER: st.integers(0, 2**4 - 1)}


@st.composite
def signer_names(draw) -> str:
    name = draw(st.sampled_from(NAMES))
    if draw(st.booleans()):
        before = draw(st.lists(st.sampled_from(TITLES_BEFORE), max_size=1))
        after = draw(st.lists(st.sampled_from(TITLES_AFTER), max_size=2, unique=True))
        name = " ".join([*before, name])
        if after:
            name = ", ".join([name, *after])
    return name


@st.composite
def headers(draw) -> DecreeHeader:
    region, place, commission = draw(st.sampled_from(UNITS))
    year = draw(st.integers(2020, 2026))
    number = str(draw(st.integers(1, 250)))
    unit_name = f"{commission} {region}"
    subject = draw(
        st.sampled_from(
            [
                f"PENETAPAN KEGIATAN RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN {unit_name} "
                f"TAHUN {year}",
                f"RENCANA AKSI REFORMASI BIROKRASI {unit_name} TAHUN {year}",
            ]
        )
    )
    date = draw(st.dates(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    considerations = draw(st.lists(st.sampled_from(CONSIDERATIONS), max_size=2, unique=True))
    considerations.append(LAST_CONSIDERATION)
    legal = draw(st.sets(st.integers(0, len(LEGAL_BASES) - 1), min_size=1))
    notes = draw(st.sets(st.integers(0, len(NOTES) - 1)))
    dictum_count = draw(st.integers(1, len(DICTUM_LABELS)))
    texts = [
        f"Menetapkan Kegiatan Rencana Aksi Reformasi Birokrasi di Lingkungan {unit_name.title()} "
        f"Tahun {year}, sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak "
        "terpisahkan dari Keputusan ini."
    ]
    budget = ""
    if dictum_count >= 3:
        dipa = f"SP DIPA-076.01.2.{draw(st.integers(100000, 999999))}/{year}"
        budget = f"{dipa} tanggal {draw(st.integers(1, 28))} November {year - 1}"
        texts.append(
            "Biaya sebagai akibat dikeluarkannya Keputusan ini dibebankan pada Daftar Isian "
            f"Pelaksanaan Anggaran Komisi Pemilihan Umum Nomor {budget} Tahun Anggaran {year}."
        )
    texts += MIDDLE_DICTUMS[: max(0, dictum_count - len(texts) - 1)]
    if dictum_count > 1:
        texts.append(LAST_DICTUM)
    signer = draw(signer_names())
    header = DecreeHeader(
        institution=unit_name,
        unit_name=unit_name,
        number=number,
        year=year,
        title=f"KEPUTUSAN {unit_name} NOMOR {number} TAHUN {year} TENTANG {subject}",
        subject=subject,
        issuer=f"KETUA {unit_name}",
        considerations=[ListItem("abcdefgh"[i], text, 0) for i, text in enumerate(considerations)],
        legal_bases=[ListItem(str(i), LEGAL_BASES[j], 0) for i, j in enumerate(sorted(legal), 1)],
        notes_considered=[ListItem(str(i), NOTES[j], 0) for i, j in enumerate(sorted(notes), 1)],
        decides=f"KEPUTUSAN {unit_name} TENTANG {subject}.",
        dictums=[ListItem(DICTUM_LABELS[i], text, 0) for i, text in enumerate(texts)],
        budget_reference=budget,
        place=place,
        date=date,
        signer_name=signer,
        signer_title=f"KETUA {unit_name}",
        certifier_name=draw(signer_names()),
        certifier_title=f"SEKRETARIAT {unit_name} Kepala Sub Bagian Hukum dan SDM",
    )
    return header


@st.composite
def plans(draw, schedule: str | None = None, max_areas: int = 8) -> ParsedDecree:
    """A plan a unit could have set by decree (see the module docstring)."""
    schedule = schedule or draw(st.sampled_from([MONTH, MONTH, MONTH, QUARTER]))
    count = min(draw(AREA_COUNTS), max_areas)
    numbers = sorted(draw(st.permutations(range(1, 9)))[:count])
    fields = draw(
        st.one_of(st.just(frozenset()), st.frozensets(st.sampled_from(EXTRA_FIELDS), max_size=3))
    )
    used: set[str] = set()
    areas = []
    for number in numbers:
        standard = STANDARD_CHANGE_AREAS[number]
        name = draw(st.sampled_from([standard, standard, *AREA_NAME_VARIANTS.get(number, [])]))
        used.add(name)
        activities = []
        for x in range(1, draw(ACTIVITY_COUNTS) + 1):
            subs = []
            activity_name = item_text(draw(SEEDS), ACTIVITY_LEADS, used)
            for s in range(1, draw(SUB_COUNTS) + 1):
                sub = SubActivityData(s, item_text(draw(SEEDS), ACTIVITY_LEADS, used), 0)
                sub.indicators = [
                    IndicatorData(item_text(draw(SEEDS), INDICATOR_LEADS, used), 0)
                    for _ in range(draw(INDICATOR_COUNTS))
                ]
                count = 12 if schedule == MONTH else 4
                bits = draw(SCHEDULE_BITS[schedule])
                periods = {p for p in range(1, count + 1) if bits & (1 << (p - 1))}
                if schedule == MONTH:
                    sub.months = set(periods)
                else:
                    sub.quarters = set(periods)
                for name_ in sorted(fields):
                    values = EXTRA_VALUES[name_]
                    choice = draw(EXTRA_CHOICES)
                    setattr(sub, name_, values[choice - 1] if 0 < choice <= len(values) else "")
                subs.append(sub)
            activities.append(ActivityData(x, activity_name, 0, subs))
        areas.append(AreaData(number, name, 0, activities=activities))
    return ParsedDecree(header=draw(headers()), areas=areas, schedule=schedule)


@st.composite
def render_options(draw, plan: ParsedDecree) -> RenderOptions:
    fields = [
        name
        for name in EXTRA_FIELDS
        if any(getattr(s, name) for a in plan.areas for x in a.activities for s in x.sub_activities)
    ]
    return RenderOptions(
        page_rows=draw(st.sampled_from([None, 3, 5, 8, 12, 20])),
        extra_columns=tuple((name, draw(st.sampled_from(["before", "after"]))) for name in fields),
        indicator_layout=draw(st.sampled_from(["cell", "rows"])),
        number_single_indicator=draw(st.booleans()),
        area_number_dot=draw(st.booleans()),
        wrap=draw(st.sampled_from([None, 60, 90])),
    )


# -- what a reading must say -----------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """A finding a reader must report: one of ``kinds``, at the line of one of ``rows``
    (table row ids) or of the body/closing ``roles``. ``area``: an area the reader must
    infer (``inferred`` in its reading)."""

    kinds: tuple[str, ...]
    rows: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()
    area: int | None = None
    what: str = ""


def reading(decree: ParsedDecree) -> dict:
    """What a decree says, without source lines and findings: the thing the reader must give
    back exactly."""
    data = decree.as_dict()
    head = dict(data["decree"])
    for key in ("considerations", "legal_bases", "notes_considered", "dictums"):
        head[key] = [(item["label"], item["text"]) for item in head[key]]

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "line"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {"decree": head, "areas": strip(data["areas"]), "schedule": data["schedule"]}


def differences(expected, got, path: str = "") -> list[str]:
    """Where two readings differ, as short lines (``areas[0].activities[1].name: … != …``)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        out = []
        for key in list(expected) + [k for k in got if k not in expected]:
            out += differences(expected.get(key, "<none>"), got.get(key, "<none>"), f"{path}.{key}")
        return out
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        out = []
        for index, (a, b) in enumerate(zip(expected, got, strict=True)):
            out += differences(a, b, f"{path}[{index}]")
        return out
    if expected == got:
        return []

    def short(value) -> str:
        text = repr(value)
        return text if len(text) < 300 else text[:297] + "..."

    return [f"{path.lstrip('.')}: expected {short(expected)}, read {short(got)}"]


def missing_findings(decree: ParsedDecree, output, expectations: list[Expectation]) -> list[str]:
    """The expectations no finding of the decree meets (kind and line)."""
    missing = []
    for expectation in expectations:
        lines = {output.row_lines[r] for r in expectation.rows}
        lines |= {line for role in expectation.roles for line in output.body_lines.get(role, [])}
        if not any(
            f.kind in expectation.kinds and (not lines or f.line in lines) for f in decree.findings
        ):
            found = sorted({(f.kind, f.line) for f in decree.findings if f.line in lines})
            missing.append(
                f"no finding {' or '.join(expectation.kinds)} at line(s) {sorted(lines)}"
                f" {expectation.what}; findings there: {found}"
            )
    return missing


def expected_reading(plan: ParsedDecree, expectations: list[Expectation]) -> dict:
    expected = reading(plan)
    inferred = {e.area for e in expectations if e.area is not None}
    for area in expected["areas"]:
        area["inferred"] = area["number"] in inferred
    return expected


# -- damage machinery ------------------------------------------------------------------------

Result = list[Expectation] | None


@dataclass
class Damage:
    name: str
    phase: int
    function: Callable[[RenderedDecree, random.Random], Result]
    body: bool = False


DAMAGES: dict[str, Damage] = {}
# Phases: 0 columns, 1 labels and marks, 2 page breaks, 3 page furniture, 4 cell text,
# 5 copies into neighbour cells, 6 body.


def damage(phase: int, body: bool = False):
    def register(function):
        DAMAGES[function.__name__] = Damage(function.__name__, phase, function, body)
        return function

    return register


def apply_damages(
    rendered: RenderedDecree, names, rng: random.Random
) -> tuple[list[str], list[Expectation]]:
    """Apply the named damages in their phase order; returns those that applied and what
    the reader must report."""
    applied: list[str] = []
    expectations: list[Expectation] = []
    order = list(DAMAGES)
    for name in sorted(set(names), key=lambda n: (DAMAGES[n].phase, order.index(n))):
        result = DAMAGES[name].function(rendered, rng)
        if result is not None:
            applied.append(name)
            expectations += result
    return applied, expectations


def _text_cells(rendered: RenderedDecree, row: TableRow) -> list[int]:
    table = rendered.table
    return [i for i in table.indexes(ITEM_ROLES) if i < len(row.cells) and not row.cells[i].empty]


def _raw(rendered: RenderedDecree, row: TableRow, index: int) -> str:
    rendered.table.freeze(row)
    return row.cells[index].raw or ""


def _free_break(page: TablePage) -> bool:
    return "break_used" not in page.tags


BLOCKING_TAGS = {"continuation", "continued", "area_lost", "area_repeated", "duplicated"}

# -- phase 0: columns ------------------------------------------------------------------------


@damage(0)
def extra_columns(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Extra columns (PENANGGUNG JAWAB, PIC, TARGET, OUTPUT, ANGGARAN, KET./KETERANGAN)
    before or after the schedule: the plan's extra fields move, and an unused extra field
    may get an empty column of its own. The table is laid out again."""
    table = rendered.table
    plan = rendered.plan
    used = [c.role for c in table.columns if c.role in EXTRA_FIELDS]
    unused = [name for name in EXTRA_FIELDS if name not in used]
    if unused and rng.random() < 0.5:
        used.append(rng.choice(unused))
    if not used:
        return None
    rng.shuffle(used)
    placement = tuple((name, rng.choice(["before", "after"])) for name in used)
    rendered.table = build_table(plan, replace(table.options, extra_columns=placement))
    return []


# -- phase 1: labels, numbering, marks -------------------------------------------------------

HEADER_SPELLINGS = {
    NO: ["NO", "No", "No.", "NO.", "NOMOR", "Nomor"],
    AREA: ["AREA PERUBAHAN", "Area Perubahan", "AREA"],
    ACTIVITY: ["KEGIATAN", "Kegiatan"],
    SUB: ["SUB KEGIATAN", "SUB-KEGIATAN", "Sub Kegiatan", "Sub-Kegiatan", "SUBKEGIATAN"],
    INDICATOR: ["INDIKATOR KEBERHASILAN", "INDIKATOR", "Indikator Keberhasilan", "Indikator"],
    MONTH: [
        "PELAKSANAAN (BULAN)",
        "PELAKSANAAN",
        "WAKTU PELAKSANAAN",
        "JADWAL PELAKSANAAN",
        "Pelaksanaan (Bulan)",
        "BULAN",
    ],
    QUARTER: ["PELAKSANAAN (TRIWULAN)", "TRIWULAN", "WAKTU PELAKSANAAN", "JADWAL PELAKSANAAN"],
    "pic": ["PENANGGUNG JAWAB", "PENANGGUNGJAWAB", "Penanggung Jawab", "PIC", "PJ"],
    "target": ["TARGET", "Target"],
    "output": ["OUTPUT", "Output", "KELUARAN"],
    "budget": ["ANGGARAN", "Anggaran", "ANGGARAN (Rp)", "BIAYA"],
    "note": ["KETERANGAN", "KET.", "Ket.", "KET"],
}


def _header_rows(page: TablePage, kind: str) -> list[TableRow]:
    return [row for row in page.rows if row.kind == kind]


@damage(1)
def header_spellings(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Header labels in any common spelling (NO/No./NOMOR; SUB KEGIATAN/SUB-KEGIATAN;
    INDIKATOR/INDIKATOR KEBERHASILAN …), the same on every page or page by page; the
    numbering row written (1) (2) …, 1 2 …, or left out."""
    table = rendered.table
    per_page = rng.random() < 0.3
    chosen: dict[str, str] = {}
    numbering = rng.choice(["parens", "digits", "none"])
    for page in table.pages:
        if per_page:
            chosen = {}
        for row in _header_rows(page, "header"):
            for index, cell in enumerate(row.cells):
                column = table.columns[index]
                if not cell.raw:
                    continue
                role = column.role
                chosen.setdefault(role, rng.choice(HEADER_SPELLINGS[role]))
                cell.raw = chosen[role]
        for row in _header_rows(page, "numbering"):
            if numbering == "none":
                page.rows.remove(row)
            elif numbering == "digits":
                for cell in row.cells:
                    cell.raw = (cell.raw or "").strip("()")
    return []


MONTH_VARIANTS = {
    1: (["JAN"], "Januari"),
    2: (["FEB", "PEB"], "Februari"),
    3: (["MAR"], "Maret"),
    4: (["APR"], "April"),
    5: (["MEI"], "Mei"),
    6: (["JUN"], "Juni"),
    7: (["JUL"], "Juli"),
    8: (["AGT", "AGS", "AGU"], "Agustus"),
    9: (["SEP", "SEPT"], "September"),
    10: (["OKT"], "Oktober"),
    11: (["NOV", "NOP"], "November"),
    12: (["DES"], "Desember"),
}


def month_label(month: int, style: str, rng: random.Random) -> str:
    abbreviations, full = MONTH_VARIANTS[month]
    short = rng.choice(abbreviations)
    if style == "upper":
        return short
    if style == "title":
        return short.title()
    if style == "title_dot":
        return short.title() + ("." if len(full) > len(short) else "")
    if style == "full":
        return "Nopember" if month == 11 and short == "NOP" else full
    return full.upper()


@damage(1)
def month_spellings(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Month columns in any common spelling: JAN/Jan/Jan./Januari/JANUARI; AGT/AGS/AGU/
    Agustus; SEP/SEPT/September; NOP/NOV; per document or page by page."""
    table = rendered.table
    if table.schedule != MONTH:
        return None
    styles = ["upper", "title", "title_dot", "full", "full_upper"]
    style = rng.choice(styles)
    per_page = rng.random() < 0.3
    for page in table.pages:
        if per_page:
            style = rng.choice(styles)
        for row in _header_rows(page, "periods"):
            for index in table.schedule_indexes():
                row.cells[index].raw = month_label(table.columns[index].period, style, rng)
    return []


QUARTER_STYLES = ["TW {r}", "TW. {r}", "TW-{r}", "Triwulan {r}", "TRIWULAN {r}", "TW {n}"]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@damage(1)
def quarter_spellings(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Quarterly tables: TW I–IV, TW. I, Triwulan I–IV, TW 1 …"""
    table = rendered.table
    if table.schedule != QUARTER:
        return None
    style = rng.choice(QUARTER_STYLES)
    for page in table.pages:
        for row in _header_rows(page, "periods"):
            for index in table.schedule_indexes():
                period = table.columns[index].period
                row.cells[index].raw = style.format(r=ROMAN[period], n=period)
    return []


MARKS = ["√", "✓", "✔", "☑", "v", "V", "x", "X", "•", "●", "■"]


@damage(1)
def marks(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Marks of any shape (√ ✓ ✔ ☑ v V x X • ● ■): one for the document, or mixed."""
    table = rendered.table
    if rng.random() < 0.7:
        table.options = replace(table.options, mark=rng.choice(MARKS))
        return []
    for row in table.item_rows():
        for cell in row.cells:
            if cell.mark and cell.raw is None:
                cell.raw = rng.choice(MARKS)
    return []


@damage(1)
def numbering_styles(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Item labels written 1 / 1. / 1) / (1) / a. / a) / 1.1 and 1.1.1 (hierarchical)."""
    table = rendered.table
    table.options = replace(table.options, numbering=rng.choice(NUMBERING_STYLES[1:]))
    return []


@damage(1)
def list_separators(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Lists inside a cell without separators (``1 Foo 2 Bar`` instead of ``1 Foo; 2 Bar;``).
    Readable because of T4: no number inside a text can be the next label."""
    table = rendered.table
    table.options = replace(table.options, separator="")
    return []


@damage(1)
def unnumbered_single_items(rendered: RenderedDecree, rng: random.Random) -> Result:
    """An activity alone in its area, or a sub-activity alone in its activity, written
    without a number: the reader numbers it by its position and says so."""
    table = rendered.table
    expectations = []
    for row in table.item_rows():
        area = rendered.plan.areas[row.area]
        if row.activity is None:
            continue
        counts = [(ACTIVITY, len(area.activities))]
        if row.sub is not None:
            counts.append((SUB, len(area.activities[row.activity].sub_activities)))
        for role, count in counts:
            cell = row.cells[table.index(role)]
            if count == 1 and cell.entries and cell.raw is None and rng.random() < 0.7:
                cell.entries[0].number = None
                expectations.append(
                    Expectation(("missing_number",), rows=(row.id,), what=f"{role} unnumbered")
                )
    return expectations or None


def _runs(periods: set[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for period in sorted(periods):
        if runs and runs[-1][1] == period - 1:
            runs[-1] = (runs[-1][0], period)
        else:
            runs.append((period, period))
    return runs


def range_words(first: int, last: int, schedule: str, rng: random.Random) -> str:
    if schedule == QUARTER:
        return rng.choice(
            [f"TW {ROMAN[first]} – TW {ROMAN[last]}", f"Triwulan {ROMAN[first]} s.d. {ROMAN[last]}"]
        )
    full = MONTH_NAMES
    short = [MONTH_VARIANTS[m][0][0].title() for m in range(1, 13)]
    return rng.choice(
        [
            f"{full[first - 1]} – {full[last - 1]}",
            f"{full[first - 1]} - {full[last - 1]}",
            f"{short[first - 1]} s.d. {short[last - 1]}",
            f"{full[first - 1]} s/d {full[last - 1]}",
            f"{full[first - 1]} sampai dengan {full[last - 1]}",
        ]
    )


@damage(1)
def schedule_in_words(rendered: RenderedDecree, rng: random.Random) -> Result:
    """A range written in words instead of marks (``Januari – Maret``, ``Jan s.d. Des``,
    ``TW I – TW IV``) in a cell of the range; the reader reads its months and flags it.
    Only for a run of at least two months or quarters."""
    table = rendered.table
    candidates = []
    for row in table.item_rows():
        marked = [i for i in table.schedule_indexes() if row.cells[i].mark]
        periods = {table.columns[i].period for i in marked}
        runs = [run for run in _runs(periods) if run[1] > run[0]]
        if runs:
            candidates.append((row, runs))
    if not candidates:
        return None
    expectations = []
    for row, runs in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
        first, last = rng.choice(runs)
        indexes = [i for i in table.schedule_indexes() if first <= table.columns[i].period <= last]
        for i in indexes:
            row.cells[i] = Cell()
        row.cells[rng.choice(indexes)] = Cell(raw=range_words(first, last, table.schedule, rng))
        row.tags.add("schedule_words")
        expectations.append(Expectation(("schedule_in_words",), rows=(row.id,)))
    return expectations


# -- phase 2: page breaks --------------------------------------------------------------------


def _item_entry(rendered: RenderedDecree, row: TableRow, role: str):
    cell = row.cells[rendered.table.index(role)]
    return cell.entries[0] if cell.entries else None


@damage(2)
def lost_area_header(rendered: RenderedDecree, rng: random.Random) -> Result:
    """The area cells (NO, AREA PERUBAHAN) of an area's first row lost at a page break.

    Only when a human can tell which area it was: the area has its standard name, the area
    before it in the table is the one numbered just before, the one after (if any) the one
    numbered just after, and its first activity is numbered (the numbering restarts)."""
    table = rendered.table
    plan = rendered.plan
    candidates = []
    for row in table.item_rows():
        if row.opens != AREA or row.area == 0 or row.tags & BLOCKING_TAGS:
            continue
        area = plan.areas[row.area]
        before = plan.areas[row.area - 1].number
        after = plan.areas[row.area + 1].number if row.area + 1 < len(plan.areas) else None
        entry = _item_entry(rendered, row, ACTIVITY)
        if (
            area.name == STANDARD_CHANGE_AREAS.get(area.number)
            and before == area.number - 1
            and after in (None, area.number + 1)
            and entry is not None
            and entry.number is not None
        ):
            candidates.append(row)
    if not candidates:
        return None
    expectations = []
    for row in rng.sample(candidates, rng.randint(1, len(candidates))):
        page = table.break_before(row)
        if not _free_break(page):
            continue
        page.tags.add("break_used")
        row.cells[table.index(NO)] = Cell(raw="")
        row.cells[table.index(AREA)] = Cell(raw="")
        row.tags.add("area_lost")
        number = plan.areas[row.area].number
        expectations.append(Expectation(("area_inferred",), rows=(row.id,), area=number))
    return expectations or None


@damage(2)
def repeated_area_header(rendered: RenderedDecree, rng: random.Random) -> Result:
    """An area's number and name repeated on the first row of a new page to continue the
    area: not a new area; the reader says it read it so."""
    table = rendered.table
    lost = {r.area for r in table.item_rows() if "area_lost" in r.tags}  # no header to repeat
    candidates = [
        row
        for row in table.item_rows()
        if row.opens != AREA
        and row.area not in lost
        and not row.tags & BLOCKING_TAGS
        and row.cells[0].raw is None
    ]
    if not candidates:
        return None
    expectations = []
    for row in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
        page = table.break_before(row)
        if not _free_break(page):
            continue
        page.tags.add("break_used")
        first = next(r for r in table.item_rows() if r.area == row.area and r.opens == AREA)
        for role in (NO, AREA):
            index = table.index(role)
            row.cells[index] = Cell(raw=first.cells[index].raw)
        row.tags.add("area_repeated")
        expectations.append(Expectation(("area_repeated",), rows=(row.id,)))
    return expectations or None


def split_points(text: str) -> list[int]:
    """Where a cell's text can be cut so that the rest reads as a continuation: before a
    lower-case word (not a lone letter), never between a label and its text."""
    points = []
    for match in re.finditer(r" (?=[a-z][a-z])", text):
        head = text[: match.start()]
        if len(head.split()) < 2 or head.endswith((";", ":", ",")):
            continue
        points.append(match.start())
    return points


def _bare(text: str) -> str:
    """A cell's text without its list label and separator: what two cells are compared by."""
    text = re.sub(r"^\(?(?:\d+(?:\.\d+)*|[a-z])[.)]?\)?\s+", "", text.strip())
    return text.rstrip(";").strip()


@damage(2)
def page_continuation(rendered: RenderedDecree, rng: random.Random) -> Result:
    """A row continued across a page break: the text of one or more of its cells is cut
    between the last row of a page and the first row of the next (marks and other cells stay
    on the first part). Only cut before a lower-case word, so the second part reads as the
    rest of a sentence, never as a new item, and never so that two cells of either part
    read the same (that would read as a copied cell)."""
    table = rendered.table
    candidates = []
    for row in table.item_rows():
        if row.tags & BLOCKING_TAGS:
            continue
        cuttable = [i for i in _text_cells(rendered, row) if split_points(_raw(rendered, row, i))]
        if cuttable:
            candidates.append((row, cuttable))
    if not candidates:
        return None
    expectations = []
    for row, cuttable in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
        items = table.item_rows()
        position = items.index(row)
        if position + 1 < len(items):
            page = table.break_before(items[position + 1])
        else:
            page = TablePage(table.header_rows(), extra_cells=table.pages[-1].extra_cells)
            table.pages.append(page)
        if not _free_break(page):
            continue
        page.tags.add("break_used")
        rest = table.new_row(
            "item",
            [Cell(raw="") for _ in row.cells],
            area=row.area,
            activity=row.activity,
            sub=row.sub,
            opens="continuation",
            tags={"continuation"},
        )
        for index in rng.sample(cuttable, rng.randint(1, len(cuttable))):
            text = row.cells[index].raw or ""
            cut = rng.choice(split_points(text))
            head, tail = text[:cut], text[cut + 1 :]
            others = [_bare(c.raw) for i, c in enumerate(row.cells) if i != index and c.raw]
            rests = [_bare(c.raw) for i, c in enumerate(rest.cells) if i != index and c.raw]
            if _bare(head) in others or _bare(tail) in rests:
                continue
            row.cells[index].raw = head
            rest.cells[index].raw = tail
        if all(not cell.raw for cell in rest.cells):  # nothing could be cut: a plain break
            continue
        header_end = max((i + 1 for i, r in enumerate(page.rows) if r.kind != "item"), default=0)
        page.rows.insert(header_end, rest)
        row.tags.add("continued")
        expectations.append(Expectation(("page_continuation",), rows=(row.id, rest.id)))
    return expectations or None


@damage(2)
def page_header_lost(rendered: RenderedDecree, rng: random.Random) -> Result:
    """A page (not the first) whose header rows are missing: it keeps the previous page's
    columns."""
    pages = rendered.table.pages[1:]
    if not pages:
        return None
    for page in rng.sample(pages, rng.randint(1, len(pages))):
        page.rows = [row for row in page.rows if row.kind not in ("header", "periods", "numbering")]
        page.tags.add("header_lost")
    return []


@damage(2)
def wide_pages(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Pages wider than their columns (a PDF copy gives 13–18 schedule cells): empty cells
    after the last column on every row of the page."""
    pages = rendered.table.pages
    for page in rng.sample(pages, rng.randint(1, len(pages))):
        page.extra_cells = rng.randint(1, 6)
    return []


# -- phase 3: page furniture -----------------------------------------------------------------


@damage(3)
def repeated_headers(rendered: RenderedDecree, rng: random.Random) -> Result:
    """The header rows printed twice at the top of a page, or again in the middle of a page
    (a page break without a blank line)."""
    table = rendered.table
    done = False
    for page in table.pages:
        if rng.random() < 0.5 and any(r.kind == "header" for r in page.rows):
            end = max(i for i, r in enumerate(page.rows) if r.kind != "item") + 1
            page.rows[end:end] = table.header_rows()
            done = True
        items = [i for i, r in enumerate(page.rows) if r.kind == "item"]
        if len(items) > 1 and rng.random() < 0.5:
            at = rng.choice(items[1:])
            if "continuation" not in page.rows[at].tags:
                page.rows[at:at] = table.header_rows()
                done = True
    return [] if done else None


@damage(3)
def running_heads(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Page numbers (``- 3 -``, ``Halaman 3 dari 7``, ``3``) and running heads (the decree's
    title) inside the table, at the top of a page (not the first) or at the bottom of a page
    (not the last); the reader must say it left them out."""
    table = rendered.table
    header = rendered.plan.header
    count = len(table.pages)
    if count < 2:
        return None
    expectations = []
    for number, page in enumerate(table.pages, start=1):
        if rng.random() < 0.4:
            continue
        bottom = number == 1 or (number < count and rng.random() < 0.5)
        forms = [f"- {number} -", f"-{number}-", f"Halaman {number} dari {count}"]
        if bottom:
            forms.append(str(number))
        forms.append(
            f"LAMPIRAN KEPUTUSAN {header.unit_name} NOMOR {header.number} TAHUN {header.year}"
        )
        line = table.new_row("line", [Cell(raw=rng.choice(forms))])
        if bottom:
            page.rows.append(line)
        else:
            page.rows.insert(0, line)
        expectations.append(Expectation(("page_furniture",), rows=(line.id,)))
    return expectations or None


@damage(3)
def ragged_rows(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Rows written without their trailing empty cells."""
    rows = rendered.table.item_rows()
    for row in rng.sample(rows, rng.randint(1, len(rows))):
        row.trim = True
    return []


# -- phase 4: cell text ----------------------------------------------------------------------


def _pick_cells(rendered: RenderedDecree, rng: random.Random, test) -> list[tuple[TableRow, int]]:
    """Item text cells whose text passes ``test``, a few at random."""
    found = [
        (row, index)
        for row in rendered.table.item_rows()
        for index in _text_cells(rendered, row)
        if test(_raw(rendered, row, index))
    ]
    return rng.sample(found, min(len(found), rng.randint(1, 4)))


def _halves_repeat(left: str, right: str) -> bool:
    """``nilai``/``nilai``, ``undang``/``undangan``: halves sharing three letters in a row."""
    left, right = left.lower(), right.lower()
    return any(left[i : i + 3] in right for i in range(len(left) - 2))


def _breakable_words(text: str) -> list[tuple[int, int]]:
    """(start, end) of words a line break could hyphenate: 7+ lower-case letters."""
    return [(m.start(), m.end()) for m in re.finditer(r"(?<![\w-])[a-z]{7,}(?![\w-])", text)]


REAL_HYPHEN = re.compile(r"\b(nilai-nilai|Perundang-undangan|jenis-jenis)\b")


@damage(4)
def hyphenation(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Words broken across lines, as a PDF copy keeps them: ``pelak- sanaan`` (the reader
    joins the halves) and ``nilai- nilai`` (a real hyphen, kept). Only where the halves of a
    plain word do not repeat each other (``T``: a hyphen between repeating halves is real)."""

    def breakable(text: str) -> bool:
        return bool(_breakable_words(text) or REAL_HYPHEN.search(text))

    picked = _pick_cells(rendered, rng, breakable)
    if not picked:
        return None
    for row, index in picked:
        text = row.cells[index].raw or ""
        options = []
        for start, end in _breakable_words(text):
            for cut in range(start + 3, end - 2):
                if not _halves_repeat(text[start:cut], text[cut:end]):
                    options.append(cut)
        real = [m.start() + m.group(0).index("-") + 1 for m in REAL_HYPHEN.finditer(text)]
        if real and (not options or rng.random() < 0.5):
            cut = rng.choice(real)
            text = text[:cut] + " " + text[cut:]
        elif options:
            cut = rng.choice(options)
            text = text[:cut] + "- " + text[cut:]
        row.cells[index].raw = text
    return []


@damage(4)
def soft_hyphens(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Soft hyphens (U+00AD) inside words."""
    picked = _pick_cells(rendered, rng, lambda t: bool(re.search(r"[a-z]{4}", t)))
    if not picked:
        return None
    for row, index in picked:
        text = row.cells[index].raw or ""
        places = [m.start() for m in re.finditer(r"(?<=[a-z])(?=[a-z])", text)]
        for place in sorted(rng.sample(places, min(len(places), 3)), reverse=True):
            text = text[:place] + "\u00ad" + text[place:]
        row.cells[index].raw = text
    return []


@damage(4)
def non_breaking_spaces(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Non-breaking and doubled spaces, spaces around a cell's text."""
    picked = _pick_cells(rendered, rng, lambda t: " " in t)
    if not picked:
        return None
    for row, index in picked:
        text = row.cells[index].raw or ""
        chars = list(text)
        for place in [i for i, c in enumerate(chars) if c == " "]:
            if rng.random() < 0.4:
                chars[place] = rng.choice(["\u00a0", "  ", "\u202f", " \u00a0"])
        text = "".join(chars)
        if rng.random() < 0.3:
            text = f" {text} "
        row.cells[index].raw = text
    return []


@damage(4)
def curly_quotes(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Curly quotes for straight ones: “Zona Integritas”, ‘reward’, Jum’at."""
    picked = _pick_cells(rendered, rng, lambda t: '"' in t or "'" in t)
    if not picked:
        return None
    for row, index in picked:
        text = row.cells[index].raw or ""
        text = re.sub(r'"([^"]*)"', "“\\1”", text)
        text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
        text = re.sub(r"'([^']*)'", "‘\\1’", text)
        row.cells[index].raw = text
    return []


# -- phase 5: copies into neighbour cells ----------------------------------------------------

DUPLICATE_KINDS = ("duplicate_text", "ambiguous_cell", "row_shifted")


@damage(5)
def duplicate_into_neighbour(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Text duplicated into the neighbour cell, as PDF copies do: a cell's text copied into
    a new cell right after it, the rest of the row shifting right by one (only when the shift
    shows: a text then lands in a schedule column), or an indicator copied into the empty SUB
    KEGIATAN cell of its row when its label cannot be the next sub-activity's number."""
    table = rendered.table
    plan = rendered.plan
    sub_index = table.index(SUB)
    indicator_index = table.index(INDICATOR)
    before_schedule = min(table.schedule_indexes()) - 1

    def can_fill(row: TableRow) -> bool:
        if row.opens != INDICATOR:
            return False
        entry = row.cells[indicator_index].entries[0]
        sub = plan.areas[row.area].activities[row.activity].sub_activities[row.sub]
        return entry.number is not None and (
            table.options.numbering == "hierarchical" or entry.number != (sub.number or 0) + 1
        )

    def can_shift(row: TableRow) -> bool:
        return not row.cells[before_schedule].empty

    candidates = [
        r
        for r in table.item_rows()
        if _text_cells(rendered, r) and not r.tags & BLOCKING_TAGS and (can_fill(r) or can_shift(r))
    ]
    if not candidates:
        return None
    expectations = []
    for row in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
        table.freeze(row)
        if can_fill(row) and (not can_shift(row) or rng.random() < 0.5):
            row.cells[sub_index].raw = row.cells[indicator_index].raw
        else:
            index = rng.choice(_text_cells(rendered, row))
            row.cells.insert(index + 1, Cell(raw=row.cells[index].raw))
        row.tags.add("duplicated")
        expectations.append(Expectation(DUPLICATE_KINDS, rows=(row.id,)))
    return expectations


# -- phase 6: the body -----------------------------------------------------------------------


def _lines(rendered: RenderedDecree, role: str) -> list[BodyLine]:
    return [line for line in rendered.body + rendered.closing if line.role == role]


@damage(6, body=True)
def title_over_lines(rendered: RenderedDecree, rng: random.Random) -> Result:
    """The title over several lines with blank lines inside (between KEPUTUSAN …, NOMOR …,
    TENTANG and the subject, and inside the subject)."""
    body = rendered.body
    start = next(i for i, line in enumerate(body) if line.role == "title")
    end = max(i for i, line in enumerate(body) if line.role in ("title", "tentang", "subject"))
    block = body[start : end + 1]
    subject = " ".join(line.text for line in block if line.role == "subject")
    out: list[BodyLine] = []
    for line in block:
        if line.role == "subject":
            continue
        out.append(line)
        if rng.random() < 0.7:
            out.append(BodyLine())
    words = subject.split()
    while words:
        take = rng.randint(2, 6)
        out.append(BodyLine(" ".join(words[:take]), "subject"))
        words = words[take:]
        if words and rng.random() < 0.3:
            out.append(BodyLine())
    body[start : end + 1] = out
    return []


def spaced(word: str) -> str:
    return " ".join(word)


@damage(6, body=True)
def spaced_headings(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Headings with spaced letters: ``M E M U T U S K A N :``, ``T E N T A N G``."""
    for line in _lines(rendered, "memutuskan"):
        line.text = spaced("MEMUTUSKAN") + rng.choice([" :", ":", ""])
    for line in _lines(rendered, "tentang"):
        line.text = spaced("TENTANG")
    for line in _lines(rendered, "copy"):
        line.text = spaced("SALINAN")
    return []


def digit_date(value: datetime.date, rng: random.Random) -> str:
    separator = rng.choice(["-", "/", "."])
    day = f"{value.day:02d}" if rng.random() < 0.7 else str(value.day)
    return f"{day}{separator}{value.month:02d}{separator}{value.year}"


@damage(6, body=True)
def date_formats(rendered: RenderedDecree, rng: random.Random) -> Result:
    """Dates in digits (``11-04-2022``, ``11/04/2022``) in the opening and/or closing
    block, the other in words."""
    header = rendered.plan.header
    if header.date is None:
        return None
    roles = rng.choice([["date"], ["closing_date"], ["date", "closing_date"]])
    for role in roles:
        for line in _lines(rendered, role):
            line.text = f"pada tanggal {digit_date(header.date, rng)}"
    return []


@damage(6, body=True)
def closing_differs(rendered: RenderedDecree, rng: random.Random) -> Result:
    """The closing place and/or date after the table differ from the opening ones: the plan
    keeps the opening ones, and the reader reports the difference."""
    header = rendered.plan.header
    expectations = []
    which = rng.choice([["place"], ["date"], ["place", "date"]])
    if "place" in which and header.place:
        other = rng.choice([p for p in OTHER_PLACES if p.lower() != header.place.lower()])
        for line in _lines(rendered, "closing_place"):
            line.text = f"Ditetapkan di {other}"
        expectations.append(Expectation(("place_mismatch",), roles=("closing_place",)))
    if "date" in which and header.date:
        shift = rng.choice([-40, -3, -1, 1, 2, 30])
        other = header.date + datetime.timedelta(days=shift)
        if other.year != header.date.year:
            other = header.date - datetime.timedelta(days=shift)
        for line in _lines(rendered, "closing_date"):
            line.text = f"pada tanggal {format_date(other)}"
        expectations.append(Expectation(("date_mismatch",), roles=("closing_date",)))
    return expectations or None


TABLE_DAMAGES = [name for name, d in DAMAGES.items() if not d.body]
BODY_DAMAGES = [name for name, d in DAMAGES.items() if d.body]


@dataclass
class Case:
    """One generated test case: a plan, how it is laid out, and the damages it gets."""

    plan: ParsedDecree
    options: RenderOptions
    damages: list[str] = field(default_factory=list)
    seed: int = 0


@st.composite
def cases(draw, damages=None, max_areas: int = 8, schedule: str | None = None) -> Case:
    plan = draw(plans(schedule=schedule, max_areas=max_areas))
    options = draw(render_options(plan))
    if damages is None:
        damages = draw(st.lists(st.sampled_from(list(DAMAGES)), unique=True, max_size=8))
    seed = draw(st.integers(0, 2**32 - 1))
    return Case(plan, options, list(damages), seed)
