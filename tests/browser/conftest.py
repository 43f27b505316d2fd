"""Playwright driving Debian's /usr/bin/chromium (never a downloaded browser).

Without Chromium the browser tests skip with a reason, except when KENES_REQUIRE_BROWSER=1
(set by .ci/run), where its absence is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KENES_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# The live server runs in a thread beside the test; Django refuses async-unsafe calls otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("KENES_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page whose browser asks for Kazakh first."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="kk-KZ",
        extra_http_headers={"Accept-Language": "kk"},
        # Playwright's wait_for_function evaluates strings, which the site's Content Security
        # Policy (no 'unsafe-eval') refuses; the pages need no eval themselves, and
        # test_security_browser.py checks them under the real policy.
        bypass_csp=True,
    )
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; return its violations of the given impacts (by default the
    serious and critical ones; tests/browser/test_axe_every_page.py asks for all four)."""
    if not AXE.exists():
        if os.environ.get("KENES_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing (npm ci)")
        pytest.skip("axe-core is not installed (npm ci)")
    # Evaluated, not added as a <script>: the pages' Content Security Policy refuses inline
    # scripts, and a test must not need to loosen it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
