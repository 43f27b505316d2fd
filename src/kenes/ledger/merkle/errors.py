"""Typed errors raised by the Merkle log package.

Every error derives from :class:`MerkleError`, so callers handling untrusted
input can catch a single type.  Verification code raises only these errors for
malformed input; programming mistakes in trusted calls (for instance asking a
store for a node it cannot have) raise ``ValueError``/``IndexError``.
"""

from __future__ import annotations

__all__ = [
    "CheckpointError",
    "CosignatureError",
    "InvalidSignatureError",
    "KeyFormatError",
    "MerkleError",
    "NoteError",
    "ProofError",
    "ReceiptError",
    "RootMismatchError",
    "TileError",
    "UnverifiedNoteError",
]


class MerkleError(Exception):
    """Base class of every error raised by ``kenes.ledger.merkle``."""


class ProofError(MerkleError):
    """Reject a proof that is malformed or does not match its claims."""


class RootMismatchError(ProofError):
    """Report a well-formed proof whose calculated root differs from the expected one."""

    def __init__(self, expected: bytes, calculated: bytes) -> None:
        """Record both roots; the message shows them in hex."""
        self.expected = bytes(expected)
        self.calculated = bytes(calculated)
        super().__init__(
            f"calculated root {self.calculated.hex()} does not match "
            f"expected root {self.expected.hex()}"
        )


class NoteError(MerkleError):
    """Reject a signed note that is malformed or cannot be verified."""


class InvalidSignatureError(NoteError):
    """Report a signature from a known key that fails to verify."""


class UnverifiedNoteError(NoteError):
    """Report a note carrying no valid signature from any known key."""


class KeyFormatError(NoteError):
    """Reject a malformed key name, verifier key or private key string."""


class CosignatureError(NoteError):
    """Reject a malformed cosignature (for instance an out-of-range timestamp)."""


class CheckpointError(MerkleError):
    """Reject a checkpoint body that does not follow c2sp.org/tlog-checkpoint."""


class TileError(MerkleError):
    """Reject a malformed tile path, tile or entry bundle."""


class ReceiptError(MerkleError):
    """Reject a malformed receipt (file, code) or a log source that cannot be read."""
