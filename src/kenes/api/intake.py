"""The lean HTTP path of ``POST /api/proposals/``: the hot path of a national deadline day.

A submission through the full site stack passes twenty middlewares (sessions, CSRF, staff
sign-in, second factor, django-axes, public caching, …), the URL resolver of the whole site and
ninja's operation machinery — about a third of a submission's CPU in the web process, none
of it needed by an anonymous or token-authenticated JSON submission. :class:`IntakeHandler` is a
Django handler of its own for that one path: the same request object, signals and exception
handling, only the middlewares that shape an API answer (security headers, language, NUL
checks, compression, frame and content policies — in the site's order), and one view, found
without the site's URL resolver, that calls the very function the ninja endpoint calls (:func:`kenes.proposals.api.submit_request`) and
renders with the API's own renderer and error handlers, so both paths answer byte for byte
alike (tests/proposals/test_intake_lean.py compares them). ``kenes.wsgi.application`` sends
``POST /api/proposals/`` here and everything else to the site; the OpenAPI schema still
documents the ninja endpoint. Decision 26 in docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError

from kenes.api.urls import api
from kenes.proposals.api import OptionalBearer, submit_request
from kenes.proposals.models import ApiToken

INTAKE_PATH = "/api/proposals/"
INTAKE_ROUTE = INTAKE_PATH.lstrip("/")

# The site's middlewares that matter for a JSON submission, kept in the site's order.
INTAKE_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kenes.core.middleware.QueryLanguageMiddleware",
    "kenes.core.middleware.BadInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kenes.core.middleware.ContentSecurityPolicyMiddleware",
)


def intake_middleware() -> list[str]:
    """The site's MIDDLEWARE restricted to :data:`INTAKE_MIDDLEWARE`, in the site's order."""
    return [name for name in settings.MIDDLEWARE if name in INTAKE_MIDDLEWARE]


# Built once: ninja inspects the authenticator's class each time one is built.
_AUTH = OptionalBearer()


@csrf_exempt
def submit_view(request: HttpRequest) -> HttpResponse:
    auth = _AUTH(request)
    if not auth:
        return api.on_exception(request, AuthenticationError())
    answer = submit_request(request, auth if isinstance(auth, ApiToken) else None)
    if isinstance(answer, HttpResponse):
        return answer
    status, data, headers = answer
    response = api.create_response(request, data, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


class IntakeHandler(WSGIHandler):
    """A WSGI handler with the intake middlewares only (see the module's docstring)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for name in intake_middleware()[::-1]:
            middleware = import_string(name)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """Its one view, without the site's resolver; ``reverse()`` still sees the site's URLs
        (the thread's URLconf is left alone)."""
        match = ResolverMatch(submit_view, (), {}, url_name="intake_submit", route=INTAKE_ROUTE)
        request.resolver_match = match
        return match


def dispatch(site: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The WSGI application: submissions to :class:`IntakeHandler`, the rest to ``site``."""
    intake = IntakeHandler()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == INTAKE_PATH:
            return intake(environ, start_response)
        return site(environ, start_response)

    return application
