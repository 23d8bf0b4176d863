"""The offline worksheet (lembar kerja) of an LKE framework, and reading a filled one back.

The PMPRB procedure fills the LKE offline first (DOMAIN.md §2.1). Two forms:

* ``template_json(framework)``: every item with its code, its place in the tree (the codes,
  labels, titles and weights of its parents), its own weight, answer type, options with
  their labels and values, the count inputs of a percentage item and an example answer in
  the shape ``lke_score --answers`` reads.
* ``build_xlsx(framework, assessment=None)``: one sheet ``LKE``; a header; the tree as rows
  (components, aspects, areas and sub-components as heading rows with their titles and
  weights, then each item), an answer column (E) with a drop-down list for option items,
  two count columns (F, G) for percentage items, a justification column (H) and a column of
  options and guidance (I). Column A holds each row's node code and column J (hidden) a
  check of (framework, row, code); cells a person does not fill are locked (the sheet is
  protected without a password, so rows cannot be inserted or sorted by accident). With an
  assessment, the unit's own answers (tier self) are filled in.
* ``read_xlsx(data, framework)``: the answers of a filled sheet as ``{code: raw answer}``
  (the shapes ``scoring.parse_answer`` reads) and justifications, or ``WorksheetError``
  listing every problem with its row and cell ("Baris 14, sel E14: jawaban “F” bukan salah
  satu pilihan (A, B, C, D)."): a file that is not this framework's worksheet, rows moved or
  sorted, codes changed, rows deleted or added, answers that do not fit their item.

``import_worksheet(actor, assessment, data)`` reads a sheet and saves its answers into the
assessment in one transaction (all or nothing), with one ``evaluation.worksheet_imported``
audit entry.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import (
    FORMULA_INPUTS,
    NUMBER_SCALE,
    OPTION_CODES,
    AnswerType,
    Formula,
    Framework,
)
from .scoring import (
    ScoringError,
    Tree,
    TreeNode,
    _round,
    display,
    item_value,
    load_tree,
    option_codes,
    option_value,
    parse_answer,
)

FORMAT = "renaksi-lke-1"  # written to the sheet; a later layout gets a new name
SHEET = "LKE"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
# Column letters.
CODE, NUMBER, TITLE, WEIGHT, ANSWER, COUNT1, COUNT2, NOTE, GUIDE, CHECK = "ABCDEFGHIJ"
COUNTS = (COUNT1, COUNT2)
MAX_PROBLEMS = 100  # listed; more are counted
MAX_ROWS = 5000  # a sheet with more rows is not one of ours
KIND_LABELS = {
    "component": "Komponen",
    "aspect": "Aspek",
    "area": "Area",
    "sub_component": "Sub komponen",
    "item": "Butir",
}


# -- text of numbers ------------------------------------------------------------------------


def weight_text(weight: Fraction | None) -> str | None:
    """A weight as exact text: "0.5", "17.5", "4" or "1/3" (when no decimal is exact)."""
    if weight is None:
        return None
    denominator = weight.denominator
    for twos_fives in (2, 5):
        while denominator % twos_fives == 0:
            denominator //= twos_fives
    if denominator != 1:
        return f"{weight.numerator}/{weight.denominator}"
    exact = Decimal(weight.numerator) / Decimal(weight.denominator)
    return format(exact.normalize(), "f")


def _comma(value: Fraction | Decimal | None, decimals: int = 2) -> str:
    """A value in the active language's way: "0,67" (Indonesian), "0.67" (English)."""
    if value is None:
        return ""
    shown = value if isinstance(value, Decimal) else display(value, decimals)
    return number_format(shown, decimals)  # "0,67" in Indonesian, "0.67" in English


def option_rows(tree: Tree, node: TreeNode) -> list[dict[str, Any]]:
    """The options of an option item with their labels and values (as scored: rounded when
    the framework rounds)."""
    labels = {str(o.get("code", "")).lower(): o.get("label", "") for o in node.options}
    rows = []
    for code in option_codes(node):
        value = _round(tree.rules, option_value(tree.rules, node, code))
        rows.append(
            {
                "code": code,
                "answer": _shown_option(code),
                "label": labels.get(code, ""),
                "value": weight_text(value),
                "value_display": str(display(value)),
            }
        )
    return rows


