"""The public list pages deep results by a keyset cursor (issue #15)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kenes.portal import proposal_views
from kenes.proposals.services import proposal_submit

pytestmark = pytest.mark.django_db


def codes(html: str) -> list[str]:
    return re.findall(r'href="/proposals/(KNS-[A-Z0-9-]+)/"', html)


def test_pages_past_the_numbered_ones_follow_a_cursor_without_gaps(client, version, monkeypatch):
    # given 80 proposals and only two pages reachable by number
    monkeypatch.setattr(proposal_views, "PAGE_SIZE", 25)
    monkeypatch.setattr(proposal_views, "NUMBERED_PAGES", 2)
    now = timezone.now()
    for n in range(80):
        proposal_submit(
            actor=None,
            version=version,
            channel="file",
            source="k.csv",
            external_id=str(n),
            text=f"Предлагаю уточнить формулировку статьи, вариант {n}.",
            submitted_at=now - timedelta(minutes=n // 2),  # pairs share a time
        )
    # when the reader walks the list by its "next" links
    seen: list[str] = []
    url = "/proposals/"
    links = []
    while url:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        seen += codes(html)
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = "/proposals/" + found.group(1).replace("&amp;", "&") if found else ""
        links.append(url)
        assert len(links) < 10
    # then every proposal shows once, newest first, and the third page came by cursor
    from kenes.proposals.models import Proposal

    expected = list(
        Proposal.objects.order_by("-submitted_at", "-id").values_list("code", flat=True)
    )
    assert seen == expected
    assert links[0].endswith("?page=2")
    assert "after=" in links[1] and "page=" not in links[1]
