"""A Kazakh reader on a phone switches to the Latin alphabet, reads an article, switches back."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kazakh_reader_reads_an_article_in_latin_and_switches_back(
    live_server, demo_draft, phone
):
    # given a Kazakh reader on a phone, on an article in Cyrillic
    phone.goto(f"{live_server.url}/draft/demo/v2/article/4")
    assert phone.locator("html").get_attribute("lang") == "kk"
    assert "Консультациялардың тілдері" in phone.locator("h1").inner_text()
    # when they tap "Latyn" next to the language switch
    phone.get_by_role("link", name="Latyn").click()
    phone.wait_for_load_state()
    # then the article and the interface are in the Latin alphabet
    assert phone.locator("html").get_attribute("lang") == "kk-Latn"
    assert "Konsultatsiialardyñ tılderı" in phone.locator("h1").inner_text()
    article = phone.locator("article").inner_text()
    assert "Ūsynys qazaq nemese orys tılınde berıluı mümkın." in article
    nav = phone.get_by_role("navigation", name="Negızgı mäzır")
    assert nav.count() == 1  # the menu's label too
    # the page still fits the phone, with no new accessibility fault
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(phone) == []
    # and the next page stays in Latin
    phone.goto(f"{live_server.url}/draft/demo/v2/")
    assert phone.locator("html").get_attribute("lang") == "kk-Latn"
    # when they tap "Кирил", still written in Cyrillic so that anyone finds the way back
    phone.get_by_role("link", name="Кирил").click()
    phone.wait_for_load_state()
    # then Cyrillic is back
    assert phone.locator("html").get_attribute("lang") == "kk"
    assert phone.get_by_role("link", name="Latyn").is_visible()
    phone.goto(f"{live_server.url}/draft/demo/v2/article/4")
    assert "Консультациялардың тілдері" in phone.locator("h1").inner_text()


def test_the_header_with_the_alphabet_switch_fits_a_320_px_phone(live_server, demo_draft, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="kk-KZ")
    page = context.new_page()
    for query in ("", "?script=latn"):
        page.goto(f"{live_server.url}/draft/demo/v2/article/4{query}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] <= 160, header
    context.close()
