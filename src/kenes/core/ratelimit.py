"""Abuse limits: count requests per client IP and per identity in Django's cache; 429 past a limit.

A limit is ``"N/S"``: at most N events in S seconds (a fixed window that starts with the first
event). Limits are settings (``KENES_RATE_LIMITS``, each overridable by an environment variable,
see settings.py); the counts live in the ``default`` cache — local memory in development (one
process), the database cache or Redis in production (shared by every worker; see
docs/security.md).

Two ways to use it:

- the decorator, for a view whose every (POST) request counts::

      @rate_limited("vote", identity=lambda request: str(request.user.pk))
      def vote(request): ...

- :func:`blocked` / :func:`hit` where only some events count (wrong receipt secrets, failed
  sign-ins): check ``blocked`` first, and ``hit`` after a failure.

Either way a refused request gets HTTP 429 with ``Retry-After`` (seconds) and a message in the
request's language: JSON (``{"detail", "errors"}``) under ``/api/``, a short page elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_limit(text: str) -> Limit | None:
    """``"20/3600"`` or ``"20/h"`` → Limit(20, 3600); empty, ``"0"`` or ``"off"`` → None."""
    text = (text or "").strip().lower()
    if text in ("", "0", "off", "none"):
        return None
    count, _sep, period = text.partition("/")
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    seconds = units[period] if period in units else int(period or "60")
    return Limit(int(count), seconds)


def limit_for(scope: str) -> Limit | None:
    return parse_limit(getattr(settings, "KENES_RATE_LIMITS", {}).get(scope, ""))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address ``KENES_PROXY_COUNT`` proxies saw.

    Behind N trusted reverse proxies the client is the N-th address from the right of
    X-Forwarded-For (every proxy appends the address it received from); values a client wrote
    itself are to the left and ignored. IPv6 clients are counted per /64.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    hops = int(getattr(settings, "KENES_PROXY_COUNT", 0) or 0)
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        # No usable address (a test client, a misconfigured proxy): one shared bucket, and
        # still a valid address for django-axes, which stores it in an IP address column.
        return "0.0.0.0"  # noqa: S104 - a placeholder value, not a bind address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _key(scope: str, kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # identities are never stored plain
    return f"kenes:rl:{scope}:{kind}:{digest}:{window}"


def _subjects(request: HttpRequest, identity: str | None) -> Iterable[tuple[str, str]]:
    yield "ip", client_ip(request)
    if identity:
        yield "id", identity


def _window(limit: Limit, now: float) -> tuple[int, int]:
    start = int(now // limit.seconds)
    retry = int((start + 1) * limit.seconds - now) + 1
    return start, retry


def blocked(request: HttpRequest, scope: str, identity: str | None = None) -> int | None:
    """Return the seconds to wait if the IP or the identity is over ``scope``'s limit."""
    limit = limit_for(scope)
    if limit is None:
        return None
    window, retry = _window(limit, time.time())
    for kind, value in _subjects(request, identity):
        if (cache.get(_key(scope, kind, value, window)) or 0) >= limit.count:
            return retry
    return None


def hit(request: HttpRequest, scope: str, identity: str | None = None) -> int | None:
    """Count one event; return the seconds to wait if this event went over the limit."""
    limit = limit_for(scope)
    if limit is None:
        return None
    window, retry = _window(limit, time.time())
    over = False
    for kind, value in _subjects(request, identity):
        key = _key(scope, kind, value, window)
        cache.add(key, 0, timeout=limit.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.seconds + 1)
            count = 1
        over = over or count > limit.count
    return retry if over else None


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 answer, in the request's language, with ``Retry-After``."""
    from kenes.core.middleware import bad_input_response

    minutes = max(1, (retry_after + 59) // 60)
    message = _(
        "Too many requests from you in a short time. Please wait %(minutes)s min and try again."
    ) % {"minutes": minutes}
    response = bad_input_response(request, message, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str,
    *,
    identity: Callable[[HttpRequest], str | None] | None = None,
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[F], F]:
    """Refuse with 429 a view's requests (of ``methods``) past ``scope``'s limit."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method in methods:
                who = identity(request) if identity else None
                retry = hit(request, scope, who)
                if retry is not None:
                    return too_many(request, retry)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
