"""Reads of consultations, shared by the portal, intake and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenes.consultations.models import Consultation
from kenes.drafts.models import Version


@dataclass(frozen=True)
class Phase:
    key: str  # "discussion", "review", "report"
    label: str
    starts: date
    ends: date | None
    state: str  # "past", "now", "future"


def consultation_for_version(version: Version | None) -> Consultation | None:
    if version is None or version.pk is None:
        return None
    return Consultation.objects.select_related("version__document").filter(version=version).first()


def consultation_current(now: datetime | None = None) -> Consultation | None:
    """The consultation to show first: open now, else the next to open, else the latest."""
    now = now or timezone.now()
    qs = Consultation.objects.select_related("version__document")
    return (
        qs.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at").first()
        or qs.filter(opens_at__gt=now).order_by("opens_at").first()
        or qs.order_by("-closes_at").first()
    )


def _state(starts: date, ends: date | None, today: date) -> str:
    if today < starts:
        return "future"
    if ends is None or today <= ends:
        return "now"
    return "past"


def consultation_phases(consultation: Consultation, now: datetime | None = None) -> list[Phase]:
    """The calendar: discussion, review, report (the last two when their dates are set)."""
    today = timezone.localtime(now or timezone.now()).date()
    opens = timezone.localtime(consultation.opens_at).date()
    closes = consultation.closing_day
    phases = [
        Phase(
            "discussion",
            str(_("Discussion")),
            opens,
            closes,
            "now" if consultation.is_open(now) else _state(opens, closes, today),
        )
    ]
    if consultation.review_until:
        phases.append(
            Phase(
                "review",
                str(_("Review of the proposals")),
                closes,
                consultation.review_until,
                "future"
                if consultation.is_open(now)
                else _state(closes, consultation.review_until, today),
            )
        )
    if consultation.report_on:
        phases.append(
            Phase(
                "report",
                str(_("Report published")),
                consultation.report_on,
                None,
                "past"
                if today > consultation.report_on
                else _state(consultation.report_on, consultation.report_on, today),
            )
        )
    return phases
