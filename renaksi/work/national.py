"""The year's work of the generated national data: periods, realisations, evidence, reviews.

``generate_national`` (renaksi/core/national.py) runs ``WorkStep`` on every batch of plans it
has just written. For each plan it writes, in bulk:

* the ``SchedulePeriod`` rows of every scheduled cell that has none yet (so that it merges with
  a writer that created them before this step: existing rows are read, never duplicated);
* for a plan that is *ditetapkan*, a ``Realisation`` for the periods that ended before the
  reference date (by default the year's end for a past year, today for the current year,
  nothing for a later year), in the states real months end in: most verified, some waiting for
  verification, some returned with a review, a few drafts never submitted, some submitted late,
  some *tidak terlaksana* with a reason, some *ditunda* to a later month, some periods never
  reported at all. Each realisation's story is drawn first (saved, submitted, returned,
  resubmitted, verified, with dates in the unit's time zone) and then cut at the reference date,
  so that the latest months are naturally the least finished;
* an ``IndicatorValue`` for each measurable indicator (one with a target) of a realisation that
  is done or in progress: the share of the target its progress says (a percentage indicator:
  the progress itself);
* one to three ``Evidence`` items per reported realisation (some links), pointing at
  ``EvidenceFile`` rows **marked ``generated=True``, without bytes**: a deterministic fake
  SHA-256 (of a label, not of any file), a realistic size and type, and a ``file`` name under
  ``generated/`` where nothing real is ever stored. The evidence views must refuse to serve them
  (the model's ``generated`` flag). A few files are reused across months of a plan and a few
  across units (the same circular letter), as real offices do; replaced evidence keeps its
  earlier version (``replaces``, ``is_current=False``);
* a ``Review`` per verdict (returned ones with a comment and an ``EvidenceReview`` per evidence
  item), by the unit's Ketua Tim Asesor: ``asesor-<code>``, an account and team member this step
  adds to every generated unit and year.

Everything is drawn from a ``random.Random`` per plan (seed, unit, year) and iterated in the
tree's order, so the same seed gives the same work. No audit entries are written (the plans'
own creation is not audited either): generated data is for measuring, not an account of events.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import connection, models
from django.utils import timezone

from renaksi.plans.models import ActionPlan, Indicator
from renaksi.teams.models import Position, ReformTeam, TeamMember

from .models import (
    Evidence,
    EvidenceFile,
    EvidenceKind,
    EvidenceReview,
    IndicatorValue,
    Realisation,
    Review,
    SchedulePeriod,
)
from .periods import due_date, last_month, mask_periods, period_count

if TYPE_CHECKING:
    from renaksi.core.national import Batch, NationalGenerator, PlanDraft

BATCH_SIZE = 2000
GENERATED_PREFIX = "generated/"  # storage names of generated files: nothing is ever stored there
CENT = Decimal("0.01")

MONTH_NAMES = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
]  # fmt: skip
NOT_DONE_REASONS = [
    "Anggaran kegiatan belum tersedia pada bulan ini.",
    "Narasumber berhalangan hadir; kegiatan tidak dapat dilaksanakan.",
    "Bertepatan dengan tahapan pemilihan sehingga seluruh staf ditugaskan ke tahapan.",
    "Menunggu petunjuk teknis dari KPU RI.",
    "Ruang rapat dipakai untuk rapat pleno; kegiatan dibatalkan.",
]
POSTPONE_REASONS = [
    "Ditunda karena berbenturan dengan jadwal rapat pleno.",
    "Ditunda menunggu penetapan anggaran perubahan.",
    "Ditunda atas arahan Ketua Tim Pengarah.",
]
NARRATIVES = [
    "{sub} telah dilaksanakan pada bulan {month} {year}.",
    "Pelaksanaan {sub} pada {month} {year} berjalan sesuai rencana.",
    "{sub} dilaksanakan bersama Sekretariat pada {month} {year}; hasilnya dilaporkan kepada "
    "Ketua Tim Pengarah.",
    "Pada {month} {year} {sub} dilaksanakan dan didokumentasikan.",
]
IN_PROGRESS_NARRATIVES = [
    "{sub} masih berjalan pada {month} {year}.",
    "Sebagian tahapan {sub} telah dilaksanakan pada {month} {year}; sisanya bulan depan.",
]
RETURN_COMMENTS = [
    "Daftar hadir belum ditandatangani pimpinan rapat.",
    "Foto kegiatan tidak menunjukkan waktu dan tempat kegiatan.",
    "Notulen belum memuat keputusan rapat.",
    "Lampirkan SK yang sudah ditandatangani dan bernomor.",
    "Laporan belum menjawab indikator sub kegiatan ini.",
    "Bukti dukung tidak sesuai dengan bulan pelaporan.",
]
REJECT_NOTES = [
    "Berkas ini bukan bukti untuk indikator yang dipilih.",
    "Tanggal dokumen di luar bulan pelaporan.",
    "Tanda tangan belum ada.",
    "Gambar tidak terbaca.",
]
# What each kind of evidence usually is: (file type, content type, extension, sizes in bytes).
FILE_TYPES = {
    "pdf": ("application/pdf", "pdf", 80_000, 4_000_000),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        25_000,
        600_000,
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        12_000,
        300_000,
    ),
    "jpeg": ("image/jpeg", "jpg", 150_000, 2_500_000),
    "png": ("image/png", "png", 40_000, 900_000),
}
KIND_TYPES = {
    EvidenceKind.SK: ["pdf"],
    EvidenceKind.NOTULEN: ["pdf", "pdf", "docx"],
    EvidenceKind.DAFTAR_HADIR: ["pdf", "pdf", "xlsx", "jpeg"],
    EvidenceKind.FOTO: ["jpeg", "jpeg", "jpeg", "png"],
    EvidenceKind.LAPORAN: ["pdf", "pdf", "docx"],
    EvidenceKind.TANGKAPAN_LAYAR: ["png", "png", "jpeg"],
    EvidenceKind.LAINNYA: ["pdf", "xlsx", "docx"],
}
KIND_TITLES = {
    EvidenceKind.SK: "SK",
    EvidenceKind.NOTULEN: "Notulen rapat",
    EvidenceKind.DAFTAR_HADIR: "Daftar hadir",
    EvidenceKind.FOTO: "Foto kegiatan",
    EvidenceKind.LAPORAN: "Laporan kegiatan",
    EvidenceKind.TANGKAPAN_LAYAR: "Tangkapan layar",
    EvidenceKind.LAINNYA: "Dokumen pendukung",
}
# The story a reported period is drawn to tell before it is cut at the reference date.
STORIES = [
    ("none", 4),  # never reported
    ("draft", 3),  # saved, never submitted
    ("waiting", 4),  # submitted, the assessor has not looked yet
    ("returned", 3),  # returned, not revised yet
    ("returned_verified", 9),  # returned, revised, resubmitted, verified
    ("verified", 77),
]
EVIDENCE_KINDS = list(KIND_TYPES)
# Periods whose report is not due yet at the reference date: often not reported yet.
RECENT_STORIES = [("none", 35), ("draft", 25), ("waiting", 30), ("verified", 10)]


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def fake_sha256(*parts) -> str:
    """A deterministic SHA-256 for a generated file: of a label, not of any file's bytes (no
    allowed file type is a bare label, so it can never be the hash of a real upload)."""
    label = "renaksi-generated:" + ":".join(str(part) for part in parts)
    return hashlib.sha256(label.encode()).hexdigest()


def reference_date_for(year: int, reference: datetime.date | None, today: datetime.date):
    """The day up to which ``year``'s work is generated, or None for none."""
    if reference is None:
        if year < today.year:
            return datetime.date(year + 1, 1, 1)  # the whole year has passed
        if year == today.year:
            return today
        return None
    if reference.year < year:
        return None
    return reference


