"""The reader's alphabet switch: Kazakh pages in Latin on request, Cyrillic kept as stored."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kenes.drafts.models import Article

pytestmark = pytest.mark.django_db

ARTICLE = "/draft/demo/v2/article/4"


def _get(client: Client, url: str, lang: str = "kk"):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response, response.content.decode()


def test_a_kazakh_article_in_latin_and_back(demo_draft):
    client = Client()
    # a Kazakh reader sees the switch, Cyrillic first
    _, html = _get(client, ARTICLE)
    assert '<html lang="kk">' in html
    assert 'class="script-switch"' in html and ">Latyn</a>" in html and ">Кирил</a>" in html
    assert "Консультациялардың тілдері" in html
    # when they switch to Latin
    response, html = _get(client, ARTICLE + "?script=latn")
    assert response.cookies["kenes_script"].value == "latn"
    assert response["Content-Language"] == "kk-Latn"
    assert '<html lang="kk-Latn">' in html
    assert "Konsultatsiialardyñ tılderı" in html  # the article's title
    assert "Ūsynys qazaq nemese orys tılınde berıluı mümkın." in html  # its text
    # the UI is in Latin too, but the way back stays readable in Cyrillic
    assert 'lang="kk-Cyrl"' in html and ">Кирил</a>" in html
    visible = re.sub(r"<(script|style|textarea)\b.*?</\1>|<[^>]+>", " ", html, flags=re.S)
    kazakh_letters = re.findall("[әғқңөұүһі]", visible.replace("Кирил", ""))
    assert kazakh_letters == [], kazakh_letters[:10]
    # links, ids and form values are untouched
    assert 'href="/draft/demo/v2/"' in html or 'href="/draft/demo/v2/#' in html
    # the choice is remembered: the next page is Latin without the query
    _, html = _get(client, "/draft/demo/v2/")
    assert '<html lang="kk-Latn">' in html
    # and switching back restores the stored Cyrillic
    response, html = _get(client, ARTICLE + "?script=cyrl")
    assert response.cookies["kenes_script"].value == "cyrl"
    assert '<html lang="kk">' in html and "Консультациялардың тілдері" in html
    # nothing in Latin was ever stored
    assert Article.objects.filter(title_kk="Консультациялардың тілдері").exists()
    assert not Article.objects.filter(title_kk__icontains="Konsultatsiia").exists()


def test_russian_pages_and_russian_text_keep_their_letters(demo_draft):
    client = Client()
    client.cookies["kenes_script"] = "latn"
    _, html = _get(client, ARTICLE + "?lang=ru", lang="ru")
    assert '<html lang="ru">' in html and "Языки консультаций" in html
    assert 'class="script-switch"' not in html  # the switch is for Kazakh pages only


def test_the_switch_keeps_the_other_query_parameters(demo_draft):
    _, html = _get(Client(), "/draft/demo/v2/search?q=%D1%82%D1%96%D0%BB")
    assert 'href="/draft/demo/v2/search?q=%D1%82%D1%96%D0%BB&amp;script=latn"' in html


def test_the_admin_and_the_api_are_never_transliterated(demo_draft, admin_user):
    client = Client()
    client.force_login(admin_user)
    client.cookies["kenes_script"] = "latn"
    _, html = _get(client, "/admin/")
    assert '<html lang="kk"' in html and "Сайтты ашу" in html
    response = client.get("/api/proposals/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200 and "Latn" not in response.get("Content-Language", "")


def test_the_anonymous_page_cache_keeps_each_alphabet_apart(demo_draft, settings):
    settings.KENES_PUBLIC_MAX_AGE = 30
    # a Cyrillic page, cached for the next anonymous reader
    first = Client().get(ARTICLE, HTTP_ACCEPT_LANGUAGE="kk")
    assert "public" in first.headers.get("Cache-Control", "")
    assert "Консультациялардың" in first.content.decode()
    # a reader with the Latin cookie does not get that cached Cyrillic page, and back
    latin = Client()
    latin.cookies["kenes_script"] = "latn"
    assert "Konsultatsiialardyñ" in latin.get(ARTICLE, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    again = Client().get(ARTICLE, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Консультациялардың" in again and "Konsultatsiialardyñ" not in again
    # a shared ?script=latn link is cacheable with its own cookie, like ?lang=
    shared = Client().get(ARTICLE + "?script=latn", HTTP_ACCEPT_LANGUAGE="kk")
    assert "public" in shared.headers.get("Cache-Control", "")
    assert shared.cookies["kenes_script"].value == "latn"
    assert "Konsultatsiialardyñ" in shared.content.decode()
    repeat = Client().get(ARTICLE + "?script=latn", HTTP_ACCEPT_LANGUAGE="kk")
    assert repeat.cookies["kenes_script"].value == "latn"
