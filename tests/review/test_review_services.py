"""Review services: assignment, answers with reasons, bulk answers, merges, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kenes.proposals.models import ProposalState
from kenes.review import services
from kenes.review.models import Answer

pytestmark = pytest.mark.django_db


def test_answer_records_decision_reason_and_history(submit, reviewer):
    # given a received proposal
    proposal = submit(article_number="6").proposal
    # when a reviewer starts and answers it
    services.proposal_review_start(actor=reviewer, proposal=proposal)
    answer = services.answer_record(
        actor=reviewer,
        proposal=proposal,
        decision="accepted",
        reason_ru="Срок увеличен до 45 дней.",
        changed_article=proposal.article,
    )
    # then it is answered, with the reason and every step recorded
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ANSWERED
    assert answer.reason_in("kk") == "Срок увеличен до 45 дней."
    steps = [(h.from_state, h.to_state, h.actor_label) for h in proposal.history.all()]
    assert steps == [
        ("", "received", "system"),
        ("received", "in_review", "dana"),
        ("in_review", "answered", "dana"),
    ]


def test_an_answer_needs_a_reason_and_a_decision(submit, reviewer):
    proposal = submit().proposal
    with pytest.raises(ValidationError) as info:
        services.answer_record(actor=reviewer, proposal=proposal, decision="maybe", reason_ru="  ")
    assert set(info.value.message_dict) == {"decision", "reason_ru"}
    assert not Answer.objects.exists()


def test_bulk_answer_gives_each_proposal_its_own_answer(
    submit, reviewer, django_assert_max_num_queries
):
    ids = [
        submit(text=f"Предложение номер {i} о сроках консультаций.").proposal.pk for i in range(30)
    ]
    # Constant whatever the number of proposals; the public counters add two (the answers
    # being replaced, one insert of counter deltas).
    with django_assert_max_num_queries(9):
        answers = services.answers_record(
            actor=reviewer,
            proposal_ids=ids,
            decision="not_accepted",
            reason_kk="Себебі...",
            reason_ru="Потому что...",
        )
    assert len(answers) == 30 and len({a.group for a in answers}) == 1
    assert Answer.objects.filter(proposal_id__in=ids).count() == 30


def test_merge_then_answer_the_target(submit, reviewer):
    a = submit(text="Первое предложение о сроках.").proposal
    b = submit(text="Второе такое же предложение о сроках.").proposal
    services.proposal_merge(actor=reviewer, proposal=b, into=a)
    b.refresh_from_db()
    assert b.state == ProposalState.MERGED and b.merged_into == a
    with pytest.raises(ValidationError, match="merged"):
        services.answer_record(actor=reviewer, proposal=b, decision="accepted", reason_ru="x")
    with pytest.raises(ValidationError, match="itself"):
        services.proposal_merge(actor=reviewer, proposal=a, into=a)


def test_round_robin_keeps_an_articles_proposals_together(submit, reviewer, reviewer2):
    ids = [
        submit(text=f"Статья шесть, мнение {i}.", article_number="6").proposal.pk for i in range(4)
    ]
    ids += [
        submit(text=f"Статья восемь, мнение {i}.", article_number="8").proposal.pk for i in range(3)
    ]
    load = services.proposals_assign_round_robin(
        actor=None, proposal_ids=ids, reviewers=[reviewer, reviewer2]
    )
    assert sorted(load.values()) == [3, 4]
    from kenes.proposals.models import Proposal

    by_article = {}
    for p in Proposal.objects.filter(pk__in=ids):
        by_article.setdefault(p.article.number, set()).add(p.assignee_id)
    assert all(len(v) == 1 for v in by_article.values())


def test_only_reviewers_can_be_assigned(submit, db):
    from kenes.accounts.services import staff_user_create

    observer = staff_user_create(
        actor=None, username="obs", password="x-Passw0rd!", roles=["observer"]
    )
    with pytest.raises(ValidationError, match="not a reviewer"):
        services.proposals_assign(
            actor=None, proposal_ids=[submit().proposal.pk], assignee=observer
        )


def test_round_robin_records_each_assignment_in_the_history(submit, reviewer):
    ids = [
        submit(text=f"Мнение {i} о статье шесть.", article_number="6").proposal.pk for i in range(3)
    ]
    services.proposals_assign_round_robin(actor=reviewer, proposal_ids=ids, reviewers=[reviewer])
    from kenes.proposals.models import StateChange

    assigned = StateChange.objects.filter(proposal_id__in=ids, details__assigned_to="dana")
    assert assigned.count() == 3


def test_the_demo_seed_leaves_no_answered_proposal_in_review(db, settings, tmp_path):
    import io

    from django.core.management import call_command

    from kenes.proposals.models import Proposal
    from kenes.review.models import Answer

    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--no-shared", stdout=io.StringIO())

    in_review_with_answer = Proposal.objects.filter(
        state=ProposalState.IN_REVIEW, answers__isnull=False
    ).count()
    assert Answer.objects.exists() and in_review_with_answer == 0
