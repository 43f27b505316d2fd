"""Verify log proofs against signed checkpoints, as a library and a command.

Run ``python -m kenes.ledger.merkle.verify --help``.  This module needs no
Django and no network: everything comes from files and ``--key`` options.

Inclusion (``inclusion PROOF.json --key VKEY``), where PROOF.json is::

    {"leaf_hash": "<hex>"  (or "leaf": "<hex of the raw leaf bytes>"),
     "index": 5, "size": 100, "proof": ["<hex>", ...],
     "checkpoint": "<signed checkpoint note text>"}

Consistency (``consistency OLD NEW PROOF.json --key VKEY``), where OLD and NEW
are signed checkpoint notes and PROOF.json is ``{"proof": ["<hex>", ...]}``
(optionally with ``size1``/``size2``, which must match the checkpoints) or a
bare list of hex hashes.

Receipt (``receipt --code KNS-XXXX-XXXX --secret SECRET --text-file FILE --log URL|DIR
[--log-key VKEY] [--kept-checkpoint FILE]``, or ``--receipt FILE``): check a citizen's receipt
against a live log or an exported directory, one line per check; see :mod:`.receipt`.
``--witness-key VKEY`` (repeatable; default: the witnesses the log publishes) and
``--min-witnesses N`` (default 1 when there are witness keys, 0 when the log publishes none):
the report counts the witnesses that cosigned the checkpoint and fails below N.

The proof primitives of :mod:`.proof` (``verify_inclusion``,
``root_from_inclusion_proof``, ``verify_consistency``...) are re-exported here.

Exit status: 0 when verified, 1 when verification fails or the input is
malformed, 2 for usage errors and unreadable files.
"""

from __future__ import annotations

