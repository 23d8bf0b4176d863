"""The shared Bengkayang decree and small synthetic decrees for importer tests."""

from functools import cache
from pathlib import Path

from renaksi.core.management.commands.seed_demo import DEMO_DECREE

BENGKAYANG_PATH: Path = DEMO_DECREE

MONTHS = "\t".join(["JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEPT", "OKT"])
MONTHS += "\tNOV\tDES"


@cache
def bengkayang_bytes() -> bytes:
    return BENGKAYANG_PATH.read_bytes()


def table_header(extra_cells: int = 0) -> str:
    pad = "\t" * extra_cells
    return (
        "NO\tAREA PERUBAHAN\tKEGIATAN\tSUB KEGIATAN\tINDIKATOR KEBERHASILAN\t"
        "PELAKSANAAN (BULAN)" + "\t" * 11 + pad + "\n"
        "\t\t\t\t\t" + MONTHS + pad + "\n"
        "(1)\t(2)\t(3)\t(4)\t(5)\t(6)" + "\t" * 11 + pad + "\n"
    )


def row(no="", area="", activity="", sub="", indicator="", months=(), extra_cells=0) -> str:
    cells = [no, area, activity, sub, indicator] + [""] * (12 + extra_cells)
    for month in months:
        cells[4 + month] = "√"
    return "\t".join(cells) + "\n"


def decree_text(
    rows: str,
    *,
    number: str = "7",
    year: int = 2023,
    place: str = "Sintang",
    closing_place: str | None = None,
    date: str = "2 Maret 2023",
    closing_date: str | None = None,
    signer: str = "BUDI SANTOSO",
    closing_signer: str | None = None,
    unit: str = "KABUPATEN SINTANG",
    subject_year: int | None = None,
) -> str:
    """A small, well-formed decree around the given Lampiran rows."""
    subject_year = subject_year or year
    return f"""**SALINAN**

KOMISI PEMILIHAN UMUM
{unit}

KEPUTUSAN KOMISI PEMILIHAN UMUM {unit}
NOMOR {number} TAHUN {year}
TENTANG
RENCANA AKSI REFORMASI BIROKRASI TAHUN {subject_year}

KETUA KOMISI PEMILIHAN UMUM {unit},

- Menimbang : a. bahwa perlu menetapkan rencana aksi;
- b. bahwa berdasarkan pertimbangan huruf a perlu keputusan;

- Mengingat : 1. Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum;
2. Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design
Reformasi Birokrasi 2010-2025;

MEMUTUSKAN:

- Menetapkan :
- KEPUTUSAN TENTANG RENCANA AKSI.

- KESATU : Menetapkan rencana aksi sebagaimana tercantum dalam Lampiran.
- KEDUA : Biaya dibebankan pada DIPA Nomor : SP DIPA-076.01.2.000001/{year}
tanggal 1 Desember {year - 1}.
KETIGA : Keputusan ini mulai berlaku pada tanggal ditetapkan.

Ditetapkan di {place}
pada tanggal {date}

KETUA KOMISI PEMILIHAN UMUM
{unit},

ttd.

{signer}

Salinan sesuai dengan aslinya
Kepala Sub Bagian Hukum dan SDM

Siti Aminah

LAMPIRAN
KEPUTUSAN KOMISI PEMILIHAN UMUM {unit}

{table_header()}{rows}
Ditetapkan di {closing_place or place}
pada tanggal {closing_date or date}

KETUA KOMISI PEMILIHAN UMUM
{unit},

ttd.

{closing_signer or signer}
"""


def full_plan_rows() -> str:
    """All 8 areas, one activity with one sub-activity and indicator each."""
    names = [
        "Manajemen Perubahan",
        "Penguatan Peraturan Perundang-undangan/Deregulasi Kebijakan",
        "Penguatan Organisasi/Kelembagaan",
        "Penataan Tata Laksana",
        "Penguatan Sistem Manajemen SDM ASN",
        "Penguatan Akuntabilitas Kinerja",
        "Penguatan Pengawasan",
        "Peningkatan Kualitas Pelayanan Publik",
    ]
    return "".join(
        row(
            str(n),
            name,
            f"1 Kegiatan area {n};",
            f"1 Sub kegiatan area {n};",
            f"Indikator area {n};",
            months=(n, n + 1),
        )
        for n, name in enumerate(names, start=1)
    )
