"""The offline intake in Debian's Chromium: load online, go offline, record proposals and
attendance, come back online, sync; everything arrives exactly once, even when the answer to
a sync is lost and the phone sends again."""

from __future__ import annotations

import pytest

from kenes.outreach.models import Meeting
from kenes.proposals.models import Proposal
from tests.fixtures.people import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username, next_path):
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def test_offline_entries_sync_exactly_once(live_server, browser, past_meeting, organiser):
    context = browser.new_context(
        bypass_csp=True,  # wait_for_function evaluates strings (see conftest.phone)
        viewport={"width": 390, "height": 844},
        locale="kk-KZ",
        extra_http_headers={"Accept-Language": "kk"},
    )
    page = context.new_page()
    try:
        # given the organiser opened the offline form once while online
        log_in(page, live_server.url, organiser.username, "/outreach/offline/")
        page.wait_for_selector("body[data-offline-ready='1']", timeout=15000)
        page.reload()  # now controlled by the service worker
        page.wait_for_selector("body[data-offline-ready='1']", timeout=15000)
        # when the connection drops, the page still opens from the cache
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("#offline-app")
        assert page.locator("#net-status.or-offline").count() == 1
        page.select_option("#meeting", str(past_meeting.pk))
        texts = [
            "Жобаны аудандық газеттерде де жариялау керек, интернет нашар.",
            "Предлагаю продлить срок консультаций до шестидесяти дней.",
        ]
        for text in texts:
            page.fill("#p-text", text)
            page.locator("#proposal-form button[type=submit]").click()
        page.fill("#a-f_18_29", "6")
        page.fill("#a-m_60p", "4")
        page.locator("#attendance-form button[type=submit]").click()
        assert page.locator("#queue li[data-state=pending]").count() == 3
        # syncing offline keeps everything
        page.click("#sync")
        page.wait_for_function("document.getElementById('sync-status').textContent.length > 0")
        assert Proposal.objects.filter(channel="meeting").count() == 0

        # back online, the page sends by itself; that sync reaches the server but its answer
        # is lost
        def lose_answer(route):
            route.fetch()
            route.abort()

        page.route("**/outreach/offline/sync", lose_answer)
        with page.expect_request("**/outreach/offline/sync"):
            context.set_offline(False)
        page.wait_for_function(
            "document.getElementById('sync-status').textContent.indexOf('…') < 0"
        )
        assert Proposal.objects.filter(channel="meeting").count() == 2
        assert page.locator("#queue li[data-state=pending]").count() == 3
        page.unroute("**/outreach/offline/sync")
        # the phone sends again: nothing is stored twice, all are confirmed
        page.click("#sync")
        page.wait_for_selector("#queue li[data-state=pending]", state="detached")
        states = page.locator("#queue li").evaluate_all(
            "els => els.map(e => e.getAttribute('data-state'))"
        )
        assert states == ["duplicate", "duplicate", "duplicate"]
        assert Proposal.objects.filter(channel="meeting").count() == 2
        assert sorted(p.text for p in Proposal.objects.filter(channel="meeting")) == sorted(texts)
        assert Meeting.objects.get(pk=past_meeting.pk).attendees == 10
        # a further sync has nothing to send and adds nothing
        page.click("#sync")
        assert Proposal.objects.filter(channel="meeting").count() == 2
        assert page.locator("#queue .code-small").count() == 2  # receipt codes shown
    finally:
        context.close()


def test_entries_made_offline_are_sent_when_the_connection_returns(
    live_server, browser, past_meeting, organiser
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="ru-RU",
        extra_http_headers={"Accept-Language": "ru"},
    )
    page = context.new_page()
    try:
        log_in(page, live_server.url, organiser.username, "/outreach/offline/")
        page.wait_for_selector("body[data-offline-ready='1']", timeout=15000)
        context.set_offline(True)
        page.select_option("#meeting", str(past_meeting.pk))
        page.fill("#p-text", "Предлагаю публиковать проект в районной газете.")
        page.locator("#proposal-form button[type=submit]").click()
        assert page.locator("#queue li[data-state=pending]").count() == 1
        # when the connection returns, the entry is sent without pressing "sync"
        context.set_offline(False)
        page.wait_for_selector("#queue li[data-state=created]", timeout=15000)
        assert Proposal.objects.filter(channel="meeting").count() == 1
    finally:
        context.close()
