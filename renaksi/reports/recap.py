"""The recap for a higher level: a KPU Provinsi's regencies, or every unit below KPU RI.

``recap_workbook(root, year, units, *, framework=None, today=None) -> bytes``: sheet
``Rekap``, one row per unit (``units``: the units below ``root`` that the reader may see,
already filtered by the caller through the access layer), with

* for each quarter TW I–IV: the state of its submission (not sent, sent and waiting at
  which level, returned, accepted, reopened; "terlambat" when sent after the due date or
  still not sent after it) and the plan's achievement in that quarter (monitoring's
  ``plan_quarter_totals``);
* the LKE of the year (``framework``: the given one, else the one most of the units use):
  index, category, the score of each of the framework's areas, items answered of all,
  answers without evidence, and whether the LKE is complete (every item answered and
  proven);
* under the table: how many units sent each quarter, how many were accepted, and how many
  LKE are incomplete or lack evidence, with the share (as the province reports them: "29 dari
  38 (76%)").

Figures are read from the cached totals (``Assessment.index_value``, ``node_scores``,
counts) and the submissions; nothing is scored here. A fixed number of queries whatever the
number of units (units, plans, submissions, deadlines, assessments, the framework's areas, and
monitoring's constant-query totals per quarter).
"""

from __future__ import annotations

import datetime
from collections import Counter
from fractions import Fraction

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.evaluation.models import Assessment, Framework, Node
from renaksi.evaluation.scoring import display
from renaksi.plans.models import ActionPlan
from renaksi.submissions.models import Submission, SubmissionDeadline
from renaksi.units.models import Unit

from . import sheets

QUARTERS = (1, 2, 3, 4)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, quarter * 3 + 1, 1) - datetime.timedelta(days=1)


def due_dates(year: int) -> dict[int, datetime.date]:
    """Each quarter's due date: KPU RI's row, else the quarter's end + the default days."""
    rows = dict(SubmissionDeadline.objects.filter(year=year).values_list("quarter", "due_on"))
    days = datetime.timedelta(days=settings.RENAKSI_SUBMISSION_DUE_DAYS)
    return {q: rows.get(q) or quarter_end(year, q) + days for q in QUARTERS}


def state_text(submission: Submission | None, due: datetime.date, today: datetime.date) -> str:
    if submission is None:
        return _("belum dikirim, terlambat") if today > due else _("belum dikirim")
    labels = {
        Submission.State.SUBMITTED: _("menunggu di %(unit)s"),
        Submission.State.RETURNED: _("dikembalikan"),
        Submission.State.ACCEPTED: _("diterima"),
        Submission.State.REOPENED: _("dibuka kembali"),
    }
    text = labels.get(submission.state, submission.state)
    if submission.state == Submission.State.SUBMITTED:
        text = text % {"unit": submission.at_unit.name}
    if submission.late:
        text += ", " + _("terlambat")
    return text


def _totals(plan_ids: list[int], quarter: int) -> dict:
    """Monitoring's achievement of each plan in the quarter (constant queries)."""
    from renaksi.monitoring.services import plan_quarter_totals

    return plan_quarter_totals(plan_ids, quarter)


def choose_framework(assessments: list[Assessment], framework: Framework | None):
    if framework is not None:
        return framework
    counts = Counter(a.framework_id for a in assessments)
    if not counts:
        return None
    chosen = counts.most_common(1)[0][0]
    return next(a.framework for a in assessments if a.framework_id == chosen)


def _score(raw) -> float | None:
    """A cached score ("3017/1000", "2.2667", a number) for the sheet, two decimals."""
    if raw in (None, ""):
        return None
    try:
        return float(display(Fraction(str(raw))))
    except (ValueError, ZeroDivisionError):
        return None


def share(part: int, whole: int) -> str:
    if not whole:
        return "0 dari 0"
    return _("%(part)s dari %(whole)s (%(pct)s%%)") % {
        "part": part,
        "whole": whole,
        "pct": round(100 * part / whole),
    }


