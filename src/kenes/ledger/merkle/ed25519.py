"""The part every Ed25519 note signer and verifier shares: name, key ID, public key."""

from __future__ import annotations

from typing import ClassVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import KeyFormatError
from .note import check_key_name, compute_key_id


def raw_public(key: Ed25519PrivateKey) -> bytes:
    """Return the 32-byte raw public key of ``key``."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class NamedEd25519Key:
    """Name, key ID and raw public key: what signers and verifiers of notes share."""

    SIGNATURE_TYPE: ClassVar[int]
    __slots__ = ("_key_id", "_name", "_public")

    def _identify(self, name: str, public: bytes) -> None:
        self._name = check_key_name(name)
        self._public = public
        self._key_id = compute_key_id(name, self.SIGNATURE_TYPE, public)

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


class Ed25519KeyHolder(NamedEd25519Key):
    """Hold a named Ed25519 private key and the key ID of ``SIGNATURE_TYPE`` derived from it."""

    __slots__ = ("_key",)

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        """Raise :class:`~.errors.KeyFormatError` for an invalid name."""
        self._identify(name, raw_public(private_key))
        self._key = private_key


class Ed25519PublicKeyHolder(NamedEd25519Key):
    """Hold a named Ed25519 public key (32 raw bytes) for verifying."""

    __slots__ = ("_key",)

    def __init__(self, name: str, public_key: bytes) -> None:
        """Raise :class:`~.errors.KeyFormatError` for an invalid name or key."""
        check_key_name(name)
        if not isinstance(public_key, bytes | bytearray) or len(public_key) != 32:
            raise KeyFormatError("an Ed25519 public key has 32 bytes")
        try:
            self._key = Ed25519PublicKey.from_public_bytes(bytes(public_key))
        except ValueError as exc:
            raise KeyFormatError("invalid Ed25519 public key") from exc
        self._identify(name, bytes(public_key))
