"""Letters, not sentences: the formulas around a proposal's content.

Citizens write letters. Around the proposal itself there are greetings and forms of address
("Уважаемые члены комиссии!", "Құрметті комиссия мүшелері!"), requests ("Прошу рассмотреть моё
предложение", "Ұсынысымды қарауларыңызды сұраймын"), self-introductions ("Я, как многодетная
мать, ...", "Мен зейнеткер ретінде ..."), closings ("С уважением", "Алдын ала рахмет"),
signatures, dates, places and contact lines. They carry no topic: themes, keywords, labels,
summaries, article linking and cross-language matching must see only the content.

:func:`parse_letter` splits a text into :class:`Part` objects (exact ``text[start:end]``
slices, so quotes stay verifiable) of a ``kind``; the content is what is left. Recognition uses

* curated prefix lists for ru and kk, written in Cyrillic and matched on a *skeleton* of the
  text (Kazakh Latin, Cyrillic and Cyrillic typed on a Russian keyboard - ``ә→а``, ``қ→к``,
  ``ң→н``, ``ө→о``, ``ұ/ү→у``, ``і→i`` - all give the same skeleton), with a "filler" rule: a
  sentence is a formula when it opens with a formula and the rest is formula vocabulary, names
  or nothing; a leading formula clause ("Здравствуйте, ..." / "Как пенсионер, ...") is cut off
  a longer sentence;
* formulas learned from the corpus (:class:`FormulaLexicon`): short sentences that recur, mostly
  at the edges of letters, across proposals that otherwise share nothing.

Self-descriptions are kept as author attributes (:attr:`Letter.persona`), e.g. ``"пенсионер"``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from .normalize import Sentence, fold_cached, split_sentences

Kind = Literal[
    "content",
    "greeting",
    "request",
    "persona",
    "closing",
    "signature",
    "date",
    "contact",
    "learned",
]

_WORDS = re.compile(r"[^\W\d_]+")
_DOUBLE = re.compile(r"([^\W\d_])\1+")


@lru_cache(maxsize=65_536)
def skeleton(text: str) -> str:
    """Script- and keyboard-independent form: Kazakh Latin, Cyrillic and Cyrillic typed without
    the Kazakh letters give the same string; words joined by single spaces, digits as ``0``."""
    folded = fold_cached(text).replace("io", "e")
    folded = _DOUBLE.sub(r"\1", folded)
    return " ".join(_WORDS.findall(re.sub(r"\d+", " 0 ", folded)))


def _prefixes(raw: str) -> tuple[str, ...]:
    out = {skeleton(p) for p in raw.split("|") if p.strip()}
    return tuple(sorted(out, key=len, reverse=True))


GREETINGS = _prefixes(
    "здравствуйте|здравствуй|здраствуйте|добрый день|добрый вечер|доброе утро|доброго дня|"
    "доброго времени суток|приветствую|привет|уважаем|дорогие|дорогой|дорогая|многоуважаем|глубокоуважаем|"
    "господа|коллеги|сәлеметсіз|сәлеметсіздер|сәлем|салем|салам|ассалаумағалейкум|ассалаума|"
    "армысыздар|армысыз|қайырлы күн|қайырлы таң|қайырлы кеш|құрметті|аса құрметті|қадірлі|"
    "ардақты|hello|dear|good morning|good afternoon|good evening|"
    "в конституционную комиссию|председателю|членам комиссии|комиссияға|комиссия мүшелеріне"
)
REQUESTS = _prefixes(
    "прошу рассмотреть|прошу вас рассмотреть|прошу принять|прошу учесть|прошу обратить внимание|"
    "просим рассмотреть|просим учесть|хочу предложить следующее|предлагаю следующее|"
    "поддерживаю обращение|поддерживаю это обращение|полностью поддерживаю|присоединяюсь к обращению|"
    "подписываюсь под обращением|хочу сказать|хочу высказаться|хочу обратиться|хочу внести предложение|хочу внести своё предложение|у меня есть предложение|"
    "у меня предложение|пишу вам|обращаюсь к вам|обращаюсь с предложением|вот моё предложение|"
    "моё предложение такое|моё предложение следующее|направляю своё предложение|"
    "ұсынысымды қарауларыңызды сұраймын|ұсынысымды қарастыруларыңызды сұраймын|"
    "ұсынысымды қарастыруды сұраймын|ұсынысымды қарауды сұраймын|ұсынысымды қараңыздар|"
    "менің ұсынысым мынадай|менің ұсынысым|мынадай ұсыныс енгіземін|ұсыныс енгізгім келеді|"
    "мына үндеуді қолдаймын|үндеуді қолдаймын|бұл үндеуді қолдаймын|үндеуге қосыламын|"
    "жазып отырмын|айтқым келеді|айтайын|сіздерге хат жазып отырмын|сіздерге жүгінемін|ұсынысымды жолдаймын"
)
CLOSINGS = _prefixes(
    "с уважением|со всем уважением|с глубоким уважением|спасибо|большое спасибо|благодарю|"
    "заранее спасибо|заранее благодарю|заранее благодарна|заранее благодарен|всего доброго|"
    "всего хорошего|с надеждой|надеюсь на понимание|надеюсь на ваше понимание|"
    "надеюсь на поддержку|надеюсь на вашу поддержку|надеюсь, моё предложение|"
    "надеюсь что моё предложение|надеюсь, что моё предложение|надеюсь, меня услышат|до свидания|"
    "жду ответа|жду вашего ответа|будьте здоровы|всем добра|всех благ|берегите себя|"
    "рахмет|көп рахмет|үлкен рахмет|алдын ала рахмет|алғыс айтамын|алдын ала алғыс|"
    "құрметпен|зор құрметпен|терең құрметпен|ізгі тілекпен|ізгі ниетпен|назарларыңызға рахмет|"
    "назар аударғандарыңызға рахмет|жауап күтемін|жауабыңызды күтемін|"
    "ұсынысымды қолдайсыздар деп сенемін|қолдау көрсетесіздер деп сенемін|"
    "сау болыңыздар|сау болыңыз|денсаулық тілеймін|best regards|regards|thank you|thanks|sincerely"
)
# Self-introductions: an opening that says who the author is.
PERSONA_OPENINGS = _prefixes(
    "я как|я, как|как|будучи|меня зовут|я являюсь|являюсь|я работаю|работаю|я живу|живу|"
    "я проживаю|проживаю|я родом|пишу вам как|пишу как|обращаюсь как|я |"
    "мен|менің атым|атым|менің есімім|ретінде|жасым|тұрамын|жұмыс істеймін"
)
PERSONAS: dict[str, tuple[str, str]] = {
    # skeleton prefix -> (ru label, kk label)
    **{
        skeleton(k): v
        for k, v in {
            "многодетн": ("многодетная мать", "көп балалы ана"),
            "көп балалы": ("многодетная мать", "көп балалы ана"),
            "пенсионер": ("пенсионер", "зейнеткер"),
            "зейнеткер": ("пенсионер", "зейнеткер"),
            "учител": ("учитель", "мұғалім"),
            "педагог": ("учитель", "мұғалім"),
            "мұғалім": ("учитель", "мұғалім"),
            "ұстаз": ("учитель", "мұғалім"),
            "студент": ("студент", "студент"),
            "врач": ("врач", "дәрігер"),
            "дәрігер": ("врач", "дәрігер"),
            "медсестр": ("медсестра", "медбике"),
            "медбике": ("медсестра", "медбике"),
            "предпринимател": ("предприниматель", "кәсіпкер"),
            "кәсіпкер": ("предприниматель", "кәсіпкер"),
            "фермер": ("фермер", "фермер"),
            "шаруа": ("фермер", "фермер"),
            "ветеран": ("ветеран", "ардагер"),
            "ардагер": ("ветеран", "ардагер"),
            "инвалид": ("человек с инвалидностью", "мүгедектігі бар адам"),
            "мүгедек": ("человек с инвалидностью", "мүгедектігі бар адам"),
            "юрист": ("юрист", "заңгер"),
            "заңгер": ("юрист", "заңгер"),
            "адвокат": ("юрист", "заңгер"),
            "мать": ("мать", "ана"),
            "мама": ("мать", "ана"),
            "отец": ("отец", "әке"),
            "школьник": ("школьник", "оқушы"),
            "оқушы": ("школьник", "оқушы"),
            "рабоч": ("рабочий", "жұмысшы"),
            "жұмысшы": ("рабочий", "жұмысшы"),
            "шахтер": ("рабочий", "жұмысшы"),
            "военн": ("военный", "әскери"),
            "әскери": ("военный", "әскери"),
            "журналист": ("журналист", "журналист"),
            "гражданин": ("гражданин", "азамат"),
            "гражданка": ("гражданин", "азамат"),
            "азамат": ("гражданин", "азамат"),
            "житель": ("житель", "тұрғын"),
            "жительниц": ("житель", "тұрғын"),
            "тұрғын": ("житель", "тұрғын"),
            "волонтер": ("волонтёр", "ерікті"),
            "ерікті": ("волонтёр", "ерікті"),
        }.items()
    }
}
# Words that may follow a formula without making the sentence content.
FILLER = frozenset(
    skeleton(w)
    for w in (
        "уважаемые уважаемый уважаемая дорогие члены член комиссии комиссия конституционной "
        "конституционная рабочей группы группа депутаты господа коллеги товарищи все всем вам "
        "вас вы ваше вашу ваш мое моё мой моя мои наше наш наши свое своё предложение "
        "предложения обращение обращения письмо внимание данное данный этот это вопрос "
        "следующее пожалуйста очень большое заранее за и на к с в по моему мою меня мне "
        "понимание поддержку ответ ответа скорейший скорого рассмотрение рассмотрения "
        "рассмотреть учесть принять мнение просьбу просьба внимания следующему время уделенное уделённое помощь работу труд день вечер утро "
        "добрый доброе всего доброго хорошего здоровья удачи успехов благодарю спасибо "
        "надеюсь будет будут услышано услышаны рассмотрено учтено меня услышат "
        "құрметті комиссия комиссиясы мүшелері мүшелеріне жұмыс тобы тобының ағайын барша "
        "баршаңызға баршаңыз сіздер сіздерге сіздің сіз сізге бәріңізге ұсыныс ұсынысым "
        "ұсынысымды ұсыныстарым хат хатымды назар назарларыңызға назарыңызға уақыт "
        "уақыттарыңыз үшін рахмет алдын ала көп үлкен зор жауап жауабыңызды күтемін "
        "қолдау қолдайсыздар сенемін деп және мен менің біздің күн таң кеш қайырлы "
        "денсаулық табыс тілеймін бөлген ағайын ағайындар ме ма бе ба пе па "
        "the and for your all to you thanks thank"
    ).split()
)
_DATE = re.compile(
    r"^\s*(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}|"
    r"\d{1,2}\s+[^\W\d_]+\s+\d{4}|\d{4}\s*(?:ж|г|год|жыл)\w*\.?\s*\d{0,2}\s*[^\W\d_]*)"
    r"\s*(?:г\.?|ж\.?|года|жыл\w*)?\s*[.,]?\s*$",
    re.IGNORECASE,
)
# A contact line holds an address or a number; the words alone ("байланыс деректері",
# "ұялы қосымша", "по телефону") also occur in proposals about contacts and phones.
_CONTACT_VALUE = re.compile(r"[\w.+-]+@[\w-]+\.\w+|\+?\d[\d\s()-]{8,}\d")
_CONTACT_WORD = re.compile(
    r"\b(?:тел|телефон|email|e-mail|почта|байланыс|ұялы|моб|whatsapp)\b", re.IGNORECASE
)
_PLACE_WORDS = frozenset(
    skeleton(w)
    for w in "г с пос обл город село посёлок аул ауылы ауыл қаласы қала облысы облыс область "
    "район района ауданы аудан".split()
)
MAX_FORMULA_WORDS = 16


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a letter: ``text == letter[start:end]``."""

    start: int
    end: int
    text: str
    kind: Kind


