"""Typed values of the opinion map: parameters, results, state and errors (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Bumped whenever any number the method produces may change for the same input.
METHOD_VERSION = "kenes-opinions/1 (polis-pca-kmeans, cn-mf-1d)"

#: One-sided 90 % critical value of the normal distribution (Pol.is ``z-sig-90``).
Z_90 = 1.2816

AGREE = 1
DISAGREE = -1
PASS = 0
VOTE_VALUES = (AGREE, PASS, DISAGREE)


class OpinionError(ValueError):
    """Bad input for the opinion map (unknown statement, bad vote value, duplicate...)."""


class PolisExportError(OpinionError):
    """A Pol.is export folder is missing a file or a file is malformed."""


@dataclass(frozen=True)
class Params:
    """Parameters of the method; the defaults are Pol.is's."""

    #: participants need at least min(min_votes, number of statements) votes to be clustered
    min_votes: int = 7
    #: number of fine "base" clusters (Pol.is ``base-k``)
    base_k: int = 100
    #: largest number of opinion groups (Pol.is ``max-max-k``)
    max_k: int = 5
    #: a new best k must win this many computations in a row before it is adopted
    k_stickiness: int = 4
    #: representative statements kept per group
    max_repness: int = 5
    #: consensus statements kept per direction
    max_consensus: int = 5
    #: Community Notes style regularisation of intercepts and of factors; at most this many
    #: alternating sweeps (they stop earlier once nothing moves by 1e-6)
    bridging_lambda_intercept: float = 0.15
    bridging_lambda_factor: float = 0.03
    bridging_iterations: int = 100
    #: seed of every random choice (k-means and matrix factorisation starts)
    seed: int = 0


@dataclass(frozen=True)
class OpinionState:
    """What a computation hands to the next one (k stickiness, Pol.is ``group-k-smoother``)."""

    k: int | None = None
    last_best_k: int | None = None
    last_best_k_count: int = 0
    #: centre of each group on the map, so the next computation keeps the same group numbers
    centers: tuple[tuple[float, float], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "last_best_k": self.last_best_k,
            "last_best_k_count": self.last_best_k_count,
            "centers": [list(c) for c in self.centers],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OpinionState:
        def _opt(v: Any) -> int | None:
            return None if v is None else int(v)

        return cls(
            k=_opt(data.get("k")),
            last_best_k=_opt(data.get("last_best_k")),
            last_best_k_count=int(data.get("last_best_k_count", 0)),
            centers=tuple((float(c[0]), float(c[1])) for c in data.get("centers") or ()),
        )


@dataclass(frozen=True)
class StatementStats:
    """Vote counts of a statement; ``extremity`` is its spread on the opinion map (0 if unknown)."""

    agree: int = 0
    disagree: int = 0
    passes: int = 0
    extremity: float = 0.0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passes

    def to_json(self) -> dict[str, Any]:
        return {
            "agree": self.agree,
            "disagree": self.disagree,
            "pass": self.passes,
            "extremity": self.extremity,
        }


@dataclass(frozen=True)
class Repness:
    """A statement representative of a group (Pol.is repness, for its ``direction``)."""

    statement_id: str
    direction: str  # "agree" or "disagree"
    n_success: int  # group members who voted that way
    n_trials: int  # group members who voted on it
    p_success: float  # pa or pd, (n_success + 1) / (n_trials + 2)
    p_test: float  # pat or pdt, z of p against 1/2
    repness: float  # ra or rd, p_success / the rest's
    repness_test: float  # rat or rdt, two-proportion z against the rest

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "direction": self.direction,
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": self.p_success,
            "p_test": self.p_test,
            "repness": self.repness,
            "repness_test": self.repness_test,
        }


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most clustered participants agree (or disagree) with."""

    statement_id: str
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "direction": self.direction,
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": self.p_success,
            "p_test": self.p_test,
        }


@dataclass(frozen=True)
class Bridging:
    """Community Notes style score: ``intercept`` is agreement once the divide is factored out."""

    intercept: float
    factor: float
    n_votes: int  # agree + disagree votes the model saw

    def to_json(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "factor": self.factor, "n_votes": self.n_votes}


@dataclass(frozen=True)
class OpinionResult:
    """Everything the opinion map shows; ``to_json`` is the ``kenes opinions`` output."""

    groups: dict[str, int]
    projection: dict[str, tuple[float, float]]
    k: int
    repness: dict[int, list[Repness]]
    consensus: list[ConsensusStatement]
    group_informed_consensus: dict[str, float]
    bridging: dict[str, Bridging]
    statement_stats: dict[str, StatementStats]
    state: OpinionState = field(default_factory=OpinionState)
    method_version: str = METHOD_VERSION
    n_participants: int = 0
    n_votes: int = 0
    #: per mapped statement and group: (agree, disagree, pass) of the group's members
    group_votes: dict[str, dict[int, tuple[int, int, int]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "method_version": self.method_version,
            "n_participants": self.n_participants,
            "n_votes": self.n_votes,
            "k": self.k,
            "groups": dict(self.groups),
            "projection": {p: [xy[0], xy[1]] for p, xy in self.projection.items()},
            "repness": {str(g): [r.to_json() for r in rs] for g, rs in self.repness.items()},
            "consensus": [c.to_json() for c in self.consensus],
            "group_informed_consensus": dict(self.group_informed_consensus),
            "bridging": {s: b.to_json() for s, b in self.bridging.items()},
            "statement_stats": {s: st.to_json() for s, st in self.statement_stats.items()},
            "group_votes": {
                s: {str(g): list(c) for g, c in by_group.items()}
                for s, by_group in self.group_votes.items()
            },
            "state": self.state.to_json(),
        }


@dataclass(frozen=True)
class PolisStatement:
    """A Pol.is comment: ``moderated`` is -1 (hidden), 0 (unmoderated) or 1 (accepted)."""

    statement_id: str
    text: str = ""
    author_id: str = ""
    moderated: int = 0
    timestamp: int = 0


@dataclass(frozen=True)
class PolisVote:
    statement_id: str
    participant_id: str
    vote: int  # 1 agree, -1 disagree, 0 pass (export convention)
    timestamp: int = 0


@dataclass(frozen=True)
class PolisConversation:
    """A conversation read from (or written to) a Pol.is export folder."""

    statements: list[PolisStatement]
    votes: list[PolisVote]
    #: Pol.is's own group per participant, when the export has participants-votes.csv
    polis_groups: dict[str, int] = field(default_factory=dict)

    def vote_triples(self) -> list[tuple[str, str, int]]:
        return [(v.participant_id, v.statement_id, v.vote) for v in self.votes]

    def statement_ids(self) -> list[str]:
        return [s.statement_id for s in self.statements]

    def moderated_out(self) -> frozenset[str]:
        return frozenset(s.statement_id for s in self.statements if s.moderated < 0)
