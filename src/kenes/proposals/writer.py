"""The intake writer as a process of its own: one group-commit writer for all web processes.

With :mod:`kenes.proposals.batcher` alone, each web process runs its own writer thread, which
shares the process's GIL with the request threads: after each of a batch's database round trips
the writer waits for the GIL while request threads run Python, so a batch of a dozen
submissions took ≈ 30 ms of wall time for ≈ 6 ms of CPU, and PostgreSQL's backends sat "idle in
transaction" waiting for it (bench/README-intake.md). ``kenes intake-writer`` runs the same
:class:`~kenes.proposals.batcher.Batcher` in a process of its own, listening on a Unix socket
(``KENES_INTAKE_WRITER_SOCKET``); each web process's request threads send it their checked
submission and wait for its answer. One writer per host also means larger batches (fewer commits
and less per-batch work) and no two writers' transactions meeting on the same version row.

Wire format: frames of a 4-byte big-endian length and a JSON array (plain values only, so a
frame can never run code; the writer refuses frames larger than ``MAX_FRAME`` and closes a
connection that sends a malformed one). The socket is created with mode 0600: only the
service's user can connect. The personal fields of a submission (its contact) cross the socket
as they cross the web process's memory; nothing is logged.

Safety is unchanged: a request is answered 201 only after the writer committed its batch. If
the writer cannot be reached before a submission is sent, the web process writes it itself
(its own writer thread, as without the writer process), so a stopped writer slows intake but
loses nothing. If the connection breaks after a submission was sent, the web process cannot
know whether it was committed: it answers 503 with Retry-After, and the client's retry with the
same Idempotency-Key returns the stored proposal if it was. Decision 29 in docs/decisions.md.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, close_old_connections
from django.db.models.base import ModelState
from django.utils import translation

from kenes.consultations.services import ConsultationClosedError
from kenes.drafts.models import Version
from kenes.proposals.batcher import Batcher, Job, Overloaded, batcher
from kenes.proposals.models import Proposal
from kenes.proposals.services import DuplicateProposalError, ProposalRow, Submitted
from kenes.proposals.tokens import ApiSubmitted, IdempotencyConflictError

log = logging.getLogger(__name__)

HEADER = struct.Struct(">I")
MAX_FRAME = 16 * 1024 * 1024  # a submission is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE anyway
DOWN_PAUSE = 1.0  # seconds a web process writes by itself after the writer could not be reached
ERRORS: dict[str, type[ValidationError]] = {
    cls.__name__: cls
    for cls in (
        ValidationError,
        DuplicateProposalError,
        ConsultationClosedError,
        IdempotencyConflictError,
    )
}


class WriterLost(Exception):
    """The writer process went away after a submission was sent (committed or not: unknown)."""


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def frame(obj: Any) -> bytes:
    data = _ENCODE(obj).encode()
    return HEADER.pack(len(data)) + data


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    parts: list[bytes] = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            raise EOFError("the intake writer closed the connection")
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def read_frame(sock: socket.socket) -> Any:
    (size,) = HEADER.unpack(_read_exactly(sock, HEADER.size))
    if size > MAX_FRAME:
        raise EOFError("a frame larger than the limit")
    return json.loads(_read_exactly(sock, size))


# --- The web process's side ---------------------------------------------------------------


class WriterClient:
    """A web process's connection to the writer: one socket per request thread."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self.local = threading.local()
        self.down_until = 0.0
        self.seq = 0
        self.pid = os.getpid()

    def _socket(self) -> socket.socket:
        sock: socket.socket | None = getattr(self.local, "sock", None)
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                raise
            self.local.sock = sock
        return sock

    def _drop(self) -> None:
        sock = getattr(self.local, "sock", None)
        self.local.sock = None
        if sock is not None:
            sock.close()

    def submit(self, job: Job) -> ApiSubmitted | None:
        """The writer's answer for ``job``, or None when the writer cannot be reached (the
        caller then writes the job itself). Raises the job's error, :class:`Overloaded`, or
        :class:`WriterLost`."""
        if time.monotonic() < self.down_until:
            return None
        self.seq += 1  # not atomic across threads; only compared on one socket, so unique enough
        seq = self.seq
        message = frame(
            (
                seq,
                job.scope,
                job.key,
                job.digest,
                job.version.pk,
                job.channel,
                job.source,
                job.language,
                job.row,
            )
        )
        try:
            sock = self._socket()
            sock.sendall(message)
        except OSError as exc:
            # Not sent, or sent in part (the writer drops an incomplete frame): write it here.
            self._drop()
            self.down_until = time.monotonic() + DOWN_PAUSE
            log.warning(
                "intake writer unreachable (%s); writing in this process", type(exc).__name__
            )
            return None
        try:
            answer = read_frame(sock)
        except (OSError, EOFError) as exc:
            self._drop()
            raise WriterLost from exc
        got, kind, payload = answer
        if got != seq:  # cannot happen on a socket used by one thread; never trust a mix-up
            self._drop()
            raise WriterLost
        if kind == "ok":
            pk, code, state, language, submitted_at, secret, created, replayed = payload
            proposal = answered_proposal(
                id=pk,
                code=code,
                state=state,
                language=language,
                submitted_at=datetime.fromisoformat(submitted_at),
                version_id=job.version.pk,
            )
            return ApiSubmitted(Submitted(proposal, secret, created), replayed=replayed)
        if kind == "overloaded":
            raise Overloaded
        name, messages = payload
        if name is None:
            raise RuntimeError(messages)
        raise ERRORS.get(name, ValidationError)(messages)


