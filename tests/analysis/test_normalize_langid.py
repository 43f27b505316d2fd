from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kenes.analysis.langid import detect_language
from kenes.analysis.normalize import (
    fold,
    kk_cyr_to_lat,
    kk_lat_to_cyr,
    normalize_text,
    split_sentences,
    tokenize,
)


@pytest.mark.parametrize(
    ("cyr", "lat"),
    [
        ("Қазақстан Республикасы", "Qazaqstan Respublikasy"),
        ("Тәуелсіздік", "Täuelsızdık"),
        ("Қазақ тілі – мемлекеттік тіл", "Qazaq tılı - memlekettık tıl"),
        ("ҰЛЫ ДАЛА", "Ūly Dala"),
        ("Үкімет", "ÜKIMET"),
        ("Иә, әрине", "İä, ärine"),
    ],
)
def test_kazakh_latin_and_cyrillic_fold_equal(cyr: str, lat: str) -> None:
    assert fold(cyr) == fold(lat)
    assert tokenize(cyr) == tokenize(lat)


def test_transliteration_round_trip() -> None:
    text = "Қазақ тілі – мемлекеттік тіл. Ұлы Дала."
    lat = kk_cyr_to_lat(text)
    assert lat == "Qazaq tılı – memlekettık tıl. Ūly Dala."
    assert kk_lat_to_cyr(lat) == text


def test_normalize_quotes_dashes_spaces_case_homoglyphs() -> None:
    assert normalize_text("«Статья  43»\u00a0— ВАЖНА") == '"статья 43" - важна'
    assert normalize_text("Прeдлагаю") == "предлагаю"  # Latin 'e' inside a Cyrillic word
    assert normalize_text("ﬁ\u200bx") == "fix"


def test_sentences_are_exact_slices() -> None:
    text = "Добрый день! Предлагаю изменить ст. 43 п. 2. Это важно…  Спасибо.\nИван"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Добрый день!",
        "Предлагаю изменить ст. 43 п. 2.",
        "Это важно…",
        "Спасибо.",
        "Иван",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)


@given(st.text(max_size=300))
def test_sentence_slices_property(text: str) -> None:
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text and s.text.strip()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Мемлекеттік тіл туралы бапты өзгерту керек деп ойлаймын.", "kk"),
        ("Предлагаю изменить статью о государственном языке.", "ru"),
        ("I suggest changing the article about the state language.", "en"),
        ("Qazaq tılı memlekettık tıl bolu kerek.", "kk"),
        ("Предлагаю переименовать Қазақстан Халық Кеңесі в Народный совет, так понятнее.", "ru"),
        ("Ата заң барлық азаматтарға ортақ.", "kk"),
        ("", "und"),
        ("а", "und"),
        ("12345 !!!", "und"),
        ("漢字だけのテキスト", "und"),
    ],
)
def test_langid(text: str, lang: str) -> None:
    assert detect_language(text) == lang
