"""Compact ranges, hash stores and an in-memory Merkle tree.

Terminology (after transparency-dev/merkle): a *perfect subtree* or *node* is
identified by ``(level, index)`` and covers leaves
``[index * 2**level, (index + 1) * 2**level)``.  Level 0 nodes are leaf hashes.
A *compact range* ``[begin, end)`` is the minimal list of perfect subtrees that
exactly cover those leaves; for ``begin == 0`` it is the classic "tree state"
from which the root can be recomputed and to which leaves can be appended.

Any range that is itself a node of the RFC 9162 tree structure (a perfect
subtree, or the right-border "ephemeral" node of a tree whose size is not a
power of two) has a hash computable from its compact range in O(log n), which
is what makes proof generation O(log n) given a :class:`HashStore`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Final, Protocol, runtime_checkable

from .hashing import EMPTY_ROOT, HASH_SIZE, MAX_TREE_SIZE, NODE_HASH_PREFIX, hash_children

__all__ = [
    "CompactRange",
    "HashStore",
    "MerkleTree",
    "NodeID",
    "NodeVisitor",
    "is_node_range",
    "range_hash",
    "range_nodes",
    "root_hash",
]

_NODE_PREFIX: Final = bytes((NODE_HASH_PREFIX,))


@dataclass(frozen=True, slots=True)
class NodeID:
    """Identify the perfect subtree covering ``[index << level, (index + 1) << level)``."""

    level: int
    index: int

    @property
    def begin(self) -> int:
        """Return the index of the first leaf under this node."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """Return one past the index of the last leaf under this node."""
        return (self.index + 1) << self.level


NodeVisitor = Callable[[NodeID, bytes], None]
"""Callback receiving every perfect-subtree hash created while appending."""


@runtime_checkable
class HashStore(Protocol):
    """Read perfect-subtree hashes of an append-only log.

    ``get_node(level, index)`` must return the 32-byte hash of the perfect
    subtree ``(level, index)``, which is only defined when that subtree is
    complete, i.e. ``(index + 1) << level <= size``.  Stores backed by a database
    only have to persist these immutable hashes; everything else is derived.
    """

    @property
    def size(self) -> int:
        """Return the number of leaves currently stored."""
        ...

    def get_node(self, level: int, index: int) -> bytes:
        """Return the hash of the complete perfect subtree ``(level, index)``."""
        ...


def _check_range(begin: int, end: int) -> None:
    if not (isinstance(begin, int) and isinstance(end, int)):
        raise TypeError("range bounds must be integers")
    if not 0 <= begin <= end <= MAX_TREE_SIZE:
        raise ValueError(f"invalid range [{begin}, {end})")


def range_nodes(begin: int, end: int) -> list[NodeID]:
    """Return the compact range of ``[begin, end)``: its perfect subtrees, left to right.

    Precondition: ``0 <= begin <= end < 2**64``.  The result has at most
    ``2 * 64`` nodes: sizes first increase, then decrease.
    """
    _check_range(begin, end)
    nodes: list[NodeID] = []
    while begin < end:
        # The largest aligned perfect subtree starting at ``begin`` that fits.
        level = (end - begin).bit_length() - 1
        if begin:
            level = min(level, (begin & -begin).bit_length() - 1)
        nodes.append(NodeID(level, begin >> level))
        begin += 1 << level
    return nodes


def is_node_range(begin: int, end: int) -> bool:
    """Return whether ``[begin, end)`` is a node of the RFC 9162 tree structure.

    That is the case when the range is non-empty and ``begin`` is a multiple of
    the smallest power of two that is at least ``end - begin``: such a range is
    a perfect subtree, or the right-border node of some tree containing it.
    """
    if not (isinstance(begin, int) and isinstance(end, int)) or not 0 <= begin < end:
        return False
    span = 1 << (end - begin - 1).bit_length()
    return begin % span == 0


def range_hash(store: HashStore, begin: int, end: int) -> bytes:
    """Return ``MTH(D[begin:end])`` using O(log n) perfect-subtree hashes from ``store``.

    Preconditions: ``is_node_range(begin, end)`` and ``end <= store.size``
    (raises ``ValueError``).  The perfect subtrees of the range are folded from
    right to left, which equals the RFC 9162 recursive definition for such ranges.
    """
    if not is_node_range(begin, end):
        raise ValueError(f"[{begin}, {end}) is not a node range of a Merkle tree")
    if end > store.size:
        raise ValueError(f"range end {end} exceeds store size {store.size}")
    nodes = range_nodes(begin, end)
    acc = store.get_node(nodes[-1].level, nodes[-1].index)
    for node in reversed(nodes[:-1]):
        acc = hash_children(store.get_node(node.level, node.index), acc)
    return acc


def root_hash(store: HashStore, size: int | None = None) -> bytes:
    """Return the root hash of the tree made of the first ``size`` leaves of ``store``.

    ``size`` defaults to ``store.size``.  Precondition: ``0 <= size <= store.size``
    (raises ``ValueError``).  The empty tree has root ``SHA-256("")``.
    """
    if size is None:
        size = store.size
    if not isinstance(size, int) or not 0 <= size <= store.size:
        raise ValueError(f"size {size!r} outside [0, {store.size}]")
    if size == 0:
        return EMPTY_ROOT
    return range_hash(store, 0, size)


class CompactRange:
    """Hold the compact range ``[begin, end)`` and append leaves to it.

    This is the minimal state needed to keep appending to a log and computing
    its root: O(log n) hashes.  Every perfect subtree that becomes complete
    while appending is reported to an optional visitor, so a persistent
    :class:`HashStore` can be fed incrementally.
    """

    __slots__ = ("_begin", "_end", "_hashes", "_nodes")

    def __init__(
        self, begin: int = 0, end: int | None = None, hashes: Iterable[bytes] = ()
    ) -> None:
        """Create the range ``[begin, end)`` from its perfect-subtree hashes.

        Preconditions: ``0 <= begin <= end``; ``hashes`` are the 32-byte hashes of
        ``range_nodes(begin, end)`` in order (raises ``ValueError`` otherwise).
        """
        if end is None:
            end = begin
        self._nodes = range_nodes(begin, end)
        self._hashes = [bytes(h) for h in hashes]
        if len(self._hashes) != len(self._nodes):
            raise ValueError(
                f"range [{begin}, {end}) needs {len(self._nodes)} hashes, got {len(self._hashes)}"
            )
        if any(len(h) != HASH_SIZE for h in self._hashes):
            raise ValueError(f"every hash must be {HASH_SIZE} bytes")
        self._begin = begin
        self._end = end

    @classmethod
    def from_store(cls, store: HashStore, begin: int, end: int) -> CompactRange:
        """Load the compact range ``[begin, end)`` from ``store``.

        Precondition: ``0 <= begin <= end <= store.size`` (raises ``ValueError``).
        """
        _check_range(begin, end)
        if end > store.size:
            raise ValueError(f"range end {end} exceeds store size {store.size}")
        return cls(begin, end, [store.get_node(n.level, n.index) for n in range_nodes(begin, end)])

    @property
    def begin(self) -> int:
        """Return the first leaf index covered."""
        return self._begin

    @property
    def end(self) -> int:
        """Return one past the last leaf index covered."""
        return self._end

    @property
    def nodes(self) -> list[NodeID]:
        """Return the IDs of the perfect subtrees held, left to right."""
        return list(self._nodes)

    @property
    def hashes(self) -> list[bytes]:
        """Return the hashes of the perfect subtrees held, left to right."""
        return list(self._hashes)

    def append(self, leaf_hash: bytes, visit: NodeVisitor | None = None) -> None:
        """Append one leaf hash, merging completed subtrees.

        Precondition: ``leaf_hash`` is 32 bytes (raises ``ValueError``).  ``visit``
        is called for the leaf itself and for each newly completed parent node.
        """
        if not isinstance(leaf_hash, bytes | bytearray) or len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        if self._end >= MAX_TREE_SIZE:
            raise ValueError("tree is full")
        node = NodeID(0, self._end)
        h = bytes(leaf_hash)
        if visit is not None:
            visit(node, h)
        while self._nodes and node.index & 1:
            last = self._nodes[-1]
            if last != NodeID(node.level, node.index - 1):
                break
            self._nodes.pop()
            h = hash_children(self._hashes.pop(), h)
            node = NodeID(node.level + 1, node.index >> 1)
            if visit is not None:
                visit(node, h)
        self._nodes.append(node)
        self._hashes.append(h)
        self._end += 1

    def root(self) -> bytes:
        """Return the root hash of the tree ``[0, end)``.

        Precondition: ``begin == 0`` (raises ``ValueError``), since only a prefix
        of the log defines a tree root.
        """
        if self._begin != 0:
            raise ValueError("only a range starting at 0 has a tree root")
        if not self._hashes:
            return EMPTY_ROOT
        acc = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            acc = hash_children(h, acc)
        return acc


class MerkleTree:
    """Store every perfect-subtree hash of a log in memory (a :class:`HashStore`).

    Each level is one contiguous ``bytearray`` of 32-byte hashes, so ten
    million leaves take about 640 MB.  Appending is amortised O(1); the root
    at any size and proofs (see :mod:`.proof`) cost O(log n) hash operations.
    """

    __slots__ = ("_levels", "_size")

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        """Create a tree, optionally appending ``leaf_hashes``."""
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """Return the number of leaves."""
        return self._size

    def __len__(self) -> int:
        """Return the number of leaves."""
        return self._size

    def append(self, leaf_hash: bytes) -> int:
        """Append one 32-byte leaf hash and return its index.

        Precondition: ``leaf_hash`` is 32 bytes (raises ``ValueError``).
        """
        if not isinstance(leaf_hash, bytes | bytearray) or len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        levels = self._levels
        index = self._size
        levels[0] += leaf_hash
        self._size = index + 1
        h = bytes(leaf_hash)
        level = 0
        i = index
        while i & 1:
            row = levels[level]
            h = sha256(_NODE_PREFIX + row[(i - 1) * HASH_SIZE : i * HASH_SIZE] + h).digest()
            level += 1
            i >>= 1
            if level == len(levels):
                levels.append(bytearray())
            levels[level] += h
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append every hash of ``leaf_hashes`` in order."""
        append = self.append
        for h in leaf_hashes:
            append(h)

    def leaf_hash(self, index: int) -> bytes:
        """Return the hash of leaf ``index``; precondition ``0 <= index < size``."""
        return self.get_node(0, index)

    def get_node(self, level: int, index: int) -> bytes:
        """Return the hash of the complete perfect subtree ``(level, index)``.

        Precondition: ``(index + 1) << level <= size`` with non-negative
        arguments (raises ``ValueError``).
        """
        if level < 0 or index < 0 or (index + 1) << level > self._size:
            raise ValueError(f"node ({level}, {index}) is not complete at size {self._size}")
        return bytes(self._levels[level][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def root(self, size: int | None = None) -> bytes:
        """Return the root hash at ``size`` leaves (default: current size)."""
        return root_hash(self, size)

    def compact_range(self, size: int | None = None) -> CompactRange:
        """Return the compact range ``[0, size)`` (default: current size)."""
        return CompactRange.from_store(self, 0, self._size if size is None else size)
