"""Ledger events as canonical JSON, and the salted commitment to a proposal's text. Pure Python.

A leaf is the UTF-8 bytes of ``canonical(event)``: keys sorted, no spaces, no ASCII escaping.
Personal data never enters an event. The proposal text is bound by
``commitment(secret, text)``; the secret is on the author's receipt, so only someone holding the
receipt (and the text) can link the public leaf to the text.
"""

from __future__ import annotations

import json
from typing import Any

from kenes.ledger.merkle.receipt import commitment

__all__ = ["EVENT_VERSION", "canonical", "commitment"]

EVENT_VERSION = 1


def canonical(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
