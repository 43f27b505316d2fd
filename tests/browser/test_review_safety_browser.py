"""Safe review screens in a real browser, in kk and ru, on a 390 px phone and a desktop.

Errors are summarised at the top and focused; many proposals are answered only after a
confirmation that says how many; single-key shortcuts can be turned off (WCAG 2.1.4).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.review.models import Answer
from tests.browser.conftest import axe_violations
from tests.fixtures.proposals import submit_web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T0 = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def proposals(demo_draft):
    version = demo_draft[1]
    texts = [
        ("6", "kk", "Консультация мерзімін тоқсан күнге дейін ұзартуды ұсынамын."),
        ("6", "kk", "Мерзімді ұзарту керек деп санаймын."),
        ("7", "ru", "Прошу публиковать ответы на предложения в течение десяти дней."),
    ]
    return submit_web(version, texts, start=T0)


@pytest.fixture
def signed_in(browser, live_server, request):
    """Open a browser context of a signed-in reviewer at the given viewport and language."""
    contexts = []

    def _open(size: str, lang: str):
        user = staff_user_create(
            actor=None,
            username=f"dana-{len(contexts)}",
            password="x-Passw0rd!",
            roles=[Role.REVIEWER.value],
        )
        client = Client()
        client.force_login(user)
        context = browser.new_context(
            viewport=VIEWPORTS[size],
            locale="kk-KZ" if lang == "kk" else "ru-RU",
            extra_http_headers={"Accept-Language": lang},
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _focused_is(page, selector: str) -> bool:
    return page.evaluate(f"document.activeElement.matches({selector!r})")


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_missing_reason_is_summarised_at_the_top_and_focused(
    live_server, proposals, signed_in, size, lang
):
    page = signed_in(size, lang)
    kk_proposal = proposals[0]
    page.goto(f"{live_server.url}/review/{kk_proposal.pk}/?lang={lang}")
    # when the reviewer answers a Kazakh proposal with a Russian reason only
    page.locator("input[name=decision][value=not_accepted]").check()
    page.locator("#id_reason_ru").fill("Не принято.")
    page.locator("[data-answer-form] button[type=submit]").click()
    page.wait_for_load_state()
    # then the summary is at the top of the page, focused and in view, and nothing is recorded
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    assert _focused_is(page, "[data-error-summary]")
    box = summary.bounding_box()
    assert box is not None and 0 <= box["y"] < VIEWPORTS[size]["height"]
    assert not Answer.objects.exists()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-error-summary-{lang}-{size}.png"))
    # and its link takes the focus to the Kazakh reason, which kept nothing typed away
    assert page.locator("#id_reason_ru").input_value() == "Не принято."
    summary.locator("a[href='#id_reason_kk']").click()
    assert _focused_is(page, "#id_reason_kk")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    # and with the Kazakh reason the answer is recorded
    page.locator("#id_reason_kk").fill("Қабылданбады: мерзім заңда белгіленген.")
    page.locator("[data-answer-form] button[type=submit]").click()
    page.wait_for_url(f"**/review/{proposals[1].pk}/**")
    # the next proposal's page and its panels have finished loading: no request of the live
    # server is left holding the database when the test's tables are flushed
    page.wait_for_load_state("networkidle")
    assert Answer.objects.get().reason_kk == "Қабылданбады: мерзім заңда белгіленген."


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_bulk_answer_asks_how_many_first(live_server, proposals, signed_in, size, lang):
    page = signed_in(size, lang)
    page.goto(f"{live_server.url}/review/?lang={lang}")
    for p in proposals[:2]:
        page.locator(f"#sel-{p.pk}").check()
    page.locator("details.rv-bulk > summary").click()
    page.locator("#id_bulk_decision").select_option("not_accepted")
    page.locator("#id_bulk_reason_kk").fill("Мерзім заңда белгіленген.")
    page.locator("button[name=action][value=answer]").click()
    page.wait_for_load_state()
    # then a confirmation names the number, with the focus on the question; nothing is answered
    heading = page.locator("h1")
    assert "2" in heading.inner_text()
    assert _focused_is(page, "h1")
    assert not Answer.objects.exists()
    for p in proposals[:2]:
        assert p.code in page.locator(".rv-confirm-codes").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-confirm-{lang}-{size}.png"), full_page=True)
    # and going back keeps the reason; confirming answers exactly the two
    page.locator("button[name=back]").click()
    page.wait_for_load_state()
    assert page.locator("#id_bulk_reason_kk").input_value() == "Мерзім заңда белгіленген."
    page.locator("button[name=action][value=answer]").click()
    page.locator("[data-confirm]").click()
    page.wait_for_url("**/review/")
    assert sorted(Answer.objects.values_list("proposal_id", flat=True)) == sorted(
        p.pk for p in proposals[:2]
    )
    # and the queue offers to undo it, in this session; undoing puts both back in review
    undo = page.locator("form.rv-undo")
    assert undo.count() == 1 and "2" in undo.inner_text()
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"review-undo-{lang}-{size}.png"))
    undo.locator("button").click()
    page.wait_for_load_state()
    assert page.locator("form.rv-undo").count() == 0
    states = {
        p.state for p in type(proposals[0]).objects.filter(pk__in=[p.pk for p in proposals[:2]])
    }
    assert states == {"in_review"}


def test_single_key_shortcuts_can_be_turned_off(live_server, proposals, signed_in):
    page = signed_in("desktop", "kk")
    page.goto(f"{live_server.url}/review/?lang=kk")
    page.keyboard.press("?")
    assert page.locator("#kbd-help").evaluate("el => el.open")
    toggle = page.locator("#shortcuts-on")
    assert toggle.is_visible() and toggle.is_checked()
    toggle.uncheck()
    page.reload()
    # then single keys do nothing, and the choice is remembered
    assert not page.locator("#shortcuts-on").is_checked()
    page.keyboard.press("?")
    assert not page.locator("#kbd-help").evaluate("el => el.open")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement === document.body")
