"""Receipt secrets: never in URLs or in the session table in clear; a lost API response can be
recovered by retrying with the same Idempotency-Key; anonymous clients have their own scopes."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from kenes.proposals.models import IdempotencyKey, Proposal
from kenes.proposals.selectors import receipt_check
from kenes.proposals.tokens import replay_secrets_expire

pytestmark = pytest.mark.django_db

TEXT = "Предлагаю закрепить право граждан на доступ к информации."


def _submit(client: Client, key: str, text: str = TEXT):
    body = {"document": "demo", "version": "v2", "text": text}
    return client.post(
        "/api/proposals/",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_the_secret_is_not_kept_in_clear_in_the_session(demo_draft):
    client = Client()
    response = client.post("/propose/demo/v2/", {"text": TEXT})
    assert response.status_code == 302
    stored = "".join(Session.objects.values_list("session_data", flat=True))
    decoded = [s.get_decoded() for s in Session.objects.all()]
    sealed = [d["kenes_receipt_secrets"] for d in decoded if "kenes_receipt_secrets" in d]
    assert sealed, "the pending secret is in the session"
    page = client.get(response["Location"]).content.decode()
    proposal = Proposal.objects.get()
    match = re.search(r'id="receipt-secret">([^<]+)<', page)
    assert match, "the receipt page shows the secret once"
    secret = "".join(match.group(1).split())
    assert receipt_check(code=proposal.code, secret=secret) == proposal
    # the session held it only encrypted
    for value in sealed[0].values():
        assert secret not in value
    assert secret not in stored


def test_the_secret_in_an_api_url_is_refused(demo_draft):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = _submit(client, "k1").json()
    response = client.get(f"/api/proposals/receipt/{data['code']}?secret={data['secret']}")
    assert response.status_code == 400
    assert "X-Receipt-Secret" in response.json()["detail"]
    # the header and the POST body work
    ok = client.get(
        f"/api/proposals/receipt/{data['code']}", headers={"X-Receipt-Secret": data["secret"]}
    )
    assert ok.status_code == 200 and ok.json()["secret_checked"] is True
    posted = client.post(
        f"/api/proposals/receipt/{data['code']}",
        json.dumps({"secret": data["secret"]}),
        content_type="application/json",
    )
    assert posted.status_code == 200 and posted.json()["secret_checked"] is True
    wrong = client.post(
        f"/api/proposals/receipt/{data['code']}",
        json.dumps({"secret": "WRONGSECRT"}),
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_a_lost_response_is_recovered_by_retrying_the_same_key(demo_draft, settings):
    client = Client()
    first = _submit(client, "retry-1")
    assert first.status_code == 201
    secret = first.json()["secret"]
    # the response was lost: the client retries with the same key and gets the secret again
    again = _submit(client, "retry-1")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["secret"] == secret
    # stored only encrypted
    sealed = IdempotencyKey.objects.get().secret_sealed
    assert sealed and secret not in sealed
    # after the window it is erased
    IdempotencyKey.objects.update(created_at=timezone.now() - timezone.timedelta(days=2))
    assert _submit(client, "retry-1").json()["secret"] is None
    assert IdempotencyKey.objects.get().secret_sealed == ""


def test_expired_secrets_are_erased_in_bulk(demo_draft):
    client = Client()
    _submit(client, "a")
    _submit(client, "b", TEXT + " Второй.")
    assert replay_secrets_expire() == 0
    IdempotencyKey.objects.filter(key="a").update(
        created_at=timezone.now() - timezone.timedelta(days=2)
    )
    assert replay_secrets_expire() == 1
    assert IdempotencyKey.objects.get(key="b").secret_sealed


def test_anonymous_clients_do_not_share_an_idempotency_scope(demo_draft):
    alice = Client(REMOTE_ADDR="10.0.0.1")
    mallory = Client(REMOTE_ADDR="10.0.0.2")
    first = _submit(alice, "same-key").json()
    # another client with the same key and body does not get Alice's proposal or secret
    other = _submit(mallory, "same-key")
    assert other.status_code == 201
    assert other.json()["code"] != first["code"]
    assert other.json()["secret"] != first["secret"]
    assert Proposal.objects.count() == 2


def test_the_expiry_command(demo_draft):
    from io import StringIO

    from django.core.management import call_command

    _submit(Client(), "c")
    IdempotencyKey.objects.update(created_at=timezone.now() - timezone.timedelta(days=2))
    out = StringIO()
    call_command("expire_replay_secrets", stdout=out)
    assert "erased 1" in out.getvalue()
    assert IdempotencyKey.objects.get().secret_sealed == ""
