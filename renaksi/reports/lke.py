"""The LKE worksheet of one assessment as an XLSX workbook, with its scores and evidence index.

``lke_workbook(assessment) -> bytes``: two sheets.

* ``LKE``: the framework's tree in its order (every component, aspect, area, sub-component
  and item) with code, number, title, answer type, weight, the unit's own answer, the item's
  value (0..1), the score, its maximum and percentage, the justification and the number of
  evidence items; then, for every reviewing tier that scored the assessment (the unit's Tim
  Asesor, the KPU Provinsi, KPU RI), its answer and score. Above the table: each tier's
  index, category and how many items it answered.
* ``Indeks Bukti``: one row per evidence item of each answered item, under a folder-style
  code built from the tree as the ZI practice files them (DOMAIN.md §3.5: area number, sub-
  component, item: ``1.i.a``), the folder path (``AREA I\\i. Penyusunan Tim Kerja\\1.i.a …``),
  the evidence's title, its file name and its link. An item without evidence has one row that
  says so.

Scores come from ``evaluation.scoring`` (``load_tree``, ``score``) over
``evaluation.answers.answers_of`` for each tier: the worksheet is scored the way the pages
and the commands score it, never from the cached totals. A fixed number of queries whatever
the framework's size (the tree, one per tier, the self answers' notes and their evidence).
"""

from __future__ import annotations

import re
from collections import defaultdict
from fractions import Fraction

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment

from renaksi.evaluation.answers import answers_of
from renaksi.evaluation.models import Answer, AnswerType, Assessment, Tier
from renaksi.evaluation.scoring import (
    RawAnswer,
    Result,
    ScoringError,
    TreeNode,
    display,
    load_tree,
    score,
)

from . import sheets
from .errors import ReportError

ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN = re.compile(r"^[ivxlc]+$", re.IGNORECASE)
REVIEW_TIERS = (Tier.UNIT_ASSESSOR, Tier.PROVINCE, Tier.NATIONAL)


