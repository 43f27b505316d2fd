"""The opinion map: formulas checked independently, properties, stickiness, routing, bad input."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from kenes.analysis.opinions import (
    METHOD_VERSION,
    Z_90,
    OpinionError,
    OpinionState,
    Params,
    StatementStats,
    clustering,
    compute,
    next_statement,
    pca,
    priority,
)
from kenes.analysis.opinions import bridging as bridging_mod
from kenes.analysis.opinions import repness as rep


def two_camps(n: int = 40, seed: int = 3) -> list[tuple[str, str, int]]:
    """Two camps split on statements 0-4, everyone agrees with 8 and 9, 5-7 are noise."""
    rnd = random.Random(seed)
    votes = []
    for p in range(n):
        camp = p % 2
        for s in range(10):
            if s < 5:
                v = 1 if camp == 0 else -1
                if rnd.random() < 0.1:
                    v = 0
            elif s < 8:
                v = rnd.choice((1, -1, 0))
            else:
                v = 1 if rnd.random() < 0.92 else -1
            votes.append((f"u{p}", str(s), v))
    return votes


# -- formulas, against hand-computed values ---------------------------------------------------


def test_prop_test_matches_the_polis_formula() -> None:
    # 2·√(n+1)·((s+1)/(n+1) − ½) for s = 8 successes of n = 10
    got = rep.prop_test(np.array([8.0]), np.array([10.0]))[0]
    assert got == pytest.approx(2 * 11**0.5 * (9 / 11 - 0.5))
    assert rep.prop_test(np.array([0.0]), np.array([0.0]))[0] == pytest.approx(1.0)


def test_two_prop_test_matches_the_polis_formula() -> None:
    got = rep.two_prop_test(np.array([8.0]), np.array([10.0]), np.array([2.0]), np.array([10.0]))
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    expected = (p1 - p2) / (pooled * (1 - pooled) * (2 / 11)) ** 0.5
    assert got[0] == pytest.approx(expected)
    # all successes on both sides: the pooled proportion is 1, the z is 0 and not a NaN
    same = rep.two_prop_test(np.array([4.0]), np.array([4.0]), np.array([4.0]), np.array([4.0]))
    assert same[0] == 0.0


def test_group_informed_consensus_is_the_product_over_groups() -> None:
    na = np.array([[3.0, 0.0], [1.0, 2.0]])
    ns = np.array([[4.0, 1.0], [2.0, 2.0]])
    got = rep.group_informed_consensus(na, ns)
    assert got[0] == pytest.approx((4 / 6) * (2 / 4))
    assert got[1] == pytest.approx((1 / 3) * (3 / 4))


def test_repness_selects_only_significant_statements_with_their_figures() -> None:
    # group 0 agrees with statement a (9 of 10), group 1 disagrees with it; b is split evenly
    na = np.array([[9.0, 5.0], [1.0, 5.0]])
    nd = np.array([[1.0, 5.0], [9.0, 5.0]])
    ns = np.array([[10.0, 10.0], [10.0, 10.0]])
    out = rep.repness(na, nd, ns, ["a", "b"], max_per_group=5)
    assert [r.statement_id for r in out[0]] == ["a"]
    r0 = out[0][0]
    assert r0.direction == "agree" and (r0.n_success, r0.n_trials) == (9, 10)
    assert r0.p_success == pytest.approx(10 / 12)
    assert r0.repness == pytest.approx((10 / 12) / (2 / 12))
    assert r0.p_test > Z_90 and r0.repness_test > Z_90
    r1 = out[1][0]
    assert (r1.statement_id, r1.direction, r1.n_success) == ("a", "disagree", 9)


def test_consensus_needs_a_majority_beyond_90_percent() -> None:
    na = np.array([[9.0, 3.0, 1.0]])
    nd = np.array([[0.0, 3.0, 9.0]])
    ns = np.array([[10.0, 6.0, 10.0]])
    out = rep.consensus(na, nd, ns, ["x", "y", "z"], max_per_direction=5)
    assert [(c.statement_id, c.direction) for c in out] == [("x", "agree"), ("z", "disagree")]
    assert out[0].p_success == pytest.approx(10 / 12)


def test_pca_matches_a_dense_svd_of_the_mean_imputed_matrix() -> None:
    rng = np.random.default_rng(5)
    dense = rng.choice([1.0, -1.0, 0.0, np.nan], size=(30, 8), p=[0.35, 0.3, 0.1, 0.25])
    dense[0, :] = 1.0  # every column has a vote
    observed = ~np.isnan(dense)
    means = np.nanmean(dense, axis=0)
    imputed = np.where(observed, dense, means)
    centred_dense = imputed - imputed.mean(axis=0)
    _, _, vt = np.linalg.svd(centred_dense, full_matrices=False)
    r, c = np.nonzero(observed)
    centred = sp.csr_matrix((dense[r, c] - means[c], (r, c)), shape=dense.shape)
    comps = pca.pca_components(centred, seed=0)
    for i in range(2):
        assert abs(float(comps[i] @ vt[i])) == pytest.approx(1.0, abs=1e-6)
    # projection: Σ (vote − mean)·axis over voted cells × √(statements / votes)
    votes = observed.sum(axis=1)
    proj = pca.project(centred, votes, comps, 8)
    row = 3
    manual = sum(
        (dense[row, j] - means[j]) * comps[0, j] for j in range(8) if observed[row, j]
    ) * np.sqrt(8 / votes[row])
    assert proj[row, 0] == pytest.approx(manual)


def test_bridging_reaches_the_minimum_of_the_regularised_loss() -> None:
    rng = np.random.default_rng(2)
    n_p, n_s = 12, 5
    mask = rng.random((n_p, n_s)) < 0.8
    rows, cols = np.nonzero(mask)
    y = (rng.random(rows.size) < 0.6).astype(float)
    li, lf = 0.15, 0.03
    s_int, s_fac, mu = bridging_mod.bridging_scores(
        rows, cols, y, n_p, n_s, lam_intercept=li, lam_factor=lf, iterations=2000, seed=0
    )

    def loss(x: np.ndarray) -> float:
        m, iu, fu = x[0], x[1 : 1 + n_p], x[1 + n_p : 1 + 2 * n_p]
        i_s, f_s = x[1 + 2 * n_p : 1 + 2 * n_p + n_s], x[1 + 2 * n_p + n_s :]
        pred = m + iu[rows] + i_s[cols] + fu[rows] * f_s[cols]
        reg = li * (m**2 + iu @ iu + i_s @ i_s) + lf * (fu @ fu + f_s @ f_s)
        return float(((y - pred) ** 2).sum() + reg)

    # the alternating solution is a stationary point: no direction improves the loss much
    x0 = np.zeros(1 + 2 * n_p + 2 * n_s)
    best = minimize(loss, x0 + rng.normal(0, 0.1, x0.size), method="L-BFGS-B").fun
    # recover the participants' side from ours by one exact half-step
    assert np.isfinite(s_int).all() and np.isfinite(s_fac).all() and np.isfinite(mu)
    ours = _our_loss(rows, cols, y, n_p, s_int, s_fac, mu, li, lf)
    assert ours <= best + 1e-3


def _our_loss(rows, cols, y, n_p, s_int, s_fac, mu, li, lf):  # type: ignore[no-untyped-def]
    m_pu = sp.csr_matrix((np.ones_like(y), (rows, cols)), shape=(n_p, s_int.size))
    r_pu = sp.csr_matrix((y, (rows, cols)), shape=(n_p, s_int.size))
    iu, fu = bridging_mod._solve_side(r_pu, m_pu, s_int, s_fac, mu, li, lf)
    pred = mu + iu[rows] + s_int[cols] + fu[rows] * s_fac[cols]
    reg = li * (mu**2 + iu @ iu + s_int @ s_int) + lf * (fu @ fu + s_fac @ s_fac)
    return float(((y - pred) ** 2).sum() + reg)


def test_bridging_has_converged_with_the_default_sweeps() -> None:
    votes = two_camps(30, seed=8)
    default = compute(votes).bridging
    long = compute(votes, params=Params(bridging_iterations=3000)).bridging
    for sid, b in long.items():
        assert default[sid].intercept == pytest.approx(b.intercept, abs=1e-5)
        assert default[sid].factor == pytest.approx(b.factor, abs=1e-5)


def test_bridging_ranks_a_statement_both_camps_agree_with_first() -> None:
    result = compute(two_camps())
    ranked = sorted(result.bridging, key=lambda s: -result.bridging[s].intercept)
    assert set(ranked[:2]) == {"8", "9"}
    divisive = [result.bridging[str(s)] for s in range(5)]
    assert all(abs(b.factor) > abs(result.bridging["8"].factor) for b in divisive)


# -- the whole computation --------------------------------------------------------------------


def test_two_camps_are_found_with_their_representative_and_consensus_statements() -> None:
    result = compute(two_camps())
    assert result.k == 2 and result.method_version == METHOD_VERSION
    camp_of = {p: int(p[1:]) % 2 for p in result.groups}
    pairs = {(camp_of[p], g) for p, g in result.groups.items()}
    assert len(pairs) == 2  # each camp is exactly one group
    for g, reps in result.repness.items():
        assert reps, f"group {g} has no representative statement"
        assert {r.statement_id for r in reps} <= {"0", "1", "2", "3", "4"}
    assert {c.statement_id for c in result.consensus if c.direction == "agree"} >= {"8", "9"}
    gic = result.group_informed_consensus
    assert min(gic["8"], gic["9"]) > max(gic[str(s)] for s in range(5))
    assert result.statement_stats["8"].seen == 40
    assert set(result.projection) == set(result.groups)


def test_participants_with_few_votes_are_not_clustered() -> None:
    votes = two_camps()
    votes += [("light", "0", 1), ("light", "1", 1), ("light", "2", 0)]
    result = compute(votes)
    assert "light" not in result.groups and "light" not in result.projection
    assert result.n_participants == 41
    assert result.statement_stats["0"].agree == sum(1 for _, s, v in votes if s == "0" and v == 1)


def test_moderated_out_statements_are_counted_but_not_mapped() -> None:
    result = compute(two_camps(), moderated_out={"0"})
    assert result.statement_stats["0"].seen == 40
    assert "0" not in result.bridging and "0" not in result.group_informed_consensus
    assert all(r.statement_id != "0" for rs in result.repness.values() for r in rs)


def test_known_statements_without_votes_get_zero_counts() -> None:
    result = compute(two_camps(), statement_ids=[str(s) for s in range(11)])
    assert result.statement_stats["10"] == StatementStats()


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_result(rnd: random.Random) -> None:
    votes = two_camps(24)
    shuffled = list(votes)
    rnd.shuffle(shuffled)
    assert compute(shuffled).to_json() == compute(votes).to_json()


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 5), st.sampled_from([1, -1, 0])),
        max_size=60,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_any_vote_set_gives_a_consistent_result(triples: list[tuple[int, int, int]]) -> None:
    votes = [(f"p{p}", f"s{s}", v) for p, s, v in triples]
    result = compute(votes)
    again = compute(list(reversed(votes)))
    assert result.to_json() == again.to_json()
    json.dumps(result.to_json())  # serialisable, no NaN surprises in types
    assert sum(st_.seen for st_ in result.statement_stats.values()) == len(votes)
    assert set(result.groups) <= {p for p, _, _ in votes}
    assert all(0 <= g < max(result.k, 1) for g in result.groups.values())
    for b in result.bridging.values():
        assert np.isfinite(b.intercept) and np.isfinite(b.factor)
    # group vote counts are the clustered members' own votes
    for sid, by_group in result.group_votes.items():
        for g, counts in by_group.items():
            members = {p for p, grp in result.groups.items() if grp == g}
            mine = [v for p, s, v in votes if s == sid and p in members]
            assert counts == (mine.count(1), mine.count(-1), mine.count(0))


def test_empty_and_single_participant_give_empty_results() -> None:
    empty = compute([])
    assert (empty.groups, empty.k, empty.repness, empty.bridging) == ({}, 0, {}, {})
    one = compute([("solo", "a", 1), ("solo", "b", -1)])
    assert one.groups == {} and one.k == 0
    assert one.statement_stats["a"].agree == 1


# -- k stickiness -----------------------------------------------------------------------------


def _three_blobs() -> tuple[np.ndarray, np.ndarray]:
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 8.0]])
    pts = np.concatenate([c + np.array([[0.1 * i, 0.05 * i] for i in range(4)]) for c in centers])
    return pts, np.ones(len(pts))


def test_a_new_k_is_adopted_only_after_it_keeps_winning() -> None:
    pts, w = _three_blobs()
    first = clustering.group_clusters(pts, w, max_k=5, stickiness=4, previous=None, seed=0)
    assert first.k == 3 and first.state == OpinionState(3, 3, 1)
    # the previous computation had k = 2: 3 must win 4 times in a row before it replaces it
    state = OpinionState(k=2, last_best_k=2, last_best_k_count=9)
    ks = []
    for _ in range(5):
        g = clustering.group_clusters(pts, w, max_k=5, stickiness=4, previous=state, seed=0)
        ks.append(g.k)
        state = g.state
    assert ks == [2, 2, 2, 3, 3]
    assert state.last_best_k == 3 and state.last_best_k_count == 5


def test_compute_passes_the_state_on() -> None:
    votes = two_camps()
    first = compute(votes)
    second = compute(votes, previous=first.state)
    assert second.state.last_best_k_count == first.state.last_best_k_count + 1
    restored = OpinionState.from_json(json.loads(json.dumps(first.state.to_json())))
    assert restored == first.state


def test_groups_keep_their_numbers_from_one_computation_to_the_next() -> None:
    votes = two_camps()
    first = compute(votes)
    assert len(first.state.centers) == first.k == 2
    assert compute(votes, previous=first.state).groups == first.groups
    # had the previous computation numbered the camps the other way, that numbering is kept
    swapped = replace(first.state, centers=tuple(reversed(first.state.centers)))
    second = compute(votes, previous=swapped)
    assert second.groups == {p: 1 - g for p, g in first.groups.items()}
    assert second.repness[0] == first.repness[1]
    assert second.state.centers == swapped.centers


# -- routing ----------------------------------------------------------------------------------


def test_priority_follows_the_polis_formula() -> None:
    s = StatementStats(agree=6, disagree=3, passes=1, extremity=0.5)
    p, a = 2 / 12, 7 / 12
    expected = ((1 - p) * 1.5 * a * (1 + 8 * 2 ** (-10 / 5))) ** 2
    assert priority(s) == pytest.approx(expected)


def test_routing_is_seeded_and_favours_new_informative_statements() -> None:
    stats = {
        "new": StatementStats(),
        "divisive": StatementStats(agree=40, disagree=38, passes=2, extremity=2.0),
        "passed": StatementStats(agree=5, disagree=5, passes=70),
    }
    picks = [next_statement(stats=stats, seen=(), seed=i) for i in range(600)]
    assert picks == [next_statement(stats=stats, seen=(), seed=i) for i in range(600)]
    counts = Counter(picks)
    assert counts["new"] > counts["divisive"] > counts["passed"]
    assert counts["passed"] < 600 / 3 * 0.5  # far from uniform
    assert next_statement(stats=stats, seen={"new", "divisive"}, seed=1) == "passed"
    assert next_statement(stats=stats, seen=stats.keys(), seed=1) is None
    assert next_statement(stats={}, seen=(), seed=1) is None


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ([("p", "s", 2)], "not 1 (agree)"),
        ([("p", "s", "1")], "not 1 (agree)"),
        ([("p", "s", True)], "not 1 (agree)"),
        ([("p", "s", 1), ("p", "s", -1)], "duplicate vote"),
        ([("p", "s")], "not (participant, statement, vote)"),
        ([("", "s", 1)], "must be text"),
        ([(1, "s", 1)], "must be text"),
    ],
)
def test_bad_votes_raise_a_clear_error(votes: list[tuple[object, ...]], message: str) -> None:
    with pytest.raises(OpinionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compute(votes)  # type: ignore[arg-type]


def test_unknown_statement_is_an_error_when_statements_are_given() -> None:
    with pytest.raises(OpinionError, match="unknown statement 'zz'"):
        compute([("p", "a", 1), ("p", "zz", 1)], statement_ids=["a"])


def test_params_change_the_clustering_threshold() -> None:
    votes = two_camps(10)
    assert len(compute(votes, params=Params(min_votes=11)).groups) == 10  # min(11, 10 statements)
    few = [(p, s, v) for p, s, v in votes if not (p == "u0" and int(s) > 2)]
    assert "u0" not in compute(few).groups
    assert "u0" in compute(few, params=Params(min_votes=3)).groups
