"""Template helpers of the deliberation pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def bi(obj: Any, field: str) -> str:
    """The field in the page's content language, falling back to the other one."""
    return str(obj.text_in(field)[0])


@register.filter
def bi_text(obj: Any, field: str) -> str:
    return str(obj.text_in(field)[0])


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}".replace("-", "−")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
