"""Citizens' sign-in and their data (issue #10): phone code, e-mail link, OpenID Connect,
"my proposals", IIN, consents, the data download and the deletion request, the privacy page.

Thin: writes go through ``kenes.accounts.citizens`` and ``kenes.proposals.rights``. No phone,
e-mail or IIN is ever put in a URL: the phone waiting for its code sits in the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kenes.accounts import citizens, oidc
from kenes.accounts.models import Citizen
from kenes.accounts.session import citizen_login, citizen_logout, current_citizen
from kenes.proposals import rights

SESSION_PHONE = "kenes_signin_phone"
SESSION_NEXT = "kenes_signin_next"


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


# Shown on the sign-in page and recorded (text and version) when a citizen signs in.
ACCOUNT_CONSENT = gettext_lazy(
    "By signing in I agree that Kenes keeps my phone or e-mail (and my IIN where a "
    "consultation requires it), encrypted, to show me my proposals. I can download or "
    "delete these data at any time."
)


def _login(request: HttpRequest, citizen: Citizen) -> None:
    nxt = request.session.get(SESSION_NEXT, "")
    citizen_login(request, citizen)
    if nxt:
        request.session[SESSION_NEXT] = nxt
    citizens.account_consent_ensure(
        citizen=citizen, text=str(ACCOUNT_CONSENT), language=get_language() or ""
    )


def _signed_in(request: HttpRequest) -> HttpResponseRedirect:
    target = request.session.pop(SESSION_NEXT, "") or reverse("portal:my")
    return redirect(target)


def _limited(request: HttpRequest, key: str) -> HttpResponse | None:
    try:
        from kenes.core import ratelimit  # trust-a's abuse limits ("signin" scope)
    except ImportError:  # pragma: no cover - only before the abuse limits are merged
        return None
    retry = ratelimit.hit(request, "signin", key)
    return ratelimit.too_many(request, retry) if retry is not None else None


@never_cache
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Choose a way to sign in; the phone form sends a code, the e-mail form a link."""
    errors: list[str] = []
    sent_email = False
    if nxt := _next_url(request):
        request.session[SESSION_NEXT] = nxt
    if request.method == "POST":
        if limited := _limited(request, "send"):
            return limited
        try:
            if request.POST.get("way") == "email":
                citizens.signin_link_send(
                    email=request.POST.get("email", ""),
                    base_url=request.build_absolute_uri(reverse("portal:signin-email", args=["x"]))[
                        :-2
                    ],
                )
                sent_email = True
            else:
                row = citizens.signin_code_send(phone=request.POST.get("phone", ""))
                request.session[SESSION_PHONE] = row.target
                return redirect("portal:signin-code")
        except ValidationError as exc:
            errors = _errors(exc)
    return render(
        request,
        "portal/citizen/signin.html",
        {
            "errors": errors,
            "sent_email": sent_email,
            "oidc": oidc.enabled(),
            "phone": request.POST.get("phone", ""),
            "email": request.POST.get("email", ""),
            "way": request.POST.get("way", "phone"),
            "consent": ACCOUNT_CONSENT,
        },
        status=400 if errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    """Type the code sent to the phone (kept in the session, never in the URL)."""
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        return redirect("portal:signin")
    errors: list[str] = []
    if request.method == "POST":
        if limited := _limited(request, "code"):
            return limited
        try:
            citizen = citizens.signin_code_verify(phone=phone, code=request.POST.get("code", ""))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            _login(request, citizen)
            request.session.pop(SESSION_PHONE, None)
            return _signed_in(request)
    return render(
        request,
        "portal/citizen/code.html",
        {"errors": errors, "phone": "•" * (len(phone) - 4) + phone[-4:]},
        status=400 if errors else 200,
    )


@never_cache
@require_GET
def signin_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        citizen = citizens.signin_link_verify(token=token)
    except ValidationError as exc:
        return render(request, "portal/citizen/signin.html", {"errors": _errors(exc)}, status=400)
    _login(request, citizen)
    return _signed_in(request)


@never_cache
@require_GET
def signin_oidc(request: HttpRequest) -> HttpResponse:
    if not oidc.enabled():
        return render(
            request,
            "portal/citizen/signin.html",
            {"errors": [_("Sign-in with eGov is not set up on this site.")]},
            status=404,
        )
    try:
        url = oidc.start(request, request.build_absolute_uri(reverse("portal:signin-oidc-back")))
    except Exception:  # the provider is down or misconfigured
        return render(
            request,
            "portal/citizen/signin.html",
            {"errors": [_("The eGov sign-in service does not answer. Try again later.")]},
            status=503,
        )
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def signin_oidc_back(request: HttpRequest) -> HttpResponse:
    try:
        issuer, subject, claims = oidc.finish(request)
        citizen = citizens.citizen_from_oidc(issuer=issuer, subject=subject, claims=claims)
    except (oidc.OIDCError, ValidationError):
        return render(
            request,
            "portal/citizen/signin.html",
            {"errors": [_("Sign-in with eGov did not succeed. Try again.")], "oidc": True},
            status=400,
        )
    _login(request, citizen)
    return _signed_in(request)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    citizen_logout(request)
    return redirect("portal:home")


def citizen_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in citizen's page: the view gets the citizen after the request; anyone else
    goes to the sign-in page (and then to "my page")."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = current_citizen(request)
        if citizen is None:
            return redirect(reverse("portal:signin") + "?next=" + reverse("portal:my"))
        return view(request, citizen, *args, **kwargs)

    return wrapped


@never_cache
@require_GET
@citizen_view
def my(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    """My proposals, my IIN (masked), my consents, and my data rights."""
    return render(
        request,
        "portal/citizen/my.html",
        {
            "citizen": citizen,
            "proposals": list(rights.citizen_proposals(citizen)[:200]),
            "consents": list(citizen.consents.all()),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_view
def my_iin(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        try:
            citizens.citizen_set_iin(citizen=citizen, iin=request.POST.get("iin", ""))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return _signed_in(request)
    return render(
        request,
        "portal/citizen/iin.html",
        {"errors": errors, "citizen": citizen},
        status=400 if errors else 200,
    )


@never_cache
@require_GET
@citizen_view
def my_data(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    """Download everything Kenes holds about me, as JSON."""
    body = json.dumps(rights.citizen_data(citizen=citizen), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kenes-my-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@citizen_view
def my_delete(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    """Ask for deletion: confirm, then personal data is erased and the citizen signed out."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        rights.citizen_erase(citizen=citizen)
        citizen_logout(request)
        return render(request, "portal/citizen/deleted.html")
    return render(request, "portal/citizen/delete.html", {"citizen": citizen})


@require_POST
@citizen_view
def my_consent_withdraw(request: HttpRequest, citizen: Citizen, pk: int) -> HttpResponse:
    try:
        rights.consent_withdraw(citizen=citizen, record_id=pk)
    except ValidationError:
        return render(request, "404.html", status=404)
    return redirect("portal:my")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return render(
        request,
        "portal/citizen/privacy.html",
        {
            "contact_days": settings.KENES_RETENTION_CONTACT_DAYS,
            "citizen_days": settings.KENES_RETENTION_CITIZEN_DAYS,
        },
    )
