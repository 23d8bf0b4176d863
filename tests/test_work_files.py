"""Evidence upload checks (renaksi/work/files.py validate_upload), with real sample files of
each allowed type and each attack (tests/evidence_samples.py)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from renaksi.work import files
from renaksi.work.files import (
    CONTENT_TYPES,
    download_name,
    make_thumbnail,
    sanitise_name,
    validate_upload,
)

from . import evidence_samples as samples

ALLOWED = {
    "laporan.pdf": (samples.pdf, "pdf"),
    "notulen.docx": (samples.docx, "docx"),
    "daftar-hadir.xlsx": (samples.xlsx, "xlsx"),
    "foto.jpg": (lambda: samples.jpeg_with_gps((800, 600), 1), "jpeg"),
    "tangkapan.png": (samples.png, "png"),
    "handmade.pdf": (samples.handmade_pdf, "pdf"),
}


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(samples.upload(name, data))
    message = caught.value.messages[0]
    assert name.rsplit("/", 1)[-1] in message or "\\x" in message, message
    return message


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_allowed_types_pass_and_are_recognised_by_content(name):
    build, file_type = ALLOWED[name]
    data = build()
    checked = validate_upload(samples.upload(name, data))
    assert checked.file_type == file_type
    assert checked.content_type == CONTENT_TYPES[file_type]
    assert checked.safe_name == name
    assert checked.size == len(data)
    import hashlib

    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_the_type_comes_from_the_content_not_the_name(name):
    build, file_type = ALLOWED[name]
    checked = validate_upload(samples.upload("berkas-tanpa-jenis.exe", build()))
    assert checked.file_type == file_type
    assert download_name(checked.safe_name, checked.file_type).endswith(
        "." + files.EXTENSIONS[file_type]
    )


ATTACKS = {
    # name: (builder, words the message must contain)
    "laporan.pdf": (samples.elf, "program"),
    "surat.pdf": (samples.pe, "program"),
    "halaman.pdf": (samples.html, "HTML"),
    "gambar.png": (samples.svg_with_script, "SVG"),
    "catatan.pdf": (samples.text_file, "tidak diizinkan"),
    "arsip.docx": (samples.plain_zip, "bukan dokumen Word"),
    "bom.docx": (samples.zip_bomb_docx, "bom ZIP"),
    "tumpuk.docx": (samples.overlapping_zip_docx, "bom ZIP"),
    "bohong.xlsx": (samples.lying_sizes_xlsx, "rusak"),
    "banyak.xlsx": (samples.many_entries_xlsx, "terlalu banyak bagian"),
    "makro.docx": (samples.docm, "makro"),
    "makro.xlsx": (samples.xlsm_content_type, "makro"),
    "js.pdf": (samples.pdf_with_javascript, "JavaScript"),
    "js-tersamar.pdf": (samples.pdf_with_hidden_javascript, "JavaScript"),
    "js-objstm.pdf": (samples.pdf_with_javascript_in_object_stream, "JavaScript"),
    "launch.pdf": (samples.pdf_with_launch, "Launch"),
    "lampiran.pdf": (samples.pdf_with_embedded_file, "berkas lain"),
    "pdf-zip.pdf": (samples.pdf_with_zip_appended, "poliglot"),
    "png-zip.png": (samples.png_with_zip, "poliglot"),
    "png-html.png": (samples.png_with_html, "poliglot"),
    "jpg-html.jpg": (samples.jpeg_with_html, "poliglot"),
    "jpg-zip.jpg": (samples.jpeg_with_zip, "poliglot"),
    "zip-pdf.docx": (samples.zip_with_pdf_header, "poliglot"),
    "rusak.jpg": (samples.truncated_jpeg, "rusak"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attacks_are_refused_with_a_message_naming_the_file(name):
    build, words = ATTACKS[name]
    message = refusal(name, build())
    assert words in message
    assert message.startswith(f"Berkas \u201c{name}\u201d")


def test_javascript_in_a_compressed_object_stream_is_found_by_the_object_walk():
    """A byte scan cannot see inside an object stream; the pdfminer walk does."""
    data = samples.pdf_with_javascript_in_object_stream()
    assert b"/JavaScript" not in data
    with pytest.raises(files._Refused):
        files._walk_pdf_objects(data)


def test_empty_file_is_refused():
    assert "kosong" in refusal("kosong.pdf", b"")


def test_oversize_is_refused(settings):
    settings.RENAKSI_EVIDENCE_MAX_BYTES = 1000
    message = refusal("besar.pdf", samples.pdf())
    assert "terlalu besar" in message
    assert "1000 bita" in message or "1000 bytes" in message, message


def test_oversize_is_refused_before_reading_the_upload(settings):
    """The declared size is enough: a huge upload is not read at all."""
    settings.RENAKSI_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

    class Huge:
        name = "besar.pdf"
        size = 3 * 1024 * 1024 * 1024

        def chunks(self, chunk_size=None):
            raise AssertionError("read although the size was known to be too big")

    with pytest.raises(ValidationError) as caught:
        validate_upload(Huge())
    assert "paling besar 20,0 MB" in caught.value.messages[0]


def test_oversize_with_a_wrong_declared_size_stops_reading_at_the_limit(settings):
    settings.RENAKSI_EVIDENCE_MAX_BYTES = 1024 * 1024
    read = []

    class Lying:
        name = "bohong.pdf"
        size = 10  # says small

        def chunks(self, chunk_size=None):
            for _ in range(1000):  # 1000 × 256 KB if read to the end
                read.append(chunk_size)
                yield b"%PDF-" + b"\0" * (chunk_size - 5)

    with pytest.raises(ValidationError):
        validate_upload(Lying())
    assert len(read) <= 5


def test_zip_limits_come_from_settings(settings):
    settings.RENAKSI_EVIDENCE_ZIP_MAX_TOTAL = 1000
    assert "bom ZIP" in refusal("kecil.docx", samples.docx())
    settings.RENAKSI_EVIDENCE_ZIP_MAX_TOTAL = 200 * 1024 * 1024
    settings.RENAKSI_EVIDENCE_ZIP_MAX_ENTRIES = 3
    assert "terlalu banyak" in refusal("kecil.docx", samples.docx())


def test_zip_bomb_is_refused_from_the_directory_without_inflating(monkeypatch):
    def no_inflating(*args, **kwargs):
        raise AssertionError("inflated a zip bomb")

    monkeypatch.setattr(files, "_stream_entry", no_inflating)
    assert "bom ZIP" in refusal("bom.docx", samples.zip_bomb_docx())


def test_entries_are_streamed_not_read_whole(monkeypatch):
    """Every entry of an accepted DOCX is inflated in chunks (CRC and size checked)."""
    streamed = []
    original = files._stream_entry

    def spy(archive, entry, budget):
        streamed.append(entry.filename)
        return original(archive, entry, budget)

    monkeypatch.setattr(files, "_stream_entry", spy)
    validate_upload(samples.upload("a.docx", samples.docx()))
    with zipfile.ZipFile(io.BytesIO(samples.docx())) as archive:
        assert set(streamed) == {e.filename for e in archive.infolist() if not e.is_dir()}


def test_encrypted_pdf_is_refused():
    import pypdfium2  # noqa: F401 - pdfium writes no encryption; use a handmade /Encrypt

    data = samples.handmade_pdf()
    # An /Encrypt entry with an unknown handler: neither pdfminer nor pdfium can open it.
    data = data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Rahasia /V 9 >>")
    with pytest.raises(ValidationError) as caught:
        validate_upload(samples.upload("kunci.pdf", data))
    assert "kunci.pdf" in caught.value.messages[0]


# -- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/laporan.pdf", "laporan.pdf"),
        ("C:\\Users\\andi\\Desktop\\notulen.docx", "notulen.docx"),
        ("lap\x00or\x07an\r\n.pdf", "laporan.pdf"),
        ("foto\u202egpj.exe.png", "fotogpj.exe.png"),  # bidi override removed
        ("  ..tersembunyi.pdf  ", "tersembunyi.pdf"),
        ("nama   dengan\tspasi.pdf", "nama dengan spasi.pdf"),
    ],
)
def test_names_are_sanitised(raw, safe):
    assert sanitise_name(raw) == safe
    checked = validate_upload(samples.upload("x.pdf", samples.handmade_pdf()))
    assert checked.safe_name == "x.pdf"


def test_a_sanitised_name_is_kept_on_the_checked_file():
    class Raw:
        name = "../../rahasia/lap\x00oran.pdf"
        size = None

        def __init__(self):
            self.data = samples.handmade_pdf()

        def chunks(self, chunk_size=None):
            yield self.data

    assert validate_upload(Raw()).safe_name == "laporan.pdf"


@pytest.mark.parametrize("raw", ["../../", "/", "....", "\x00\x01", "\u202e"])
def test_a_name_that_is_nothing_but_a_path_is_refused(raw):
    class Raw:
        name = raw
        size = None

        def chunks(self, chunk_size=None):
            yield samples.handmade_pdf()

    with pytest.raises(ValidationError) as caught:
        validate_upload(Raw())
    assert "Nama berkas" in caught.value.messages[0]
    assert "\x00" not in caught.value.messages[0]


def test_long_names_are_cut_keeping_the_extension():
    name = sanitise_name("a" * 400 + ".pdf")
    assert len(name) <= files.NAME_MAX_LENGTH and name.endswith(".pdf")


def test_download_name_gets_the_real_extension():
    assert download_name("foto.exe", "jpeg") == "foto.exe.jpg"
    assert download_name("foto.JPEG", "jpeg") == "foto.JPEG"
    assert download_name("laporan.pdf", "pdf") == "laporan.pdf"
    assert download_name("", "pdf") == "bukti-dukung.pdf"


# -- photos ------------------------------------------------------------------------------


def test_photo_is_turned_upright_downscaled_and_stripped():
    data = samples.jpeg_with_gps((3200, 2400), 6)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(samples.GPS_IFD)  # the sample carries GPS
    checked = validate_upload(samples.upload("foto.jpg", data))
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.format == "JPEG"
        # Orientation 6 applied first (portrait), then the longest side at 2560.
        assert image.size == (1920, 2560) == (checked.width, checked.height)
        exif = image.getexif()
        assert not exif.get_ifd(samples.GPS_IFD)
        assert len(exif) == 0
        assert "exif" not in image.info and "comment" not in image.info
        # The left half of the original (blue) is now on top.
        assert image.getpixel((960, 100))[2] > 150
    assert b"Kamera Uji" not in checked.data and b"rahasia" not in checked.data


def test_photo_side_limit_comes_from_settings(settings):
    settings.RENAKSI_EVIDENCE_IMAGE_MAX_SIDE = 500
    checked = validate_upload(samples.upload("foto.jpg", samples.jpeg_with_gps((1000, 800), 1)))
    assert (checked.width, checked.height) == (500, 400)


def test_png_text_chunks_are_stripped():
    data = samples.png()
    assert b"Rahasia" in data
    checked = validate_upload(samples.upload("layar.png", data))
    assert b"Rahasia" not in checked.data and b"GPS" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.size == (400, 300) and not image.text


def test_the_sha256_is_of_the_uploaded_bytes_not_the_reencoded_ones():
    import hashlib

    data = samples.jpeg_with_gps((800, 600), 1)
    checked = validate_upload(samples.upload("foto.jpg", data))
    assert checked.data != data
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_pixel_bomb_is_refused(settings):
    settings.RENAKSI_EVIDENCE_IMAGE_MAX_PIXELS = 1000
    assert "terlalu besar" in refusal("besar.png", samples.png())


# -- thumbnails --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["laporan.pdf", "foto.jpg", "tangkapan.png"])
def test_pdfs_and_images_get_a_thumbnail(name):
    build, _type = ALLOWED[name]
    thumbnail = make_thumbnail(validate_upload(samples.upload(name, build())))
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= files.THUMBNAIL_SIDE
        assert image.getbbox() is not None


@pytest.mark.parametrize("name", ["notulen.docx", "daftar-hadir.xlsx"])
def test_office_files_get_no_thumbnail(name):
    build, _type = ALLOWED[name]
    assert make_thumbnail(validate_upload(samples.upload(name, build()))) is None


def test_harmless_bytes_after_a_photo_are_dropped_not_refused():
    """Phones append data after a JPEG's end (motion photos): not an attack, and the
    re-encoding drops it."""
    photo = samples.jpeg_with_gps((64, 48), 1)
    data = photo + b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4
    checked = validate_upload(samples.upload("gerak.jpg", data))
    assert checked.file_type == "jpeg" and b"ftypmp42" not in checked.data
    assert files._jpeg_trailer(data) == data[len(photo) :]


def test_progressive_jpeg_trailer_is_found():
    with Image.open(io.BytesIO(samples.jpeg_with_gps((64, 48), 1))) as image:
        out = io.BytesIO()
        image.save(out, "JPEG", progressive=True)
    data = out.getvalue()
    assert files._jpeg_trailer(data + b"<script>") == b"<script>"
    assert "poliglot" in refusal("p.jpg", data + b"<script>alert(1)</script>")


def test_printer_settings_parts_of_ordinary_office_files_are_accepted():
    """Excel and Word write printerSettings1.bin into ordinary files; an OLE object is not."""
    data = samples.rezip(
        samples.xlsx(), add={"xl/printerSettings/printerSettings1.bin": b"\0" * 200}
    )
    assert validate_upload(samples.upload("cetak.xlsx", data)).file_type == "xlsx"
    data = samples.rezip(samples.docx(), add={"word/embeddings/oleObject1.bin": b"\xd0\xcf" * 9})
    assert "makro atau kode" in refusal("ole.docx", data)
