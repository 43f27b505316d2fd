"""Bad input answers 4xx with a clear message, never 500 (issue #10 regressions)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kenes.proposals.services import proposal_submit

NUL_URLS = [
    "/proposals/?q=%00",
    "/proposals/?state=%00",
    "/api/proposals/?q=%00",
    "/api/proposals/?document=%00",
    "/api/proposals/receipt/%00",
    "/api/drafts/%00/v2/diff/v1",
    "/api/ledger/receipt/%00",
    "/draft/demo/v2/article/%00",
    "/draft/demo/v2/search?q=%00",
    "/track/?code=%00",
    "/track/%00/",
    "/receipt/%00/",
    "/compare/?a=demo/v1&b=%00",
    "/proposals/on/demo/v2/%00",
    "/ledger/verify/?code=%00",
    "/%00",
]


@pytest.fixture
def client_ru():
    return Client(HTTP_ACCEPT_LANGUAGE="ru")


@pytest.mark.django_db
@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_byte_is_refused_with_400(demo_draft, client_ru, url):
    response = client_ru.get(url)
    assert response.status_code == 400, (url, response.status_code)
    body = response.content.decode()
    assert "NUL" in body or "недопустим" in body


@pytest.mark.django_db
def test_nul_byte_in_api_answers_json_in_language(demo_draft, client_ru):
    response = client_ru.get("/api/proposals/?q=%00")
    assert response.status_code == 400
    assert "недопустим" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_byte_in_posted_form_is_refused(demo_draft, client_ru):
    response = client_ru.post("/propose/demo/v2/", {"text": "Предлагаю\x00 изменить статью"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_nul_byte_in_api_json_body_is_refused(demo_draft, client_ru):
    for field in ("document", "contact", "region", "consent_text", "language"):
        body = {"document": "demo", "version": "v2", "text": "Предлагаю изменить статью 1"}
        body[field] = "x\u0000"
        response = client_ru.post(
            "/api/proposals/", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 422, field
        assert field in response.json()["errors"]


@pytest.mark.django_db
def test_service_refuses_nul_and_invisible_text(version):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        proposal_submit(
            actor=None,
            version=version,
            channel="web",
            text="Предлагаю изменить",
            contact="a\x00@b.kz",
        )
    assert "contact" in caught.value.message_dict
    invisible = "\u200b\u200c\u200d\u2060\ufeff" * 10 + "\u00a0" * 10
    with pytest.raises(ValidationError) as caught:
        proposal_submit(actor=None, version=version, channel="web", text=invisible)
    assert "text" in caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["9223372036854775808", "99999999999999999999999"])
def test_huge_offset_is_refused(demo_draft, client_ru, offset):
    response = client_ru.get(f"/api/proposals/?offset={offset}")
    assert response.status_code in (400, 422)


@pytest.mark.django_db
def test_huge_ledger_numbers_are_refused(demo_draft, client_ru):
    for url in (
        "/api/ledger/inclusion/9223372036854775808",
        "/api/ledger/leaves?start=9223372036854775808",
        "/api/ledger/consistency?first=1&second=9223372036854775808",
    ):
        response = client_ru.get(url)
        assert response.status_code < 500, url


@pytest.mark.django_db
def test_compare_with_bad_reference_shows_the_chooser_not_500(demo_draft, client_ru):
    response = client_ru.get("/compare/?a=x/y%20z&b=p/q")
    assert response.status_code == 200
    assert 'name="a"' in response.content.decode()
