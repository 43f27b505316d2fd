"""Intake: validation, receipts, language detection, duplicates, idempotency, privacy."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kenes.proposals import receipts
from kenes.proposals.models import Proposal, ProposalState
from kenes.proposals.selectors import PublicFilters, public_proposals, receipt_check
from kenes.proposals.services import DuplicateProposalError

pytestmark = pytest.mark.django_db


def test_a_proposal_gets_a_receipt_and_a_history(submit):
    # when a citizen sends a proposal on article 6, point 1
    result = submit(article_number="6", point_number="1", region="71")
    proposal = result.proposal
    # then it is stored with a valid receipt code and a one-time secret
    assert result.created and receipts.normalize_code(proposal.code) == proposal.code
    assert result.secret and result.secret not in proposal.secret_digest
    assert (proposal.article.number, proposal.point.number) == ("6", "1")
    assert proposal.state == ProposalState.RECEIVED
    assert [(h.from_state, h.to_state) for h in proposal.history.all()] == [("", "received")]
    assert proposal.public_author in {"азамат, Астана", "citizen, Astana", "гражданин, Астана"}


def test_receipt_lookup_by_code_and_secret(submit):
    result = submit()
    code = result.proposal.code
    assert receipt_check(code=code.lower().replace("-", " ")) == result.proposal
    assert receipt_check(code=code, secret=result.secret) == result.proposal
    assert receipt_check(code=code, secret="WRONGSECRT") is None
    assert receipt_check(code="KNS-2222-2222") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Баптағы мерзімді ұзарту керек деп ойлаймын, себебі ауыл тұрғындары үлгермейді.", "kk"),
        ("Считаю необходимым продлить срок, жители сёл не успевают ознакомиться.", "ru"),
        ("I think the consultation period must be longer for rural residents.", "en"),
    ],
)
def test_language_is_detected_when_not_given(submit, text, lang):
    proposal = submit(text=text).proposal
    assert proposal.language == lang and proposal.language_detected


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "коротко"}, "text"),
        ({"text": "а" * 5001}, "text"),
        ({"article_number": "999"}, "article"),
        ({"article_number": "6", "point_number": "9"}, "point"),
        ({"point_number": "1"}, "point"),
        ({"region": "99"}, "region"),
        ({"language": "de"}, "language"),
        ({"contact": "not a contact"}, "contact"),
        ({"contact": "a@b.kz", "consent": False}, "consent"),
        ({"author_kind": "robot"}, "author_kind"),
    ],
)
def test_bad_input_is_refused_with_a_message_per_field(submit, kwargs, field):
    with pytest.raises(ValidationError) as info:
        submit(**kwargs)
    assert field in info.value.message_dict
    assert not Proposal.objects.exists()


def test_the_same_text_from_the_same_author_is_politely_refused(submit):
    submit(contact="+7 701 123 45 67", consent=True)
    with pytest.raises(DuplicateProposalError):
        submit(
            text="  ПРЕДЛАГАЮ продлить срок консультаций до девяноста дней. ",
            contact="+7 701 123 45 67",
            consent=True,
        )
    # another author may send the same text
    assert submit(contact="+7 702 000 00 00", consent=True).created
    assert Proposal.objects.count() == 2


def test_an_imported_row_is_stored_once(submit):
    first = submit(channel="file", source="batch.csv", external_id="row-7")
    again = submit(channel="file", source="batch.csv", external_id="row-7")
    assert again.proposal == first.proposal and not again.created and again.secret is None


def test_contact_is_encrypted_at_rest_and_never_public(submit):
    proposal = submit(
        contact="aigerim@example.kz", consent=True, consent_text="Я согласен"
    ).proposal
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM proposals_proposal WHERE id = %s", [proposal.pk])
        stored = cursor.fetchone()[0]
    assert "aigerim" not in stored and stored.startswith("gAAAA")
    assert Proposal.objects.get(pk=proposal.pk).contact == "aigerim@example.kz"
    listed = public_proposals(PublicFilters()).get()
    assert "contact" in listed.get_deferred_fields()


def test_html_is_stored_as_text(submit):
    proposal = submit(text="<script>alert('x')</script> прошу изменить статью").proposal
    assert proposal.text.startswith("<script>")


def test_public_search_finds_words(submit):
    submit(text="Предлагаю увеличить срок публикации проекта.")
    submit(text="Түбіртек кодын SMS арқылы жіберу керек.", region="10")
    assert public_proposals(PublicFilters(q="публикации")).count() == 1
    assert public_proposals(PublicFilters(q="түбіртек")).count() == 1
    assert public_proposals(PublicFilters(region="10")).count() == 1


def test_receipt_codes_catch_typos():
    code = receipts.new_code()
    body = code.replace("-", "")[3:]
    for i in range(len(body)):
        for ch in receipts.ALPHABET:
            if ch != body[i]:
                assert receipts.normalize_code(body[:i] + ch + body[i + 1 :]) is None
    assert receipts.normalize_code(code.replace("K", "К")) == code  # Cyrillic К typed


def test_batch_intake_matches_single_intake(version, submit):
    # given one row already stored, a bad row, a repeated id and two good rows
    from django.db import transaction

    from kenes.proposals.services import Submitted, proposals_submit_many

    submit(channel="file", source="b.csv", external_id="a")
    rows = [
        {"external_id": "a", "text": "Уже импортированная строка файла."},
        {"external_id": "b", "text": "коротко"},
        {
            "external_id": "c",
            "text": "Предлагаю изменить статью восемь.",
            "article_number": "8",
            "language": "ru",
        },
        {"external_id": "c", "text": "Повтор той же строки файла."},
        {"external_id": "d", "text": "Сегізінші бапты өзгертуді ұсынамын.", "article_number": "8"},
    ]
    # when they are submitted as one batch
    with transaction.atomic():
        results = proposals_submit_many(
            actor=None, version=version, channel="file", source="b.csv", rows=rows
        )
    # then each row gets what proposal_submit would have given it
    assert [type(r).__name__ for r in results] == [
        "Submitted",
        "ValidationError",
        "Submitted",
        "Submitted",
        "Submitted",
    ]
    assert [r.created for r in results if isinstance(r, Submitted)] == [False, True, False, True]
    assert results[2].proposal == results[3].proposal
    assert results[4].proposal.language == "kk" and results[4].secret
    assert Proposal.objects.filter(source="b.csv").count() == 3
    from kenes.ledger.models import Entry
    from kenes.proposals.models import StateChange

    codes = [r.proposal.code for r in (results[2], results[4])]
    assert Entry.objects.filter(code__in=codes, kind="proposal.received").count() == 2
    assert StateChange.objects.filter(proposal__code__in=codes).count() == 2
