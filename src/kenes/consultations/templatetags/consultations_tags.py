"""``{% consultation_banner version %}`` and ``{% consultation_calendar %}`` for portal pages."""

from __future__ import annotations

from typing import Any

from django import template

from kenes.consultations import selectors
from kenes.consultations.models import Consultation

register = template.Library()


def _context(consultation: Consultation | None, *, full: bool) -> dict[str, Any]:
    if consultation is None:
        return {"consultation": None}
    return {
        "consultation": consultation,
        "is_open": consultation.is_open(),
        "has_opened": consultation.has_opened(),
        "days_left": consultation.days_left(),
        "phases": selectors.consultation_phases(consultation) if full else [],
        "full": full,
    }


@register.inclusion_tag("consultations/_banner.html")
def consultation_banner(version: Any) -> dict[str, Any]:
    """The deadline of the consultation on ``version`` ("N days left"), or nothing."""
    return _context(selectors.consultation_for_version(version), full=False)


@register.inclusion_tag("consultations/_banner.html")
def consultation_calendar() -> dict[str, Any]:
    """The current consultation with its calendar (the home page)."""
    return _context(selectors.consultation_current(), full=True)


@register.simple_tag
def consultation_closed(version: Any) -> bool:
    """True when the version has a consultation that does not take web proposals now."""
    consultation = selectors.consultation_for_version(version)
    return consultation is not None and not consultation.is_open()
