"""Build and verify RFC 9162 inclusion and consistency proofs.

Builders take a :class:`~.compact.HashStore` and cost O(log n) store reads and
hash operations.  Verifiers follow RFC 9162 sections 2.1.3.2 and 2.1.4.2; for
*any* malformed input (wrong types, sizes out of range, hashes of the wrong
length, truncated or extended proofs) they raise :class:`~.errors.ProofError`,
and :class:`~.errors.RootMismatchError` (a subclass) when a well-formed proof
leads to a different root.  They never raise anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .compact import HashStore, range_hash
from .errors import ProofError, RootMismatchError
from .hashing import HASH_SIZE, MAX_TREE_SIZE, hash_children

__all__ = [
    "MAX_PROOF_LENGTH",
    "consistency_proof",
    "consistency_proof_length",
    "inclusion_proof",
    "inclusion_proof_length",
    "root_from_consistency_proof",
    "root_from_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

MAX_PROOF_LENGTH: Final = 65
"""No proof for a tree of at most 2**64 - 1 leaves is longer than this."""


def _largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly less than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


# --------------------------------------------------------------------------- builders


def _check_store_size(store: HashStore, size: int | None) -> int:
    if size is None:
        size = store.size
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= store.size:
        raise ValueError(f"tree size {size!r} outside [0, {store.size}]")
    return size


def inclusion_proof(store: HashStore, index: int, size: int | None = None) -> list[bytes]:
    """Return the RFC 9162 inclusion proof ``PATH(index, D[0:size])``, leaf level first.

    ``size`` defaults to ``store.size``.  Preconditions: ``0 <= index < size <=
    store.size`` (raises ``ValueError``).
    """
    size = _check_store_size(store, size)
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
        raise ValueError(f"leaf index {index!r} outside [0, {size})")
    path: list[bytes] = []
    begin, end = 0, size
    while end - begin > 1:
        mid = begin + _largest_power_of_two_below(end - begin)
        if index < mid:
            path.append(range_hash(store, mid, end))
            end = mid
        else:
            path.append(range_hash(store, begin, mid))
            begin = mid
    path.reverse()
    return path


def consistency_proof(store: HashStore, size1: int, size2: int | None = None) -> list[bytes]:
    """Return the RFC 9162 consistency proof ``PROOF(size1, D[0:size2])``, lowest level first.

    ``size2`` defaults to ``store.size``.  Preconditions: ``0 < size1 <= size2 <=
    store.size``, or ``size1 == size2 == 0`` (raises ``ValueError``).  The proof
    is empty when ``size1 == size2``.
    """
    size2 = _check_store_size(store, size2)
    if not isinstance(size1, int) or isinstance(size1, bool) or not 0 <= size1 <= size2:
        raise ValueError(f"size1 {size1!r} outside [0, {size2}]")
    if size1 == size2:
        return []
    if size1 == 0:
        raise ValueError("a consistency proof from the empty tree is meaningless")
    path: list[bytes] = []
    begin, end = 0, size2
    complete_left = True  # the "b" flag of SUBPROOF: the old root is known to the verifier
    while end != size1:
        mid = begin + _largest_power_of_two_below(end - begin)
        if size1 <= mid:
            path.append(range_hash(store, mid, end))
            end = mid
        else:
            path.append(range_hash(store, begin, mid))
            begin = mid
            complete_left = False
    if not complete_left:
        path.append(range_hash(store, begin, end))
    path.reverse()
    return path


# --------------------------------------------------------------------------- verifiers


def _check_size(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProofError(f"{name} must be an integer, got {type(value).__name__}")
    if not 0 <= value <= MAX_TREE_SIZE:
        raise ProofError(f"{name} {value} outside [0, 2**64 - 1]")
    return value


def _check_hash(name: str, value: object) -> bytes:
    if not isinstance(value, bytes | bytearray):
        raise ProofError(f"{name} must be bytes, got {type(value).__name__}")
    if len(value) != HASH_SIZE:
        raise ProofError(f"{name} has {len(value)} bytes, want {HASH_SIZE}")
    return bytes(value)


def _check_proof(proof: object) -> list[bytes]:
    if not isinstance(proof, Sequence) or isinstance(proof, str | bytes | bytearray):
        raise ProofError(f"proof must be a sequence of hashes, got {type(proof).__name__}")
    if len(proof) > MAX_PROOF_LENGTH:
        raise ProofError(f"proof has {len(proof)} hashes, more than {MAX_PROOF_LENGTH}")
    return [_check_hash(f"proof[{i}]", h) for i, h in enumerate(proof)]


def inclusion_proof_length(index: int, size: int) -> int:
    """Return the number of hashes in an inclusion proof for ``index`` in a tree of ``size``.

    Precondition: ``0 <= index < size`` (raises ``ProofError``).
    """
    index = _check_size("index", index)
    size = _check_size("size", size)
    if index >= size:
        raise ProofError(f"index {index} is not below tree size {size}")
    # Below the level where the paths to ``index`` and ``size - 1`` meet, every
    # level contributes a sibling; above it, only levels where ``index`` is a
    # right child do (the right border has no right siblings).
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(size1: int, size2: int) -> int:
    """Return the number of hashes in a consistency proof from ``size1`` to ``size2``.

    Precondition: ``0 < size1 <= size2`` (raises ``ProofError``).
    """
    size1 = _check_size("size1", size1)
    size2 = _check_size("size2", size2)
    if size1 == 0 or size1 > size2:
        raise ProofError(f"need 0 < size1 <= size2, got size1={size1}, size2={size2}")
    if size1 == size2:
        return 0
    shift = (size1 & -size1).bit_length() - 1
    length = inclusion_proof_length(size1 - 1, size2) - shift
    # The old root is the seed when size1 is a power of two; otherwise the proof
    # starts with the hash of the subtree of size 2**shift on the old border.
    return length if size1 == 1 << shift else length + 1


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """Return the root implied by an inclusion proof (RFC 9162 section 2.1.3.2).

    Preconditions, checked with :class:`ProofError`: ``0 <= index < size <
    2**64``, ``leaf_hash`` and every proof element are 32 bytes, and the proof
    has exactly ``inclusion_proof_length(index, size)`` elements.
    """
    leaf_hash = _check_hash("leaf hash", leaf_hash)
    path = _check_proof(proof)
    want = inclusion_proof_length(index, size)
    if len(path) != want:
        raise ProofError(
            f"inclusion proof has {len(path)} hashes, want {want} "
            f"for index {index} in a tree of size {size}"
        )
    fn, sn = index, size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:  # pragma: no cover - excluded by the length check
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = hash_children(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:  # pragma: no cover - excluded by the length check
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with ``root``.

    Raise :class:`ProofError` for malformed input and :class:`RootMismatchError`
    when the proof leads to another root.
    """
    root = _check_hash("root", root)
    calculated = root_from_inclusion_proof(leaf_hash, index, size, proof)
    if calculated != root:
        raise RootMismatchError(root, calculated)


