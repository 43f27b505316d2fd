"""Meetings: planning, reports, proposals through intake with provenance, photos, offline sync."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kenes.outreach.models import Attendance, Meeting, Question
from kenes.outreach.services import (
    meeting_cancel,
    meeting_photo_add,
    meeting_plan,
    meeting_proposals_add,
    meeting_report,
    offline_sync,
)
from kenes.proposals.models import Proposal, ProposalState
from kenes.proposals.services import Submitted

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00\x00\x00\x01\x80\x08\x06\x00\x00"
    b"\x00\x1f\xf3\xffa" + b"\x00" * 40
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xc0\x00\x11\x08\x00\x20\x00\x40\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01" + b"\x00" * 30
)


def test_planning_copies_region_and_district_and_picks_the_branch(past_meeting, orgs):
    assert past_meeting.region_code == "11"
    assert past_meeting.district_code == "112000000"
    assert past_meeting.branch == orgs[0].branches.get(region="11")
    assert past_meeting.status == "planned"


def test_an_organiser_cannot_plan_for_another_organisation(kato, orgs, version_v1, other_organiser):
    with pytest.raises(PermissionDenied):
        meeting_plan(
            actor=other_organiser,
            organisation=orgs[0],
            settlement=kato["112001000"],
            version=version_v1,
            audience="residents",
            place="x",
            language="kk",
            starts_at=timezone.now(),
        )


def test_a_branch_organiser_plans_only_in_their_branch(kato, orgs, version_v1, branch_organiser):
    meeting_plan(
        actor=branch_organiser,
        organisation=orgs[0],
        settlement=kato["612001000"],
        version=version_v1,
        audience="residents",
        place="x",
        language="kk",
        starts_at=timezone.now(),
    )
    with pytest.raises(PermissionDenied):
        meeting_plan(
            actor=branch_organiser,
            organisation=orgs[0],
            settlement=kato["112001000"],
            version=version_v1,
            audience="residents",
            place="x",
            language="kk",
            starts_at=timezone.now(),
        )


def test_planning_validates_each_field(kato, orgs, version_v1, organiser):
    with pytest.raises(ValidationError) as caught:
        meeting_plan(
            actor=organiser,
            organisation=orgs[0],
            settlement=kato["110000000"],
            version=version_v1,
            audience="aliens",
            place=" ",
            language="fr",
            starts_at=timezone.now(),
        )
    assert set(caught.value.message_dict) == {"settlement", "audience", "place", "language"}


def test_report_counts_people_by_sex_and_age_without_names(past_meeting, organiser):
    meeting_report(
        actor=organiser,
        meeting=past_meeting,
        attendance={"f_18_29": 5, "m_60p": "3", "f_u18": ""},
        minutes="Итоги.",
        questions=["Когда ответ?", " "],
    )
    past_meeting.refresh_from_db()
    assert past_meeting.status == "held" and past_meeting.attendees == 8
    assert Attendance.objects.filter(meeting=past_meeting).count() == 2
    assert Question.objects.filter(meeting=past_meeting).count() == 1
    with pytest.raises(ValidationError):
        meeting_report(actor=organiser, meeting=past_meeting, attendance={"f_18_29": -1})
    with pytest.raises(ValidationError):
        meeting_report(actor=organiser, meeting=past_meeting, attendance={"name": 1})


def test_a_future_meeting_cannot_be_reported(future_meeting, organiser):
    with pytest.raises(ValidationError, match="not taken place"):
        meeting_report(actor=organiser, meeting=future_meeting, attendance={"f_18_29": 1})


def test_another_organisation_cannot_touch_the_meeting(past_meeting, other_organiser):
    with pytest.raises(PermissionDenied):
        meeting_report(actor=other_organiser, meeting=past_meeting, attendance={})
    with pytest.raises(PermissionDenied):
        meeting_proposals_add(
            actor=other_organiser,
            meeting=past_meeting,
            items=[{"text": "Предлагаю продлить срок до 60 дней."}],
        )
    with pytest.raises(PermissionDenied):
        meeting_cancel(actor=other_organiser, meeting=past_meeting)


def test_proposals_reach_the_review_queue_with_provenance(past_meeting, organiser):
    results = meeting_proposals_add(
        actor=organiser,
        meeting=past_meeting,
        items=[
            {
                "text": "Срок консультаций надо продлить до шестидесяти дней.",
                "article_number": "6",
                "language": "ru",
                "external_id": "form-1",
                "source_ref": "form 1",
            },
            {"text": "коротко"},
        ],
    )
    assert isinstance(results[0], Submitted) and results[0].created
    assert isinstance(results[1], ValidationError)
    proposal = Proposal.objects.get()
    assert proposal.channel == "meeting"
    assert proposal.source == str(past_meeting.pk)
    assert proposal.entered_by == organiser
    assert proposal.external_id == "form-1"
    assert proposal.source_ref == "bolashak · form 1"
    assert proposal.author_kind == "meeting" and proposal.region == "11"
    assert proposal.state == ProposalState.RECEIVED
    assert proposal.article.number == "6"
    # the same form entered again is not duplicated
    again = meeting_proposals_add(
        actor=organiser,
        meeting=past_meeting,
        items=[
            {
                "text": "Срок консультаций надо продлить до шестидесяти дней.",
                "external_id": "form-1",
            }
        ],
    )
    assert not again[0].created and Proposal.objects.count() == 1


def test_photos_are_checked_by_content_and_size(past_meeting, organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = meeting_photo_add(actor=organiser, meeting=past_meeting, upload=io.BytesIO(PNG))
    assert (photo.kind, photo.width, photo.height) == ("png", 512, 384)
    jpeg = meeting_photo_add(actor=organiser, meeting=past_meeting, upload=io.BytesIO(JPEG))
    assert (jpeg.kind, jpeg.width, jpeg.height) == ("jpeg", 64, 32)
    for bad in (b"GIF89a" + b"\x00" * 40, b"%PDF-1.4", b"\x89PNG\r\n\x1a\n" + b"\x00" * 4):
        with pytest.raises(ValidationError):
            meeting_photo_add(actor=organiser, meeting=past_meeting, upload=io.BytesIO(bad))
    settings.KENES_PHOTO_MAX_BYTES = 20
    with pytest.raises(ValidationError, match="the limit is"):
        meeting_photo_add(actor=organiser, meeting=past_meeting, upload=io.BytesIO(PNG))


def item(meeting, kind="proposal", **fields):
    return {"uuid": str(uuid.uuid4()), "type": kind, "meeting": meeting.pk, **fields}


def test_offline_sync_is_idempotent_and_reports_per_item(past_meeting, organiser):
    items = [
        item(past_meeting, text="Публиковать проект в районных газетах тоже.", language="ru"),
        item(past_meeting, text="Жобаны ауылдық кітапханаларда да ұсыну керек.", article="5"),
        item(past_meeting, "attendance", counts={"f_30_44": 7, "m_30_44": 4}, minutes="OK"),
        item(past_meeting, "question", text="Когда будет ответ?"),
        item(past_meeting, text="short"),
        {"uuid": "not-a-uuid", "type": "proposal", "meeting": past_meeting.pk, "text": "x"},
    ]
    first = offline_sync(actor=organiser, items=items)
    assert [r["status"] for r in first] == [
        "created",
        "created",
        "created",
        "created",
        "rejected",
        "rejected",
    ]
    assert first[0]["code"].startswith("KNS-")
    assert "text" in first[4]["errors"]
    assert Proposal.objects.filter(channel="meeting").count() == 2
    past_meeting.refresh_from_db()
    assert past_meeting.status == "held" and past_meeting.attendees == 11
    # a retried sync (the answer was lost) stores nothing new
    second = offline_sync(actor=organiser, items=items)
    assert [r["status"] for r in second[:4]] == ["duplicate"] * 4
    assert second[0]["code"] == first[0]["code"]
    assert Proposal.objects.filter(channel="meeting").count() == 2
    assert Question.objects.count() == 1
    assert Proposal.objects.get(code=first[0]["code"]).external_id == items[0]["uuid"]


def test_offline_sync_conflicts(past_meeting, future_meeting, organiser, other_organiser):
    sent = item(past_meeting, text="Публиковать проект в районных газетах тоже.")
    offline_sync(actor=organiser, items=[sent])
    changed = {**sent, "text": "Совсем другой текст предложения под тем же id."}
    counts = item(past_meeting, "attendance", counts={"f_18_29": 3})
    other_counts = item(past_meeting, "attendance", counts={"f_18_29": 9})
    results = offline_sync(actor=organiser, items=[changed, counts, other_counts])
    assert [r["status"] for r in results] == ["conflict", "created", "conflict"]
    assert "already has attendance" in results[2]["message"]
    past_meeting.refresh_from_db()
    assert past_meeting.attendees == 3
    # not their meeting; a future meeting's attendance; a cancelled meeting
    assert (
        offline_sync(actor=other_organiser, items=[item(past_meeting, text="x" * 20)])[0]["status"]
        == "rejected"
    )
    assert (
        offline_sync(
            actor=organiser, items=[item(future_meeting, "attendance", counts={"f_18_29": 1})]
        )[0]["status"]
        == "rejected"
    )
    meeting_cancel(actor=organiser, meeting=future_meeting)
    assert (
        offline_sync(actor=organiser, items=[item(future_meeting, text="x" * 20)])[0]["status"]
        == "conflict"
    )


def test_offline_sync_limits_the_batch(past_meeting, organiser):
    with pytest.raises(ValidationError):
        offline_sync(actor=organiser, items=[item(past_meeting, text="x" * 20)] * 201)


def test_cancelled_meetings_take_no_proposals(future_meeting, organiser):
    meeting_cancel(actor=organiser, meeting=future_meeting)
    assert Meeting.objects.get(pk=future_meeting.pk).status == "cancelled"
    with pytest.raises(ValidationError):
        meeting_proposals_add(
            actor=organiser,
            meeting=future_meeting,
            items=[{"text": "Предлагаю продлить срок до 60 дней."}],
        )


def test_naive_datetimes_are_made_aware(kato, orgs, version_v1):
    meeting = meeting_plan(
        actor=None,
        organisation=orgs[0],
        settlement=kato["112001000"],
        version=version_v1,
        audience="experts",
        place="Hall",
        language="kk",
        starts_at=dt.datetime(2026, 5, 1, 11, 0),
    )
    assert timezone.is_aware(meeting.starts_at)
