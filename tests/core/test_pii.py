"""The personal-data mask for public free text (kenes.core.pii)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kenes.core.pii import MASKS, contains_pii, find_pii, mask_pii


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Мой ИИН 900101300123, прошу ответить.", "900101300123"),
        ("ЖСН: 900101 300123", "900101 300123"),
        ("иин 9001-0130-0123 вот", "9001-0130-0123"),
        ("Звоните +7 701 123 45 67 вечером", "701 123 45 67"),
        ("тел. 8(701)123-45-67", "123-45-67"),
        ("87011234567 — мой номер", "87011234567"),
        ("номер 7 777 000 11 22", "777 000 11 22"),
        ("пишите на aigul.s+kenes@mail.kz пожалуйста", "aigul.s+kenes@mail.kz"),
        ("Меня зовут Айгуль Серикова, я учитель.", "Айгуль Серикова"),
        ("Менің атым Әсел Құрманқызы. Ұсынысым бар.", "Әсел Құрманқызы"),
        ("менің есімім Ұлан", "Ұлан"),
        ("My name is John Smith.", "John Smith"),
    ],
)
def test_mask_hides_personal_data(text: str, secret: str) -> None:
    masked = mask_pii(text)
    assert secret not in masked
    assert any(mask in masked for mask in MASKS.values())
    assert contains_pii(text)


def test_mask_keeps_ordinary_text_and_numbers() -> None:
    text = "Статья 6, пункт 2: срок 45 дней вместо 30; в 2026 году 10 000 предложений."
    assert mask_pii(text) == text
    assert not contains_pii(text)


def test_name_lead_without_a_capitalised_name_is_kept() -> None:
    text = "меня зовут так себе, но по делу: срок мал."
    assert mask_pii(text) == text


def test_kinds_and_order_are_reported() -> None:
    found = find_pii("ИИН 900101300123, почта a@b.kz, тел +77011234567")
    assert [m.kind for m in found] == ["iin", "email", "phone"]
    assert found[0].text == "900101300123"


def test_mask_keeps_text_around_each_match() -> None:
    assert mask_pii("A 900101300123 B") == f"A {MASKS['iin']} B"
    assert mask_pii("x@y.kz") == MASKS["email"]


def test_empty_text() -> None:
    assert mask_pii("") == ""
    assert find_pii("") == []


@given(st.text(alphabet="абвгдәғқңөұүһі .,!?-", max_size=200))
def test_text_without_digits_or_names_is_unchanged(text: str) -> None:
    assert mask_pii(text) == text


@given(st.from_regex(r"[1-9]\d{11}", fullmatch=True), st.sampled_from(["", "ИИН ", "жсн: "]))
def test_any_twelve_digit_number_is_masked(iin: str, lead: str) -> None:
    assert iin not in mask_pii(f"{lead}{iin} текст")


def test_template_filter_masks() -> None:
    from django.template import Context, Template

    out = Template("{% load pii %}{{ t|mask_pii }}").render(Context({"t": "тел 87011234567"}))
    assert "87011234567" not in out
    assert "•••" in out
