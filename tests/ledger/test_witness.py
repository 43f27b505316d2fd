"""Witnesses: keygen, registration, the cosign endpoint, the cosigned checkpoint, and a real
witness process that cosigns a growing log and raises the alarm on a rewritten one."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from kenes.ledger import signing
from kenes.ledger.merkle import (
    COSIGNATURE_TYPE,
    Checkpoint,
    CosignatureSigner,
    Ed25519Signer,
    MerkleTree,
    consistency_proof,
    cosignatures,
    format_verifier_key,
    generate_key,
    hash_leaf,
    open_note,
    parse_private_key,
    parse_verifier_key,
    sign_checkpoint,
)
from kenes.ledger.merkle.witness import (
    EXIT_ALARM,
    EXIT_USAGE,
    WitnessAlarm,
    main,
    witness_once,
)
from kenes.ledger.models import Cosignature, Leaf, Witness
from kenes.ledger.services import TREE, ledger_sequence
from kenes.ledger.witnesses import CosignatureRejected, cosignature_record, witness_add
from tests.ledger.tamper import ledger_triggers_off

SRC = Path(__file__).resolve().parents[2] / "src"
ORIGIN = "kenes.example/ledger"


# --------------------------------------------------------------------------- pure witness


class FakeLog:
    """An in-memory log speaking the witness's side of the API; it can be made to lie."""

    def __init__(self) -> None:
        self.signer = Ed25519Signer(ORIGIN, Ed25519PrivateKey.generate())
        self.vkey = parse_verifier_key(format_verifier_key(ORIGIN, self.signer.public_key))
        self.tree = MerkleTree(hash_leaf(b"leaf %d" % i) for i in range(10))
        self.note = self.sign(self.tree.size, self.tree.root())
        self.proof_tree: MerkleTree | None = None
        self.posted: list[dict[str, str]] = []

    def sign(self, size: int, root: bytes) -> str:
        return sign_checkpoint(Checkpoint(ORIGIN, size, root), [self.signer])

    def grow(self, n: int) -> None:
        for i in range(n):
            self.tree.append(hash_leaf(b"more %d %d" % (self.tree.size, i)))
        self.note = self.sign(self.tree.size, self.tree.root())

    def get_text(self, path: str) -> str:
        assert path == "/checkpoint"
        return self.note

    def get_json(self, path: str) -> object:
        query = dict(p.split("=") for p in path.split("?")[1].split("&"))
        tree = self.proof_tree or self.tree
        proof = consistency_proof(tree, int(query["from"]), int(query["to"]))
        return {
            "from": int(query["from"]),
            "to": int(query["to"]),
            "proof": [h.hex() for h in proof],
        }

    def post_json(self, path: str, doc: object) -> tuple[int, str]:
        assert path == "/cosign" and isinstance(doc, dict)
        self.posted.append(doc)
        return 200, "{}"


@pytest.fixture
def witness_signer() -> CosignatureSigner:
    skey, _ = generate_key("witness.example.kz", COSIGNATURE_TYPE)
    signer = parse_private_key(skey)
    assert isinstance(signer, CosignatureSigner)
    return signer


def _cosign_verifies(log: FakeLog, signer: CosignatureSigner, line: str) -> bool:
    from kenes.ledger.merkle import CosignatureVerifier

    verifier = CosignatureVerifier(signer.name, signer.public_key)
    text = open_note(log.note, [log.vkey]).text
    note = open_note(text + "\n" + line, [verifier])
    return [c.name for c in cosignatures(note, [verifier])] == [signer.name]


def test_first_run_trusts_then_only_consistent_growth_is_cosigned(tmp_path, witness_signer):
    log, state = FakeLog(), tmp_path / "state.json"
    first = witness_once(log, witness_signer, log.vkey, state)
    assert first.previous_size is None and "trust on first use" in first.message
    assert _cosign_verifies(log, witness_signer, first.signature_line)
    log.grow(7)
    second = witness_once(log, witness_signer, log.vkey, state)
    assert second.previous_size == 10 and second.checkpoint.size == 17
    assert json.loads(state.read_text())["checkpoint"] == log.note
    assert len(log.posted) == 2 and log.posted[1]["witness"] == "witness.example.kz"
    assert witness_once(log, witness_signer, log.vkey, state).message.endswith("same root")


