"""Write the JSON test vectors in ``testdata/`` from the naive reference implementation.

Run ``.venv/bin/python -m tests.ledger.merkle.make_vectors`` from the repository
root, or ``python tests/ledger/merkle/make_vectors.py``.  Only
:mod:`reference` (RFC 9162 transcribed) and the standard library are used, so
the vectors are independent of ``kenes.ledger.merkle``.  ``test_vectors.py``
checks that the committed files equal what this script produces.
"""

from __future__ import annotations

import json
import sys
from hashlib import sha256
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):
    sys.path.insert(0, str(HERE))
    import reference as ref
else:
    from . import reference as ref

TESTDATA = HERE / "testdata"

# Leaf inputs and expected hashes of the RFC 6962 test tree, copied from
# transparency-dev/merkle testonly/constants.go (LeafInputs, NodeHashes, RootHashes);
# the hasher vectors come from transparency-dev/merkle rfc6962/rfc6962_test.go.
# They are checked against the reference implementation when vectors are built.
RFC6962_SOURCE = "transparency-dev/merkle testonly/constants.go and rfc6962/rfc6962_test.go"
RFC6962_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
RFC6962_LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
HASHER_VECTORS = [
    {
        "desc": "empty tree root (echo -n | sha256sum)",
        "kind": "empty",
        "want": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    },
    {
        "desc": "leaf hash of the empty leaf",
        "kind": "leaf",
        "data": "",
        "want": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    },
    {
        "desc": "leaf hash of 'L123456'",
        "kind": "leaf",
        "data": b"L123456".hex(),
        "want": "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
    },
    {
        "desc": "node hash of 'N123' and 'N456'",
        "kind": "node",
        "left": b"N123".hex(),
        "right": b"N456".hex(),
        "want": "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
    },
]

OK = None
PROOF_ERROR = "ProofError"
ROOT_MISMATCH = "RootMismatchError"


def _leaves() -> list[bytes]:
    return [bytes.fromhex(x) for x in RFC6962_LEAVES]


