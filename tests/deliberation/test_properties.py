"""Properties: counters always equal the votes; the API never fails with a 500 on odd input."""

from __future__ import annotations

import json

import pytest
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kenes.deliberation import services
from kenes.deliberation.models import Statement, Vote, VoteChange

from .conftest import device

pytestmark = pytest.mark.django_db

SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SLOW
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from([1, -1, 0]))))
def test_counters_and_history_follow_any_sequence_of_votes(conversation, statements, casts):
    Vote.objects.all().delete()
    Statement.objects.update(n_agree=0, n_disagree=0, n_pass=0)
    people = [
        services.participant_get_or_create(conversation=conversation, device_token=device(i))
        for i in range(4)
    ]
    last: dict[tuple[int, int], int] = {}
    changes = 0
    for who, which, value in casts:
        key = (who, which)
        if last.get(key) != value:
            changes += 1
        last[key] = value
        services.vote_cast(
            conversation=conversation,
            participant=people[who],
            statement_id=statements[which].pk,
            value=value,
        )
    assert Vote.objects.count() == len(last)
    assert VoteChange.objects.count() == changes
    counted = {
        (row["statement_id"], row["value"]): row["n"]
        for row in Vote.objects.values("statement_id", "value").annotate(n=Count("id"))
    }
    for s in Statement.objects.filter(pk__in=[x.pk for x in statements]):
        assert s.n_agree == counted.get((s.pk, 1), 0)
        assert s.n_disagree == counted.get((s.pk, -1), 0)
        assert s.n_pass == counted.get((s.pk, 0), 0)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=6,
)


@SLOW
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "statement_id": JSONISH | st.integers(-(2**70), 2**70),
            "value": JSONISH,
            "device_token": JSONISH,
        },
    )
)
def test_the_vote_endpoint_never_fails_on_odd_input(client, conversation, statements, body):
    answer = client.post(
        f"/api/deliberation/{conversation.slug}/votes",
        json.dumps(body),
        content_type="application/json",
    )
    assert answer.status_code in (200, 400, 404, 409, 422), answer.content


@pytest.mark.parametrize("sid", [2**63, -(2**63) - 1, 2**70])
def test_huge_statement_ids_are_unknown_statements(client, conversation, statements, sid):
    answer = client.post(
        f"/api/deliberation/{conversation.slug}/votes",
        json.dumps({"statement_id": sid, "value": 1, "device_token": device(1)}),
        content_type="application/json",
    )
    assert answer.status_code in (404, 422)
