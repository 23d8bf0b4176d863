from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from renaksi.access.models import UnitRole

from .models import Unit


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari nama atau kode"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Tingkat"),
        required=False,
        choices=[("", _("Semua tingkat")), *Unit.Level.choices],
    )


class InviteForm(forms.Form):
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
        label=_("Peran"), choices=UnitRole.Role.choices, initial=UnitRole.Role.VIEWER
    )


class GrantRoleForm(forms.Form):
    login = forms.CharField(
        label=_("Nama pengguna atau email"),
        max_length=254,
        help_text=_("Akun yang sudah ada di Renaksi."),
    )
    role = forms.ChoiceField(
        label=_("Peran"), choices=UnitRole.Role.choices, initial=UnitRole.Role.VIEWER
    )

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