def _refused(log: FakeLog, signer: CosignatureSigner, state: Path, match: str) -> None:
    before = state.read_bytes()
    posted = len(log.posted)
    with pytest.raises(WitnessAlarm, match=match):
        witness_once(log, signer, log.vkey, state)
    assert state.read_bytes() == before and len(log.posted) == posted


def test_a_fork_a_rollback_and_a_rewritten_history_are_refused(tmp_path, witness_signer):
    log, state = FakeLog(), tmp_path / "state.json"
    witness_once(log, witness_signer, log.vkey, state)
    log.note = log.sign(10, b"\x07" * 32)
    _refused(log, witness_signer, state, "fork: two different roots for size 10")
    log.note = log.sign(9, log.tree.root(9))
    _refused(log, witness_signer, state, "rollback")
    # a log that rewrote leaf 3 and grew: its proofs come from the rewritten tree
    forged = MerkleTree(
        hash_leaf(b"leaf %d" % i) if i != 3 else hash_leaf(b"forged") for i in range(15)
    )
    log.note, log.proof_tree = log.sign(15, forged.root()), forged
    _refused(log, witness_signer, state, "consistency proof from size 10 to 15 does not verify")


def test_a_bad_signature_or_a_malformed_checkpoint_is_refused(tmp_path, witness_signer):
    log, state = FakeLog(), tmp_path / "state.json"
    witness_once(log, witness_signer, log.vkey, state)
    impostor = Ed25519Signer(ORIGIN, Ed25519PrivateKey.generate())
    log.note = sign_checkpoint(Checkpoint(ORIGIN, 10, log.tree.root()), [impostor])
    _refused(log, witness_signer, state, "not validly signed")
    for garbage in ("", "hello\n", "x\n\n\u2014 nobody AAAA\n", "\x00" * 10):
        log.note = garbage
        _refused(log, witness_signer, state, "checkpoint")


def test_keygen_prints_a_cosignature_key_pair(tmp_path, capsys):
    assert main(["keygen", "witness.example.kz"]) == 0
    skey, vkey = capsys.readouterr().out.split()
    assert isinstance(parse_private_key(skey), CosignatureSigner)
    assert parse_verifier_key(vkey).name == "witness.example.kz"
    assert main(["keygen", "w.kz", "--out", str(tmp_path / "w.key")]) == 0
    assert stat.S_IMODE((tmp_path / "w.key").stat().st_mode) == 0o600
    assert "PRIVATE" not in capsys.readouterr().out
    assert main(["keygen", "w.kz", "--out", str(tmp_path / "w.key")]) == EXIT_USAGE
    assert main(["keygen", "bad name"]) == EXIT_USAGE


def test_configuration_errors_exit_2_without_a_traceback(tmp_path, capsys, witness_signer):
    log = FakeLog()
    key = tmp_path / "w.key"
    key.write_text(generate_key("w.kz", COSIGNATURE_TYPE)[0])
    vkey = format_verifier_key(ORIGIN, log.signer.public_key)
    state = tmp_path / "state.json"
    state.write_text("{broken")
    cases = [
        [
            "run",
            "--log",
            "http://127.0.0.1:9",
            "--key",
            str(key),
            "--log-key",
            vkey,
            "--state",
            str(state),
        ],
        [
            "run",
            "--log",
            "http://127.0.0.1:9",
            "--key",
            str(tmp_path / "missing"),
            "--log-key",
            vkey,
            "--state",
            str(state),
        ],
        ["run", "--log", "ftp://x", "--key", str(key), "--log-key", vkey, "--state", str(state)],
        [
            "run",
            "--log",
            "http://127.0.0.1:9",
            "--key",
            str(key),
            "--log-key",
            "nonsense",
            "--state",
            str(state),
        ],
    ]
    for argv in cases:
        assert main(argv) == EXIT_USAGE, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err


# --------------------------------------------------------------------------- Django side


@pytest.fixture
def log(submit):
    for i in range(4):
        submit(text=f"Предложение номер {i}: продлить срок общественного обсуждения.")
    return ledger_sequence()


def _witness(name: str = "witness.one.kz") -> tuple[str, str]:
    return generate_key(name, COSIGNATURE_TYPE)


