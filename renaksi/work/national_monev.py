"""Quarterly monitoring, LKE and the submission chain of the generated national data.

``generate_national --monev`` runs ``MonevStep`` after the year's work (renaksi/work/national.py)
on every batch of written plans (it needs the work; without ``--monev`` nothing of this). For
each *ditetapkan* plan, and each quarter that ended before the reference date, it writes in
bulk (one insert per table and batch, ``insert_rows``):

* a ``QuarterReport`` for most quarters (narratives drawn from short lists, the report's number,
  date and signer — the unit's Ketua Tim Pengarah) with an ``AreaNote`` for one to three areas,
  and ``FollowUp`` rows opened in it, some closed in a later quarter (``closed_in``), some
  still open;
* for a share of the plans (``--lke-share``, default 0.5) an ``Assessment`` of the year against
  a published framework (``--lke-framework``, default the Zona Integritas LKE ``zi-2021``;
  frameworks come from ``load_frameworks``; none loaded: no assessments, said in the output),
  with a self-assessment ``Answer`` for most items (the rest unanswered), values computed by
  ``evaluation.scoring`` and most answers linked to the plan's verified evidence (some
  without), and the cached totals (index, category, node_scores, counts) exactly as
  ``evaluation.services.refresh_totals`` computes them;
* a ``Submission`` per ended quarter in the states real ones are in — not sent yet (no row),
  waiting at the province, returned with a note, forwarded and waiting at KPU RI, accepted,
  reopened with a reason — some sent after the deadline (``late``), each with its
  ``SubmissionStep`` rows (sent by the unit's administrator, decided by the province's
  ``peninjau-<code>`` and by ``peninjau-kpuri``, a KPU RI reviewer this step adds) and a
  snapshot of the quarter's figures (``monitoring.plan_quarter_totals``, two queries per
  quarter and batch) and of the LKE totals.

Drawn from a ``random.Random`` per plan (seed, unit, year), so the same seed gives the same
data. No audit entries (as for the rest of the generated data).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.utils import timezone

from renaksi.access.models import UnitRole
from renaksi.plans.models import ActionPlan
from renaksi.units.models import Unit

from .models import Evidence, Realisation
from .national import insert_rows, reference_date_for, zone

if TYPE_CHECKING:
    from renaksi.core.national import Batch, NationalGenerator

DEFAULT_FRAMEWORK = "zi-2021"
DEFAULT_LKE_SHARE = 0.5
NATIONAL_REVIEWER = "peninjau-kpuri"
SUBMISSION_DUE_DAYS = 15  # settings.RENAKSI_SUBMISSION_DUE_DAYS, read in __init__

OBSTACLES = [
    "Sebagian laporan bulanan disampaikan melewati batas tanggal 5.",
    "Bukti dukung beberapa kegiatan belum ditandatangani pejabat yang berwenang.",
    "Anggaran kegiatan sosialisasi belum tersedia pada triwulan ini.",
    "Narasumber kegiatan berhalangan sehingga jadwal bergeser.",
    "Pengelola aplikasi SPBE belum ditetapkan.",
]
SOLUTIONS = [
    "Koordinator area mengingatkan jadwal pelaporan setiap awal bulan.",
    "Bukti dukung dilengkapi dan diunggah ulang setelah ditandatangani.",
    "Kegiatan dijadwalkan ulang pada triwulan berikutnya.",
    "Sekretaris menetapkan petugas pengelola dengan surat tugas.",
]
RECOMMENDATIONS = [
    "Tim Pengarah memantau tindak lanjut pada rapat bulanan.",
    "Percepat verifikasi oleh Tim Asesor sebelum laporan triwulan dikirim.",
    "Usulkan anggaran kegiatan pada revisi DIPA.",
]
FOLLOW_UP_ACTIONS = [
    "Melengkapi bukti dukung yang dikembalikan asesor.",
    "Menjadwalkan ulang kegiatan yang tertunda.",
    "Menetapkan petugas pelapor bulanan area.",
    "Mendampingi pegawai yang belum menyampaikan LHKASN.",
    "Mengusulkan anggaran kegiatan pada revisi DIPA.",
]
RETURN_NOTES = [
    "Narasi kendala belum menjelaskan penyebab keterlambatan; lengkapi lalu kirim kembali.",
    "LKE belum disertai bukti dukung pada beberapa butir; lengkapi dulu.",
]
REOPEN_REASONS = ["Satker meminta perbaikan data realisasi triwulan ini."]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
# (story, weight) of a quarter's package; the last ended quarter is more often not sent yet.
SUBMISSION_STORIES = [
    ("none", 8), ("submitted", 12), ("returned", 8), ("forwarded", 12), ("accepted", 55),
    ("reopened", 5),
]  # fmt: skip
LATEST_STORIES = [("none", 30), ("submitted", 30), ("returned", 10), ("forwarded", 15)]
LATEST_STORIES += [("accepted", 15)]


def quarter_end(year: int, quarter: int) -> datetime.date:
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([name for name, _ in weighted], [w for _, w in weighted])[0]


def demo_raw_answer(node, rng: random.Random, skill: float) -> dict:
    """A plausible raw answer to an LKE item (as ``Answer`` columns: option, number, counts)
    for a unit of ``skill`` 0..1 (better units choose the better options more often)."""
    from renaksi.evaluation.models import FORMULA_INPUTS, NUMBER_SCALE, OPTION_CODES, AnswerType
    from renaksi.evaluation.scoring import option_codes

    answer_type = node.answer_type
    if node.options or answer_type in OPTION_CODES:
        codes = option_codes(node)
        # codes run from the best to the worst: skill moves the choice to the front.
        position = min(len(codes) - 1, int((1 - skill) * rng.random() * len(codes) * 1.6))
        return {"option": codes[position]} if codes else {}
    if answer_type == AnswerType.PERCENT:
        formula = node.formula or "ratio"
        first, second = FORMULA_INPUTS[formula]
        if formula == "decline":
            previous = rng.randint(1, 20)
            current = max(0, round(previous * (1 - skill * rng.random())))
            return {"counts": {first: previous, second: current}}
        whole = rng.randint(4, 40)
        part = min(whole, round(whole * min(1.0, skill + rng.uniform(-0.2, 0.2))))
        return {"counts": {first: max(part, 0), second: whole}}
    if answer_type in NUMBER_SCALE:
        top = NUMBER_SCALE[answer_type]
        share = max(0.0, min(1.0, skill + rng.uniform(-0.25, 0.15)))
        return {"number": Decimal(str(round(top * share, 2)))}
    return {}


class MonevStep:
    """``NationalGenerator.steps`` entry after ``WorkStep``: see the module docstring."""

    def __init__(
        self,
        generator: NationalGenerator,
        reference_date: datetime.date | None = None,
        *,
        lke_share: float = DEFAULT_LKE_SHARE,
        framework_code: str = DEFAULT_FRAMEWORK,
    ):
        from django.conf import settings

        self.generator = generator
        self.reference_date = reference_date
        self.lke_share = lke_share
        self.framework_code = framework_code
        self.today = timezone.localdate()
        self.counts = generator.result.counts
        self.due_days = getattr(settings, "RENAKSI_SUBMISSION_DUE_DAYS", SUBMISSION_DUE_DAYS)
        self.framework = None
        self.tree = None
        self.national_reviewer: User | None = None
        self.reviewers: dict[int, int] = {}  # province unit id → its reviewer's id
        self.units: dict[int, Unit] = {}
        self._ready = False

    def _prepare(self) -> None:
        from renaksi.evaluation.models import Framework
        from renaksi.evaluation.scoring import load_tree

        self._ready = True
        frameworks = Framework.objects.filter(state=Framework.State.PUBLISHED)
        self.framework = (
            frameworks.filter(code=self.framework_code).order_by("-version").first()
            if self.framework_code
            else frameworks.order_by("code", "-version").first()
        )
        if self.framework is not None and self.lke_share > 0:
            self.tree = load_tree(self.framework)
        else:
            self.counts["assessments_skipped"] = 1
        national = Unit.objects.get(code="00")
        user, created = User.objects.get_or_create(
            username=NATIONAL_REVIEWER,
            defaults={
                "first_name": "Peninjau KPU RI",
                "email": f"{NATIONAL_REVIEWER}@renaksi.invalid",
            },
        )
        if created:
            source = User.objects.filter(username="pembaca-kpuri").first()
            if source is not None:  # the one generated password's hash
                user.password = source.password
                User.objects.filter(pk=user.pk).update(password=source.password)
            self.counts["users"] += 1
        _role, role_created = UnitRole.objects.get_or_create(
            user=user, unit=national, role=UnitRole.Role.REVIEWER
        )
        self.counts["roles"] += int(role_created)
        self.national_reviewer = user
        self.reviewers = dict(
            UnitRole.objects.filter(
                role=UnitRole.Role.REVIEWER, unit__level=Unit.Level.PROVINSI
            ).values_list("unit_id", "user_id")
        )
        self.units = {unit.pk: unit for unit in Unit.objects.all()}

    def _reviewer_of(self, province: Unit) -> int:
        """The province's reviewer (``peninjau-<code>``), added when the province itself was
        not generated."""
        if province.pk not in self.reviewers:
            username = f"peninjau-{province.code}"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": f"Peninjau {province.name}"[:150],
                    "email": f"{username}@renaksi.invalid",
                    "password": self.national_reviewer.password,
                },
            )
            self.counts["users"] += int(created)
            _role, role_created = UnitRole.objects.get_or_create(
                user=user, unit=province, role=UnitRole.Role.REVIEWER
            )
            self.counts["roles"] += int(role_created)
            self.reviewers[province.pk] = user.pk
        return self.reviewers[province.pk]

    def __call__(self, batch: Batch) -> None:
        if not self._ready:
            self._prepare()
        rows = _Rows()
        plans = []
        for draft in batch.drafts:
            plan = draft.plan
            if plan.status != ActionPlan.Status.DITETAPKAN:
                continue
            reference = reference_date_for(plan.year, self.reference_date, self.today)
            if reference is None:
                continue
            quarters = [q for q in range(1, 5) if quarter_end(plan.year, q) < reference]
            if quarters:
                plans.append((draft, quarters, reference))
        if not plans:
            return
        plan_ids = [draft.plan.pk for draft, _q, _r in plans]
        totals = {
            q: _totals(plan_ids, q) for q in range(1, 5) if any(q in qs for _d, qs, _r in plans)
        }
        evidence = defaultdict(list)
        if self.tree is not None:
            for plan_id, evidence_id, area in (
                Evidence.objects.filter(
                    plan_id__in=plan_ids,
                    is_current=True,
                    realisation__state=Realisation.State.VERIFIED,
                )
                .order_by("pk")
                .values_list("plan_id", "pk", "realisation__sub_activity__activity__area__number")
            ):
                evidence[plan_id].append((evidence_id, area))
        for draft, quarters, reference in plans:
            self._plan(draft, quarters, reference, batch, totals, evidence, rows)
        rows.write(self.counts)

    # -- one plan --------------------------------------------------------------------------
    def _plan(self, draft, quarters, reference, batch, totals, evidence, rows: _Rows) -> None:
        plan = draft.plan
        unit = self.units[plan.unit_id]
        rng = self.generator._rng("monev", unit.code, plan.year)
        tz = zone(unit.time_zone)
        people = batch.people[plan.unit_id]
        areas = list(draft.areas)

        def at(day: datetime.date) -> datetime.datetime:
            clock = datetime.time(rng.randint(8, 16), rng.randint(0, 59))
            return datetime.datetime.combine(day, clock, tzinfo=tz)

        # The LKE of the year (a share of the plans).
        assessment = None
        if self.tree is not None and rng.random() < self.lke_share:
            day = quarter_end(plan.year, quarters[0]) - datetime.timedelta(days=8)
            assessment = self._assessment(
                plan, people, rng, evidence.get(plan.pk, []), at(day), rows
            )

        follow_ups: list[dict] = []
        for quarter in quarters:
            end = quarter_end(plan.year, quarter)
            latest = quarter == quarters[-1]
            for follow_up in follow_ups:  # carried: some are closed in this quarter
                if follow_up["closed_in"] is None and rng.random() < 0.45:
                    follow_up["state"] = rng.choice(["done", "done", "dropped"])
                    follow_up["closed_in"] = quarter
                    follow_up["updated_at"] = at(end)
                elif follow_up["closed_in"] is None and rng.random() < 0.4:
                    follow_up["state"] = "in_progress"
                    follow_up["progress_note"] = "Sedang dikerjakan."
            if latest and rng.random() < 0.2:
                continue  # the last quarter's report is not written yet
            day = min(end + datetime.timedelta(days=rng.randint(3, 12)), reference)
            report = {
                "plan_id": plan.pk,
                "unit_id": plan.unit_id,
                "year": plan.year,
                "quarter": quarter,
                "obstacles": rng.choice(OBSTACLES),
                "solutions": rng.choice(SOLUTIONS),
                "recommendations": rng.choice(RECOMMENDATIONS),
                "report_number": f"{rng.randint(10, 150)}/ORT.07-Lap/{unit.code}/"
                f"{ROMAN[day.month - 1]}/{day.year}",
                "report_date": day,
                "foreword": "",
                "signer_name": people.steering.first_name,
                "signer_title": f"Ketua {unit.name}",
                "version": 1,
                "updated_by_id": people.admin.pk,
                "updated_at": at(day),
            }
            rows.reports.append(report)
            for area in rng.sample(areas, k=min(len(areas), rng.randint(1, 3))):
                rows.notes.append(
                    {
                        "report_id": report,
                        "area_id": area.pk,
                        "obstacles": rng.choice(OBSTACLES),
                        "solutions": rng.choice(SOLUTIONS),
                        "recommendations": "",
                        "version": 1,
                    }
                )
            for _n in range(rng.choice([0, 1, 1, 2, 3])):
                area = rng.choice(areas)
                follow_up = {
                    "plan_id": plan.pk,
                    "unit_id": plan.unit_id,
                    "year": plan.year,
                    "area_id": area.pk,
                    "opened_in": quarter,
                    "closed_in": None,
                    "action": rng.choice(FOLLOW_UP_ACTIONS),
                    "finding": rng.choice(OBSTACLES),
                    "owner_id": people.coordinator_of(area.number).pk,
                    "owner_text": "",
                    "due_on": end + datetime.timedelta(days=rng.randint(20, 80)),
                    "state": "open",
                    "progress_note": "",
                    "version": 1,
                    "created_by_id": people.admin.pk,
                    "created_at": at(day),
                    "updated_at": at(day),
                }
                follow_ups.append(follow_up)
                rows.follow_ups.append(follow_up)
            self._submission(
                plan, unit, quarter, latest, day, reference, people, assessment, totals, at, rng,
                rows,
            )  # fmt: skip

    def _assessment(self, plan, people, rng, evidence, when, rows: _Rows) -> dict:
        from renaksi.evaluation.models import Tier
        from renaksi.evaluation.scoring import RawAnswer, display, item_value, score

        tree = self.tree
        skill = rng.uniform(0.35, 0.95)
        answered_share = rng.choice([1.0, 1.0, 0.95, 0.85, 0.7])
        evidence_share = rng.choice([0.95, 0.85, 0.7, 0.4])
        by_area = defaultdict(list)
        for evidence_id, area in evidence:
            by_area[area].append(evidence_id)
        raw_answers = {}
        assessment = {
            "unit_id": plan.unit_id,
            "year": plan.year,
            "framework_id": self.framework.pk,
            "plan_id": plan.pk,
            "version": 1,
            "created_at": when,
            "updated_at": when,
        }
        with_evidence = set()
        answers = []
        for node in tree.items:
            if rng.random() >= answered_share:
                continue
            raw = demo_raw_answer(node, rng, skill)
            if not raw:
                continue
            answer = RawAnswer(
                option=raw.get("option", ""), number=raw.get("number"), counts=raw.get("counts", {})
            )
            value = item_value(tree.rules, node, answer)
            raw_answers[node.code] = answer
            row = {
                "assessment_id": assessment,
                "item_id": node.pk,
                "tier": Tier.SELF,
                "option": answer.option,
                "number": answer.number,
                "counts": dict(answer.counts),
                "value": None if value is None else display(value, 6),
                "justification": "",
                "answered_by_id": people.admin.pk,
                "answered_at": when,
                "version": 1,
            }
            answers.append(row)
            pool = by_area.get(node.change_area) or [e for ids in by_area.values() for e in ids]
            if pool and rng.random() < evidence_share:
                for evidence_id in rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2]))):
                    rows.answer_evidence.append({"answer_id": row, "evidence_id": evidence_id})
                with_evidence.add(node.code)
        result = score(tree, raw_answers)
        answered = {n.code for n in tree.items if result.by_code[n.code].value is not None}
        assessment.update(
            {
                "index_value": display(result.index, 4),
                "category": (result.category or {}).get("code", ""),
                "node_scores": {
                    node.code: str(result.by_code[node.code].score)
                    for node in tree.walk()
                    if node.kind in ("component", "aspect", "area")
                    and result.by_code[node.code].score is not None
                },
                "item_count": len(tree.items),
                "answered_count": len(answered),
                "without_evidence_count": len(answered - with_evidence),
            }
        )
        rows.assessments.append(assessment)
        rows.answers.extend(answers)
        return assessment

    def _submission(
        self, plan, unit, quarter, latest, day, reference, people, assessment, totals, at, rng,
        rows,
    ) -> None:  # fmt: skip
        if unit.parent_id is None:
            return  # KPU RI's own plan goes nowhere
        story = _pick(rng, LATEST_STORIES if latest else SUBMISSION_STORIES)
        if story == "none":
            return
        province = self.units[unit.parent_id]
        national = (
            province if province.level == Unit.Level.PUSAT else self.units[province.parent_id]
        )
        end = quarter_end(plan.year, quarter)
        due_on = end + datetime.timedelta(days=self.due_days)
        if rng.random() < 0.2:
            sent = due_on + datetime.timedelta(days=rng.randint(1, 20))
        else:
            sent = end + datetime.timedelta(days=rng.randint(max(1, (day - end).days), 15))
        sent = min(sent, reference - datetime.timedelta(days=1))
        if sent <= end:
            return
        first_reviewer = self._reviewer_of(province) if province is not national else None
        national_id = self.national_reviewer.pk
        steps = [("submitted", people.admin.pk, unit.pk, "", sent)]
        moment = sent

        def later(low: int = 1, high: int = 8) -> datetime.date:
            return min(moment + datetime.timedelta(days=rng.randint(low, high)), reference)

        state, at_unit, locked = "submitted", province.pk, True
        if story == "returned":
            moment = later()
            steps.append(("returned", first_reviewer or national_id, province.pk,
                          rng.choice(RETURN_NOTES), moment))  # fmt: skip
            state, at_unit, locked = "returned", unit.pk, False
        elif story in ("forwarded", "accepted", "reopened"):
            if province is not national:
                moment = later()
                steps.append(("forwarded", first_reviewer, province.pk, "", moment))
                state, at_unit = "submitted", national.pk
            if story in ("accepted", "reopened"):
                moment = later()
                steps.append(("accepted", national_id, national.pk, "", moment))
                state, at_unit = "accepted", national.pk
            if story == "reopened":
                moment = later(3, 20)
                steps.append(("reopened", national_id, national.pk, rng.choice(REOPEN_REASONS),
                              moment))  # fmt: skip
                state, at_unit, locked = "reopened", unit.pk, False
        counts = totals.get(quarter, {}).get(plan.pk)
        snapshot = {
            "year": plan.year,
            "quarter": quarter,
            "plan": plan.pk,
            "generated": True,
            "monitoring": {"available": counts is not None, "total": _plain_counts(counts)},
            "lke": _lke_snapshot(assessment, self.framework),
        }
        submission = {
            "unit_id": unit.pk,
            "year": plan.year,
            "quarter": quarter,
            "plan_id": plan.pk,
            "assessment_id": assessment,
            "state": state,
            "at_unit_id": at_unit,
            "locked": locked,
            "late": sent > due_on,
            "due_on": due_on,
            "snapshot": snapshot,
            "submitted_by_id": people.admin.pk,
            "submitted_at": at(sent),
            "decided_at": at(moment) if len(steps) > 1 else None,
            "version": len(steps),
        }
        rows.submissions.append(submission)
        for action, actor, step_unit, note, when in steps:
            rows.steps.append(
                {
                    "submission_id": submission,
                    "action": action,
                    "actor_id": actor,
                    "at_unit_id": step_unit,
                    "note": note,
                    "created_at": at(when),
                }
            )


@dataclasses.dataclass
class _Rows:
    reports: list = dataclasses.field(default_factory=list)
    notes: list = dataclasses.field(default_factory=list)
    follow_ups: list = dataclasses.field(default_factory=list)
    assessments: list = dataclasses.field(default_factory=list)
    answers: list = dataclasses.field(default_factory=list)
    answer_evidence: list = dataclasses.field(default_factory=list)
    submissions: list = dataclasses.field(default_factory=list)
    steps: list = dataclasses.field(default_factory=list)

    def write(self, counts) -> None:
        from renaksi.evaluation.models import Answer, Assessment
        from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
        from renaksi.submissions.models import Submission, SubmissionStep

        insert_rows(QuarterReport, self.reports)
        insert_rows(AreaNote, self.notes, ids=False)
        insert_rows(FollowUp, self.follow_ups, ids=False)
        insert_rows(Assessment, self.assessments)
        insert_rows(Answer, self.answers)
        insert_rows(Answer.evidence.through, self.answer_evidence, ids=False)
        insert_rows(Submission, self.submissions)
        insert_rows(SubmissionStep, self.steps, ids=False)
        counts["quarter_reports"] += len(self.reports)
        counts["area_notes"] += len(self.notes)
        counts["follow_ups"] += len(self.follow_ups)
        counts["assessments"] += len(self.assessments)
        counts["answers"] += len(self.answers)
        counts["submissions"] += len(self.submissions)
        counts["submission_steps"] += len(self.steps)


def _totals(plan_ids, quarter: int) -> dict:
    from renaksi.monitoring.services import plan_quarter_totals

    return plan_quarter_totals(plan_ids, quarter)


def _plain_counts(counts) -> dict:
    if counts is None:
        return {}
    return {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in dataclasses.asdict(counts).items()
    }


def _lke_snapshot(assessment: dict | None, framework) -> dict:
    if assessment is None:
        return {"available": False}
    return {
        "available": True,
        "framework": framework.code,
        "framework_title": framework.title,
        "index": str(assessment["index_value"]),
        "category": assessment["category"],
        "node_scores": assessment["node_scores"],
        "item_count": assessment["item_count"],
        "answered_count": assessment["answered_count"],
        "without_evidence_count": assessment["without_evidence_count"],
        "complete": assessment["answered_count"] == assessment["item_count"]
        and not assessment["without_evidence_count"],
        "version": 1,
    }
