"""Which statement a participant votes on next (Pol.is priority, seeded weighted choice)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .types import StatementStats


def priority(stats: StatementStats) -> float:
    raise NotImplementedError


def next_statement(
    *, stats: Mapping[str, StatementStats], seen: Collection[str], seed: int
) -> str | None:
    """The next statement to show, or None when every statement was seen."""
    raise NotImplementedError
