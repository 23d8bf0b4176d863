"""Finding messages follow the reader's language; kinds show as labels; no cut mid-word.

The decree library (Django-free) gives every finding its Indonesian text, the message's
template (an Indonesian msgid marked with ``gettext_noop``) and its values; the importer
stores both on ``ImportFinding`` and ``display_message`` translates the template when shown.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from renaksi.importer.preview import build_tree
from renaksi.importer.services import import_decree
from renaksi.importer.tree import Node
from renaksi.lib.decree.model import Finding, gettext_noop, message, render_message
from renaksi.lib.decree.parser import parse_decree
from renaksi.lib.decree.text import shorten
from renaksi.plans.models import (
    FINDING_KIND_LABELS,
    ImportFinding,
    SubActivity,
    finding_kind_label,
)

from .decree_samples import bengkayang_bytes

LIBRARY = Path(settings.BASE_DIR) / "renaksi" / "lib" / "decree"
DECREES = sorted((Path(__file__).parent / "data" / "decrees").glob("*.txt"))


@pytest.fixture(scope="module")
def bengkayang():
    return parse_decree(bengkayang_bytes())


# ---------- the library: templates and values ----------


def test_every_finding_of_the_samples_has_a_template_that_gives_its_text(bengkayang):
    decrees = [bengkayang] + [parse_decree(path.read_bytes()) for path in DECREES]
    findings = [finding for decree in decrees for finding in decree.findings]
    assert len(findings) > 90
    for finding in findings:
        assert finding.template, finding.message
        assert render_message(finding.template, finding.params) == finding.message
        assert "%(" not in finding.message


def test_the_indonesian_text_is_unchanged_by_the_templates(bengkayang):
    messages = {finding.message for finding in bengkayang.findings}
    # As the reader wrote them before the templates (tests/test_decree_*.py check more).
    assert (
        "Tempat ditetapkan di akhir Lampiran ('Jakarta') berbeda dengan di batang tubuh "
        "keputusan ('Bengkayang', baris 58). Dipakai 'Bengkayang'."
    ) in messages or any(m.startswith("Tempat ditetapkan di akhir Lampiran") for m in messages)
    wide = next(f for f in bengkayang.findings if f.kind == "wide_table")
    assert wide.message.startswith(f"Tabel pada baris {wide.params['where']['params']['line']} ")


def test_a_nested_phrase_is_translated_with_its_sentence():
    text = message(
        gettext_noop("Nomor %(what)s %(number)s tidak urut."),
        what=message(gettext_noop("sub kegiatan")),
        number=3,
    )
    finding = Finding(5, "numbering_order", text)
    assert finding.message == "Nomor sub kegiatan 3 tidak urut."
    assert finding.params == {"what": {"msgid": "sub kegiatan", "params": {}}, "number": 3}
    english = {
        "Nomor %(what)s %(number)s tidak urut.": "%(what)s number %(number)s is out of order.",
        "sub kegiatan": "Sub-activity",
    }
    assert (
        render_message(finding.template, finding.params, english.get)
        == "Sub-activity number 3 is out of order."
    )


def test_a_finding_given_as_text_has_no_template():
    finding = Finding(1, "stale_year", "Teks lama.")
    assert (finding.message, finding.template, finding.params) == ("Teks lama.", "", {})


def calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            yield name, node


def test_no_finding_message_in_the_library_is_a_plain_string():
    """Every message given to ``Finding(...)`` or a reader's ``note(...)`` is a ``message()``
    (or a value passed through); its template is a ``gettext_noop`` literal or a marked one."""
    problems = []
    for path in sorted(LIBRARY.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, node in calls(tree):
            if name not in {"Finding", "note", "PendingFinding"}:
                continue
            if name == "PendingFinding":
                argument = node.args[1] if len(node.args) > 1 else None
            else:
                argument = node.args[2] if len(node.args) > 2 else None
            argument = next((k.value for k in node.keywords if k.arg == "message"), argument)
            if argument is None:
                continue
            if isinstance(argument, ast.Constant | ast.JoinedStr | ast.BinOp):
                problems.append(f"{path.name}:{node.lineno}")
            if isinstance(argument, ast.Call) and getattr(argument.func, "id", "") == "message":
                template = argument.args[0]
                if isinstance(template, ast.Constant | ast.JoinedStr | ast.BinOp):
                    problems.append(f"{path.name}:{node.lineno} (template not marked)")
    assert not problems, problems


def test_the_library_does_not_import_django():
    code = (
        "import sys; import renaksi.lib.decree.parser, renaksi.lib.decree.formats; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip() == "False"


def test_xgettext_finds_the_templates_as_makemessages_would():
    """makemessages runs xgettext with --keyword=gettext_noop (among others)."""
    files = [str(path) for path in sorted(LIBRARY.glob("*.py"))]
    result = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "xgettext",
            "--language=Python",
            "--keyword=gettext_noop",
            "--from-code=UTF-8",
            "--output=-",
            *files,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    catalog = result.stdout
    marked = set()
    for path in files:
        for name, node in calls(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if name == "gettext_noop" and isinstance(node.args[0], ast.Constant):
                marked.add(node.args[0].value)
    extracted = re.findall(r'^msgid "(.+)"', catalog, re.M) + [
        "".join(re.findall(r'"(.*)"', block))
        for block in re.findall(r'^msgid ""\n((?:".*"\n)+)', catalog, re.M)
    ]
    assert len(marked) > 80
    assert marked <= {text.replace('\\"', '"') for text in extracted}
    assert "#, python-format" in catalog


# ---------- ImportFinding.display_message ----------


def finding_row(**fields):
    defaults = {"line": 3, "kind": "wide_table", "message": "Pesan Indonesia."}
    return ImportFinding(**(defaults | fields))


def test_display_message_follows_the_language():
    row = finding_row(
        message="Temuan Tabel (baris 7)",
        message_template="Temuan %(kind)s (%(where)s)",
        message_params={
            "kind": "Tabel",
            "where": {"msgid": "baris %(line)s", "params": {"line": 7}},
        },
    )
    with translation.override("id"):
        assert row.display_message == "Temuan Tabel (baris 7)"
    with translation.override("en"):
        # Both msgids are in renaksi/locale/en/LC_MESSAGES/django.po already.
        assert row.display_message == "Finding Tabel (line 7)"


def test_display_message_without_a_template_is_the_text():
    row = finding_row(message="Temuan lama tanpa templat.")
    with translation.override("en"):
        assert row.display_message == "Temuan lama tanpa templat."


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("Nomor %(number)s %(where)s", {"number": 1}),  # a value missing
        ("Nomor %(number)d", {"number": "satu"}),  # a value of the wrong type
        ("Nomor %(number)s", ["bukan", "kamus"]),  # params not a dict
        ("Nomor %(number)s", {"number": {"msgid": "%(x)s", "params": {}}}),  # nested broken
        ("Nomor %(number", {"number": 1}),  # a broken template
    ],
)
def test_display_message_never_raises(template, params):
    row = finding_row(message="Teks Indonesia.", message_template=template, message_params=params)
    for language in ("id", "en"):
        with translation.override(language):
            assert row.display_message == "Teks Indonesia."


@pytest.mark.django_db
def test_an_import_stores_the_templates_and_shows_them_translated(bengkayang):
    from .import_support import make_units

    unit = make_units()
    plan = import_decree(bengkayang_bytes(), unit=unit, filename="bengkayang.txt").plan
    rows = list(plan.findings.all())
    assert len(rows) == len(bengkayang.findings)
    for row in rows:
        assert row.message_template
        with translation.override("id"):
            assert row.display_message == row.message  # the Indonesian text, unchanged

    english = {
        row.message_template: "EN " + row.message_template
        for row in rows
        if row.kind in {"wide_table", "month_overflow"}
    }
    with mock.patch("renaksi.plans.models.gettext", lambda text: english.get(text, text)):
        wide = next(row for row in rows if row.kind == "wide_table")
        assert wide.display_message.startswith("EN Tabel pada baris ")
        assert wide.display_message[3:] == wide.message


# ---------- the preview page ----------


@pytest.fixture
def uploaded(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from renaksi.access.models import UnitRole

    from .import_support import make_units

    unit = make_units()
    admin = type(unit)._meta.apps.get_model("auth", "User").objects.create_user("sek", "s@x.test")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    client.force_login(admin)
    response = client.post(
        reverse("importer:upload", args=[unit.pk]),
        {"berkas": SimpleUploadedFile("bengkayang.txt", bengkayang_bytes())},
    )
    assert response.status_code == 302
    return client, unit


def preview(client, unit) -> str:
    response = client.get(reverse("importer:preview", args=[unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_preview_shows_kind_labels_never_codes(uploaded, bengkayang):
    client, unit = uploaded
    page = preview(client, unit)
    text = re.sub(r"<[^>]+>", " ", page)  # what a reader sees
    for kind in {finding.kind for finding in bengkayang.findings}:
        assert kind not in text, kind
        assert str(FINDING_KIND_LABELS[kind]) in page


def test_preview_in_english_translates_finding_messages(uploaded, bengkayang):
    client, unit = uploaded
    wide = next(f for f in bengkayang.findings if f.kind == "wide_table")
    english = {
        wide.template: "The table on %(where)s has %(cells)s schedule cells for %(count)s "
        "%(columns)s columns.",
        "baris %(line)s": "line %(line)s",
    }
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with mock.patch("renaksi.plans.models.gettext", lambda text: english.get(text, text)):
        page = preview(client, unit)
    line = wide.params["where"]["params"]["line"]
    assert f"The table on line {line} has 16 schedule cells for 12 JAN–DES columns." in page
    assert wide.message not in page
    # Without a translation the Indonesian text is shown.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert wide.message.replace("'", "&#x27;") in preview(client, unit)


def test_every_kind_the_library_can_report_has_a_label():
    kinds = set()
    for path in sorted(LIBRARY.glob("*.py")):
        for name, node in calls(ast.parse(path.read_text(encoding="utf-8"))):
            if name in {"Finding", "note"} and len(node.args) > 1:
                kind = node.args[1]
                if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                    kinds.add(kind.value)
                elif isinstance(kind, ast.IfExp):
                    kinds |= {
                        side.value
                        for side in (kind.body, kind.orelse)
                        if isinstance(side, ast.Constant)
                    }
    kinds.add("unit_mismatch")  # importer/services.py
    assert len(kinds) > 40
    assert kinds <= set(FINDING_KIND_LABELS), sorted(kinds - set(FINDING_KIND_LABELS))


def test_an_unknown_kind_is_not_shown_as_its_code():
    assert finding_kind_label("brand_new_kind") == "Temuan lain"
    assert finding_row(kind="brand_new_kind").kind_label == "Temuan lain"
    assert finding_kind_label("wide_table") == "Tabel lebih lebar dari 12 bulan"


def test_the_preview_tree_translates_too(bengkayang):
    tree = build_tree(bengkayang)
    view = next(v for v in tree.findings if v.finding.kind == "wide_table")
    english = {view.finding.template: "Table: %(cells)s cells", "baris %(line)s": "line %(line)s"}
    with mock.patch("renaksi.plans.models.gettext", lambda text: english.get(text, text)):
        assert view.display_message == "Table: 16 cells"
    assert view.display_message == view.finding.message


# ---------- cut at a word boundary ----------


def test_shorten_cuts_at_a_word_boundary():
    text = "Tersedia peta proses bisnis yang telah ditetapkan oleh pimpinan satuan kerja"
    short = shorten(text, 40)
    assert len(short) <= 40
    assert short.endswith("…")
    assert text.startswith(short[:-1])
    assert text[len(short) - 1] == " "  # the next character in the full text is a space
    assert shorten(text, 200) == text
    assert shorten("Antidisestablishmentarianism" * 3, 20).endswith("…")  # one long word


def test_tree_node_description_cuts_at_a_word_boundary():
    sub = SubActivity(
        name="Penyusunan revisi naskah dinas pengaturan dan penetapan di lingkungan KPU "
        "Kabupaten Bengkayang"
    )
    described = Node(level="sub_activity", obj=sub, path="1.1.1").describe()
    quoted = re.search(r"'(.*)'", described).group(1)
    assert quoted.endswith("…")
    assert sub.name.startswith(quoted[:-1])
    assert sub.name[len(quoted) - 1] == " "


def test_finding_texts_are_not_cut_inside_a_word(bengkayang):
    source = " ".join(bengkayang_bytes().decode().split())
    cut = 0
    for finding in bengkayang.findings:
        for value in finding.params.values():
            if isinstance(value, str) and value.endswith("…"):
                cut += 1
                last_word = value[:-1].split()[-1].rstrip("-/")  # "dan/…" ends a word too
                # The last word kept is a whole word of the source, not the start of one.
                assert re.search(rf"(?<!\w){re.escape(last_word)}(?!\w)", source), value
    assert cut > 5


def test_the_history_names_a_finding_kind_by_its_label():
    import zoneinfo

    from renaksi.audit.history import _Formatter

    formatter = _Formatter(zoneinfo.ZoneInfo("Asia/Pontianak"), "WIB", "month")
    assert formatter.detail_text(None, "kind", "wide_table") == "Tabel lebih lebar dari 12 bulan"
    assert formatter.detail_text(None, "kind", "brand_new_kind") == "Temuan lain"


def test_a_lettered_list_of_sub_activities_is_read_not_a_crash():
    """Found by tests/test_decree_property.py: "a. …; b. …" in SUB KEGIATAN raised ValueError."""
    from .decree_samples import decree_text, row

    text = decree_text(
        row(
            "1",
            "Manajemen Perubahan",
            "1 Penyusunan dokumen;",
            "a. Menurunnya anggaran jabatan penyelenggara; b. Menurunnya anggaran naskah etik;",
            "Indikator satu;",
            (1, 2),
        )
    )
    decree = parse_decree(text.encode())
    subs = decree.areas[0].activities[0].sub_activities
    assert [sub.number for sub in subs] == [1, 2]
    assert subs[1].name.startswith("Menurunnya anggaran naskah etik")
