"""The 8 change areas of the RB road map (PermenPANRB 25/2020), as reference data."""

STANDARD_CHANGE_AREAS: dict[int, str] = {
    1: "Manajemen Perubahan",
    2: "Penguatan Peraturan Perundang-undangan / Deregulasi Kebijakan",
    3: "Penguatan Organisasi / Kelembagaan",
    4: "Penataan Tata Laksana",
    5: "Penguatan Sistem Manajemen SDM ASN",
    6: "Penguatan Akuntabilitas Kinerja",
    7: "Penguatan Pengawasan",
    8: "Peningkatan Kualitas Pelayanan Publik",
}

# Words typical of each area's activities in the KPU road map (Keputusan KPU 612/2020) and
# its LKE: used to notice where the topic of the table changes to another area when the
# area's header row was lost. Lower case; a word matches at the start of a text's word.
AREA_VOCABULARY: dict[int, tuple[str, ...]] = {
    1: (
        "reformasi birokrasi",
        "tim rb",
        "tim reformasi",
        "agen perubahan",
        "manajemen perubahan",
        "budaya kerja",
        "rencana aksi",
        "road map",
        "komitmen",
        "internalisasi",
        "kick off",
    ),
    2: (
        "peraturan",
        "perundang",
        "naskah dinas",
        "jdih",
        "deregulasi",
        "regulasi",
        "harmonisasi",
        "produk hukum",
    ),
    3: ("organisasi", "kelembagaan", "sotk", "struktur organisasi", "tugas dan fungsi"),
    4: (
        "proses bisnis",
        "sop",
        "tata laksana",
        "tatalaksana",
        "spbe",
        "arsip",
        "kearsipan",
        "ppid",
        "keterbukaan informasi",
        "e-office",
    ),
    5: (
        "sdm",
        "asn",
        "pegawai",
        "kepegawaian",
        "kompetensi",
        "sistem merit",
        "jabatan",
        "diklat",
        "pengembangan karir",
        "analisis beban kerja",
        "disiplin",
    ),
    6: (
        "akuntabilitas",
        "kinerja",
        "renstra",
        "lakip",
        "sakip",
        "lkj",
        "perjanjian kinerja",
        "e-lapkin",
        "anggaran",
    ),
    7: (
        "pengawasan",
        "spip",
        "pengaduan",
        "gratifikasi",
        "wbs",
        "whistle",
        "benturan kepentingan",
        "lhkpn",
        "lhkasn",
        "pengadaan",
        "zona integritas",
        "integritas",
        "audit",
    ),
    8: (
        "pelayanan",
        "layanan",
        "inovasi",
        "survei kepuasan",
        "kepuasan masyarakat",
        "zona hijau",
        "maklumat",
        "standar pelayanan",
        "pelayanan publik",
    ),
}


def area_scores(text: str) -> dict[int, int]:
    """How many words of each area's vocabulary a text uses."""
    import re

    lowered = " " + re.sub(r"[^a-z0-9/-]+", " ", text.lower()) + " "
    return {
        number: sum(1 for word in words if f" {word}" in lowered)
        for number, words in AREA_VOCABULARY.items()
    }