def _shown_option(code: str) -> str:
    """How a person writes an option in the sheet: "A", "Ya", "Tidak"."""
    return code.upper() if len(code) == 1 else code.capitalize()


def _is_option_item(node: TreeNode) -> bool:
    return node.answer_type in OPTION_CODES or bool(node.options)


def count_inputs(node: TreeNode) -> list[dict[str, str]]:
    """The two count inputs of a percentage item, in formula order, with their labels."""
    names = FORMULA_INPUTS[node.formula or Formula.RATIO]
    labels = {str(i.get("name")): i.get("label", "") for i in node.count_inputs or []}
    defaults = {
        "numerator": _("pembilang"),
        "denominator": _("penyebut"),
        "previous": _("jumlah tahun sebelumnya"),
        "current": _("jumlah tahun ini"),
    }
    return [{"name": n, "label": labels.get(n) or defaults[n]} for n in names]


def _example(node: TreeNode) -> Any:
    if _is_option_item(node):
        return option_codes(node)[0] if option_codes(node) else ""
    if node.answer_type == AnswerType.PERCENT:
        return {i["name"]: 0 for i in count_inputs(node)}
    if node.answer_type in NUMBER_SCALE:
        return NUMBER_SCALE[node.answer_type]
    return None


# -- JSON -----------------------------------------------------------------------------------


def _framework_head(framework: Framework) -> dict[str, Any]:
    return {
        "code": framework.code,
        "title": framework.title,
        "year": framework.year,
        "version": framework.version,
        "legal_basis": framework.legal_basis,
        "complete": framework.complete,
        "value_decimals": framework.value_decimals,
        "zero_denominator": framework.zero_denominator,
        "categories": framework.categories or [],
    }


def template_json(framework: Framework, tree: Tree | None = None) -> dict[str, Any]:
    """Every item of the framework, in worksheet order (see the module docstring)."""
    tree = tree or load_tree(framework)
    items = []
    for node in tree.items:
        entry: dict[str, Any] = {
            "code": node.code,
            "label": node.label,
            "title": node.title,
            "parents": [p.title for p in node.path()],
            "path": [
                {
                    "code": p.code,
                    "kind": p.kind,
                    "label": p.label,
                    "title": p.title,
                    "weight": weight_text(p.weight),
                }
                for p in node.path()
            ],
            "weight": weight_text(node.weight),
            "answer_type": node.answer_type,
            "answer_type_label": str(AnswerType(node.answer_type).label)
            if node.answer_type in AnswerType.values
            else "",
        }
        if _is_option_item(node):
            entry["options"] = option_rows(tree, node)
        if node.answer_type == AnswerType.PERCENT:
            entry["formula"] = node.formula or Formula.RATIO
            entry["count_inputs"] = count_inputs(node)
        if node.answer_type in NUMBER_SCALE:
            entry["scale"] = {"from": 0, "to": NUMBER_SCALE[node.answer_type]}
        entry["example"] = _example(node)
        items.append(entry)
    return {"format": FORMAT, "framework": _framework_head(framework), "items": items}


# -- XLSX -----------------------------------------------------------------------------------


def row_check(framework_code: str, row: int, code: str) -> str:
    """The check of one row: moving a row or changing its code breaks it."""
    return hashlib.sha256(f"{FORMAT}|{framework_code}|{row}|{code}".encode()).hexdigest()[:12]


