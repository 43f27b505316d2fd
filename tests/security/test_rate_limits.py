"""Abuse limits answer 429 with Retry-After (issue #10: 500 anonymous submissions all accepted,
30 wrong admin passwords without lockout, 200 wrong secrets for one receipt)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from kenes.accounts.roles import Role
from kenes.accounts.services import staff_user_create
from kenes.core import ratelimit
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    settings.KENES_RATE_LIMITS = {
        "submit": "3/600",
        "submit_token": "5/600",
        "receipt_secret": "3/3600",
        "signin": "4/600",
        "vote": "2/60",
    }


def _text(n: int) -> str:
    return f"Предлагаю изменить статью номер {n} и дополнить её новым пунктом."


def test_web_submissions_are_limited_per_browser_and_ip(demo_draft, tight):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    statuses = [client.post("/propose/demo/v2/", {"text": _text(n)}).status_code for n in range(5)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]
    response = client.post("/propose/demo/v2/", {"text": _text(9)})
    assert int(response["Retry-After"]) > 0
    assert "Слишком много" in response.content.decode()
    assert Proposal.objects.count() == 3
    # another address is not affected
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/propose/demo/v2/", {"text": _text(20)}).status_code == 302


def test_api_submissions_are_limited(demo_draft, tight):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    statuses = []
    for n in range(5):
        body = {"document": "demo", "version": "v2", "text": _text(n)}
        response = client.post("/api/proposals/", json.dumps(body), content_type="application/json")
        statuses.append(response.status_code)
    assert statuses == [201, 201, 201, 429, 429]
    assert response.json()["detail"] and int(response["Retry-After"]) > 0
    assert Proposal.objects.count() == 3


def test_wrong_receipt_secrets_are_limited(demo_draft, tight):
    client = Client()
    body = {"document": "demo", "version": "v2", "text": _text(1)}
    data = client.post("/api/proposals/", json.dumps(body), content_type="application/json").json()
    url = f"/api/proposals/receipt/{data['code']}"
    wrong = [
        client.get(url, headers={"X-Receipt-Secret": f"WRONG{n:05d}"}).status_code for n in range(5)
    ]
    assert wrong == [404, 404, 404, 429, 429]
    # even the right secret waits now, so guessing gains nothing
    assert client.get(url, headers={"X-Receipt-Secret": data["secret"]}).status_code == 429
    # the status without a secret stays open
    assert client.get(url).status_code == 200


def test_wrong_secrets_in_the_tracker_are_limited(demo_draft, tight):
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    body = {"document": "demo", "version": "v2", "text": _text(1)}
    code = client.post("/api/proposals/", json.dumps(body), content_type="application/json").json()[
        "code"
    ]
    statuses = [
        client.post("/track/", {"code": code, "secret": f"WRONG{n:05d}"}).status_code
        for n in range(5)
    ]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_admin_sign_in_is_rate_limited_and_locked_out(tight, settings):
    staff_user_create(
        actor=None, username="rev", password="A-long-pass-9!", roles=[Role.REVIEWER.value]
    )
    client = Client()
    # django-axes: 5 wrong passwords lock the account for this client address
    settings.KENES_RATE_LIMITS = {**settings.KENES_RATE_LIMITS, "signin": "100/600"}
    statuses = [
        client.post("/admin/login/", {"username": "rev", "password": "wrong"}).status_code
        for _n in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]
    response = client.post("/admin/login/", {"username": "rev", "password": "A-long-pass-9!"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # another address can still sign in (a lockout is per account and address)
    assert (
        Client(REMOTE_ADDR="10.8.8.8")
        .post("/admin/login/", {"username": "rev", "password": "A-long-pass-9!"})
        .status_code
        == 302
    )
    # the per-address rate limit refuses sign-in attempts past it, whatever the username
    settings.KENES_RATE_LIMITS = {**settings.KENES_RATE_LIMITS, "signin": "2/600"}
    other = Client(REMOTE_ADDR="10.9.9.9")
    codes = [
        other.post("/admin/login/", {"username": f"u{n}", "password": "x"}).status_code
        for n in range(4)
    ]
    assert codes[-1] == 429


def test_decorator_for_other_apps(tight):
    from django.http import HttpResponse

    @ratelimit.rate_limited("vote", identity=lambda request: "user:7")
    def vote(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    codes = [vote(factory.post("/vote")).status_code for _n in range(3)]
    assert codes == [200, 200, 429]
    assert vote(factory.get("/vote")).status_code == 200  # only POSTs count


def test_client_ip_behind_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 5.5.5.5")
    settings.KENES_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.KENES_PROXY_COUNT = 1
    assert ratelimit.client_ip(request) == "5.5.5.5"  # the client cannot forge the last hop
    request = factory.get("/", REMOTE_ADDR="2001:db8::1:2:3:4")
    settings.KENES_PROXY_COUNT = 0
    assert ratelimit.client_ip(request) == "2001:db8::"


def test_limits_parse():
    assert ratelimit.parse_limit("20/h") == ratelimit.Limit(20, 3600)
    assert ratelimit.parse_limit("5/30") == ratelimit.Limit(5, 30)
    assert ratelimit.parse_limit("off") is None


def test_staff_need_their_totp_code_when_required(settings, client):
    from io import StringIO

    from django.core.management import call_command
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff_user_create(
        actor=None, username="otp", password="A-long-pass-9!", roles=[Role.REVIEWER.value]
    )
    out = StringIO()
    call_command("staff_totp", "otp", stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=user)
    settings.KENES_STAFF_OTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting after the wrong code below
    # a session signed in without the second factor is sent back to the sign-in form
    client.force_login(user)
    response = client.get("/review/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    # with the code, staff pages open
    from django.contrib import admin
    from django_otp.admin import OTPAdminAuthenticationForm

    admin.site.login_form = OTPAdminAuthenticationForm
    try:
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
        fresh = Client()
        bad = fresh.post(
            "/admin/login/",
            {
                "username": "otp",
                "password": "A-long-pass-9!",
                "otp_device": device.persistent_id,
                "otp_token": "000000" if code != "000000" else "111111",
            },
        )
        assert bad.status_code == 200 and "_auth_user_id" not in fresh.session
        ok = fresh.post(
            "/admin/login/",
            {
                "username": "otp",
                "password": "A-long-pass-9!",
                "otp_device": device.persistent_id,
                "otp_token": code,
            },
        )
        assert ok.status_code == 302
        assert fresh.get("/review/").status_code == 200
    finally:
        admin.site.login_form = None
