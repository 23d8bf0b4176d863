"""seed_demo's 2022 of the Bengkayang plan: January–September of all eight areas, recorded
through the services at the story's moments, truthfully and once.

The expected figures are counted by hand from the decree's schedule (scheduled cells of
January–September per quarter: 131, 113, 115) and the story told in renaksi/work/demo.py,
not computed from its table: a change of the story or of a service shows here.
"""

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from renaksi.access.policy import DECIDE_SUBMISSION, EDIT_REALISATION, VERIFY_REALISATION
from renaksi.audit.models import LogEntry
from renaksi.plans.models import ActionPlan, SubActivity, months_to_mask
from renaksi.work import demo, realisations
from renaksi.work.files import evidence_storage, reuse_map, validate_upload
from renaksi.work.models import (
    Evidence,
    EvidenceFile,
    EvidenceReview,
    IndicatorValue,
    Realisation,
    Review,
    SchedulePeriod,
)

pytestmark = pytest.mark.django_db

WIB = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def evidence_folder(settings, tmp_path):
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return folder


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def stored(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def quarter(month: int) -> int:
    return (month - 1) // 3 + 1


def table_counts() -> dict[str, int]:
    from renaksi.evaluation.models import Answer, Assessment
    from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
    from renaksi.submissions.models import Submission, SubmissionStep

    models = (
        Realisation, Evidence, EvidenceFile, Review, EvidenceReview, IndicatorValue, LogEntry,
        QuarterReport, AreaNote, FollowUp, Assessment, Answer, Submission, SubmissionStep, User,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_the_year_is_recorded_truthfully_and_once(evidence_folder):
    output = seed()
    assert "Realisasi demo Januari–September 2022 dicatat: 348 periode (8 area)." in output
    assert "kpuri-peninjau / renaksi-kpuri-peninjau" in output
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    rows = list(Realisation.objects.select_related("period", "sub_activity__activity__area"))

    # Scheduled cells of January–September, per quarter (the decree's schedule), and the
    # cells reported: all but March's and June's JDIH, June's organisation chart and all of
    # area 2 (6 cells) and area 3 (2 cells) in September.
    scheduled = Counter(
        quarter(month)
        for month in SchedulePeriod.objects.filter(
            plan=plan, sub_activity__isnull=False, period__lte=9
        ).values_list("period", flat=True)
    )
    assert scheduled == {1: 131, 2: 113, 3: 115}
    assert Counter(quarter(r.period.period) for r in rows) == {1: 130, 2: 111, 3: 107}
    assert {r.period.period for r in rows} == set(range(1, 10))
    assert {r.sub_activity.activity.area.number for r in rows} == set(range(1, 9))

    # How each month ends, per quarter: (review state, status, late) → cells.
    by_quarter = {q: Counter() for q in (1, 2, 3)}
    for r in rows:
        by_quarter[quarter(r.period.period)][(r.state, r.status, r.late)] += 1
    verified, waiting, returned, draft = "terverifikasi", "diajukan", "dikembalikan", "draf"
    assert by_quarter[1] == {
        (verified, "selesai", False): 117,
        (verified, "selesai", True): 10,  # area 4's January, reported on 14 February
        (verified, "ditunda", False): 1,
        (verified, "tidak_terlaksana", False): 1,
        (verified, "dalam_proses", False): 1,
    }
    assert by_quarter[2] == {
        (verified, "selesai", False): 102,
        (verified, "selesai", True): 6,  # area 7's April, reported on 18 May
        (verified, "ditunda", False): 1,
        (verified, "tidak_terlaksana", False): 1,
        (verified, "dalam_proses", False): 1,
    }
    assert by_quarter[3] == {
        (verified, "selesai", False): 68,
        (verified, "selesai", True): 6,  # area 8's July, reported on 22 August
        (verified, "ditunda", False): 1,
        (verified, "tidak_terlaksana", False): 1,
        (verified, "dalam_proses", False): 1,
        (returned, "selesai", False): 1,  # area 5's August minutes
        (waiting, "selesai", False): 26,  # September, sent on 3 October
        (draft, "dalam_proses", False): 3,  # area 4's SPBE items in September
    }
    # Reasons and postponements as the service requires them.
    for r in rows:
        if r.status == "tidak_terlaksana":
            assert r.reason
        if r.status == "ditunda":
            assert r.postponed_to > r.period.period
    assert sorted((r.period.period, r.postponed_to) for r in rows if r.status == "ditunda") == [
        (2, 3),
        (5, 7),
        (8, 10),
    ]

    # Late means after the due day (the 5th of the next month) in Bengkayang's time; every
    # moment is one of 2022's, and each row was submitted by the area's coordinator.
    for r in rows:
        saved_on = r.created_at.astimezone(WIB).date()
        assert saved_on.year == 2022
        assert r.late == (saved_on > r.period.due_on), (r.period, saved_on)
        area = r.sub_activity.activity.area.number
        assert r.created_by.username == demo.REPORTERS[area]
        if r.state != draft:
            assert r.submitted_by.username == demo.REPORTERS[area]
    later = LogEntry.objects.filter(created_at__year__gt=2022)
    assert set(later.values_list("action", flat=True)) == {"evaluation.framework_loaded"}

    # The reviews: one verdict per decision by the Ketua Tim Asesor; two returns with the
    # refused minutes, one of them fixed (a replaced file) and verified.
    assert Review.objects.filter(verdict=verified).count() == 318
    returns = list(Review.objects.filter(verdict=returned).select_related("realisation__period"))
    assert sorted(r.realisation.period.period for r in returns) == [2, 8]
    assert {r.comment for r in returns} == {demo.RETURN_COMMENT}
    assert {r.reviewer.username for r in Review.objects.all()} == {"asesor"}
    notes = EvidenceReview.objects.filter(accepted=False)
    assert notes.count() == 2 and {n.comment for n in notes} == {demo.REFUSED_NOTE}
    replaced = Evidence.objects.get(is_current=False)
    assert replaced.realisation.period.period == 2 and replaced.realisation.state == verified
    assert Evidence.objects.get(replaces=replaced).original_name.endswith("-ttd.pdf")
    actions = Counter(
        LogEntry.objects.filter(action__startswith="work.realisation").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "work.realisation_saved": 348,
        "work.realisation_submitted": 346,  # the three drafts are not, the fixed one twice
        "work.realisation_verified": 318,
        "work.realisation_returned": 2,
    }

    # Evidence: the done and in-progress months have a real file each (some a photo too),
    # every file different (none "reused elsewhere"); not done / postponed have none.
    current = Evidence.objects.filter(is_current=True).select_related("file", "realisation")
    with_files = {e.realisation_id for e in current}
    for r in rows:
        assert (r.pk in with_files) == (r.status in ("selesai", "dalam_proses")), r.period
    assert EvidenceFile.objects.count() == Evidence.objects.count()
    assert not any(reuse_map(list(current)).values())
    storage = evidence_storage()
    for item in list(current)[::37]:
        with storage.open(item.file.file.name) as handle:
            data = handle.read()
        assert len(data) == item.file.size < 20_000
        assert validate_upload(SimpleUploadedFile(item.original_name, data)).file_type in (
            "pdf",
            "png",
        )
    assert Counter(e.file.file_type for e in current)["png"] > 20

    # Indicator values: the two indicators with a target (LHKPN / LHKASN filers, area 7).
    def values_of(text_start: str) -> dict[int, Decimal]:
        return {
            v.realisation.period.period: v.value
            for v in IndicatorValue.objects.filter(
                indicator__text__startswith=text_start
            ).select_related("realisation__period")
        }

    assert values_of("100% seluruh wajib lapor LHKPN") == {1: 45, 2: 80, 3: 100}
    assert values_of("100% seluruh wajib lapor LHKASN") == {1: 30, 2: 70, 3: 95}
    measurable = IndicatorValue.objects.count()
    assert measurable > 150
    assert not IndicatorValue.objects.filter(realisation__status="tidak_terlaksana").exists()

    # The plan: approved on the decree's date, monitored in March, June and September.
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.DITETAPKAN
    assert plan.approved_at.astimezone(WIB).date() == datetime.date(2022, 4, 11)
    assert plan.approved_by.username == "pimpinan"
    assert plan.monitoring_months == months_to_mask([3, 6, 9])

    # A second run adds nothing and changes nothing (files included).
    files = stored(evidence_folder)
    before = table_counts()
    states = list(Realisation.objects.order_by("pk").values_list("pk", "state", "version"))
    output = seed()
    assert "Realisasi demo" not in output and "ditetapkan" not in output
    assert table_counts() == before
    assert list(Realisation.objects.order_by("pk").values_list("pk", "state", "version")) == (
        states
    )
    assert stored(evidence_folder) == files


def test_the_demo_people_may_do_what_the_story_has_them_do():
    seed()
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    subs = {
        area: SubActivity.objects.filter(activity__area__plan=plan, activity__area__number=area)
        .select_related("activity__area__plan")
        .first()
        for area in range(1, 9)
    }
    users = {u.username: u for u in User.objects.all()}
    for area, sub in subs.items():
        reporters = {
            name for name in ("pelaksana1", "pelaksana5", "pelaksana6")
            if users[name].has_perm(EDIT_REALISATION, sub)
        }  # fmt: skip
        assert reporters == {demo.REPORTERS[area]}
    realisation = Realisation.objects.filter(state="diajukan").first()
    assert users["asesor"].has_perm(VERIFY_REALISATION, realisation.sub_activity)
    assert realisations.may(users["asesor"], "verify", realisation)
    assert not realisations.may(users[demo.REPORTERS[5]], "verify", realisation)
    # The KPU RI reviewer decides what waits at KPU RI; the reader does not.
    from renaksi.submissions.models import Submission

    waiting_at_kpu_ri = Submission(unit=plan.unit, at_unit=plan.unit.parent.parent)
    assert users["kpuri-peninjau"].has_perm(DECIDE_SUBMISSION, waiting_at_kpu_ri)
    assert not users["kpuri"].has_perm(DECIDE_SUBMISSION, waiting_at_kpu_ri)
    assert users["kpuri-peninjau"].check_password("renaksi-kpuri-peninjau")


def test_plan_only_leaves_a_draft_plan_without_the_year():
    output = seed("--plan-only")
    assert "Realisasi demo" not in output
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    assert plan.status == ActionPlan.Status.DRAFT
    assert not Realisation.objects.filter(plan=plan).exists()
    assert User.objects.filter(username="kpuri-peninjau").exists()


def test_the_quarters_figures_narratives_follow_ups_and_submissions():
    from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport
    from renaksi.monitoring.services import follow_ups_in, quarter_figures
    from renaksi.submissions.locks import lke_locked, quarter_locked
    from renaksi.submissions.models import Submission

    seed()
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)

    # The monitoring figures agree with what was seeded (hand-counted: see the first test).
    def figures(q: int) -> dict:
        total = quarter_figures(plan, q).total
        names = (
            "scheduled", "due", "reported", "done", "verified", "late", "not_done", "postponed",
            "in_progress", "awaiting_verification", "missing",
        )  # fmt: skip
        return {name: getattr(total, name) for name in names}

    assert figures(1) == {
        "scheduled": 131, "due": 131, "reported": 130, "done": 127, "verified": 127, "late": 10,
        "not_done": 1, "postponed": 1, "in_progress": 1, "awaiting_verification": 0,
        "missing": 1,
    }  # fmt: skip
    assert figures(2) == {
        "scheduled": 113, "due": 113, "reported": 111, "done": 108, "verified": 108, "late": 6,
        "not_done": 1, "postponed": 1, "in_progress": 1, "awaiting_verification": 0,
        "missing": 2,
    }  # fmt: skip
    assert figures(3) == {
        "scheduled": 115, "due": 115, "reported": 107, "done": 101, "verified": 74, "late": 6,
        "not_done": 1, "postponed": 1, "in_progress": 4, "awaiting_verification": 26,
        "missing": 8,
    }  # fmt: skip
    assert quarter_figures(plan, 1).total.achievement == Decimal("96.95")  # 127 / 131
    targets = {
        figure.indicator.text[:30]: (figure.realised, figure.achievement)
        for area in quarter_figures(plan, 1).areas
        for figure in area.indicators
        if figure.target is not None
    }
    assert targets == {
        "100% seluruh wajib lapor LHKPN": (100, 100),
        "100% seluruh wajib lapor LHKAS": (95, 95),
    }

    # TW I–III narratives with the official report's data, and notes of the areas concerned.
    reports = {r.quarter: r for r in QuarterReport.objects.filter(plan=plan)}
    assert sorted(reports) == [1, 2, 3]
    for report in reports.values():
        assert report.obstacles and report.solutions and report.recommendations
        assert report.report_number.endswith("/2022") and report.signer_name == "Musa Jairani"
        assert report.report_date.year == 2022
    notes = Counter(AreaNote.objects.filter(report__plan=plan).values_list("report__quarter"))
    assert notes == {(1,): 3, (2,): 3, (3,): 3}

    # Follow-ups carried from quarter to quarter until closed.
    def shown(q: int) -> list[tuple[int, str]]:
        return [(f.opened_in, f.state) for f in follow_ups_in(plan, q)]

    assert FollowUp.objects.filter(plan=plan).count() == 5
    assert shown(1) == [(1, "done"), (1, "done"), (1, "done")]  # as they are now
    assert sorted(shown(2)) == [(1, "done"), (1, "done"), (1, "done"), (2, "in_progress")]
    assert sorted(shown(3)) == [(1, "done"), (2, "in_progress"), (3, "open")]
    closed = dict(FollowUp.objects.filter(plan=plan).values_list("action", "closed_in"))
    assert sorted(v for v in closed.values() if v) == [2, 2, 3]

    # The submission: TW I to Kalimantan Barat, back to Bengkayang, again, on to KPU RI,
    # accepted; TW II waiting at Kalimantan Barat. Every step recorded, on time.
    tw1 = Submission.objects.get(unit=plan.unit, year=2022, quarter=1)
    steps = [
        (s.action, s.at_unit.code, s.actor.username, s.created_at.astimezone(WIB).date().day)
        for s in tw1.steps.select_related("at_unit", "actor")
    ]
    assert steps == [
        ("submitted", "6107", "sekretariat", 13),
        ("returned", "61", "kalbar", 18),
        ("submitted", "6107", "sekretariat", 19),
        ("forwarded", "61", "kalbar", 21),
        ("accepted", "00", "kpuri-peninjau", 27),
    ]
    assert (tw1.state, tw1.at_unit.code, tw1.locked, tw1.late) == ("accepted", "00", True, False)
    tw2 = Submission.objects.get(unit=plan.unit, year=2022, quarter=2)
    assert (tw2.state, tw2.at_unit.code, tw2.locked, tw2.late) == ("submitted", "61", True, False)
    assert [s.action for s in tw2.steps.all()] == ["submitted"]
    assert not Submission.objects.filter(quarter=3).exists()
    assert quarter_locked(plan.unit_id, 2022, 1) and quarter_locked(plan.unit_id, 2022, 2)
    assert not quarter_locked(plan.unit_id, 2022, 3)
    assert lke_locked(plan.unit_id, 2022)  # TW II waits for the province
    actions = Counter(
        LogEntry.objects.filter(action__startswith="submission.").values_list("action", flat=True)
    )
    assert actions == {
        "submission.submitted": 2,
        "submission.returned": 1,
        "submission.resubmitted": 1,
        "submission.forwarded": 1,
        "submission.accepted": 1,
    }
    # The returned TW I was fixed before it was sent again: the area 4 note changed then.
    from renaksi.core.demo_story import AREA_4_FIXED

    note = AreaNote.objects.get(report__plan=plan, report__quarter=1, area__number=4)
    assert (note.solutions, note.version) == (AREA_4_FIXED[1], 2)


def test_the_demo_lke_is_answered_with_evidence_and_scored_by_the_rules():
    from renaksi.evaluation.answers import answers_of
    from renaksi.evaluation.models import Answer, Assessment
    from renaksi.evaluation.scoring import display, load_tree, score
    from renaksi.submissions.models import Submission

    seed()
    assessment = Assessment.objects.select_related("framework").get(unit__code="6107")
    assert (assessment.year, assessment.framework.code) == (2022, "zi-2021")
    # 110 items: two left unanswered, six answered without evidence (the lists show them).
    assert (assessment.item_count, assessment.answered_count) == (110, 108)
    assert assessment.without_evidence_count == 6
    # The cached totals are the scorer's result on the stored answers.
    result = score(load_tree(assessment.framework), answers_of(assessment))
    assert assessment.index_value == display(result.index, 4)
    assert assessment.category == result.category["code"] == "A"  # 80 < 82.30 ≤ 90
    tiers = Counter(Answer.objects.filter(assessment=assessment).values_list("tier", flat=True))
    assert tiers == {"self": 108, "unit_assessor": 6, "province": 4}
    # A reviewer's score that differs from the self-assessment says why.
    by_item = {
        (a.item_id, a.tier): a for a in Answer.objects.filter(assessment=assessment)
    }  # fmt: skip
    differing = 0
    for (item_id, tier), answer in by_item.items():
        if tier == "self":
            continue
        if answer.value != by_item[(item_id, "self")].value:
            differing += 1
            assert answer.justification
    assert differing == 5
    # Evidence links are the plan's verified evidence of the unit and year.
    linked = Answer.objects.filter(assessment=assessment, evidence__isnull=False).distinct()
    assert linked.count() == 108 - 6
    for answer in linked.prefetch_related("evidence__realisation")[:20]:
        assert {e.realisation.state for e in answer.evidence.all()} == {"terverifikasi"}
    # The LHKPN item is fed from the plan's LHKPN indicator (100 % of its target).
    lhkpn = Answer.objects.get(
        assessment=assessment, tier="self", item__title="Persentase penyampaian LHKPN"
    )
    assert lhkpn.value == 1 and lhkpn.sources["numerator"]["indicator_id"]
    # TW I was sent before the LKE was started; TW II carries its totals.
    tw1, tw2 = Submission.objects.filter(unit__code="6107").order_by("quarter")
    assert tw1.snapshot["lke"] == {"available": False}
    assert tw2.snapshot["lke"]["index"] == str(assessment.index_value)


def test_the_demo_personas_open_their_pages_of_the_story(client):
    """Smoke: what each demo login starts from renders with the seeded year (no 500)."""
    from django.urls import reverse

    from renaksi.evaluation.models import Assessment
    from renaksi.submissions.models import Submission

    seed()
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    assessment = Assessment.objects.get(unit=plan.unit)
    tw2 = Submission.objects.get(unit=plan.unit, quarter=2)
    pages = {
        "sekretariat": [
            reverse("monitoring:quarter", args=[plan.pk, 1]),
            reverse("monitoring:quarter", args=[plan.pk, 3]),
            reverse("monitoring:follow_ups", args=[plan.pk]),
            reverse("submissions:plan", args=[plan.pk]),
            reverse("evaluation:assessment", args=[assessment.pk]),
        ],
        "kalbar": [
            reverse("submissions:queue"),
            reverse("submissions:province", args=[plan.unit.parent_id]),
            reverse("submissions:detail", args=[tw2.pk]),
        ],
        "kpuri-peninjau": [reverse("submissions:national"), reverse("submissions:queue")],
        "asesor": [reverse("evaluation:assessment", args=[assessment.pk])],
    }
    for username, urls in pages.items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
    # TW II waits for Kalimantan Barat: it is in the province reviewer's queue.
    client.force_login(User.objects.get(username="kalbar"))
    assert (
        reverse("submissions:detail", args=[tw2.pk])
        in client.get(reverse("submissions:queue")).content.decode()
    )
    # The package's LKE as it was sent: the index and every area's score shown with two
    # decimals (the cached scores are exact fractions such as "7/2").
    from fractions import Fraction

    from renaksi.evaluation.scoring import display

    page = client.get(reverse("submissions:detail", args=[tw2.pk])).content.decode()
    sent = tw2.snapshot["lke"]
    assert f"{display(Fraction(sent['index'])):.2f}".replace(".", ",") in page
    for code in ("A.I.2", "A.I.3", "A.II.1"):
        shown = f"{display(Fraction(sent['node_scores'][code])):.2f}".replace(".", ",")
        assert f'<td class="num">{shown}</td>' in page, code
