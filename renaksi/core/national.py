"""Generated national data: every unit with a plan per year, for measuring Renaksi at scale.

``generate_national(years=5, seed=1)`` fills the database with what 552 units running Renaksi
for some years would hold: every unit of ``load_units`` (loaded if missing), and for each unit
and year a plan of the Bengkayang plan's size and shape (its 8 areas, about its 27 activities,
73 sub-activities and 147 indicators, read from the demo decree), with texts and schedules
varied per unit and year, import findings, the unit's Tim RB and people:

* per unit: an administrator (``admin-<code>``), the Ketua Tim Pengarah (``pengarah-<code>``),
  four Tim Pelaksana coordinators of two areas each (``pelaksana1-<code>`` …) and a staff
  member, Agen Perubahan, who is PIC of some sub-activities (``staf-<code>``);
* a KPU RI viewer (``pembaca-kpuri``) and a reviewer per province (``peninjau-<code>``).

Everything is built in memory from a ``random.Random`` seeded per unit and year, so the same
seed gives the same data, and written with ``bulk_create`` in batches inside one transaction:
all or nothing. It refuses (``NationalRefused``, one Indonesian line) when a chosen unit
already has a plan or a Tim RB for one of the years.

Later work adds steps (realisations, evidence): ``NationalGenerator.steps`` lists them, each a
method taking the ``Batch`` of plans just written with their tree and people.
"""

from __future__ import annotations

import datetime
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renaksi.access.models import UnitRole
from renaksi.dashboards import summary
from renaksi.lib.decree.model import ParsedDecree
from renaksi.lib.decree.parser import parse_decree
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
    months_to_mask,
)
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit
from renaksi.units.services import NATIONAL_CODE

TEMPLATE_DECREE = (
    Path(__file__).resolve().parent
    / "data"
    / "keputusan-kpu-bengkayang-12-2022-rencana-aksi-rb.txt"
)
TEMPLATE_UNIT = "Bengkayang"
DEFAULT_FIRST_YEAR = 2022
BATCH_SIZE = 2000  # rows per INSERT
PLANS_PER_BATCH = 100  # plans built in memory before their tree is written
# The one password of every generated account (generated data is for trials, never production).
GENERATED_PASSWORD = "renaksi-nasional"  # noqa: S105 (printed; generated data only)
IMPLEMENTERS_PER_UNIT = 4  # each coordinates 8 / 4 = 2 areas

FIRST_NAMES = [
    "Agus", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hendra", "Indah", "Joko",
    "Kartika", "Lestari", "Made", "Nur", "Oktavia", "Putu", "Rahmat", "Sari", "Taufik",
    "Utami", "Wahyu", "Yohanes", "Zainal", "Ayu", "Bayu", "Dian", "Fitri", "Hasan",
]  # fmt: skip
LAST_NAMES = [
    "Saputra", "Wijaya", "Lestari", "Hidayat", "Siregar", "Nasution", "Pratama", "Kusuma",
    "Simanjuntak", "Rahayu", "Santoso", "Sitompul", "Gultom", "Hutapea", "Manurung",
    "Wibowo", "Suryani", "Pangaribuan", "Mahendra", "Setiawan", "Tanjung", "Harahap",
]  # fmt: skip
# Small changes to the template's texts, so that no two plans read alike.
NAME_SUFFIXES = [
    "", "", "", " secara berkala", " di lingkungan {unit}", " Tahun {year}",
    " bersama Sekretariat", " sesuai ketentuan", " dan melaporkan hasilnya",
]  # fmt: skip
INDICATOR_SUFFIXES = ["", "", "", " tepat waktu", " Tahun {year}", " yang ditetapkan"]
FINDING_KINDS = [
    ("numbering_gap", ImportFinding.Severity.WARNING, "Nomor sub kegiatan melompat."),
    ("missing_indicator", ImportFinding.Severity.WARNING, "Sub kegiatan tanpa indikator."),
    ("page_continuation", ImportFinding.Severity.INFO, "Lanjutan dari halaman sebelumnya."),
    ("list_split", ImportFinding.Severity.INFO, "Daftar dalam satu sel dipecah."),
    ("empty_schedule", ImportFinding.Severity.WARNING, "Sub kegiatan tanpa jadwal."),
]