def roman_to_int(text: str) -> int | None:
    text = text.strip().lower()
    if not text or not _ROMAN.match(text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = ROMAN[char]
        following = ROMAN[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def int_to_roman(number: int) -> str:
    """``1`` → ``I``, ``4`` → ``IV``, ``9`` → ``IX`` (the ZI folders name areas in Roman)."""
    result = ""
    for value, letters in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            result += letters
            number -= value
    return result


def _label(node: TreeNode) -> str:
    if node.label:
        return node.label.strip().rstrip(".")
    siblings = node.parent.children if node.parent else [node]
    return str(siblings.index(node) + 1)


def folder_parts(node: TreeNode) -> list[TreeNode]:
    """The nodes that name an item's folder: from its area down to the item (component and
    aspect levels are not folders); the whole path below the top when there is no area."""
    chain = [*node.path(), node]
    start = next((i for i, n in enumerate(chain) if n.kind == "area"), None)
    if start is None:
        start = 1 if len(chain) > 1 else 0
    return chain[start:]


def folder_code(node: TreeNode) -> str:
    """``1.i.a``: the area's number in Arabic figures, then the labels below it."""
    parts = folder_parts(node)
    labels = []
    for index, part in enumerate(parts):
        label = _label(part)
        if index == 0 and part.kind == "area":
            number = roman_to_int(label)
            label = str(number) if number is not None else label
        labels.append(label.lower() if index else label)
    return ".".join(labels)


def folder_path(node: TreeNode, name: str) -> str:
    """``AREA I\\i. Penyusunan Tim Kerja\\1.i.a <name>``."""
    parts = folder_parts(node)
    folders = []
    for part in parts[:-1]:
        if part.kind == "area":
            label = _label(part)
            if label.isdigit():
                label = int_to_roman(int(label))
            folders.append(f"AREA {label.upper()}")
        else:
            title = " ".join(part.title.split())[:60].rstrip()
            folders.append(f"{_label(part)}. {title}")
    return "\\".join([*folders, f"{folder_code(node)} {name}".strip()])


def answer_text(node: TreeNode, raw: RawAnswer | None) -> str:
    if raw is None:
        return ""
    if raw.option:
        option = raw.option.strip().lower()
        if option in ("ya", "tidak"):
            return option.capitalize()
        return option.upper()
    if raw.counts:
        names = [str(entry.get("name")) for entry in node.count_inputs if entry.get("name")]
        names = names or list(raw.counts)
        return " / ".join(str(raw.counts.get(name, "")) for name in names)
    if raw.number is not None:
        return f"{raw.number.normalize():f}"
    return ""


def _scores(tree, answers: dict[str, RawAnswer], tier: str) -> Result:
    try:
        return score(tree, answers)
    except ScoringError as error:
        raise ReportError(
            _("Lembar kerja tidak dapat dinilai (%(tier)s): %(message)s")
            % {"tier": Tier(tier).label, "message": error.message}
        ) from error


def _evidence(assessment: Assessment) -> tuple[dict, dict]:
    """The self answers' justification and evidence: {code: text}, {code: [(title, file,
    link)]} (two queries)."""
    notes: dict[str, str] = {}
    evidence: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    site = settings.SITE_URL.rstrip("/")
    through = Answer.evidence.through
    rows = (
        through.objects.filter(answer__assessment=assessment, answer__tier=Tier.SELF)
        .order_by("answer__item__sequence", "evidence__uploaded_at", "evidence_id")
        .values_list(
            "answer__item__code",
            "evidence_id",
            "evidence__title",
            "evidence__original_name",
            "evidence__url",
        )
    )
    for code, pk, title, name, url in rows:
        link = url or site + reverse("work:evidence_download", args=[pk])
        evidence[code].append((title, name or "", link))
    for code, justification, name in (
        Answer.objects.filter(assessment=assessment, tier=Tier.SELF)
        .order_by("item__sequence")
        .values_list("item__code", "justification", "answer_files__original_name")
    ):
        if justification:
            notes[code] = justification
        if name:
            evidence[code].append((name, name, ""))
    return notes, evidence


def _given(raw: RawAnswer) -> bool:
    """A score, not a note alone (a reviewer's remark without a score is no answer)."""
    return bool(raw.option or raw.number is not None or raw.counts)


def lke_rows(assessment: Assessment):
    """The scored tree and the tiers with answers: (tree, {tier: answers}, {tier: Result}).

    A reviewing tier's total is scored as the assessment pages score it: its own answer where
    it gave one, else the unit's (``{**self, **tier}``); ``answers`` keeps each tier's own."""
    tree = load_tree(assessment.framework)
    own = {code: raw for code, raw in answers_of(assessment, Tier.SELF).items() if _given(raw)}
    answers = {Tier.SELF: own}
    for tier in REVIEW_TIERS:
        given = {code: raw for code, raw in answers_of(assessment, tier).items() if _given(raw)}
        if given:
            answers[tier] = given
    results = {
        tier: _scores(tree, given if tier == Tier.SELF else {**own, **given}, tier)
        for tier, given in answers.items()
    }
    return tree, answers, results


def span(ws, row: int, first: int, last: int, value, style: str, **kw) -> None:
    """One value over the columns ``first``..``last`` of a row (merged, boxed)."""
    sheets.put(ws, row, first, value, style, **kw)
    for column in range(first + 1, last + 1):
        sheets.put(ws, row, column, None, style, **kw)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def row_lines(*pairs: tuple[str, float]) -> int:
    """The lines the tallest of some wrapped texts needs, (text, column width) each."""
    return max(
        (max(1, -(-len(text) // max(int(width * 1.15), 4))) for text, width in pairs if text),
        default=1,
    )


def node_depth(node: TreeNode) -> int:
    return len(node.path())


def _fraction(value: Fraction | None):
    return None if value is None else float(display(value, 4))


def lke_workbook(assessment: Assessment, *, paper: str = "a4") -> bytes:
    framework = assessment.framework
    unit = assessment.unit
    tree, answers, results = lke_rows(assessment)
    notes, evidence = _evidence(assessment)
    wb = sheets.new_workbook(f"LKE {unit.name} {assessment.year}")

    ws = wb.create_sheet("LKE")
    sheets.page_setup(ws, paper=paper)
    sheets.put(ws, 1, 1, _("LEMBAR KERJA EVALUASI (LKE)"), "title", box=False)
    sheets.put(ws, 2, 1, framework.title, "subtitle", box=False)
    sheets.put(
        ws,
        3,
        1,
        _("%(unit)s · Tahun %(year)s") % {"unit": unit.name, "year": assessment.year},
        "subtitle",
        box=False,
    )
    # Each tier's totals: Penilai over A:C, Indeks in D, Kategori over E:G, answered over H:J.
    row = 5
    for first, last, label in (
        (1, 3, _("Penilai")),
        (4, 4, _("Indeks")),
        (5, 7, _("Kategori")),
        (8, 10, _("Butir dijawab / dinilai")),
    ):
        span(ws, row, first, last, label, "head", fill=sheets.HEAD_FILL)
    items = tree.items
    for tier, result in results.items():
        row += 1
        category = result.category or {}
        label = " ".join(
            part for part in (category.get("code", ""), category.get("label", "")) if part
        )
        span(ws, row, 1, 3, Tier(tier).label, "bold")
        sheets.put(ws, row, 4, display(result.index), "bold_number")
        span(ws, row, 5, 7, label or "—", "cell")
        span(
            ws,
            row,
            8,
            10,
            _("%(answered)s dari %(items)s")
            % {"answered": len(answers[tier]), "items": len(items)},
            "cell",
        )
    if not framework.complete:
        row += 1
        sheets.put(
            ws,
            row,
            1,
            _("Kerangka belum lengkap: %(note)s") % {"note": framework.incomplete_note or "—"},
            "subtitle",
            box=False,
        )

    row += 2
    head = [
        "No",
        _("Kode"),
        _("Uraian"),
        _("Jenis jawaban"),
        _("Bobot"),
        _("Jawaban"),
        _("Nilai butir"),
        _("Nilai"),
        _("Nilai maks."),
        _("%"),
        _("Penjelasan"),
        _("Bukti dukung"),
    ]
    reviewing = [tier for tier in REVIEW_TIERS if tier in results]
    for tier in reviewing:
        head += [
            _("Jawaban %(tier)s") % {"tier": Tier(tier).label},
            _("Nilai %(tier)s") % {"tier": Tier(tier).label},
        ]
    sheets.header_row(ws, row, head)
    ws.freeze_panes = ws.cell(row=row + 1, column=4)
    ws.print_title_rows = f"{row}:{row}"
    types = dict(AnswerType.choices)
    own = results[Tier.SELF]
    for node in tree.walk():
        row += 1
        scored = own.by_code[node.code]
        item = node.is_item
        text_style = "cell" if item else "bold"
        number_style = "number" if item else "bold_number"
        sheets.put(ws, row, 1, node.label, "center")
        sheets.put(ws, row, 2, node.code, text_style)
        title = sheets.put(ws, row, 3, node.title, text_style)
        title.alignment = Alignment(vertical="top", wrap_text=True, indent=min(node_depth(node), 6))
        sheets.put(ws, row, 4, str(types.get(node.answer_type, "")) if item else "", "cell")
        sheets.put(ws, row, 5, _fraction(node.weight), number_style)
        if item:
            sheets.put(ws, row, 6, answer_text(node, answers[Tier.SELF].get(node.code)), "center")
            sheets.put(ws, row, 7, _fraction(scored.value), number_style)
        else:
            sheets.put(ws, row, 6, None)
            sheets.put(ws, row, 7, None)
        sheets.put(ws, row, 8, _fraction(scored.score), number_style)
        sheets.put(ws, row, 9, _fraction(scored.maximum), number_style)
        sheets.put(ws, row, 10, _fraction(scored.percent), number_style)
        note = notes.get(node.code, "") if item else ""
        sheets.put(ws, row, 11, note, "cell")
        ws.row_dimensions[row].height = 12 * row_lines((node.title, 52), (note, 40)) + 2
        sheets.put(ws, row, 12, len(evidence.get(node.code, ())) if item else None, "number")
        column = 13
        for tier in reviewing:
            theirs = results[tier].by_code[node.code]
            given = answers[tier].get(node.code) if item else None
            sheets.put(ws, row, column, answer_text(node, given) if item else "", "center")
            sheets.put(ws, row, column + 1, _fraction(theirs.score), number_style)
            column += 2
    sheets.widths(ws, [6, 14, 60, 14, 8, 9, 9, 9, 9, 8, 40, 9] + [11, 10] * len(reviewing))

    index_sheet(wb, tree, evidence, paper)
    return sheets.save(wb)


def index_sheet(wb, tree, evidence, paper: str) -> None:
    ws = wb.create_sheet("Indeks Bukti")
    sheets.page_setup(ws, paper=paper)
    sheets.put(ws, 1, 1, _("INDEKS BUKTI DUKUNG"), "title", box=False)
    sheets.header_row(
        ws,
        3,
        [
            _("Kode folder"),
            _("Kode butir"),
            _("Butir"),
            _("Folder"),
            _("Judul bukti"),
            _("Nama berkas"),
            _("Tautan"),
        ],
    )
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    row = 3
    for node in tree.items:
        entries = evidence.get(node.code) or [(None, "", "")]
        for title, name, link in entries:
            row += 1
            code = folder_code(node)
            sheets.put(ws, row, 1, code, "plain")
            sheets.put(ws, row, 2, node.code, "plain")
            sheets.put(ws, row, 3, node.title, "cell")
            if title is None:
                sheets.put(ws, row, 4, folder_path(node, ""), "cell")
                sheets.put(ws, row, 5, _("(belum ada bukti dukung)"), "cell")
                sheets.put(ws, row, 6, None)
                sheets.put(ws, row, 7, None)
                continue
            sheets.put(ws, row, 4, folder_path(node, name or title), "cell")
            sheets.put(ws, row, 5, title, "cell")
            sheets.put(ws, row, 6, name, "cell")
            cell = sheets.put(ws, row, 7, link, "cell")
            if link.startswith(("http://", "https://")):
                cell.hyperlink = link
    sheets.widths(ws, [11, 14, 50, 50, 40, 30, 45])