def period_end(year: int, period: int, kind: str) -> datetime.date:
    month = last_month(period, kind)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in weighted], [w for _, w in weighted])[0]


def insert_rows(model, rows: list[dict], *, ids: bool = True) -> None:
    """Insert ``rows`` (dicts by column attname) of ``model`` at once: PostgreSQL's COPY, or
    one ``executemany`` elsewhere. With ``ids``, each row first gets its ``id`` (from the
    table's sequence), so that rows written later can point at it: a value that is itself a
    row dict stands for that row's id. A column no row names gets the field's default, so a
    field added to the model later needs no change here."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    constant = {}
    for f in fields:
        if f.attname in rows[0]:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constant[f.attname] = timezone.now()
        elif f.has_default():
            constant[f.attname] = f.get_default()
        elif f.null:
            constant[f.attname] = None
        else:
            raise ValueError(f"{meta.label}.{f.attname}: no value and no default")
    table = meta.db_table
    with connection.cursor() as cursor:
        if ids:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, meta.pk.column, len(rows)],
                )
                new_ids = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute(f'SELECT MAX("{meta.pk.column}") FROM "{table}"')  # noqa: S608
                first = (cursor.fetchone()[0] or 0) + 1
                new_ids = range(first, first + len(rows))
            for row, new_id in zip(rows, new_ids, strict=True):
                row["id"] = new_id
        columns = ([meta.pk] if ids else []) + fields
        names = ", ".join(f'"{f.column}"' for f in columns)
        attnames = [f.attname if f is not meta.pk else "id" for f in columns]

        # A JSON column holds dicts of its own: never read as a row.
        json = [isinstance(f, models.JSONField) for f in columns]

        def values(row):
            for attname, is_json in zip(attnames, json, strict=True):
                value = row[attname] if attname in row else constant[attname]
                yield value["id"] if type(value) is dict and not is_json else value

        if connection.vendor == "postgresql":
            # JSON columns go through the field (a Jsonb adapter); the rest as they are.
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(
                        tuple(
                            f.get_db_prep_save(v, connection) if is_json else v
                            for f, is_json, v in zip(columns, json, values(row), strict=True)
                        )
                    )
        else:
            prep = [
                (lambda v: v)
                if f is meta.pk
                else (lambda v, f=f: f.get_db_prep_save(v, connection))
                for f in columns
            ]
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 (model names)
                [[p(v) for p, v in zip(prep, values(row), strict=True)] for row in rows],
            )


@dataclass
class PlanWork:
    """The rows a batch's work adds, before they are written; rows point at rows (dicts)."""

    periods: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    realisations: list[dict] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    replacements: list[dict] = field(default_factory=list)  # point at evidence rows
    links: list[dict] = field(default_factory=list)  # evidence ↔ indicator
    reviews: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)


