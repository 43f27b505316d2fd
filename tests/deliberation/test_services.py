"""Services of deliberation: votes, history, moderation, results, bad input."""

from __future__ import annotations

import json

import pytest

from kenes.deliberation import services
from kenes.deliberation.models import Conversation, Participant, Statement, Vote, VoteChange
from kenes.ledger.models import Entry

from .conftest import device

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def test_one_vote_per_participant_and_statement_and_changes_are_kept(
    conversation, statements, participant
):
    s = statements[0]
    services.vote_cast(
        conversation=conversation, participant=participant, statement_id=s.pk, value=1
    )
    services.vote_cast(
        conversation=conversation, participant=participant, statement_id=s.pk, value=-1
    )
    services.vote_cast(
        conversation=conversation, participant=participant, statement_id=s.pk, value="pass"
    )
    votes = Vote.objects.filter(participant=participant, statement=s)
    assert [v.value for v in votes] == [0]
    history = list(VoteChange.objects.filter(vote=votes[0]).values_list("old", "new"))
    assert history == [(None, 1), (1, -1), (-1, 0)]
    s.refresh_from_db()
    assert (s.n_agree, s.n_disagree, s.n_pass) == (0, 0, 1)


def test_the_same_vote_again_changes_nothing(conversation, statements, participant):
    s = statements[1]
    for _ in range(3):
        services.vote_cast(
            conversation=conversation, participant=participant, statement_id=s.pk, value=1
        )
    assert VoteChange.objects.count() == 1
    s.refresh_from_db()
    assert s.n_agree == 1


def test_a_device_is_one_participant_per_conversation(conversation, admin_user, version):
    a = services.participant_get_or_create(conversation=conversation, device_token=device(7))
    b = services.participant_get_or_create(conversation=conversation, device_token=device(7))
    assert a.pk == b.pk
    other = services.conversation_create(
        actor=admin_user, slug="other", version=version, title_kk="Басқа", title_ru="Другой"
    )
    c = services.participant_get_or_create(conversation=other, device_token=device(7))
    assert c.pk != a.pk and c.token_hash != a.token_hash
    assert device(7) not in (a.token_hash or "")


@pytest.mark.parametrize("value", [2, -2, "yes", None, 1.5, True, ""])
def test_values_other_than_minus_one_zero_one_are_refused(
    conversation, statements, participant, value
):
    with pytest.raises(services.DeliberationError) as exc:
        services.vote_cast(
            conversation=conversation,
            participant=participant,
            statement_id=statements[0].pk,
            value=value,
        )
    assert exc.value.code == "invalid"
    assert "1 (agree)" in exc.value.messages[0]
    assert not Vote.objects.exists()


def test_unknown_statement_and_participant_are_refused(
    conversation, statements, participant, admin_user, version
):
    with pytest.raises(services.DeliberationError, match="Unknown statement") as exc:
        services.vote_cast(
            conversation=conversation, participant=participant, statement_id=999999, value=1
        )
    assert exc.value.code == "not_found"
    other = services.conversation_create(
        actor=admin_user, slug="other", version=version, title_kk="Басқа", title_ru="Другой"
    )
    stranger = services.participant_get_or_create(conversation=other, device_token=device(2))
    with pytest.raises(services.DeliberationError, match="Unknown participant"):
        services.vote_cast(
            conversation=conversation,
            participant=stranger,
            statement_id=statements[0].pk,
            value=1,
        )
    with pytest.raises(services.DeliberationError, match="Unknown participant"):
        services.vote_cast(
            conversation=conversation,
            participant=Participant(conversation=conversation),
            statement_id=statements[0].pk,
            value=1,
        )
    assert not Vote.objects.exists()


def test_pending_and_rejected_statements_take_no_votes(conversation, participant, admin_user):
    mine = services.statement_submit(
        conversation=conversation, participant=participant, text="Менің пікірім: мерзімді ұзарту."
    )
    assert mine.state == Statement.State.PENDING
    with pytest.raises(services.DeliberationError, match="Unknown statement"):
        services.vote_cast(
            conversation=conversation, participant=participant, statement_id=mine.pk, value=1
        )


