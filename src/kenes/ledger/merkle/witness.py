"""A witness for the Kenes ledger: check that the log only grows, then cosign it. Pure Python.

A witness runs on another machine, for another organisation, with nothing but this module,
``cryptography`` and the standard library (``urllib``).  Each round it

1. fetches ``<log>/api/ledger/checkpoint`` and verifies the log's Ed25519 signature with the
   log key it was given (``--log-key``; never the key the log serves);
2. loads the last checkpoint it saw from its state file; on the very first run there is none
   and it accepts the current checkpoint as its starting point (*trust on first use*: compare
   that first checkpoint with other witnesses or a published copy out of band);
3. checks that the new checkpoint extends the old one: same origin, size not smaller, the same
   root when the size is the same, and a valid RFC 9162 consistency proof fetched from
   ``<log>/api/ledger/proof/consistency?from=OLD&to=NEW`` otherwise;
4. saves the new checkpoint as its state, cosigns it (c2sp.org/tlog-cosignature, Ed25519,
   signature type 0x04, timestamped) and POSTs ``{"checkpoint": <signed note>, "witness":
   <name>, "signature": <signature line>}`` to ``<log>/api/ledger/cosign``.

Any inconsistency — a fork (another root for a size it saw), a rollback (a smaller size), a
bad proof, a bad or missing log signature, a malformed checkpoint — is an *alarm*: the witness
refuses to cosign, prints ``ALARM: ...``, keeps its old state and exits with status 1.

Commands (also ``kenes witness ...``, which runs without Django)::

    python -m kenes.ledger.merkle.witness keygen NAME [--out SKEYFILE]
    python -m kenes.ledger.merkle.witness run --log URL --key SKEYFILE --log-key VKEY \\
        --state STATEFILE [--once | --interval SECONDS]

``keygen`` prints the private key (``PRIVATE+KEY+NAME+...``, keep it secret; with ``--out`` it
is written to a mode-600 file instead) and the verifier key (vkey) that the log operator
registers with ``kenes ledger add-witness NAME VKEY --organisation "..."``.  ``--log-key`` is
the log's vkey string or a file holding it; ``URL`` is the site (``https://kenes.example``) or
its ledger API (``.../api/ledger``).  The state file is JSON ``{"version": 1, "log": URL,
"checkpoint": <log-signed note>}``, rewritten atomically; it is re-verified on every load.

Exit status: 0 cosigned (or, with ``--interval``, never returns unless alarmed), 1 alarm
(refused to cosign), 2 usage or configuration error (bad key, unreadable state), 3 the log
could not be reached or refused the cosignature.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from .checkpoint import Checkpoint, open_checkpoint
from .cli_files import parse_args
from .cosignature import COSIGNATURE_TYPE, CosignatureSigner
from .errors import MerkleError, NoteError, ProofError
from .hashing import EMPTY_ROOT
from .keys import Ed25519Verifier, generate_key, parse_private_key, parse_verifier_key
from .note import NoteSignature
from .proof import verify_consistency

__all__ = [
    "EXIT_ALARM",
    "EXIT_OK",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "LogClient",
    "LogUnavailableError",
    "WitnessAlarm",
    "WitnessResult",
    "load_log_key",
    "load_state",
    "main",
    "save_state",
    "witness_once",
]

EXIT_OK: Final = 0
EXIT_ALARM: Final = 1
EXIT_USAGE: Final = 2
EXIT_UNAVAILABLE: Final = 3
MAX_RESPONSE_SIZE: Final = 4 << 20
STATE_VERSION: Final = 1
API_SUFFIX: Final = "/api/ledger"


class WitnessAlarm(MerkleError):
    """The log showed something a witness must never sign: a fork, a rollback, a bad proof."""


class LogUnavailableError(MerkleError):
    """The log could not be reached, or answered with an error status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        """Record the HTTP status, if there was one."""
        super().__init__(message)
        self.status = status


class _ConfigError(Exception):
    """A usage or configuration problem (exit status 2)."""


# --------------------------------------------------------------------------- HTTP client


