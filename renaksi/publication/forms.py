"""The administrator's form: what the public RB column shows (``/rencana/<pk>/publikasi/``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import WITHDRAW_REASON_MAX_LENGTH


class PublishForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    show_plan = forms.BooleanField(
        label=_("Rencana aksi (Lampiran): area, kegiatan, sub kegiatan, jadwal, indikator"),
        required=False,
    )
    show_progress = forms.BooleanField(
        label=_("Capaian per area (terverifikasi dibanding yang jatuh tempo)"), required=False
    )
    show_names = forms.BooleanField(
        label=_("Nama pelaksana (penanggung jawab sub kegiatan dan tindak lanjut)"),
        required=False,
        help_text=_("Biarkan kosong kecuali pelaksana setuju namanya tampil di laman publik."),
    )
    decree_pdf = forms.BooleanField(label=_("Keputusan lengkap (PDF)"), required=False)
    lampiran_pdf = forms.BooleanField(label=_("Lampiran rencana aksi (PDF)"), required=False)
    monev_quarters = forms.TypedMultipleChoiceField(
        label=_("Laporan monev triwulan yang diterima KPU RI"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.TypedMultipleChoiceField(
        label=_("Bukti dukung terverifikasi"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm = forms.BooleanField(
        label=_(
            "Saya mengerti: yang dipilih di atas dapat dibuka siapa saja tanpa masuk, dan "
            "dapat disematkan di situs lain."
        ),
        error_messages={"required": _("Centang pernyataan ini untuk mempublikasikan.")},
    )

    def __init__(self, *args, quarters=(), evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monev_quarters"].choices = [
            (q, _("Triwulan %(q)s") % {"q": {1: "I", 2: "II", 3: "III", 4: "IV"}[q]})
            for q in quarters
        ]
        self.fields["evidence"].choices = list(evidence)
        self.fields["monev_quarters"].error_messages["invalid_choice"] = _(
            "Triwulan itu tidak dapat dipilih: laporannya belum diterima KPU RI."
        )
        self.fields["evidence"].error_messages["invalid_choice"] = _(
            "Bukti dukung itu tidak dapat dipilih: belum terverifikasi atau bukan milik "
            "rencana aksi ini."
        )


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Alasan penarikan (tercatat di riwayat, tidak tampil di laman publik)"),
        required=False,
        max_length=WITHDRAW_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Ya, tarik laman publik ini: alamatnya tidak dapat dibuka lagi."),
        error_messages={"required": _("Centang pernyataan ini untuk menarik publikasi.")},
    )
