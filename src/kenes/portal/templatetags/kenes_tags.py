"""Template helpers: bilingual text with fallback, article labels, language-switch URLs."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from kenes.drafts.models import Bilingual, pick_language

register = template.Library()


@register.filter
def tr(obj: Bilingual | None, field: str) -> str:
    """Return ``obj.<field>`` in the reader's language, falling back to the other one."""
    if obj is None:
        return ""
    return obj.text_in(field)[0]


@register.filter
def tr_lang(obj: Bilingual, field: str) -> str:
    """Return the language code the text of ``field`` is actually shown in."""
    return obj.text_in(field)[1]


@register.simple_tag
def article_label(number: str) -> str:
    """Return "Статья 43" / "43-бап" / "Article 43" for the active language."""
    return _("Article %(number)s") % {"number": number}


@register.simple_tag
def section_label(number: str) -> str:
    return _("Section %(number)s") % {"number": number} if number else ""


@register.simple_tag(takes_context=True)
def content_lang(context: dict[str, Any]) -> str:
    return pick_language()
