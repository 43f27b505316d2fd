"""Receipt codes a citizen can dictate over the phone: ``KNS-7F3K-9Q2M``. Pure Python.

Eight symbols from an alphabet without look-alikes (no 0/O, 1/I/L, U/V): seven random ones and a
Luhn mod 30 check symbol, which catches every single mistyped symbol and most swaps of two
neighbours. Cyrillic look-alike letters typed by mistake are read as their Latin twins.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0, 1, I, L, O, U
N = len(ALPHABET)
PREFIX = "KNS"
RANDOM_LENGTH = 7
SECRET_LENGTH = 10

# Letters people type on a Cyrillic keyboard for the Latin ones they hear or see.
CYRILLIC_TWINS = str.maketrans("АВЕКМНОРСТХУЗ", "ABEKMHOPCTXYZ")
# A heard "U" is written V in the alphabet; nothing else is ambiguous once 0/O/1/I/L are out.
TYPO_FIXES = str.maketrans({"U": "V"})


def check_symbol(body: str) -> str:
    """Return the Luhn mod N check symbol for ``body`` (symbols of ALPHABET)."""
    factor = 2
    total = 0
    for ch in reversed(body):
        addend = factor * ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // N + addend % N
    return ALPHABET[(N - total % N) % N]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    full = body + check_symbol(body)
    return f"{PREFIX}-{full[:4]}-{full[4:]}"


def new_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))


def normalize_code(text: str) -> str | None:
    """Return the canonical ``KNS-XXXX-XXXX`` form of a typed code, or None if it is not one."""
    raw = text.upper().translate(CYRILLIC_TWINS)
    raw = "".join(ch for ch in raw if ch.isalnum())
    if raw.startswith(PREFIX):
        raw = raw[len(PREFIX):]
    raw = raw.translate(TYPO_FIXES)
    if len(raw) != RANDOM_LENGTH + 1 or any(ch not in ALPHABET for ch in raw):
        return None
    if check_symbol(raw[:-1]) != raw[-1]:
        return None
    return f"{PREFIX}-{raw[:4]}-{raw[4:]}"


def normalize_secret(text: str) -> str:
    raw = text.upper().translate(CYRILLIC_TWINS)
    return "".join(ch for ch in raw if ch.isalnum()).translate(TYPO_FIXES)


def secret_digest(secret: str, key: bytes) -> str:
    """Return the keyed hash under which a receipt secret is stored."""
    return hmac.new(key, normalize_secret(secret).encode(), hashlib.sha256).hexdigest()
