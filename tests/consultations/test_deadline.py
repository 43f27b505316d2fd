"""The consultation's deadline, in every channel: web, API, file import, meeting."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kenes.consultations.selectors import consultation_current, consultation_phases
from kenes.consultations.services import ConsultationClosedError, consultation_save
from kenes.core.models import AuditEntry
from kenes.proposals.importing import proposals_import_file
from kenes.proposals.models import Proposal

TEXT = "Предлагаю продлить срок консультаций до девяноста дней."


def _calendar(version, *, opened_days_ago=30, closes_in_days=5, grace_days=0):
    now = timezone.now()
    return consultation_save(
        actor=None,
        version=version,
        opens_at=now - dt.timedelta(days=opened_days_ago),
        closes_at=now + dt.timedelta(days=closes_in_days),
        grace_days=grace_days,
    )


@pytest.fixture
def closed(version):
    """Closed two days ago, with a grace period of seven days for paper and meetings."""
    return _calendar(version, closes_in_days=-2, grace_days=7)


def test_saving_a_consultation_is_audited_and_checked(version):
    c = _calendar(version)
    assert AuditEntry.objects.filter(action="consultation.create", target_id=str(c.pk)).exists()
    with pytest.raises(ValidationError) as err:
        consultation_save(actor=None, version=version, closes_at=c.opens_at - dt.timedelta(hours=1))
    assert "closes_at" in err.value.message_dict
    c.refresh_from_db()
    assert c.closes_at > c.opens_at  # the bad change was not stored


def test_days_left_counts_calendar_days(version):
    c = _calendar(version, closes_in_days=3)
    assert c.days_left() in (2, 3, 4)  # depends on the hour of the day in Almaty
    now = timezone.localtime(c.closes_at) - dt.timedelta(hours=1)
    assert c.days_left(now) == 0 or now.date() != c.closing_day
    assert c.days_left(c.closes_at + dt.timedelta(seconds=1)) is None


def test_the_phases_follow_the_dates(version):
    c = _calendar(version)
    c.review_until = c.closing_day + dt.timedelta(days=10)
    c.report_on = c.closing_day + dt.timedelta(days=20)
    c.save()
    states = {p.key: p.state for p in consultation_phases(c)}
    assert states == {"discussion": "now", "review": "future", "report": "future"}
    later = c.closes_at + dt.timedelta(days=12)
    states = {p.key: p.state for p in consultation_phases(c, now=later)}
    assert states == {"discussion": "past", "review": "past", "report": "future"}
    assert consultation_current() == c


def test_without_a_consultation_everything_is_taken(submit):
    assert submit().created


def test_an_open_consultation_takes_proposals(version, submit):
    _calendar(version)
    assert submit().created


def test_before_opening_nothing_is_taken(version, submit):
    now = timezone.now()
    consultation_save(
        actor=None,
        version=version,
        opens_at=now + dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=20),
    )
    with pytest.raises(ConsultationClosedError):
        submit()


@pytest.mark.parametrize(
    ("lang", "word"),
    [("kk", "талқылау"), ("ru", "обсуждение"), ("en", "discussion")],
)
def test_the_service_refuses_web_after_the_deadline_in_each_language(closed, submit, lang, word):
    with translation.override(lang), pytest.raises(ConsultationClosedError) as err:
        submit()
    message = " ".join(err.value.messages)
    assert word in message.lower()
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_web_form_refuses_after_the_deadline(closed, client, version, lang):
    url = f"/propose/{version.document.slug}/{version.label}/?lang={lang}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="text"' not in html  # no form to fill in vain
    assert 'id="deadline"' in html
    response = client.post(url, {"text": TEXT, "article": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "deadline" in body
    assert Proposal.objects.count() == 0
    assert "The discussion" not in body and "closed on" not in body  # not English


def test_the_api_refuses_after_the_deadline(closed, client):
    payload = {"document": "demo", "version": "v2", "text": TEXT, "language": "ru"}
    response = client.post(
        "/api/proposals/",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"Accept-Language": "ru"},
    )
    assert response.status_code == 422
    data = response.json()
    assert "deadline" in json.dumps(data["errors"] if "errors" in data else data)
    assert "обсуждение" in json.dumps(data, ensure_ascii=False).lower()
    assert Proposal.objects.count() == 0


def _csv(tmp_path, dates):
    lines = ["id,text,submitted_at"] + [f"r{i},{TEXT} {i},{d}" for i, d in enumerate(dates)]
    path = tmp_path / "forms.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_takes_forms_dated_before_the_deadline_in_the_grace_period(closed, tmp_path):
    before = (closed.closing_day - dt.timedelta(days=1)).isoformat()
    after = (closed.closing_day + dt.timedelta(days=1)).isoformat()
    report = proposals_import_file(
        actor=None,
        path=_csv(tmp_path, [before, after, ""]),
        document_slug="demo",
        version_label="v2",
        channel="paper",
        source="forms",
    )
    kept = list(Proposal.objects.all())
    assert len(kept) == 1
    assert kept[0].form_date.isoformat() == before  # the date on the form is kept
    assert report.created == 1
    assert report.failed == 2


def test_an_import_after_the_grace_period_is_refused(version, tmp_path):
    c = _calendar(version, closes_in_days=-10, grace_days=3)
    before = (c.closing_day - dt.timedelta(days=1)).isoformat()
    proposals_import_file(
        actor=None,
        path=_csv(tmp_path, [before]),
        document_slug="demo",
        version_label="v2",
        channel="paper",
        source="forms",
    )
    assert Proposal.objects.count() == 0


def test_a_meeting_report_counts_the_meeting_day(version, closed):
    from django.db import transaction

    from kenes.proposals.services import proposals_submit_many

    with transaction.atomic():
        results = proposals_submit_many(
            actor=None,
            version=version,
            channel="meeting",
            source="m1",
            rows=[
                {"text": TEXT, "external_id": "a", "form_date": closed.closing_day},
                {
                    "text": TEXT + " ещё",
                    "external_id": "b",
                    "form_date": closed.closing_day + dt.timedelta(days=1),
                },
            ],
        )
    assert not isinstance(results[0], ValidationError)
    assert isinstance(results[1], ConsultationClosedError)
    assert Proposal.objects.get().form_date == closed.closing_day
