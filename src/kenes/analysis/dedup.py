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
import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from .normalize import tokenize

U32 = npt.NDArray[np.uint32]
NUM_PERM = 64


def _ident(x: int) -> int:
    return x


_MH_PROTO = MinHash(num_perm=NUM_PERM, hashfunc=_ident)


def shingle_hashes(tokens: list[str], k: int = 5) -> U32:
    """Sorted unique CRC32 hashes of character k-shingles of the joined tokens."""
    s = " ".join(tokens)
    if not s:
        return np.zeros(0, dtype=np.uint32)
    if len(s) <= k:
        grams = [s]
    else:
        grams = [s[i : i + k] for i in range(len(s) - k + 1)]
    return np.unique(np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint32))


def minhash_of(hashes: U32) -> MinHash:
    """A MinHash (``NUM_PERM`` permutations) of precomputed shingle hashes."""
    m = _MH_PROTO.copy()
    if len(hashes):
        m.update_batch(hashes.tolist())
    return m


def jaccard(a: U32, b: U32) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def containment(a: U32, b: U32) -> float:
    """Share of the smaller set contained in the other one."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / min(len(a), len(b))


def exact_key(tokens: list[str]) -> str | None:
    """Hash of the folded token sequence; None for texts without any word."""
    if not tokens:
        return None
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).hexdigest()


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
        self._lsh = MinHashLSH(threshold=lsh_threshold, num_perm=NUM_PERM)
        self._hashes: dict[str, U32] = {}
        self.minhashes: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self.uf.parent)

    def add(self, id: str, text: str) -> DupMatch | None:
        """Index ``text`` under ``id``; return the duplicate match, if any."""
        if id in self.uf.parent:
            raise ValueError(f"duplicate id {id!r}")
        self.uf.add(id)
        tokens = tokenize(text[:100_000])
        key = exact_key(tokens)
        if key is None:
            return None
        first = self._exact.get(key)
        if first is not None:
            root = self.uf.union(first, id)
            return DupMatch(id, root, "exact", 1.0)
        self._exact[key] = id
        hashes = shingle_hashes(tokens)
        if len(hashes) < self.min_shingles:
            return None
        mh = minhash_of(hashes)
        best: tuple[float, str] | None = None
        for cand in list(self._lsh.query(mh))[: self.max_candidates]:
            other = self._hashes[cand]
            score = jaccard(hashes, other)
            ok = score >= self.jaccard_threshold
            if not ok:
                small, big = sorted((len(hashes), len(other)))
                ok = small >= 0.6 * big and containment(hashes, other) >= self.containment_threshold
            if ok and (best is None or score > best[0]):
                best = (score, cand)
            if ok:
                self.uf.union(cand, id)
        self.minhashes[id] = mh
        if best is not None:
            # Not indexed: its cluster is already represented, which keeps buckets small.
            return DupMatch(id, self.uf.find(id), "near", round(best[0], 4))
        self._lsh.insert(id, mh)
        self._hashes[id] = hashes
        return None

    def duplicate_of(self, id: str) -> str | None:
        """The earliest member of ``id``'s cluster, or None if ``id`` is that member/alone."""
        root = self.uf.find(id)
        return None if root == id else root

    def clusters(self) -> dict[str, list[str]]:
        """Root id -> member ids (earliest first), for clusters with 2+ members."""
        return {k: v for k, v in self.uf.groups().items() if len(v) > 1}
