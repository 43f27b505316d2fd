"""Campaign (form letter) detection.

A campaign is a large family (``min_size``, default 5) of near-copies of one template. Members
may carry typos, synonym swaps, reordered or dropped sentences, personal sentences, greetings and
signatures, or be written in the other language.

1. Lexical families: MinHash LSH (low threshold) over the content shingles of each distinct text
   (greetings/signatures removed) proposes candidates; a pair is linked when enough of *each*
   text's sentences have a fuzzy counterpart (character 4-gram Jaccard) in the other.
   Union-find gives families; only "novel" variants are indexed, so huge campaigns stay cheap.
2. Template: consensus of the sentences shared by at least half of the members (each sentence
   group shows its most frequent exact wording, in the members' mean order); members covering
   too little of it are dropped again (protects against chaining).
3. Cross-language: with an embedding function, families in another language (or single
   proposals) whose embedding has cosine >= ``xlang_threshold`` with a campaign template join
   that campaign (a Kazakh translation of a Russian form letter).
4. Personal additions: each member's content sentences without a counterpart in the template.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from .dedup import (
    U32,
    BandIndex,
    UnionFind,
    shingle_hashes,
    signature,
    window_hashes,
    window_hashes_many,
)
from .letters import Letter, content_text, parse_letter
from .normalize import tokenize, tokenize_cached
from .parallel import Runner, submit
from .reference import reference_texts

FloatArray = npt.NDArray[np.float32]
_WORDS = re.compile(r"[^\W\d_]{5,}")
EmbedFn = Callable[[list[str]], FloatArray]
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class CampaignDoc:
    """Input: one proposal; ``group`` is its exact/near-duplicate root (``id`` if none)."""

    id: str
    text: str
    lang: str = "und"
    group: str | None = None


@dataclass(slots=True)
class CampaignMember:
    id: str
    lang: str
    additions: list[str]
    coverage: float
    via: Literal["lexical", "embedding"] = "lexical"


@dataclass(slots=True)
class Campaign:
    id: str
    template: str
    template_lang: str
    template_sentences: list[str]
    members: list[CampaignMember]
    translations: dict[str, str] = field(default_factory=dict)
    representative_ids: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def member_ids(self) -> list[str]:
        return [m.id for m in self.members]


@dataclass(frozen=True, slots=True)
class _SentInfo:
    text: str
    grams: frozenset[int]
    weight: int
    pos: float


@dataclass(frozen=True, slots=True)
class SentGrams:
    """The content sentences of a text in array form, for vectorised comparisons.

    ``grams`` holds the 4-gram hashes of all sentences sorted by value, ``sent`` the sentence
    of each of them; ``lens`` is the number of distinct 4-grams per sentence, ``weights`` the
    sentence lengths (folded) and ``spans`` their ``(start, end)`` in the text."""

    spans: npt.NDArray[np.int64]
    weights: npt.NDArray[np.int64]
    lens: npt.NDArray[np.int64]
    grams: U32
    sent: npt.NDArray[np.int64]
    total: int
    flat: U32  # the 4-grams in sentence order (``lens[0]`` of the first sentence, ...)
    words: U32  # sorted unique hashes of the words of >= 5 letters (quoted-block prefilter)

    def __len__(self) -> int:
        return len(self.weights)


@dataclass(frozen=True, slots=True)
class SentRows:
    """What :func:`shared_many` reads of the texts it compares a unit with: the 4-grams per
    sentence (``lens``), the 4-grams in sentence order (``flat``) and the sentence weights -
    slices of the packed features, without the sort that :class:`SentGrams` needs only for
    the unit's own side. (At 1M texts most candidates miss the :func:`sentence_grams` cache:
    unpacking them was a quarter of the linking.)"""

    lens: npt.NDArray[np.int64]
    flat: U32
    weights: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.weights)


# Packed form of a text's campaign features (one uint32 array, compact to ship and to hold for
# a million texts): [n, start_1, end_1, weight_1, ..., n_grams_1, ..., n_words, grams of
# sentence 1, sentence 2, ..., words]. Features = (packed, content MinHash signature or None).
Features = tuple[U32, U32 | None]
_PRELOADED: dict[str, Features] = {}
_EMPTY_I64: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)


def pack_features(sents: Sequence[tuple[int, int, int, float, U32, str]], words: U32) -> U32:
    n = len(sents)
    head = [n]
    for a, b, w, _, _, _ in sents:
        head += [a, b, w]
    head += [len(g) for *_, g, _ in sents]
    head.append(len(words))
    parts = [np.asarray(head, dtype=np.uint32), *(g for *_, g, _ in sents), words]
    return np.concatenate(parts).astype(np.uint32, copy=False)


def unpack_grams(packed: U32) -> SentGrams:
    n = int(packed[0])
    head = packed[1 : 1 + 3 * n].astype(np.int64).reshape(n, 3)
    lens = packed[1 + 3 * n : 1 + 4 * n].astype(np.int64)
    nw = int(packed[1 + 4 * n])
    start = 2 + 4 * n
    flat = packed[start : start + int(lens.sum())]
    words = packed[start + len(flat) : start + len(flat) + nw]
    return _grams_from(head[:, :2], head[:, 2], lens, flat, words)


@lru_cache(maxsize=200_000)
def sentence_rows(text: str) -> SentRows | SentGrams:
    """The side of ``text`` that :func:`shared_many` compares with (see :class:`SentRows`):
    ≈ 4 µs to slice from the packed features, 0.1 µs from this cache, whose entries are small
    enough (views of the packed array) to keep four times as many as :func:`sentence_grams`."""
    packed = _PRELOADED.get(text)
    if packed is None:
        return sentence_grams(text)
    p = packed[0]
    n = int(p[0])
    lens = p[1 + 3 * n : 1 + 4 * n].astype(np.int64)
    start = 2 + 4 * n
    flat = p[start : start + int(lens.sum())]
    return SentRows(lens, flat, p[3 : 1 + 3 * n : 3].astype(np.int64))


def _grams_from(
    spans: npt.NDArray[np.int64],
    weights: npt.NDArray[np.int64],
    lens: npt.NDArray[np.int64],
    flat: U32,
    words: U32,
) -> SentGrams:
    sent = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
    order = np.argsort(flat, kind="stable")
    return SentGrams(
        spans, weights, lens, flat[order], sent[order], int(weights.sum()), flat, words
    )


def _word_hashes(text: str) -> U32:
    words = {w for w in _WORDS.findall(text[:20_000].lower())}
    return np.unique(np.fromiter((zlib.crc32(w.encode()) for w in words), np.uint32, len(words)))


@lru_cache(maxsize=50_000)
def sentence_grams(text: str) -> SentGrams:
    """:class:`SentGrams` of ``text`` (precomputed features when :func:`preloaded`)."""
    packed = _PRELOADED.get(text)
    if packed is not None:
        return unpack_grams(packed[0])
    letter = parse_letter(text[:20_000])
    return unpack_grams(pack_features(_letter_sentences(letter), _word_hashes(letter.text)))


def grams_of_infos(infos: Sequence[_SentInfo]) -> SentGrams:
    """:class:`SentGrams` of sentence infos (a template: spans are meaningless)."""
    lens = np.array([len(s.grams) for s in infos], dtype=np.int64)
    flat = (
        np.fromiter((g for s in infos for g in s.grams), np.uint32, int(lens.sum()))
        if len(infos)
        else np.zeros(0, dtype=np.uint32)
    )
    weights = np.array([s.weight for s in infos], dtype=np.int64)
    return _grams_from(
        np.zeros((len(infos), 2), dtype=np.int64), weights, lens, flat, np.zeros(0, np.uint32)
    )


def match_matrix(a: SentGrams, b: SentGrams, threshold: float) -> npt.NDArray[np.bool_]:
    """``[i, j]``: sentence i of ``a`` and sentence j of ``b`` have 4-gram Jaccard similarity
    >= ``threshold`` - every sentence pair at once, from one merge of the two sorted gram
    arrays (exactly the values of :func:`_sim`, without a Python set per sentence)."""
    na, nb = len(a), len(b)
    if not na or not nb:
        return np.zeros((na, nb), dtype=bool)
    lo = np.searchsorted(b.grams, a.grams, "left")
    cnt = np.searchsorted(b.grams, a.grams, "right") - lo
    hit = cnt > 0
    if not hit.any():
        return np.zeros((na, nb), dtype=bool)
    lo, cnt, asent = lo[hit], cnt[hit], a.sent[hit]
    total = int(cnt.sum())
    if total == len(cnt):  # every shared gram occurs once in b (the common case)
        ai, bi = asent, b.sent[lo]
    else:
        offsets = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        ai, bi = np.repeat(asent, cnt), b.sent[np.repeat(lo, cnt) + offsets]
    inter = np.bincount(ai * nb + bi, minlength=na * nb).reshape(na, nb)
    union = a.lens[:, None] + b.lens[None, :] - inter
    # the same float division as _sim: the same decisions at the threshold
    ok: npt.NDArray[np.bool_] = (inter > 0) & (inter / union >= threshold)
    return ok


def shared_both(a: SentGrams, b: SentGrams, threshold: float) -> tuple[int, int]:
    """(length of ``a``'s sentences with a fuzzy counterpart in ``b``, same for ``b`` in ``a``)."""
    ok = match_matrix(a, b, threshold)
    if not ok.size:
        return 0, 0
    return int(a.weights[ok.any(axis=1)].sum()), int(b.weights[ok.any(axis=0)].sum())


def shared_many(
    a: SentGrams, others: Sequence[SentRows | SentGrams], threshold: float
) -> list[tuple[int, int]]:
    """:func:`shared_both` of ``a`` with each of ``others``, in one pass: the 4-grams of all the
    others are looked up in ``a`` at once (a dozen numpy calls for the whole batch instead of
    a dozen per pair), with exactly the same values."""
    na, k = len(a), len(others)
    if not k:
        return []
    if not na:
        return [(0, 0)] * k
    nsent = np.array([len(o) for o in others], dtype=np.int64)
    lens = np.concatenate([o.lens for o in others])
    grams = np.concatenate([o.flat for o in others])
    # 1/16 of a 2**16-bit filter of a's 4-grams lets through few of the grams a lacks, which
    # the exact (binary) search then does not need to look at
    bitmap = np.zeros(1 << 16, dtype=bool)
    bitmap[a.grams & 0xFFFF] = True
    keep = np.flatnonzero(bitmap[grams & 0xFFFF])
    if not len(keep):
        return [(0, 0)] * k
    # global sentence (over all the others) of each kept gram
    gsent = np.searchsorted(np.cumsum(lens), keep, "right")
    grams = grams[keep]
    lo = np.searchsorted(a.grams, grams, "left")
    cnt = np.searchsorted(a.grams, grams, "right") - lo
    hit = cnt > 0
    lo, cnt, gsent = lo[hit], cnt[hit], gsent[hit]
    total = int(cnt.sum())
    if not total:
        return [(0, 0)] * k
    if total == len(cnt):
        oi, ai = gsent, a.sent[lo]
    else:
        offsets = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        oi, ai = np.repeat(gsent, cnt), a.sent[np.repeat(lo, cnt) + offsets]
    # (sentence of an other, sentence of a) pairs that share a 4-gram, and how many they share
    pairs, inter = np.unique(oi * na + ai, return_counts=True)
    oi, ai = pairs // na, pairs % na
    ok = inter / (lens[oi] + a.lens[ai] - inter) >= threshold
    oi, ai = oi[ok], ai[ok]
    weights = np.concatenate([o.weights for o in others])
    owner = np.repeat(np.arange(k, dtype=np.int64), nsent)
    # each other's sentences with a counterpart in a
    o_got = np.zeros(len(lens), dtype=bool)
    o_got[oi] = True
    s_other = np.bincount(owner, weights=weights * o_got, minlength=k)
    # a's sentences with a counterpart in each other
    a_got = np.zeros(k * na, dtype=bool)
    a_got[owner[oi] * na + ai] = True
    s_a = a_got.reshape(k, na) @ a.weights
    return [(int(x), int(y)) for x, y in zip(s_a.tolist(), s_other.tolist(), strict=True)]


@lru_cache(maxsize=50_000)
def sentence_infos(text: str) -> tuple[_SentInfo, ...]:
    """Content sentences of ``text`` with their folded character 4-gram sets."""
    return infos_of_grams(sentence_grams(text), text)


def infos_of_grams(g: SentGrams, text: str) -> tuple[_SentInfo, ...]:
    n = len(g)
    if not n:
        return ()
    by_sent = np.split(g.grams[np.argsort(g.sent, kind="stable")], np.cumsum(g.lens)[:-1])
    return tuple(
        _SentInfo(text[int(a) : int(b)], frozenset(grams.tolist()), int(w), i / n)
        for i, ((a, b), w, grams) in enumerate(zip(g.spans, g.weights, by_sent, strict=True))
    )


def infos_of_letter(letter: Letter) -> tuple[_SentInfo, ...]:
    """:func:`sentence_infos` of an already parsed letter (parsed without a lexicon)."""
    return tuple(
        _SentInfo(letter.text[a:b], frozenset(grams.tolist()), weight, pos)
        for a, b, weight, pos, grams, _ in _letter_sentences(letter)
    )


def _letter_sentences(letter: Letter) -> list[tuple[int, int, int, float, U32, str]]:
    """(start, end, weight, position, 4-gram hashes, folded tokens joined) of each content
    sentence (``letter.text[start:end]`` is the sentence)."""
    # Whole letters are compared, personal sentences included; only the formulas are left out.
    sents = letter.sentences(keep_persona=True)
    n = max(len(sents), 1)
    kept = []
    for i, s in enumerate(sents):
        joined = " ".join(tokenize_cached(s.text))
        if len(joined) >= 3:
            kept.append((s.start, s.end, len(joined), i / n, joined))
    grams = window_hashes_many([j for *_, j in kept], 4)
    return [(a, b, w, p, g, j) for (a, b, w, p, j), g in zip(kept, grams, strict=True)]


# --------------------------------------------------------------------------- per-text features
# The per-text work of campaign detection (letter parsing, 4-gram sets, MinHash signature) is
# independent of the other texts: :func:`campaign_features` computes it in parallel shards
# (processes or Dask workers) and :func:`preloaded` hands the results to
# :func:`detect_campaigns`; :func:`sentence_grams` unpacks on demand (LRU cached).


def _signature_of(infos: Sequence[_SentInfo]) -> U32:
    return signature(shingle_hashes([t for s in infos for t in tokenize(s.text)]))


def campaign_features(letter: Letter, min_content_chars: int = 60) -> Features:
    """Packed sentence grams and content MinHash signature of a letter parsed without lexicon
    (its text at most 20 000 characters long, as :func:`sentence_infos` reads it)."""
    sents = _letter_sentences(letter)
    packed = pack_features(sents, _word_hashes(letter.text))
    if sum(w for _, _, w, _, _, _ in sents) < min_content_chars:
        return packed, None
    return packed, signature(window_hashes(" ".join(j for *_, j in sents), 5))


def campaign_features_many(
    letters: Sequence[Letter],
    min_content_chars: int = 60,
    *,
    known: Mapping[str, U32 | None] | None = None,
) -> list[Features]:
    """:func:`campaign_features` of each letter (same values). ``known`` maps a joined token
    string to its 5-shingle MinHash signature when it is computed already (the duplicate
    stage's whole text: a letter without formulas has the same string), which is reused."""
    out: list[Features] = []
    for letter in letters:
        sents = _letter_sentences(letter)
        packed = pack_features(sents, _word_hashes(letter.text))
        if sum(w for _, _, w, _, _, _ in sents) < min_content_chars:
            out.append((packed, None))
            continue
        content = " ".join(j for *_, j in sents)
        sig = known.get(content) if known is not None else None
        if sig is None:
            sig = signature(window_hashes(content, 5))
        out.append((packed, sig))
    return out


@contextmanager
def preloaded(features: Mapping[str, Features]) -> Iterator[None]:
    """Make precomputed :func:`campaign_features` (text -> features) visible to the detector."""
    _PRELOADED.update(features)
    for cached in (sentence_grams, sentence_infos, sentence_rows):
        cached.cache_clear()
    try:
        yield
    finally:
        _PRELOADED.clear()
        for cached in (sentence_grams, sentence_infos, sentence_rows):
            cached.cache_clear()


def _unit_signature(text: str, grams: SentGrams) -> U32:
    packed = _PRELOADED.get(text)
    if packed is not None and packed[1] is not None:
        return packed[1]
    return _signature_of(infos_of_grams(grams, text))


def _sim(a: frozenset[int], b: frozenset[int]) -> float:
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def _best(s: _SentInfo, others: Sequence[_SentInfo]) -> float:
    return max((_sim(s.grams, o.grams) for o in others), default=0.0)


def shared(a: Sequence[_SentInfo], b: Sequence[_SentInfo], threshold: float) -> int:
    """Length of ``a``'s sentences that have a fuzzy counterpart in ``b``."""
    return sum(s.weight for s in a if _best(s, b) >= threshold)


def coverage(a: Sequence[_SentInfo], b: Sequence[_SentInfo], threshold: float) -> float:
    """Share (by length) of ``a``'s sentences that have a fuzzy counterpart in ``b``."""
    total = sum(s.weight for s in a)
    return shared(a, b, threshold) / total if total else 0.0


@dataclass
class CampaignConfig:
    min_size: int = 5
    lsh_threshold: float = 0.3
    sentence_threshold: float = 0.6
    link_threshold: float = 0.5
    # one text contains this share of the other's content: a key block quoted in a letter
    block_coverage: float = 0.85
    min_shared_chars: int = 100
    min_template_chars: int = 120
    member_coverage: float = 0.45
    min_content_chars: int = 60
    prototype_threshold: float = 0.8
    max_candidates: int = 40
    # LSH candidates looked at per text, best estimated similarity first (members of the
    # text's own family are skipped without a comparison and not counted in max_candidates)
    max_scanned: int = 400
    template_support: float = 0.5
    template_sample: int = 300
    # cosines of language-centred embeddings (see ``centre``): translations of a letter score
    # ~0.6-0.7 with multilingual-e5-small, distinct proposals on the same article < 0.5
    xlang_threshold: float = 0.55
    # ... or raw cosine >= xlang_raw (translations ~0.91-0.93, distinct < 0.9) together with a
    # centred cosine >= xlang_threshold_low (robust when the language means are rough)
    xlang_raw: float = 0.9
    xlang_threshold_low: float = 0.4
    xlang_sentence_threshold: float = 0.5
    min_lang_docs: int = 30
    # candidate pairs whose MinHash-estimated overlap covers less than this share of the
    # shorter text are not compared sentence by sentence (0 compares every candidate)
    prefilter_coverage: float = 0.25
    # containment search (``attach_quoted``): letters that quote a campaign's key block among
    # sentences of their own, which whole-text MinHash (Jaccard) does not propose
    quote_search: bool = True
    quote_bands: int = 6
    quote_prototypes: int = 40
    quote_candidate_share: float = 0.6
    quote_max_posting: int = 500
    # share of a member's content the letter must contain (the quoted copy may itself drop or
    # reword a sentence of the block)
    quote_coverage: float = 0.7


def _promising(jaccard: float, size: int, other_size: int, cfg: CampaignConfig) -> bool:
    """Cheap pre-check of a candidate pair before the sentence-by-sentence comparison.

    ``jaccard`` is the MinHash estimate of the similarity J of the two texts' shingle sets;
    with their sizes (content lengths) it gives the shared part J / (1 + J) * (|A| + |B|) and
    the share of the shorter text it covers. Two texts can only be linked when one takes at
    least ``link_threshold`` of the other (see :func:`linked`), so a pair whose estimated share
    stays far below that (``prefilter_coverage``) is not compared: the candidate search of the
    campaign stage then costs microseconds per candidate instead of a comparison of all
    sentence pairs, and the stage stays near linear in the number of texts."""
    if cfg.prefilter_coverage <= 0:
        return True
    inter = jaccard / (1.0 + jaccard) * (size + other_size)
    return inter >= cfg.prefilter_coverage * max(min(size, other_size), 1)


def linked(c1: float, c2: float, cfg: CampaignConfig) -> bool:
    """Two texts are copies when each takes ``link_threshold`` of its content from the other,
    or when one contains ``block_coverage`` of the other (a key block quoted in a letter)."""
    return min(c1, c2) >= cfg.link_threshold or max(c1, c2) >= cfg.block_coverage


def detect_campaigns(
    docs: Sequence[CampaignDoc],
    *,
    config: CampaignConfig | None = None,
    embed: EmbedFn | None = None,
    progress: Progress | None = None,
    family_of: dict[str, str] | None = None,
    runner: Runner | None = None,
    link_block: int = 2000,
) -> list[Campaign]:
    """Find campaigns among ``docs`` (given in chronological order).

    ``runner`` (with more than one worker, and the per-text features :func:`preloaded`) runs
    the sentence-by-sentence checks of the candidate pairs in its workers, ``link_block``
    units at a time, ahead of the linking (see :class:`_AheadChecks`); the linking itself still
    runs here, in unit order, and takes the checks' results - the same values as computed
    here (a pair the workers did not foresee is computed here), so the result is the same.

    ``family_of``, when given, is filled with the lexical families too small to be a campaign:
    each of their distinct texts (dedup roots) -> the family's representative, the text the
    cross-language step embeds for the family (near-copies may share its vector)."""
    cfg = config or CampaignConfig()
    by_id = {d.id: d for d in docs}
    # Distinct texts (dedup roots) and their duplicates.
    members_of: dict[str, list[str]] = {}
    for d in docs:
        members_of.setdefault(d.group or d.id, []).append(d.id)
    units = [u for u in members_of if u in by_id]
    uf = UnionFind()
    lsh = BandIndex(cfg.lsh_threshold)
    sizes: dict[str, int] = {}  # content length of indexed units
    ahead_checks: _AheadChecks | None = None
    if runner is not None and runner.workers > 1 and _PRELOADED and units:
        ahead_checks = _AheadChecks(units, by_id, uf, lsh, sizes, cfg, runner, link_block)
    for n, u in enumerate(units):
        if ahead_checks is not None:
            ahead_checks.reach(n)
        uf.add(u)
        if progress and n % 5000 == 0:
            progress("campaigns: linking", n, len(units))
        text = by_id[u].text
        grams = sentence_grams(text)
        size = grams.total
        if size < cfg.min_content_chars:
            continue
        mh = _unit_signature(text, grams)
        best = 0.0
        seen = 0
        found = lsh.query_scored(mh, limit=cfg.max_scanned)
        done: dict[int, tuple[int, int]] = {}
        for at, (cand, est) in enumerate(found):
            if uf.find(cand) == uf.find(u):
                continue
            seen += 1
            if seen > cfg.max_candidates:
                break
            if not _promising(est, size, sizes[cand], cfg):
                continue
            if at not in done:
                # compare u with this candidate and the next ones the loop may reach, at once
                # (lazily: unions on the way may skip some, then the next batch follows)
                root = uf.find(u)
                ahead: list[int] = []
                room = cfg.max_candidates - seen + 1
                for j in range(at, len(found)):
                    other_id, other_est = found[j]
                    if uf.find(other_id) == root:
                        continue
                    if _promising(other_est, size, sizes[other_id], cfg):
                        ahead.append(j)
                    room -= 1
                    if not room:
                        break
                known = ahead_checks.take(u, [found[j][0] for j in ahead]) if ahead_checks else {}
                rest = [j for j in ahead if found[j][0] not in known]
                for j in ahead:
                    if found[j][0] in known:
                        done[j] = known[found[j][0]]
                if rest:
                    batch = [sentence_rows(by_id[found[j][0]].text) for j in rest]
                    for j, r in zip(
                        rest, shared_many(grams, batch, cfg.sentence_threshold), strict=True
                    ):
                        done[j] = r
            s1, s2 = done[at]
            if s1 < cfg.min_shared_chars:
                continue
            other_total = sizes[cand]
            c1 = s1 / max(size, 1)
            c2 = s2 / other_total if other_total else 0.0
            if linked(c1, c2, cfg):
                uf.union(cand, u)
                best = max(best, min(c1, c2))
        if best < cfg.prototype_threshold:
            lsh.insert(u, mh)
            sizes[u] = size
    if ahead_checks is not None:
        ahead_checks.close()
        if progress:
            progress(f"campaigns: checks in workers {ahead_checks.stats()}", len(units), None)
    if cfg.quote_search:
        if progress:
            progress("campaigns: quoted key blocks", 0, len(units))
        attach_quoted(units, uf, members_of, by_id, cfg)
    families = [fam for fam in uf.groups().values()]
    weight = {u: len(members_of[u]) for u in units}
    campaigns: list[Campaign] = []
    small: list[list[str]] = []
    for fam in families:
        if sum(weight[u] for u in fam) >= cfg.min_size:
            camp = _build(fam, members_of, by_id, cfg)
            if camp is not None:
                campaigns.append(camp)
                continue
        small.append(fam)
    if family_of is not None:
        family_of.update((u, fam[0]) for fam in small if len(fam) > 1 for u in fam)
    if embed is not None and campaigns:
        if progress:
            progress("campaigns: cross-language", 0, len(campaigns))
        _cross_language(campaigns, small, members_of, by_id, embed, cfg)
    campaigns = [c for c in campaigns if c.size >= cfg.min_size]
    campaigns.sort(key=lambda c: -c.size)
    rank = {d.id: i for i, d in enumerate(docs)}
    for i, c in enumerate(campaigns, 1):
        c.id = f"campaign-{i:03d}"
        c.members.sort(key=lambda m: rank[m.id])
        c.representative_ids = [m.id for m in sorted(c.members, key=lambda m: -m.coverage)[:3]]
    return campaigns


def shared_shard(
    job: tuple[list[U32], list[tuple[int, list[int]]], float],
) -> list[list[tuple[int, int]]]:
    """In a worker: :func:`shared_many` of each (unit, candidates) pair list of a block, the
    texts given as packed features (each shipped and unpacked once per job)."""
    packs, pairs, threshold = job
    grams: dict[int, SentGrams] = {}

    def get(i: int) -> SentGrams:
        g = grams.get(i)
        if g is None:
            g = grams[i] = unpack_grams(packs[i])
        return g

    return [shared_many(get(a), [get(b) for b in bs], threshold) for a, bs in pairs]


def _size_sig(packed: Features) -> tuple[int, U32 | None]:
    """(content length, content signature) of a text's packed features, without unpacking."""
    arr, sig = packed
    n = int(arr[0])
    return int(arr[1 : 1 + 3 * n][2::3].astype(np.int64).sum()), sig


class _AheadChecks:
    """The candidate checks of the campaign linking, computed in the runner's workers ahead of
    the linking loop.

    For a block of units the candidates are foreseen from the state of the linking when the
    block is prepared: the LSH index as it is then, plus every unit of this block and of the
    one before it (some of which the loop will index on the way), minus the candidates already
    in the unit's family (families only grow). Up to ``max_candidates + slack`` of each are
    sent, with the texts' packed features, as shards of work; while the workers check them,
    the loop links the previous block. The loop asks :meth:`take` for a unit's pairs and
    computes itself any pair that was not foreseen, so its result does not depend on this."""

    def __init__(
        self,
        units: Sequence[str],
        by_id: Mapping[str, CampaignDoc],
        uf: UnionFind,
        lsh: BandIndex,
        sizes: Mapping[str, int],
        cfg: CampaignConfig,
        runner: Runner,
        block: int,
        slack: int = 20,
    ) -> None:
        self.units, self.by_id, self.uf, self.lsh, self.sizes = units, by_id, uf, lsh, sizes
        self.cfg, self.runner, self.block, self.slack = cfg, runner, max(block, 1), slack
        self.info: dict[str, tuple[int, U32 | None]] = {}
        self.pending: dict[int, Callable[[], list[list[list[tuple[int, int]]]]]] = {}
        self.shards_of: dict[int, list[list[tuple[str, list[str]]]]] = {}
        self.results: dict[str, dict[str, tuple[int, int]]] = {}
        self.next_block = 0
        self.asked = self.hits = 0

    def _info(self, u: str) -> tuple[int, U32 | None]:
        got = self.info.get(u)
        if got is None:
            got = self.info[u] = _size_sig(_PRELOADED[self.by_id[u].text])
        return got

    def _root(self, x: str) -> str:
        return self.uf.find(x) if x in self.uf.parent else x

    def _foresee(self, k: int) -> None:
        """Send the foreseen pairs of block ``k`` to the workers."""
        cfg, lo = self.cfg, k * self.block
        hi = min(lo + self.block, len(self.units))
        local = BandIndex(cfg.lsh_threshold)
        local_sizes: dict[str, int] = {}
        cap = cfg.max_candidates + self.slack
        pairs: list[tuple[str, list[str]]] = []
        for n in range(max(0, lo - self.block), hi):
            u = self.units[n]
            size, sig = self._info(u)
            if size < cfg.min_content_chars or sig is None:
                continue
            if n >= lo:
                root = self._root(u)
                cands: dict[str, None] = {}
                for index, szs in ((self.lsh, self.sizes), (local, local_sizes)):
                    seen = 0
                    for cand, est in index.query_scored(sig, limit=cfg.max_scanned):
                        if self._root(cand) == root:
                            continue
                        seen += 1
                        if seen > cap:
                            break
                        if _promising(est, size, szs[cand], cfg):
                            cands[cand] = None
                if cands:
                    pairs.append((u, list(cands)))
            local.insert(u, sig)
            local_sizes[u] = size
        shards = [pairs[i :: self.runner.workers] for i in range(self.runner.workers)]
        jobs = []
        for shard in shards:
            slot: dict[str, int] = {}
            packs: list[U32] = []
            encoded: list[tuple[int, list[int]]] = []
            for u, others in shard:
                ids = []
                for x in (u, *others):
                    if x not in slot:
                        slot[x] = len(packs)
                        packs.append(_PRELOADED[self.by_id[x].text][0])
                    ids.append(slot[x])
                encoded.append((ids[0], ids[1:]))
            jobs.append((packs, encoded, cfg.sentence_threshold))
        self.pending[k] = submit(self.runner, shared_shard, jobs)
        self.shards_of[k] = shards

    def _collect(self, k: int) -> None:
        done = self.pending.pop(k)()
        for shard, res in zip(self.shards_of.pop(k), done, strict=True):
            for (u, others), r in zip(shard, res, strict=True):
                self.results[u] = dict(zip(others, r, strict=True))

    def reach(self, n: int) -> None:
        """The loop is at unit ``n``: its block's results are in, the next block is sent."""
        if n % self.block:
            return
        k = n // self.block
        if k == 0:
            self._foresee(0)
            self.next_block = 1
        self.results.clear()  # the previous block's pairs are not asked for again
        if self.next_block == k + 1 and self.next_block * self.block < len(self.units):
            self._foresee(self.next_block)
            self.next_block += 1
        self._collect(k)

    def take(self, u: str, cands: Sequence[str]) -> dict[str, tuple[int, int]]:
        got = self.results.get(u, {})
        out = {c: got[c] for c in cands if c in got}
        self.asked += len(cands)
        self.hits += len(out)
        return out

    def close(self) -> None:
        for k in list(self.pending):
            self._collect(k)

    def stats(self) -> str:
        return f"{self.hits}/{self.asked} pairs"


_P61 = (1 << 61) - 1
_BAND_RNG = np.random.default_rng(20261206)
# a < 2**29 and 4-gram hashes < 2**32: a * x + b stays below 2**64
_BAND_A = _BAND_RNG.integers(1, 1 << 29, size=32, dtype=np.uint64)
_BAND_B = _BAND_RNG.integers(0, 1 << 60, size=32, dtype=np.uint64)


def sentence_keys(s: _SentInfo, bands: int) -> list[tuple[int, int]]:
    """``bands`` one-row MinHash keys of a sentence's 4-gram set: two sentences of Jaccard J
    share at least one key with probability 1 - (1 - J) ** bands."""
    grams = np.fromiter(s.grams, dtype=np.uint64, count=len(s.grams))
    if not len(grams):
        return []
    h = (_BAND_A[:bands, None] * grams[None, :] + _BAND_B[:bands, None]) % _P61
    return [(b, int(v)) for b, v in enumerate(h.min(axis=1).tolist())]


def _sentence_keys(g: SentGrams, bands: int) -> list[list[tuple[int, int]]]:
    """:func:`sentence_keys` of every sentence of ``g`` at once (same values)."""
    if not len(g):
        return []
    order = np.argsort(g.sent, kind="stable")
    grams = g.grams[order].astype(np.uint64)
    h = (_BAND_A[:bands, None] * grams[None, :] + _BAND_B[:bands, None]) % _P61
    starts = np.concatenate([[0], np.cumsum(g.lens)[:-1]])
    mins = np.minimum.reduceat(h, starts, axis=1).T.tolist()
    return [list(enumerate(row)) for row in mins]


def attach_quoted(
    units: Sequence[str],
    uf: UnionFind,
    members_of: dict[str, list[str]],
    by_id: dict[str, CampaignDoc],
    cfg: CampaignConfig,
) -> int:
    """Join to a campaign family the letters that *contain* its key block (containment, not
    Jaccard: the letter may add more sentences of its own than it quotes).

    Sentence-level search: up to ``quote_prototypes`` members of each family already large
    enough to be a campaign are indexed sentence by sentence (banded MinHash of the 4-gram
    sets); a unit outside those families whose sentences hit ``quote_candidate_share`` of a
    member's content is verified as in the main pass - it must contain ``quote_coverage`` of
    the member (fuzzy sentence matching) and at least ``min_shared_chars`` of it. Returns the
    number of units joined."""
    groups = uf.groups()
    big: dict[str, list[str]] = {
        root: fam
        for root, fam in groups.items()
        if sum(len(members_of[u]) for u in fam) >= cfg.min_size
    }
    if not big:
        return 0
    index: dict[tuple[int, int], list[int]] = {}  # sentence key -> prototype sentences
    protos: dict[str, SentGrams] = {}
    # prefilter (no parsing): the words (>= 5 letters) of each indexed member; a unit must
    # contain half of some member's words to be searched sentence by sentence. Words are
    # compared as CRC-32 hashes, which the workers computed for every text beforehand.
    anchors: dict[str, set[int]] = {}
    families_of_word: dict[int, set[str]] = {}
    owner: list[int] = []  # prototype (rank) of each indexed sentence
    for root, fam in big.items():
        step = max(1, len(fam) // cfg.quote_prototypes)
        for v in fam[::step][: cfg.quote_prototypes]:
            text = by_id[v].text
            pg = sentence_grams(text)
            if len(pg) < 2 or pg.total < cfg.min_template_chars:
                continue
            for keys in _sentence_keys(pg, cfg.quote_bands):
                for key in keys:
                    index.setdefault(key, []).append(len(owner))
                owner.append(len(protos))
            protos[v] = pg
            words = {
                zlib.crc32(w.encode())
                for a, b in pg.spans.tolist()
                for w in _WORDS.findall(text[a:b].lower())
            }
            anchors[v] = words
            for w in words:
                families_of_word.setdefault(w, set()).add(root)
    if not protos:
        return 0
    word_index: dict[int, list[str]] = {}
    for v, words in anchors.items():
        for w in sorted(words):
            if len(families_of_word[w]) <= 2:  # words common to many campaigns tell nothing
                word_index.setdefault(w, []).append(v)
    need = {v: max(3, len([w for w in ws if w in word_index]) // 2) for v, ws in anchors.items()}
    known = np.array(sorted(word_index), dtype=np.uint32)
    proto_ids = list(protos)
    proto_list = list(protos.values())
    proto_total = np.array([g.total for g in proto_list], dtype=np.float64)
    owner_arr = np.array(owner, dtype=np.int64)
    sent_weight = np.concatenate([g.weights for g in proto_list]).astype(np.float64)
    index_arr = {key: np.array(p, dtype=np.int64) for key, p in index.items()}
    del index
    rank_of = {v: q for q, v in enumerate(proto_ids)}
    word_protos = {
        w: np.array([rank_of[v] for v in vs], dtype=np.int64) for w, vs in word_index.items()
    }
    need_arr = np.array([need[v] for v in proto_ids], dtype=np.int64)
    least = min(need.values())
    # a unit can only contain a block if it is at least about as long as the shortest one
    min_chars = int(cfg.quote_coverage * min(g.total for g in protos.values()) * 0.8)
    joined = 0
    for u in units:
        text = by_id[u].text
        if len(text) < min_chars or uf.find(u) in big:
            continue
        ug = sentence_grams(text)
        if len(ug) < 2 or ug.total < min_chars:
            continue
        pos = np.searchsorted(known, ug.words)
        pos[pos == len(known)] = 0
        found = ug.words[known[pos] == ug.words] if len(known) else ug.words[:0]
        if len(found) < least:
            continue
        counts = np.bincount(
            np.concatenate([word_protos[w] for w in found.tolist()]), minlength=len(proto_ids)
        )
        if not (counts >= need_arr).any():
            continue
        postings = [
            posting
            for keys in _sentence_keys(ug, cfg.quote_bands)
            for key in keys
            if (posting := index_arr.get(key)) is not None and len(posting) <= cfg.quote_max_posting
        ]
        if not postings:
            continue
        hit = np.unique(np.concatenate(postings))
        # length of each prototype's sentences hit, against the share its content must reach
        got_hit = np.bincount(owner_arr[hit], weights=sent_weight[hit], minlength=len(proto_ids))
        chosen = np.flatnonzero(got_hit >= cfg.quote_candidate_share * proto_total).tolist()
        if not chosen:
            continue
        res = shared_many(ug, [proto_list[q] for q in chosen], cfg.sentence_threshold)
        best: tuple[float, str] | None = None
        for q, (_, got) in zip(chosen, res, strict=True):
            total = proto_list[q].total
            if got < cfg.min_shared_chars or got < cfg.quote_coverage * total:
                continue
            if best is None or got / total > best[0]:  # ties: the earliest prototype
                best = (got / total, proto_ids[q])
        if best is not None:
            uf.union(best[1], u)
            joined += 1
    return joined


def _template(
    fam: list[str],
    members_of: dict[str, list[str]],
    by_id: dict[str, CampaignDoc],
    cfg: CampaignConfig,
) -> list[_SentInfo]:
    """Consensus sentences (support >= ``template_support`` of the members)."""
    everyone = [m for u in fam for m in members_of[u]]
    step = max(1, len(everyone) // cfg.template_sample)
    sample = everyone[::step][: cfg.template_sample]
    total = len(sample)
    groups: list[list[tuple[_SentInfo, int]]] = []
    reps: list[_SentInfo] = []
    for mid in sample:
        w = 1
        hit: set[int] = set()
        for s in sentence_infos(by_id[mid].text):
            gi = next(
                (i for i, r in enumerate(reps) if _sim(s.grams, r.grams) >= cfg.sentence_threshold),
                None,
            )
            if gi is None:
                reps.append(s)
                groups.append([])
                gi = len(reps) - 1
            if gi not in hit:
                hit.add(gi)
                groups[gi].append((s, w))
    chosen: list[tuple[float, _SentInfo]] = []
    for g in groups:
        support = sum(w for _, w in g)
        if support < cfg.template_support * total:
            continue
        wording: Counter[str] = Counter()
        for s, w in g:
            wording[s.text] += w
        text = wording.most_common(1)[0][0]
        info = next(s for s, _ in g if s.text == text)
        pos = sum(s.pos * w for s, w in g) / support
        chosen.append((pos, info))
    chosen.sort(key=lambda t: t[0])
    return [s for _, s in chosen]


def _build(
    fam: list[str],
    members_of: dict[str, list[str]],
    by_id: dict[str, CampaignDoc],
    cfg: CampaignConfig,
) -> Campaign | None:
    tmpl = _template(fam, members_of, by_id, cfg)
    if len(tmpl) < 2 or sum(s.weight for s in tmpl) < cfg.min_template_chars:
        return None
    members: list[CampaignMember] = []
    tg = grams_of_infos(tmpl)
    for u in fam:
        for mid in members_of[u]:
            text = by_id[mid].text
            mg = sentence_grams(text)
            ok = match_matrix(tg, mg, cfg.sentence_threshold)
            got = int(tg.weights[ok.any(axis=1)].sum())  # ok is (template, member) shaped
            cov = got / tg.total if tg.total else 0.0
            if cov < cfg.member_coverage:
                continue
            matched: list[bool] = np.asarray(ok.any(axis=0)).tolist()
            adds = [
                text[a:b] for (a, b), m in zip(mg.spans.tolist(), matched, strict=True) if not m
            ]
            members.append(CampaignMember(mid, by_id[mid].lang, adds, round(cov, 3)))
    if sum(1 for _ in members) < cfg.min_size:
        return None
    langs = Counter(m.lang for m in members)
    return Campaign(
        id="",
        template=" ".join(s.text for s in tmpl),
        template_lang=langs.most_common(1)[0][0],
        template_sentences=[s.text for s in tmpl],
        members=members,
    )


# (language, model, dimension) -> mean of the reference sentences: a process may use several
# embedders (the hashing one in a demo, e5 in a full run), whose means must not be mixed.
_REFERENCE_MEANS: dict[tuple[str, str, int], FloatArray] = {}


def language_means(
    vecs: FloatArray, langs: Sequence[str], embed: EmbedFn, min_docs: int
) -> dict[str, FloatArray]:
    """Mean embedding per language: from the corpus when it has ``min_docs`` texts of that
    language, else from built-in reference sentences (embedded once per process)."""
    out: dict[str, FloatArray] = {}
    arr = np.array(langs)
    model = str(getattr(getattr(embed, "__self__", None), "model_id", None) or id(embed))
    for lang in ("kk", "ru"):
        mask = arr == lang
        if mask.sum() >= min_docs:
            out[lang] = vecs[mask].mean(axis=0)
        else:
            key = (lang, model, int(vecs.shape[1]) if vecs.ndim == 2 else 0)
            if key not in _REFERENCE_MEANS:
                _REFERENCE_MEANS[key] = embed(reference_texts(lang)).mean(axis=0)
            out[lang] = _REFERENCE_MEANS[key]
    return out


def centre(vecs: FloatArray, langs: Sequence[str], means: dict[str, FloatArray]) -> FloatArray:
    """Subtract the language mean and renormalise (removes e5's language direction)."""
    out = vecs.astype(np.float32, copy=True)
    for i, lang in enumerate(langs):
        if lang in means:
            out[i] -= means[lang]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: FloatArray = (out / norms).astype(np.float32)
    return result


def _cross_language(
    campaigns: list[Campaign],
    small: list[list[str]],
    members_of: dict[str, list[str]],
    by_id: dict[str, CampaignDoc],
    embed: EmbedFn,
    cfg: CampaignConfig,
) -> None:
    cands = [
        fam
        for fam in small
        if by_id[fam[0]].lang in ("kk", "ru") and sentence_infos(by_id[fam[0]].text)
    ]
    tvec_raw = embed([c.template for c in campaigns])
    # Cross-language matching sees the content only (a greeting is not a translation).
    cvec_raw = (
        embed([content_text(by_id[f[0]].text) or by_id[f[0]].text for f in cands])
        if cands
        else tvec_raw[:0]
    )
    means = language_means(
        np.vstack([tvec_raw, cvec_raw]),
        [c.template_lang for c in campaigns] + [by_id[f[0]].lang for f in cands],
        embed,
        cfg.min_lang_docs,
    )
    tvec = centre(tvec_raw, [c.template_lang for c in campaigns], means)

    def accept(centred: float, raw: float) -> bool:
        return centred >= cfg.xlang_threshold or (
            raw >= cfg.xlang_raw and centred >= cfg.xlang_threshold_low
        )

    # 1. merge campaigns that are translations of each other (smaller into larger).
    order = sorted(range(len(campaigns)), key=lambda i: -campaigns[i].size)
    merged: set[int] = set()
    sims = tvec @ tvec.T
    raw_sims = tvec_raw @ tvec_raw.T
    for a_pos, a in enumerate(order):
        if a in merged:
            continue
        for b in order[a_pos + 1 :]:
            ca, cb = campaigns[a], campaigns[b]
            if b in merged or ca.template_lang == cb.template_lang:
                continue
            if accept(sims[a, b], raw_sims[a, b]) and cb.template_lang not in ca.translations:
                ca.translations[cb.template_lang] = cb.template
                for m in cb.members:
                    m.via = "embedding"
                ca.members.extend(cb.members)
                cb.members = []
                merged.add(b)
    live = [i for i in range(len(campaigns)) if i not in merged]
    # 2. attach other-language proposals/families.
    if not cands or not live:
        return
    cvec = centre(cvec_raw, [by_id[f[0]].lang for f in cands], means)
    scores = cvec @ tvec[live].T
    raw_scores = cvec_raw @ tvec_raw[live].T
    tlen = [len(campaigns[i].template) for i in live]
    accepted: list[tuple[int, int]] = []  # (candidate row, live campaign column)
    for row, fam in enumerate(cands):
        j = int(np.argmax(scores[row]))
        camp = campaigns[live[j]]
        doc = by_id[fam[0]]
        if not accept(scores[row, j], raw_scores[row, j]) or doc.lang == camp.template_lang:
            continue
        ratio = len(content_text(doc.text) or doc.text) / max(tlen[j], 1)
        if not 0.4 <= ratio <= 3.0:
            continue
        accepted.append((row, j))
    _attach_translations(
        campaigns, live, cands, accepted, scores, members_of, by_id, embed, means, cfg
    )
    for c in campaigns:
        c.translations = {k: v for k, v in c.translations.items() if v}


def _attach_translations(
    campaigns: list[Campaign],
    live: list[int],
    cands: list[list[str]],
    accepted: list[tuple[int, int]],
    scores: FloatArray,
    members_of: dict[str, list[str]],
    by_id: dict[str, CampaignDoc],
    embed: EmbedFn,
    means: dict[str, FloatArray],
    cfg: CampaignConfig,
) -> None:
    """Add the accepted other-language families to their campaigns, with their personal
    additions (sentences far from every template sentence). Every sentence involved - of the
    templates and of the members - is embedded once, in one batched call: no call per member."""
    used = sorted({live[j] for _, j in accepted})
    member_sents = {
        mid: [s.text for s in sentence_infos(by_id[mid].text)]
        for row, _ in accepted
        for u in cands[row]
        for mid in members_of[u]
    }
    texts = list(
        dict.fromkeys(
            [t for i in used for t in campaigns[i].template_sentences]
            + [t for sents in member_sents.values() for t in sents]
        )
    )
    raw = embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    row_of = {t: k for k, t in enumerate(texts)}

    def vecs(sents: list[str], lang: str) -> FloatArray:
        return centre(raw[[row_of[t] for t in sents]], [lang] * len(sents), means)

    tsv_of = {
        i: vecs(campaigns[i].template_sentences, campaigns[i].template_lang)
        for i in used
        if campaigns[i].template_sentences
    }
    for row, j in accepted:
        camp = campaigns[live[j]]
        doc = by_id[cands[row][0]]
        tsv = tsv_of.get(live[j])
        if tsv is not None and not _covers_template(
            vecs(member_sents[doc.id], doc.lang), tsv, camp.template_sentences, cfg
        ):
            continue
        for u in cands[row]:
            for mid in members_of[u]:
                sents = member_sents[mid]
                adds: list[str] = []
                if sents and tsv is not None:
                    best = (vecs(sents, by_id[mid].lang) @ tsv.T).max(axis=1)
                    adds = [
                        s
                        for s, b in zip(sents, best, strict=True)
                        if b < cfg.xlang_sentence_threshold
                    ]
                camp.translations.setdefault(doc.lang, "")
                camp.members.append(
                    CampaignMember(
                        mid, by_id[mid].lang, adds, round(float(scores[row, j]), 3), "embedding"
                    )
                )


def _covers_template(
    member: FloatArray, template: FloatArray, template_sents: list[str], cfg: CampaignConfig
) -> bool:
    """Does a letter in another language cover ``member_coverage`` of the template (by length),
    a template sentence counting as covered when one of the letter's sentences reaches
    ``xlang_sentence_threshold``? The membership rule of the lexical path, in embedding space:
    a letter close to the template as a whole but repeating one of its sentences is no copy."""
    if not len(member):
        return False
    best = (template @ member.T).max(axis=1)
    weights = np.array([len(t) for t in template_sents], dtype=np.float64)
    covered = float(weights[best >= cfg.xlang_sentence_threshold].sum())
    return covered >= cfg.member_coverage * float(weights.sum())


def match_template(
    text: str, template: str, config: CampaignConfig | None = None
) -> tuple[float, list[str]] | None:
    """Does ``text`` follow the campaign ``template``? ``(coverage, personal additions)`` or None.

    The incremental counterpart of the membership test of :func:`detect_campaigns`: the text
    must cover ``member_coverage`` of the template and ``link_threshold`` of its own content
    must come from the template - unless it contains ``block_coverage`` of the template (a
    letter that quotes the campaign's key block is a copy of it).
    """
    cfg = config or CampaignConfig()
    tmpl = sentence_infos(template)
    minfo = sentence_infos(text)
    if not tmpl or not minfo:
        return None
    cov = coverage(tmpl, minfo, cfg.sentence_threshold)
    if cov < cfg.member_coverage:
        return None
    if not linked(cov, coverage(minfo, tmpl, cfg.sentence_threshold), cfg):
        return None
    adds = [s.text for s in minfo if _best(s, tmpl) < cfg.sentence_threshold]
    return round(cov, 3), adds
