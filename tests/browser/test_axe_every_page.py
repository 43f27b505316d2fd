"""axe-core over every page of the demo, public and staff, in Kazakh and in Russian.

The page list is the one the no-English crawl finds (tests/portal/test_no_english_on_kk_ru_pages):
every page reachable by links from the home page as a visitor, and from the staff start pages as
each demo role, one page per route. Each page is loaded once per language on a 390 px phone and
checked by axe for violations of any impact (minor to critical): the list must be empty.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from kenes.accounts.models import User
from tests.browser.conftest import axe_violations
from tests.portal.test_no_english_on_kk_ru_pages import START, _crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def _page_list(lang: str) -> list[tuple[str | None, str, str]]:
    """(role, session cookie, url) for each route: the visitor's pages, then each role's own."""
    covered: set[str] = set()
    found: list[tuple[str | None, str, str]] = []
    for role, starts in START.items():
        client = Client()
        if role is not None:
            client.force_login(User.objects.get(username=role))
        pages: dict[str, str] = {}
        _crawl(client, lang, starts, set(), pages)
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        for route, url in pages.items():
            if route not in covered:  # a public page looks the same to staff
                covered.add(route)
                found.append((role, session.value if session else "", url))
    return found


def test_axe_finds_nothing_on_any_page_of_the_demo(live_server, browser, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--no-shared", stdout=io.StringIO())
    failures: dict[str, list[dict]] = {}
    checked = 0
    for lang in ("kk", "ru"):
        pages = _page_list(lang)
        roles = {role for role, _session, _url in pages}
        assert {None, "reviewer", "organiser"} <= roles, roles
        contexts = {}
        for role, session, url in pages:
            if role not in contexts:
                context = browser.new_context(
                    viewport={"width": 390, "height": 844},
                    locale=f"{lang}-KZ",
                    extra_http_headers={"Accept-Language": lang},
                    bypass_csp=True,
                )
                cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang}]
                if session:
                    cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session})
                context.add_cookies([{**c, "url": live_server.url} for c in cookies])
                contexts[role] = context.new_page()
            page = contexts[role]
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            found = axe_violations(page, ALL_IMPACTS)
            checked += 1
            if found:
                failures[f"{lang} {role or 'visitor'} {url}"] = found
        for page in contexts.values():
            page.context.close()
    assert checked >= 60, checked
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
