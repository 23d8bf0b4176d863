"""Text fields refuse control characters; exporters survive the ones already stored (issue 6).

One ``\\x07`` in a member's name used to make the Tim RB XLSX export a 500 for every reader.
"""

import io

import openpyxl
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from renaksi.accounts.admin import UserAddForm, UserEditForm
from renaksi.accounts.forms import LoginForm
from renaksi.core.validators import TextValidator, printable_text, validate_single_line
from renaksi.core.validators import validate_text as validate_multiline
from renaksi.teams.forms import CreateTeamForm, DecreeForm, MemberForm
from renaksi.teams.models import Position, TeamMember
from renaksi.units.admin import UnitAdminForm
from renaksi.units.forms import GrantRoleForm, InviteForm, UnitSearchForm
from renaksi.units.models import Unit

from .permission_world import build_world

BAD = ["Budi\x07", "\x1b[31mmerah", "a\x00b", "nama\x7f", "c1\x85", "\u202eabc", "x\u2066y"]


@pytest.mark.parametrize("text", BAD)
def test_control_characters_are_refused_with_a_clear_message(text):
    for validator in (validate_single_line, validate_multiline):
        with pytest.raises(ValidationError) as error:
            validator(text)
        message = error.value.messages[0]
        assert "karakter kendali" in message
        assert f"U+{ord(next(c for c in text if not c.isalnum() and c not in '[ ')):04X}" in (
            message
        )


def test_the_message_says_where_the_character_is():
    with pytest.raises(ValidationError) as error:
        validate_single_line("Sri Wahyuni\x07, S.H.")
    assert "U+0007, huruf ke-12" in error.value.messages[0]


@pytest.mark.parametrize(
    "text", ["Dra. Sri Wahyuni, M.Si.", "Kepala Subbagian Keuangan, Umum & Logistik", "José Ñ 李"]
)
def test_ordinary_text_passes(text):
    validate_single_line(text)
    validate_multiline(text)


def test_line_breaks_only_in_multiline_fields():
    validate_multiline("baris satu\nbaris dua\r\n\tterakhir")
    for text in ("baris satu\nbaris dua", "a\tb"):
        with pytest.raises(ValidationError, match="satu baris"):
            validate_single_line(text)


def test_printable_text_keeps_line_breaks_and_drops_control_characters():
    assert printable_text("Budi\x07 Santoso\n\x1bNIP\t1") == "Budi Santoso\nNIP\t1"


# Every user-facing text form of units, teams and accounts, with what it needs to build.
FORMS = [
    (UnitSearchForm, {}),
    (InviteForm, {}),
    (GrantRoleForm, {}),
    (CreateTeamForm, {"units": Unit.objects.none()}),
    (DecreeForm, {}),
    (MemberForm, {"people": None}),
    (LoginForm, {}),
    (UserAddForm, {}),
    (UserEditForm, {}),
    (UnitAdminForm, {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "kwargs"), FORMS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_text_field_of_the_forms_refuses_control_characters(form_class, kwargs):
    if "people" in kwargs:
        from django.contrib.auth.models import User

        kwargs = {"people": User.objects.none()}
    form = form_class(**kwargs)
    text_fields = [
        (name, field)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    ]
    assert text_fields or form_class is CreateTeamForm
    for name, field in text_fields:
        assert any(isinstance(v, TextValidator) for v in field.validators), name
        multiline = isinstance(field.widget, forms.Textarea)
        assert (validate_multiline if multiline else validate_single_line) in field.validators


@pytest.mark.django_db
class TestPages:
    @pytest.fixture
    def world(self):
        return build_world()

    def test_member_form_refuses_a_bell_in_the_name(self, client, world):
        client.force_login(world.users["unit_admin"])
        team = world.teams["6107"]
        response = client.post(
            reverse("teams:member_add", args=[team.pk]),
            {
                "user": "",
                "name": "Budi\x07 Santoso",
                "employee_number": "",
                "office_title": "Staf",
                "position": Position.AGEN_PERUBAHAN,
                "change_area": "",
            },
        )
        assert response.status_code == 200
        assert "karakter kendali" in response.context["form"].errors["name"][0]
        assert not TeamMember.objects.filter(name__startswith="Budi").exists()

    def test_decree_title_keeps_line_breaks_but_not_escapes(self, client, world):
        client.force_login(world.users["unit_admin"])
        url = reverse("teams:edit", args=[world.teams["6107"].pk])
        good = {"decree_number": "1", "decree_date": "", "decree_title": "Tim RB\nTahun 2022"}
        assert client.post(url, good).status_code == 302
        bad = {**good, "decree_title": "Tim RB\x1b[2J"}
        response = client.post(url, bad)
        assert response.status_code == 200
        assert "karakter kendali" in response.context["form"].errors["decree_title"][0]

    def test_invitation_refuses_a_control_character_in_the_name(self, client, world):
        client.force_login(world.users["unit_admin"])
        response = client.post(
            reverse("units:invite", args=[world.units["6107"].pk]),
            {
                "full_name": "Rina\x08\x08\x08Admin",
                "username": "rina",
                "email": "rina@example.test",
                "role": "viewer",
            },
        )
        assert response.status_code == 200
        assert "karakter kendali" in response.context["form"].errors["full_name"][0]

    def test_sign_in_with_a_control_character_is_a_form_error(self, client, world):
        response = client.post(reverse("login"), {"username": "agent\x07", "password": "x"})
        assert response.status_code == 200
        assert "karakter kendali" in response.content.decode()

    def test_xlsx_export_survives_control_characters_already_stored(self, client, world):
        team = world.teams["6107"]
        team.decree_title = "Tim\x07 Reformasi"
        team.save()
        TeamMember.objects.create(
            team=team,
            name="Budi\x07 Santoso",
            office_title="\x0bKepala\x1b Subbagian",
            employee_number="1980\x01",  # PostgreSQL stores no NUL
            position=Position.AGEN_PERUBAHAN,
        )
        client.force_login(world.users["national_viewer"])
        response = client.get(reverse("teams:export_xlsx", args=[team.pk]))
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        values = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell]
        assert "Budi Santoso" in values
        assert "Kepala Subbagian" in values
        assert "1980" in values
        assert not any(printable_text(str(value)) != str(value) for value in values)
        # the page and the print view show the member too
        assert client.get(reverse("teams:print", args=[team.pk])).status_code == 200
