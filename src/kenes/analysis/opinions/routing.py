"""Which statement a participant votes on next: Pol.is's priority, drawn with a seeded RNG.

Pol.is weighs each unseen statement by

    importance = (1 − p) · (E + 1) · a,  p = (passes + 1) / (S + 2),  a = (agrees + 1) / (S + 2)
    priority   = (importance · (1 + 8 · 2^(−S / 5)))²

(S = votes seen, E = extremity on the opinion map) and draws one in proportion to its priority:
new statements (few votes) and informative ones (divisive, rarely passed) come first, yet every
statement keeps a chance. The draw is never uniform, and the same seed gives the same choice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from .compute import natural_key
from .types import StatementStats


def priority(stats: StatementStats) -> float:
    """Pol.is priority of a statement (always > 0)."""
    seen = stats.seen
    p = (stats.passes + 1) / (seen + 2)
    a = (stats.agree + 1) / (seen + 2)
    importance = (1 - p) * (stats.extremity + 1) * a
    return float((importance * (1 + 8 * 2 ** (-seen / 5))) ** 2)


def next_statement(
    *, stats: Mapping[str, StatementStats], seen: Collection[str], seed: int
) -> str | None:
    """The next statement to show, or None when every statement was seen."""
    seen_set = set(seen)
    candidates = sorted((s for s in stats if s not in seen_set), key=natural_key)
    if not candidates:
        return None
    weights = np.array([priority(stats[s]) for s in candidates], dtype=np.float64)
    rng = np.random.default_rng(abs(int(seed)))
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]
