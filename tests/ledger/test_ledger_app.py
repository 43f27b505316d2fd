"""The ledger app: every proposal and answer is a leaf; proofs verify; tampering is detected."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from kenes.ledger import signing
from kenes.ledger.audit import ledger_audit
from kenes.ledger.events import commitment, proposal_state
from kenes.ledger.merkle import (
    hash_leaf,
    open_checkpoint,
    parse_verifier_key,
    verify_consistency,
    verify_inclusion,
)
from kenes.ledger.models import Checkpoint, Entry, Leaf
from kenes.ledger.services import ledger_append, ledger_sequence
from kenes.review.services import answer_record
from tests.ledger.tamper import ledger_triggers_off

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def log(submit, reviewer):
    """Three proposals (one with a contact), one answered, all sequenced."""
    results = [
        submit(
            text=f"Предложение номер {i}: продлить срок обсуждения.",
            article_number="6",
            contact="+7 701 555 00 0" + str(i),
            consent=True,
        )
        for i in range(3)
    ]
    answer_record(
        actor=reviewer,
        proposal=results[0].proposal,
        decision="accepted",
        reason_ru="Принято: срок продлён.",
    )
    ledger_sequence()
    return results


def _vkey_verifier():
    return parse_verifier_key(signing.vkey())


def test_every_proposal_and_answer_is_a_leaf_without_personal_data(log):
    kinds = [(e.kind, e.code) for e in Entry.objects.order_by("id")]
    codes = [r.proposal.code for r in log]
    assert [k for k, _ in kinds].count("proposal.received") == 3
    assert ("answer.recorded", codes[0]) in kinds
    assert Leaf.objects.count() == Entry.objects.count() == 4
    everything = " ".join(Entry.objects.values_list("data", flat=True))
    assert "+7 701" not in everything and "Предложение" not in everything


def test_the_commitment_binds_the_text_with_the_receipt_secret(log):
    first = log[0]
    event = json.loads(Entry.objects.get(code=first.proposal.code, kind="proposal.received").data)
    assert event["commitment"] == commitment(first.secret, first.proposal.text)
    assert event["commitment"] != commitment(first.secret, first.proposal.text + " ")


def test_inclusion_and_consistency_proofs_verify_against_signed_checkpoints(client, log, submit):
    # given the first checkpoint, then one more proposal and a second checkpoint
    first = Checkpoint.objects.get()
    submit(text="Ещё одно предложение о статье восемь.", article_number="8")
    ledger_sequence()
    # when a citizen fetches the checkpoint, the key and an inclusion proof over the API
    note = client.get("/api/ledger/checkpoint").content.decode()
    body, _ = open_checkpoint(note, [_vkey_verifier()], origin=signing.origin())
    proof = client.get(f"/api/ledger/proof/inclusion?index=1&size={body.size}").json()
    # then the leaf is in the signed tree
    verify_inclusion(
        hash_leaf(proof["leaf"].encode()),
        1,
        body.size,
        [bytes.fromhex(h) for h in proof["proof"]],
        body.root_hash,
    )
    consistency = client.get(
        f"/api/ledger/proof/consistency?from={first.size}&to={body.size}"
    ).json()
    verify_consistency(
        first.size,
        body.size,
        [bytes.fromhex(h) for h in consistency["proof"]],
        bytes(first.root_hash),
        body.root_hash,
    )


def test_receipt_entries_and_bad_requests(client, log):
    code = log[0].proposal.code
    entries = client.get(f"/api/ledger/receipt/{code.lower()}").json()["entries"]
    assert [e["kind"] for e in entries] == ["proposal.received", "answer.recorded"]
    assert all(e["index"] is not None for e in entries)
    assert client.get("/api/ledger/receipt/KNS-2222-2222").status_code == 404
    assert client.get("/api/ledger/proof/inclusion?index=99").status_code == 422
    assert client.get("/api/ledger/proof/consistency?from=3&to=2").status_code == 422
    assert client.get("/api/ledger/leaves?limit=5000").status_code == 422


def test_sequencing_twice_adds_nothing_and_appends_need_a_transaction(log):
    assert ledger_sequence() is None
    with pytest.raises(RuntimeError, match="inside the transaction"):
        ledger_append(proposal_state(code="KNS-0", from_state="received", to_state="in_review"))


def test_the_database_refuses_to_update_leaves_and_entries(log):
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=Entry.objects.first().pk).update(data="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        Leaf.objects.filter(index=0).update(leaf_hash=b"\0" * 32)


def test_the_database_refuses_to_delete_leaves_on_postgresql(log):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite refuses updates only; deletion is caught by the audit (below)")
    with pytest.raises(DatabaseError), transaction.atomic():
        Leaf.objects.filter(index=0).delete()


def _without_triggers(sql: list[str]) -> None:
    """Run raw SQL the way an attacker with database access would: triggers out of the way."""
    with ledger_triggers_off() as cursor:
        for statement in sql:
            cursor.execute(statement)


def _audit_problems() -> list[str]:
    with pytest.raises(CommandError, match="diverges"):
        call_command("ledger", "audit")
    return ledger_audit().problems


def test_audit_passes_on_an_untouched_log(log, capsys):
    call_command("ledger", "audit")
    assert "The ledger is consistent." in capsys.readouterr().out


def test_audit_detects_an_edited_entry(log):
    entry = Leaf.objects.get(index=2).entry
    forged = entry.data.replace("proposal.received", "proposal.received ")
    _without_triggers([f"UPDATE ledger_entry SET data = '{forged}' WHERE id = {entry.pk}"])
    assert any("leaf 2: entry" in p and "changed" in p for p in _audit_problems())


def test_audit_detects_a_deleted_leaf(log):
    _without_triggers(['DELETE FROM ledger_leaf WHERE "index" = 1'])
    problems = _audit_problems()
    assert any("leaf index 1 is missing" in p for p in problems)
    assert any("root differs" in p for p in problems)


def test_audit_detects_reordered_leaves(log):
    # swap two events together with their leaf hashes: every leaf matches its entry, but the
    # order differs from the signed history
    a, b = Leaf.objects.get(index=0), Leaf.objects.get(index=1)
    sql = []
    for leaf, other in ((a, b), (b, a)):
        sql.append(
            f"UPDATE ledger_entry SET data = '{other.entry.data}' WHERE id = {leaf.entry_id}"
        )
        blob = _blob(connection, bytes(other.leaf_hash))
        sql.append(f'UPDATE ledger_leaf SET leaf_hash = {blob} WHERE "index" = {leaf.index}')
    _without_triggers(sql)
    problems = _audit_problems()
    # the log's own check, then the tables' check (the proposals no longer match their leaves)
    assert problems[0] == (
        f"checkpoint {Checkpoint.objects.get().size}: root differs from the "
        "recomputed tree (history was rewritten)"
    )
    assert all(p.startswith("proposal ") for p in problems[1:])


def _blob(conn, data: bytes) -> str:
    return f"'\\x{data.hex()}'::bytea" if conn.vendor == "postgresql" else f"X'{data.hex()}'"


def test_audit_detects_an_inserted_leaf(log):
    # shift leaves 2.. up by one and insert a forged entry at index 2
    forged = Entry.objects.create(
        kind="proposal.received", code="KNS-FAKE-0000", data='{"type":"forged"}'
    )
    _without_triggers(
        [
            'UPDATE ledger_leaf SET "index" = "index" + 100 WHERE "index" >= 2',
            'UPDATE ledger_leaf SET "index" = "index" - 99 WHERE "index" >= 100',
        ]
    )
    Leaf.objects.create(index=2, entry=forged, leaf_hash=hash_leaf(forged.data.encode()))
    assert any("root differs" in p for p in _audit_problems())


def test_autosequence_places_a_new_proposal_in_the_log_at_commit(submit, settings):
    settings.KENES_LEDGER_AUTOSEQUENCE = True
    code = submit(text="Предложение, которое сразу попадает в журнал.").proposal.code
    assert Leaf.objects.filter(entry__code=code).exists()
    assert Checkpoint.objects.order_by("-size").first().size == Leaf.objects.count()


def test_a_windowed_sequence_looks_from_the_floor_and_a_full_scan_catches_late_entries(
    log, monkeypatch
):
    from kenes.ledger import services

    with transaction.atomic():
        late = ledger_append(proposal_state(code="KNS-L", from_state="received", to_state="x"))
        early = ledger_append(proposal_state(code="KNS-E", from_state="received", to_state="y"))
    assert late.pk < early.pk
    # Only the entry from `since` on is placed: the late one (a lower id) waits.
    assert ledger_sequence(since=early.pk).size == 5
    assert Leaf.objects.get(index=4).entry_id == early.pk
    monkeypatch.setattr(services, "LOOKBACK_IDS", 0)
    assert services.sequence_floor() == early.pk
    assert ledger_sequence(since=services.sequence_floor()) is None
    monkeypatch.setattr(services, "LOOKBACK_IDS", early.pk - late.pk)
    assert services.sequence_floor() == late.pk
    # A full scan places it after the higher id; the log stays contiguous and consistent.
    assert ledger_sequence().size == 6
    assert Leaf.objects.get(index=5).entry_id == late.pk
    assert ledger_audit().ok


def test_the_sequencer_loop_scans_fully_first_then_from_the_floor(log, monkeypatch):
    from kenes.ledger.management.commands import ledger as command

    calls: list[int | None] = []
    real = command.ledger_sequence

    def spy(*, since=None):
        calls.append(since)
        return real(since=since)

    class Stop(Exception):
        pass

    def sleep(_seconds):
        if len(calls) == 3:
            raise Stop

    monkeypatch.setattr(command, "ledger_sequence", spy)
    monkeypatch.setattr(command.time, "sleep", sleep)
    monkeypatch.setattr(command.signing, "allow_signing", lambda: None)
    with pytest.raises(Stop):
        call_command("ledger", "sequence", "--loop", "--interval", "0")
    floor = max(0, Leaf.objects.order_by("-entry_id").first().entry_id - 5000)
    assert calls == [None, floor, floor]
