"""Group commit of API intake (kenes.proposals.batcher)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kenes.ledger.models import Entry
from kenes.proposals import batcher as batching
from kenes.proposals.batcher import Batcher, Job, Overloaded, intake_submit
from kenes.proposals.models import IdempotencyKey, Proposal, StateChange
from kenes.proposals.services import DuplicateProposalError
from kenes.proposals.tokens import IdempotencyConflictError, proposal_submit_idempotent

TEXT = "Предлагаю продлить срок общественного обсуждения проекта"


def job(version, key: str, text: str, digest: str = "", **row) -> Job:
    return Job(
        scope="public",
        key=key,
        digest=digest or f"digest-{key}",
        version=version,
        channel="api",
        source="public",
        language="en",
        row={"text": text, "language": "ru", **row},
    )


@pytest.mark.django_db
def test_one_batch_gives_each_submission_its_own_receipt_ledger_entry_and_key(version):
    # given a key stored by an earlier submission
    earlier = proposal_submit_idempotent(
        actor=None,
        scope="public",
        idempotency_key="old",
        body_digest="digest-old",
        version=version,
        text=f"{TEXT}, ранее.",
        channel="api",
        source="public",
    )
    fresh = [job(version, f"k{i}", f"{TEXT}, номер {i}.") for i in range(5)]
    same_again = job(version, "k0", f"{TEXT}, номер 0.")
    other_body = job(version, "k1", f"{TEXT}, другое.", digest="digest-other")
    short = job(version, "k9", "коротко")
    replay = job(version, "old", f"{TEXT}, ранее.")
    conflict = job(version, "old", f"{TEXT}, иначе.", digest="digest-changed")
    batch = [*fresh, same_again, other_body, short, replay, conflict]

    # when they are written as one batch
    Batcher(batch_max=100, queue_max=100).process(batch)

    # then each new submission has its own proposal, receipt secret, history and ledger entry
    codes = [j.result.submitted.proposal.code for j in fresh]
    assert len(set(codes)) == 5 and all(j.result.submitted.secret for j in fresh)
    assert not any(j.result.replayed for j in fresh)
    for code in codes:
        assert Entry.objects.filter(kind="proposal.received", code=code).count() == 1
        assert StateChange.objects.filter(proposal__code=code, to_state="received").count() == 1
    assert {k.key for k in IdempotencyKey.objects.all()} == {"old", *(f"k{i}" for i in range(5))}
    # and the same key with the same body within the batch replays the first one, with its
    # secret (a lost response loses nothing within the replay window, as in the API)
    assert same_again.result.replayed
    assert same_again.result.submitted.secret == fresh[0].result.submitted.secret
    assert same_again.result.submitted.proposal.code == codes[0]
    # and a key reused with another body, in the batch or before it, is refused
    assert isinstance(other_body.error, IdempotencyConflictError)
    assert isinstance(conflict.error, IdempotencyConflictError)
    # and an earlier key replays its proposal
    assert replay.result.replayed and replay.result.submitted.proposal == earlier.submitted.proposal
    # and an invalid text fails alone, with its field message
    assert isinstance(short.error, ValidationError) and "text" in short.error.message_dict
    assert Proposal.objects.count() == 6


@pytest.mark.django_db
def test_a_duplicate_from_the_same_contact_is_refused_in_a_batch(version):
    contact = {"contact": "+77011234567", "consent": True}
    first = job(version, "a", f"{TEXT}, один.", **contact)
    Batcher(batch_max=10, queue_max=10).process([first])
    again = job(version, "b", f"{TEXT}, один.", **contact)
    Batcher(batch_max=10, queue_max=10).process([again])
    assert first.result is not None and first.result.submitted.created
    assert isinstance(again.error, DuplicateProposalError)


@pytest.mark.django_db
def test_a_full_queue_refuses_at_once(version):
    with pytest.raises(Overloaded):
        Batcher(batch_max=10, queue_max=0).submit(job(version, "x", f"{TEXT}."))
    assert Proposal.objects.count() == 0


@pytest.mark.django_db
def test_a_writer_far_behind_refuses_at_once(version):
    # given a job that has waited 10 s for a writer (none runs in this test)
    b = Batcher(batch_max=10, queue_max=100, max_wait=2.0)
    stuck = job(version, "old", f"{TEXT}, давно.")
    stuck.queued_at = time.monotonic() - 10
    b.jobs.put(stuck)
    # then a new one is refused instead of waiting behind it
    with pytest.raises(Overloaded):
        b.submit(job(version, "new", f"{TEXT}, новое."))
    assert b.jobs.qsize() == 1 and Proposal.objects.count() == 0


@pytest.mark.django_db
def test_the_api_answers_503_with_retry_after_when_overloaded(client, version, monkeypatch):
    def overloaded(job: Job):
        raise Overloaded

    monkeypatch.setattr("kenes.proposals.api.intake_submit", overloaded)
    response = client.post(
        "/api/proposals/",
        {"document": "demo", "version": "v2", "text": f"{TEXT}."},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_through_the_writer_thread_each_get_their_receipt(
    demo_draft, settings
):
    # given the writer thread of this process (not in a transaction: group commit is used)
    version = demo_draft[1]
    settings.KENES_INTAKE_GROUP_COMMIT = True
    assert not connection.in_atomic_block
    results: dict[str, object] = {}
    lock = threading.Lock()

    def client(n: int) -> None:
        try:
            for i in range(15):
                key = f"c{n}-{i}"
                outcome = intake_submit(job(version, key, f"{TEXT}, клиент {n}, запрос {i}."))
                with lock:
                    results[key] = outcome
        finally:
            connection.close()

    # when 8 clients submit at the same time
    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        batching.batcher().stop()

    # then each of the 120 got its own committed proposal, ledger entry and idempotency key
    assert len(results) == 120
    codes = {key: r.submitted.proposal.code for key, r in results.items()}
    assert len(set(codes.values())) == 120
    stored = dict(IdempotencyKey.objects.values_list("key", "proposal__code"))
    assert stored == codes
    received = Entry.objects.filter(kind="proposal.received").values_list("code", flat=True)
    assert sorted(received) == sorted(codes.values())
    assert batching.intake_stats()["written"] >= 120


def test_waiting_events_of_stored_proposals_are_merged_in_order():
    from kenes.proposals.batcher import merge_events

    waiting = [
        ("proposals.stored", {"proposal_ids": [1, 2]}),
        ("other", {"id": 7}),
        ("proposals.stored", {"proposal_ids": [3]}),
        ("other", {"id": 8}),
    ]
    assert merge_events(waiting) == [
        ("proposals.stored", {"proposal_ids": [1, 2, 3]}),
        ("other", {"id": 7}),
        ("other", {"id": 8}),
    ]
    # the waiting payloads themselves are left as they were
    assert waiting[0][1] == {"proposal_ids": [1, 2]}


@pytest.mark.django_db(transaction=True)
def test_reactions_to_a_batch_run_after_its_commit_in_their_own_thread(
    demo_draft, settings, monkeypatch
):
    from kenes.core import hooks

    # (only this test's reaction: the live analysis would write from that thread too, which
    # the tests' in-memory SQLite database refuses while the writer writes)
    monkeypatch.setattr(hooks, "_handlers", {})
    # given a reaction to stored proposals that notes where it ran and what it saw committed
    version = demo_draft[1]
    settings.KENES_INTAKE_GROUP_COMMIT = True
    seen: list[tuple[str, list[int], int]] = []

    def reaction(*, proposal_ids: list[int]) -> None:
        # (a second connection reads what is committed; the tests' in-memory SQLite database
        # would refuse that read while the writer writes, so it is checked on PostgreSQL only)
        committed = (
            Proposal.objects.filter(pk__in=proposal_ids).count()
            if connection.vendor == "postgresql"
            else len(proposal_ids)
        )
        seen.append((threading.current_thread().name, list(proposal_ids), committed))

    hooks.register(hooks.PROPOSALS_STORED, reaction)
    try:
        # when submissions go through the writer thread
        outcomes = [intake_submit(job(version, f"r{i}", f"{TEXT}, реакция {i}.")) for i in range(6)]
        batching.batcher().stop()  # runs what is waiting, then stops both threads
    finally:
        hooks.unregister(hooks.PROPOSALS_STORED, reaction)
    # then every stored proposal was announced once, to a reaction in the reactions thread,
    # which found it committed
    ids = sorted(o.submitted.proposal.pk for o in outcomes)
    assert sorted(i for _t, got, _c in seen for i in got) == ids
    assert {name for name, _got, _c in seen} == {"kenes-intake-reactions"}
    assert all(committed == len(got) for _t, got, committed in seen)


def test_reactions_run_at_most_once_per_interval_with_the_events_between_merged(settings):
    import time

    from kenes.core import hooks
    from kenes.proposals.batcher import Reactions

    # given reactions at most every 0.3 s, and a handler that notes when it ran and on what
    settings.KENES_INTAKE_REACTIONS_EVERY = 0.3
    calls: list[tuple[float, list[int]]] = []

    def noted(*, proposal_ids: list[int]) -> None:
        calls.append((time.monotonic(), list(proposal_ids)))

    hooks.register("test.surge", noted)
    reactions = Reactions()
    try:
        reactions.put("test.surge", {"proposal_ids": [1]})
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.01)
        # when two more batches commit right after the first reaction
        reactions.put("test.surge", {"proposal_ids": [2]})
        reactions.put("test.surge", {"proposal_ids": [3]})
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        reactions.stop()
        hooks.unregister("test.surge", noted)
    # then they get one reaction together, no sooner than the interval after the first
    assert [ids for _t, ids in calls] == [[1], [2, 3]]
    assert calls[1][0] - calls[0][0] >= 0.29


@pytest.mark.django_db
def test_pending_lists_of_the_full_text_indexes_are_merged_on_demand(submit):
    from kenes.proposals import pending

    # given proposals just stored (their full-text entries wait in the indexes' pending lists)
    for i in range(5):
        submit(text=f"{TEXT}: вопрос номер {i} о сроках и языках обсуждения.")
    if connection.vendor != "postgresql":
        # (SQLite has no such indexes: nothing is tried)
        assert pending.merge_pending_lists() is None
        return
    # when they are merged, then pages of the lists were merged, and none are left after
    assert pending.merge_pending_lists() > 0
    assert pending.merge_pending_lists() == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_merger_returns_at_once_while_another_process_merges(submit):
    if connection.vendor != "postgresql":
        pytest.skip("GIN pending lists and advisory locks are PostgreSQL's")
    import psycopg

    from kenes.proposals import pending

    submit(text=f"{TEXT}: о порядке опубликования ответов комиссии.")
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}
    )
    try:
        # given another session merging (holding the mergers' lock)
        other.execute("SELECT pg_advisory_lock(%s)", [pending.LOCK_KEY])
        # then this one does not wait for it, and leaves the lists as they are
        started = time.monotonic()
        assert pending.merge_pending_lists() is None
        assert time.monotonic() - started < 1
        other.execute("SELECT pg_advisory_unlock(%s)", [pending.LOCK_KEY])
        assert pending.merge_pending_lists() > 0
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_the_reactions_thread_merges_the_pending_lists_of_what_intake_wrote(
    demo_draft, settings, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("GIN pending lists are PostgreSQL's")
    from kenes.core import hooks
    from kenes.proposals import pending

    monkeypatch.setattr(hooks, "_handlers", {})  # (no live analysis: only the merges)
    monkeypatch.setattr(pending, "MERGE_EVERY", 0.0)
    settings.KENES_INTAKE_GROUP_COMMIT = True
    version = demo_draft[1]
    # given submissions through the writer thread, whose reactions thread then stops
    for i in range(6):
        intake_submit(job(version, f"g{i}", f"{TEXT}, слияние списков {i}."))
    batching.batcher().stop()
    # then nothing of theirs waits in a pending list
    assert pending.merge_pending_lists() == 0
