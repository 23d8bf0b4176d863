"""Evidence files: checking an upload by its content, storing it once, and never leaving a
stray file behind a rolled-back write. See docs/evidence.md.

* ``validate_upload(uploaded_file) -> CheckedFile``: the allowed types are PDF, DOCX, XLSX,
  JPEG and PNG, recognised by their bytes (signature at offset 0 and structure), never by
  the name. Anything else, and every known trick (an executable renamed ``.pdf``, HTML or
  SVG, a zip bomb, a polyglot, a PDF with JavaScript, a launch action or an embedded file, a
  macro-enabled Office file), is refused with a ``ValidationError`` whose Indonesian message
  names the file. Photos are re-encoded: EXIF orientation applied, then downscaled and
  stripped of every metadata block (EXIF with GPS, XMP, IPTC, comments).
* ``store_checked(checked, user, stored) -> EvidenceFile``: get-or-create by the SHA-256 of
  the uploaded bytes (unique constraint + retry, safe under two concurrent uploads of the
  same new file); new bytes and their thumbnail go to ``evidence_storage()`` and are
  registered in ``stored``.
* ``StoredFiles``: ``with StoredFiles() as stored, transaction.atomic(): ...`` deletes every
  file it registered if the block raises. Files that existed before are never registered,
  and a registered file that a committed row uses is never deleted.
* ``reuse_of(evidence)`` / ``reuse_map(evidence_items)``: other evidence items with the same
  file in another realisation (another month or another unit), for the assessor.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MB = 1024 * 1024

# file_type → content type sent on download (the only five allowed types).
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpeg": "jpg", "png": "png"}
# Types a browser may show inline (work:evidence_preview), sandboxed.
PREVIEWABLE = frozenset({"pdf", "jpeg", "png"})
IMAGE_TYPES = frozenset({"jpeg", "png"})

THUMBNAIL_SIDE = 320  # px, longest side of a thumbnail
THUMBNAIL_SUFFIX = ".thumb.jpg"
NAME_MAX_LENGTH = 200  # characters of a sanitised file name (the model allows 255)
READ_CHUNK = 256 * 1024


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return _setting("RENAKSI_EVIDENCE_MAX_BYTES", 20 * MB)


def image_max_side() -> int:
    return _setting("RENAKSI_EVIDENCE_IMAGE_MAX_SIDE", 2560)


def image_max_pixels() -> int:
    return _setting("RENAKSI_EVIDENCE_IMAGE_MAX_PIXELS", 50_000_000)


def zip_max_total() -> int:
    return _setting("RENAKSI_EVIDENCE_ZIP_MAX_TOTAL", 200 * MB)


def zip_max_entries() -> int:
    return _setting("RENAKSI_EVIDENCE_ZIP_MAX_ENTRIES", 5000)


def zip_max_ratio() -> int:
    return _setting("RENAKSI_EVIDENCE_ZIP_MAX_RATIO", 100)


def evidence_storage() -> Storage:
    """The storage evidence files are kept in (``STORAGES["evidence"]`` in settings)."""
    return storages["evidence"]


# -- names -------------------------------------------------------------------------------


def display_name(name: str) -> str:
    """A file name fit to show in a message: control characters escaped, cut to length."""
    shown = "".join(
        f"\\x{ord(c):02x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in str(name)
    )
    return shown if len(shown) <= 80 else shown[:77] + "…"


def sanitise_name(name: str) -> str:
    """The last path component of ``name``, without control or format characters (bidi
    overrides included), without leading dots and spaces, whitespace collapsed, at most
    NAME_MAX_LENGTH characters (the extension kept). "" when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if c == "\t" or unicodedata.category(c) == "Zs" else c
        for c in name
        if c == "\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
    )
    name = re.sub(r"\s+", " ", name).strip().lstrip(". ").rstrip(". ")
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:NAME_MAX_LENGTH]
    return name


