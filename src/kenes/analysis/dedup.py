"""Exact and near-duplicate detection.

* exact: BLAKE2 hash of the folded token sequence (case, punctuation, quotes, dashes, spacing and
  Latin/Cyrillic Kazakh script do not matter);
* near: MinHash LSH (datasketch) over character 5-shingles of the folded text proposes
  candidates, confirmed by the exact Jaccard similarity of the shingle sets (default >= 0.7)
  or by containment (>= 0.9 of the shorter text, e.g. a copy with a greeting added).

:class:`DedupIndex` is incremental: :meth:`DedupIndex.add` answers in well under a millisecond
for typical proposals. Clusters are kept in a union-find whose root is always the earliest
added member, which is what ``duplicate_of`` reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from .normalize import tokenize

U32 = npt.NDArray[np.uint32]
NUM_PERM = 64


def _ident(x: int) -> int:
    return x


_MH_PROTO = MinHash(num_perm=NUM_PERM, hashfunc=_ident)
# datasketch's permutations (seed 1) and its "affine32" scheme (MurmurHash3 finaliser, then
# a * h + b modulo 2**32), applied to whole arrays at once.
_PERM_A, _PERM_B = (np.asarray(p, dtype=np.uint32) for p in _MH_PROTO.permutations)
_MAX_HASH = np.uint64((1 << 32) - 1)
_P = np.uint64(1_000_003)
_M1 = np.uint64(0xBF58476D1CE4E5B9)


def shingle_hashes(tokens: list[str], k: int = 5) -> U32:
    """Sorted unique 32-bit hashes of character k-shingles of the joined tokens.

    Vectorised: the code points of the string are combined window by window in numpy (a
    polynomial hash mixed by a splitmix step), not one Python call per shingle.
    """
    return window_hashes(" ".join(tokens), k)


def window_hashes(s: str, k: int) -> U32:
    """Sorted unique 32-bit hashes of the character k-grams of ``s`` (one gram if shorter)."""
    if not s:
        return np.zeros(0, dtype=np.uint32)
    cps = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    width = min(k, len(cps))
    n = len(cps) - width + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(width):
        h = h * _P + cps[j : j + n]
    h ^= h >> np.uint64(31)
    h *= _M1
    h ^= h >> np.uint64(29)
    return np.unique((h & _MAX_HASH).astype(np.uint32))


def window_hashes_many(strings: Sequence[str], k: int) -> list[U32]:
    """:func:`window_hashes` of each string, computed in one pass over their concatenation
    (a handful of numpy calls per call instead of per string: sentences are short)."""
    long = [i for i, x in enumerate(strings) if len(x) >= k]
    out: list[U32] = [window_hashes(x, k) if len(x) < k else _EMPTY for x in strings]
    if not long:
        return out
    joined = "".join(strings[i] for i in long)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lens = np.array([len(strings[i]) for i in long], dtype=np.int64)
    ends = np.cumsum(lens)
    n = len(cps) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * _P + cps[j : j + n]
    h ^= h >> np.uint64(31)
    h *= _M1
    h ^= h >> np.uint64(29)
    # window starts that stay inside one string, tagged with that string's rank
    seg = np.repeat(np.arange(len(long), dtype=np.int64), lens)[:n]
    ok = np.arange(n) + k <= ends[seg]
    keys = np.unique((seg[ok].astype(np.uint64) << np.uint64(32)) | (h[ok] & _MAX_HASH))
    low = (keys & _MAX_HASH).astype(np.uint32)
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(1, len(long), dtype=np.uint64))
    starts = [0, *bounds.tolist()]
    stops = [*bounds.tolist(), len(low)]
    for i, a, b in zip(long, starts, stops, strict=True):
        out[i] = low[a:b]
    return out


_EMPTY: U32 = np.zeros(0, dtype=np.uint32)


def _fmix32(h: U32) -> U32:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    out: U32 = h ^ (h >> np.uint32(16))
    return out


def signature(hashes: U32) -> U32:
    """The ``NUM_PERM`` MinHash values of precomputed shingle hashes (datasketch's scheme)."""
    if not len(hashes):
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    hv = _fmix32(hashes.astype(np.uint32))[:, None]
    out: U32 = (hv * _PERM_A + _PERM_B).min(axis=0)
    return out


def minhash_of(hashes: U32) -> MinHash:
    """A datasketch MinHash (``NUM_PERM`` permutations) of precomputed shingle hashes."""
    m = _MH_PROTO.copy()
    m.hashvalues = np.minimum(m.hashvalues, signature(hashes))
    return m


class BandIndex:
    """MinHash LSH (bands of the signature, datasketch's optimal band/row split) whose queries
    are deterministic and cheap at scale.

    * a bucket stops growing at ``max_bucket`` members (a very common band value says little;
      the other bands still find true neighbours), so a query touches a bounded number of ids;
    * the signatures are kept in one array: the candidates of a query are ranked by their
      estimated Jaccard similarity (share of equal MinHash values, computed for all of them in
      one numpy operation), then by insertion order - not in the order of a Python ``set``,
      which changed from process to process;
    * ``min_similarity`` drops candidates below an estimated similarity, ``limit`` keeps the
      best ones: the exact comparisons that follow run on a few candidates only.
    """

    def __init__(self, threshold: float, num_perm: int = NUM_PERM, max_bucket: int = 500) -> None:
        b, r = _optimal_param(threshold, num_perm, 0.5, 0.5)
        self.ranges = [(i * r, (i + 1) * r) for i in range(b)]
        # a bucket of one member is stored as that int (most buckets), larger ones as a list
        self.tables: list[dict[bytes, int | list[int]]] = [{} for _ in range(b)]
        self.max_bucket = max_bucket
        self.ids: list[str] = []
        self._sigs = np.zeros((1024, num_perm), dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.ids)

    def _keys(self, values: U32) -> list[bytes]:
        raw, w = values.tobytes(), values.itemsize  # one copy, then byte slices
        return [raw[w * a : w * b] for a, b in self.ranges]

    @staticmethod
    def _values(sig: U32 | MinHash) -> U32:
        values: U32 = sig.hashvalues if isinstance(sig, MinHash) else sig
        return values

    def insert(self, id: str, sig: U32 | MinHash) -> None:
        values = self._values(sig)
        n = len(self.ids)
        self.ids.append(id)
        if n == len(self._sigs):
            self._sigs = np.concatenate([self._sigs, np.zeros_like(self._sigs)])
        self._sigs[n] = values
        for table, key in zip(self.tables, self._keys(values), strict=True):
            bucket = table.get(key)
            if bucket is None:
                table[key] = n
            elif isinstance(bucket, int):
                table[key] = [bucket, n]
            elif len(bucket) < self.max_bucket:
                bucket.append(n)

    def query_scored(
        self, sig: U32 | MinHash, *, limit: int | None = None, min_similarity: float = 0.0
    ) -> list[tuple[str, float]]:
        """(id, estimated Jaccard similarity) of the candidates, best first."""
        values = self._values(sig)
        hits: set[int] = set()  # the order of the rows does not matter: they are sorted below
        for table, key in zip(self.tables, self._keys(values), strict=True):
            bucket = table.get(key)
            if isinstance(bucket, int):
                hits.add(bucket)
            elif bucket:
                hits.update(bucket)
        if not hits:
            return []
        rows = np.fromiter(hits, dtype=np.int64, count=len(hits))
        est = (self._sigs[rows] == values).mean(axis=1)
        keep = est >= min_similarity
        rows, est = rows[keep], est[keep]
        order = np.lexsort((rows, -est))[:limit]
        return [(self.ids[int(rows[i])], float(est[i])) for i in order]

    def query(
        self, sig: U32 | MinHash, *, limit: int | None = None, min_similarity: float = 0.0
    ) -> list[str]:
        """Candidate ids, best first (see :meth:`query_scored`)."""
        return [i for i, _ in self.query_scored(sig, limit=limit, min_similarity=min_similarity)]


def overlap(a: U32, b: U32) -> int:
    """Size of the intersection of two sorted unique hash arrays (binary search of the
    shorter in the longer: no concatenation and re-sort as in ``np.intersect1d``)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a))


def overlaps(a: U32, others: Sequence[U32]) -> list[int]:
    """:func:`overlap` of ``a`` with each of ``others`` (sorted unique hash arrays), in a few
    numpy calls for all of them instead of a few per pair."""
    if len(others) < 2 or not len(a):
        return [overlap(a, b) for b in others]
    cat = np.concatenate(others)
    pos = np.searchsorted(a, cat)
    pos[pos == len(a)] = 0
    owner = np.repeat(np.arange(len(others)), [len(b) for b in others])
    hit = np.bincount(owner[a[pos] == cat], minlength=len(others))
    return [int(x) for x in hit.tolist()]


def jaccard(a: U32, b: U32) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    inter = overlap(a, b)
    return inter / (len(a) + len(b) - inter)


def containment(a: U32, b: U32) -> float:
    """Share of the smaller set contained in the other one."""
    if not len(a) or not len(b):
        return 0.0
    return overlap(a, b) / min(len(a), len(b))


def exact_key(tokens: list[str]) -> str | None:
    """Hash of the folded token sequence; None for texts without any word."""
    if not tokens:
        return None
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).hexdigest()


def prepare_text(text: str, min_shingles: int = 15) -> tuple[str | None, U32 | None, U32 | None]:
    """The per-text part of duplicate detection: (exact key, shingle hashes, signature).

    Pure and independent of other texts, so it runs in parallel shards (processes, Dask)."""
    return _prepare_tokens(tokenize(text[:100_000]), min_shingles)


Prepared = tuple[str | None, U32 | None, U32 | None]


def _prepare_tokens(tokens: list[str], min_shingles: int) -> Prepared:
    key = exact_key(tokens)
    if key is None:
        return None, None, None
    hashes = shingle_hashes(tokens)
    if len(hashes) < min_shingles:
        return key, hashes, None
    return key, hashes, signature(hashes)


def prepare_texts(
    texts: Sequence[str], min_shingles: int = 15, *, tokens: Sequence[list[str]] | None = None
) -> list[Prepared]:
    """:func:`prepare_text` of each text (one shard). ``tokens``, when given, are the texts'
    :func:`tokenize` tokens (of ``text[:100_000]``), computed by the caller already.

    (Hashing the texts of a shard together in larger numpy batches was measured slower: the
    arrays leave the CPU caches, and one text's arrays are small enough already.)"""
    if tokens is None:
        return [prepare_text(t, min_shingles) for t in texts]
    return [_prepare_tokens(t, min_shingles) for t in tokens]


@dataclass(frozen=True, slots=True)
class DupMatch:
    """``id`` duplicates ``of`` (the earliest member of its cluster when it was added)."""

    id: str
    of: str
    kind: Literal["exact", "near"]
    score: float


class UnionFind:
    """Union-find whose root is the member with the smallest insertion rank."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.rank: dict[str, int] = {}

    def add(self, x: str) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.rank[x] = len(self.rank)

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> str:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.rank[rb] < self.rank[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return ra

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for x in self.parent:  # insertion order: members listed earliest first
            out.setdefault(self.find(x), []).append(x)
        return out


class DedupIndex:
    """Incremental exact + near-duplicate index."""

    def __init__(
        self,
        *,
        jaccard_threshold: float = 0.7,
        containment_threshold: float = 0.9,
        lsh_threshold: float = 0.5,
        min_shingles: int = 15,
        max_candidates: int = 50,
    ) -> None:
        self.jaccard_threshold = jaccard_threshold
        self.containment_threshold = containment_threshold
        self.min_shingles = min_shingles
        self.max_candidates = max_candidates
        self.uf = UnionFind()
        self._exact: dict[str, str] = {}
        self._lsh = BandIndex(lsh_threshold)
        self._hashes: dict[str, U32] = {}

    def __len__(self) -> int:
        return len(self.uf.parent)

    def add(self, id: str, text: str) -> DupMatch | None:
        """Index ``text`` under ``id``; return the duplicate match, if any."""
        return self.add_prepared(id, *prepare_text(text))

    def add_prepared(
        self, id: str, key: str | None, hashes: U32 | None, sig: U32 | None
    ) -> DupMatch | None:
        """:meth:`add` with the per-text work (:func:`prepare_text`) done beforehand, e.g. in
        another process: only the index lookups run here."""
        if id in self.uf.parent:
            raise ValueError(f"duplicate id {id!r}")
        self.uf.add(id)
        if key is None:
            return None
        first = self._exact.get(key)
        if first is not None:
            root = self.uf.union(first, id)
            return DupMatch(id, root, "exact", 1.0)
        self._exact[key] = id
        if hashes is None or sig is None or len(hashes) < self.min_shingles:
            return None
        best: tuple[float, str] | None = None
        # A duplicate has Jaccard >= 0.5 (>= 0.7, or containment 0.9 at a size ratio >= 0.6):
        # candidates estimated below 0.3 (3 standard errors of 64 MinHash values) are not
        # compared exactly.
        cands = self._lsh.query(sig, limit=self.max_candidates, min_similarity=0.3)
        others = [self._hashes[c] for c in cands]
        for cand, other, inter in zip(cands, others, overlaps(hashes, others), strict=True):
            small, big = sorted((len(hashes), len(other)))
            score = inter / (small + big - inter)
            ok = score >= self.jaccard_threshold
            if not ok:
                ok = small >= 0.6 * big and inter / small >= self.containment_threshold
            if ok and (best is None or score > best[0]):
                best = (score, cand)
            if ok:
                self.uf.union(cand, id)
        if best is not None:
            # Not indexed: its cluster is already represented, which keeps buckets small.
            return DupMatch(id, self.uf.find(id), "near", round(best[0], 4))
        self._lsh.insert(id, sig)
        self._hashes[id] = hashes
        return None

    def duplicate_of(self, id: str) -> str | None:
        """The earliest member of ``id``'s cluster, or None if ``id`` is that member/alone."""
        root = self.uf.find(id)
        return None if root == id else root

    def clusters(self) -> dict[str, list[str]]:
        """Root id -> member ids (earliest first), for clusters with 2+ members."""
        return {k: v for k, v in self.uf.groups().items() if len(v) > 1}
