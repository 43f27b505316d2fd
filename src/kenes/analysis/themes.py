"""Themes: clustering of deduplicated kk/ru proposals in embedding space.

* per-language mean centring of the embeddings (removes most of the "language direction" of
  e5, so a Kazakh and a Russian text on the same topic land together), and near-translations
  (mutual nearest neighbours across the languages) tied to one vector, then
* spectral clustering of a k-nearest-neighbour graph (on a sample; the other items take the
  label of their nearest sampled neighbours), the top-level count chosen by *stability* (the
  partition found again on random subsamples; :func:`choose_top`), then subthemes inside each
  theme, their count given by the largest eigengap of the theme's graph,
* items are the *content* of letters (greetings, closings and self-introductions are removed by
  :mod:`kenes.analysis.letters` before embedding and labelling),
* labels: class-based TF-IDF over normalised tokens per language (Russian lemmatised with
  pymorphy3, Kazakh grouped by a 6-letter prefix and shown in its most frequent form),
* representatives: the items closest to the theme centroid.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from .letters import skeleton
from .normalize import kk_lat_to_cyr, lemma_ru

FloatArray = npt.NDArray[np.float32]
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class ThemeItem:
    """A unit to cluster: a distinct proposal or a whole campaign (``member_ids``)."""

    id: str
    text: str
    lang: str
    member_ids: tuple[str, ...] = ()

    @property
    def weight(self) -> int:
        return max(len(self.member_ids), 1)


@dataclass(slots=True)
class Theme:
    id: str
    item_ids: list[str]
    member_ids: list[str]
    keywords: dict[str, list[str]]
    representative_ids: list[str]
    parent: str | None = None
    subthemes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.member_ids)

    @property
    def label(self) -> str:
        parts = [", ".join(v[:4]) for k, v in sorted(self.keywords.items()) if v]
        return " | ".join(parts)


_STOP = frozenset(
    """и в во на не что с со по к ко о об от до за из для как это а но или же ли бы то так все
    его ее их мы вы я он она они быть был была были есть чтобы также нужно необходимо прошу
    предлагаю просим предлагаем считаю который которые этот эта эти тот при уже только еще очень
    свой наш мой весь год раз должен мочь каждый право статья конституция республика казахстан
    гражданин закон просто действительно обязательно наконец срочно давно наверное скорее
    бы ни сам сейчас себя тоже там тут здесь где когда если чем ваш ваша ваше вас вам
    мне меня наш наша наше нам нас который такой можно свой
    мен және бен пен да де те та үшін бұл осы сол ол біз мен сіз олар керек қажет тиіс ұсынамын
    ұсынамыз сұраймыз сұраймын бап бабы баптың бабын конституция республикасы қазақстан туралы
    деп деген болу болып болса және немесе әр барлық бір екі жылы жыл әрине шынымен ақыры тезірек
    міндетті түрде бәлкім қалайда жедел әйтеуір менің біздің немесе олар оның олардың
    сіздің сіздерге бізге маған бар жоқ еді екен мүмкін болуы болады болды болған болып кейін
    табылады көптеген шамамен арқылы сияқты бойынша жатыр ретінде сондай кезде бірақ
    являться иметь другой сказать после стать может также более один
    the a an of and or to is are in on for with this that it be""".split()
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_CYR = re.compile(r"[а-яёәғқңөұүһі]")
_KK_LATIN = re.compile(r"[äğñöūüşı]", re.IGNORECASE)


def label_terms(text: str, lang: str) -> list[str]:
    """Readable terms for labels: Russian lemmas, Kazakh 6-letter stems (stopwords removed)."""
    words = [w for w in _WORD.findall(text.casefold()) if w not in _STOP]
    if lang == "ru":
        return [lw for lw in (lemma_ru(w) for w in words) if lw not in _STOP]
    # Kazakh typed in Latin is shown in Cyrillic (stems group all scripts, see c_tf_idf);
    # stop words are matched on the skeleton, so "жане" (Russian keyboard) and "jäne" go too
    out = [kk_lat_to_cyr(w) if w.isascii() or not _CYR.search(w) else w for w in words]
    return [w for w in out if skeleton(w) not in _stop_skeletons()]


@lru_cache(maxsize=1)
def _stop_skeletons() -> frozenset[str]:
    return frozenset(skeleton(w) for w in _STOP)


def c_tf_idf(
    docs_by_class: dict[str, list[str]], top: int = 6, stem: int | None = None
) -> dict[str, list[str]]:
    """Class-based TF-IDF (BERTopic style) -> top terms per class."""
    tf: dict[str, Counter[str]] = {}
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for c, words in docs_by_class.items():
        keys = []
        for w in words:
            # Kazakh: 6-letter stems of the script- and keyboard-independent skeleton, so
            # "қазақ", "qazaq" and "казак" (Russian keyboard) count as one term
            k = skeleton(w)[:stem] if stem else w
            surface[k][w] += 1
            keys.append(k)
        tf[c] = Counter(keys)
    total = sum(tf.values(), Counter())
    avg = sum(total.values()) / max(len(tf), 1)
    out: dict[str, list[str]] = {}
    for c, counts in tf.items():
        n = sum(counts.values()) or 1
        scored = sorted(
            ((cnt / n * math.log(1 + avg / total[t]), t) for t, cnt in counts.items() if cnt > 1),
            reverse=True,
        )
        out[c] = [surface[t].most_common(1)[0][0] for _, t in scored[:top]]
    return out


def language_means(
    x: FloatArray, langs: Sequence[str], min_count: int = 10
) -> dict[str, FloatArray]:
    """Each language's mean vector, for the languages with ``min_count`` items (none when fewer
    than two languages have that many: then nothing is centred)."""
    arr = np.array(langs)
    groups = sorted(lg for lg in set(langs) if (arr == lg).sum() >= min_count)
    if len(groups) < 2:
        return {}
    return {lg: x[arr == lg].mean(axis=0).astype(np.float32) for lg in groups}


def apply_means(x: FloatArray, langs: Sequence[str], means: dict[str, FloatArray]) -> FloatArray:
    """Subtract the mean of each row's language (when ``means`` has it); renormalise."""
    x = x.astype(np.float32, copy=True)
    if not means:
        return x
    arr = np.array(langs)
    for lg, mean in means.items():
        x[arr == lg] -= mean
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1
    out: FloatArray = (x / norms).astype(np.float32)
    return out