def download_name(name: str, file_type: str) -> str:
    """The name a download is saved under: sanitised, with the extension of its real type."""
    extension = EXTENSIONS.get(file_type, "bin")
    name = sanitise_name(name) or _("bukti-dukung")
    stem, dot, current = name.rpartition(".")
    if dot and stem and current.lower() in {extension, "jpeg" if extension == "jpg" else ""}:
        return name
    return f"{name}.{extension}"


# -- the check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed ``validate_upload``."""

    file_type: str  # pdf, docx, xlsx, jpeg, png
    content_type: str
    sha256: str  # of the bytes the user uploaded (the identity of the file)
    safe_name: str  # sanitised original name, for display and download
    data: bytes = field(repr=False)  # the bytes to store (photos re-encoded)
    size: int = 0  # of the uploaded bytes
    width: int | None = None
    height: int | None = None
    pages: int | None = None


class _Refused(Exception):
    """An internal refusal carrying the message (without the file name)."""


SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
)
# Signatures of things that must never be stored (for a clearer message, and for polyglots).
EXECUTABLE_SIGNATURES = (
    (b"MZ", "Windows"),
    (b"\x7fELF", "Linux"),
    (b"\xcf\xfa\xed\xfe", "macOS"),
    (b"\xce\xfa\xed\xfe", "macOS"),
    (b"\xca\xfe\xba\xbe", "macOS/Java"),
    (b"#!", "skrip"),
)
_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|a\s|img\s)",
    re.IGNORECASE,
)
_DANGEROUS_TRAILER = re.compile(
    rb"PK\x03\x04|PK\x05\x06|PK\x01\x02|%PDF-|<\s*(?:!doctype|html|script|svg|iframe|\?xml)"
    rb"|\x7fELF|MZ[\x00-\xff]{58}",
    re.IGNORECASE,
)


def validate_upload(uploaded_file) -> CheckedFile:
    """Check an uploaded file by its content; see the module docstring.

    ``uploaded_file``: a Django ``UploadedFile`` (or any ``File`` with ``name`` and
    ``chunks()``/``read()``). Raises ``ValidationError`` (code ``invalid_file``) with an
    Indonesian message naming the file.
    """
    raw_name = getattr(uploaded_file, "name", "") or ""
    shown = display_name(sanitise_name(raw_name) or raw_name)
    safe_name = sanitise_name(raw_name)
    if not safe_name:
        raise ValidationError(
            _("Nama berkas “%(name)s” tidak dapat dipakai: ganti nama berkas lalu unggah lagi.")
            % {"name": display_name(raw_name) or "?"},
            code="invalid_name",
        )

    limit = max_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise _too_big(shown, limit)
    data = _read_limited(uploaded_file, limit, shown)
    if not data:
        raise ValidationError(
            _("Berkas “%(name)s” kosong (0 bita).") % {"name": shown},
            code="invalid_file",
        )
    try:
        return _check(data, safe_name)
    except _Refused as refusal:
        raise ValidationError(
            _("Berkas “%(name)s” ditolak: %(reason)s") % {"name": shown, "reason": refusal.args[0]},
            code="invalid_file",
        ) from None


def _too_big(shown: str, limit: int) -> ValidationError:
    return ValidationError(
        _("Berkas “%(name)s” terlalu besar: paling besar %(limit)s.")
        % {"name": shown, "limit": filesizeformat(limit).replace("\xa0", " ")},
        code="too_big",
    )


def _read_limited(uploaded_file, limit: int, shown: str) -> bytes:
    """The file's bytes, refusing as soon as more than ``limit`` have been read."""
    if hasattr(uploaded_file, "seek"):
        with contextlib.suppress(OSError, ValueError):
            uploaded_file.seek(0)
    buffer = io.BytesIO()
    if hasattr(uploaded_file, "chunks"):
        pieces = uploaded_file.chunks(READ_CHUNK)
    else:
        pieces = iter(lambda: uploaded_file.read(READ_CHUNK), b"")
    for piece in pieces:
        buffer.write(piece)
        if buffer.tell() > limit:
            raise _too_big(shown, limit)
    return buffer.getvalue()