def test_a_closed_conversation_takes_no_votes_or_statements(
    conversation, statements, participant, admin_user
):
    services.conversation_set_status(actor=admin_user, conversation=conversation, status="closed")
    with pytest.raises(services.DeliberationError, match="closed") as exc:
        services.vote_cast(
            conversation=conversation,
            participant=participant,
            statement_id=statements[0].pk,
            value=1,
        )
    assert exc.value.code == "closed"
    with pytest.raises(services.DeliberationError, match="closed"):
        services.statement_submit(
            conversation=conversation, participant=participant, text="Тағы бір пікір."
        )
    assert not Vote.objects.exists()


def test_signed_in_only_conversation_refuses_devices(version, admin_user):
    conv = services.conversation_create(
        actor=admin_user,
        slug="members",
        version=version,
        title_kk="Тек тіркелгендер",
        title_ru="Только для вошедших",
        participation=Conversation.Participation.SIGNED_IN,
    )
    with pytest.raises(services.DeliberationError, match="Sign in") as exc:
        services.participant_get_or_create(conversation=conv, device_token=device(3))
    assert exc.value.code == "forbidden"
    p = services.participant_get_or_create(conversation=conv, user=admin_user)
    assert p.user == admin_user and p.token_hash is None


def test_statement_length_and_emptiness(conversation, participant):
    with pytest.raises(services.DeliberationError, match="at most 280"):
        services.statement_submit(
            conversation=conversation, participant=participant, text="ә" * 281
        )
    with pytest.raises(services.DeliberationError, match="Write the statement"):
        services.statement_submit(conversation=conversation, participant=participant, text="  \n ")
    ok = services.statement_submit(
        conversation=conversation, participant=participant, text="қ" * 280
    )
    assert len(ok.text) == 280


def test_submitted_statement_language_is_detected(conversation, participant):
    ru = services.statement_submit(
        conversation=conversation,
        participant=participant,
        text="Проект нужно обсуждать на сельских сходах, а не только в интернете.",
    )
    kk = services.statement_submit(
        conversation=conversation,
        participant=participant,
        text="Жобаны ауылдық жиындарда да талқылау қажет, тек интернетте емес.",
    )
    assert (ru.language, kk.language) == ("ru", "kk")


def test_moderation_needs_a_reason_to_reject_and_is_a_ledger_event(
    conversation, participant, admin_user
):
    s = services.statement_submit(
        conversation=conversation, participant=participant, text="Комиссия жұмысы ашық болсын."
    )
    before = Entry.objects.count()
    with pytest.raises(services.DeliberationError, match="reason"):
        services.statement_moderate(actor=admin_user, statement=s, accept=False, reason=" ")
    s.refresh_from_db()
    assert s.state == Statement.State.PENDING
    assert Entry.objects.count() == before
    services.statement_moderate(
        actor=admin_user, statement=s, accept=False, reason="Повторяет утверждение 3."
    )
    s.refresh_from_db()
    assert s.state == Statement.State.REJECTED and s.reason == "Повторяет утверждение 3."
    entry = Entry.objects.order_by("-id").first()
    assert entry.kind == "deliberation.statement" and entry.code == s.code
    event = json.loads(entry.data)
    assert event["state"] == "rejected" and event["reason"] == "Повторяет утверждение 3."
    assert s.text not in entry.data  # the text is bound by its hash only
    assert "text_sha256" in event
    services.statement_moderate(actor=admin_user, statement=s, accept=True)
    s.refresh_from_db()
    assert s.state == Statement.State.ACCEPTED and s.reason == ""
    assert Entry.objects.count() == before + 2


def test_statements_from_insights_are_pending(conversation, admin_user):
    from kenes.insights.models import Campaign, Theme

    Campaign.objects.create(
        version=conversation.version,
        label="c",
        template="Срок консультаций нужно продлить до девяноста дней. " * 6
        + "Публикуйте проект в районных газетах.",
        template_lang="ru",
        size=30,
    )
    Theme.objects.create(
        version=conversation.version, label="x", label_kk="мерзім, ауыл", label_ru="", size=10
    )
    made = services.statements_from_insights(actor=admin_user, conversation=conversation)
    assert len(made) == 2
    assert all(s.state == Statement.State.PENDING and len(s.text) <= 280 for s in made)
    assert made[0].text.endswith("дней.")
    assert services.statements_from_insights(actor=admin_user, conversation=conversation) == []


def _vote_many(conversation, statements, n, pattern):
    for i in range(n):
        p = services.participant_get_or_create(conversation=conversation, device_token=device(i))
        for s, v in zip(statements, pattern(i), strict=True):
            services.vote_cast(conversation=conversation, participant=p, statement_id=s.pk, value=v)


