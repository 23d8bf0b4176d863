"""The server-rendered pages: login, plan list, plan detail, confirming findings, the admin."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.access.models import UnitRole
from renaksi.plans.models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from renaksi.plans.services import FindingAlreadyConfirmed, confirm_finding
from renaksi.units.models import Unit

from .csp_support import assert_no_inline_code

pytestmark = pytest.mark.django_db

SHA = "3f2a" * 16


# ---------------------------------------------------------------- builders and personas


@pytest.fixture
def units():
    ri = Unit.objects.create(code="00", name="KPU RI", level=Unit.Level.PUSAT)
    kalbar = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level=Unit.Level.PROVINSI, parent=ri
    )
    bengkayang = Unit.objects.create(
        code="6107",
        name="KPU Kabupaten Bengkayang",
        level=Unit.Level.KABUPATEN_KOTA,
        parent=kalbar,
        time_zone="Asia/Pontianak",
    )
    return {"ri": ri, "kalbar": kalbar, "bengkayang": bengkayang}


def build_plan(unit, year, tree, **fields):
    """Create a plan from ``tree``: [(area name, inferred, [(activity, [(sub, months,
    [indicator, ...]), ...]), ...]), ...]. Areas take change areas 1, 2, … in order."""
    plan = ActionPlan.objects.create(unit=unit, year=year, **fields)
    for area_number, (area_name, inferred, activities) in enumerate(tree, start=1):
        area = PlanArea.objects.create(
            plan=plan,
            change_area=ChangeArea.objects.get(number=area_number),
            number=area_number,
            name=area_name,
            inferred=inferred,
        )
        for position, (activity_name, subs) in enumerate(activities, start=1):
            activity = Activity.objects.create(
                area=area, number=position, position=position, name=activity_name
            )
            for sub_position, (sub_name, months, indicators) in enumerate(subs, start=1):
                sub = SubActivity(
                    activity=activity, number=sub_position, position=sub_position, name=sub_name
                )
                sub.months = months
                sub.save()
                for indicator_position, text in enumerate(indicators, start=1):
                    Indicator.objects.create(
                        sub_activity=sub,
                        position=indicator_position,
                        label=str(indicator_position) if len(indicators) > 1 else "",
                        text=text,
                    )
    return plan


BENGKAYANG_TREE = [
    (
        "Manajemen Perubahan",
        False,
        [
            (
                "Perencanaan Reformasi Birokrasi",
                [
                    ("Menetapkan Tim Reformasi Birokrasi", [1], ["Adanya SK Tim RB"]),
                    (
                        "Pembangunan komitmen bersama",
                        list(range(1, 13)),
                        ["Kegiatan kick off", "Pakta integritas ditandatangani"],
                    ),
                ],
            ),
            (
                "Monitoring, Evaluasi dan Pelaporan",
                [("Melakukan monitoring Rencana Aksi", [3, 6, 9], ["Dokumen monitoring"])],
            ),
        ],
    ),
    (
        "Penguatan Peraturan Perundang-undangan",
        True,
        [("Pengelolaan JDIH", [("Pembangunan JDIH Satuan Kerja", [2, 5, 12], ["JDIH diakses"])])],
    ),
]


@pytest.fixture
def plan(units):
    plan = build_plan(
        units["bengkayang"],
        2022,
        BENGKAYANG_TREE,
        status=ActionPlan.Status.DITETAPKAN,
        decree_number="12",
        decree_title="KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG NOMOR 12 TAHUN 2022",
        decree_subject="Penetapan Kegiatan Rencana Aksi Reformasi Birokrasi",
        decree_place="Bengkayang",
        decree_date=datetime.date(2022, 4, 11),
        signer_name="MUSA JAIRANI",
        signer_title="Ketua Komisi Pemilihan Umum Kabupaten Bengkayang",
        certifier_name="Eka Budiawan",
        certifier_title="Kepala Sub Bagian Hukum dan SDM",
        considerations=[{"label": "a", "text": "bahwa untuk melaksanakan Juknis RB", "line": 17}],
        legal_bases=[{"label": "1", "text": "Undang-Undang Nomor 7 Tahun 2017", "line": 21}],
        notes_considered=[{"label": "1", "text": "Surat Sekretaris Jenderal KPU", "line": 33}],
        dictums=[{"label": "KESATU", "text": "Menetapkan Kegiatan Rencana Aksi", "line": 41}],
        budget_reference="SP DIPA-076.01.2.658440/2022",
        source_name="keputusan-kpu-bengkayang-12-2022.txt",
        source_sha256=SHA,
    )
    ImportFinding.objects.create(
        plan=plan, line=120, kind="area_inferred", message="Baris area 2 disimpulkan."
    )
    ImportFinding.objects.create(
        plan=plan, line=7, kind="month_overflow", severity="info", message="Kolom bulan berlebih."
    )
    return plan


@pytest.fixture
def viewer(units):
    """Reads Bengkayang (a viewer role there), changes nothing."""
    user = User.objects.create_user("pembaca", password="rahasia-panjang-1")
    UnitRole.objects.create(user=user, unit=units["bengkayang"], role=UnitRole.Role.VIEWER)
    return user


@pytest.fixture
def national_viewer(units):
    """A viewer at KPU RI: reads every unit's plans."""
    user = User.objects.create_user("pembaca-ri", password="rahasia-panjang-3")
    UnitRole.objects.create(user=user, unit=units["ri"], role=UnitRole.Role.VIEWER)
    return user


