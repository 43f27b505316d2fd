"""/api/deliberation/: list, statements, vote, results; errors in the caller's language."""

from __future__ import annotations

import pytest

from kenes.deliberation import services
from kenes.deliberation.models import Vote, VoteChange

from .conftest import device

pytestmark = pytest.mark.django_db

BASE = "/api/deliberation"


def post_vote(client, slug, lang="ru", **body):
    return client.post(
        f"{BASE}/{slug}/votes", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang
    )


def test_list_and_statements(client, conversation, statements):
    listed = client.get(f"{BASE}/").json()
    assert [c["slug"] for c in listed] == ["demo-talk"]
    assert listed[0]["n_statements"] == 3 and listed[0]["version"] == "v2"
    got = client.get(f"{BASE}/demo-talk/statements").json()
    assert [s["id"] for s in got] == [s.pk for s in statements]
    assert client.get(f"{BASE}/nope/statements").status_code == 404


def test_vote_and_change_it(client, conversation, statements):
    s = statements[0]
    ok = post_vote(client, "demo-talk", statement_id=s.pk, value=1, device_token=device(1))
    assert ok.status_code == 200 and ok.json() == {"statement_id": s.pk, "value": 1}
    again = post_vote(client, "demo-talk", statement_id=s.pk, value=-1, device_token=device(1))
    assert again.status_code == 200
    assert Vote.objects.get().value == -1 and VoteChange.objects.count() == 2
    counts = client.get(f"{BASE}/demo-talk/statements").json()[0]
    assert (counts["agree"], counts["disagree"]) == (0, 1)


@pytest.mark.parametrize(
    ("lang", "bad_value", "unknown", "closed"),
    [
        ("kk", "келісемін", "Пікір белгісіз", "жабық"),
        ("ru", "согласен", "Неизвестное утверждение", "закрыто"),
    ],
)
def test_errors_are_clear_in_kazakh_and_russian(
    client, conversation, statements, admin_user, lang, bad_value, unknown, closed
):
    s = statements[0]
    r = post_vote(client, "demo-talk", lang, statement_id=s.pk, value=5, device_token=device(1))
    assert r.status_code == 400 and bad_value in r.json()["detail"]
    r = post_vote(client, "demo-talk", lang, statement_id=10**9, value=1, device_token=device(1))
    assert r.status_code == 404 and unknown in r.json()["detail"]
    r = post_vote(client, "demo-talk", lang, statement_id=s.pk, value=1, device_token="short")
    assert r.status_code == 400
    services.conversation_set_status(actor=admin_user, conversation=conversation, status="closed")
    r = post_vote(client, "demo-talk", lang, statement_id=s.pk, value=1, device_token=device(1))
    assert r.status_code == 409 and closed in r.json()["detail"]
    assert not Vote.objects.exists()


def test_results_json(client, conversation, statements):
    assert client.get(f"{BASE}/demo-talk/results").status_code == 404
    for i in range(10):
        for s in statements:
            post_vote(
                client,
                "demo-talk",
                statement_id=s.pk,
                value=1 if i % 3 else -1,
                device_token=device(i),
            )
    services.result_recompute(conversation=conversation)
    body = client.get(f"{BASE}/demo-talk/results").json()
    assert body["n_votes"] == 30 and body["n_participants"] == 10
    assert body["min_votes"] == 20
    assert set(body["result"]["statement_stats"]) == {str(s.pk) for s in statements}


@pytest.mark.parametrize(
    ("lang", "body", "message"),
    [
        ("ru", "{not json", "JSON"),
        ("ru", "[1, 2]", "JSON-объект"),
        ("kk", '{"value": 1, "device_token": "device-token-000001-abcdefgh"}', "statement_id"),
        ("ru", '{"statement_id": "7", "value": 1, "device_token": "x"}', "statement_id"),
        ("kk", '{"statement_id": 7, "value": true, "device_token": "x"}', "value"),
    ],
)
def test_a_bad_body_is_a_400_in_the_callers_language(client, conversation, lang, body, message):
    answer = client.post(
        f"{BASE}/demo-talk/votes", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert message in detail
    assert "Input should" not in detail and "field required" not in detail.lower()
    assert not Vote.objects.exists()