import argparse
import binascii
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .checkpoint import Checkpoint, open_checkpoint
from .cli_files import parse_args, read_small_text
from .errors import CheckpointError, MerkleError, ProofError, RootMismatchError
from .hashing import EMPTY_ROOT, HASH_SIZE, hash_leaf
from .keys import parse_verifier_key
from .note import Verifier
from .proof import (
    MAX_PROOF_LENGTH,
    root_from_consistency_proof,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "InclusionClaim",
    "load_verifiers",
    "main",
    "parse_consistency_document",
    "parse_hex_hash",
    "parse_inclusion_document",
    "root_from_consistency_proof",
    "root_from_inclusion_proof",
    "verify_checkpoint_consistency",
    "verify_consistency",
    "verify_inclusion",
    "verify_inclusion_claim",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
MAX_DOCUMENT_SIZE: Final = 1 << 20


def parse_hex_hash(value: object, what: str) -> bytes:
    """Return the 32-byte hash written as hex in ``value``; raise :class:`ProofError`."""
    if not isinstance(value, str):
        raise ProofError(f"{what} must be a hex string")
    try:
        raw = bytes.fromhex(value)
    except ValueError as exc:
        raise ProofError(f"{what} is not valid hex") from exc
    if len(raw) != HASH_SIZE:
        raise ProofError(f"{what} has {len(raw)} bytes, want {HASH_SIZE}")
    return raw


def _parse_hex_proof(value: object) -> list[bytes]:
    if not isinstance(value, list):
        raise ProofError("'proof' must be a list of hex strings")
    if len(value) > MAX_PROOF_LENGTH:
        raise ProofError(f"'proof' has more than {MAX_PROOF_LENGTH} hashes")
    return [parse_hex_hash(h, f"proof[{i}]") for i, h in enumerate(value)]


def _parse_int(doc: Mapping[str, object], key: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{key!r} must be a non-negative integer")
    return value


def load_verifiers(vkeys: Iterable[str]) -> list[Verifier]:
    """Parse verifier key strings; raise :class:`~.errors.KeyFormatError` on a bad one."""
    return [parse_verifier_key(vkey) for vkey in vkeys]


@dataclass(frozen=True, slots=True)
class InclusionClaim:
    """Hold the parts of an inclusion proof document."""

    leaf_hash: bytes
    index: int
    size: int
    proof: list[bytes]
    checkpoint: str


def parse_inclusion_document(doc: object) -> InclusionClaim:
    """Parse a decoded inclusion proof JSON document; raise :class:`ProofError`.

    Exactly one of ``leaf_hash`` (hex of the 32-byte leaf hash) and ``leaf``
    (hex of the raw leaf bytes, hashed here) must be present.
    """
    if not isinstance(doc, dict):
        raise ProofError("inclusion proof document must be a JSON object")
    if ("leaf_hash" in doc) == ("leaf" in doc):
        raise ProofError("give exactly one of 'leaf_hash' and 'leaf'")
    if "leaf_hash" in doc:
        leaf_hash = parse_hex_hash(doc["leaf_hash"], "'leaf_hash'")
    else:
        leaf = doc["leaf"]
        if not isinstance(leaf, str):
            raise ProofError("'leaf' must be a hex string")
        try:
            leaf_hash = hash_leaf(bytes.fromhex(leaf))
        except ValueError as exc:
            raise ProofError("'leaf' is not valid hex") from exc
    checkpoint = doc.get("checkpoint")
    if not isinstance(checkpoint, str):
        raise ProofError("'checkpoint' must be the signed checkpoint note text")
    return InclusionClaim(
        leaf_hash=leaf_hash,
        index=_parse_int(doc, "index"),
        size=_parse_int(doc, "size"),
        proof=_parse_hex_proof(doc.get("proof")),
        checkpoint=checkpoint,
    )


def verify_inclusion_claim(
    claim: InclusionClaim, verifiers: Sequence[Verifier], *, origin: str | None = None
) -> Checkpoint:
    """Verify the checkpoint signature, then the inclusion proof against its root.

    Return the verified checkpoint.  Raise a :class:`~.errors.MerkleError`
    subclass on any failure.
    """
    checkpoint, _ = open_checkpoint(claim.checkpoint, verifiers, origin=origin)
    if claim.size != checkpoint.size:
        raise ProofError(
            f"proof is for tree size {claim.size} but the checkpoint has size {checkpoint.size}"
        )
    verify_inclusion(claim.leaf_hash, claim.index, claim.size, claim.proof, checkpoint.root_hash)
    return checkpoint


def parse_consistency_document(doc: object) -> tuple[list[bytes], int | None, int | None]:
    """Return ``(proof, size1, size2)`` from a decoded consistency proof document.

    The document is a list of hex hashes or an object with ``proof`` and
    optional ``size1``/``size2``.  Raise :class:`ProofError` if malformed.
    """
    if isinstance(doc, list):
        return _parse_hex_proof(doc), None, None
    if not isinstance(doc, dict):
        raise ProofError("consistency proof document must be a JSON object or list")
    size1 = _parse_int(doc, "size1") if "size1" in doc else None
    size2 = _parse_int(doc, "size2") if "size2" in doc else None
    return _parse_hex_proof(doc.get("proof")), size1, size2


def verify_checkpoint_consistency(
    old_note: str | bytes,
    new_note: str | bytes,
    proof: Sequence[bytes],
    verifiers: Sequence[Verifier],
    *,
    origin: str | None = None,
) -> tuple[Checkpoint, Checkpoint]:
    """Verify both checkpoint signatures and that the old tree is a prefix of the new one.

    Both checkpoints must have the same origin.  An old checkpoint of size 0
    is consistent with anything when its root is the empty root and the proof
    is empty.  Raise a :class:`~.errors.MerkleError` subclass on any failure.
    """
    old, _ = open_checkpoint(old_note, verifiers, origin=origin)
    new, _ = open_checkpoint(new_note, verifiers, origin=origin)
    if old.origin != new.origin:
        raise CheckpointError(
            f"checkpoints are from different logs: {old.origin!r}, {new.origin!r}"
        )
    if old.size > new.size:
        raise ProofError(f"old checkpoint size {old.size} exceeds new size {new.size}")
    if old.size == 0:
        if old.root_hash != EMPTY_ROOT:
            raise RootMismatchError(EMPTY_ROOT, old.root_hash)
        if proof:
            raise ProofError("a consistency proof from the empty tree must be empty")
        return old, new
    verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    return old, new


# --------------------------------------------------------------------------- command line


class _UsageError(Exception):
    pass


def _read_text(path: str) -> str:
    return read_small_text(
        path, limit=MAX_DOCUMENT_SIZE, label=path, unreadable=_UsageError, bad=ProofError
    )


def _read_json(path: str) -> object:
    try:
        doc: object = json.loads(_read_text(path))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ProofError(f"{path} is not valid JSON: {exc}") from exc
    return doc


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kenes.ledger.merkle.verify",
        description="Verify Merkle log proofs against signed checkpoints (no server needed).",
        epilog="Exit status: 0 verified, 1 verification failed or bad input, 2 usage error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--key",
            "-k",
            action="append",
            required=True,
            metavar="VKEY",
            help="trusted log verifier key <name>+<id>+<base64>; repeatable",
        )
        p.add_argument("--origin", help="require this checkpoint origin line")

    inc = sub.add_parser(
        "inclusion",
        help="verify that a leaf is in a signed checkpoint",
        description="PROOF is a JSON file with leaf_hash|leaf, index, size, "
        "proof (hex list) and checkpoint (signed note text).",
    )
    inc.add_argument("proof", metavar="PROOF.json")
    add_common(inc)

    con = sub.add_parser(
        "consistency",
        help="verify that a checkpoint extends an older one",
        description="OLD and NEW are signed checkpoint notes; PROOF is a JSON "
        'file {"proof": [hex...]} or a list of hex hashes.',
    )
    con.add_argument("old", metavar="OLD_CHECKPOINT")
    con.add_argument("new", metavar="NEW_CHECKPOINT")
    con.add_argument("proof", metavar="PROOF.json")
    add_common(con)

    from .receipt_cli import add_receipt_arguments

    rec = sub.add_parser(
        "receipt",
        help="verify a receipt: commitment, inclusion, answers",
        description="Check a receipt against a log URL or an exported "
        "directory; prints one line per check (see "
        "kenes.ledger.merkle.receipt).",
    )
    add_receipt_arguments(rec)
    return parser


def _run(args: argparse.Namespace) -> str:
    verifiers = load_verifiers(args.key)
    if args.command == "inclusion":
        claim = parse_inclusion_document(_read_json(args.proof))
        cp = verify_inclusion_claim(claim, verifiers, origin=args.origin)
        return (
            f"OK: leaf {claim.index} (hash {claim.leaf_hash.hex()}) is included in "
            f"{cp.origin} at size {cp.size}, root {cp.root_hash.hex()}"
        )
    old_text, new_text = _read_text(args.old), _read_text(args.new)
    proof, size1, size2 = parse_consistency_document(_read_json(args.proof))
    old, new = verify_checkpoint_consistency(
        old_text, new_text, proof, verifiers, origin=args.origin
    )
    if size1 is not None and size1 != old.size:
        raise ProofError(f"proof size1 {size1} differs from old checkpoint size {old.size}")
    if size2 is not None and size2 != new.size:
        raise ProofError(f"proof size2 {size2} differs from new checkpoint size {new.size}")
    return (
        f"OK: {new.origin} at size {new.size} (root {new.root_hash.hex()}) is consistent "
        f"with size {old.size} (root {old.root_hash.hex()})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status instead of raising."""
    args = parse_args(_build_parser(), argv)
    if isinstance(args, int):
        return args
    if args.command == "receipt":
        from .receipt_cli import run_receipt_command

        return run_receipt_command(args)
    try:
        message = _run(args)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RootMismatchError as exc:
        print(f"FAILED: proof does not match the checkpoint: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except MerkleError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (binascii.Error, ValueError, TypeError) as exc:  # defensive: never a traceback
        print(f"FAILED: malformed input: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(message)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
