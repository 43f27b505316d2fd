"""Two-component PCA of a mean-imputed sparse vote matrix, and Pol.is's sparsity-aware projection.

With per-statement mean imputation, the imputed matrix minus its column means is exactly the
sparse matrix of ``vote - mean`` on observed cells (missing cells become 0), so PCA is a
subspace (block power) iteration on that sparse matrix: no dense participants × statements array.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]


def _orient(components: FloatArray) -> FloatArray:
    """Fix the sign of each component: its largest-magnitude entry is positive (ties: first)."""
    out = components.copy()
    for c in range(out.shape[0]):
        row = out[c]
        if row.size and row[int(np.argmax(np.abs(row)))] < 0:
            out[c] = -row
    return out


def pca_components(
    centered: sp.csr_matrix,
    *,
    n_components: int = 2,
    seed: int = 0,
    max_iter: int = 500,
    tol: float = 1e-10,
) -> FloatArray:
    """Top principal axes (``n_components`` × statements) of a column-centred sparse matrix."""
    n_rows, n_cols = centered.shape
    k = min(n_components, n_cols)
    if k == 0 or n_rows == 0:
        return np.zeros((n_components, n_cols))
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((n_cols, k)))
    transposed = centered.T.tocsr()
    previous_values = np.zeros(k)
    for _ in range(max_iter):
        product = transposed @ (centered @ basis)
        basis, upper = np.linalg.qr(product)
        values = np.abs(np.diag(upper))
        if np.all(np.abs(values - previous_values) <= tol * np.maximum(values, 1.0)):
            break
        previous_values = values
    # Rayleigh-Ritz: rotate the converged subspace onto the eigenvectors, largest first.
    small = basis.T @ (transposed @ (centered @ basis))
    eigenvalues, vectors = np.linalg.eigh((small + small.T) / 2)
    order = np.argsort(-eigenvalues, kind="stable")
    components = (basis @ vectors[:, order]).T
    out = np.zeros((n_components, n_cols))
    out[:k] = _orient(components)
    return out


def project(
    centered: sp.csr_matrix,
    votes_per_row: npt.NDArray[np.int64],
    components: FloatArray,
    n_statements: int,
) -> FloatArray:
    """Pol.is projection: sum of (vote − mean)·axis over voted cells, × √(statements ÷ votes)."""
    raw = np.asarray(centered @ components.T)
    scale = np.sqrt(n_statements / np.maximum(votes_per_row, 1).astype(np.float64))
    return np.asarray(raw * scale[:, None], dtype=np.float64)


def extremity(center: FloatArray, components: FloatArray) -> FloatArray:
    """Pol.is comment extremity: the norm of the projection of a lone 'agree' on each statement."""
    n_cols = components.shape[1]
    lone = np.sqrt(float(n_cols)) * np.abs(1.0 - center)
    return np.asarray(lone * np.linalg.norm(components, axis=0), dtype=np.float64)
