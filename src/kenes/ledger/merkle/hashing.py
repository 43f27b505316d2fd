"""RFC 9162 (and RFC 6962) Merkle tree hashing with SHA-256.

A leaf hash is ``SHA-256(0x00 || data)``, an interior node hash is
``SHA-256(0x01 || left || right)``, and the root of the empty tree is
``SHA-256("")``.  The domain separation prefixes make a leaf hash impossible to
confuse with a node hash (second-preimage resistance).
"""

from __future__ import annotations

from hashlib import sha256
from typing import Final

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_HASH_PREFIX",
    "MAX_TREE_SIZE",
    "NODE_HASH_PREFIX",
    "empty_root",
    "hash_children",
    "hash_leaf",
]

LEAF_HASH_PREFIX: Final = 0
NODE_HASH_PREFIX: Final = 1
HASH_SIZE: Final = 32
MAX_TREE_SIZE: Final = (1 << 64) - 1
"""The largest tree (a size is a uint64 in checkpoints and tiles)."""

_LEAF_PREFIX_BYTE: Final = bytes((LEAF_HASH_PREFIX,))
_NODE_PREFIX_BYTE: Final = bytes((NODE_HASH_PREFIX,))

EMPTY_ROOT: Final = sha256(b"").digest()


def empty_root() -> bytes:
    """Return the root hash of the empty tree, ``SHA-256("")``."""
    return EMPTY_ROOT


def hash_leaf(data: bytes | bytearray | memoryview) -> bytes:
    """Return the RFC 9162 leaf hash of ``data``.

    Precondition: ``data`` is ``bytes``, ``bytearray`` or ``memoryview`` (raises
    ``TypeError`` otherwise, so that an integer is never mistaken for zero bytes).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"leaf data must be bytes, got {type(data).__name__}")
    return sha256(_LEAF_PREFIX_BYTE + bytes(data)).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash of two child hashes.

    The children are hashed as given; callers that accept untrusted input are
    responsible for checking that each child is ``HASH_SIZE`` bytes long.
    """
    return sha256(_NODE_PREFIX_BYTE + left + right).digest()
