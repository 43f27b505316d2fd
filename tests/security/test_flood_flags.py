"""Flood flags at intake (same text, same source, bursts), shown to reviewers in the queue."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kenes.proposals.models import Proposal
from kenes.proposals.services import proposal_submit

pytestmark = pytest.mark.django_db

TEXT = "Предлагаю сохранить статью о государственном языке без изменений."


@pytest.fixture
def flood_settings(settings):
    settings.KENES_FLOOD_SAME_TEXT = 3
    settings.KENES_FLOOD_BURST = 4
    settings.KENES_FLOOD_WINDOW = 3600
    settings.KENES_DUPLICATE_WINDOW = 0
    settings.KENES_RATE_LIMITS = {}


def _web(version, text, token):
    return proposal_submit(
        actor=None, version=version, channel="web", text=text, client_token=token
    ).proposal


def test_same_text_from_many_sources_is_flagged_from_the_nth(version, flood_settings):
    flags = [_web(version, TEXT, f"client-{n:030d}").flood_flags for n in range(4)]
    assert flags == [[], [], ["same_text"], ["same_text"]]


def test_same_source_and_burst(version, flood_settings):
    token = "b" * 32
    first = _web(version, TEXT, token)
    again = _web(version, TEXT, token)
    assert first.flood_flags == [] and "same_source" in again.flood_flags
    others = [_web(version, f"{TEXT} Вариант {n}.", token) for n in range(3)]
    assert "burst" not in others[0].flood_flags
    assert "burst" in others[-1].flood_flags


def test_paper_imports_are_not_flagged(version, flood_settings):
    flags = [
        proposal_submit(
            actor=None, version=version, channel="paper", text=TEXT, source="forms"
        ).proposal.flood_flags
        for _n in range(4)
    ]
    assert flags == [[], [], [], []]


def test_reviewers_see_the_flags_in_the_queue(demo_draft, flood_settings, reviewer):
    api = Client()
    for n in range(3):
        body = {"document": "demo", "version": "v2", "text": TEXT}
        api.post(
            "/api/proposals/",
            json.dumps(body),
            content_type="application/json",
            REMOTE_ADDR=f"10.0.0.{n + 1}",
        )
    flags = [p.flood_flags for p in Proposal.objects.order_by("id")]
    assert flags == [[], [], ["same_text"]]
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(reviewer)
    page = client.get("/review/").content.decode()
    assert page.count('class="tag rv-flood"') == 1
    assert "массовая рассылка: много одинаковых текстов" in page
