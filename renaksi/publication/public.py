"""What the public pages read: the published plan, its progress by area, its documents.

Nothing here looks at who asks: ``find()`` loads through ``policy.publications_public()``
(published, not withdrawn, plan set) and 404s otherwise; every document is checked again when
it is asked for (``policy.evidence_public``, ``policy.quarters_public``). What is never read
here, so it can never leak: realisation narratives and reasons, review comments, return
notes, monitoring notes, follow-ups, unverified or replaced evidence, the team, and people's
names unless the unit chose ``show_names``.

The page's figures and plan are computed once per publication version, plan version and day
and kept in the cache for ``CACHE_SECONDS`` (the progress may be that much behind the work);
the documents are read on every request, so on a warm cache an anonymous visitor costs the
publication, its evidence and (when reports are chosen) the accepted quarters: three queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from renaksi.access.policy import evidence_public, publications_public, quarters_public
from renaksi.dashboards.asof import resolve
from renaksi.dashboards.cells import CellState, cell_state
from renaksi.monitoring.figures import month_ended, percent
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity
from renaksi.units.models import Unit
from renaksi.work.models import SchedulePeriod

from .models import Publication

CACHE_SECONDS = 300
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# The Lampiran's month headers (renaksi.plans.lampiran), kept in Indonesian in the cached data and
# the feed; the page translates them as it renders (context "singkatan bulan").
MONTHS = ["JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEP", "OKT", "NOV", "DES"]


def find(code: str, year: int) -> Publication:
    """The published column of unit ``code`` and ``year``, or 404 (one query)."""
    try:
        return (
            publications_public()
            .select_related("plan", "unit", "unit__parent")
            .get(unit__code=code, year=year)
        )
    except Publication.DoesNotExist as exc:
        raise Http404 from exc


def as_of(plan: ActionPlan) -> datetime.date:
    """The day the public figures are computed at: the dashboards' rule without a reader's
    choice (renaksi/dashboards/asof.py): today on the unit's calendar, so a plan of a past
    year is seen as it ended (every month over, whatever was never reported late)."""
    return resolve(plan.year, plan.unit).date


# -- progress by area ---------------------------------------------------------------------


@dataclass
class Progress:
    number: int
    name: str
    scheduled: int = 0  # scheduled cells of the year
    due: int = 0  # of them, whose period is over on the day
    verified: int = 0  # done and verified by the unit's assessor
    done: int = 0  # done, not (yet) verified
    late: int = 0  # due, nothing done, report deadline passed
    not_done: int = 0
    postponed: int = 0
    verified_due: int = 0  # verified among the due ones
    achievement: str | None = None  # verified_due ÷ due × 100, "96.95"; None: nothing due

    def finish(self) -> Progress:
        value = percent(self.verified_due, self.due)
        self.achievement = None if value is None else str(value)
        return self


def progress(plan: ActionPlan, day: datetime.date) -> tuple[list[Progress], Progress]:
    """Each area's scheduled cells by state on ``day`` (CellState), and the plan's total.

    Two queries whatever the plan's size (areas; cells grouped by area, period and state).
    A monthly plan's period is a month; a quarterly plan's a quarter (over when its last
    month is)."""
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number", "pk"))
    quarterly = plan.schedule_kind == ActionPlan.Schedule.QUARTER
    rows = (
        SchedulePeriod.objects.filter(plan=plan, planned=True, sub_activity__isnull=False)
        .values(
            "sub_activity__activity__area_id",
            "period",
            "due_on",
            "realisation__status",
            "realisation__state",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    figures = {area.pk: Progress(area.number, area.name) for area in areas}
    for row in rows:
        figure = figures.get(row["sub_activity__activity__area_id"])
        if figure is None:
            continue
        n = row["n"]
        figure.scheduled += n
        last_month = row["period"] * 3 if quarterly else row["period"]
        state = cell_state(
            row["realisation__status"], row["realisation__state"], row["due_on"], day
        )
        due = month_ended(plan.year, last_month, day)
        if state == CellState.VERIFIED:
            figure.verified += n
        elif state == CellState.DONE:
            figure.done += n
        elif state == CellState.NOT_DONE:
            figure.not_done += n
        elif state == CellState.POSTPONED:
            figure.postponed += n
        elif state == CellState.LATE:
            figure.late += n
        if due:
            figure.due += n
            if state == CellState.VERIFIED:
                figure.verified_due += n
    items = [figures[area.pk].finish() for area in areas]
    total = Progress(0, _("Seluruh rencana aksi"))
    for item in items:
        for name in (
            "scheduled", "due", "verified", "verified_due", "done", "late", "not_done", "postponed"
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(item, name))
    return items, total.finish()


# -- the plan as the Lampiran ---------------------------------------------------------------


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def plan_tree(plan: ActionPlan, *, names: bool) -> list[dict]:
    """Areas → activities → sub-activities (schedule, target, output, indicators) as plain
    data. The person in charge only with ``names``: the decree's text and the PIC's name.
    Four queries whatever the plan's size."""
    quarterly = plan.schedule_kind == ActionPlan.Schedule.QUARTER
    areas = list(PlanArea.objects.filter(plan=plan).order_by("number", "pk"))
    activities = defaultdict(list)
    acts = Activity.objects.filter(area__plan=plan).order_by("position", "pk")
    subs_qs = SubActivity.objects.filter(activity__area__plan=plan).order_by("position", "pk")
    if names:
        acts = acts.select_related("pic")
        subs_qs = subs_qs.select_related("pic")
    for act in acts:
        activities[act.area_id].append(act)
    subs = defaultdict(list)
    for sub in subs_qs:
        subs[sub.activity_id].append(sub)
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(sub_activity__activity__area__plan=plan).order_by(
        "position", "pk"
    ):
        indicators[ind.sub_activity_id].append(ind)
    tree = []
    for area in areas:
        area_data = {"number": area.number, "name": area.name, "activities": []}
        tree.append(area_data)
        for act in activities[area.pk]:
            act_data = {"number": act.number, "name": act.name, "sub_activities": []}
            if names:
                act_data["pic"] = _person(act.pic)
            area_data["activities"].append(act_data)
            for sub in subs[act.pk]:
                periods = sub.quarters if quarterly else sub.months
                sub_data = {
                    "number": sub.number,
                    "name": sub.name,
                    "periods": list(periods),
                    "schedule": [f"TW {ROMAN[p]}" if quarterly else MONTHS[p - 1] for p in periods],
                    "target": sub.target_text,
                    "output": sub.output_text,
                    "indicators": [
                        {"label": ind.label, "text": ind.text} for ind in indicators[sub.pk]
                    ],
                }
                if names:
                    sub_data["pic"] = _person(sub.pic) or sub.pic_text
                act_data["sub_activities"].append(sub_data)
    return tree


