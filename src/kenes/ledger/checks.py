"""System checks of the ledger's key separation (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register("kenes")
def signing_checks(app_configs: Any, **kwargs: Any) -> list[Error]:
    mode = getattr(settings, "KENES_LEDGER_SIGNING", "local")
    errors = []
    if mode not in ("local", "sequencer-only"):
        errors.append(
            Error(
                f"KENES_LEDGER_SIGNING={mode!r}: use 'local' or 'sequencer-only'",
                id="kenes.E101",
            )
        )
    if mode == "sequencer-only" and settings.KENES_LEDGER_AUTOSEQUENCE:
        errors.append(
            Error(
                "KENES_LEDGER_AUTOSEQUENCE cannot be on with KENES_LEDGER_SIGNING="
                "sequencer-only: the web process would need the signing key",
                hint="Set KENES_LEDGER_AUTOSEQUENCE=0 and run `kenes ledger sequence --loop`.",
                id="kenes.E102",
            )
        )
    return errors