def test_recompute_stores_a_snapshot_and_skips_when_nothing_changed(
    conversation, statements, admin_user
):
    _vote_many(conversation, statements, 12, lambda i: (1, 1 if i % 2 else -1, -1 if i % 2 else 1))
    result = services.result_recompute(conversation=conversation)
    assert result is not None
    assert result.n_votes == 36 and result.n_participants == 12
    assert result.data["statement_stats"][str(statements[0].pk)]["agree"] == 12
    assert services.result_recompute(conversation=conversation) is None
    published = services.result_publish(actor=admin_user, result=result)
    entry = Entry.objects.filter(kind="deliberation.result").get()
    event = json.loads(entry.data)
    assert event["votes"] == 36 and event["conversation"] == "demo-talk"
    assert published.published_at is not None
    with pytest.raises(services.DeliberationError, match="published already"):
        services.result_publish(actor=admin_user, result=result)


def test_a_conversation_without_votes_gives_an_empty_result(conversation, statements):
    result = services.result_recompute(conversation=conversation, force=True)
    assert result is not None
    assert result.n_votes == 0 and result.data["groups"] == {}


def test_vote_queues_one_debounced_recompute(conversation, statements, participant, settings):
    from django_tasks_db.models import DBTaskResult

    settings.KENES_DELIB_AUTO = True
    for s in statements:
        services.vote_cast(
            conversation=conversation, participant=participant, statement_id=s.pk, value=1
        )
    conversation.refresh_from_db()
    assert conversation.recompute_queued
    assert DBTaskResult.objects.count() <= 1


def test_votes_recompute_in_the_background_task(
    conversation, statements, participant, settings, django_capture_on_commit_callbacks
):
    from kenes.deliberation.models import Result

    settings.KENES_DELIB_AUTO = True
    settings.KENES_DELIB_RECOMPUTE_DELAY = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            conversation=conversation,
            participant=participant,
            statement_id=statements[0].pk,
            value=1,
        )
    result = Result.objects.get()
    assert result.n_votes == 1
    conversation.refresh_from_db()
    assert not conversation.recompute_queued
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            conversation=conversation,
            participant=participant,
            statement_id=statements[1].pk,
            value=-1,
        )
    assert Result.objects.count() == 2 and Result.objects.order_by("-id").first().n_votes == 2


def test_one_participant_gives_a_result_without_groups(conversation, statements, participant):
    services.vote_cast(
        conversation=conversation, participant=participant, statement_id=statements[0].pk, value=1
    )
    result = services.result_recompute(conversation=conversation)
    assert result is not None and result.n_participants == 1
    assert result.data["group_sizes"] == {}


def test_a_second_insert_of_the_same_vote_is_a_no_op(conversation, statements, participant):
    first = services._vote_insert(conversation, participant, statements[0].pk, 1)
    again = services._vote_insert(conversation, participant, statements[0].pk, -1)
    assert first is not None and again is None
    assert Vote.objects.get().value == 1


def test_a_first_vote_is_one_statement_on_postgresql(
    conversation, statements, participant, django_assert_max_num_queries
):
    from django.db import connection

    # given a participant's first vote on an accepted statement
    s = statements[2]
    # when it is cast, then PostgreSQL needs one statement for the vote, its counter and its
    # change; other databases take the general path (four). Both counts include the
    # transaction's two (here a savepoint and its release; BEGIN and COMMIT outside tests).
    limit = 3 if connection.vendor == "postgresql" else 6
    with django_assert_max_num_queries(limit):
        vote = services.vote_cast(
            conversation=conversation, participant=participant, statement_id=s.pk, value=-1
        )
    # and everything a vote writes is there
    stored = Vote.objects.get(pk=vote.pk)
    assert (stored.participant_id, stored.statement_id, stored.value) == (participant.pk, s.pk, -1)
    assert list(VoteChange.objects.filter(vote=stored).values_list("old", "new")) == [(None, -1)]
    s.refresh_from_db()
    assert (s.n_agree, s.n_disagree, s.n_pass) == (0, 1, 0)
    # and a vote on a statement of another conversation is refused without writing anything
    with pytest.raises(services.DeliberationError):
        services.vote_cast(
            conversation=conversation, participant=participant, statement_id=10**9, value=1
        )
    assert Vote.objects.count() == 1
