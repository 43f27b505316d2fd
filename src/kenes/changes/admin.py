from django.contrib import admin

from kenes.changes.models import ChangeLink


@admin.register(ChangeLink)
class ChangeLinkAdmin(admin.ModelAdmin[ChangeLink]):
    list_display = ("proposal", "new_version", "key", "kind", "created_by", "created_at")
    list_filter = ("kind", "new_version")
    readonly_fields = [f.name for f in ChangeLink._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
