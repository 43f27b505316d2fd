"""Staff pages in the portal's look: sign-in/out, error pages, the admin in Kazakh, draft upload,
and the notes for a draft that exists in one language only."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from kenes.core.models import AuditEntry
from kenes.drafts import demo, formats
from kenes.drafts.models import Version
from kenes.drafts.services import draft_version_import
from tests.fixtures.people import PASSWORD


def page(client, url, lang="kk", status=200):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# --- sign-in, sign-out, "signed in as" -------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "button"),
    [("kk", "Қызметкерлердің кіруі", "Кіру"), ("ru", "Вход для сотрудников", "Войти")],
)
def test_the_sign_in_page_is_the_portals_and_speaks_the_readers_language(
    client, db, lang, title, button
):
    html = page(client, "/staff/login/?next=/review/", lang)
    assert f"<h1>{title}</h1>" in html
    assert f'value="{button}"' in html
    assert 'class="lang-switch"' in html  # the portal's header with the language switch
    assert 'name="next" value="/review/"' in html


def test_the_admin_login_and_the_staff_gates_lead_to_the_portal_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/?next=/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.get("/review/")
    assert response["Location"].startswith("/staff/login/?next=/review/")


def test_a_wrong_password_is_named_at_the_top_and_nothing_else_happens(client, admin_user):
    response = client.post(
        "/staff/login/",
        {"username": "aigerim", "password": "wrong", "next": "/review/"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html and 'href="#id_username"' in html
    assert "Пожалуйста, введите правильные" in html  # Django's message, in Russian
    assert "_auth_user_id" not in client.session


def test_staff_sign_in_see_who_they_are_and_sign_out(client, admin_user):
    response = client.post(
        "/staff/login/", {"username": "aigerim", "password": PASSWORD, "next": "/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    html = page(client, "/", "kk")
    assert "Кірген: <strong>aigerim</strong>" in html
    assert 'action="/staff/logout/"' in html
    assert 'href="/staff/drafts/upload/"' in html  # a commission admin may upload drafts
    response = client.post("/staff/logout/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    assert "Сіз жүйеден шықтыңыз" in response.content.decode()
    assert "aigerim" not in page(client, "/", "kk")


def test_a_reviewer_sees_no_upload_link_and_gets_the_portals_403(client, reviewer):
    client.force_login(reviewer)
    assert 'href="/staff/drafts/upload/"' not in page(client, "/", "kk")
    html = page(client, "/staff/drafts/upload/", "ru", status=403)
    assert "<h1>Доступ запрещён</h1>" in html and "dana" in html
    html = page(client, "/staff/drafts/upload/", "kk", status=403)
    assert "<h1>Кіруге рұқсат жоқ</h1>" in html


# --- error pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading"), [("kk", "Бет табылмады"), ("ru", "Страница не найдена")]
)
@pytest.mark.parametrize("debug", [False, True])
def test_404_is_the_portals_page_in_every_language_even_in_the_demo(
    client, db, lang, heading, debug
):
    with override_settings(DEBUG=debug):
        html = page(client, "/no/such/page/", lang, status=404)
        assert heading in html and 'class="site-header"' in html
        assert "DEBUG = True" not in html and "URLconf" not in html


def test_the_500_page_is_the_portals_and_translated(rf, db):
    from django.utils import translation

    from kenes.portal.staff_views import server_error

    with translation.override("ru"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Что-то пошло не так" in html


@pytest.mark.parametrize(
    ("lang", "forbidden", "broken"),
    [
        ("kk", "Кіруге рұқсат жоқ", "Бірдеңе дұрыс болмады"),
        ("ru", "Доступ запрещён", "Что-то пошло не так"),
    ],
)
@pytest.mark.parametrize("debug", [True, False])
def test_403_and_500_are_the_portals_pages_even_in_the_demo(db, lang, forbidden, broken, debug):
    """`make demo` runs with DEBUG on: a bug in a view still shows the portal's 500 page."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug, ROOT_URLCONF="tests.portal.error_urls"):
        response = client.get(f"/boom/403/?lang={lang}")
        assert response.status_code == 403
        html = response.content.decode()
        assert f"<h1>{forbidden}</h1>" in html and f'<html lang="{lang}">' in html
        response = client.get(f"/boom/500/?lang={lang}")
        assert response.status_code == 500
        html = response.content.decode()
        assert broken in html and f'<html lang="{lang}">' in html
        for debug_text in ("Traceback", "DEBUG = True", "RuntimeError", "a bug in a view"):
            assert debug_text not in html, debug_text


