"""Ledger events as canonical JSON, and the salted commitment to a proposal's text. Pure Python.

A leaf is the UTF-8 bytes of ``canonical(event)``: keys sorted, no spaces, no ASCII escaping.
Personal data never enters an event. The proposal text is bound by
``commitment(secret, text)``; the secret is on the author's receipt, so only someone holding the
receipt (and the text) can link the public leaf to the text.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

EVENT_VERSION = 1
COMMITMENT_DOMAIN = b"kenes/proposal-commitment/v1\n"


def canonical(event: dict[str, Any]) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def commitment(secret: str, text: str) -> str:
    """Return the hex SHA-256 commitment binding ``text`` under the receipt ``secret``."""
    data = COMMITMENT_DOMAIN + secret.encode() + b"\n" + text.encode()
    return hashlib.sha256(data).hexdigest()
