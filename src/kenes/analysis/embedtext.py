"""The text a model embeds: a letter's content, Kazakh in the script the model knows.

multilingual-e5 has seen Kazakh mostly in Cyrillic. Kazakh typed in the 2021 Latin alphabet
and Kazakh typed on a Russian keyboard (``ә→а``, ``қ→к``, ``ң→н``, ``ө→о``, ``ұ/ү→у``,
``і→i``, ``ғ→г``, ``һ→х``) embed far from their Cyrillic form: on 100 SIB-200 sentences the
Kazakh → Russian translation is the nearest Russian sentence for 0.96 of the Cyrillic ones,
0.55 of the Latin ones and 0.86 of the Russian-keyboard ones (bench/README-analysis.md). So,
before embedding,

* Latin Kazakh is transliterated to Cyrillic (:func:`kenes.analysis.normalize.kk_lat_to_cyr`;
  the Latin ``i`` stands for ``и`` and ``й``, and the vocabulary below tells which);
* in Kazakh typed without the Kazakh letters, a Latin ``i`` inside a Cyrillic word is ``і``,
  and each word gets its Kazakh letters back from a vocabulary learned from the corpus's own
  Cyrillic Kazakh (:class:`KazakhRestorer`: ``кукык`` → ``құқық`` when ``құқық`` occurs and
  the unmarked spelling does not occur more often as a word of its own).

Only the model's input changes: quotes, labels and summaries keep the citizen's text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .normalize import kk_lat_to_cyr

_KK_MARKED = re.compile(r"[әғқңөұүһ]", re.IGNORECASE)
_CYR = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)
_LAT = re.compile(r"[a-zäöüğışçñūı]", re.IGNORECASE)
_KK_LATIN = re.compile(r"[äğñöūüşı]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_I = re.compile(r"(?<=[а-яёәғқңөұүһі])[iI]|[iI](?=[а-яёәғқңөұүһі])", re.IGNORECASE)
_UNMARK = str.maketrans("әғқңөұүһй", "агкноуухи")


def _unmarked(word: str) -> str:
    return word.translate(_UNMARK)


class KazakhRestorer:
    """Kazakh letters back into Kazakh typed on a Russian keyboard, from a learned vocabulary."""

    def __init__(self, table: dict[str, str] | None = None) -> None:
        self.table: dict[str, str] = dict(table or {})

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def learn(cls, texts: Iterable[str], *, sample: int = 50_000) -> KazakhRestorer:
        """Vocabulary of Cyrillic Kazakh texts (those that use the Kazakh letters): each word
        under its spelling without them (and with ``й`` as ``и``)."""
        marked: Counter[str] = Counter()
        plain: Counter[str] = Counter()
        for n, text in enumerate(texts):
            if n >= sample:
                break
            if not _KK_MARKED.search(text):
                continue
            for w in _WORD.findall(text.lower()):
                (marked if _unmarked(w) != w else plain)[w] += 1
        best: dict[str, tuple[int, str]] = {}
        for w, c in marked.items():
            key = _unmarked(w)
            if c > best.get(key, (0, ""))[0]:
                best[key] = (c, w)
        return cls({k: w for k, (c, w) in best.items() if c > plain.get(k, 0)})

    def restore(self, text: str) -> str:
        text = _LATIN_I.sub("і", text)
        if not self.table:
            return text

        def one(m: re.Match[str]) -> str:
            w = m.group(0)
            low = w.lower()
            got = self.table.get(_unmarked(low))
            # only letters typed without their mark get it back ("көл" never becomes "қол")
            if (
                got is None
                or got == low
                or not all(a == b or a == _unmarked(b) for a, b in zip(low, got, strict=True))
            ):
                return w
            return got.capitalize() if w[:1].isupper() else got

        return _WORD.sub(one, text)


def embedding_text(text: str, lang: str, restorer: KazakhRestorer | None = None) -> str:
    """``text`` as the model should see it (see the module's docstring)."""
    if not text or lang == "ru":
        return text
    latin = len(_LAT.findall(text)) > len(_CYR.findall(text))
    if lang != "kk" and not (latin and len(_KK_LATIN.findall(text)) >= 2):
        return text  # (Kazakh Latin is sometimes taken for English: its letters tell)
    if latin:
        # the Latin "i" is both "и" and "й": the vocabulary tells which
        cyr = kk_lat_to_cyr(text)
        return restorer.restore(cyr) if restorer is not None else cyr
    if not _KK_MARKED.search(text) and _CYR.search(text):
        return (restorer or KazakhRestorer()).restore(text)
    return text
