"""The propose form's "similar proposals already sent" box (htmx while typing; issue #11)."""

from __future__ import annotations

import pytest

from kenes.insights import search
from kenes.proposals.models import Proposal, Visibility

pytestmark = pytest.mark.django_db

URL = "/propose/demo/v2/similar"
NET = "Прошу провести интернет в сёла района, без интернета дети не могут учиться дистанционно."


@pytest.fixture
def sent(submit):
    shown = submit(text=NET + " Мой телефон +7 701 123 45 67.", language="ru").proposal
    hidden = submit(text=NET + " Ещё раз то же самое.", language="ru").proposal
    Proposal.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)
    return shown, hidden


@pytest.mark.parametrize(
    ("lang", "title", "english"),
    [
        ("kk", "Бұрын жіберілген ұқсас ұсыныстар", "Similar proposals"),
        ("ru", "Похожие предложения, уже отправленные", "Similar proposals"),
    ],
)
def test_typing_shows_published_similar_proposals(client, sent, lang, title, english):
    shown, hidden = sent
    response = client.post(URL, {"text": NET}, HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 200
    assert title in html and english not in html
    # the published one, linked to its public page, with its public (masked) text only
    assert f'href="/proposals/{shown.code}/"' in html
    assert "701" not in html
    assert hidden.code not in html


@pytest.mark.parametrize(
    "data",
    [{}, {"text": ""}, {"text": "коротко"}, {"text": "   " * 100}, {"text": "!?" * 20}],
)
def test_short_empty_or_bad_text_gives_an_empty_box(client, sent, data):
    response = client.post(URL, data)
    assert response.status_code == 200 and response.content.decode().strip() == ""


def test_unknown_version_gives_an_empty_box_and_get_is_refused(client, sent):
    assert client.post("/propose/nope/v9/similar", {"text": NET}).content.strip() == b""
    assert client.get(URL, {"text": NET}).status_code == 405
    # NUL bytes are refused by the house middleware before the view
    assert client.post(URL, {"text": "\x00" * 50}).status_code == 400


def test_a_failing_search_gives_an_empty_box_not_an_error(client, sent, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("index gone")

    monkeypatch.setattr(search, "similar_public", broken)
    response = client.post(URL, {"text": NET})
    assert response.status_code == 200 and response.content.strip() == b""


def test_answers_are_cached_and_clients_over_the_limit_get_an_empty_box(
    client, sent, settings, monkeypatch
):
    settings.KENES_RATE_LIMITS = {**settings.KENES_RATE_LIMITS, "similar": "2/600"}
    calls = []
    real = search.similar_public

    def counting(**kwargs):
        calls.append(kwargs["text"])
        return real(**kwargs)

    monkeypatch.setattr(search, "similar_public", counting)
    shown, _hidden = sent
    assert shown.code in client.post(URL, {"text": NET}).content.decode()
    assert shown.code in client.post(URL, {"text": NET + "  "}).content.decode()
    assert len(calls) == 1  # the same text (spaces folded): answered from the cache
    assert client.post(URL, {"text": NET}).content.strip() == b""  # third: over the limit


def test_the_form_has_the_live_region_and_works_without_javascript(client, version):
    html = client.get("/propose/demo/v2/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="similar" aria-live="polite"' in html
    assert f'hx-post="{URL}"' in html and 'hx-trigger="keyup changed delay:700ms"' in html
    # the form itself still posts to the page (no JavaScript needed to send a proposal)
    assert 'method="post" action="/propose/demo/v2/"' in html
