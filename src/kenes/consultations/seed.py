"""Demo: the demo law's consultation, open now and closing in a few weeks (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kenes.consultations.models import Consultation
from kenes.consultations.services import consultation_save
from kenes.core.seeding import SeedContext
from kenes.drafts.models import Version


def seed(ctx: SeedContext) -> None:
    for version in Version.objects.select_related("document").order_by("document__slug", "id"):
        latest = version.document.versions.order_by("-created_at", "-id").first()
        if latest is None or latest.pk != version.pk:
            continue  # only the newest version of each document is under consultation
        if Consultation.objects.filter(version=version).exists():
            continue
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        closes = today + timedelta(days=19, hours=23, minutes=59)
        consultation_save(
            actor=None,
            version=version,
            opens_at=today - timedelta(days=40),
            closes_at=closes,
            review_until=(closes + timedelta(days=30)).date(),
            report_on=(closes + timedelta(days=45)).date(),
            grace_days=10,
        )
        ctx.say(f"consultation on {version}: open until {closes.date().isoformat()}")
