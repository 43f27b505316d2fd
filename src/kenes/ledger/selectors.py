"""Reads of the ledger: checkpoints, proofs, leaves, and the entries of a receipt."""

from __future__ import annotations

from dataclasses import dataclass

from kenes.ledger.merkle import consistency_proof, inclusion_proof
from kenes.ledger.models import Checkpoint, Entry, Leaf
from kenes.ledger.services import TREE


def checkpoint_latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def checkpoint_at(size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(size=size).first()


@dataclass
class EntryView:
    index: int | None
    kind: str
    data: str


def entries_for_code(code: str) -> list[EntryView]:
    """Return every ledger entry about a receipt code, with its leaf index once sequenced."""
    rows = Entry.objects.filter(code=code).select_related("leaf").order_by("id")
    out = []
    for e in rows:
        leaf = getattr(e, "leaf", None)
        out.append(EntryView(leaf.index if leaf else None, e.kind, e.data))
    return out


def proof_inclusion(*, index: int, size: int) -> list[bytes]:
    """Return the inclusion proof of leaf ``index`` in the tree of ``size`` leaves.

    Requires 0 <= index < size <= the sequenced size (ValueError otherwise).
    """
    tree = TREE.synced()
    if not 0 <= index < size <= tree.size:
        raise ValueError(f"need 0 <= index < size <= {tree.size}")
    return inclusion_proof(tree, index, size)


def proof_consistency(*, size1: int, size2: int) -> list[bytes]:
    tree = TREE.synced()
    if not 0 < size1 <= size2 <= tree.size:
        raise ValueError(f"need 0 < from <= to <= {tree.size}")
    return consistency_proof(tree, size1, size2)


def leaves_page(*, start: int, limit: int) -> list[tuple[int, str]]:
    rows = (
        Leaf.objects.filter(index__gte=start)
        .order_by("index")
        .select_related("entry")
        .values_list("index", "entry__data")[:limit]
    )
    return list(rows)
