"""The framework pages: reading the tree, and the national administrator's flow (copy into a
new version, edit, add and delete items, findings, publish) with its audit entries."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.audit.models import LogEntry
from renaksi.evaluation import framework_editing as editing
from renaksi.evaluation.frameworks import FrameworkError, load_shipped
from renaksi.evaluation.models import Framework, Node

from .matrix_evaluation_frameworks import tiny_framework
from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def shipped():
    load_shipped()
    return {fw.code: fw for fw in Framework.objects.all()}


def login(client, world, persona):
    client.force_login(world.users[persona])
    return world.users[persona]


def detail(framework):
    return reverse("evaluation:framework_detail", args=[framework.pk])


def node_url(name, framework, code):
    return reverse(f"evaluation:{name}", args=[framework.pk, framework.nodes.get(code=code).pk])


def node_html(html: str, code: str) -> str:
    match = re.search(rf'<li class="fw-node[^"]*" id="n\d+" data-code="{re.escape(code)}">', html)
    assert match, code
    end = html.find('<li class="fw-node', match.end())
    return html[match.start() : end if end != -1 else None]


# -- reading -------------------------------------------------------------------------------


def test_the_list_shows_the_shipped_frameworks_to_any_signed_in_user(client, world, shipped):
    login(client, world, "implementer5")
    html = client.get(reverse("evaluation:framework_list")).content.decode()
    for framework in shipped.values():
        assert detail(framework) in html
    assert "110" in html  # the ZI items
    client.logout()
    response = client.get(reverse("evaluation:framework_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_tree_shows_weights_with_two_decimals_and_full_precision(client, world, shipped):
    login(client, world, "implementer5")
    html = client.get(detail(shipped["pmprb-2020"])).content.decode()
    sdm_i = node_html(html, "A.I.5.i")
    assert 'title="bobot tepat: 1/3 ≈ 0.333333">0,33</abbr>' in sdm_i
    assert 'title="bobot tepat: 2 = 2">' not in html  # whole numbers carry no "="
    assert ">2,00</abbr>" in node_html(html, "A.I.5.iv")
    assert ">20,00</abbr>" in node_html(html, "A.I")
    assert ">0,40</abbr>" in node_html(html, "A.I.1.i") and "2/5 = 0.4" in html
    # Incomplete parts are visibly marked; B has its weight and nothing invented below it.
    hasil = node_html(html, "B")
    assert "fw-node--incomplete" in hasil and "belum lengkap" in hasil and ">40,00</abbr>" in hasil
    assert "jenis jawaban tidak diketahui" in node_html(html, "A.I.8.ii.b")


def test_the_tree_shows_answer_types_options_values_and_inputs(client, world, shipped):
    login(client, world, "national_viewer")
    html = client.get(detail(shipped["zi-2021"])).content.decode()
    item = node_html(html, "A.I.1.ii.b")
    assert "A/B/C" in item and "Jika semua target-target prioritas" in item
    assert ">0,50</abbr>" in item  # B of A/B/C, the framework's table
    abcd = node_html(html, "A.I.1.iii.a")
    assert "nilai tepat: 2/3 ≈ 0.666667 (nilai kerangka)" in abcd and ">0,67</abbr>" in abcd
    percent = node_html(html, "A.II.1.i.a")
    assert "Persentase dari jumlah" in percent and "Jumlah Agen Perubahan" in percent
    assert "pembilang ÷ penyebut" in percent
    assert "Nilai survei (0–4)" in node_html(html, "B.I.a")
    gap = node_html(html, "A.II.6")
    assert "belum lengkap" in gap and "4,5" in gap
    assert "9/2 (4.50), bukan 5 (5.00)" in html  # the finding
    # Only managers see the change buttons.
    assert "Salin sebagai draf" not in html and "/simpul/" not in html


def test_rb_general_shows_evaluator_kinds(client, world, shipped):
    login(client, world, "implementer5")
    html = client.get(detail(shipped["rb-general-2023"])).content.decode()
    assert "Nilai 0–100 (evaluator)" in node_html(html, "RBG.A.1")
    assert "dinilai oleh Evaluator Nasional" in node_html(html, "RBG.A.1")
    assert "Nilai 0–5 (evaluator)" in node_html(html, "RBG.B.1.2")


def test_the_tree_costs_the_same_queries_for_9_and_172_nodes(client, world, shipped):
    login(client, world, "national_admin")
    counts = {}
    for code in ("rb-general-2023", "zi-2021"):
        client.get(detail(shipped[code]))  # warm the session and the grants
        with CaptureQueriesContext(connection) as queries:
            response = client.get(detail(shipped[code]))
        assert response.status_code == 200
        counts[code] = len(queries)
    assert counts["rb-general-2023"] == counts["zi-2021"] <= 8, counts
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("evaluation:framework_list"))
    assert len(queries) <= 5


def test_the_menu_entry_shows_for_managers_and_reviewers_only(client, world, shipped):
    entry = f'href="{reverse("evaluation:framework_list")}"'
    for persona, shown in [
        ("national_admin", True),
        ("province_reviewer", True),
        ("national_viewer", True),
        ("implementer5", False),
        ("unit_admin", False),
    ]:
        login(client, world, persona)
        html = client.get(reverse("plans:list")).content.decode()
        assert (entry in html) is shown, persona


# -- the administrator's flow --------------------------------------------------------------


def test_copy_edit_find_and_publish_a_new_version(client, world, shipped):
    admin = login(client, world, "national_admin")
    zi = shipped["zi-2021"]
    response = client.post(reverse("evaluation:framework_copy", args=[zi.pk]), {"year": "2025"})
    draft = Framework.objects.get(code="zi-2025")
    assert response.status_code == 302 and response["Location"] == detail(draft)
    assert draft.state == "draft" and draft.based_on == zi and draft.version == 1
    assert list(draft.nodes.values_list("code", "sequence", "weight")) == list(
        zi.nodes.values_list("code", "sequence", "weight")
    )
    html = client.get(detail(draft)).content.decode()
    assert "Berlakukan" in html and node_url("framework_node_edit", draft, "A.I.1.i") in html

    # A weight that breaks the sum of area 1: the page names the error, publishing refuses.
    edit = node_url("framework_node_edit", draft, "A.I.1.i")
    form = client.get(edit)
    assert form.status_code == 200 and "Penyusunan Tim Kerja" in form.content.decode()
    response = client.post(edit, {"title": "Penyusunan Tim Kerja", "weight": "0,75"})
    assert response.status_code == 302
    assert draft.nodes.get(code="A.I.1.i").weight == "0.75"
    html = client.get(detail(draft)).content.decode()
    assert "1 kesalahan" in html and "kode A.I.1" in html and "17/4 (4.25)" in html
    response = client.post(reverse("evaluation:framework_publish", args=[draft.pk]), follow=True)
    assert "belum dapat diberlakukan" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"

    # Put it right and publish.
    client.post(edit, {"title": "Penyusunan Tim Kerja", "weight": "1/2"})
    response = client.post(reverse("evaluation:framework_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == "published"
    # A published framework cannot be changed any more.
    response = client.post(edit, {"title": "X", "weight": "1"}, follow=True)
    assert "Hanya draf yang dapat diubah" in response.content.decode()
    assert draft.nodes.get(code="A.I.1.i").title == "Penyusunan Tim Kerja"

    actions = list(
        LogEntry.objects.filter(actor=admin).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "evaluation.framework_copied",
        "evaluation.framework_node_changed",
        "evaluation.framework_node_changed",
        "evaluation.framework_published",
    ]
    change = LogEntry.objects.filter(action="evaluation.framework_node_changed").order_by("pk")[0]
    assert change.data["node"] == "A.I.1.i" and change.data["changes"]["weight"] == ["0.5", "0.75"]


def test_editing_an_items_answer_type_and_options(client, world, shipped):
    admin = login(client, world, "national_admin")
    draft = editing.copy_framework(admin, shipped["zi-2021"], year=2026)
    edit = node_url("framework_node_edit", draft, "A.I.1.i.b")
    html = client.get(edit).content.decode()
    assert 'name="opt_label_c"' in html and 'name="opt_label_d"' not in html
    # An option value outside 0..1 is refused with a message naming the option.
    data = {
        "title": "Penentuan anggota Tim",
        "answer_type": "abc",
        "opt_label_a": "semua",
        "opt_value_a": "1",
        "opt_label_b": "sebagian",
        "opt_value_b": "1,5",
        "opt_label_c": "tidak",
    }
    response = client.post(edit, data)
    assert response.status_code == 400
    assert "Nilai pilihan B harus angka antara 0 dan 1" in response.content.decode()
    assert draft.nodes.get(code="A.I.1.i.b").title != "Penentuan anggota Tim"
    data["opt_value_b"] = "0.6"
    assert client.post(edit, data).status_code == 302
    item = draft.nodes.get(code="A.I.1.i.b")
    assert item.options == [
        {"code": "a", "label": "semua", "value": "1"},
        {"code": "b", "label": "sebagian", "value": "0.6"},
        {"code": "c", "label": "tidak"},
    ]
    # A percentage item: formula and input labels.
    data = {"title": "Persentase", "answer_type": "percent"}
    response = client.post(edit, data)  # the inputs' labels are still missing
    assert response.status_code == 400 and 'name="input_numerator"' in response.content.decode()
    assert "perlu rumus" in response.content.decode()
    data.update(formula="ratio", input_numerator="Sudah", input_denominator="Wajib")
    assert client.post(edit, data).status_code == 302
    item.refresh_from_db()
    assert item.options == [] and item.formula == "ratio"
    assert item.count_inputs == [
        {"name": "numerator", "label": "Sudah"},
        {"name": "denominator", "label": "Wajib"},
    ]


def test_adding_and_deleting_items_keeps_the_pre_order(client, world, shipped):
    admin = login(client, world, "national_admin")
    draft = editing.copy_framework(admin, shipped["zi-2021"], year=2027)
    add = node_url("framework_item_add", draft, "A.I.1.i")
    response = client.post(add, {"label": "c", "title": "Butir baru", "answer_type": "abcd"})
    item = draft.nodes.get(code="A.I.1.i.c")
    assert (
        response.status_code == 302
        and node_url("framework_node_edit", draft, "A.I.1.i.c") in (response["Location"])
    )
    codes = list(draft.nodes.order_by("sequence").values_list("code", flat=True))
    assert codes[codes.index("A.I.1.i.b") + 1] == "A.I.1.i.c"
    assert codes[codes.index("A.I.1.i.c") + 1] == "A.I.1.ii"
    sequences = list(draft.nodes.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    assert item.depth == 4 and item.parent.code == "A.I.1.i"
    # The same code again is refused, naming it.
    response = client.post(add, {"label": "c", "title": "Lagi", "answer_type": "abc"})
    assert response.status_code == 400 and "A.I.1.i.c" in response.content.decode()
    # Delete it again; a non-item cannot be deleted.
    client.post(node_url("framework_node_delete", draft, "A.I.1.i.c"))
    assert not draft.nodes.filter(code="A.I.1.i.c").exists()
    assert list(draft.nodes.order_by("sequence").values_list("code", flat=True)) == [
        c for c in codes if c != "A.I.1.i.c"
    ]
    response = client.post(node_url("framework_node_delete", draft, "A.I.1.i"), follow=True)
    assert "Hanya butir yang dapat dihapus" in response.content.decode()
    assert set(LogEntry.objects.filter(actor=admin).values_list("action", flat=True)) >= {
        "evaluation.framework_item_added",
        "evaluation.framework_node_deleted",
    }


def test_a_copy_that_changes_the_kind_of_a_code_cannot_be_published(world, shipped):
    admin = world.users["national_admin"]
    draft = editing.copy_framework(admin, shipped["zi-2021"], year=2028)
    Node.objects.filter(framework=draft, code="A.I.1").update(kind="aspect")
    findings = editing.findings_of(draft)
    assert any(f.is_error and f.code == "A.I.1" and "zi-2021" in f.message for f in findings)
    with pytest.raises(FrameworkError):
        editing.publish(admin, draft)


def test_retiring_a_framework(client, world):
    framework = tiny_framework()
    login(client, world, "national_admin")
    client.post(reverse("evaluation:framework_retire", args=[framework.pk]))
    framework.refresh_from_db()
    assert framework.state == "retired"
    assert LogEntry.objects.filter(action="evaluation.framework_retired").count() == 1


# -- permissions -----------------------------------------------------------------------------


def test_only_national_administrators_change_frameworks(client, world, shipped):
    zi = shipped["zi-2021"]
    draft = editing.copy_framework(world.users["national_admin"], zi, year=2029)
    for persona in ("unit_admin", "national_reviewer", "province_reviewer", "implementer5"):
        login(client, world, persona)
        copy = client.post(reverse("evaluation:framework_copy", args=[zi.pk]), {"year": "2030"})
        assert copy.status_code == 403, persona
        assert client.get(detail(draft)).status_code == 404, persona  # drafts are not shown
        assert client.get(node_url("framework_node_edit", zi, "A.I.1.i")).status_code == 403
        assert client.post(reverse("evaluation:framework_retire", args=[zi.pk])).status_code == 403
    assert not Framework.objects.filter(year=2030).exists()
    zi.refresh_from_db()
    assert zi.state == "published"
    # The services check it themselves too.
    with pytest.raises(PermissionDenied):
        editing.copy_framework(world.users["unit_admin"], zi, year=2030)
    with pytest.raises(PermissionDenied):
        editing.change_node(world.users["unit_admin"], draft.nodes.get(code="A.I.1.i"), title="x")
    with pytest.raises(PermissionDenied):
        editing.publish(world.users["national_reviewer"], draft)


def test_drafts_are_listed_for_managers_only(client, world, shipped):
    draft = editing.copy_framework(world.users["national_admin"], shipped["zi-2021"], year=2024)
    login(client, world, "national_admin")
    assert detail(draft) in client.get(reverse("evaluation:framework_list")).content.decode()
    login(client, world, "national_viewer")
    assert detail(draft) not in client.get(reverse("evaluation:framework_list")).content.decode()
