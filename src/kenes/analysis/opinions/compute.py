"""The opinion map computation: votes → groups, projection, repness, consensus, bridging."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from . import bridging as _bridging
from . import clustering as _clustering
from . import pca as _pca
from . import repness as _repness
from .types import (
    METHOD_VERSION,
    Bridging,
    ConsensusStatement,
    OpinionError,
    OpinionResult,
    OpinionState,
    Params,
    Repness,
    StatementStats,
)

IntArray = npt.NDArray[np.int64]

#: The default parameters (Pol.is's); ``Params`` is frozen so sharing it is safe.
DEFAULT_PARAMS = Params()


def natural_key(identifier: str) -> tuple[int, int, str]:
    """Sort numeric ids numerically (as Pol.is does), then the others as text."""
    if identifier.isdigit():
        return (0, int(identifier), identifier)
    return (1, 0, identifier)


def _intern(
    votes: Iterable[tuple[str, str, int]], known: Sequence[str] | None
) -> tuple[list[str], list[str], IntArray, IntArray, npt.NDArray[np.int8]]:
    """Validate the votes; return sorted participant and statement ids and index arrays."""
    participants: dict[str, int] = {}
    statements: dict[str, int] = {}
    if known is not None:
        for sid in known:
            if not isinstance(sid, str):
                raise OpinionError(f"statement id {sid!r} is not text")
            statements.setdefault(sid, len(statements))
    closed = known is not None
    p_idx: list[int] = []
    s_idx: list[int] = []
    values: list[int] = []
    for n, vote in enumerate(votes):
        try:
            pid, sid, value = vote
        except (TypeError, ValueError):
            raise OpinionError(f"vote #{n + 1} is not (participant, statement, vote)") from None
        if not isinstance(pid, str) or not isinstance(sid, str) or not pid or not sid:
            raise OpinionError(f"vote #{n + 1}: participant and statement ids must be text")
        if isinstance(value, bool) or value not in (1, 0, -1):
            raise OpinionError(
                f"vote #{n + 1}: value {value!r} is not 1 (agree), -1 (disagree) or 0 (pass)"
            )
        s = statements.get(sid)
        if s is None:
            if closed:
                raise OpinionError(f"vote #{n + 1}: unknown statement {sid!r}")
            s = statements[sid] = len(statements)
        p = participants.get(pid)
        if p is None:
            p = participants[pid] = len(participants)
        p_idx.append(p)
        s_idx.append(s)
        values.append(int(value))
    pids = sorted(participants, key=natural_key)
    sids = sorted(statements, key=natural_key)
    p_rank = np.empty(len(pids), dtype=np.int64)
    p_rank[[participants[p] for p in pids]] = np.arange(len(pids))
    s_rank = np.empty(len(sids), dtype=np.int64)
    s_rank[[statements[s] for s in sids]] = np.arange(len(sids))
    rows = p_rank[np.asarray(p_idx, dtype=np.int64)] if p_idx else np.zeros(0, np.int64)
    cols = s_rank[np.asarray(s_idx, dtype=np.int64)] if s_idx else np.zeros(0, np.int64)
    vals = np.asarray(values, dtype=np.int8)
    if rows.size:
        keys = rows * max(len(sids), 1) + cols
        order = np.argsort(keys, kind="stable")
        dup = np.flatnonzero(np.diff(keys[order]) == 0)
        if dup.size:
            i = int(order[dup[0]])
            raise OpinionError(
                f"duplicate vote: participant {pids[int(rows[i])]!r} on statement "
                f"{sids[int(cols[i])]!r} (keep only the latest vote)"
            )
        rows, cols, vals = rows[order], cols[order], vals[order]
    return pids, sids, rows, cols, vals


def _empty(stats: dict[str, StatementStats], n_participants: int, n_votes: int) -> OpinionResult:
    return OpinionResult(
        groups={},
        projection={},
        k=0,
        repness={},
        consensus=[],
        group_informed_consensus={},
        bridging={},
        statement_stats=stats,
        state=OpinionState(),
        method_version=METHOD_VERSION,
        n_participants=n_participants,
        n_votes=n_votes,
    )


def _keep_numbering(
    labels: IntArray,
    points: npt.NDArray[np.float64],
    k: int,
    previous: tuple[tuple[float, float], ...],
) -> tuple[IntArray, tuple[tuple[float, float], ...]]:
    """Renumber groups to match the previous computation's (nearest centres, one to one), so a
    group keeps its number, and its colour on a live map, while votes come in."""

    def centres(lab: IntArray) -> npt.NDArray[np.float64]:
        out = np.zeros((k, 2))
        for g in range(k):
            out[g] = points[lab == g].mean(axis=0)
        return out

    current = centres(labels)
    if k >= 2 and len(previous) == k:
        old = np.asarray(previous, dtype=np.float64)
        cost = np.linalg.norm(current[:, None, :] - old[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(cost)
        remap = np.empty(k, dtype=np.int64)
        remap[rows] = cols
        labels = remap[labels]
        current = centres(labels)
    return labels, tuple((_r(float(x)), _r(float(y))) for x, y in current)


def _r(x: float) -> float:
    """Round published figures so that the last bits of floating point never show."""
    return float(round(x, 9)) if math.isfinite(x) else x


def compute(
    votes: Iterable[tuple[str, str, int]],
    *,
    statement_ids: Sequence[str] | None = None,
    previous: OpinionState | None = None,
    params: Params = DEFAULT_PARAMS,
    moderated_out: Collection[str] = (),
) -> OpinionResult:
    """Map opinions from ``(participant_id, statement_id, vote)`` triples (1, -1 or 0).

    ``statement_ids`` lists the known statements (votes for others raise
    :class:`OpinionError`; statements without votes get zero counts); ``previous`` is the
    ``state`` of the last result, for k stickiness; ``moderated_out`` statements are counted but
    left out of the map, as in Pol.is. Raises :class:`OpinionError` on bad votes.
    """
    pids, sids, rows, cols, vals = _intern(votes, statement_ids)
    n_p, n_s = len(pids), len(sids)
    agree_n = np.bincount(cols[vals == 1], minlength=n_s)
    disagree_n = np.bincount(cols[vals == -1], minlength=n_s)
    pass_n = np.bincount(cols[vals == 0], minlength=n_s)

    def stats_with(extremity: npt.NDArray[np.float64] | None) -> dict[str, StatementStats]:
        return {
            sid: StatementStats(
                agree=int(agree_n[j]),
                disagree=int(disagree_n[j]),
                passes=int(pass_n[j]),
                extremity=_r(float(extremity[j])) if extremity is not None else 0.0,
            )
            for j, sid in enumerate(sids)
        }

    # The map uses statements with votes that are not moderated out.
    hidden = set(moderated_out)
    voted = (agree_n + disagree_n + pass_n) > 0
    active = np.array([voted[j] and sids[j] not in hidden for j in range(n_s)], dtype=bool)
    if n_p < 2 or not active.any():
        return _empty(stats_with(None), n_p, int(rows.size))
    col_map = np.full(n_s, -1, dtype=np.int64)
    active_idx = np.flatnonzero(active)
    col_map[active_idx] = np.arange(active_idx.size)
    keep = col_map[cols] >= 0
    a_rows, a_cols, a_vals = rows[keep], col_map[cols[keep]], vals[keep].astype(np.float64)
    n_a = int(active_idx.size)

    # Per-statement mean imputation, then PCA of the centred sparse matrix.
    counts = np.bincount(a_cols, minlength=n_a).astype(np.float64)
    center = np.bincount(a_cols, weights=a_vals, minlength=n_a) / np.maximum(counts, 1.0)
    centered = sp.csr_matrix((a_vals - center[a_cols], (a_rows, a_cols)), shape=(n_p, n_a))
    # As in Pol.is, moderated-out statements weigh nothing in the map (their axis entries are
    # zero) but still count as statements and as votes for the scaling and the threshold.
    votes_per_p = np.bincount(rows, minlength=n_p).astype(np.int64)
    n_map_statements = int(np.count_nonzero(voted))
    components = _pca.pca_components(centered, seed=params.seed)
    projection = _pca.project(centered, votes_per_p, components, n_map_statements)
    extremity = np.zeros(n_s)
    extremity[active_idx] = _pca.extremity(center, components)
    stats = stats_with(extremity)

    # Only participants with enough votes are clustered.
    threshold = min(params.min_votes, n_map_statements)
    in_conv = np.flatnonzero(votes_per_p >= threshold)
    if in_conv.size < 2:
        return _empty(stats, n_p, int(rows.size))
    points = projection[in_conv]
    base_centers, base_labels, base_weights = _clustering.base_clusters(points, params.base_k)
    grouping = _clustering.group_clusters(
        base_centers,
        base_weights,
        max_k=params.max_k,
        stickiness=params.k_stickiness,
        previous=previous,
        seed=params.seed,
    )
    k = int(grouping.k)
    member_group, centers = _keep_numbering(
        grouping.labels[base_labels], points, k, previous.centers if previous else ()
    )
    state = replace(grouping.state, centers=centers)

    # Group × statement counts over clustered participants (all statements of the map).
    group_of_row = np.full(n_p, -1, dtype=np.int64)
    group_of_row[in_conv] = member_group
    g_rows = group_of_row[a_rows]
    sel = g_rows >= 0
    flat = g_rows[sel] * n_a + a_cols[sel]
    size = k * n_a
    na = np.bincount(flat[a_vals[sel] == 1], minlength=size).reshape(k, n_a).astype(float)
    nd = np.bincount(flat[a_vals[sel] == -1], minlength=size).reshape(k, n_a).astype(float)
    ns = np.bincount(flat, minlength=size).reshape(k, n_a).astype(float)
    active_sids = [sids[j] for j in active_idx]
    rep = _repness.repness(na, nd, ns, active_sids, max_per_group=params.max_repness)
    cons = _repness.consensus(na, nd, ns, active_sids, max_per_direction=params.max_consensus)
    gic = _repness.group_informed_consensus(na, ns)

    # Bridging over every participant's agree/disagree votes.
    rated = a_vals != 0
    s_int, s_fac, _mu = _bridging.bridging_scores(
        a_rows[rated],
        a_cols[rated],
        (a_vals[rated] > 0).astype(np.float64),
        n_p,
        n_a,
        lam_intercept=params.bridging_lambda_intercept,
        lam_factor=params.bridging_lambda_factor,
        iterations=params.bridging_iterations,
        seed=params.seed,
    )
    n_rated = np.bincount(a_cols[rated], minlength=n_a)

    def _round_rep(r: Repness) -> Repness:
        return Repness(
            r.statement_id, r.direction, r.n_success, r.n_trials,
            _r(r.p_success), _r(r.p_test), _r(r.repness), _r(r.repness_test),
        )  # fmt: skip

    return OpinionResult(
        groups={pids[int(i)]: int(g) for i, g in zip(in_conv, member_group, strict=True)},
        projection={
            pids[int(i)]: (_r(float(projection[i, 0])), _r(float(projection[i, 1])))
            for i in in_conv
        },
        k=k,
        repness={g: [_round_rep(r) for r in rs] for g, rs in rep.items()},
        consensus=[
            ConsensusStatement(
                c.statement_id,
                c.direction,
                c.n_success,
                c.n_trials,
                _r(c.p_success),
                _r(c.p_test),
            )
            for c in cons
        ],
        group_informed_consensus={s: _r(float(gic[j])) for j, s in enumerate(active_sids)},
        bridging={
            s: Bridging(_r(float(s_int[j])), _r(float(s_fac[j])), int(n_rated[j]))
            for j, s in enumerate(active_sids)
            if n_rated[j] > 0
        },
        statement_stats=stats,
        state=state,
        method_version=METHOD_VERSION,
        n_participants=n_p,
        n_votes=int(rows.size),
        group_votes={
            s: {
                g: (int(na[g, j]), int(nd[g, j]), int(ns[g, j] - na[g, j] - nd[g, j]))
                for g in range(k)
            }
            for j, s in enumerate(active_sids)
        },
    )
