from django.contrib import admin

from kenes.core.admin import ReadOnlyAdmin
from kenes.geo.models import Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    """KATO units change only through `kenes import-kato` (checked and audited)."""

    list_display = ("code", "name_ru", "name_kk", "level", "kind", "population", "remote")
    list_filter = ("level", "region_code", "remote", "is_settlement")
    search_fields = ("code", "name_ru", "name_kk")
    raw_id_fields = ("parent", "district")
    list_per_page = 50
