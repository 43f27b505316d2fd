"""Writes to the ledger: append an event (inside the caller's transaction), sequence entries
into the Merkle tree and sign a checkpoint, record a witness's cosignature.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kenes.core.bulk import bulk_insert, unsaved
from kenes.ledger import signing
from kenes.ledger.events import EVENT_VERSION, Event, canonical
from kenes.ledger.merkle import (
    Checkpoint as CheckpointBody,
)
from kenes.ledger.merkle import (
    MerkleTree,
    hash_leaf,
    sign_checkpoint,
)
from kenes.ledger.models import Checkpoint, Entry, Leaf

# Serialises sequencers on PostgreSQL (SQLite serialises writers by itself).
SEQUENCER_LOCK_ID = 0x4B454E4553  # "KENES"
# Held for a whole session by the one looping sequencer (`kenes ledger sequence --loop`).
SEQUENCER_LEADER_LOCK_ID = SEQUENCER_LOCK_ID + 1


def _entry(event: Event, at: str) -> Entry:
    payload = {"v": EVENT_VERSION, "type": str(event.kind), "code": event.code, "at": at}
    payload.update(event.body)
    return unsaved(Entry, kind=str(event.kind), code=event.code, data=canonical(payload).decode())


def ledger_append(event: Event) -> Entry:
    """Append an event (built by :mod:`kenes.ledger.events`); call inside the transaction of the
    change it records.

    Requires an open transaction, so that the change and its entry commit or fail together.
    Appending takes no lock on the tree: the sequencer places entries in it later.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append must run inside the transaction of its change")
    entry = _entry(event, timezone.now().isoformat(timespec="seconds"))
    entry.save()
    _sequence_after_commit()
    return entry


def _sequence_after_commit() -> None:
    # With KENES_LEDGER_SIGNING=sequencer-only the web process never signs: the separate
    # `kenes ledger sequence --loop` process does (a system check refuses both settings).
    if settings.KENES_LEDGER_AUTOSEQUENCE and signing.may_sign():
        transaction.on_commit(lambda: ledger_sequence(), robust=True)


def ledger_append_many(events: Iterable[Event]) -> list[Entry]:
    """Append many events at once (bulk intake and answers); see ledger_append."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append_many must run inside the transaction of its change")
    at = timezone.now().isoformat(timespec="seconds")
    _sequence_after_commit()
    return bulk_insert(Entry, [_entry(e, at) for e in events])


class _TreeCache:
    """The tree of committed leaves, kept per process and extended from the database."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tree = MerkleTree()

    def synced(self) -> MerkleTree:
        with self.lock:
            size = self.tree.size
            new = (
                Leaf.objects.filter(index__gte=size)
                .order_by("index")
                .values_list("index", "leaf_hash")
            )
            for index, leaf_hash in new.iterator(chunk_size=10000):
                if index != self.tree.size:
                    raise RuntimeError(f"ledger leaves are not contiguous at index {index}")
                self.tree.append(bytes(leaf_hash))
            return self.tree

    def reset(self) -> None:
        with self.lock:
            self.tree = MerkleTree()


TREE = _TreeCache()


# Entries commit out of id order (their ids are drawn before the transaction ends, and
# transactions overlap), so a looping sequencer looks this many ids back from the highest one
# it has placed; an entry whose transaction took longer waits for the next full scan.
LOOKBACK_IDS = 5000
FULL_SCAN_SECONDS = 60.0


def sequence_floor() -> int:
    """The lowest entry id a windowed :func:`ledger_sequence` call needs to look at."""
    highest = Leaf.objects.aggregate(m=Max("entry_id"))["m"]
    return max(0, (highest or 0) - LOOKBACK_IDS)


@transaction.atomic
def ledger_sequence(*, max_batch: int = 50000, since: int | None = None) -> Checkpoint | None:
    """Place unsequenced entries in the tree (in id order) and sign a checkpoint of the new size.

    ``since``: look only at entries with an id from there on (:func:`sequence_floor`) — an
    index range instead of a scan of the whole ledger, which at a million entries costs the
    database a second each time. ``None`` looks at every entry.

    Returns the new checkpoint, or None when nothing was waiting.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK_ID])
    waiting = Entry.objects.filter(leaf__isnull=True)
    if since is not None:
        waiting = waiting.filter(id__gte=since)
    pending = list(waiting.order_by("id").values_list("id", "data")[:max_batch])
    if not pending:
        return None
    size = (Leaf.objects.aggregate(m=Max("index"))["m"] + 1) if Leaf.objects.exists() else 0
    try:
        tree = TREE.synced()
        if tree.size != size:
            TREE.reset()
            tree = TREE.synced()
        hashes = [hash_leaf(data.encode()) for _entry_id, data in pending]
        bulk_insert(
            Leaf,
            [
                unsaved(Leaf, index=size + offset, entry_id=entry_id, leaf_hash=leaf_hash)
                for offset, ((entry_id, _data), leaf_hash) in enumerate(
                    zip(pending, hashes, strict=True)
                )
            ],
        )
        for leaf_hash in hashes:
            tree.append(leaf_hash)
        return _checkpoint_sign(tree)
    except Exception:
        TREE.reset()
        raise


def _checkpoint_sign(tree: MerkleTree) -> Checkpoint:
    body = CheckpointBody(origin=signing.origin(), size=tree.size, root_hash=tree.root())
    note = sign_checkpoint(body, [signing.signer()])
    return Checkpoint.objects.create(size=tree.size, root_hash=body.root_hash, note=note)
