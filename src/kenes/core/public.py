"""Anonymous public reads: short shared caching, and reads from a streaming replica.

:class:`PublicReadMiddleware` marks a request as an *anonymous public read* when it is a GET or
HEAD that carries no session cookie. For such requests

- the database router below sends reads to the ``replica`` database, when
  ``KENES_REPLICA_DATABASE_URL`` configures one (a PostgreSQL streaming replica; see
  docs/operations.md). Staff, writes and everything inside a transaction stay on ``default``,
  so nobody reads their own write from a replica that lags;
- a successful answer that set no cookie and used no CSRF token gets
  ``Cache-Control: public, max-age=KENES_PUBLIC_MAX_AGE`` (30 s by default) so a reverse proxy
  or the phone's browser can reuse it; Django's ConditionalGetMiddleware (after this one) adds
  the ETag and answers ``304 Not Modified``;
- the same answer is kept in Django's cache for those seconds and served from there to the
  next anonymous reader of the same URL in the same language (micro-caching: under load a
  popular page is built once per interval, not once per reader). For one more interval a
  stale copy is served while a single request rebuilds it, so a page is at most two
  intervals old. The key holds the path with
  its query, the language cookie, the alphabet cookie (Kazakh in Latin, see
  ``kenes.core.translit``), ``Accept-Language``, ``HX-Request`` and whether the reader accepts
  gzip (pages are cached as sent, compressed or not).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

_public_read: ContextVar[bool] = ContextVar("kenes_public_read", default=False)

# Paths never cached nor read from a replica (staff screens, intake, health checks).
PRIVATE_PREFIXES = (
    "/admin",
    "/review",
    "/outreach",
    "/i18n",
    "/healthz",
    "/readyz",
    "/propose",
    "/receipt",
)


def is_public_read() -> bool:
    return _public_read.get()


class public_read:
    """Mark the code inside as an anonymous public read (tests, CLI exports)."""

    def __init__(self, on: bool = True) -> None:
        self.on = on

    def __enter__(self) -> None:
        self.token = _public_read.set(self.on)

    def __exit__(self, *exc: object) -> None:
        _public_read.reset(self.token)


def _anonymous_read(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(PRIVATE_PREFIXES)
    )


class PublicReadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = _anonymous_read(request)
        max_age = settings.KENES_PUBLIC_MAX_AGE
        key = _cache_key(request) if anonymous and max_age > 0 else ""
        holds_lock = False
        if key:
            entry = cache.get(key)
            fresh = entry is not None and time.time() < entry[0]
            if not fresh:
                holds_lock = bool(cache.add(key + ":refresh", 1, 60))
            # Fresh: serve it. Stale: the one request that holds the refresh lock rebuilds
            # while the others keep getting the stale copy, so an expiring popular page is
            # built once, not by every reader waiting at that moment.
            if entry is not None and not holds_lock:
                return entry[1]  # type: ignore[no-any-return]
            if entry is None and not holds_lock:
                # Another request is building this page: wait for it (up to 10 s) rather
                # than build it again beside it.
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    time.sleep(0.05)
                    entry = cache.get(key)
                    if entry is not None:
                        return entry[1]  # type: ignore[no-any-return]
                    if cache.add(key + ":refresh", 1, 60):
                        holds_lock = True  # the builder gave up (not cacheable): build
                        break
        token = _public_read.set(anonymous)
        try:
            response = self.get_response(request)
        finally:
            _public_read.reset(token)
        if (
            key
            and response.status_code == 200
            and not response.streaming
            and "Cache-Control" not in response.headers
            and _only_cookies_the_url_asked_for(request, response)
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            patch_cache_control(response, public=True, max_age=max_age)
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            cache.set(key, (time.time() + max_age, response), max_age * 2)
        if holds_lock:  # after the set: a waiter finds the page, not a free lock
            cache.delete(key + ":refresh")
        return response


def _only_cookies_the_url_asked_for(request: HttpRequest, response: HttpResponse) -> bool:
    """True when the answer sets no cookie, or only those its ``?lang=``/``?script=`` asked for.

    A shared link such as ``/stats/?lang=kk&script=latn`` answers with ``kenes_lang=kk`` and
    ``kenes_script=latn``: those cookies follow from the URL alone (which is in the cache key),
    so every reader of the URL may get the same answer. Any other cookie (a session, a CSRF
    token) makes the answer personal.
    """
    from_url = {
        settings.LANGUAGE_COOKIE_NAME: request.GET.get("lang"),
        settings.KENES_SCRIPT_COOKIE: request.GET.get("script"),
    }
    return all(
        name in from_url and morsel.value == from_url[name]
        for name, morsel in response.cookies.items()
    )


def _cache_key(request: HttpRequest) -> str:
    parts = "\n".join(
        (
            request.method or "",
            request.get_full_path(),
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            request.COOKIES.get(settings.KENES_SCRIPT_COOKIE, ""),
            request.headers.get("Accept-Language", ""),
            request.headers.get("HX-Request", ""),
            # compressed or not (GZipMiddleware runs inside this one)
            "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "",
        )
    )
    return "kenes:page:" + hashlib.sha256(parts.encode()).hexdigest()[:40]


class ReplicaRouter:
    """Send anonymous public reads to ``replica`` when configured; everything else to default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (
            "replica" in settings.DATABASES
            and _public_read.get()
            and not connections["default"].in_atomic_block
        ):
            return "replica"
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as default: objects from both may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
