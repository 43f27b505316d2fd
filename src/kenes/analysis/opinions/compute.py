"""The opinion map computation (filled in below the signature)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from .types import OpinionResult, OpinionState, Params


def compute(
    votes: Iterable[tuple[str, str, int]],
    *,
    statement_ids: Sequence[str] | None = None,
    previous: OpinionState | None = None,
    params: Params = Params(),
    moderated_out: Collection[str] = (),
) -> OpinionResult:
    """Map opinions from ``(participant_id, statement_id, vote)`` triples (1, -1 or 0).

    ``statement_ids`` lists the known statements (votes for others raise
    :class:`OpinionError`; statements without votes get zero counts); ``previous`` is the
    ``state`` of the last result, for k stickiness; ``moderated_out`` statements are counted but
    left out of the map, as in Pol.is.
    """
    raise NotImplementedError
