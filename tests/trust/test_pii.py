"""kenes.core.pii: personal data typed into free text is found and masked."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from kenes.core.pii import find_pii as find
from kenes.core.pii import mask_pii as mask


def test_iin_phone_email_and_a_name_are_masked_and_the_rest_is_kept():
    text = (
        "Меня зовут Айгүл Ахметова, мой ИИН 900101300123, тел. +7 (701) 123-45-67, "
        "пишите a.b@mail.kz. Предлагаю изменить статью 12."
    )
    masked = mask(text)
    for secret in ("Айгүл", "Ахметова", "900101300123", "701", "a.b@mail.kz"):
        assert secret not in masked
    assert "Предлагаю изменить статью 12." in masked
    assert [s.kind for s in find(text)] == ["name", "iin", "phone", "email"]


def test_kazakh_name_intro_and_local_phone_format():
    masked = mask("Менің атым Серік Бекұлы. Телефон 8 701 123 45 67")
    assert "Серік" not in masked and "Бекұлы" not in masked and "701" not in masked
    assert masked.startswith("Менің атым ") and "Телефон" in masked


def test_an_iin_written_in_two_groups_is_masked():
    assert "300123" not in mask("ЖСН: 900101 300123")


def test_ordinary_numbers_and_lowercase_words_after_the_intro_stay():
    text = "Статья 12, пункт 3: в 2026 году меня зовут не важно как, срок 90 дней."
    assert mask(text) == text
    assert find(text) == []


@given(st.text(max_size=200))
def test_spans_are_sorted_disjoint_and_no_twelve_digit_run_survives(text):
    spans = find(text)
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert not re.search(r"(?<!\d)\d{12}(?!\d)", mask(text))
