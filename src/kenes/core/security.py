"""Staff sign-in hardening and safe serving of uploads (docs/security.md).

- :func:`secure_admin_site`: the admin's sign-in is rate-limited per client address and per
  username (``KENES_RATE_LIMITS["signin"]``); django-axes locks an account for a client after
  ``KENES_LOGIN_FAILURES`` wrong passwords; with ``KENES_STAFF_OTP`` the form also asks for the
  staff member's TOTP code (django-otp), and staff pages refuse sessions without it.
- :func:`media`: serves ``MEDIA_ROOT`` in the documented set-up. Only images are shown inline;
  anything else is a download, and every answer carries a sandboxing policy, so an uploaded
  file can never run a script in the portal's origin.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.static import serve

from kenes.core import ratelimit

INLINE_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}


def secure_admin_site(site: AdminSite) -> None:
    """Rate-limit the admin's sign-in and, with KENES_STAFF_OTP, ask for the TOTP code."""
    if getattr(site, "_kenes_secured", False):
        return
    if settings.KENES_STAFF_OTP:
        from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

        site.login_form = OTPAdminAuthenticationForm
        site.login_template = OTPAdminSite.login_template
    plain_login = site.login

    def login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "POST":
            username = str(request.POST.get("username", ""))[:150].casefold()
            retry = ratelimit.hit(request, "signin", "staff:" + username if username else None)
            if retry is not None:
                return ratelimit.too_many(request, retry)
        return plain_login(request, extra_context)

    site.login = login  # type: ignore[method-assign]
    site._kenes_secured = True  # type: ignore[attr-defined]


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an upload: images inline, anything else as a download; never as a page."""
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if kind not in INLINE_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = f'attachment; filename="{PurePosixPath(path).name}"'
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