def test_a_csrf_failure_is_explained_in_the_readers_language(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/login/", {}, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 403
    assert "Ештеңе сақталған жоқ" in response.content.decode()


def test_the_favicon_is_served_from_static(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".ico")


# --- the admin in Kazakh ------------------------------------------------------------------------


def test_the_kazakh_admin_has_no_english_and_no_typo(client, admin_user):
    client.force_login(admin_user)
    html = page(client, "/admin/", "kk")
    for english in (
        "View site",
        "VIEW SITE",
        "Authentication and Authorization",
        "Recent actions",
        "Toggle theme",
        "My actions",
    ):
        assert english not in html, english
    assert "Өзгетру" not in html
    assert "Сайтты ашу" in html and "Соңғы әрекеттер" in html
    html = page(client, "/admin/accounts/user/", "kk")
    assert "Өзгетру" not in html and "Toggle theme" not in html
    html = page(client, "/admin/accounts/user/add/", "kk")
    assert "Whether the user" not in html and "Password-based authentication" not in html
    js = page(client, "/admin/jsi18n/", "kk")
    assert r"\u049a\u0430\u04a3\u0442\u0430\u0440" in js or "Қаңтар" in js  # January
    assert '"Choose a Date"' in js


# --- draft upload ----------------------------------------------------------------------------


def upload(client, content: bytes, name: str, **fields):
    data = {"document": "new-law", "version": "v1", "language": "kk", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post("/staff/drafts/upload/", data, HTTP_ACCEPT_LANGUAGE="kk")


def test_a_bad_file_lists_every_problem_with_its_place_and_publishes_nothing(client, admin_user):
    client.force_login(admin_user)
    raw = json.loads(formats.dumps(demo.build("v1", "kk")))
    raw["sections"][0]["articles"][0]["number"] = "1a"
    raw["sections"][0]["articles"][1]["colour"] = "red"
    response = upload(client, json.dumps(raw).encode(), "law.json")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert html.count("<tr><td><code>") >= 2  # each problem on its own row, with its place
    assert "$.sections[0].articles[0]" in html and "$.sections[0].articles[1].colour" in html
    assert "ештеңе жарияланған жоқ" in html
    # the checker's messages are in the reader's language, not the checker's English
    assert "белгісіз өріс" in html and "43 немесе 83-1 сияқты емес" in html
    assert "unknown field" not in html and '<td lang="en">' not in html
    assert not Version.objects.filter(document__slug="new-law").exists()
    response = client.post("/staff/drafts/publish/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400
    assert not Version.objects.filter(document__slug="new-law").exists()


def test_markdown_and_an_unknown_format_get_a_clear_answer(client, admin_user):
    client.force_login(admin_user)
    html = upload(client, b"just some words", "law.txt").content.decode()
    assert "error-summary" in html
    html = upload(client, b"x", "law.pdf").content.decode()
    assert "error-summary" in html and "law.pdf" in html
    html = upload(client, b"", "law.json", document="Bad Slug!").content.decode()
    assert 'href="#id_document"' in html


def test_a_good_file_shows_its_structure_then_publishes_an_audited_version(client, admin_user):
    client.force_login(admin_user)
    doc = demo.build("v1", "kk")
    response = upload(client, formats.dumps(doc).encode(), "law.json")
    html = response.content.decode()
    assert "мәселе табылмады" in html
    assert 'class="structure"' in html
    assert html.count('<li lang="kk">') == len(doc.articles())
    assert not Version.objects.filter(document__slug="new-law").exists()  # not yet
    response = client.post("/staff/drafts/publish/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    version = Version.objects.get(document__slug="new-law", label="v1")
    assert version.languages == ["kk"]
    assert version.articles.count() == len(doc.articles())
    entry = AuditEntry.objects.filter(action="draft_version.import").latest("id")
    assert entry.actor == admin_user
    # the Russian text of the same version is added as a parallel translation
    ru = demo.build("v1", "ru")
    html = upload(client, formats.dumps(ru).encode(), "law-ru.json", language="ru").content
    assert "мәселе табылмады" in html.decode()
    client.post("/staff/drafts/publish/")
    version.refresh_from_db()
    assert sorted(version.languages) == ["kk", "ru"]
    # uploading the same language again without "replace" is refused before publishing
    html = upload(client, formats.dumps(doc).encode(), "law.json").content.decode()
    assert "error-summary" in html and "new-law/v1" in html


# --- a draft in one language -----------------------------------------------------------------


@pytest.fixture
def russian_only(db):
    v1 = draft_version_import(
        actor=None, doc=demo.build("v1", "ru"), document_slug="ru-law", version_label="v1"
    )
    v2 = draft_version_import(
        actor=None, doc=demo.build("v2", "ru"), document_slug="ru-law", version_label="v2"
    )
    return v1, v2


def test_every_page_of_a_russian_only_draft_says_so_in_kazakh_and_offers_russian(
    client, russian_only
):
    note = "Бұл жобаның қазақша мәтіні әлі жоқ"
    switch = "Сайтты орыс тіліне ауыстыру"
    toc = page(client, "/draft/ru-law/v2/", "kk")
    assert note in toc and switch in toc and 'href="/draft/ru-law/v2/?lang=ru"' in toc
    assert '<h1><span lang="ru">' in toc  # the Russian title is marked as Russian
    assert 'class="crumbs"' in toc
    home = page(client, "/", "kk")
    assert '<h2 id="doc-ru-law"><span lang="ru">' in home
    article = page(client, "/draft/ru-law/v2/article/1", "kk")
    assert note in article and switch in article
    crumbs = article.split('class="crumbs"')[1].split("</nav>")[0]
    assert '<span lang="ru">' in crumbs
    propose = page(client, "/propose/ru-law/v2/", "kk")
    assert note in propose and switch in propose
    compare = page(client, "/compare/ru-law/v1/ru-law/v2/", "kk")
    assert "Бұл нұсқалардың қазақша мәтіні әлі жоқ" in compare and switch in compare
    assert 'class="pre inline-diff" lang="ru"' in compare
    search = page(client, "/draft/ru-law/v2/search?q=%D0%97%D0%B0%D0%BA%D0%BE%D0%BD", "kk")
    assert "Нәтижелер орыс тілінде:" in search
    assert "q=%D0%97%D0%B0%D0%BA%D0%BE%D0%BD&amp;lang=ru" in search
    assert 'class="muted snippet" lang="ru"' in search


def test_a_bilingual_draft_gets_no_note(client, demo_draft):
    for url in ("/draft/demo/v2/", "/draft/demo/v2/article/1", "/compare/demo/v1/demo/v2/"):
        html = page(client, url, "kk")
        assert "lang-note" not in html and 'lang="ru"' not in html.split("</header>")[1]


def test_every_checker_message_has_a_kk_and_ru_wording():
    """Each pattern of portal.draft_problems matches the checker's English and is translated."""
    from django.utils import translation

    from kenes.drafts.formats import Problem
    from kenes.portal.draft_problems import MESSAGES, shown

    samples = [
        "unknown field",
        "must be a string, not int",
        "missing required field 'title'",
        "invalid JSON: Expecting value",
        "article number '1a' is not like '43' or '83-1'",
        "duplicate article number '5' (first at $.sections[0].articles[4])",
        "3 sections, the existing text has 4",
        "article heading 'Стаття 1' is not like 'Статья 43' or '43-бап'",
        "section heading 'X' is not like 'Раздел I. Title' or 'I бөлім. Title'",
        "is 30,000,000 bytes; the limit is 20,971,520 bytes",
        "unknown format 'law.pdf': use .json, .md or .docx",
    ]
    for lang in ("kk", "ru"):
        with translation.override(lang):
            for text in samples:
                result = shown(Problem("$", text))
                assert result.lang == "" and result.message != text, (lang, text)
            for _pattern, message in MESSAGES:
                with translation.override("en"):
                    english = str(message)
                assert str(message) != english, (lang, english)
    with translation.override("kk"):
        assert shown(Problem("$", "something new")).lang == "en"


def test_markdown_and_docx_drafts_are_checked_and_published(client, admin_user):
    import io

    import docx

    client.force_login(admin_user)
    md = (
        "# Закон о тесте\n\n## Раздел I. Общие\n\n### Статья 1\n\n1. Пункт один.\n"
        "2. Пункт два.\n\n### Статья 2\n\nТекст.\n"
    )
    html = upload(client, md.encode(), "law.md", language="ru", version="md-1").content.decode()
    assert "мәселе табылмады" in html and "(2 тармақ)" in html
    client.post("/staff/drafts/publish/")
    assert Version.objects.get(document__slug="new-law", label="md-1").articles.count() == 2
    # a DOCX whose article heading is not one names the paragraph, in Kazakh
    document = docx.Document()
    for text, style in [
        ("Заң", "Title"),
        ("I бөлім. Жалпы", "Heading 1"),
        ("Бап бір", "Heading 2"),
        ("Мәтін.", None),
    ]:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    html = upload(client, out.getvalue(), "law.docx", version="docx-1").content.decode()
    assert "error-summary" in html and "3-абзац" in html and "paragraph" not in html
    assert "ешбір бапқа жатпайтын мәтін" in html and "құжатта бап жоқ" in html
    assert not Version.objects.filter(label="docx-1").exists()


def test_signing_out_of_the_admin_lands_on_the_portals_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/logout/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert "Вы вышли из системы" in response.content.decode()
    assert "_auth_user_id" not in client.session
