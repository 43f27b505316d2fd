"""Moderation that removes nothing silently, and personal data masked in public views."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kenes.ledger.models import Entry
from kenes.proposals.models import ContentReport, Proposal, ReportState, Visibility
from kenes.proposals.moderation import proposal_hide, proposal_publish, report_submit

pytestmark = pytest.mark.django_db
PII_TEXT = (
    "Меня зовут Айгүл Ахметова, ИИН 900101300123, телефон +7 701 123 45 67. "
    "Предлагаю продлить срок консультаций."
)


def test_names_and_iins_typed_into_a_proposal_are_masked_on_every_public_view(client, submit):
    # given a proposal whose author typed her name, IIN and phone into the text
    proposal = submit(text=PII_TEXT).proposal
    # when the public reads it: list, tracker, API list, API status, search
    pages = [
        client.get("/proposals/").content.decode(),
        client.get(f"/track/{proposal.code}/").content.decode(),
        client.get("/api/proposals/").content.decode(),
        client.get(f"/api/proposals/receipt/{proposal.code}").content.decode(),
    ]
    # then none shows the personal data, and the rest of the text is there
    for html in pages:
        assert "Ахметова" not in html and "900101300123" not in html and "123 45 67" not in html
    assert "Предлагаю продлить срок консультаций." in pages[0]
    assert 'class="pitem"' not in client.get("/proposals/?q=Ахметова").content.decode()
    assert client.get("/api/proposals/?q=900101300123").json()["items"] == []
    # and reviewers keep the original
    assert Proposal.objects.get(pk=proposal.pk).text == PII_TEXT


def test_hiding_needs_a_policy_reason_is_a_ledger_event_and_is_counted(client, submit, moderator):
    proposal = submit(text="Все чиновники — дураки и воры, гнать их всех.").proposal
    submit(text="Предлагаю сократить сроки рассмотрения обращений граждан.", client_token="b" * 24)
    with pytest.raises(ValidationError):
        proposal_hide(actor=moderator, proposal=proposal, reason="i-do-not-like-it")
    # when a moderator hides it for "abuse"
    proposal_hide(actor=moderator, proposal=proposal, reason="abuse")
    # then the ledger has the event with the reason, and the row is kept
    entry = Entry.objects.get(kind="proposal.hidden", code=proposal.code)
    assert json.loads(entry.data)["reason"] == "abuse"
    assert Proposal.objects.get(pk=proposal.pk).visibility == Visibility.HIDDEN
    # and the public list does not show it, but says one is hidden and why
    html = client.get("/proposals/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "дураки" not in html
    assert "1 proposal hidden by moderators" in html and "insults or hate speech" in html
    # the tracker says it was hidden and why, without the text
    tracker = client.get(f"/track/{proposal.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "дураки" not in tracker and "insults or hate speech" in tracker


def test_only_moderators_hide(submit, reviewer):
    proposal = submit().proposal
    with pytest.raises(PermissionDenied):
        proposal_hide(actor=reviewer, proposal=proposal, reason="spam")
    with pytest.raises(PermissionDenied):
        proposal_hide(actor=None, proposal=proposal, reason="spam")


def test_after_moderation_mode_keeps_proposals_pending_until_published(
    client, submit, moderator, version
):
    version.document.moderation = "premoderate"
    version.document.save()
    proposal = submit().proposal
    assert proposal.visibility == Visibility.PENDING
    html = client.get("/proposals/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 proposal awaits moderation" in html and proposal.code not in html
    proposal_publish(actor=moderator, proposal=proposal)
    assert proposal.code in client.get("/proposals/").content.decode()
    assert Entry.objects.filter(kind="proposal.published", code=proposal.code).exists()


def test_the_site_setting_chooses_the_mode_when_the_document_does_not(submit, settings):
    settings.KENES_MODERATION = "premoderate"
    assert submit().proposal.visibility == Visibility.PENDING


def test_a_reader_reports_once_and_a_hide_upholds_the_report(client, submit, moderator):
    proposal = submit().proposal
    page = client.get(f"/report/{proposal.code}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    assert client.post(f"/report/{proposal.code}/", {"reason": "nope"}).status_code == 400
    assert client.post(f"/report/{proposal.code}/", {"reason": "spam"}).status_code == 200
    client.post(f"/report/{proposal.code}/", {"reason": "spam"})  # the same reader again
    assert ContentReport.objects.count() == 1
    report_submit(proposal=proposal, reason="abuse", client_token="other-reader-token-123456")
    proposal_hide(actor=moderator, proposal=proposal, reason="spam")
    assert set(ContentReport.objects.values_list("state", flat=True)) == {ReportState.UPHELD}


def test_moderators_screen_and_csv_log(client, submit, moderator, reviewer):
    proposal = submit().proposal
    report_submit(proposal=proposal, reason="spam", client_token="reader-token-abcdefghij")
    client.force_login(reviewer)
    assert client.get("/review/moderation/").status_code == 403
    client.force_login(moderator)
    assert proposal.code in client.get("/review/moderation/").content.decode()
    bad = client.post("/review/moderation/", {"proposal": proposal.pk, "action": "hide"})
    assert bad.status_code == 400
    client.post(
        "/review/moderation/", {"proposal": proposal.pk, "action": "hide", "reason": "spam"}
    )
    log = client.get("/review/moderation/log.csv")
    rows = list(csv.reader(io.StringIO(log.content.decode())))
    assert rows[0][:5] == ["time", "moderator", "action", "proposal", "reason"]
    assert rows[1][1:5] == ["mira", "hide", proposal.code, "spam"]


@pytest.mark.parametrize(
    ("lang", "word"), [("kk", "себептері"), ("ru", "Причины"), ("en", "Reasons")]
)
def test_the_policy_page_lists_every_reason_code(client, lang, word):
    html = client.get("/moderation/policy/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    for code in ("abuse", "threat", "illegal", "spam", "flood", "privacy"):
        assert f'id="reason-{code}"' in html
    assert word in html
