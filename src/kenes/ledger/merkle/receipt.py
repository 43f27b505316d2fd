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

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from .checkpoint import Checkpoint, open_checkpoint
from .cosignature import CosignatureVerifier, cosignatures
from .errors import MerkleError, ProofError, RootMismatchError, TileError
from .hashing import EMPTY_ROOT, hash_leaf
from .keys import Ed25519Verifier, parse_verifier_key
from .note import open_note
from .proof import consistency_proof, inclusion_proof, verify_consistency, verify_inclusion
from .tiles import TileHashStore, read_entries
from .witness import LogClient, LogUnavailableError

__all__ = [
    "ALPHABET",
    "COMMITMENT_DOMAIN",
    "AnswerView",
    "Check",
    "DirLogSource",
    "HttpLogSource",
    "LogEntry",
    "LogSource",
    "ReceiptError",
    "ReceiptInput",
    "ReceiptReport",
    "add_receipt_arguments",
    "check_symbol",
    "commitment",
    "format_report",
    "load_receipt_file",
    "normalize_code",
    "normalize_secret",
    "normalize_text",
    "run_receipt_command",
    "verify_receipt",
]

COMMITMENT_DOMAIN: Final = b"kenes/proposal-commitment/v1\n"
MAX_RECEIPT_FILE: Final = 1 << 20
RECEIVED: Final = "proposal.received"
ANSWER: Final = "answer.recorded"

# Receipt codes: the one definition, used by intake (kenes.proposals.receipts) too.
ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0, 1, I, L, O, U
_ALPHABET: Final = ALPHABET
_CYRILLIC_TWINS: Final = str.maketrans("АВЕКМНОРСТХУЗ", "ABEKMHOPCTXYZ")
_TYPO_FIXES: Final = str.maketrans({"U": "V"})
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReceiptError(MerkleError):
    """Reject a malformed receipt (file, code) or a log source that cannot be read."""


# --------------------------------------------------------------------------- normalisation


def check_symbol(body: str) -> str:
    """Return the Luhn mod 30 check symbol of ``body`` (symbols of ALPHABET)."""
    factor, total, n = 2, 0, len(_ALPHABET)
    for ch in reversed(body):
        addend = factor * _ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return _ALPHABET[(n - total % n) % n]


def normalize_code(text: str) -> str | None:
    """Return the canonical ``KNS-XXXX-XXXX`` form of a typed code, or None if it is not one."""
    raw = text.upper().translate(_CYRILLIC_TWINS)
    raw = "".join(ch for ch in raw if ch.isalnum())
    if raw.startswith("KNS"):
        raw = raw[3:]
    raw = raw.translate(_TYPO_FIXES)
    if len(raw) != 8 or any(ch not in _ALPHABET for ch in raw):
        return None
    if check_symbol(raw[:-1]) != raw[-1]:
        return None
    return f"KNS-{raw[:4]}-{raw[4:]}"


def normalize_secret(text: str) -> str:
    """Return the secret as issued: upper case, Latin letters, no spaces or dashes."""
    raw = text.upper().translate(_CYRILLIC_TWINS)
    return "".join(ch for ch in raw if ch.isalnum()).translate(_TYPO_FIXES)


def normalize_text(text: str) -> str:
    """Return the text as intake stored it: NFC, LF newlines, no control characters, trimmed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    return _CONTROL_RE.sub("", text).strip()


def commitment(secret: str, text: str) -> str:
    """Return the hex SHA-256 commitment binding ``text`` under the receipt ``secret``."""
    data = COMMITMENT_DOMAIN + secret.encode() + b"\n" + text.encode()
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- receipts


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


# --------------------------------------------------------------------------- log sources


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One ledger entry about a code: its leaf index (None until sequenced) and its bytes."""

    index: int | None
    kind: str
    data: str


class LogSource(Protocol):
    """Where the ledger is read from: a live log, an exported directory, the database."""

    description: str

    def key(self) -> str:
        """Return the verifier key the log publishes about itself (not to be trusted blindly)."""
        ...

    def checkpoint(self) -> str:
        """Return the latest signed checkpoint note."""
        ...

    def entries(self, code: str, size: int) -> list[LogEntry]:
        """Return the entries about ``code`` (``size`` is the verified checkpoint's size)."""
        ...

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """Return the inclusion proof of leaf ``index`` in the tree of ``size``."""
        ...

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        """Return the consistency proof from size ``size1`` to ``size2``."""
        ...


def _hex_list(value: object, what: str) -> list[bytes]:
    if not isinstance(value, list) or len(value) > 70:
        raise ProofError(f"{what} must be a list of hex hashes")
    out = []
    for item in value:
        if not isinstance(item, str):
            raise ProofError(f"{what} must be a list of hex hashes")
        try:
            out.append(bytes.fromhex(item))
        except ValueError as exc:
            raise ProofError(f"{what} holds something that is not hex") from exc
    return out


