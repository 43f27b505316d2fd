"""OpenID Connect client (authlib): an eGov identity provider plugs in by configuration.

Settings: ``KENES_OIDC_ISSUER`` (its discovery document is at
``<issuer>/.well-known/openid-configuration``), ``KENES_OIDC_CLIENT_ID``,
``KENES_OIDC_CLIENT_SECRET``, ``KENES_OIDC_SCOPES`` and, when the provider gives the IIN,
``KENES_OIDC_IIN_CLAIM``. The flow is the authorization code flow with PKCE (S256), a
``state`` and a ``nonce`` kept in the session; the ID token's signature (the provider's JWKS),
issuer, audience, expiry and nonce are checked with joserfc (authlib's JOSE library).
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.http import HttpRequest
from joserfc import jwt
from joserfc.jwk import KeySet

SESSION_FLOW = "kenes_oidc_flow"
TIMEOUT = 10


class OIDCError(Exception):
    """The provider refused, or its answer did not check out."""


def enabled() -> bool:
    return bool(settings.KENES_OIDC_ISSUER and settings.KENES_OIDC_CLIENT_ID)


@lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict[str, Any]:
    resp = requests.get(issuer + "/.well-known/openid-configuration", timeout=TIMEOUT)
    resp.raise_for_status()
    doc: dict[str, Any] = resp.json()
    if doc.get("issuer", "").rstrip("/") != issuer:
        raise OIDCError("the discovery document names another issuer")
    return doc


def _client(redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.KENES_OIDC_CLIENT_ID,
        settings.KENES_OIDC_CLIENT_SECRET,
        scope=settings.KENES_OIDC_SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
    )


def start(request: HttpRequest, redirect_uri: str) -> str:
    """Return the provider's authorization URL; keep state, nonce and PKCE verifier in the
    session."""
    doc = _discovery(settings.KENES_OIDC_ISSUER)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = _client(redirect_uri).create_authorization_url(
        doc["authorization_endpoint"], nonce=nonce, code_verifier=verifier
    )
    request.session[SESSION_FLOW] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
    }
    return str(url)


def finish(request: HttpRequest) -> tuple[str, str, dict[str, Any]]:
    """Check the callback, exchange the code, verify the ID token; return (issuer, sub,
    claims)."""
    flow = request.session.pop(SESSION_FLOW, None)
    if not isinstance(flow, dict):
        raise OIDCError("no sign-in was started in this browser")
    if request.GET.get("error"):
        raise OIDCError(f"the provider refused: {request.GET.get('error')}")
    if not secrets.compare_digest(str(request.GET.get("state", "")), str(flow["state"])):
        raise OIDCError("the state does not match")
    code = request.GET.get("code", "")
    if not code:
        raise OIDCError("the provider gave no code")
    doc = _discovery(settings.KENES_OIDC_ISSUER)
    client = _client(flow["redirect_uri"])
    try:
        token = client.fetch_token(
            doc["token_endpoint"],
            code=code,
            code_verifier=flow["verifier"],
            timeout=TIMEOUT,
        )
        jwks = requests.get(doc["jwks_uri"], timeout=TIMEOUT).json()
        decoded = jwt.decode(token["id_token"], KeySet.import_key_set(jwks))
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": settings.KENES_OIDC_ISSUER},
            aud={"essential": True, "value": settings.KENES_OIDC_CLIENT_ID},
            sub={"essential": True},
            nonce={"essential": True, "value": flow["nonce"]},
        ).validate(decoded.claims)
        claims = decoded.claims
    except OIDCError:
        raise
    except Exception as exc:  # authlib raises many kinds; every one is a refused sign-in
        raise OIDCError(f"the ID token did not check out: {exc}") from exc
    data = dict(claims)
    userinfo_url = doc.get("userinfo_endpoint")
    if userinfo_url and token.get("access_token"):
        resp = requests.get(
            userinfo_url,
            headers={"Authorization": f"Bearer {token['access_token']}"},
            timeout=TIMEOUT,
        )
        if resp.ok:
            info = resp.json()
            if info.get("sub") == data.get("sub"):
                data.update({k: v for k, v in info.items() if k not in data})
    return str(data["iss"]), str(data["sub"]), data
