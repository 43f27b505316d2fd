from django.contrib import admin

from kenes.core.admin import ReadOnlyAdmin
from kenes.ledger.models import Checkpoint, Cosignature, Entry, Witness


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "code", "created_at"]
    list_filter = ["kind"]
    search_fields = ["code"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "created_at"]


@admin.register(Witness)
class WitnessAdmin(ReadOnlyAdmin):
    """Witnesses are added and switched with `kenes ledger add-witness` (audited)."""

    list_display = ["name", "organisation", "active", "created_at"]


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnlyAdmin):
    list_display = ["checkpoint", "witness", "created_at"]
