"""Property and fuzz tests for proof generation and verification."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kenes.ledger.merkle import (
    MerkleTree,
    ProofError,
    RootMismatchError,
    consistency_proof,
    consistency_proof_length,
    hash_leaf,
    inclusion_proof,
    inclusion_proof_length,
    root_from_consistency_proof,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

from . import reference as ref

MAX_SIZE = 300
_LEAVES = [i.to_bytes(2, "big") * (i % 3) for i in range(MAX_SIZE)]
_TREE = MerkleTree(hash_leaf(x) for x in _LEAVES)


@given(st.integers(1, MAX_SIZE), st.data())
def test_inclusion_matches_reference_and_verifies(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(_TREE, index, size)
    assert proof == ref.path(index, _LEAVES[:size])
    assert len(proof) == inclusion_proof_length(index, size)
    root = ref.mth(_LEAVES[:size])
    verify_inclusion(_TREE.leaf_hash(index), index, size, proof, root)
    assert root_from_inclusion_proof(_TREE.leaf_hash(index), index, size, proof) == root


@given(st.integers(1, MAX_SIZE), st.data())
def test_consistency_matches_reference_and_verifies(size2: int, data: st.DataObject) -> None:
    size1 = data.draw(st.integers(1, size2))
    proof = consistency_proof(_TREE, size1, size2)
    assert proof == ref.proof(size1, _LEAVES[:size2])
    assert len(proof) == consistency_proof_length(size1, size2)
    root1, root2 = ref.mth(_LEAVES[:size1]), ref.mth(_LEAVES[:size2])
    verify_consistency(size1, size2, proof, root1, root2)
    assert root_from_consistency_proof(size1, size2, proof, root1) == root2


def test_every_pair_up_to_64() -> None:
    for size2 in range(1, 65):
        root2 = _TREE.root(size2)
        for size1 in range(1, size2 + 1):
            verify_consistency(
                size1, size2, consistency_proof(_TREE, size1, size2), _TREE.root(size1), root2
            )
            verify_inclusion(
                _TREE.leaf_hash(size1 - 1),
                size1 - 1,
                size2,
                inclusion_proof(_TREE, size1 - 1, size2),
                root2,
            )


def test_builder_preconditions() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(_TREE, 5, 5)
    with pytest.raises(ValueError):
        inclusion_proof(_TREE, 0, MAX_SIZE + 1)
    with pytest.raises(ValueError):
        consistency_proof(_TREE, 0, 5)
    with pytest.raises(ValueError):
        consistency_proof(_TREE, 6, 5)
    assert consistency_proof(_TREE, 7, 7) == []
    assert consistency_proof(MerkleTree(), 0, 0) == []


# ------------------------------------------------------------------ fuzzing malformed input


def _mutate(proof: list[bytes], data: st.DataObject) -> list[Any]:
    kind = data.draw(
        st.sampled_from(["flip", "truncate", "extend", "prepend", "drop", "resize", "swap", "junk"])
    )
    out: list[Any] = list(proof)
    if kind == "flip" and out:
        i = data.draw(st.integers(0, len(out) - 1))
        bit = data.draw(st.integers(0, 255))
        b = bytearray(out[i])
        b[bit // 8] ^= 1 << (bit % 8)
        out[i] = bytes(b)
    elif kind == "truncate" and out:
        out = out[: data.draw(st.integers(0, len(out) - 1))]
    elif kind == "extend":
        out += data.draw(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70))
    elif kind == "prepend":
        out.insert(0, data.draw(st.binary(min_size=32, max_size=32)))
    elif kind == "drop" and out:
        del out[data.draw(st.integers(0, len(out) - 1))]
    elif kind == "resize" and out:
        i = data.draw(st.integers(0, len(out) - 1))
        out[i] = data.draw(st.binary(max_size=64).filter(lambda b: len(b) != 32))
    elif kind == "swap" and len(out) > 1 and out[0] != out[-1]:
        out[0], out[-1] = out[-1], out[0]
    elif kind == "junk":
        i = data.draw(st.integers(0, len(out)))
        out.insert(i, data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=40))))
    else:
        out.append(b"\0" * 32)
    return out


_ANY_SIZE = st.one_of(
    st.integers(-5, MAX_SIZE + 5),
    st.integers(2**64 - 3, 2**64 + 3),
    st.none(),
    st.booleans(),
    st.text(max_size=3),
    st.floats(),
)


@settings(max_examples=400)
@given(st.integers(1, MAX_SIZE), st.data())
def test_mutated_inclusion_proofs_raise_typed_errors(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(_TREE, index, size)
    root, leaf = _TREE.root(size), _TREE.leaf_hash(index)
    bad = _mutate(proof, data)
    if bad == proof:
        return
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, bad, root)


@settings(max_examples=400)
@given(st.integers(2, MAX_SIZE), st.data())
def test_mutated_consistency_proofs_raise_typed_errors(size2: int, data: st.DataObject) -> None:
    size1 = data.draw(st.integers(1, size2 - 1))
    proof = consistency_proof(_TREE, size1, size2)
    root1, root2 = _TREE.root(size1), _TREE.root(size2)
    bad = _mutate(proof, data)
    if bad == proof:
        return
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, bad, root1, root2)


@settings(max_examples=300)
@given(
    _ANY_SIZE,
    _ANY_SIZE,
    st.one_of(st.binary(max_size=40), st.none(), st.text()),
    st.one_of(
        st.lists(st.binary(max_size=40), max_size=80),
        st.none(),
        st.binary(),
        st.text(),
        st.integers(),
    ),
    st.one_of(st.binary(max_size=40), st.none()),
)
def test_garbage_never_raises_untyped(a: Any, b: Any, h: Any, proof: Any, root: Any) -> None:
    for call in (
        lambda: verify_inclusion(h, a, b, proof, root),
        lambda: root_from_inclusion_proof(h, a, b, proof),
        lambda: verify_consistency(a, b, proof, h, root),
        lambda: root_from_consistency_proof(a, b, proof, h),
    ):
        try:
            call()
        except ProofError:
            pass


def test_root_mismatch_error_carries_roots() -> None:
    proof = inclusion_proof(_TREE, 3, 10)
    wrong = b"\x11" * 32
    with pytest.raises(RootMismatchError) as info:
        verify_inclusion(_TREE.leaf_hash(3), 3, 10, proof, wrong)
    assert info.value.expected == wrong
    assert info.value.calculated == _TREE.root(10)
    assert wrong.hex() in str(info.value)


def test_specific_malformed_inputs() -> None:
    root = _TREE.root(8)
    leaf = _TREE.leaf_hash(0)
    proof = inclusion_proof(_TREE, 0, 8)
    cases: list[tuple[Any, ...]] = [
        (leaf, 8, 8, proof, root),  # index == size
        (leaf, 9, 8, proof, root),  # index > size
        (leaf, -1, 8, proof, root),
        (leaf, 0, 0, [], root),
        (leaf[:31], 0, 8, proof, root),
        (leaf, 0, 8, proof, root[:31]),
        (leaf, 0, 8, [*proof, proof[0]], root),
        (leaf, 0, 8, proof[:-1], root),
        (leaf, 0, 8, [p + b"\0" for p in proof], root),
        (leaf, 0, 8, "not a list", root),
        (leaf, 0, 8, b"".join(proof), root),
        (leaf, 0, 2**64, proof, root),
        (leaf, True, 8, proof, root),
        (leaf, 0, 8, [b"\0" * 32] * 1000, root),
    ]
    for args in cases:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    with pytest.raises(ProofError):
        verify_consistency(0, 5, [], b"\0" * 32, root)
    with pytest.raises(ProofError):
        verify_consistency(5, 4, [], root, root)
