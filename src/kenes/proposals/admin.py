from django.contrib import admin

from kenes.core.admin import ReadOnlyAdmin
from kenes.proposals.models import ApiToken, Proposal, StateChange


class StateChangeInline(admin.TabularInline[StateChange, Proposal]):
    model = StateChange
    fields = ("at", "actor_label", "from_state", "to_state", "details")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    """Proposals are written by intake and changed by review services only."""

    list_display = [
        "code",
        "submitted_at",
        "state",
        "channel",
        "language",
        "region",
        "article",
        "assignee",
    ]
    list_filter = ["state", "channel", "language", "region", "author_kind"]
    list_select_related = ["article", "assignee"]
    search_fields = ["code", "external_id", "source"]
    date_hierarchy = "submitted_at"
    exclude = ["contact"]
    inlines = [StateChangeInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "channel", "source", "active", "created_at"]
