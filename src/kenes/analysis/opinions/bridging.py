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
) -> tuple[FloatArray, FloatArray]:
    """Best (intercept, factor) per row given the other side's, in closed form."""
    count = np.asarray(mask.sum(axis=1)).ravel()
    s1 = mask @ other_factor
    s2 = mask @ (other_factor * other_factor)
    sy = ratings @ np.ones(ratings.shape[1]) - mu * count - mask @ other_intercept
    syf = ratings @ other_factor - mu * s1 - mask @ (other_intercept * other_factor)
    a11, a12, a22 = count + lam_i, s1, s2 + lam_f
    det = a11 * a22 - a12 * a12
    intercept = (a22 * sy - a12 * syf) / det
    factor = (a11 * syf - a12 * sy) / det
    return intercept, factor


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
    mu = float(agree.mean()) if agree.size else 0.0
    for _ in range(iterations):
        s_intercept, s_factor = _solve_side(
            r_su, m_su, p_intercept, p_factor, mu, lam_intercept, lam_factor
        )
        p_intercept, p_factor = _solve_side(
            r_pu, m_pu, s_intercept, s_factor, mu, lam_intercept, lam_factor
        )
        fitted = p_intercept[rows] + s_intercept[cols] + p_factor[rows] * s_factor[cols]
        mu = float(np.sum(agree - fitted) / (n + lam_intercept))
    # fix the factor's sign: the statement with the largest |factor| is positive
    if s_factor.size and s_factor[int(np.argmax(np.abs(s_factor)))] < 0:
        s_factor = -s_factor
    return s_intercept, s_factor, mu
