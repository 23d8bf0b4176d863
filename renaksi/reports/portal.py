"""A plan in the layout of the national Portal RB's "RB General" import template (DOMAIN.md §8).

``portal_workbook(plan, realisation=False) -> bytes``.

**The upload file** (``realisation=False``) is exactly the template: one sheet whose first
row is the header the portal compares character by character::

    rencana_aksi | satuan_output | indikator_output | target_tw1 | target_tw2 | target_tw3 |
    target_tw4 | target_total | anggaran_total | pelaksana | koordinator

then the two instruction rows the portal skips, then one row per output. How a plan maps:

* one sub-activity = one *rencana aksi*; its indicators are its outputs, one row each with
  the same ``rencana_aksi`` text (the portal joins rows with identical text into one action).
  Two different sub-activities with the same name get their numbers appended
  (``Sosialisasi (5.1.2)``) so that the portal does not join them;
* ``satuan_output``: the indicator's unit of measure, else its kind (``Persen``, ``Dokumen``,
  ``Jumlah``, ``Indeks``); ``Dokumen`` when the plan says nothing (a document indicator);
* targets per quarter: a level (percentage, index) with a target is that target in every
  quarter in which the sub-activity is scheduled, and the total is the target; a count with a
  target is spread over the scheduled months (two decimals, the rest on the last scheduled
  quarter), the total is the target; anything else counts one output per scheduled month (a
  quarterly plan: one per scheduled quarter) and the total is their sum. Every target is
  written as text of digits and at most one ``.`` (the portal refuses any other character);
* ``anggaran_total``: the sub-activity's budget as digits (``Rp 5.000.000,-`` → ``5000000``),
  on its first output row only (so that a sum over rows does not count it twice), else ``0``;
* ``pelaksana``: the sub-activity's PIC (the person, else the text of the decree), else the
  activity's PIC; ``koordinator``: the Koordinator Tim Pelaksana of the area in the plan's
  year, else the plan's signer's title.

**The realisation variant** (``realisation=True``) is not an upload file: the RB General
template has no realisation columns, and a file with more columns than its header is
refused. It is the same rows with the realisation columns the portal's RB Tematik template
names (``realisasi_tw1 … realisasi_tw4 | realisasi_total``) plus ``capaian_tw1 …
capaian_total`` (realisation ÷ target × 100, empty for a zero or missing target),
``realisasi_anggaran`` (empty: Renaksi does not record spending) and ``catatan_monev``. Only
verified realisations count: a level is its latest verified value in the quarter, a count the
sum of its verified values, a document the verified months reported done.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from renaksi.exports.content import clean
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity
from renaksi.teams.models import Position, TeamMember
from renaksi.work.models import IndicatorValue, Realisation

from . import sheets

HEADER = [
    "rencana_aksi",
    "satuan_output",
    "indikator_output",
    "target_tw1",
    "target_tw2",
    "target_tw3",
    "target_tw4",
    "target_total",
    "anggaran_total",
    "pelaksana",
    "koordinator",
]
REALISATION_HEADER = [
    "realisasi_tw1",
    "realisasi_tw2",
    "realisasi_tw3",
    "realisasi_tw4",
    "realisasi_total",
    "capaian_tw1",
    "capaian_tw2",
    "capaian_tw3",
    "capaian_tw4",
    "capaian_total",
    "realisasi_anggaran",
    "catatan_monev",
]
LEVEL_KINDS = (Indicator.Kind.PERSENTASE, Indicator.Kind.INDEKS)
UNIT_BY_KIND = {
    Indicator.Kind.PERSENTASE: "Persen",
    Indicator.Kind.INDEKS: "Indeks",
    Indicator.Kind.JUMLAH: "Jumlah",
    Indicator.Kind.DOKUMEN: "Dokumen",
}
CENT = Decimal("0.01")
_TARGET = re.compile(r"^\d+(\.\d+)?$")


def number_text(value: Decimal | int | None) -> str:
    """``Decimal("100.00")`` → ``"100"``, ``0.5`` → ``"0.5"``: digits and one ".", never a
    comma, a sign or an exponent."""
    if value is None:
        return ""
    value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if value < 0:
        value = Decimal(0)
    text = f"{value.normalize():f}"
    return text


def budget_digits(text: str) -> str:
    """A budget as the decree writes it (``Rp 5.000.000,-``, ``Rp. 12.500.000,00``) → digits;
    ``0`` when there is none or it is not a sum of money."""
    value = clean(text).lower().replace("rp", "").replace(" ", "")
    value = re.sub(r",-+$|,00$|\.-+$", "", value).strip(".-")
    value = value.replace(".", "").replace(",", ".")
    return value if value and _TARGET.match(value) else "0"


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def _scheduled(plan: ActionPlan, sub: SubActivity) -> list[int]:
    """Outputs per quarter from the schedule: months in each quarter, or 1 per quarter."""
    if plan.schedule_kind == ActionPlan.Schedule.QUARTER:
        return [1 if q in sub.quarters else 0 for q in range(1, 5)]
    counts = [0, 0, 0, 0]
    for month in sub.months:
        counts[quarter_of(month) - 1] += 1
    return counts


def targets(
    plan: ActionPlan, sub: SubActivity, indicator: Indicator
) -> tuple[list[Decimal], Decimal]:
    """(target per quarter, total) by the rules of the module's docstring."""
    per_quarter = _scheduled(plan, sub)
    target = indicator.target_value
    if target is not None and indicator.kind in LEVEL_KINDS:
        return [target if n else Decimal(0) for n in per_quarter], target
    months = sum(per_quarter)
    if target is not None and indicator.kind == Indicator.Kind.JUMLAH and months:
        shares = [(target * n / months).quantize(CENT, rounding=ROUND_HALF_UP) for n in per_quarter]
        last = max(i for i, n in enumerate(per_quarter) if n)
        shares[last] += target - sum(shares)
        return shares, target
    return [Decimal(n) for n in per_quarter], Decimal(months)


