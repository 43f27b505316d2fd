"""``{% load pii %}{{ text|mask_pii }}``: personal data masked in public free text."""

from __future__ import annotations

from django import template

from kenes.core.pii import mask_pii as _mask

register = template.Library()


@register.filter(name="mask_pii")
def mask_pii(value: object) -> str:
    return _mask("" if value is None else str(value))
