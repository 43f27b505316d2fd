"""Proposing on a phone: from the article to the receipt, then the tracker; accessibility."""

from __future__ import annotations

import re

import pytest

from kenes.proposals.models import Proposal
from kenes.proposals.services import proposal_submit
from kenes.review.services import answer_record
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KK_TEXT = (
    "Консультация мерзімін тоқсан күнге дейін ұзарту керек, себебі ауыл тұрғындары "
    "жобамен танысып үлгермейді."
)
CODE_RE = re.compile(r"KNS-[2-9A-Z]{4}-[2-9A-Z]{4}")


def test_a_kazakh_citizen_proposes_on_a_phone_and_tracks_the_proposal(
    live_server, demo_draft, phone
):
    # given a Kazakh-speaking citizen reading point 2 of article 6 on a phone
    phone.goto(f"{live_server.url}/draft/demo/v2/article/6")
    assert phone.locator("html").get_attribute("lang") == "kk"
    # when they follow "propose a change here" on point 2
    phone.locator("#p2 a.propose-here").click()
    phone.wait_for_url(re.compile(r"/propose/demo/v2/\?article=6&point=2$"))
    assert "6-бап" in phone.locator(".target-name").inner_text()
    # and type a proposal too short first: the counter warns while they type
    phone.fill("#text", "Қысқа")
    assert "10" in phone.locator("#text-count").inner_text()
    assert "counter-bad" in phone.locator("#text-count").get_attribute("class")
    # and send it: the error is shown next to the field, the text kept
    phone.locator("form.propose-form button[type=submit]").click()
    phone.wait_for_selector("#text-error")
    assert phone.locator("#text-error").is_visible()
    assert phone.input_value("#text") == "Қысқа"
    assert phone.locator("#text").get_attribute("aria-invalid") == "true"
    # when they write it in full, choose their region and send it
    phone.fill("#text", KK_TEXT)
    assert "counter-bad" not in (phone.locator("#text-count").get_attribute("class") or "")
    phone.select_option("#region", "71")
    phone.locator("form.propose-form button[type=submit]").click()
    # then the receipt shows the code in large letters and the secret once
    phone.wait_for_url(re.compile(r"/receipt/KNS-"))
    code = phone.locator("#receipt-code").inner_text().strip()
    assert CODE_RE.fullmatch(code)
    secret = phone.locator("#receipt-secret").inner_text().strip()
    assert len(secret.replace(" ", "")) == 10 and secret not in phone.url
    assert phone.locator("#print-receipt").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    proposal = Proposal.objects.get(code=code)
    assert proposal.language == "kk" and proposal.region == "71"
    # and a reload no longer shows the secret
    phone.reload()
    assert phone.locator("#receipt-secret").count() == 0
    # when they open the tracker and type the code in small letters with spaces
    phone.goto(f"{live_server.url}/track/")
    phone.fill("#code", code.lower().replace("-", " "))
    phone.locator("form.propose-form button[type=submit]").click()
    # then they see the status of their proposal
    phone.wait_for_url(re.compile(rf"/track/{code}/$"))
    assert code in phone.locator("h1").inner_text()
    assert "тіркелді" in phone.locator(".status-box").inner_text().lower()  # received
    assert KK_TEXT in phone.locator("blockquote.ptext").inner_text()


def test_the_receipt_prints_only_the_receipt(live_server, demo_draft, phone):
    result = proposal_submit(actor=None, version=demo_draft[1], channel="web", text=KK_TEXT)
    phone.goto(f"{live_server.url}/receipt/{result.proposal.code}/")
    phone.emulate_media(media="print")
    assert not phone.locator(".site-header").is_visible()
    assert not phone.locator(".steps").is_visible()
    assert phone.locator("#receipt-code").is_visible()
    assert phone.locator(".print-only").is_visible()


def test_the_article_page_loads_its_proposals_with_htmx(live_server, demo_draft, phone):
    proposal_submit(
        actor=None,
        version=demo_draft[1],
        channel="web",
        text=KK_TEXT,
        article_number="6",
        region="71",
    )
    phone.goto(f"{live_server.url}/draft/demo/v2/article/6")
    phone.wait_for_selector("#article-proposals-body li.pitem")
    assert "Азамат, Астана" in phone.locator("#article-proposals-body").inner_text()


@pytest.fixture
def answered(demo_draft):
    version = demo_draft[1]
    proposal = proposal_submit(
        actor=None,
        version=version,
        channel="web",
        text=KK_TEXT,
        article_number="6",
        point_number="2",
        region="71",
    ).proposal
    article = version.articles.get(number="6")
    answer_record(
        actor=None,
        proposal=proposal,
        decision="accepted",
        reason_kk="Мерзім ұзартылды.",
        reason_ru="Срок продлён.",
        changed_article=article,
    )
    return proposal


@pytest.mark.parametrize(
    "path",
    [
        "/propose/demo/v2/?article=6&point=2",
        "/propose/demo/v2/",
        "/receipt/{code}/",
        "/track/",
        "/track/{code}/",
        "/proposals/",
        "/draft/demo/v2/article/6",
    ],
)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_proposal_pages_have_no_serious_accessibility_violations(
    live_server, answered, phone, path, lang
):
    url = path.format(code=answered.code)
    sep = "&" if "?" in url else "?"
    phone.goto(f"{live_server.url}{url}{sep}lang={lang}")
    phone.wait_for_load_state("networkidle")
    assert axe_violations(phone) == []
    assert phone.locator("main").count() == 1 and phone.locator("h1").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_form_with_errors_has_no_serious_accessibility_violations(
    live_server, demo_draft, phone, lang
):
    phone.goto(f"{live_server.url}/propose/demo/v2/?lang={lang}")
    phone.fill("#contact", "not a contact")
    phone.locator("form.propose-form button[type=submit]").click()
    phone.wait_for_selector("#error-summary")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert axe_violations(phone) == []
