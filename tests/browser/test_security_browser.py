"""Under the Content Security Policy the pages still work: no CSP violation in the console,
the proposal form's counter and the receipt's print button work, and Swagger UI renders the
API from our own static files, with no network outside the server (issue #10)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page):
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    outside: list[str] = []
    return problems, outside


def test_pages_work_under_the_policy(live_server, demo_draft, browser):
    # a context of its own: the shared ``phone`` fixture bypasses the policy for Playwright
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    phone = context.new_page()
    problems, _outside = _watch(phone)
    for path in ("/", "/draft/demo/v2/article/6", "/proposals/", "/track/", "/ledger/verify/"):
        phone.goto(f"{live_server.url}{path}?lang=ru")
        phone.wait_for_load_state("networkidle")
    phone.goto(f"{live_server.url}/propose/demo/v2/?lang=ru")
    phone.fill("#text", "Кратко")
    assert "counter-bad" in (phone.locator("#text-count").get_attribute("class") or "")
    phone.fill("#text", "Предлагаю продлить срок обсуждения проекта до девяноста дней.")
    phone.locator("form.propose-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/receipt/KNS-"))
    assert phone.locator("#print-receipt").is_visible()
    assert problems == []
    context.close()


def test_swagger_ui_renders_offline(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(live_server.url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/api/docs?lang=kk")
    try:
        page.wait_for_selector(".opblock", timeout=60_000)
    except Exception as exc:
        raise AssertionError(f"Swagger UI did not render: {errors} {problems} {outside}") from exc
    assert page.locator(".opblock").count() >= 5
    assert page.locator("html").get_attribute("lang") == "en"
    assert outside == [] and problems == []
    context.close()