class HttpLogSource:
    """Read a live log over its ``/api/ledger`` API (urllib only)."""

    def __init__(self, url: str, *, timeout: float = 15.0) -> None:
        """Raise ``ValueError`` for a URL that is not http(s)."""
        self.client = LogClient(url, timeout=timeout)
        self.description = self.client.base

    def key(self) -> str:
        """Return ``/key``."""
        return self.client.get_text("/key").strip()

    def checkpoint(self) -> str:
        """Return ``/checkpoint``."""
        return self.client.get_text("/checkpoint")

    def entries(self, code: str, size: int) -> list[LogEntry]:
        """Return ``/receipt/{code}`` (an empty list for a 404)."""
        try:
            doc = self.client.get_json(f"/receipt/{code}")
        except LogUnavailableError as exc:
            if exc.status == 404:
                return []
            raise
        raw = doc.get("entries") if isinstance(doc, dict) else None
        if not isinstance(raw, list):
            raise ReceiptError("the log's receipt answer has no 'entries' list")
        out = []
        for item in raw:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("data"), str)
                or not isinstance(item.get("kind"), str)
            ):
                raise ReceiptError("the log's receipt answer holds a malformed entry")
            index = item.get("index")
            if index is not None and (
                not isinstance(index, int) or isinstance(index, bool) or index < 0
            ):
                raise ReceiptError("the log's receipt answer holds a malformed leaf index")
            out.append(LogEntry(index, str(item["kind"]), str(item["data"])))
        return out

    def witnesses(self) -> list[str]:
        """Return the verifier keys of ``/witnesses`` (the witnesses the log publishes)."""
        doc = self.client.get_json("/witnesses")
        items = doc.get("witnesses") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise ReceiptError("the log's witness list is malformed")
        return [str(w["vkey"]) for w in items if isinstance(w, dict) and w.get("vkey")]

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """Return the proof of ``/proof/inclusion?index=&size=``."""
        doc = self.client.get_json(f"/proof/inclusion?index={index}&size={size}")
        if not isinstance(doc, dict):
            raise ProofError("the inclusion proof answer is not a JSON object")
        return _hex_list(doc.get("proof"), "the inclusion proof")

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        """Return the proof of ``/proof/consistency?from=&to=``."""
        doc = self.client.get_json(f"/proof/consistency?from={size1}&to={size2}")
        if not isinstance(doc, dict):
            raise ProofError("the consistency proof answer is not a JSON object")
        return _hex_list(doc.get("proof"), "the consistency proof")


