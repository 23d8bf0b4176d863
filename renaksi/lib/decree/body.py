"""Parse the body of a decree: title, Menimbang/Mengingat/Memperhatikan, dictums, signatures."""

from __future__ import annotations

import re

from .model import DecreeError, DecreeHeader, ListItem
from .text import clean, parse_date_id

_TITLE = re.compile(
    r"^KEPUTUSAN\s+(?P<issuer>.+?)\s+NOMOR\s*:?\s*(?P<number>.+?)"
    r"(?:\s+TAHUN\s+(?P<year>\d{4}))?(?:\s+TENTANG\s+(?P<subject>.+))?$",
    re.IGNORECASE,
)
# A KPU-style number that carries its year: "12/PL.01-Kpt/6107/KPU-Kab/IV/2022".
_NUMBER_YEAR = re.compile(r"(?:^|/)((?:19|20)\d{2})$")
_SUBJECT_YEAR = re.compile(r"\bTAHUN\s+((?:19|20)\d{2})\b", re.IGNORECASE)
# Headings typed with spaced letters: "M E M U T U S K A N :", "K E S A T U".
_SPACED = re.compile(r"^(?:[A-Za-z] ){3,}[A-Za-z]\s*[:,]?$")
_TITLE_END = re.compile(
    r"^(?:DENGAN\s+RAHMAT\s+TUHAN\s+YANG\s+MAHA\s+ESA|Menimbang\b|Mengingat\b)", re.I
)
_ORDINALS = (
    "PERTAMA|KESATU|KEDUA|KETIGA|KEEMPAT|KELIMA|KEENAM|KETUJUH|KEDELAPAN|KESEMBILAN|"
    "KESEPULUH|KESEBELAS"
)
_SECTION = re.compile(r"^(Menimbang|Mengingat|Memperhatikan)\s*:\s*(.*)$", re.IGNORECASE)
_DICTUM = re.compile(
    r"^((?:" + _ORDINALS + r")|KE(?:DUA|TIGA|EMPAT|LIMA|ENAM|TUJUH|DELAPAN|SEMBILAN)"
    r"\s+(?:BELAS|PULUH(?:\s+(?:SATU|DUA|TIGA|EMPAT|LIMA|ENAM|TUJUH|DELAPAN|SEMBILAN))?))"
    r"\s*:\s*(.*)$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^(?P<label>[a-z]|\d{1,2})\.\s+(?P<text>.+)$")
_PLACE = re.compile(r"^Ditetapkan\s+di\s+(?P<place>.+?)\s*,?$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^pada\s+tanggal\s+(?P<date>.+)$", re.IGNORECASE)
_DIPA = re.compile(
    r"(?P<ref>(?:SP\s*)?DIPA-[\w./-]+)(?:\s+tanggal\s+(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4}))?"
)


def _plain(line: str) -> str:
    """A body line without markdown bullets and emphasis."""
    line = clean(line)
    if line.startswith(("- ", "• ")):
        line = line[2:].strip()
    if _SPACED.match(line):
        line = re.sub(r"(?<=[A-Za-z]) (?=[A-Za-z])", "", line)
    return line


def parse_signature_block(lines: list[tuple[int, str]]) -> dict:
    """Read ``Ditetapkan di … pada tanggal … JABATAN, ttd. NAMA`` from numbered lines."""
    result: dict = {
        "place": "",
        "place_line": None,
        "date": None,
        "date_line": None,
        "signer_title": "",
        "signer_name": "",
    }
    title_lines: list[str] = []
    after_ttd = False
    state = "start"
    for number, raw in lines:
        text = _plain(raw)
        if not text:
            continue
        if state == "start":
            match = _PLACE.match(text)
            if match:
                result["place"], result["place_line"] = match.group("place").strip(), number
                state = "date"
            continue
        if state == "date":
            match = _DATE_LINE.match(text)
            if match:
                result["date"], result["date_line"] = parse_date_id(match.group("date")), number
                state = "signer"
                continue
            state = "signer"
        if state == "signer":
            if text.lower().startswith("salinan sesuai"):
                break
            if text.lower().rstrip(".") == "ttd":
                after_ttd = True
                continue
            if after_ttd:
                result["signer_name"] = text
                break
            title_lines.append(text)
    if title_lines and not after_ttd and not result["signer_name"]:
        result["signer_name"] = title_lines.pop()
    result["signer_title"] = " ".join(title_lines).replace(" ,", ",").rstrip(",").strip()
    return result


def parse_certification(lines: list[tuple[int, str]]) -> tuple[str, str]:
    """Read the ``Salinan sesuai dengan aslinya`` block: (certifier title, certifier name)."""
    collected: list[str] = []
    started = False
    for _, raw in lines:
        text = _plain(raw)
        if text.lower().startswith("salinan sesuai"):
            started, collected = True, []
            continue
        if started and text:
            if text.upper().startswith("LAMPIRAN"):
                break
            collected.append(text)
    if not collected:
        return "", ""
    return " ".join(collected[:-1]), collected[-1]


_TABLE_TITLE = re.compile(r"^RENCANA\s+AKSI\s+REFORMASI\s+BIROKRASI\s+DI\s+LINGKUNGAN\b", re.I)


