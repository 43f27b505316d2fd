from __future__ import annotations

from typing import Any

import pytest

from kenes.analysis.kk_lexicon import for_embedding, gloss, gloss_text, is_kazakh
from kenes.analysis.linking import ArticleLinker, query_tokens
from kenes.analysis.normalize import fold


@pytest.mark.parametrize(
    "text",
    [
        "Президентті сайлау мерзімін қысқарту керек.",  # Cyrillic
        "Prezidenttı sailau merzımın qysqartu kerek.",  # 2021 Latin alphabet
        "Prezidentti sailau merzimin kyskartu kerek.",  # Latin without diacritics
        "Президентті сайлау мерзiмiн кыскарту керек.",  # Russian keyboard
    ],
)
def test_kazakh_stems_gloss_the_same_in_every_script(text: str) -> None:
    assert is_kazakh(text)
    words = set(gloss(text))
    assert {fold("выборы"), fold("срок"), fold("президент")} <= words


def test_longest_stem_wins_and_blockers_stop_short_stems() -> None:
    # "жергілікті" (local) is not "жер" (land); "бірақ" (but) is not "бір" (one)
    assert fold("местный") in gloss("жергілікті")
    assert fold("земля") not in gloss("жергілікті")
    assert gloss("бірақ") == []


def test_russian_text_is_not_kazakh_and_gets_no_gloss() -> None:
    text = "Сотрудники полиции должны соблюдать права задержанных."
    assert not is_kazakh(text)
    assert query_tokens(text) == query_tokens(text, kazakh=False)


def test_for_embedding_restores_the_script() -> None:
    assert for_embedding("Memlekettık tıl") == "Мемлекеттік тіл"
    # a Latin "i" typed inside a Cyrillic word becomes "і"
    assert for_embedding("мемлекеттiк тiл") == "мемлекеттік тіл"
    assert for_embedding("Обычный русский текст.") == "Обычный русский текст."
    assert gloss_text("Сот тәуелсіз болуы керек") == "суд судебный независимый независим"


def test_kazakh_query_shares_words_with_a_russian_draft(tiny_draft: dict[str, Any]) -> None:
    from kenes.analysis.embeddings import HashingEmbedder

    linker = ArticleLinker(tiny_draft, HashingEmbedder(), gloss_weight=0.0)
    scores = linker.scores(["Зейнетақыны жыл сайын индекстеу керек."])[0]
    # the BM25 part now sees "пенсии" in article 2 (point 1: "Пенсии индексируются ежегодно")
    assert scores[linker.numbers.index("2")] > scores[linker.numbers.index("1")]


KAZAKH = [
    ("Өлім жазасын қайта енгізуге болмайды, адамның өмір сүру құқығы қорғалсын.", "17"),
    ("Mемлекеттік тіл тек қазақ тілі болсын, іс қағаздары қазақша жүргізілсін.", "9"),
    ("Prezidentti jeti jylga emes, bes jylga sailau kerek.", "43"),
    ("Журналистерді сыны ушiн соттамау керек, цензура болмасын.", "23"),
]


def test_kazakh_linking_in_three_scripts(draft_2026: dict[str, Any], e5: Any) -> None:
    linker = ArticleLinker(draft_2026, e5)
    results = linker.link([t for t, _ in KAZAKH])
    top3 = [[x.article for x in r[:3]] for r in results]
    hits = sum(art in t3 for (_, art), t3 in zip(KAZAKH, top3, strict=True))
    assert hits >= 3, top3


def test_lexicon_entries_are_single_words_with_distinct_stems() -> None:
    from kenes.analysis.kk_lexicon import _KK_RU
    from kenes.analysis.normalize import tokenize

    keys = [tokenize(k) for k in _KK_RU]
    assert all(len(k) == 1 for k in keys)
    assert len({k[0] for k in keys}) == len(keys)  # no two entries fold to the same stem
