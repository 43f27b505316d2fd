"""The vote card on a 390 px phone in Kazakh and Russian: vote, add a statement, and see the
results count the new votes (recomputed at once: immediate task backend, no debounce)."""

from __future__ import annotations

import re

import pytest

from kenes.core.seeding import SeedContext
from kenes.deliberation import seed
from kenes.deliberation.models import Statement, Vote
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "kk": {"agree": "Келісемін", "disagree": "Келіспеймін", "pass": "Өткізу / білмеймін",
           "send": "Модерацияға жіберу", "waiting": "модерацияны күтуде", "votes": "дауыс"},
    "ru": {"agree": "Согласен", "disagree": "Не согласен", "pass": "Пропустить / не уверен",
           "send": "Отправить на модерацию", "waiting": "ожидает модерации", "votes": "голосов"},
}  # fmt: skip


@pytest.fixture
def demo(demo_draft, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KENES_DELIB_RECOMPUTE_DELAY = 0
    settings.KENES_DELIB_AUTO = True
    seed.seed(SeedContext())
    return seed.DEMO_SLUG


def vote_total(page, word) -> int:
    text = page.locator("ul.counts").inner_text()
    match = re.search(r"(\d[\d\s\u00a0]*)\s*" + word, text)
    assert match, text
    return int(re.sub(r"\D", "", match.group(1)))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_vote_on_a_phone_and_see_the_results_update(live_server, browser, demo, lang):
    w = WORDS[lang]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/talk/{demo}/results/")
        before = vote_total(page, w["votes"])
        assert page.locator("svg[role=img] circle").count() > 100
        assert axe_violations(page) == []

        page.goto(f"{live_server.url}/talk/{demo}/")
        assert axe_violations(page) == []
        agree = page.get_by_role("button", name=w["agree"], exact=True)
        box = agree.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        seen = []
        for name in ("agree", "disagree", "pass"):
            text = page.locator(".dl-card").inner_text()
            assert text not in seen
            seen.append(text)
            page.get_by_role("button", name=w[name], exact=True).click()
            # htmx swaps in the next card
            page.wait_for_function(
                "t => document.querySelector('.dl-card') && "
                "document.querySelector('.dl-card').innerText !== t",
                arg=text,
            )
        assert Vote.objects.filter(participant__external_id="").count() == 3

        page.fill("#own-text", "Кездесу хаттамасы сайтта жарияланып тұрсын.")
        page.get_by_role("button", name=w["send"]).click()
        page.wait_for_selector(".dl-msg")
        assert w["waiting"] in page.locator(".dl-msg").inner_text()
        assert Statement.objects.filter(state="pending", text__startswith="Кездесу хаттамасы")

        page.goto(f"{live_server.url}/talk/{demo}/results/")
        assert vote_total(page, w["votes"]) == before + 3

        page.goto(f"{live_server.url}/talk/{demo}/projector/")
        assert vote_total(page, w["votes"]) == before + 3
        assert axe_violations(page) == []
    finally:
        context.close()


def test_moderation_queue_in_the_browser(live_server, browser, demo):
    from kenes.accounts.roles import Role
    from kenes.accounts.services import staff_user_create

    staff_user_create(
        actor=None,
        username="moderator",
        password="pw-moderator-123456",
        roles=[Role.COMMISSION_ADMIN],
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="ru",
        extra_http_headers={"Accept-Language": "ru"},
    )
    page = context.new_page()
    try:
        path = f"/talk/{demo}/moderate/"
        page.goto(f"{live_server.url}/admin/login/?next={path}")
        page.fill("#id_username", "moderator")
        page.fill("#id_password", "pw-moderator-123456")
        page.locator("input[type=submit]").click()
        page.wait_for_url(f"**{path}")
        assert axe_violations(page) == []
        first = page.locator(".dl-queue > li").first
        text = first.locator(".dl-text").inner_text()
        first.get_by_role("button", name="Отклонить").click()
        page.wait_for_selector(".dl-queue .error")
        assert "причину" in page.locator(".dl-queue .error").inner_text()
        assert axe_violations(page) == []
        first = page.locator(".dl-queue > li").first
        first.locator("textarea").fill("Повторяет другое утверждение.")
        first.get_by_role("button", name="Отклонить").click()
        page.wait_for_selector(".dl-msg")
        s = Statement.objects.get(text=text)
        assert s.state == "rejected" and s.reason == "Повторяет другое утверждение."
        page.locator(".dl-queue > li").first.get_by_role("button", name="Принять").click()
        page.wait_for_selector(".dl-msg")
        assert Statement.objects.filter(state="pending").count() == 0
    finally:
        context.close()