def _check(data: bytes, safe_name: str) -> CheckedFile:
    kind = next((kind for signature, kind in SIGNATURES if data.startswith(signature)), None)
    if kind is None:
        raise _Refused(_unknown_reason(data))
    if kind != "pdf" and b"%PDF-" in data[:1024]:
        raise _Refused(_("berkas ini sekaligus PDF dan jenis lain (poliglot)."))
    if kind != "zip" and _is_zip(data):
        raise _Refused(_("berkas ini berisi arsip ZIP tersembunyi (poliglot)."))
    info: dict = {}
    if kind == "pdf":
        info = _check_pdf(data)
        stored = data
    elif kind == "zip":
        kind = _check_ooxml(data)
        stored = data
    else:
        stored, info = _check_image(data, kind)
    return CheckedFile(
        file_type=kind,
        content_type=CONTENT_TYPES[kind],
        sha256=hashlib.sha256(data).hexdigest(),
        safe_name=safe_name,
        data=stored,
        size=len(data),
        **info,
    )


def _unknown_reason(data: bytes) -> str:
    for signature, system in EXECUTABLE_SIGNATURES:
        if data.startswith(signature):
            return _("isinya program atau skrip (%(system)s), bukan dokumen.") % {"system": system}
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _MARKUP.match(head) or _MARKUP.search(data[:4096]):
        return _("isinya HTML, SVG atau XML, yang dapat memuat skrip.")
    return _("jenisnya tidak diizinkan. Yang diizinkan: PDF, DOCX, XLSX, JPG dan PNG.")


def _is_zip(data: bytes) -> bool:
    """True when ``data`` carries a readable ZIP central directory (anywhere at its end)."""
    if b"PK\x05\x06" not in data[-(65536 + 22) :]:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error):
        return False


# -- PDF ---------------------------------------------------------------------------------

# Names that make a PDF act (run script, start a program, carry another file, play media,
# send or fetch data): a PDF carrying one is refused.
PDF_ACTIVE_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "FileAttachment",
        "RichMedia",
        "Movie",
        "Sound",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToE",
        "GoToR",
    }
)
_PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")


def _pdf_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw).decode("latin-1")


def _check_pdf(data: bytes) -> dict:
    import pypdfium2

    # 1. The raw names in the file (uncompressed objects), #xx escapes decoded.
    for match in _PDF_NAME.finditer(data):
        name = _pdf_name(match[1])
        if name in PDF_ACTIVE_NAMES:
            raise _Refused(_pdf_active_reason(name))
    # 2. Every object, those in compressed object streams too (pdfminer).
    _walk_pdf_objects(data)
    # 3. pdfium (the engine that renders the thumbnail) must open it, without a password.
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _Refused(_("PDF ini dilindungi kata sandi.")) from None
        raise _Refused(_("PDF ini rusak dan tidak dapat dibuka.")) from None
    try:
        pages = len(document)
        if pages == 0:
            raise _Refused(_("PDF ini tidak berisi halaman."))
        if document.count_attachments():
            raise _Refused(_pdf_active_reason("EmbeddedFile"))
        raw = pypdfium2.raw
        if raw.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
            raise _Refused(_pdf_active_reason("JavaScript"))
    finally:
        document.close()
    return {"pages": pages}


def _pdf_active_reason(name: str) -> str:
    if name in ("JavaScript", "JS"):
        return _("PDF ini berisi JavaScript.")
    if name == "Launch":
        return _("PDF ini berisi perintah menjalankan program (Launch).")
    if name in ("EmbeddedFile", "EmbeddedFiles", "FileAttachment"):
        return _("PDF ini membawa berkas lain di dalamnya (lampiran tertanam).")
    return _("PDF ini berisi bagian aktif (%(name)s).") % {"name": name}


