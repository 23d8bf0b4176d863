"""Bengkayang's 2022, told by seed_demo through the real services at the story's moments.

``tell_the_year(plan, users, stored, clock) -> Story`` runs, inside seed_demo's transaction
and its ``DemoClock`` (renaksi/core/demo_clock.py), every step that is not recorded yet (seed_demo
sets the unit, its users, its teams and the draft plan up at ``SET_UP``, 10 January 2022):

* the plan's monitoring months: March, June, September (the Bengkayang decree's own marks);
* the plan submitted by the secretariat (8 April 2022) and approved by the Ketua Tim Pengarah
  (11 April 2022, the decree's date), through renaksi/plans/workflow.py;
* January–September of the year's work (renaksi/work/demo.py: who reports what, when, and
  how each month ends);
* the TW I–III narratives with the official report's data and the notes of the areas
  concerned, and five follow-ups opened and updated by their owners until closed
  (renaksi/monitoring/services.py), each quarter's written once its work is verified;
* the 2022 LKE against the Zona Integritas framework (renaksi/evaluation/services.py): the
  self-assessment in June with the plan's verified evidence, the LHKPN item fed from its
  indicator, the Tim Asesor's and the province's scores in July;
* the submission chain (renaksi/submissions/services.py): TW I sent, returned by Kalimantan
  Barat, its area 4 note fixed, sent again, forwarded to KPU RI and accepted there; TW II sent
  and waiting at Kalimantan Barat.

All steps are ``Event``s run in the story's order (a submission locks its quarter, so it comes
after the quarter's last verification). Each part checks what exists first, so a second run
adds nothing and prints nothing new. docs/demo.md tells the story with its dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from renaksi.plans import workflow
from renaksi.plans.models import ActionPlan, months_to_mask
from renaksi.work import demo as work_demo

from .demo_clock import DemoClock, Event, at, run_events

SET_UP = at(2022, 1, 10, 8, 0)  # the demo unit's users, teams and draft plan
MONITORING_MONTHS = (3, 6, 9)
PLAN_SUBMITTED = at(2022, 4, 8, 10, 0)
PLAN_APPROVED = at(2022, 4, 11, 9, 30)


@dataclass
class Story:
    """What this run added, for seed_demo's output."""

    months: int = 0
    plan_approved: bool = False
    monitoring_months: bool = False
    reports: int = 0
    lke_answers: int = 0
    follow_ups: int = 0
    submission_steps: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.plan_approved:
            out.append("Rencana aksi demo diajukan dan ditetapkan (11 April 2022).")
        if self.monitoring_months:
            out.append("Bulan monitoring rencana aksi demo: Maret, Juni, September.")
        if self.months:
            out.append(
                f"Realisasi demo Januari–September 2022 dicatat: {self.months} periode (8 area)."
            )
        if self.reports or self.follow_ups:
            out.append(
                f"Monitoring demo: {self.reports} laporan triwulan (TW I–III) dengan catatan "
                f"area, {self.follow_ups} tindak lanjut."
            )
        if self.lke_answers:
            out.append(
                f"LKE demo 2022 (Zona Integritas, PermenPANRB 90/2021): {self.lke_answers} "
                "jawaban mandiri dengan bukti dukung, nilai Tim Asesor dan KPU Provinsi."
            )
        if self.submission_steps:
            out.append(
                "Kiriman demo: TW I dikirim, dikembalikan Kalimantan Barat, dikirim ulang, "
                "diteruskan dan diterima KPU RI; TW II menunggu di Kalimantan Barat."
            )
        return out + self.notes


