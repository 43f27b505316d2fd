from django.contrib import admin

from kenes.core.admin import ReadOnlyAdmin
from kenes.drafts.models import Article, Document, Point, Section, Subpoint, Version

# Draft texts change only through imports (kenes import-draft), which validate and audit them;
# the admin shows them read-only.


class VersionInline(admin.TabularInline[Version, Document]):
    model = Version
    fields = ["label", "title_kk", "title_ru", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["slug", "title_kk", "title_ru", "created_at"]
    search_fields = ["slug", "title_kk", "title_ru"]
    inlines = [VersionInline]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "title_kk", "title_ru", "created_at"]
    list_filter = ["document"]
    search_fields = ["label", "title_kk", "title_ru"]
    readonly_fields = ["created_at"]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["version", "number", "title_kk", "title_ru"]
    list_filter = ["version"]


class PointInline(admin.StackedInline[Point, Article]):
    model = Point
    fields = ["position", "number", "text_kk", "text_ru"]
    extra = 0
    can_delete = False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["version", "number", "section", "title_kk", "title_ru"]
    list_filter = ["version"]
    list_select_related = ["version__document", "section"]
    search_fields = ["number", "search_kk", "search_ru"]
    inlines = [PointInline]


@admin.register(Point)
class PointAdmin(ReadOnlyAdmin):
    list_display = ["article", "number"]
    list_select_related = ["article__version__document"]
    search_fields = ["text_kk", "text_ru"]


@admin.register(Subpoint)
class SubpointAdmin(ReadOnlyAdmin):
    list_display = ["article", "point", "number"]
    list_select_related = ["article__version__document", "point"]
    search_fields = ["text_kk", "text_ru"]
