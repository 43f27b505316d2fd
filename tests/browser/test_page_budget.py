"""Page weight and phone speed budget (issue #15, item 6): the only timing asserts of the suite.

Every public page, on a first visit (no cache), transfers at most 150 KB (HTML, CSS, JS, as
sent on the wire: Chromium's encodedDataLength, headers included). Under a phone profile
(CDP: 2x CPU slowdown, 150 ms latency, 1.6 Mbit/s down) the largest contentful paint is at
most 2.5 s and the total blocking time (long tasks beyond 50 ms) at most 200 ms. The network
profile is generous and the CPU slowdown mild on purpose: the machine running the suite is
shared and loaded; bytes are measured strictly.

The live test server sends static files uncompressed (production's whitenoise sends them
gzip-compressed), so the bytes measured here are an upper bound of production's.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


BUDGET_BYTES = 150 * 1024
LCP_MS = 2500
TBT_MS = 200

OBSERVE = """
window.__lcp = 0; window.__tbt = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__lcp = e.renderTime || e.loadTime || e.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__tbt += Math.max(0, e.duration - 50);
}).observe({type: "longtask", buffered: true});
"""


def first_visit(browser, url: str) -> dict[str, float]:
    """Load ``url`` in a fresh phone context; return bytes on the wire, LCP and TBT.

    The server and the browser are warmed first (the page loaded once in a throwaway context
    without throttling): a production server has compiled its templates and opened its static
    files long before a phone arrives, and serves a popular anonymous page from its short
    page cache (kenes.core.public), as it does here. The measured visit is a fresh context
    with the cache disabled: a first visit.
    """
    warm = browser.new_context(extra_http_headers={"Accept-Language": "kk"}, locale="kk-KZ")
    try:
        warm.new_page().goto(url, wait_until="load")
    finally:
        warm.close()
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="kk-KZ",
        extra_http_headers={"Accept-Language": "kk", "Accept-Encoding": "gzip"},
    )
    try:
        page = context.new_page()
        page.add_init_script(OBSERVE)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 150,
                "downloadThroughput": 1.6 * 1024 * 1024 / 8,
                "uploadThroughput": 750 * 1024 / 8,
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 2})
        sizes: dict[str, float] = {}
        urls: dict[str, str] = {}
        cdp.on(
            "Network.responseReceived",
            lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, url
        page.wait_for_timeout(500)  # let the last network events and paint entries arrive
        return {
            "bytes": sum(sizes.values()),
            "requests": len(sizes),
            "lcp": page.evaluate("window.__lcp"),
            "tbt": page.evaluate("window.__tbt"),
            "detail": {urls.get(k, k): v for k, v in sizes.items()},  # type: ignore[dict-item]
        }
    finally:
        context.close()


def measured(browser, url: str, attempts: int = 3) -> dict:
    """``first_visit`` with the timing taken as the best of up to ``attempts`` fresh visits.

    Bytes are checked on the first visit as they are (they do not depend on the machine);
    LCP and TBT depend on how busy the CI machine is (two suites run side by side there), so a
    page passes when one fresh visit meets the budget, and fails only when none does.
    """
    first = first_visit(browser, url)
    best = dict(first)
    for _ in range(attempts - 1):
        if 0 < best["lcp"] <= LCP_MS and best["tbt"] <= TBT_MS:
            break
        again = first_visit(browser, url)
        if again["lcp"] > 0:
            best["lcp"] = min(best["lcp"], again["lcp"]) if best["lcp"] > 0 else again["lcp"]
        best["tbt"] = min(best["tbt"], again["tbt"])
    return best


PAGES = [
    "/",
    "/draft/demo/v2/",
    "/draft/demo/v2/article/6",
    "/compare/demo/v1/demo/v2/?show=all",
    "/proposals/",
    "/proposals/?q=%D1%81%D1%80%D0%BE%D0%BA",
    "/track/",
    "/propose/demo/v2/",
]


def test_public_pages_stay_within_the_phone_budget(live_server, demo_draft, submit, browser):
    for n in range(30):
        submit(text=f"Предлагаю продлить срок обсуждения статьи {n} до девяноста дней.")
    for path in PAGES:
        m = measured(browser, live_server.url + path)
        assert m["bytes"] <= BUDGET_BYTES, (path, m["bytes"], m["detail"])
        assert 0 < m["lcp"] <= LCP_MS, (path, m["lcp"])
        assert m["tbt"] <= TBT_MS, (path, m["tbt"])


def test_the_1995_to_2026_comparison_stays_within_the_budget(
    live_server, constitution_1995, constitution_2026, browser
):
    m = measured(browser, live_server.url + "/compare/constitution/1995/constitution/2026/")
    assert m["bytes"] <= BUDGET_BYTES, (m["bytes"], m["detail"])
    assert 0 < m["lcp"] <= LCP_MS, m["lcp"]
    assert m["tbt"] <= TBT_MS, m["tbt"]
