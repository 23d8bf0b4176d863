from django import forms
from django.contrib import admin

from renaksi.core.validators import TextFieldsMixin

from .models import Unit


class UnitAdminForm(TextFieldsMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "level", "parent", "time_zone"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["code", "name", "level", "parent", "time_zone"]
    list_filter = ["level", "time_zone"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    ordering = ["code"]
