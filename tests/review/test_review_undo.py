"""Undo an answer given to many proposals: a correction in the ledger, never a deletion."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kenes.ledger.models import Entry
from kenes.proposals.models import ProposalState
from kenes.review import services
from kenes.review.models import Answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(submit):
    return [submit(text=f"Предложение номер {n} о сроках консультаций.").proposal for n in range(3)]


def _current(p):
    return Answer.objects.filter(proposal=p).order_by("-answered_at", "-id").first()


def test_undo_restores_earlier_answers_and_reopens_the_rest(three, reviewer):
    a, b, c = three
    services.answer_record(actor=reviewer, proposal=a, decision="accepted", reason_ru="Принято.")
    bulk = services.answers_record(
        actor=reviewer,
        proposal_ids=[a.pk, b.pk, c.pk],
        decision="not_accepted",
        reason_ru="Ошибочный общий ответ.",
    )
    entries, answers = Entry.objects.count(), Answer.objects.count()
    done = services.answers_undo(actor=reviewer, group=bulk[0].group)
    assert done == {"restored": 1, "reopened": 2}
    # nothing is deleted: the wrong answers stay, a correction is added
    assert Answer.objects.count() == answers + 1
    assert Entry.objects.count() == entries + 3
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.state, _current(a).decision, _current(a).reason_ru) == (
        ProposalState.ANSWERED,
        "accepted",
        "Принято.",
    )
    assert b.state == c.state == ProposalState.IN_REVIEW
    kinds = list(Entry.objects.order_by("-id").values_list("kind", flat=True)[:3])
    assert sorted(kinds) == ["answer.recorded", "proposal.state", "proposal.state"]


def test_undo_leaves_proposals_answered_again_since(three, reviewer):
    a, b, _c = three
    bulk = services.answers_record(
        actor=reviewer, proposal_ids=[a.pk, b.pk], decision="accepted", reason_ru="Да."
    )
    services.answer_record(actor=reviewer, proposal=a, decision="out_of_scope", reason_ru="Вне.")
    assert services.answers_undo(actor=reviewer, group=bulk[0].group) == {
        "restored": 0,
        "reopened": 1,
    }
    a.refresh_from_db()
    assert a.state == ProposalState.ANSWERED and _current(a).decision == "out_of_scope"


def test_an_unknown_group_cannot_be_undone(reviewer):
    import uuid

    with pytest.raises(ValidationError):
        services.answers_undo(actor=reviewer, group=uuid.uuid4())


def test_the_queue_offers_undo_once_in_the_session(client, three, reviewer):
    client.force_login(reviewer)
    ids = [p.pk for p in three]
    post = {
        "action": "answer",
        "ids": ids,
        "decision": "not_accepted",
        "reason_ru": "Общий ответ.",
        "confirmed": "3",
    }
    assert client.post("/review/", post).status_code == 302
    page = client.get("/review/?lang=en").content.decode()
    assert "Undo it" in page and "3 proposals" in page
    group = str(Answer.objects.filter(proposal_id=ids[0]).get().group)
    other = client.post("/review/undo", {"group": "0" * 32, "next": "/review/"})
    assert other.status_code == 302
    assert all(p.state == ProposalState.ANSWERED for p in type(three[0]).objects.filter(pk__in=ids))
    done = client.post("/review/undo", {"group": group, "next": "https://evil.example/"})
    assert done.status_code == 302 and done["Location"] == "/review/"
    assert set(type(three[0]).objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        ProposalState.IN_REVIEW
    }
    assert "Undo it" not in client.get("/review/?lang=en").content.decode()
