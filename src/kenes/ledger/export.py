"""Static export of the log as C2SP tlog-tiles, so that anyone can mirror and verify it."""

from __future__ import annotations

from pathlib import Path

from kenes.ledger import signing
from kenes.ledger.merkle import export_tiles
from kenes.ledger.models import Leaf
from kenes.ledger.selectors import checkpoint_latest
from kenes.ledger.services import TREE


def export_log(directory: Path) -> int:
    """Write ``checkpoint``, ``key`` and ``tile/...`` files for the latest checkpoint's size."""
    checkpoint = checkpoint_latest()
    if checkpoint is None:
        raise ValueError("the ledger has no checkpoint yet: run `kenes ledger sequence`")
    tree = TREE.synced()
    size = checkpoint.size
    entries = [
        data.encode()
        for data in Leaf.objects.filter(index__lt=size)
        .order_by("index")
        .values_list("entry__data", flat=True)
        .iterator(chunk_size=10000)
    ]
    directory.mkdir(parents=True, exist_ok=True)
    for path, data in export_tiles(tree, size, entries):
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (directory / "checkpoint").write_text(checkpoint.note)
    (directory / "key").write_text(signing.vkey() + "\n")
    from kenes.ledger.witnesses import cosigned_note, witnesses_public

    # The checkpoint with its witnesses' cosignatures, and their keys (`kenes verify`).
    (directory / "checkpoint").write_text(cosigned_note(checkpoint))
    (directory / "witnesses").write_text("".join(w["vkey"] + "\n" for w in witnesses_public()))
    return size
