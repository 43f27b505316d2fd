"""Word forms for search: the Russian Snowball stemmer, in pure Python.

The same algorithm as PostgreSQL's ``russian`` text-search configuration (Snowball, M. Porter),
so a search on SQLite and on PostgreSQL cut Russian words alike: "языки" and "языков" → "язык",
"интернета" → "интернет". Kazakh endings are cut by ``kenes.proposals.selectors.kazakh_stem``.
See https://snowballstem.org/algorithms/russian/stemmer.html for the steps.
"""

from __future__ import annotations

VOWELS = frozenset("аеиоуыэюя")

PERFECTIVE_GERUND_1 = ("вшись", "вши", "в")  # after а or я
PERFECTIVE_GERUND_2 = ("ившись", "ывшись", "ивши", "ывши", "ив", "ыв")
ADJECTIVE = (
    "ими", "ыми", "его", "ого", "ему", "ому",
    "ее", "ие", "ые", "ое", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом",
    "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
)  # fmt: skip
PARTICIPLE_1 = ("ем", "нн", "вш", "ющ", "щ")  # after а or я
PARTICIPLE_2 = ("ивш", "ывш", "ующ")
REFLEXIVE = ("ся", "сь")
VERB_1 = (
    "ете", "йте", "ешь", "нно",
    "ла", "на", "ли", "ем", "ло", "но", "ет", "ют", "ны", "ть", "й", "л", "н",
)  # fmt: skip  # after а or я
VERB_2 = (
    "ейте", "уйте",
    "ила", "ыла", "ена", "ите", "или", "ыли", "ило", "ыло", "ено", "ует", "уют", "ены", "ить",
    "ыть", "ишь",
    "ей", "уй", "ил", "ыл", "им", "ым", "ен", "ят", "ит", "ыт", "ую", "ю",
)  # fmt: skip
NOUN = (
    "иями", "ями", "ами", "ией", "иям", "ием", "иях",
    "ев", "ов", "ие", "ье", "еи", "ии", "ей", "ой", "ий", "ям", "ем", "ам", "ом", "ах", "ях",
    "ию", "ью", "ия", "ья",
    "а", "е", "и", "й", "о", "у", "ы", "ь", "ю", "я",
)  # fmt: skip
SUPERLATIVE = ("ейше", "ейш")
DERIVATIONAL = ("ость", "ост")


def _regions(word: str) -> tuple[int, int]:
    """Start of RV (after the first vowel) and of R2 (R1 of R1), as indexes into ``word``."""
    rv = len(word)
    for i, ch in enumerate(word):
        if ch in VOWELS:
            rv = i + 1
            break

    def r1_from(start: int) -> int:
        for i in range(start + 1, len(word)):
            if word[i] not in VOWELS and word[i - 1] in VOWELS:
                return i + 1
        return len(word)

    r1 = r1_from(0)
    return rv, r1_from(r1) if r1 < len(word) else len(word)


def _longest(word: str, start: int, endings: tuple[str, ...]) -> str:
    """The longest of ``endings`` that ``word[start:]`` ends with ("" when none)."""
    region = word[start:]
    best = ""
    for ending in endings:
        if len(ending) > len(best) and region.endswith(ending):
            best = ending
    return best


def _after_a(word: str, start: int, endings: tuple[str, ...]) -> str:
    """The longest ending of group 1 preceded by а or я inside the region."""
    best = ""
    for ending in endings:
        cut = len(word) - len(ending)
        if (
            len(ending) > len(best)
            and word.endswith(ending)
            and cut - 1 >= start
            and word[cut - 1] in "ая"
        ):
            best = ending
    return best


def _strip(word: str, start: int, group1: tuple[str, ...], group2: tuple[str, ...]) -> str:
    """``word`` without the longest ending of either group (group 1 after а/я), or ""."""
    a = _after_a(word, start, group1)
    b = _longest(word, start, group2)
    ending = a if len(a) > len(b) else b
    return word[: -len(ending)] if ending else ""


def russian_stem(word: str) -> str:
    """The Snowball stem of a lower- or upper-case Russian word (ё read as е)."""
    word = word.lower().replace("ё", "е")
    rv, r2 = _regions(word)
    if rv >= len(word):
        return word
    # Step 1
    cut = _strip(word, rv, PERFECTIVE_GERUND_1, PERFECTIVE_GERUND_2)
    if cut:
        word = cut
    else:
        reflexive = _longest(word, rv, REFLEXIVE)
        if reflexive:
            word = word[: -len(reflexive)]
        adjective = _longest(word, rv, ADJECTIVE)
        if adjective:
            word = word[: -len(adjective)]
            participle = _strip(word, rv, PARTICIPLE_1, PARTICIPLE_2)
            if participle:
                word = participle
        else:
            verb = _strip(word, rv, VERB_1, VERB_2)
            if verb:
                word = verb
            else:
                noun = _longest(word, rv, NOUN)
                if noun:
                    word = word[: -len(noun)]
    # Step 2
    if word.endswith("и") and len(word) - 1 >= rv:
        word = word[:-1]
    # Step 3
    derivational = _longest(word, max(r2, rv), DERIVATIONAL)
    if derivational:
        word = word[: -len(derivational)]
    # Step 4
    if word.endswith("нн") and len(word) - 2 >= rv:
        word = word[:-1]
    else:
        superlative = _longest(word, rv, SUPERLATIVE)
        if superlative:
            word = word[: -len(superlative)]
            if word.endswith("нн") and len(word) - 2 >= rv:
                word = word[:-1]
        elif word.endswith("ь") and len(word) - 1 >= rv:
            word = word[:-1]
    return word
