"""Ed25519 note keys and their string encodings.

Two string formats are used, both compatible with Go's
``golang.org/x/mod/sumdb/note``:

* verifier key (*vkey*), safe to publish::

      <name>+<key ID as 8 lowercase hex digits>+<base64(type || 32-byte public key)>

* private key (*skey*), a secret to keep out of logs and repositories::

      PRIVATE+KEY+<name>+<key ID as 8 lowercase hex digits>+<base64(type || 32-byte seed)>

``type`` is ``0x01`` for note signatures of a log and ``0x04`` for witness
cosignatures (:mod:`.cosignature`).  The key ID is always recomputed and must
match the one written in the string.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from .cosignature import COSIGNATURE_TYPE, CosignatureSigner, CosignatureVerifier
from .ed25519 import Ed25519KeyHolder, Ed25519PublicKeyHolder, raw_public
from .errors import KeyFormatError
from .note import Signer, Verifier, check_key_name, compute_key_id

__all__ = [
    "ED25519_TYPE",
    "PRIVATE_KEY_PREFIX",
    "Ed25519Signer",
    "Ed25519Verifier",
    "format_private_key",
    "format_verifier_key",
    "generate_key",
    "parse_private_key",
    "parse_verifier_key",
    "verifier_for",
]

ED25519_TYPE: Final = 0x01
PRIVATE_KEY_PREFIX: Final = "PRIVATE+KEY+"
_KEY_ID_RE: Final = re.compile(r"[0-9a-f]{8}")
_KNOWN_TYPES: Final = (ED25519_TYPE, COSIGNATURE_TYPE)


class Ed25519Signer(Ed25519KeyHolder):
    """Sign notes with an Ed25519 key, signature type 0x01 (a :class:`~.note.Signer`)."""

    SIGNATURE_TYPE = ED25519_TYPE
    __slots__ = ()

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of ``message``."""
        return self._key.sign(message)


class Ed25519Verifier(Ed25519PublicKeyHolder):
    """Verify Ed25519 note signatures, type 0x01 (a :class:`~.note.Verifier`)."""

    SIGNATURE_TYPE = ED25519_TYPE
    __slots__ = ()

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` is a valid Ed25519 signature of ``message``."""
        if len(signature) != 64:
            return False
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def _check_type(signature_type: int) -> None:
    if signature_type not in _KNOWN_TYPES:
        raise KeyFormatError(f"unsupported signature type 0x{signature_type:02x}")


def format_verifier_key(name: str, public_key: bytes, signature_type: int = ED25519_TYPE) -> str:
    """Return the vkey string ``<name>+<hex key ID>+<base64(type || public key)>``.

    Preconditions: valid key name, 32-byte key, type 0x01 or 0x04 (raises
    :class:`KeyFormatError`).
    """
    check_key_name(name)
    _check_type(signature_type)
    if len(public_key) != 32:
        raise KeyFormatError("an Ed25519 public key has 32 bytes")
    key_id = compute_key_id(name, signature_type, public_key)
    blob = base64.b64encode(bytes((signature_type,)) + public_key).decode("ascii")
    return f"{name}+{key_id:08x}+{blob}"


def format_private_key(name: str, seed: bytes, signature_type: int = ED25519_TYPE) -> str:
    """Return ``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``.

    ``seed`` is the 32-byte Ed25519 private key (RFC 8032 seed).  Preconditions
    as for :func:`format_verifier_key`.
    """
    check_key_name(name)
    _check_type(signature_type)
    if len(seed) != 32:
        raise KeyFormatError("an Ed25519 private key seed has 32 bytes")
    public = raw_public(Ed25519PrivateKey.from_private_bytes(seed))
    key_id = compute_key_id(name, signature_type, public)
    blob = base64.b64encode(bytes((signature_type,)) + seed).decode("ascii")
    return f"{PRIVATE_KEY_PREFIX}{name}+{key_id:08x}+{blob}"


def _split_key(text: object, what: str) -> tuple[str, int, int, bytes]:
    if not isinstance(text, str):
        raise KeyFormatError(f"{what} must be a string")
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError(f"{what} must be '<name>+<key ID>+<base64 key>'")
    name, key_id_hex, encoded = parts
    check_key_name(name)
    if not _KEY_ID_RE.fullmatch(key_id_hex):
        raise KeyFormatError(f"{what} key ID {key_id_hex!r} is not 8 lowercase hex digits")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(f"{what} key material is not valid base64") from exc
    if len(blob) != 33:
        raise KeyFormatError(f"{what} key material has {len(blob)} bytes, want 33")
    _check_type(blob[0])
    return name, int(key_id_hex, 16), blob[0], blob[1:]


def parse_verifier_key(vkey: str) -> Verifier:
    """Return the verifier encoded by a vkey string.

    Type 0x01 gives an :class:`Ed25519Verifier`, type 0x04 a
    :class:`~.cosignature.CosignatureVerifier`.  Raise :class:`KeyFormatError`
    for a malformed string, unknown type or mismatching key ID.
    """
    name, key_id, signature_type, public = _split_key(vkey, "verifier key")
    if compute_key_id(name, signature_type, public) != key_id:
        raise KeyFormatError("verifier key ID does not match its name and public key")
    if signature_type == COSIGNATURE_TYPE:
        return CosignatureVerifier(name, public)
    return Ed25519Verifier(name, public)


def parse_private_key(skey: str) -> Signer:
    """Return the signer encoded by a private key string (see module docstring).

    Raise :class:`KeyFormatError` for a malformed string or mismatching key ID.
    """
    if not isinstance(skey, str) or not skey.startswith(PRIVATE_KEY_PREFIX):
        raise KeyFormatError(f"private key must start with {PRIVATE_KEY_PREFIX!r}")
    name, key_id, signature_type, seed = _split_key(
        skey.strip()[len(PRIVATE_KEY_PREFIX) :], "private key"
    )
    private = Ed25519PrivateKey.from_private_bytes(seed)
    if compute_key_id(name, signature_type, raw_public(private)) != key_id:
        raise KeyFormatError("private key ID does not match its name and key")
    if signature_type == COSIGNATURE_TYPE:
        return CosignatureSigner(name, private)
    return Ed25519Signer(name, private)


def generate_key(name: str, signature_type: int = ED25519_TYPE) -> tuple[str, str]:
    """Generate a fresh Ed25519 key and return ``(private key string, vkey string)``."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    return (
        format_private_key(name, seed, signature_type),
        format_verifier_key(name, raw_public(private), signature_type),
    )


def verifier_for(signer: Ed25519Signer | CosignatureSigner) -> Verifier:
    """Return the verifier matching ``signer``."""
    if isinstance(signer, CosignatureSigner):
        return CosignatureVerifier(signer.name, signer.public_key)
    return Ed25519Verifier(signer.name, signer.public_key)
