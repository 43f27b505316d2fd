"""The "similar proposals already sent" box appears while a citizen types; the page stays
accessible (axe) with the box filled."""

from __future__ import annotations

import pytest

from kenes.insights import search
from kenes.proposals.services import proposal_submit
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RU = "Прошу провести интернет в сёла района, без интернета дети не могут учиться дистанционно."


def test_similar_proposals_show_up_while_typing(live_server, demo_draft, phone, settings):
    # given a published proposal on the subject (the hashing embedder stands in for e5)
    settings.KENES_SEARCH_EMBEDDER = "hashing"
    search.search_indexes_clear()
    sent = proposal_submit(actor=None, version=demo_draft[1], channel="web", text=RU).proposal
    # when a Russian reader types the same idea on the propose form
    phone.goto(f"{live_server.url}/propose/demo/v2/?lang=ru")
    assert phone.locator("#similar").get_attribute("aria-live") == "polite"
    phone.locator("#text").press_sequentially(RU, delay=5)
    # then the box lists the proposal already sent, linked to its public page
    phone.wait_for_selector("#similar .similar-list a", timeout=10_000)
    link = phone.locator("#similar .similar-list a").first
    assert link.inner_text().strip() == sent.code
    assert "Похожие предложения" in phone.locator("#similar").inner_text()
    assert axe_violations(phone) == []
    search.search_indexes_clear()
