"""Text normalisation for kk/ru proposals.

Three layers, each a pure function:

* :func:`normalize_text` - NFKC, casefold, unified quotes/dashes/whitespace. Keeps the script.
* :func:`fold` - :func:`normalize_text` followed by a script fold: Kazakh (and Russian) Cyrillic
  is mapped to the Kazakh 2021 Latin alphabet with the letters people confuse when typing merged
  (``і``/``и``/``й``/``ı``/``i`` -> ``i``) and the Kazakh letters folded to the look-alikes a
  Russian keyboard leaves (``ә``→``а``, ``қ``→``к``, ``ң``→``н``, ``ө``→``о``, ``ұ``/``ү``→``у``,
  ``ғ``→``г``), so a Kazakh text typed in Latin, in Cyrillic or on a Russian keyboard gives the
  same string. Used for hashing, shingles and lexical matching.
* :func:`tokenize` / :func:`split_sentences` - word tokens and sentence spans (exact offsets into
  the original text, so quotes stay exact substrings).

:func:`kk_cyr_to_lat` / :func:`kk_lat_to_cyr` are the readable (unfolded) transliterations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Kazakh Cyrillic -> Kazakh Latin (2021 alphabet). Russian-only letters use the usual
# digraphs of the official transliteration guidance.
CYR2LAT: dict[str, str] = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ç",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
# Kazakh Latin -> Cyrillic (best effort: the Latin alphabet is smaller than the Cyrillic one).
_LAT2CYR: dict[str, str] = {
    "a": "а",
    "ä": "ә",
    "b": "б",
    "c": "с",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "ğ": "ғ",
    "h": "х",
    "ı": "і",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "ң",
    "o": "о",
    "ö": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "ұ",
    "ü": "ү",
    "v": "в",
    "w": "у",
    "x": "кс",
    "y": "ы",
    "z": "з",
    "ç": "ч",
}
_LAT_DIGRAPHS: dict[str, str] = {"ia": "я", "iu": "ю", "ts": "ц", "şş": "щ", "ch": "ч", "sh": "ш"}
# Fold: what is left after mapping both scripts to Latin and merging confusable letters.
# Kazakh letters typed on a Russian keyboard become their look-alikes (ә→а, қ→к, ң→н, ө→о,
# ұ/ү→у, і→i, ғ→г, һ→х): both sides fold to the plain letter, so such copies still match.
_FOLD_LATIN: dict[str, str] = {
    "ı": "i",
    "ç": "ch",
    "ş": "sh",
    "w": "u",
    "x": "ks",
    "c": "s",
    "ä": "a",
    "q": "k",
    "ñ": "n",
    "ö": "o",
    "ū": "u",
    "ü": "u",
    "ğ": "g",
}

KAZAKH_CYRILLIC_LETTERS = frozenset("әғқңөұүһі")
KAZAKH_LATIN_LETTERS = frozenset("äğñöūüşı")

_QUOTES = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "„": '"',
        "“": '"',
        "”": '"',
        "‟": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
# Latin look-alikes typed inside Cyrillic words (a very common "typo" in pasted text).
_HOMOGLYPH_LAT2CYR = str.maketrans("aceopxyk", "асеорхук")
_CYR_WORD_WITH_LATIN = re.compile(r"\b(?=\w*[а-яёәғқңөұүһі])(?=\w*[aceopxyk])\w+\b")


@lru_cache(maxsize=1)
def _morph() -> Any:
    """The process's pymorphy3 analyser (its dictionaries take ~50 MB and seconds to load)."""
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer()
    except Exception:  # pragma: no cover - dictionaries missing
        return None


@lru_cache(maxsize=200_000)
def lemma_ru(word: str) -> str:
    """The dictionary form of a Russian word ("выборах" → "выборы"); the word itself when
    pymorphy3 is not installed."""
    m = _morph()
    if m is None:
        return word
    return str(m.parse(word)[0].normal_form)


def _strip_controls(text: str) -> str:
    if text.isprintable():  # the common case: no control (nor separator) character at all
        return text
    # Only the distinct non-printable characters are looked at (set() runs in C).
    table = {
        ord(ch): " "
        for ch in set(text)
        if not ch.isprintable() and ch not in "\n\t" and unicodedata.category(ch)[0] == "C"
    }
    return text.translate(table) if table else text


