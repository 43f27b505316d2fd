"""Demo: sequence every entry the other seeds appended, so the demo log is complete, and have
two demo witnesses (keys under KENES_DATA_DIR/witnesses) cosign the checkpoint."""

from __future__ import annotations

from kenes.core.seeding import SeedContext
from kenes.ledger import signing
from kenes.ledger.services import ledger_sequence


def seed(ctx: SeedContext) -> None:
    from kenes.ledger import local_witness

    signing.allow_signing()  # seed-demo runs as the sequencer
    checkpoint = None
    while (step := ledger_sequence()) is not None:
        checkpoint = step
    if checkpoint is not None:
        ctx.say(f"Ledger: checkpoint of {checkpoint.size} leaves signed.")
    names = [w.name for w in local_witness.demo_witnesses_ensure()]
    if checkpoint is not None or names:
        local_witness.cosign_local()
        ctx.say(
            f"Ledger: witnesses {', '.join(names)} cosigned it (keys in KENES_DATA_DIR/"
            "witnesses; `kenes ledger cosign` runs their round again)."
        )
