"""The offline sync endpoint answers malformed JSON with 400 (or a per-item rejection), never 500.

Regressions of issue #10: ``1e400``, ``Infinity``, wrong JSON types and deep nesting gave 500.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from kenes.proposals.models import Proposal
from tests.fixtures.people import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/outreach/offline/sync"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _item(meeting_obj, **over):
    item = {
        "uuid": str(uuid.uuid4()),
        "type": "proposal",
        "meeting": meeting_obj.pk,
        "text": "Предлагаю публиковать проект в районной газете.",
    }
    item.update(over)
    return item


def _post(client, raw: str):
    return client.post(URL, raw, content_type="application/json")


@pytest.mark.parametrize(
    "raw",
    [
        '{"items": [{"uuid": "%s", "type": "proposal", "meeting": 1e400}]}',
        '{"items": [{"uuid": "%s", "type": "proposal", "meeting": Infinity}]}',
        '{"items": [{"uuid": "%s", "type": "proposal", "meeting": -Infinity}]}',
        '{"items": [{"uuid": "%s", "type": "proposal", "meeting": NaN}]}',
        '{"items": [{"uuid": "%s", "type": "proposal", "meeting": 1, "text": 1e400}]}',
        '{"items": [{"uuid": "%s", "type": "attendance", "meeting": 1, "count": 1e400}]}',
    ],
)
def test_non_finite_numbers(past_meeting, organiser, raw):
    response = _post(_client(organiser), raw % uuid.uuid4())
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize(
    "over",
    [
        {"meeting": [1]},
        {"meeting": {"a": 1}},
        {"meeting": True},
        {"uuid": 5},
        {"uuid": ["x"]},
        {"type": ["proposal"]},
        {"text": {"a": "b"}},
        {"text": ["Предлагаю публиковать проект"]},
        {"article": {"n": 1}},
        {"language": ["ru"]},
        {"type": "attendance", "count": "many"},
        {"type": "attendance", "count": [3]},
        {"type": "attendance", "count": 10**30},
        {"type": "question", "text": None},
        {"type": "question", "text": 12},
        {"meeting": 10**30},
        {"meeting": -1},
    ],
)
def test_wrong_types_are_rejected_per_item(past_meeting, organiser, over):
    before = Proposal.objects.count()
    body = {"items": [_item(past_meeting, **over)]}
    response = _post(_client(organiser), json.dumps(body))
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert response.json()["results"][0]["status"] in ("rejected", "created")
    assert Proposal.objects.count() in (before, before + 1)


@pytest.mark.parametrize("raw", ["[]", "1", '"x"', "null", '{"items": {}}', '{"items": 1}'])
def test_wrong_top_level_types(organiser, raw):
    response = _post(_client(organiser), raw)
    assert response.status_code == 400


def test_deep_nesting(organiser):
    depth = 100_000
    response = _post(_client(organiser), '{"items": [' + "[" * depth + "]" * depth + "]}")
    assert response.status_code == 400
    response = _post(_client(organiser), '{"items": [' + '{"a":' * depth + "1" + "}" * depth + "]}")
    assert response.status_code == 400