def _lampiran_heading_ends(parts: list[str], text: str) -> bool:
    """In a Lampiran's heading, the subject after TENTANG ends at a blank line, or at the
    table's title (``RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN …``) once it has its year."""
    heading = " ".join(parts)
    subject = re.split(r"\bTENTANG\b", heading, maxsplit=1, flags=re.I)
    if len(subject) < 2 or not subject[1].strip():
        return False
    if not text:
        return True
    return bool(_TABLE_TITLE.match(text) and _SUBJECT_YEAR.search(subject[1]))


def parse_body(lines: list[tuple[int, str]]) -> DecreeHeader:
    """Parse numbered body lines (everything before the Lampiran)."""
    header = DecreeHeader()
    plain = [(number, _plain(raw)) for number, raw in lines]

    # Institution lines up to the title, then the title up to the issuer line ("KETUA …,").
    title_parts: list[str] = []
    institution: list[str] = []
    index = 0
    while index < len(plain) and not plain[index][1].upper().startswith("KEPUTUSAN"):
        text = plain[index][1]
        if text and text.upper() != "SALINAN":
            institution.append(text)
        index += 1
    if index == len(plain):
        raise DecreeError(
            "Ini bukan keputusan: judul 'KEPUTUSAN … NOMOR … TAHUN … TENTANG …' tidak ditemukan."
        )
    title_line = plain[index][0]
    # The Lampiran alone: its heading ("LAMPIRAN / KEPUTUSAN … TENTANG …") is followed by the
    # table's own title, not by an issuer line.
    lampiran_alone = [t.upper() for t in institution] == ["LAMPIRAN"]
    # The title runs to the issuer line ("KETUA …,"), "DENGAN RAHMAT TUHAN …" or the first
    # section; blank lines inside it do not end it.
    while index < len(plain):
        text = plain[index][1]
        if text and (_TITLE_END.match(text) or (title_parts and text.endswith(","))):
            break
        if lampiran_alone and _lampiran_heading_ends(title_parts, text):
            break
        if text:
            title_parts.append(text)
        if len(title_parts) > 15:
            break
        index += 1
    title = " ".join(title_parts)
    match = _TITLE.match(title)
    if not match:
        raise DecreeError(
            "Judul keputusan tidak lengkap: harus berbentuk "
            "'KEPUTUSAN … NOMOR … TAHUN … TENTANG …'.",
            title_line,
        )
    header.institution = " ".join(institution)
    header.title = title
    header.unit_name = match.group("issuer").strip()
    header.number = match.group("number").strip().rstrip(":").strip()
    header.subject = (match.group("subject") or "").strip()
    year = match.group("year")
    if year is None:
        found = _NUMBER_YEAR.search(header.number) or _SUBJECT_YEAR.search(header.subject)
        year = found.group(1) if found else None
    header.year = int(year) if year else None
    header.lines["title"] = title_line

    section: list[ListItem] | None = None
    in_dictums = False
    current: ListItem | None = None
    rest = plain[index:]
    for position, (number, text) in enumerate(rest):
        if not text:
            continue
        if _PLACE.match(text):
            block = rest[position:]
            sig = parse_signature_block(block)
            header.place, header.place_line = sig["place"], sig["place_line"]
            header.date, header.date_line = sig["date"], sig["date_line"]
            header.signer_name, header.signer_title = sig["signer_name"], sig["signer_title"]
            header.certifier_title, header.certifier_name = parse_certification(block)
            break
        if _TITLE_END.match(text) and text.upper().startswith("DENGAN"):
            continue
        if not header.issuer and text.endswith(",") and section is None and not in_dictums:
            header.issuer = text.rstrip(",").strip()
            continue
        section_match = _SECTION.match(text)
        if section_match:
            name = section_match.group(1).lower()
            section = {
                "menimbang": header.considerations,
                "mengingat": header.legal_bases,
                "memperhatikan": header.notes_considered,
            }[name]
            current = None
            text = section_match.group(2).strip()
            if not text:
                continue
        elif text.upper().startswith("MEMUTUSKAN"):
            section, current, in_dictums = None, None, True
            continue
        elif in_dictums and text.lower().startswith("menetapkan"):
            continue
        dictum_match = _DICTUM.match(text)
        if dictum_match:
            in_dictums, section = True, header.dictums
            label = " ".join(dictum_match.group(1).upper().split())
            current = ListItem(label, dictum_match.group(2).strip(), number)
            section.append(current)
            continue
        if in_dictums and not header.dictums:
            header.decides = f"{header.decides} {text}".strip()
            continue
        if section is None:
            continue
        item_match = _ITEM.match(text)
        if item_match and section is not header.dictums:
            current = ListItem(item_match.group("label"), item_match.group("text"), number)
            section.append(current)
        elif current is not None:
            current.text = f"{current.text} {text}".strip()
        else:
            current = ListItem("", text, number)
            section.append(current)

    for dictum in header.dictums:
        found = _DIPA.search(dictum.text)
        if found:
            header.budget_reference = found.group("ref")
            if found.group("date"):
                header.budget_reference += f" tanggal {found.group('date')}"
            break
    return header
