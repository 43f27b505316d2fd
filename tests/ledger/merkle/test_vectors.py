"""Known-answer tests: RFC 6962 vectors and JSON vectors from the reference implementation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kenes.ledger.merkle import (
    EMPTY_ROOT,
    LEAF_HASH_PREFIX,
    NODE_HASH_PREFIX,
    MerkleTree,
    ProofError,
    RootMismatchError,
    consistency_proof,
    empty_root,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

from . import make_vectors

TESTDATA = Path(__file__).parent / "testdata"
ERRORS: dict[str | None, type[Exception] | None] = {
    None: None,
    "ProofError": ProofError,
    "RootMismatchError": RootMismatchError,
}


def _load(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((TESTDATA / name).read_text(encoding="utf-8"))
    return doc


RFC = _load("rfc6962.json")
LEAVES = [bytes.fromhex(x) for x in RFC["leaves"]]
INCLUSION = _load("inclusion.json")["cases"]
CONSISTENCY = _load("consistency.json")["cases"]


@pytest.mark.parametrize("name", ["rfc6962.json", "inclusion.json", "consistency.json"])
def test_vectors_are_reproducible_from_reference(name: str) -> None:
    assert (TESTDATA / name).read_text(encoding="utf-8") == make_vectors.render(
        make_vectors.build_all()[name]
    )


def test_prefixes_and_empty_root() -> None:
    assert (LEAF_HASH_PREFIX, NODE_HASH_PREFIX) == (0, 1)
    assert empty_root() == EMPTY_ROOT == bytes.fromhex(RFC["roots"][0])


@pytest.mark.parametrize("vector", RFC["hasher"], ids=lambda v: v["desc"])
def test_hasher_vectors(vector: dict[str, str]) -> None:
    if vector["kind"] == "empty":
        got = empty_root()
    elif vector["kind"] == "leaf":
        got = hash_leaf(bytes.fromhex(vector["data"]))
    else:
        got = hash_children(bytes.fromhex(vector["left"]), bytes.fromhex(vector["right"]))
    assert got.hex() == vector["want"]


def test_empty_leaf_differs_from_empty_tree() -> None:
    assert hash_leaf(b"") != empty_root()


def test_rfc6962_tree_roots_and_leaf_hashes() -> None:
    tree = MerkleTree(hash_leaf(x) for x in LEAVES)
    assert [tree.leaf_hash(i).hex() for i in range(8)] == RFC["leaf_hashes"]
    assert [tree.root(n).hex() for n in range(9)] == RFC["roots"]


@pytest.fixture(scope="module")
def rfc_tree() -> MerkleTree:
    return MerkleTree(hash_leaf(x) for x in LEAVES)


def _hashes(items: list[str]) -> list[bytes]:
    return [bytes.fromhex(x) for x in items]


@pytest.mark.parametrize("case", INCLUSION, ids=lambda c: c["desc"])
def test_inclusion_vectors(case: dict[str, Any], rfc_tree: MerkleTree) -> None:
    args = (
        bytes.fromhex(case["leaf_hash"]),
        case["index"],
        case["size"],
        _hashes(case["proof"]),
        bytes.fromhex(case["root"]),
    )
    want = ERRORS[case["want_err"]]
    if want is None:
        verify_inclusion(*args)
        assert inclusion_proof(rfc_tree, case["index"], case["size"]) == args[3]
        assert root_from_inclusion_proof(*args[:4]) == args[4]
    else:
        with pytest.raises(want) as info:
            verify_inclusion(*args)
        assert type(info.value) is want


@pytest.mark.parametrize("case", CONSISTENCY, ids=lambda c: c["desc"])
def test_consistency_vectors(case: dict[str, Any], rfc_tree: MerkleTree) -> None:
    args = (
        case["size1"],
        case["size2"],
        _hashes(case["proof"]),
        bytes.fromhex(case["root1"]),
        bytes.fromhex(case["root2"]),
    )
    want = ERRORS[case["want_err"]]
    if want is None:
        verify_consistency(*args)
        assert consistency_proof(rfc_tree, case["size1"], case["size2"]) == args[2]
    else:
        with pytest.raises(want) as info:
            verify_consistency(*args)
        assert type(info.value) is want


def test_hash_leaf_rejects_non_bytes() -> None:
    with pytest.raises(TypeError):
        hash_leaf(5)  # type: ignore[arg-type]
    assert hash_leaf(bytearray(b"L123456")) == hash_leaf(memoryview(b"L123456"))