def codes_check(framework_code: str, codes: list[str]) -> str:
    text = "\n".join([FORMAT, framework_code, *codes])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _guide(tree: Tree, node: TreeNode) -> str:
    if _is_option_item(node):
        return "\n".join(
            f"{o['answer']} = {o['label']} ({_comma(Decimal(o['value_display']))})"
            if o["label"]
            else f"{o['answer']} ({_comma(Decimal(o['value_display']))})"
            for o in option_rows(tree, node)
        )
    if node.answer_type == AnswerType.PERCENT:
        first, second = count_inputs(node)
        formula = {
            Formula.RATIO: _("nilai = F ÷ G (F tidak boleh lebih dari G)"),
            Formula.CAPPED_RATIO: _("nilai = F ÷ G, paling tinggi 100 %"),
            Formula.DECLINE: _("nilai = (F − G) ÷ F, paling rendah 0"),
        }[node.formula or Formula.RATIO]
        return _("F: %(first)s\nG: %(second)s\n%(formula)s (bilangan bulat, 0 atau lebih)") % {
            "first": first["label"],
            "second": second["label"],
            "formula": formula,
        }
    if node.answer_type in NUMBER_SCALE:
        top = NUMBER_SCALE[node.answer_type]
        return _("Angka 0–%(top)s (nilai = angka ÷ %(top)s)") % {"top": top}
    return ""


