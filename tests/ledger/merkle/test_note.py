"""Signed notes and Ed25519 keys (c2sp.org/signed-note)."""

from __future__ import annotations

import base64
from hashlib import sha256

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from kenes.ledger.merkle import (
    Ed25519Signer,
    Ed25519Verifier,
    InvalidSignatureError,
    KeyFormatError,
    NoteError,
    NoteSignature,
    UnverifiedNoteError,
    check_key_name,
    compute_key_id,
    format_private_key,
    format_verifier_key,
    generate_key,
    open_note,
    parse_note,
    parse_private_key,
    parse_verifier_key,
    sign_note,
    verifier_for,
)

# Reference vector from golang.org/x/mod/sumdb/note (note_test.go and package docs).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def _signer(name: str = "example.com/log") -> Ed25519Signer:
    return Ed25519Signer(name, Ed25519PrivateKey.generate())


def test_go_reference_vector() -> None:
    signer = parse_private_key(GO_SKEY)
    verifier = parse_verifier_key(GO_VKEY)
    assert (signer.name, signer.key_id) == ("PeterNeumann", 0xC74F20A3)
    assert sign_note(GO_TEXT, [signer]) == GO_TEXT + "\n" + GO_SIG
    note = open_note(GO_TEXT + "\n" + GO_SIG, [verifier])
    assert note.text == GO_TEXT
    assert [s.name for s in note.signatures] == ["PeterNeumann"]


def test_key_id_follows_the_spec() -> None:
    signer = _signer("kenes.example/ledger")
    expected = sha256(b"kenes.example/ledger\n\x01" + signer.public_key).digest()[:4]
    assert signer.key_id == int.from_bytes(expected, "big")
    vkey = format_verifier_key(signer.name, signer.public_key)
    name, key_id, blob = vkey.split("+", 2)
    assert name == "kenes.example/ledger"
    assert key_id == expected.hex()
    assert base64.b64decode(blob) == b"\x01" + signer.public_key


def test_generate_and_round_trip_keys() -> None:
    skey, vkey = generate_key("kenes.example/ledger")
    assert skey.startswith("PRIVATE+KEY+kenes.example/ledger+")
    signer = parse_private_key(skey)
    verifier = parse_verifier_key(vkey)
    assert isinstance(signer, Ed25519Signer)
    assert isinstance(verifier, Ed25519Verifier)
    assert verifier_for(signer).key_id == verifier.key_id
    note = sign_note("hello\n", [signer])
    assert open_note(note, [verifier]).text == "hello\n"
    assert parse_private_key(skey + "\n").key_id == signer.key_id


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "PeterNeumann+c74f20a3+BRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+extra",
    ],
)
def test_bad_verifier_keys(vkey: str) -> None:
    with pytest.raises(KeyFormatError):
        parse_verifier_key(vkey)


@given(st.integers(0, len(GO_VKEY) - 1), st.integers(1, 5))
def test_mangled_verifier_keys_are_rejected(start: int, length: int) -> None:
    mangled = GO_VKEY[:start] + GO_VKEY[start + length :]
    with pytest.raises(KeyFormatError):
        parse_verifier_key(mangled)


def test_bad_private_keys() -> None:
    for skey in ["", GO_VKEY, GO_SKEY.replace("c74f20a3", "c74f20a4"), "PRIVATE+KEY+x+y+z"]:
        with pytest.raises(KeyFormatError):
            parse_private_key(skey)
    with pytest.raises(KeyFormatError):
        format_private_key("bad name", b"\0" * 32)
    with pytest.raises(KeyFormatError):
        format_private_key("ok", b"\0" * 31)
    with pytest.raises(KeyFormatError):
        format_verifier_key("ok", b"\0" * 32, 0x02)


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\u00a0b", "tab\there", "nl\n"])
def test_bad_key_names(name: str) -> None:
    with pytest.raises(KeyFormatError):
        check_key_name(name)
    with pytest.raises(KeyFormatError):
        compute_key_id(name, 1, b"\0" * 32)


def test_multiple_signatures_and_unknown_keys() -> None:
    log, other, stranger = _signer("log"), _signer("other"), _signer("stranger")
    note = sign_note("body\n", [log, other, stranger])
    opened = open_note(note, [verifier_for(log), verifier_for(other)])
    assert [s.name for s in opened.signatures] == ["log", "other"]
    assert [s.name for s in opened.unverified] == ["stranger"]
    # Same name but a different key is unknown, not invalid.
    impostor = _signer("log")
    opened = open_note(
        sign_note("body\n", [impostor, other]), [verifier_for(log), verifier_for(other)]
    )
    assert [s.name for s in opened.signatures] == ["other"]


