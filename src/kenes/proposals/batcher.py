"""Group commit for API intake: concurrent submissions written together in one transaction.

Each web process (a gunicorn ``gthread`` worker) has one writer thread with its own database
connection. A request thread parses and checks its body, then hands a :class:`Job` to the
writer and waits. The writer takes every job waiting (up to ``KENES_INTAKE_BATCH_MAX``) and, in
one transaction, looks their idempotency keys up in one query, validates and bulk-inserts
their proposals, state changes and ledger entries with :func:`proposals_submit_many`, and
bulk-inserts their idempotency keys; then it commits, and only then is each request answered.
While one batch commits the next one gathers, so the number of commits (WAL flushes) per
second stays near the database's round-trip rate whatever the number of submissions.

Safety: a request is answered 201 only after its batch committed (a crash before that loses an
unanswered request, which the client retries with its Idempotency-Key). If a batch fails as a
whole (a unique key taken by another process meanwhile, a lost connection), its jobs are
retried one by one through :func:`proposal_submit_idempotent`, so one bad job never fails the
others. When more than ``KENES_INTAKE_QUEUE_MAX`` jobs wait, or the oldest has waited more than
``KENES_INTAKE_MAX_WAIT`` seconds (the writer is behind), new ones are refused at once with
:class:`Overloaded` (the API answers 503 with ``Retry-After``) instead of waiting to time out.

The reactions to a committed batch (kenes.core.hooks: the live analysis task is enqueued there)
run in a second thread of the process, :class:`Reactions`, so the next batch never waits for
them; events that pile up while it works are merged (one analysis task for several batches —
the step analyses every proposal above its watermark anyway), and it starts a round at most
every ``KENES_INTAKE_REACTIONS_EVERY`` seconds, so under load one analysis task stands for the
batches of that interval (decision 28). The writer runs Django's connection care (its age, the
health check's round trip) once a second, not before each batch. The version's consultation is
read once every few seconds, not once per batch, and a batch writes without a savepoint (a
failed batch is retried job by job anyway). Decision 26 in docs/decisions.md.

A caller already inside a transaction (a test, ``ATOMIC_REQUESTS``) is served inline: its write
must join its transaction.

When ``KENES_INTAKE_WRITER_SOCKET`` is set, the same Batcher runs in the host's writer process
(``kenes intake-writer``, :mod:`kenes.proposals.writer`, decision 29) and each web process's
request threads send it their jobs; the writer thread of the web process is then only used
while that process is unreachable.
"""

from __future__ import annotations

import hmac
import logging
import os
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils import translation

from kenes.consultations.models import Consultation
from kenes.core import crypto, hooks
from kenes.core.bulk import bulk_insert, held_ids, ids_query, unsaved
from kenes.drafts.models import Version
from kenes.ledger.models import Entry
from kenes.proposals import pending
from kenes.proposals.models import IdempotencyKey, Proposal, StateChange
from kenes.proposals.services import ProposalRow, Submitted, proposals_submit_many
from kenes.proposals.tokens import (
    ApiSubmitted,
    _replay_secret,
    idempotency_conflict,
    proposal_submit_idempotent,
)

log = logging.getLogger(__name__)


class Overloaded(Exception):
    """Too many submissions are waiting in this process: come back in a moment."""


@dataclass(eq=False)
class Job:
    """One API submission waiting for its batch."""

    scope: str
    key: str
    digest: str
    version: Version
    channel: str
    source: str
    row: ProposalRow
    language: str = "ru"
    queued_at: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)
    result: ApiSubmitted | None = None
    error: BaseException | None = None
    # Called once the job is settled (the writer process answers its web process from here).
    on_done: Callable[[Job], None] | None = None

    def settle(
        self, result: ApiSubmitted | None = None, error: BaseException | None = None
    ) -> None:
        self.result, self.error = result, error
        self.done.set()
        if self.on_done is not None:
            try:
                self.on_done(self)
            except Exception:  # an answer that cannot be sent must not stop the writer
                log.exception("an intake answer could not be sent")

    def inline(self) -> ApiSubmitted:
        """Submit this job alone, in the caller's thread and transaction."""
        with translation.override(self.language):
            return proposal_submit_idempotent(
                actor=None,
                scope=self.scope,
                idempotency_key=self.key,
                body_digest=self.digest,
                version=self.version,
                channel=self.channel,
                source=self.source,
                **self.row,
            )


