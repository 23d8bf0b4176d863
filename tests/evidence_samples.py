"""Real small sample files for the evidence checks, built at test time: one of each allowed
type (PDF, DOCX, XLSX, JPEG with EXIF GPS, PNG) and one of each attack (zip bombs,
polyglots, executables renamed, HTML, SVG with script, PDFs with JavaScript, a launch action
or an embedded file, macro-enabled Office files).

Each builder returns bytes; ``upload(name, data)`` wraps them as a Django upload.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# -- PDF ---------------------------------------------------------------------------------


def handmade_pdf(
    text: str = "Notulen rapat", catalog_extra: bytes = b"", objects: tuple = ()
) -> bytes:
    """A one-page PDF written object by object (so attacks can be added to the catalog),
    with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 40 100 Td ({text}) Tj ET".encode()
    body = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    )
    return out.getvalue()


@cache
def pdf() -> bytes:
    """A real PDF report made by WeasyPrint (fonts, text, a table)."""
    from weasyprint import HTML

    html = (
        "<h1>Laporan Kegiatan</h1><p>Rapat koordinasi reformasi birokrasi, "
        "KPU Kabupaten Bengkayang.</p><table><tr><td>Peserta</td><td>12</td></tr></table>"
    )
    return HTML(string=html).write_pdf()


def pdf_with_javascript() -> bytes:
    return handmade_pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")