_HAS_HOMOGLYPH = re.compile(r"[aceopxyk]")


def normalize_text(text: str) -> str:
    """NFKC + casefold + unified quotes, dashes and whitespace; control characters removed."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _strip_controls(text).casefold()
    # casefold("İ") is "i̇" (i + combining dot above); drop the dot.
    text = text.replace("\u0307", "")
    if _HAS_HOMOGLYPH.search(text):
        text = _CYR_WORD_WITH_LATIN.sub(lambda m: m.group(0).translate(_HOMOGLYPH_LAT2CYR), text)
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    out = CYR2LAT.get(ch, ch)
    return "".join(_FOLD_LATIN.get(c, c) for c in out)


# One str.translate does the per-character fold in C (same mapping as ``_fold_char``).
_FOLD_TABLE = {ord(ch): _fold_char(ch) for ch in {*CYR2LAT, *_FOLD_LATIN}}


def fold(text: str) -> str:
    """Script-independent comparison key: Cyrillic and Latin Kazakh (and Russian) fold equal."""
    return normalize_text(text).translate(_FOLD_TABLE)


def kk_cyr_to_lat(text: str) -> str:
    """Transliterate Kazakh Cyrillic to the 2021 Kazakh Latin alphabet, keeping case."""
    out = []
    for ch in text:
        low = ch.lower()
        lat = CYR2LAT.get(low)
        if lat is None:
            out.append(ch)
        elif ch != low and lat:
            out.append(lat[0].upper() + lat[1:] if lat[0] != "i" else "İ" + lat[1:])
        else:
            out.append(lat)
    return "".join(out)


def kk_lat_to_cyr(text: str) -> str:
    """Best-effort transliteration of Kazakh 2021 Latin to Cyrillic, keeping case."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        upper = ch.isupper()
        low = "i" if ch == "İ" else ("ı" if ch == "I" else ch.lower())
        pair = (low + text[i + 1 : i + 2].lower()) if i + 1 < len(text) else ""
        if pair in _LAT_DIGRAPHS:
            cyr = _LAT_DIGRAPHS[pair]
            i += 2
        else:
            cyr = _LAT2CYR.get(low, ch)
            i += 1
        out.append(cyr.upper() if upper and cyr != ch else cyr)
    return "".join(out)


def tokenize(text: str, *, folded: bool = True) -> list[str]:
    """Word tokens (letters/digits, inner hyphens/apostrophes kept) of the normalised text."""
    return _TOKEN.findall(fold(text) if folded else normalize_text(text))


@lru_cache(maxsize=65_536)
def fold_cached(text: str) -> str:
    """:func:`fold` of a short text (a sentence) that several stages fold: computed once."""
    return fold(text)


@lru_cache(maxsize=65_536)
def tokenize_cached(text: str) -> tuple[str, ...]:
    """:func:`tokenize` (folded) of a short text, as a tuple, through :func:`fold_cached`."""
    return tuple(_TOKEN.findall(fold_cached(text)))


def shingles(text: str, k: int = 5) -> set[str]:
    """Character k-shingles of the folded text with whitespace collapsed (punctuation dropped)."""
    s = " ".join(tokenize(text))
    if len(s) <= k:
        return {s} if s else set()
    return {s[i : i + k] for i in range(len(s) - k + 1)}


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as an exact ``text[start:end]`` slice of the source text."""

    start: int
    end: int
    text: str


_SENT_END = re.compile(r"(?<=[.!?…;])[\"'»”)]*\s+|\n\s*")
_ABBREV = re.compile(r"(?:\b(?:ст|п|пп|ч|г|гг|т|им|др|см|тт|art|bap)\.)$", re.IGNORECASE)


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences; offsets point into the original text (quotes remain exact)."""
    out: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        # only the last few characters can hold an abbreviation (searching the whole chunk
        # for an anchored pattern costs its length); \b still sees the character before
        if "\n" not in m.group(0) and _ABBREV.search(text, max(start, m.start() - 6), m.start()):
            continue  # "ст. 43" - not a sentence end
        _append_sentence(out, text, start, m.start())
        start = m.end()
    _append_sentence(out, text, start, len(text))
    return out


def _append_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end]))