def _tree(plan: ActionPlan):
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number", "pk"))
    activities = defaultdict(list)
    for act in (
        Activity.objects.filter(area__plan=plan).select_related("pic").order_by("position", "pk")
    ):
        activities[act.area_id].append(act)
    subs = defaultdict(list)
    for sub in (
        SubActivity.objects.filter(activity__area__plan=plan)
        .select_related("pic")
        .order_by("position", "pk")
    ):
        subs[sub.activity_id].append(sub)
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(sub_activity__activity__area__plan=plan).order_by(
        "position", "pk"
    ):
        indicators[ind.sub_activity_id].append(ind)
    return areas, activities, subs, indicators


def _coordinators(plan: ActionPlan) -> dict[int, str]:
    """{change area id: the name of its Koordinator Tim Pelaksana} for the plan's year."""
    rows = TeamMember.objects.filter(
        team__unit_id=plan.unit_id,
        team__year=plan.year,
        position=Position.PELAKSANA_KOORDINATOR,
    ).values_list("change_area_id", "name")
    return {area: clean(name) for area, name in rows if area is not None}


def _person(user) -> str:
    if user is None:
        return ""
    return clean(user.get_full_name() or user.username)


def realised(plan: ActionPlan):
    """Verified realisations of the plan: ({sub id: Counter(quarter → months done)},
    {indicator id: {quarter: [(month, value)]}}). Two queries."""
    done: dict[int, Counter] = defaultdict(Counter)
    monthly = plan.schedule_kind != ActionPlan.Schedule.QUARTER
    for sub_id, period in Realisation.objects.filter(
        plan=plan,
        sub_activity__isnull=False,
        state=Realisation.State.VERIFIED,
        status=Realisation.Status.DONE,
    ).values_list("sub_activity_id", "period__period"):
        done[sub_id][quarter_of(period) if monthly else period] += 1
    values: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for indicator_id, period, value in IndicatorValue.objects.filter(
        realisation__plan=plan, realisation__state=Realisation.State.VERIFIED
    ).values_list("indicator_id", "realisation__period__period", "value"):
        quarter = quarter_of(period) if monthly else period
        values[indicator_id][quarter].append((period, value))
    return done, values


def realisation_of(indicator: Indicator, done: Counter, values: dict[int, list]):
    """(realised per quarter (None: nothing verified), total)."""
    per_quarter: list[Decimal | None] = []
    if values:
        for quarter in range(1, 5):
            given = sorted(values.get(quarter, []))
            if not given:
                per_quarter.append(None)
            elif indicator.kind in LEVEL_KINDS:
                per_quarter.append(given[-1][1])
            else:
                per_quarter.append(sum((v for _m, v in given), Decimal(0)))
        known = [v for v in per_quarter if v is not None]
        if not known:
            return per_quarter, None
        if indicator.kind in LEVEL_KINDS:
            return per_quarter, known[-1]
        return per_quarter, sum(known, Decimal(0))
    for quarter in range(1, 5):
        per_quarter.append(Decimal(done[quarter]) if done[quarter] else None)
    known = [v for v in per_quarter if v is not None]
    return per_quarter, (sum(known, Decimal(0)) if known else None)


