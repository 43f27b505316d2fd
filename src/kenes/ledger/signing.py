"""The log's signing key and origin (Django side).

``KENES_LEDGER_KEY`` holds the private key string (``PRIVATE+KEY+<origin>+...``, see
kenes.ledger.merkle.keys); without it a key is generated once into ``DATA_DIR/ledger_key``
(mode 600). The origin — the log's name in every checkpoint — is ``KENES_LEDGER_ORIGIN``.
"""

from __future__ import annotations

import os
from functools import cache

from django.conf import settings

from kenes.ledger.merkle import generate_key, parse_private_key, verifier_for
from kenes.ledger.merkle.keys import Ed25519Signer
from kenes.ledger.merkle.note import Verifier


def origin() -> str:
    return os.environ.get("KENES_LEDGER_ORIGIN", "kenes.local/ledger")


@cache
def signer() -> Ed25519Signer:
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
    return key


def verifier() -> Verifier:
    return verifier_for(signer())


def vkey() -> str:
    """Return the public verifier key string that verifiers and witnesses are given."""
    from kenes.ledger.merkle.keys import format_verifier_key

    s = signer()
    return format_verifier_key(s.name, s.public_key)
