"""The Russian Snowball stemmer cuts words as PostgreSQL's 'russian' configuration does."""

from __future__ import annotations

import pytest

from kenes.analysis.wordforms import russian_stem

# (word, stem) pairs as PostgreSQL 15's to_tsvector('russian', word) gives them.
POSTGRES = [
    ("языки", "язык"),
    ("языков", "язык"),
    ("языках", "язык"),
    ("интернета", "интернет"),
    ("интернет", "интернет"),
    ("налогами", "налог"),
    ("предлагаю", "предлага"),
    ("снизить", "сниз"),
    ("граждан", "гражда"),
    ("гражданами", "граждан"),
    ("конституционного", "конституцион"),
    ("обязанности", "обязан"),
    ("свободный", "свободн"),
    ("публиковать", "публикова"),
    ("жители", "жител"),
    ("сёл", "сел"),
    ("красивейший", "красив"),
    ("стремительно", "стремительн"),
    ("вышедший", "вышедш"),
    ("бегавшись", "бега"),
    ("образования", "образован"),
    ("государственного", "государствен"),
]


@pytest.mark.parametrize(("word", "stem"), POSTGRES)
def test_russian_stems_match_postgresql(word, stem):
    assert russian_stem(word) == stem


def test_forms_of_one_word_share_a_stem_and_case_does_not_matter():
    assert {russian_stem(w) for w in ("Языки", "ЯЗЫКОВ", "языкам", "язык")} == {"язык"}


@pytest.mark.parametrize("word", ["", "я", "вв", "тіл", "abc"])
def test_short_or_foreign_words_pass_through(word):
    assert russian_stem(word) == word.lower()
