"""The intake writer as a process of its own (kenes.proposals.writer, decision 29).

The writer's server runs here in a thread of the test process, on a real Unix socket, with its
own Batcher; the web side is the same code the web processes run (``intake_submit`` and the
API). tests/proposals/test_crash.py runs ``kenes intake-writer`` as a real process and kills it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kenes.ledger.models import Entry
from kenes.proposals import batcher as batching
from kenes.proposals import writer as writing
from kenes.proposals.batcher import Batcher, Job, intake_submit
from kenes.proposals.models import IdempotencyKey, Proposal
from kenes.proposals.services import DuplicateProposalError
from kenes.proposals.tokens import IdempotencyConflictError
from kenes.proposals.writer import HEADER, MAX_FRAME, WriterServer, read_frame

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Предлагаю продлить срок общественного обсуждения проекта"


def job(version, key: str, text: str, digest: str = "", language: str = "ru", **row) -> Job:
    return Job(
        scope="public",
        key=key,
        digest=digest or f"digest-{key}",
        version=version,
        channel="api",
        source="public",
        language=language,
        row={"text": text, "language": "ru", **row},
    )


@pytest.fixture
def socket_path(settings) -> Iterator[str]:
    # A short path: Unix socket paths are limited to about 100 bytes.
    folder = tempfile.mkdtemp(prefix="kw", dir="/tmp")
    path = str(Path(folder) / "w.sock")
    settings.KENES_INTAKE_GROUP_COMMIT = True
    settings.KENES_INTAKE_WRITER_SOCKET = path
    writing._CLIENT = None  # the client reads the settings when it is made
    yield path
    writing._CLIENT = None
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def writer_server(path: str) -> Iterator[WriterServer]:
    """The writer's server in a thread, with a Batcher of its own (as in its own process)."""
    server = WriterServer(path, Batcher(batch_max=500, queue_max=2000))

    def serve() -> None:
        try:
            server.serve()
        finally:
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert server.ready.wait(10)
    try:
        yield server
    finally:
        server.stop()
        thread.join(20)
        assert not thread.is_alive()


def test_concurrent_submissions_through_the_writer_get_their_receipts(demo_draft, socket_path):
    version = demo_draft[1]
    results: dict[str, object] = {}
    lock = threading.Lock()

    def client(n: int) -> None:
        try:
            for i in range(10):
                key = f"c{n}-{i}"
                outcome = intake_submit(job(version, key, f"{TEXT}, клиент {n}, запрос {i}."))
                with lock:
                    results[key] = outcome
        finally:
            connection.close()

    # when 8 clients submit at once through the writer's socket
    with writer_server(socket_path) as server:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        written = server.batcher.written
        batches = server.batcher.batches

    # then the writer wrote all 80, each with its own committed proposal, ledger entry and key
    assert len(results) == 80 and server.answered == 80 and written == 80
    assert 1 <= batches <= 80
    assert writing.client().down_until == 0.0  # never fell back to writing by itself
    codes = {key: r.submitted.proposal.code for key, r in results.items()}
    assert len(set(codes.values())) == 80
    assert dict(IdempotencyKey.objects.values_list("key", "proposal__code")) == codes
    received = Entry.objects.filter(kind="proposal.received").values_list("code", flat=True)
    assert sorted(received) == sorted(codes.values())
    # and each answer carries what the API shows of its proposal, with the receipt's secret
    some = next(iter(results.values()))
    stored = Proposal.objects.get(code=some.submitted.proposal.code)
    assert some.submitted.proposal.pk == stored.pk
    assert some.submitted.proposal.submitted_at == stored.submitted_at
    assert some.submitted.proposal.state == stored.state
    assert some.submitted.secret and some.submitted.created and not some.replayed
    # and the fields the answer did not carry are read from the database when asked for
    assert some.submitted.proposal.text == stored.text
    assert some.submitted.proposal.version_id == stored.version_id


def test_refusals_cross_the_socket_with_their_kind_and_messages(demo_draft, socket_path):
    version = demo_draft[1]
    contact = {"contact": "+77011234567", "consent": True}
    with writer_server(socket_path):
        first = intake_submit(job(version, "a", f"{TEXT}, первый.", **contact))
        # the same key and body again: the stored proposal and its secret, replayed
        again = intake_submit(job(version, "a", f"{TEXT}, первый.", **contact))
        assert again.replayed and again.submitted.proposal.code == first.submitted.proposal.code
        assert again.submitted.secret == first.submitted.secret
        # the same key with another body
        with pytest.raises(IdempotencyConflictError):
            intake_submit(job(version, "a", f"{TEXT}, другой.", digest="other"))
        # the same text from the same contact under a new key
        with pytest.raises(DuplicateProposalError):
            intake_submit(job(version, "b", f"{TEXT}, первый.", **contact))
        # a text too short, with its field's message in the request's language
        with pytest.raises(ValidationError) as refused:
            intake_submit(job(version, "c", "қысқа", language="kk"))
        assert list(refused.value.message_dict) == ["text"]
        in_kazakh = refused.value.message_dict["text"][0]
        with pytest.raises(ValidationError) as refused_ru:
            intake_submit(job(version, "d", "коротко", language="ru"))
        assert refused_ru.value.message_dict["text"][0] != in_kazakh
    assert Proposal.objects.count() == 1