@pytest.mark.django_db(transaction=True)
def test_add_witness_checks_the_key(log, capsys):
    _skey, vkey = _witness()
    call_command("ledger", "add-witness", "witness.one.kz", vkey, organisation="Org One")
    assert "Registered witness witness.one.kz (Org One)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already registered"):
        call_command("ledger", "add-witness", "witness.one.kz", vkey)
    with pytest.raises(CommandError, match="cosignature key"):
        call_command("ledger", "add-witness", signing.origin(), signing.vkey())
    with pytest.raises(CommandError, match=r"is named 'witness\.one\.kz'"):
        call_command("ledger", "add-witness", "other.kz", vkey)
    with pytest.raises(CommandError, match="not a valid verifier key"):
        call_command("ledger", "add-witness", "x.kz", "x.kz+00+zz")
    with pytest.raises(CommandError, match="usage"):
        call_command("ledger", "add-witness", "x.kz")
    call_command("ledger", "witnesses")
    assert "witness.one.kz\tactive\tOrg One" in capsys.readouterr().out


def _line(skey: str, note: str) -> str:
    signer = parse_private_key(skey)
    text = open_note(note, [signing.verifier()]).text
    from kenes.ledger.merkle import NoteSignature

    return NoteSignature(signer.name, signer.key_id, signer.sign(text.encode())).line().strip()


@pytest.mark.django_db(transaction=True)
def test_the_cosign_endpoint_accepts_only_registered_witnesses_and_valid_cosignatures(client, log):
    skey, vkey = _witness()
    note = client.get("/api/ledger/checkpoint").content.decode()
    body = {"checkpoint": note, "witness": "witness.one.kz", "signature": _line(skey, note)}
    post = lambda doc: client.post(  # noqa: E731
        "/api/ledger/cosign",
        doc,
        content_type="application/json",
    )
    assert post(body).status_code == 403  # not registered yet
    witness = witness_add(actor=None, name="witness.one.kz", vkey=vkey, organisation="Org One")
    impostor, _ = _witness()
    assert post({**body, "signature": _line(impostor, note)}).status_code == 422
    other_log = Ed25519Signer(signing.origin(), Ed25519PrivateKey.generate())
    forged = sign_checkpoint(
        Checkpoint(signing.origin(), log.size, bytes(log.root_hash)), [other_log]
    )
    assert post({**body, "checkpoint": forged}).status_code == 422
    unpublished = sign_checkpoint(
        Checkpoint(signing.origin(), log.size, b"\x01" * 32), [signing.signer()]
    )
    assert post({**body, "checkpoint": unpublished}).status_code == 422
    assert post({**body, "signature": "— witness.one.kz AAAA"}).status_code == 422
    assert post({**body, "checkpoint": "garbage"}).status_code == 422
    # a valid cosignature is stored once, and served with the checkpoint
    ok = post(body)
    assert ok.status_code == 200 and ok.json() == {
        "size": 4,
        "witness": "witness.one.kz",
        "created": True,
    }
    assert post(body).json()["created"] is False
    served = client.get("/api/ledger/checkpoint").content.decode()
    verifier = parse_verifier_key(vkey)
    opened = open_note(served, [signing.verifier(), verifier])
    assert len(opened.signatures) == 2
    assert [c.name for c in cosignatures(opened, [verifier])] == ["witness.one.kz"]
    assert client.get("/api/ledger/witnesses").json()["witnesses"] == [
        {"name": "witness.one.kz", "organisation": "Org One", "vkey": vkey}
    ]
    # an inactive witness can no longer cosign, and its line is no longer served
    call_command("ledger", "deactivate-witness", "witness.one.kz")
    assert post(body).status_code == 403
    assert client.get("/api/ledger/checkpoint").content.decode() == log.note
    with pytest.raises(CosignatureRejected):
        cosignature_record(
            checkpoint_note=note, witness_name=witness.name, signature_line=body["signature"]
        )


# --------------------------------------------------------------------------- a real witness


def _run_witness(
    tmp_path: Path, url: str, key: Path, log_key: str, state: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "KENES_DATA"))}
    env["PYTHONPATH"] = str(SRC)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kenes.cli",
            "witness",
            "run",
            "--log",
            url,
            "--key",
            str(key),
            "--log-key",
            log_key,
            "--state",
            str(state),
            "--once",
            "--timeout",
            "20",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )


