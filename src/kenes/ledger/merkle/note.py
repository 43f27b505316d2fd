"""Signed notes (c2sp.org/signed-note): format, sign and verify.

A signed note is a UTF-8 text ending in a newline, a blank line, and one or
more signature lines ``— <key name> base64(key ID || signature)``.  This module
is algorithm-agnostic: it works with any :class:`Signer`/:class:`Verifier`
(see :mod:`.keys` for Ed25519 and :mod:`.cosignature` for witness
cosignatures).  Parsing untrusted notes raises only :class:`~.errors.NoteError`
and its subclasses.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Final, Protocol, runtime_checkable

from .errors import InvalidSignatureError, KeyFormatError, NoteError, UnverifiedNoteError

__all__ = [
    "MAX_NOTE_SIZE",
    "MAX_SIGNATURES",
    "SIGNATURE_DASH",
    "Note",
    "NoteSignature",
    "Signer",
    "Verifier",
    "check_key_name",
    "compute_key_id",
    "format_note",
    "open_note",
    "parse_note",
    "sign_note",
]

SIGNATURE_DASH: Final = "\u2014"
"""The em dash that starts every signature line."""

MAX_NOTE_SIZE: Final = 1 << 20
"""Largest note accepted, in bytes of UTF-8."""

MAX_SIGNATURES: Final = 100
"""Largest number of signature lines accepted (the spec requires at least 16)."""


@runtime_checkable
class Signer(Protocol):
    """Produce note signatures for one key (name, 32-bit key ID, algorithm)."""

    @property
    def name(self) -> str:
        """Return the key name."""
        ...

    @property
    def key_id(self) -> int:
        """Return the 32-bit key ID."""
        ...

    def sign(self, message: bytes) -> bytes:
        """Return the signature of the UTF-8 note text ``message`` (without key ID)."""
        ...


@runtime_checkable
class Verifier(Protocol):
    """Check note signatures for one key (name, 32-bit key ID, algorithm)."""

    @property
    def name(self) -> str:
        """Return the key name."""
        ...

    @property
    def key_id(self) -> int:
        """Return the 32-bit key ID."""
        ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` (without key ID) signs the note text ``message``.

        May raise :class:`~.errors.NoteError` for a signature that is malformed
        in an algorithm-specific way.
        """
        ...


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """Hold one signature line: key name, key ID and the raw signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """Return the signature line, including the final newline."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIGNATURE_DASH} {self.name} {base64.b64encode(blob).decode('ascii')}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """Hold a note's text and its signatures.

    After :func:`open_note`, ``signatures`` are the verified signatures from
    known keys and ``unverified`` the signatures from unknown keys, which must
    be ignored for trust decisions.  After :func:`parse_note` nothing is
    verified and every signature is in ``unverified``.
    """

    text: str
    signatures: tuple[NoteSignature, ...] = ()
    unverified: tuple[NoteSignature, ...] = ()


def check_key_name(name: object) -> str:
    """Return ``name`` if it is a valid key name, else raise :class:`KeyFormatError`.

    A key name is a non-empty string without Unicode spaces, ``+`` or control
    characters.
    """
    if not isinstance(name, str) or not name:
        raise KeyFormatError("key name must be a non-empty string")
    for ch in name:
        if ch.isspace() or ch == "+" or ord(ch) < 0x20 or ch == "\x7f":
            raise KeyFormatError(f"key name {name!r} contains a space, '+' or control character")
    return name


def compute_key_id(name: str, signature_type: int, public_key: bytes) -> int:
    """Return the key ID ``SHA-256(name || 0x0A || type || public key)[:4]`` as an integer.

    Preconditions: ``name`` is a valid key name and ``0 <= signature_type < 256``
    (raises :class:`KeyFormatError`).
    """
    check_key_name(name)
    if not 0 <= signature_type < 256:
        raise KeyFormatError(f"signature type {signature_type} is not a byte")
    digest = sha256(name.encode("utf-8") + b"\n" + bytes((signature_type,)) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def _check_text(text: str, what: str) -> None:
    for ch in text:
        if ord(ch) < 0x20 and ch != "\n":
            raise NoteError(f"{what} contains the control character {ch!r}")


def _check_note_text(text: object) -> str:
    if not isinstance(text, str):
        raise NoteError(f"note text must be a string, got {type(text).__name__}")
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_NOTE_SIZE:
        raise NoteError(f"note text is longer than {MAX_NOTE_SIZE} bytes")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError("note text is not valid Unicode") from exc
    _check_text(text, "note text")
    return text


def format_note(text: str, signatures: Iterable[NoteSignature]) -> str:
    """Return the signed note made of ``text``, a blank line and the signature lines.

    Preconditions: ``text`` is a valid note text (ends with a newline, no control
    characters but newlines) and there is at least one signature (raises
    :class:`NoteError`).
    """
    _check_note_text(text)
    lines = [sig.line() for sig in signatures]
    if not lines:
        raise NoteError("a signed note needs at least one signature")
    return text + "\n" + "".join(lines)


def sign_note(text: str, signers: Iterable[Signer], existing: Iterable[NoteSignature] = ()) -> str:
    """Sign ``text`` with every signer and return the signed note.

    ``existing`` signatures (for instance those of an opened note being
    cosigned) are kept in front of the new ones.  Preconditions: ``text`` is a
    valid note text and signer names are valid key names (raises
    :class:`NoteError`).
    """
    _check_note_text(text)
    message = text.encode("utf-8")
    sigs = list(existing)
    for signer in signers:
        name = check_key_name(signer.name)
        sigs.append(NoteSignature(name, signer.key_id, signer.sign(message)))
    return format_note(text, sigs)


def _decode_message(message: object) -> str:
    if isinstance(message, bytes | bytearray):
        if len(message) > MAX_NOTE_SIZE:
            raise NoteError(f"note is longer than {MAX_NOTE_SIZE} bytes")
        try:
            return bytes(message).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("note is not valid UTF-8") from exc
    if isinstance(message, str):
        try:
            size = len(message.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise NoteError("note is not valid Unicode") from exc
        if size > MAX_NOTE_SIZE:
            raise NoteError(f"note is longer than {MAX_NOTE_SIZE} bytes")
        return message
    raise NoteError(f"note must be str or bytes, got {type(message).__name__}")


def _parse_signature_line(line: str, number: int) -> NoteSignature:
    prefix = SIGNATURE_DASH + " "
    if not line.startswith(prefix):
        raise NoteError(f"signature line {number} does not start with '{prefix}'")
    parts = line[len(prefix) :].split(" ")
    if len(parts) != 2:
        raise NoteError(f"signature line {number} is not '— <name> <base64>'")
    name, encoded = parts
    try:
        check_key_name(name)
    except KeyFormatError as exc:
        raise NoteError(f"signature line {number}: {exc}") from exc
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"signature line {number} has invalid base64") from exc
    if base64.b64encode(blob).decode("ascii") != encoded:
        raise NoteError(f"signature line {number} has non-canonical base64")
    if len(blob) < 5:
        raise NoteError(f"signature line {number} is too short")
    return NoteSignature(name, int.from_bytes(blob[:4], "big"), blob[4:])


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into text and signatures without verifying anything.

    Raise :class:`NoteError` if ``message`` is not valid UTF-8, is too large,
    contains control characters, lacks the blank separator line, or has a
    malformed or missing signature line.
    """
    msg = _decode_message(message)
    _check_text(msg, "note")
    split = msg.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, block = msg[: split + 1], msg[split + 2 :]
    if not block:
        raise NoteError("note has no signatures")
    if not block.endswith("\n"):
        raise NoteError("note does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    sigs = tuple(_parse_signature_line(line, i + 1) for i, line in enumerate(lines))
    return Note(text=text, unverified=sigs)


def open_note(message: str | bytes, verifiers: Iterable[Verifier]) -> Note:
    """Parse a signed note and verify its signatures against known keys.

    Signatures whose (name, key ID) match no verifier are ignored (returned in
    ``Note.unverified``).  Raise :class:`InvalidSignatureError` if a signature
    from a known key fails, :class:`UnverifiedNoteError` if no known key signed,
    and :class:`NoteError` for malformed notes or ambiguous verifiers.
    """
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        key = (verifier.name, verifier.key_id)
        if key in known:
            raise NoteError(f"two verifiers share name {key[0]!r} and key ID {key[1]:08x}")
        known[key] = verifier
    parsed = parse_note(message)
    message_bytes = parsed.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unknown: list[NoteSignature] = []
    for sig in parsed.unverified:
        match = known.get((sig.name, sig.key_id))
        if match is None:
            if sig not in unknown:
                unknown.append(sig)
            continue
        if not match.verify(message_bytes, sig.signature):
            raise InvalidSignatureError(
                f"signature by {sig.name} (key ID {sig.key_id:08x}) does not verify"
            )
        if sig not in verified:
            verified.append(sig)
    if not verified:
        raise UnverifiedNoteError("note has no valid signature from a known key")
    return Note(text=parsed.text, signatures=tuple(verified), unverified=tuple(unknown))
