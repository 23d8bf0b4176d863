"""Loading decrees into the database: the service, import_decree and seed_demo."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from renaksi.access.policy import APPROVE_PLAN, CHANGE_PLAN, REVIEW_PLAN, VIEW_PLAN
from renaksi.importer.services import ImportRefused, import_decree
from renaksi.lib.decree.model import DecreeError
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.units.models import Unit

from .decree_samples import BENGKAYANG_PATH, bengkayang_bytes, decree_text, full_plan_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def bengkayang():
    ri = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    kalbar = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level="provinsi", parent=ri
    )
    return Unit.objects.create(
        code="6107",
        name="KPU Kabupaten Bengkayang",
        level="kabupaten_kota",
        parent=kalbar,
        time_zone="Asia/Pontianak",
    )


def tree_counts():
    return (
        ActionPlan.objects.count(),
        PlanArea.objects.count(),
        Activity.objects.count(),
        SubActivity.objects.count(),
        Indicator.objects.count(),
        ImportFinding.objects.count(),
    )


def run(*args):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_decree", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


# -- the service ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_import_creates_the_whole_plan(bengkayang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_decree(bengkayang_bytes(), unit=bengkayang, filename="sk.txt")
    assert result.status == "created"
    plan = result.plan
    assert plan.year == 2022
    # A decree with a date is still a draft until the Tim Pengarah approves the plan.
    assert plan.status == ActionPlan.Status.DRAFT
    assert plan.approved_by is None and plan.approved_at is None
    assert plan.decree_number == "12"
    assert plan.decree_place == "Bengkayang"
    assert plan.decree_date.isoformat() == "2022-04-11"
    assert plan.signer_name == "MUSA JAIRANI"
    assert len(plan.legal_bases) == 8
    assert plan.source_sha256 == result.sha256 and len(plan.source_sha256) == 64
    assert plan.source_file.read() == bengkayang_bytes()
    counts = tree_counts()
    assert counts[:5] == (1, 8, 27, 73, 147)
    assert counts[5] == len(result.decree.findings) > 0


def test_tree_is_stored_in_decree_order_with_schedule(bengkayang):
    plan = import_decree(bengkayang_bytes(), unit=bengkayang, filename="sk.txt").plan
    area7 = plan.areas.get(number=7)
    assert area7.inferred is True
    assert area7.change_area.name == "Penguatan Pengawasan"
    assert list(area7.activities.values_list("number", "position")) == [
        (5, 1),
        (6, 2),
        (7, 3),
        (8, 4),
    ]
    monitoring = SubActivity.objects.get(
        activity__area__plan=plan, activity__area__number=1, activity__number=3, number=1
    )
    assert monitoring.months == [3, 6, 9]
    assert monitoring.is_due(6) and not monitoring.is_due(7)
    lhkpn = Indicator.objects.get(
        sub_activity__activity__area__plan=plan, text__startswith="100% seluruh wajib lapor LHKPN"
    )
    assert (lhkpn.kind, lhkpn.target_value, lhkpn.unit_of_measure) == ("persentase", 100, "%")


def test_reimport_of_same_file_changes_nothing(bengkayang):
    first = import_decree(bengkayang_bytes(), unit=bengkayang, filename="sk.txt")
    before = tree_counts()
    ids = set(SubActivity.objects.values_list("pk", flat=True))
    second = import_decree(bengkayang_bytes(), unit=bengkayang, filename="other-name.txt")
    assert second.status == "unchanged"
    assert second.plan.pk == first.plan.pk
    assert tree_counts() == before
    assert set(SubActivity.objects.values_list("pk", flat=True)) == ids


def test_different_file_is_refused_unless_replace(bengkayang):
    import_decree(bengkayang_bytes(), unit=bengkayang, filename="sk.txt")
    before = tree_counts()
    changed = bengkayang_bytes().replace(b"Eka Budiawan", b"Eka Budiawan, S.H.")
    with pytest.raises(ImportRefused) as refused:
        import_decree(changed, unit=bengkayang, filename="sk-revisi.txt")
    assert "--replace" in refused.value.message
    assert tree_counts() == before
    result = import_decree(changed, unit=bengkayang, filename="sk-revisi.txt", replace=True)
    assert result.status == "replaced"
    assert tree_counts() == before
    plan = ActionPlan.objects.get()
    assert plan.certifier_name == "Eka Budiawan, S.H."
    assert plan.source_name == "sk-revisi.txt"


def test_decree_of_another_unit_is_refused(bengkayang):
    with pytest.raises(ImportRefused) as refused:
        import_decree(bengkayang_bytes(), unit=bengkayang.parent, filename="sk.txt")
    assert "KPU Provinsi Kalimantan Barat" in refused.value.message
    assert tree_counts()[0] == 0


def test_dry_run_writes_nothing(bengkayang):
    result = import_decree(bengkayang_bytes(), unit=bengkayang, filename="sk.txt", dry_run=True)
    assert result.status == "dry_run" and result.plan is None
    assert tree_counts() == (0, 0, 0, 0, 0, 0)


def test_bad_input_writes_nothing(bengkayang):
    with pytest.raises(DecreeError):
        import_decree(b"\x00\x01binary", unit=bengkayang, filename="x.pdf")
    assert tree_counts() == (0, 0, 0, 0, 0, 0)


def test_decree_with_repeated_area_is_refused_whole(bengkayang):
    text = decree_text(full_plan_rows(), unit="KABUPATEN BENGKAYANG")
    text = text.replace("\n2\tPenguatan Peraturan", "\n1\tPenguatan Peraturan")
    with pytest.raises(ImportRefused):
        import_decree(text.encode(), unit=bengkayang, filename="x.txt")
    assert tree_counts() == (0, 0, 0, 0, 0, 0)


# -- the command ---------------------------------------------------------------------------


def test_command_dry_run_json_shape(bengkayang):
    code, out, err = run(str(BENGKAYANG_PATH), "--unit", "6107", "--dry-run", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    decree = data["decree"]
    assert {k: decree[k] for k in ("number", "year", "unit", "place", "date", "signer")} == {
        "number": "12",
        "year": 2022,
        "unit": "KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG",
        "place": "Bengkayang",
        "date": "2022-04-11",
        "signer": "MUSA JAIRANI",
    }
    assert decree["title"].startswith("PENETAPAN KEGIATAN RENCANA AKSI")
    assert [a["number"] for a in data["areas"]] == list(range(1, 9))
    first_sub = data["areas"][0]["activities"][0]["sub_activities"][0]
    assert set(first_sub) >= {"number", "name", "indicators", "months"}
    assert first_sub["months"] == [1]
    assert all(isinstance(i, str) for i in first_sub["indicators"])
    assert all(set(a) >= {"line", "kind", "message"} for a in data["anomalies"])
    assert {"place_mismatch", "area_inferred", "stale_year"} <= {
        a["kind"] for a in data["anomalies"]
    }
    assert tree_counts() == (0, 0, 0, 0, 0, 0)


def test_command_dry_run_needs_no_unit_row(db):
    code, out, _ = run(str(BENGKAYANG_PATH), "--unit", "9999", "--dry-run", "--json")
    assert code == 0
    assert json.loads(out)["decree"]["number"] == "12"


def test_command_saves_and_is_idempotent(bengkayang):
    code, out, _ = run(str(BENGKAYANG_PATH), "--unit", "6107")
    assert code == 0
    assert "Rencana aksi dibuat: 8 area, 27 kegiatan, 73 sub kegiatan, 147 indikator" in out
    before = tree_counts()
    code, out, _ = run(str(BENGKAYANG_PATH), "--unit", "6107")
    assert code == 0 and "Tidak ada perubahan" in out
    assert tree_counts() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "kosong"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "gambar PNG"),
        ("Keputusan caf\u00e9".encode("cp1252"), "UTF-8"),
        (b"Notulen rapat pleno\n", "bukan keputusan"),
    ],
)
def test_command_bad_input_one_line_exit_1(bengkayang, tmp_path, content, expected):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    code, out, err = run(str(path), "--unit", "6107")
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Galat: ")
    assert expected.lower() in lines[0].lower()
    assert tree_counts() == (0, 0, 0, 0, 0, 0)


def test_command_missing_file_and_unknown_unit(bengkayang, tmp_path):
    code, _, err = run(str(tmp_path / "nope.txt"), "--unit", "6107")
    assert code == 1 and "tidak ditemukan" in err
    code, _, err = run(str(BENGKAYANG_PATH), "--unit", "1234")
    assert code == 1 and "1234" in err and len(err.strip().splitlines()) == 1


def test_command_refuses_different_file_then_replaces(bengkayang, tmp_path):
    run(str(BENGKAYANG_PATH), "--unit", "6107")
    other = tmp_path / "revisi.txt"
    other.write_bytes(bengkayang_bytes() + b"\n")
    code, _, err = run(str(other), "--unit", "6107")
    assert code == 1 and "--replace" in err
    code, out, _ = run(str(other), "--unit", "6107", "--replace", "--json")
    assert code == 0 and json.loads(out)["status"] == "replaced"


# -- seed_demo -----------------------------------------------------------------------------


def test_seed_demo_is_idempotent(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "dibuat: 8 area, 27 kegiatan, 73 sub kegiatan, 147 indikator" in out.getvalue()
    assert "admin / renaksi-admin" in out.getvalue()
    bengkayang = Unit.objects.get(code="6107")
    assert bengkayang.parent.code == "61" and bengkayang.parent.parent.code == "00"
    assert bengkayang.zone_abbreviation == "WIB"
    before = tree_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "sudah ada" in out.getvalue()
    assert tree_counts() == before
    assert User.objects.get(username="admin").check_password("renaksi-admin")
    plan = ActionPlan.objects.get(unit=bengkayang)
    assert User.objects.get(username="sekretariat").has_perm(CHANGE_PLAN, plan)
    pimpinan = User.objects.get(username="pimpinan")
    assert not pimpinan.has_perm(CHANGE_PLAN, plan)
    assert pimpinan.has_perm(APPROVE_PLAN, plan)
    assert User.objects.get(username="kalbar").has_perm(REVIEW_PLAN, plan)
    assert User.objects.get(username="kpuri").has_perm(VIEW_PLAN, plan)


def test_plan_page_renders_the_whole_imported_bengkayang_plan(
    client, django_assert_max_num_queries
):
    from django.urls import reverse

    call_command("seed_demo", stdout=StringIO())
    plan = ActionPlan.objects.get(unit__code="6107", year=2022)
    client.force_login(User.objects.get(username="pimpinan"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for area in plan.areas.all():
        assert area.name in html
    due_cells = html.count('<td class="due">')
    assert due_cells == sum(len(s.months) for s in SubActivity.objects.all()) > 400
    assert "Penguatan Pengawasan" in html and "disimpulkan" in html
    assert "Bengkulu" in html  # the place_mismatch finding is listed for review
