"""Themes: clustering of deduplicated kk/ru proposals in embedding space.

* per-language mean centring of the embeddings (removes most of the "language direction" of
  e5, so a Kazakh and a Russian text on the same topic land together), then
* k-means with k chosen by the cosine silhouette (on a sample) above a granularity floor
  (:func:`min_themes`), optional subthemes per theme when a split has a clearly positive
  silhouette,
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
from .normalize import kk_lat_to_cyr

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
    сіздің сіздерге бізге маған бар жоқ еді екен
    the a an of and or to is are in on for with this that it be""".split()
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_CYR = re.compile(r"[а-яёәғқңөұүһі]")


@lru_cache(maxsize=1)
def _morph() -> Any:
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer()
    except Exception:  # pragma: no cover - dictionaries missing
        return None


@lru_cache(maxsize=200_000)
def _lemma_ru(word: str) -> str:
    m = _morph()
    if m is None:
        return word
    return str(m.parse(word)[0].normal_form)


def label_terms(text: str, lang: str) -> list[str]:
    """Readable terms for labels: Russian lemmas, Kazakh 6-letter stems (stopwords removed)."""
    words = [w for w in _WORD.findall(text.casefold()) if w not in _STOP]
    if lang == "ru":
        return [lw for lw in (_lemma_ru(w) for w in words) if lw not in _STOP]
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


def center_by_language(x: FloatArray, langs: Sequence[str], min_count: int = 10) -> FloatArray:
    """Subtract each language's mean vector (if it has ``min_count`` items); renormalise."""
    x = x.astype(np.float32, copy=True)
    arr = np.array(langs)
    groups = [lg for lg in set(langs) if (arr == lg).sum() >= min_count]
    if len(groups) < 2:
        return x
    for lg in groups:
        mask = arr == lg
        x[mask] -= x[mask].mean(axis=0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1
    out: FloatArray = (x / norms).astype(np.float32)
    return out


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


def min_themes(n: int) -> int:
    """Granularity floor for the automatic theme count.

    In e5-small space topics overlap, and the cosine silhouette alone prefers the coarsest
    split (k = 2 on topic-labelled data): useless to a reviewer of thousands of proposals. The
    silhouette chooses among k >= ``sqrt(n) / 5`` (4 themes for 400 items, 8 from 1,600 on).
    """
    return max(2, min(8, round(math.sqrt(n) / 5)))


def default_ks(n: int) -> list[int]:
    hi = max(2, min(40, int(math.sqrt(n / 2)) + 2))
    lo = min(min_themes(n), hi)
    ks = list(range(lo, min(hi, 16) + 1))
    ks += [k for k in (20, 25, 30, 35, 40) if k <= hi]
    return ks


def cluster_themes(
    items: Sequence[ThemeItem],
    vectors: FloatArray,
    *,
    k: int | None = None,
    seed: int = 0,
    subtheme_min: int = 40,
    subtheme_silhouette: float = 0.12,
    progress: Progress | None = None,
) -> list[Theme]:
    """Cluster items (vectors: L2-normalised rows) into themes with labels and subthemes."""
    n = len(items)
    if n == 0:
        return []
    x = center_by_language(vectors, [it.lang for it in items])
    if n < 4:
        labels = np.zeros(n, dtype=np.int64)
    elif k is not None:
        labels = KMeans(n_clusters=min(k, n), n_init=3, random_state=seed).fit_predict(x)
    else:
        _, labels, _ = choose_k(x, default_ks(n), seed=seed)
    if progress:
        progress("themes: clustered", n, n)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels.tolist()):
        groups[int(lab)].append(i)
    ordered = sorted(groups.values(), key=lambda g: -sum(items[i].weight for i in g))
    themes: list[Theme] = []
    for t_no, idx in enumerate(ordered, 1):
        theme = _make_theme(f"theme-{t_no:02d}", idx, items, x)
        themes.append(theme)
        if len(idx) >= subtheme_min:
            sub_k, sub_labels, sil = choose_k(x[idx], range(2, 6), seed=seed)
            if sub_k > 1 and sil >= subtheme_silhouette:
                sub: dict[int, list[int]] = defaultdict(list)
                for j, lab in zip(idx, sub_labels.tolist(), strict=True):
                    sub[int(lab)].append(j)
                subs = sorted(sub.values(), key=lambda g: -len(g))
                for s_no, sidx in enumerate(subs, 1):
                    st = _make_theme(f"{theme.id}.{s_no}", sidx, items, x)
                    st.parent = theme.id
                    theme.subthemes.append(st.id)
                    themes.append(st)
    _label(themes, items)
    return themes


def _make_theme(tid: str, idx: list[int], items: Sequence[ThemeItem], x: FloatArray) -> Theme:
    centroid = x[idx].mean(axis=0)
    sims = x[idx] @ centroid
    reps = [items[idx[int(j)]] for j in np.argsort(-sims)[:3]]
    members: list[str] = []
    for i in idx:
        members.extend(items[i].member_ids or (items[i].id,))
    return Theme(
        id=tid,
        item_ids=[items[i].id for i in idx],
        member_ids=members,
        keywords={},
        representative_ids=[(r.member_ids or (r.id,))[0] for r in reps],
    )


def _label(themes: list[Theme], items: Sequence[ThemeItem]) -> None:
    by_id = {it.id: it for it in items}
    for level in (None, "sub"):
        group = [t for t in themes if (t.parent is None) == (level is None)]
        for lang, stem in (("ru", None), ("kk", 6)):
            docs = {
                t.id: [
                    w
                    for i in t.item_ids
                    if by_id[i].lang == lang
                    for w in label_terms(by_id[i].text, lang)
                ]
                for t in group
            }
            for tid, terms in c_tf_idf(docs, stem=stem).items():
                theme = next(t for t in group if t.id == tid)
                if terms:
                    theme.keywords[lang] = terms
