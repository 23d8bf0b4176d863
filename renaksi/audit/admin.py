from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import LogEntry


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by the workflows, never by hand."""

    list_display = ["created_at", "action_text", "actor", "unit", "plan", "object_repr"]
    list_filter = ["action", ("actor", admin.EmptyFieldListFilter)]
    search_fields = ["action", "object_repr", "unit__name", "unit__code", "actor__username"]
    list_select_related = ["actor", "unit", "plan__unit"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "action",
        "actor",
        "unit",
        "plan",
        "object_type",
        "object_id",
        "object_repr",
        "data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("tindakan"), ordering="action")
    def action_text(self, obj: LogEntry) -> str:
        return obj.action_label
