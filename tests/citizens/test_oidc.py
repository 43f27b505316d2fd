"""Sign-in through a real OpenID Connect provider (django-oidc-provider in a second process)."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import override_settings
from django.urls import reverse

from kenes.accounts import oidc
from kenes.accounts.models import Citizen
from kenes.accounts.session import SESSION_CITIZEN
from tests.citizens import oidc_idp

pytest.importorskip("oidc_provider")
REDIRECT = "http://testserver/signin/egov/back/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    db = tmp_path_factory.mktemp("idp") / "idp.sqlite3"
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.citizens.oidc_idp", str(db), REDIRECT],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("READY "):
            proc.kill()
            pytest.fail("the test OIDC provider did not start: " + proc.stderr.read())  # type: ignore[union-attr]
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _settings(issuer):
    return override_settings(
        KENES_OIDC_ISSUER=issuer,
        KENES_OIDC_CLIENT_ID=oidc_idp.CLIENT_ID,
        KENES_OIDC_CLIENT_SECRET=oidc_idp.CLIENT_SECRET,
        KENES_OIDC_SCOPES="openid profile email",
    )


def _authorize_at_provider(authorize_url: str) -> str:
    """Act as the browser at the provider: sign in there and follow to the callback."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    hops = 0
    while response.status_code in (301, 302) and hops < 6:
        location = response.headers["Location"]
        if location.startswith(REDIRECT):
            return location
        if location.startswith("/"):
            base = urlsplit(response.url)
            location = f"{base.scheme}://{base.netloc}{location}"
        response = browser.get(location, allow_redirects=False, timeout=10)
        hops += 1
    raise AssertionError(f"the provider did not send us back: {response.status_code}")


def test_sign_in_with_a_real_provider(client, db, provider):
    oidc._discovery.cache_clear()
    with _settings(provider):
        start = client.get(reverse("portal:signin-oidc"))
        assert start.status_code == 302 and start["Location"].startswith(provider)
        query = parse_qs(urlsplit(start["Location"]).query)
        assert query["code_challenge_method"] == ["S256"] and query["nonce"]
        back = _authorize_at_provider(start["Location"])
        response = client.get(back.replace("http://testserver", ""))
        assert response.status_code == 302, response.content.decode()[:500]
        assert response["Location"] == reverse("portal:my")
    citizen = Citizen.objects.get()
    assert client.session[SESSION_CITIZEN] == citizen.pk
    assert citizen.name == "Айгерим Садыкова" and citizen.oidc_index
    # the same person signing in again gets the same account
    with _settings(provider):
        client.post(reverse("portal:signout"))
        start = client.get(reverse("portal:signin-oidc"))
        client.get(_authorize_at_provider(start["Location"]).replace("http://testserver", ""))
    assert Citizen.objects.count() == 1


def test_a_forged_callback_is_refused(client, db, provider):
    oidc._discovery.cache_clear()
    with _settings(provider):
        start = client.get(reverse("portal:signin-oidc"))
        back = _authorize_at_provider(start["Location"])
        forged = back.replace("state=", "state=x")
        response = client.get(forged.replace("http://testserver", ""))
    assert response.status_code == 400
    assert not Citizen.objects.exists()


def test_wrong_client_secret_is_refused(client, db, provider):
    oidc._discovery.cache_clear()
    with _settings(provider), override_settings(KENES_OIDC_CLIENT_SECRET="wrong"):
        start = client.get(reverse("portal:signin-oidc"))
        back = _authorize_at_provider(start["Location"])
        response = client.get(back.replace("http://testserver", ""))
    assert response.status_code == 400 and not Citizen.objects.exists()


def test_not_configured_answers_404(client, db):
    assert client.get(reverse("portal:signin-oidc")).status_code == 404
