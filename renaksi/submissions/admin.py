from django.contrib import admin

from .models import Submission, SubmissionDeadline, SubmissionStep


@admin.register(SubmissionDeadline)
class SubmissionDeadlineAdmin(admin.ModelAdmin):
    """The quarters' deadlines KPU RI sets per year (without a row: the quarter's end plus
    settings.RENAKSI_SUBMISSION_DUE_DAYS)."""

    list_display = ["year", "quarter", "due_on"]
    list_filter = ["year"]
    ordering = ["-year", "quarter"]


class StepInline(admin.TabularInline):
    model = SubmissionStep
    fields = ["created_at", "action", "at_unit", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: submissions change only through the chain's services (with their steps and
    audit entries)."""

    list_display = ["unit", "year", "quarter", "state", "at_unit", "locked", "late"]
    list_filter = ["year", "quarter", "state", "locked", "late"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["unit", "at_unit"]
    inlines = [StepInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.method in ("GET", "HEAD") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