def center_by_language(x: FloatArray, langs: Sequence[str], min_count: int = 10) -> FloatArray:
    """Subtract each language's mean vector (if it has ``min_count`` items); renormalise."""
    return apply_means(x, langs, language_means(x, langs, min_count))


def choose_k(
    x: FloatArray,
    ks: Sequence[int],
    *,
    seed: int = 0,
    sample: int = 2000,
    fit_sample: int = 20_000,
) -> tuple[int, npt.NDArray[np.int64], float]:
    """Best k by cosine silhouette; returns (k, labels, silhouette)."""
    rng = np.random.default_rng(seed)
    n = len(x)
    fit_idx = rng.choice(n, size=min(n, fit_sample), replace=False)
    sil_idx = rng.choice(n, size=min(n, sample), replace=False)
    best: tuple[float, int, npt.NDArray[np.int64]] | None = None
    for k in ks:
        if k < 2 or k >= n:
            continue
        km = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(x[fit_idx])
        labels = km.predict(x).astype(np.int64)
        if len(set(labels[sil_idx].tolist())) < 2:
            continue
        s = float(silhouette_score(x[sil_idx], labels[sil_idx], metric="cosine"))
        if best is None or s > best[0]:
            best = (s, k, labels)
    if best is None:
        return 1, np.zeros(n, dtype=np.int64), 0.0
    return best[1], best[2], best[0]


