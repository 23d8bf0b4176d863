"""Forms of the plan-creation pages (renaksi/plans/creation_views.py).

They check the input; the services (renaksi/plans/creation.py) check the rest (the year free,
the permission) and their messages are put back at the field they concern.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .creation import MAX_YEAR, MIN_YEAR
from .models import ActionPlan

BASIS_EMPTY = "kosong"
BASIS_TEMPLATE = "templat"
BASIS_COPY = "salin"


def _year_field(initial: int | None) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Tahun rencana aksi"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        initial=initial,
        error_messages={
            "required": _("Isi tahun rencana aksi."),
            "invalid": _("Tahun harus berupa angka, mis. 2025."),
            "min_value": _("Tahun paling awal %(limit_value)s."),
            "max_value": _("Tahun paling akhir %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--year"}),
    )


class CreatePlanForm(forms.Form):
    """A new plan of one unit: the year and what it starts from."""

    def __init__(self, *args, initial_year: int | None, source_plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_plans = {str(plan.pk): plan for plan in source_plans}
        self.fields["year"] = _year_field(initial_year)
        self.fields["basis"] = forms.ChoiceField(
            label=_("Mulai dari"),
            choices=[
                (BASIS_EMPTY, _("Kosong: 8 area perubahan baku, tanpa kegiatan")),
                (BASIS_TEMPLATE, _("Templat kegiatan baku Road Map RB KPU")),
                (BASIS_COPY, _("Salinan rencana aksi yang sudah ada")),
            ],
            initial=BASIS_COPY if self.source_plans else BASIS_TEMPLATE,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Pilih dari mana rencana aksi dimulai."),
                "invalid_choice": _("Pilihan tidak dikenal."),
            },
        )
        self.fields["schedule_kind"] = forms.ChoiceField(
            label=_("Jenis jadwal (untuk rencana aksi kosong)"),
            choices=ActionPlan.Schedule.choices,
            initial=ActionPlan.Schedule.MONTH,
            widget=forms.RadioSelect,
            required=False,
            error_messages={"invalid_choice": _("Pilihan tidak dikenal.")},
        )
        self.fields["source"] = forms.ChoiceField(
            label=_("Rencana aksi yang disalin"),
            choices=[("", _("— pilih rencana aksi —"))]
            + [
                (pk, f"{plan.year} · {plan.unit.code} {plan.unit.name}")
                for pk, plan in self.source_plans.items()
            ],
            required=False,
            help_text=_(
                "Rencana aksi satker ini dari tahun sebelumnya disalin lengkap dengan teks "
                "keputusannya; rencana aksi satker lain hanya susunan kegiatannya."
            ),
            error_messages={"invalid_choice": _("Pilih rencana aksi dari daftar.")},
        )

    def clean(self):
        data = super().clean()
        if data.get("basis") == BASIS_COPY:
            if not data.get("source"):
                self.add_error("source", _("Pilih rencana aksi yang disalin."))
            else:
                data["source_plan"] = self.source_plans[data["source"]]
        if not data.get("schedule_kind"):
            data["schedule_kind"] = ActionPlan.Schedule.MONTH
        return data


class CopyPlanForm(forms.Form):
    """The year a plan is copied into."""

    def __init__(self, *args, initial_year: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field(initial_year)
        self.fields["year"].label = _("Salin ke tahun")