# The keyed submissions of a batch already stored (replays and conflicts).
_KEYS_TAKEN = (
    "SELECT id FROM proposals_idempotencykey"
    " WHERE (scope, key) IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
)


def _look_up(
    pairs: list[tuple[str, str]], wanted: list[tuple[type[Any], int]]
) -> tuple[dict[tuple[str, str], IdempotencyKey], list[tuple[int, int]]]:
    """The batch's stored idempotency keys, and (on PostgreSQL) the primary keys of its rows
    drawn ahead — both in one round trip (a pipeline of two statements)."""
    ids: list[int] = []
    id_rows: list[tuple[int, int]] = []
    if connection.vendor == "postgresql":
        sql, params = ids_query(connection, wanted)
        raw = connection.connection
        with connection.wrap_database_errors:
            with raw.pipeline():
                drawn = raw.cursor()
                drawn.execute(sql, params)
                taken = raw.cursor() if pairs else None
                if taken is not None:
                    taken.execute(_KEYS_TAKEN, [[p[0] for p in pairs], [p[1] for p in pairs]])
            id_rows = drawn.fetchall()
            if taken is not None:
                ids = [row[0] for row in taken.fetchall()]
        if not ids:
            return {}, id_rows
        query = IdempotencyKey.objects.filter(pk__in=ids)
    elif pairs:
        keyed: dict[str, list[str]] = defaultdict(list)
        for scope, key in pairs:
            keyed[scope].append(key)
        where = Q()
        for scope, names in keyed.items():
            where |= Q(scope=scope, key__in=names)
        query = IdempotencyKey.objects.filter(where)
    else:
        return {}, id_rows
    found = {(k.scope, k.key): k for k in query.select_related("proposal")}
    return found, id_rows


def _write(batch: list[Job]) -> dict[Job, ApiSubmitted | ValidationError]:
    """Write a batch in the current transaction; return each job's outcome."""
    pairs = sorted({(job.scope, job.key) for job in batch if job.key})
    n = len(batch)
    wanted: list[tuple[type[Any], int]] = [
        (Proposal, n),
        (StateChange, n),
        (Entry, n),
        (IdempotencyKey, len(pairs)),
    ]
    found, id_rows = _look_up(pairs, wanted)
    with held_ids(connection, wanted, id_rows):
        return _write_found(batch, found)


