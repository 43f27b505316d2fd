"""Reads of the geo app."""

from __future__ import annotations

from django.db.models import QuerySet

from kenes.geo.models import Unit
from kenes.geo.regions import Region


def regions() -> list[tuple[str, str]]:
    """The 20 regions as (two-digit code, name in the active language)."""
    return [(str(code), str(label)) for code, label in Region.choices]


def districts(region: str) -> QuerySet[Unit]:
    """The units just below a region (districts, city administrations), by name."""
    return Unit.objects.filter(parent_id=f"{region}0000000").order_by("name_ru")


def settlements(*, region: str | None = None, district: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.filter(is_settlement=True)
    if region:
        qs = qs.filter(region_code=region)
    if district:
        qs = qs.filter(district_id=district)
    return qs.order_by("name_ru")


def unit(code: str) -> Unit | None:
    return Unit.objects.select_related("parent", "district").filter(code=code).first()