def answered_proposal(**loaded: Any) -> Proposal:
    """The stored proposal as the writer described it: an instance with only these fields
    loaded, like a row read with ``.only(...)`` (any other field is read from the database
    when used). Built without ``Proposal.__init__``, which costs ≈ 50 µs for its 40 fields on
    every submission."""
    proposal = Proposal.__new__(Proposal)
    proposal._state = ModelState()
    proposal._state.adding = False
    proposal._state.db = DEFAULT_DB_ALIAS
    proposal.__dict__.update(loaded)
    return proposal


def reachable(path: str, timeout: float = 0.5) -> str:
    """'' when a writer accepts connections on ``path``, else why not (for ``/readyz``). The
    probe connects and closes without a frame: the writer sees a clean end of stream."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(timeout)
    try:
        probe.connect(path)
    except OSError as exc:
        return f"{type(exc).__name__}: {exc.strerror or exc}"
    finally:
        probe.close()
    return ""


_CLIENT: WriterClient | None = None
_CLIENT_LOCK = threading.Lock()


def client() -> WriterClient:
    """This process's client of the writer (a new one after a fork)."""
    global _CLIENT
    current = _CLIENT
    if current is None or current.pid != os.getpid():
        with _CLIENT_LOCK:
            current = _CLIENT
            if current is None or current.pid != os.getpid():
                current = _CLIENT = WriterClient(
                    settings.KENES_INTAKE_WRITER_SOCKET, settings.KENES_INTAKE_WRITER_TIMEOUT
                )
    return current


# --- The writer process's side ------------------------------------------------------------


@dataclass(eq=False)
class _Conn:
    sock: socket.socket
    buffer: bytearray = field(default_factory=bytearray)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, obj: Any) -> None:
        data = frame(obj)
        with self.lock:
            try:
                self.sock.sendall(data)
            except OSError:
                pass  # the web process went away; its client treats that as a lost answer


def error_payload(error: BaseException, language: str) -> tuple[str | None, Any]:
    """An error as it crosses the socket: a known ValidationError class's name and its
    messages (in the request's language), or None and the error's kind only."""
    if isinstance(error, ValidationError):
        name = type(error).__name__ if type(error).__name__ in ERRORS else "ValidationError"
        with translation.override(language):
            messages = error.message_dict if hasattr(error, "error_dict") else error.messages
        return name, messages
    return None, f"intake writer: {type(error).__name__}"


