"""Let a link carry its language: ``?lang=ru`` switches the UI and remembers the choice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kenes.core import translit


class QueryLanguageMiddleware:
    """Honour ``?lang=<code>`` on any page, so shared links open in the sender's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.GET.get("lang")
        if lang not in self.codes:
            return self.get_response(request)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
        response.headers.setdefault("Content-Language", lang)
        return response


# --- Reading Kazakh in the Latin alphabet ---------------------------------------------------

SCRIPTS = ("cyrl", "latn")
# Never transliterated: the admin, the API and machine files keep their Cyrillic as stored.
_SCRIPT_SKIP = ("/admin/", "/api/", "/static/", "/media/")


def reader_script(request: HttpRequest) -> str:
    """The alphabet this reader asked for: ``?script=`` first, then the cookie (Cyrillic)."""
    asked = request.GET.get("script")
    if asked in SCRIPTS:
        return asked
    return "latn" if request.COOKIES.get(settings.KENES_SCRIPT_COOKIE) == "latn" else "cyrl"


class ScriptMiddleware:
    """Show a Kazakh page in the official Latin alphabet when the reader asked for it.

    ``?script=latn`` (or ``cyrl``) switches and is remembered in a cookie, like ``?lang=``.
    The page is rendered in Cyrillic as always and its reader text is transliterated on the
    way out (:func:`kenes.core.translit.html_to_latin`), so nothing in Latin is ever stored.
    Only Kazakh HTML pages change; Russian text marked ``lang="ru"`` inside them stays.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        script = reader_script(request)
        request.kenes_script = script  # type: ignore[attr-defined]
        response = self.get_response(request)
        asked = request.GET.get("script")
        if asked in SCRIPTS:
            response.set_cookie(
                settings.KENES_SCRIPT_COOKIE,
                asked,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
            )
        if (
            script == "latn"
            and (translation.get_language() or "")[:2] == "kk"
            and not request.path_info.startswith(_SCRIPT_SKIP)
            and response.get("Content-Type", "").startswith("text/html")
            and not response.streaming
            and "Content-Encoding" not in response
        ):
            charset = response.charset or "utf-8"
            html = response.content.decode(charset)
            response.content = translit.html_to_latin(html, "kk").encode(charset)
            response.headers["Content-Language"] = "kk-Latn"
        return response


# --- Bad input ------------------------------------------------------------------------------

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(*values: str) -> bool:
    return any("\x00" in value for value in values)


def _query_has_nul(query: Any) -> bool:
    return any(_has_nul(key, *query.getlist(key)) for key in query)


def bad_input_response(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A 4xx in the request's language: JSON under /api/, a short page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    response = HttpResponse(
        render_to_string("core/bad_request.html", {"message": message}, request=request),
        status=status,
    )
    return response


class BadInputMiddleware:
    """Answer 400 to a NUL byte in the path, the query string, a cookie or a posted form.

    PostgreSQL cannot store or compare text containing U+0000, so such a value would reach the
    database and fail there with a 500. No legitimate link or form ever carries one. JSON bodies
    are checked by the services that validate each field (see ``core.text``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = _has_nul(request.path_info) or _query_has_nul(request.GET)
            if not found and request.method == "POST":
                content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip()
                if content_type in _FORM_TYPES:
                    found = _query_has_nul(request.POST)
        except RequestDataTooBig:
            return bad_input_response(request, _("The request is too large."), status=413)
        except (UnicodeDecodeError, ValueError):
            found = True
        if found:
            return bad_input_response(
                request,
                _(
                    "The request contains a NUL character (U+0000), which is not allowed. "
                    "Remove it and try again."
                ),
            )
        return self.get_response(request)


# --- Deployment hardening -------------------------------------------------------------------


class ContentSecurityPolicyMiddleware:
    """Send ``Content-Security-Policy`` (``KENES_CSP``): scripts, styles, fonts only from us.

    Our pages carry no inline script or style (behaviours live in static files), so the policy
    needs no ``'unsafe-inline'``; an injected ``<script>`` would not run.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "KENES_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class StaffSecondFactorMiddleware:
    """With ``KENES_STAFF_OTP`` on, a staff session must have passed its TOTP code.

    The admin's sign-in form asks for the code (django-otp's ``OTPAuthenticationForm``); a
    staff member signed in without it (an old session, another sign-in path) is signed out of
    staff pages and sent to that form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            getattr(settings, "KENES_STAFF_OTP", False)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not request.path_info.startswith(("/admin/login/", "/admin/logout/", "/static/"))
        ):
            from django.contrib.auth import logout
            from django.contrib.auth.views import redirect_to_login

            logout(request)
            return redirect_to_login(request.get_full_path(), "/admin/login/")
        return self.get_response(request)