LINE_POINTS = 13  # the height of a line of 11 pt text, a little generous


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (a guess)."""
    import math

    width = max(int(width * 1.05) - 1, 8)  # a column fits more letters than its width in "0"s
    return max(1, sum(max(1, math.ceil(len(part) / width)) for part in str(text).split("\n")))


def _answer_cells(answer) -> tuple[Any, str]:
    """(answer cell, justification) of a saved answer (an Answer row); counts separately."""
    if answer is None:
        return None, ""
    justification = answer.justification or ""
    if answer.option:
        return _shown_option(answer.option), justification
    if answer.number is not None:
        number = answer.number.normalize()
        whole = number == number.to_integral_value()
        return (int(number) if whole else float(number)), justification
    return None, justification


def build_xlsx(
    framework: Framework,
    tree: Tree | None = None,
    *,
    assessment=None,
    answers: Mapping[str, Any] | None = None,
) -> bytes:
    """The worksheet as XLSX bytes. ``answers``: {item code: Answer row} to fill in (the
    assessment's own answers are read when an assessment is given and answers is None)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    tree = tree or load_tree(framework)
    if assessment is not None and answers is None:
        from .models import Answer, Tier

        answers = {
            a.item.code: a
            for a in Answer.objects.filter(assessment=assessment, tier=Tier.SELF).select_related(
                "item"
            )
        }
    answers = answers or {}

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    heading_fill = PatternFill("solid", fgColor="D9E2F3")
    locked_fill = PatternFill("solid", fgColor="F2F2F2")
    input_fill = PatternFill("solid", fgColor="FFFFFF")
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")

    def put(ref: str, value: Any, *, text: bool = True, **style):
        cell = sheet[ref]
        cell.value = value
        if text and isinstance(value, str):
            cell.data_type = "s"  # "=…" stays a text, never a formula
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    put("A1", _("LEMBAR KERJA EVALUASI (LKE)"), font=Font(bold=True, size=13))
    put("A2", framework.title, font=Font(bold=True))
    if assessment is not None:
        put(
            "A3",
            _("Satuan kerja: %(unit)s (%(code)s) · Tahun %(year)s")
            % {"unit": assessment.unit.name, "code": assessment.unit.code, "year": assessment.year},
        )
    else:
        put(
            "A3",
            _("Kerangka: %(code)s, versi %(version)s, berlaku mulai %(year)s")
            % {"code": framework.code, "version": framework.version, "year": framework.year},
        )
    put(
        "A4",
        _(
            "Isi kolom E (Jawaban: pilih dari daftar, atau angka untuk nilai survei), kolom F "
            "dan G (jumlah) untuk butir persentase, dan kolom H (penjelasan / bukti dukung). "
            "Jangan memindah, mengurutkan, menyisipkan atau menghapus baris, dan jangan "
            "mengubah kolom A (Kode): lembar kerja diperiksa saat diunggah."
        ),
        alignment=Alignment(wrap_text=True, vertical="top"),
    )
    sheet.merge_cells("A4:I4")
    sheet.row_dimensions[4].height = 42
    headers = {
        CODE: _("Kode"),
        NUMBER: pgettext("LKE worksheet column", "No"),
        TITLE: _("Uraian"),
        WEIGHT: _("Bobot"),
        ANSWER: _("Jawaban"),
        COUNT1: _("Jumlah (F)"),
        COUNT2: _("Jumlah (G)"),
        NOTE: _("Penjelasan / bukti dukung"),
        GUIDE: _("Pilihan jawaban dan petunjuk"),
        CHECK: _("Pemeriksa"),
    }
    for column, title in headers.items():
        put(
            f"{column}{HEADER_ROW}",
            title,
            font=Font(bold=True),
            fill=heading_fill,
            border=box,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )

    widths = {CODE: 14, NUMBER: 6, TITLE: 60, WEIGHT: 8, ANSWER: 11, COUNT1: 11, COUNT2: 11}
    widths |= {NOTE: 40, GUIDE: 50, CHECK: 14}
    validations: dict[str, DataValidation] = {}
    number_validations: dict[int, DataValidation] = {}
    count_validation = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Jumlah"),
        error=_("Isi bilangan bulat 0 atau lebih."),
    )
    codes: list[str] = []
    row = HEADER_ROW
    for node in tree.walk():
        row += 1
        codes.append(node.code)
        depth = len(node.path())
        is_item = node.is_item
        base = {"border": box, "fill": locked_fill if is_item else heading_fill}
        bold = Font(bold=not is_item)
        put(f"{CODE}{row}", node.code, font=bold, alignment=wrap, **base)
        put(f"{NUMBER}{row}", node.label or "", font=bold, alignment=wrap, **base)
        put(
            f"{TITLE}{row}",
            node.title if is_item else f"{KIND_LABELS.get(node.kind, '')}: {node.title}",
            font=bold,
            alignment=Alignment(wrap_text=True, vertical="top", indent=min(depth, 6)),
            **base,
        )
        weight = put(
            f"{WEIGHT}{row}",
            None if node.weight is None else float(node.weight),
            font=bold,
            alignment=Alignment(vertical="top"),
            **base,
        )
        weight.number_format = "0.00"
        put(f"{CHECK}{row}", row_check(framework.code, row, node.code))
        for column in (ANSWER, COUNT1, COUNT2, NOTE, GUIDE):
            put(f"{column}{row}", None, alignment=wrap, **base)
        if not is_item:
            title = f"{KIND_LABELS.get(node.kind, '')}: {node.title}"
            sheet.row_dimensions[row].height = (
                LINE_POINTS * _lines(title, widths[TITLE] - 2 * min(depth, 6)) + 3
            )
            continue
        guide = _guide(tree, node)
        put(f"{GUIDE}{row}", guide, alignment=wrap, border=box, fill=locked_fill)
        saved_answer = answers.get(node.code)
        # Rows as high as their wrapped text (spreadsheets do not grow them on opening).
        lines = max(
            _lines(node.title, widths[TITLE] - 2 * min(depth, 6)),
            _lines(guide, widths[GUIDE]),
            _lines(getattr(saved_answer, "justification", "") or "", widths[NOTE]),
        )
        sheet.row_dimensions[row].height = LINE_POINTS * lines + 3
        if not (_is_option_item(node) or node.answer_type):
            # An item whose answer type the sources do not give (marked incomplete).
            put(f"{GUIDE}{row}", _("Jenis jawaban belum ada di sumber; belum dapat diisi."))
            continue
        given, justification = _answer_cells(answers.get(node.code))
        note = put(f"{NOTE}{row}", justification or None, alignment=wrap, border=box)
        note.fill, note.protection = input_fill, unlocked
        if node.answer_type == AnswerType.PERCENT:
            saved = getattr(answers.get(node.code), "counts", None) or {}
            for column, spec in zip(COUNTS, count_inputs(node), strict=True):
                cell = put(f"{column}{row}", saved.get(spec["name"]), border=box)
                cell.fill, cell.protection = input_fill, unlocked
                count_validation.add(cell.coordinate)
            continue
        answer = put(f"{ANSWER}{row}", given, border=box, alignment=Alignment(vertical="top"))
        answer.fill, answer.protection = input_fill, unlocked
        if _is_option_item(node):
            choices = ",".join(_shown_option(code) for code in option_codes(node))
            if choices not in validations:
                validations[choices] = DataValidation(
                    type="list",
                    formula1=f'"{choices}"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=_("Jawaban"),
                    error=_("Pilih salah satu: %(choices)s.")
                    % {"choices": choices.replace(",", ", ")},
                )
            validations[choices].add(answer.coordinate)
        elif node.answer_type in NUMBER_SCALE:
            top = NUMBER_SCALE[node.answer_type]
            if top not in number_validations:
                number_validations[top] = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=str(top),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=_("Jawaban"),
                    error=_("Isi angka 0 sampai %(top)s.") % {"top": top},
                )
            number_validations[top].add(answer.coordinate)
    for validation in [*validations.values(), *number_validations.values(), count_validation]:
        if validation.sqref:
            sheet.add_data_validation(validation)

    # The sheet's identity, in the hidden column J above the header.
    put(f"{CHECK}1", FORMAT)
    put(f"{CHECK}2", framework.code)
    put(f"{CHECK}3", codes_check(framework.code, codes))
    put(f"{CHECK}4", str(len(codes)))

    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.column_dimensions[CHECK].hidden = True
    sheet.freeze_panes = f"{ANSWER}{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{GUIDE}{row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.oddFooter.center.text = _("Halaman &P dari &N")
    sheet.protection.sheet = True
    # Widths and heights may still be changed; rows may not be inserted, deleted or sorted.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False
    workbook.properties.title = framework.title
    workbook.properties.creator = "Renaksi"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- reading a filled sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem of a filled worksheet: its row and cell ("" when it concerns the file)."""

    message: str
    row: int | None = None
    cell: str = ""

    def __str__(self) -> str:
        return self.message


class WorksheetError(Exception):
    """A worksheet that cannot be imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message for p in problems))

    @property
    def messages(self) -> list[str]:
        shown = [p.message for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(
                _("… dan %(count)s masalah lain.") % {"count": len(self.problems) - MAX_PROBLEMS}
            )
        return shown


@dataclass
class FilledSheet:
    """What a filled worksheet says: ``answers`` {item code: raw answer as
    ``scoring.parse_answer`` reads it}, ``justifications`` {item code: text}, ``rows``
    {item code: sheet row}, ``values`` {item code: the item's value 0..1 or None}, and the
    item codes left empty."""

    answers: dict[str, Any] = field(default_factory=dict)
    justifications: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    values: dict[str, Fraction | None] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)


