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
