"""generate_national's year's work: deterministic, realistic, consistent with the tree."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count, F, Q

from renaksi.core.national import NationalGenerator, generate_national
from renaksi.plans.models import ActionPlan, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.work import national as work_national
from renaksi.work.models import (
    Evidence,
    EvidenceFile,
    EvidenceReview,
    IndicatorValue,
    Realisation,
    Review,
    SchedulePeriod,
)
from renaksi.work.periods import mask_periods, period_count, sync_plan_periods

pytestmark = pytest.mark.django_db

REFERENCE = datetime.date(2023, 7, 20)  # the second year is half over


def generate(seed: int = 1, units=("6107", "6108"), **options):
    return generate_national(
        years=2, first_year=2022, seed=seed, unit_codes=list(units), work=True,
        reference_date=REFERENCE, **options,
    )  # fmt: skip


def wipe() -> None:
    """Everything generated but the accounts (work first: it protects the plans)."""
    EvidenceReview.objects.all().delete()
    Review.objects.all().delete()
    Evidence.objects.filter(replaces__isnull=False).delete()
    Evidence.objects.all().delete()
    EvidenceFile.objects.all().delete()
    Realisation.objects.all().delete()
    ActionPlan.objects.all().delete()
    ReformTeam.objects.all().delete()


def fingerprint() -> tuple[dict, str]:
    """The counts of every work table, and a hash of a sample of rows keyed by what they are
    (unit, year, position in the tree, period), never by id."""
    counts = {
        model.__name__: model.objects.count()
        for model in (SchedulePeriod, Realisation, IndicatorValue, Evidence, EvidenceFile, Review)
    }
    counts["notes"] = EvidenceReview.objects.count()
    counts["links"] = Evidence.indicators.through.objects.count()
    where = "sub_activity__activity__area__number", "sub_activity__activity__position"
    realisations = Realisation.objects.values_list(
        "unit__code", "year", *where, "sub_activity__position", "period__period",
        "status", "progress", "reason", "postponed_to", "narrative", "late", "state",
        "version", "created_at", "submitted_at", "verified_at", "submitted_by__username",
    )  # fmt: skip
    evidence = Evidence.objects.values_list(
        "unit__code", "realisation__year", "realisation__sub_activity__position",
        "realisation__period__period", "title", "kind", "as_of", "url", "original_name",
        "file__sha256", "file__size", "file__file_type", "is_current", "uploaded_at",
    )  # fmt: skip
    reviews = Review.objects.values_list(
        "realisation__unit__code", "realisation__year", "realisation__sub_activity__name",
        "realisation__period__period", "verdict", "comment", "created_at",
        "reviewer__username", "realisation_version",
    )  # fmt: skip
    values = IndicatorValue.objects.values_list(
        "realisation__unit__code", "realisation__year", "indicator__text",
        "realisation__period__period", "value",
    )  # fmt: skip
    notes = EvidenceReview.objects.values_list(
        "review__realisation__unit__code", "evidence__title", "accepted", "comment"
    )
    sample = [sorted(map(str, rows))[::7] for rows in (realisations, evidence, reviews, values)]
    sample.append(sorted(map(str, notes)))
    return counts, hashlib.sha256(repr(sample).encode()).hexdigest()


def test_the_same_seed_gives_the_same_work_and_another_seed_other_work():
    generate(seed=3)
    first = fingerprint()
    assert first[0]["Realisation"] > 500
    wipe()
    generate(seed=3)
    assert fingerprint() == first
    wipe()
    generate(seed=4)
    other = fingerprint()
    assert other[1] != first[1]
    assert other[0] != first[0]


def test_every_state_appears_and_dates_stop_at_the_reference_date():
    generate(units=("6107", "6108", "6109", "6110"))
    realisations = Realisation.objects.all()
    assert set(realisations.values_list("state", flat=True)) == set(Realisation.State.values)
    assert set(realisations.values_list("status", flat=True)) == set(Realisation.Status.values)
    by_state = dict(realisations.values_list("state").annotate(n=Count("id")))
    assert by_state["terverifikasi"] > 0.6 * realisations.count()  # most are verified
    for state in ("draf", "diajukan", "dikembalikan"):
        assert 0 < by_state[state] < 0.15 * realisations.count()
    assert realisations.filter(late=True).exists()
    assert realisations.filter(late=False, state="terverifikasi").exists()
    # Late: submitted after the due date; only submitted work can be late.
    assert not realisations.filter(late=True, submitted_at__isnull=True).exists()
    for realisation in realisations.filter(late=True).select_related("period", "unit"):
        assert realisation.submitted_at.date() > realisation.period.due_on
    # Nothing after the reference date; only periods that ended before it have work.
    end = datetime.datetime.combine(REFERENCE, datetime.time(), tzinfo=datetime.UTC)
    assert not realisations.filter(
        Q(created_at__gt=end) | Q(submitted_at__gt=end) | Q(verified_at__gt=end)
    ).exists()
    assert not realisations.filter(year=2023, period__period__gte=REFERENCE.month).exists()
    assert realisations.filter(year=2023, period__period=REFERENCE.month - 1).exists()
    # Some periods that ended long ago were never reported (overdue), most were.
    old = SchedulePeriod.objects.filter(year=2022, plan__status=ActionPlan.Status.DITETAPKAN)
    unreported = old.filter(realisation__isnull=True).count()
    assert 0 < unreported < 0.1 * old.count()
    # Only set plans have work.
    assert not realisations.exclude(plan__status=ActionPlan.Status.DITETAPKAN).exists()
    # Reasons and postponements as the model's constraints ask, and postponed to a later month.
    assert not realisations.filter(status="tidak_terlaksana", reason="").exists()
    postponed = realisations.filter(status="ditunda")
    assert postponed.exists()
    assert not postponed.filter(postponed_to__lte=F("period__period")).exists()


def test_reviews_evidence_and_values_tell_the_same_story():
    generate(units=("6107", "6108", "6109", "6110"))
    realisations = Realisation.objects.annotate(n_reviews=Count("reviews"))
    # A verified or returned realisation has reviews, the last one its verdict; others none.
    assert not realisations.filter(state__in=["draf"], n_reviews__gt=0).exists()
    for realisation in realisations.filter(state__in=["terverifikasi", "dikembalikan"]):
        last = realisation.reviews.order_by("created_at", "id").last()
        assert last.verdict == realisation.state
        assert last.created_at >= realisation.submitted_at or last.verdict == "dikembalikan"
    # Returned reviews carry a comment and a note on each evidence item, one refused.
    returned = Review.objects.filter(verdict="dikembalikan")
    assert returned.exists() and not returned.filter(comment="").exists()
    assert EvidenceReview.objects.filter(accepted=False).exclude(comment="").exists()
    assert Review.objects.filter(
        verdict="terverifikasi", realisation__reviews__verdict="dikembalikan"
    )
    # Reviews are by the unit's Ketua Tim Asesor of that year.
    assessors = TeamMember.objects.filter(position=Position.ASESOR_KETUA)
    assert assessors.count() == ReformTeam.objects.count()
    assert set(Review.objects.values_list("reviewer__username", flat=True)) == {
        f"asesor-{code}" for code in ("6107", "6108", "6109", "6110")
    }
    # Replaced evidence keeps its earlier version.
    replacements = Evidence.objects.filter(replaces__isnull=False)
    assert replacements.exists()
    assert not replacements.filter(replaces__is_current=True).exists()
    assert not replacements.exclude(realisation=F("replaces__realisation")).exists()
    # Links, files reused across months of a unit, and shared files across units.
    assert Evidence.objects.exclude(url="").filter(file__isnull=True).exists()
    reused = EvidenceFile.objects.annotate(
        n_units=Count("uses__unit", distinct=True),
        n_periods=Count("uses__realisation", distinct=True),
    )
    assert reused.filter(n_units__gt=1).exists()
    assert reused.filter(n_units=1, n_periods__gt=1).exists()
    # Every generated file is marked so, named where no real file is stored, and has no bytes.
    files = EvidenceFile.objects.all()
    assert not files.filter(generated=False).exists()
    assert not files.exclude(file__startswith=work_national.GENERATED_PREFIX).exists()
    assert len(set(files.values_list("sha256", flat=True))) == files.count()
    # Values only for measurable indicators of the realisation's own sub-activity, in range.
    values = IndicatorValue.objects.select_related("indicator", "realisation")
    assert values.exists()
    assert not values.exclude(indicator__sub_activity=F("realisation__sub_activity")).exists()
    assert not values.filter(indicator__target_value__isnull=True).exists()
    assert not values.filter(value__gt=F("indicator__target_value")).exists()
    assert not values.exclude(realisation__status__in=["selesai", "dalam_proses"]).exists()
    # Copies on the rows agree with the tree (the triggers would have refused otherwise).
    assert not Realisation.objects.exclude(
        plan=F("sub_activity__activity__area__plan"),
        unit=F("plan__unit"),
        year=F("plan__year"),
        period__plan=F("plan"),
    ).exists()
    assert not Evidence.objects.exclude(
        plan=F("realisation__plan"), unit=F("realisation__unit")
    ).exists()


def test_periods_are_those_of_the_masks_and_merge_with_rows_written_before():
    generate(units=("6107",))
    for plan in ActionPlan.objects.all():
        count = period_count(plan.schedule_kind)
        expected = sum(
            len(mask_periods(mask, count))
            for mask in SubActivity.objects.filter(activity__area__plan=plan).values_list(
                "schedule", flat=True
            )
        )
        assert SchedulePeriod.objects.filter(plan=plan).count() == expected
    wipe()
    # A writer before this step (the plan writer's own sync) already made the periods:
    # they are used as they are, none is duplicated, and the work is the same.
    expected = fingerprint_of_units(("6107",))
    wipe()
    generator = NationalGenerator(
        years=2, first_year=2022, unit_codes=["6107"], work=True, reference_date=REFERENCE
    )
    generator.steps.insert(-1, lambda batch: [sync_plan_periods(d.plan) for d in batch.drafts])
    result = generator.run()
    assert result.counts["periods"] == 0
    assert fingerprint()[1] == expected


def fingerprint_of_units(units) -> str:
    generate(units=units)
    return fingerprint()[1]


def test_without_work_and_the_command_options():
    out = StringIO()
    call_command("generate_national", "--years", "1", "--units", "6107", "--no-work", stdout=out)
    # The schedule's rows are written all the same (renaksi/work/periods.py); no work.
    assert SchedulePeriod.objects.exists() and not Realisation.objects.exists()
    assert "Pekerjaan tahunan" not in out.getvalue()
    out = StringIO()
    call_command(
        "generate_national", "--years", "1", "--first-year", "2021", "--units", "6107",
        "--reference-date", "2021-04-01", stdout=out,
    )  # fmt: skip
    plan = ActionPlan.objects.get(year=2021)
    months = set(Realisation.objects.filter(plan=plan).values_list("period__period", flat=True))
    if plan.status == ActionPlan.Status.DITETAPKAN:
        assert months and max(months) <= 3
    assert f"{Realisation.objects.count()} realisasi" in out.getvalue()
    assert User.objects.filter(username="asesor-6107").exists()


def test_a_later_year_gets_no_work_and_the_default_reference_is_today(time_machine):
    time_machine.move_to(datetime.datetime(2023, 3, 10, 12, tzinfo=datetime.UTC))
    generate_national(years=3, first_year=2022, unit_codes=["6107"], work=True)
    years = set(Realisation.objects.values_list("year", "period__period"))
    assert {year for year, _ in years} <= {2022, 2023}
    assert (2022, 12) in years or not ActionPlan.objects.filter(
        year=2022, status="ditetapkan", schedule_kind="month"
    ).exists()
    assert not {p for year, p in years if year == 2023} - {1, 2}  # January, February ended