def recap_workbook(
    root: Unit,
    year: int,
    units: list[Unit],
    *,
    framework: Framework | None = None,
    today: datetime.date | None = None,
) -> bytes:
    today = today or timezone.localdate()
    ids = [unit.pk for unit in units]
    plans = {
        unit_id: pk
        for pk, unit_id in ActionPlan.objects.filter(unit_id__in=ids, year=year).values_list(
            "pk", "unit_id"
        )
    }
    submissions = {
        (s.unit_id, s.quarter): s
        for s in Submission.objects.filter(unit_id__in=ids, year=year).select_related("at_unit")
    }
    due = due_dates(year)
    assessments = list(
        Assessment.objects.filter(unit_id__in=ids, year=year).select_related("framework")
    )
    framework = choose_framework(assessments, framework)
    lke = {a.unit_id: a for a in assessments if framework and a.framework_id == framework.pk}
    areas = (
        list(
            Node.objects.filter(framework=framework, kind=Node.Kind.AREA)
            .order_by("sequence")
            .values_list("code", "label", "title")
        )
        if framework
        else []
    )
    plan_ids = sorted(plans.values())
    totals = {q: _totals(plan_ids, q) for q in QUARTERS} if plan_ids else {}

    wb = sheets.new_workbook(f"Rekap {root.name} {year}")
    ws = wb.create_sheet(_("Rekap"))
    sheets.page_setup(ws)
    sheets.put(
        ws,
        1,
        1,
        _("REKAPITULASI MONITORING DAN EVALUASI REFORMASI BIROKRASI TAHUN %(year)s")
        % {"year": year},
        "title",
        box=False,
    )
    sheets.put(ws, 2, 1, root.name.upper(), "subtitle", box=False)
    sheets.put(
        ws,
        3,
        1,
        _("Keadaan pada %(date)s; LKE: %(framework)s")
        % {
            "date": format_date(today),
            "framework": framework.title if framework else _("belum ada"),
        },
        "subtitle",
        box=False,
    )
    head = ["No", _("Kode"), _("Satuan kerja"), _("Satker induk")]
    for q in QUARTERS:
        head += [
            _("TW %(q)s: status") % {"q": ROMAN[q]},
            _("TW %(q)s: capaian (%%)") % {"q": ROMAN[q]},
        ]
    head += [_("Indeks LKE"), _("Kategori")]
    head += [f"{code} {title}"[:60] for code, _label, title in areas]
    head += [_("Butir terjawab"), _("Jumlah butir"), _("Jawaban tanpa bukti"), _("LKE lengkap")]
    row = 5
    sheets.header_row(ws, row, head)
    ws.row_dimensions[row].height = 60
    ws.freeze_panes = ws.cell(row=row + 1, column=4)
    ws.print_title_rows = f"{row}:{row}"
    parents = {unit.pk: unit for unit in units}
    sent = Counter()
    accepted = Counter()
    incomplete = without_evidence = with_lke = 0
    for number, unit in enumerate(units, start=1):
        row += 1
        sheets.put(ws, row, 1, number, "center")
        sheets.put(ws, row, 2, unit.code, "plain")
        sheets.put(ws, row, 3, unit.name, "cell")
        lines = 1
        parent = parents.get(unit.parent_id) or (root if unit.parent_id == root.pk else None)
        sheets.put(ws, row, 4, parent.name if parent else "", "cell")
        column = 5
        plan_id = plans.get(unit.pk)
        for q in QUARTERS:
            submission = submissions.get((unit.pk, q))
            if submission is not None and submission.state != Submission.State.REOPENED:
                sent[q] += 1
            if submission is not None and submission.state == Submission.State.ACCEPTED:
                accepted[q] += 1
            text = state_text(submission, due[q], today) if plan_id else _("tanpa rencana aksi")
            sheets.put(ws, row, column, text, "cell")
            lines = max(lines, -(-len(text) // 17))
            ws.row_dimensions[row].height = 12 * lines + 2
            counts = totals.get(q, {}).get(plan_id) if plan_id else None
            value = getattr(counts, "achievement", None) if counts is not None else None
            sheets.put(ws, row, column + 1, value, "number")
            column += 2
        assessment = lke.get(unit.pk)
        if assessment is None:
            sheets.put(ws, row, column, None)
            sheets.put(ws, row, column + 1, _("belum ada LKE"), "cell")
            for offset in range(len(areas) + 4):
                sheets.put(ws, row, column + 2 + offset, None)
            incomplete += 1
            continue
        with_lke += 1
        sheets.put(ws, row, column, assessment.index_value, "number")
        sheets.put(ws, row, column + 1, assessment.category or "—", "center")
        column += 2
        scores = assessment.node_scores or {}
        for code, _label, _title in areas:
            raw = scores.get(code)
            sheets.put(ws, row, column, _score(raw), "number")
            column += 1
        sheets.put(ws, row, column, assessment.answered_count, "number")
        sheets.put(ws, row, column + 1, assessment.item_count, "number")
        sheets.put(ws, row, column + 2, assessment.without_evidence_count, "number")
        sheets.put(ws, row, column + 3, _("ya") if assessment.complete else _("tidak"), "center")
        if not assessment.complete:
            incomplete += 1
        if assessment.without_evidence_count:
            without_evidence += 1

    row += 2
    total = len(units)
    sheets.put(ws, row, 3, _("Ringkasan"), "bold", box=False)
    for q in QUARTERS:
        row += 1
        sheets.put(
            ws,
            row,
            3,
            _("TW %(q)s: dikirim %(sent)s, diterima %(accepted)s")
            % {"q": ROMAN[q], "sent": share(sent[q], total), "accepted": share(accepted[q], total)},
            "plain",
            box=False,
        )
    row += 1
    sheets.put(
        ws,
        row,
        3,
        _("LKE belum lengkap: %(share)s") % {"share": share(incomplete, total)},
        "plain",
        box=False,
    )
    row += 1
    sheets.put(
        ws,
        row,
        3,
        _("LKE dengan jawaban tanpa bukti dukung: %(share)s")
        % {"share": share(without_evidence, total)},
        "plain",
        box=False,
    )
    sheets.widths(ws, [5, 8, 34, 28] + [16, 9] * 4 + [9, 9] + [10] * len(areas) + [9, 9, 9, 8])
    return sheets.save(wb)


def format_date(value: datetime.date) -> str:
    from renaksi.lib.decree.text import format_date_id

    return format_date_id(value)


def units_below(root: Unit, visible) -> list[Unit]:
    """The units a recap of ``root`` lists, among ``visible`` (a units queryset of the access
    layer): a province's regencies; for KPU RI, every province and regency, by code."""
    if root.level == Unit.Level.PROVINSI:
        queryset = visible.filter(parent=root)
    else:
        queryset = visible.filter(level__in=[Unit.Level.PROVINSI, Unit.Level.KABUPATEN_KOTA])
    return list(queryset.order_by("code"))
