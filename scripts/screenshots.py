#!/usr/bin/env python3
"""Screenshots of the main pages for docs/screenshots/ and the README's gallery.

Run against a running demo (``make demo``, or the same commands on another port)::

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 --logins var/demo-logins.txt

Playwright drives Debian's /usr/bin/chromium headless (never a downloaded browser). Each page
is taken on a 390 px phone (the first 1.5 screens) and on a 1280 px desktop (the first screen),
in Kazakh and in Russian, then reduced to a 256-colour PNG so the whole gallery stays small.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# name, path, staff user (None: a visitor), languages. Paths are the demo's (kenes seed-demo).
PAGES: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    ("home", "/", None, ("kk", "ru")),
    ("article", "/draft/consultations-law/v2/article/4", None, ("kk", "ru")),
    # Kazakh in the Latin alphabet (the reader's "Latyn" switch), then back to Cyrillic
    ("article-latin", "/draft/consultations-law/v2/article/4?script=latn", None, ("kk",)),
    (
        "compare",
        "/compare/consultations-law/v1/consultations-law/v2/?script=cyrl",
        None,
        ("kk", "ru"),
    ),
    ("propose", "/propose/consultations-law/v2/", None, ("kk", "ru")),
    ("proposals", "/proposals/", None, ("kk", "ru")),
    ("statistics", "/stats/", None, ("kk", "ru")),
    ("meetings", "/outreach/", None, ("kk", "ru")),
    ("review", "/review/", "reviewer", ("kk", "ru")),
]


def _small_png(raw: bytes, path: Path) -> int:
    """Save ``raw`` as a 256-colour optimised PNG at ``path``; return its size in bytes."""
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, format="PNG", optimize=True)
    return path.stat().st_size


def _sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main input[type=submit], main button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/staff/login/" in page.url:
        raise SystemExit(f"could not sign in as {username}: check --logins")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the running demo")
    parser.add_argument("--logins", type=Path, default=REPO / "var" / "demo-logins.txt")
    parser.add_argument("--only", help="take only the pages whose name matches this regex")
    parser.add_argument(
        "--shrink-all", action="store_true", help="only re-save every PNG in docs/screenshots small"
    )
    args = parser.parse_args(argv)
    if args.shrink_all:
        for png in sorted(OUT.glob("*.png")):
            print(f"{png.name}  {_small_png(png.read_bytes(), png) // 1024} KB")
        return 0
    base = args.base.rstrip("/")
    logins = dict(
        line.split(" ", 1) for line in args.logins.read_text().splitlines() if " " in line
    )
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang in ("kk", "ru"):
            for device, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
                context = browser.new_context(
                    viewport=viewport,
                    locale=f"{lang}-KZ",
                    extra_http_headers={"Accept-Language": lang},
                    device_scale_factor=1,
                )
                page = context.new_page()
                page.goto(f"{base}/?lang={lang}")
                signed_in = None
                for name, path, user, langs in PAGES:
                    if lang not in langs or (args.only and not re.search(args.only, name)):
                        continue
                    if user and signed_in != user:
                        _sign_in(page, base, user, logins[user].strip())
                        signed_in = user
                    response = page.goto(f"{base}{path}")
                    if response is None or response.status != 200:
                        print(f"skipped {path}: {response and response.status}", file=sys.stderr)
                        continue
                    page.wait_for_load_state("networkidle")
                    height = int(viewport["height"] * (1.5 if device == "phone" else 1))
                    clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
                    raw = page.screenshot(clip=clip, full_page=True)
                    target = OUT / f"{name}-{lang}-{device}.png"
                    size = _small_png(raw, target)
                    total += size
                    print(f"{target.relative_to(REPO)}  {size // 1024} KB")
                context.close()
        browser.close()
    print(f"total {total // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
