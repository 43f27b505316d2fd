"""``kenes expire-replay-secrets``: erase the receipt secrets kept for API retries past their window.

A retry with the same Idempotency-Key shows the secret again for KENES_RECEIPT_REPLAY_SECONDS
(24 h); the secret is erased when such a retry comes later, and by this command for keys never
retried. Run it hourly (cron or a systemd timer; docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kenes.proposals.tokens import replay_secrets_expire


class Command(BaseCommand):
    help = "Erase receipt secrets kept for API retries once their replay window has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        erased = replay_secrets_expire()
        self.stdout.write(f"erased {erased} expired replay secret(s)")