def pdf_with_hidden_javascript() -> bytes:
    """The name written with #xx escapes (/J#61vaScript), as malware does."""
    return handmade_pdf(catalog_extra=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")


def pdf_with_launch() -> bytes:
    return handmade_pdf(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>")


def pdf_with_embedded_file() -> bytes:
    payload = b"MZ\x90\x00 not really a program"
    return handmade_pdf(
        catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>",
        objects=(
            b"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(payload)
            + payload
            + b"\nendstream",
        ),
    )


def pdf_with_javascript_in_object_stream() -> bytes:
    """JavaScript in a compressed object stream (PDF 1.5), invisible to a byte scan: the
    catalog's OpenAction points at object 6, which lives inside object stream 7."""
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"6 0 "
    objstm_data = zlib.compress(header + action)
    stream_page = b"BT /F1 18 Tf 40 100 Td (Halo) Tj ET"
    body = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(stream_page) + stream_page + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        7: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(objstm_data))
        + objstm_data
        + b"\nendstream",
    }
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, obj in body.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref_offset = out.tell()
    rows = [b"\x00" + struct.pack(">I", 0) + b"\xff\xff"]
    for number in range(1, 9):
        if number == 6:
            rows.append(b"\x02" + struct.pack(">I", 7) + b"\x00\x00")
        elif number == 8:
            rows.append(b"\x01" + struct.pack(">I", xref_offset) + b"\x00\x00")
        else:
            rows.append(b"\x01" + struct.pack(">I", offsets[number]) + b"\x00\x00")
    xref_data = b"".join(rows)
    out.write(
        b"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(xref_data)
        + xref_data
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return out.getvalue()


def pdf_with_zip_appended() -> bytes:
    return pdf() + docx()


# -- Office ------------------------------------------------------------------------------


@cache
def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Notulen Rapat", level=1)
    document.add_paragraph("Rapat Tim Pelaksana Area 5, KPU Kabupaten Bengkayang.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@cache
def xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["No", "Nama", "Hadir"])
    sheet.append([1, "Andi", "ya"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(source: bytes, *, add: dict | None = None, replace: dict | None = None) -> bytes:
    """A copy of a zip with entries added or replaced (name → bytes)."""
    add = add or {}
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for entry in old.infolist():
            data = replace.get(entry.filename, old.read(entry.filename))
            new.writestr(entry.filename, data)
        for name, data in add.items():
            new.writestr(name, data)
    return out.getvalue()


def docm() -> bytes:
    """A macro-enabled Word document saved as .docx: a vbaProject.bin part."""
    source = docx()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return rezip(
        source,
        replace={"[Content_Types].xml": types},
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512},
    )


def xlsm_content_type() -> bytes:
    """An Excel workbook declaring the macro-enabled main part (no .bin part)."""
    source = xlsx()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(source, replace={"[Content_Types].xml": types})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("laporan.txt", "isi laporan")
    return out.getvalue()


@cache
def zip_bomb_docx() -> bytes:
    """A valid DOCX with one extra part of 60 MB of zeros (about 60 KB compressed)."""
    out = io.BytesIO(docx())
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/padding.xml", "w") as part,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(60):
            part.write(chunk)
    return out.getvalue()


def lying_sizes_xlsx() -> bytes:
    """An XLSX whose central directory says a part inflates to 100 bytes; it inflates to 5 MB
    (a bomb that lies to a check that only reads the directory)."""
    out = io.BytesIO(xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/big.xml", b"A" * (5 * 1024 * 1024))
    data = bytearray(out.getvalue())
    name = b"xl/media/big.xml"
    position = data.find(b"PK\x01\x02")
    patched = False
    while position >= 0:
        length = struct.unpack("<H", data[position + 28 : position + 30])[0]
        if data[position + 46 : position + 46 + length] == name:
            data[position + 24 : position + 28] = struct.pack("<I", 100)  # uncompressed size
            patched = True
        position = data.find(b"PK\x01\x02", position + 4)
    assert patched
    return bytes(data)


def overlapping_zip_docx() -> bytes:
    """A DOCX whose central directory lists the same compressed data under many names
    (the overlapping-files zip bomb)."""
    data = bytearray(docx())
    end = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", data[end + 12 : end + 20])
    directory = bytes(data[cd_offset : cd_offset + cd_size])
    first_len = 46 + sum(struct.unpack("<HHH", directory[28:34]))
    first = directory[:first_len]
    copies = []
    for index in range(200):
        name_len = struct.unpack("<H", first[28:30])[0]
        new_name = b"word/copy%03d.xml" % index
        entry = first[:28] + struct.pack("<H", len(new_name)) + first[30:46] + new_name
        entry += first[46 + name_len :]
        copies.append(entry)
    new_directory = directory + b"".join(copies)
    count = struct.unpack("<H", data[end + 10 : end + 12])[0] + len(copies)
    eocd = (
        b"PK\x05\x06"
        + b"\0\0\0\0"
        + struct.pack("<HHII", count, count, len(new_directory), cd_offset)
        + b"\0\0"
    )
    return bytes(data[:cd_offset]) + new_directory + eocd


def many_entries_xlsx(count: int = 6000) -> bytes:
    out = io.BytesIO(xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            archive.writestr(f"xl/media/p{index}.xml", b"")
    return out.getvalue()


def zip_with_pdf_header() -> bytes:
    """A DOCX whose first part holds %PDF- near the start: a PDF reader that looks for the
    header within the first 1024 bytes opens it as a PDF too."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.xml", b"%PDF-1.4\n1 0 obj << >> endobj\n")
    with (
        zipfile.ZipFile(io.BytesIO(docx())) as source,
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
    ):
        for entry in source.infolist():
            archive.writestr(entry.filename, source.read(entry.filename))
    return out.getvalue()


# -- images ------------------------------------------------------------------------------


@cache
def jpeg_with_gps(size: tuple[int, int] = (3200, 2400), orientation: int = 6) -> bytes:
    """A camera-like JPEG: EXIF with GPS position, camera model and an orientation tag
    (6: the picture must be turned 90° clockwise to be upright)."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 60, 30))
    for x in range(0, size[0] // 2):  # a left half of another colour, to see the rotation
        image.paste((30, 60, 200), (x, 0, x + 1, size[1]))
    exif = image.getexif()
    exif[ORIENTATION] = orientation
    exif[0x0110] = "Kamera Uji"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (0.0, 55.0, 1.5)
    gps[3] = "E"
    gps[4] = (109.0, 28.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=80, comment=b"rahasia")
    return out.getvalue()


@cache
def png() -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGBA", (400, 300), (10, 120, 60, 255))
    info = PngInfo()
    info.add_text("Author", "Andi, Jl. Rahasia 1")
    info.add_text("GPS", "0.9167,109.4667")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_with_zip() -> bytes:
    return png() + docx()


def png_with_html() -> bytes:
    return png() + b"<html><script>alert(document.cookie)</script></html>"


def jpeg_with_html() -> bytes:
    return jpeg_with_gps((64, 48), 1) + b"<script>alert(1)</script>"


def jpeg_with_zip() -> bytes:
    return jpeg_with_gps((64, 48), 1) + plain_zip()


def truncated_jpeg() -> bytes:
    return jpeg_with_gps((64, 48), 1)[:200]


# -- not allowed at all ------------------------------------------------------------------


def elf() -> bytes:
    """A real Linux executable (the system's /bin/true)."""
    with open("/bin/true", "rb") as handle:
        return handle.read()


def pe() -> bytes:
    """The start of a Windows executable: MZ header, DOS stub, PE signature."""
    dos = bytearray(b"MZ" + b"\x90\x00" + b"\0" * 56)
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$".ljust(0x80 - len(dos), b"\0")
    return bytes(dos) + stub + b"PE\0\0" + struct.pack("<HH", 0x14C, 1) + b"\0" * 512


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>fetch('/')</script></body></html>"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
    )


def text_file() -> bytes:
    return b"Ini hanya catatan teks biasa.\n"