def _at(row: int, column: str, message: str) -> Problem:
    return Problem(
        _("Baris %(row)s, sel %(cell)s: %(message)s")
        % {"row": row, "cell": f"{column}{row}", "message": message},
        row=row,
        cell=f"{column}{row}",
    )


def _without_code(message: str, code: str) -> str:
    """A scoring message without its "Butir CODE: " opening (the row already says where)."""
    marker = f" {code}: "
    position = message.find(marker)
    if 0 <= position < 40:
        return message[position + len(marker) :]
    return message


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(value: Any) -> Any:
    """A cell's value as an answer: whole floats as ints (Excel keeps numbers as floats),
    texts stripped."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _count_problem(value: Any) -> str | None:
    if isinstance(value, bool):
        return _("jumlah harus bilangan bulat 0 atau lebih, bukan “%(value)s”.") % {"value": value}
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return _("jumlah harus bilangan bulat 0 atau lebih, bukan “%(value)s”.") % {"value": value}
    if number < 0:
        return _("jumlah tidak boleh negatif (%(value)s).") % {"value": value}
    return None


def _open(data: bytes):
    from openpyxl import load_workbook

    problem = Problem(
        _(
            "Berkas ini bukan lembar kerja Excel (XLSX) yang dapat dibaca; unggah lembar kerja "
            "yang diunduh dari Renaksi dan disimpan sebagai .xlsx."
        )
    )
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorksheetError([problem])
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise WorksheetError([problem]) from error


def read_xlsx(data: bytes, framework: Framework, tree: Tree | None = None) -> FilledSheet:
    """Read a filled worksheet of ``framework``; ``WorksheetError`` lists every problem."""
    tree = tree or load_tree(framework)
    workbook = _open(data)
    try:
        return _read(workbook, framework, tree)
    finally:
        workbook.close()


def _read(workbook, framework: Framework, tree: Tree) -> FilledSheet:
    if SHEET not in workbook.sheetnames:
        raise WorksheetError(
            [
                Problem(
                    _(
                        "Lembar “%(sheet)s” tidak ada di berkas ini: unggah lembar kerja yang "
                        "diunduh dari Renaksi (lembar yang ada: %(names)s)."
                    )
                    % {"sheet": SHEET, "names": ", ".join(workbook.sheetnames)}
                )
            ]
        )
    sheet = workbook[SHEET]
    columns = "ABCDEFGHIJ"
    cells: dict[int, dict[str, Any]] = {}
    for number, values in enumerate(
        sheet.iter_rows(min_row=1, max_col=len(columns), values_only=True), start=1
    ):
        if number > MAX_ROWS:
            raise WorksheetError(
                [Problem(_("Lembar kerja ini lebih dari %(rows)s baris.") % {"rows": MAX_ROWS})]
            )
        if any(not _blank(v) for v in values):
            cells[number] = dict(zip(columns, values, strict=False))

    def cell(row: int, column: str) -> Any:
        return cells.get(row, {}).get(column)

    expected_format = cell(1, CHECK)
    sheet_framework = cell(2, CHECK)
    if expected_format != FORMAT or _blank(sheet_framework):
        raise WorksheetError(
            [
                Problem(
                    _(
                        "Berkas ini bukan lembar kerja LKE dari Renaksi (tanda pengenal di kolom "
                        "%(column)s tidak ada); unduh lembar kerjanya lalu isi."
                    )
                    % {"column": CHECK}
                )
            ]
        )
    if str(sheet_framework).strip() != framework.code:
        raise WorksheetError(
            [
                Problem(
                    _(
                        "Lembar kerja ini untuk kerangka “%(sheet)s”, bukan “%(framework)s”: "
                        "unduh lembar kerja kerangka %(framework)s."
                    )
                    % {"sheet": sheet_framework, "framework": framework.code}
                )
            ]
        )

    nodes = list(tree.walk())
    expected_rows = {node.code: FIRST_ROW + i for i, node in enumerate(nodes)}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    filled = FilledSheet()
    last_row = max(cells, default=HEADER_ROW)
    for row in range(FIRST_ROW, last_row + 1):
        values = cells.get(row)
        if values is None:
            continue
        raw_code = values.get(CODE)
        code = "" if _blank(raw_code) else str(raw_code).strip()
        if not code:
            if any(not _blank(values.get(c)) for c in (ANSWER, COUNT1, COUNT2, NOTE)):
                problems.append(
                    _at(
                        row,
                        CODE,
                        _(
                            "baris tanpa kode butir diisi; baris tambahan tidak dapat diimpor "
                            "(isi jawaban di baris butirnya)."
                        ),
                    )
                )
            continue
        node = tree.by_code.get(code)
        if node is None:
            problems.append(
                _at(
                    row,
                    CODE,
                    _(
                        "kode “%(code)s” tidak ada di kerangka %(framework)s (kode diubah?); "
                        "kembalikan kode aslinya."
                    )
                    % {"code": code, "framework": framework.code},
                )
            )
            continue
        if code in seen:
            problems.append(
                _at(
                    row,
                    CODE,
                    _("kode “%(code)s” sudah ada di baris %(first)s (baris disalin?).")
                    % {"code": code, "first": seen[code]},
                )
            )
            continue
        seen[code] = row
        if expected_rows[code] != row:
            problems.append(
                _at(
                    row,
                    CODE,
                    _(
                        "kode “%(code)s” seharusnya di baris %(expected)s: baris dipindah, "
                        "diurutkan atau kodenya diubah. Kembalikan urutannya atau unduh "
                        "lembar kerja baru."
                    )
                    % {"code": code, "expected": expected_rows[code]},
                )
            )
            continue
        if str(values.get(CHECK) or "").strip() != row_check(framework.code, row, code):
            problems.append(
                _at(
                    row,
                    CHECK,
                    _(
                        "tanda pemeriksa baris butir “%(code)s” tidak cocok (baris disalin dari "
                        "lembar kerja lain atau kodenya diubah)."
                    )
                    % {"code": code},
                )
            )
            continue
        if node.is_item:
            problems.extend(_read_item(tree, node, row, values, filled))
    missing = [node for node in nodes if node.code not in seen]
    for node in missing[:MAX_PROBLEMS]:
        problems.append(
            Problem(
                _(
                    "Butir %(code)s (baris %(row)s) tidak ada di lembar kerja: baris dihapus "
                    "atau kodenya diubah."
                )
                % {"code": node.code, "row": expected_rows[node.code]},
                row=expected_rows[node.code],
                cell=f"{CODE}{expected_rows[node.code]}",
            )
        )
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise WorksheetError(problems)
    return filled


def _read_item(
    tree: Tree, node: TreeNode, row: int, values: Mapping[str, Any], filled: FilledSheet
) -> list[Problem]:
    justification = values.get(NOTE)
    justification = "" if _blank(justification) else str(justification).strip()
    filled.rows[node.code] = row
    if node.answer_type == AnswerType.PERCENT:
        specs = count_inputs(node)
        given = {
            spec["name"]: _plain(values.get(column))
            for column, spec in zip(COUNTS, specs, strict=True)
        }
        if not _blank(values.get(ANSWER)):
            return [
                _at(
                    row,
                    ANSWER,
                    _(
                        "butir persentase diisi dengan jumlah di kolom F dan G, bukan di kolom "
                        "Jawaban (“%(value)s”)."
                    )
                    % {"value": values.get(ANSWER)},
                )
            ]
        problems = []
        for column, spec in zip(COUNTS, specs, strict=True):
            value = given[spec["name"]]
            if _blank(value):
                continue
            message = _count_problem(value)
            if message:
                problems.append(_at(row, column, message))
        if problems:
            return problems
        blank = [spec["name"] for spec in specs if _blank(given[spec["name"]])]
        if len(blank) == len(specs):
            _empty(node, justification, filled)
            return []
        if blank:
            column = COUNTS[[spec["name"] for spec in specs].index(blank[0])]
            return [
                _at(
                    row,
                    column,
                    _("jumlah “%(label)s” belum diisi.")
                    % {"label": specs[[s["name"] for s in specs].index(blank[0])]["label"]},
                )
            ]
        raw: Any = {name: int(Decimal(str(value))) for name, value in given.items()}
        column = COUNT1
    else:
        value = _plain(values.get(ANSWER))
        for column in COUNTS:
            if not _blank(values.get(column)):
                return [
                    _at(
                        row,
                        column,
                        _(
                            "butir ini dijawab di kolom E; kolom jumlah hanya untuk butir "
                            "persentase."
                        ),
                    )
                ]
        if _blank(value):
            _empty(node, justification, filled)
            return []
        # Numbers as text: "3.2" for a survey value; a number in an option item is refused
        # by its text ("jawaban “1” bukan salah satu pilihan").
        is_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        raw = (
            str(value)
            if is_number and (isinstance(value, float) or _is_option_item(node))
            else value
        )
        column = ANSWER
    try:
        parsed = parse_answer(node, raw)
        filled.values[node.code] = item_value(tree.rules, node, parsed)
    except ScoringError as error:
        return [_at(row, column, _without_code(error.message, node.code))]
    filled.answers[node.code] = raw
    if justification:
        filled.justifications[node.code] = justification
    return []


def _empty(node: TreeNode, justification: str, filled: FilledSheet) -> None:
    filled.empty.append(node.code)
    if justification:
        filled.justifications[node.code] = justification


# -- importing into an assessment -----------------------------------------------------------


@dataclass
class ImportResult:
    saved: list[str]  # item codes whose answer changed
    unchanged: list[str]
    empty: list[str]
    index: Fraction | None = None
    category: str = ""


def _same(framework, item, raw, justification: str, row: Mapping[str, Any]) -> bool:
    """Whether the sheet's answer is the one already saved (compared as save_answer stores
    it); an answer that does not fit is never the same (save_answer then names the cell)."""
    from django.core.exceptions import ValidationError

    from . import services

    try:
        cleaned = services.clean_answer(framework, item, raw)
    except ValidationError:
        return False
    return (
        (row["option"] or "") == cleaned.option
        and row["number"] == cleaned.number
        and (row["counts"] or {}) == cleaned.counts
        and (row["justification"] or "") == justification
    )


def import_worksheet(actor, assessment, data: bytes) -> ImportResult:
    """Save the answers of a filled worksheet into the assessment's own answers (tier self):
    all of them or none. A row left empty leaves the item's answer as it is; a row answered
    replaces the answer and its justification with the sheet's. Raises ``WorksheetError``
    (every problem with its row and cell), PermissionDenied, or the services' errors.
    ``actor=None``: a system job (lke_import without --user): no permission check, and the
    audit entries name no one."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    from renaksi.access.policy import FILL_ASSESSMENT
    from renaksi.audit.services import record
    from renaksi.submissions.locks import lke_locked, locked_message

    from . import services
    from .models import Answer, Node, Tier

    if actor is not None and not actor.has_perm(FILL_ASSESSMENT, assessment):
        raise PermissionDenied
    if lke_locked(assessment.unit_id, assessment.year):
        raise services.AssessmentError(locked_message())
    framework = assessment.framework
    tree = load_tree(framework)
    filled = read_xlsx(data, framework, tree)
    items = {n.code: n for n in Node.objects.filter(framework=framework, kind=Node.Kind.ITEM)}
    saved, unchanged, problems = [], [], []
    with transaction.atomic():
        # The assessment row first, as save_answer locks it (one lock order, no deadlock).
        list(
            type(assessment)
            .objects.select_for_update()
            .filter(pk=assessment.pk)
            .order_by()
            .values_list("pk", flat=True)
        )
        current = {
            row["item__code"]: row
            for row in Answer.objects.select_for_update()
            .filter(assessment=assessment, tier=Tier.SELF)
            .order_by()
            .values("item__code", "version", "option", "number", "counts", "justification")
        }
        for code, raw in filled.answers.items():
            justification = filled.justifications.get(code, "")
            row = current.get(code)
            if row is not None and _same(framework, items[code], raw, justification, row):
                unchanged.append(code)  # no save: no new version, no entry, no refresh
                continue
            try:
                answer = services.save_answer(
                    actor,
                    assessment,
                    items[code],
                    tier=Tier.SELF,
                    raw=raw,
                    justification=justification,
                    expected_version=None if row is None else row["version"],
                    refresh=False,  # once below, for the whole sheet
                )
            except services.AnswerConflict as error:
                problems.append(_at(filled.rows[code], ANSWER, error.message))
                continue
            except ValidationError as error:
                sheet_row = filled.rows[code]
                given = (
                    error.message_dict.items()
                    if hasattr(error, "error_dict")
                    else [("answer", error.messages)]
                )
                for key, messages in given:
                    column = NOTE if key == "justification" else ANSWER
                    problems.extend(
                        _at(sheet_row, column, _without_code(m, code)) for m in messages
                    )
                continue
            if answer is not None and (row is None or answer.version != row["version"]):
                saved.append(code)
            else:
                unchanged.append(code)
        if problems:
            transaction.set_rollback(True)
            raise WorksheetError(problems)
        services.refresh_totals(assessment, tree=tree)
        assessment.refresh_from_db()
        record(
            actor,
            "evaluation.worksheet_imported",
            plan=assessment.plan,
            unit=assessment.unit,
            obj=assessment,
            framework=framework.code,
            year=assessment.year,
            saved=len(saved),
            unchanged=len(unchanged),
            empty=len(filled.empty),
            items=saved[:500],
        )
    return ImportResult(
        saved=saved,
        unchanged=unchanged,
        empty=filled.empty,
        index=None if assessment.index_value is None else Fraction(assessment.index_value),
        category=assessment.category,
    )
