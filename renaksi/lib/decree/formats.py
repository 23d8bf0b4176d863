"""Choose the reader by the file's content, never by its name. Plain Python, no Django.

``sniff(data)`` says which format a file is in ("text", "xlsx", "docx", "pdf") or raises
``DecreeError`` for a file Renaksi cannot read (an old Office file, a password-protected one,
an image, another kind of archive). ``read_document(data)`` applies the size limit, sniffs,
and runs the reader; a corrupt file becomes one ``DecreeError``, never a traceback.
"""

from __future__ import annotations

import io
import logging
import zipfile

from .model import DecreeError
from .source import MAX_BYTES, SourceDocument, read_text

logger = logging.getLogger(__name__)

# A ZIP (XLSX, DOCX) is refused when its members would unpack to more than this, or when it
# has more members than any Office document has: a zip bomb, or not a decree.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF87a", "gambar GIF"),
    (b"GIF89a", "gambar GIF"),
    (b"II*\x00", "gambar TIFF"),
    (b"MM\x00*", "gambar TIFF"),
    (b"\x1f\x8b", "arsip gzip"),
    (b"Rar!\x1a\x07", "arsip RAR"),
    (b"7z\xbc\xaf\x27\x1c", "arsip 7-Zip"),
    (b"{\\rtf", "dokumen RTF (simpan ulang sebagai .docx)"),
    (b"\x7fELF", "program"),
)
_FORMAT_NAMES = {"xlsx": "Excel (XLSX)", "docx": "Word (DOCX)", "pdf": "PDF", "text": "teks"}
_UPLOAD_HINT = (
    "Unggah keputusan sebagai teks, Word (.docx), Excel (.xlsx) atau PDF yang teksnya dapat "
    "dipilih."
)


def _refuse(what: str) -> DecreeError:
    return DecreeError(f"Berkas ini {what}, bukan dokumen keputusan. {_UPLOAD_HINT}")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def _zip_format(data: bytes) -> str:
    """xlsx or docx by the members of the ZIP, after checking what it would unpack to."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DecreeError(
            "Berkas rusak atau tidak lengkap: bentuknya arsip ZIP (seperti .docx atau .xlsx), "
            "tetapi daftar isinya tidak terbaca. Unduh atau simpan ulang berkasnya, lalu "
            "unggah lagi."
        ) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise DecreeError(
            f"Berkas ZIP berisi {len(members)} bagian; dokumen Word atau Excel tidak sebanyak "
            "itu. Berkas ini bukan keputusan."
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNCOMPRESSED:
        raise DecreeError(
            f"Isi berkas ZIP terlalu besar setelah dibuka ({_size(unpacked)}; batasnya "
            f"{_size(MAX_UNCOMPRESSED)}). Berkas ini rusak atau sengaja dibuat membengkak."
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise DecreeError(
            "Berkas ZIP ini dilindungi kata sandi: simpan ulang sebagai .docx/.xlsx tanpa "
            "kata sandi."
        )
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        raise DecreeError(
            "Berkas Excel biner (.xlsb) tidak dapat dibaca: simpan ulang sebagai .xlsx."
        )
    if any(n.startswith("xl/") for n in names) and "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.startswith("word/") for n in names) and "word/document.xml" in names:
        return "docx"
    if any(n.startswith("ppt/") for n in names):
        raise _refuse("presentasi PowerPoint")
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100]
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise DecreeError(
                "Berkas OpenDocument (LibreOffice .odt/.ods) tidak dapat dibaca: simpan ulang "
                "sebagai .docx atau .xlsx."
            )
    raise _refuse("arsip ZIP yang bukan dokumen Word atau Excel")


def sniff(data: bytes) -> str:
    """The format of ``data`` by its content: "text", "xlsx", "docx" or "pdf".

    Raises ``DecreeError`` for a file no reader takes, saying what it looks like.
    """
    head = bytes(data[:1024])
    if head.startswith(OLE2):
        raise DecreeError(
            "Berkas Office lama (.doc/.xls) atau dilindungi kata sandi: simpan ulang sebagai "
            ".docx/.xlsx tanpa kata sandi."
        )
    if head.startswith(_ZIP):
        return _zip_format(bytes(data))
    if b"%PDF-" in head:
        return "pdf"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise _refuse(what)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise _refuse("gambar WebP")
    if head[4:8] == b"ftyp":
        raise _refuse("gambar atau video (HEIC/MP4)")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 text, as Windows Notepad saves "Unicode"
    if b"\x00" in data:
        raise _refuse("berkas biner (berisi byte NUL)")
    return "text"


def _read_text_bytes(data: bytes) -> SourceDocument:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return read_text(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise DecreeError(
                "Berkas teks UTF-16 ini rusak: ada byte yang tidak sah. Simpan ulang sebagai "
                "teks UTF-8."
            ) from exc
    return read_text(data)


def _reader(kind: str):
    if kind == "xlsx":
        from .read_xlsx import read_xlsx

        return read_xlsx
    if kind == "docx":
        from .read_docx import read_docx

        return read_docx
    if kind == "pdf":
        from .read_pdf import read_pdf

        return read_pdf
    return _read_text_bytes


def read_document(data: bytes | str) -> SourceDocument:
    """Read any supported decree file into a ``SourceDocument``."""
    if isinstance(data, str):
        return read_text(data)
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise DecreeError(
            f"Berkas terlalu besar ({_size(len(data))}); batasnya {_size(MAX_BYTES)}."
        )
    if not data.strip():
        raise DecreeError("Berkas kosong: tidak ada teks keputusan untuk diimpor.")
    kind = sniff(data)
    reader = _reader(kind)
    try:
        return reader(data)
    except DecreeError:
        raise
    except Exception as exc:  # a library failing on a corrupt file: one clear message
        logger.info("decree file unreadable as %s", kind, exc_info=True)
        raise DecreeError(
            f"Berkas {_FORMAT_NAMES[kind]} rusak atau tidak lengkap: isinya tidak dapat dibaca. "
            "Buka berkas di aplikasinya, simpan ulang, lalu unggah lagi."
        ) from exc
