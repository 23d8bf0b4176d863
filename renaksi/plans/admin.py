from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .lampiran import MONTH_ABBREVIATIONS
from .models import (
    ActionPlan,
    Activity,
    ChangeArea,
    ImportFinding,
    Indicator,
    PlanArea,
    SubActivity,
)
from .services import PlanError, confirm_finding


class TouchesPlan:
    """A row of a plan's tree changed here changes its plan's ``updated_at`` too, as the
    editor's services do: the plan list's counts and the plan page's cached sections are
    kept under it (renaksi/plans/counts.py, fragments.py). ``plan_path``: the plan's id."""

    plan_path = "plan_id"

    def _touch_plans(self, queryset) -> None:
        plan_ids = list(queryset.values_list(self.plan_path, flat=True).distinct())
        ActionPlan.objects.filter(pk__in=plan_ids).update(updated_at=timezone.now())

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._touch_plans(type(obj)._default_manager.filter(pk=obj.pk))

    def delete_model(self, request, obj) -> None:
        self._touch_plans(type(obj)._default_manager.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        self._touch_plans(queryset)
        super().delete_queryset(request, queryset)


@admin.register(ChangeArea)
class ChangeAreaAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["name"]
    ordering = ["number"]


class PlanAreaInline(admin.TabularInline):
    model = PlanArea
    fields = ["number", "change_area", "name", "inferred", "source_line"]
    extra = 0
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "status", "decree_number", "decree_date", "imported_at"]
    list_filter = ["status", "year", "unit__level"]
    search_fields = ["unit__name", "unit__code", "decree_number", "decree_subject"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    date_hierarchy = "decree_date"
    readonly_fields = ["source_sha256", "imported_at", "created_at", "updated_at"]
    inlines = [PlanAreaInline]
    fieldsets = [
        (None, {"fields": ["unit", "year", "status"]}),
        (
            _("Keputusan"),
            {
                "fields": [
                    "decree_number",
                    "decree_title",
                    "decree_subject",
                    "decree_place",
                    "decree_date",
                    ("signer_name", "signer_title"),
                    ("certifier_name", "certifier_title"),
                    "budget_reference",
                ]
            },
        ),
        (
            _("Isi keputusan"),
            {
                "classes": ["collapse"],
                "fields": ["considerations", "legal_bases", "notes_considered", "dictums"],
            },
        ),
        (
            _("Sumber"),
            {
                "fields": [
                    "source_file",
                    "source_name",
                    "source_sha256",
                    "imported_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]


@admin.register(PlanArea)
class PlanAreaAdmin(TouchesPlan, admin.ModelAdmin):
    list_display = ["__str__", "plan", "change_area", "inferred", "source_line"]
    list_filter = ["inferred", "change_area", "plan__year"]
    search_fields = ["name", "plan__unit__name", "plan__unit__code"]
    autocomplete_fields = ["plan"]
    list_select_related = ["plan__unit", "change_area"]


@admin.register(Activity)
class ActivityAdmin(TouchesPlan, admin.ModelAdmin):
    plan_path = "area__plan_id"
    list_display = ["__str__", "area", "plan", "position", "source_line"]
    list_filter = ["area__change_area", "area__plan__year"]
    search_fields = ["name", "area__name", "area__plan__unit__name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area__plan__unit"]

    @admin.display(description=_("rencana aksi"), ordering="area__plan")
    def plan(self, obj: Activity) -> ActionPlan:
        return obj.area.plan


@admin.register(SubActivity)
class SubActivityAdmin(TouchesPlan, admin.ModelAdmin):
    plan_path = "activity__area__plan_id"
    list_display = ["__str__", "activity", "schedule_months", "plan", "source_line"]
    list_filter = ["activity__area__change_area", "activity__area__plan__year"]
    search_fields = ["name", "activity__name", "activity__area__plan__unit__name"]
    autocomplete_fields = ["activity"]
    list_select_related = ["activity__area__plan__unit"]

    @admin.display(description=_("pelaksanaan (bulan)"), ordering="schedule")
    def schedule_months(self, obj: SubActivity) -> str:
        if not obj.schedule:
            return "—"
        if len(obj.months) == 12:
            return _("Setiap bulan")
        return " ".join(str(MONTH_ABBREVIATIONS[month - 1]) for month in obj.months)

    @admin.display(description=_("rencana aksi"), ordering="activity__area__plan")
    def plan(self, obj: SubActivity) -> ActionPlan:
        return obj.activity.area.plan


@admin.register(Indicator)
class IndicatorAdmin(TouchesPlan, admin.ModelAdmin):
    plan_path = "sub_activity__activity__area__plan_id"
    list_display = ["text", "label", "sub_activity", "kind", "target_value", "unit_of_measure"]
    list_filter = ["kind", "sub_activity__activity__area__plan__year"]
    search_fields = ["text", "sub_activity__name", "sub_activity__activity__area__plan__unit__name"]
    autocomplete_fields = ["sub_activity"]
    list_select_related = ["sub_activity"]


@admin.register(ImportFinding)
class ImportFindingAdmin(admin.ModelAdmin):
    list_display = ["plan", "line", "kind", "severity", "message", "confirmed_by", "confirmed_at"]
    list_filter = ["severity", "kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["message", "kind", "plan__unit__name", "plan__unit__code"]
    autocomplete_fields = ["plan"]
    list_select_related = ["plan__unit", "confirmed_by"]
    readonly_fields = ["confirmed_by", "confirmed_at"]
    actions = ["confirm_selected"]

    @admin.action(description=_("Konfirmasi temuan terpilih"))
    def confirm_selected(self, request, queryset) -> None:
        confirmed = 0
        for finding in queryset.select_related("plan"):
            try:
                confirm_finding(request.user, finding)
            except PlanError:
                continue
            except PermissionDenied:
                self.message_user(
                    request,
                    _("Anda tidak berhak mengubah rencana aksi %(plan)s.") % {"plan": finding.plan},
                    messages.ERROR,
                )
                return
            confirmed += 1
        self.message_user(
            request,
            ngettext("%(count)d temuan dikonfirmasi.", "%(count)d temuan dikonfirmasi.", confirmed)
            % {"count": confirmed},
            messages.SUCCESS,
        )