def tie_translations(
    x: FloatArray, langs: Sequence[str], *, threshold: float = 0.5, chunk: int = 4096
) -> tuple[FloatArray, int]:
    """Give a Kazakh and a Russian item that are each other's nearest neighbour across the
    languages, with a (language-centred) cosine of at least ``threshold``, one shared vector
    (their mean): near-translations then always share a theme. Translations of a SIB-200
    sentence score 0.50-0.70 (5th percentile to median); the nearest other sentence 0.37
    (median). Returns the new rows and the number of tied pairs."""
    arr = np.asarray(langs)
    a = np.flatnonzero(arr == "kk")
    b = np.flatnonzero(arr == "ru")
    if not len(a) or not len(b):
        return x, 0
    best_ab = np.empty(len(a), dtype=np.int64)
    sim_ab = np.empty(len(a), dtype=np.float32)
    best_ba = np.full(len(b), -1, dtype=np.int64)
    sim_ba = np.full(len(b), -np.inf, dtype=np.float32)
    for i in range(0, len(a), chunk):
        s = x[a[i : i + chunk]] @ x[b].T
        best_ab[i : i + chunk] = s.argmax(axis=1)
        sim_ab[i : i + chunk] = s.max(axis=1)
        col = s.argmax(axis=0)
        top = s[col, np.arange(len(b))]
        better = top > sim_ba
        best_ba[better] = col[better] + i
        sim_ba[better] = top[better]
    y = x.copy()
    tied = 0
    for i, j in enumerate(best_ab.tolist()):
        if best_ba[j] == i and sim_ab[i] >= threshold:
            mean = x[a[i]] + x[b[j]]
            y[a[i]] = y[b[j]] = mean / (np.linalg.norm(mean) or 1.0)
            tied += 1
    return y, tied


def _knn_graph(x: FloatArray, nn: int) -> Any:
    """Symmetric k-nearest-neighbour graph (cosine weights) of the rows of ``x``."""
    from scipy.sparse import csr_matrix

    n = len(x)
    nn = max(1, min(nn, n - 1))
    s = x @ x.T
    np.fill_diagonal(s, -1.0)
    idx = np.argpartition(-s, nn, axis=1)[:, :nn]
    rows = np.repeat(np.arange(n), nn)
    cols = idx.ravel()
    w = np.maximum(s[rows, cols], 1e-6)
    g = csr_matrix((w, (rows, cols)), shape=(n, n))
    return (g + g.T) / 2


def _spectral(x: FloatArray, k: int, seed: int, nn: int) -> npt.NDArray[np.int64]:
    from sklearn.cluster import SpectralClustering

    if k <= 1 or len(x) <= k + 1:
        return np.zeros(len(x), dtype=np.int64)
    sc = SpectralClustering(
        n_clusters=k, affinity="precomputed", random_state=seed, assign_labels="cluster_qr"
    )
    out: npt.NDArray[np.int64] = sc.fit_predict(_knn_graph(x, nn)).astype(np.int64)
    return out


def _neighbours(n: int) -> int:
    return int(min(40, max(10, round(math.sqrt(n)))))


