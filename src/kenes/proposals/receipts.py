"""Receipt codes a citizen can dictate over the phone: ``KNS-7F3K-9Q2M``. Pure Python.

Eight symbols from an alphabet without look-alikes (no 0/O, 1/I/L, U/V): seven random ones and a
Luhn mod 30 check symbol, which catches every single mistyped symbol and most swaps of two
neighbours. Cyrillic look-alike letters typed by mistake are read as their Latin twins.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from kenes.ledger.merkle.codes import ALPHABET, check_symbol, normalize_code, normalize_secret

PREFIX = "KNS"
RANDOM_LENGTH = 7
SECRET_LENGTH = 10
__all__ = [
    "ALPHABET",
    "check_symbol",
    "new_code",
    "new_secret",
    "normalize_code",
    "normalize_secret",
    "secret_digest",
]


# Random bytes below this bound map to symbols without bias (a multiple of the alphabet's size).
_BOUND = 256 - 256 % len(ALPHABET)


def _random_symbols(n: int) -> str:
    """``n`` uniformly random symbols of the alphabet, from the OS's CSPRNG.

    One ``token_bytes`` call instead of ``n`` calls of ``secrets.choice`` (bulk imports draw
    two of these per row).
    """
    out: list[str] = []
    while len(out) < n:
        out.extend(ALPHABET[b % len(ALPHABET)] for b in secrets.token_bytes(n + 4) if b < _BOUND)
    return "".join(out[:n])


def new_code() -> str:
    body = _random_symbols(RANDOM_LENGTH)
    full = body + check_symbol(body)
    return f"{PREFIX}-{full[:4]}-{full[4:]}"


def new_secret() -> str:
    return _random_symbols(SECRET_LENGTH)


def secret_digest(secret: str, key: bytes) -> str:
    """Return the keyed hash under which a receipt secret is stored."""
    return hmac.new(key, normalize_secret(secret).encode(), hashlib.sha256).hexdigest()
