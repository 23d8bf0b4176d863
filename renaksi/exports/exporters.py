"""``PlanExporter``: one plan's official document, built once and rendered in every format.

::

    exporter = PlanExporter.for_plan(plan, whole=True, paper="f4")
    data = exporter.render("pdf")  # bytes
    exporter.filename("pdf")  # "keputusan-rencana-aksi-6107-2022-f4.pdf"

The content (``Document``: body, Lampiran heading, table grid, closing) is built once from
the plan and every format lays it out: ``txt`` (the text copy the importer reads), ``xlsx``,
``docx`` and ``pdf``. The web download, the ``export_plan`` command and any later API use this
class; access is checked by the caller (views load the plan with ``get_plan_for_user``).
"""

from __future__ import annotations

import re
from functools import cached_property

from django.utils.translation import gettext as _

from renaksi.lib.decree.model import ParsedDecree

from .content import plan_decree
from .document import Document, build_document
from .paper import DEFAULT_PAPER, PAPERS

FORMATS = ("txt", "xlsx", "docx", "pdf")
CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class ExportError(Exception):
    """An export that cannot be made (unknown format or paper). ``message`` is Indonesian."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def check_format(fmt: str) -> str:
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(
            _("Format '%(format)s' tidak dikenal: pilih salah satu dari %(formats)s.")
            % {"format": fmt, "formats": ", ".join(FORMATS)}
        )
    return fmt


def check_paper(paper: str) -> str:
    paper = (paper or DEFAULT_PAPER).lower()
    if paper not in PAPERS:
        raise ExportError(
            _("Ukuran kertas '%(paper)s' tidak dikenal: pilih a4 atau f4.") % {"paper": paper}
        )
    return paper


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class PlanExporter:
    """The Lampiran (``whole=False``) or the whole decree of one plan, on A4 or F4."""

    def __init__(
        self,
        decree: ParsedDecree,
        *,
        whole: bool = False,
        paper: str = DEFAULT_PAPER,
        unit_code: str = "",
    ):
        self.decree = decree
        self.whole = whole
        self.paper = PAPERS[check_paper(paper)]
        self.unit_code = unit_code

    @classmethod
    def for_plan(cls, plan, *, whole: bool = False, paper: str = DEFAULT_PAPER) -> PlanExporter:
        """The exporter of a saved plan (its unit loaded with it: 4 queries for the tree)."""
        return cls(plan_decree(plan), whole=whole, paper=paper, unit_code=plan.unit.code)

    @cached_property
    def document(self) -> Document:
        return build_document(self.decree, whole=self.whole)

    def render(self, fmt: str) -> bytes:
        fmt = check_format(fmt)
        if fmt == "txt":
            return self.document.text().encode("utf-8")
        if fmt == "xlsx":
            from .xlsx import render_xlsx

            return render_xlsx(self.document, self.paper)
        if fmt == "docx":
            from .docx import render_docx

            return render_docx(self.document, self.paper)
        from .pdf import render_pdf

        return render_pdf(self.document, self.paper)

    def filename(self, fmt: str) -> str:
        """An ASCII file name: ``rencana-aksi-6107-2022.xlsx``,
        ``keputusan-rencana-aksi-6107-2022-f4.pdf``."""
        fmt = check_format(fmt)
        code = _slug(self.unit_code) or _slug(self.decree.header.unit_name) or "satker"
        parts = ["keputusan-rencana-aksi" if self.whole else "rencana-aksi", code]
        if self.decree.header.year:
            parts.append(str(self.decree.header.year))
        if self.paper.code != DEFAULT_PAPER and fmt in ("xlsx", "docx", "pdf"):
            parts.append(self.paper.code)
        return "-".join(parts) + "." + fmt

    @staticmethod
    def content_type(fmt: str) -> str:
        return CONTENT_TYPES[check_format(fmt)]
