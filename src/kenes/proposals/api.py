"""JSON API of proposals: submit (idempotent), receipt look-up, public list."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["proposals"])
