"""Staff pages and the shared look in a real browser: sign-in, draft upload, error pages, the
compact header, focus ring, tap targets, 320 px, one-language drafts; axe on each, kk and ru,
on a 390 px phone and a desktop."""

from __future__ import annotations

import pytest

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.drafts import demo, formats
from kenes.drafts.models import Version
from kenes.drafts.services import draft_version_import
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kenes-staff-2026!"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(params=[("phone", "kk"), ("desktop", "ru")], ids=["phone-kk", "desktop-ru"])
def screen(request, browser):
    size, lang = request.param
    context = browser.new_context(
        viewport=SIZES[size], locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    page.lang = lang  # type: ignore[attr-defined]
    page.size = size  # type: ignore[attr-defined]
    yield page
    context.close()


def sign_in(page, base_url, username, next_path="/"):
    page.goto(f"{base_url}/admin/login/?next={next_path}")
    assert "/staff/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()


def test_staff_sign_in_upload_a_draft_and_sign_out(live_server, screen, tmp_path):
    staff_user_create(
        actor=None, username="aigerim", password=PASSWORD, roles=[Role.COMMISSION_ADMIN.value]
    )
    lang = screen.lang
    # the sign-in page is the portal's, with the language switch, and passes axe
    screen.goto(f"{live_server.url}/staff/login/")
    assert screen.locator(".lang-switch button").count() == 3
    assert axe_violations(screen) == []
    # a wrong password: the error summary at the top takes the focus
    screen.fill("#id_username", "aigerim")
    screen.fill("#id_password", "wrong")
    screen.locator("input[type=submit]").click()
    screen.wait_for_selector("#error-summary")
    assert screen.evaluate("document.activeElement.id") == "error-summary"
    assert axe_violations(screen) == []
    # signing in shows who is signed in on every page
    sign_in(screen, live_server.url, "aigerim", "/staff/drafts/upload/")
    assert screen.url.endswith("/staff/drafts/upload/")
    bar = screen.locator(".staff-bar").inner_text()
    assert "aigerim" in bar
    assert axe_violations(screen) == []
    screen.screenshot(path=str(tmp_path / f"upload-{screen.size}-{lang}.png"), full_page=True)
    # a good file: the check passes and the structure is shown, then it is published
    draft = tmp_path / "law.json"
    draft.write_text(formats.dumps(demo.build("v1", "kk")), encoding="utf-8")
    screen.set_input_files("#id_file", str(draft))
    screen.fill("#id_document", "browser-law")
    screen.fill("#id_version", "v1")
    screen.locator("#id_language_0").check()
    screen.locator("form.staff-form button[type=submit]").click()
    screen.wait_for_selector("#check-ok")
    assert screen.locator(".structure > li").count() == len(demo.build("v1", "kk").sections)
    assert axe_violations(screen) == []
    screen.locator(".publish-form button").click()
    screen.wait_for_selector("h1")
    assert Version.objects.filter(document__slug="browser-law", label="v1").exists()
    assert axe_violations(screen) == []
    # sign out from the bar
    screen.locator(".staff-bar button[type=submit]").click()
    screen.wait_for_load_state()
    assert screen.locator(".staff-bar").count() == 0
    assert axe_violations(screen) == []


def test_a_bad_draft_shows_every_problem_at_the_top(live_server, screen, tmp_path):
    staff_user_create(
        actor=None, username="aigerim", password=PASSWORD, roles=[Role.COMMISSION_ADMIN.value]
    )
    sign_in(screen, live_server.url, "aigerim", "/staff/drafts/upload/")
    draft = tmp_path / "law.json"
    draft.write_text('{"title": "x", "language": "kk", "sections": [{"oops": 1}]}')
    screen.set_input_files("#id_file", str(draft))
    screen.fill("#id_document", "bad-law")
    screen.fill("#id_version", "v1")
    screen.locator("form.staff-form button[type=submit]").click()
    screen.wait_for_selector("#error-summary")
    assert screen.evaluate("document.activeElement.id") == "error-summary"
    assert screen.locator(".problems tbody tr").count() >= 1
    assert axe_violations(screen) == []
    assert screen.evaluate("document.documentElement.scrollWidth") <= SIZES[screen.size]["width"]


def test_error_pages_are_the_portals(live_server, screen):
    screen.goto(f"{live_server.url}/no/such/page/")
    assert screen.locator(".site-header").count() == 1
    assert screen.locator("html").get_attribute("lang") == screen.lang
    assert axe_violations(screen) == []
    staff_user_create(actor=None, username="dana", password=PASSWORD, roles=[])
    sign_in(screen, live_server.url, "dana", "/staff/drafts/upload/")
    assert "dana" in screen.locator("main").inner_text()  # the 403 page names who is signed in
    assert axe_violations(screen) == []


def test_header_focus_ring_and_tap_targets_on_a_phone(live_server, demo_draft, phone):
    phone.goto(f"{live_server.url}/draft/demo/v2/")
    # a compact header: brand and language on one row, the menu on one row
    assert phone.locator(".site-header").bounding_box()["height"] <= 120
    # contents links are at least 44 px tall
    for box in [a.bounding_box() for a in phone.locator(".toc .articles a").all()[:5]]:
        assert box["height"] >= 44
    # the focus ring is black inside a yellow halo, not yellow alone on white
    phone.locator(".toc .articles a").first.focus()
    phone.keyboard.press("Tab")
    phone.keyboard.press("Shift+Tab")
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert outline == "rgb(11, 12, 13)" or outline == "rgb(11, 12, 12)"
    phone.goto(f"{live_server.url}/draft/demo/v2/article/6")
    for box in [a.bounding_box() for a in phone.locator(".anchor").all()]:
        assert box["height"] >= 44 and box["width"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the favicon answers
    assert phone.request.get(f"{live_server.url}/favicon.ico").ok


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_nothing_scrolls_sideways_at_320_px(live_server, demo_draft, browser, lang):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    long_query = "конституциялық" * 60
    for path in (
        f"/draft/demo/v2/search?q={long_query}&lang={lang}",
        f"/compare/demo/v1/demo/v2/?show=all&lang={lang}",
        f"/draft/demo/v2/article/6?lang={lang}",
        f"/staff/login/?lang={lang}",
    ):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_a_russian_only_draft_tells_a_kazakh_reader_and_offers_russian(live_server, phone):
    for label in ("v1", "v2"):
        draft_version_import(
            actor=None, doc=demo.build(label, "ru"), document_slug="ru-law", version_label=label
        )
    for path in (
        "/draft/ru-law/v2/",
        "/draft/ru-law/v2/article/6",
        "/compare/ru-law/v1/ru-law/v2/",
        "/propose/ru-law/v2/",
        "/draft/ru-law/v2/search?q=%D0%BA%D0%B2%D0%B8%D1%82%D0%B0%D0%BD%D1%86%D0%B8%D1%8F",
    ):
        phone.goto(live_server.url + path)
        note = phone.locator(".lang-note")
        assert note.count() == 1 and "қазақша мәтіні әлі жоқ" in note.inner_text(), path
        assert axe_violations(phone) == [], path
    # search: Russian results under the note, the note offers the Russian site
    assert phone.locator(".results li").count() >= 1
    phone.locator(".lang-note a").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "ru"
    assert phone.locator(".lang-note").count() == 0


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_coverage_map_and_tables_work_by_keyboard(live_server, phone, lang):
    phone.goto(f"{live_server.url}/outreach/coverage/?lang={lang}")
    svg = phone.locator(".or-map > svg")
    if svg.count():  # the map needs the regions GeoJSON (../shared); the tables do not
        assert svg.get_attribute("role") == "group"
        for link in svg.locator("a").all():
            assert link.get_attribute("aria-label")
    for box in phone.locator(".table-wrap").all():
        assert box.get_attribute("tabindex") == "0"
        assert box.get_attribute("role") == "region" and box.get_attribute("aria-labelledby")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


PUBLIC_PAGES = [
    "/",
    "/draft/demo/v2/",
    "/draft/demo/v2/article/6",
    "/draft/demo/v2/search?q=%D0%B7%D0%B0%D0%BA%D0%BE%D0%BD",
    "/compare/",
    "/compare/demo/v1/demo/v2/",
    "/propose/",
    "/proposals/",
    "/track/",
    "/stats/",
    "/ledger/",
    "/ledger/verify/",
    "/about/",
    "/help/",
    "/privacy/",
    "/outreach/",
    "/outreach/coalition/",
    "/open-data/",
    "/staff/login/",
    "/no/such/page/",
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_shared_look_passes_axe_and_fits_a_phone_on_every_public_page(
    live_server, demo_draft, phone, lang
):
    failures = {}
    for path in PUBLIC_PAGES:
        sep = "&" if "?" in path else "?"
        phone.goto(f"{live_server.url}{path}{sep}lang={lang}")
        found = axe_violations(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        header = phone.locator(".site-header").bounding_box()["height"]
        if found or width > 390 or header > 120:
            failures[path] = {"axe": found, "width": width, "header": header}
    assert failures == {}


def test_htmx_loads_only_where_the_page_uses_it(live_server, demo_draft, phone):
    urls: list[str] = []
    phone.on("request", lambda request: urls.append(request.url))

    def htmx_requested(path):
        urls.clear()
        phone.goto(live_server.url + path)
        phone.wait_for_load_state("networkidle")
        return any("htmx" in url for url in urls)

    assert not htmx_requested("/about/")
    assert not htmx_requested("/draft/demo/v2/article/6")
    # the contents page has the live search: htmx loads and works
    assert htmx_requested("/draft/demo/v2/")
    phone.fill("#q", "квитанция")
    phone.wait_for_selector("#search-results li")