class NationalRefused(Exception):
    """Nothing was written; ``message`` says why, in one Indonesian line."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@cache
def template_decree() -> ParsedDecree:
    """The Bengkayang decree, parsed once: the shape and texts every plan varies."""
    return parse_decree(TEMPLATE_DECREE.read_bytes())


@dataclass
class UnitPeople:
    """The generated accounts of one unit."""

    admin: User
    steering: User
    implementers: list[User]  # implementers[i] coordinates areas 2i+1 and 2i+2
    staff: User

    def coordinator_of(self, area_number: int) -> User:
        return self.implementers[(area_number - 1) * len(self.implementers) // 8]


@dataclass
class PlanDraft:
    """One plan and its tree, built in memory, written by ``NationalGenerator._write``."""

    plan: ActionPlan
    areas: list[PlanArea] = field(default_factory=list)
    activities: list[tuple[PlanArea, Activity]] = field(default_factory=list)
    subs: list[tuple[Activity, SubActivity]] = field(default_factory=list)
    indicators: list[tuple[SubActivity, Indicator]] = field(default_factory=list)
    findings: list[tuple[SubActivity, ImportFinding]] = field(default_factory=list)


@dataclass
class Batch:
    """Plans just written (with primary keys), for the steps that come after the tree."""

    drafts: list[PlanDraft]
    people: dict[int, UnitPeople]  # by unit id


@dataclass
class NationalResult:
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    units_loaded: bool = False


def _unit_texts(unit: Unit) -> dict[str, str]:
    """How the unit appears in a decree: full name, upper case, region and place."""
    region = re.sub(r"^KPU\s+", "", unit.name)  # "Kabupaten Bengkayang", "Provinsi …", "RI"
    if unit.level == Unit.Level.PUSAT:
        full, place, region = "Komisi Pemilihan Umum", "Jakarta", "Republik Indonesia"
    else:
        full = f"Komisi Pemilihan Umum {region}"
        place = re.sub(r"^(Kabupaten|Kota|Provinsi)\s+", "", region)
    return {"full": full, "upper": full.upper(), "region": region, "place": place}


def _substitute(text: str, names: dict[str, str], year: int) -> str:
    """The template's text said of another unit and year."""
    text = text.replace(f"KOMISI PEMILIHAN UMUM KABUPATEN {TEMPLATE_UNIT.upper()}", names["upper"])
    text = text.replace(f"Komisi Pemilihan Umum Kabupaten {TEMPLATE_UNIT}", names["full"])
    text = text.replace(f"KABUPATEN {TEMPLATE_UNIT.upper()}", names["region"].upper())
    text = text.replace(f"Kabupaten {TEMPLATE_UNIT}", names["region"])
    text = text.replace(TEMPLATE_UNIT.upper(), names["place"].upper())
    text = text.replace(TEMPLATE_UNIT, names["place"])
    # The template is the 2022 plan: its years move with the plan's.
    return re.sub(r"\b20(1\d|2\d)\b", lambda m: str(int(m.group(0)) + year - 2022), text)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _vary_months(rng: random.Random, months: set[int]) -> set[int]:
    """The template's months, shifted by up to a month, sometimes with one more."""
    shift = rng.choice([-1, 0, 0, 0, 1])
    varied = {(month - 1 + shift) % 12 + 1 for month in months}
    if not varied or rng.random() < 0.2:
        varied.add(rng.randint(1, 12))
    return varied


