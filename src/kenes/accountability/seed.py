"""Demo: fold the counters the other seeds wrote (idempotent)."""

from __future__ import annotations

from kenes.core.seeding import SeedContext
from kenes.counters.services import counters_compact


def seed(ctx: SeedContext) -> None:
    folded = total = counters_compact()
    while folded:
        folded = counters_compact()
        total += folded
    ctx.say(f"public counters: {total} rows folded")