class DirLogSource:
    """Read a static tlog-tiles export (``kenes ledger export DIR``) and prove locally."""

    def __init__(self, directory: str | Path) -> None:
        """Raise :class:`ReceiptError` unless ``directory`` is a directory."""
        self.root = Path(directory)
        if not self.root.is_dir():
            raise ReceiptError(f"{directory} is not a directory")
        self.description = str(self.root)
        self._stores: dict[int, TileHashStore] = {}

    def _read(self, name: str) -> str:
        try:
            return (self.root / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReceiptError(f"cannot read {self.root / name}: {exc}") from exc

    def fetch(self, path: str) -> bytes:
        """Return the bytes of ``tile/...``; raise :class:`TileError` if missing."""
        if ".." in path.split("/"):
            raise TileError(f"refusing the tile path {path!r}")
        try:
            return (self.root / path).read_bytes()
        except OSError as exc:
            raise TileError(f"missing tile {path} in {self.root}") from exc

    def key(self) -> str:
        """Return the ``key`` file."""
        return self._read("key").strip()

    def checkpoint(self) -> str:
        """Return the ``checkpoint`` file."""
        return self._read("checkpoint")

    def witnesses(self) -> list[str]:
        """Return the ``witnesses`` file's verifier keys (one per line; none if absent)."""
        if not (self.root / "witnesses").is_file():
            return []
        lines = self._read("witnesses").splitlines()
        return [line.strip() for line in lines if line.strip() and not line.startswith("#")]

    def _store(self, size: int) -> TileHashStore:
        if size not in self._stores:
            self._stores[size] = TileHashStore(self.fetch, size)
        return self._stores[size]

    def entries(self, code: str, size: int) -> list[LogEntry]:
        """Scan the entry bundles for entries whose JSON ``code`` is ``code``."""
        found = []
        for index, raw in enumerate(read_entries(self.fetch, size, check=False)):
            if code.encode() not in raw:
                continue
            try:
                event = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                continue
            if isinstance(event, dict) and event.get("code") == code:
                kind = event.get("type")
                found.append(
                    LogEntry(index, kind if isinstance(kind, str) else "", raw.decode("utf-8"))
                )
        return found

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """Compute the inclusion proof from the hash tiles."""
        try:
            return inclusion_proof(self._store(size), index, size)
        except ValueError as exc:
            raise ProofError(str(exc)) from exc

    def consistency(self, size1: int, size2: int) -> list[bytes]:
        """Compute the consistency proof from the hash tiles."""
        try:
            return consistency_proof(self._store(size2), size1, size2)
        except ValueError as exc:
            raise ProofError(str(exc)) from exc


# --------------------------------------------------------------------------- verification


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


# --------------------------------------------------------------------------- command line


def add_receipt_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``receipt`` subcommand's options to ``parser``."""
    parser.add_argument(
        "--receipt",
        metavar="FILE",
        help='receipt JSON file {"code": ..., "secret": ..., "text": ...}',
    )
    parser.add_argument("--code", help="receipt code, e.g. KNS-7F3K-9Q2M")
    parser.add_argument("--secret", help="the secret printed on the receipt")
    text = parser.add_mutually_exclusive_group()
    text.add_argument("--text", help="the text of the proposal as it was sent")
    text.add_argument("--text-file", metavar="FILE", help="file with the text (UTF-8)")
    parser.add_argument(
        "--log",
        required=True,
        metavar="URL|DIR",
        help="the log's URL, or a directory from `kenes ledger export`",
    )
    parser.add_argument(
        "--log-key",
        metavar="VKEY",
        help="the log's verifier key, or a file holding it (recommended)",
    )
    parser.add_argument(
        "--kept-checkpoint",
        metavar="FILE",
        help="a checkpoint you kept earlier: check the log still extends it",
    )
    parser.add_argument(
        "--witness-key",
        action="append",
        metavar="VKEY",
        help="a witness's verifier key (or a file of keys, one a line); repeatable; "
        "default: the witnesses the log publishes",
    )
    parser.add_argument(
        "--min-witnesses",
        type=int,
        metavar="N",
        help="fail unless at least N witnesses cosigned the checkpoint (default 1 when "
        "there are witness keys, 0 when the log publishes none)",
    )
    parser.add_argument(
        "--save-checkpoint",
        metavar="FILE",
        help="after success, save the verified checkpoint here for next time",
    )


class UsageError(Exception):
    """Bad command-line input (exit status 2)."""


def _read_small(path: str, what: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_RECEIPT_FILE:
        raise UsageError(f"{what} {path} is larger than {MAX_RECEIPT_FILE} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} {path} is not UTF-8") from exc


def _receipt_from_args(args: argparse.Namespace) -> ReceiptInput:
    base = ReceiptInput("")
    if args.receipt:
        try:
            base = load_receipt_file(args.receipt)
        except ReceiptError as exc:
            raise UsageError(str(exc)) from exc
    text = base.text
    if args.text is not None:
        text = args.text
    elif args.text_file:
        text = _read_small(args.text_file, "the text file")
    code = args.code or base.code
    if not code:
        raise UsageError("give the receipt code (--code) or a receipt file (--receipt)")
    return ReceiptInput(code, args.secret if args.secret is not None else base.secret, text)


def _source(location: str) -> LogSource:
    if location.startswith(("http://", "https://")):
        try:
            return HttpLogSource(location)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    try:
        return DirLogSource(location)
    except ReceiptError as exc:
        raise UsageError(f"--log must be an http(s) URL or an exported directory: {exc}") from exc


def _log_key(value: str | None) -> str | None:
    if value is None:
        return None
    if "+" in value and not Path(value).is_file():
        return value.strip()
    lines = [line.strip() for line in _read_small(value, "the key file").splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if not keys:
        raise UsageError(f"the key file {value} is empty")
    return keys[0]


def _witness_keys(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    keys: list[str] = []
    for value in values:
        if "+" in value and not Path(value).is_file():
            keys.append(value.strip())
            continue
        lines = _read_small(value, "the witness key file").splitlines()
        keys += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return keys


def run_receipt_command(args: argparse.Namespace) -> int:
    """Run ``verify receipt`` from parsed arguments; return 0, 1 or 2."""
    try:
        receipt = _receipt_from_args(args)
        source = _source(args.log)
        log_key = _log_key(args.log_key)
        kept = (
            _read_small(args.kept_checkpoint, "the kept checkpoint")
            if args.kept_checkpoint
            else None
        )
        witness_keys = _witness_keys(args.witness_key)
        if args.min_witnesses is not None and args.min_witnesses < 0:
            raise UsageError("--min-witnesses must be 0 or more")
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = verify_receipt(
        source,
        receipt,
        log_key=log_key,
        kept_checkpoint=kept,
        witness_keys=witness_keys,
        min_witnesses=args.min_witnesses,
    )
    sys.stdout.write(format_report(report))
    if report.ok and args.save_checkpoint and report.checkpoint_note:
        try:
            Path(args.save_checkpoint).write_text(report.checkpoint_note, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot save the checkpoint: {exc}", file=sys.stderr)
            return 2
        print(
            f"Saved the checkpoint to {args.save_checkpoint}; pass it next time with "
            "--kept-checkpoint."
        )
    return 0 if report.ok else 1