class NationalGenerator:
    """Writes the national data set; see the module's docstring."""

    def __init__(
        self,
        *,
        years: int,
        seed: int = 1,
        first_year: int = DEFAULT_FIRST_YEAR,
        unit_codes: list[str] | None = None,
        progress=None,
        work: bool = False,
        reference_date: datetime.date | None = None,
        monev: bool = False,
        lke_share: float = 0.5,
        lke_framework: str = "zi-2021",
    ):
        if years < 1:
            raise NationalRefused(_("Jumlah tahun minimal 1."))
        if first_year < 2010 or first_year + years - 1 > 2100:
            raise NationalRefused(_("Tahun harus di antara 2010 dan 2100."))
        self.years = list(range(first_year, first_year + years))
        self.seed = seed
        self.unit_codes = unit_codes  # code prefixes; None: every unit
        self.progress = progress or (lambda message: None)
        self.result = NationalResult()
        # What runs for every batch of written plans, in order. Later data (realisations,
        # evidence …) adds a method here.
        self.steps = [self._write_findings]
        if work:  # the year's work (the command's default): realisations, evidence, reviews
            from renaksi.work.national import WorkStep

            # It writes the schedule periods too (merging with any written before).
            self.steps.append(WorkStep(self, reference_date))
            if monev:  # quarterly reports, follow-ups, LKE, submissions (work/national_monev.py)
                from renaksi.work.national_monev import MonevStep

                self.steps.append(
                    MonevStep(
                        self, reference_date, lke_share=lke_share, framework_code=lke_framework
                    )
                )
        else:
            self.steps.append(self._write_periods)

    def _rng(self, *parts) -> random.Random:
        """A generator of its own for each part of the data: the same seed, the same data,
        whatever else is generated (and in whichever order)."""
        key = ":".join(str(part) for part in (self.seed, *parts))
        return random.Random(key)  # noqa: S311 (test data, not secrets)

    # -- the whole run ------------------------------------------------------------------
    def run(self) -> NationalResult:
        started = time.monotonic()
        with transaction.atomic():
            units = self._units()
            self._refuse_existing(units)
            change_areas = {area.number: area for area in ChangeArea.objects.all()}
            if len(change_areas) != 8:
                raise NationalRefused(
                    _("Area perubahan baku belum lengkap; jalankan 'manage.py migrate'.")
                )
            people = self._people(units)
            teams = self._teams(units, people, change_areas)
            drafts: list[PlanDraft] = []
            for unit in units:
                for year in self.years:
                    drafts.append(self._build_plan(unit, year, people[unit.pk], change_areas))
                    if len(drafts) >= PLANS_PER_BATCH:
                        self._flush(drafts, people)
                        drafts = []
            self._flush(drafts, people)
            self.result.counts["teams"] = teams
        analyze_tables()
        self.result.seconds = time.monotonic() - started
        return self.result

    def _flush(self, drafts: list[PlanDraft], people: dict[int, UnitPeople]) -> None:
        if not drafts:
            return
        self._write(drafts)
        batch = Batch(drafts, people)
        for step in self.steps:
            step(batch)
        summary.refresh(draft.plan.pk for draft in drafts)  # the dashboards' summaries
        self.progress(_("%(plans)s rencana aksi ditulis.") % {"plans": self.result.counts["plans"]})

    # -- units and the refusal ----------------------------------------------------------
    def _units(self) -> list[Unit]:
        from renaksi.units.services import DATA_DIR, read_unit_rows

        wanted = {row.code for rows in read_unit_rows(DATA_DIR).values() for row in rows}
        present = set(Unit.objects.filter(code__in=wanted).values_list("code", flat=True))
        if present != wanted:
            from renaksi.units.services import load_units

            load_units()
            self.result.units_loaded = True
        units = list(Unit.objects.filter(code__in=wanted).order_by("code"))
        if self.unit_codes:
            units = [u for u in units if any(u.code.startswith(p) for p in self.unit_codes)]
            if not units:
                raise NationalRefused(
                    _("Tidak ada satker dengan kode %(codes)s.")
                    % {"codes": ", ".join(self.unit_codes)}
                )
        return units

    def _refuse_existing(self, units: list[Unit]) -> None:
        unit_ids = [unit.pk for unit in units]
        for model, what in ((ActionPlan, _("rencana aksi")), (ReformTeam, _("Tim RB"))):
            taken = model.objects.filter(unit_id__in=unit_ids, year__in=self.years)
            count = taken.count()
            if count:
                first = taken.select_related("unit").order_by("year", "unit__code").first()
                raise NationalRefused(
                    _(
                        "Sudah ada %(count)s %(what)s untuk tahun %(years)s (mis. %(unit)s "
                        "%(year)s); tidak ada yang diubah. Pakai basis data kosong atau tahun "
                        "lain (--first-year)."
                    )
                    % {
                        "count": count,
                        "what": what,
                        "years": self._years_label(),
                        "unit": first.unit.name,
                        "year": first.year,
                    }
                )

    def _years_label(self) -> str:
        if len(self.years) == 1:
            return str(self.years[0])
        return f"{self.years[0]}–{self.years[-1]}"

    # -- people, roles and teams --------------------------------------------------------
    def _people(self, units: list[Unit]) -> dict[int, UnitPeople]:
        password = make_password(GENERATED_PASSWORD)
        rng = self._rng("people")
        wanted: dict[str, str] = {}  # username -> full name
        for unit in units:
            names = _unit_texts(unit)
            wanted[f"admin-{unit.code}"] = f"Sekretariat {names['region']}"
            wanted[f"pengarah-{unit.code}"] = _person(rng)
            for number in range(1, IMPLEMENTERS_PER_UNIT + 1):
                wanted[f"pelaksana{number}-{unit.code}"] = _person(rng)
            wanted[f"staf-{unit.code}"] = _person(rng)
            if unit.level == Unit.Level.PROVINSI:
                wanted[f"peninjau-{unit.code}"] = f"Peninjau {names['region']}"
        wanted["pembaca-kpuri"] = "Pembaca KPU RI"
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        new = [
            User(
                username=username,
                first_name=full_name[:150],
                email=f"{username}@renaksi.invalid",
                password=password,
            )
            for username, full_name in wanted.items()
            if username not in existing
        ]
        User.objects.bulk_create(new, batch_size=BATCH_SIZE)
        self.result.counts["users"] += len(new)
        users = {u.username: u for u in User.objects.filter(username__in=wanted)}

        roles = [
            UnitRole(user=users[f"admin-{u.code}"], unit=u, role=UnitRole.Role.ADMIN) for u in units
        ]
        roles += [
            UnitRole(user=users[f"peninjau-{u.code}"], unit=u, role=UnitRole.Role.REVIEWER)
            for u in units
            if u.level == Unit.Level.PROVINSI
        ]
        # The KPU RI viewer reads every unit, whichever units were chosen.
        national = Unit.objects.get(code=NATIONAL_CODE)
        roles.append(
            UnitRole(user=users["pembaca-kpuri"], unit=national, role=UnitRole.Role.VIEWER)
        )
        before = UnitRole.objects.count()
        UnitRole.objects.bulk_create(roles, batch_size=BATCH_SIZE, ignore_conflicts=True)
        self.result.counts["roles"] += UnitRole.objects.count() - before

        return {
            unit.pk: UnitPeople(
                admin=users[f"admin-{unit.code}"],
                steering=users[f"pengarah-{unit.code}"],
                implementers=[
                    users[f"pelaksana{n}-{unit.code}"] for n in range(1, IMPLEMENTERS_PER_UNIT + 1)
                ],
                staff=users[f"staf-{unit.code}"],
            )
            for unit in units
        }

    def _teams(
        self, units: list[Unit], people: dict[int, UnitPeople], change_areas: dict[int, ChangeArea]
    ) -> int:
        teams = [
            ReformTeam(
                unit=unit,
                year=year,
                decree_number=str(self._rng("team", unit.code, year).randint(1, 60)),
                decree_date=None,
                decree_title=_("Tim Reformasi Birokrasi %(unit)s Tahun %(year)s")
                % {"unit": unit.name, "year": year},
            )
            for unit in units
            for year in self.years
        ]
        ReformTeam.objects.bulk_create(teams, batch_size=BATCH_SIZE)
        _require_ids(teams)
        members = []
        for team in teams:
            unit_people = people[team.unit_id]
            members.append(self._member(team, unit_people.steering, Position.PENGARAH_KETUA))
            members.append(self._member(team, unit_people.staff, Position.AGEN_PERUBAHAN))
            for number in range(1, 9):
                members.append(
                    self._member(
                        team,
                        unit_people.coordinator_of(number),
                        Position.PELAKSANA_KOORDINATOR,
                        change_areas[number],
                    )
                )
        TeamMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
        self.result.counts["team_members"] += len(members)
        return len(teams)

    @staticmethod
    def _member(team, user, position, change_area=None) -> TeamMember:
        return TeamMember(
            team=team,
            user=user,
            name=user.first_name or user.username,
            position=position,
            change_area=change_area,
        )

    # -- one plan, in memory ------------------------------------------------------------
    def _build_plan(
        self,
        unit: Unit,
        year: int,
        people: UnitPeople,
        change_areas: dict[int, ChangeArea],
    ) -> PlanDraft:
        rng = self._rng("plan", unit.code, year)
        template = template_decree()
        header = template.header
        names = _unit_texts(unit)

        def say(text: str) -> str:
            return _substitute(text, names, year)

        def items(list_items) -> list[dict]:
            return [{**item.as_dict(), "text": say(item.text)} for item in list_items]

        quarterly = rng.random() < 0.05
        number = rng.randint(1, 120)
        # Past years are set; the last year is at every stage of its workflow.
        if year < self.years[-1] or rng.random() < 0.4:
            status = ActionPlan.Status.DITETAPKAN
        else:
            status = rng.choice(
                [ActionPlan.Status.DRAFT, ActionPlan.Status.SUBMITTED, ActionPlan.Status.RETURNED]
            )
        decree_date = None
        if status == ActionPlan.Status.DITETAPKAN:
            decree_date = datetime.date(year, rng.randint(1, 4), rng.randint(1, 28))
        now = timezone.now()
        plan = ActionPlan(
            unit=unit,
            year=year,
            status=status,
            schedule_kind=ActionPlan.Schedule.QUARTER if quarterly else ActionPlan.Schedule.MONTH,
            decree_number=str(number),
            decree_title=say(header.title).replace(f"NOMOR {header.number} ", f"NOMOR {number} "),
            decree_subject=say(header.subject),
            decree_place=names["place"],
            decree_date=decree_date,
            signer_name=people.steering.first_name.upper(),
            signer_title=say(header.signer_title),
            certifier_name=_person(rng),
            certifier_title=say(header.certifier_title),
            considerations=items(header.considerations),
            legal_bases=items(header.legal_bases),
            notes_considered=items(header.notes_considered),
            dictums=items(header.dictums),
            budget_reference=say(header.budget_reference),
            approved_by=people.steering if status == ActionPlan.Status.DITETAPKAN else None,
            approved_at=now if status == ActionPlan.Status.DITETAPKAN else None,
            submitted_by=people.admin if status != ActionPlan.Status.DRAFT else None,
            submitted_at=now if status != ActionPlan.Status.DRAFT else None,
            return_note=_("Lengkapi indikator area 4.")
            if status == ActionPlan.Status.RETURNED
            else "",
            source_name=f"keputusan-{unit.code}-{year}.txt",
            imported_at=now,
        )
        draft = PlanDraft(plan)
        line = 90
        # Drop a few sub-activities (never an activity's last one): about 70 per plan.
        droppable = [
            (area.number, a, s)
            for area in template.areas
            for a, activity in enumerate(area.activities)
            for s in range(1, len(activity.sub_activities))
        ]
        dropped = set(rng.sample(droppable, rng.randint(0, 6)))
        for area_data in template.areas:
            area = PlanArea(
                change_area=change_areas[area_data.number],
                number=area_data.number,
                name=area_data.name,
                source_line=line,
            )
            draft.areas.append(area)
            coordinator = people.coordinator_of(area_data.number)
            for a_index, activity_data in enumerate(area_data.activities):
                line += 1
                activity = Activity(
                    number=activity_data.number or a_index + 1,
                    position=a_index + 1,
                    name=say(activity_data.name)
                    + rng.choice(NAME_SUFFIXES).format(unit=names["region"], year=year),
                    pic=coordinator if rng.random() < 0.3 else None,
                    source_line=line,
                )
                draft.activities.append((area, activity))
                position = 0
                for s_index, sub_data in enumerate(activity_data.sub_activities):
                    if (area_data.number, a_index, s_index) in dropped:
                        continue
                    position += 1
                    line += 1
                    months = _vary_months(rng, sub_data.months or {1})
                    if quarterly:
                        schedule = months_to_mask({(month - 1) // 3 + 1 for month in months})
                    else:
                        schedule = months_to_mask(months)
                    sub = SubActivity(
                        number=position,
                        position=position,
                        name=say(sub_data.name)
                        + rng.choice(NAME_SUFFIXES).format(unit=names["region"], year=year),
                        schedule=schedule,
                        pic=people.staff if rng.random() < 0.08 else None,
                        source_line=line,
                    )
                    draft.subs.append((activity, sub))
                    for i_index, indicator_data in enumerate(sub_data.indicators):
                        if i_index and rng.random() < 0.05:
                            continue
                        kind, target, measure = rng.choice(
                            [
                                ("", None, ""),
                                ("", None, ""),
                                (Indicator.Kind.DOKUMEN, Decimal(rng.randint(1, 4)), "dokumen"),
                                (Indicator.Kind.PERSENTASE, Decimal(100), "%"),
                                (Indicator.Kind.JUMLAH, Decimal(rng.randint(2, 24)), "kali"),
                            ]
                        )
                        draft.indicators.append(
                            (
                                sub,
                                Indicator(
                                    position=i_index + 1,
                                    label=indicator_data.label,
                                    text=say(indicator_data.text)
                                    + rng.choice(INDICATOR_SUFFIXES).format(year=year),
                                    kind=kind,
                                    target_value=target,
                                    unit_of_measure=measure,
                                    source_line=line,
                                ),
                            )
                        )
            line += 1
        for sub in rng.sample([s for _a, s in draft.subs], rng.randint(0, 6)):
            kind, severity, message = rng.choice(FINDING_KINDS)
            resolved = rng.random() < 0.5
            draft.findings.append(
                (
                    sub,
                    ImportFinding(
                        line=sub.source_line,
                        kind=kind,
                        severity=severity,
                        message=message,
                        message_template=message,
                        excerpt=sub.name[:200],
                        resolution=ImportFinding.Resolution.CONFIRMED if resolved else "",
                        confirmed_by=people.admin if resolved else None,
                        confirmed_at=now if resolved else None,
                    ),
                )
            )
        return draft

    # -- writing ------------------------------------------------------------------------
    def _write(self, drafts: list[PlanDraft]) -> None:
        """The batch's plans, then each level of their trees: one bulk insert per level."""
        counts = self.result.counts
        plans = [draft.plan for draft in drafts]
        ActionPlan.objects.bulk_create(plans, batch_size=BATCH_SIZE)
        _require_ids(plans)
        counts["plans"] += len(plans)
        for draft in drafts:
            for area in draft.areas:
                area.plan = draft.plan
        areas = [area for draft in drafts for area in draft.areas]
        PlanArea.objects.bulk_create(areas, batch_size=BATCH_SIZE)
        _require_ids(areas)
        counts["areas"] += len(areas)
        for model, attribute, rows, key in (
            (Activity, "area", [r for d in drafts for r in d.activities], "activities"),
            (SubActivity, "activity", [r for d in drafts for r in d.subs], "sub_activities"),
            (Indicator, "sub_activity", [r for d in drafts for r in d.indicators], "indicators"),
        ):
            for parent, child in rows:
                setattr(child, attribute, parent)
            children = [child for _parent, child in rows]
            model.objects.bulk_create(children, batch_size=BATCH_SIZE)
            if model is not Indicator:
                _require_ids(children)
            counts[key] += len(children)

    def _write_findings(self, batch: Batch) -> None:
        findings = []
        for draft in batch.drafts:
            for sub, finding in draft.findings:
                finding.plan = draft.plan
                finding.sub_activity = sub
                findings.append(finding)
        ImportFinding.objects.bulk_create(findings, batch_size=BATCH_SIZE)
        self.result.counts["findings"] += len(findings)

    def _write_periods(self, batch: Batch) -> None:
        """The schedule as rows (renaksi/work/periods.py), built without a query."""
        from renaksi.work.models import SchedulePeriod
        from renaksi.work.periods import new_periods

        rows = [
            row
            for draft in batch.drafts
            for _activity, sub in draft.subs
            for row in new_periods(draft.plan, sub.pk, sub.schedule)
        ]
        SchedulePeriod.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.result.counts["periods"] += len(rows)


def analyze_tables() -> None:
    """Fresh planner statistics for the tables just filled (PostgreSQL): without them,
    with autovacuum off or not yet run, the queries are planned as for empty tables."""
    if connection.vendor != "postgresql":
        return
    models = [User, UnitRole, ReformTeam, TeamMember, ActionPlan, PlanArea, Activity]
    models += [SubActivity, Indicator, ImportFinding]
    from renaksi.work.national import WORK_MODELS

    models += WORK_MODELS
    # VACUUM also sets the visibility map, so that counting a tree reads only the
    # indexes; it cannot run inside a transaction (as in a test), ANALYZE can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'{command} "{model._meta.db_table}"')


def _require_ids(objects) -> None:
    if any(obj.pk is None for obj in objects):
        raise NationalRefused(
            _("Basis data ini tidak mengembalikan id baris baru; pakai PostgreSQL atau SQLite.")
        )


def generate_national(**options) -> NationalResult:
    """Run a ``NationalGenerator`` (see its arguments); raises ``NationalRefused``."""
    return NationalGenerator(**options).run()
