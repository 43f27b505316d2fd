"""Search finds other word forms in Russian and Kazakh, publicly and for reviewers, on SQLite
and on PostgreSQL (issue #11, item 5)."""

from __future__ import annotations

import pytest

from kenes.proposals.selectors import PublicFilters, public_proposals, search_stems

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(submit):
    ru_lang = submit(
        text="Предлагаю закрепить равенство государственного и официального языков в школах.",
        language="ru",
    ).proposal
    ru_net = submit(
        text="Нужно обеспечить доступ в интернет в каждом селе до конца года.", language="ru"
    ).proposal
    kk_lang = submit(
        text="Мемлекеттік тілі барлық мекемелерде қолданылуы керек деп санаймын.", language="kk"
    ).proposal
    kk_many = submit(
        text="Ана тілдің мәртебесін көтеру үшін мектептерге қосымша сағат беру қажет.",
        language="kk",
    ).proposal
    other = submit(
        text="Прошу изменить порядок выборов в маслихаты районов и городов.", language="ru"
    ).proposal
    return {
        "ru_lang": ru_lang,
        "ru_net": ru_net,
        "kk_lang": kk_lang,
        "kk_many": kk_many,
        "other": other,
    }


CASES = [
    ("языки", {"ru_lang"}),
    ("язык", {"ru_lang"}),
    ("интернета", {"ru_net"}),
    ("тілдер", {"kk_lang", "kk_many"}),
    ("тілдің", {"kk_lang", "kk_many"}),
    ("тілі", {"kk_lang", "kk_many"}),
    ("выбора", {"other"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
@pytest.mark.parametrize("staff", [False, True], ids=["public", "reviewer"])
def test_word_forms_are_found(texts, query, expected, staff):
    found = set(
        public_proposals(PublicFilters(q=query), staff=staff).values_list("code", flat=True)
    )
    assert found == {texts[name].code for name in expected}


def test_search_stems_cover_russian_and_kazakh_endings():
    assert search_stems("языки") == ["язык"]
    assert search_stems("тілдің") == ["тіл"]
    assert search_stems("тілі") == ["тіл"]
    assert "интернет".startswith(search_stems("интернета")[0])