def _rewrite_leaf(index: int) -> None:
    """Rewrite an entry and its leaf hash in place, the way an attacker with the database would."""
    leaf = Leaf.objects.select_related("entry").get(index=index)
    data = leaf.entry.data.replace('"channel":"web"', '"channel":"mail"')
    assert data != leaf.entry.data
    digest = hash_leaf(data.encode())
    blob = (
        f"'\\x{digest.hex()}'::bytea" if connection.vendor == "postgresql" else f"X'{digest.hex()}'"
    )
    with ledger_triggers_off() as cursor:
        cursor.execute("UPDATE ledger_entry SET data = %s WHERE id = %s", [data, leaf.entry_id])
        cursor.execute(f'UPDATE ledger_leaf SET leaf_hash = {blob} WHERE "index" = {index}')


@pytest.mark.django_db(transaction=True)
def test_a_witness_process_cosigns_a_growing_log_and_refuses_a_rewritten_one(
    live_server, log, submit, tmp_path
):
    # given two witnesses registered with the log, each with its own key and state
    keys = {}
    for name in ("witness.one.kz", "witness.two.kz"):
        skey, vkey = _witness(name)
        (tmp_path / f"{name}.key").write_text(skey + "\n")
        witness_add(actor=None, name=name, vkey=vkey, organisation=name.split(".")[1].title())
        keys[name] = vkey
    log_key = tmp_path / "log.vkey"
    log_key.write_text(signing.vkey() + "\n")
    # when each runs once in its own process, then the log grows and they run again
    for _round in range(2):
        for name in keys:
            done = _run_witness(
                tmp_path,
                live_server.url,
                tmp_path / f"{name}.key",
                str(log_key),
                tmp_path / f"{name}.state",
            )
            assert done.returncode == 0, done.stdout + done.stderr
            assert "cosigned kenes" in done.stdout or "cosigned" in done.stdout
        submit(text="Ещё одно предложение: уточнить порядок публикации ответов.")
        ledger_sequence()
    assert "extends size 4" in done.stdout
    # then the checkpoints carry both cosignatures, and the served note verifies with all keys
    assert Cosignature.objects.count() == 4
    ledger_sequence()
    served = Cosignature.objects.order_by("-checkpoint__size").first().checkpoint
    verifiers = [signing.verifier(), *(parse_verifier_key(v) for v in keys.values())]
    from kenes.ledger.witnesses import cosigned_note

    opened = open_note(cosigned_note(served), verifiers)
    assert {s.name for s in opened.signatures} == {signing.origin(), *keys}
    # when history is rewritten in the database and a new checkpoint is signed over it
    state = tmp_path / "witness.one.kz.state"
    before = state.read_bytes()
    _rewrite_leaf(1)
    TREE.reset()
    submit(text="Предложение после переписывания истории журнала.")
    ledger_sequence()
    done = _run_witness(
        tmp_path, live_server.url, tmp_path / "witness.one.kz.key", str(log_key), state
    )
    # then the witness refuses, raises the alarm and keeps its state
    assert done.returncode == EXIT_ALARM, done.stdout + done.stderr
    assert "ALARM: the consistency proof from size 5 to 7 does not verify" in done.stderr
    assert "Traceback" not in done.stderr and state.read_bytes() == before
    assert not Cosignature.objects.filter(checkpoint__size=7).exists()


@pytest.mark.django_db(transaction=True)
def test_a_witness_process_refuses_a_wrong_log_key(live_server, log, tmp_path):
    skey, vkey = _witness()
    witness_add(actor=None, name="witness.one.kz", vkey=vkey)
    (tmp_path / "w.key").write_text(skey)
    _, wrong = generate_key(signing.origin())
    done = _run_witness(
        tmp_path, live_server.url, tmp_path / "w.key", wrong, tmp_path / "state.json"
    )
    assert done.returncode == EXIT_ALARM
    assert "ALARM: the checkpoint is not validly signed by the log key" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "state.json").exists()
    assert not Cosignature.objects.exists() and Witness.objects.count() == 1


class _Garbage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"kenes.local/ledger\nnot a size\n!!!\n\n\xe2\x80\x94 x y\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_witness_process_refuses_a_malformed_checkpoint(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        skey, _ = _witness()
        (tmp_path / "w.key").write_text(skey)
        _, log_key = generate_key("kenes.local/ledger")
        done = _run_witness(
            tmp_path,
            f"http://127.0.0.1:{server.server_address[1]}",
            tmp_path / "w.key",
            log_key,
            tmp_path / "state.json",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == EXIT_ALARM, done.stdout + done.stderr
    assert done.stderr.startswith("ALARM: the checkpoint is not validly signed")
    assert "Traceback" not in done.stderr
