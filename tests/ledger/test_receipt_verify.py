"""Receipt verification for everyone: `kenes verify receipt` against a live log and an export,
the no-JS page, and every way a receipt or the log can be wrong."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from kenes.ledger import signing
from kenes.ledger.events import commitment as django_commitment
from kenes.ledger.merkle import Checkpoint as CheckpointBody
from kenes.ledger.merkle import entry_bundle_ids, generate_key, sign_checkpoint, tile_ids
from kenes.ledger.merkle.codes import commitment, normalize_code
from kenes.ledger.merkle.receipt import ReceiptInput, verify_receipt
from kenes.ledger.merkle.sources import DirLogSource, HttpLogSource
from kenes.ledger.merkle.verify import main
from kenes.ledger.models import Entry
from kenes.ledger.services import ledger_sequence
from kenes.proposals import receipts
from kenes.review.services import answer_record
from tests.ledger.tamper import ledger_triggers_off

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[2] / "src"
TEXT = "Предлагаю продлить срок общественного обсуждения до девяноста дней."


@pytest.fixture
def log(submit, reviewer):
    """Three proposals (the first answered, the second with our text), all sequenced."""
    results = [
        submit(text=f"Предложение номер {i}: продлить срок обсуждения статьи.", article_number="6")
        for i in range(2)
    ]
    mine = submit(text=TEXT + "\n")
    answer_record(
        actor=reviewer,
        proposal=mine.proposal,
        decision="accepted",
        reason_ru="Принято: срок продлён до девяноста дней.",
    )
    ledger_sequence()
    return {
        "mine": mine,
        "others": results,
        "code": mine.proposal.code,
        "secret": mine.secret,
        "vkey": signing.vkey(),
    }


@pytest.fixture
def exported(log, tmp_path):
    directory = tmp_path / "export"
    call_command("ledger", "export", str(directory))
    return directory


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["receipt", *argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def _base(log, where: str) -> list[str]:
    return [
        "--code",
        log["code"],
        "--secret",
        log["secret"],
        "--log",
        where,
        "--log-key",
        log["vkey"],
    ]


# --------------------------------------------------------------------------- agreement


def test_the_pure_commitment_and_code_rules_are_those_of_intake():
    for _ in range(50):
        secret, text = receipts.new_secret(), secrets.token_hex(8) + " текст"
        assert commitment(secret, text) == django_commitment(secret, text)
        code = receipts.new_code()
        for typed in (code, code.lower().replace("-", " "), code[4:]):
            assert normalize_code(typed) == receipts.normalize_code(typed) == code
    assert normalize_code("KNS-2222-2223") is None is receipts.normalize_code("KNS-2222-2223")


# --------------------------------------------------------------------------- happy paths


def test_a_receipt_verifies_against_the_live_log(live_server, log, capsys):
    status, out, err = _run(capsys, *_base(log, live_server.url), "--text", TEXT)
    assert status == 0, out + err
    assert out.count("\u2713") == 5  # signature, entries, commitment, 2 inclusions
    assert "\u2717" not in out
    assert "accepted \u2014 Принято: срок продлён" in out
    assert "RESULT: all checks passed" in out


def test_a_receipt_file_verifies_against_an_exported_directory(log, exported, tmp_path, capsys):
    receipt = tmp_path / "receipt.json"
    receipt.write_text(
        json.dumps(
            {"code": log["code"].lower(), "secret": log["secret"].lower(), "text": TEXT + "\r\n"}
        ),
        encoding="utf-8",
    )
    status, out, err = _run(
        capsys,
        "--receipt",
        str(receipt),
        "--log",
        str(exported),
        "--log-key",
        str(exported / "key"),
    )
    assert status == 0, out + err
    assert "the proposal.received entry (leaf 2) is in the signed log of 4 entries" in out
    assert "the answer.recorded entry (leaf 3)" in out


def test_a_text_file_and_no_pinned_key_say_where_the_key_came_from(log, exported, tmp_path, capsys):
    text_file = tmp_path / "text.txt"
    text_file.write_text(TEXT + "\n", encoding="utf-8")
    status, out, _ = _run(
        capsys,
        "--code",
        log["code"],
        "--secret",
        log["secret"],
        "--text-file",
        str(text_file),
        "--log",
        str(exported),
    )
    assert status == 0
    assert "the log key was taken from the log itself" in out


def test_the_pure_command_runs_without_django(log, exported, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env["PYTHONPATH"] = str(SRC)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kenes.ledger.merkle.verify",
            "receipt",
            *_base(log, str(exported)),
            "--text",
            TEXT,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RESULT: all checks passed" in done.stdout


def test_a_kept_checkpoint_is_extended_by_a_later_one(live_server, log, submit, tmp_path, capsys):
    kept = tmp_path / "kept.txt"
    status, _, _ = _run(
        capsys, *_base(log, live_server.url), "--text", TEXT, "--save-checkpoint", str(kept)
    )
    assert status == 0 and kept.read_text().startswith(signing.origin())
    for i in range(5):
        submit(text=f"Ещё одно предложение номер {i} о статье восемь проекта.")
    ledger_sequence()
    status, out, _ = _run(
        capsys, *_base(log, live_server.url), "--text", TEXT, "--kept-checkpoint", str(kept)
    )
    assert status == 0, out
    assert "extends your kept checkpoint (size 4)" in out
    # and against the export of the grown log
    call_command("ledger", "export", str(tmp_path / "grown"))
    status, out, _ = _run(
        capsys, *_base(log, str(tmp_path / "grown")), "--text", TEXT, "--kept-checkpoint", str(kept)
    )
    assert status == 0, out


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize("where", ["url", "dir"])
def test_a_wrong_secret_or_text_fails_clearly(live_server, log, exported, where, capsys):
    target = live_server.url if where == "url" else str(exported)
    status, out, _ = _run(
        capsys,
        "--code",
        log["code"],
        "--secret",
        "ABCDEFGHJK",
        "--text",
        TEXT,
        "--log",
        target,
        "--log-key",
        log["vkey"],
    )
    assert status == 1
    assert "\u2717 your secret and text do not match the commitment" in out
    assert "RESULT: verification FAILED" in out
    status, out, _ = _run(capsys, *_base(log, target), "--text", TEXT.replace("девяноста", "ста"))
    assert status == 1 and "do not match the commitment" in out
    # inclusion still holds: only the text check failed
    assert out.count("\u2717") == 1


def test_a_wrong_log_key_fails(live_server, log, exported, capsys):
    _, other = generate_key(signing.origin())
    for target in (live_server.url, str(exported)):
        status, out, _ = _run(capsys, "--code", log["code"], "--log", target, "--log-key", other)
        assert status == 1
        assert "\u2717 the checkpoint is not validly signed by the log key" in out


def test_a_tampered_leaf_in_an_export_is_caught(log, exported, capsys):
    size = 4
    (bundle,) = entry_bundle_ids(size)
    path = exported / bundle.path
    entry = Entry.objects.get(code=log["code"], kind="proposal.received")
    event = json.loads(entry.data)
    forged = event["commitment"][::-1]
    path.write_bytes(path.read_bytes().replace(event["commitment"].encode(), forged.encode()))
    status, out, _ = _run(capsys, *_base(log, str(exported)), "--text", TEXT)
    assert status == 1
    assert "do not match the commitment" in out
    assert "\u2717 the proposal.received entry (leaf 2) is NOT proven to be in the signed" in out


def test_a_forged_hash_tile_in_an_export_is_caught(log, exported, capsys):
    level0 = next(t for t in tile_ids(4) if t.level == 0)
    path = exported / level0.path
    data = bytearray(path.read_bytes())
    data[3 * 32] ^= 0xFF  # the sibling of leaf 2 is leaf 3: its hash is on leaf 2's proof
    path.write_bytes(bytes(data))
    status, out, _ = _run(capsys, *_base(log, str(exported)), "--text", TEXT)
    assert status == 1
    assert "NOT proven to be in the signed log: the proof leads to another root" in out


def test_a_tampered_entry_in_the_live_database_is_caught(live_server, log, capsys):
    entry = Entry.objects.get(code=log["code"], kind="answer.recorded")
    forged = entry.data.replace("accepted", "not_accepted")
    with ledger_triggers_off() as cursor:
        cursor.execute("UPDATE ledger_entry SET data = %s WHERE id = %s", [forged, entry.pk])
    status, out, _ = _run(capsys, *_base(log, live_server.url), "--text", TEXT)
    assert status == 1
    assert "\u2717 the answer.recorded entry (leaf 3) is NOT proven" in out
    assert "\u2713 the proposal.received entry (leaf 2) is in the signed log" in out


class _LyingLog(HttpLogSource):
    """A log (or a man in the middle) that alters inclusion proofs."""

    def __init__(self, url: str, how: str) -> None:
        super().__init__(url)
        self.how = how

    def inclusion(self, index: int, size: int) -> list[bytes]:
        proof = super().inclusion(index, size)
        if self.how == "forged":
            return [bytes(32), *proof[1:]]
        if self.how == "truncated":
            return proof[:-1]
        return [*proof, bytes(32)]


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("forged", "the proof leads to another root"),
        ("truncated", "inclusion proof has 1 hashes, want 2"),
        ("extended", "inclusion proof has 3 hashes, want 2"),
    ],
)
def test_forged_and_truncated_proofs_fail(live_server, log, how, message):
    report = verify_receipt(
        _LyingLog(live_server.url, how),
        ReceiptInput(log["code"], log["secret"], TEXT),
        log_key=log["vkey"],
    )
    assert not report.ok
    failed = [c for c in report.checks if c.ok is False]
    assert {c.id for c in failed} == {"inclusion"}
    assert all(message in c.text for c in failed), failed


def test_a_forked_or_rolled_back_kept_checkpoint_fails(live_server, log, tmp_path, capsys):
    fork = sign_checkpoint(CheckpointBody(signing.origin(), 4, b"\x01" * 32), [signing.signer()])
    (tmp_path / "fork.txt").write_text(fork)
    status, out, _ = _run(
        capsys,
        *_base(log, live_server.url),
        "--text",
        TEXT,
        "--kept-checkpoint",
        str(tmp_path / "fork.txt"),
    )
    assert status == 1 and "two different roots for size 4 (fork)" in out
    future = sign_checkpoint(CheckpointBody(signing.origin(), 9, b"\x01" * 32), [signing.signer()])
    (tmp_path / "future.txt").write_text(future)
    status, out, _ = _run(
        capsys,
        *_base(log, live_server.url),
        "--text",
        TEXT,
        "--kept-checkpoint",
        str(tmp_path / "future.txt"),
    )
    assert status == 1 and "(rollback)" in out


def test_malformed_input_gives_messages_never_a_traceback(log, exported, tmp_path, capsys):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    cases = [
        (["--receipt", str(bad_json), "--log", str(exported)], 2, "not UTF-8 JSON"),
        (["--code", "KNS-2222-2223", "--log", str(exported)], 1, "not a valid receipt code"),
        (["--code", log["code"], "--log", str(tmp_path / "nowhere")], 2, "not a directory"),
        (
            ["--code", log["code"], "--log", str(exported), "--log-key", "garbage+zz+zz"],
            1,
            "the log key is malformed",
        ),
        (["--code", log["code"], "--log", "http://127.0.0.1:9/"], 1, "cannot read the log's key"),
        (["--log", str(exported)], 2, "give the receipt code"),
        (["--code", "KNS-2222-2223"], 2, "required"),
    ]
    for argv, status, message in cases:
        got, out, err = _run(capsys, *argv)
        assert got == status, (argv, out, err)
        assert message in out + err, (argv, out, err)
        assert "Traceback" not in out + err
    (exported / "checkpoint").write_text("not a checkpoint\n")
    got, out, err = _run(capsys, *_base(log, str(exported)))
    assert got == 1 and "not validly signed" in out and "Traceback" not in out + err
    (exported / "checkpoint").write_text("")
    got, out, _ = _run(capsys, *_base(log, str(exported)))
    assert got == 1


def test_a_code_without_entries_and_a_pending_entry(log, submit, exported, capsys):
    other = receipts.new_code()
    status, out, _ = _run(capsys, "--code", other, "--log", str(exported), "--log-key", log["vkey"])
    assert status == 1 and f"the log has no entry for {other}" in out
    late = submit(text="Предложение, которое ещё не попало в подписанный журнал.")
    report = verify_receipt(
        DirLogSource(exported), ReceiptInput(late.proposal.code), log_key=log["vkey"]
    )
    assert not report.ok and report.checks[-1].id == "entries"


def test_the_existing_subcommands_still_work(capsys):
    assert main(["inclusion", "--help"]) == 0
    assert main(["consistency"]) == 2
    capsys.readouterr()


# --------------------------------------------------------------------------- the page


def test_the_page_checks_on_the_server_without_javascript(client, log):
    page = client.get("/ledger/verify/?code=" + log["code"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert log["code"] in page.content.decode()
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    ok = client.post(
        "/ledger/verify/",
        {"code": log["code"].lower(), "secret": log["secret"], "text": TEXT, "server": "1"},
        **en,
    )
    html = ok.content.decode()
    assert 'class="notice notice-ok" id="verdict"' in html
    assert "Your secret and your text match" in html
    assert "Принято: срок продлён" in html and "check check-bad" not in html
    bad = client.post(
        "/ledger/verify/", {"code": log["code"], "secret": "WRONG22222", "text": TEXT}, **en
    )
    html = bad.content.decode()
    assert 'class="error" id="verdict"' in html and "do NOT match" in html
    nonsense = client.post("/ledger/verify/", {"code": "hello", "secret": "", "text": ""}, **en)
    assert "not a valid receipt code" in nonsense.content.decode()
