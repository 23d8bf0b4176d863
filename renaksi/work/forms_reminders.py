"""The form of a person's reminder setting (the page work:reminders)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderSetting


class ReminderSettingForm(forms.ModelForm):
    class Meta:
        model = ReminderSetting
        fields = ["enabled", "days_ahead"]
        labels = {
            "enabled": _("Kirimi saya email pengingat"),
            "days_ahead": _("Ingatkan berapa hari sebelum batas laporan"),
        }
        help_texts = {
            "days_ahead": _(
                "Antara 1 dan 31 hari. Laporan yang terlambat diingatkan sampai 92 hari "
                "setelah batasnya."
            ),
        }
        error_messages = {
            "days_ahead": {
                "required": _("Isi jumlah hari, antara 1 dan 31."),
                "invalid": _("Tulis jumlah hari sebagai bilangan bulat, antara 1 dan 31."),
                "min_value": _("Paling sedikit 1 hari."),
                "max_value": _("Paling banyak 31 hari."),
            }
        }
        widgets = {"days_ahead": forms.NumberInput(attrs={"min": 1, "max": 31, "step": 1})}
