"""Community Notes style bridging: rating ≈ μ + i_participant + i_statement + f_p·f_s.

Agree = 1, disagree = 0 (passes are not ratings). Regularised least squares (intercepts λ_i,
factors λ_f) solved by alternating exact ridge updates — each statement's (intercept, factor)
pair is a 2 × 2 system built from sparse sums — so it is deterministic and fast. A statement's
intercept is the agreement the one-dimensional divide does not explain: its bridging score.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]


def _solve_side(
    ratings: sp.csr_matrix,
    mask: sp.csr_matrix,
    other_intercept: FloatArray,
    other_factor: FloatArray,
    mu: float,
    lam_i: float,
    lam_f: float,
    count: FloatArray | None = None,
    rating_sum: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Best (intercept, factor) per row given the other side's, in closed form."""
    if count is None:
        count = np.asarray(mask.sum(axis=1), dtype=np.float64).ravel()
    if rating_sum is None:
        rating_sum = np.asarray(ratings.sum(axis=1), dtype=np.float64).ravel()
    # one pass over the sparse structure for the four sums the 2 × 2 systems need
    sums = mask @ np.column_stack(
        (other_factor, other_factor * other_factor, other_intercept, other_intercept * other_factor)
    )
    s1, s2, si, sif = sums[:, 0], sums[:, 1], sums[:, 2], sums[:, 3]
    sy = rating_sum - mu * count - si
    syf = ratings @ other_factor - mu * s1 - sif
    a11, a12, a22 = count + lam_i, s1, s2 + lam_f
    det = a11 * a22 - a12 * a12
    intercept = (a22 * sy - a12 * syf) / det
    factor = (a11 * syf - a12 * sy) / det
    return intercept, factor


def _gauge(
    p_i: FloatArray,
    p_f: FloatArray,
    s_i: FloatArray,
    s_f: FloatArray,
    mu: float,
    lam_i: float,
    lam_f: float,
) -> float:
    """Moves along the model's flat directions that leave every prediction unchanged, each to
    its exact best for the regularisation (in place; returns μ). Alternating updates crawl
    along these directions; taking them in closed form reaches the same optimum far sooner.

    - shift the participants' factors by c and the statements' intercepts by −c·f_s (and the
      converse), - rescale the factors by s and 1/s, - move μ against either side's intercepts.
    """
    for a_f, b_i, b_f in ((p_f, s_i, s_f), (s_f, p_i, p_f)):
        denom = lam_f * a_f.size + lam_i * float(b_f @ b_f)
        if denom > 0:
            c = (lam_i * float(b_i @ b_f) - lam_f * float(a_f.sum())) / denom
            a_f += c
            b_i -= c * b_f
    pf2, sf2 = float(p_f @ p_f), float(s_f @ s_f)
    if pf2 > 0 and sf2 > 0:
        scale = (sf2 / pf2) ** 0.25
        p_f *= scale
        s_f /= scale
    for side in (s_i, p_i):
        c = (float(side.sum()) - mu) / (1.0 + side.size)
        mu += c
        side -= c
    return mu


def bridging_scores(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    agree: npt.NDArray[np.float64],
    n_participants: int,
    n_statements: int,
    *,
    lam_intercept: float,
    lam_factor: float,
    iterations: int,
    seed: int,
    tol: float = 1e-6,
) -> tuple[FloatArray, FloatArray, float]:
    """(statement intercepts, statement factors, global intercept)."""
    shape = (n_participants, n_statements)
    r_pu = sp.csr_matrix((agree, (rows, cols)), shape=shape)
    m_pu = sp.csr_matrix((np.ones_like(agree), (rows, cols)), shape=shape)
    r_su, m_su = r_pu.T.tocsr(), m_pu.T.tocsr()
    rng = np.random.default_rng(seed)
    p_factor = rng.normal(0.0, 0.1, n_participants)
    p_intercept = np.zeros(n_participants)
    s_intercept = np.zeros(n_statements)
    s_factor = np.zeros(n_statements)
    n = float(agree.size)
    total = float(agree.sum())
    p_count = np.asarray(m_pu.sum(axis=1), dtype=np.float64).ravel()
    s_count = np.asarray(m_su.sum(axis=1), dtype=np.float64).ravel()
    mu = float(agree.mean()) if agree.size else 0.0
    p_sum = np.asarray(r_pu.sum(axis=1), dtype=np.float64).ravel()
    s_sum = np.asarray(r_su.sum(axis=1), dtype=np.float64).ravel()
    for _ in range(iterations):
        before = np.concatenate((s_intercept, s_factor))
        s_intercept, s_factor = _solve_side(
            r_su, m_su, p_intercept, p_factor, mu, lam_intercept, lam_factor, s_count, s_sum
        )
        p_intercept, p_factor = _solve_side(
            r_pu, m_pu, s_intercept, s_factor, mu, lam_intercept, lam_factor, p_count, p_sum
        )
        mu = _gauge(p_intercept, p_factor, s_intercept, s_factor, mu, lam_intercept, lam_factor)
        # Σ over ratings of the fitted values, from per-row sums (no pass over every rating)
        fitted = p_count @ p_intercept + s_count @ s_intercept + p_factor @ (m_pu @ s_factor)
        mu = float((total - fitted) / (n + lam_intercept))
        change = np.concatenate((s_intercept, s_factor)) - before
        if np.max(np.abs(change), initial=0.0) < tol:
            break
    # fix the factor's sign: the statement with the largest |factor| is positive
    if s_factor.size and s_factor[int(np.argmax(np.abs(s_factor)))] < 0:
        s_factor = -s_factor
    return s_intercept, s_factor, mu
