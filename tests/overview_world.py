"""Bulk-made provinces for the overview tests and the benchmark (scripts/bench_overview.py).

``build_province(code, regencies, year)``: a KPU Provinsi with ``regencies`` KPU
Kabupaten/Kota, each with a plan, an LKE of a two-area framework, and TW I/TW II
submissions in varied states, all made with ``bulk_create`` (a few queries whatever the size).
The figures follow fixed rules of the regency's index ``i`` (0-based), so a test can count
them by hand:

* LKE: none when ``i % 10 == 9``; unanswered items when ``i % 4 != 0``; answers without
  evidence when ``i % 4 == 1``; index ``50 + i % 40``.
* TW I: accepted when ``i % 3 == 0``, waiting at the province when ``i % 3 == 1``, returned
  when ``i % 3 == 2`` (late when ``i % 5 == 0``); TW II: waiting at KPU RI for even ``i``.
"""

from __future__ import annotations

from decimal import Decimal

from renaksi.evaluation.models import Assessment, Framework, Node
from renaksi.plans.models import ActionPlan
from renaksi.submissions.models import Submission
from renaksi.units.models import Unit

YEAR = 2022


def framework() -> Framework:
    found = Framework.objects.filter(code="overview-test").first()
    if found is not None:
        return found
    fw = Framework.objects.create(
        code="overview-test", family="overview", year=YEAR, title="LKE uji rekap"
    )
    root = Node.objects.create(
        framework=fw,
        kind="component",
        code="A",
        label="A",
        title="Pengungkit",
        sequence=1,
        depth=0,
        weight="60",
    )
    Node.objects.create(
        framework=fw,
        parent=root,
        kind="area",
        code="A.1",
        label="1",
        title="Manajemen Perubahan",
        sequence=2,
        depth=1,
        weight="5",
    )
    Node.objects.create(
        framework=fw,
        parent=root,
        kind="area",
        code="A.2",
        label="2",
        title="Penataan Tata Laksana",
        sequence=3,
        depth=1,
        weight="5",
    )
    return fw


def national_unit() -> Unit:
    unit, _ = Unit.objects.get_or_create(
        code="00", defaults={"name": "KPU Republik Indonesia", "level": Unit.Level.PUSAT}
    )
    return unit


def build_province(code: str, regencies: int, *, start: int = 0, year: int = YEAR) -> Unit:
    """The province ``code`` (made if missing) gains ``regencies`` regencies, numbered from
    ``start`` (so a test can grow one province in two steps)."""
    root = national_unit()
    province, _ = Unit.objects.get_or_create(
        code=code,
        defaults={"name": f"KPU Provinsi Uji {code}", "level": Unit.Level.PROVINSI, "parent": root},
    )
    fw = framework()
    indexes = range(start, start + regencies)
    Unit.objects.bulk_create(
        Unit(
            code=f"{code}{i:04d}",
            name=f"KPU Kabupaten Uji {code}-{i:04d}",
            level=Unit.Level.KABUPATEN_KOTA,
            parent=province,
        )
        for i in indexes
    )
    units = {
        int(u.code[len(code) :]): u
        for u in Unit.objects.filter(parent=province, code__in=[f"{code}{i:04d}" for i in indexes])
    }
    ActionPlan.objects.bulk_create(
        ActionPlan(unit=units[i], year=year, status=ActionPlan.Status.DITETAPKAN) for i in indexes
    )
    plans = {p.unit_id: p for p in ActionPlan.objects.filter(unit__in=units.values(), year=year)}
    assessments = []
    for i in indexes:
        if i % 10 == 9:
            continue
        assessments.append(
            Assessment(
                unit=units[i],
                year=year,
                framework=fw,
                plan=plans[units[i].pk],
                index_value=Decimal(50 + i % 40),
                category="B",
                # As refresh_totals writes them: exact fractions as text ("13/4" = 3.25).
                node_scores={"A": str(50 + i % 40), "A.1": f"{i % 5}.5", "A.2": "13/4"},
                item_count=38,
                answered_count=38 if i % 4 == 0 else 30,
                without_evidence_count=2 if i % 4 == 1 else 0,
            )
        )
    Assessment.objects.bulk_create(assessments)
    submissions = []
    for i in indexes:
        unit = units[i]
        state, at = [
            (Submission.State.ACCEPTED, root),
            (Submission.State.SUBMITTED, province),
            (Submission.State.RETURNED, unit),
        ][i % 3]
        submissions.append(
            Submission(
                unit=unit,
                year=year,
                quarter=1,
                plan=plans[unit.pk],
                state=state,
                at_unit=at,
                locked=state != Submission.State.RETURNED,
                late=i % 5 == 0,
            )
        )
        if i % 2 == 0:
            submissions.append(
                Submission(
                    unit=unit,
                    year=year,
                    quarter=2,
                    plan=plans[unit.pk],
                    state=Submission.State.SUBMITTED,
                    at_unit=root,
                )
            )
    Submission.objects.bulk_create(submissions)
    return province


def expected(regencies: int) -> dict[str, int]:
    """The figures of a province built in one go with ``regencies`` regencies."""
    idx = range(regencies)
    return {
        "without_lke": sum(1 for i in idx if i % 10 == 9),
        "incomplete": sum(1 for i in idx if i % 10 == 9 or i % 4 != 0),
        "without_evidence": sum(1 for i in idx if i % 10 != 9 and i % 4 == 1),
        "q1_accepted": sum(1 for i in idx if i % 3 == 0),
        "q1_waiting": sum(1 for i in idx if i % 3 == 1),
        "q1_returned": sum(1 for i in idx if i % 3 == 2),
        "q1_late_sent": sum(1 for i in idx if i % 5 == 0),
        "q2_waiting": sum(1 for i in idx if i % 2 == 0),
    }
