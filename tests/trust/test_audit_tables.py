"""`kenes ledger audit` checks the application tables against the log, not only the log."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kenes.ledger.audit import ledger_audit
from kenes.proposals.models import Proposal
from kenes.review.models import Answer
from kenes.review.services import answers_record

pytestmark = pytest.mark.django_db(transaction=False)


def _raw(sql: str, params: list) -> None:
    # A database superuser's edit: no service, no ledger entry.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_clean_database_is_consistent(submit):
    submit()
    report = ledger_audit()
    assert report.ok, report.problems


def test_a_rewritten_public_text_is_detected(submit):
    proposal = submit().proposal
    _raw(
        "UPDATE proposals_proposal SET public_text = %s, text = %s WHERE id = %s",
        ["Предлагаю отменить выборы.", "Предлагаю отменить выборы.", proposal.pk],
    )
    report = ledger_audit()
    assert any(proposal.code in p and "public text" in p for p in report.problems)
    with pytest.raises(CommandError):
        call_command("ledger", "audit")


def test_a_deleted_proposal_is_detected(submit):
    proposal = submit().proposal
    _raw("DELETE FROM proposals_statechange WHERE proposal_id = %s", [proposal.pk])
    _raw("DELETE FROM proposals_proposal WHERE id = %s", [proposal.pk])
    report = ledger_audit()
    assert any(proposal.code in p and "missing" in p for p in report.problems)


def test_hiding_without_an_event_is_detected(submit):
    proposal = submit().proposal
    _raw(
        "UPDATE proposals_proposal SET visibility = 'hidden', hide_reason = 'spam' WHERE id = %s",
        [proposal.pk],
    )
    assert any("hidden without" in p for p in ledger_audit().problems)


def test_a_rewritten_answer_is_detected(submit):
    proposal = submit().proposal
    (answer,) = answers_record(
        actor=None, proposal_ids=[proposal.pk], decision="not_accepted", reason_ru="Нет."
    )
    assert ledger_audit().ok
    _raw("UPDATE review_answer SET decision = 'accepted' WHERE id = %s", [answer.pk])
    assert any(f"answer {answer.pk}" in p for p in ledger_audit().problems)


def test_entries_without_the_hash_are_reported_as_unverifiable_not_as_problems(submit):
    proposal = submit().proposal
    # an entry from before the hash: rewrite the event as older code wrote it
    from kenes.ledger.models import Entry

    entry = Entry.objects.get(kind="proposal.received", code=proposal.code)
    import json

    data = json.loads(entry.data)
    data.pop("public_text_sha256")
    Entry.objects.create(kind="proposal.received", code="KNS-OLD0-0000", data=json.dumps(data))
    Proposal.objects.filter(pk=proposal.pk).update(code="KNS-OLD0-0000")
    report = ledger_audit()
    assert any("before the public text hash" in n for n in report.notes)
    assert Answer.objects.count() == 0
