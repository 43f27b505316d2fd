from django.contrib import admin

from kenes.core.admin import ReadOnlyAdmin
from kenes.review.models import Answer


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "decision", "answered_by", "answered_at"]
    list_filter = ["decision"]
    list_select_related = ["proposal", "answered_by"]
    search_fields = ["proposal__code", "reason_kk", "reason_ru"]