def _flip(h: bytes, bit: int) -> bytes:
    b = bytearray(h)
    b[bit // 8] ^= 1 << (bit % 8)
    return bytes(b)


def build_rfc6962() -> dict[str, Any]:
    leaves = _leaves()
    roots = [ref.mth(leaves[:n]).hex() for n in range(len(leaves) + 1)]
    if roots != RFC6962_ROOTS:
        raise SystemExit("reference implementation disagrees with the RFC 6962 roots")
    leaf_hashes = [sha256(b"\x00" + x).hexdigest() for x in leaves]
    if leaf_hashes != RFC6962_LEAF_HASHES:
        raise SystemExit("reference leaf hashes disagree with the RFC 6962 vectors")
    return {
        "desc": "RFC 6962 test tree of 8 leaves and hasher vectors",
        "source": RFC6962_SOURCE,
        "leaves": RFC6962_LEAVES,
        "leaf_hashes": RFC6962_LEAF_HASHES,
        "roots": RFC6962_ROOTS,
        "hasher": HASHER_VECTORS,
    }


def _inclusion_case(
    desc: str,
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: list[bytes],
    root: bytes,
    want_err: str | None,
) -> dict[str, Any]:
    return {
        "desc": desc,
        "leaf_hash": leaf_hash.hex(),
        "index": index,
        "size": size,
        "proof": [p.hex() for p in proof],
        "root": root.hex(),
        "want_err": want_err,
    }


def build_inclusion() -> dict[str, Any]:
    leaves = _leaves()
    cases: list[dict[str, Any]] = []
    for size in range(1, len(leaves) + 1):
        root = ref.mth(leaves[:size])
        for index in range(size):
            lh = ref.mth([leaves[index]])
            proof = ref.path(index, leaves[:size])
            cases.append(
                _inclusion_case(
                    f"happy path: leaf {index} in size {size}", lh, index, size, proof, root, OK
                )
            )
    # Mutations on a few representative proofs.
    for index, size in [(0, 8), (5, 8), (6, 7), (2, 5), (4, 5), (0, 1)]:
        root = ref.mth(leaves[:size])
        lh = ref.mth([leaves[index]])
        proof = ref.path(index, leaves[:size])
        tag = f"leaf {index} in size {size}"
        cases.append(
            _inclusion_case(
                f"{tag}: wrong root", lh, index, size, proof, _flip(root, 0), ROOT_MISMATCH
            )
        )
        cases.append(
            _inclusion_case(
                f"{tag}: wrong leaf hash", _flip(lh, 7), index, size, proof, root, ROOT_MISMATCH
            )
        )
        cases.append(
            _inclusion_case(f"{tag}: index >= size", lh, size, size, proof, root, PROOF_ERROR)
        )
        cases.append(
            _inclusion_case(
                f"{tag}: extra hash appended", lh, index, size, [*proof, root], root, PROOF_ERROR
            )
        )
        cases.append(
            _inclusion_case(
                f"{tag}: extra hash prepended", lh, index, size, [lh, *proof], root, PROOF_ERROR
            )
        )
        if size > 1:
            # Only when the claimed size changes the proof length: otherwise the
            # chaining can coincide and the proof still leads to the given root.
            if len(ref.path(index, [b""] * (size + 1))) != len(proof):
                cases.append(
                    _inclusion_case(
                        f"{tag}: wrong size", lh, index, size + 1, proof, root, PROOF_ERROR
                    )
                )
            for i in range(len(proof)):
                bad = list(proof)
                bad[i] = _flip(bad[i], 4)
                cases.append(
                    _inclusion_case(
                        f"{tag}: bit 4 of proof[{i}] flipped",
                        lh,
                        index,
                        size,
                        bad,
                        root,
                        ROOT_MISMATCH,
                    )
                )
            cases.append(
                _inclusion_case(
                    f"{tag}: last hash dropped", lh, index, size, proof[:-1], root, PROOF_ERROR
                )
            )
            if index + 1 < size:
                cases.append(
                    _inclusion_case(f"{tag}: wrong index", lh, index + 1, size, proof, root, None)
                )
    _fix_expectations_inclusion(cases)
    return {
        "desc": "inclusion proofs over the RFC 6962 test tree (leaves in rfc6962.json)",
        "source": "computed by tests/ledger/merkle/reference.py (RFC 9162 PATH)",
        "cases": cases,
    }


def _fix_expectations_inclusion(cases: list[dict[str, Any]]) -> None:
    """Decide the expected outcome of cases whose result depends on the tree shape.

    A proof of the right length for the claimed (index, size) can only fail by
    root mismatch; a proof of the wrong length is a ProofError.
    """
    leaves = _leaves()
    for case in cases:
        if case["want_err"] is not None and case["desc"].split(": ")[-1] not in (
            "wrong size",
            "wrong index",
        ):
            continue
        index, size = case["index"], case["size"]
        if index >= size:
            case["want_err"] = PROOF_ERROR
            continue
        want_len = len(ref.path(index, [b""] * size))
        if len(case["proof"]) != want_len:
            case["want_err"] = PROOF_ERROR
            continue
        if size > len(leaves):
            case["want_err"] = ROOT_MISMATCH
            continue
        proof = ref.path(index, leaves[:size])
        ok = (
            case["root"] == ref.mth(leaves[:size]).hex()
            and case["leaf_hash"] == ref.mth([leaves[index]]).hex()
            and case["proof"] == [p.hex() for p in proof]
        )
        case["want_err"] = None if ok else ROOT_MISMATCH


def _consistency_case(
    desc: str,
    size1: int,
    size2: int,
    proof: list[bytes],
    root1: bytes,
    root2: bytes,
    want_err: str | None,
) -> dict[str, Any]:
    return {
        "desc": desc,
        "size1": size1,
        "size2": size2,
        "proof": [p.hex() for p in proof],
        "root1": root1.hex(),
        "root2": root2.hex(),
        "want_err": want_err,
    }


def build_consistency() -> dict[str, Any]:
    leaves = _leaves()
    cases: list[dict[str, Any]] = []
    for size2 in range(1, len(leaves) + 1):
        for size1 in range(1, size2 + 1):
            cases.append(
                _consistency_case(
                    f"happy path: size {size1} to {size2}",
                    size1,
                    size2,
                    ref.proof(size1, leaves[:size2]),
                    ref.mth(leaves[:size1]),
                    ref.mth(leaves[:size2]),
                    OK,
                )
            )
    for size1, size2 in [(1, 8), (2, 8), (3, 8), (4, 8), (6, 8), (3, 7), (5, 6), (1, 2)]:
        root1, root2 = ref.mth(leaves[:size1]), ref.mth(leaves[:size2])
        proof = ref.proof(size1, leaves[:size2])
        tag = f"size {size1} to {size2}"
        cases.append(
            _consistency_case(
                f"{tag}: wrong root1", size1, size2, proof, _flip(root1, 3), root2, ROOT_MISMATCH
            )
        )
        cases.append(
            _consistency_case(
                f"{tag}: wrong root2", size1, size2, proof, root1, _flip(root2, 3), ROOT_MISMATCH
            )
        )
        cases.append(
            _consistency_case(f"{tag}: empty proof", size1, size2, [], root1, root2, PROOF_ERROR)
        )
        cases.append(
            _consistency_case(
                f"{tag}: extra hash appended",
                size1,
                size2,
                [*proof, root1],
                root1,
                root2,
                PROOF_ERROR,
            )
        )
        cases.append(
            _consistency_case(
                f"{tag}: preceding garbage",
                size1,
                size2,
                [root2, *proof],
                root1,
                root2,
                PROOF_ERROR,
            )
        )
        cases.append(
            _consistency_case(
                f"{tag}: last hash dropped", size1, size2, proof[:-1], root1, root2, PROOF_ERROR
            )
        )
        cases.append(
            _consistency_case(
                f"{tag}: swapped sizes", size2, size1, proof, root2, root1, PROOF_ERROR
            )
        )
        cases.append(
            _consistency_case(
                f"{tag}: size1 = 0", 0, size2, proof, sha256(b"").digest(), root2, PROOF_ERROR
            )
        )
        for i in range(len(proof)):
            bad = list(proof)
            bad[i] = _flip(bad[i], 4)
            cases.append(
                _consistency_case(
                    f"{tag}: bit 4 of proof[{i}] flipped",
                    size1,
                    size2,
                    bad,
                    root1,
                    root2,
                    ROOT_MISMATCH,
                )
            )
    root4 = ref.mth(leaves[:4])
    cases.append(
        _consistency_case(
            "same size with non-empty proof", 4, 4, [root4], root4, root4, PROOF_ERROR
        )
    )
    cases.append(
        _consistency_case(
            "same size with different roots", 4, 4, [], root4, ref.mth(leaves[:3]), ROOT_MISMATCH
        )
    )
    cases.append(
        _consistency_case(
            "empty to empty", 0, 0, [], sha256(b"").digest(), sha256(b"").digest(), OK
        )
    )
    return {
        "desc": "consistency proofs over the RFC 6962 test tree (leaves in rfc6962.json)",
        "source": "computed by tests/ledger/merkle/reference.py (RFC 9162 PROOF/SUBPROOF)",
        "cases": cases,
    }


def build_all() -> dict[str, dict[str, Any]]:
    return {
        "rfc6962.json": build_rfc6962(),
        "inclusion.json": build_inclusion(),
        "consistency.json": build_consistency(),
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def main() -> None:
    TESTDATA.mkdir(exist_ok=True)
    for name, doc in build_all().items():
        (TESTDATA / name).write_text(render(doc), encoding="utf-8")
        print(f"wrote {TESTDATA / name}")


if __name__ == "__main__":
    main()
