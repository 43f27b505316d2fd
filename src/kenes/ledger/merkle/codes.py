"""Receipt codes and commitments: the one definition, shared by intake and verifiers. Pure Python.

A receipt code (``KNS-7F3K-9Q2M``) has eight symbols from an alphabet without look-alikes: seven
random ones and a Luhn mod 30 check symbol. The ledger's ``proposal.received`` entry holds
``SHA-256("kenes/proposal-commitment/v1\\n" || secret || "\\n" || text)``, binding the text to
the receipt's secret without revealing either.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Final

__all__ = [
    "ALPHABET",
    "COMMITMENT_DOMAIN",
    "check_symbol",
    "commitment",
    "normalize_code",
    "normalize_secret",
    "normalize_text",
]

COMMITMENT_DOMAIN: Final = b"kenes/proposal-commitment/v1\n"

# Receipt codes: the one definition, used by intake (kenes.proposals.receipts) too.
ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0, 1, I, L, O, U
_ALPHABET: Final = ALPHABET
_CYRILLIC_TWINS: Final = str.maketrans("АВЕКМНОРСТХУЗ", "ABEKMHOPCTXYZ")
_TYPO_FIXES: Final = str.maketrans({"U": "V"})
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_symbol(body: str) -> str:
    """Return the Luhn mod 30 check symbol of ``body`` (symbols of ALPHABET)."""
    factor, total, n = 2, 0, len(_ALPHABET)
    for ch in reversed(body):
        addend = factor * _ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return _ALPHABET[(n - total % n) % n]


def normalize_code(text: str) -> str | None:
    """Return the canonical ``KNS-XXXX-XXXX`` form of a typed code, or None if it is not one."""
    raw = text.upper().translate(_CYRILLIC_TWINS)
    raw = "".join(ch for ch in raw if ch.isalnum())
    if raw.startswith("KNS"):
        raw = raw[3:]
    raw = raw.translate(_TYPO_FIXES)
    if len(raw) != 8 or any(ch not in _ALPHABET for ch in raw):
        return None
    if check_symbol(raw[:-1]) != raw[-1]:
        return None
    return f"KNS-{raw[:4]}-{raw[4:]}"


def normalize_secret(text: str) -> str:
    """Return the secret as issued: upper case, Latin letters, no spaces or dashes."""
    raw = text.upper().translate(_CYRILLIC_TWINS)
    return "".join(ch for ch in raw if ch.isalnum()).translate(_TYPO_FIXES)


def normalize_text(text: str) -> str:
    """Return the text as intake stored it: NFC, LF newlines, no control characters, trimmed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return _CONTROL_RE.sub("", text).strip()


def commitment(secret: str, text: str) -> str:
    """Return the hex SHA-256 commitment binding ``text`` under the receipt ``secret``."""
    data = COMMITMENT_DOMAIN + secret.encode() + b"\n" + text.encode()
    return hashlib.sha256(data).hexdigest()
