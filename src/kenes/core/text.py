"""Checks every text field shares: NUL characters and text that shows nothing.

PostgreSQL refuses U+0000 in text, so a NUL that reached a query or an INSERT would end in a
500; and a proposal made only of zero-width or space characters would be an empty, unreadable
entry in the public record. Services call these before they store anything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

# Format characters (Cf: zero-width spaces and joiners, BOM, bidi marks), separators (Z*),
# controls (Cc), unassigned/private (Cn/Co/Cs) and combining marks on nothing show nothing.
_INVISIBLE_CATEGORIES = ("C", "Z")


def has_nul(value: Any) -> bool:
    """Return True if ``value`` (a string, or strings nested in lists/dicts) holds U+0000."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def visible_length(text: str, *, stop_at: int | None = None) -> int:
    """Count the characters a reader sees: no spaces, controls, zero-width or format marks.

    With ``stop_at``, counting stops once that many are seen (a minimum-length check need not
    read a whole letter character by character).
    """
    count = 0
    for char in text:
        if count == stop_at:
            break
        category = unicodedata.category(char)
        if category[0] in _INVISIBLE_CATEGORIES or char in "\u115f\u1160\u3164\uffa0":
            continue  # the Hangul fillers are letters (Lo) that render as blanks
        if category[0] == "M" and count == 0:
            continue  # a combining mark with no base character
        count += 1
    return count