def test_cosigning_keeps_existing_signatures() -> None:
    log, witness = _signer("log"), _signer("witness")
    first = parse_note(sign_note("body\n", [log]))
    both = sign_note(first.text, [witness], existing=first.unverified)
    opened = open_note(both, [verifier_for(log), verifier_for(witness)])
    assert [s.name for s in opened.signatures] == ["log", "witness"]


def test_tampered_text_wrong_key_and_no_known_key() -> None:
    log = _signer()
    note = sign_note("size 10\n", [log])
    with pytest.raises(InvalidSignatureError):
        open_note(note.replace("10", "11"), [verifier_for(log)])
    with pytest.raises(UnverifiedNoteError):
        open_note(note, [verifier_for(_signer("someone.else"))])
    with pytest.raises(UnverifiedNoteError):
        open_note(note, [])
    # A known name and key ID whose key does not match is an invalid signature.
    sig = parse_note(note).unverified[0]
    forged = NoteSignature(sig.name, sig.key_id, bytes(64)).line()
    with pytest.raises(InvalidSignatureError):
        open_note("size 10\n\n" + forged, [verifier_for(log)])


def test_ambiguous_verifiers() -> None:
    log = _signer()
    with pytest.raises(NoteError):
        open_note(sign_note("x\n", [log]), [verifier_for(log), verifier_for(log)])


def test_blank_lines_in_text() -> None:
    log = _signer()
    text = "para one\n\npara two\n"
    assert open_note(sign_note(text, [log]), [verifier_for(log)]).text == text


MALFORMED = [
    "no signatures at all\n",
    "text\n\n",
    "text\n\n\u2014 log AAAAAAA=",  # no final newline
    "text\n\n- log AAAAAAAA\n",  # hyphen instead of em dash
    "text\n\n\u2014 log\n",
    "text\n\n\u2014 log AAAA AAAA\n",
    "text\n\n\u2014  log AAAAAAAA\n",
    "text\n\n\u2014 log !!!!\n",
    "text\n\n\u2014 log AAAAAA==\n",  # 4 bytes: key ID without signature
    "text\n\n\u2014 log AAAAAAAB\n",  # non-canonical base64
    "text\n\n\u2014 lo+g AAAAAAAA\n",
    "text\n\n\u2014 log AAAAAAAA\n\n",
    "te\x01xt\n\n\u2014 log AAAAAAAA\n",
    "text\r\n\n\u2014 log AAAAAAAA\n",
    "text\n\n\u2014 log AAAAAAAA\nnot a signature\n",
]


@pytest.mark.parametrize("message", MALFORMED)
def test_malformed_notes(message: str) -> None:
    with pytest.raises(NoteError):
        open_note(message, [verifier_for(_signer("log"))])


def test_malformed_bytes_and_limits() -> None:
    with pytest.raises(NoteError):
        parse_note(b"\xff\xfe\n\n\xe2\x80\x94 log AAAAAAAA\n")
    with pytest.raises(NoteError):
        parse_note("x" * (1 << 20) + "\n\n\u2014 log AAAAAAAA\n")
    too_many = "text\n\n" + "\u2014 log AAAAAAAA\n" * 101
    with pytest.raises(NoteError):
        parse_note(too_many)
    assert len(parse_note("text\n\n" + "\u2014 log AAAAAAAA\n" * 16).unverified) == 16
    with pytest.raises(NoteError):
        parse_note(12)  # type: ignore[arg-type]


def test_sign_preconditions() -> None:
    log = _signer()
    for text in ["no newline", "ctrl\x07\n", ""]:
        with pytest.raises(NoteError):
            sign_note(text, [log])
    with pytest.raises(NoteError):
        sign_note("x\n", [])


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200))
def test_parse_note_never_raises_untyped(message: str) -> None:
    try:
        parse_note(message)
    except NoteError:
        pass


@given(st.binary(max_size=300))
def test_open_note_bytes_never_raises_untyped(message: bytes) -> None:
    try:
        open_note(b"x\n\n\xe2\x80\x94 log " + message, [verifier_for(_signer("log"))])
    except NoteError:
        pass
