"""The reviewers' search-by-meaning page: staff only, linked from their navigation, kk and ru."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

NET = "Прошу провести интернет в сёла района, без интернета дети не могут учиться дистанционно."
TAX_KK = "Шағын бизнеске салықтарды екі жылға азайтуды ұсынамын, ауылдарда жұмыс аз."


@pytest.fixture
def two(submit):
    return (
        submit(text=NET, language="ru").proposal,
        submit(text=TAX_KK, language="kk").proposal,
    )


def test_anonymous_visitors_go_to_the_staff_login(client, two):
    response = client.get("/review/search/?q=интернет")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", ["Мағынасы бойынша іздеу", "Мағынасы ең жақын ұсыныстар", "Орысша", "ұқсастық"]),
        ("ru", ["Поиск по смыслу", "Предложения, ближайшие по смыслу", "Русский", "сходство"]),
    ],
)
def test_results_link_to_the_review_page_with_score_and_language(
    client, reviewer, two, version, lang, words
):
    client.force_login(reviewer)
    net, tax = two
    response = client.get(
        "/review/search/", {"q": "интернет для сёл", "version": version.pk, "lang": lang}
    )
    html = response.content.decode()
    assert response.status_code == 200
    # the closest proposal first, linked to its review page, with its score
    assert html.index(f'href="/review/{net.pk}/"') < html.index(f'href="/review/{tax.pk}/"')
    for word in words:
        assert word in html
    for english in ("Search by meaning", "similarity", "Russian", "What are you looking for"):
        assert english not in html


def test_the_page_is_in_the_reviewers_navigation(client, reviewer, two):
    client.force_login(reviewer)
    assert 'href="/review/search/"' in client.get("/review/").content.decode()
    assert 'href="/review/search/"' in client.get("/review/themes/").content.decode()
    page = client.get("/review/search/")
    assert page.status_code == 200 and 'aria-current="page"' in page.content.decode()
    assert page.context["result"] is None  # no query: nothing searched


def test_bad_input_gets_a_form_error_not_a_crash(client, reviewer, two, version):
    client.force_login(reviewer)
    assert client.get("/review/search/", {"q": "x", "version": "abc"}).status_code == 400
    assert client.get("/review/search/", {"q": "x", "version": 999_999}).status_code == 400
    too_long = client.get("/review/search/", {"q": "а" * 1001, "version": version.pk})
    assert too_long.status_code == 400
    blank = client.get("/review/search/", {"q": "   ", "version": version.pk})
    assert blank.status_code == 200 and blank.context["result"] is None
