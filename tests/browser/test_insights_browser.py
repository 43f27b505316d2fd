"""Review by campaign in a real browser: answer all members in one step; the tracker; axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kenes.insights import services
from kenes.insights.models import Campaign
from kenes.proposals.services import proposal_submit
from kenes.review.models import Answer
from tests.browser.conftest import axe_violations
from tests.browser.test_review_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T0 = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))
LETTER = (
    "Уважаемая комиссия! Предлагаем увеличить срок консультаций по проекту закона до "
    "девяноста дней, потому что жители сёл не успевают прочитать проект и обсудить его "
    "на сходе. Просим также публиковать проект в районных газетах и на сайтах акиматов "
    "каждого района. С уважением, жители."
)


@pytest.fixture
def campaign(demo_draft):
    version = demo_draft[1]
    services.worker_state_clear()
    extras = ["Я учитель из Шиели.", "", "Моя мама живёт в ауле.", "", "", ""]
    letters = [
        proposal_submit(
            actor=None,
            version=version,
            text=f"{LETTER} {extra}".strip(),
            channel="web",
            language="ru",
            submitted_at=T0 + dt.timedelta(minutes=i),
        ).proposal
        for i, extra in enumerate(extras)
    ]
    proposal_submit(
        actor=None,
        version=version,
        channel="web",
        language="kk",
        text="Консультация мерзімін тоқсан күнге дейін ұзартуды ұсынамын.",
    )
    services.analysis_run_full(actor=None, version=version, embedder="hashing")
    return Campaign.objects.get(), letters


def test_reviewer_answers_a_campaign_in_one_step_and_the_tracker_shows_it(
    live_server, campaign, phone
):
    camp, letters = campaign
    # given a reviewer on the list of campaigns
    log_in(phone, live_server.url, "dana", next_path="/review/campaigns/")
    phone.goto(f"{live_server.url}/review/campaigns/?lang=en")
    # when they open the campaign
    phone.get_by_role("link", name=camp.code).click()
    phone.wait_for_url(f"**/review/campaigns/{camp.pk}/")
    assert phone.locator("[data-size]").inner_text() == "6"
    assert "Шиели" in phone.locator("[data-member]").first.inner_text()
    # and answer every unanswered member at once
    phone.locator("input[name=decision][value=partly_accepted]").check()
    phone.locator("#id_reason_ru").fill("Срок увеличен до сорока пяти дней.")
    phone.locator("#id_reason_kk").fill("Мерзім қырық бес күнге дейін ұзартылды.")
    phone.get_by_role("button", name="Answer all unanswered members").click()
    # a confirmation states the number first; nothing is answered before it
    phone.wait_for_selector("[data-confirm]")
    assert "6" in phone.locator("h1").inner_text() and not Answer.objects.exists()
    phone.locator("[data-confirm]").click()
    phone.wait_for_url(f"**/review/campaigns/{camp.pk}/")
    assert phone.locator("[data-open]").inner_text() == "0"
    answers = list(Answer.objects.filter(proposal__in=letters))
    assert len(answers) == 6 and len({a.group for a in answers}) == 1
    # and the proposal screen loads what the analysis found (htmx)
    phone.goto(f"{live_server.url}/review/{letters[0].pk}/?lang=en")
    phone.wait_for_selector("[data-links]")
    assert camp.code in phone.locator("#analysis").inner_text()
    # then the tracker of one member shows the answer and the "one of N" line
    phone.goto(f"{live_server.url}/track/{letters[4].code}/?lang=en")
    line = phone.locator("[data-campaign-line]").inner_text()
    assert "one of 6 near-identical proposals" in line and "Partly accepted" in line
    # and the citizen reads the reason as written, without the internal campaign code
    box = phone.locator(".answer-box").inner_text()
    assert "Срок увеличен до сорока пяти дней." in box and camp.code not in box


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_campaign_screens_have_no_serious_accessibility_violations(
    live_server, campaign, phone, lang
):
    camp, letters = campaign
    log_in(phone, live_server.url, "dana", next_path="/review/campaigns/")
    for path in (
        f"/review/campaigns/{camp.pk}/",
        "/review/campaigns/",
        "/review/themes/",
        f"/review/{letters[0].pk}/",
        f"/track/{letters[0].code}/",
    ):
        phone.goto(f"{live_server.url}{path}?lang={lang}")
        if path.startswith("/review/") and path.split("/")[2].isdigit():
            phone.wait_for_selector("[data-links]")
        assert axe_violations(phone) == [], path
        assert phone.locator("h1").count() == 1
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
