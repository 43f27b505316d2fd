"""``{{ text|mask_pii }}``: personal data in free text masked (kenes.core.pii) on public pages."""

from django import template

from kenes.core import pii

register = template.Library()


@register.filter
def mask_pii(value: object) -> str:
    return pii.mask(str(value or ""))
