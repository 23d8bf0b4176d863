"""The quarterly Laporan Monitoring dan Evaluasi Rencana Aksi Reformasi Birokrasi, as content.

``quarterly_report(plan, quarter) -> Report`` builds the whole document once, from the data
alone; ``render_docx``, ``render_pdf`` and ``render_xlsx`` lay it out. What it says and where
it comes from:

* letterhead: the issuing body of the plan's decree (``KOMISI PEMILIHAN UMUM`` / ``KABUPATEN
  BENGKAYANG``); the address line is printed when it is known (Renaksi keeps none yet);
* cover: the title, ``TRIWULAN III TAHUN 2022``, the unit, the report's number
  (``QuarterReport.report_number``) and date in Indonesian (``report_date``, else the day after
  the quarter ends — ``1 Oktober 2022`` for TW III — or today while the quarter runs);
* Kata Pengantar: the report's foreword, else a standard one;
* BAB I Pendahuluan: background (the decree, its number and date, the plan's size, the
  monitoring months), legal basis (the decree's Mengingat list and the decree itself), purpose
  and scope;
* BAB II Hasil: the achievement of every area and of the plan (monitoring's
  ``quarter_figures`` as of the report's date: scheduled, due, done, verified, not done,
  postponed, not reported, achievement, deviation), a table per area of its activities and
  sub-activities scheduled in the quarter (the months, what was reported each month, the
  share done), and the indicators against their targets;
* BAB III: obstacles, solutions and recommendations (the plan's and each area's notes) and the
  follow-ups shown in the quarter (monitoring's ``follow_ups_in``) with owner, due date and
  state;
* BAB IV Penutup and the signature block (place, date, title, name: the report's signer, else
  the decree's).

A fixed number of queries whatever the plan's size.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.exports.content import clean, issuing_body
from renaksi.lib.decree.text import MONTH_NAMES_ID, format_date_id
from renaksi.monitoring.figures import month_ended, plan_periods
from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
from renaksi.monitoring.services import follow_ups_in, quarter_figures
from renaksi.plans.models import ActionPlan, Activity, SubActivity, mask_to_months
from renaksi.work.models import Realisation, SchedulePeriod

from .document import Items, PageBreak, Para, Report, Row, Signature, Table
from .errors import ReportError

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTH_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]
SMALL_WORDS = {
    "di", "dan", "ke", "dari", "yang", "untuk", "pada", "tentang", "atau", "serta", "dalam",
    "dengan", "oleh", "atas", "bagi",
}  # fmt: skip
ACRONYMS = {
    "KPU", "RI", "RB", "ASN", "SDM", "TW", "LKE", "SAKIP", "SPIP", "ZI", "WBK", "WBBM", "DIPA",
    "PMPRB", "PPID", "SPBE", "LHKPN", "LHKASN", "SOP", "TIK",
}  # fmt: skip
CENT = Decimal("0.01")


def title_case(text: str) -> str:
    """``KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG`` → ``Komisi Pemilihan Umum Kabupaten
    Bengkayang``; small words stay lower case, acronyms and numbers stay as written."""
    words = clean(text).split(" ")
    result = []
    for index, word in enumerate(words):
        bare = re.sub(r"[^\w]", "", word)
        if bare.upper() in ACRONYMS or any(ch.isdigit() for ch in word):
            result.append(word)
        elif index and word.lower() in SMALL_WORDS:
            result.append(word.lower())
        else:
            result.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(result)


def number_id(value: Decimal | int | None, decimals: int = 2) -> str:
    """``Decimal("66.67")`` → ``66,67``; an integer value without decimals (``100``)."""
    if value is None:
        return "–"
    value = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    whole, _dot, fraction = f"{value:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{abs(int(whole)):,}".replace(",", ".")
    return f"{sign}{whole},{fraction}"


def percent_id(value: Decimal | None) -> str:
    return "–" if value is None else f"{number_id(value)}%"


def quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, quarter * 3 + 1, 1) - datetime.timedelta(days=1)


def report_date(plan: ActionPlan, quarter: int, report: QuarterReport | None, today=None):
    """The report's own date, else the day after the quarter's end, or today while it runs."""
    if report is not None and report.report_date:
        return report.report_date
    today = today or timezone.localdate()
    after = quarter_end(plan.year, quarter) + datetime.timedelta(days=1)
    return after if today >= after else today


def letterhead(body: str) -> list[str]:
    """``KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG`` in two lines, as KPU letterheads print
    it; any other body on one line."""
    prefix = "KOMISI PEMILIHAN UMUM"
    if body.startswith(prefix + " ") and len(body) > len(prefix) + 1:
        return [prefix, body[len(prefix) + 1 :]]
    return [body]


def paragraphs(text: str) -> list[str]:
    """A written narrative as paragraphs (blank lines or line breaks split them)."""
    return [clean(part) for part in re.split(r"\n\s*\n|\r?\n", text or "") if clean(part)]


def _place(plan: ActionPlan) -> str:
    if clean(plan.decree_place):
        return clean(plan.decree_place)
    name = clean(plan.unit.name)
    return re.sub(
        r"^(KPU|Komisi Pemilihan Umum)\s+(Provinsi|Kabupaten|Kota)?\s*", "", name, flags=re.I
    )


def _cell_text(month_label: str, cell: dict | None, ended: bool) -> str:
    if cell is None or cell.get("status") is None:
        state = _("belum dilaporkan") if ended else _("belum jatuh tempo")
        return f"{month_label}: {state}"
    status = cell["status"]
    text = str(Realisation.Status(status).label).lower()
    if status == Realisation.Status.IN_PROGRESS and cell.get("progress"):
        text += f" ({cell['progress']}%)"
    if status == Realisation.Status.POSTPONED and cell.get("postponed_to"):
        text += " " + _("ke %(month)s") % {"month": MONTH_NAMES_ID[cell["postponed_to"] - 1]}
    state = cell.get("state")
    if state == Realisation.State.VERIFIED:
        text += ", " + _("terverifikasi")
    elif state == Realisation.State.SUBMITTED:
        text += ", " + _("menunggu verifikasi")
    elif state == Realisation.State.RETURNED:
        text += ", " + _("dikembalikan")
    return f"{month_label}: {text}"


class QuarterlyBuilder:
    def __init__(self, plan: ActionPlan, quarter: int, *, today=None, names: bool = True):
        if quarter not in (1, 2, 3, 4):
            raise ReportError(_("Triwulan harus 1, 2, 3 atau 4, bukan “%(q)s”.") % {"q": quarter})
        self.plan = plan
        self.quarter = quarter
        self.report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
        self.date = report_date(plan, quarter, self.report, today)
        self.figures = quarter_figures(plan, quarter, as_of=self.date)
        self.body = issuing_body(plan)
        self.unit_title = title_case(self.body)
        self.quarterly = plan.schedule_kind == ActionPlan.Schedule.QUARTER
        # False for the public RB column without the implementers' names (renaksi/publication).
        self.names = names

    # -- the data -------------------------------------------------------------------------

    def _tree(self):
        activities = defaultdict(list)
        for act in Activity.objects.filter(area__plan=self.plan).order_by("position", "pk"):
            activities[act.area_id].append(act)
        subs = defaultdict(list)
        for sub in SubActivity.objects.filter(activity__area__plan=self.plan).order_by(
            "position", "pk"
        ):
            subs[sub.activity_id].append(sub)
        return activities, subs

    def _cells(self) -> dict[int, dict[int, dict]]:
        """{sub id: {period: cell}} of the quarter (the realisations, one query)."""
        periods = plan_periods(self.plan, self.quarter)
        cells: dict[int, dict[int, dict]] = defaultdict(dict)
        rows = (
            SchedulePeriod.objects.filter(
                plan=self.plan, sub_activity__isnull=False, period__in=periods
            )
            .filter(Q(planned=True) | Q(realisation__isnull=False))
            .values(
                "sub_activity_id",
                "period",
                "planned",
                "realisation__status",
                "realisation__state",
                "realisation__progress",
                "realisation__postponed_to",
            )
        )
        for row in rows:
            cells[row["sub_activity_id"]][row["period"]] = {
                "planned": row["planned"],
                "status": row["realisation__status"],
                "state": row["realisation__state"],
                "progress": row["realisation__progress"],
                "postponed_to": row["realisation__postponed_to"],
            }
        return cells

    # -- the document ---------------------------------------------------------------------

    def build(self) -> Report:
        plan, q = self.plan, self.quarter
        activities, subs = self._tree()
        notes = {
            note.area_id: note
            for note in (
                AreaNote.objects.filter(report=self.report).select_related("area")
                if self.report
                else []
            )
        }
        follow_ups = list(follow_ups_in(plan, q))
        signer_title = (
            clean(self.report.signer_title if self.report else "")
            or clean(plan.signer_title)
            or _("KETUA %(body)s") % {"body": self.body}
        )
        signer_name = clean(self.report.signer_name if self.report else "") or clean(
            plan.signer_name
        )
        date_text = format_date_id(self.date)
        place_date = f"{_place(plan)}, {date_text}"
        number = clean(self.report.report_number if self.report else "")
        cover = [
            Para(_("LAPORAN MONITORING DAN EVALUASI"), "cover_title"),
            Para(_("RENCANA AKSI REFORMASI BIROKRASI"), "cover_title"),
            Para(
                _("TRIWULAN %(q)s TAHUN %(year)s") % {"q": ROMAN[q], "year": plan.year},
                "cover_title",
            ),
            Para(self.body, "cover_unit"),
            Para(_("Nomor: %(number)s") % {"number": number or "…"}, "center"),
            Para(_("Tanggal: %(date)s") % {"date": date_text}, "center"),
        ]
        blocks: list = [PageBreak()]
        blocks += self._foreword(place_date, signer_title, signer_name)
        blocks.append(PageBreak())
        blocks += self._chapter_one(activities, subs)
        blocks.append(PageBreak())
        blocks += self._chapter_two(activities, subs)
        blocks.append(PageBreak())
        blocks += self._chapter_three(notes, follow_ups)
        blocks.append(PageBreak())
        blocks += self._chapter_four()
        blocks.append(Signature(place_date, [signer_title], signer_name))
        return Report(
            title=_(
                "Laporan Monitoring dan Evaluasi Rencana Aksi RB %(unit)s Triwulan %(q)s "
                "Tahun %(year)s"
            )
            % {"unit": self.unit_title, "q": ROMAN[q], "year": plan.year},
            letterhead=letterhead(self.body),
            address="",
            cover=cover,
            blocks=blocks,
            filename=f"laporan-monev-{re.sub(r'[^a-z0-9]+', '-', plan.unit.code.lower())}"
            f"-{plan.year}-tw{q}",
        )

    def _months_text(self) -> str:
        months = self.figures.months
        return _("%(first)s sampai dengan %(last)s %(year)s") % {
            "first": MONTH_NAMES_ID[months[0] - 1],
            "last": MONTH_NAMES_ID[months[-1] - 1],
            "year": self.plan.year,
        }

    def _foreword(self, place_date, signer_title, signer_name) -> list:
        blocks: list = [Para(_("KATA PENGANTAR"), "chapter")]
        written = paragraphs(self.report.foreword) if self.report else []
        if not written:
            written = [
                _(
                    "Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa, karena atas "
                    "rahmat-Nya Laporan Monitoring dan Evaluasi Rencana Aksi Reformasi Birokrasi "
                    "%(unit)s Triwulan %(q)s Tahun %(year)s dapat diselesaikan."
                )
                % {"unit": self.unit_title, "q": ROMAN[self.quarter], "year": self.plan.year},
                _(
                    "Laporan ini menyajikan pelaksanaan rencana aksi pada bulan %(months)s: "
                    "capaian setiap area perubahan, nilai indikator terhadap targetnya, kendala "
                    "yang dihadapi, solusi, rekomendasi, serta tindak lanjut yang harus "
                    "dilaksanakan. Laporan ini disampaikan kepada Tim Pengarah, Tim Reformasi "
                    "Birokrasi KPU dan KPU setingkat di atas sebagai bahan evaluasi."
                )
                % {"months": self._months_text()},
                _(
                    "Kami menyampaikan terima kasih kepada seluruh anggota Tim Reformasi "
                    "Birokrasi yang telah melaksanakan dan melaporkan kegiatan. Kritik dan saran "
                    "untuk penyempurnaan pelaksanaan reformasi birokrasi sangat kami harapkan."
                ),
            ]
        blocks += [Para(text) for text in written]
        blocks.append(Signature(place_date, [signer_title], signer_name))
        return blocks

    def _chapter_one(self, activities, subs) -> list:
        plan = self.plan
        area_count = len(self.figures.areas)
        activity_count = sum(len(v) for v in activities.values())
        sub_count = sum(len(v) for v in subs.values())
        monitoring = [MONTH_NAMES_ID[m - 1] for m in mask_to_months(plan.monitoring_months)]
        decree = _("Keputusan %(body)s Nomor %(number)s Tahun %(year)s") % {
            "body": self.unit_title,
            "number": clean(plan.decree_number) or "…",
            "year": plan.year,
        }
        subject = title_case(plan.decree_subject) if clean(plan.decree_subject) else ""
        decree_full = decree + (" " + _("tentang %(s)s") % {"s": subject} if subject else "")
        dated = (
            " " + _("tanggal %(date)s") % {"date": format_date_id(plan.decree_date)}
            if plan.decree_date
            else ""
        )
        blocks: list = [
            Para(_("BAB I"), "chapter"),
            Para(_("PENDAHULUAN"), "chapter"),
            Para(_("A. Latar Belakang"), "heading"),
            Para(
                _(
                    "Reformasi birokrasi dilaksanakan untuk mewujudkan tata kelola pemerintahan "
                    "yang baik: birokrasi yang bersih, akuntabel, efektif, efisien dan melayani. "
                    "Untuk itu %(unit)s menetapkan rencana aksi reformasi birokrasi tahun "
                    "%(year)s dengan %(decree)s%(dated)s, yang memuat %(areas)s area perubahan, "
                    "%(activities)s kegiatan dan %(subs)s sub kegiatan."
                )
                % {
                    "unit": self.unit_title,
                    "year": plan.year,
                    "decree": decree_full,
                    "dated": dated,
                    "areas": area_count,
                    "activities": activity_count,
                    "subs": sub_count,
                }
            ),
            Para(
                _(
                    "Pelaksanaan rencana aksi dilaporkan setiap bulan dan dimonitor serta "
                    "dievaluasi setiap triwulan (bulan %(months)s). Laporan ini adalah hasil "
                    "monitoring dan evaluasi triwulan %(q)s, yaitu bulan %(range)s, dengan "
                    "keadaan data per %(date)s."
                )
                % {
                    "months": ", ".join(monitoring) or "–",
                    "q": ROMAN[self.quarter],
                    "range": self._months_text(),
                    "date": format_date_id(self.figures.as_of),
                }
            ),
            Para(_("B. Dasar Hukum"), "heading"),
        ]
        bases = [
            (clean(item.get("label")) or str(index), clean(item.get("text")))
            for index, item in enumerate(plan.legal_bases or [], start=1)
            if isinstance(item, dict) and clean(item.get("text"))
        ]
        bases.append((f"{len(bases) + 1}.", decree_full + "."))
        blocks.append(
            Items([(label if label.endswith(".") else label + ".", text) for label, text in bases])
        )
        blocks += [
            Para(_("C. Maksud dan Tujuan"), "heading"),
            Para(
                _(
                    "Monitoring dan evaluasi dimaksudkan untuk mengetahui kemajuan pelaksanaan "
                    "rencana aksi reformasi birokrasi, dengan tujuan:"
                )
            ),
            Items(
                [
                    (
                        "1.",
                        _(
                            "mengukur capaian pelaksanaan kegiatan setiap area perubahan "
                            "terhadap jadwal yang ditetapkan;"
                        ),
                    ),
                    ("2.", _("membandingkan nilai indikator keberhasilan dengan targetnya;")),
                    ("3.", _("mengidentifikasi kendala dan merumuskan solusi serta rekomendasi;")),
                    (
                        "4.",
                        _(
                            "memantau tindak lanjut hasil monitoring triwulan sebelumnya "
                            "sampai selesai."
                        ),
                    ),
                ]
            ),
            Para(_("D. Ruang Lingkup"), "heading"),
            Para(
                _(
                    "Laporan ini mencakup seluruh area perubahan dalam rencana aksi, untuk sub "
                    "kegiatan yang terjadwal pada bulan %(range)s. Capaian dihitung dari "
                    "laporan realisasi bulanan: sub kegiatan yang jatuh tempo dan dilaporkan "
                    "selesai dibagi sub kegiatan yang jatuh tempo."
                )
                % {"range": self._months_text()}
            ),
        ]
        return blocks

    def _chapter_two(self, activities, subs) -> list:
        figures = self.figures
        blocks: list = [
            Para(_("BAB II"), "chapter"),
            Para(_("HASIL MONITORING DAN EVALUASI"), "chapter"),
            Para(_("A. Capaian per Area Perubahan"), "heading"),
        ]
        total = figures.total
        blocks.append(
            Para(
                _(
                    "Pada triwulan %(q)s terjadwal %(scheduled)s pelaksanaan sub kegiatan, "
                    "%(due)s di antaranya telah jatuh tempo; %(done)s dilaporkan selesai "
                    "(%(verified)s terverifikasi), %(not_done)s tidak terlaksana, %(postponed)s "
                    "ditunda dan %(missing)s belum dilaporkan. Capaian rencana aksi triwulan "
                    "ini %(achievement)s dengan deviasi %(deviation)s poin dari rencana."
                )
                % {
                    "q": ROMAN[self.quarter],
                    "scheduled": total.scheduled,
                    "due": total.due,
                    "done": total.done,
                    "verified": total.verified,
                    "not_done": total.not_done,
                    "postponed": total.postponed,
                    "missing": total.missing,
                    "achievement": percent_id(total.achievement),
                    "deviation": number_id(total.deviation),
                }
            )
        )
        head = [
            "No",
            _("Area Perubahan"),
            _("Terjadwal"),
            _("Jatuh\ntempo"),
            _("Selesai"),
            _("Terverifikasi"),
            _("Tidak\nterlaksana"),
            _("Ditunda"),
            _("Belum\ndilaporkan"),
            _("Capaian\n(%)"),
            _("Deviasi\n(poin)"),
        ]

        def counts_row(label_no, label, c, kind="data"):
            return Row(
                [
                    label_no,
                    label,
                    str(c.scheduled),
                    str(c.due),
                    str(c.done),
                    str(c.verified),
                    str(c.not_done),
                    str(c.postponed),
                    str(c.missing),
                    number_id(c.achievement) if c.achievement is not None else "–",
                    number_id(c.deviation) if c.deviation is not None else "–",
                ],
                kind,
            )

        rows = [
            counts_row(str(area.area.number), clean(area.area.name), area.counts)
            for area in figures.areas
        ]
        rows.append(counts_row("", _("Jumlah"), total, "total"))
        blocks.append(
            Table(
                head,
                rows,
                [4, 19, 10, 8, 8, 12, 10, 8, 10, 8, 8],
                ["c", "l"] + ["r"] * 9,
                title=_("Capaian per area"),
            )
        )

        blocks.append(Para(_("B. Pelaksanaan Kegiatan per Area"), "heading"))
        cells = self._cells()
        periods = plan_periods(self.plan, self.quarter)
        for area_figure in figures.areas:
            area = area_figure.area
            blocks.append(
                Para(
                    _("Area %(n)s. %(name)s") % {"n": area.number, "name": clean(area.name)},
                    "subheading",
                )
            )
            rows = []
            for act in activities[area.pk]:
                first = True
                for sub in subs[act.pk]:
                    sub_cells = cells.get(sub.pk, {})
                    planned = [p for p in periods if sub_cells.get(p, {}).get("planned")]
                    if not sub_cells:
                        continue
                    labels = []
                    for period in sorted(sub_cells):
                        label = f"TW {ROMAN[period]}" if self.quarterly else MONTH_SHORT[period - 1]
                        month = period * 3 if self.quarterly else period
                        ended = month_ended(self.plan.year, month, self.figures.as_of)
                        text = _cell_text(label, sub_cells[period], ended)
                        if not sub_cells[period]["planned"]:
                            text += " " + _("(di luar jadwal)")
                        labels.append(text)
                    done = sum(
                        1 for p in planned if sub_cells[p].get("status") == Realisation.Status.DONE
                    )
                    share = (
                        f"{done}/{len(planned)} ({percent_id(Decimal(done * 100) / len(planned))})"
                        if planned
                        else "–"
                    )
                    schedule = ", ".join(
                        f"TW {ROMAN[p]}" if self.quarterly else MONTH_SHORT[p - 1] for p in planned
                    )
                    rows.append(
                        Row(
                            [
                                f"{area.number}.{act.number}" if first else "",
                                clean(act.name) if first else "",
                                f"{sub.number}. {clean(sub.name)}",
                                schedule or "–",
                                "\n".join(labels),
                                share,
                            ]
                        )
                    )
                    first = False
            if not rows:
                blocks.append(
                    Para(_("Tidak ada sub kegiatan yang terjadwal pada triwulan ini."), "note")
                )
                continue
            blocks.append(
                Table(
                    [
                        "No",
                        _("Kegiatan"),
                        _("Sub Kegiatan"),
                        _("Jadwal"),
                        _("Pelaksanaan"),
                        _("Capaian"),
                    ],
                    rows,
                    [6, 22, 28, 9, 24, 11],
                    ["c", "l", "l", "c", "l", "c"],
                    title=_("Area %(n)s") % {"n": area.number},
                )
            )
            c = area_figure.counts
            blocks.append(
                Para(
                    _(
                        "Capaian area %(n)s: %(achievement)s (%(done)s dari %(due)s yang jatuh "
                        "tempo selesai)."
                    )
                    % {
                        "n": area.number,
                        "achievement": percent_id(c.achievement),
                        "done": c.done_due,
                        "due": c.due,
                    },
                    "note",
                )
            )

        blocks.append(Para(_("C. Nilai Indikator terhadap Target"), "heading"))
        indicator_rows = []
        number = 0
        for area_figure in figures.areas:
            if not area_figure.indicators:
                continue
            indicator_rows.append(
                Row(
                    [
                        _("Area %(n)s. %(name)s")
                        % {"n": area_figure.area.number, "name": clean(area_figure.area.name)}
                    ],
                    "group",
                )
            )
            for figure in area_figure.indicators:
                number += 1
                indicator = figure.indicator
                unit = clean(indicator.unit_of_measure)
                if not unit and indicator.kind == "persentase":
                    unit = "%"

                def with_unit(value, unit=unit):
                    if value is None:
                        return "–"
                    return (
                        f"{number_id(value)} {unit}".strip()
                        if unit != "%"
                        else (f"{number_id(value)}%")
                    )

                indicator_rows.append(
                    Row(
                        [
                            str(number),
                            clean(indicator.text),
                            with_unit(figure.target),
                            with_unit(figure.realised),
                            percent_id(figure.achievement),
                            figure.reason_text,
                        ]
                    )
                )
        if indicator_rows:
            blocks.append(
                Table(
                    [
                        "No",
                        _("Indikator"),
                        _("Target"),
                        _("Realisasi"),
                        _("Capaian"),
                        _("Keterangan"),
                    ],
                    indicator_rows,
                    [5, 40, 11, 11, 10, 23],
                    ["c", "l", "r", "r", "r", "l"],
                    title=_("Indikator"),
                )
            )
        else:
            blocks.append(
                Para(
                    _(
                        "Tidak ada indikator terukur (persentase, jumlah atau indeks, atau dengan "
                        "target) pada triwulan ini."
                    ),
                    "note",
                )
            )
        return blocks

    def _narrative(self, field: str, notes: dict, empty: str) -> list:
        blocks: list = []
        own = paragraphs(getattr(self.report, field)) if self.report else []
        blocks += [Para(text) for text in own]
        items = []
        for area_figure in self.figures.areas:
            note = notes.get(area_figure.area.pk)
            texts = paragraphs(getattr(note, field)) if note else []
            if texts:
                items.append(
                    (
                        _("Area %(n)s") % {"n": area_figure.area.number} + ":",
                        " ".join(texts),
                    )
                )
        if items:
            blocks.append(Items(items))
        if not blocks:
            blocks.append(Para(empty))
        return blocks

    def _chapter_three(self, notes: dict, follow_ups: list[FollowUp]) -> list:
        blocks: list = [
            Para(_("BAB III"), "chapter"),
            Para(_("KENDALA, SOLUSI, REKOMENDASI DAN TINDAK LANJUT"), "chapter"),
            Para(_("A. Kendala"), "heading"),
            *self._narrative(
                "obstacles", notes, _("Tidak ada kendala yang dicatat pada triwulan ini.")
            ),
            Para(_("B. Solusi"), "heading"),
            *self._narrative(
                "solutions", notes, _("Tidak ada solusi yang dicatat pada triwulan ini.")
            ),
            Para(_("C. Rekomendasi"), "heading"),
            *self._narrative(
                "recommendations", notes, _("Tidak ada rekomendasi yang dicatat pada triwulan ini.")
            ),
            Para(_("D. Tindak Lanjut"), "heading"),
        ]
        if not follow_ups:
            blocks.append(Para(_("Tidak ada tindak lanjut pada triwulan ini.")))
            return blocks
        rows = []
        for index, follow in enumerate(follow_ups, start=1):
            owner = (
                clean(follow.owner.get_full_name() or follow.owner.username)
                if follow.owner
                else clean(follow.owner_text)
            )
            if not self.names:
                owner = _("(tidak dipublikasikan)")
            state = str(FollowUp.State(follow.state).label)
            if follow.closed_in:
                state += " " + _("(TW %(q)s)") % {"q": ROMAN[follow.closed_in]}
            rows.append(
                Row(
                    [
                        str(index),
                        clean(follow.finding) or "–",
                        clean(follow.action),
                        f"{follow.area.number}" if follow.area else "–",
                        owner or "–",
                        format_date_id(follow.due_on) if follow.due_on else "–",
                        state,
                        clean(follow.progress_note) or "–",
                    ]
                )
            )
        blocks.append(
            Table(
                [
                    "No",
                    _("Temuan / masalah"),
                    _("Tindak lanjut"),
                    _("Area"),
                    _("Penanggung jawab"),
                    _("Batas waktu"),
                    _("Status"),
                    _("Perkembangan"),
                ],
                rows,
                [4, 20, 22, 6, 14, 11, 11, 16],
                ["c", "l", "l", "c", "l", "c", "l", "l"],
                title=_("Tindak lanjut"),
            )
        )
        return blocks

    def _chapter_four(self) -> list:
        total = self.figures.total
        return [
            Para(_("BAB IV"), "chapter"),
            Para(_("PENUTUP"), "chapter"),
            Para(
                _(
                    "Demikian Laporan Monitoring dan Evaluasi Rencana Aksi Reformasi Birokrasi "
                    "%(unit)s Triwulan %(q)s Tahun %(year)s ini disusun. Capaian triwulan ini "
                    "%(achievement)s; sub kegiatan yang belum dilaporkan atau belum selesai "
                    "serta tindak lanjut yang masih terbuka menjadi perhatian pada triwulan "
                    "berikutnya."
                )
                % {
                    "unit": self.unit_title,
                    "q": ROMAN[self.quarter],
                    "year": self.plan.year,
                    "achievement": percent_id(total.achievement),
                }
            ),
        ]


def quarterly_report(plan: ActionPlan, quarter: int, *, today=None, names: bool = True) -> Report:
    return QuarterlyBuilder(plan, quarter, today=today, names=names).build()
