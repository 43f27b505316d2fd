"""A change link is verified like an answer: the receipt check includes its ledger entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kenes.changes.services import LinkItem, change_links_confirm
from kenes.ledger import signing
from kenes.ledger.merkle.verify import main
from kenes.ledger.services import ledger_sequence
from kenes.proposals.services import proposal_submit
from kenes.review.services import answer_record

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Срок консультаций нужно увеличить до сорока пяти дней."


def test_the_receipt_check_includes_the_change_link(demo_draft, reviewer, tmp_path, capsys):
    v1, v2 = demo_draft
    submitted = proposal_submit(
        actor=None, version=v1, text=TEXT, channel="web", article_number="6"
    )
    answer_record(
        actor=reviewer, proposal=submitted.proposal, decision="accepted", reason_ru="Принято."
    )
    change_links_confirm(
        actor=reviewer,
        old_version=v1,
        new_version=v2,
        items=[
            LinkItem(
                proposal_id=submitted.proposal.pk,
                old_article_id=v1.articles.get(number="6").pk,
                new_article_id=v2.articles.get(number="6").pk,
            )
        ],
    )
    ledger_sequence()
    export = tmp_path / "export"
    call_command("ledger", "export", str(export))
    status = main(
        [
            "receipt",
            "--code",
            submitted.proposal.code,
            "--secret",
            submitted.secret,
            "--log",
            str(export),
            "--log-key",
            signing.vkey(),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "change.linked" in out
