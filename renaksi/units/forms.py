from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from renaksi.access.models import UnitRole
from renaksi.core.validators import TextFieldsMixin

from .models import Unit


class UnitSearchForm(TextFieldsMixin, forms.Form):
    q = forms.CharField(label=_("Cari nama atau kode"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Tingkat"),
        required=False,
        choices=[("", _("Semua tingkat")), *Unit.Level.choices],
    )


ROLE_HELP = _(
    "Hanya peran yang tidak melebihi hak Anda sendiri: peran pembaca dan peninjau di KPU "
    "Provinsi atau KPU RI menjangkau satker di bawahnya, dan diberikan oleh yang sudah "
    "menjangkaunya atau oleh administrator sistem."
)


class RoleChoiceMixin:
    """``roles``: the role values the actor may grant in ``unit`` (grantable_roles)."""

    def limit_roles(self, roles: list[str] | None, unit: Unit | None) -> None:
        if roles is None:
            return
        field = self.fields["role"]
        field.choices = [(value, label) for value, label in UnitRole.Role.choices if value in roles]
        if unit is not None and unit.level == Unit.Level.KABUPATEN_KOTA:
            reason = _(
                "Peran itu tidak dapat Anda berikan di satker ini: peran peninjau hanya untuk "
                "KPU RI dan KPU Provinsi, dan tidak ada peran yang boleh melebihi hak Anda sendiri."
            )
        else:
            reason = _(
                "Peran itu tidak dapat Anda berikan di satker ini: tidak ada peran yang boleh "
                "melebihi hak Anda sendiri."
            )
        field.error_messages = {**field.error_messages, "invalid_choice": reason}
        if field.initial not in roles:
            field.initial = None


class InviteForm(TextFieldsMixin, RoleChoiceMixin, forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    username = forms.RegexField(
        label=_("Nama pengguna"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={
            "invalid": _("Nama pengguna hanya boleh berisi huruf, angka dan tanda . @ + - _")
        },
    )
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(
        label=_("Peran"),
        choices=UnitRole.Role.choices,
        initial=UnitRole.Role.VIEWER,
        help_text=ROLE_HELP,
    )

    def __init__(self, *args, roles: list[str] | None = None, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_roles(roles, unit)


class GrantRoleForm(TextFieldsMixin, RoleChoiceMixin, forms.Form):
    login = forms.CharField(
        label=_("Nama pengguna atau email"),
        max_length=254,
        help_text=_("Akun yang sudah ada di Renaksi."),
    )
    role = forms.ChoiceField(
        label=_("Peran"),
        choices=UnitRole.Role.choices,
        initial=UnitRole.Role.VIEWER,
        help_text=ROLE_HELP,
    )

    def __init__(self, *args, roles: list[str] | None = None, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_roles(roles, unit)

    def clean_login(self) -> User:
        value = self.cleaned_data["login"].strip()
        field = "email__iexact" if "@" in value else "username__iexact"
        users = list(User.objects.filter(**{field: value, "is_active": True})[:2])
        if len(users) != 1:
            raise forms.ValidationError(
                _("Tidak ada satu akun aktif dengan nama pengguna atau email '%(value)s'.")
                % {"value": value}
            )
        return users[0]