def _walk_pdf_objects(data: bytes) -> None:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, PDFStream
    from pdfminer.psparser import PSLiteral

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise _Refused(_("PDF ini dilindungi kata sandi.")) from None
    except Exception:
        return

    def names_in(value, depth=0):
        if depth > 8:
            return
        if isinstance(value, PSLiteral):
            yield value.name if isinstance(value.name, str) else str(value.name)
        elif isinstance(value, PDFStream):
            yield from names_in(value.attrs, depth + 1)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key if isinstance(key, str) else str(key)
                if not isinstance(item, PDFObjRef):
                    yield from names_in(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                if not isinstance(item, PDFObjRef):
                    yield from names_in(item, depth + 1)

    seen = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                obj = document.getobj(objid)
            except Exception:  # noqa: S112 - a broken object: pdfium decides
                continue
            for name in names_in(obj):
                if name in PDF_ACTIVE_NAMES:
                    raise _Refused(_pdf_active_reason(name))


# -- DOCX and XLSX -----------------------------------------------------------------------

OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "docx",
        "word/",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "xlsx",
        "xl/",
    ),
}
MACRO_CONTENT = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|\.macrosheet", re.I)
MACRO_PART = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/|(^|/)macrosheets/|\.(bin|exe|dll|js|"
    r"vbs|ps1|bat|cmd|scr|hta|lnk)$",
    re.I,
)
# Binary parts Word and Excel write into ordinary files: the printer's settings (DEVMODE).
HARMLESS_PART = re.compile(r"^(word|xl)/printerSettings/printerSettings\d+\.bin$", re.I)
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _check_ooxml(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error):
        raise _Refused(_("arsip ZIP-nya rusak.")) from None
    with archive:
        entries = archive.infolist()
        _check_zip_limits(entries, len(data))
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise _Refused(_("arsip ZIP biasa, bukan dokumen Word (DOCX) atau Excel (XLSX)."))
        for name in names:
            if MACRO_PART.search(name) and not HARMLESS_PART.match(name):
                raise _Refused(_office_active_reason(name))
        content_types = _read_entry(archive, "[Content_Types].xml", 2 * MB)
        if re.search(rb"<!(DOCTYPE|ENTITY)", content_types, re.I):
            raise _Refused(_("isi dokumen Office-nya tidak wajar (DTD)."))
        try:
            # No DTD (refused above), so no entity expansion; expat resolves no external
            # entities.
            root = ElementTree.fromstring(content_types)  # noqa: S314
        except ElementTree.ParseError:
            raise _Refused(_("isi dokumen Office-nya rusak.")) from None
        kinds = set()
        for element in root:
            content_type = element.get("ContentType", "")
            if MACRO_CONTENT.search(content_type):
                raise _Refused(_office_active_reason(content_type))
            part = element.get("PartName", "").lstrip("/")
            if element.tag == f"{_CT_NS}Override" and content_type in OOXML_MAIN:
                kind, folder = OOXML_MAIN[content_type]
                if part.startswith(folder) and part in names:
                    kinds.add(kind)
        if len(kinds) != 1:
            raise _Refused(
                _("arsip ZIP biasa, bukan dokumen Word (DOCX) atau Excel (XLSX).")
                if not kinds
                else _("berkas ini sekaligus dokumen Word dan Excel (poliglot).")
            )
        for entry in entries:
            if entry.filename.endswith(".rels"):
                rels = _read_entry(archive, entry.filename, 2 * MB)
                if re.search(rb"<!(DOCTYPE|ENTITY)", rels, re.I):
                    raise _Refused(_("isi dokumen Office-nya tidak wajar (DTD)."))
                if re.search(
                    rb'(attachedTemplate|oleObject|frame|subDocument)"[^>]*TargetMode="External"'
                    rb'|TargetMode="External"[^>]*(attachedTemplate|oleObject|frame|subDocument)',
                    rels,
                ):
                    raise _Refused(_("dokumen ini memuat templat atau objek dari luar."))
        # Stream every entry once: its size and CRC must match the central directory.
        total = 0
        for entry in entries:
            if entry.is_dir():
                continue
            total += _stream_entry(archive, entry, zip_max_total() - total)
        return kinds.pop()


