"""The public reader: contents, articles with deep links, search, comparison, languages."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def get(client, url, lang="kk"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_lists_documents_in_the_visitors_language(client, demo_draft):
    kk = get(client, "/", "kk")
    ru = get(client, "/", "ru-RU,ru;q=0.9")
    assert "Талқылаудағы жобалар" in kk and '<html lang="kk">' in kk
    assert "Проекты на обсуждении" in ru and '<html lang="ru">' in ru
    assert "Қоғамдық консультациялар туралы" in kk and "О публичных консультациях" in ru


def test_contents_in_kazakh(client, demo_draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = get(client, "/draft/demo/v2/", "kk")
    assert "1-бап" in page and "Мазмұны" in page
    assert page.count('href="/draft/demo/v2/article/') == 20


def test_article_page_has_anchors_for_every_point(client, demo_draft):
    page = get(client, "/draft/demo/v2/article/6", "ru")
    assert "Статья 6. Срок консультаций" in page
    assert 'id="p1"' in page and 'id="p2"' in page
    assert "сорока пяти" in page
    assert 'rel="prev" href="/draft/demo/v2/article/5"' in page
    assert 'rel="next" href="/draft/demo/v2/article/7"' in page


def test_article_subpoints_are_listed(client, demo_draft):
    page = get(client, "/draft/demo/v1/article/7", "kk")
    assert "1) интернет-портал арқылы;" in page and 'id="s1"' in page


def test_english_readers_see_the_russian_text_with_a_note(client, demo_draft):
    page = get(client, "/draft/demo/v1/article/1", "en")
    assert "Article 1" in page and "Настоящий Закон определяет" in page
    assert "not available in your language" in page


def test_language_switch_keeps_the_page(client, demo_draft):
    response = client.post(
        "/i18n/setlang/", {"language": "ru", "next": "/draft/demo/v2/article/6#p2"}
    )
    assert response.status_code == 302 and response["Location"] == "/draft/demo/v2/article/6#p2"
    page = client.get("/draft/demo/v2/article/6").content.decode()
    assert '<html lang="ru">' in page


def test_lang_query_parameter_opens_a_link_in_that_language(client, demo_draft):
    page = get(client, "/draft/demo/v2/article/6?lang=ru", "kk")
    assert "Статья 6" in page
    assert client.cookies["kenes_lang"].value == "ru"


def test_search_finds_articles_in_both_languages(client, demo_draft):
    ru = get(client, "/draft/demo/v2/search?q=квитанция", "ru")
    assert "/draft/demo/v2/article/8" in ru
    kk = get(client, "/draft/demo/v2/search?q=түбіртек", "kk")
    assert "/draft/demo/v2/article/8" in kk
    partial = client.get("/draft/demo/v2/search?q=Квитанция", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "article/8" in partial.content.decode()
    assert "article/" not in get(client, "/draft/demo/v2/search?q=zzzz", "ru").split("<main")[1]


def test_html_in_a_search_query_is_escaped(client, demo_draft):
    page = get(client, "/draft/demo/v2/search?q=<script>alert(1)</script>", "ru")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_compare_page_shows_changes(client, demo_draft):
    page = get(client, "/compare/demo/v1/demo/v2/", "ru")
    assert "2 статьи изменены" in page and "1 статья добавлена" in page
    assert "<del>тридцати</del>" in page and "<ins>сорока пяти</ins>" in page
    assert 'id="o10"' in page and 'id="n11-1"' in page
    assert page.count('class="diff-item') == 4
    assert get(client, "/compare/demo/v1/demo/v2/?show=all", "ru").count('class="diff-item') == 21


def test_compare_chooser_redirects(client, demo_draft):
    response = client.get("/compare/?a=demo/v1&b=demo/v2")
    assert response.status_code == 302 and response["Location"] == "/compare/demo/v1/demo/v2/"
    assert "Выберите две версии" in get(client, "/compare/?a=demo&b=x", "ru")


def test_1995_to_2026_compare_page(client, constitution_1995, constitution_2026):
    page = get(client, "/compare/constitution/1995/constitution/2026/", "ru")
    assert re.search(
        r'href="/draft/constitution/1995/article/7">Статья 7</a> → '
        r'<a href="/draft/constitution/2026/article/9">Статья 9</a>',
        page,
    )


@pytest.mark.parametrize("url", ["/draft/demo/v9/", "/draft/demo/v1/article/999", "/nope"])
def test_unknown_pages_are_404_in_the_visitors_language(client, demo_draft, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 404
    assert "Бет табылмады" in response.content.decode()


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"ok": True}


def test_a_long_comparison_is_paged_with_a_jump_list(client, demo_draft, monkeypatch):
    from kenes.portal import views

    monkeypatch.setattr(views, "COMPARE_PAGE", 5)
    first = get(client, "/compare/demo/v1/demo/v2/?show=all", "ru")
    third = get(client, "/compare/demo/v1/demo/v2/?show=all&page=3", "ru")
    # 21 articles: five per page, every one in the jump list with the page it is on
    assert first.count('class="diff-item') == 5 and third.count('class="diff-item') == 5
    jump = re.findall(r'href="\?show=all&amp;page=(\d+)#([no][^"]+)"', first)
    assert len(jump) == 21
    assert [p for p, _a in jump] == [str(n // 5 + 1) for n in range(21)]
    anchor = jump[12][1]
    assert f'id="{anchor}"' in third and f'id="{anchor}"' not in first
    assert 'rel="next" href="?show=all&amp;page=4"' in third
    assert 'rel="prev" href="?show=all&amp;page=2"' in third
    assert "Перейти к статье" in first
