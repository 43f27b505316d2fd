"""The lean intake handler (kenes.api.intake) answers as the full site stack does.

Each case is sent twice: through Django's test client (the whole middleware stack, the site's
URLs and the ninja endpoint) and through ``kenes.wsgi.application`` (which sends
``POST /api/proposals/`` to the lean handler). Status, headers and body must be the same, but
for what is random per submission (receipt code, secret, time).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from django.urls import get_urlconf, reverse

from kenes.api.intake import INTAKE_MIDDLEWARE, IntakeHandler, intake_middleware
from kenes.proposals.models import Proposal
from kenes.proposals.tokens import api_token_create

pytestmark = pytest.mark.django_db

URL = "/api/proposals/"
TEXT = "Предлагаю продлить срок консультаций до девяноста дней."
RANDOM = {"code", "secret", "submitted_at", "tracker_url"}
# Headers that differ between two answers for reasons other than the path taken.
UNSTABLE = {"date", "content-length"}


@contextlib.contextmanager
def keep_test_connection() -> Iterator[None]:
    """As Django's test client does: the test's transaction must outlive the request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def wsgi_post(
    body: bytes, headers: dict[str, str], query: str = ""
) -> tuple[int, dict[str, str], bytes]:
    """POST through kenes.wsgi.application, as gunicorn would call it."""
    from kenes.wsgi import application

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = {k.lower(): v for k, v in response_headers}

    with keep_test_connection():
        chunks = application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    return seen["status"], seen["headers"], content


def client_post(
    client, body: bytes, headers: dict[str, str], query: str = ""
) -> tuple[int, dict[str, str], bytes]:
    response = client.post(
        URL + (f"?{query}" if query else ""),
        data=body,
        content_type="application/json",
        headers=headers,
    )
    headers = {k.lower(): v for k, v in response.headers.items()}
    if response.cookies:  # the test client keeps Set-Cookie apart from the other headers
        headers["set-cookie"] = "; ".join(m.OutputString() for m in response.cookies.values())
    return response.status_code, headers, response.content


def comparable(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, dict[str, str], Any]:
    status, headers, content = answer
    data = json.loads(content) if content else None
    if isinstance(data, dict):
        data = {k: ("<random>" if k in RANDOM and v else v) for k, v in data.items()}
    kept = {k: v for k, v in headers.items() if k not in UNSTABLE}
    # a Set-Cookie of the language choice carries its own expiry time
    if "set-cookie" in kept:
        kept["set-cookie"] = kept["set-cookie"].split(";")[0].strip()
    return status, kept, data


def body(**fields: Any) -> bytes:
    data = {"document": "demo", "version": "v2", "text": TEXT, "language": "ru", **fields}
    return json.dumps(data, ensure_ascii=False).encode()


CASES = [
    ("a new proposal", body(region="71"), {}, ""),
    ("a new proposal on an article", body(article="6", point=1), {}, ""),
    ("in Kazakh, by Accept-Language", body(text="Қысқа"), {"Accept-Language": "kk"}, ""),
    ("in Kazakh, by ?lang=", body(region="nowhere"), {}, "lang=kk"),
    ("malformed JSON", b'{"document": "demo",', {}, ""),
    ("an unknown field", body(colour="red"), {}, ""),
    ("a missing text", json.dumps({"document": "demo", "version": "v2"}).encode(), {}, ""),
    ("a NUL character", body(text=TEXT + "\u0000"), {}, ""),
    ("an unknown version", body(version="v9"), {}, ""),
    ("an external id without a token", body(external_id="x-1"), {}, ""),
    ("a bad bearer token", body(), {"Authorization": "Bearer nope"}, ""),
    ("another auth scheme", body(), {"Authorization": "Basic dXNlcjpwYXNz"}, ""),
    ("a too large body", b'{"text": "' + b"a" * 3_000_000 + b'"}', {}, ""),
]


@pytest.mark.parametrize(("label", "payload", "headers", "query"), CASES, ids=[c[0] for c in CASES])
def test_the_lean_handler_answers_as_the_site_does(client, version, label, payload, headers, query):
    # when the same request goes through the site's stack and through the WSGI entry point
    site = comparable(client_post(client, payload, headers, query))
    lean = comparable(wsgi_post(payload, headers, query))
    # then both answers are the same (and each was a real answer)
    assert site == lean, label
    assert site[0] in (201, 401, 404, 413, 422)
    # and the thread still resolves and reverses the site's URLs afterwards
    assert get_urlconf() in (None, settings.ROOT_URLCONF)
    assert reverse("api-1:proposals_list") == URL


def test_a_token_and_an_idempotent_retry_answer_alike_on_both_paths(client, version):
    # given a partner's token
    _token, raw = api_token_create(actor=None, name="Hotline", channel="email", source="hotline")
    auth = {"Authorization": f"Bearer {raw}"}
    # when one submission goes through the site and its retry (same key) through the lean path
    first = client_post(client, body(external_id="call-7"), {**auth, "Idempotency-Key": "k-7"})
    retry = wsgi_post(body(external_id="call-7"), {**auth, "Idempotency-Key": "k-7"})
    # then the retry returns the same receipt, marked replayed, and one proposal is stored
    assert first[0] == 201 and retry[0] == 200
    assert json.loads(retry[2])["code"] == json.loads(first[2])["code"]
    assert json.loads(retry[2])["replayed"] is True
    proposal = Proposal.objects.get()
    assert (proposal.channel, proposal.source, proposal.external_id) == (
        "email",
        "hotline",
        "call-7",
    )
    # and the same key with another body is refused alike on both paths
    other = body(external_id="call-7", text=TEXT + " Иначе.")
    assert comparable(client_post(client, other, {**auth, "Idempotency-Key": "k-7"})) == (
        comparable(wsgi_post(other, {**auth, "Idempotency-Key": "k-7"}))
    )


def test_other_requests_still_go_to_the_site(client, version):
    # the lean handler takes only POST /api/proposals/: a GET of the list is the site's
    from kenes.wsgi import application

    environ = client.get(URL).wsgi_request.environ
    status: list[str] = []
    with keep_test_connection():
        content = b"".join(application(environ, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("200") and b'"items"' in content


def test_the_lean_stack_keeps_the_site_order_and_follows_the_site(version):
    # its middlewares are the site's, in the site's order
    kept = intake_middleware()
    assert kept == [m for m in settings.MIDDLEWARE if m in kept]
    assert set(kept) == set(INTAKE_MIDDLEWARE) & set(settings.MIDDLEWARE)
    # and a site without the content security policy answers without it on this path too
    fewer = [m for m in settings.MIDDLEWARE if "ContentSecurityPolicy" not in m]
    with override_settings(MIDDLEWARE=fewer):
        handler = IntakeHandler()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": URL,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": "2",
            "wsgi.input": io.BytesIO(b"{}"),
            "wsgi.url_scheme": "http",
        }
        seen: list[list[tuple[str, str]]] = []
        with keep_test_connection():
            answer = handler(environ, lambda status, headers, exc=None: seen.append(headers))
            b"".join(answer)
            answer.close()
    names = {name.lower() for name, _value in seen[0]}
    assert "x-frame-options" in names and "content-security-policy" not in names
