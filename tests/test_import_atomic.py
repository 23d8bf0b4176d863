"""A failure in the middle of the write leaves nothing: no rows, no file, no audit entry."""

import pytest

from renaksi.audit.models import LogEntry
from renaksi.importer.services import import_decree
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)

from .import_support import base_tree, decree_bytes, make_units, tree_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def counts():
    return [
        model.objects.count()
        for model in (ActionPlan, PlanArea, Activity, SubActivity, Indicator, ImportFinding)
    ]


@pytest.fixture
def broken_indicators(monkeypatch):
    """Indicators are the last level of the tree to be written: fail there."""

    def install():
        def broken(*args, **kwargs):
            raise RuntimeError("connection lost while writing indicators")

        monkeypatch.setattr(Indicator.objects, "bulk_create", broken)

    return install


def test_a_first_import_that_fails_mid_write_saves_nothing(
    media, broken_indicators, django_capture_on_commit_callbacks
):
    unit = make_units()
    broken_indicators()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        import_decree(decree_bytes(), unit=unit, filename="sk.txt")
    assert counts() == [0, 0, 0, 0, 0, 0]
    assert LogEntry.objects.count() == 0
    assert files_in(media) == []


def test_a_replace_that_fails_mid_write_keeps_the_old_plan_whole(
    media, broken_indicators, django_capture_on_commit_callbacks
):
    unit = make_units()
    with django_capture_on_commit_callbacks(execute=True):
        plan = import_decree(
            decree_bytes(closing_place="Bengkulu"), unit=unit, filename="v1.txt"
        ).plan
    before, stored, entries = tree_snapshot(plan), files_in(media), LogEntry.objects.count()
    findings = list(plan.findings.values_list("pk", "kind", "message"))
    tree = base_tree()
    del tree[3]["activities"][1]  # deleted before the failure
    tree[0]["activities"][0]["subs"][0]["name"] = "Sub satu diubah"  # updated before it
    tree[2]["activities"][0]["subs"][0]["indicators"].append("Dokumen baru")  # the failing insert
    broken_indicators()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        import_decree(decree_bytes(tree), unit=unit, filename="v2.txt", replace=True)
    plan.refresh_from_db()
    assert tree_snapshot(plan) == before
    assert plan.source_name == "v1.txt"
    assert list(plan.findings.values_list("pk", "kind", "message")) == findings
    assert LogEntry.objects.count() == entries
    assert files_in(media) == stored
