"""Pol.is two-level clustering: ~100 base clusters, then k ∈ 2…5 groups of base clusters.

Weighted Lloyd k-means written out in numpy so that every step is deterministic and in our
hands; the group count is chosen by a (participant-weighted) silhouette and smoothed over
successive computations (Pol.is ``group-k-smoother``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from .types import OpinionState

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _sq_distances(points: FloatArray, centers: FloatArray) -> FloatArray:
    cross = points @ centers.T
    sq = np.sum(points * points, axis=1)[:, None] - 2.0 * cross + np.sum(centers * centers, axis=1)
    return np.asarray(np.maximum(sq, 0.0), dtype=np.float64)


def assign(points: FloatArray, centers: FloatArray) -> IntArray:
    """Index of the nearest centre for each point (a k-d tree: the points are 2-D)."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, labels = cKDTree(centers).query(points, k=1)
    return np.asarray(labels, dtype=np.int64)


def kmeans(
    points: FloatArray,
    weights: FloatArray,
    init: FloatArray,
    *,
    max_iter: int = 100,
) -> tuple[FloatArray, IntArray]:
    """Weighted Lloyd iterations from ``init``; empty clusters keep their centre."""
    centers = init.copy()
    labels = assign(points, centers)
    for _ in range(max_iter):
        total = np.bincount(labels, weights=weights, minlength=centers.shape[0])
        new = centers.copy()
        for d in range(points.shape[1]):
            sums = np.bincount(labels, weights=weights * points[:, d], minlength=centers.shape[0])
            np.divide(sums, total, out=new[:, d], where=total > 0)
        new_labels = assign(points, new)
        centers = new
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centers, labels


def first_distinct(points: FloatArray, k: int) -> FloatArray:
    """The first ``k`` distinct points, in order (Pol.is's initial clusters)."""
    _, first = np.unique(points, axis=0, return_index=True)
    chosen = np.sort(first)[:k]
    return np.asarray(points[chosen], dtype=np.float64)


def kmeans_plus_plus(
    points: FloatArray, weights: FloatArray, k: int, rng: np.random.Generator
) -> FloatArray:
    """Weighted k-means++ seeding."""
    n = points.shape[0]
    first = int(rng.choice(n, p=weights / weights.sum()))
    centers = [points[first]]
    closest = _sq_distances(points, points[first : first + 1])[:, 0]
    for _ in range(1, k):
        mass = closest * weights
        total = mass.sum()
        if total <= 0:
            break
        nxt = int(rng.choice(n, p=mass / total))
        centers.append(points[nxt])
        closest = np.minimum(closest, _sq_distances(points, points[nxt : nxt + 1])[:, 0])
    return np.asarray(centers, dtype=np.float64)


def base_clusters(points: FloatArray, base_k: int) -> tuple[FloatArray, IntArray, FloatArray]:
    """Base clusters: (centres, label per point, members per centre); empty ones dropped."""
    init = first_distinct(points, base_k)
    centers, labels = kmeans(points, np.ones(points.shape[0]), init)
    counts = np.bincount(labels, minlength=centers.shape[0]).astype(np.float64)
    keep = np.flatnonzero(counts > 0)
    remap = np.full(centers.shape[0], -1, dtype=np.int64)
    remap[keep] = np.arange(keep.size)
    return centers[keep], remap[labels], counts[keep]


def weighted_silhouette(points: FloatArray, weights: FloatArray, labels: IntArray) -> float:
    """Silhouette of the participants, each placed at its base cluster's centre."""
    k = int(labels.max()) + 1 if labels.size else 0
    if k < 2:
        return -1.0
    dist = np.sqrt(_sq_distances(points, points))
    group_weight = np.bincount(labels, weights=weights, minlength=k)
    # weighted distance sum from each point to each group
    onehot = np.zeros((points.shape[0], k))
    onehot[np.arange(points.shape[0]), labels] = weights
    sums = dist @ onehot
    own = labels
    own_n = group_weight[own] - 1.0
    a = np.divide(
        sums[np.arange(points.shape[0]), own], own_n, out=np.zeros(points.shape[0]), where=own_n > 0
    )
    other = np.where(np.arange(k)[None, :] == own[:, None], np.inf, sums / group_weight[None, :])
    b = other.min(axis=1)
    denom = np.maximum(a, b)
    s = np.divide(b - a, denom, out=np.zeros(points.shape[0]), where=denom > 0)
    s[own_n <= 0] = 0.0
    return float(np.sum(s * weights) / np.sum(weights))


@dataclass(frozen=True)
class GroupClustering:
    k: int
    labels: IntArray  # group of each base cluster
    silhouettes: dict[int, float]
    state: OpinionState


def _group_for_k(
    centers: FloatArray, weights: FloatArray, k: int, seed: int, n_init: int = 10
) -> IntArray:
    rng = np.random.default_rng([seed, k])
    best_labels: IntArray | None = None
    best_inertia = np.inf
    for _ in range(n_init):
        init = kmeans_plus_plus(centers, weights, k, rng)
        group_centers, labels = kmeans(centers, weights, init)
        inertia = float(np.sum(weights * np.sum((centers - group_centers[labels]) ** 2, axis=1)))
        if inertia < best_inertia - 1e-12:
            best_inertia, best_labels = inertia, labels
    assert best_labels is not None
    return best_labels


def _canonical(labels: IntArray, weights: FloatArray) -> IntArray:
    """Number groups by size (largest first; ties by first base cluster), drop empty ones."""
    present = np.unique(labels)
    sizes = {int(g): float(weights[labels == g].sum()) for g in present}
    firsts = {int(g): int(np.flatnonzero(labels == g)[0]) for g in present}
    order = sorted(sizes, key=lambda g: (-sizes[g], firsts[g]))
    remap = {g: i for i, g in enumerate(order)}
    return np.array([remap[int(g)] for g in labels], dtype=np.int64)


def group_clusters(
    centers: FloatArray,
    weights: FloatArray,
    *,
    max_k: int,
    stickiness: int,
    previous: OpinionState | None,
    seed: int,
) -> GroupClustering:
    """Cluster base clusters into groups; k by silhouette, changed only when it keeps winning."""
    n_base = centers.shape[0]
    if n_base < 2:
        labels = np.zeros(n_base, dtype=np.int64)
        return GroupClustering(1 if n_base else 0, labels, {}, OpinionState())
    candidates: dict[int, IntArray] = {}
    silhouettes: dict[int, float] = {}
    # Pol.is's max-k-fn: few base clusters allow few groups (2 + one more per 12)
    for k in range(2, min(max_k, 2 + n_base // 12, n_base) + 1):
        labels = _canonical(_group_for_k(centers, weights, k, seed), weights)
        if int(labels.max()) + 1 != k:
            continue
        candidates[k] = labels
        silhouettes[k] = round(weighted_silhouette(centers, weights, labels), 12)
    if not candidates:
        labels = np.zeros(n_base, dtype=np.int64)
        return GroupClustering(1, labels, {}, OpinionState())
    best = max(sorted(silhouettes), key=lambda k: silhouettes[k])
    prev = previous or OpinionState()
    count = prev.last_best_k_count + 1 if prev.last_best_k == best else 1
    chosen = best
    if prev.k is not None and count < stickiness and prev.k in candidates:
        chosen = prev.k
    state = OpinionState(k=chosen, last_best_k=best, last_best_k_count=count)
    return GroupClustering(chosen, candidates[chosen], silhouettes, state)
