"""Compact ranges, range decomposition and the in-memory tree."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kenes.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    HashStore,
    MerkleTree,
    NodeID,
    hash_leaf,
    is_node_range,
    range_hash,
    range_nodes,
    root_hash,
)

from .reference import mth


def _data(n: int) -> list[bytes]:
    return [i.to_bytes(4, "big") for i in range(n)]


def test_merkle_tree_is_a_hash_store() -> None:
    assert isinstance(MerkleTree(), HashStore)


def test_empty_tree() -> None:
    tree = MerkleTree()
    assert tree.size == len(tree) == 0
    assert tree.root() == EMPTY_ROOT
    assert CompactRange().root() == EMPTY_ROOT


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**20))
def test_range_nodes_cover_the_range_exactly(begin: int, length: int) -> None:
    end = min(begin + length, 2**64 - 1)
    nodes = range_nodes(begin, end)
    pos = begin
    for node in nodes:
        assert node.begin == pos
        pos = node.end
    assert pos == end
    assert len(nodes) <= 2 * 64
    # Maximality: no two neighbours are siblings.
    for a, b in itertools.pairwise(nodes):
        assert not (a.level == b.level and a.index % 2 == 0 and b.index == a.index + 1)


def test_range_nodes_examples() -> None:
    assert range_nodes(0, 7) == [NodeID(2, 0), NodeID(1, 2), NodeID(0, 6)]
    assert range_nodes(1, 7) == [NodeID(0, 1), NodeID(1, 1), NodeID(1, 2), NodeID(0, 6)]
    assert range_nodes(5, 5) == []
    with pytest.raises(ValueError):
        range_nodes(3, 2)


def test_is_node_range() -> None:
    assert is_node_range(0, 5)
    assert is_node_range(8, 11)
    assert is_node_range(4, 8)
    assert not is_node_range(2, 5)
    assert not is_node_range(3, 3)
    assert not is_node_range(-1, 3)


@given(st.integers(1, 300), st.data())
def test_root_and_range_hash_match_reference(size: int, data: st.DataObject) -> None:
    leaves = _data(size)
    tree = MerkleTree(hash_leaf(x) for x in leaves)
    n = data.draw(st.integers(0, size))
    assert tree.root(n) == root_hash(tree, n) == mth(leaves[:n])
    begin = data.draw(st.integers(0, size - 1))
    end = data.draw(st.integers(begin + 1, size))
    if is_node_range(begin, end):
        assert range_hash(tree, begin, end) == mth(leaves[begin:end])
    else:
        with pytest.raises(ValueError):
            range_hash(tree, begin, end)


@given(st.integers(0, 200), st.integers(0, 200))
def test_compact_range_append_and_visitor(split: int, extra: int) -> None:
    leaves = _data(split + extra)
    hashes = [hash_leaf(x) for x in leaves]
    full = MerkleTree(hashes)
    prefix = MerkleTree(hashes[:split])
    cr = CompactRange.from_store(prefix, 0, split)
    assert cr.root() == mth(leaves[:split])
    seen: dict[NodeID, bytes] = {}
    for h in hashes[split:]:
        cr.append(h, lambda node, value: seen.__setitem__(node, value))
    assert (cr.begin, cr.end) == (0, split + extra)
    assert cr.root() == full.root() == mth(leaves)
    assert cr.nodes == range_nodes(0, split + extra)
    for node, value in seen.items():
        assert node.end > split
        assert full.get_node(node.level, node.index) == value


@given(st.integers(0, 100), st.integers(0, 100))
def test_compact_range_with_nonzero_begin(begin: int, length: int) -> None:
    hashes = [hash_leaf(x) for x in _data(begin + length)]
    tree = MerkleTree(hashes)
    cr = CompactRange(begin)
    for h in hashes[begin:]:
        cr.append(h)
    assert cr.hashes == CompactRange.from_store(tree, begin, begin + length).hashes
    if begin:
        with pytest.raises(ValueError):
            cr.root()


def test_compact_range_preconditions() -> None:
    with pytest.raises(ValueError):
        CompactRange(0, 3, [b"\0" * 32])
    with pytest.raises(ValueError):
        CompactRange(0, 1, [b"\0" * 31])
    with pytest.raises(ValueError):
        CompactRange().append(b"short")


def test_tree_preconditions() -> None:
    tree = MerkleTree([hash_leaf(b"a"), hash_leaf(b"b"), hash_leaf(b"c")])
    with pytest.raises(ValueError):
        tree.append(b"\0" * 31)
    with pytest.raises(ValueError):
        tree.get_node(1, 1)  # leaves 2..3, only 3 leaves present
    with pytest.raises(ValueError):
        tree.get_node(0, 3)
    with pytest.raises(ValueError):
        tree.root(4)
    assert tree.compact_range().root() == tree.root()
    assert tree.append(hash_leaf(b"d")) == 3
    assert tree.get_node(2, 0) == tree.root()
