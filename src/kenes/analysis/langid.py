"""Language identification limited to kk / ru / en ("und" when undecidable).

lingua does the work (detector built once, lazily, restricted to three languages); a cheap
Kazakh-letter heuristic (``әғқңөұүһі``) settles close calls and Latin-script Kazakh.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from .normalize import KAZAKH_LATIN_LETTERS, kk_lat_to_cyr

LANGS = ("kk", "ru", "en")
UNDETERMINED = "und"
MIN_LETTERS = 3
_lock = threading.Lock()
_detector: Any = None
_LETTER = re.compile(r"[^\W\d_]")


def _get_detector() -> Any:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                _detector = LanguageDetectorBuilder.from_languages(
                    Language.KAZAKH, Language.RUSSIAN, Language.ENGLISH
                ).build()
    return _detector


_EN_STOP = frozenset(
    "the a an of and or to is are was be in on at for with about this that it not by from".split()
)
_CODES = {"KAZAKH": "kk", "RUSSIAN": "ru", "ENGLISH": "en"}


def _scores(text: str) -> dict[str, float]:
    values = _get_detector().compute_language_confidence_values(text)
    return {_CODES[v.language.name]: float(v.value) for v in values if v.language.name in _CODES}


_CYR_LETTER = re.compile(r"[а-яёәғқңөұүһі]")
_KK_CYR_LETTER = re.compile(r"[әғқңөұүһі]")
_LAT_LETTER = re.compile(r"[a-zäğñöūüşı]")
_KK_LAT_LETTER = re.compile(r"[äğñöūüşı]")


def script_counts(text: str) -> tuple[int, int, int, int]:
    """(cyrillic letters, latin letters, kazakh-specific cyrillic, kazakh latin evidence).

    Kazakh Latin evidence counts 2 per ``äğñöūüşı`` and 1 per ``q``.
    """
    low = text.lower()  # counted by regular expressions (in C), not character by character
    lat = len(_LAT_LETTER.findall(low))
    kkl = 2 * len(_KK_LAT_LETTER.findall(low)) + low.count("q") if lat else 0
    return (
        len(_CYR_LETTER.findall(low)),
        lat,
        len(_KK_CYR_LETTER.findall(low)),
        kkl,
    )


# Russian function words, and Kazakh ones (also as typed on a Russian keyboard: ә→а, і→и, ...).
_RU_FUNCTION = frozenset(
    "и в во на не что для это по с со к от из за как но или чтобы также при о об бы же ли до у "
    "его их ее её все всех был была были быть есть только уже если то так".split()
)
_KK_MARKERS = frozenset(
    "және жане үшін ушин ушін үшин бойынша туралы керек деп мен бұл бул осы емес болу болып тиіс "
    "қажет кажет бар жоқ жок да де та те ма ме ба бе па пе біз биз сіз сиз мына сол ол олар "
    "және де мемлекеттік мемлекеттик тілі тили ретінде ретинде".split()
)
_CYR_WORD = re.compile(r"[а-яёәғқңөұүһіi]+")  # Latin i typed for і stays inside a word


def _clearly_russian(text: str) -> bool:
    """Cyrillic text whose function words are Russian and none Kazakh (no lingua needed)."""
    words = _CYR_WORD.findall(text.lower())
    ru = sum(1 for w in words if w in _RU_FUNCTION)
    return ru >= 2 and ru >= 0.1 * len(words) and not any(w in _KK_MARKERS for w in words)


def detect_language(text: str, *, margin: float = 0.2) -> str:
    """Return "kk", "ru", "en" or "und" (empty, too short or no letters)."""
    text = text[:5000]
    letters = len(_LETTER.findall(text))
    if letters < MIN_LETTERS:
        return UNDETERMINED
    cyr, lat, kkc, kkl = script_counts(text)
    if cyr + lat < MIN_LETTERS:
        return UNDETERMINED  # other scripts only
    if cyr >= lat:
        ratio = kkc / max(cyr, 1)
        if ratio >= 0.12:
            return "kk"  # Russian text quoting Kazakh names stays far below 12 %
        if ratio < 0.03 and _clearly_russian(text):
            return "ru"  # lingua is the costly part; it is kept for the ambiguous rows
        scores = _scores(text)
        best = max(scores, key=lambda k: scores[k])
        ranked = sorted(scores.values(), reverse=True)
        if best == "en" and cyr > lat:
            best = "ru"
        if len(ranked) > 1 and ranked[0] - ranked[1] < margin:
            return "kk" if ratio >= 0.03 else "ru"  # tie breaker
        return best
    # Latin script: English, or Kazakh typed in the Latin alphabet.
    evidence = kkl / max(lat, 1)
    if evidence >= 0.03:
        english = sum(1 for w in re.findall(r"[^\W\d_]+", text.lower()) if w in _EN_STOP)
        as_cyr = _scores(kk_lat_to_cyr(text)).get("kk", 0.0)
        diacritics = any(ch in KAZAKH_LATIN_LETTERS for ch in text.lower())
        if english == 0 and as_cyr >= (0.5 if diacritics else 0.9):
            return "kk"
    return "en"
