"""Link proposals to the articles (and points) of a draft.

Ranking per proposal:

1. explicit references parsed from the text ("статья 43", "ст. 43 п. 2", "пункт 2 статьи 43",
   "43-бап", "43-бабының 2-тармағы", "article 43(2)", lists "статьи 12, 13 и 14", …),
   score 1.0, first;
2. semantic + lexical: cosine of the proposal embedded as an e5 *query* against article and
   point *passages*, rescaled to [0, 1], combined with a BM25 score over folded, prefix-stemmed
   tokens. Articles below ``threshold`` are dropped; if none is left the answer is "no
   article" (an empty list).

Kazakh proposals against a Russian-only draft (:mod:`kenes.analysis.kk_lexicon`): Kazakh typed
in Latin is embedded in Cyrillic; the Kazakh stems are glossed into Russian words, which BM25
matches (with a larger lexical weight) and which are embedded as a second, Russian query
averaged with the proposal's own cosine; the "no article" rule compares a Kazakh proposal with
the Russian everyday passages only (same cross-language handicap as the articles).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from .embeddings import Embedder
from .kk_lexicon import for_embedding, gloss_text, is_kazakh
from .normalize import fold, lemma_ru, normalize_text, tokenize

_N = r"(\d{1,3})"
_LIST = r"(\d{1,3}(?:\s*(?:,|и|және|мен|and|-)\s*\d{1,3})*)"
_RU_ART = r"(?:стать(?:я|и|ю|е|ей|ёй|ям|ями|ях)|статей|ст\.?)"
_RU_PT = r"(?:пункт(?:а|у|ом|е|ы|ов|ам|ах)?|п\.|ч\.|част(?:ь|и|ью|ей))"
_RU_SUB = r"(?:подпункт(?:а|у|ом|е|ы|ов)?|пп\.)"
_KK_ART = r"(?:бап\w*|баб\w*|bap\w*|bab\w*)"
_KK_PT = r"(?:тарма[қғкг]\w*|tarma[qğkg]\w*)"
_EN_ART = r"(?:articles?|art\.?)"
_EN_PT = r"(?:paragraph|para\.?|point|clause)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "подпункт 1) пункта 1 статьи 73" / "п. 2 ст. 43" / "пункт 2 статьи 43"
    ("pt_art", re.compile(rf"(?:{_RU_SUB}\s*{_N}\)?\s*)?{_RU_PT}\s*{_N}\s*{_RU_ART}\s*{_N}")),
    # "статья 43", "ст. 43 п. 2", "статьи 43 и 44"
    ("art_list", re.compile(rf"{_RU_ART}\s*{_LIST}(?:\s*,?\s*{_RU_PT}\s*{_N})?")),
    # "43 статья", "43-я статья", "в 43 статье"
    ("num_art", re.compile(rf"\b{_N}\s*-?\s*(?:я|й|ю|ой|ая|ей)?\s+{_RU_ART}")),
    # "43-бап", "43 бап", "43-бабының 2-тармағы", "Конституцияның 43-бабы"
    ("kk", re.compile(rf"\b{_N}\s*-?\s*{_KK_ART}(?:\s*{_N}\s*-?\s*{_KK_PT})?")),
    # "бап 43"
    ("kk_rev", re.compile(rf"\b{_KK_ART}\s+{_N}\b")),
    # "paragraph 2 of article 43"
    ("en_pt", re.compile(rf"{_EN_PT}\s*{_N}\s*of\s*{_EN_ART}\s*{_N}")),
    # "article 43", "art. 43(2)", "articles 12 and 13"
    ("en", re.compile(rf"\b{_EN_ART}\s*{_LIST}(?:\s*\(\s*{_N}\s*\))?")),
]


@dataclass(frozen=True, slots=True)
class Reference:
    """An explicit reference to an article (and maybe a point) of the draft."""

    article: str
    point: str | None = None
    subpoint: str | None = None


def _expand(listing: str) -> list[str]:
    out: list[str] = []
    parts = re.split(r"\s*(,|и|және|мен|and)\s*", listing)
    for p in parts:
        p = p.strip()
        if not p or not p[0].isdigit():
            continue
        if "-" in p:
            a, _, b = p.partition("-")
            if a.strip().isdigit() and b.strip().isdigit():
                lo, hi = int(a), int(b)
                if 0 < hi - lo <= 10:
                    out.extend(str(i) for i in range(lo, hi + 1))
                    continue
        num = re.match(r"\d+", p)
        if num:
            out.append(str(int(num.group(0))))
    return out


def parse_references(text: str) -> list[Reference]:
    """Explicit article/point references in ru, kk (Cyrillic or Latin) and en, in text order."""
    norm = normalize_text(text[:20_000])
    found: list[tuple[int, Reference]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for kind, pat in _PATTERNS:
        for m in pat.finditer(norm):
            if not free(m.start(), m.end()):
                continue
            g = m.groups()
            refs: list[Reference] = []
            if kind == "pt_art":
                refs = [Reference(str(int(g[2])), str(int(g[1])), g[0] and str(int(g[0])))]
            elif kind == "art_list":
                arts = _expand(g[0])
                pt = str(int(g[1])) if g[1] else None
                refs = [Reference(a, pt if len(arts) == 1 else None) for a in arts]
            elif kind == "num_art":
                refs = [Reference(str(int(g[0])))]
            elif kind == "kk":
                refs = [Reference(str(int(g[0])), str(int(g[1])) if g[1] else None)]
            elif kind == "kk_rev":
                refs = [Reference(str(int(g[0])))]
            elif kind == "en_pt":
                refs = [Reference(str(int(g[1])), str(int(g[0])))]
            else:
                arts = _expand(g[0])
                pt = str(int(g[1])) if g[1] else None
                refs = [Reference(a, pt if len(arts) == 1 else None) for a in arts]
            taken.append((m.start(), m.end()))
            found.extend((m.start(), r) for r in refs)
    found.sort(key=lambda t: t[0])
    out: list[Reference] = []
    for _, r in found:
        if r not in out:
            out.append(r)
    return out


@dataclass(frozen=True, slots=True)
class ArticleLink:
    article: str
    score: float
    point: str | None = None
    source: Literal["explicit", "semantic"] = "semantic"

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"article": self.article, "score": round(self.score, 4)}
        if self.point:
            d["point"] = self.point
        d["source"] = self.source
        return d


@dataclass(frozen=True, slots=True)
class DraftUnit:
    article: str
    point: str | None
    text: str


def _join(node: dict[str, Any]) -> str:
    parts = [str(node.get("title") or ""), str(node.get("text") or "")]
    for p in node.get("points") or []:
        parts.append(_join(p))
    for s in node.get("subpoints") or []:
        parts.append(_join(s))
    return " ".join(x.strip() for x in parts if x and x.strip())


def draft_units(draft: dict[str, Any]) -> tuple[list[DraftUnit], list[DraftUnit]]:
    """(articles, points) of a draft document, as passages."""
    arts: list[DraftUnit] = []
    pts: list[DraftUnit] = []
    for sec in draft.get("sections") or []:
        stitle = str(sec.get("title") or "")
        for a in sec.get("articles") or []:
            num = str(a.get("number"))
            body = _join(a)
            arts.append(DraftUnit(num, None, f"Статья {num}. {stitle}. {body}"))
            for p in a.get("points") or []:
                ptxt = _join(p)
                if ptxt:
                    pts.append(DraftUnit(num, str(p.get("number")), f"Статья {num}. {ptxt}"))
    return arts, pts


# Compared with folded tokens (``tokenize`` folds), so the list is folded too.
_STOP = frozenset(
    fold(w)
    for w in (
        "и в во на не что с со по к ко о об от до за из для как это а но или же ли бы то так "
        "все его ее их мы вы я он она они быть был есть чтобы также нужно прошу предлагаю статья "
        "статьи статью конституции республики казахстан мен және бен пен да де үшін бұл осы "
        "керек қажет ұсынамын бап бабы конституция"
    ).split()
)


_RU_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*")


@lru_cache(maxsize=200_000)
def _lexical_token(word: str) -> str:
    """Russian words are lemmatised ("акима" → "аким", "выборах" → "выборы"), then every word
    is folded and cut to a 5-character prefix (a crude stem that also serves Kazakh)."""
    if _RU_WORD.fullmatch(word):
        word = lemma_ru(word)
    t = fold(word)
    return "" if t in _STOP else t[:5]


def lexical_tokens(text: str) -> list[str]:
    """Lemmatised (Russian), folded tokens, stop words removed, cut to a 5-character prefix."""
    out = []
    for w in tokenize(text, folded=False):
        if len(w) > 2 and not w.isdigit():
            t = _lexical_token(w)
            if t:
                out.append(t)
    return out


def query_tokens(text: str, *, kazakh: bool | None = None) -> list[str]:
    """:func:`lexical_tokens` of a proposal, plus, for a Kazakh one, the Russian words its
    Kazakh stems gloss to (:mod:`kenes.analysis.kk_lexicon`): a Russian-only draft then shares
    words with a Kazakh proposal."""
    toks = lexical_tokens(text)
    if is_kazakh(text) if kazakh is None else kazakh:
        toks += lexical_tokens(gloss_text(text))
    return toks


class BM25:
    def __init__(self, docs: Sequence[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg = sum(self.len) / max(len(docs), 1)
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        # each term's score per document, computed once (a query then adds a few rows)
        self.term_scores: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
        for t, idf in self.idf.items():
            row = np.zeros(n)
            for i, tf in enumerate(self.tf):
                f = tf.get(t, 0)
                if f:
                    denom = f + self.k1 * (1 - self.b + self.b * self.len[i] / self.avg)
                    row[i] = idf * f * (self.k1 + 1) / denom
            self.term_scores[t] = row

    def scores(self, query: list[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
        out = np.zeros(len(self.tf))
        for t in set(query):
            row = self.term_scores.get(t)
            if row is not None:
                out += row
        return out


# "Background" passages: everyday requests that are about no article of a constitution. A
# proposal closer to one of these than to every article gets the calibrated "no article" answer.
BACKGROUND = [
    "Жалоба на коммунальные услуги: не вывозят мусор, нет горячей воды, протекает крыша.",
    "Общественный транспорт: маршрут автобуса, расписание, остановка, пробки на дорогах.",
    "Ремонт во дворе: детская площадка, освещение, ямы на дороге, парковка у дома.",
    "Покупки и цены в магазине, выбор товара, скидки, где купить вещь.",
    "Спорт и футбол: игра команды, тренер, матч, результаты чемпионата.",
    "Кулинария и рецепты блюд, еда, ресторан, кафе.",
    "Погода, дождь, снег, температура на завтра.",
    "Соседи шумят, ссора с соседями, громкая музыка ночью.",
    "Отзыв о работе сайта или приложения: удобство, шрифт, ошибки, кнопки.",
    "Личный вопрос или просьба о совете: какой телефон выбрать, как поступить.",
    "Коммуналдық қызметтерге шағым: қоқыс шығарылмайды, ыстық су жоқ, шатыр ағып тұр.",
    "Қоғамдық көлік: автобус бағыты, кесте, аялдама, жолдағы кептеліс.",
    "Аула жөндеу: балалар алаңы, жарық, жолдағы шұңқырлар, үй маңындағы тұрақ.",
    "Дүкендегі бағалар мен сатып алу, тауар таңдау, жеңілдіктер.",
    "Спорт пен футбол: команда ойыны, жаттықтырушы, матч нәтижелері.",
    "Тағам рецептері, ас мәзірі, мейрамхана, кафе.",
    "Ауа райы, жаңбыр, қар, ертеңгі температура.",
    "Көршілер шулайды, түнде қатты музыка, көршілермен ұрыс.",
    "Сайттың немесе қосымшаның жұмысы туралы пікір: ыңғайлылық, қаріп, қателер.",
    "Жеке сұрақ немесе кеңес сұрау: қандай телефон алу керек, не істеу керек.",
]


class ArticleLinker:
    """Ranks draft articles for proposals; build once per draft, reuse for many proposals."""

    def __init__(
        self,
        draft: dict[str, Any],
        embedder: Embedder,
        *,
        threshold: float = 0.1,
        top_k: int = 3,
        relative: float = 0.15,
        sem_low: float = 0.78,
        sem_high: float = 0.90,
        lex_weight: float = 0.3,
        background_margin: float = -0.01,
        gloss_weight: float = 0.5,
        kk_lex_weight: float | None = 0.5,
        kk_background_ru_only: bool = True,
        kk_background_margin: float | None = -0.03,
        kk_sem_shift: float = 0.0,
        gloss_margin: float | None = None,
    ) -> None:
        self.embedder = embedder
        self.threshold, self.top_k, self.relative = threshold, top_k, relative
        self.sem_low, self.sem_high, self.lex_weight = sem_low, sem_high, lex_weight
        self.articles, self.points = draft_units(draft)
        self.numbers = [a.article for a in self.articles]
        self._index = {n: i for i, n in enumerate(self.numbers)}
        self.known_points = {(p.article, p.point) for p in self.points}
        self.avec = embedder.embed_passages([a.text for a in self.articles])
        self.pvec = embedder.embed_passages([p.text for p in self.points])
        self.p_article = np.array([self._index[p.article] for p in self.points], dtype=np.int64)
        self.bm25 = BM25([lexical_tokens(a.text) for a in self.articles])
        self.bvec = embedder.embed_passages(BACKGROUND)
        self.background_margin = background_margin
        self.gloss_weight = gloss_weight
        self.gloss_margin = gloss_margin
        self.kk_background_ru_only = kk_background_ru_only
        self.kk_background_margin = (
            background_margin if kk_background_margin is None else kk_background_margin
        )
        self.kk_sem_shift = kk_sem_shift
        self.b_is_ru = np.array([not is_kazakh(b) for b in BACKGROUND], dtype=bool)
        self.kk_lex_weight = lex_weight if kk_lex_weight is None else kk_lex_weight

    def _semantic(self, q: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Cosine per article: the best of the article passage and its points' passages."""
        sem = q @ self.avec.T
        if len(self.points):
            psem = q @ self.pvec.T
            for j in range(len(self.articles)):
                mask = self.p_article == j
                if mask.any():
                    sem[:, j] = np.maximum(sem[:, j], psem[:, mask].max(axis=1))
        return sem

    def query_vectors(
        self,
        texts: Sequence[str],
        qvec: np.ndarray[Any, Any] | None = None,
        embedded: Sequence[str] | None = None,
    ) -> np.ndarray[Any, Any]:
        """e5 query vectors of ``texts`` as the model should see them: Kazakh typed in Latin is
        embedded in Cyrillic (and a Latin "i" in a Cyrillic word as "і"). Rows of ``qvec`` (the
        caller's stored vectors) are reused where nothing changes: a row is of the raw text,
        unless ``embedded`` tells which string it is of - a row whose string already differs
        from the raw text was prepared by the caller (:func:`kenes.analysis.embedtext.
        embedding_text`) and is kept as it is."""
        prepared = [for_embedding(t) for t in texts]
        if qvec is None:
            return self.embedder.embed_queries(prepared)
        seen = texts if embedded is None else embedded
        redo = [
            i
            for i, (a, b, e) in enumerate(zip(texts, prepared, seen, strict=True))
            if a != b and e == a
        ]
        if not redo:
            return qvec
        q = np.array(qvec, dtype=np.float32, copy=True)
        q[redo] = self.embedder.embed_queries([prepared[i] for i in redo])
        return q

    def scores(
        self,
        texts: Sequence[str],
        qvec: np.ndarray[Any, Any] | None = None,
        embedded: Sequence[str] | None = None,
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Combined semantic+lexical score matrix (texts x articles) in [0, 1].

        For a Kazakh proposal (the draft may be Russian only) the semantic part also embeds a
        Russian gloss of its words (:func:`kenes.analysis.kk_lexicon.gloss_text`) and the
        lexical part matches the glossed words too. The gloss is embedded only where the rest
        does not decide already (:meth:`needs_gloss`). ``qvec`` and ``embedded``: see
        :meth:`query_vectors`."""
        explicit = [self.explicit_links(t) for t in texts]
        return self._scores(texts, qvec, embedded, [bool(x) for x in explicit])

    def _scores(
        self,
        texts: Sequence[str],
        qvec: np.ndarray[Any, Any] | None,
        embedded: Sequence[str] | None,
        explicit: Sequence[bool],
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        q = self.query_vectors(texts, qvec, embedded)
        sem = self._semantic(q)
        # "no article" is decided on the proposal's own embedding (a gloss drops the words the
        # lexicon does not know, i.e. most everyday words).
        # A Kazakh proposal is compared with the Russian background passages only: the draft is
        # Russian, and a same-language passage would always win against a cross-language article.
        bsim = q @ self.bvec.T
        kazakh = [is_kazakh(t) for t in texts]
        if self.kk_background_ru_only:
            bsim[np.array(kazakh, dtype=bool)[:, None] & ~self.b_is_ru[None, :]] = -1.0
        kk_rows = np.array(kazakh, dtype=bool)
        margin = np.where(kk_rows, self.kk_background_margin, self.background_margin)
        off = bsim.max(axis=1) + margin >= sem.max(axis=1)
        lex = np.zeros_like(sem, dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        for i, t in enumerate(texts):
            raw = self.bm25.scores(query_tokens(t, kazakh=kazakh[i]))
            lex[i] = raw / (raw + 8.0)
            weights[i] = self.kk_lex_weight if kazakh[i] else self.lex_weight
        # cross-language cosines run lower: a Kazakh proposal's scale is shifted down
        shift = np.where(kk_rows, self.kk_sem_shift, 0.0)[:, None]
        w = weights[:, None]

        def combine(sem: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
            sem_n = np.clip((sem - self.sem_low + shift) / (self.sem_high - self.sem_low), 0, 1)
            out = np.asarray((1 - w) * sem_n + w * lex, dtype=np.float64)
            # "no article": closer to an everyday background topic than to any article.
            out[off] *= 0.25
            return out

        out = combine(sem)
        if self.gloss_weight <= 0:
            return out
        glossed = {
            i: gloss_text(t)
            for i, t in enumerate(texts)
            if kazakh[i] and self.needs_gloss(out[i], explicit=explicit[i])
        }
        glossed = {i: g for i, g in glossed.items() if len(g.split()) >= 2}
        if glossed:
            rows = list(glossed)
            gsem = self._semantic(self.embedder.embed_queries([glossed[i] for i in rows]))
            g = self.gloss_weight
            sem[rows] = (1 - g) * sem[rows] + g * gsem
            out[rows] = combine(sem)[rows]
        return out

    def needs_gloss(self, row: np.ndarray[Any, Any], *, explicit: bool) -> bool:
        """Is a Kazakh proposal's Russian gloss worth embedding? Not when the proposal names
        an article of the draft (the explicit reference comes first whatever the scores), nor
        when, without the gloss, its best article leads the next one by ``gloss_margin`` or
        more (the gloss moves a score by much less: the ranking is decided)."""
        if explicit:
            return False
        if self.gloss_margin is None or len(row) < 2:
            return True
        top = np.partition(row, len(row) - 2)[-2:]
        return bool(top[1] - top[0] < self.gloss_margin)

    def explicit_links(self, text: str) -> list[ArticleLink]:
        """The draft's articles (and points) ``text`` names, in text order, score 1.0."""
        links: list[ArticleLink] = []
        for ref in parse_references(text):
            if ref.article in self._index and all(x.article != ref.article for x in links):
                pt = ref.point if (ref.article, ref.point) in self.known_points else None
                links.append(ArticleLink(ref.article, 1.0, pt, "explicit"))
        return links

    def link(
        self,
        texts: Sequence[str],
        qvec: np.ndarray[Any, Any] | None = None,
        embedded: Sequence[str] | None = None,
    ) -> list[list[ArticleLink]]:
        """Best-first article links per text (explicit references first; [] = no article).
        ``qvec`` and ``embedded``: see :meth:`query_vectors`."""
        out: list[list[ArticleLink]] = []
        if not texts:
            return out
        explicit = [self.explicit_links(t) for t in texts]
        mat = self._scores(texts, qvec, embedded, [bool(x) for x in explicit])
        for i in range(len(texts)):
            links = list(explicit[i])
            row = mat[i]
            order = np.argsort(-row)
            best = float(row[order[0]]) if len(order) else 0.0
            for j in order[: self.top_k + len(links)]:
                s = float(row[j])
                if s < self.threshold or s < best - self.relative:
                    break
                num = self.numbers[int(j)]
                if any(x.article == num for x in links):
                    continue
                links.append(ArticleLink(num, s))
                if sum(1 for x in links if x.source == "semantic") >= self.top_k:
                    break
            out.append(links)
        return out