def root_from_consistency_proof(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes
) -> bytes:
    """Check ``proof`` against ``root1`` and return the root it implies for ``size2``.

    Follows RFC 9162 section 2.1.4.2.  Preconditions, checked with
    :class:`ProofError`: ``0 < size1 <= size2 < 2**64`` (``size1 == size2 == 0``
    is accepted with an empty proof), hashes are 32 bytes, and the proof has
    exactly ``consistency_proof_length(size1, size2)`` elements.  Raise
    :class:`RootMismatchError` if the proof does not reproduce ``root1``.
    """
    root1 = _check_hash("root1", root1)
    path = _check_proof(proof)
    size1 = _check_size("size1", size1)
    size2 = _check_size("size2", size2)
    if size1 == size2:
        if path:
            raise ProofError(f"size1 == size2 == {size1} but the proof is not empty")
        return root1
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    want = consistency_proof_length(size1, size2)
    if len(path) != want:
        raise ProofError(
            f"consistency proof has {len(path)} hashes, want {want} "
            f"from size {size1} to size {size2}"
        )
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:  # pragma: no cover - excluded by the length check
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = hash_children(c, fr)
            sr = hash_children(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:  # pragma: no cover - excluded by the length check
        raise ProofError("consistency proof is too short")
    if fr != root1:
        raise RootMismatchError(root1, fr)
    return sr


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that the tree of ``size1`` with ``root1`` is a prefix of the one with ``root2``.

    Raise :class:`ProofError` for malformed input and :class:`RootMismatchError`
    when either root is not reproduced by the proof.
    """
    root2 = _check_hash("root2", root2)
    calculated = root_from_consistency_proof(size1, size2, proof, root1)
    if calculated != root2:
        raise RootMismatchError(root2, calculated)