def stability(x: FloatArray, k: int, *, seed: int = 0, runs: int = 4, frac: float = 0.8) -> float:
    """How well a partition into ``k`` is found again: spectral clusterings of random
    subsamples, compared on the items they share (mean pairwise adjusted Rand index)."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    n = len(x)
    m = max(k + 2, int(frac * n))
    labs = []
    for r in range(runs):
        sub = np.sort(rng.choice(n, size=m, replace=False))
        lab = np.full(n, -1, dtype=np.int64)
        lab[sub] = _spectral(x[sub], k, seed + r, _neighbours(m))
        labs.append(lab)
    scores = []
    for i in range(runs):
        for j in range(i + 1, runs):
            both = (labs[i] >= 0) & (labs[j] >= 0)
            scores.append(adjusted_rand_score(labs[i][both], labs[j][both]))
    return float(np.mean(scores))


def top_range(n: int) -> tuple[int, int]:
    """Top-level theme counts considered for ``n`` items: a reviewer's first screen (subthemes
    carry the detail). Below 6 the choice is the coarse split that any topic data has (SIB-200:
    4 groups of its 7 categories are the most stable partition), which is what subthemes are
    for."""
    hi = max(2, min(16, int(math.sqrt(n / 4))))
    lo = min(hi, max(2, min(6, round(math.sqrt(n) / 5))))
    return lo, hi


def choose_top(x: FloatArray, *, seed: int = 0, sample: int = 1500) -> tuple[int, dict[int, float]]:
    """Top-level theme count: the most stable (see :func:`stability`) in :func:`top_range`,
    measured on a sample; ties go to the smaller count."""
    n = len(x)
    lo, hi = top_range(n)
    if hi <= lo:
        return lo, {}
    rng = np.random.default_rng(seed)
    xs = x[np.sort(rng.choice(n, size=min(n, sample), replace=False))]
    scores = {k: stability(xs, k, seed=seed) for k in range(lo, hi + 1)}
    return max(scores, key=lambda k: (round(scores[k], 2), -k)), scores


def _partition(
    x: FloatArray, k: int, seed: int, sample: int | None = None, chunk: int = 4096
) -> npt.NDArray[np.int64]:
    """Spectral clustering of a sample (kNN graph); every other item takes the majority
    label of its 10 nearest sampled items."""
    n = len(x)
    if k <= 1 or n <= k + 1:
        return np.zeros(n, dtype=np.int64)
    idx = _sample(n, seed, sample)
    sub = _spectral(x[idx], k, seed, _neighbours(len(idx)))
    labels = np.full(n, -1, dtype=np.int64)
    labels[idx] = sub
    rest = np.flatnonzero(labels < 0)
    for i in range(0, len(rest), chunk):
        part = rest[i : i + chunk]
        labels[part] = vote(x[part], x[idx], sub, k)
    return labels


PARTITION_SAMPLE = 3000
VOTERS = 10


def _sample(n: int, seed: int, sample: int | None = None) -> npt.NDArray[np.int64]:
    """The items a partition clusters (the others vote, see :func:`vote`)."""
    size = min(n, PARTITION_SAMPLE if sample is None else sample)
    rng = np.random.default_rng(seed)
    out: npt.NDArray[np.int64] = np.sort(rng.choice(n, size=size, replace=False))
    return out


def vote(
    q: FloatArray, ref: FloatArray, ref_labels: npt.NDArray[np.int64], k: int
) -> npt.NDArray[np.int64]:
    """The label of each row of ``q``: the majority among its ``VOTERS`` nearest rows of
    ``ref`` (ties to the smaller label)."""
    nn = min(VOTERS, len(ref))
    s = q @ ref.T
    near = np.argpartition(-s, nn - 1, axis=1)[:, :nn]
    votes = np.zeros((len(q), k), dtype=np.float32)
    np.add.at(votes, (np.repeat(np.arange(len(q)), nn), ref_labels[near].ravel()), 1.0)
    out: npt.NDArray[np.int64] = votes.argmax(axis=1).astype(np.int64)
    return out


def _sub_count(x: FloatArray) -> int:
    """Subthemes of a theme: the largest eigengap of its kNN graph's normalised Laplacian
    among 2 to 6 groups (one per ~15 items at most)."""
    from scipy.sparse.csgraph import laplacian
    from scipy.sparse.linalg import eigsh

    hi = min(6, len(x) // 15)
    if hi < 2:
        return 1
    lap = laplacian(_knn_graph(x, _neighbours(len(x))), normed=True)
    try:
        w = np.sort(eigsh(lap, k=hi + 1, sigma=-0.01, which="LM")[0])
    except Exception:  # pragma: no cover - ARPACK did not converge
        return 1
    gaps = np.diff(w)  # gaps[j]: between the (j+1)-th and (j+2)-th eigenvalue
    return int(np.argmax(gaps[1:hi]) + 2)


def cluster_themes(
    items: Sequence[ThemeItem],
    vectors: FloatArray,
    *,
    k: int | None = None,
    seed: int = 0,
    subtheme_min: int = 30,
    progress: Progress | None = None,
) -> list[Theme]:
    """Cluster items (vectors: L2-normalised rows) into themes with labels and subthemes."""
    return find_themes(
        items, vectors, k=k, seed=seed, subtheme_min=subtheme_min, progress=progress
    )[0]


def find_themes(
    items: Sequence[ThemeItem],
    vectors: FloatArray,
    *,
    k: int | None = None,
    seed: int = 0,
    subtheme_min: int = 30,
    progress: Progress | None = None,
) -> tuple[list[Theme], ThemePlacer]:
    """:func:`cluster_themes`, and the :class:`ThemePlacer` that puts new items in these
    themes the way the clustering put the items it did not cluster itself."""
    n = len(items)
    if n == 0:
        return [], ThemePlacer({}, np.zeros((0, vectors.shape[1]), np.float32), [], [], [])
    langs = [_label_lang(it) or it.lang for it in items]
    means = language_means(vectors, langs)
    x = tie_translations(apply_means(vectors, langs, means), langs)[0]
    if n < 4:
        labels = np.zeros(n, dtype=np.int64)
    else:
        top = k if k is not None else choose_top(x, seed=seed)[0]
        labels = _partition(x, min(top, n), seed)
    if progress:
        progress("themes: clustered", n, n)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels.tolist()):
        groups[int(lab)].append(i)
    ordered = sorted(groups.values(), key=lambda g: -sum(items[i].weight for i in g))
    themes: list[Theme] = []
    # the run's labels in their own order (a tied vote goes to the smaller label)
    order: dict[str, int] = {}
    for t_no, idx in enumerate(ordered, 1):
        theme = _make_theme(f"theme-{t_no:02d}", idx, items, x)
        order[theme.id] = int(labels[idx[0]])
        themes.append(theme)
        if len(idx) >= subtheme_min:
            sub_k = _sub_count(x[idx[:3000]])
            if sub_k > 1:
                sub_labels = _partition(x[idx], sub_k, seed)
                sub: dict[int, list[int]] = defaultdict(list)
                for j, lab in zip(idx, sub_labels.tolist(), strict=True):
                    sub[int(lab)].append(j)
                subs = sorted(sub.values(), key=lambda g: -sum(items[i].weight for i in g))
                for s_no, sidx in enumerate(subs, 1):
                    st = _make_theme(f"{theme.id}.{s_no}", sidx, items, x)
                    order[st.id] = int(sub_labels[idx.index(sidx[0])])
                    st.parent = theme.id
                    theme.subthemes.append(st.id)
                    themes.append(st)
    _label(themes, items)
    top_of: dict[str, str] = {}
    sub_of: dict[str, str] = {}
    for th in themes:
        for item_id in th.item_ids:
            (sub_of if th.parent else top_of)[item_id] = th.id
    ref = _sample(n, seed)
    placer = ThemePlacer(
        means,
        x[ref],
        [top_of[items[int(i)].id] for i in ref],
        [sub_of.get(items[int(i)].id, "") for i in ref],
        sorted(order, key=lambda t: (order[t], t)),
    )
    return themes, placer


@dataclass(slots=True)
class ThemePlacer:
    """Puts a new item in the themes of a run, in the run's own space and by its own rule.

    The run clusters a sample of its items (:data:`PARTITION_SAMPLE`; all of them below that)
    and every other item takes the majority theme of its :data:`VOTERS` nearest sampled items
    (:func:`vote`); subthemes likewise inside the theme. A new item is placed the same way:
    its vector centred with the run's language means (``means``), then the vote among the
    run's sampled items (``ref``, rows in the run's theme space, with their theme and subtheme
    ids); an item whose vector is one of the sampled ones keeps that item's themes. Subthemes
    are voted among the theme's sampled items (exactly the run's rule while a theme has at most
    :data:`PARTITION_SAMPLE` items)."""

    means: dict[str, FloatArray]
    ref: FloatArray
    themes: list[str]
    subthemes: list[str]  # "" where the theme has no subthemes
    # theme and subtheme ids in the order of the run's cluster labels: a tied vote goes to the
    # earlier one, as in the run
    order: list[str]

    SAME = 0.9999

    def place(
        self, vectors: FloatArray, langs: Sequence[str]
    ) -> list[tuple[str, str | None] | None]:
        """(theme id, subtheme id or None) per row of ``vectors`` (L2-normalised); None for
        every row when the run found no themes."""
        if not len(self.ref) or not len(vectors):
            return [None] * len(vectors)
        x = apply_means(vectors, langs, self.means)
        rank = {t: r for r, t in enumerate(self.order)}
        names = sorted(set(self.themes), key=lambda t: rank.get(t, len(rank)))
        codes = np.array([names.index(t) for t in self.themes], dtype=np.int64)
        sims = x @ self.ref.T
        nearest = sims.argmax(axis=1)
        voted = vote(x, self.ref, codes, len(names))
        # per theme: its sampled rows that have a subtheme, the subthemes and their codes
        inside: dict[str, tuple[list[int], list[str], npt.NDArray[np.int64]]] = {}
        for theme in names:
            rows = [r for r, t in enumerate(self.themes) if t == theme and self.subthemes[r]]
            subs = sorted({self.subthemes[r] for r in rows}, key=lambda t: rank.get(t, 0))
            sub_codes = np.array([subs.index(self.subthemes[r]) for r in rows], np.int64)
            inside[theme] = (rows, subs, sub_codes)
        out: list[tuple[str, str | None] | None] = []
        for i in range(len(x)):
            j = int(nearest[i])
            if sims[i, j] >= self.SAME:
                out.append((self.themes[j], self.subthemes[j] or None))
                continue
            theme = names[int(voted[i])]
            rows, subs, sub_codes = inside[theme]
            sub: str | None = None
            if rows:
                sub = subs[int(vote(x[i : i + 1], self.ref[rows], sub_codes, len(subs))[0])]
            out.append((theme, sub))
        return out


def theme_space(vectors: FloatArray, langs: Sequence[str]) -> FloatArray:
    """The space themes are found in: each language's mean removed (see
    :func:`center_by_language`), near-translations tied (see :func:`tie_translations`)."""
    x = center_by_language(vectors, langs)
    return tie_translations(x, langs)[0]


def _make_theme(tid: str, idx: list[int], items: Sequence[ThemeItem], x: FloatArray) -> Theme:
    centroid = x[idx].mean(axis=0)
    sims = x[idx] @ centroid
    order = [idx[int(j)] for j in np.argsort(-sims)]
    members: list[str] = []
    for i in idx:
        members.extend(items[i].member_ids or (items[i].id,))
    return Theme(
        id=tid,
        item_ids=[items[i].id for i in order],
        member_ids=members,
        keywords={},
        representative_ids=[],
    )


def _label_lang(item: ThemeItem) -> str | None:
    if item.lang in ("ru", "kk"):
        return item.lang
    # Kazakh typed in Latin is sometimes detected as English: its letters tell
    return "kk" if len(_KK_LATIN.findall(item.text)) >= 2 else None


def _label(themes: list[Theme], items: Sequence[ThemeItem]) -> None:
    """Keywords per language (class-based TF-IDF among the themes of one level), then the
    representatives: per language, the items nearest the centre that contain a keyword."""
    by_id = {it.id: it for it in items}
    lang_of = {it.id: _label_lang(it) for it in items}
    terms_of: dict[str, set[str]] = {}
    for level in (None, "sub"):
        group = [t for t in themes if (t.parent is None) == (level is None)]
        by_tid = {t.id: t for t in group}
        for lang, stem in (("ru", None), ("kk", 6)):
            docs: dict[str, list[str]] = {}
            for t in group:
                words: list[str] = []
                for i in t.item_ids:
                    if lang_of[i] == lang:
                        terms = label_terms(by_id[i].text, lang)
                        terms_of[i] = set(terms)
                        words.extend(terms)
                docs[t.id] = words
            for tid, terms in c_tf_idf(docs, stem=stem).items():
                if terms:
                    by_tid[tid].keywords[lang] = terms
    for t in themes:
        t.representative_ids = _representatives(t, by_id, lang_of, terms_of)


def _representatives(
    t: Theme,
    by_id: dict[str, ThemeItem],
    lang_of: dict[str, str | None],
    terms_of: dict[str, set[str]],
    *,
    per_lang: int = 2,
    look: int = 12,
) -> list[str]:
    """Up to ``per_lang`` items per language among the ``look`` nearest the theme's centre
    (``t.item_ids`` is in that order), those containing one of the theme's keywords first:
    each label word can be checked against a proposal that uses it."""
    chosen: list[str] = []
    for lang in ("ru", "kk"):
        near = [i for i in t.item_ids if lang_of[i] == lang][:look]
        keys = set(t.keywords.get(lang, [])[:4])
        backed = [i for i in near if terms_of.get(i, set()) & keys]
        rest = [i for i in near if i not in backed]
        chosen.extend((backed + rest)[:per_lang])
    if not chosen:
        chosen = t.item_ids[:3]
    order = {i: n for n, i in enumerate(t.item_ids)}
    chosen.sort(key=lambda i: order[i])
    return [(by_id[i].member_ids or (i,))[0] for i in chosen]
