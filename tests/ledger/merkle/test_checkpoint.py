"""Checkpoints (c2sp.org/tlog-checkpoint) and cosignatures (c2sp.org/tlog-cosignature)."""

from __future__ import annotations

import base64
from hashlib import sha256

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from kenes.ledger.merkle import (
    COSIGNATURE_TYPE,
    Checkpoint,
    CheckpointError,
    CosignatureError,
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    InvalidSignatureError,
    NoteError,
    UnverifiedNoteError,
    cosignature_timestamp,
    cosignatures,
    cosigned_message,
    format_verifier_key,
    generate_key,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_private_key,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_for,
)

SPEC_EXAMPLE = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
ROOT = sha256(b"root").digest()


def test_parse_spec_example() -> None:
    cp = parse_checkpoint(SPEC_EXAMPLE)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert base64.b64encode(cp.root_hash).decode() == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert cp.extensions == ()
    assert cp.to_text() == SPEC_EXAMPLE


def test_extensions_round_trip() -> None:
    cp = Checkpoint("kenes.example/log", 0, ROOT, ("ext one", "ext two"))
    assert parse_checkpoint(cp.to_text()) == cp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "origin\n5\n",
        "origin\n5\n" + base64.b64encode(ROOT).decode(),  # no final newline
        "\n5\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n05\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n-5\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n+5\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n 5\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n\u0665\n" + base64.b64encode(ROOT).decode() + "\n",  # Arabic-Indic digit
        "origin\n18446744073709551616\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n5\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "origin\n5\n" + base64.b64encode(ROOT).decode().rstrip("=") + "\n",
        "origin\n5\n" + ROOT.hex() + "\n",
        "origin\n5\n" + base64.b64encode(ROOT).decode() + "\n\n",  # empty extension line
        "origin\n5\n" + base64.b64encode(ROOT).decode() + "\next\n\n",
        "ori\x00gin\n5\n" + base64.b64encode(ROOT).decode() + "\n",
    ],
)
def test_checkpoint_parse_errors(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse_checkpoint(text)


def test_max_size_and_field_validation() -> None:
    text = f"o\n{2**64 - 1}\n{base64.b64encode(ROOT).decode()}\n"
    assert parse_checkpoint(text).size == 2**64 - 1
    for bad in [("", 1, ROOT), ("o", -1, ROOT), ("o", 2**64, ROOT), ("o", 1, ROOT[:5])]:
        with pytest.raises(CheckpointError):
            Checkpoint(*bad)
    with pytest.raises(CheckpointError):
        Checkpoint("o", 1, ROOT, ("",))


@given(st.text(max_size=120))
def test_parse_checkpoint_never_raises_untyped(text: str) -> None:
    try:
        parse_checkpoint(text)
    except CheckpointError:
        pass


def test_sign_and_open_checkpoint() -> None:
    log = Ed25519Signer("kenes.example/log", Ed25519PrivateKey.generate())
    cp = Checkpoint("kenes.example/log", 42, ROOT)
    note = sign_checkpoint(cp, [log])
    got, opened = open_checkpoint(note, [verifier_for(log)], origin="kenes.example/log")
    assert got == cp
    assert opened.signatures[0].name == "kenes.example/log"
    with pytest.raises(CheckpointError):
        open_checkpoint(note, [verifier_for(log)], origin="other.example/log")
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(note, [])
    bad_body = sign_note("not\na checkpoint\n", [log])
    with pytest.raises(CheckpointError):
        open_checkpoint(bad_body, [verifier_for(log)])


# --------------------------------------------------------------------------- cosignatures


def _cosigner(name: str = "witness.example/w1", now: int = 1_700_000_000) -> CosignatureSigner:
    return CosignatureSigner(name, Ed25519PrivateKey.generate(), clock=lambda: now)


def test_cosigned_message_format() -> None:
    assert cosigned_message(SPEC_EXAMPLE, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\n" + SPEC_EXAMPLE.encode()
    )
    with pytest.raises(CosignatureError):
        cosigned_message(SPEC_EXAMPLE, 2**63)
    with pytest.raises(CosignatureError):
        cosigned_message(SPEC_EXAMPLE, -1)
    with pytest.raises(CheckpointError):
        cosigned_message("not a checkpoint\n", 1)


def test_cosignature_round_trip() -> None:
    log = Ed25519Signer("kenes.example/log", Ed25519PrivateKey.generate())
    witness = _cosigner()
    cp = Checkpoint("kenes.example/log", 7, ROOT)
    signed = sign_checkpoint(cp, [log])
    parsed = parse_note(signed)
    cosigned = sign_note(parsed.text, [witness], existing=parsed.unverified)
    wv = CosignatureVerifier(witness.name, witness.public_key)
    note = open_note(cosigned, [verifier_for(log), wv])
    assert len(note.signatures) == 2
    [cosig] = cosignatures(note, [wv])
    assert (cosig.name, cosig.timestamp) == (witness.name, 1_700_000_000)
    raw = note.signatures[1].signature
    assert len(raw) == 72 and cosignature_timestamp(raw) == 1_700_000_000
    # Key ID uses signature type 0x04.
    expected = sha256(witness.name.encode() + b"\n\x04" + witness.public_key).digest()[:4]
    assert witness.key_id == wv.key_id == int.from_bytes(expected, "big")
    # The cosignature alone does not verify as an ordinary Ed25519 note signature.
    assert not wv.verify(parsed.text.encode(), raw[:8] + bytes(64))


def test_cosigner_keys_as_strings() -> None:
    skey, vkey = generate_key("witness.example/w2", COSIGNATURE_TYPE)
    signer = parse_private_key(skey)
    verifier = parse_verifier_key(vkey)
    assert isinstance(signer, CosignatureSigner)
    assert isinstance(verifier, CosignatureVerifier)
    assert vkey == format_verifier_key(signer.name, signer.public_key, COSIGNATURE_TYPE)
    note = sign_note(SPEC_EXAMPLE, [signer])
    assert open_note(note, [verifier]).text == SPEC_EXAMPLE


def _with_timestamp(note: str, timestamp: int) -> str:
    parsed = parse_note(note)
    sig = parsed.unverified[0]
    new = type(sig)(sig.name, sig.key_id, timestamp.to_bytes(8, "big") + sig.signature[8:])
    return parsed.text + "\n" + new.line()


def test_bad_timestamps() -> None:
    witness = _cosigner()
    wv = CosignatureVerifier(witness.name, witness.public_key)
    note = sign_note(SPEC_EXAMPLE, [witness])
    with pytest.raises(InvalidSignatureError):  # timestamp changed after signing
        open_note(_with_timestamp(note, 1_700_000_001), [wv])
    with pytest.raises(CosignatureError):  # above 2**63 - 1
        open_note(_with_timestamp(note, 2**63), [wv])
    future = CosignatureVerifier(
        witness.name, witness.public_key, max_future_seconds=60, clock=lambda: 1_700_000_000 - 3600
    )
    with pytest.raises(CosignatureError):
        open_note(note, [future])
    ok = CosignatureVerifier(
        witness.name, witness.public_key, max_future_seconds=60, clock=lambda: 1_700_000_000
    )
    assert open_note(note, [ok]).signatures
    truncated = parse_note(note)
    sig = truncated.unverified[0]
    short = type(sig)(sig.name, sig.key_id, sig.signature[:70]).line()
    with pytest.raises(NoteError):
        open_note(truncated.text + "\n" + short, [wv])


def test_cosigner_refuses_non_checkpoints() -> None:
    with pytest.raises(CheckpointError):
        sign_note("hello\n", [_cosigner()])
    witness = _cosigner()
    wv = CosignatureVerifier(witness.name, witness.public_key)
    assert not wv.verify(b"hello\n", b"\0" * 72)
