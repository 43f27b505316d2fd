"""No English and no developer text on any kk or ru page of the demo.

The demo is seeded into the test database, then every page reachable by links from the home
page (and from the staff start pages, as each demo role) is fetched in Kazakh and in Russian.
A page fails on Django's and the admin's English phrases, on command lines, on internal ids of
drafts and analysis models, on the internal campaign prefix of an answer, and on whole English
sentences in text that is not marked ``lang="en"``.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from kenes.accounts.models import User

pytestmark = pytest.mark.django_db

# Phrases of Django, its admin and auth that must never reach a kk or ru reader.
ENGLISH_PHRASES = [
    "View site",
    "Log out",
    "Log in",
    "Recent actions",
    "Toggle theme",
    "Authentication and Authorization",
    "403 Forbidden",
    "Page not found",
    "Server Error",
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Traceback",
    "Django",
    "Welcome,",
    "Change password",
    "Save and continue",
    "Powered by",
    "Not Found",
]
# Developer text: command lines, raw ids of drafts ("consultations-law/v1") and models.
DEVELOPER_PATTERNS = [
    re.compile(r"\bkenes [a-z]+-[a-z-]+"),
    re.compile(r"(?<![\w-])--[a-z]{3,}(?:-[a-z]+)*\b"),
    re.compile(r"\bmanage\.py\b"),
    re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+/v\d+\b"),  # slug/v1
    re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+ v\d+\b"),  # "consultations-law v1"
    re.compile(r"\bhashing-char\d"),
    re.compile(r"\bkenes-analysis/"),
    re.compile(r"\bC-\d+ науқанына жауап"),
    re.compile(r"Ответ на кампанию C-\d+"),
    re.compile(r"Answer to (?:campaign|theme) "),
]
# Two or more of these words in one run of Latin text make it an English sentence.
ENGLISH_WORDS = {
    "the",
    "and",
    "of",
    "to",
    "is",
    "this",
    "for",
    "with",
    "your",
    "not",
    "are",
    "has",
    "have",
    "was",
    "been",
    "you",
    "from",
    "that",
    "will",
    "can",
    "be",
    "on",
    "in",
}
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,.:;]+[A-Za-z][A-Za-z'’]*){2,}")

START = {
    None: ["/", "/staff/login/"],
    "reviewer": ["/", "/review/", "/review/campaigns/", "/review/themes/"],
    "observer": ["/", "/review/"],
    "organiser": ["/", "/outreach/manage/", "/outreach/offline/"],
    "admin": ["/", "/review/", "/outreach/manage/", "/staff/drafts/upload/"],
}
# Not pages for people: files, machine endpoints, the admin (its Kazakh catalog is checked on
# its own), sign-out, and links that switch the language.
SKIP = re.compile(
    r"^/(?:static|media|api|admin|staff/logout|logout|i18n)/|"
    r"\.(?:csv|xlsx|json|jsonl|pdf|zip|txt|xml|webmanifest|js|css|png|svg|ico|docx|md)$|"
    r"/sw\.js$|/sync$"
)
MAX_PAGES = 160
MAX_PER_ROUTE = 3  # e.g. three proposals' pages stand for all of them


class _Text(HTMLParser):
    """Collect links, and visible text (with its lang) outside script, style and code."""

    SKIP_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "template", "noscript"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "base"}
    ATTRS = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.chunks: list[tuple[str, str]] = []
        self.stack: list[tuple[str, str, bool]] = []  # tag, lang, skipped

    def _lang(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        lang = a.get("lang") or self._lang()
        skipped = self._skipped() or tag in self.SKIP_TAGS or "hidden" in a
        if not skipped:
            for name in self.ATTRS:
                if a.get(name):
                    self.chunks.append((lang, a[name]))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.chunks.append((lang, a["value"]))
        if tag not in self.VOID:
            self.stack.append((tag, lang, skipped))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not self._skipped():
            self.chunks.append((self._lang(), data))


def _problems(html: str, page_lang: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    found = []
    for lang, text in parser.chunks:
        if lang.startswith("en"):
            continue
        found += [f"English {p!r}" for p in ENGLISH_PHRASES if p.lower() in text.lower()]
        found += [
            f"developer text {m.group(0)!r}" for r in DEVELOPER_PATTERNS for m in r.finditer(text)
        ]
        for run in LATIN_RUN.finditer(text):
            words = {w.lower().strip(",.:;") for w in run.group(0).split()}
            if len(words & ENGLISH_WORDS) >= 2:
                found.append(f"English sentence {run.group(0)[:80]!r}")
    return found, parser.links


def _route(path: str) -> str:
    """A path with its ids and codes blanked out: pages of one kind share a route."""
    return re.sub(r"/(?:\d+|KNS-[\w-]+|[a-z0-9-]+-\d+)(?=/|$)", "/*", path)


def _crawl(
    client: Client,
    lang: str,
    starts: list[str],
    visited: set[str],
    pages: dict[str, str] | None = None,
) -> dict[str, list[str]]:
    """Fetch the pages reachable from ``starts``; return each page's problems.

    ``visited`` gets the route of every HTML page fetched, and ``pages`` (when given) the first
    URL of each route: the demo's page list (tests/browser/test_axe_every_page.py).
    """
    seen: set[str] = set()
    per_route: dict[str, int] = {}
    queue = deque(f"{s}?lang={lang}" if "?" not in s else f"{s}&lang={lang}" for s in starts)
    failures: dict[str, list[str]] = {}
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or SKIP.search(path):
            continue
        seen.add(url)
        route = _route(path) + ("?" if urlsplit(url).query.replace(f"lang={lang}", "") else "")
        if per_route.get(route, 0) >= MAX_PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        fetched += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited.add(route)
        if pages is not None:
            pages.setdefault(route, url)
        problems, links = _problems(response.content.decode(), lang)
        if problems:
            failures[url] = sorted(set(problems))[:8]
        for href in links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if "lang=" in parts.query or "script=" in parts.query:
                continue  # the language and alphabet switches
            queue.append(href)
    return failures


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--no-shared", stdout=io.StringIO())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_and_no_developer_text_on_any_page(demo, lang):
    failures: dict[str, list[str]] = {}
    visited: dict[str, set[str]] = {}
    for role, starts in START.items():
        client = Client()
        if role is not None:
            client.force_login(User.objects.get(username=role))
        routes = visited.setdefault(role or "visitor", set())
        for url, problems in _crawl(client, lang, starts, routes).items():
            failures[f"{role or 'visitor'} {url}"] = problems
    # the crawl reached the pages that matter, as each role
    assert len(visited["visitor"]) >= 20, sorted(visited["visitor"])
    assert {"/review/*/", "/review/campaigns/*/"} <= visited["reviewer"], visited["reviewer"]
    assert "/outreach/manage/*/" in visited["organiser"], visited["organiser"]
    assert "/staff/login/" in visited["visitor"] and "/staff/drafts/upload/" in visited["admin"]
    assert not failures, "\n".join(f"{url}: {p}" for url, p in sorted(failures.items()))


def test_the_checker_finds_what_it_looks_for():
    """The checks above can fail: each kind of fault is caught, kk/ru text passes."""
    bad = (
        "<p>Recent actions</p><p><code>x</code>Run kenes import-proposals FILE</p>"
        "<p>consultations-law/v1</p><p>C-40 науқанына жауап (57 ұсыныс): иә</p>"
        "<p>The reason is not available in your language.</p>"
        "<p>consultations-law v2</p>"
    )
    problems, _ = _problems(bad, "kk")
    kinds = " ".join(problems)
    for expected in (
        "Recent actions",
        "kenes import-proposals",
        "/v1",
        "C-40",
        "English sentence",
        "consultations-law v2",
    ):
        assert expected in kinds, expected
    good = (
        '<p>Ұсыныс қабылданды. Код: KNS-7F3K-9Q2M</p><p lang="en">The text in English.</p>'
        "<code>kenes verify-receipt</code><p>Баптың мәтіні, PDF, CSV.</p>"
    )
    assert _problems(good, "kk")[0] == []
