"""A consultation: one draft version open for proposals, with its calendar.

Layer: above ``drafts``, below ``proposals`` (intake asks it whether a proposal may still come
in); it never imports proposals or review.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenes.drafts.models import Bilingual

# Channels through which a citizen sends a proposal himself, at the moment of sending.
ONLINE_CHANNELS = ("web", "api")


class Consultation(Bilingual):
    """The calendar of the public discussion of one draft version."""

    version = models.OneToOneField(
        "drafts.Version",
        verbose_name=_("draft version"),
        on_delete=models.PROTECT,
        related_name="consultation",
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    opens_at = models.DateTimeField(_("discussion opens"))
    closes_at = models.DateTimeField(_("discussion closes"))
    review_until = models.DateField(_("review ends"), null=True, blank=True)
    report_on = models.DateField(_("report published"), null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(
        _("grace period for paper forms and meeting reports (days)"),
        default=0,
        help_text=_(
            "Paper forms and meeting reports dated on or before the closing day may still be "
            "entered for this many days after it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title_in()[0] or str(self.version)

    def title_in(self, lang: str | None = None) -> tuple[str, str]:
        title, shown = self.text_in("title", lang)
        return (title, shown) if title else self.version.text_in("title", lang)

    @property
    def closing_day(self) -> date:
        return timezone.localtime(self.closes_at).date()

    @property
    def grace_until(self) -> datetime:
        return self.closes_at + timedelta(days=self.grace_days)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_opened(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.opens_at

    def days_left(self, now: datetime | None = None) -> int | None:
        """Whole calendar days until the closing day (0 on the last day); None when closed."""
        now = now or timezone.now()
        if not self.is_open(now):
            return None
        return (self.closing_day - timezone.localtime(now).date()).days
