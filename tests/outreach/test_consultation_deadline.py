"""A meeting held before the consultation closed may be reported during the grace period."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from kenes.consultations.services import ConsultationClosedError, consultation_save
from kenes.outreach.services import meeting_proposals_add
from kenes.proposals.models import Proposal


def _closed(version, *, hours_ago: float, grace_days: int):
    now = timezone.now()
    return consultation_save(
        actor=None,
        version=version,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(hours=hours_ago),
        grace_days=grace_days,
    )


def test_a_meeting_before_the_deadline_is_entered_in_the_grace_period(
    past_meeting, organiser, version_v1
):
    # the meeting was yesterday; the discussion closed an hour ago; 5 days of grace
    _closed(version_v1, hours_ago=1, grace_days=5)
    [result] = meeting_proposals_add(
        actor=organiser,
        meeting=past_meeting,
        items=[{"text": "Срок консультаций надо продлить до шестидесяти дней."}],
    )
    assert not isinstance(result, ValidationError)
    stored = Proposal.objects.get()
    assert stored.form_date == timezone.localtime(past_meeting.starts_at).date()


def test_a_meeting_after_the_grace_period_is_refused(past_meeting, organiser, version_v1):
    # closed two hours after the meeting... but the grace period is zero days
    _closed(version_v1, hours_ago=1, grace_days=0)
    [result] = meeting_proposals_add(
        actor=organiser,
        meeting=past_meeting,
        items=[{"text": "Срок консультаций надо продлить до шестидесяти дней."}],
    )
    assert isinstance(result, ConsultationClosedError)
    assert "grace period" in " ".join(result.messages)
    assert Proposal.objects.count() == 0