# -- documents ------------------------------------------------------------------------------


@dataclass
class Document:
    name: str  # the URL's last part: keputusan, lampiran, monev-tw1, bukti-<id>
    title: str
    kind: str  # keputusan, lampiran, monev, bukti
    detail: str = ""
    quarter: int | None = None


def documents(publication: Publication) -> list[Document]:
    """The documents the publication offers now (two queries at most)."""
    found = []
    if publication.decree_pdf:
        found.append(
            Document(
                "keputusan",
                _("Keputusan penetapan rencana aksi (lengkap)"),
                "keputusan",
                _("PDF, dibuat dari data rencana aksi"),
            )
        )
    if publication.lampiran_pdf:
        found.append(
            Document(
                "lampiran",
                _("Lampiran: rencana aksi reformasi birokrasi"),
                "lampiran",
                _("PDF, dibuat dari data rencana aksi"),
            )
        )
    for quarter in quarters_public(publication):
        found.append(
            Document(
                f"monev-tw{quarter}",
                _("Laporan monitoring dan evaluasi triwulan %(q)s") % {"q": ROMAN[quarter]},
                "monev",
                _("PDF, diterima KPU RI"),
                quarter,
            )
        )
    for item in (
        evidence_public(publication)
        .select_related("file", "realisation__sub_activity__activity__area")
        .order_by(
            "realisation__sub_activity__activity__area__number",
            "realisation__period__period",
            "title",
            "pk",
        )
    ):
        sub = item.realisation.sub_activity
        where = (
            _("Area %(area)s, sub kegiatan %(act)s.%(sub)s %(name)s")
            % {
                "area": sub.activity.area.number,
                "act": sub.activity.number,
                "sub": sub.number,
                "name": sub.name,
            }
            if sub is not None
            else _("Aksi agen perubahan")
        )
        found.append(
            Document(
                f"bukti-{item.pk}",
                item.title,
                "bukti",
                _("%(where)s · %(kind)s, %(type)s, terverifikasi")
                % {
                    "where": where,
                    "kind": item.get_kind_display(),
                    "type": item.file.file_type.upper(),
                },
            )
        )
    return found


# -- the page's data, cached -------------------------------------------------------------------


def _cache_key(publication: Publication, day: datetime.date, what: str) -> str:
    return (
        f"renaksi:publik:{what}:{publication.pk}:{publication.version}:"
        f"{publication.plan.version}:{day.isoformat()}"
    )


def page_data(publication: Publication) -> dict:
    """Everything the page, the embed and the feed show, as plain data. The figures and the
    plan are cached; the documents are read each time (at most two queries), so evidence
    no longer verified or a reopened report leaves the page at once."""
    plan = publication.plan
    plan.unit = publication.unit
    day = as_of(plan)
    key = _cache_key(publication, day, "data")
    data = cache.get(key)
    if data is None:
        areas, total = progress(plan, day) if publication.show_progress else ([], None)
        data = {
            "as_of": day,
            "year_over": day.year > plan.year,
            "areas": [asdict(item) for item in areas],
            "total": asdict(total) if total else None,
            "tree": plan_tree(plan, names=publication.show_names) if publication.show_plan else [],
            "quarterly": plan.schedule_kind == ActionPlan.Schedule.QUARTER,
        }
        cache.set(key, data, CACHE_SECONDS)
    return {**data, "documents": [asdict(doc) for doc in documents(publication)]}


def index_rows() -> list[dict]:
    """Every published column, grouped by province (KPU RI's on its own, then each province
    with its own column and its regencies'). One query, not cached: a withdrawn column
    leaves the index at once."""
    groups: dict[str, dict] = {}
    for pub in (
        publications_public().select_related("unit", "unit__parent").order_by("unit__code", "-year")
    ):
        unit = pub.unit
        head = unit if unit.level != Unit.Level.KABUPATEN_KOTA else unit.parent
        group = groups.setdefault(head.code, {"code": head.code, "name": head.name, "units": {}})
        entry = group["units"].setdefault(
            unit.code, {"code": unit.code, "name": unit.name, "years": []}
        )
        entry["years"].append(pub.year)
    return [
        {**group, "units": list(group["units"].values())} for _code, group in sorted(groups.items())
    ]
