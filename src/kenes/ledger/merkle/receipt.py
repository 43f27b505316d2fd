"""Verify a Kenes receipt against the public ledger, without trusting the server. Pure Python.

A citizen's receipt has a code (``KNS-7F3K-9Q2M``) and a secret; the ledger holds, for that
code, a ``proposal.received`` entry whose ``commitment`` is
``SHA-256("kenes/proposal-commitment/v1\\n" || secret || "\\n" || text)`` (see
:mod:`kenes.ledger.events`; the same function is repeated here because this package imports
nothing outside itself), then the ``proposal.state`` and ``answer.recorded`` entries.
:func:`verify_receipt` checks, one line each:

* the checkpoint is signed by the log key (``--log-key``; without it the key the log itself
  publishes is used, and the report says so);
* the code has entries, each well formed and about this code;
* with the secret and the text, the commitment in the ``proposal.received`` entry matches;
* every entry is included in the signed checkpoint (RFC 9162 inclusion proof, the leaf hash
  computed here from the entry's bytes);
* the answers bound to the code (decision and reason, printed);
* with a checkpoint kept from an earlier visit, the current one extends it (consistency).

The log is a URL (``/api/ledger/receipt/{code}``, ``/checkpoint``, ``/proof/inclusion``,
``/proof/consistency``) or a directory written by ``kenes ledger export`` (c2sp.org/tlog-tiles:
``checkpoint``, ``key``, ``tile/...``), in which case the entries are searched and the proofs
computed locally from the tiles.

The secret and the text are normalised as intake does: the secret upper-cased, with Cyrillic
look-alike letters read as Latin ones and spaces or dashes dropped; the text in Unicode NFC,
CRLF as LF, control characters removed and trimmed (a trailing newline in a file is fine).

Receipt file (``--receipt FILE``), UTF-8 JSON::

    {"code": "KNS-7F3K-9Q2M", "secret": "AB3D5F7H9K", "text": "The text I sent ..."}

``secret`` and ``text`` may be omitted (only inclusion is then checked); command-line
``--code``/``--secret``/``--text`` override the file.

Command line: ``python -m kenes.ledger.merkle.verify receipt ...`` or ``kenes verify receipt
...``; exit status 0 when every check passed, 1 when one failed, 2 for usage errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from .checkpoint import Checkpoint, open_checkpoint
from .codes import commitment, normalize_code, normalize_secret, normalize_text
from .cosignature import CosignatureVerifier, cosignatures
from .errors import MerkleError, ProofError, ReceiptError, RootMismatchError
from .hashing import EMPTY_ROOT, hash_leaf
from .keys import Ed25519Verifier, parse_verifier_key
from .note import open_note
from .proof import verify_consistency, verify_inclusion
from .sources import LogEntry, LogSource

__all__ = [
    "AnswerView",
    "Check",
    "ReceiptInput",
    "ReceiptReport",
    "format_report",
    "load_receipt_file",
    "verify_receipt",
]

MAX_RECEIPT_FILE: Final = 1 << 20
RECEIVED: Final = "proposal.received"
ANSWER: Final = "answer.recorded"


@dataclass(frozen=True, slots=True)
class ReceiptInput:
    """What the citizen holds: the code, and optionally the secret and the text sent."""

    code: str
    secret: str | None = None
    text: str | None = None


def load_receipt_file(path: str | Path) -> ReceiptInput:
    """Read a receipt JSON file (see the module docstring); raise :class:`ReceiptError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ReceiptError(f"cannot read the receipt file {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_RECEIPT_FILE:
        raise ReceiptError(f"the receipt file {path} is larger than {MAX_RECEIPT_FILE} bytes")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ReceiptError(f"the receipt file {path} is not UTF-8 JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ReceiptError("the receipt file must hold a JSON object with code, secret, text")
    values: dict[str, str | None] = {}
    for key in ("code", "secret", "text"):
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            raise ReceiptError(f"'{key}' in the receipt file must be a string")
        values[key] = value
    if not values["code"]:
        raise ReceiptError("the receipt file has no 'code'")
    return ReceiptInput(str(values["code"]), values["secret"], values["text"])


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report: ``ok`` True (✓), False (✗) or None (information).

    ``id`` names the check (``code``, ``key``, ``source``, ``signature``, ``entries``,
    ``entry``, ``commitment``, ``inclusion``, ``pending``, ``consistency``) and ``params``
    its figures, so that a web page can word it in the reader's language; ``text`` is the
    English sentence the command line prints.
    """

    id: str
    ok: bool | None
    text: str
    params: dict[str, str | int] = field(default_factory=dict)

    @property
    def mark(self) -> str:
        """Return ✓, ✗ or ·."""
        return {True: "\u2713", False: "\u2717", None: "\u00b7"}[self.ok]


@dataclass(frozen=True, slots=True)
class AnswerView:
    """An answer bound to the code in the log."""

    index: int | None
    decision: str
    reason_kk: str
    reason_ru: str
    included: bool


@dataclass(slots=True)
class ReceiptReport:
    """Every check made for a receipt, and the answers found."""

    code: str
    checks: list[Check] = field(default_factory=list)
    answers: list[AnswerView] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    checkpoint_note: str = ""

    @property
    def ok(self) -> bool:
        """Return whether at least one check passed and none failed."""
        return any(c.ok for c in self.checks) and not any(c.ok is False for c in self.checks)

    def add(self, id: str, ok: bool | None, text: str, **params: str | int) -> None:
        """Append a check."""
        self.checks.append(Check(id, ok, text, dict(params)))


def _failure(exc: Exception) -> str:
    if isinstance(exc, RootMismatchError):
        return "the proof leads to another root than the signed one"
    return str(exc)


def _parse_entry(entry: LogEntry, code: str) -> dict[str, object] | None:
    try:
        event = json.loads(entry.data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(event, dict) or event.get("code") != code or event.get("type") != entry.kind:
        return None
    return event


def _key(report: ReceiptReport, source: LogSource, log_key: str | None) -> Ed25519Verifier | None:
    if log_key is None:
        try:
            log_key = source.key()
        except MerkleError as exc:
            report.add("source", False, f"cannot read the log's key: {exc}", detail=str(exc))
            return None
        report.add(
            "key",
            None,
            f"the log key was taken from the log itself ({log_key}); "
            "pin a key published elsewhere with --log-key",
            key=log_key,
        )
    try:
        verifier = parse_verifier_key(log_key.strip())
    except MerkleError as exc:
        report.add("key", False, f"the log key is malformed: {exc}", detail=str(exc))
        return None
    if not isinstance(verifier, Ed25519Verifier):
        report.add("key", False, "the log key is a witness key, not a log key")
        return None
    return verifier


def _check_kept(
    report: ReceiptReport,
    source: LogSource,
    verifier: Ed25519Verifier,
    current: Checkpoint,
    kept_note: str,
) -> None:
    try:
        kept, _ = open_checkpoint(kept_note, [verifier])
    except MerkleError as exc:
        report.add(
            "consistency",
            False,
            f"your kept checkpoint is not signed by the log key: {exc}",
            detail=str(exc),
            kept_size=0,
            size=current.size,
        )
        return
    params: dict[str, str | int] = {"kept_size": kept.size, "size": current.size}
    try:
        if kept.origin != current.origin:
            raise ProofError(f"it is from another log ({kept.origin!r})")
        if kept.size > current.size:
            raise ProofError(
                f"the log shrank: you kept size {kept.size}, it now shows {current.size} (rollback)"
            )
        if kept.size == current.size:
            if kept.root_hash != current.root_hash:
                raise ProofError(f"two different roots for size {kept.size} (fork)")
        elif kept.size == 0:
            if kept.root_hash != EMPTY_ROOT:
                raise RootMismatchError(EMPTY_ROOT, kept.root_hash)
        else:
            proof = source.consistency(kept.size, current.size)
            verify_consistency(kept.size, current.size, proof, kept.root_hash, current.root_hash)
    except MerkleError as exc:
        report.add(
            "consistency",
            False,
            f"the current checkpoint does not extend your kept "
            f"checkpoint of size {kept.size}: {_failure(exc)}",
            detail=_failure(exc),
            **params,
        )
        return
    report.add(
        "consistency",
        True,
        f"the current checkpoint (size {current.size}) extends "
        f"your kept checkpoint (size {kept.size}): history was not rewritten",
        **params,
    )


def verify_receipt(
    source: LogSource,
    receipt: ReceiptInput,
    *,
    log_key: str | None = None,
    kept_checkpoint: str | None = None,
    witness_keys: list[str] | None = None,
    min_witnesses: int | None = None,
) -> ReceiptReport:
    """Run every check on ``receipt`` against ``source``; never raise for bad input.

    Witnesses: the checkpoint's cosignatures are counted against ``witness_keys`` (or, when
    None, the keys the log publishes, if the source can list them); fewer than
    ``min_witnesses`` fails. ``min_witnesses`` None means 1 when there are witness keys, and
    no requirement when the log publishes none.
    """
    code = normalize_code(receipt.code or "")
    report = ReceiptReport(code=code or receipt.code)
    if code is None:
        report.add("code", False, f"{receipt.code!r} is not a valid receipt code (mistyped?)")
        return report
    try:
        _verify(
            report, source, receipt, code, log_key, kept_checkpoint, witness_keys, min_witnesses
        )
    except (MerkleError, ValueError, UnicodeError) as exc:  # a source broke: never a traceback
        report.add("source", False, f"the log could not be read: {exc}", detail=str(exc))
    return report


def _verify(
    report: ReceiptReport,
    source: LogSource,
    receipt: ReceiptInput,
    code: str,
    log_key: str | None,
    kept_checkpoint: str | None,
    witness_keys: list[str] | None = None,
    min_witnesses: int | None = None,
) -> None:
    verifier = _key(report, source, log_key)
    if verifier is None:
        return
    try:
        note = source.checkpoint()
    except MerkleError as exc:
        report.add("source", False, f"cannot read the log's checkpoint: {exc}", detail=str(exc))
        return
    try:
        checkpoint, _ = open_checkpoint(note, [verifier])
    except MerkleError as exc:
        report.add(
            "signature",
            False,
            f"the checkpoint is not validly signed by the log key {verifier.name}: {exc}",
            detail=str(exc),
        )
        return
    report.checkpoint, report.checkpoint_note = checkpoint, note
    root = checkpoint.root_hash
    report.add(
        "signature",
        True,
        f"the checkpoint is signed by {verifier.name}: "
        f"{checkpoint.size} entries, root {root.hex()}",
        size=checkpoint.size,
        root=root.hex(),
        origin=checkpoint.origin,
    )
    _check_witnesses(report, source, verifier, note, witness_keys, min_witnesses)
    entries = source.entries(code, checkpoint.size)
    if not entries:
        report.add("entries", False, f"the log has no entry for {code}")
    else:
        report.add(
            "entries", True, f"the log has {len(entries)} entries for {code}", count=len(entries)
        )
    events: list[tuple[LogEntry, dict[str, object]]] = []
    for entry in entries:
        event = _parse_entry(entry, code)
        if event is None:
            report.add(
                "entry",
                False,
                f"the {entry.kind or 'unknown'} entry at leaf "
                f"{entry.index} is malformed or not about {code}",
                kind=entry.kind,
                index=-1 if entry.index is None else entry.index,
            )
            continue
        events.append((entry, event))
    _check_commitment(report, events, receipt)
    included = _check_inclusion(report, source, events, checkpoint)
    for entry, event in events:
        if entry.kind != ANSWER:
            continue
        answer = AnswerView(
            entry.index,
            str(event.get("decision") or ""),
            str(event.get("reason_kk") or ""),
            str(event.get("reason_ru") or ""),
            entry.index in included,
        )
        report.answers.append(answer)
        reason = answer.reason_ru or answer.reason_kk
        report.add(
            "answer",
            None,
            f"answer (leaf {entry.index}): {answer.decision}"
            + (f" \u2014 {reason}" if reason else ""),
            decision=answer.decision,
        )
    if kept_checkpoint is not None:
        _check_kept(report, source, verifier, checkpoint, kept_checkpoint)


def _check_witnesses(
    report: ReceiptReport,
    source: LogSource,
    log_verifier: Ed25519Verifier,
    note: str,
    witness_keys: list[str] | None,
    min_witnesses: int | None,
) -> None:
    published = witness_keys is None
    if published:
        getter = getattr(source, "witnesses", None)
        if getter is None and min_witnesses is None:
            return  # a source that cannot list witnesses (the server's own page)
        keys = list(getter()) if getter is not None else []
    else:
        keys = list(witness_keys or [])
    verifiers: list[CosignatureVerifier] = []
    for key in keys:
        try:
            parsed = parse_verifier_key(key.strip())
        except MerkleError as exc:
            report.add("witnesses", False, f"a witness key is malformed: {exc}", detail=str(exc))
            return
        if not isinstance(parsed, CosignatureVerifier):
            report.add("witnesses", False, f"{key.strip()} is not a witness (cosignature) key")
            return
        if all(v.name != parsed.name for v in verifiers):
            verifiers.append(parsed)
    minimum = min_witnesses if min_witnesses is not None else (1 if verifiers else 0)
    count = 0
    if verifiers:
        opened = open_note(note, [log_verifier, *verifiers])
        count = len({c.name for c in cosignatures(opened, verifiers)})
    params: dict[str, str | int] = {"count": count, "known": len(verifiers), "minimum": minimum}
    names = ", ".join(v.name for v in verifiers)
    if published and verifiers:
        report.add(
            "witness_keys",
            None,
            f"the witness keys were taken from the log itself ({names}); "
            "pin keys published elsewhere with --witness-key",
        )
    if not verifiers and minimum == 0:
        report.add(
            "witnesses",
            None,
            "the log publishes no witnesses: only the log's own key vouches for this "
            "checkpoint (a re-signed, rewritten history would not be detected)",
            **params,
        )
    elif count >= minimum:
        report.add(
            "witnesses",
            True,
            f"{count} of {len(verifiers)} witnesses cosigned the checkpoint "
            f"(at least {minimum} required)",
            **params,
        )
    else:
        report.add(
            "witnesses",
            False,
            f"only {count} of {len(verifiers)} witnesses cosigned the checkpoint, "
            f"{minimum} required (if the log grew a moment ago, retry after the "
            "witnesses' next round)",
            **params,
        )


def _check_commitment(
    report: ReceiptReport, events: list[tuple[LogEntry, dict[str, object]]], receipt: ReceiptInput
) -> None:
    received = [event for entry, event in events if entry.kind == RECEIVED]
    if not received:
        if events:
            report.add(
                "commitment",
                False,
                "the log has no proposal.received entry for this code",
                missing=1,
            )
        return
    if not receipt.secret or receipt.text is None:
        report.add(
            "commitment", None, "the text was not checked: give both the secret and the text"
        )
        return
    expected = received[0].get("commitment")
    mine = commitment(normalize_secret(receipt.secret), normalize_text(receipt.text))
    if mine == expected:
        report.add(
            "commitment",
            True,
            "your secret and text match the commitment recorded when the proposal was received",
        )
    else:
        report.add(
            "commitment",
            False,
            "your secret and text do not match the commitment in "
            "the log (a wrong secret, or not exactly the text that was sent)",
        )


def _check_inclusion(
    report: ReceiptReport,
    source: LogSource,
    events: list[tuple[LogEntry, dict[str, object]]],
    checkpoint: Checkpoint,
) -> set[int]:
    included: set[int] = set()
    size = checkpoint.size
    for entry, _event in events:
        if entry.index is None or entry.index >= size:
            report.add(
                "pending",
                False,
                f"the {entry.kind} entry is not yet in a signed "
                "checkpoint (it is waiting to be sequenced; try again in a minute)",
                kind=entry.kind,
            )
            continue
        params: dict[str, str | int] = {"kind": entry.kind, "index": entry.index, "size": size}
        try:
            proof = source.inclusion(entry.index, size)
            verify_inclusion(
                hash_leaf(entry.data.encode("utf-8")),
                entry.index,
                size,
                proof,
                checkpoint.root_hash,
            )
        except MerkleError as exc:
            report.add(
                "inclusion",
                False,
                f"the {entry.kind} entry (leaf {entry.index}) is NOT "
                f"proven to be in the signed log: {_failure(exc)}",
                detail=_failure(exc),
                **params,
            )
            continue
        included.add(entry.index)
        report.add(
            "inclusion",
            True,
            f"the {entry.kind} entry (leaf {entry.index}) is in the signed log of {size} entries",
            **params,
        )
    return included


def format_report(report: ReceiptReport) -> str:
    """Return the plain report: a title, one line per check, a verdict."""
    lines = [f"Receipt {report.code}"]
    lines += [f"{c.mark} {c.text}" for c in report.checks]
    lines.append("RESULT: all checks passed" if report.ok else "RESULT: verification FAILED")
    return "\n".join(lines) + "\n"
