"""A re-import updates the plan in place: identities, PICs and confirmations survive."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from renaksi.importer.services import ImportRefused, import_decree, preview_import
from renaksi.plans.models import Activity, ImportFinding, Indicator, PlanArea, SubActivity

from .decree_samples import bengkayang_bytes
from .import_support import base_tree, decree_bytes, find, make_units, tree_snapshot


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def unit(db):
    return make_units()


def changed_tree():
    """The base tree with one change of every kind (see the expected diff below)."""
    tree = base_tree()
    tree[0]["activities"][0]["subs"][1]["name"] = "Sub dua area 1 diperbaiki"  # 1.1.2 renamed
    tree[1]["activities"][1]["subs"][0]["months"] = [4, 5]  # 2.2.1 rescheduled
    tree[2]["activities"][0]["subs"].append(  # 3.1.3 added
        {"name": "Sub baru area 3", "months": [6], "indicators": ["Dokumen baru area 3"]}
    )
    del tree[3]["activities"][1]  # 4.2 removed, with 4.2.1 and its indicator
    tree[4]["activities"][0]["subs"][0]["indicators"].append("Laporan tambahan area 5")
    tree[5]["activities"][0]["subs"][0]["indicators"].pop()  # 6.1.1.2 removed
    tree[6]["activities"].insert(  # 7.1 inserted: the old 7.1 and 7.2 become 7.2 and 7.3
        0,
        {
            "name": "Kegiatan sisipan area 7",
            "subs": [{"name": "Sub sisipan", "months": [7], "indicators": ["Dokumen sisipan"]}],
        },
    )
    tree[7]["activities"][0]["subs"][1]["indicators"][0] = "Dokumen tiga area 8 revisi"
    return tree


def paths(items):
    return [(item.level, item.path) for item in items]


EXPECTED_ADDED = [
    ("sub_activity", "3.1.3"),
    ("indicator", "3.1.3.1"),
    ("indicator", "5.1.1.3"),
    ("activity", "7.1"),
    ("sub_activity", "7.1.1"),
    ("indicator", "7.1.1.1"),
]
EXPECTED_REMOVED = [
    ("activity", "4.2"),
    ("sub_activity", "4.2.1"),
    ("indicator", "4.2.1.1"),
    ("indicator", "6.1.1.2"),
]
EXPECTED_CHANGED = [
    ("sub_activity", "1.1.2"),
    ("sub_activity", "2.2.1"),
    ("activity", "7.2"),
    ("activity", "7.3"),
    ("indicator", "8.1.2.1"),
]


def test_diff_names_every_added_removed_and_changed_item(unit):
    import_decree(decree_bytes(), unit=unit, filename="v1.txt")
    preview = preview_import(decree_bytes(changed_tree()), unit=unit)
    assert preview.refusal is None and preview.existing is not None
    diff = preview.diff
    assert paths(diff.added) == EXPECTED_ADDED
    assert paths(diff.removed) == EXPECTED_REMOVED
    assert paths(diff.changed) == EXPECTED_CHANGED
    # 80 items before (8 areas, 16 activities, 24 sub-activities, 32 indicators), 4 removed.
    assert diff.unchanged == 80 - 4 - 5
    assert diff.header == [] and not diff.is_empty
    renamed = diff.changed[0]
    assert renamed.fields == ["name"]
    assert renamed.before["name"] == "Sub dua area 1" and renamed.after["name"].endswith(
        "diperbaiki"
    )
    assert diff.changed[1].before["schedule"] == ["APR"]
    assert diff.changed[1].after["schedule"] == ["APR", "MEI"]
    assert diff.changed[2].fields == ["number"]
    assert diff.removed[0].before["name"] == "Kegiatan kedua area 4"
    assert diff.added[0].after["name"] == "Sub baru area 3"


def test_replace_updates_in_place_and_ends_as_a_fresh_import_would(unit):
    with transaction.atomic():  # what a fresh import of the new decree writes, then undone
        fresh = import_decree(decree_bytes(changed_tree()), unit=unit, filename="v2.txt")
        expected = tree_snapshot(fresh.plan, targets=False)
        transaction.set_rollback(True)

    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    pic = User.objects.create(username="pic")
    kept_sub = find(plan, "7.1.1")  # moves to 7.2.1 with its activity
    kept_sub.pic = pic
    kept_sub.save()
    moved_activity = find(plan, "7.1")
    moved_activity.pic = pic
    moved_activity.save()
    corrected = find(plan, "1.1.1.1")  # a person corrected the target guessed from the text
    corrected.kind, corrected.target_value = Indicator.Kind.JUMLAH, 3
    corrected.save()
    renamed = find(plan, "1.1.2")
    removed = find(plan, "4.2")
    removed_sub = find(plan, "4.2.1")
    before = {
        model: set(model.objects.values_list("pk", flat=True))
        for model in (PlanArea, Activity, SubActivity, Indicator)
    }

    result = import_decree(decree_bytes(changed_tree()), unit=unit, filename="v2.txt", replace=True)
    assert result.status == "replaced"
    assert result.plan.pk == plan.pk
    assert paths(result.diff.added) == EXPECTED_ADDED
    assert tree_snapshot(plan, targets=False) == expected

    assert find(plan, "7.2.1").pk == kept_sub.pk and find(plan, "7.2.1").pic == pic
    assert find(plan, "7.2").pk == moved_activity.pk and find(plan, "7.2").pic == pic
    assert (find(plan, "7.2").number, find(plan, "7.2").position) == (2, 2)
    kept_indicator = Indicator.objects.get(pk=corrected.pk)
    assert (kept_indicator.kind, kept_indicator.target_value) == (Indicator.Kind.JUMLAH, 3)
    assert SubActivity.objects.get(pk=renamed.pk).name == "Sub dua area 1 diperbaiki"
    assert not Activity.objects.filter(pk=removed.pk).exists()
    assert not SubActivity.objects.filter(pk=removed_sub.pk).exists()
    # Every area and every item that was not removed kept its row.
    assert set(PlanArea.objects.values_list("pk", flat=True)) == before[PlanArea]
    kept_subs = before[SubActivity] - {removed_sub.pk}
    assert kept_subs <= set(SubActivity.objects.values_list("pk", flat=True))
    assert SubActivity.objects.count() == len(kept_subs) + 2  # 3.1.3 and 7.1.1


def test_swapped_activities_keep_their_rows(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    first, second = find(plan, "2.1"), find(plan, "2.2")
    tree = base_tree()
    acts = tree[1]["activities"]
    acts[0], acts[1] = acts[1], acts[0]
    result = import_decree(decree_bytes(tree), unit=unit, filename="v2.txt", replace=True)
    assert paths(result.diff.changed) == [("activity", "2.1"), ("activity", "2.2")]
    assert find(plan, "2.1").pk == second.pk and find(plan, "2.2").pk == first.pk


def test_an_indicator_whose_text_changes_gets_a_new_target_guess(unit):
    tree = base_tree()
    tree[0]["activities"][0]["subs"][0]["indicators"][0] = "Dokumen SK"
    plan = import_decree(decree_bytes(tree), unit=unit, filename="v1.txt").plan
    indicator = find(plan, "1.1.1.1")
    assert indicator.kind == Indicator.Kind.DOKUMEN
    tree[0]["activities"][0]["subs"][0]["indicators"][0] = "100% pegawai mengikuti"
    import_decree(decree_bytes(tree), unit=unit, filename="v2.txt", replace=True)
    indicator.refresh_from_db()
    assert (indicator.kind, indicator.target_value) == (Indicator.Kind.PERSENTASE, 100)


def test_same_reading_replaced_is_unchanged_and_decree_fields_are_a_header_diff(unit):
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    ids = set(Indicator.objects.values_list("pk", flat=True))
    again = import_decree(decree_bytes(), unit=unit, filename="v1.txt", replace=True)
    assert again.status == "unchanged" and again.diff.is_empty
    other = decree_bytes(signer="BUDI SANTOSO, S.H.")
    preview = preview_import(other, unit=unit)
    assert [(i.path, i.before, i.after) for i in preview.diff.header] == [
        ("signer_name", "BUDI SANTOSO", "BUDI SANTOSO, S.H.")
    ]
    assert preview.diff.added == preview.diff.removed == preview.diff.changed == []
    result = import_decree(other, unit=unit, filename="v2.txt", replace=True)
    assert result.status == "replaced"
    plan.refresh_from_db()
    assert plan.signer_name == "BUDI SANTOSO, S.H."
    assert set(Indicator.objects.values_list("pk", flat=True)) == ids


def test_confirmations_of_findings_still_present_are_kept(unit):
    admin = User.objects.create(username="sekretariat")
    v1 = decree_bytes(closing_place="Bengkulu")  # a place_mismatch finding
    plan = import_decree(v1, unit=unit, filename="v1.txt").plan
    finding = plan.findings.get(kind="place_mismatch")
    ImportFinding.objects.filter(pk=finding.pk).update(
        confirmed_by=admin, confirmed_at=timezone.now()
    )

    tree = base_tree()
    tree[0]["activities"][0]["name"] = "Kegiatan pertama area 1 (revisi)"
    import_decree(
        decree_bytes(tree, closing_place="Bengkulu"), unit=unit, filename="v2.txt", replace=True
    )
    kept = plan.findings.get(kind="place_mismatch")
    assert kept.pk == finding.pk
    assert kept.confirmed_by == admin and kept.confirmed_at is not None

    import_decree(decree_bytes(tree), unit=unit, filename="v3.txt", replace=True)
    assert not plan.findings.filter(kind="place_mismatch").exists()
    import_decree(
        decree_bytes(tree, closing_place="Bengkulu"), unit=unit, filename="v4.txt", replace=True
    )
    assert plan.findings.get(kind="place_mismatch").confirmed_at is None


# -- work attached to an item blocks its removal ----------------------------------------------


@pytest.fixture(params=["sub_activity", "indicator"])
def work_model(request):
    """A model that points at the plan tree, as a later realisation or evidence model will
    (created for the test, then dropped: the importer must find it through ``_meta``)."""
    from django.apps import apps

    target = SubActivity if request.param == "sub_activity" else Indicator
    related_name = "+" if request.param == "sub_activity" else "test_work_records"

    class TestWorkRecord(models.Model):
        item = models.ForeignKey(target, on_delete=models.CASCADE, related_name=related_name)
        note = models.CharField(max_length=50, default="realisasi Maret")

        class Meta:
            app_label = "audit"
            verbose_name = "realisasi uji"
            verbose_name_plural = "realisasi uji"

        def __str__(self) -> str:
            return self.note

    with connection.schema_editor() as editor:
        editor.create_model(TestWorkRecord)
    yield request.param, TestWorkRecord
    with connection.schema_editor() as editor:
        editor.delete_model(TestWorkRecord)
    del apps.all_models["audit"]["testworkrecord"]
    apps.clear_cache()


# Transactional: SQLite cannot create a table inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_removed_item_that_carries_work_is_refused(work_model, media):
    level, model = work_model
    unit = make_units()
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    # Work on an item that stays does not matter; work on one that would go refuses.
    model.objects.create(item=find(plan, "1.1.1" if level == "sub_activity" else "1.1.1.1"))
    doomed = find(plan, "4.2.1" if level == "sub_activity" else "4.2.1.1")
    model.objects.create(item=doomed)
    model.objects.create(item=doomed)
    before = tree_snapshot(plan)
    with pytest.raises(ImportRefused) as refused:
        import_decree(decree_bytes(changed_tree()), unit=unit, filename="v2.txt", replace=True)
    message = refused.value.message
    path = "4.2.1" if level == "sub_activity" else "4.2.1.1"
    assert f"{'sub kegiatan' if level == 'sub_activity' else 'indikator'} {path}" in message
    assert "realisasi uji: 2" in message
    assert tree_snapshot(plan) == before
    assert preview_import(decree_bytes(changed_tree()), unit=unit).refusal == message

    model.objects.filter(item=doomed).delete()
    result = import_decree(decree_bytes(changed_tree()), unit=unit, filename="v2.txt", replace=True)
    assert result.status == "replaced"
    assert model.objects.count() == 1


# -- the command shows the diff ------------------------------------------------------------


def test_dry_run_command_prints_the_diff_against_the_saved_plan(unit, tmp_path):
    import_decree(decree_bytes(), unit=unit, filename="v1.txt")
    path = tmp_path / "v2.txt"
    path.write_bytes(decree_bytes(changed_tree()))
    out = StringIO()
    call_command("import_decree", str(path), "--unit", "6107", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "6 ditambah, 4 dihapus, 5 diubah, 71 tetap" in text
    assert "+ sub kegiatan 3.1.3: Sub baru area 3" in text
    assert "- kegiatan 4.2: Kegiatan kedua area 4" in text
    assert "~ sub kegiatan 1.1.2: nama: Sub dua area 1 → Sub dua area 1 diperbaiki" in text
    assert "~ sub kegiatan 2.2.1: jadwal: APR → APR MEI" in text
    # The JSON output keeps its shape: no diff in it.
    out = StringIO()
    call_command("import_decree", str(path), "--unit", "6107", "--dry-run", "--json", stdout=out)
    assert "diff" not in json.loads(out.getvalue())


# -- what the parser gives beyond the tree ----------------------------------------------------


def test_a_reading_choice_reaches_the_parser_and_is_applied_to_the_same_file(unit):
    plan = import_decree(bengkayang_bytes(), unit=unit, filename="sk.txt").plan
    inferred = plan.findings.get(kind="area_inferred")
    assert inferred.choice_key == "area:182" and inferred.chosen == "infer"
    assert [value for value, _label in inferred.options] == ["infer", "keep"]
    assert inferred.position == {"line": 182} and inferred.excerpt
    assert plan.areas.filter(number=7).exists()
    kept_area = plan.areas.get(number=6)

    choices = {"area:182": "keep"}
    preview = preview_import(bengkayang_bytes(), unit=unit, choices=choices)
    assert ("area", "7") in paths(preview.diff.removed) and preview.refusal is None
    # Without replace the same file is simply unchanged; with it, the new reading applies.
    again = import_decree(bengkayang_bytes(), unit=unit, filename="sk.txt", choices=choices)
    assert again.status == "unchanged"
    result = import_decree(
        bengkayang_bytes(), unit=unit, filename="sk.txt", replace=True, choices=choices
    )
    assert result.status == "replaced"
    assert not plan.areas.filter(number=7).exists()
    assert plan.areas.get(number=6).pk == kept_area.pk
    assert plan.findings.get(kind="area_inferred", choice_key="area:182").chosen == "keep"


def test_quarterly_schedules_and_extra_columns_are_written_and_compared(unit, monkeypatch):
    import renaksi.importer.services as services
    from renaksi.lib.decree.parser import parse_decree

    extra = {"pic": "Subbag Hukum", "target": "1 dokumen", "budget": "Rp 5.000.000"}

    def parse(data, *, choices=None):
        decree = parse_decree(data, choices=choices)
        decree.schedule = "quarter"
        for area in decree.areas:
            for act in area.activities:
                for sub in act.sub_activities:
                    sub.quarters = {1, 3} if b"revisi" not in data else {2}
                    sub.months = set()
                    for name, value in extra.items():
                        setattr(sub, name, value)
        return decree

    monkeypatch.setattr(services, "parse_decree", parse)
    plan = import_decree(decree_bytes(), unit=unit, filename="v1.txt").plan
    assert plan.schedule_kind == "quarter"
    sub = find(plan, "1.1.1")
    assert sub.schedule == 0b101
    assert (sub.pic_text, sub.target_text, sub.budget_text) == tuple(extra.values())

    diff = preview_import(decree_bytes(signer="revisi"), unit=unit).diff
    first = next(item for item in diff.changed if item.path == "1.1.1")
    assert first.fields == ["schedule"]
    assert (first.before["schedule"], first.after["schedule"]) == (["TW I", "TW III"], ["TW II"])
    assert first.after["pic_text"] == "Subbag Hukum"
