"""The review screens in a real browser: a reviewer answers with the keyboard; accessibility."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.proposals.models import ProposalState
from kenes.review.models import Answer
from tests.browser.conftest import axe_violations
from tests.fixtures.proposals import submit_web

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-Passw0rd!"
T0 = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))


@pytest.fixture
def proposals(demo_draft):
    version = demo_draft[1]
    texts = [
        ("6", "kk", "Консультация мерзімін тоқсан күнге дейін ұзартуды ұсынамын."),
        ("7", "ru", "Прошу публиковать ответы на предложения в течение десяти дней."),
        (None, "ru", "<script>window.pwned = 1</script> Замечание ко всему проекту."),
    ]
    return submit_web(version, texts, start=T0)


def log_in(page, base_url, username, next_path="/review/"):
    staff_user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        roles=[Role.REVIEWER.value if username == "dana" else Role.OBSERVER.value],
    )
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_reviewer_answers_with_the_keyboard_and_lands_on_the_next(live_server, proposals, phone):
    first, second, _third = proposals
    # given a reviewer logged in, on the queue
    log_in(phone, live_server.url, "dana")
    assert phone.locator("h1").count() == 1
    assert phone.locator("[data-row]").count() == 3
    # when they move to the first row with j and open it with Enter
    phone.keyboard.press("j")
    assert phone.evaluate("document.activeElement.textContent") == first.code
    phone.keyboard.press("x")
    assert phone.locator(f"#sel-{first.pk}").is_checked()
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/review/{first.pk}/")
    # and answer: 2 (partly accepted), type the reason, Ctrl+Enter
    phone.keyboard.press("2")
    assert phone.locator("input[name=decision][value=partly_accepted]").is_checked()
    phone.keyboard.type("Мерзім 45 күнге дейін ұзартылды.")
    phone.keyboard.press("Control+Enter")
    # then they land on the next proposal of the queue
    phone.wait_for_url(f"**/review/{second.pk}/")
    assert second.code in phone.locator("h1").inner_text()
    answer = Answer.objects.get(proposal=first)
    assert answer.decision == "partly_accepted"
    assert answer.reason_kk == "Мерзім 45 күнге дейін ұзартылды."
    first.refresh_from_db()
    assert first.state == ProposalState.ANSWERED
    # and typing a digit in a field types it, without choosing a decision
    phone.locator("#id_reason_ru").fill("")
    phone.locator("#id_reason_ru").press("3")
    assert phone.locator("#id_reason_ru").input_value() == "3"
    assert not phone.locator("input[name=decision][value=not_accepted]").is_checked()
    # and n moves on without answering; the script in a proposal's text is not run
    phone.locator("#id_reason_ru").press("Escape")
    phone.keyboard.press("n")
    phone.wait_for_url(f"**/review/{proposals[2].pk}/")
    assert "<script>" in phone.locator(".rv-proposal-text").inner_text()
    assert phone.evaluate("window.pwned === undefined")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_help_opens_with_question_mark(live_server, proposals, phone):
    log_in(phone, live_server.url, "dana")
    assert not phone.locator("#kbd-help").evaluate("el => el.open")
    phone.keyboard.press("?")
    assert phone.locator("#kbd-help").evaluate("el => el.open")


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("who", ["dana", "olga"])
def test_review_screens_have_no_serious_accessibility_violations(
    live_server, proposals, phone, browser, lang, who
):
    log_in(phone, live_server.url, who)
    for path in ("/review/", f"/review/{proposals[0].pk}/"):
        for page in (phone,):
            page.goto(f"{live_server.url}{path}?lang={lang}")
            assert axe_violations(page) == [], path
            assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
    # and at desktop width, with the filters and bulk actions opened
    wide = phone.context.browser.new_context(
        viewport={"width": 1280, "height": 900}, storage_state=phone.context.storage_state()
    )
    try:
        page = wide.new_page()
        page.goto(f"{live_server.url}/review/?lang={lang}&region=71")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert axe_violations(page) == []
        page.goto(f"{live_server.url}/review/{proposals[0].pk}/?lang={lang}")
        assert axe_violations(page) == []
    finally:
        wide.close()
