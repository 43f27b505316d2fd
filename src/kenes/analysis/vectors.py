"""Nearest-neighbour search over L2-normalised vectors, behind one small interface.

* :class:`ExactIndex` — every vector in one float32 matrix (grown by doubling), scored by
  blocked matrix products (BLAS) with a running top-k per block: exact, no training, cheap
  adds and removals. Memory-bound (the whole matrix is read per query): on the 2-core machine
  a product over 1M × 384 takes about 130 ms at load 2 and the index's p50 was 330 ms at load
  7 (bench/vector_search_bench.py) — fine for a draft version's proposals (12k–100k), not 1M.
* :class:`IvfIndex` — faiss ``IndexIVFScalarQuantizer`` (inverted lists over k-means cells,
  vectors kept as int8 codes: 384 bytes each), inner product; a query scans ``nprobe`` cells.
  Needs training on a sample (done on the first vectors it gets); built for 1M and more.
* :func:`make_index` picks the exact index below ``exact_below`` vectors and the IVF one above.

Ids are integers chosen by the caller (proposal ids); adding an id again replaces its vector.
Scores are cosine similarities (inner products of normalised vectors), best first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Hit = tuple[int, float]

# Rows scored per matrix product: bounds the temporary score matrix (BLOCK x queries floats).
BLOCK = 262_144
# Below this many vectors the exact index is the default (see docs/decisions.md).
EXACT_BELOW = 100_000


@runtime_checkable
class VectorIndex(Protocol):
    """What the search services need from an index."""

    @property
    def dim(self) -> int: ...

    def __len__(self) -> int: ...

    def __contains__(self, key: object) -> bool: ...

    def add(self, ids: Sequence[int], vectors: npt.ArrayLike) -> None: ...

    def remove(self, ids: Iterable[int]) -> int: ...

    def search(self, query: npt.ArrayLike, k: int) -> list[Hit]: ...

    def search_many(self, queries: npt.ArrayLike, k: int) -> list[list[Hit]]: ...


def _as_matrix(vectors: npt.ArrayLike, dim: int) -> FloatArray:
    """``vectors`` as a C-contiguous float32 (n x dim) matrix; a clear error otherwise."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(f"expected vectors of dimension {dim}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("vectors must be finite (no NaN or infinity)")
    out: FloatArray = np.ascontiguousarray(arr)
    return out


def _check_ids(ids: Sequence[int], n: int) -> list[int]:
    out = [int(i) for i in ids]
    if len(out) != n:
        raise ValueError(f"{len(out)} ids for {n} vectors")
    if len(set(out)) != len(out):
        raise ValueError("ids must be distinct within one call")
    return out