def _office_active_reason(what: str) -> str:
    return _("dokumen ini memuat makro atau kode (%(part)s); simpan sebagai DOCX/XLSX biasa.") % {
        "part": display_name(what.rsplit("/", 1)[-1])
    }


def _check_zip_limits(entries: list[zipfile.ZipInfo], archive_size: int) -> None:
    """Zip-bomb limits, from the central directory only (nothing inflated yet)."""
    bomb = _("arsipnya mengembang terlalu besar saat dibuka (bom ZIP).")
    if len(entries) > zip_max_entries():
        raise _Refused(
            _("arsipnya berisi terlalu banyak bagian (%(count)s).") % {"count": len(entries)}
        )
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise _Refused(_("arsipnya berisi nama bagian yang sama dua kali."))
    total_uncompressed = sum(entry.file_size for entry in entries)
    total_compressed = sum(entry.compress_size for entry in entries)
    if total_uncompressed > zip_max_total():
        raise _Refused(bomb)
    if total_compressed > archive_size:  # overlapping entries share one compressed kernel
        raise _Refused(bomb)
    ratio = zip_max_ratio()
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _Refused(_("arsipnya dilindungi kata sandi."))
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(_("arsipnya memakai pemadatan yang tidak dikenal."))
        if entry.file_size > MB and entry.file_size > ratio * max(entry.compress_size, 1):
            raise _Refused(bomb)
    if total_uncompressed > 10 * MB and total_uncompressed > ratio * max(total_compressed, 1):
        raise _Refused(bomb)
    offsets = sorted(entry.header_offset for entry in entries)
    if len(set(offsets)) != len(offsets):
        raise _Refused(bomb)


def _stream_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> int:
    """Inflate one entry in chunks (nothing kept), never past its declared size nor the
    budget; the number of bytes it inflated to. zipfile checks the CRC at the end."""
    read = 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(READ_CHUNK):
                read += len(chunk)
                if read > entry.file_size or read > budget:
                    raise _Refused(_("arsipnya mengembang terlalu besar saat dibuka (bom ZIP)."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _Refused(_("arsip ZIP-nya rusak.")) from None
    except NotImplementedError:
        raise _Refused(_("arsipnya memakai pemadatan yang tidak dikenal.")) from None
    return read


def _read_entry(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    entry = archive.getinfo(name)
    if entry.file_size > limit:
        raise _Refused(_("isi dokumen Office-nya tidak wajar (bagian terlalu besar)."))
    try:
        with archive.open(entry) as stream:
            content = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise _Refused(_("arsip ZIP-nya rusak.")) from None
    if len(content) > limit:
        raise _Refused(_("isi dokumen Office-nya tidak wajar (bagian terlalu besar)."))
    return content


# -- JPEG and PNG ------------------------------------------------------------------------


def _check_image(data: bytes, kind: str) -> tuple[bytes, dict]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    trailer = _png_trailer(data) if kind == "png" else _jpeg_trailer(data)
    if trailer and _DANGEROUS_TRAILER.search(trailer):
        raise _Refused(_("gambar ini membawa berkas lain di belakangnya (poliglot)."))
    broken = _("gambarnya rusak dan tidak dapat dibuka.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG" if kind == "png" else "JPEG"]) as image:
            width, height = image.size
            if width * height > image_max_pixels() or width * height == 0:
                raise _Refused(
                    _("gambarnya terlalu besar (%(width)s × %(height)s piksel).")
                    % {"width": width, "height": height}
                )
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _downscaled(image, image_max_side())
            stored = _encode_clean(image, kind)
            width, height = image.size
    except _Refused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _Refused(broken) from None
    return stored, {"width": width, "height": height}


def _downscaled(image, side: int):
    from PIL import Image

    width, height = image.size
    if max(width, height) <= side:
        return image
    scale = side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)


def _encode_clean(image, kind: str) -> bytes:
    """Re-encode without any metadata block (no EXIF, XMP, IPTC, text chunks, comments).
    The colour profile (ICC) is kept so colours stay right."""
    output = io.BytesIO()
    icc = image.info.get("icc_profile")
    extra = {"icc_profile": icc} if icc else {}
    # Pillow writes some of ``info`` back (a JPEG comment, for one): keep only what the
    # pixels need.
    image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
    if kind == "jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=85, **extra)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16", "I"):
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=False, **extra)
    return output.getvalue()


