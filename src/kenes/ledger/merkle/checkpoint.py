"""Transparency log checkpoints (c2sp.org/tlog-checkpoint).

A checkpoint is the body of a signed note::

    <origin>
    <tree size in decimal, no leading zeroes>
    <base64 of the 32-byte root hash>
    [<extension line>...]

Parsing is strict: anything not exactly in this form raises
:class:`~.errors.CheckpointError`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .errors import CheckpointError
from .hashing import HASH_SIZE, MAX_TREE_SIZE
from .note import Note, Signer, Verifier, open_note, sign_note

__all__ = [
    "MAX_TREE_SIZE",
    "Checkpoint",
    "format_checkpoint",
    "open_checkpoint",
    "parse_checkpoint",
    "sign_checkpoint",
]

_SIZE_RE: Final = re.compile(r"0|[1-9][0-9]{0,19}")


def _check_line(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise CheckpointError(f"{what} must be a non-empty string")
    for ch in value:
        if ord(ch) < 0x20:
            raise CheckpointError(f"{what} contains the control character {ch!r}")
    return value


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Hold a log's origin, tree size, root hash and optional extension lines.

    Construction validates every field and raises :class:`CheckpointError`.
    """

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Check the preconditions of every field."""
        _check_line(self.origin, "origin")
        if not isinstance(self.size, int) or isinstance(self.size, bool):
            raise CheckpointError("tree size must be an integer")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.size} outside [0, 2**64 - 1]")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise CheckpointError(f"root hash must be {HASH_SIZE} bytes")
        if not isinstance(self.extensions, tuple):
            raise CheckpointError("extensions must be a tuple of strings")
        for ext in self.extensions:
            _check_line(ext, "extension line")

    def to_text(self) -> str:
        """Return the checkpoint note text, ending with a newline."""
        return format_checkpoint(self)


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """Return the note text of ``checkpoint``."""
    lines = [
        checkpoint.origin,
        str(checkpoint.size),
        base64.b64encode(checkpoint.root_hash).decode("ascii"),
        *checkpoint.extensions,
    ]
    return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text (without signatures).

    Raise :class:`CheckpointError` unless ``text`` has at least three non-empty
    newline-terminated lines: an origin, a canonical decimal size below 2**64
    and the canonical base64 of a 32-byte hash, followed by non-empty
    extension lines.
    """
    if not isinstance(text, str):
        raise CheckpointError(f"checkpoint must be a string, got {type(text).__name__}")
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError(f"checkpoint has {len(lines)} lines, want at least 3")
    origin, size_line, root_line, *extensions = lines
    _check_line(origin, "origin")
    if not _SIZE_RE.fullmatch(size_line):
        raise CheckpointError(f"tree size {size_line!r} is not a canonical decimal number")
    size = int(size_line)
    if size > MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {size} exceeds 2**64 - 1")
    try:
        root = base64.b64decode(root_line, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CheckpointError(f"root hash {root_line!r} is not valid base64") from exc
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"root hash has {len(root)} bytes, want {HASH_SIZE}")
    if base64.b64encode(root).decode("ascii") != root_line:
        raise CheckpointError(f"root hash {root_line!r} is not canonical base64")
    for ext in extensions:
        if not ext:
            raise CheckpointError("extension lines must not be empty")
    return Checkpoint(origin, size, root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Iterable[Signer]) -> str:
    """Return ``checkpoint`` as a signed note, signed by every signer."""
    return sign_note(format_checkpoint(checkpoint), signers)


def open_checkpoint(
    message: str | bytes, verifiers: Iterable[Verifier], *, origin: str | None = None
) -> tuple[Checkpoint, Note]:
    """Verify a signed checkpoint note and parse its body.

    Raise :class:`~.errors.NoteError` (or a subclass) if the note is malformed
    or not signed by a known key, :class:`CheckpointError` if its body is not a
    checkpoint or its origin differs from ``origin`` when one is given.
    """
    note = open_note(message, verifiers)
    checkpoint = parse_checkpoint(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(
            f"checkpoint origin {checkpoint.origin!r} is not the expected {origin!r}"
        )
    return checkpoint, note
