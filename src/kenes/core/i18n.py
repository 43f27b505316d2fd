"""Language helpers shared by every app."""

from __future__ import annotations

from django.utils.translation import get_language


def current_lang() -> str:
    """The active language's two-letter code (``kk`` when none is active)."""
    return (get_language() or "kk")[:2]