def test_the_api_answers_through_the_writer_as_it_does_without_it(client, demo_draft, socket_path):
    body = {"document": "demo", "version": "v2", "language": "ru", "text": f"{TEXT}, API."}
    with writer_server(socket_path) as server:
        response = client.post(
            "/api/proposals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
        )
        replay = client.post(
            "/api/proposals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
        )
    assert server.answered == 2
    assert response.status_code == 201 and replay.status_code == 200
    data = response.json()
    stored = Proposal.objects.get(code=data["code"])
    assert data["state"] == stored.state and data["language"] == "ru" and data["secret"]
    assert data["tracker_url"].endswith(f"code={stored.code}")
    assert replay.json()["code"] == data["code"] and replay.json()["replayed"] is True


def test_without_a_running_writer_each_web_process_writes_by_itself(demo_draft, socket_path):
    version = demo_draft[1]
    # given no writer listening on the configured socket
    assert not Path(socket_path).exists()
    # when a submission comes
    try:
        outcome = intake_submit(job(version, "alone", f"{TEXT}, без писателя."))
    finally:
        batching.batcher().stop()  # this process's writer thread, and its database session
    # then it is written by this process, and the writer is not asked again for a moment
    assert outcome.submitted.created
    assert Proposal.objects.filter(code=outcome.submitted.proposal.code).exists()
    assert writing.client().down_until > time.monotonic()


def test_an_answer_lost_after_sending_is_a_503_and_the_retry_is_stored_once(
    client, demo_draft, socket_path
):
    # given a writer that reads a submission and dies before answering
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(1)

    def die_after_reading() -> None:
        conn, _ = listener.accept()
        with conn:
            read_frame(conn)

    dying = threading.Thread(target=die_after_reading, daemon=True)
    dying.start()
    body = {"document": "demo", "version": "v2", "language": "ru", "text": f"{TEXT}, потеря."}
    try:
        lost = client.post(
            "/api/proposals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="L"
        )
    finally:
        dying.join(10)
        listener.close()
        Path(socket_path).unlink()
    # then the client is told to retry (it cannot be told whether it was stored)
    assert lost.status_code == 503 and lost["Retry-After"] == "1"
    # and its retry with the same key, to a writer that runs, is stored once
    with writer_server(socket_path):
        retried = client.post(
            "/api/proposals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="L"
        )
    assert retried.status_code == 201
    assert IdempotencyKey.objects.filter(key="L").count() == 1 == Proposal.objects.count()


def test_a_bad_frame_closes_only_its_own_connection(demo_draft, socket_path):
    version = demo_draft[1]
    with writer_server(socket_path):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as bad:
            bad.settimeout(10)
            bad.connect(socket_path)
            bad.sendall(HEADER.pack(MAX_FRAME + 1) + b"x" * 100)
            assert bad.recv(10) == b""  # closed by the writer
        for junk in (b"\x80not json", b'["not", "a", "submission"]', b'{"a": 1}'):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as bad:
                bad.settimeout(10)
                bad.connect(socket_path)
                bad.sendall(HEADER.pack(len(junk)) + junk)
                assert bad.recv(10) == b""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as partial:
            partial.connect(socket_path)
            partial.sendall(struct.pack(">I", 1000) + b"half a frame")  # then goes away
        outcome = intake_submit(job(version, "after", f"{TEXT}, после."))
    assert outcome.submitted.created and Proposal.objects.count() == 1


def test_the_socket_is_only_for_the_service_user(demo_draft, socket_path):
    with writer_server(socket_path):
        mode = Path(socket_path).stat().st_mode & 0o777
    assert mode & 0o077 == 0
    assert not Path(socket_path).exists()  # removed when the writer stops


def test_readyz_says_whether_the_writer_answers_and_stays_ready_without_it(
    client, demo_draft, socket_path, monkeypatch
):
    from kenes.ledger.merkle import generate_key

    monkeypatch.setenv("KENES_LEDGER_KEY", generate_key("kenes.test/ledger")[0])
    # given no writer on the configured socket: ready (intake goes on), with the reason noted
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["ok"] is True
    note = response.json()["notes"]["intake_writer"]
    assert note.startswith("unreachable (") and "themselves" in note
    # when the writer listens, the note says so; its probe leaves the writer serving
    with writer_server(socket_path) as server:
        assert client.get("/readyz").json()["notes"] == {"intake_writer": "ok"}
        outcome = intake_submit(job(demo_draft[1], "after-probe", f"{TEXT}, после проверки."))
        assert outcome.submitted.created and server.answered == 1