class WriterServer:
    """Reads submissions from the web processes and answers each when its batch commits."""

    VERSION_TTL = 60.0

    def __init__(self, path: str, writer: Batcher | None = None) -> None:
        self.path = path
        self.batcher = writer or batcher()
        self.versions: dict[int, tuple[float, Version]] = {}
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.answered = 0

    def version(self, pk: int) -> Version | None:
        now = time.monotonic()
        cached = self.versions.get(pk)
        if cached is not None and now - cached[0] < self.VERSION_TTL:
            return cached[1]
        close_old_connections()
        found = Version.objects.select_related("document").filter(pk=pk).first()
        if found is not None:
            self.versions[pk] = (now, found)
        return found

    def serve(self) -> None:
        """Serve until :meth:`stop`; then write what is queued and return."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            if os.path.exists(self.path):
                os.unlink(self.path)  # a socket left by a killed writer
            old = os.umask(0o177)
            try:
                listener.bind(self.path)
            finally:
                os.umask(old)
            listener.listen(512)
            listener.setblocking(False)
            selector = selectors.DefaultSelector()
            selector.register(listener, selectors.EVENT_READ, None)
            self.ready.set()
            try:
                while not self.stopping.is_set():
                    for key, _events in selector.select(timeout=0.2):
                        if key.data is None:
                            self._accept(listener, selector)
                        else:
                            self._read(key.data, selector)
            finally:
                # No frame is read any more; what is queued is written and answered before the
                # connections close.
                self.batcher.stop()
                for key in list(selector.get_map().values()):
                    if key.data is not None:
                        key.data.sock.close()
                selector.close()
                if os.path.exists(self.path):
                    os.unlink(self.path)

    def stop(self) -> None:
        self.stopping.set()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector) -> None:
        try:
            sock, _addr = listener.accept()
        except BlockingIOError:
            return
        sock.setblocking(True)  # readiness comes from the selector; answers are sent whole
        selector.register(sock, selectors.EVENT_READ, _Conn(sock))

    def _read(self, conn: _Conn, selector: selectors.BaseSelector) -> None:
        try:
            data = conn.sock.recv(1 << 18)
        except OSError:
            data = b""
        if not data or not self._take_frames(conn, data):
            selector.unregister(conn.sock)
            conn.sock.close()

    def _take_frames(self, conn: _Conn, data: bytes) -> bool:
        """Take every whole frame received so far; False when one is over the limit or not a
        submission this code sent (the connection is then closed)."""
        buffer = conn.buffer
        buffer += data
        while len(buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer)
            if size > MAX_FRAME:
                log.warning("intake writer: a frame over the limit; connection closed")
                return False
            if len(buffer) < HEADER.size + size:
                break
            raw = bytes(buffer[HEADER.size : HEADER.size + size])
            del buffer[: HEADER.size + size]
            try:
                self._take(conn, json.loads(raw))
            except (ValueError, TypeError):
                log.warning("intake writer: a malformed frame; connection closed")
                return False
        return True

    def _take(self, conn: _Conn, message: list[Any]) -> None:
        seq, scope, key, digest, version_pk, channel, source, language, row = message
        if not isinstance(row, dict) or not isinstance(version_pk, int):
            raise ValueError("not a submission")
        version = self.version(version_pk)
        if version is None:
            conn.send((seq, "error", ("ValidationError", {"version": ["Unknown version."]})))
            return
        job = Job(
            scope=scope,
            key=key,
            digest=digest,
            version=version,
            channel=channel,
            source=source,
            row=cast(ProposalRow, row),
            language=language,
            on_done=partial(self._answer, conn, seq),
        )
        try:
            self.batcher.enqueue(job)
        except Overloaded:
            conn.send((seq, "overloaded", None))

    def _answer(self, conn: _Conn, seq: int, job: Job) -> None:
        self.answered += 1
        if job.error is not None:
            conn.send((seq, "error", error_payload(job.error, job.language)))
            return
        assert job.result is not None
        submitted = job.result.submitted
        p = submitted.proposal
        conn.send(
            (
                seq,
                "ok",
                (
                    p.pk,
                    p.code,
                    p.state,
                    p.language,
                    p.submitted_at.isoformat(),
                    submitted.secret,
                    submitted.created,
                    job.result.replayed,
                ),
            )
        )
