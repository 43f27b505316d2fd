"""Admin: conversations are created through the service; statements and results are read-only
here (moderation has its own screen at /talk/<slug>/moderate/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kenes.core.services import audit_record
from kenes.deliberation import services
from kenes.deliberation.models import Conversation, Result, Statement


@admin.action(description=_("Draft statements from campaign templates and themes"))
def draft_from_insights(
    modeladmin: admin.ModelAdmin[Conversation],
    request: HttpRequest,
    queryset: QuerySet[Conversation],
) -> None:
    total = 0
    for conv in queryset:
        total += len(services.statements_from_insights(actor=request.user, conversation=conv))
    modeladmin.message_user(
        request,
        ngettext(
            "%(n)s statement is waiting in the moderation queue.",
            "%(n)s statements are waiting in the moderation queue.",
            total,
        )
        % {"n": total},
        messages.SUCCESS,
    )


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin[Conversation]):
    list_display = ["slug", "title_ru", "title_kk", "version", "participation", "status"]
    list_filter = ["status", "participation"]
    search_fields = ["slug", "title_ru", "title_kk"]
    actions = [draft_from_insights]
    raw_id_fields = ["article"]
    fields = [
        "slug",
        "version",
        "article",
        "title_kk",
        "title_ru",
        "description_kk",
        "description_ru",
        "participation",
        "allow_statements",
        "status",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["slug", "version", "status"] if obj is not None else ["status"]

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Conversation, form: Any, change: bool) -> None:
        if not change:
            created = services.conversation_create(
                actor=request.user,
                slug=obj.slug,
                version=obj.version,
                article=obj.article,
                title_kk=obj.title_kk,
                title_ru=obj.title_ru,
                description_kk=obj.description_kk,
                description_ru=obj.description_ru,
                participation=obj.participation,
                allow_statements=obj.allow_statements,
            )
            obj.pk = created.pk
            return
        obj.save()
        audit_record(
            actor=request.user,
            action="deliberation.conversation.edit",
            target=obj,
            data={"fields": list(form.changed_data)},
        )


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnly, admin.ModelAdmin[Statement]):
    list_display = ["id", "text", "language", "state", "origin", "n_agree", "n_disagree", "n_pass"]
    list_filter = ["state", "origin", "language", "conversation"]
    search_fields = ["text"]


@admin.register(Result)
class ResultAdmin(ReadOnly, admin.ModelAdmin[Result]):
    list_display = [
        "id",
        "conversation",
        "created_at",
        "n_participants",
        "n_votes",
        "method_version",
        "published_at",
    ]
    list_filter = ["conversation"]
    exclude = ["data", "state"]
