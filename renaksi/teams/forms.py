"""Forms of the Tim RB pages. They parse and check input; the services write."""

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.core.validators import TextFieldsMixin
from renaksi.plans.models import ChangeArea

from .models import POSITION_PART, Part, Position
from .services import YEAR_MAX, YEAR_MIN, MemberData, area_rule_error

YEAR_ERRORS = {
    "required": _("Isi tahun."),
    "invalid": _("Tahun harus berupa angka, misalnya 2022."),
    "min_value": _("Tahun paling awal %(limit_value)s."),
    "max_value": _("Tahun paling akhir %(limit_value)s."),
}


def freeze_choices(field: forms.ModelChoiceField) -> None:
    """Read a select's options once: rendering a select otherwise reads them twice (once to
    decide on its ``required`` attribute)."""
    field.choices = list(iter(field.choices))  # iter(): no COUNT query for the length


class CreateTeamForm(TextFieldsMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Satuan kerja"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Pilih satuan kerja."),
            "invalid_choice": _("Pilih satuan kerja yang Anda kelola."),
        },
    )
    year = forms.IntegerField(
        label=_("Tahun"), min_value=YEAR_MIN, max_value=YEAR_MAX, error_messages=YEAR_ERRORS
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        freeze_choices(self.fields["unit"])
        self.fields["year"].initial = timezone.localdate().year


class DecreeForm(TextFieldsMixin, forms.Form):
    decree_number = forms.CharField(
        label=_("Nomor SK"),
        max_length=150,
        required=False,
        help_text=_("Seperti tertulis di SK, misalnya 45/HK.03.1-Kpt/6107/KPU-Kab/IV/2022."),
    )
    decree_date = forms.DateField(
        label=_("Tanggal SK"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={"invalid": _("Isi tanggal seperti 11-04-2022.")},
    )
    decree_title = forms.CharField(
        label=_("Judul SK (tentang)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Yang tertulis setelah kata TENTANG. Kosongkan untuk memakai "
            "'Tim Reformasi Birokrasi …satker… Tahun …'."
        ),
    )


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        full_name = user.get_full_name()
        return f"{full_name} ({user.username})" if full_name else user.username


def position_choices() -> list:
    """The positions grouped by the part of the team they belong to, in SK order."""
    return [
        (part.label, [(p.value, p.label) for p in Position if POSITION_PART[p] == part])
        for part in Part
    ]


class MemberForm(TextFieldsMixin, forms.Form):
    user = AccountChoiceField(
        label=_("Akun Renaksi"),
        queryset=None,
        required=False,
        empty_label=_("— tanpa akun —"),
        help_text=_(
            "Pengguna satker ini. Dengan akun, anggota mendapat hak sesuai kedudukannya; "
            "tanpa akun, ia hanya tercatat di SK."
        ),
        error_messages={"invalid_choice": _("Pilih akun pengguna satker ini.")},
    )
    name = forms.CharField(
        label=_("Nama"),
        max_length=200,
        required=False,
        help_text=_("Nama lengkap dengan gelar, seperti di SK. Kosongkan untuk memakai nama akun."),
    )
    employee_number = forms.CharField(
        label=_("NIP"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("18 angka; kosongkan bila bukan ASN."),
    )
    office_title = forms.CharField(label=_("Jabatan dinas"), max_length=200, required=False)
    position = forms.ChoiceField(
        label=_("Kedudukan"),
        choices=position_choices,
        error_messages={"required": _("Pilih kedudukan dalam tim.")},
    )
    change_area = forms.ModelChoiceField(
        label=_("Area perubahan"),
        queryset=ChangeArea.objects.order_by("number"),
        required=False,
        empty_label=_("— tanpa area —"),
        help_text=_("Hanya untuk Koordinator dan Anggota Tim Pelaksana."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        freeze_choices(self.fields["user"])
        freeze_choices(self.fields["change_area"])

    def clean_employee_number(self) -> str:
        value = "".join(self.cleaned_data["employee_number"].split())
        if value in ("-", "–", "—"):  # how an SK marks "none"
            return ""
        if value and not value.isdigit():
            raise forms.ValidationError(_("NIP hanya berisi angka."))
        return value

    def clean(self):
        data = super().clean()
        position = data.get("position")
        message = None
        if position and "change_area" in data:
            message = area_rule_error(position, data["change_area"])
        if message:
            self.add_error("change_area", message)
        if "user" in data and "name" in data and not data["user"] and not data["name"].strip():
            self.add_error("name", _("Isi nama anggota, atau pilih akunnya."))
        return data

    def member_data(self) -> MemberData:
        return MemberData(**self.cleaned_data)
