"""Tim RB pages: the team as its SK appendix, its members, print and XLSX (renaksi/teams)."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from renaksi.plans.models import ChangeArea
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.teams.services import MemberData, add_member, create_team

from .permission_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["unit_admin"])
    return client


def area(number: int) -> ChangeArea:
    return ChangeArea.objects.get(number=number)


def add(team, name, position, area_number=None, **fields) -> TeamMember:
    return TeamMember.objects.create(
        team=team,
        name=name,
        position=position,
        change_area=area(area_number) if area_number else None,
        **fields,
    )


def fill_team(team) -> None:
    """Members entered out of SK order, to see the pages put them in order."""
    add(team, "Asesor Anggota Satu", Position.ASESOR_ANGGOTA)
    add(team, "Anggota Area Satu", Position.PELAKSANA_ANGGOTA, 1)
    add(team, "Anggota Pengarah", Position.PENGARAH_ANGGOTA)
    add(team, "Koordinator Area Satu", Position.PELAKSANA_KOORDINATOR, 1)
    add(team, "Sekretaris Pengarah", Position.PENGARAH_SEKRETARIS)
    add(team, "Agen Kedua", Position.AGEN_PERUBAHAN)
    add(
        team,
        "Anggota Area Lima",
        Position.PELAKSANA_ANGGOTA,
        5,
        employee_number="198001012005011001",
        office_title="Kepala Subbagian Keuangan, Umum dan Logistik",
    )


# The order of the SK appendix, with the world's members (steering, implementer5, agent,
# assessor) and fill_team's.
SK_ORDER = [
    "steering",
    "Sekretaris Pengarah",
    "Anggota Pengarah",
    "Koordinator Area Satu",
    "Anggota Area Satu",
    "implementer5",
    "Anggota Area Lima",
    "agent",
    "Agen Kedua",
    "assessor",
    "Asesor Anggota Satu",
]


def positions_in(html: str, names: list[str], before: str) -> list[int]:
    return [html.index(f"{before}{name}<") for name in names]


def member_form(**overrides) -> dict:
    return {
        "user": "",
        "name": "Yohanes Bosco",
        "employee_number": "",
        "office_title": "Staf Teknis",
        "position": Position.AGEN_PERUBAHAN,
        "change_area": "",
    } | overrides


# -- the team page -------------------------------------------------------------------------


def test_detail_lists_members_in_sk_order_with_account_or_none(client, world):
    team = world.teams["6107"]
    fill_team(team)
    client.force_login(world.users["steering"])
    response = client.get(reverse("teams:detail", args=[team.pk]))
    html = response.content.decode()
    positions = positions_in(html, SK_ORDER, 'class="team-members__name">')
    assert positions == sorted(positions)
    # Parts and areas in SK order; every area 1–8 is listed, empty ones too.
    sections = html[html.index('id="sk"') :]
    headings = [
        sections.index(text)
        for text in [
            "Tim Pengarah",
            "Tim Pelaksana",
            "Area 1. ",
            "Area 5. ",
            "Area 8. ",
            "Tim Agen Perubahan",
            "Tim Asesor",
        ]
    ]
    assert headings == sorted(headings)
    assert "<code>implementer5</code>" in html
    assert "tanpa akun" in html
    assert "198001012005011001" in html
    # A reader sees no management controls.
    assert reverse("teams:member_add", args=[team.pk]) not in html
    assert reverse("teams:edit", args=[team.pk]) not in html


def test_admin_sees_management_controls(admin_client, world):
    team = world.teams["6107"]
    html = admin_client.get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert reverse("teams:edit", args=[team.pk]) in html
    assert reverse("teams:member_add", args=[team.pk]) in html
    member = TeamMember.objects.get(team=team, name="agent")
    assert reverse("teams:member_edit", args=[team.pk, member.pk]) in html
    assert reverse("teams:member_remove", args=[team.pk, member.pk]) in html


# -- creating a team and recording its SK ----------------------------------------------------


def test_unit_admin_creates_a_team_once_per_year(admin_client, world):
    unit = world.units["6107"]
    html = admin_client.get(reverse("teams:list")).content.decode()
    assert "Buat Tim RB" in html
    response = admin_client.post(reverse("teams:list"), {"unit": unit.pk, "year": 2023})
    team = ReformTeam.objects.get(unit=unit, year=2023)
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:detail", args=[team.pk])

    response = admin_client.post(reverse("teams:list"), {"unit": unit.pk, "year": 2022})
    assert response.status_code == 200
    assert "KPU Kabupaten Bengkayang sudah memiliki Tim RB tahun 2022." in response.content.decode()
    assert ReformTeam.objects.filter(unit=unit).count() == 2


def test_only_units_one_manages_are_offered_for_a_new_team(client, world):
    client.force_login(world.users["steering"])
    html = client.get(reverse("teams:list")).content.decode()
    assert "Buat Tim RB" not in html
    response = client.post(reverse("teams:list"), {"unit": world.units["6107"].pk, "year": 2023})
    assert response.status_code == 200
    assert "Pilih satuan kerja yang Anda kelola." in response.content.decode()
    assert not ReformTeam.objects.filter(year=2023).exists()
    with pytest.raises(PermissionDenied):
        create_team(world.users["steering"], world.units["6107"], 2023)


def test_unit_admin_records_the_sk(admin_client, world):
    team = world.teams["6107"]
    response = admin_client.post(
        reverse("teams:edit", args=[team.pk]),
        {
            "decree_number": " 45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022 ",
            "decree_date": "2022-04-11",
            "decree_title": "Pembentukan Tim Reformasi Birokrasi",
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.decree_number == "45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022"
    assert team.decree_date == datetime.date(2022, 4, 11)
    html = admin_client.get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert "11 April 2022" in html
    list_html = admin_client.get(reverse("teams:list")).content.decode()
    assert "Nomor 45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022" in list_html

    response = admin_client.post(
        reverse("teams:edit", args=[team.pk]), {"decree_number": "1", "decree_date": "11 April"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["decree_date"] == ["Isi tanggal seperti 11-04-2022."]
    team.refresh_from_db()
    assert team.decree_number == "45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022"


# -- members -------------------------------------------------------------------------------


def test_unit_admin_adds_edits_and_removes_a_member(admin_client, world):
    team = world.teams["6107"]
    url = reverse("teams:member_add", args=[team.pk])
    agent = world.users["agent"]
    response = admin_client.post(
        url,
        member_form(
            user=str(agent.pk),
            name="",
            employee_number="19800101 200501 1 001",
            position=Position.PELAKSANA_ANGGOTA,
            change_area=str(area(1).pk),
        ),
    )
    assert response.status_code == 302
    member = TeamMember.objects.get(team=team, user=agent, position=Position.PELAKSANA_ANGGOTA)
    assert member.name == "agent"  # the account's name when none is given
    assert member.employee_number == "198001012005011001"
    assert member.change_area.number == 1

    edit = reverse("teams:member_edit", args=[team.pk, member.pk])
    form = admin_client.get(edit).context["form"]
    assert form.initial["position"] == Position.PELAKSANA_ANGGOTA
    response = admin_client.post(
        edit,
        member_form(
            user=str(agent.pk),
            name="Agustinus Agen, S.Kom.",
            position=Position.PELAKSANA_KOORDINATOR,
            change_area=str(area(1).pk),
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Agustinus Agen, S.Kom."
    assert member.position == Position.PELAKSANA_KOORDINATOR

    remove = reverse("teams:member_remove", args=[team.pk, member.pk])
    assert admin_client.get(remove).status_code == 200  # the confirmation page
    response = admin_client.post(remove)  # the team page's button: asks first
    assert response.status_code == 200
    assert "Hapus anggota dari tim?" in response.content.decode()
    assert TeamMember.objects.filter(pk=member.pk).exists()
    response = admin_client.post(remove, {"konfirmasi": "ya"})
    assert response.status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=agent.pk).exists()


def test_add_form_prefills_position_and_area_of_a_section(admin_client, world):
    team = world.teams["6107"]
    response = admin_client.get(
        reverse("teams:member_add", args=[team.pk]),
        {"kedudukan": "pelaksana_anggota", "area": area(5).pk},
    )
    html = response.content.decode()
    assert '<option value="pelaksana_anggota" selected>' in html
    assert f'<option value="{area(5).pk}" selected>' in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"position": Position.PELAKSANA_ANGGOTA},
            "change_area",
            "Pilih area perubahan: anggota Tim Pelaksana bertugas di satu area.",
        ),
        (
            {"position": Position.PENGARAH_KETUA, "change_area": "AREA1"},
            "change_area",
            "Kosongkan area perubahan: area hanya diisi untuk Koordinator dan Anggota "
            "Tim Pelaksana, bukan untuk Ketua Tim Pengarah.",
        ),
        ({"name": ""}, "name", "Isi nama anggota, atau pilih akunnya."),
        ({"employee_number": "NIP 1980"}, "employee_number", "NIP hanya berisi angka."),
        ({"user": "OUTSIDER"}, "user", "Pilih akun pengguna satker ini."),
    ],
)
def test_member_form_errors_are_indonesian_and_save_nothing(
    admin_client, world, fields, field, message
):
    team = world.teams["6107"]
    if fields.get("change_area") == "AREA1":
        fields["change_area"] = str(area(1).pk)
    if fields.get("user") == "OUTSIDER":  # Tim Pelaksana of Sambas: not a Bengkayang user
        fields["user"] = str(world.users["other_regency"].pk)
    before = TeamMember.objects.count()
    response = admin_client.post(reverse("teams:member_add", args=[team.pk]), member_form(**fields))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert TeamMember.objects.count() == before


def test_duplicates_get_a_message_not_an_error_page(admin_client, world):
    team = world.teams["6107"]
    url = reverse("teams:member_add", args=[team.pk])
    before = TeamMember.objects.count()
    # The same account in the same place.
    response = admin_client.post(
        url,
        member_form(
            user=str(world.users["implementer5"].pk),
            name="Nama Lain",
            position=Position.PELAKSANA_KOORDINATOR,
            change_area=str(area(5).pk),
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Nama Lain sudah tercatat sebagai Koordinator Tim Pelaksana Area 5 di tim ini "
        "(akun, NIP atau nama yang sama)."
    ]
    # The same name without an account, written differently.
    add(team, "Dra. Maria Goreti", Position.AGEN_PERUBAHAN)
    response = admin_client.post(url, member_form(name="  dra.  maria goreti "))
    assert response.status_code == 200
    assert "sudah tercatat sebagai Agen Perubahan" in response.content.decode()
    # Moving a member into a place another entry for the same person holds.
    other = add(team, "steering", Position.PENGARAH_ANGGOTA)
    response = admin_client.post(
        reverse("teams:member_edit", args=[team.pk, other.pk]),
        member_form(user=str(world.users["steering"].pk), position=Position.PENGARAH_KETUA),
    )
    assert response.status_code == 200
    assert "sudah tercatat sebagai Ketua Tim Pengarah" in response.content.decode()
    other.refresh_from_db()
    assert other.position == Position.PENGARAH_ANGGOTA
    assert TeamMember.objects.count() == before + 2


def test_member_services_check_the_permission(world):
    data = MemberData(name="Siapa Saja", position=Position.AGEN_PERUBAHAN)
    with pytest.raises(PermissionDenied):
        add_member(world.users["steering"], world.teams["6107"], data)
    with pytest.raises(PermissionDenied):
        add_member(world.users["unit_admin"], world.teams["6101"], data)


def test_a_member_of_another_team_cannot_be_edited_through_this_team(admin_client, world):
    stranger = add(world.teams["6101"], "Orang Sambas", Position.AGEN_PERUBAHAN)
    response = admin_client.get(
        reverse("teams:member_edit", args=[world.teams["6107"].pk, stranger.pk])
    )
    assert response.status_code == 404


# -- print and XLSX --------------------------------------------------------------------------


def set_decree(team) -> None:
    team.decree_number = "45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022"
    team.decree_date = datetime.date(2022, 4, 11)
    team.save()


def test_print_page_is_the_sk_appendix(client, world):
    team = world.teams["6107"]
    set_decree(team)
    fill_team(team)
    client.force_login(world.users["province_reviewer"])
    response = client.get(reverse("teams:print", args=[team.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    caption = [
        "LAMPIRAN",
        "KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG",
        "NOMOR 45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022",
        "TANGGAL 11 APRIL 2022",
        "TENTANG",
        "TIM REFORMASI BIROKRASI KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG TAHUN 2022",
        "SUSUNAN TIM REFORMASI BIROKRASI",
        "A. TIM PENGARAH",
        "B. TIM PELAKSANA",
        "C. TIM AGEN PERUBAHAN",
        "D. TIM ASESOR",
    ]
    places = [html.index(text) for text in caption]
    assert places == sorted(places)
    positions = positions_in(html, SK_ORDER, "<td>")
    assert positions == sorted(positions)
    assert "Area 8." not in html  # empty areas are not printed


def xlsx_rows(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return book, [list(row) for row in book.active.iter_rows(values_only=True)]


def test_xlsx_export_is_the_appendix(client, world):
    team = world.teams["6107"]
    set_decree(team)
    fill_team(team)
    formula = '=HYPERLINK("http://contoh.test")'
    add(team, formula, Position.AGEN_PERUBAHAN)
    client.force_login(world.users["national_viewer"])
    response = client.get(reverse("teams:export_xlsx", args=[team.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="tim-rb-6107-2022.xlsx"'

    book, rows = xlsx_rows(response)
    sheet = book.active
    header = ["NO", "NAMA", "NIP", "JABATAN", "KEDUDUKAN DALAM TIM"]
    header_index = rows.index(header)
    caption = [row[3] for row in rows[:header_index] if row[3]]
    assert caption[:3] == [
        "LAMPIRAN",
        "KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BENGKAYANG",
        "NOMOR 45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022",
    ]
    body = rows[header_index + 1 :]
    sections = [row[0] for row in body if row[1] is None]
    assert sections == [
        "A. TIM PENGARAH",
        "B. TIM PELAKSANA",
        f"Area 1. {area(1).name}",
        f"Area 5. {area(5).name}",
        "C. TIM AGEN PERUBAHAN",
        "D. TIM ASESOR",
    ]
    names = [row[1] for row in body if row[1] is not None]
    assert names[: len(SK_ORDER) - 2] == SK_ORDER[:-2]
    assert set(SK_ORDER) <= set(names)
    # Numbered per section; the NIP stays text; the position as the section names it.
    coordinator = next(row for row in body if row[1] == "Koordinator Area Satu")
    assert coordinator[0] == "1" and coordinator[4] == "Koordinator"
    area_five = next(row for row in body if row[1] == "Anggota Area Lima")
    assert area_five[2] == "198001012005011001"
    # A name that looks like a formula is written as text.
    formula_cell = next(cell for row in sheet.iter_rows() for cell in row if cell.value == formula)
    assert formula_cell.data_type == "s"
    # Printing: landscape A4, the header row on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.print_title_rows == f"${header_index + 1}:${header_index + 1}"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_xlsx_of_an_empty_team(client, world):
    client.force_login(world.users["superuser"])
    response = client.get(reverse("teams:export_xlsx", args=[world.teams["62"].pk]))
    assert response["Content-Disposition"] == 'attachment; filename="tim-rb-62-2022.xlsx"'
    _, rows = xlsx_rows(response)
    assert rows[-1][0] == "Belum ada anggota."


# -- query budgets ---------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_teams(admin_client, world):
    url = reverse("teams:list")
    few = count_queries(admin_client, url)
    for year in range(2010, 2022):
        team = ReformTeam.objects.create(unit=world.units["6107"], year=year)
        fill_team(team)
    many = count_queries(admin_client, url)
    assert many == few
    # Session, user, two for the grants, the units for the form, count and page.
    assert few <= 7


def test_detail_query_count_does_not_grow_with_members(admin_client, world):
    team = world.teams["6107"]
    url = reverse("teams:detail", args=[team.pk])
    few = count_queries(admin_client, url)
    fill_team(team)
    for number in range(1, 9):
        for index in range(3):
            add(team, f"Pelaksana {number}.{index}", Position.PELAKSANA_ANGGOTA, number)
    many = count_queries(admin_client, url)
    assert many == few
    # Session, user, two for the grants, the team, its members, the change areas.
    assert few <= 7


def test_a_chair_and_an_area_coordinator_are_one_person_each(admin_client, world):
    team = world.teams["6107"]
    url = reverse("teams:member_add", args=[team.pk])
    before = TeamMember.objects.count()
    response = admin_client.post(
        url, member_form(name="Ketua Kedua", position=Position.PENGARAH_KETUA)
    )
    assert response.status_code == 200
    assert "Ketua Tim Pengarah sudah dipegang oleh steering" in response.content.decode()
    response = admin_client.post(
        url,
        member_form(
            name="Koordinator Kedua",
            position=Position.PELAKSANA_KOORDINATOR,
            change_area=str(area(5).pk),
        ),
    )
    assert "Koordinator Tim Pelaksana Area 5 sudah dipegang oleh implementer5" in (
        response.content.decode()
    )
    assert TeamMember.objects.count() == before
    # Another area's coordinator is fine, and so is a second ordinary member.
    admin_client.post(
        url,
        member_form(
            name="Koordinator Area Dua",
            position=Position.PELAKSANA_KOORDINATOR,
            change_area=str(area(2).pk),
        ),
    )
    admin_client.post(url, member_form(name="Anggota Pengarah", position=Position.PENGARAH_ANGGOTA))
    assert TeamMember.objects.count() == before + 2
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(team=team, name="x", position=Position.PENGARAH_KETUA)