def achievement(realised_value: Decimal | None, target: Decimal) -> str:
    """realisation ÷ target × 100 (two decimals); empty when the target is zero or missing."""
    if realised_value is None or not target:
        return ""
    return number_text(realised_value / target * 100)


def portal_rows(plan: ActionPlan, *, realisation: bool = False) -> list[list[str]]:
    """The data rows (texts), in the plan's order."""
    areas, activities, subs, indicators = _tree(plan)
    coordinators = _coordinators(plan)
    done, values = realised(plan) if realisation else ({}, {})
    names = Counter(
        clean(sub.name) for area in areas for act in activities[area.pk] for sub in subs[act.pk]
    )
    rows = []
    for area in areas:
        coordinator = coordinators.get(area.change_area_id) or clean(plan.signer_title)
        for act in activities[area.pk]:
            for sub in subs[act.pk]:
                name = clean(sub.name) or _("Sub kegiatan %(n)s") % {"n": sub.number}
                if names[clean(sub.name)] > 1:
                    name = f"{name} ({area.number}.{act.number}.{sub.number})"
                pelaksana = (
                    _person(sub.pic)
                    or clean(sub.pic_text)
                    or _person(act.pic)
                    or (clean(area.name) and _("Tim Pelaksana Area %(n)s") % {"n": area.number})
                )
                outputs = indicators[sub.pk] or [None]
                for position, indicator in enumerate(outputs):
                    if indicator is None:
                        indicator = Indicator(text=clean(sub.output_text) or name)
                    per_quarter, total = targets(plan, sub, indicator)
                    unit = clean(indicator.unit_of_measure) or UNIT_BY_KIND.get(
                        indicator.kind, "Dokumen"
                    )
                    row = [
                        name,
                        unit,
                        clean(indicator.text),
                        *(number_text(v) for v in per_quarter),
                        number_text(total),
                        budget_digits(sub.budget_text) if position == 0 else "0",
                        pelaksana,
                        coordinator,
                    ]
                    if realisation:
                        got, got_total = realisation_of(
                            indicator, done.get(sub.pk, Counter()), values.get(indicator.pk, {})
                        )
                        row += [number_text(v) if v is not None else "" for v in got]
                        row.append(number_text(got_total) if got_total is not None else "")
                        row += [achievement(v, t) for v, t in zip(got, per_quarter, strict=True)]
                        row.append(achievement(got_total, total))
                        row.append("")
                        scheduled = _scheduled(plan, sub)
                        row.append(
                            "; ".join(
                                _("TW %(q)s: %(done)s dari %(planned)s terjadwal selesai")
                                % {"q": q, "done": done.get(sub.pk, Counter())[q], "planned": n}
                                for q, n in enumerate(scheduled, start=1)
                                if n
                            )
                        )
                    rows.append(row)
    return rows


INSTRUCTIONS = [
    [
        "Petunjuk: baris ini dan baris berikutnya tidak dibaca portal.",
        "Satuan output (Dokumen, Laporan, Persen …)",
        "Indikator output",
        "Target TW I (angka, pemisah desimal titik)",
        "Target TW II",
        "Target TW III",
        "Target TW IV",
        "Target total",
        "Anggaran (angka tanpa titik ribuan)",
        "Pelaksana",
        "Koordinator",
    ],
    [
        "Baris dengan teks rencana_aksi yang sama menjadi satu rencana aksi dengan beberapa "
        "output.",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


def portal_workbook(plan: ActionPlan, *, realisation: bool = False) -> bytes:
    title = "RB General" + (" realisasi" if realisation else "")
    wb = sheets.new_workbook(f"{title} {plan.unit.name} {plan.year}")
    ws = wb.create_sheet("RB General")
    header = HEADER + (REALISATION_HEADER if realisation else [])
    for column, label in enumerate(header, start=1):
        sheets.text_cell(ws, 1, column, label, "head", box=True)
    for r, instruction in enumerate(INSTRUCTIONS, start=2):
        for column, text in enumerate(instruction, start=1):
            sheets.text_cell(ws, r, column, text, "plain", box=False)
    for r, row in enumerate(portal_rows(plan, realisation=realisation), start=4):
        for column, value in enumerate(row, start=1):
            sheets.text_cell(ws, r, column, value, "cell")
        lines = max(-(-len(row[0]) // 55), -(-len(row[2]) // 55), 1)
        ws.row_dimensions[r].height = 12 * lines + 2
    sheets.widths(
        ws, [50, 14, 50, 10, 10, 10, 10, 11, 14, 28, 28] + ([11] * 11 + [40] if realisation else [])
    )
    ws.freeze_panes = "A4"
    sheets.page_setup(ws)
    return sheets.save(wb)
