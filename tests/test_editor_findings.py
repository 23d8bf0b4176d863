"""Import findings point at the rows they concern (renaksi/importer/tree.py link_findings),
so the editor shows each row's findings and resolves them when the row is corrected."""

import pytest

from renaksi.importer.services import import_decree
from renaksi.importer.tree import finding_level
from renaksi.plans import editing
from renaksi.plans.models import ImportFinding

from .decree_samples import bengkayang_bytes
from .import_support import make_units

pytestmark = pytest.mark.django_db

ROW_FIELDS = ("area", "activity", "sub_activity", "indicator")


@pytest.fixture
def plan():
    unit = make_units()
    return import_decree(bengkayang_bytes(), unit=unit, filename="bengkayang.txt").plan


def linked_rows(finding):
    return [getattr(finding, name) for name in ROW_FIELDS if getattr(finding, f"{name}_id")]


def test_findings_on_a_row_line_point_at_one_row_of_that_line(plan):
    findings = list(plan.findings.select_related(*ROW_FIELDS))
    linked = [finding for finding in findings if linked_rows(finding)]
    assert len(linked) >= 80
    for finding in linked:
        (row,) = linked_rows(finding)
        assert row.source_line == finding.line, finding.message
    # findings about the decree's body, outside the Lampiran, point at no row
    place = next(finding for finding in findings if finding.kind == "place_mismatch")
    assert not linked_rows(place)


def test_the_row_is_the_one_the_finding_is_about(plan):
    findings = plan.findings.select_related(*ROW_FIELDS)
    empty = [finding for finding in findings if finding.kind == "empty_schedule"]
    assert empty and all(f.sub_activity and f.sub_activity.schedule == 0 for f in empty)
    missing = [finding for finding in findings if finding.kind == "missing_indicator"]
    assert missing
    assert all(f.sub_activity and not f.sub_activity.indicators.exists() for f in missing)
    inferred = next(finding for finding in findings if finding.kind == "area_inferred")
    assert inferred.area is not None and inferred.area.inferred


def test_a_replace_keeps_the_links(plan):
    before = dict(plan.findings.values_list("pk", "sub_activity_id"))
    result = import_decree(
        bengkayang_bytes().replace(b"Bengkayang, ", b"Bengkayang,  ", 1),
        unit=plan.unit,
        filename="bengkayang-2.txt",
        replace=True,
    )
    after = dict(result.plan.findings.values_list("pk", "sub_activity_id"))
    kept = set(before) & set(after)
    assert kept and all(after[pk] == before[pk] for pk in kept)


@pytest.mark.parametrize(
    ("kind", "message", "level"),
    [
        ("empty_schedule", "Sub kegiatan 1.1.1 'x' tidak memiliki tanda", "sub_activity"),
        ("numbering_gap", "Nomor kegiatan 3 di area 2 tidak ada", "activity"),
        ("numbering_repeat", "Nomor sub kegiatan 2 di kegiatan 1.1 muncul lagi", "sub_activity"),
        ("missing_number", "Kegiatan 'x' tidak bernomor", "activity"),
        ("ambiguous_cell", "Teks 'x' di kolom kegiatan; dibaca sebagai indikator.", "indicator"),
        ("area_inferred", "Baris area 3 tidak ada", "area"),
        ("place_mismatch", "Tempat penetapan berbeda", None),
    ],
)
def test_finding_level(kind, message, level):
    assert finding_level(kind, message) == level


def test_correcting_an_imported_row_resolves_its_finding(plan):
    from django.contrib.auth.models import User

    from renaksi.access.models import UnitRole

    admin = User.objects.create_user("admin6107")
    UnitRole.objects.create(user=admin, unit=plan.unit, role=UnitRole.Role.ADMIN)
    finding = plan.findings.filter(kind="empty_schedule").select_related(
        "sub_activity__activity__area__plan"
    )[0]
    sub = finding.sub_activity
    editing.set_schedule(admin, sub, [1], expected_version=sub.version)
    result = editing.update_row(
        admin,
        editing.LEVEL_MODELS["sub_activity"].objects.get(pk=sub.pk),
        {"note": "Jadwal diisi"},
        expected_version=sub.version + 1,
        resolve_findings=[finding.pk],
    )
    assert result.resolved == 1
    assert ImportFinding.objects.get(pk=finding.pk).resolution == "corrected"


def test_a_quoted_text_picks_its_row(plan):
    stale = plan.findings.filter(kind="stale_year").select_related(*ROW_FIELDS)
    assert stale
    for finding in stale:
        (row,) = linked_rows(finding)
        text = getattr(row, "name", None) or row.text
        assert "2021" in text, (finding.message, text)