def _write_found(
    batch: list[Job], found: dict[tuple[str, str], IdempotencyKey]
) -> dict[Job, ApiSubmitted | ValidationError]:
    out: dict[Job, ApiSubmitted | ValidationError] = {}
    first: dict[tuple[str, str], Job] = {}
    followers: list[tuple[Job, Job]] = []
    groups: dict[tuple[int, str, str, str], list[Job]] = defaultdict(list)
    for job in batch:
        ident = (job.scope, job.key)
        if job.key and ident in found:
            stored = found[ident]
            if not hmac.compare_digest(stored.request_digest, job.digest):
                out[job] = idempotency_conflict()
            else:
                out[job] = ApiSubmitted(
                    Submitted(stored.proposal, _replay_secret(stored), False), replayed=True
                )
            continue
        if job.key and ident in first:
            followers.append((job, first[ident]))
            continue
        if job.key:
            first[ident] = job
        groups[(job.version.pk, job.channel, job.source, job.language)].append(job)
    keys: list[IdempotencyKey] = []
    for (_v, channel, source, language), jobs in groups.items():
        with translation.override(language):
            results = proposals_submit_many(
                actor=None,
                version=jobs[0].version,
                channel=channel,
                source=source,
                rows=[j.row for j in jobs],
                consultation=intake_consultation(jobs[0].version.pk),
                savepoint=False,
            )
        for job, result in zip(jobs, results, strict=True):
            if isinstance(result, ValidationError):
                out[job] = result
                continue
            out[job] = ApiSubmitted(result, replayed=not result.created)
            if job.key and result.created:
                keys.append(
                    unsaved(
                        IdempotencyKey,
                        scope=job.scope,
                        key=job.key,
                        request_digest=job.digest,
                        proposal=result.proposal,
                        # Kept sealed for the replay window, so a lost response loses nothing.
                        secret_sealed=(
                            crypto.encrypt(result.secret)
                            if result.secret and settings.KENES_RECEIPT_REPLAY_SECONDS > 0
                            else ""
                        ),
                    )
                )
    if keys:
        bulk_insert(IdempotencyKey, keys)
    for job, leader in followers:
        earlier = out[leader]
        if isinstance(earlier, ValidationError):
            out[job] = earlier
        elif leader.digest != job.digest:
            out[job] = idempotency_conflict()
        else:
            out[job] = ApiSubmitted(
                Submitted(earlier.submitted.proposal, earlier.submitted.secret, False),
                replayed=True,
            )
    return out


_STOP: Any = object()
_WRITTEN: Any = object()  # rows were committed: the full-text indexes' pending lists grew
CHECK_EVERY = 1.0  # seconds between the writer's connection checks
WRITER_THREAD = "kenes-intake-writer"


class Reactions:
    """The thread that runs the after-commit reactions of the writer's batches."""

    def __init__(self) -> None:
        self.items: queue.Queue[Any] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.stopping = False
        self.merged = 0.0

    def put(self, event: str, payload: dict[str, Any]) -> None:
        self._ensure_thread()
        self.items.put((event, payload))

    def _ensure_thread(self) -> None:
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(
                        target=self._run, name="kenes-intake-reactions", daemon=True
                    )
                    self.thread.start()

    def _run(self) -> None:
        last = 0.0
        while True:
            waiting = [self.items.get()]
            # At most one round of reactions every KENES_INTAKE_REACTIONS_EVERY seconds: under
            # load the events of the batches in between are merged into one (one analysis task
            # for all of them instead of one per batch).
            pause = last + settings.KENES_INTAKE_REACTIONS_EVERY - time.monotonic()
            if pause > 0 and not self.stopping:
                time.sleep(pause)
            last = time.monotonic()
            while True:
                try:
                    waiting.append(self.items.get_nowait())
                except queue.Empty:
                    break
            stop = _STOP in waiting
            written = _WRITTEN in waiting
            close_old_connections()
            events = [w for w in waiting if w is not _STOP and w is not _WRITTEN]
            for event, payload in merge_events(events):
                hooks.run_handlers(event, payload)
            if written and (stop or time.monotonic() - self.merged >= pending.MERGE_EVERY):
                self._merge()
            if stop:
                connection.close()
                return

    def written(self) -> None:
        """Note that a batch was committed: its rows' full-text entries are to be merged."""
        self._ensure_thread()
        self.items.put(_WRITTEN)

    def _merge(self) -> None:
        # While intake commits, beside its inserts rather than inside one (decision 31).
        try:
            pending.merge_pending_lists()
        except Exception:  # a reaction must never stop the reactions
            log.exception("merging the full-text indexes' pending lists failed")
        self.merged = time.monotonic()

    def stop(self) -> None:
        """Run what is waiting, then stop the thread."""
        if self.thread is not None and self.thread.is_alive():
            self.stopping = True
            self.items.put(_STOP)
            self.thread.join()
        self.thread = None
        self.stopping = False


