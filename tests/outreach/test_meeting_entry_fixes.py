"""Meetings are not planned years in the past; a meeting's proposal sent twice is stored once;
organisers are not told to run commands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kenes.outreach import selectors
from kenes.outreach.services import meeting_proposals_add
from kenes.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _plan(client, orgs, version, day):
    return client.post(
        "/outreach/manage/plan/",
        {
            "region": "11",
            "organisation": orgs[0].pk,
            "settlement": "112003300",
            "version": version.pk,
            "audience": "residents",
            "day": day.isoformat(),
            "time": "11:00",
            "place": "Клуб",
            "language": "kk",
        },
    )


def test_a_meeting_cannot_be_planned_years_in_the_past(kato, orgs, organiser, version_v1):
    client = Client()
    client.force_login(organiser)
    response = _plan(client, orgs, version_v1, dt.date(2020, 1, 1))
    assert response.status_code == 200
    assert "more than 3 days ago" in response.content.decode()
    assert not selectors.managed_meetings(organiser).exists()
    # and one coming next week is planned
    assert (
        _plan(client, orgs, version_v1, timezone.localdate() + dt.timedelta(days=7)).status_code
        == 302
    )
    assert selectors.managed_meetings(organiser).count() == 1


def test_the_plan_form_names_drafts_by_title_not_by_id(kato, orgs, organiser, version_v1):
    client = Client()
    client.force_login(organiser)
    for lang in ("kk", "ru"):
        html = client.get(f"/outreach/manage/plan/?region=11&lang={lang}").content.decode()
        assert f">{version_v1}<" not in html  # "slug/label"
        assert version_v1.document.title_in(lang)[0] in html


def test_the_same_text_sent_twice_for_a_meeting_is_stored_once(past_meeting, organiser):
    text = "Предлагаю публиковать проект в районной газете."
    first = meeting_proposals_add(
        actor=organiser, meeting=past_meeting, items=[{"text": text}, {"text": text}]
    )
    again = meeting_proposals_add(actor=organiser, meeting=past_meeting, items=[{"text": text}])
    assert Proposal.objects.count() == 1
    assert first[0].created and not again[0].created
    assert again[0].proposal.pk == first[0].proposal.pk
    # another text, or the same text on another article, is a new proposal
    meeting_proposals_add(
        actor=organiser, meeting=past_meeting, items=[{"text": text, "article_number": "5"}]
    )
    assert Proposal.objects.count() == 2


def test_the_meeting_page_gives_no_command_line(past_meeting, organiser):
    client = Client()
    client.force_login(organiser)
    for lang in ("kk", "ru"):
        html = client.get(f"/outreach/manage/{past_meeting.pk}/?lang={lang}").content.decode()
        assert "kenes import-proposals" not in html and "--document" not in html


def test_the_offline_form_opens_on_the_next_meeting_not_the_oldest(
    past_meeting, future_meeting, organiser
):
    import re

    client = Client()
    client.force_login(organiser)
    html = client.get("/outreach/offline/").content.decode()
    selected = re.findall(r'<option value="(\d+)"[^>]*\bselected\b', html)
    assert selected == [str(future_meeting.pk)]
    assert html.index(f'value="{past_meeting.pk}"') < html.index(f'value="{future_meeting.pk}"')
