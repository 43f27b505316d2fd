"""Opinion mapping in the Pol.is manner, plus Community Notes style bridging (pure Python).

Public API (stable; the ``deliberation`` app codes against it):

- :func:`compute` — votes ``(participant_id, statement_id, vote)`` with vote 1 agree, -1 disagree,
  0 pass → :class:`OpinionResult` (groups, projection, repness, consensus, group-informed
  consensus, bridging, per-statement counts, the state to pass to the next computation).
- :func:`next_statement` — which statement a participant sees next (Pol.is priority, seeded).
- :func:`read_polis_export` / :func:`write_polis_export` — the Pol.is export folder format.

Everything is deterministic for the same input (whatever its order) and :data:`METHOD_VERSION`.
"""

from __future__ import annotations

from .compute import compute
from .polis_io import read_polis_export, write_polis_export
from .routing import next_statement, priority
from .types import (
    AGREE,
    DISAGREE,
    METHOD_VERSION,
    PASS,
    Z_90,
    Bridging,
    ConsensusStatement,
    OpinionError,
    OpinionResult,
    OpinionState,
    Params,
    PolisConversation,
    PolisExportError,
    PolisStatement,
    PolisVote,
    Repness,
    StatementStats,
)

__all__ = [
    "AGREE",
    "DISAGREE",
    "METHOD_VERSION",
    "PASS",
    "Z_90",
    "Bridging",
    "ConsensusStatement",
    "OpinionError",
    "OpinionResult",
    "OpinionState",
    "Params",
    "PolisConversation",
    "PolisExportError",
    "PolisStatement",
    "PolisVote",
    "Repness",
    "StatementStats",
    "compute",
    "next_statement",
    "priority",
    "read_polis_export",
    "write_polis_export",
]