def unit_admin(username, unit):
    user = User.objects.create_user(username, password="rahasia-panjang-2")
    UnitRole.objects.create(user=user, unit=unit, role=UnitRole.Role.ADMIN)
    return user


@pytest.fixture
def editor(units):
    """The administrator of Bengkayang: may change its plan."""
    return unit_admin("penyunting", units["bengkayang"])


# ---------------------------------------------------------------- HTML helpers


class LampiranParser(HTMLParser):
    """Collects the body rows of table.lampiran as lists of (tag, attrs, text) cells."""

    def __init__(self):
        super().__init__()
        self.in_table = self.in_body = False
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "lampiran" in (attrs.get("class") or "").split():
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = [tag, attrs, ""]
            self.rows[-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def lampiran_rows(html):
    parser = LampiranParser()
    parser.feed(html)
    return parser.rows


def classes(cell):
    return (cell[1].get("class") or "").split()


MONTH_LABELS = ["JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGT", "SEP", "OKT", "NOV", "DES"]


def month_marks(row):
    """The months (1–12) marked in a row: a due cell holds its month's abbreviation as text
    (the check mark's text equivalent; the stylesheet draws the √), an empty one has it in
    data-m for the phone layout."""
    cells = row[-12:]
    assert all("due" in classes(cell) or "data-m" in cell[1] for cell in cells)
    marked = [month for month, cell in enumerate(cells, start=1) if "due" in classes(cell)]
    assert [m for m, cell in enumerate(cells, start=1) if cell[2] == MONTH_LABELS[m - 1]] == marked
    assert [cell[1].get("data-m") for cell in cells if "due" not in classes(cell)] == [
        label for month, label in enumerate(MONTH_LABELS, start=1) if month not in marked
    ]
    return marked


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("name", ["plans:list", "plans:detail"])
def test_anonymous_is_sent_to_login(client, plan, name):
    url = reverse(name, args=[plan.pk] if name == "plans:detail" else [])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_cannot_confirm_a_finding(client, plan):
    finding = plan.findings.first()
    response = client.post(reverse("plans:confirm_finding", args=[plan.pk, finding.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    finding.refresh_from_db()
    assert finding.confirmed_at is None


def test_unknown_plan_is_404(client, viewer, plan):
    client.force_login(viewer)
    assert client.get(reverse("plans:detail", args=[plan.pk + 1000])).status_code == 404


def test_inactive_user_sees_no_plans(client, viewer, plan):
    client.force_login(viewer)
    User.objects.filter(pk=viewer.pk).update(is_active=False)
    response = client.get(reverse("plans:list"))
    # An inactive user's session is dropped by the auth backend: back to the login page.
    assert response.status_code == 302


# ---------------------------------------------------------------- login and layout


def test_login_page_renders_in_indonesian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Nama pengguna" in html
    assert "Kata sandi" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "/static/renaksi/app.css" in html


def test_login_with_wrong_password_shows_a_clear_error(client, viewer):
    response = client.post(reverse("login"), {"username": "pembaca", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_then_lands_on_the_plan_list(client, viewer):
    response = client.post(
        reverse("login"), {"username": "pembaca", "password": "rahasia-panjang-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:list")


def test_header_shows_user_and_a_post_logout_form(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(reverse("plans:list")).content.decode()
    assert "pembaca" in html
    assert f'method="post" action="{reverse("logout")}"' in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["renaksi/app.css", "renaksi/favicon.svg"])
def test_stylesheet_is_found_by_the_staticfiles_finders(path):
    from django.contrib.staticfiles import finders

    assert finders.find(path) is not None


@pytest.mark.parametrize("page", ["login", "plans:list", "plans:detail"])
def test_pages_obey_the_content_security_policy(client, editor, plan, page):
    if page != "login":
        client.force_login(editor)
    response = client.get(reverse(page, args=[plan.pk] if page == "plans:detail" else []))
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert_no_inline_code(html)
    assert "vendor/htmx/htmx.min.js" in html


# ---------------------------------------------------------------- plan list


def test_list_shows_the_plan_with_its_counts(client, viewer, plan):
    client.force_login(viewer)
    response = client.get(reverse("plans:list"))
    assert response.status_code == 200
    [row] = response.context["plans"]
    assert (row.area_count, row.activity_count, row.sub_activity_count, row.indicator_count) == (
        2,
        3,
        4,
        5,
    )
    html = response.content.decode()
    assert "KPU Kabupaten Bengkayang" in html
    assert "2022" in html
    assert "Ditetapkan" in html
    assert "Nomor 12" in html
    assert "11 April 2022" in html
    assert reverse("plans:detail", args=[plan.pk]) in html


def test_list_counts_do_not_leak_between_plans(client, national_viewer, plan, units):
    build_plan(units["kalbar"], 2023, [("Manajemen Perubahan", False, [("Satu", [])])])
    client.force_login(national_viewer)
    plans = {p.unit.code: p for p in client.get(reverse("plans:list")).context["plans"]}
    assert (plans["61"].area_count, plans["61"].activity_count) == (1, 1)
    assert (plans["61"].sub_activity_count, plans["61"].indicator_count) == (0, 0)
    assert plans["6107"].indicator_count == 5


def test_list_query_count_does_not_grow_with_plans(client, national_viewer, plan, units):
    client.force_login(national_viewer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("plans:list"))
    build_plan(units["kalbar"], 2022, BENGKAYANG_TREE)
    build_plan(units["ri"], 2022, BENGKAYANG_TREE)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("plans:list"))
    assert len(response.context["plans"]) == 3
    assert len(three) == len(one)


def test_list_is_empty_with_a_message(client, viewer):
    client.force_login(viewer)
    html = client.get(reverse("plans:list")).content.decode()
    assert "Belum ada rencana aksi" in html


# ---------------------------------------------------------------- plan detail


def test_detail_shows_the_decree_header(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    for text in [
        "KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG NOMOR 12 TAHUN 2022",
        "Penetapan Kegiatan Rencana Aksi Reformasi Birokrasi",
        "Keputusan Nomor 12 Tahun 2022",
        "KPU Kabupaten Bengkayang",
        "Bengkayang",
        '<time datetime="2022-04-11">11 April 2022</time>',
        "MUSA JAIRANI",
        "Ketua Komisi Pemilihan Umum Kabupaten Bengkayang",
        "Eka Budiawan",
        "Kepala Sub Bagian Hukum dan SDM",
        "Menimbang",
        "bahwa untuk melaksanakan Juknis RB",
        "Mengingat",
        "Undang-Undang Nomor 7 Tahun 2017",
        "Memperhatikan",
        "Surat Sekretaris Jenderal KPU",
        "KESATU",
        "Menetapkan Kegiatan Rencana Aksi",
        "baris 41",
        "SP DIPA-076.01.2.658440/2022",
        "keputusan-kpu-bengkayang-12-2022.txt",
        SHA,
    ]:
        assert text in html, text


def test_detail_renders_the_whole_tree_with_month_marks(client, viewer, plan):
    client.force_login(viewer)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    rows = lampiran_rows(html)
    subs = SubActivity.objects.filter(activity__area__plan=plan)
    assert len(rows) == subs.count() == 4

    for area in plan.areas.all():
        assert area.name in html
    for activity in Activity.objects.filter(area__plan=plan):
        assert activity.name in html
    for indicator in Indicator.objects.filter(sub_activity__activity__area__plan=plan):
        assert indicator.text in html

    for sub in subs:
        [row] = [r for r in rows if any(sub.name in cell[2] for cell in r)]
        assert month_marks(row) == sub.months, sub.name
    # Spot-check against the source data, not only against the model.
    by_name = {sub.name: sub for sub in subs}
    assert by_name["Menetapkan Tim Reformasi Birokrasi"].months == [1]
    assert by_name["Melakukan monitoring Rencana Aksi"].months == [3, 6, 9]


def test_detail_spans_area_and_activity_cells_like_the_lampiran(client, viewer, plan):
    client.force_login(viewer)
    rows = lampiran_rows(client.get(reverse("plans:detail", args=[plan.pk])).content.decode())
    first, second, third, fourth = rows
    # Area 1 spans its three sub-activities; its first activity spans two.
    assert [c[2].strip() for c in first[:1]] == ["1"]
    area_cell = next(c for c in first if "col-area" in classes(c))
    assert area_cell[1]["rowspan"] == "3"
    activity_cell = next(c for c in first if "col-activity" in classes(c))
    assert activity_cell[1]["rowspan"] == "2"
    assert not any("col-area" in classes(c) or "col-activity" in classes(c) for c in second)
    assert any("col-activity" in classes(c) for c in third)
    assert not any("col-area" in classes(c) for c in third)
    # Every row has 17 columns once the spans are counted: the table stays rectangular.
    assert all(len(r) == 17 for r in [first, fourth])
    assert len(second) == 17 - 3 and len(third) == 17 - 2


def test_detail_marks_inferred_areas(client, viewer, plan):
    client.force_login(viewer)
    rows = lampiran_rows(client.get(reverse("plans:detail", args=[plan.pk])).content.decode())
    area_cells = [c for r in rows for c in r if "col-area" in classes(c)]
    assert len(area_cells) == 2
    assert "disimpulkan" not in area_cells[0][2]
    assert "is-inferred" not in classes(area_cells[0])
    assert "disimpulkan" in area_cells[1][2]
    assert "is-inferred" in classes(area_cells[1])


def test_detail_keeps_empty_areas_and_activities_visible(client, national_viewer, units):
    plan = build_plan(
        units["kalbar"],
        2023,
        [("Area kosong", True, []), ("Area kedua", False, [("Kegiatan tanpa sub", [])])],
    )
    client.force_login(national_viewer)
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    rows = lampiran_rows(response.content.decode())
    assert len(rows) == 2
    assert all(len(row) == 17 for row in rows)
    assert "Area kosong" in rows[0][1][2]
    assert "Kegiatan tanpa sub" in rows[1][2][2]
    assert month_marks(rows[0]) == month_marks(rows[1]) == []


def test_detail_lists_the_findings_in_line_order(client, viewer, plan):
    client.force_login(viewer)
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    findings = response.context["findings"]
    assert [f.line for f in findings] == [7, 120]
    html = response.content.decode()
    assert "Temuan impor" in html
    assert "Baris area 2 disimpulkan." in html
    assert "Tanda bulan di luar kolom JAN–DES" in html  # the kind's label ...
    assert "month_overflow" not in html  # ... never its code
    assert "Perlu dicek" in html  # severity label, not the stored code
    assert html.index("Kolom bulan berlebih.") < html.index("Baris area 2 disimpulkan.")
    assert response.context["open_finding_count"] == 2


def test_confirm_button_only_for_users_who_may_change_the_plan(client, viewer, editor, plan):
    finding = plan.findings.first()
    action = reverse("plans:confirm_finding", args=[plan.pk, finding.pk])

    client.force_login(viewer)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert action not in html
    assert "Belum dikonfirmasi" in html

    client.force_login(editor)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'formaction="{action}"' in html
    assert 'form id="konfirmasi" method="post"' in html


def test_confirmed_finding_shows_who_and_when_in_the_units_time_zone(client, viewer, editor, plan):
    finding = plan.findings.get(line=120)
    finding.confirmed_by = editor
    # 03:30 UTC is 10.30 WIB in Pontianak.
    finding.confirmed_at = datetime.datetime(2022, 4, 12, 3, 30, tzinfo=datetime.UTC)
    finding.save()
    client.force_login(viewer)
    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Dikonfirmasi oleh penyunting" in html
    assert "12 April 2022 10.30" in html
    assert "WIB" in html


def test_detail_query_count_is_constant(
    client, national_viewer, plan, units, django_assert_max_num_queries
):
    client.force_login(national_viewer)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("plans:detail", args=[plan.pk]))
    with CaptureQueriesContext(connection) as small_cached:  # decree and Lampiran cached
        client.get(reverse("plans:detail", args=[plan.pk]))

    big_tree = [
        (
            f"Area {a}",
            a % 2 == 0,
            [
                (
                    f"Kegiatan {a}.{k}",
                    [
                        (f"Sub {a}.{k}.{s}", [s, 12], [f"Ind {a}.{k}.{s}.{i}" for i in range(3)])
                        for s in range(1, 5)
                    ],
                )
                for k in range(1, 5)
            ],
        )
        for a in range(1, 9)
    ]
    big = build_plan(units["kalbar"], 2022, big_tree)
    for line in range(30):
        ImportFinding.objects.create(plan=big, line=line, kind="k", message="m")

    # session, user, plan (with unit), areas (with change area), activities, sub-activities,
    # indicators, findings (with confirmer), and the user's and groups' permissions.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("plans:detail", args=[big.pk]))
    assert len(response.context["rows"]) == 8 * 4 * 4
    with CaptureQueriesContext(connection) as large_cached:
        client.get(reverse("plans:detail", args=[big.pk]))
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("plans:detail", args=[big.pk]))
    assert len(large) == len(small)
    assert len(large_cached) == len(small_cached) < len(small)


# ---------------------------------------------------------------- confirming a finding


def test_confirm_finding_needs_permission(client, viewer, plan):
    finding = plan.findings.first()
    client.force_login(viewer)
    response = client.post(reverse("plans:confirm_finding", args=[plan.pk, finding.pk]))
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.confirmed_by is None
    assert finding.confirmed_at is None


def test_confirm_finding_records_who_and_when(client, editor, plan):
    finding = plan.findings.get(line=120)
    client.force_login(editor)
    response = client.post(reverse("plans:confirm_finding", args=[plan.pk, finding.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk]) + f"#temuan-{finding.pk}"
    finding.refresh_from_db()
    assert finding.confirmed_by == editor
    assert finding.confirmed_at is not None
    # Only that finding: the other stays open.
    assert plan.findings.get(line=7).confirmed_at is None

    html = client.get(response["Location"]).content.decode()
    assert "Temuan baris 120 dikonfirmasi." in html
    assert "Dikonfirmasi oleh penyunting" in html


def test_confirm_finding_by_get_changes_nothing_and_goes_to_the_finding(client, editor, plan):
    finding = plan.findings.first()
    client.force_login(editor)
    response = client.get(reverse("plans:confirm_finding", args=[plan.pk, finding.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#temuan-{finding.pk}")
    finding.refresh_from_db()
    assert finding.confirmed_at is None


def test_confirm_finding_of_another_plan_is_404(client, editor, plan, units):
    other = build_plan(units["kalbar"], 2022, [])
    foreign = ImportFinding.objects.create(plan=other, line=1, kind="k", message="m")
    client.force_login(editor)
    response = client.post(reverse("plans:confirm_finding", args=[plan.pk, foreign.pk]))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.confirmed_at is None


def test_confirming_twice_keeps_the_first_confirmation(client, editor, plan):
    finding = plan.findings.first()
    other_editor = unit_admin("penyunting2", plan.unit)
    confirm_finding(editor, finding)
    first_time = ImportFinding.objects.get(pk=finding.pk).confirmed_at

    client.force_login(other_editor)
    response = client.post(
        reverse("plans:confirm_finding", args=[plan.pk, finding.pk]), follow=True
    )
    assert response.status_code == 200
    assert "sudah dikonfirmasi" in response.content.decode()
    finding.refresh_from_db()
    assert finding.confirmed_by == editor
    assert finding.confirmed_at == first_time


def test_confirm_finding_service_checks_permission_itself(viewer, plan):
    finding = plan.findings.first()
    with pytest.raises(PermissionDenied):
        confirm_finding(viewer, finding)
    finding.refresh_from_db()
    assert finding.confirmed_at is None


def test_confirm_finding_service_refuses_a_second_confirmation(editor, plan):
    finding = plan.findings.first()
    confirm_finding(editor, finding)
    with pytest.raises(FindingAlreadyConfirmed):
        confirm_finding(editor, ImportFinding.objects.get(pk=finding.pk))


# ---------------------------------------------------------------- admin


@pytest.mark.parametrize(
    "model",
    [Unit, ChangeArea, ActionPlan, PlanArea, Activity, SubActivity, Indicator, ImportFinding],
)
def test_admin_changelist_loads(admin_client, plan, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0
    # Search and filters run real queries through the configured lookups.
    assert admin_client.get(url, {"q": "Bengkayang"}).status_code == 200


def test_admin_shows_sub_activity_months_readably(admin_client, plan):
    html = admin_client.get(reverse("admin:plans_subactivity_changelist")).content.decode()
    assert "Setiap bulan" in html
    assert "MAR JUN SEP" in html


def test_admin_plan_change_page_has_the_area_inline(admin_client, plan):
    response = admin_client.get(reverse("admin:plans_actionplan_change", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Manajemen Perubahan" in html
    assert "areas-TOTAL_FORMS" in html


def test_admin_action_confirms_findings(admin_client, plan):
    ids = list(plan.findings.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:plans_importfinding_changelist"),
        {"action": "confirm_selected", "_selected_action": ids},
        follow=True,
    )
    assert response.status_code == 200
    assert not plan.findings.filter(confirmed_at__isnull=True).exists()


def test_findings_link_to_their_lampiran_row_and_back(client, viewer, plan):
    sub = SubActivity.objects.get(name="Melakukan monitoring Rencana Aksi")
    SubActivity.objects.filter(pk=sub.pk).update(source_line=120)
    finding = plan.findings.get(line=120)
    client.force_login(viewer)
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    html = response.content.decode()

    [row] = [r for r in response.context["rows"] if r.sub_activity == sub]
    assert row.findings == [finding]
    assert f'<tr id="{row.anchor}"' in html
    assert f'<a href="#{row.anchor}"' in html  # the finding's line links to the row
    assert f'href="#temuan-{finding.pk}"' in html  # and the row flags the finding
    assert "1 temuan perlu ditinjau" in html
    # The finding at line 7 matches no row: plain text, no link.
    assert [f.row_anchor for f in response.context["findings"]] == ["", row.anchor]


def test_confirmed_findings_no_longer_flag_their_row(client, editor, plan):
    sub = SubActivity.objects.get(name="Melakukan monitoring Rencana Aksi")
    SubActivity.objects.filter(pk=sub.pk).update(source_line=120)
    confirm_finding(editor, plan.findings.get(line=120))
    client.force_login(editor)
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert "temuan perlu ditinjau" not in response.content.decode()
    assert response.context["open_finding_count"] == 1
