"""Encryption of personal data at rest (Kazakhstan Law 94-V): contacts, names, IIN.

Fields are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under ``KENES_FIELD_KEYS``
(comma-separated Fernet keys, newest first, so keys can be rotated), or, when unset, a key
generated once into ``DATA_DIR/field_keys`` (mode 600). ``blind_index`` gives a keyed hash for
equality look-ups (e.g. "the same author sent this text") without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _keys() -> tuple[bytes, ...]:
    raw = os.environ.get("KENES_FIELD_KEYS", "")
    if not raw:
        path = settings.DATA_DIR / "field_keys"
        if not path.exists():
            path.write_text(Fernet.generate_key().decode() + "\n")
            path.chmod(0o600)
        raw = path.read_text()
    keys = tuple(k.strip().encode() for k in raw.replace("\n", ",").split(",") if k.strip())
    if not keys:
        raise RuntimeError("KENES_FIELD_KEYS is empty: set at least one Fernet key")
    return keys


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


@cache
def _index_key() -> bytes:
    return hmac.new(_keys()[-1], b"kenes blind index v1", hashlib.sha256).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Return the plain text; raise ValueError when no configured key opens the token."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "cannot decrypt: the field key has changed or the data is damaged"
        ) from exc


def blind_index(value: str) -> str:
    """Return a keyed hash of a normalised value, for equality look-ups of personal data.

    The oldest key derives it, so rotating in a new key does not change existing indexes.
    """
    norm = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    return hmac.new(_index_key(), norm.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted; reads return plain text. Not searchable or sortable."""

    description = "Encrypted text"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
