"""Witnesses kept on this host for the demo and tests (``kenes seed-demo``,
``kenes ledger demo-witnesses``, ``kenes ledger cosign``).

Real witnesses run ``kenes witness run`` on other organisations' machines. For the demo and the
tests, two witness keys live under ``KENES_DATA_DIR/witnesses/<name>.key`` (mode 600) with
their state files; :func:`cosign_local` runs each one's round — the very same
``kenes.ledger.merkle.witness.witness_once`` (it checks the log only grows, then cosigns) —
against this log in-process instead of over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from kenes.ledger import selectors, signing, witnesses
from kenes.ledger.merkle import generate_key
from kenes.ledger.merkle.cosignature import COSIGNATURE_TYPE
from kenes.ledger.merkle.keys import Ed25519Verifier, parse_verifier_key
from kenes.ledger.merkle.witness import (
    LogUnavailableError,
    _load_signer,
    witness_once,
)
from kenes.ledger.models import Witness

DEMO_WITNESSES = ("witness-a.kenes.local", "witness-b.kenes.local")


def witness_dir() -> Path:
    path = settings.DATA_DIR / "witnesses"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


class LocalLog:
    """This log as a witness sees it over HTTP (``/checkpoint``, consistency proofs,
    ``/cosign``), answered in-process."""

    def get_text(self, path: str) -> str:
        if path != "/checkpoint":
            raise LogUnavailableError(f"unexpected path {path}", 404)
        latest = selectors.checkpoint_latest()
        if latest is None:
            raise LogUnavailableError("the ledger has no checkpoint yet", 404)
        return witnesses.cosigned_note(latest)

    def get_json(self, path: str) -> object:
        parts = urlsplit(path)
        if parts.path != "/proof/consistency":
            raise LogUnavailableError(f"unexpected path {path}", 404)
        query = parse_qs(parts.query)
        try:
            proof = selectors.proof_consistency(
                size1=int(query["from"][0]), size2=int(query["to"][0])
            )
        except (KeyError, ValueError) as exc:
            raise LogUnavailableError(str(exc), 422) from exc
        return {"proof": [h.hex() for h in proof]}

    def post_json(self, path: str, doc: object) -> tuple[int, str]:
        assert path == "/cosign" and isinstance(doc, dict)
        try:
            row, _created = witnesses.cosignature_record(
                checkpoint_note=str(doc["checkpoint"]),
                witness_name=str(doc["witness"]),
                signature_line=str(doc["signature"]),
            )
        except witnesses.CosignatureRejected as exc:
            return exc.status, str(exc)
        return 200, json.dumps({"size": row.checkpoint.size})


def demo_witnesses_ensure(names: tuple[str, ...] = DEMO_WITNESSES) -> list[Witness]:
    """Create (once) a key for each demo witness under DATA_DIR/witnesses and register it."""
    out = []
    for name in names:
        key_file = witness_dir() / f"{name}.key"
        vkey_file = witness_dir() / f"{name}.vkey"
        if not key_file.exists():
            skey, vkey = generate_key(name, COSIGNATURE_TYPE)
            key_file.write_text(skey + "\n")
            key_file.chmod(0o600)
            vkey_file.write_text(vkey + "\n")
        witness = Witness.objects.filter(name=name).first()
        if witness is None:
            witness = witnesses.witness_add(
                actor=None,
                name=name,
                vkey=vkey_file.read_text().strip(),
                organisation="Демо-куәгер осы серверде · демо-свидетель на этом сервере",
            )
        out.append(witness)
    return out


def cosign_local() -> list[str]:
    """Run one round of every witness whose key is under DATA_DIR/witnesses; return messages.

    Raises ``kenes.ledger.merkle.witness.WitnessAlarm`` when the log did not only grow.
    """
    log_key = parse_verifier_key(signing.vkey())
    assert isinstance(log_key, Ed25519Verifier)
    messages = []
    for key_file in sorted(witness_dir().glob("*.key")):
        signer = _load_signer(str(key_file))
        state = key_file.with_suffix(".state.json")
        result = witness_once(LocalLog(), signer, log_key, state, log_url="local")
        messages.append(f"{signer.name}: {result.message}")
    return messages
