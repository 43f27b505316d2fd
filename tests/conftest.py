"""The shared fixtures live in tests/fixtures/ (one module a subject) and are registered here,
once. Tests needing ../shared/data skip with a reason when it is absent
(``tests.fixtures.drafts.shared_file``)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.cache",
    "tests.fixtures.languages",
    "tests.fixtures.drafts",
    "tests.fixtures.people",
    "tests.fixtures.proposals",
    "tests.fixtures.ledger",
    "tests.fixtures.outreach",
    "tests.fixtures.search",
]

TESTS = Path(__file__).resolve().parent

# What every test of a folder (or of one file) starts with, beside the global autouse ones.
FOLDER_FIXTURES: dict[str, tuple[str, ...]] = {
    # Service messages in English, so assertions read plainly.
    "changes": ("english_messages",),
    "citizens": ("english_messages",),
    "comments/test_comments.py": ("english_messages",),
    "geo/test_kato_import.py": ("english_messages",),
    "ledger": ("english_messages", "fresh_tree"),
    "changes/test_changes_ledger.py": ("english_messages", "fresh_tree"),
    "proposals": ("english_messages",),
    "review": ("english_messages",),
    "security": ("english_messages",),
    "trust": ("english_messages",),
    # Messages and pages in English.
    "coalition": ("english_pages",),
    "insights": ("english_pages",),
    # Search by meaning with the hashing embedder (tests/fixtures/search.py).
    "insights/test_search.py": ("english_pages", "hashing_search"),
    "insights/test_search_views.py": ("english_pages", "hashing_search"),
    "portal/test_propose_similar.py": ("hashing_search",),
    "outreach": ("english_pages",),
    "browser/test_outreach_browser.py": ("english_pages",),
    # Anonymous pages cached as in production.
    "browser/test_page_budget.py": ("page_cache_on",),
    "core/test_public.py": ("page_cache_on",),
}


@pytest.fixture(autouse=True)
def _folder_fixtures(request):
    """Set up the fixtures ``FOLDER_FIXTURES`` names for the test's file, else its folder."""
    try:
        rel = Path(request.node.path).resolve().relative_to(TESTS).as_posix()
    except ValueError:
        return
    names = FOLDER_FIXTURES.get(rel) or FOLDER_FIXTURES.get(rel.split("/")[0], ())
    for name in names:
        request.getfixturevalue(name)


@pytest.fixture(autouse=True)
def _live_server_settles(request):
    """A test using the live server ends only when the server has answered every request.

    The live server is one thread pool for the whole session and, on in-memory SQLite, shares
    the test's database connection. A request still running when a test ends (a page the
    browser was loading as its context closed) would run beside the next test's setup or the
    flush that empties the database, on the same connection: its transaction can then undo the
    flush, and the next test finds the last one's rows. So, before the database is emptied,
    every browser context the test left open is closed and the request threads are awaited.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    # Set up first, so that it is torn down after this fixture's wait.
    request.getfixturevalue("transactional_db")
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    deadline = time.monotonic() + 30
    while busy := _request_threads():
        if time.monotonic() > deadline:
            pytest.fail(f"the live server still answers {len(busy)} request(s) 30 s after the test")
        time.sleep(0.02)


def _request_threads() -> list[threading.Thread]:
    """The live server's threads that are answering a request (socketserver names them
    after ``process_request_thread``)."""
    return [t for t in threading.enumerate() if t.is_alive() and "process_request_thread" in t.name]