def _top_k(scores: FloatArray, k: int) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Row-wise indexes and values of the ``k`` largest scores, best first."""
    n = scores.shape[1]
    k = min(k, n)
    if k <= 0:
        empty = np.zeros((scores.shape[0], 0))
        return empty.astype(np.intp), empty.astype(np.float32)
    part = (
        np.argpartition(-scores, k - 1, axis=1)[:, :k]
        if k < n
        else np.tile(np.arange(n), (scores.shape[0], 1))
    )
    vals = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


class ExactIndex:
    """Exact inner-product search (see the module docstring)."""

    def __init__(self, dim: int, *, block: int = BLOCK) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self._dim = dim
        self.block = max(1, block)
        self._vecs: FloatArray = np.zeros((0, dim), dtype=np.float32)
        self._ids: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._row: dict[int, int] = {}
        self._n = 0

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return self._n

    def __contains__(self, key: object) -> bool:
        return key in self._row

    @property
    def nbytes(self) -> int:
        """Memory held by the vectors and ids (capacity included)."""
        return int(self._vecs.nbytes + self._ids.nbytes)

    def reserve(self, n: int) -> None:
        """Make room for ``n`` vectors at once (no doubling while a known number is added)."""
        self._reserve(n, exact=True)

    def _reserve(self, n: int, *, exact: bool = False) -> None:
        if n <= self._vecs.shape[0]:
            return
        cap = n if exact else max(n, 2 * self._vecs.shape[0], 1024)
        vecs = np.zeros((cap, self._dim), dtype=np.float32)
        vecs[: self._n] = self._vecs[: self._n]
        ids = np.zeros(cap, dtype=np.int64)
        ids[: self._n] = self._ids[: self._n]
        self._vecs, self._ids = vecs, ids

    def add(self, ids: Sequence[int], vectors: npt.ArrayLike) -> None:
        """Add vectors under ``ids``; an id already present gets the new vector."""
        mat = _as_matrix(vectors, self._dim)
        keys = _check_ids(ids, mat.shape[0])
        fresh = [j for j, key in enumerate(keys) if key not in self._row]
        for j, key in enumerate(keys):
            row = self._row.get(key)
            if row is not None:
                self._vecs[row] = mat[j]
        if not fresh:
            return
        self._reserve(self._n + len(fresh))
        start = self._n
        rows = np.arange(start, start + len(fresh))
        self._vecs[rows] = mat[fresh]
        self._ids[rows] = [keys[j] for j in fresh]
        for offset, j in enumerate(fresh):
            self._row[keys[j]] = start + offset
        self._n += len(fresh)

    def remove(self, ids: Iterable[int]) -> int:
        """Remove ``ids`` (unknown ones are ignored); return how many were removed."""
        removed = 0
        for key in ids:
            row = self._row.pop(int(key), None)
            if row is None:
                continue
            last = self._n - 1
            if row != last:  # the last row moves into the hole
                moved = int(self._ids[last])
                self._vecs[row] = self._vecs[last]
                self._ids[row] = moved
                self._row[moved] = row
            self._n -= 1
            removed += 1
        return removed

    def search(self, query: npt.ArrayLike, k: int) -> list[Hit]:
        return self.search_many(query, k)[0]

    def search_many(self, queries: npt.ArrayLike, k: int) -> list[list[Hit]]:
        """The ``k`` nearest ids of each query row with their scores, best first."""
        qs = _as_matrix(queries, self._dim)
        if k <= 0 or self._n == 0:
            return [[] for _ in range(qs.shape[0])]
        best_rows: list[npt.NDArray[np.intp]] = []
        best_vals: list[FloatArray] = []
        for start in range(0, self._n, self.block):
            stop = min(self._n, start + self.block)
            scores: FloatArray = (qs @ self._vecs[start:stop].T).astype(np.float32, copy=False)
            rows, vals = _top_k(scores, k)
            best_rows.append(rows + start)
            best_vals.append(vals)
        rows_all = np.concatenate(best_rows, axis=1)
        vals_all = np.concatenate(best_vals, axis=1)
        pick, vals = _top_k(vals_all, k)
        rows = np.take_along_axis(rows_all, pick, axis=1)
        ids = self._ids[rows]
        return [
            [(int(i), float(s)) for i, s in zip(ids[q], vals[q], strict=True)]
            for q in range(qs.shape[0])
        ]


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - faiss-cpu is a declared dependency
        raise RuntimeError("IvfIndex needs the faiss-cpu package (pip install faiss-cpu)") from exc
    return faiss


class IvfIndex:
    """Approximate search with faiss IVF + int8 scalar quantizer (see the module docstring).

    ``nlist`` cells (default about 2·√n of the first batch, at least 16) are trained by k-means
    on the first ``add`` (at least ``39 * nlist`` vectors are needed: faiss's rule of thumb);
    later adds only encode. ``nprobe`` cells are scanned per query: more is slower and closer
    to exact (recall@10 against exact search is measured by the bench).
    """

    def __init__(
        self,
        dim: int,
        *,
        nlist: int | None = None,
        nprobe: int = 32,
        train_size: int = 100_000,
        threads: int | None = None,
        seed: int = 1234,
    ) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self._dim = dim
        self.nlist = nlist
        self.nprobe = nprobe
        self.train_size = train_size
        self.seed = seed
        self._faiss = _faiss()
        if threads is not None:
            self._faiss.omp_set_num_threads(threads)
        self._index: Any = None
        self._ids: set[int] = set()

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    @property
    def trained(self) -> bool:
        return self._index is not None

    def _train(self, mat: FloatArray) -> None:
        faiss = self._faiss
        nlist = self.nlist or max(16, int(2 * math.sqrt(mat.shape[0])))
        if mat.shape[0] < 39 * nlist:
            raise ValueError(
                f"an IVF index of {nlist} cells needs at least {39 * nlist} vectors to train "
                f"on, got {mat.shape[0]}: use ExactIndex (make_index) for small sets"
            )
        quantizer = faiss.IndexFlatIP(self._dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, self._dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        rng = np.random.default_rng(self.seed)
        sample = mat
        if mat.shape[0] > self.train_size:
            sample = mat[np.sort(rng.choice(mat.shape[0], self.train_size, replace=False))]
        index.cp.seed = self.seed
        index.train(sample)
        self.nlist = nlist
        self._index = index

    def add(self, ids: Sequence[int], vectors: npt.ArrayLike) -> None:
        """Add vectors under ``ids`` (the first call trains); an id present is replaced."""
        mat = _as_matrix(vectors, self._dim)
        keys = _check_ids(ids, mat.shape[0])
        if not keys:
            return
        if self._index is None:
            self._train(mat)
        again = [key for key in keys if key in self._ids]
        if again:
            self.remove(again)
        self._index.add_with_ids(mat, np.asarray(keys, dtype=np.int64))
        self._ids.update(keys)

    def remove(self, ids: Iterable[int]) -> int:
        present = [int(key) for key in ids if int(key) in self._ids]
        if not present or self._index is None:
            return 0
        selector = self._faiss.IDSelectorBatch(np.asarray(present, dtype=np.int64))
        removed = int(self._index.remove_ids(selector))
        self._ids.difference_update(present)
        return removed

    def search(self, query: npt.ArrayLike, k: int) -> list[Hit]:
        return self.search_many(query, k)[0]

    def search_many(self, queries: npt.ArrayLike, k: int) -> list[list[Hit]]:
        qs = _as_matrix(queries, self._dim)
        if k <= 0 or self._index is None or not self._ids:
            return [[] for _ in range(qs.shape[0])]
        self._index.nprobe = min(self.nprobe, self.nlist or self.nprobe)
        scores, ids = self._index.search(qs, min(k, len(self._ids)))
        return [
            [(int(i), float(s)) for i, s in zip(ids[q], scores[q], strict=True) if i >= 0]
            for q in range(qs.shape[0])
        ]


def make_index(
    dim: int, *, expected: int = 0, exact_below: int = EXACT_BELOW, **ivf: Any
) -> VectorIndex:
    """An exact index for up to ``exact_below`` expected vectors, else an :class:`IvfIndex`
    (whose first ``add`` must then bring enough vectors to train on)."""
    if expected < exact_below:
        return ExactIndex(dim)
    return IvfIndex(dim, **ivf)