class LogClient:
    """Talk to a Kenes log's ledger API over HTTP(S) with ``urllib`` (no other dependency).

    Every failure — unreachable host, timeout, HTTP error status, oversized or non-UTF-8
    answer, invalid JSON — raises :class:`LogUnavailableError`.
    """

    def __init__(self, url: str, *, timeout: float = 15.0) -> None:
        """Accept the site URL or its ``/api/ledger`` URL; raise ``ValueError`` otherwise."""
        parsed = urllib.parse.urlsplit(url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"the log URL must start with http:// or https://, got {url!r}")
        base = url.strip().rstrip("/")
        if not base.endswith(API_SUFFIX):
            base += API_SUFFIX
        self.base = base
        self.timeout = timeout

    def _request(self, path: str, data: bytes | None = None) -> tuple[int, bytes]:
        headers = {"User-Agent": "kenes-witness/1", "Accept": "application/json, text/plain"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        # the scheme was checked to be http(s) in __init__
        request = urllib.request.Request(  # noqa: S310
            self.base + path,
            data=data,
            headers=headers,
            method="POST" if data is not None else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body: bytes = response.read(MAX_RESPONSE_SIZE + 1)
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            body = exc.read(MAX_RESPONSE_SIZE + 1) if exc.fp is not None else b""
            status = exc.code
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LogUnavailableError(f"cannot reach {self.base}{path}: {reason}") from exc
        if len(body) > MAX_RESPONSE_SIZE:
            raise LogUnavailableError(
                f"{self.base}{path} answered more than {MAX_RESPONSE_SIZE} bytes", status
            )
        return status, body

    @staticmethod
    def _decode(path: str, body: bytes, status: int) -> str:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LogUnavailableError(f"{path} answered bytes that are not UTF-8", status) from exc

    @staticmethod
    def _error_detail(text: str) -> str:
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return text.strip()[:200]
        if isinstance(doc, dict) and isinstance(doc.get("detail"), str):
            return str(doc["detail"])
        return text.strip()[:200]

    def get_text(self, path: str) -> str:
        """Return the UTF-8 body of ``GET <base><path>``; raise on a non-200 status."""
        status, body = self._request(path)
        text = self._decode(path, body, status)
        if status != 200:
            raise LogUnavailableError(
                f"{self.base}{path} answered HTTP {status}: {self._error_detail(text)}", status
            )
        return text

    def get_json(self, path: str) -> object:
        """Return the decoded JSON body of ``GET <base><path>``."""
        text = self.get_text(path)
        try:
            doc: object = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise LogUnavailableError(f"{self.base}{path} did not answer JSON") from exc
        return doc

    def post_json(self, path: str, doc: object) -> tuple[int, str]:
        """POST ``doc`` as JSON; return ``(status, error detail or body text)``."""
        status, body = self._request(path, json.dumps(doc).encode())
        text = self._decode(path, body, status)
        return status, (text if status == 200 else self._error_detail(text))


class WitnessLog(Protocol):
    """What a witness needs from a log (a :class:`LogClient`, or a fake in tests)."""

    def get_text(self, path: str) -> str:
        """Return the text at ``path`` of the ledger API."""
        ...

    def get_json(self, path: str) -> object:
        """Return the JSON at ``path`` of the ledger API."""
        ...

    def post_json(self, path: str, doc: object) -> tuple[int, str]:
        """POST JSON; return the status and a detail."""
        ...


# --------------------------------------------------------------------------- keys and state


def _key_text(value: str) -> str:
    """Return ``value`` or, when it names an existing file, the file's first non-empty line."""
    path = Path(value)
    if "+" in value and not path.is_file():
        return value.strip()
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise _ConfigError(f"cannot read the key file {value}: {exc}") from exc
    keys = [line for line in lines if line and not line.startswith("#")]
    if not keys:
        raise _ConfigError(f"the key file {value} is empty")
    return keys[0]


def load_log_key(value: str) -> Ed25519Verifier:
    """Return the log's verifier from a vkey string or a file holding one (type 0x01)."""
    try:
        verifier = parse_verifier_key(_key_text(value))
    except MerkleError as exc:
        raise _ConfigError(f"the log key is not a valid verifier key: {exc}") from exc
    if not isinstance(verifier, Ed25519Verifier):
        raise _ConfigError("the log key must be an Ed25519 log key (type 0x01), not a witness key")
    return verifier


def _load_signer(path: str) -> CosignatureSigner:
    try:
        signer = parse_private_key(_key_text(path))
    except MerkleError as exc:
        raise _ConfigError(f"the witness key in {path} is not a valid private key: {exc}") from exc
    if not isinstance(signer, CosignatureSigner):
        raise _ConfigError(
            "the witness key must be a cosignature key (type 0x04): make one "
            "with `kenes witness keygen NAME`"
        )
    return signer


def load_state(path: Path, log_key: Ed25519Verifier) -> tuple[Checkpoint, str] | None:
    """Return the last checkpoint seen (re-verified) and its note, or None if no state yet.

    A state file that exists but cannot be read or verified raises a configuration error:
    the witness must not silently fall back to trusting whatever the log says now.
    """
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _ConfigError(f"cannot read the state file {path}: {exc}") from exc
    if (
        not isinstance(doc, dict)
        or doc.get("version") != STATE_VERSION
        or not isinstance(doc.get("checkpoint"), str)
    ):
        raise _ConfigError(
            f"the state file {path} is not a witness state (version {STATE_VERSION})"
        )
    note = str(doc["checkpoint"])
    try:
        checkpoint, _ = open_checkpoint(note, [log_key])
    except MerkleError as exc:
        raise _ConfigError(
            f"the checkpoint in the state file {path} does not verify with the log key: {exc}"
        ) from exc
    return checkpoint, note


def save_state(path: Path, log_url: str, note: str) -> None:
    """Write the state atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".witness-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(
                {"version": STATE_VERSION, "log": log_url, "checkpoint": note},
                handle,
                ensure_ascii=False,
                indent=1,
            )
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- one round


@dataclass(frozen=True, slots=True)
class WitnessResult:
    """What one round did: the cosigned checkpoint, the previous size seen, the line."""

    checkpoint: Checkpoint
    previous_size: int | None
    signature_line: str
    message: str


def _check_extends(old: Checkpoint, new: Checkpoint, client: WitnessLog) -> None:
    """Raise :class:`WitnessAlarm` unless ``new`` extends ``old``."""
    if new.origin != old.origin:
        raise WitnessAlarm(f"the log changed its origin from {old.origin!r} to {new.origin!r}")
    if new.size < old.size:
        raise WitnessAlarm(
            f"rollback: the log now shows size {new.size}, smaller than size "
            f"{old.size} it showed before"
        )
    if new.size == old.size:
        if new.root_hash != old.root_hash:
            raise WitnessAlarm(
                f"fork: two different roots for size {new.size} "
                f"({old.root_hash.hex()} before, {new.root_hash.hex()} now)"
            )
        return
    if old.size == 0:
        if old.root_hash != EMPTY_ROOT:
            raise WitnessAlarm("the old checkpoint of size 0 has a root that is not empty")
        return
    try:
        doc = client.get_json(f"/proof/consistency?from={old.size}&to={new.size}")
    except LogUnavailableError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            raise WitnessAlarm(
                f"the log cannot prove that size {new.size} extends size {old.size}: {exc}"
            ) from exc
        raise
    if not isinstance(doc, dict) or not isinstance(doc.get("proof"), list):
        raise WitnessAlarm("the consistency proof is malformed (no 'proof' list)")
    if doc.get("from") not in (None, old.size) or doc.get("to") not in (None, new.size):
        raise WitnessAlarm("the consistency proof is for other tree sizes")
    try:
        proof = [bytes.fromhex(h) if isinstance(h, str) else b"" for h in doc["proof"]]
        verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    except (ValueError, ProofError) as exc:
        raise WitnessAlarm(
            f"the consistency proof from size {old.size} to {new.size} does not verify: {exc}"
        ) from exc


def witness_once(
    client: WitnessLog,
    signer: CosignatureSigner,
    log_key: Ed25519Verifier,
    state_path: Path,
    *,
    log_url: str = "",
) -> WitnessResult:
    """Run one round (see the module docstring) and return what was cosigned.

    Raise :class:`WitnessAlarm` when the log misbehaves (state untouched),
    :class:`LogUnavailableError` when it cannot be reached or refuses the cosignature (the
    state is advanced once the checkpoint verified), ``_ConfigError`` for a bad state file.
    """
    previous = load_state(state_path, log_key)
    note = client.get_text("/checkpoint")
    try:
        checkpoint, opened = open_checkpoint(note, [log_key])
    except NoteError as exc:
        raise WitnessAlarm(
            f"the checkpoint is not validly signed by the log key {log_key.name}: {exc}"
        ) from exc
    except MerkleError as exc:
        raise WitnessAlarm(f"the checkpoint is malformed: {exc}") from exc
    if previous is None:
        message = (
            f"first run: trusting the log's checkpoint at size {checkpoint.size} "
            "(trust on first use)"
        )
        previous_size = None
    else:
        old, _old_note = previous
        _check_extends(old, checkpoint, client)
        previous_size = old.size
        message = (
            f"size {checkpoint.size} extends size {old.size}"
            if checkpoint.size != old.size
            else f"size {checkpoint.size} unchanged, same root"
        )
    # keep only the log's own (verified) signature, not other witnesses' lines
    log_note = opened.text + "\n" + "".join(sig.line() for sig in opened.signatures)
    save_state(state_path, log_url, log_note)
    line = NoteSignature(signer.name, signer.key_id, signer.sign(opened.text.encode())).line()
    status, detail = client.post_json(
        "/cosign", {"checkpoint": log_note, "witness": signer.name, "signature": line.rstrip("\n")}
    )
    if status != 200:
        raise LogUnavailableError(
            f"the log refused the cosignature (HTTP {status}): {detail}", status
        )
    return WitnessResult(checkpoint, previous_size, line, message)


# --------------------------------------------------------------------------- command line


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kenes witness",
        description="Witness a Kenes ledger: verify that it only grows and cosign it.",
        epilog="Exit status: 0 cosigned, 1 ALARM (refused), 2 usage/configuration error, "
        "3 log unreachable or cosignature refused.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    keygen = sub.add_parser("keygen", help="make a witness (cosignature) key pair")
    keygen.add_argument("name", help="witness key name, e.g. witness.example.kz")
    keygen.add_argument(
        "--out",
        type=Path,
        help="write the private key to this file (mode 600) instead of printing it",
    )
    run = sub.add_parser("run", help="check the log's latest checkpoint and cosign it")
    run.add_argument("--log", required=True, metavar="URL", help="the log's site URL")
    run.add_argument(
        "--key",
        required=True,
        metavar="SKEYFILE",
        help="file with this witness's private key (from keygen)",
    )
    run.add_argument(
        "--log-key",
        required=True,
        metavar="VKEY",
        help="the log's verifier key, or a file holding it",
    )
    run.add_argument(
        "--state",
        required=True,
        type=Path,
        metavar="STATEFILE",
        help="JSON file with the last checkpoint seen (created on first run)",
    )
    when = run.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="one round, then exit (default)")
    when.add_argument(
        "--interval", type=float, metavar="SECONDS", help="repeat every SECONDS until an alarm"
    )
    run.add_argument("--timeout", type=float, default=15.0, help="HTTP timeout in seconds")
    return parser


def _keygen(args: argparse.Namespace) -> int:
    try:
        skey, vkey = generate_key(args.name, COSIGNATURE_TYPE)
    except MerkleError as exc:
        raise _ConfigError(f"invalid witness name: {exc}") from exc
    if args.out is not None:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(skey + "\n")
        print(f"# private key written to {args.out} (keep it secret)", file=sys.stderr)
    else:
        print("# private key (keep it secret; store it in a mode-600 file):", file=sys.stderr)
        print(skey)
    print(
        "# verifier key, give it to the log operator for `kenes ledger add-witness`:",
        file=sys.stderr,
    )
    print(vkey)
    return EXIT_OK


def _round(
    client: LogClient, signer: CosignatureSigner, log_key: Ed25519Verifier, args: argparse.Namespace
) -> int:
    try:
        result = witness_once(client, signer, log_key, args.state, log_url=args.log)
    except WitnessAlarm as exc:
        print(f"ALARM: {exc}", file=sys.stderr)
        print("ALARM: refusing to cosign; the witness state was not advanced.", file=sys.stderr)
        return EXIT_ALARM
    except LogUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    cp = result.checkpoint
    print(f"cosigned {cp.origin} at size {cp.size}, root {cp.root_hash.hex()}: {result.message}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    if args.command == "keygen":
        return _keygen(args)
    log_key = load_log_key(args.log_key)
    signer = _load_signer(args.key)
    try:
        client = LogClient(args.log, timeout=args.timeout)
    except ValueError as exc:
        raise _ConfigError(str(exc)) from exc
    if args.interval is None:
        return _round(client, signer, log_key, args)
    if args.interval <= 0:
        raise _ConfigError("--interval must be positive")
    while True:
        status = _round(client, signer, log_key, args)
        if status in (EXIT_ALARM, EXIT_USAGE):
            return status
        time.sleep(args.interval)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the witness command line; return the exit status, never a traceback on bad input."""
    args = parse_args(_build_parser(), argv)
    if isinstance(args, int):
        return args
    try:
        return _run(args)
    except _ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FileExistsError as exc:
        print(f"error: {exc.filename} already exists; not overwriting a key", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
