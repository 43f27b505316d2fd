"""The part every Ed25519 note signer shares: name, key ID, public key."""

from __future__ import annotations

from typing import ClassVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .note import check_key_name, compute_key_id


def raw_public(key: Ed25519PrivateKey) -> bytes:
    """Return the 32-byte raw public key of ``key``."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class Ed25519KeyHolder:
    """Hold a named Ed25519 private key and the key ID of ``SIGNATURE_TYPE`` derived from it."""

    SIGNATURE_TYPE: ClassVar[int]
    __slots__ = ("_key", "_key_id", "_name", "_public")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        """Raise :class:`~.errors.KeyFormatError` for an invalid name."""
        self._name = check_key_name(name)
        self._key = private_key
        self._public = raw_public(private_key)
        self._key_id = compute_key_id(name, self.SIGNATURE_TYPE, self._public)

    @property
    def name(self) -> str:
        """Return the key name."""
        return self._name

    @property
    def key_id(self) -> int:
        """Return the 32-bit key ID."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """Return the 32-byte Ed25519 public key."""
        return self._public