def tell_the_year(plan: ActionPlan, users: dict, stored, clock: DemoClock) -> Story:
    story = Story()
    events: list[Event] = []
    events += _months_events(plan, users, story)
    events += _approval_events(plan, users, story)
    work = work_demo.work_events(plan, users, stored)
    story.months = len({event.order // 10 for event in work})
    events += work
    events += _monitoring_events(plan, users, story)
    events += _lke_events(plan, users, story)
    events += _submission_events(plan, users, story)
    run_events(events, clock)
    return story


def _months_events(plan: ActionPlan, users: dict, story: Story) -> list[Event]:
    """March, June, September: the secretariat sets them (the monitoring part's service)."""
    from renaksi.monitoring import services as monitoring

    if plan.monitoring_months == months_to_mask(MONITORING_MONTHS):
        return []

    def set_months() -> None:
        monitoring.set_monitoring_months(users["sekretariat"], plan, MONITORING_MONTHS)
        story.monitoring_months = True

    return [Event(SET_UP, 1, set_months)]


def _approval_events(plan: ActionPlan, users: dict, story: Story) -> list[Event]:
    if plan.status != ActionPlan.Status.DRAFT:
        return []

    def submit() -> None:
        workflow.submit_plan(users["sekretariat"], plan)

    def approve() -> None:
        workflow.approve_plan(users["pimpinan"], ActionPlan.objects.get(pk=plan.pk))
        story.plan_approved = True

    return [Event(PLAN_SUBMITTED, 0, submit), Event(PLAN_APPROVED, 0, approve)]


# -- the quarterly monitoring: narratives, follow-ups -------------------------------------------

SIGNER = ("Musa Jairani", "Ketua KPU Kabupaten Bengkayang selaku Ketua Tim Pengarah RB")
FOREWORD = (
    "Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa. Laporan monitoring dan "
    "evaluasi ini menyajikan capaian pelaksanaan Rencana Aksi Reformasi Birokrasi KPU "
    "Kabupaten Bengkayang Tahun 2022 pada {quarter}, sebagai bahan Tim Pengarah, KPU Provinsi "
    "Kalimantan Barat dan Tim Reformasi Birokrasi KPU RI."
)
# quarter → (report number, report date, obstacles, solutions, recommendations)
REPORTS = {
    1: (
        "27/ORT.07-Lap/6107/IV/2022",
        datetime.date(2022, 4, 12),
        "Laporan bulan Januari area Penataan Tata Laksana terlambat disampaikan karena "
        "pengelola aplikasi belum ditetapkan. FGD evaluasi organisasi bulan Januari tidak "
        "terlaksana karena narasumber berhalangan. Pelaporan LHKASN belum mencapai 100%.",
        "Koordinator area menetapkan petugas pelapor bulanan dan jadwal pengingat. FGD evaluasi "
        "organisasi dijadwalkan ulang pada bulan Juli. Pegawai yang belum melapor LHKASN "
        "didampingi oleh Subbagian SDM.",
        "Setiap area menyampaikan laporan bulanan paling lambat tanggal 5 bulan berikutnya "
        "beserta bukti dukung yang telah ditandatangani.",
    ),
    2: (
        "51/ORT.07-Lap/6107/VII/2022",
        datetime.date(2022, 7, 8),
        "Laporan bulan April area Penguatan Pengawasan terlambat. Kegiatan pelibatan masyarakat "
        "bulan Mei tidak terlaksana karena tahapan Pemilu 2024 belum dimulai. Penyusunan "
        "Renstra ditunda menunggu Renstra KPU hasil reviu.",
        "Pelibatan masyarakat dialihkan ke sosialisasi bersama mitra. Penyusunan Renstra "
        "dilanjutkan pada bulan Juli setelah acuan diterima.",
        "Tim Pengarah memantau tindak lanjut yang masih terbuka pada rapat bulanan.",
    ),
    3: (
        "78/ORT.07-Lap/6107/X/2022",
        datetime.date(2022, 10, 5),
        "Laporan bulan Juli area Peningkatan Kualitas Pelayanan Publik terlambat. Kuesioner "
        "evaluasi organisasi belum dibuka KemenPANRB. Laporan September area 2 dan area 3 belum "
        "disampaikan dan notulen bulan Agustus area 5 dikembalikan asesor.",
        "Koordinator area 2 dan area 3 diminta melengkapi laporan September. Notulen area 5 "
        "ditandatangani ulang dan diunggah kembali.",
        "Percepat verifikasi laporan September sebelum laporan triwulan dikirim.",
    ),
}
# quarter → {area number: (obstacles, solutions, recommendations)}
AREA_NOTES = {
    1: {
        3: (
            "FGD evaluasi organisasi bulan Januari tidak terlaksana (narasumber berhalangan).",
            "Dijadwalkan ulang pada bulan Juli.",
            "",
        ),
        4: (
            "Sepuluh laporan bulan Januari disampaikan terlambat (14 Februari).",
            "Petugas pelapor bulanan ditetapkan; pengingat dikirim setiap tanggal 1.",
            "",
        ),
        7: (
            "Pelaporan LHKASN baru 95% sampai akhir Maret.",
            "Pendampingan pengisian bagi pegawai yang belum melapor.",
            "Target 100% pelaporan LHKASN pada triwulan II.",
        ),
    },
    2: {
        6: ("Penyusunan Renstra ditunda ke bulan Juli.", "Menunggu Renstra KPU hasil reviu.", ""),
        7: ("Laporan bulan April terlambat (18 Mei).", "Jadwal pelaporan diingatkan ulang.", ""),
        8: (
            "Pelibatan masyarakat bulan Mei tidak terlaksana.",
            "Dialihkan ke sosialisasi bersama mitra pada bulan Juni.",
            "",
        ),
    },
    3: {
        2: ("Laporan September belum disampaikan.", "", "Lengkapi sebelum 10 Oktober."),
        3: (
            "Kuesioner evaluasi organisasi belum dibuka; laporan September belum ada.",
            "",
            "",
        ),
        5: ("Notulen bulan Agustus dikembalikan asesor.", "Ditandatangani ulang.", ""),
    },
}
# The TW I return by KPU Provinsi Kalimantan Barat, and what the unit changed after it.
RETURN_NOTE = (
    "Catatan area Penataan Tata Laksana belum menjelaskan langkah perbaikan atas keterlambatan "
    "laporan Januari; lengkapi lalu kirim kembali."
)
AREA_4_FIXED = (
    "Sepuluh laporan bulan Januari disampaikan terlambat (14 Februari).",
    "Petugas pelapor bulanan ditetapkan dengan surat tugas sekretaris; pengingat dikirim setiap "
    "tanggal 1 dan laporan diperiksa koordinator sebelum tanggal 5.",
    "",
)


@dataclass(frozen=True)
class DemoFollowUp:
    key: str
    quarter: int  # opened in
    area: int
    owner: str  # username
    action: str
    finding: str
    due_on: datetime.date
    # (quarter, state, progress note) updates, in order
    updates: tuple[tuple[int, str, str], ...] = ()


FOLLOW_UPS = [
    DemoFollowUp(
        "lhkasn", 1, 7, "pelaksana6",
        "Mendampingi pegawai yang belum menyampaikan LHKASN sampai seluruhnya melapor.",
        "Pelaporan LHKASN 95% pada akhir Maret.",
        datetime.date(2022, 5, 31),
        ((2, "done", "Seluruh pegawai telah melaporkan LHKASN pada 20 Mei 2022."),),
    ),
    DemoFollowUp(
        "pelapor", 1, 4, "pelaksana1",
        "Menetapkan petugas pelapor bulanan area Penataan Tata Laksana dan jadwal pengingat.",
        "Laporan Januari terlambat.",
        datetime.date(2022, 4, 30),
        ((2, "done", "Surat tugas petugas pelapor terbit 19 April 2022."),),
    ),
    DemoFollowUp(
        "fgd", 1, 3, "pelaksana1",
        "Menjadwalkan ulang FGD evaluasi organisasi bersama KPU Provinsi Kalimantan Barat.",
        "FGD Januari tidak terlaksana.",
        datetime.date(2022, 7, 31),
        (
            (2, "in_progress", "Undangan narasumber untuk Juli telah dikirim."),
            (3, "done", "FGD terlaksana 14 Juli 2022."),
        ),
    ),
    DemoFollowUp(
        "mitra", 2, 8, "pelaksana6",
        "Menyusun jadwal pelibatan masyarakat bersama mitra kerja untuk semester II.",
        "Pelibatan masyarakat bulan Mei tidak terlaksana.",
        datetime.date(2022, 9, 30),
        ((3, "in_progress", "Dua dari empat mitra telah menyepakati jadwal."),),
    ),
    DemoFollowUp(
        "notulen", 3, 5, "pelaksana5",
        "Melengkapi notulen rapat bulan Agustus yang dikembalikan asesor.",
        "Notulen Agustus belum ditandatangani pimpinan rapat.",
        datetime.date(2022, 10, 14),
    ),
]  # fmt: skip
# Moments: reports are written once the quarter's work is verified.
REPORT_SAVED = {1: at(2022, 4, 12, 10), 2: at(2022, 7, 8, 10), 3: at(2022, 10, 5, 10)}


def _monitoring_events(plan: ActionPlan, users: dict, story: Story) -> list[Event]:
    from renaksi.monitoring import services as monitoring
    from renaksi.monitoring.models import FollowUp, QuarterReport

    if QuarterReport.objects.filter(plan=plan).exists() or (
        FollowUp.objects.filter(plan=plan).exists()
    ):
        return []
    secretariat = users["sekretariat"]
    areas = {area.number: area for area in plan.areas.all()}
    opened: dict[str, FollowUp] = {}
    events: list[Event] = []

    def report(quarter: int) -> None:
        number, day, obstacles, solutions, recommendations = REPORTS[quarter]
        monitoring.save_report(
            secretariat,
            plan,
            quarter,
            {
                "obstacles": obstacles,
                "solutions": solutions,
                "recommendations": recommendations,
                "report_number": number,
                "report_date": day,
                "foreword": FOREWORD.format(quarter=f"Triwulan {'I' * quarter}"),
                "signer_name": SIGNER[0],
                "signer_title": SIGNER[1],
            },
            expected_version=None,
        )
        for area, (obstacles, solutions, recommendations) in AREA_NOTES[quarter].items():
            monitoring.save_area_note(
                secretariat,
                plan,
                quarter,
                areas[area],
                {
                    "obstacles": obstacles,
                    "solutions": solutions,
                    "recommendations": recommendations,
                },
                expected_version=None,
            )
        story.reports += 1

    def open_follow_up(demo: DemoFollowUp) -> None:
        opened[demo.key] = monitoring.add_follow_up(
            secretariat,
            plan,
            demo.quarter,
            {
                "action": demo.action,
                "finding": demo.finding,
                "area": areas[demo.area].pk,
                "owner": users[demo.owner].pk,
                "due_on": demo.due_on,
            },
        )
        story.follow_ups += 1

    def update_follow_up(demo: DemoFollowUp, quarter: int, state: str, note: str) -> None:
        current = FollowUp.objects.get(pk=opened[demo.key].pk)
        # The owner reports the progress and the state (UPDATE_FOLLOW_UP).
        monitoring.update_follow_up(
            users[demo.owner],
            current,
            quarter,
            {"state": state, "progress_note": note},
            expected_version=current.version,
        )

    for quarter, moment in REPORT_SAVED.items():
        events.append(Event(moment, 0, lambda q=quarter: report(q)))
    for number, demo in enumerate(FOLLOW_UPS):
        moment = REPORT_SAVED[demo.quarter] + datetime.timedelta(minutes=30 + number)
        events.append(Event(moment, 0, lambda d=demo: open_follow_up(d)))
        for step, (quarter, state, note) in enumerate(demo.updates):
            # The day before the quarter's report, a minute apart.
            moment = (
                REPORT_SAVED[quarter]
                - datetime.timedelta(days=1)
                + datetime.timedelta(minutes=number + step)
            )
            events.append(
                Event(
                    moment,
                    0,
                    lambda d=demo, q=quarter, s=state, n=note: update_follow_up(d, q, s, n),
                )
            )
    return events


# -- the submission chain ---------------------------------------------------------------------

# TW I: sent, returned by Kalimantan Barat, fixed and sent again, forwarded, accepted at KPU RI.
# TW II: sent, waiting at Kalimantan Barat.
TW1_SENT = at(2022, 4, 13, 9)
TW1_RETURNED = at(2022, 4, 18, 14)
TW1_FIXED = at(2022, 4, 19, 10)
TW1_RESENT = at(2022, 4, 19, 11)
TW1_FORWARDED = at(2022, 4, 21, 10)
TW1_ACCEPTED = at(2022, 4, 27, 15)
TW2_SENT = at(2022, 7, 12, 9)
FORWARD_NOTE = "Laporan TW I lengkap; diteruskan ke KPU RI."
ACCEPT_NOTE = "Diterima. Terima kasih."


def _submission_events(plan: ActionPlan, users: dict, story: Story) -> list[Event]:
    from renaksi.monitoring import services as monitoring
    from renaksi.monitoring.models import AreaNote
    from renaksi.submissions import services as submissions
    from renaksi.submissions.models import Submission

    if Submission.objects.filter(unit_id=plan.unit_id, year=plan.year).exists():
        return []
    secretariat = users["sekretariat"]

    def current(quarter: int) -> Submission:
        return submissions.submissions_qs().get(
            unit_id=plan.unit_id, year=plan.year, quarter=quarter
        )

    def send(quarter: int) -> None:
        submissions.submit(secretariat, ActionPlan.objects.get(pk=plan.pk), quarter)
        story.submission_steps += 1

    def decide(username: str, accept: bool, note: str) -> None:
        submissions.decide(users[username], current(1), accept, note)
        story.submission_steps += 1

    def fix_area_note() -> None:
        area = plan.areas.get(number=4)
        note = AreaNote.objects.get(report__plan=plan, report__quarter=1, area=area)
        obstacles, solutions, recommendations = AREA_4_FIXED
        monitoring.save_area_note(
            secretariat,
            plan,
            1,
            area,
            {"obstacles": obstacles, "solutions": solutions, "recommendations": recommendations},
            expected_version=note.version,
        )

    return [
        Event(TW1_SENT, 0, lambda: send(1)),
        Event(TW1_RETURNED, 0, lambda: decide("kalbar", False, RETURN_NOTE)),
        Event(TW1_FIXED, 0, fix_area_note),
        Event(TW1_RESENT, 0, lambda: send(1)),
        Event(TW1_FORWARDED, 0, lambda: decide("kalbar", True, FORWARD_NOTE)),
        Event(TW1_ACCEPTED, 0, lambda: decide("kpuri-peninjau", True, ACCEPT_NOTE)),
        Event(TW2_SENT, 0, lambda: send(2)),
    ]


# -- the LKE ------------------------------------------------------------------------------------

LKE_FRAMEWORK = "zi-2021"  # the Zona Integritas LKE (PermenPANRB 90/2021): complete
LKE_STARTED = at(2022, 6, 20, 9)  # the June evaluation (the decree's Mar/Jun/Sep marks)
LKE_SKILL = 0.8
# Items left without an answer and answered without evidence (by their place in the tree).
UNANSWERED_EVERY = 37  # items 37, 74: unanswered
NO_EVIDENCE_EVERY = 17  # items 17, 34, 51, 68, 85, 102 (but 37/74): answered without evidence
ASSESSOR_DAY = at(2022, 7, 4, 9)
PROVINCE_DAY = at(2022, 7, 20, 10)  # while TW II waits at Kalimantan Barat
ASSESSOR_NOTE = "Bukti dukung belum menunjukkan pelaksanaan pada seluruh unit kerja."
PROVINCE_NOTE = "Dokumen yang dilampirkan belum ditandatangani pejabat berwenang."


def _lke_events(plan: ActionPlan, users: dict, story: Story) -> list[Event]:
    """The unit's self-assessment in June (every item but two, most with the plan's verified
    evidence, the LHKPN item fed from the plan's indicator), its Tim Asesor's scores on six
    items in early July and the province's on four while TW II waits there."""
    import random

    from renaksi.evaluation import services as lke
    from renaksi.evaluation.models import Answer, Assessment, Framework, Node, Tier
    from renaksi.evaluation.scoring import option_codes
    from renaksi.plans.models import Indicator
    from renaksi.work.national_monev import demo_raw_answer

    framework = (
        Framework.objects.filter(code=LKE_FRAMEWORK, state=Framework.State.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if framework is None or Assessment.objects.filter(unit_id=plan.unit_id, year=plan.year):
        return []
    secretariat = users["sekretariat"]
    items = list(
        Node.objects.filter(framework=framework, kind=Node.Kind.ITEM)
        .select_related("change_area")
        .order_by("sequence")
    )
    state: dict = {}

    def answer_all() -> None:
        assessment = lke.assessment_for(
            plan.unit, plan.year, framework, create=True, actor=secretariat
        )
        state["assessment"] = assessment
        rng = random.Random(f"renaksi-demo-lke-{plan.unit.code}-{plan.year}")  # noqa: S311
        evidence = list(
            lke.candidate_evidence(assessment)
            .order_by("pk")
            .values_list("pk", "realisation__sub_activity__activity__area__number")
        )
        by_area: dict[int, list[int]] = {}
        for pk, area in evidence:
            by_area.setdefault(area, []).append(pk)
        every = [pk for pk, _area in evidence]
        lhkpn = _lhkpn_item(items)
        for number, item in enumerate(items, start=1):
            if number % UNANSWERED_EVERY == 0 or item == lhkpn:
                continue
            raw = demo_raw_answer(lke.tree_node(item), rng, LKE_SKILL)
            value = raw.get("option") or raw.get("counts") or raw.get("number")
            area = item.change_area.number if item.change_area_id else None
            pool = by_area.get(area) or every
            linked = (
                [] if number % NO_EVIDENCE_EVERY == 0 else rng.sample(pool, k=min(2, len(pool)))
            )
            lke.save_answer(
                secretariat,
                assessment,
                item,
                raw=value,
                justification="Sesuai kondisi satker per Juni 2022.",
                evidence_ids=linked,
            )
            story.lke_answers += 1
        # The LHKPN filers' indicator of area 7 feeds the LHKPN item (its counts, its evidence).
        indicator = Indicator.objects.filter(
            sub_activity__activity__area__plan=plan, text__startswith=LHKPN_INDICATOR
        ).first()
        if lhkpn is not None and indicator is not None:
            lke.add_link(secretariat, assessment, indicator, lhkpn, "")
            story.lke_answers += len(lke.feed_from_indicators(assessment, secretariat).saved)

    def review(tier: str, username: str, note: str, count: int) -> None:
        assessment = Assessment.objects.get(pk=state["assessment"].pk)
        for position, item in enumerate(
            [item for item in items if item.answer_type in ("yes_no", "abc", "abcd", "abcde")][
                :count
            ]
        ):
            answer = Answer.objects.filter(assessment=assessment, item=item, tier=Tier.SELF).first()
            if answer is None or not answer.option:
                continue
            options = list(option_codes(lke.tree_node(item)))
            lower = options[min(len(options) - 1, options.index(answer.option) + 1)]
            differs = position % 2 == 1 and lower != answer.option
            lke.save_answer(
                users[username],
                assessment,
                item,
                tier=tier,
                raw=lower if differs else answer.option,
                justification=note if differs else "",
            )

    return [
        Event(LKE_STARTED, 0, answer_all),
        Event(ASSESSOR_DAY, 0, lambda: review(Tier.UNIT_ASSESSOR, "asesor", ASSESSOR_NOTE, 6)),
        Event(PROVINCE_DAY, 0, lambda: review(Tier.PROVINCE, "kalbar", PROVINCE_NOTE, 4)),
    ]


LHKPN_INDICATOR = "100% seluruh wajib lapor LHKPN"


def _lhkpn_item(items):
    for item in items:
        if item.answer_type == "percent" and item.title.strip() == "Persentase penyampaian LHKPN":
            return item
    return None
