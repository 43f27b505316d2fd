"""The log's signing key and origin (Django side).

``KENES_LEDGER_KEY`` holds the private key string (``PRIVATE+KEY+<origin>+...``, see
kenes.ledger.merkle.keys); without it a key is generated once into ``DATA_DIR/ledger_key``
(mode 600). The origin — the log's name in every checkpoint — is ``KENES_LEDGER_ORIGIN``.

Key separation (``KENES_LEDGER_SIGNING=sequencer-only``, docs/security.md): only a process
that called :func:`allow_signing` — ``kenes ledger sequence`` and ``kenes seed-demo`` — may
open the private key; the web process never does, and reads only the public verifier key
(``KENES_LEDGER_VKEY``, or ``DATA_DIR/ledger_vkey`` that the sequencer writes). With the
default ``local`` any process may sign (development, single-host set-ups).
"""

from __future__ import annotations

import os
from functools import cache

from django.conf import settings

from kenes.ledger.merkle import generate_key, parse_private_key, parse_verifier_key
from kenes.ledger.merkle.keys import Ed25519Signer, format_verifier_key
from kenes.ledger.merkle.note import Verifier

_SIGNING_ALLOWED = False


class SigningRefused(RuntimeError):
    """This process may not open the log's signing key (KENES_LEDGER_SIGNING=sequencer-only)."""


def origin() -> str:
    return os.environ.get("KENES_LEDGER_ORIGIN", "kenes.local/ledger")


def sequencer_only() -> bool:
    return getattr(settings, "KENES_LEDGER_SIGNING", "local") == "sequencer-only"


def allow_signing() -> None:
    """Mark this process as the sequencer: it may open the signing key."""
    global _SIGNING_ALLOWED
    _SIGNING_ALLOWED = True


def may_sign() -> bool:
    return _SIGNING_ALLOWED or not sequencer_only()


@cache
def _signer() -> Ed25519Signer:
    raw = os.environ.get("KENES_LEDGER_KEY", "")
    if not raw:
        path = settings.DATA_DIR / "ledger_key"
        if not path.exists():
            skey, _vkey = generate_key(origin())
            path.write_text(skey + "\n")
            path.chmod(0o600)
        raw = path.read_text().strip()
    key = parse_private_key(raw)
    if not isinstance(key, Ed25519Signer):
        raise RuntimeError("KENES_LEDGER_KEY must be an Ed25519 (type 0x01) key")
    public = settings.DATA_DIR / "ledger_vkey"
    text = format_verifier_key(key.name, key.public_key) + "\n"
    if not public.exists() or public.read_text() != text:
        public.write_text(text)
    return key


def signer() -> Ed25519Signer:
    """Return the private signing key; raise SigningRefused in a process that may not sign."""
    if not may_sign():
        raise SigningRefused(
            "this process may not open the ledger signing key (KENES_LEDGER_SIGNING="
            "sequencer-only): checkpoints are signed by `kenes ledger sequence --loop`"
        )
    return _signer()


signer.cache_clear = _signer.cache_clear  # type: ignore[attr-defined]


def vkey() -> str:
    """Return the public verifier key string that verifiers and witnesses are given."""
    if env := os.environ.get("KENES_LEDGER_VKEY", "").strip():
        return env
    if may_sign():
        s = signer()
        return format_verifier_key(s.name, s.public_key)
    path = settings.DATA_DIR / "ledger_vkey"
    if not path.exists():
        raise SigningRefused(
            "the ledger's public key is unknown to this process: set KENES_LEDGER_VKEY or run "
            "`kenes ledger sequence` once (it writes DATA_DIR/ledger_vkey)"
        )
    return path.read_text().strip()


def verifier() -> Verifier:
    return parse_verifier_key(vkey())
