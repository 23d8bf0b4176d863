"""Forms of the monitoring pages: they render and carry the input; the services
(narrative.py) validate it and their field errors are shown at the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renaksi.core.validators import TextFieldsMixin

from .models import FollowUp

MONTH_NAMES = [
    _("Januari"),
    _("Februari"),
    _("Maret"),
    _("April"),
    _("Mei"),
    _("Juni"),
    _("Juli"),
    _("Agustus"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Desember"),
]


def _area(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class VersionedForm(TextFieldsMixin, forms.Form):
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def expected_version(self) -> int | None:
        raw = (self.data.get(self.add_prefix("version")) or "").strip()
        return int(raw) if raw.isdigit() else None


class ReportForm(VersionedForm):
    obstacles = forms.CharField(label=_("Kendala"), required=False, widget=_area())
    solutions = forms.CharField(label=_("Solusi"), required=False, widget=_area())
    recommendations = forms.CharField(label=_("Rekomendasi"), required=False, widget=_area())
    report_number = forms.CharField(label=_("Nomor laporan"), required=False, max_length=150)
    report_date = forms.CharField(
        label=_("Tanggal laporan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    foreword = forms.CharField(label=_("Kata pengantar"), required=False, widget=_area(4))
    signer_name = forms.CharField(label=_("Nama penanda tangan"), required=False, max_length=200)
    signer_title = forms.CharField(
        label=_("Jabatan penanda tangan"), required=False, max_length=300
    )


class AreaNoteForm(VersionedForm):
    obstacles = forms.CharField(label=_("Kendala"), required=False, widget=_area(2))
    solutions = forms.CharField(label=_("Solusi"), required=False, widget=_area(2))
    recommendations = forms.CharField(label=_("Rekomendasi"), required=False, widget=_area(2))


class FollowUpForm(TextFieldsMixin, forms.Form):
    """A new follow-up (the unit's administrator, Tim Pengarah)."""

    action = forms.CharField(label=_("Tindak lanjut"), required=False, widget=_area(2))
    finding = forms.CharField(label=_("Temuan / masalah"), required=False, widget=_area(2))
    area = forms.ChoiceField(label=_("Area"), required=False)
    owner = forms.ChoiceField(label=_("Penanggung jawab"), required=False)
    owner_text = forms.CharField(
        label=_("Penanggung jawab (bila tidak ada akunnya)"), required=False, max_length=200
    )
    due_on = forms.CharField(
        label=_("Batas waktu"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, areas=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("— seluruh rencana aksi —"))] + [
            (str(area.pk), str(area)) for area in areas
        ]
        self.fields["owner"].choices = [("", "—")] + [
            (str(person.pk), person.get_full_name() or person.get_username()) for person in people
        ]


class FollowUpUpdateForm(VersionedForm):
    """Progress of a follow-up (its owner too); the due date for those who manage it."""

    state = forms.ChoiceField(label=_("Status"), choices=FollowUp.State.choices)
    progress_note = forms.CharField(label=_("Perkembangan"), required=False, widget=_area(2))
    due_on = forms.CharField(
        label=_("Batas waktu"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MonthsForm(TextFieldsMixin, forms.Form):
    months = forms.MultipleChoiceField(
        label=_("Bulan monitoring dan evaluasi"),
        required=False,
        choices=[(str(number), name) for number, name in enumerate(MONTH_NAMES, 1)],
        widget=forms.CheckboxSelectMultiple,
    )
    expected = forms.CharField(required=False, widget=forms.HiddenInput)