def _png_trailer(data: bytes) -> bytes:
    """The bytes after the IEND chunk (b"" when none, or when the chunks cannot be read)."""
    position = 8
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk = data[position + 4 : position + 8]
        position += 12 + length
        if chunk == b"IEND":
            return data[position:]
    return b""


def _jpeg_trailer(data: bytes) -> bytes:
    """The bytes after the end-of-image marker of the main image."""
    position = 2
    size = len(data)
    while position + 4 <= size:
        if data[position] != 0xFF:
            return b""
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return data[position + 2 :]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    return b""
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
    return b""


# -- thumbnails --------------------------------------------------------------------------


def make_thumbnail(checked: CheckedFile) -> bytes | None:
    """A small JPEG of a picture or of a PDF's first page; None for DOCX/XLSX (or when
    rendering fails: a thumbnail is a convenience, never a reason to refuse)."""
    from PIL import Image

    try:
        if checked.file_type in IMAGE_TYPES:
            with Image.open(io.BytesIO(checked.data)) as image:
                image.load()
                return _thumbnail_jpeg(image)
        if checked.file_type == "pdf":
            import pypdfium2

            document = pypdfium2.PdfDocument(checked.data)
            try:
                page = document[0]
                width, height = page.get_size()
                scale = min(THUMBNAIL_SIDE / max(width, height, 1), 4.0)
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil()
                page.close()
                return _thumbnail_jpeg(image)
            finally:
                document.close()
    except Exception:
        logger.warning("No thumbnail for %s", checked.sha256, exc_info=True)
    return None


def _thumbnail_jpeg(image) -> bytes:
    from PIL import Image

    image = image.copy()
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(output, "JPEG", quality=80)
    return output.getvalue()


# -- storing -----------------------------------------------------------------------------


def storage_name(sha256: str) -> str:
    """Where the bytes of a file live in the evidence storage (content-addressed)."""
    from .models import EvidenceFile, evidence_path

    return evidence_path(EvidenceFile(sha256=sha256), "")


class StoredFiles:
    """Files written during a block, deleted again if the block raises.

    Use it outside the transaction: ``with StoredFiles() as stored, transaction.atomic():``
    (the transaction has rolled back when this block's exit runs). Only files this block
    wrote are registered; a file that existed before is never deleted, nor one that a
    committed EvidenceFile row (another request's) uses by the time of the clean-up.
    """

    def __init__(self) -> None:
        self.written: list[tuple[Storage, str]] = []

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is not None:
            self.discard()
        return False

    def register(self, name: str, storage: Storage | None = None) -> None:
        self.written.append((storage or evidence_storage(), name))

    def discard(self) -> None:
        from .models import EvidenceFile

        for storage, name in reversed(self.written):
            try:
                if EvidenceFile.objects.filter(Q(file=name) | Q(thumbnail=name)).exists():
                    continue
                storage.delete(name)
            except Exception:
                logger.exception("Could not delete %s after a rolled-back write", name)
        self.written.clear()


