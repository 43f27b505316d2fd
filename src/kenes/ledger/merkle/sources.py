"""Where a verifier reads the ledger: a live log over HTTP or a directory of exported tiles."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import ProofError, ReceiptError, TileError
from .proof import consistency_proof, inclusion_proof
from .tiles import TileHashStore, read_entries
from .witness import LogClient, LogUnavailableError

__all__ = ["DirLogSource", "HttpLogSource", "LogEntry", "LogSource"]


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
