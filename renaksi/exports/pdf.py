"""The document as PDF: an HTML template (``exports/document.html``, its CSS in
``exports/document.css``) printed by WeasyPrint. The decree's body on portrait pages, the
Lampiran on landscape pages (a named ``@page``), its header rows a ``<thead>`` that WeasyPrint
repeats on every page; A4 or F4. Every text is escaped by the template."""

from __future__ import annotations

import re
from dataclasses import replace

from django.template.loader import render_to_string

from .document import Document, GridCell
from .docx import _SECTION, CENTRED, CERTIFICATION, CLAUSE_ROLES, SIGNATURE
from .paper import Paper

STRONG = {"copy", "title", "memutuskan"}


def _blocks(lines) -> list[dict]:
    blocks: list[dict] = []
    for line in lines:
        role = line.role.removeprefix("closing_")
        if not line.text:
            blocks.append({"kind": "gap"})
            continue
        if role in CLAUSE_ROLES:
            match = (
                _SECTION.match(line.text) if role in ("section", "dictum", "menetapkan") else None
            )
            row = (
                (match.group(1), ":", _keep(match.group(2)))
                if match
                else ("", "", _keep(line.text))
            )
            if blocks and blocks[-1]["kind"] == "clauses":
                blocks[-1]["rows"].append(row)
            else:
                blocks.append({"kind": "clauses", "rows": [row]})
            continue
        if role in STRONG:
            kind = "strong"
        elif role in CENTRED:
            kind = "center"
        elif role in SIGNATURE:
            kind = "signature"
        elif role in CERTIFICATION:
            kind = "certification"
        else:
            kind = "plain"
        blocks.append({"kind": kind, "text": _keep(line.text)})
    while blocks and blocks[-1]["kind"] == "gap":
        blocks.pop()
    return blocks


# A space after "/" or "-" ("dokumentasi/ pelaporan") must not become a line break: a PDF
# reader joins a line that ends in "/" or "-" to the next without a space.
_AFTER_JOINER = re.compile(r"(?<=\S[/-]) ")


def _keep(text: str) -> str:
    return _AFTER_JOINER.sub("\u00a0", text)


def _unbreakable(cell: GridCell | None) -> GridCell | None:
    if cell is None or not any(" " in line for line in cell.lines):
        return cell
    return replace(cell, lines=[_keep(line) for line in cell.lines])


def document_html(document: Document, paper: Paper) -> str:
    grid = document.table
    widths = grid.widths()
    total = sum(widths)
    h = document.header
    if paper.code == "a4":
        portrait, landscape = "A4 portrait", "A4 landscape"
    else:
        portrait = f"{paper.width_mm:g}mm {paper.height_mm:g}mm"
        landscape = f"{paper.height_mm:g}mm {paper.width_mm:g}mm"
    return render_to_string(
        "exports/document.html",
        {
            "title": f"Rencana Aksi RB {h.unit_name} Tahun {h.year}",
            "portrait": portrait,
            "landscape": landscape,
            "body": _blocks(document.body),
            "heading": [line.text for line in document.heading if line.role != "table_title"],
            "table_title": [line.text for line in document.heading if line.role == "table_title"],
            "widths": [f"{100 * w / total:.3f}" for w in widths],
            "head": grid.head,
            "rows": [[_unbreakable(cell) for cell in row] for row in grid.rows],
            "closing": _blocks(document.closing),
        },
    )


def render_pdf(document: Document, paper: Paper) -> bytes:
    from weasyprint import HTML

    return HTML(string=document_html(document, paper)).write_pdf()