def _write_new(storage: Storage, name: str, data: bytes, content_type: str, stored) -> bool:
    """Write ``data`` at ``name`` unless a file is already there; True if written."""
    if storage.exists(name):
        return False
    content = ContentFile(data, name=name)
    content.content_type = content_type
    saved = storage.save(name, content)
    if saved != name:  # written by someone else in between: keep theirs, drop our copy
        storage.delete(saved)
        return False
    stored.register(name, storage)
    return True


def store_checked(checked: CheckedFile, user, stored: StoredFiles):
    """The EvidenceFile of these bytes: the existing one, or a new row with the bytes and a
    thumbnail written to the evidence storage (registered in ``stored``).

    Call inside the caller's transaction. Two requests storing the same new file at once:
    the unique sha256 lets one insert the row; the other's insert fails (on PostgreSQL it
    waits for the first to commit), and it uses the first one's row.
    """
    from .models import EvidenceFile

    existing = EvidenceFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    name = storage_name(checked.sha256)
    row = EvidenceFile(
        sha256=checked.sha256,
        size=len(checked.data),
        file_type=checked.file_type,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        pages=checked.pages,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    row.file.name = name
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return EvidenceFile.objects.get(sha256=checked.sha256)
    storage = evidence_storage()
    _write_new(storage, name, checked.data, checked.content_type, stored)
    thumbnail = make_thumbnail(checked)
    if thumbnail is not None:
        thumbnail_name = name + THUMBNAIL_SUFFIX
        _write_new(storage, thumbnail_name, thumbnail, "image/jpeg", stored)
        row.thumbnail.name = thumbnail_name
        row.save(update_fields=["thumbnail"])

    def ensure_present() -> None:
        # A concurrent rolled-back request may have removed the same name meanwhile.
        if not storage.exists(name):
            content = ContentFile(checked.data, name=name)
            content.content_type = checked.content_type
            storage.save(name, content)

    transaction.on_commit(ensure_present)
    return row


# -- reuse -------------------------------------------------------------------------------


def reuse_of(evidence, user=None):
    """Other evidence items with the same file, in another realisation (another month of the
    same item, another sub-activity, another unit), oldest first. With ``user``: only those
    in units the user may read."""
    from renaksi.access.policy import grants_for

    from .models import Evidence

    if not evidence.file_id:
        return Evidence.objects.none()
    queryset = (
        Evidence.objects.filter(file_id=evidence.file_id)
        .exclude(realisation_id=evidence.realisation_id)
        .select_related("unit", "realisation__period", "plan")
        .order_by("uploaded_at", "id")
    )
    if user is not None:
        grants = grants_for(user)
        if not grants.active:
            return queryset.none()
        condition = grants.readable_unit_filter("unit_id")
        if condition is not None:
            queryset = queryset.filter(condition)
    return queryset


def reuse_map(evidence_items, user=None) -> dict[int, list]:
    """``reuse_of`` for many items at once (one query): {evidence id: [other items]}."""
    from renaksi.access.policy import grants_for

    from .models import Evidence

    items = [item for item in evidence_items if item.file_id]
    result: dict[int, list] = {item.pk: [] for item in evidence_items}
    if not items:
        return result
    queryset = (
        Evidence.objects.filter(file_id__in={item.file_id for item in items})
        .select_related("unit", "realisation__period", "plan")
        .order_by("uploaded_at", "id")
    )
    if user is not None:
        grants = grants_for(user)
        if not grants.active:
            return result
        condition = grants.readable_unit_filter("unit_id")
        if condition is not None:
            queryset = queryset.filter(condition)
    by_file: dict[int, list] = {}
    for other in queryset:
        by_file.setdefault(other.file_id, []).append(other)
    for item in items:
        result[item.pk] = [
            other
            for other in by_file.get(item.file_id, [])
            if other.realisation_id != item.realisation_id
        ]
    return result
