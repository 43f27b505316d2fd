"""The reader in a real browser: Kazakh first, switch to Russian, deep links, accessibility."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_in_kazakh_switches_to_russian_and_follows_a_deep_link(
    live_server, demo_draft, phone
):
    # given a Kazakh-speaking visitor on a phone, reading point 2 of article 6
    phone.goto(f"{live_server.url}/draft/demo/v2/article/6#p2")
    assert phone.locator("html").get_attribute("lang") == "kk"
    assert phone.locator("h1").inner_text().startswith("6-бап")
    assert "Конституция жобасы" in phone.locator("#p2").inner_text()
    # when they switch the language to Russian
    phone.get_by_role("button", name="Русский").click()
    phone.wait_for_load_state()
    # then the same article and point are shown in Russian
    assert phone.url.endswith("/draft/demo/v2/article/6#p2")
    assert phone.locator("html").get_attribute("lang") == "ru"
    assert phone.locator("h1").inner_text().startswith("Статья 6")
    assert "проекта Конституции" in phone.locator("#p2").inner_text()
    assert phone.evaluate("location.hash") == "#p2"
    # and a deep link from the contents leads to the article
    phone.goto(f"{live_server.url}/draft/demo/v2/")
    phone.get_by_role("link", name="Статья 8", exact=True).click()
    assert phone.url.endswith("/draft/demo/v2/article/8")
    assert "квитанция" in phone.locator("article").inner_text().lower()
    # and the page fits the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_live_search_with_htmx(live_server, demo_draft, phone):
    phone.goto(f"{live_server.url}/draft/demo/v2/?lang=ru")
    phone.fill("#q", "квитанция")
    phone.wait_for_selector("#search-results li")
    links = phone.locator("#search-results li a").all_inner_texts()
    assert "Статья 8" in links


@pytest.mark.parametrize(
    "path", ["/", "/draft/demo/v2/", "/draft/demo/v2/article/7", "/compare/demo/v1/demo/v2/"]
)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pages_have_no_serious_accessibility_violations(live_server, demo_draft, phone, path, lang):
    phone.goto(f"{live_server.url}{path}?lang={lang}")
    assert axe_violations(phone) == []
    assert phone.locator("main").count() == 1 and phone.locator("h1").count() == 1