@dataclass(slots=True)
class Letter:
    text: str
    parts: list[Part]
    persona: list[str] = field(default_factory=list)

    @property
    def content(self) -> list[Part]:
        return [p for p in self.parts if p.kind == "content"]

    @property
    def content_text(self) -> str:
        """The content parts joined by spaces ("" for a letter made only of formulas)."""
        return " ".join(p.text for p in self.content)

    @property
    def formula_only(self) -> bool:
        return bool(self.text.strip()) and not self.content

    def sentences(self, *, keep_persona: bool = False) -> list[Sentence]:
        keep = {"content", "persona"} if keep_persona else {"content"}
        return [Sentence(p.start, p.end, p.text) for p in self.parts if p.kind in keep]


def _near(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by at most one typo (drop, insert, swap or replace), len >= 5."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return (
        a[i + 1 :] == b[i + 1 :]
        or a[i + 1 :] == b[i:]
        or a[i:] == b[i + 1 :]
        or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])
    )


@lru_cache(maxsize=16)
def _by_initial(prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for p in prefixes:
        out[p[:1]].append(p)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=16)
def _by_head(prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Prefixes by their first three characters (kept longest first)."""
    out: dict[str, list[str]] = defaultdict(list)
    for p in prefixes:
        out[p[:3]].append(p)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=16)
def _by_initial_words(prefixes: tuple[str, ...]) -> dict[str, tuple[tuple[str, list[str]], ...]]:
    """:func:`_by_initial` with each prefix's words split once."""
    return {k: tuple((p, p.split()) for p in v) for k, v in _by_initial(prefixes).items()}


@lru_cache(maxsize=65_536)
def _starts(skel: str, prefixes: tuple[str, ...]) -> str | None:
    heads = _by_head(prefixes)
    for head in dict.fromkeys((skel[:3], skel[:2], skel[:1])):  # longest first
        for p in heads.get(head, ()):
            if skel == p or skel.startswith(p + " ") or (len(p) >= 5 and skel.startswith(p)):
                return p
    # One typo per word ("Здраствуйте", "Уважемые", "Меня зоут").
    words = skel.split()
    for p, pw in _by_initial_words(prefixes).get(skel[:1], ()):
        if len(pw) > len(words):
            continue
        ok = True
        for j, (a, b) in enumerate(zip(pw, words, strict=False)):
            last = j == len(pw) - 1
            if not (_near(a, b) or (last and len(a) >= 5 and _near(a, b[: len(a)]))):
                ok = False
                break
        if ok:
            return p
    return None


@lru_cache(maxsize=65_536)
def _filler(w: str) -> bool:
    return (
        w in FILLER
        or w == "0"
        or any(len(f) >= 5 and (w.startswith(f) or _near(f, w)) for f in FILLER)
    )


def _rest_is_filler(words: list[str], raw_words: list[str]) -> bool:
    for w, raw in zip(words, raw_words, strict=False):
        if _filler(w):
            continue
        if raw[:1].isupper():  # a name: "Уважаемый Маулен Сагатович"
            continue
        return False
    return True


@lru_cache(maxsize=65_536)
def _persona_hits(w: str) -> int:
    """How many persona prefixes the (skeleton) word ``w`` starts with."""
    return sum(1 for pre in PERSONAS if w.startswith(pre))


@lru_cache(maxsize=65_536)
def _opinion_word(w: str) -> bool:
    return any(w.startswith(o) for o in _OPINION)


def persona_of(text: str) -> list[str]:
    """Author attributes (ru labels) named in a self-introduction."""
    skel = skeleton(text)
    found: list[str] = []
    for w in skel.split():
        for pre, (ru, _kk) in PERSONAS.items():
            if w.startswith(pre) and not any(ru in f for f in found):
                found.append(ru)
    return found


def _classify(sentence: str, *, edge: bool, last_lines: bool) -> Kind:
    skel = skeleton(sentence)
    words = skel.split()
    raw_words = _WORDS.findall(re.sub(r"\d+", " 0 ", sentence))
    if _DATE.match(sentence):
        return "date"
    if len(words) <= 10 and (
        _CONTACT_VALUE.search(sentence)
        or (_CONTACT_WORD.search(sentence) and (len(words) <= 3 or re.search(r"\d", sentence)))
    ):
        return "contact"
    if not words:
        return "signature" if sentence.strip() else "content"
    if len(words) <= MAX_FORMULA_WORDS:
        for kind, prefixes in (
            ("greeting", GREETINGS),
            ("closing", CLOSINGS),
            ("request", REQUESTS),
        ):
            p = _starts(skel, prefixes)
            if p is not None:
                n = len(p.split())
                if _rest_is_filler(words[n:], raw_words[n:]):
                    return kind  # type: ignore[return-value]
        if _is_persona(skel, words):
            return "persona"
    if last_lines and len(words) <= 6:
        # "Иван Петров", "Айгүл Серікқызы, Шымкент", "г. Алматы"
        caps = sum(1 for w in raw_words if w[:1].isupper())
        places = sum(1 for w in words if w in _PLACE_WORDS)
        if caps + places >= len(raw_words):
            return "signature"
    return "content"


def _is_persona(skel: str, words: list[str]) -> bool:
    if len(words) > 12 or (_starts(skel, PERSONA_OPENINGS) is None and "ретінде" not in skel):
        return False
    hits = sum(map(_persona_hits, words))
    if not hits or any(map(_opinion_word, words)):
        return False
    # "Я учитель из Караганды" / "Мен Қарағандыдан келген мұғаліммін" - few other words.
    return len(words) <= 8


# Words that make a self-introduction an opinion ("Я пенсионер и считаю, что ...").
_OPINION = tuple(
    skeleton(w)
    for w in "счита предлага проше прошу надо нужно должн необходим чтобы что думаю хочу "
    "керек қажет ұсынам ұсынамын деп ойлаймын сұраймын тиіс".split()
)


# A leading formula clause inside a longer sentence: "Здравствуйте, предлагаю ..." or
# "Как многодетная мать, я считаю ..." / "Зейнеткер ретінде, ..." (cut at the first , : — !).
_CLAUSE_END = re.compile(r"[,:;!\u2014-]\s+|\s+-\s+")


def _leading_clause(sentence: str) -> tuple[int, Kind] | None:
    m = _CLAUSE_END.search(sentence[:120])
    if m is not None and skeleton(sentence[: m.start()]) in ("ia", "men"):
        m = _CLAUSE_END.search(sentence[:120], m.end())  # "Я, как многодетная мать, ..."
    if m is None or m.end() >= len(sentence) - 10:
        return None
    head = sentence[: m.start()]
    skel = skeleton(head)
    words = skel.split()
    if not words or len(words) > 8:
        return None
    raw_words = _WORDS.findall(head)
    for kind, prefixes in (("greeting", GREETINGS), ("closing", CLOSINGS), ("request", REQUESTS)):
        p = _starts(skel, prefixes)
        if p is not None and _rest_is_filler(words[len(p.split()) :], raw_words[len(p.split()) :]):
            return m.end(), kind  # type: ignore[return-value]
    if any(map(_persona_hits, words)) and (
        _starts(skel, PERSONA_OPENINGS) is not None or "ретінде" in words
    ):
        return m.end(), "persona"
    return None


class FormulaLexicon:
    """Formulas learned from a corpus: short sentences that recur at the edges of letters
    across proposals that share nothing else (a campaign's template sentences recur too, but
    always together with the other template sentences, so they are not learned)."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys: frozenset[str] = frozenset(keys)

    def __contains__(self, sentence: str) -> bool:
        return bool(self.keys) and _key(sentence) in self.keys

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def learn(
        cls,
        texts: Iterable[str],
        *,
        min_docs: int = 8,
        max_words: int = 10,
        edge_share: float = 0.7,
        max_companion: float = 0.5,
        sample: int = 50_000,
    ) -> FormulaLexicon:
        docs: list[list[tuple[str, bool, int]]] = []
        for n, text in enumerate(texts):
            if n >= sample:
                break
            sents = split_sentences(text[:5000])
            m = len(sents)
            seen: set[str] = set()
            row: list[tuple[str, bool, int]] = []
            for i, s in enumerate(sents):
                k = _key(s.text)
                if k and k not in seen:
                    seen.add(k)
                    row.append((k, i < 2 or i >= m - 3, len(s.text)))
            docs.append(row)
        count: Counter[str] = Counter()
        edge: Counter[str] = Counter()
        for row in docs:
            for k, at_edge, _ in row:
                count[k] += 1
                edge[k] += at_edge
        cands = {
            k
            for k, c in count.items()
            if c >= min_docs and len(k.split()) <= max_words and edge[k] >= edge_share * c
        }
        # A formula's companions that come along with it (other formulas) form its entourage;
        # what is left of its letters is the bulk of them and differs from letter to letter.
        # A campaign's sentence comes with the rest of the template, which is the bulk.
        comp: dict[str, Counter[str]] = defaultdict(Counter)
        for row in docs:
            keys = [k for k, _, _ in row]
            for k in keys:
                if k in cands:
                    comp[k].update(x for x in keys if x != k)
        entourages = {
            k: {x for x, c in comp[k].items() if c >= max_companion * count[k]} for k in cands
        }
        outside: dict[str, list[float]] = defaultdict(list)
        for row in docs:
            total = sum(ln for _, _, ln in row) or 1
            for k, _, _ in row:
                if k not in cands:
                    continue
                entourage = entourages[k]
                rest = sum(ln for x, _, ln in row if x != k and x not in entourage)
                outside[k].append(rest / total)
        learned = [k for k in cands if sorted(outside[k])[len(outside[k]) // 2] >= 0.5]
        return cls(learned)


def _key(sentence: str) -> str:
    return skeleton(sentence)


def parse_letter(
    text: str, lexicon: FormulaLexicon | None = None, *, sents: list[Sentence] | None = None
) -> Letter:
    """Split ``text`` into formula and content parts (exact slices) and collect the persona.

    ``sents`` are ``split_sentences(text)`` when the caller has them already."""
    return parse_letter_both(text, lexicon, sents=sents)[1]


def parse_letter_both(
    text: str, lexicon: FormulaLexicon | None = None, *, sents: list[Sentence] | None = None
) -> tuple[Letter, Letter]:
    """(the letter parsed without ``lexicon``, parsed with it) in one pass: the two differ
    only in the content sentences that are learned formulas. When none is, both are the same
    object."""
    if sents is None:
        sents = split_sentences(text)
    n = len(sents)
    parts: list[Part] = []
    persona: list[str] = []
    # the lexicon's version, from the first learned sentence on (None while equal to plain)
    lparts: list[Part] | None = None
    lpersona: list[str] = []
    for i, s in enumerate(sents):
        edge = i < 2 or i >= n - 3
        kind: Kind = _classify(s.text, edge=edge, last_lines=i >= n - 3 and i > 0)
        learned = kind == "content" and lexicon is not None and s.text in lexicon
        if learned and lparts is None:
            lparts, lpersona = list(parts), list(persona)
        mine: list[Part] = []
        labels: list[str] = []
        if kind == "content":
            cut = _leading_clause(s.text)
            if cut is not None:
                end, ckind = cut
                rest_kind = _classify(s.text[end:], edge=edge, last_lines=False)
                if rest_kind != "content":  # "Здравствуйте, уважаемые члены группы!"
                    mine.append(Part(s.start, s.end, s.text, ckind))
                    if ckind == "persona":
                        labels = persona_of(s.text)
                else:
                    head = s.text[:end].rstrip()
                    mine.append(Part(s.start, s.start + len(head), head, ckind))
                    if ckind == "persona":
                        labels = persona_of(head)
                    rest = s.text[end:]
                    off = s.start + end
                    mine.append(Part(off, off + len(rest), rest, "content"))
        if not mine:
            if kind == "persona":
                labels = persona_of(s.text)
            mine.append(Part(s.start, s.end, s.text, kind))
        parts.extend(mine)
        persona.extend(p for p in labels if p not in persona)
        if lparts is not None:
            if learned:
                lparts.append(Part(s.start, s.end, s.text, "learned"))
            else:
                lparts.extend(mine)
                lpersona.extend(p for p in labels if p not in lpersona)
    plain = Letter(text, parts, persona)
    if lparts is None:
        return plain, plain
    return plain, Letter(text, lparts, lpersona)


def content_text(text: str, lexicon: FormulaLexicon | None = None) -> str:
    """The content of a letter (formulas removed); "" when nothing but formulas is left."""
    return parse_letter(text[:20_000], lexicon).content_text
