"""Language marks for texts that exist in one language only.

``{% one_language_note version "text" %}`` (or ``"compare"`` with a second version, or
``"search"``) says, in the reader's language, that the draft lacks the reader's language and
offers the other; ``text|in_lang:obj_field`` wraps a fallback text in ``<span lang="..">``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kenes.drafts.models import CONTENT_LANGUAGES, Bilingual, pick_language

register = template.Library()


def _messages(kind: str, reader: str) -> str:
    if reader == "kk":
        return {
            "text": _("This draft has no Kazakh text yet, so it is shown in Russian."),
            "compare": _(
                "These versions have no Kazakh text yet, so the changes are shown in Russian."
            ),
            "search": _(
                "This draft has no Kazakh text yet, so the search looks in the Russian text. "
                "Search with Russian words. Results in Russian:"
            ),
        }[kind]
    return {
        "text": _("This draft has no Russian text yet, so it is shown in Kazakh."),
        "compare": _(
            "These versions have no Russian text yet, so the changes are shown in Kazakh."
        ),
        "search": _(
            "This draft has no Russian text yet, so the search looks in the Kazakh text. "
            "Search with Kazakh words. Results in Kazakh:"
        ),
    }[kind]


@register.inclusion_tag("portal/_lang_note.html", takes_context=True)
def one_language_note(
    context: dict[str, Any], version: Any, kind: str = "text", other: Any = None
) -> dict[str, Any]:
    languages = [lang for lang in version.languages if other is None or lang in other.languages]
    if other is not None and not languages:
        languages = list(version.languages)
    content = pick_language()
    ui = (get_language() or "")[:2]
    out: dict[str, Any] = {
        "message": "",
        "switch_to": "",
        "ui": ui,
        "request": context.get("request"),
    }
    if not languages:
        return out
    if content not in languages:
        shown = languages[0]
        out["message"] = _messages(kind, content)
        out["switch_to"] = shown
        out["switch_label"] = (
            _("Switch the site to Russian") if shown == "ru" else _("Switch the site to Kazakh")
        )
    elif ui not in CONTENT_LANGUAGES and kind == "text":
        out["message"] = _(
            "This text is not available in your language yet; it is shown in the language it "
            "was published in."
        )
    return out


@register.filter
def in_lang(obj: Bilingual | None, field: str) -> SafeString | str:
    """``obj.<field>`` in the reader's language; wrapped in ``<span lang>`` when it falls back."""
    if obj is None:
        return ""
    text, shown = obj.text_in(field)
    if shown != (get_language() or "")[:2] and text:
        return format_html('<span lang="{}">{}</span>', shown, text)
    return text


@register.simple_tag
def diff_language(old: Any, new: Any) -> str:
    """The language a comparison of ``old`` and ``new`` is shown in (the reader's if both have
    it, else one both have)."""
    content = pick_language()
    common = [lang for lang in new.languages if lang in old.languages] or list(new.languages)
    return content if content in common or not common else common[0]