class WorkStep:
    """``NationalGenerator.steps`` entry: the year's work of each batch of written plans."""

    def __init__(self, generator: NationalGenerator, reference_date: datetime.date | None = None):
        self.generator = generator
        self.reference_date = reference_date
        self.today = timezone.localdate()
        self.created_at = timezone.now()
        self.counts = generator.result.counts
        self.assessors: dict[int, User] | None = None  # by unit id
        self.shared: list[dict] = []  # files every unit may reuse: {"id", "file_type"}

    def __call__(self, batch: Batch) -> None:
        if self.assessors is None:
            self.assessors = self._assessors(batch)
            self.shared = self._shared_files()
        work = PlanWork()
        periods = self._periods(batch.drafts, work)
        for draft in batch.drafts:
            if draft.plan.status == ActionPlan.Status.DITETAPKAN:
                self._plan_work(draft, batch, periods, work)
        self._write(work)

    # -- the Tim Asesor of every generated unit and year ------------------------------------
    def _assessors(self, batch: Batch) -> dict[int, User]:
        from renaksi.units.models import Unit

        unit_ids = list(batch.people)
        codes = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "code"))
        any_user = next(iter(batch.people.values())).admin
        wanted = {f"asesor-{codes[unit_id]}": unit_id for unit_id in unit_ids}
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        new = [
            User(
                username=username,
                first_name=f"Asesor {username.removeprefix('asesor-')}",
                email=f"{username}@renaksi.invalid",
                password=any_user.password,  # the one generated password's hash
            )
            for username in wanted
            if username not in existing
        ]
        User.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.counts["users"] += len(new)
        users = {wanted[u.username]: u for u in User.objects.filter(username__in=wanted)}
        teams = ReformTeam.objects.filter(unit_id__in=unit_ids, year__in=self.generator.years)
        members = [
            TeamMember(
                team_id=team_id,
                user=users[unit_id],
                name=users[unit_id].first_name,
                position=Position.ASESOR_KETUA,
            )
            for team_id, unit_id in teams.values_list("pk", "unit_id")
        ]
        TeamMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
        self.counts["team_members"] += len(members)
        return users

    def _shared_files(self) -> list[dict]:
        """Circulars of KPU RI that units attach now and then: stored once, reused."""
        rng = self.generator._rng("shared-files")
        files = [self._file(rng, "pdf", ("shared", self.generator.seed, n)) for n in range(40)]
        have = dict(
            EvidenceFile.objects.filter(sha256__in=[f["sha256"] for f in files]).values_list(
                "sha256", "pk"
            )
        )
        new = [f for f in files if f["sha256"] not in have]
        insert_rows(EvidenceFile, new)
        self.counts["evidence_files"] += len(new)
        for row in files:
            row.setdefault("id", have.get(row["sha256"]))
        return files

    # -- periods: read those written before, create the missing ones ------------------------
    def _periods(self, drafts: list[PlanDraft], work: PlanWork) -> dict[tuple[int, int], dict]:
        """Every scheduled cell of the batch's plans, by (sub-activity id, period). Rows a
        writer before this step created are read and kept; the missing ones are created."""
        plan_ids = [draft.plan.pk for draft in drafts]
        existing = SchedulePeriod.objects.filter(plan_id__in=plan_ids, sub_activity__isnull=False)
        have = {
            (sub_id, period): {"id": pk, "due_on": due_on}
            for pk, sub_id, period, due_on in existing.values_list(
                "pk", "sub_activity_id", "period", "due_on"
            )
        }
        for draft in drafts:
            plan = draft.plan
            kind = plan.schedule_kind
            count = period_count(kind)
            for _activity, sub in draft.subs:
                for period in mask_periods(sub.schedule, count):
                    if (sub.pk, period) in have:
                        continue
                    row = {
                        "plan_id": plan.pk,
                        "unit_id": plan.unit_id,
                        "year": plan.year,
                        "sub_activity_id": sub.pk,
                        "agent_action_id": None,
                        "period": period,
                        "planned": True,
                        "due_on": due_date(plan.year, period, kind, plan.report_due_day),
                    }
                    work.periods.append(row)
                    have[(sub.pk, period)] = row
        return have

    # -- one plan's work, in memory ---------------------------------------------------------
    def _plan_work(
        self, draft: PlanDraft, batch: Batch, periods: dict[tuple[int, int], dict], work: PlanWork
    ) -> None:
        plan = draft.plan
        reference = reference_date_for(plan.year, self.reference_date, self.today)
        if reference is None:
            return
        rng = self.generator._rng("work", plan.unit.code, plan.year)
        tz = zone(plan.unit.time_zone)
        people = batch.people[plan.unit_id]
        assessor_id = self.assessors[plan.unit_id].pk
        indicators: dict[int, list[Indicator]] = defaultdict(list)
        for sub, indicator in draft.indicators:
            indicators[sub.pk].append(indicator)
        area_numbers = {area.pk: area.number for area in draft.areas}
        kind = plan.schedule_kind
        plan_files: list[dict] = []  # this plan's files, reused in later months now and then

        def at(day: datetime.date) -> datetime.datetime:
            clock = datetime.time(rng.randint(7, 16), rng.randint(0, 59))
            return datetime.datetime.combine(day, clock, tzinfo=tz)

        for activity, sub in draft.subs:
            area_number = area_numbers[activity.area_id]
            reporter = sub.pic or people.coordinator_of(area_number)
            # What the sub-activity is, whatever the database's ids (for the files' hashes).
            sub_key = (
                f"{plan.unit.code}:{plan.year}:{area_number}.{activity.position}.{sub.position}"
            )
            for period in mask_periods(sub.schedule, period_count(kind)):
                row = periods[(sub.pk, period)]
                end = period_end(plan.year, period, kind)
                if end >= reference:
                    continue  # not over yet
                due_on = row["due_on"]
                recent = due_on >= reference
                story = _pick(rng, RECENT_STORIES if recent else STORIES)
                if story == "none":
                    continue
                month = last_month(period, kind)
                later_months = list(range(month + 1, 13))
                draw = rng.random()
                if story == "draft" and draw < 0.3:  # opened, nothing done yet
                    status, progress = Realisation.Status.NOT_STARTED, 0
                elif draw < 0.06:
                    status, progress = Realisation.Status.NOT_DONE, 0
                elif draw < 0.10 and later_months:
                    status, progress = Realisation.Status.POSTPONED, rng.choice([0, 0, 10, 20])
                elif draw < 0.18:
                    status, progress = Realisation.Status.IN_PROGRESS, rng.randrange(20, 95, 5)
                else:
                    status, progress = Realisation.Status.DONE, 100
                names = {
                    "sub": sub.name[:120],
                    "month": MONTH_NAMES[month - 1],
                    "year": plan.year,
                    "key": f"{sub_key}:{period}",
                }
                narrative = reason = ""
                postponed_to = None
                if status == Realisation.Status.NOT_DONE:
                    reason = rng.choice(NOT_DONE_REASONS)
                elif status == Realisation.Status.POSTPONED:
                    postponed_to = rng.choice(later_months[:3])
                    reason = rng.choice(POSTPONE_REASONS)
                elif status == Realisation.Status.IN_PROGRESS:
                    narrative = rng.choice(IN_PROGRESS_NARRATIVES).format(**names)
                elif status == Realisation.Status.DONE:
                    narrative = rng.choice(NARRATIVES).format(**names)

                # The story's days, cut at the reference date.
                saved = end - datetime.timedelta(days=rng.randint(0, 12))
                if not recent and rng.random() < 0.15:  # late
                    submitted = due_on + datetime.timedelta(days=rng.randint(1, 25))
                else:
                    submitted = min(saved + datetime.timedelta(days=rng.randint(0, 8)), due_on)
                events: list[tuple[str, datetime.date]] = []
                if story != "draft" and submitted < reference:
                    events.append(("submit", submitted))
                    review_day = submitted + datetime.timedelta(days=rng.randint(1, 8))
                    if story != "waiting" and review_day < reference:
                        events.append(("verify" if story == "verified" else "return", review_day))
                        if story == "returned_verified":
                            again = review_day + datetime.timedelta(days=rng.randint(2, 10))
                            if again < reference:
                                events.append(("resubmit", again))
                                last = again + datetime.timedelta(days=rng.randint(1, 6))
                                if last < reference:
                                    events.append(("verify", last))
                realisation = {
                    "period_id": row,
                    "plan_id": plan.pk,
                    "unit_id": plan.unit_id,
                    "year": plan.year,
                    "sub_activity_id": sub.pk,
                    "agent_action_id": None,
                    "status": status,
                    "progress": progress,
                    "narrative": narrative,
                    "reason": reason,
                    "postponed_to": postponed_to,
                    "outside_plan": False,
                    # Late: first submitted after the due date.
                    "late": bool(events) and events[0][1] > due_on,
                    "state": Realisation.State.DRAFT,
                    "submitted_at": None,
                    "submitted_by_id": None,
                    "verified_at": None,
                    "version": 1 + len(events),
                    "created_by_id": reporter.pk,
                    "updated_by_id": reporter.pk,
                    "created_at": at(saved),
                }
                work.realisations.append(realisation)
                reviews = []
                for version, (event, day) in enumerate(events, start=1):
                    when = at(day)
                    if event in ("submit", "resubmit"):
                        realisation["state"] = Realisation.State.SUBMITTED
                        realisation["submitted_at"] = when
                        realisation["submitted_by_id"] = reporter.pk
                        continue
                    verified = event == "verify"
                    if verified:
                        realisation["state"] = Realisation.State.VERIFIED
                        realisation["verified_at"] = when
                    else:
                        realisation["state"] = Realisation.State.RETURNED
                    review = {
                        "realisation_id": realisation,
                        "reviewer_id": assessor_id,
                        "verdict": Review.Verdict.VERIFIED if verified else Review.Verdict.RETURNED,
                        "comment": "" if verified else rng.choice(RETURN_COMMENTS),
                        "realisation_version": version,  # the submitted version it reviewed
                        "created_at": when,
                    }
                    reviews.append(review)
                work.reviews.extend(reviews)

                if status in (Realisation.Status.DONE, Realisation.Status.IN_PROGRESS):
                    for indicator in indicators[sub.pk]:
                        if indicator.target_value is None:
                            continue
                        if indicator.kind == Indicator.Kind.PERSENTASE:
                            value = Decimal(progress)
                        else:
                            value = (indicator.target_value * progress / 100).quantize(
                                CENT, rounding=ROUND_HALF_UP
                            )
                        work.values.append(
                            {
                                "realisation_id": realisation,
                                "indicator_id": indicator.pk,
                                "value": value,
                            }
                        )
                    self._evidence(
                        rng, at, work, realisation, reviews, events, indicators[sub.pk], names,
                        saved, reporter, plan_files,
                    )  # fmt: skip

    def _evidence(
        self, rng, at, work, realisation, reviews, events, sub_indicators, names, saved,
        reporter, plan_files,
    ) -> None:  # fmt: skip
        """One to three items of bukti dukung; the returning review's notes on them; and a
        new version of the refused item when the work was revised."""
        count = (
            1
            if realisation["status"] == Realisation.Status.IN_PROGRESS
            else rng.choice([1, 2, 2, 3])
        )
        expected = [k for i in sub_indicators for k in (i.expected_evidence or [])]
        first_indicator = next((i.pk for i in sub_indicators), None)
        items = []
        for n in range(count):
            kind = EvidenceKind(rng.choice(expected)) if expected and n == 0 else None
            kind = kind or rng.choice(EVIDENCE_KINDS)
            evidence = {
                "realisation_id": realisation,
                "plan_id": realisation["plan_id"],
                "unit_id": realisation["unit_id"],
                "title": f"{KIND_TITLES[kind]} {names['sub'][:80]} {names['month']} "
                f"{names['year']}",
                "kind": kind,
                "as_of": saved - datetime.timedelta(days=rng.randint(0, 20)),
                "file_id": None,
                "original_name": "",
                "url": "",
                "replaces_id": None,
                "is_current": True,
                "uploaded_by_id": reporter.pk,
                "uploaded_at": at(saved),
            }
            draw = rng.random()
            if draw < 0.08:
                video = fake_sha256(self.generator.seed, "video", names["key"], n)
                evidence["url"] = f"https://www.youtube.com/watch?v={video[:11]}"
            else:
                if draw < 0.12 and plan_files:
                    file = rng.choice(plan_files)  # the same SK again, another month
                elif draw < 0.14:
                    file = rng.choice(self.shared)  # a circular every unit attaches
                else:
                    key = (self.generator.seed, names["key"], n)
                    file = self._file(rng, rng.choice(KIND_TYPES[kind]), key)
                    work.files.append(file)
                    plan_files.append(file)
                evidence["file_id"] = file
                ext = FILE_TYPES[file["file_type"]][1]
                month = names["month"].lower()
                evidence["original_name"] = f"{kind}-{month}-{names['year']}-{n + 1}.{ext}"
            work.evidence.append(evidence)
            if first_indicator is not None:
                work.links.append({"evidence_id": evidence, "indicator_id": first_indicator})
            items.append(evidence)
        for review in reviews:
            if review["verdict"] != Review.Verdict.RETURNED:
                continue
            refused = rng.choice(items)
            for item in items:
                accepted = item is not refused
                comment = "" if accepted else rng.choice(REJECT_NOTES)
                work.notes.append(
                    {
                        "review_id": review,
                        "evidence_id": item,
                        "accepted": accepted,
                        "comment": comment,
                    }
                )
            resubmitted = [day for event, day in events if event == "resubmit"]
            if resubmitted and refused["file_id"] is not None:
                refused["is_current"] = False
                old = refused["file_id"]
                key = ("revision", self.generator.seed, names["key"])
                file = self._file(rng, old["file_type"], key)
                work.files.append(file)
                work.replacements.append(
                    {
                        **refused,
                        "file_id": file,
                        "original_name": refused["original_name"].replace(".", "-revisi.", 1),
                        "replaces_id": refused,
                        "is_current": True,
                        "uploaded_at": at(resubmitted[0]),
                    }
                )

    def _file(self, rng: random.Random, file_type: str, key: tuple) -> dict:
        content_type, ext, low, high = FILE_TYPES[file_type]
        sha = fake_sha256(*key)
        image = file_type in ("jpeg", "png")
        return {
            "sha256": sha,
            "size": rng.randint(low, high),
            "file_type": file_type,
            "content_type": content_type,
            "file": f"{GENERATED_PREFIX}{sha}.{ext}",
            "thumbnail": "",
            "width": rng.choice([1600, 1280, 1920]) if image else None,
            "height": rng.choice([1200, 960, 1080]) if image else None,
            "pages": None if image or file_type == "xlsx" else rng.randint(1, 24),
            "generated": True,
            "created_by_id": None,
            "created_at": self.created_at,
        }

    # -- writing: one insert per table and batch, parents first -----------------------------
    def _write(self, work: PlanWork) -> None:
        counts = self.counts
        insert_rows(SchedulePeriod, work.periods)
        counts["periods"] += len(work.periods)
        insert_rows(EvidenceFile, work.files)
        counts["evidence_files"] += len(work.files)
        insert_rows(Realisation, work.realisations)
        counts["realisations"] += len(work.realisations)
        insert_rows(IndicatorValue, work.values, ids=False)
        counts["indicator_values"] += len(work.values)
        insert_rows(Evidence, work.evidence)
        insert_rows(Evidence, work.replacements)
        counts["evidence"] += len(work.evidence) + len(work.replacements)
        insert_rows(Evidence.indicators.through, work.links, ids=False)
        insert_rows(Review, work.reviews)
        counts["reviews"] += len(work.reviews)
        insert_rows(EvidenceReview, work.notes, ids=False)
        counts["evidence_reviews"] += len(work.notes)


WORK_MODELS = [SchedulePeriod, Realisation, IndicatorValue, EvidenceFile, Evidence, Review]
WORK_MODELS += [EvidenceReview, Evidence.indicators.through]
