from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from kenes.reports.rendering import num as _num

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """A whole number grouped as the active language writes it ("1 234")."""
    try:
        return _num(int(value))
    except (TypeError, ValueError):
        return "—"


@register.filter
def svg(markup: str) -> SafeString:
    """Chart markup built by kenes.reports.charts (which escapes every label)."""
    return mark_safe(markup)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0) if mapping else 0
