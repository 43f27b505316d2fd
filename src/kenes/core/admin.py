from typing import Any

from django.contrib import admin

from kenes.core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Admin for rows that only service functions write: staff may look, not edit.

    Every admin page is either this or backed by service functions (``save_model`` calls the
    app's service, which validates and audits); no admin page writes a model directly.
    """

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log: entries are written by services only."""

    list_display = ["created_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "actor_label", "action"]
    date_hierarchy = "created_at"
