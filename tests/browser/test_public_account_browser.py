"""The public account in Chromium: the dashboard without JavaScript, the calendar and the
per-article account on a phone, in kk and ru (screenshots kept when KENES_SHOTS is set)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from kenes.consultations.services import consultation_save
from kenes.review.services import answers_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("KENES_SHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def data(demo_draft, submit, reviewer):
    v1, _v2 = demo_draft
    now = timezone.now()
    consultation_save(
        actor=None,
        version=v1,
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=12),
        review_until=(now + dt.timedelta(days=40)).date(),
        report_on=(now + dt.timedelta(days=50)).date(),
    )
    article = v1.articles.order_by("position")[1]
    made = [
        submit(
            version=v1,
            text=f"Предлагаю уточнить формулировку статьи, вариант номер {i}.",
            article_number=article.number,
            region=("71", "75", "19")[i % 3],
        ).proposal
        for i in range(6)
    ]
    answers_record(
        actor=reviewer,
        proposal_ids=[p.pk for p in made[:3]],
        decision="partly_accepted",
        reason_ru="Учтено частично в новой редакции.",
        reason_kk="Жаңа редакцияда ішінара ескерілді.",
    )
    return v1, article


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_dashboard_works_without_javascript(live_server, browser, data, lang):
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Accept-Language": lang},
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.locator("footer").get_by_role("link", name="Статистика").click()
        page.wait_for_url("**/stats/")
        assert page.locator("svg.chart").count() >= 7
        # the table alternative opens without JavaScript (<details>)
        block = page.locator("#region")
        block.locator("summary").click()
        table = block.locator("table")
        assert table.is_visible()
        assert "6" in table.inner_text() or "2" in table.inner_text()
        with page.expect_download() as download:
            block.get_by_role("link", name="CSV").click()
        assert download.value.suggested_filename == "kenes-stats-region.csv"
        shot(page, f"stats-desktop-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_calendar_and_article_account_on_a_phone(live_server, browser, data, lang):
    _v1, article = data
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        calendar = page.locator("section.consultation")
        assert calendar.is_visible()
        assert ("күн қалды" if lang == "kk" else "осталось") in calendar.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        shot(page, f"home-phone-{lang}")
        page.goto(f"{live_server.url}/stats/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        shot(page, f"stats-phone-{lang}")
        page.goto(f"{live_server.url}/draft/demo/v1/article/{article.number}")
        page.get_by_role(
            "link",
            name="Бұл бап бойынша не шешілді" if lang == "kk" else "Что решено по этой статье",
        ).click()
        page.wait_for_url(f"**/account/demo/v1/article/{article.number}")
        body = page.locator("main").inner_text()
        assert ("Жаңа редакцияда ішінара" if lang == "kk" else "Учтено частично") in body
        # the table fits the phone: no horizontal scroll of the page
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        shot(page, f"account-article-phone-{lang}")
        page.goto(f"{live_server.url}/account/demo/v1/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        shot(page, f"account-version-phone-{lang}")
        page.goto(f"{live_server.url}/ledger/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        shot(page, f"ledger-phone-{lang}")
        page.goto(f"{live_server.url}/privacy/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        shot(page, f"privacy-phone-{lang}")
    finally:
        context.close()
