"""The proposals API: submit (idempotent, tokens, errors), receipt look-up, public list."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kenes.proposals import tokens
from kenes.proposals.models import ApiToken, IdempotencyKey, Proposal
from kenes.proposals.tokens import api_token_authenticate, api_token_create
from kenes.review.services import answer_record

pytestmark = pytest.mark.django_db

URL = "/api/proposals/"
TEXT = "Предлагаю продлить срок консультаций до девяноста дней."
CONTACT = "+7 701 555 44 33"


def body(**overrides):
    data = {"document": "demo", "version": "v2", "text": TEXT, "language": "ru"}
    data.update(overrides)
    return data


@pytest.fixture
def post(client, version):
    def _post(data=None, *, key=None, token=None, lang=None, raw=None):
        headers = {}
        if key is not None:
            headers["Idempotency-Key"] = key
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if lang is not None:
            headers["Accept-Language"] = lang
        payload = raw if raw is not None else json.dumps(data if data is not None else body())
        return client.post(URL, data=payload, content_type="application/json", headers=headers)

    return _post


@pytest.fixture
def token(db):
    _token, raw = api_token_create(
        actor=None, name="Nur Otan hotline", channel="email", source="hotline-2026"
    )
    return raw


# --- Submit ---------------------------------------------------------------------------------


def test_a_submission_gets_a_receipt(post):
    # when a proposal is posted without a token
    response = post(body(article="6", point=1, region="71"))
    # then it is stored on the api channel from the public source, with a receipt
    assert response.status_code == 201
    data = response.json()
    proposal = Proposal.objects.get()
    assert data["code"] == proposal.code and data["secret"] and data["replayed"] is False
    assert data["state"] == "received" and data["language"] == "ru"
    assert data["tracker_url"].endswith(proposal.code)
    assert (proposal.channel, proposal.source) == ("api", "public")
    assert (proposal.article.number, proposal.point.number, proposal.region) == ("6", "1", "71")


def test_a_retry_with_the_same_key_returns_the_first_receipt(post):
    # given a submission with an Idempotency-Key
    first = post(key="order-1").json()
    # when the client retries it (it never saw the answer)
    again = post(key="order-1")
    # then the same receipt comes back, marked replayed, with the secret (within the replay
    # window: the client never saw the first answer), and nothing new is stored
    assert again.status_code == 200
    assert again.json()["code"] == first["code"]
    assert again.json()["replayed"] is True and again.json()["secret"] == first["secret"]
    assert Proposal.objects.count() == 1
    assert IdempotencyKey.objects.get().proposal.code == first["code"]


def test_the_same_key_with_another_body_is_refused(post):
    # given a key already used
    post(key="order-1")
    # when it is sent again with another text
    response = post(body(text="Совсем другое предложение о сроках публикации."), key="order-1")
    # then it is refused, and nothing new is stored
    assert response.status_code == 422
    assert "idempotency_key" in response.json()["errors"]
    assert Proposal.objects.count() == 1


def test_keys_are_scoped_per_token(post, token):
    # given a key used publicly
    public = post(key="k1").json()
    # when a token holder uses the same key
    mine = post(key="k1", token=token)
    # then it is a new proposal of its own
    assert mine.status_code == 201 and mine.json()["code"] != public["code"]
    assert Proposal.objects.count() == 2


def test_a_concurrent_retry_that_loses_the_race_replays_the_winner(post, monkeypatch):
    # given a first request with a key, committed
    first = post(key="race").json()
    # when a second one with the same key did not see it (a race) and tries to insert it
    real_replay = tokens._replay
    calls = []

    def late_replay(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_replay(*args)

    monkeypatch.setattr(tokens, "_replay", late_replay)
    response = post(key="race")
    # then the unique key rolls back its proposal and the winner is replayed
    assert response.status_code == 200 and response.json()["code"] == first["code"]
    assert Proposal.objects.count() == 1 and len(calls) == 2


def test_a_token_sets_channel_and_source(post, token):
    response = post(token=token)
    assert response.status_code == 201
    proposal = Proposal.objects.get()
    assert (proposal.channel, proposal.source) == ("email", "hotline-2026")


@pytest.mark.parametrize("header", ["Bearer kns_nope_nope", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_a_bad_token_is_refused(client, version, header):
    response = client.post(
        URL,
        data=json.dumps(body()),
        content_type="application/json",
        headers={"Authorization": header},
    )
    assert response.status_code == 401
    assert not Proposal.objects.exists()


def test_an_external_id_needs_a_token_and_is_idempotent(post, token):
    # without a token an external id is refused
    assert post(body(external_id="x-1")).status_code == 422
    # with one, the same external id twice gives the same receipt
    first = post(body(external_id="x-1"), token=token)
    again = post(body(external_id="x-1"), token=token)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["code"] == first.json()["code"]
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "коротко"}, "text"),
        ({"region": "99"}, "region"),
        ({"article": "999"}, "article"),
        ({"contact": CONTACT}, "consent"),
        ({"text": None}, "text"),
        ({"txt": "typo"}, "txt"),
        ({"consent": "maybe"}, "consent"),
    ],
)
def test_bad_fields_get_a_422_per_field(post, overrides, field):
    response = post(body(**overrides))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Proposal.objects.exists()


def test_a_missing_field_and_bad_json_are_422(post):
    data = body()
    del data["text"]
    assert "text" in post(data).json()["errors"]
    bad = post(raw="{not json")
    assert bad.status_code == 422 and "body" in bad.json()["errors"]
    assert post(raw="[1, 2]").status_code == 422


def test_messages_follow_accept_language(post):
    # when a Russian-speaking client sends a too short text
    response = post(body(text="коротко"), lang="ru")
    # then the message is in Russian
    assert response.json()["errors"]["text"] == [
        "Предложение слишком короткое: напишите не менее 10 символов."
    ]
    assert response["Content-Language"] == "ru"


def test_the_same_text_from_the_same_contact_is_409(post, caplog):
    # given a proposal with a contact
    assert post(body(contact=CONTACT, consent=True)).status_code == 201
    # when the same author sends it again
    with caplog.at_level(logging.DEBUG):
        response = post(body(contact=CONTACT, consent=True))
    # then it is a conflict, and the contact is neither in the answer nor in the logs
    assert response.status_code == 409
    assert "text" in response.json()["errors"]
    # (the number's last seven digits: a timestamp's milliseconds alone may be "555")
    digits = "".join(ch for ch in CONTACT if ch.isdigit())[-7:]
    assert digits not in response.content.decode().replace(" ", "").replace("-", "")
    assert CONTACT not in caplog.text and digits not in caplog.text.replace(" ", "")


def test_unknown_document_or_version_is_404(post):
    response = post(body(document="nope"))
    assert response.status_code == 404 and "nope" in response.json()["detail"]
    assert post(body(version="v9")).status_code == 404


def test_a_body_over_the_limit_is_413(post, settings):
    # given a small upload limit
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    # when a larger body is posted
    response = post(body(consent_text="x" * 2000))
    # then it is refused with 413, not 400 or 500
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]
    assert not Proposal.objects.exists()


def test_html_is_kept_as_text_and_json_escaped(post, client):
    # given a text with markup
    text = '<script>alert("x")</script> предлагаю & <b>жирно</b>'
    post(body(text=text))
    # when the list is read
    response = client.get(URL)
    # then the text comes back exactly, as a JSON string
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["items"][0]["text"] == text
    assert '\\"x\\"' in response.content.decode()


# --- Receipt --------------------------------------------------------------------------------


def test_a_receipt_shows_state_history_and_answer(post, client, reviewer):
    # given a proposal answered by a reviewer
    data = post(body(contact=CONTACT, consent=True, article="6")).json()
    proposal = Proposal.objects.get()
    answer_record(
        actor=reviewer,
        proposal=proposal,
        decision="accepted",
        reason_kk="Ескерілді.",
        reason_ru="Учтено.",
        changed_article=proposal.article,
    )
    # when its author checks the receipt with the secret
    response = client.get(
        f"{URL}receipt/{data['code'].lower()}", headers={"X-Receipt-Secret": data["secret"]}
    )
    # then state, history and the answer are shown, without personal data or reviewer names
    assert response.status_code == 200
    receipt = response.json()
    assert receipt["code"] == data["code"] and receipt["state"] == "answered"
    assert receipt["secret_checked"] is True
    assert [h["state"] for h in receipt["history"]] == ["received", "answered"]
    assert receipt["answer"]["decision"] == "accepted"
    assert (receipt["answer"]["reason_kk"], receipt["answer"]["reason_ru"]) == (
        "Ескерілді.",
        "Учтено.",
    )
    assert receipt["answer"]["changed_article"] == "6"
    content = response.content.decode()
    digits = "".join(ch for ch in CONTACT if ch.isdigit())
    assert digits[-7:] not in content.replace(" ", "").replace("-", "")
    assert "dana" not in content and "contact" not in content


@pytest.mark.parametrize("code", ["KNS-2222-2222", "garbage", "KNS"])
def test_an_unknown_or_invalid_code_is_404(client, code):
    response = client.get(f"{URL}receipt/{code}")
    assert response.status_code == 404 and response.json()["detail"]


def test_a_wrong_secret_is_404(post, client):
    code = post().json()["code"]
    wrong = {"X-Receipt-Secret": "WRONGSECRT"}
    assert client.get(f"{URL}receipt/{code}", headers=wrong).status_code == 404
    assert client.get(f"{URL}receipt/{code}").status_code == 200


# --- Public list ----------------------------------------------------------------------------


@pytest.fixture
def many(submit):
    def _many(n, **kwargs):
        return [
            submit(text=f"{TEXT} Вариант номер {i}.", language="ru", **kwargs).proposal
            for i in range(n)
        ]

    return _many


def test_the_list_shows_no_personal_data(client, submit):
    # given a proposal with a contact
    submit(contact=CONTACT, consent=True, region="75", article_number="6")
    # when the public list is read
    response = client.get(URL)
    # then the proposal is there, but no personal or internal field
    item = response.json()["items"][0]
    assert item["author"] and item["region"] == "75" and item["article"] == "6"
    for secret_field in ("contact", "author_index", "secret_digest", "entered_by"):
        assert secret_field not in item
    assert "555" not in response.content.decode()


def test_the_list_filters(client, submit, many):
    many(2, region="71", article_number="6")
    submit(
        text="Другой текст про налоги и бюджет страны.", language="ru", channel="paper", region="75"
    )

    def total(query):
        return client.get(f"{URL}?counts=true&{query}").json()["total"]

    assert total("region=71") == 2
    assert total("channel=paper") == 1
    assert total("document=demo&version=v2&article=6") == 2
    assert total("document=demo") == 3
    assert total("q=налоги") == 1
    assert [i["channel"] for i in client.get(URL + "?q=налоги").json()["items"]] == ["paper"]
    counts = client.get(URL + "?counts=true").json()["counts"]
    assert counts["channel"] == {"web": 2, "paper": 1}
    # without counts=true the counts are not computed
    assert client.get(URL).json()["total"] is None


@pytest.mark.parametrize(
    "query",
    [
        "limit=101",
        "limit=0",
        "state=lost",
        "version=v2",
        "document=demo&article=6",
        "cursor=%%%",
        "offset=-1",
    ],
)
def test_bad_list_parameters_are_422(client, query):
    assert client.get(f"{URL}?{query}").status_code == 422


def test_an_unknown_version_in_the_list_is_404(client, version):
    assert client.get(URL + "?document=demo&version=v9").status_code == 404
    assert client.get(URL + "?document=demo&version=v2&article=999").status_code == 404


def test_cursor_paging_visits_every_proposal_once(client, many):
    # given 7 proposals
    codes = {p.code for p in many(7)}
    # when they are read 3 at a time following next_cursor
    seen, url = [], URL + "?limit=3"
    while url:
        page = client.get(url).json()
        seen += [item["code"] for item in page["items"]]
        url = f"{URL}?limit=3&cursor={page['next_cursor']}" if page["next_cursor"] else None
    # then each one is seen exactly once, newest first
    assert len(seen) == 7 and set(seen) == codes


def test_offset_paging(client, many):
    many(5)
    first = client.get(URL + "?limit=2&counts=true").json()
    second = client.get(URL + "?limit=2&offset=2").json()
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}
    assert first["total"] == 5 and second["offset"] == 2


def test_the_list_makes_a_fixed_number_of_queries(client, many):
    # given a few proposals on an article
    many(2, article_number="6", point_number="1")
    with CaptureQueriesContext(connection) as few:
        client.get(URL + "?document=demo&version=v2&limit=100&counts=true")
    # when there are many more
    many(20, article_number="6", point_number="1")
    from django.core.cache import cache

    cache.clear()  # the counts are cached for a few seconds; count them again
    with CaptureQueriesContext(connection) as lots:
        response = client.get(URL + "?document=demo&version=v2&limit=100&counts=true")
    # then the number of queries does not grow (no N+1)
    assert len(response.json()["items"]) == 22
    assert len(lots) == len(few) <= 7


# --- Tokens and docs ------------------------------------------------------------------------


def test_a_token_is_stored_as_a_digest_only(db):
    # when a token is created
    token, raw = api_token_create(actor=None, name="Partner", source="partner")
    # then only its prefix and digest are stored, and it authenticates
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in json.dumps(stored, default=str)
    assert raw.startswith(f"kns_{token.prefix}_") and len(token.digest) == 64
    assert api_token_authenticate(raw) == token
    assert api_token_authenticate(raw + "x") is None
    # and an inactive token does not
    ApiToken.objects.filter(pk=token.pk).update(active=False)
    assert api_token_authenticate(raw) is None


def test_ping_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(URL + "ping").json() == {"ok": True}


def test_openapi_documents_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    submit_op = schema["paths"]["/api/proposals/"]["post"]
    assert "Idempotency-Key" in json.dumps(submit_op)
    assert "text" in submit_op["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "/api/proposals/receipt/{code}" in schema["paths"]


def test_the_command_prints_a_working_token_once(capsys, post):
    from django.core.management import call_command

    # when staff create a token with the command
    call_command("create_api_token", "Astana hotline", "--channel", "email")
    raw = capsys.readouterr().out.strip()
    # then the printed token submits on its channel, with the name as the source
    assert post(token=raw).status_code == 201
    assert Proposal.objects.get().channel == "email"
    assert Proposal.objects.get().source == "Astana hotline"
