"""JSON API of drafts."""

from __future__ import annotations

import pytest

from kenes.drafts import demo, formats

pytestmark = pytest.mark.django_db


def test_version_json_is_the_kenes_draft_format(client, demo_draft):
    response = client.get("/api/drafts/demo/v2?lang=kk")
    assert response.status_code == 200
    assert formats.draft_from_dict(response.json()) == demo.build("v2", "kk")


def test_diff_api(client, demo_draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/api/drafts/diff?from=demo/v1&to=demo/v2&lang=ru")
    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {
        "unchanged": 17,
        "changed": 2,
        "added": 1,
        "removed": 1,
        "renumbered": 0,
    }
    changed = next(c for c in body["changes"] if c["new_number"] == "6")
    assert {"op": "insert", "text": "сорока пяти"} in changed["segments"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/drafts/diff?from=demo&to=demo/v2", 422),
        ("/api/drafts/diff?from=demo/v9&to=demo/v2", 404),
        ("/api/drafts/diff?to=demo/v2", 422),
        ("/api/drafts/demo/v9", 404),
        ("/api/drafts/demo/v1?lang=de", 422),
    ],
)
def test_bad_requests_get_clear_errors(client, demo_draft, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["detail"]


def test_documents_list_and_openapi(client, demo_draft):
    assert client.get("/api/drafts/").json()[0]["versions"][0]["languages"] == ["kk", "ru"]
    schema = client.get("/api/openapi.json").json()
    assert "/api/drafts/diff" in schema["paths"]