def merge_events(waiting: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """Merge waiting events that only name stored proposals into one per event, in order."""
    out: list[tuple[str, dict[str, Any]]] = []
    merged: dict[str, dict[str, Any]] = {}
    for event, payload in waiting:
        if set(payload) == {"proposal_ids"}:
            if event in merged:
                merged[event]["proposal_ids"].extend(payload["proposal_ids"])
                continue
            merged[event] = {"proposal_ids": list(payload["proposal_ids"])}
            out.append((event, merged[event]))
        else:
            out.append((event, payload))
    return out


class Batcher:
    """The writer thread of one process and its queue."""

    def __init__(self, *, batch_max: int, queue_max: int, max_wait: float = 2.0) -> None:
        self.batch_max = batch_max
        self.queue_max = queue_max
        self.max_wait = max_wait
        self.jobs: queue.Queue[Job] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.reactions = Reactions()
        self.batches = 0
        self.written = 0
        self.checked = 0.0

    def _ensure_thread(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=WRITER_THREAD, daemon=True)
                self.thread.start()

    def enqueue(self, job: Job) -> None:
        """Queue a job without waiting (its ``on_done`` is called when it is settled); raise
        :class:`Overloaded` at once when the writer is behind."""
        if self.jobs.qsize() >= self.queue_max or self.behind() > self.max_wait:
            raise Overloaded
        self._ensure_thread()
        job.queued_at = time.monotonic()
        self.jobs.put(job)

    def submit(self, job: Job) -> ApiSubmitted:
        """Queue a job and wait for its batch to commit; raise its error if it failed."""
        self.enqueue(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def behind(self) -> float:
        """Seconds the oldest waiting job has waited (0 when none waits)."""
        with self.jobs.mutex:
            head = self.jobs.queue[0] if self.jobs.queue else None
        return time.monotonic() - head.queued_at if head is not None else 0.0

    def _take(self) -> list[Job]:
        batch = [self.jobs.get()]
        while len(batch) < self.batch_max:
            try:
                batch.append(self.jobs.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        hooks.defer_to(self.reactions.put)
        while True:
            batch = self._take()
            stop = _STOP in batch
            batch = [job for job in batch if job is not _STOP]
            if batch:
                self._process_safely(batch)
            if stop:
                connection.close()
                return

    def _process_safely(self, batch: list[Job]) -> None:
        try:
            self.process(batch)
        except BaseException as exc:  # never leave a request waiting
            log.exception("intake batch failed")
            for job in batch:
                if not job.done.is_set():
                    job.settle(error=exc)

    def stop(self) -> None:
        """Stop the writer thread once the jobs before it are written (tests, shutdown)."""
        if self.thread is not None and self.thread.is_alive():
            self.jobs.put(_STOP)
            self.thread.join()
        self.thread = None
        self.reactions.stop()

    def process(self, batch: list[Job]) -> None:
        outer = connection.in_atomic_block  # a caller's transaction (tests): answer in it
        if not outer and time.monotonic() - self.checked >= CHECK_EVERY:
            # Django's per-request care of the connection (its age, a health check: one round
            # trip) once a second, not once per batch; a batch that fails on a broken
            # connection closes it and is written again one by one.
            close_old_connections()
            self.checked = time.monotonic()
        outcomes: dict[Job, ApiSubmitted | ValidationError] = {}
        try:
            with transaction.atomic():
                if not outer:
                    # Registered first, so it runs first after the commit: the requests are
                    # answered before the commit's other hooks (task enqueues) run.
                    transaction.on_commit(lambda: self._settle(batch, outcomes))
                outcomes.update(_write(batch))
                if not outer:
                    transaction.on_commit(self.reactions.written)
            if outer:
                self._settle(batch, outcomes)
        except Exception as exc:
            pending = [job for job in batch if not job.done.is_set()]
            if not pending:  # committed and answered; a later commit hook failed
                log.exception("a commit hook of an intake batch failed")
                return
            # The error's kind and constraint only (its detail may quote a row's values).
            constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
            log.warning(
                "intake batch of %s rolled back (%s%s); writing one by one",
                len(pending),
                type(exc).__name__,
                f" on {constraint}" if constraint else "",
            )
            if connection.needs_rollback or not connection.is_usable():
                connection.close()
            self._one_by_one(pending)

    def _settle(
        self, batch: list[Job], outcomes: dict[Job, ApiSubmitted | ValidationError]
    ) -> None:
        self.batches += 1
        self.written += len(batch)
        for job in batch:
            outcome = outcomes[job]
            if isinstance(outcome, ValidationError):
                job.settle(error=outcome)
            else:
                job.settle(result=outcome)

    def _one_by_one(self, batch: list[Job]) -> None:
        for job in batch:
            try:
                job.settle(result=job.inline())
            except Exception as exc:
                if not connection.is_usable():
                    connection.close()
                job.settle(error=exc)


_BATCHER: Batcher | None = None
_BATCHER_LOCK = threading.Lock()


def batcher() -> Batcher:
    """This process's batcher (a new one after a fork)."""
    global _BATCHER
    current = _BATCHER
    if current is None or current.pid != os.getpid():
        with _BATCHER_LOCK:
            current = _BATCHER
            if current is None or current.pid != os.getpid():
                current = _BATCHER = Batcher(
                    batch_max=settings.KENES_INTAKE_BATCH_MAX,
                    queue_max=settings.KENES_INTAKE_QUEUE_MAX,
                    max_wait=settings.KENES_INTAKE_MAX_WAIT,
                )
    return current


def intake_submit(job: Job) -> ApiSubmitted:
    """Submit through this process's group commit, or inline inside a caller's transaction."""
    if not settings.KENES_INTAKE_GROUP_COMMIT or connection.in_atomic_block:
        return job.inline()
    if settings.KENES_INTAKE_WRITER_SOCKET:
        from kenes.proposals.writer import WriterLost, client  # the writer imports this module

        try:
            answered = client().submit(job)
        except WriterLost:
            raise Overloaded from None  # 503: the client retries with its Idempotency-Key
        if answered is not None:
            return answered
    return batcher().submit(job)


def intake_stats() -> dict[str, Any]:
    b = _BATCHER
    if b is None:
        return {"batches": 0, "written": 0, "waiting": 0}
    return {"batches": b.batches, "written": b.written, "waiting": b.jobs.qsize()}


_VERSIONS: dict[tuple[str, str], tuple[float, Version]] = {}
VERSION_TTL = 60.0


def intake_version(document: str, label: str) -> Version | None:
    """The draft version a submission names, cached per process for a minute (one look-up
    per minute instead of one per request; versions are not edited once published)."""
    now = time.monotonic()
    cached = None if connection.in_atomic_block else _VERSIONS.get((document, label))
    if cached is not None and now - cached[0] < VERSION_TTL:
        return cached[1]
    version = (
        Version.objects.select_related("document")
        .filter(document__slug=document, label=label)
        .first()
    )
    if version is not None and not connection.in_atomic_block:
        if len(_VERSIONS) > 1000:
            _VERSIONS.clear()
        _VERSIONS[(document, label)] = (now, version)
    return version


_CONSULTATIONS: dict[int, tuple[float, Consultation | None]] = {}
CONSULTATION_TTL = 5.0


def intake_consultation(version_id: int) -> list[Consultation | None]:
    """The consultation of a version, read at most every few seconds by the writer (its dates
    decide whether a submission is taken; the times are compared per submission)."""
    writer = threading.current_thread().name == WRITER_THREAD
    now = time.monotonic()
    cached = _CONSULTATIONS.get(version_id) if writer else None
    if cached is not None and now - cached[0] < CONSULTATION_TTL:
        return [cached[1]]
    found = Consultation.objects.filter(version_id=version_id).first()
    if writer:
        _CONSULTATIONS[version_id] = (now, found)
    return [found]


def _forget_versions(**kwargs: Any) -> None:
    _VERSIONS.clear()
    _CONSULTATIONS.clear()


# A database flushed or migrated (tests, a restore) may reuse labels with new ids.
post_migrate.connect(_forget_versions, dispatch_uid="kenes.proposals.batcher.versions")
