"""Choose the reader by the file's content, never by its name. Plain Python, no Django."""

from __future__ import annotations

from .model import DecreeError
from .source import MAX_BYTES, SourceDocument, read_text


def sniff(data: bytes) -> str:
    """The format of ``data``: "text" (more formats are added by their readers)."""
    return "text"


def read_document(data: bytes | str) -> SourceDocument:
    """Read any supported decree file into a ``SourceDocument``."""
    if isinstance(data, str):
        return read_text(data)
    if len(data) > MAX_BYTES:
        raise DecreeError(
            f"Berkas terlalu besar ({len(data) // 1024} KB); batasnya {MAX_BYTES // 1024} KB."
        )
    if not data.strip():
        raise DecreeError("Berkas kosong: tidak ada teks keputusan untuk diimpor.")
    return read_text(data)
