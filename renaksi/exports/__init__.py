"""Official documents out: the Lampiran and the whole decree as text, XLSX, DOCX and PDF."""
