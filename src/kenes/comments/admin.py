from django.contrib import admin

from kenes.comments.models import Anchor, Comment


class AnchorInline(admin.TabularInline[Anchor, Comment]):
    model = Anchor
    fk_name = "comment"
    extra = 0
    readonly_fields = ("version", "article", "point", "status", "carried_from")
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ("pk", "version", "article", "point", "state", "hidden_reason", "created_at")
    list_filter = ("state", "hidden_reason")
    readonly_fields = ("version", "article", "point", "text", "language", "created_at")
    inlines = [AnchorInline]
