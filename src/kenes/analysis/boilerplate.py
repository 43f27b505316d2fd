"""Greetings, thanks and signatures in ru/kk (and Latin kk) proposals.

Campaign letters are copied with a personal greeting and a signature; those sentences carry
no content and must neither link two different letters nor count as personal additions.
"""

from __future__ import annotations

import re

from .normalize import Sentence, fold, split_sentences

_GREETING = re.compile(
    r"^(?:здравствуй|добрый (?:день|вечер|утро)|доброе утро|доброго (?:дня|времени)|привет|"
    r"уважаем|дорог(?:ие|ой|ая)|сәлем|салем|салам|ассалаумағалейкум|ассалаума|қайырлы|"
    r"құрметті|кұрметті|hello|dear|good (?:morning|afternoon|evening))",
)
_CLOSING = re.compile(
    r"^(?:с уважением|со всем уважением|спасибо|большое спасибо|благодарю|заранее спасибо|"
    r"заранее благодар|всего (?:доброго|хорошего)|с надеждой|рахмет|көп рахмет|алдын ала рахмет|"
    r"құрметпен|кұрметпен|зор құрметпен|ізгі тілекпен|назарларыңызға рахмет|"
    r"best regards|regards|thank you|thanks|sincerely)",
)
_CONTACT = re.compile(r"@|\+?\d[\d\s()-]{8,}\d|\bтел\b|\bтелефон\b|\bemail\b|\bг\.\s?\w+")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_boilerplate(sentence: str, *, last: bool = False) -> bool:
    """True for a greeting, a thanks/closing formula or (at the end) a bare signature."""
    norm = " ".join(sentence.casefold().split()).strip(" -,.!:;\"'«»")
    words = _WORD.findall(sentence)
    if not words:
        return True
    if len(words) <= 8 and (_GREETING.match(norm) or _CLOSING.match(norm)):
        return True
    if last and len(words) <= 5:
        # "Иван Петров, г. Алматы" / "Айгүл Серікқызы, Шымкент": capitalised words only.
        caps = sum(1 for w in words if w[:1].isupper())
        if caps == len(words) or _CONTACT.search(norm):
            return True
    return bool(last and _CONTACT.search(norm) and len(words) <= 8)


def content_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with greetings, closings and signatures removed."""
    sents = split_sentences(text)
    out: list[Sentence] = []
    n = len(sents)
    for i, s in enumerate(sents):
        if is_boilerplate(s.text, last=i >= n - 2 and i > 0):
            continue
        out.append(s)
    return out


def content_text(text: str) -> str:
    """Folded content (no greetings/signatures) used as a comparison key."""
    return " ".join(fold(s.text) for s in content_sentences(text))
