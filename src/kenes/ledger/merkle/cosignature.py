"""Ed25519 witness cosignatures of checkpoints (c2sp.org/tlog-cosignature).

A cosignature is a note signature with signature type ``0x04`` whose bytes are
``u64 big-endian timestamp || Ed25519 signature`` over the message::

    cosignature/v1
    time <timestamp>
    <checkpoint note text>

The key ID is ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
)

from .checkpoint import parse_checkpoint
from .ed25519 import Ed25519KeyHolder, Ed25519PublicKeyHolder
from .errors import CheckpointError, CosignatureError
from .note import Note

__all__ = [
    "COSIGNATURE_HEADER",
    "COSIGNATURE_SIZE",
    "COSIGNATURE_TYPE",
    "MAX_TIMESTAMP",
    "Cosignature",
    "CosignatureSigner",
    "CosignatureVerifier",
    "cosignature_timestamp",
    "cosignatures",
    "cosigned_message",
]

COSIGNATURE_TYPE: Final = 0x04
COSIGNATURE_HEADER: Final = "cosignature/v1"
COSIGNATURE_SIZE: Final = 8 + 64
MAX_TIMESTAMP: Final = (1 << 63) - 1

Clock = Callable[[], int]


def _now() -> int:
    return int(time.time())


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """Return the bytes an Ed25519 cosigner signs for ``checkpoint_text`` at ``timestamp``.

    Preconditions: ``0 <= timestamp <= 2**63 - 1`` (raises
    :class:`CosignatureError`) and ``checkpoint_text`` is a checkpoint note body
    (raises :class:`~.errors.CheckpointError`).
    """
    if not isinstance(timestamp, int) or isinstance(timestamp, bool):
        raise CosignatureError("timestamp must be an integer")
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CosignatureError(f"timestamp {timestamp} outside [0, 2**63 - 1]")
    parse_checkpoint(checkpoint_text)
    return f"{COSIGNATURE_HEADER}\ntime {timestamp}\n{checkpoint_text}".encode()


def cosignature_timestamp(signature: bytes) -> int:
    """Return the timestamp of a raw cosignature (signature bytes without key ID).

    Raise :class:`CosignatureError` unless ``signature`` is 72 bytes with a
    timestamp of at most ``2**63 - 1``.
    """
    if len(signature) != COSIGNATURE_SIZE:
        raise CosignatureError(f"cosignature has {len(signature)} bytes, want {COSIGNATURE_SIZE}")
    timestamp = int.from_bytes(signature[:8], "big")
    if timestamp > MAX_TIMESTAMP:
        raise CosignatureError(f"cosignature timestamp {timestamp} exceeds 2**63 - 1")
    return timestamp


class CosignatureSigner(Ed25519KeyHolder):
    """Sign checkpoints as an Ed25519 witness (a :class:`~.note.Signer`), type 0x04."""

    SIGNATURE_TYPE = COSIGNATURE_TYPE
    __slots__ = ("_clock",)

    def __init__(self, name: str, private_key: Ed25519PrivateKey, clock: Clock = _now) -> None:
        """Create a cosigner; ``clock`` returns the POSIX time used as timestamp."""
        super().__init__(name, private_key)
        self._clock = clock

    def sign(self, message: bytes) -> bytes:
        """Return ``timestamp || Ed25519 signature`` over the cosigned message.

        Precondition: ``message`` is a UTF-8 checkpoint note body (raises
        :class:`~.errors.CheckpointError` or :class:`CosignatureError`).
        """
        try:
            text = message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CheckpointError("checkpoint is not valid UTF-8") from exc
        timestamp = self._clock()
        signed = cosigned_message(text, timestamp)
        return timestamp.to_bytes(8, "big") + self._key.sign(signed)


class CosignatureVerifier(Ed25519PublicKeyHolder):
    """Verify Ed25519 witness cosignatures (a :class:`~.note.Verifier`).

    With ``max_future_seconds`` set, cosignatures dated more than that many
    seconds after ``clock()`` are rejected with :class:`CosignatureError`.
    """

    SIGNATURE_TYPE = COSIGNATURE_TYPE
    __slots__ = ("_clock", "_max_future")

    def __init__(
        self,
        name: str,
        public_key: bytes,
        *,
        max_future_seconds: int | None = None,
        clock: Clock = _now,
    ) -> None:
        """Create a verifier for the cosigner ``name`` with a 32-byte public key.

        Raise :class:`~.errors.KeyFormatError` for an invalid name or key.
        """
        super().__init__(name, public_key)
        self._max_future = max_future_seconds
        self._clock = clock

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` cosigns the checkpoint body ``message``.

        Raise :class:`CosignatureError` for a malformed signature, an
        out-of-range or future timestamp; return ``False`` if the Ed25519
        signature does not verify or ``message`` is not a checkpoint.
        """
        timestamp = cosignature_timestamp(signature)
        if self._max_future is not None and timestamp > self._clock() + self._max_future:
            raise CosignatureError(f"cosignature timestamp {timestamp} is in the future")
        try:
            signed = cosigned_message(message.decode("utf-8"), timestamp)
        except (UnicodeDecodeError, CheckpointError):
            return False
        try:
            self._key.verify(signature[8:], signed)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Cosignature:
    """Describe one verified cosignature: who signed, and when."""

    name: str
    key_id: int
    timestamp: int


def cosignatures(note: Note, verifiers: list[CosignatureVerifier]) -> list[Cosignature]:
    """Return the cosignatures among ``note.signatures`` made by ``verifiers``.

    Precondition: ``note`` comes from :func:`~.note.open_note` with these
    verifiers among its known keys, so its ``signatures`` are verified.
    """
    keys = {(v.name, v.key_id) for v in verifiers}
    found: list[Cosignature] = []
    for sig in note.signatures:
        if (sig.name, sig.key_id) in keys:
            found.append(Cosignature(sig.name, sig.key_id, cosignature_timestamp(sig.signature)))
    return found
