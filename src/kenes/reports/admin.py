from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kenes.reports.models import ExplainerNote, ReportBuild


@admin.register(ReportBuild)
class ReportBuildAdmin(admin.ModelAdmin[ReportBuild]):
    """Builds are written by the service and the task only: read-only here."""

    list_display = ("id", "version", "language", "status", "progress", "created_at", "n_proposals")
    list_filter = ("status", "language")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExplainerNote)
class ExplainerNoteAdmin(admin.ModelAdmin[ExplainerNote]):
    """Notes are written on the handouts page (audited): read-only here."""

    list_display = ("article", "language", "updated_by", "updated_at")
    list_filter = ("language",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
